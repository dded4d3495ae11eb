//! The interpreter's state outside the handlers' registers, and the
//! untyped paths they share: entering a frame, calling, returning.
//!
//! Handlers keep `ip`, `fp` and memory 0's base and length in registers
//! and reach everything else through one [`Exec`]. Nothing here depends on
//! the store's data type, so the handlers are compiled once; what needs the
//! typed store (host functions, compiled code, callbacks, limiters) is
//! handed to the driver in `exec.rs` as a [`Slow`] request.
//!
//! The invariants the handlers rely on:
//! - `fp` points at the running frame, whose cells were bounds-checked
//!   against the value stack when it was entered; every register operand is
//!   below the frame's size by construction of the allocator.
//! - `ip` points into the running function's code, owned by its module,
//!   which the instance (and so the store) keeps alive.
//! - `mem`/`mem_len` describe memory 0 of the running instance; whatever can
//!   grow memory or switch instances updates them in [`Exec`], from which
//!   handlers reload them.

use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use crate::error::{Error, TrapCode};
use crate::ir::{FuncBody, Op, Reg, Slot};
use crate::module::ModuleInner;
use crate::runtime::call_targets::{TargetsView, NO_TARGETS};
use crate::runtime::store::{FuncEntity, StoreInner};

/// The instruction pointer of the running function.
pub(crate) type Ip = *const Slot;

/// Why the handlers handed control back to the driver.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Flow {
    /// Go on at [`Exec::ip`] (each instruction under the portable dispatch;
    /// after a call or return under the threaded one).
    Next,
    /// The entry frame returned.
    Done,
    /// Execution trapped with [`Exec::trap`].
    Trap,
    /// Execution failed with [`Exec::error`].
    Error,
    /// The driver must do [`Exec::slow`], then go on at [`Exec::ip`].
    Slow,
}

/// Work that needs the typed store, done by the driver.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Slow {
    /// Call compiled function `def` of `instance` at `entry`; the call's
    /// operand words start at `ip`.
    CallCompiled {
        instance: u32,
        def: u32,
        entry: usize,
    },
    /// Call host function `host`; the call's operand words start at `ip`.
    CallHost {
        host: u32,
        params: u32,
        results: u32,
    },
    /// Tail-call compiled function `def` of `instance` at `entry`, whose
    /// arguments are in the running frame's first cells; then return from
    /// the running function. From the entry frame the driver's caller
    /// makes the call instead (`interp::CompiledTail`).
    TailCallCompiled {
        instance: u32,
        def: u32,
        entry: usize,
    },
    /// Tail-call host function `host`, whose arguments are in the running
    /// frame's first cells; then return from the running function.
    TailCallHost {
        host: u32,
        params: u32,
        results: u32,
    },
    /// The epoch deadline was reached.
    Epoch,
    /// Continue the running function in compiled code at `entry` (a loop's
    /// OSR entry), then return from it.
    Osr { entry: usize },
    /// `memory.grow` of the running instance's memory `memory`.
    /// `delta` is the operand's cell, as [`growth::index_operand`] takes it.
    ///
    /// [`growth::index_operand`]: crate::runtime::growth::index_operand
    MemoryGrow { dst: Reg, delta: u64, memory: u16 },
    /// `table.grow`.
    TableGrow {
        dst: Reg,
        table: u32,
        init: u64,
        /// The operand's cell, as `MemoryGrow`'s.
        delta: u64,
    },
}

/// A suspended caller.
pub(crate) struct Frame {
    /// Where to resume: the caller's `results` words.
    pub ip: Ip,
    pub body: *const FuncBody,
    /// The caller's frame.
    pub fp: *mut u64,
    pub instance: u32,
}

impl Frame {
    /// The caller's defined function index.
    pub fn def(&self) -> u32 {
        // SAFETY: a frame's body belongs to a module its store keeps alive.
        unsafe { (*self.body).def }
    }
}

