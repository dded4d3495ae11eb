//! The dispatch loop and the slow paths it calls.
//!
//! All raw-pointer access of the interpreter is here. The invariants:
//! - `fp` points at the running frame, `frame_size` cells of the value stack
//!   that were bounds-checked against the stack when the frame was entered;
//!   every register operand is `< frame_size` by construction of the allocator.
//! - `ip` points into the running function's code, owned by its `Module`,
//!   which the instance (and so the store) keeps alive.
//! - `mem`/`mem_len` describe memory 0 of the running instance; they are
//!   reloaded after anything that can grow memory or switch instances.

use crate::error::{Error, FrameInfo, Result, Trap, TrapCode};
use crate::ir::{FuncBody, MemKind, Op, Reg};
use crate::module::ModuleInner;
use crate::runtime::store::{catching, Caller, FuncEntity, Store, StoreInner};
use crate::runtime::{bulk, growth};

/// Frames kept in a trap's backtrace, innermost first.
const MAX_BACKTRACE: usize = 100;

/// The caches of the running instance.
struct Ctx {
    instance: u32,
    module: *const ModuleInner,
    mem: *mut u8,
    mem_len: u64,
    globals: *const *mut u64,
    call_counts: *mut u64,
    loop_counts: *mut u64,
}

impl Ctx {
    fn load(inner: &mut StoreInner, instance: u32) -> Ctx {
        let inst = &mut inner.instances[instance as usize];
        let (mem, mem_len) = match inst.memories.first() {
            Some(&m) => {
                let m = &inner.memories[m as usize];
                (m.base(), m.len() as u64)
            }
            None => (std::ptr::null_mut(), 0),
        };
        Ctx {
            instance,
            module: &*inst.module.inner,
            mem,
            mem_len,
            globals: inst.global_ptrs.as_ptr(),
            call_counts: inst.call_counts.as_mut_ptr(),
            loop_counts: inst.loop_counts.as_mut_ptr(),
        }
    }

    fn refresh_memory(&mut self, inner: &StoreInner) {
        let inst = &inner.instances[self.instance as usize];
        if let Some(&m) = inst.memories.first() {
            self.mem_len = inner.memories[m as usize].len() as u64;
        }
    }
}

/// A suspended caller.
struct Frame {
    instance: u32,
    def: u32,
    /// Where to resume: the caller's `results` words.
    ip: *const Op<Reg>,
    base: usize,
}

/// Register `k` of the `args`/`results` words starting at `ip`.
///
/// # Safety
/// `ip` must point at enough operand words for `k`, as the translator emits.
#[inline(always)]
unsafe fn operand(ip: *const Op<Reg>, k: usize) -> Reg {
    // SAFETY: the caller guarantees the word exists.
    match unsafe { *ip.add(k / 3) } {
        Op::Args { r0, r1, r2 } | Op::Results { r0, r1, r2 } => [r0, r1, r2][k % 3],
        _ => 0,
    }
}

/// Calls host function `host` with its arguments at cell `base`.
pub(super) fn call_host<T>(
    store: &mut Store<T>,
    host: u32,
    base: usize,
    cells: usize,
    instance: Option<u32>,
) -> Result<()> {
    if base + cells > store.inner.stack.len() {
        return Err(Error::trap(TrapCode::StackOverflow));
    }
    let f = store.host_funcs[host as usize].clone();
    let ptr = store.inner.stack.ptr(base);
    let saved_top = store.inner.stack_top;
    store.inner.stack_top = base + cells;
    // SAFETY: [base, base + cells) is inside the stack (checked above) and no
    // frame uses it: wasm re-entered from the host starts at `stack_top`.
    let span = unsafe { std::slice::from_raw_parts_mut(ptr, cells) };
    let result = catching(store, |store| f(Caller { store, instance }, span));
    store.inner.stack_top = saved_top;
    result
}

fn backtrace(inner: &StoreInner, frames: &[Frame], instance: u32, def: u32) -> Vec<FrameInfo> {
    let info = |instance: u32, def: u32| {
        let m = &inner.instances[instance as usize].module.inner;
        let index = m.env.num_imported_funcs + def;
        FrameInfo {
            func_index: index,
            func_name: m.func_name(index),
            module_name: m.name.clone(),
        }
    };
    // Runaway recursion would otherwise make a frame per call: keep the innermost.
    let mut out = vec![info(instance, def)];
    out.extend(
        frames
            .iter()
            .rev()
            .take(MAX_BACKTRACE - 1)
            .map(|f| info(f.instance, f.def)),
    );
    out
}

/// Runs defined function `def` of `instance` with its frame at `base`.
pub(super) fn run<T>(store: &mut Store<T>, instance: u32, def: u32, base: usize) -> Result<()> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut state = State {
        instance,
        def,
        base,
    };
    match execute(store, &mut frames, &mut state) {
        Ok(()) => Ok(()),
        Err(Exit::Trap(code)) => {
            let bt = backtrace(&store.inner, &frames, state.instance, state.def);
            Err(Trap::new(code, bt).into())
        }
        Err(Exit::Error(e)) => Err(e),
    }
}

/// Why execution stopped early.
enum Exit {
    Trap(TrapCode),
    Error(Error),
}

impl From<TrapCode> for Exit {
    fn from(code: TrapCode) -> Exit {
        Exit::Trap(code)
    }
}

impl From<Error> for Exit {
    fn from(e: Error) -> Exit {
        // A trap from a nested activation keeps the backtrace it was made with.
        Exit::Error(e)
    }
}

/// How a reached epoch deadline ends execution: our own interrupt trap gets
/// the interpreter's backtrace; a callback's error passes through.
fn epoch_exit(e: Error) -> Exit {
    match e.as_trap() {
        Some(t) if t.backtrace().is_empty() => Exit::Trap(t.code()),
        _ => Exit::Error(e),
    }
}

/// Where the running function is, kept outside the loop for backtraces.
struct State {
    instance: u32,
    def: u32,
    base: usize,
}

/// Enters function `def` of the module at `ctx` with its frame at `base`:
/// checks limits, loads constants, zeroes the rest of the frame.
///
/// # Safety
/// `ctx.module` must be live and `def` one of its functions.
#[inline(always)]
unsafe fn enter(
    inner: &mut StoreInner,
    ctx: &Ctx,
    def: u32,
    base: usize,
) -> Result<(*const FuncBody, *mut u64), TrapCode> {
    // SAFETY: the module outlives the store's instances.
    let body = unsafe { &(&*ctx.module).bodies[def as usize] };
    // The frame and its calls' argument cells, as compiled code checks.
    let needed = body.stack_cells() as usize;
    if inner.depth >= inner.engine.config().max_call_depth || base + needed > inner.stack.len() {
        return Err(TrapCode::StackOverflow);
    }
    inner.depth += 1;
    let fp = inner.stack.ptr(base);
    let np = body.num_params as usize;
    // SAFETY: [base, base + frame) is inside the stack (checked above) and
    // local cells are frame cells. Frames are small: plain loops beat calls
    // to memcpy/memset here.
    unsafe {
        for (i, &c) in body.consts.iter().enumerate() {
            *fp.add(np + i) = c;
        }
        for &cell in body.local_cells.iter() {
            *fp.add(cell as usize) = 0;
        }
        *ctx.call_counts.add(def as usize) += 1;
    }
    Ok((body, fp))
}

