//! The JIT tier: compiling functions to machine code, entering it, and the
//! hooks compiled code calls back into the runtime through.
//!
//! Code belongs to the `Module` and is shared by all its instances; each
//! defined function has an entry slot that calls go through, so promoting a
//! function is one store of its entry address. Until then (tiered strategy)
//! the slot points at a stub that runs the function in the interpreter.

pub(crate) mod background;
pub(crate) mod emulation;
mod libcalls;
mod lower;
pub(crate) mod vmctx;

use crate::error::{Error, FrameInfo, Result, Trap, TrapCode};
use crate::module::ModuleInner;
use crate::runtime::store::{catching, FuncEntity, Store, StoreInner};
use crate::runtime::{bulk, growth};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use strata_jit::masm::{Cond, Mem, Size, Src};
use strata_jit::target::Target;
use strata_jit::x64::X64Assembler;
use strata_jit::{CodeMemory, Registration};
use vmctx::VmCtx;

/// The ISA compiled code is made for: this machine's.
type Native = X64Assembler;

/// Evaluates `$e` with `$m` the `Target` that `$config`'s compiled code is
/// for: AArch64 under an emulator, else this machine's ISA. The one place
/// that decides.
macro_rules! for_target {
    ($config:expr, $m:ident => $e:expr) => {
        if $config.emulator.is_some() {
            type $m = strata_jit::aarch64::Aarch64Assembler;
            $e
        } else {
            type $m = Native;
            $e
        }
    };
}

/// The code a helper or hook returns when the store holds the real error.
/// When that error is an exception of the store, the code is
/// `strata_jit::CATCHABLE` instead, which `try_table`s of compiled callers
/// may take (see `lower::Lowerer::landing_stubs`).
pub(crate) const HOST_PENDING: u32 = 0x1000;

/// The non-zero code compiled code reports for a trap.
pub(crate) fn code_of(code: TrapCode) -> u32 {
    code as u32 + 1
}

fn trap_of(code: u32) -> TrapCode {
    TrapCode::ALL
        .into_iter()
        .find(|&c| code_of(c) == code)
        .unwrap_or(TrapCode::Unreachable)
}

/// Whether this machine can run compiled code.
pub(crate) fn supported() -> bool {
    cfg!(target_arch = "x86_64") && Native::host_supported()
}

/// Published code kept alive with its trap registration.
struct Chunk {
    _registration: Registration,
    _code: CodeMemory,
}

/// A module's compiled code and entry slots.
pub(crate) struct JitState {
    /// Entry address of each defined function: compiled code, or an
    /// interpreter stub, or 0 when the module is only interpreted.
    pub entries: Box<[AtomicUsize]>,
    /// Whether each defined function's entry is compiled code.
    compiled: Box<[AtomicBool]>,
    /// Whether each defined function was queued for background tier-up.
    queued: Box<[AtomicBool]>,
    /// OSR entry of every loop, indexed like the back-edge counters.
    osr: Box<[AtomicUsize]>,
    chunks: Mutex<Vec<Chunk>>,
    /// Address ranges of compiled functions: (start, end, defined index).
    ranges: Mutex<Vec<(usize, usize, u32)>>,
    /// Functions compiled.
    pub compiled_count: AtomicU64,
    /// Loops entered by OSR.
    pub osr_count: AtomicU64,
}

impl JitState {
    pub fn new(funcs: usize, loops: usize) -> JitState {
        JitState {
            entries: (0..funcs).map(|_| AtomicUsize::new(0)).collect(),
            compiled: (0..funcs).map(|_| AtomicBool::new(false)).collect(),
            queued: (0..funcs).map(|_| AtomicBool::new(false)).collect(),
            osr: (0..loops).map(|_| AtomicUsize::new(0)).collect(),
            chunks: Mutex::new(Vec::new()),
            ranges: Mutex::new(Vec::new()),
            compiled_count: AtomicU64::new(0),
            osr_count: AtomicU64::new(0),
        }
    }

    /// The compiled entry of function `def`, if it has one.
    pub fn compiled_entry(&self, def: u32) -> Option<usize> {
        if self.compiled[def as usize].load(Ordering::Acquire) {
            Some(self.entries[def as usize].load(Ordering::Acquire))
        } else {
            None
        }
    }