/// Everything the handlers reach through memory.
pub(crate) struct Exec {
    /// The store; re-derived by the driver whenever it used the store itself.
    pub inner: *mut StoreInner,
    /// Where to go on after returning to the driver.
    pub ip: Ip,
    pub fp: *mut u64,
    pub mem: *mut u8,
    pub mem_len: u64,
    /// The accumulator (`ir::acc`) across a return to the driver's loop,
    /// under the portable dispatch.
    pub acc: u64,

    // The running function and its instance's caches.
    pub instance: u32,
    pub body: *const FuncBody,
    pub module: *const ModuleInner,
    /// The module's translated bodies by defined index (`Bodies::ready_table`).
    pub ready: *const AtomicPtr<FuncBody>,
    pub globals: *const *mut u64,
    pub call_counts: *mut u64,
    pub loop_counts: *mut u64,
    /// The `call_indirect` targets of the instance's table 0.
    pub table0: *const TargetsView,

    /// Whether back-edges take the slow path: they are counted (tiering)
    /// or check the epoch deadline.
    pub watch_back_edges: bool,
    pub frames: Vec<Frame>,
    pub stack: *mut u64,
    pub stack_len: usize,
    /// The cell past the value stack.
    pub stack_end: *mut u64,
    pub max_depth: usize,
    /// The store's call depth outside this run (`StoreInner::depth`, which
    /// is not updated for each interpreted call: the running depth is
    /// `depth0 + 1 + frames.len()`, written back by [`Exec::sync_depth`]
    /// before anything else can read it).
    pub depth0: usize,
    /// How many frames `max_depth` allows this run to suspend.
    pub depth_limit: usize,
    /// Frames that may be pushed without growing `frames` or exceeding
    /// `depth_limit`: the calls' one check.
    pub frame_limit: usize,

    pub tiered: bool,
    pub jit_enabled: bool,
    pub epochs: bool,
    pub tier_back_edges: u64,
    pub epoch: *const AtomicU64,

    pub trap: TrapCode,
    pub error: Option<Error>,
    pub slow: Slow,
}

impl Exec {
    /// State for running wasm of `instance` in the store.
    pub fn new(inner: &mut StoreInner, instance: u32) -> Exec {
        let config = inner.engine.config();
        let tiered = config.strategy == crate::Strategy::Tiered;
        let jit_enabled = config.strategy != crate::Strategy::Interpreter;
        let epochs = config.epoch_interruption;
        let max_depth = config.max_call_depth;
        let tier_back_edges = config.tier_up_back_edges;
        let epoch: *const AtomicU64 = inner.engine.epoch_counter();
        let (stack, stack_len) = (inner.stack.ptr(0), inner.stack.len());
        let depth0 = inner.depth;
        let mut cx = Exec {
            inner,
            ip: std::ptr::null(),
            fp: std::ptr::null_mut(),
            mem: std::ptr::null_mut(),
            mem_len: 0,
            acc: 0,
            instance,
            body: std::ptr::null(),
            module: std::ptr::null(),
            ready: std::ptr::null(),
            globals: std::ptr::null(),
            call_counts: std::ptr::null_mut(),
            loop_counts: std::ptr::null_mut(),
            table0: &NO_TARGETS,
            watch_back_edges: tiered || epochs,
            frames: Vec::new(),
            stack,
            stack_len,
            // SAFETY: one past the stack's cells.
            stack_end: unsafe { stack.add(stack_len) },
            max_depth,
            depth0,
            depth_limit: 0,
            frame_limit: 0,
            tiered,
            jit_enabled,
            epochs,
            tier_back_edges,
            epoch,
            trap: TrapCode::Unreachable,
            error: None,
            slow: Slow::Epoch,
        };
        // SAFETY: `inner` was just set from a live reference.
        unsafe { cx.switch_instance(instance) };
        cx
    }