#[inline(always)]
fn trunc_check(x: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::InvalidConversionToInteger);
    }
    let t = x.trunc();
    if t < lo || t >= hi {
        return Err(TrapCode::IntegerOverflow);
    }
    Ok(t)
}

/// Rounding must return a quiet NaN for a NaN input; software rounding
/// passes signalling NaNs through unchanged.
fn quiet32(x: f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(x.to_bits() | 0x0040_0000)
    } else {
        x
    }
}

fn quiet64(x: f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000)
    } else {
        x
    }
}

fn fmin32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f32::from_bits(a.to_bits() | b.to_bits())
    } else {
        a.min(b)
    }
}

fn fmax32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f32::from_bits(a.to_bits() & b.to_bits())
    } else {
        a.max(b)
    }
}

fn fmin64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else {
        a.min(b)
    }
}

fn fmax64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else {
        a.max(b)
    }
}

#[allow(clippy::too_many_lines)]
fn execute<T>(store: &mut Store<T>, frames: &mut Vec<Frame>, st: &mut State) -> Result<(), Exit> {
    let mut ctx = Ctx::load(&mut store.inner, st.instance);
    // SAFETY: see the module invariants; `def` is a defined function.
    let (mut body, mut fp) = unsafe { enter(&mut store.inner, &ctx, st.def, st.base)? };
    // SAFETY: body points into the live module.
    let mut ip: *const Op<Reg> = unsafe { (*body).code.as_ptr() };
    let mut loop_base = unsafe { (&*ctx.module).loop_offsets[st.def as usize] as usize };
    let config = store.inner.engine.config();
    let tiered = config.strategy == crate::Strategy::Tiered;
    let jit_enabled = config.strategy != crate::Strategy::Interpreter;
    let (tier_calls, tier_back_edges) = (config.tier_up_calls, config.tier_up_back_edges);
    let epochs = config.epoch_interruption;
    let fuel_on = config.consume_fuel;
    let epoch: *const std::sync::atomic::AtomicU64 = store.inner.engine.epoch_counter();

    // At function entry and loop back-edges: the epoch deadline.
    macro_rules! check_epoch {
        () => {
            // SAFETY: the engine, which owns the counter, outlives the store.
            if epochs
                && unsafe { (*epoch).load(std::sync::atomic::Ordering::Relaxed) }
                    >= store.inner.epoch_deadline
            {
                // SAFETY: body is the running function's, live.
                let top = st.base + unsafe { (*body).frame_size } as usize;
                if let Err(e) = store.epoch_deadline_reached(top) {
                    return Err(epoch_exit(e));
                }
                ctx.refresh_memory(&store.inner);
            }
        };
    }
    check_epoch!();

    macro_rules! r {
        ($x:expr) => {
            // SAFETY: register operands are < frame_size.
            unsafe { *fp.add($x as usize) }
        };
    }
    macro_rules! w {
        ($x:expr, $v:expr) => {{
            let v: u64 = $v;
            // SAFETY: register operands are < frame_size.
            unsafe { *fp.add($x as usize) = v }
        }};
    }
    macro_rules! i32_ {
        ($x:expr) => {
            r!($x) as u32 as i32
        };
    }
    macro_rules! u32_ {
        ($x:expr) => {
            r!($x) as u32
        };
    }
    macro_rules! f32_ {
        ($x:expr) => {
            f32::from_bits(r!($x) as u32)
        };
    }
    macro_rules! f64_ {
        ($x:expr) => {
            f64::from_bits(r!($x))
        };
    }
    macro_rules! wi32 {
        ($d:expr, $v:expr) => {
            w!($d, ($v) as u32 as u64)
        };
    }
    macro_rules! wf32 {
        ($d:expr, $v:expr) => {
            w!($d, (($v) as f32).to_bits() as u64)
        };
    }
    macro_rules! wf64 {
        ($d:expr, $v:expr) => {
            w!($d, (($v) as f64).to_bits())
        };
    }
    // Jumps by a branch's offset, counting loop back-edges.
    macro_rules! jump {
        ($off:expr) => {{
            let off = $off as isize;
            // SAFETY: offsets were resolved inside the function's code.
            let target = unsafe { ip.offset(off - 1) };
            ip = target;
            if off <= 0 {
                // SAFETY: back-edge targets follow their loop's header.
                if let Op::LoopHeader { loop_id } = unsafe { *target.sub(1) } {
                    let counter = unsafe { ctx.loop_counts.add(loop_base + loop_id as usize) };
                    // SAFETY: the instance's counters cover every loop.
                    let count = unsafe {
                        *counter += 1;
                        *counter
                    };
                    check_epoch!();
                    if tiered && count >= tier_back_edges {
                        osr!(loop_id);
                    }
                }
            }
            // A branch target that starts a run charges it here rather than
            // in a dispatch of its own (after a possible OSR, whose compiled
            // code charges the run itself).
            if fuel_on {
                // SAFETY: a branch target is an instruction of the function.
                if let Op::ConsumeFuel { amount } = unsafe { *target } {
                    charge!(amount);
                    ip = unsafe { target.add(1) };
                }
            }
        }};
    }
    // Charges a run's fuel; running out traps.
    macro_rules! charge {
        ($amount:expr) => {{
            let fuel = &mut store.inner.fuel;
            *fuel -= $amount as i64;
            if *fuel < 0 {
                return Err(TrapCode::OutOfFuel.into());
            }
        }};
    }
    // Continues the running function in compiled code from the loop header
    // `ip` points at, then returns from it as the interpreter would.
    macro_rules! osr {
        ($loop_id:expr) => {{
            // SAFETY: the module outlives its instances.
            let module = unsafe { &*ctx.module };
            crate::jit::compile(module, st.def)?;
            if let Some(entry) = module.jit.osr_entry(loop_base + $loop_id as usize) {
                module
                    .jit
                    .osr_count
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                native_entry!(crate::jit::enter(
                    store,
                    st.instance,
                    st.def,
                    entry,
                    st.base
                ));
                return_frame!();
                continue;
            }
        }};
    }
    // Runs a nested native entry into compiled code, counting it as an activation.
    macro_rules! native_entry {
        ($call:expr) => {{
            // Compiled code checks the native stack in its prologue.
            store.inner.activations += 1;
            let result = $call;
            store.inner.activations -= 1;
            if let Err(e) = result {
                let outer = backtrace(&store.inner, frames, st.instance, st.def);
                return Err(Exit::Error(e.with_outer_frames(outer)));
            }
            ctx.refresh_memory(&store.inner);
        }};
    }
    macro_rules! jump16 {
        ($off:expr) => {{
            let off = $off;
            if off == FuncBody::FAR {
                // SAFETY: ip is one past this instruction.
                let pc = unsafe { ip.offset_from((*body).code.as_ptr()) } as usize - 1;
                jump!(unsafe { (*body).far_offset(pc) })
            } else {
                jump!(off)
            }
        }};
    }
    macro_rules! addr {
        ($ptr:expr, $off:expr, $size:expr) => {{
            let ea = r!($ptr) as u32 as u64 + $off as u64;
            if ea + $size > ctx.mem_len {
                return Err(TrapCode::MemoryOutOfBounds.into());
            }
            // SAFETY: [ea, ea + size) is inside the memory's accessible bytes.
            unsafe { ctx.mem.add(ea as usize) }
        }};
    }
    macro_rules! load {
        ($dst:expr, $ptr:expr, $off:expr, $t:ty, $conv:expr) => {{
            let p = addr!($ptr, $off, std::mem::size_of::<$t>() as u64);
            // SAFETY: checked by addr!.
            let v = unsafe { (p as *const $t).read_unaligned() };
            w!($dst, ($conv)(v))
        }};
    }
    macro_rules! store_ {
        ($ptr:expr, $val:expr, $off:expr, $t:ty) => {{
            let p = addr!($ptr, $off, std::mem::size_of::<$t>() as u64);
            let v = r!($val) as $t;
            // SAFETY: checked by addr!.
            unsafe { (p as *mut $t).write_unaligned(v) }
        }};
    }
    macro_rules! bin {
        ($d:expr, $a:expr, $b:expr, $get:ident, $put:ident, |$x:ident, $y:ident| $e:expr) => {{
            let $x = $get!($a);
            let $y = $get!($b);
            $put!($d, $e)
        }};
    }
    macro_rules! un {
        ($d:expr, $s:expr, $get:ident, $put:ident, |$x:ident| $e:expr) => {{
            let $x = $get!($s);
            $put!($d, $e)
        }};
    }
    macro_rules! cmp_br {
        ($a:expr, $b:expr, $off:expr, $get:ident, |$x:ident, $y:ident| $e:expr) => {{
            let $x = $get!($a);
            let $y = $get!($b);
            if $e {
                jump16!($off)
            }
        }};
    }
    // Division and remainder: a zero divisor traps, and so does a quotient
    // that does not fit (`MIN / -1`), which `$e` reports as `None`.
    macro_rules! div {
        ($d:expr, $a:expr, $b:expr, $get:ident, $put:ident, |$x:ident, $y:ident| $e:expr) => {{
            let $x = $get!($a);
            let $y = $get!($b);
            if $y == 0 {
                return Err(TrapCode::IntegerDivideByZero.into());
            }
            match $e {
                Some(v) => $put!($d, v),
                None => return Err(TrapCode::IntegerOverflow.into()),
            }
        }};
    }
    macro_rules! i64_ {
        ($x:expr) => {
            r!($x) as i64
        };
    }
    macro_rules! u64_ {
        ($x:expr) => {
            r!($x)
        };
    }
    macro_rules! wi64 {
        ($d:expr, $v:expr) => {
            w!($d, ($v) as u64)
        };
    }
    macro_rules! wbool {
        ($d:expr, $v:expr) => {
            w!($d, ($v) as u64)
        };
    }
    macro_rules! trunc {
        ($d:expr, $s:expr, $get:ident, $lo:expr, $hi:expr, $t:ty, $put:ident) => {{
            let t = trunc_check($get!($s) as f64, $lo, $hi)?;
            $put!($d, t as $t)
        }};
    }
    // Switches to function `def` of instance `inst` for a call whose args
    // words start at `ip`.
    macro_rules! call_wasm {
        ($inst:expr, $def:expr) => {{
            let inst: u32 = $inst;
            let def: u32 = $def;
            let new_base = st.base + unsafe { (*body).frame_size } as usize;
            let callee_ctx = if inst == ctx.instance {
                None
            } else {
                Some(Ctx::load(&mut store.inner, inst))
            };
            let cctx = callee_ctx.as_ref().unwrap_or(&ctx);
            // SAFETY: the callee's module is live; def indexes its functions.
            let callee = unsafe { &(&*cctx.module).bodies[def as usize] };
            let np = callee.num_params as usize;
            if new_base + callee.frame_size as usize > store.inner.stack.len() {
                return Err(TrapCode::StackOverflow.into());
            }
            let new_fp = store.inner.stack.ptr(new_base);
            for k in 0..np {
                // SAFETY: args words follow the call; the new frame is in bounds.
                let reg = unsafe { operand(ip, k) };
                let v = r!(reg);
                unsafe { *new_fp.add(k) = v };
            }
            // SAFETY: the callee's module is live.
            let cmodule = unsafe { &*cctx.module };
            let mut entry = if jit_enabled {
                cmodule.jit.compiled_entry(def)
            } else {
                None
            };
            // SAFETY: the callee instance's counters cover its functions.
            let calls = unsafe { *cctx.call_counts.add(def as usize) } + 1;
            if entry.is_none() && tiered && calls >= tier_calls {
                crate::jit::compile(cmodule, def)?;
                entry = cmodule.jit.compiled_entry(def);
            }
            if let Some(entry) = entry {
                // SAFETY: as above.
                unsafe { *cctx.call_counts.add(def as usize) = calls };
                let nr = callee.num_results as usize;
                native_entry!(crate::jit::enter(store, inst, def, entry, new_base));
                // SAFETY: results words follow the args words.
                ip = unsafe { ip.add(np.div_ceil(3)) };
                for k in 0..nr {
                    // SAFETY: results words follow; the callee's cells are in bounds.
                    let (reg, v) = unsafe { (operand(ip, k), *new_fp.add(k)) };
                    w!(reg, v);
                }
                ip = unsafe { ip.add(nr.div_ceil(3)) };
                continue;
            }
            frames.push(Frame {
                instance: st.instance,
                def: st.def,
                ip: unsafe { ip.add(np.div_ceil(3)) },
                base: st.base,
            });
            // SAFETY: cctx describes the callee's live instance.
            let (b, f) = match unsafe { enter(&mut store.inner, cctx, def, new_base) } {
                Ok(x) => x,
                Err(code) => {
                    frames.pop();
                    return Err(code.into());
                }
            };
            if let Some(c) = callee_ctx {
                ctx = c;
            }
            st.instance = inst;
            st.def = def;
            st.base = new_base;
            body = b;
            fp = f;
            ip = unsafe { (*body).code.as_ptr() };
            loop_base = unsafe { (&*ctx.module).loop_offsets[def as usize] as usize };
            check_epoch!();
        }};
    }
    // Calls store function `func` (wasm of any instance, or host).
    macro_rules! call_store_func {
        ($func:expr) => {{
            let func: u32 = $func;
            match store.inner.funcs[func as usize] {
                FuncEntity::Wasm { instance, def, .. } => call_wasm!(instance, def),
                FuncEntity::Host { host, ref ty, .. } => {
                    let np = ty.params().len();
                    let nr = ty.results().len();
                    let cells = np.max(nr);
                    let new_base = st.base + unsafe { (*body).frame_size } as usize;
                    if new_base + cells > store.inner.stack.len() {
                        return Err(TrapCode::StackOverflow.into());
                    }
                    let new_fp = store.inner.stack.ptr(new_base);
                    for k in 0..np {
                        // SAFETY: as in call_wasm.
                        let reg = unsafe { operand(ip, k) };
                        let v = r!(reg);
                        unsafe { *new_fp.add(k) = v };
                    }
                    ip = unsafe { ip.add(np.div_ceil(3)) };
                    call_host(store, host, new_base, cells, Some(st.instance))?;
                    for k in 0..nr {
                        // SAFETY: results words follow; new frame still in bounds.
                        let (reg, v) = unsafe { (operand(ip, k), *new_fp.add(k)) };
                        w!(reg, v);
                    }
                    ip = unsafe { ip.add(nr.div_ceil(3)) };
                    // The host may have grown memory.
                    ctx.refresh_memory(&store.inner);
                }
            }
        }};
    }

    // Pops the running frame (its results are in cells 0..n) and resumes
    // the caller, or leaves when it was the entry frame.
    macro_rules! return_frame {
        () => {{
            store.inner.depth -= 1;
            let Some(caller) = frames.pop() else {
                return Ok(());
            };
            let callee_fp = fp;
            // SAFETY: body is live.
            let nr = unsafe { (*body).num_results } as usize;
            if caller.instance != ctx.instance {
                ctx = Ctx::load(&mut store.inner, caller.instance);
            } else {
                ctx.refresh_memory(&store.inner);
            }
            st.instance = caller.instance;
            st.def = caller.def;
            st.base = caller.base;
            // SAFETY: the caller's module is live.
            body = unsafe { &(&*ctx.module).bodies[caller.def as usize] };
            fp = store.inner.stack.ptr(caller.base);
            loop_base = unsafe { (&*ctx.module).loop_offsets[caller.def as usize] as usize };
            ip = caller.ip;
            for k in 0..nr {
                // SAFETY: results words follow the call site.
                let (reg, v) = unsafe { (operand(ip, k), *callee_fp.add(k)) };
                w!(reg, v);
            }
            ip = unsafe { ip.add(nr.div_ceil(3)) };
        }};
    }

    loop {
        // SAFETY: ip stays inside the function's code: every path ends in a
        // return, unreachable, or branch to a resolved target.
        let op = unsafe { *ip };
        ip = unsafe { ip.add(1) };
        match op {
            Op::Unreachable {} => return Err(TrapCode::Unreachable.into()),
            Op::ConsumeFuel { amount } => charge!(amount),
            Op::Copy { dst, src } => w!(dst, r!(src)),
            Op::I32ReinterpretF32 { dst, src } => wi32!(dst, r!(src) as u32),
            // Entering a loop; its back-edges check in `jump!`.
            Op::LoopHeader { .. } => check_epoch!(),
            Op::Br { offset } => jump!(offset),
            Op::BrIfNez { cond, offset } => {
                if u32_!(cond) != 0 {
                    jump!(offset)
                }
            }
            Op::BrIfEqz { cond, offset } => {
                if u32_!(cond) == 0 {
                    jump!(offset)
                }
            }
            Op::BrTable { index, len } => {
                let i = u32_!(index).min(len);
                // SAFETY: len + 1 `br` words follow the table.
                ip = unsafe { ip.add(i as usize) };
            }
            Op::Return0 {} | Op::Return1 { .. } | Op::ReturnN { .. } => {
                match op {
                    Op::Return1 { src } => w!(0, r!(src)),
                    Op::ReturnN { count } => {
                        let n = count as usize;
                        let mut tmp = [0u64; 16];
                        let mut heap;
                        let vals: &mut [u64] = if n <= 16 {
                            &mut tmp[..n]
                        } else {
                            heap = vec![0u64; n];
                            &mut heap
                        };
                        for (k, v) in vals.iter_mut().enumerate() {
                            // SAFETY: `count` registers follow in args words.
                            let reg = unsafe { operand(ip, k) };
                            *v = r!(reg);
                        }
                        for (k, &v) in vals.iter().enumerate() {
                            w!(k, v);
                        }
                    }
                    _ => {}
                }
                return_frame!();
            }
            Op::Args { .. } | Op::Results { .. } | Op::Imm { .. } => {
                // Operand words are consumed by their instruction.
            }
            Op::CallInternal { func } => {
                let inst = ctx.instance;
                call_wasm!(inst, func)
            }
            Op::CallImported { func } => {
                let f = store.inner.instances[ctx.instance as usize].funcs[func as usize];
                call_store_func!(f)
            }
            Op::CallIndirect { index, ty } => {
                // SAFETY: an imm word with the table index follows.
                let Op::Imm { value: table } = (unsafe { *ip }) else {
                    unreachable!("call_indirect without its table word")
                };
                ip = unsafe { ip.add(1) };
                let i = u32_!(index);
                let f = bulk::indirect_callee(&store.inner, ctx.instance, table, i, ty)?;
                call_store_func!(f)
            }
            Op::Select { dst, a, b } => {
                // SAFETY: an args word with the condition follows.
                let cond = unsafe { operand(ip, 0) };
                ip = unsafe { ip.add(1) };
                w!(dst, if u32_!(cond) != 0 { r!(a) } else { r!(b) })
            }
            Op::GlobalGet { dst, global } => {
                // SAFETY: global pointers of the instance are stable and valid.
                w!(dst, unsafe { **ctx.globals.add(global as usize) })
            }
            Op::GlobalSet { src, global } => {
                let v = r!(src);
                // SAFETY: as above.
                unsafe { **ctx.globals.add(global as usize) = v }
            }
            Op::I32Load { dst, ptr, offset } => load!(dst, ptr, offset, u32, |v: u32| v as u64),
            Op::I64Load { dst, ptr, offset } => load!(dst, ptr, offset, u64, |v: u64| v),
            Op::F32Load { dst, ptr, offset } => load!(dst, ptr, offset, u32, |v: u32| v as u64),
            Op::F64Load { dst, ptr, offset } => load!(dst, ptr, offset, u64, |v: u64| v),
            Op::I32Load8S { dst, ptr, offset } => {
                load!(dst, ptr, offset, i8, |v: i8| v as i32 as u32 as u64)
            }
            Op::I32Load8U { dst, ptr, offset } => load!(dst, ptr, offset, u8, |v: u8| v as u64),
            Op::I32Load16S { dst, ptr, offset } => {
                load!(dst, ptr, offset, i16, |v: i16| v as i32 as u32 as u64)
            }
            Op::I32Load16U { dst, ptr, offset } => load!(dst, ptr, offset, u16, |v: u16| v as u64),
            Op::I64Load8S { dst, ptr, offset } => {
                load!(dst, ptr, offset, i8, |v: i8| v as i64 as u64)
            }
            Op::I64Load8U { dst, ptr, offset } => load!(dst, ptr, offset, u8, |v: u8| v as u64),
            Op::I64Load16S { dst, ptr, offset } => {
                load!(dst, ptr, offset, i16, |v: i16| v as i64 as u64)
            }
            Op::I64Load16U { dst, ptr, offset } => load!(dst, ptr, offset, u16, |v: u16| v as u64),
            Op::I64Load32S { dst, ptr, offset } => {
                load!(dst, ptr, offset, i32, |v: i32| v as i64 as u64)
            }
            Op::I64Load32U { dst, ptr, offset } => load!(dst, ptr, offset, u32, |v: u32| v as u64),
            Op::I32Store { ptr, val, offset } => store_!(ptr, val, offset, u32),
            Op::I64Store { ptr, val, offset } => store_!(ptr, val, offset, u64),
            Op::F32Store { ptr, val, offset } => store_!(ptr, val, offset, u32),
            Op::F64Store { ptr, val, offset } => store_!(ptr, val, offset, u64),
            Op::I32Store8 { ptr, val, offset } => store_!(ptr, val, offset, u8),
            Op::I32Store16 { ptr, val, offset } => store_!(ptr, val, offset, u16),
            Op::I64Store8 { ptr, val, offset } => store_!(ptr, val, offset, u8),
            Op::I64Store16 { ptr, val, offset } => store_!(ptr, val, offset, u16),
            Op::I64Store32 { ptr, val, offset } => store_!(ptr, val, offset, u32),
            Op::LoadWide { dst, ptr, kind } => {
                // SAFETY: an imm word with the offset follows.
                let Op::Imm { value: offset } = (unsafe { *ip }) else {
                    unreachable!("wide load without its offset word")
                };
                ip = unsafe { ip.add(1) };
                match kind {
                    MemKind::I32Load | MemKind::F32Load => {
                        load!(dst, ptr, offset, u32, |v: u32| v as u64)
                    }
                    MemKind::I64Load | MemKind::F64Load => load!(dst, ptr, offset, u64, |v: u64| v),
                    MemKind::I32Load8S => {
                        load!(dst, ptr, offset, i8, |v: i8| v as i32 as u32 as u64)
                    }
                    MemKind::I32Load8U | MemKind::I64Load8U => {
                        load!(dst, ptr, offset, u8, |v: u8| v as u64)
                    }
                    MemKind::I32Load16S => {
                        load!(dst, ptr, offset, i16, |v: i16| v as i32 as u32 as u64)
                    }
                    MemKind::I32Load16U | MemKind::I64Load16U => {
                        load!(dst, ptr, offset, u16, |v: u16| v as u64)
                    }
                    MemKind::I64Load8S => load!(dst, ptr, offset, i8, |v: i8| v as i64 as u64),
                    MemKind::I64Load16S => load!(dst, ptr, offset, i16, |v: i16| v as i64 as u64),
                    MemKind::I64Load32S => load!(dst, ptr, offset, i32, |v: i32| v as i64 as u64),
                    MemKind::I64Load32U => load!(dst, ptr, offset, u32, |v: u32| v as u64),
                    _ => unreachable!("store kind in a wide load"),
                }
            }
            Op::StoreWide { ptr, val, kind } => {
                // SAFETY: an imm word with the offset follows.
                let Op::Imm { value: offset } = (unsafe { *ip }) else {
                    unreachable!("wide store without its offset word")
                };
                ip = unsafe { ip.add(1) };
                match kind {
                    MemKind::I32Store | MemKind::F32Store | MemKind::I64Store32 => {
                        store_!(ptr, val, offset, u32)
                    }
                    MemKind::I64Store | MemKind::F64Store => store_!(ptr, val, offset, u64),
                    MemKind::I32Store8 | MemKind::I64Store8 => store_!(ptr, val, offset, u8),
                    MemKind::I32Store16 | MemKind::I64Store16 => store_!(ptr, val, offset, u16),
                    _ => unreachable!("load kind in a wide store"),
                }
            }
            Op::MemorySize { dst } => w!(dst, ctx.mem_len / crate::runtime::memory::PAGE_SIZE),
            Op::MemoryGrow { dst, delta } => {
                let m = store.inner.instances[ctx.instance as usize].memories[0] as usize;
                let delta = u32_!(delta) as u64;
                let old = catching(store, |store| growth::grow_memory(store, m, delta))?;
                ctx.mem_len = store.inner.memories[m].len() as u64;
                wi32!(dst, old.map_or(-1i32, |o| o as i32))
            }
            Op::MemoryFill { dst, val, len } => bulk::memory_fill(
                &mut store.inner,
                ctx.instance,
                u32_!(dst),
                r!(val) as u8,
                u32_!(len),
            )?,
            Op::MemoryCopy { dst, src, len } => bulk::memory_copy(
                &mut store.inner,
                ctx.instance,
                u32_!(dst),
                u32_!(src),
                u32_!(len),
            )?,
            Op::MemoryInit { data } => {
                // SAFETY: an args word follows.
                let (d, s, n) = unsafe { (operand(ip, 0), operand(ip, 1), operand(ip, 2)) };
                ip = unsafe { ip.add(1) };
                let (d, s, n) = (u32_!(d), u32_!(s), u32_!(n));
                bulk::memory_init(&mut store.inner, ctx.instance, data, d, s, n)?
            }
            Op::DataDrop { data } => bulk::data_drop(&mut store.inner, ctx.instance, data),
            Op::TableGet { dst, index, table } => {
                let v = bulk::table_get(&store.inner, ctx.instance, table as u32, u32_!(index))?;
                w!(dst, v)
            }
            Op::TableSet { index, val, table } => {
                let (i, v) = (u32_!(index), r!(val));
                bulk::table_set(&mut store.inner, ctx.instance, table as u32, i, v)?
            }
            Op::TableSize { dst, table } => {
                w!(
                    dst,
                    bulk::table_size(&store.inner, ctx.instance, table) as u64
                )
            }
            Op::TableGrow { dst, init, delta } => {
                // SAFETY: an imm word with the table index follows.
                let Op::Imm { value: table } = (unsafe { *ip }) else {
                    unreachable!("table.grow without its table word")
                };
                ip = unsafe { ip.add(1) };
                let (v, n) = (r!(init), u32_!(delta));
                let t = store.inner.instances[ctx.instance as usize].tables[table as usize];
                let t = t as usize;
                let old = catching(store, |store| growth::grow_table(store, t, n as u64, v))?;
                wi32!(dst, old.map_or(-1i32, |o| o as i32))
            }
            Op::TableFill { index, val, len } => {
                // SAFETY: an imm word with the table index follows.
                let Op::Imm { value: table } = (unsafe { *ip }) else {
                    unreachable!("table.fill without its table word")
                };
                ip = unsafe { ip.add(1) };
                let (i, v, n) = (u32_!(index), r!(val), u32_!(len));
                bulk::table_fill(&mut store.inner, ctx.instance, table, i, v, n)?
            }
            Op::TableCopy { dst, src, len } => {
                // SAFETY: an imm word with both table indices follows.
                let Op::Imm { value: tables } = (unsafe { *ip }) else {
                    unreachable!("table.copy without its table word")
                };
                ip = unsafe { ip.add(1) };
                let (d, s, n) = (u32_!(dst), u32_!(src), u32_!(len));
                let (td, ts) = (tables & 0xffff, tables >> 16);
                bulk::table_copy(&mut store.inner, ctx.instance, td, ts, d, s, n)?
            }
            Op::TableInit { table, elem } => {
                // SAFETY: an args word follows.
                let (d, s, n) = unsafe { (operand(ip, 0), operand(ip, 1), operand(ip, 2)) };
                ip = unsafe { ip.add(1) };
                let (d, s, n) = (u32_!(d), u32_!(s), u32_!(n));
                bulk::table_init(&mut store.inner, ctx.instance, table as u32, elem, d, s, n)?
            }
            Op::ElemDrop { elem } => bulk::elem_drop(&mut store.inner, ctx.instance, elem),
            Op::RefFunc { dst, func } => {
                let f = store.inner.instances[ctx.instance as usize].funcs[func as usize];
                w!(dst, f as u64 + 1)
            }

            Op::I32Eqz { dst, src } => wbool!(dst, u32_!(src) == 0),
            Op::I32Eq { dst, a, b } => wbool!(dst, u32_!(a) == u32_!(b)),
            Op::I32Ne { dst, a, b } => wbool!(dst, u32_!(a) != u32_!(b)),
            Op::I32LtS { dst, a, b } => wbool!(dst, i32_!(a) < i32_!(b)),
            Op::I32LtU { dst, a, b } => wbool!(dst, u32_!(a) < u32_!(b)),
            Op::I32GtS { dst, a, b } => wbool!(dst, i32_!(a) > i32_!(b)),
            Op::I32GtU { dst, a, b } => wbool!(dst, u32_!(a) > u32_!(b)),
            Op::I32LeS { dst, a, b } => wbool!(dst, i32_!(a) <= i32_!(b)),
            Op::I32LeU { dst, a, b } => wbool!(dst, u32_!(a) <= u32_!(b)),
            Op::I32GeS { dst, a, b } => wbool!(dst, i32_!(a) >= i32_!(b)),
            Op::I32GeU { dst, a, b } => wbool!(dst, u32_!(a) >= u32_!(b)),
            Op::I64Eqz { dst, src } => wbool!(dst, u64_!(src) == 0),
            Op::I64Eq { dst, a, b } => wbool!(dst, u64_!(a) == u64_!(b)),
            Op::I64Ne { dst, a, b } => wbool!(dst, u64_!(a) != u64_!(b)),
            Op::I64LtS { dst, a, b } => wbool!(dst, i64_!(a) < i64_!(b)),
            Op::I64LtU { dst, a, b } => wbool!(dst, u64_!(a) < u64_!(b)),
            Op::I64GtS { dst, a, b } => wbool!(dst, i64_!(a) > i64_!(b)),
            Op::I64GtU { dst, a, b } => wbool!(dst, u64_!(a) > u64_!(b)),
            Op::I64LeS { dst, a, b } => wbool!(dst, i64_!(a) <= i64_!(b)),
            Op::I64LeU { dst, a, b } => wbool!(dst, u64_!(a) <= u64_!(b)),
            Op::I64GeS { dst, a, b } => wbool!(dst, i64_!(a) >= i64_!(b)),
            Op::I64GeU { dst, a, b } => wbool!(dst, u64_!(a) >= u64_!(b)),
            Op::F32Eq { dst, a, b } => wbool!(dst, f32_!(a) == f32_!(b)),
            Op::F32Ne { dst, a, b } => wbool!(dst, f32_!(a) != f32_!(b)),
            Op::F32Lt { dst, a, b } => wbool!(dst, f32_!(a) < f32_!(b)),
            Op::F32Gt { dst, a, b } => wbool!(dst, f32_!(a) > f32_!(b)),
            Op::F32Le { dst, a, b } => wbool!(dst, f32_!(a) <= f32_!(b)),
            Op::F32Ge { dst, a, b } => wbool!(dst, f32_!(a) >= f32_!(b)),
            Op::F64Eq { dst, a, b } => wbool!(dst, f64_!(a) == f64_!(b)),
            Op::F64Ne { dst, a, b } => wbool!(dst, f64_!(a) != f64_!(b)),
            Op::F64Lt { dst, a, b } => wbool!(dst, f64_!(a) < f64_!(b)),
            Op::F64Gt { dst, a, b } => wbool!(dst, f64_!(a) > f64_!(b)),
            Op::F64Le { dst, a, b } => wbool!(dst, f64_!(a) <= f64_!(b)),
            Op::F64Ge { dst, a, b } => wbool!(dst, f64_!(a) >= f64_!(b)),

            Op::BrIfI32Eq { a, b, offset } => cmp_br!(a, b, offset, u32_, |x, y| x == y),
            Op::BrIfI32Ne { a, b, offset } => cmp_br!(a, b, offset, u32_, |x, y| x != y),
            Op::BrIfI32LtS { a, b, offset } => cmp_br!(a, b, offset, i32_, |x, y| x < y),
            Op::BrIfI32LtU { a, b, offset } => cmp_br!(a, b, offset, u32_, |x, y| x < y),
            Op::BrIfI32GtS { a, b, offset } => cmp_br!(a, b, offset, i32_, |x, y| x > y),
            Op::BrIfI32GtU { a, b, offset } => cmp_br!(a, b, offset, u32_, |x, y| x > y),
            Op::BrIfI32LeS { a, b, offset } => cmp_br!(a, b, offset, i32_, |x, y| x <= y),
            Op::BrIfI32LeU { a, b, offset } => cmp_br!(a, b, offset, u32_, |x, y| x <= y),
            Op::BrIfI32GeS { a, b, offset } => cmp_br!(a, b, offset, i32_, |x, y| x >= y),
            Op::BrIfI32GeU { a, b, offset } => cmp_br!(a, b, offset, u32_, |x, y| x >= y),
            Op::BrIfI64Eq { a, b, offset } => cmp_br!(a, b, offset, u64_, |x, y| x == y),
            Op::BrIfI64Ne { a, b, offset } => cmp_br!(a, b, offset, u64_, |x, y| x != y),
            Op::BrIfI64LtS { a, b, offset } => cmp_br!(a, b, offset, i64_, |x, y| x < y),
            Op::BrIfI64LtU { a, b, offset } => cmp_br!(a, b, offset, u64_, |x, y| x < y),
            Op::BrIfI64GtS { a, b, offset } => cmp_br!(a, b, offset, i64_, |x, y| x > y),
            Op::BrIfI64GtU { a, b, offset } => cmp_br!(a, b, offset, u64_, |x, y| x > y),
            Op::BrIfI64LeS { a, b, offset } => cmp_br!(a, b, offset, i64_, |x, y| x <= y),
            Op::BrIfI64LeU { a, b, offset } => cmp_br!(a, b, offset, u64_, |x, y| x <= y),
            Op::BrIfI64GeS { a, b, offset } => cmp_br!(a, b, offset, i64_, |x, y| x >= y),
            Op::BrIfI64GeU { a, b, offset } => cmp_br!(a, b, offset, u64_, |x, y| x >= y),

            Op::I32Clz { dst, src } => un!(dst, src, u32_, wi32, |x| x.leading_zeros()),
            Op::I32Ctz { dst, src } => un!(dst, src, u32_, wi32, |x| x.trailing_zeros()),
            Op::I32Popcnt { dst, src } => un!(dst, src, u32_, wi32, |x| x.count_ones()),
            Op::I32Add { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x.wrapping_add(y)),
            Op::I32Sub { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x.wrapping_sub(y)),
            Op::I32Mul { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x.wrapping_mul(y)),
            Op::I32DivS { dst, a, b } => div!(dst, a, b, i32_, wi32, |x, y| x.checked_div(y)),
            Op::I32DivU { dst, a, b } => div!(dst, a, b, u32_, wi32, |x, y| x.checked_div(y)),
            Op::I32RemS { dst, a, b } => {
                div!(dst, a, b, i32_, wi32, |x, y| Some(x.wrapping_rem(y)))
            }
            Op::I32RemU { dst, a, b } => div!(dst, a, b, u32_, wi32, |x, y| Some(x % y)),
            Op::I32And { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x & y),
            Op::I32Or { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x | y),
            Op::I32Xor { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x ^ y),
            Op::I32Shl { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x.wrapping_shl(y)),
            Op::I32ShrS { dst, a, b } => {
                bin!(dst, a, b, i32_, wi32, |x, y| x.wrapping_shr(y as u32))
            }
            Op::I32ShrU { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x.wrapping_shr(y)),
            Op::I32Rotl { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x.rotate_left(y)),
            Op::I32Rotr { dst, a, b } => bin!(dst, a, b, u32_, wi32, |x, y| x.rotate_right(y)),
            Op::I64Clz { dst, src } => un!(dst, src, u64_, wi64, |x| x.leading_zeros()),
            Op::I64Ctz { dst, src } => un!(dst, src, u64_, wi64, |x| x.trailing_zeros()),
            Op::I64Popcnt { dst, src } => un!(dst, src, u64_, wi64, |x| x.count_ones()),
            Op::I64Add { dst, a, b } => bin!(dst, a, b, u64_, wi64, |x, y| x.wrapping_add(y)),
            Op::I64Sub { dst, a, b } => bin!(dst, a, b, u64_, wi64, |x, y| x.wrapping_sub(y)),
            Op::I64Mul { dst, a, b } => bin!(dst, a, b, u64_, wi64, |x, y| x.wrapping_mul(y)),
            Op::I64DivS { dst, a, b } => div!(dst, a, b, i64_, wi64, |x, y| x.checked_div(y)),
            Op::I64DivU { dst, a, b } => div!(dst, a, b, u64_, wi64, |x, y| x.checked_div(y)),
            Op::I64RemS { dst, a, b } => {
                div!(dst, a, b, i64_, wi64, |x, y| Some(x.wrapping_rem(y)))
            }
            Op::I64RemU { dst, a, b } => div!(dst, a, b, u64_, wi64, |x, y| Some(x % y)),
            Op::I64And { dst, a, b } => bin!(dst, a, b, u64_, wi64, |x, y| x & y),
            Op::I64Or { dst, a, b } => bin!(dst, a, b, u64_, wi64, |x, y| x | y),
            Op::I64Xor { dst, a, b } => bin!(dst, a, b, u64_, wi64, |x, y| x ^ y),
            Op::I64Shl { dst, a, b } => {
                bin!(dst, a, b, u64_, wi64, |x, y| x.wrapping_shl(y as u32))
            }
            Op::I64ShrS { dst, a, b } => {
                bin!(dst, a, b, i64_, wi64, |x, y| x.wrapping_shr(y as u32))
            }
            Op::I64ShrU { dst, a, b } => {
                bin!(dst, a, b, u64_, wi64, |x, y| x.wrapping_shr(y as u32))
            }
            Op::I64Rotl { dst, a, b } => {
                bin!(dst, a, b, u64_, wi64, |x, y| x.rotate_left((y & 63) as u32))
            }
            Op::I64Rotr { dst, a, b } => {
                bin!(dst, a, b, u64_, wi64, |x, y| x
                    .rotate_right((y & 63) as u32))
            }

            Op::F32Abs { dst, src } => w!(dst, r!(src) & 0x7fff_ffff),
            Op::F32Neg { dst, src } => w!(dst, (r!(src) as u32 ^ 0x8000_0000) as u64),
            Op::F32Ceil { dst, src } => un!(dst, src, f32_, wf32, |x| quiet32(x.ceil())),
            Op::F32Floor { dst, src } => un!(dst, src, f32_, wf32, |x| quiet32(x.floor())),
            Op::F32Trunc { dst, src } => un!(dst, src, f32_, wf32, |x| quiet32(x.trunc())),
            Op::F32Nearest { dst, src } => {
                un!(dst, src, f32_, wf32, |x| quiet32(x.round_ties_even()))
            }
            Op::F32Sqrt { dst, src } => un!(dst, src, f32_, wf32, |x| x.sqrt()),
            Op::F32Add { dst, a, b } => bin!(dst, a, b, f32_, wf32, |x, y| x + y),
            Op::F32Sub { dst, a, b } => bin!(dst, a, b, f32_, wf32, |x, y| x - y),
            Op::F32Mul { dst, a, b } => bin!(dst, a, b, f32_, wf32, |x, y| x * y),
            Op::F32Div { dst, a, b } => bin!(dst, a, b, f32_, wf32, |x, y| x / y),
            Op::F32Min { dst, a, b } => bin!(dst, a, b, f32_, wf32, |x, y| fmin32(x, y)),
            Op::F32Max { dst, a, b } => bin!(dst, a, b, f32_, wf32, |x, y| fmax32(x, y)),
            Op::F32Copysign { dst, a, b } => {
                let (x, y) = (r!(a) as u32, r!(b) as u32);
                w!(dst, ((x & 0x7fff_ffff) | (y & 0x8000_0000)) as u64)
            }
            Op::F64Abs { dst, src } => w!(dst, r!(src) & 0x7fff_ffff_ffff_ffff),
            Op::F64Neg { dst, src } => w!(dst, r!(src) ^ 0x8000_0000_0000_0000),
            Op::F64Ceil { dst, src } => un!(dst, src, f64_, wf64, |x| quiet64(x.ceil())),
            Op::F64Floor { dst, src } => un!(dst, src, f64_, wf64, |x| quiet64(x.floor())),
            Op::F64Trunc { dst, src } => un!(dst, src, f64_, wf64, |x| quiet64(x.trunc())),
            Op::F64Nearest { dst, src } => {
                un!(dst, src, f64_, wf64, |x| quiet64(x.round_ties_even()))
            }
            Op::F64Sqrt { dst, src } => un!(dst, src, f64_, wf64, |x| x.sqrt()),
            Op::F64Add { dst, a, b } => bin!(dst, a, b, f64_, wf64, |x, y| x + y),
            Op::F64Sub { dst, a, b } => bin!(dst, a, b, f64_, wf64, |x, y| x - y),
            Op::F64Mul { dst, a, b } => bin!(dst, a, b, f64_, wf64, |x, y| x * y),
            Op::F64Div { dst, a, b } => bin!(dst, a, b, f64_, wf64, |x, y| x / y),
            Op::F64Min { dst, a, b } => bin!(dst, a, b, f64_, wf64, |x, y| fmin64(x, y)),
            Op::F64Max { dst, a, b } => bin!(dst, a, b, f64_, wf64, |x, y| fmax64(x, y)),
            Op::F64Copysign { dst, a, b } => {
                let (x, y) = (r!(a), r!(b));
                w!(
                    dst,
                    (x & 0x7fff_ffff_ffff_ffff) | (y & 0x8000_0000_0000_0000)
                )
            }

            Op::I32WrapI64 { dst, src } => wi32!(dst, r!(src) as u32),
            Op::I32TruncF32S { dst, src } => {
                trunc!(dst, src, f32_, -2147483648.0, 2147483648.0, i32, wi32)
            }
            Op::I32TruncF32U { dst, src } => trunc!(dst, src, f32_, 0.0, 4294967296.0, u32, wi32),
            Op::I32TruncF64S { dst, src } => {
                trunc!(dst, src, f64_, -2147483648.0, 2147483648.0, i32, wi32)
            }
            Op::I32TruncF64U { dst, src } => trunc!(dst, src, f64_, 0.0, 4294967296.0, u32, wi32),
            Op::I64ExtendI32S { dst, src } => wi64!(dst, i32_!(src) as i64),
            Op::I64ExtendI32U { dst, src } => wi64!(dst, u32_!(src) as u64),
            Op::I64TruncF32S { dst, src } => trunc!(
                dst,
                src,
                f32_,
                -9223372036854775808.0,
                9223372036854775808.0,
                i64,
                wi64
            ),
            Op::I64TruncF32U { dst, src } => {
                trunc!(dst, src, f32_, 0.0, 18446744073709551616.0, u64, wi64)
            }
            Op::I64TruncF64S { dst, src } => trunc!(
                dst,
                src,
                f64_,
                -9223372036854775808.0,
                9223372036854775808.0,
                i64,
                wi64
            ),
            Op::I64TruncF64U { dst, src } => {
                trunc!(dst, src, f64_, 0.0, 18446744073709551616.0, u64, wi64)
            }
            Op::F32ConvertI32S { dst, src } => wf32!(dst, i32_!(src) as f32),
            Op::F32ConvertI32U { dst, src } => wf32!(dst, u32_!(src) as f32),
            Op::F32ConvertI64S { dst, src } => wf32!(dst, i64_!(src) as f32),
            Op::F32ConvertI64U { dst, src } => wf32!(dst, u64_!(src) as f32),
            Op::F32DemoteF64 { dst, src } => wf32!(dst, f64_!(src) as f32),
            Op::F64ConvertI32S { dst, src } => wf64!(dst, i32_!(src) as f64),
            Op::F64ConvertI32U { dst, src } => wf64!(dst, u32_!(src) as f64),
            Op::F64ConvertI64S { dst, src } => wf64!(dst, i64_!(src) as f64),
            Op::F64ConvertI64U { dst, src } => wf64!(dst, u64_!(src) as f64),
            Op::F64PromoteF32 { dst, src } => wf64!(dst, f32_!(src) as f64),
            Op::I32Extend8S { dst, src } => wi32!(dst, r!(src) as i8 as i32),
            Op::I32Extend16S { dst, src } => wi32!(dst, r!(src) as i16 as i32),
            Op::I64Extend8S { dst, src } => wi64!(dst, r!(src) as i8 as i64),
            Op::I64Extend16S { dst, src } => wi64!(dst, r!(src) as i16 as i64),
            Op::I64Extend32S { dst, src } => wi64!(dst, r!(src) as i32 as i64),
            // `as` from float to int saturates and maps NaN to zero, as these require.
            Op::I32TruncSatF32S { dst, src } => wi32!(dst, f32_!(src) as i32),
            Op::I32TruncSatF32U { dst, src } => wi32!(dst, f32_!(src) as u32),
            Op::I32TruncSatF64S { dst, src } => wi32!(dst, f64_!(src) as i32),
            Op::I32TruncSatF64U { dst, src } => wi32!(dst, f64_!(src) as u32),
            Op::I64TruncSatF32S { dst, src } => wi64!(dst, f32_!(src) as i64),
            Op::I64TruncSatF32U { dst, src } => wi64!(dst, f32_!(src) as u64),
            Op::I64TruncSatF64S { dst, src } => wi64!(dst, f64_!(src) as i64),
            Op::I64TruncSatF64U { dst, src } => wi64!(dst, f64_!(src) as u64),
        }
    }
}