    /// The OSR entry of loop `global_loop` (module-wide index), if compiled.
    pub fn osr_entry(&self, global_loop: usize) -> Option<usize> {
        match self.osr[global_loop].load(Ordering::Acquire) {
            0 => None,
            a => Some(a),
        }
    }

    fn add_range(&self, start: usize, len: usize, def: u32) {
        self.ranges
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((start, start + len, def));
    }

    /// The defined function whose code contains `pc`.
    fn func_at(&self, pc: usize) -> Option<u32> {
        let ranges = self.ranges.lock().unwrap_or_else(|p| p.into_inner());
        ranges
            .iter()
            .find(|&&(start, end, _)| pc >= start && pc < end)
            .map(|&(_, _, def)| def)
    }

    fn publish(&self, code: &[u8], sites: strata_jit::CodeSites) -> Result<usize> {
        let mem = CodeMemory::publish(code)
            .map_err(|e| Error::instantiate(format!("cannot map compiled code: {e}")))?;
        let base = mem.as_ptr() as usize;
        let registration = strata_jit::register(&mem, sites).map_err(Error::instantiate)?;
        self.chunks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Chunk {
                _registration: registration,
                _code: mem,
            });
        Ok(base)
    }
}

/// The register budgets of this machine's compiled code.
pub(crate) const NATIVE_BUDGETS: crate::ir::RegisterBudgets = budgets_of::<Native>();

/// The register budgets of `M`'s compiled code.
const fn budgets_of<M: Target>() -> crate::ir::RegisterBudgets {
    crate::ir::RegisterBudgets {
        ints: M::INT_ALLOC.len() as u16,
        floats: M::FLOAT_ALLOC.len() as u16,
    }
}

/// The register budgets the allocation gives the ISA `config`'s compiled
/// code is for: one allocation per target ISA.
pub(crate) fn register_budgets(config: &crate::Config) -> crate::ir::RegisterBudgets {
    for_target!(config, M => budgets_of::<M>())
}

/// Lowers `body` for the ISA compiled code runs on: this machine's, or
/// AArch64 under an emulator.
fn lower_for(module: &ModuleInner, body: &crate::ir::FuncBody) -> Result<lower::Lowered> {
    for_target!(module.engine.config(), M => lower::lower::<M>(module, body)).map_err(lower_err)
}

fn lower_err(e: String) -> Error {
    Error::unsupported(format!("compiling to machine code failed: {e}"))
}