    /// Points the instance caches at `instance`.
    ///
    /// # Safety
    /// `self.inner` must be live and `instance` one of its instances.
    pub unsafe fn switch_instance(&mut self, instance: u32) {
        // SAFETY: the caller guarantees the store is live.
        let inner = unsafe { &mut *self.inner };
        let inst = &mut inner.instances[instance as usize];
        self.instance = instance;
        self.module = &*inst.module.inner;
        self.ready = inst.module.inner.bodies.ready_table();
        self.globals = inst.global_ptrs.as_ptr();
        self.call_counts = inst.call_counts.as_mut_ptr();
        self.loop_counts = inst.loop_counts.as_mut_ptr();
        self.table0 = inst.vmctx.table0;
        // SAFETY: as above.
        unsafe { self.refresh_memory() };
    }

    /// [`Exec::switch_instance`], out of the return path's line.
    ///
    /// # Safety
    /// As [`Exec::switch_instance`].
    #[cold]
    #[inline(never)]
    pub unsafe fn switch_back(&mut self, instance: u32) {
        // SAFETY: as the function's contract.
        unsafe { self.switch_instance(instance) }
    }

    /// Switches the instance caches back to `instance` if they were switched
    /// away from it.
    ///
    /// # Safety
    /// As [`Exec::switch_instance`].
    pub unsafe fn switch_back_to(&mut self, instance: u32) {
        if instance != self.instance {
            // SAFETY: as the function's contract.
            unsafe { self.switch_back(instance) }
        }
    }

    /// Reloads memory 0's base and length, which a grow may have changed.
    ///
    /// # Safety
    /// `self.inner` must be live.
    pub unsafe fn refresh_memory(&mut self) {
        // SAFETY: the caller guarantees the store is live.
        let inner = unsafe { &*self.inner };
        let inst = &inner.instances[self.instance as usize];
        (self.mem, self.mem_len) = match inst.memories.first() {
            Some(&m) => {
                let m = &inner.memories[m as usize];
                (m.base(), m.len() as u64)
            }
            None => (std::ptr::null_mut(), 0),
        };
    }

    /// The running function's defined index.
    pub fn def(&self) -> u32 {
        // SAFETY: body is the running function's, live.
        unsafe { (*self.body).def }
    }

    /// The value-stack cell where the running frame starts, when `fp` is
    /// saved (in the driver).
    pub fn base(&self) -> usize {
        // SAFETY: `fp` points into the stack.
        unsafe { self.fp.offset_from(self.stack) as usize }
    }

    /// The value-stack cell past the running frame, when `fp` is saved.
    pub fn frame_top(&self) -> usize {
        // SAFETY: body is the running function's, live.
        self.base() + unsafe { (*self.body).frame_size } as usize
    }

    /// Writes the running call depth back to the store, for whatever the
    /// driver is about to run.
    pub fn sync_depth(&mut self) {
        // SAFETY: the store is live while wasm runs.
        unsafe { (*self.inner).depth = self.depth0 + 1 + self.frames.len() };
    }

    /// Makes room to push a frame: traps when the call depth allows no
    /// more, else grows `frames` if full.
    #[cold]
    #[inline(never)]
    pub fn make_room(&mut self) -> Result<(), TrapCode> {
        let n = self.frames.len();
        if n >= self.depth_limit {
            return Err(TrapCode::StackOverflow);
        }
        if n == self.frames.capacity() {
            self.frames.reserve(n.max(16));
        }
        self.frame_limit = self.frames.capacity().min(self.depth_limit);
        Ok(())
    }

    /// Whether the epoch deadline has been reached.
    #[inline(always)]
    pub fn epoch_reached(&self) -> bool {
        // SAFETY: the engine, which owns the counter, outlives the store,
        // which is live while wasm runs.
        self.epochs
            && unsafe { (*self.epoch).load(Ordering::Relaxed) >= (*self.inner).epoch_deadline }
    }

    /// Records a trap and stops.
    #[cold]
    pub fn trap(&mut self, code: TrapCode) -> Flow {
        self.trap = code;
        Flow::Trap
    }

    /// Records an error and stops.
    #[cold]
    pub fn fail(&mut self, e: Error) -> Flow {
        self.error = Some(e);
        Flow::Error
    }

    /// Stops for the driver to run the epoch callback on entering the
    /// function `cx` was just left at.
    #[cold]
    pub fn epoch_on_entry(&mut self) -> Flow {
        let (ip, fp) = (self.ip, self.fp);
        self.slow(Slow::Epoch, ip, fp)
    }

    /// Stops for the driver to do `slow`, then go on at `ip`.
    #[inline(always)]
    pub fn slow(&mut self, slow: Slow, ip: Ip, fp: *mut u64) -> Flow {
        self.slow = slow;
        self.ip = ip;
        self.fp = fp;
        Flow::Slow
    }
}

/// Register `k` of the `args`/`results` words starting at `ip`.
///
/// # Safety
/// `ip` must point at enough operand words for `k`, as the translator emits.
#[inline(always)]
pub(super) unsafe fn operand(ip: Ip, k: usize) -> Reg {
    // `Op` is `repr(u16)`: an `args` or `results` word is its opcode and
    // three registers, at bytes 2, 4 and 6 of the slot's `op`.
    const OP: usize = core::mem::offset_of!(Slot, op);
    // SAFETY: the caller guarantees the word exists.
    unsafe {
        ip.add(k / 3)
            .cast::<u8>()
            .add(OP + 2 + (k % 3) * 2)
            .cast::<Reg>()
            .read()
    }
}

/// Calls `f(k, register)` for the `n` registers named by the operand words
/// at `words`; gives the instruction after the words. Word by word, three
/// registers each: `operand(words, k)` for each `k` would divide by three
/// per register.
///
/// # Safety
/// `words` must hold `n` registers.
#[inline(always)]
pub(super) unsafe fn for_each_operand(words: Ip, n: usize, mut f: impl FnMut(usize, Reg)) -> Ip {
    // SAFETY: as the function's contract.
    unsafe {
        let mut k = 0;
        let mut word = words;
        while k < n {
            for j in 0..(n - k).min(3) {
                f(k + j, operand(word, j));
            }
            k += 3;
            word = word.add(1);
        }
        word
    }
}

/// Copies the `n` registers named by the operand words at `words`, read
/// in the frame at `from`, to cells `0..n` of the frame at `to`; gives the
/// instruction after the words. A call's arguments.
///
/// # Safety
/// `words` must hold `n` registers of `from`'s frame; `to` must have `n`
/// cells in bounds.
#[inline(always)]
pub(super) unsafe fn registers_to_cells(words: Ip, from: *mut u64, to: *mut u64, n: usize) -> Ip {
    // SAFETY: as the function's contract.
    unsafe { for_each_operand(words, n, |k, r| *to.add(k) = *from.add(r as usize)) }
}

/// Copies cells `0..n` of the frame at `from` to the `n` registers named
/// by the operand words at `words` in the frame at `to`; gives the
/// instruction after the words. A call's results.
///
/// # Safety
/// As [`registers_to_cells`], the other way.
#[inline(always)]
pub(super) unsafe fn cells_to_registers(words: Ip, from: *mut u64, to: *mut u64, n: usize) -> Ip {
    // SAFETY: as the function's contract.
    unsafe { for_each_operand(words, n, |k, r| *to.add(r as usize) = *from.add(k)) }
}