/// Compiles function `def` of `module` and points its entry slot at it.
pub(crate) fn compile(module: &ModuleInner, def: u32) -> Result<()> {
    let jit = &module.jit;
    if jit.compiled[def as usize].load(Ordering::Acquire) {
        return Ok(());
    }
    let body = module.body(def)?;
    let lowered = lower_for(module, body)?;
    let sites = strata_jit::CodeSites {
        traps: lowered.trap_sites,
        landings: lowered.landings,
        thunks: false,
    };
    let base = jit.publish(&lowered.code, sites)?;
    jit.add_range(base, lowered.code.len(), def);
    let first_loop = module.loop_offsets[def as usize] as usize;
    for (i, &off) in lowered.osr.iter().enumerate() {
        jit.osr[first_loop + i].store(base + off as usize, Ordering::Release);
    }
    jit.entries[def as usize].store(base, Ordering::Release);
    if !jit.compiled[def as usize].swap(true, Ordering::AcqRel) {
        jit.compiled_count.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Tiers function `def` of `module` up, now that it is hot: compiles it
/// here, or, with `Config::parallel_compilation` under `Strategy::Tiered`,
/// queues it for the engine's compiler thread (once) and goes on without
/// waiting. Gives its compiled entry when it has one.
pub(crate) fn tier_up(module: &ModuleInner, def: u32) -> Result<Option<usize>> {
    let jit = &module.jit;
    let config = module.engine.config();
    let background = config.parallel_compilation && config.strategy == crate::Strategy::Tiered;
    if background {
        let queued = &jit.queued[def as usize];
        if !queued.load(Ordering::Relaxed)
            && !queued.swap(true, Ordering::Relaxed)
            && !module.engine.background().submit(module.me.clone(), def)
        {
            compile(module, def)?;
        }
    } else {
        compile(module, def)?;
    }
    Ok(jit.compiled_entry(def))
}

/// Machine code of every defined function of a module in one block, not
/// yet published: what a precompiled `Jit` module stores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Assembled {
    /// The code, position-independent.
    pub code: Vec<u8>,
    /// Trap sites, offsets into `code`.
    pub sites: Vec<strata_jit::TrapSite>,
    /// Landing sites of calls inside `try_table`s, offsets into `code`.
    pub landings: Vec<strata_jit::LandingSite>,
    /// Each function's start and length in `code`, and its loops' OSR
    /// entries as offsets from its start.
    pub funcs: Vec<(u32, u32, Vec<u32>)>,
}

/// Compiles every defined function of `module` into one block of code.
pub(crate) fn compile_all(module: &ModuleInner) -> Result<()> {
    install_all(module, &assemble_all(module)?)
}

/// Lowers every defined function of `module` into one block.
pub(crate) fn assemble_all(module: &ModuleInner) -> Result<Assembled> {
    let mut out = Assembled {
        code: Vec::new(),
        sites: Vec::new(),
        landings: Vec::new(),
        funcs: Vec::with_capacity(module.bodies.len()),
    };
    for def in 0..module.bodies.len() as u32 {
        let body = module.body(def)?;
        let lowered = lower_for(module, body)?;
        // Functions start 32-byte aligned (loops inside them are aligned to 32
        // bytes); the code is position-independent.
        out.code.resize(out.code.len().next_multiple_of(32), 0xcc);
        let start = out.code.len() as u32;
        out.code.extend_from_slice(&lowered.code);
        out.sites
            .extend(lowered.trap_sites.iter().map(|s| strata_jit::TrapSite {
                offset: s.offset + start,
                code: s.code,
            }));
        out.landings
            .extend(lowered.landings.iter().map(|s| strata_jit::LandingSite {
                ret: s.ret + start,
                landing: s.landing + start,
            }));
        out.funcs
            .push((start, lowered.code.len() as u32, lowered.osr));
    }
    Ok(out)
}

/// Publishes `asm`, the code of every defined function of `module`, and
/// makes it each function's entry.
pub(crate) fn install_all(module: &ModuleInner, asm: &Assembled) -> Result<()> {
    let jit = &module.jit;
    let inside = |off: u32| (off as usize) < asm.code.len();
    if asm.funcs.len() != module.bodies.len()
        || asm.sites.iter().any(|s| !inside(s.offset))
        || asm
            .landings
            .iter()
            .any(|s| !inside(s.ret) || !inside(s.landing))
        || asm.funcs.iter().any(|(start, len, _)| {
            (*start as usize)
                .checked_add(*len as usize)
                .is_none_or(|end| end > asm.code.len())
        })
    {
        return Err(Error::compile("machine code does not fit its module"));
    }
    let sites = strata_jit::CodeSites {
        traps: asm.sites.clone(),
        landings: asm.landings.clone(),
        thunks: false,
    };
    let base = jit.publish(&asm.code, sites)?;
    for (def, (start, len, osr)) in asm.funcs.iter().enumerate() {
        jit.add_range(base + *start as usize, *len as usize, def as u32);
        let first_loop = module.loop_offsets[def] as usize;
        for (i, off) in osr.iter().enumerate() {
            if let Some(slot) = jit.osr.get(first_loop + i) {
                slot.store(base + (start + off) as usize, Ordering::Release);
            }
        }
        jit.entries[def].store(base + *start as usize, Ordering::Release);
        jit.compiled[def].store(true, Ordering::Release);
    }
    jit.compiled_count
        .fetch_add(module.bodies.len() as u64, Ordering::Relaxed);
    Ok(())
}

/// Points every entry slot at a stub that runs its function in the
/// interpreter, so compiled callers can call functions not yet compiled.
pub(crate) fn install_interpreter_stubs(module: &ModuleInner) -> Result<()> {
    let n = module.bodies.len();
    let fuel = module.engine.config().consume_fuel;
    let (asm, offsets) = for_target!(module.engine.config(), M => interpreter_stubs::<M>(n, fuel));
    let asm = asm.map_err(lower_err)?;
    // Entry stubs are thunks: a catchable raise through one does not count
    // its frame as a function's.
    let sites = strata_jit::CodeSites {
        traps: asm.trap_sites,
        landings: Vec::new(),
        thunks: true,
    };
    let base = module.jit.publish(&asm.code, sites)?;
    for (def, off) in offsets.into_iter().enumerate() {
        if !module.jit.compiled[def].load(Ordering::Acquire) {
            module.jit.entries[def].store(base + off as usize, Ordering::Release);
        }
    }
    Ok(())
}

/// The interpreter stubs of `n` functions: each puts its function's index
/// in the third helper argument and jumps to code shared by all, which
/// calls the `call_interp` hook. Gives the code and each stub's offset.
fn interpreter_stubs<M: Target>(
    n: usize,
    fuel: bool,
) -> (
    std::result::Result<strata_jit::masm::Assembled, String>,
    Vec<u32>,
) {
    let mut m = M::assembler();
    let common = m.new_label();
    let mut offsets = Vec::with_capacity(n);
    for def in 0..n {
        offsets.push(m.offset());
        m.mov(Size::S32, M::ARGS[2], Src::Imm(def as i32));
        m.jmp(common);
    }
    m.bind(common);
    // A frame as a function's, which keeps the stack aligned for the call.
    m.enter_frame(M::FP);
    m.mov(Size::S64, M::ARGS[0], Src::Reg(M::CTX));
    m.mov(Size::S64, M::ARGS[1], Src::Reg(M::FP));
    m.call_mem(Mem::at(M::CTX, vmctx::CALL_INTERP));
    // The interpreted function ended in a tail call to a compiled function
    // of this instance, whose frame is in place: jump to it, so that tail
    // calls back and forth between the tiers keep the native stack flat.
    let made = m.new_label();
    m.cmp(Size::S64, M::RET, Src::Imm(DIRECT_ENTRY_MIN as i32));
    m.jcc(Cond::LtU, made);
    m.leave_frame();
    m.jmp_reg(M::RET);
    m.bind(made);
    if fuel {
        // The interpreter charged the store; a raise hands the fuel
        // register back as the fuel left (see `lower`), so it must hold the
        // store's value.
        m.mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::FUEL)));
        m.mov(Size::S64, M::FUEL, Src::Mem(Mem::at(M::S1, 0)));
    }
    // Raised with the frame still in place, so the trap handler can walk
    // past the stub to its compiled callers.
    m.raise_if_nonzero(M::RET);
    m.leave_frame();
    m.ret();
    (m.finish(), offsets)
}

/// An instance's memories as its context sees them: arrays the instance
/// owns, at addresses stable for its life.
pub(crate) struct MemoriesView<'a> {
    /// Every memory's base.
    pub bases: &'a [*mut u8],
    /// Where every memory's size is kept (`LinearMemory::bound_ptr`), or
    /// empty when no memory is 64-bit.
    pub bounds: &'a [*const u64],
}

/// A fresh context for an instance; its store fields are set on each entry.
pub(crate) fn new_vmctx<T>(
    instance: u32,
    module: &ModuleInner,
    memories: MemoriesView<'_>,
    globals: *const *mut u64,
    table0: *const crate::runtime::call_targets::TargetsView,
) -> Box<VmCtx> {
    Box::new(VmCtx {
        mem_base: memories
            .bases
            .first()
            .copied()
            .unwrap_or(std::ptr::null_mut()),
        mem_bases: memories.bases.as_ptr(),
        mem_bounds: memories.bounds.as_ptr(),
        globals,
        entries: module.jit.entries.as_ptr().cast(),
        depth: std::ptr::null_mut(),
        max_depth: module.engine.config().max_call_depth,
        stack_end: 0,
        native_limit: 0,
        trap: 0,
        instance,
        store: std::ptr::null_mut(),
        inner: std::ptr::null_mut(),
        call_import: call_import::<T>,
        call_indirect: call_indirect::<T>,
        call_interp: call_interp::<T>,
        fuel: std::ptr::null_mut(),
        epoch_deadline: 0,
        epoch_reached: epoch_reached::<T>,
        memory_grow: memory_grow::<T>,
        table_grow: table_grow::<T>,
        libcalls: libcalls::LIBCALLS.as_ptr(),
        epoch: module.engine.epoch_counter(),
        table0,
    })
}