/// Writes the constants and zeroes the locals of a new frame of `body`
/// at `fp`, whose arguments are in place.
///
/// # Safety
/// The frame's cells must be inside the value stack.
#[inline(always)]
unsafe fn init_frame(fp: *mut u64, body: &FuncBody) {
    // SAFETY: the caller guarantees the frame's cells; local cells are
    // frame cells. Frames are small: plain loops beat memcpy/memset here.
    unsafe {
        let consts = fp.add(body.num_params as usize);
        let (mut from, n) = (body.consts.as_ptr(), body.consts.len());
        let mut to = consts;
        let end = consts.add(n);
        while to < end {
            *to = *from;
            to = to.add(1);
            from = from.add(1);
        }
        for &cell in body.local_cells.iter() {
            *fp.add(cell as usize) = 0;
        }
    }
}

/// Enters function `def` (translated as `body`) of the running instance
/// with its frame at cell `base`, whose first cells already hold the
/// arguments: the driver's first frame. Traps when the call depth or the
/// value stack (the frame and its calls' argument cells, as compiled code
/// checks) would be exceeded.
///
/// # Safety
/// The store must be live and `def` a function of the running module.
pub(super) unsafe fn enter(
    cx: &mut Exec,
    def: u32,
    body: &FuncBody,
    base: usize,
) -> Result<(), TrapCode> {
    // `depth0` is the store's depth, taken when `cx` was made.
    if cx.depth0 >= cx.max_depth || base + body.stack_cells() as usize > cx.stack_len {
        return Err(TrapCode::StackOverflow);
    }
    // SAFETY: the store is live while wasm runs.
    unsafe { (*cx.inner).depth = cx.depth0 + 1 };
    cx.depth_limit = cx.max_depth - cx.depth0 - 1;
    cx.frame_limit = cx.frames.capacity().min(cx.depth_limit);
    // SAFETY: the frame is inside the stack (checked above); the counters
    // cover the module's functions.
    unsafe {
        let fp = cx.stack.add(base);
        init_frame(fp, body);
        *cx.call_counts.add(def as usize) += 1;
        cx.fp = fp;
    }
    cx.body = body;
    cx.ip = body.code.as_ptr();
    Ok(())
}

/// Pushes an interpreted frame for a call of `callee` (function `def` of
/// the running instance, switched to already) by the running function of
/// `caller_instance`, suspended at its call's operand words `args` with
/// its frame at `fp`; makes the callee the running function and gives its
/// frame. Traps when the value stack would be exceeded.
///
/// # Safety
/// The store must be live; `args` the call's operand words in the running
/// function; `def` a function of the running module; `frames` must have
/// room for one more frame within the call depth (`frame_limit`).
#[inline(always)]
pub(super) unsafe fn push_frame(
    cx: &mut Exec,
    caller_instance: u32,
    args: Ip,
    fp: *mut u64,
    def: u32,
    callee: &FuncBody,
) -> Result<*mut u64, TrapCode> {
    // SAFETY: the caller guarantees the store and module are live; the
    // caller's frame checked room for its calls' arguments on entry, and
    // the callee's frame is checked below before anything else is written.
    unsafe {
        let caller_body = cx.body;
        let new_fp = fp.add((*caller_body).frame_size as usize);
        if new_fp.add(callee.stack_cells() as usize) > cx.stack_end {
            return Err(TrapCode::StackOverflow);
        }
        let results = registers_to_cells(args, fp, new_fp, callee.num_params as usize);
        init_frame(new_fp, callee);
        // Not `push`: its growth path is a call, which would make every
        // caller of this save registers.
        let n = cx.frames.len();
        cx.frames.as_mut_ptr().add(n).write(Frame {
            ip: results,
            body: caller_body,
            fp,
            instance: caller_instance,
        });
        cx.frames.set_len(n + 1);
        *cx.call_counts.add(def as usize) += 1;
        cx.body = callee;
        Ok(new_fp)
    }
}

/// What a call of a wasm function runs.
enum Callee<'a> {
    /// Compiled code at `entry`, taking `params` arguments; the caller's
    /// instance is the running one (the driver makes the call).
    Compiled { entry: usize, params: usize },
    /// The function's body; the callee's instance is the running one.
    Interpreted(&'a FuncBody),
}