/// Points `instance`'s context at the store as it is now (stores can move
/// between calls) and returns it.
fn refresh<T>(store: &mut Store<T>, instance: u32) -> *mut VmCtx {
    let sp: *mut Store<T> = store;
    let inner = &mut store.inner;
    let stack_end = inner.stack.ptr(inner.stack.len()) as usize;
    let native_limit = match &inner.engine.config().emulator {
        Some(e) => e.0.stack_limit(),
        None => inner.native_limit,
    };
    let depth: *mut usize = &mut inner.depth;
    let fuel: *mut i64 = &mut inner.fuel;
    let deadline = inner.epoch_deadline;
    let inner_ptr: *mut StoreInner = inner;
    let ctx = &mut *inner.instances[instance as usize].vmctx;
    ctx.fuel = fuel;
    ctx.epoch_deadline = deadline;
    ctx.store = sp.cast();
    ctx.inner = inner_ptr;
    ctx.depth = depth;
    ctx.stack_end = stack_end;
    ctx.native_limit = native_limit;
    ctx
}

/// Runs compiled code at `entry` for `instance` with its frame at cell `base`.
pub(crate) fn enter<T>(
    store: &mut Store<T>,
    instance: u32,
    def: u32,
    entry: usize,
    base: usize,
) -> Result<()> {
    let ctx = refresh(store, instance);
    let fp = store.inner.stack.ptr(base);
    let depth = store.inner.depth;
    // SAFETY: `entry` is code compiled for this instance's module, `ctx` its
    // live context and `fp` a frame inside the value stack that the code
    // checks against `stack_end` before use.
    let result = match store.inner.engine.config().emulator.clone() {
        Some(e) => emulated_call(&e, entry, ctx, fp),
        // SAFETY: as above.
        None => unsafe { strata_jit::trampoline::call(entry as *const u8, ctx.cast(), fp) },
    };
    result.map_err(|trapped| {
        trapped_error(&mut store.inner, ctx, instance, Some(def), depth, trapped)
    })
}

/// Runs compiled code at `entry` in the emulator, with the helpers its
/// context names.
fn emulated_call(
    e: &emulation::EmulatorHandle,
    entry: usize,
    ctx: *mut VmCtx,
    fp: *mut u64,
) -> std::result::Result<(), strata_jit::trampoline::Trapped> {
    // SAFETY: `ctx` is the live context `refresh` gave.
    let c = unsafe { &*ctx };
    let mut helpers = vec![
        c.call_import as usize,
        c.call_indirect as usize,
        c.call_interp as usize,
        c.epoch_reached as usize,
        c.memory_grow as usize,
        c.table_grow as usize,
    ];
    helpers.extend(libcalls::LIBCALLS.iter().map(|&f| f as usize));
    let call = emulation::EmulatedCall {
        entry,
        ctx: ctx as usize,
        fp: fp as usize,
        helpers: &helpers,
    };
    e.0.call(call).map_err(|t| strata_jit::trampoline::Trapped {
        code: t.code,
        pcs: Vec::new(),
        r13: t.fuel as usize,
    })
}

/// The error of compiled code of `instance` that trapped (or raised a
/// pending error) in an activation entered at call depth `depth`: the
/// store's depth and fuel are as they were when it stopped. `def`: the
/// entered function, named when the backtrace has no compiled frame.
pub(crate) fn trapped_error(
    inner: &mut StoreInner,
    ctx: *mut VmCtx,
    instance: u32,
    def: Option<u32>,
    depth: usize,
    trapped: strata_jit::trampoline::Trapped,
) -> Error {
    // SAFETY: the context outlives the store's instance.
    unsafe { (*ctx).trap = 0 };
    inner.depth = depth;
    if inner.engine.config().consume_fuel {
        // Compiled code keeps the fuel left in its fuel register
        // (`Target::FUEL`), which the trap hands back.
        inner.fuel = trapped.r13 as i64;
    }
    let pending = if trapped.code == HOST_PENDING || trapped.code == strata_jit::CATCHABLE {
        Some(
            inner
                .pending
                .take()
                .unwrap_or_else(|| Error::trap(TrapCode::Unreachable)),
        )
    } else {
        None
    };
    let m = &inner.instances[instance as usize].module.inner;
    let info = |def: u32| {
        let index = m.env.num_imported_funcs + def;
        FrameInfo {
            func_index: index,
            func_name: m.func_name(index),
            module_name: m.name.clone(),
        }
    };
    // The faulting PC, then return addresses (which point just past
    // their call instruction).
    let mut frames: Vec<FrameInfo> = trapped
        .pcs
        .iter()
        .enumerate()
        .filter_map(|(k, &pc)| m.jit.func_at(if k == 0 { pc } else { pc - 1 }))
        .map(info)
        .collect();
    if let Some(e) = pending {
        // Raised below these frames: they are its outer frames.
        return e.with_outer_frames(frames);
    }
    if frames.is_empty() {
        frames.extend(def.map(info));
    }
    Trap::new(trap_of(trapped.code), frames).into()
}

/// Hands an error to the compiled caller: stored, reported as pending.
/// An exception of this store is catchable: compiled callers' landing
/// sites may take it (`strata_jit::CATCHABLE`).
fn pending<T>(store: &mut Store<T>, result: Result<()>) -> u64 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            let code = match crate::runtime::exception::caught(&store.inner, &e) {
                Some(_) => strata_jit::CATCHABLE,
                None => HOST_PENDING,
            };
            store.inner.pending = Some(e);
            code as u64
        }
    }
}

/// The store and the calling instance behind a hook's context.
///
/// # Safety
/// `ctx` must be a live, refreshed context.
unsafe fn hook_store<'a, T>(ctx: *mut VmCtx) -> (&'a mut Store<T>, u32) {
    // SAFETY: refreshed on entry; compiled code holds no references.
    unsafe { (&mut *(*ctx).store.cast::<Store<T>>(), (*ctx).instance) }
}

/// As [`hook_store`], with the cell index of `fp` in the store's stack.
///
/// # Safety
/// `ctx` must be a live, refreshed context and `fp` point into its store's stack.
unsafe fn hook_parts<'a, T>(ctx: *mut VmCtx, fp: *mut u64) -> (&'a mut Store<T>, u32, usize) {
    // SAFETY: forwarded from the caller.
    let (store, instance) = unsafe { hook_store::<T>(ctx) };
    let base = (fp as usize - store.inner.stack.ptr(0) as usize) / 8;
    (store, instance, base)
}

unsafe extern "sysv64" fn call_import<T>(ctx: *mut VmCtx, fp: *mut u64, func: u64) -> u64 {
    // SAFETY: called by compiled code with its live context.
    let (store, instance, base) = unsafe { hook_parts::<T>(ctx, fp) };
    let result = catching(store, |store| {
        let f = store.inner.instances[instance as usize].funcs[func as usize];
        crate::interp::call_at(store, f, base, Some(instance))
    });
    pending(store, result)
}

/// Reports a growth's outcome to compiled code: the old size, or -1, or
/// (through the context) the error the limiter raised.
fn grown<T>(ctx: *mut VmCtx, store: &mut Store<T>, result: Result<u64>) -> u64 {
    match result {
        Ok(result) => result,
        Err(e) => {
            store.inner.pending = Some(e);
            // SAFETY: the live context of the running code.
            unsafe { (*ctx).trap = HOST_PENDING };
            0
        }
    }
}

/// `memory.grow` of memory `memory`, asking the store's limiter.
unsafe extern "sysv64" fn memory_grow<T>(
    ctx: *mut VmCtx,
    delta: u64,
    memory: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: called by compiled code with its live, refreshed context.
    let (store, instance) = unsafe { hook_store::<T>(ctx) };
    let result = catching(store, |store| {
        let m = store.inner.instances[instance as usize].memories[memory as usize] as usize;
        growth::memory_grow_op(store, m, delta)
    });
    grown(ctx, store, result)
}