/// Switches to `instance` and finds what a call of its function `def` runs:
/// its compiled code (tiering it up if this call makes it hot) or its body.
/// On an error, switches back to the caller's instance and stops.
///
/// # Safety
/// The store must be live and `def` a function of `instance`.
unsafe fn callee_of<'a>(cx: &mut Exec, instance: u32, def: u32) -> Result<Callee<'a>, Flow> {
    let caller_instance = cx.instance;
    if instance != cx.instance {
        // SAFETY: the store is live and `instance` one of its instances.
        unsafe { cx.switch_instance(instance) };
    }
    // SAFETY: the module outlives the store's instances.
    let module: &'a ModuleInner = unsafe { &*cx.module };
    let fail = |cx: &mut Exec, e| {
        // SAFETY: as the function's contract.
        unsafe { cx.switch_back_to(caller_instance) };
        cx.fail(e)
    };
    if cx.jit_enabled {
        // SAFETY: the counters cover the instance's functions.
        let calls = unsafe { *cx.call_counts.add(def as usize) } + 1;
        let mut entry = module.jit.compiled_entry(def);
        // SAFETY: the store is live while wasm runs.
        let config = unsafe { (*cx.inner).engine.config() };
        if entry.is_none() && config.compiles_at_call(calls) {
            entry = crate::jit::tier_up(module, def).map_err(|e| fail(cx, e))?;
        }
        if let Some(entry) = entry {
            let env = &module.env;
            let params = env.func_type(env.num_imported_funcs + def).param_cells();
            // SAFETY: as above.
            unsafe { cx.switch_back_to(caller_instance) };
            return Ok(Callee::Compiled { entry, params });
        }
    }
    module
        .body(def)
        .map(Callee::Interpreted)
        .map_err(|e| fail(cx, e))
}

/// Calls function `def` of `instance` from the running function, whose
/// call's operand words start at `args`: pushes an interpreted frame, or
/// asks the driver to run the callee's compiled code.
///
/// # Safety
/// The store must be live; `args` the call's operand words in the running
/// function; `def` a function of `instance`.
#[inline(never)]
pub(super) unsafe fn call_wasm(
    cx: &mut Exec,
    args: Ip,
    fp: *mut u64,
    instance: u32,
    def: u32,
) -> Flow {
    let caller_instance = cx.instance;
    // SAFETY: as the function's contract.
    let callee = match unsafe { callee_of(cx, instance, def) } {
        Ok(Callee::Interpreted(body)) => body,
        Ok(Callee::Compiled { entry, .. }) => {
            let slow = Slow::CallCompiled {
                instance,
                def,
                entry,
            };
            return cx.slow(slow, args, fp);
        }
        Err(flow) => return flow,
    };
    let pushed = if cx.frames.len() >= cx.frame_limit {
        cx.make_room()
    } else {
        Ok(())
    }
    // SAFETY: as the function's contract; there is room for a frame.
    .and_then(|()| unsafe { push_frame(cx, caller_instance, args, fp, def, callee) });
    // SAFETY: as the function's contract.
    unsafe { enter_callee(cx, caller_instance, pushed, callee) }
}

/// Makes `callee`, whose frame was made at the `Ok` address, the running
/// function; or traps with the error making it gave, as the caller's (its
/// backtrace starts there), switched back to `caller_instance`.
///
/// # Safety
/// The store must be live.
unsafe fn enter_callee(
    cx: &mut Exec,
    caller_instance: u32,
    made: Result<*mut u64, TrapCode>,
    callee: &FuncBody,
) -> Flow {
    match made {
        Ok(fp) => {
            cx.fp = fp;
            cx.ip = callee.code.as_ptr();
        }
        Err(code) => {
            // SAFETY: as the function's contract.
            unsafe { cx.switch_back_to(caller_instance) };
            return cx.trap(code);
        }
    }
    if cx.epoch_reached() {
        return cx.epoch_on_entry();
    }
    Flow::Next
}