/// `table.grow`, asking the store's limiter.
unsafe extern "sysv64" fn table_grow<T>(
    ctx: *mut VmCtx,
    table: u64,
    init: u64,
    delta: u64,
    _: u64,
) -> u64 {
    // SAFETY: called by compiled code with its live, refreshed context.
    let (store, instance) = unsafe { hook_store::<T>(ctx) };
    let result = catching(store, |store| {
        let t = store.inner.instances[instance as usize].tables[table as usize] as usize;
        growth::table_grow_op(store, t, delta, init)
    });
    grown(ctx, store, result)
}

/// Runs the store's epoch deadline callback, or reports the interrupt.
unsafe extern "sysv64" fn epoch_reached<T>(ctx: *mut VmCtx, top: *mut u64) -> u64 {
    // SAFETY: called by compiled code with its live context; `top` is the
    // end of its frame, inside the store's value stack.
    let (store, _, top) = unsafe { hook_parts::<T>(ctx, top) };
    match catching(store, |store| store.epoch_deadline_reached(top)) {
        Ok(()) => 0,
        Err(e) if e.trap_code() == Some(TrapCode::Interrupt) => code_of(TrapCode::Interrupt) as u64,
        Err(e) => pending(store, Err(e)),
    }
}

/// Returned by the `call_indirect` hook at or above this value: the entry
/// address of a function of the calling instance, which compiled code
/// calls itself, so that indirect recursion costs no more native stack than
/// direct recursion. Below it: 0 (the hook made the call) or a trap code.
pub(crate) const DIRECT_ENTRY_MIN: u64 = 0x10000;

/// `call_indirect`: checks the table entry and the signature, then either
/// hands back the callee's entry (a function of the calling instance) or
/// makes the call (imports, host functions, other instances' functions).
unsafe extern "sysv64" fn call_indirect<T>(
    ctx: *mut VmCtx,
    fp: *mut u64,
    index: u64,
    ty: u64,
    table: u64,
) -> u64 {
    // SAFETY: called by compiled code with its live context.
    let (store, instance, base) = unsafe { hook_parts::<T>(ctx, fp) };
    let result = catching(store, |store| {
        let inner = &store.inner;
        let f = bulk::indirect_callee(inner, instance, table as u32, index as u32, ty as u32)
            .map_err(Error::trap)?;
        if let FuncEntity::Wasm {
            instance: i, def, ..
        } = inner.funcs[f as usize]
        {
            let module = &inner.instances[instance as usize].module.inner;
            let entry = module.jit.entries[def as usize].load(Ordering::Acquire);
            if i == instance && entry as u64 >= DIRECT_ENTRY_MIN {
                return Ok(entry as u64);
            }
        }
        crate::interp::call_at(store, f, base, Some(instance)).map(|()| 0)
    });
    match result {
        Ok(entry) => entry,
        Err(e) => pending(store, Err(e)),
    }
}

/// Runs a function not compiled yet for compiled code, through its entry's
/// stub. When the function ends in a tail call to a compiled function of
/// this instance, gives back that function's entry (at or above
/// [`DIRECT_ENTRY_MIN`]) for the stub to jump to, its frame in place.
unsafe extern "sysv64" fn call_interp<T>(ctx: *mut VmCtx, fp: *mut u64, def: u64) -> u64 {
    // SAFETY: called by compiled code with its live context.
    let (store, instance, base) = unsafe { hook_parts::<T>(ctx, fp) };
    let result = catching(store, |store| {
        match crate::interp::run_defined_or_tail(store, instance, def as u32, base)? {
            None => Ok(0),
            Some(tail) if tail.instance == instance => {
                store.inner.instances[instance as usize].call_counts[tail.def as usize] += 1;
                Ok(tail.entry as u64)
            }
            Some(tail) => crate::interp::enter_tail(store, tail, base).map(|()| 0),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => pending(store, Err(e)),
    }
}