/// Calls store function `func` (wasm of any instance, or a host
/// function), or with `tail` tail-calls it, as [`tail_call_wasm`].
///
/// # Safety
/// As [`call_wasm`].
#[inline(never)]
pub(super) unsafe fn call_func(
    cx: &mut Exec,
    args: Ip,
    fp: *mut u64,
    func: u32,
    tail: bool,
) -> Flow {
    // SAFETY: the store is live.
    match unsafe { &(&*cx.inner).funcs[func as usize] } {
        &FuncEntity::Wasm { instance, def, .. } if tail => unsafe {
            tail_call_wasm(cx, args, fp, instance, def)
        },
        &FuncEntity::Wasm { instance, def, .. } => unsafe {
            call_wasm(cx, args, fp, instance, def)
        },
        FuncEntity::Host { host, ty, .. } => {
            let (host, params, results) = (*host, ty.param_cells(), ty.result_cells());
            let slow = if tail {
                // SAFETY: as the function's contract.
                unsafe { stage_tail_arguments(cx, args, fp, params) };
                Slow::TailCallHost {
                    host,
                    params: params as u32,
                    results: results as u32,
                }
            } else {
                Slow::CallHost {
                    host,
                    params: params as u32,
                    results: results as u32,
                }
            };
            cx.slow(slow, args, fp)
        }
    }
}

/// Moves a tail call's `n` arguments, named by the operand words at
/// `args`, to the first cells of the running frame at `fp`, where the
/// callee's frame will start. They go through the cells past the frame
/// (the translator reserves `n` there): an argument may be read from one
/// of the cells it is written to.
///
/// # Safety
/// As [`registers_to_cells`]; the running frame's `n` cells past its end
/// are in bounds (checked with the frame on entry).
#[inline(always)]
pub(super) unsafe fn stage_tail_arguments(cx: &Exec, args: Ip, fp: *mut u64, n: usize) {
    // SAFETY: as the function's contract.
    unsafe {
        let staging = fp.add((*cx.body).frame_size as usize);
        registers_to_cells(args, fp, staging, n);
        // Forward, one cell at a time: the staging cells lie above the
        // frame's first ones (so an overlap is read before it is written),
        // and there are few, where `memmove` would be a call.
        for k in 0..n {
            *fp.add(k) = *staging.add(k);
        }
    }
}

/// Tail-calls function `def` of `instance` from the running function at
/// `fp`, whose call's operand words start at `args`: its frame replaces
/// the running one, or the driver runs its compiled code there and
/// returns.
///
/// # Safety
/// As [`call_wasm`].
#[inline(never)]
pub(super) unsafe fn tail_call_wasm(
    cx: &mut Exec,
    args: Ip,
    fp: *mut u64,
    instance: u32,
    def: u32,
) -> Flow {
    let caller_instance = cx.instance;
    // SAFETY: as the function's contract.
    let callee = match unsafe { callee_of(cx, instance, def) } {
        Ok(Callee::Interpreted(body)) => body,
        // The running frame stays the caller's until the driver makes the
        // call, with the arguments in place.
        Ok(Callee::Compiled { entry, params }) => {
            // SAFETY: as the function's contract.
            unsafe { stage_tail_arguments(cx, args, fp, params) };
            let slow = Slow::TailCallCompiled {
                instance,
                def,
                entry,
            };
            return cx.slow(slow, args, fp);
        }
        Err(flow) => return flow,
    };
    // Until the callee's frame is made, the running function is the
    // caller's, which a trap's backtrace starts at.
    // SAFETY: as the function's contract.
    unsafe { stage_tail_arguments(cx, args, fp, callee.num_params as usize) };
    // SAFETY: as the function's contract.
    let made = unsafe { replace_frame(cx, fp, def, callee) }.map(|()| fp);
    // SAFETY: as the function's contract.
    unsafe { enter_callee(cx, caller_instance, made, callee) }
}

/// Makes the running frame at `fp`, whose first cells hold the arguments,
/// a frame of `callee` (function `def` of the running instance), which
/// becomes the running function. Traps when the value stack would be
/// exceeded.
///
/// # Safety
/// The store must be live; `def` a function of the running module.
#[inline(always)]
pub(super) unsafe fn replace_frame(
    cx: &mut Exec,
    fp: *mut u64,
    def: u32,
    callee: &FuncBody,
) -> Result<(), TrapCode> {
    // SAFETY: the frame is checked against the stack before it is
    // written; the counters cover the instance's functions.
    unsafe {
        if fp.add(callee.stack_cells() as usize) > cx.stack_end {
            return Err(TrapCode::StackOverflow);
        }
        init_frame(fp, callee);
        *cx.call_counts.add(def as usize) += 1;
    }
    cx.body = callee;
    Ok(())
}

/// Pops the running frame at `fp`, whose results are in its cells
/// `0..n`, and resumes its caller at [`Exec::ip`] and [`Exec::fp`];
/// `Done` when it was the entry frame.
///
/// # Safety
/// The store must be live and the running frame's results written.
#[inline(always)]
pub(super) unsafe fn return_to_caller(cx: &mut Exec, fp: *mut u64) -> Flow {
    let Some(caller) = cx.frames.pop() else {
        return Flow::Done;
    };
    // SAFETY: body is live.
    let nr = unsafe { (*cx.body).num_results } as usize;
    if caller.instance != cx.instance {
        // SAFETY: the store is live; the caller's instance is one of its.
        unsafe { cx.switch_back(caller.instance) };
    }
    cx.body = caller.body;
    cx.fp = caller.fp;
    // SAFETY: results words follow the call site; both frames' cells are
    // in bounds.
    cx.ip = unsafe { cells_to_registers(caller.ip, fp, caller.fp, nr) };
    Flow::Next
}

/// A watched back-edge: counts it, checks the epoch deadline and tiers
/// up, as configured. `None` goes on at `target`.
///
/// # Safety
/// The store must be live; `target` a branch target in the running function.
#[inline(never)]
pub(super) unsafe fn back_edge(cx: &mut Exec, target: Ip, fp: *mut u64) -> Option<Flow> {
    // SAFETY: the running body is live and `target` inside its code.
    let (code, at) = unsafe {
        let code = &(*cx.body).code;
        (code, target.offset_from(code.as_ptr()) as usize)
    };
    let header = crate::ir::back_edge_header(code, at)?;
    let Op::LoopHeader { loop_id } = code[header].op else {
        return None;
    };
    // A rotated back-edge resumes at its loop's test, where the usual
    // back-edges land (and compiled code's loop entry is): the test reads
    // what it read when it branched, so it branches the same way again.
    let target = code[header + 1..].as_ptr();
    // SAFETY: the module is live; its loop offsets cover its functions.
    let loop_base = unsafe { (&*cx.module).loop_offsets[cx.def() as usize] } as usize;
    let global_loop = loop_base + loop_id as usize;
    // SAFETY: the instance's counters cover every loop of its module.
    let count = unsafe {
        let counter = cx.loop_counts.add(global_loop);
        *counter += 1;
        *counter
    };
    if cx.epoch_reached() {
        return Some(cx.slow(Slow::Epoch, target, fp));
    }
    if cx.tiered && count >= cx.tier_back_edges {
        // SAFETY: the module is live.
        let module = unsafe { &*cx.module };
        // Under background tier-up the loop goes on interpreted until its
        // code is ready: each later back-edge looks for it.
        if let Err(e) = crate::jit::tier_up(module, cx.def()) {
            return Some(cx.fail(e));
        }
        if let Some(entry) = module.jit.osr_entry(global_loop) {
            return Some(cx.slow(Slow::Osr { entry }, target, fp));
        }
    }
    None
}
