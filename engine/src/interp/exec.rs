//! The driver: runs the handlers, and does for them what needs the typed
//! store: host calls, compiled code, epoch callbacks, limiters.

use super::exceptions::unwind;
use super::handlers::resume;
use super::state::{
    cells_to_registers, enter, registers_to_cells, return_to_caller, Exec, Flow, Frame, Slow,
};
use crate::error::{Error, FrameInfo, Result, Trap, TrapCode};
use crate::runtime::growth;
use crate::runtime::store::{catching, Caller, Store, StoreInner};

use super::CompiledTail;

/// Frames kept in a trap's backtrace, innermost first.
const MAX_BACKTRACE: usize = 100;

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
            .map(|f| info(f.instance, f.def())),
    );
    out
}

/// Runs defined function `def` of `instance` with its frame at `base`;
/// gives back a tail call from its entry frame to compiled code, for the
/// caller to make (see [`CompiledTail`]).
pub(super) fn run<T>(
    store: &mut Store<T>,
    instance: u32,
    def: u32,
    base: usize,
) -> Result<Option<CompiledTail>> {
    let mut cx = Exec::new(&mut store.inner, instance);
    let result = drive(store, &mut cx, def, base);
    store.inner.depth = cx.depth0;
    match result {
        Ok(tail) => Ok(tail),
        Err(Exit::Trap(code)) => {
            let bt = backtrace(&store.inner, &cx.frames, cx.instance, cx.def());
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

fn drive<T>(
    store: &mut Store<T>,
    cx: &mut Exec,
    def: u32,
    base: usize,
) -> Result<Option<CompiledTail>, Exit> {
    // SAFETY: the module outlives the store's instances.
    let body = unsafe { &*cx.module }.body(def)?;
    // SAFETY: the store is live and `def` a function of the instance.
    unsafe { enter(cx, def, body, base)? };
    if cx.epoch_reached() {
        cx.slow = Slow::Epoch;
        do_slow(store, cx)?;
    }
    loop {
        // The handlers reach the store through this pointer; the driver has
        // used the store itself since it was last taken.
        cx.inner = &mut store.inner;
        // SAFETY: `cx` describes the running frame (state.rs invariants).
        match unsafe { resume(cx) } {
            Flow::Next => {}
            Flow::Done => return Ok(None),
            Flow::Trap => return Err(Exit::Trap(cx.trap)),
            Flow::Error => {
                let e = cx.error.take();
                let e = e.unwrap_or_else(|| Error::trap(TrapCode::Unreachable));
                // SAFETY: the running instruction raised `e`.
                if !unsafe { unwind(cx, &e, false) } {
                    return Err(Exit::Error(e));
                }
            }
            Flow::Slow => {
                if let Slow::TailCallCompiled {
                    instance,
                    def,
                    entry,
                } = cx.slow
                {
                    if cx.frames.is_empty() {
                        return Ok(Some(CompiledTail {
                            instance,
                            def,
                            entry,
                        }));
                    }
                }
                match do_slow(store, cx) {
                    Ok(Flow::Done) => return Ok(None),
                    Ok(_) => {}
                    Err(Exit::Error(e)) => {
                        // A tail call and OSR left the running function:
                        // its `try_table`s do not cover what they ran.
                        let left = matches!(
                            cx.slow,
                            Slow::TailCallCompiled { .. }
                                | Slow::TailCallHost { .. }
                                | Slow::Osr { .. }
                        );
                        cx.inner = &mut store.inner;
                        // SAFETY: the slow request at the running
                        // instruction failed with `e`.
                        if !unsafe { unwind(cx, &e, left) } {
                            return Err(Exit::Error(e));
                        }
                    }
                    Err(exit) => return Err(exit),
                }
            }
        }
    }
}

/// Runs a nested native entry into compiled code, counting it as an
/// activation (compiled code checks the native stack in its prologue).
fn native_entry<T>(
    store: &mut Store<T>,
    cx: &mut Exec,
    call: impl FnOnce(&mut Store<T>) -> Result<()>,
) -> Result<(), Exit> {
    store.inner.activations += 1;
    let result = call(store);
    store.inner.activations -= 1;
    if let Err(e) = result {
        let outer = backtrace(&store.inner, &cx.frames, cx.instance, cx.def());
        return Err(Exit::Error(e.with_outer_frames(outer)));
    }
    cx.inner = &mut store.inner;
    // SAFETY: the store is live.
    unsafe { cx.refresh_memory() };
    Ok(())
}

/// Copies a call's arguments, named by the operand words at `cx.ip`, to
/// cells `0..params` of the frame at `new_base`; leaves `cx.ip` at the
/// results words.
fn pass_arguments(cx: &mut Exec, new_base: usize, params: usize) -> Result<*mut u64, Exit> {
    if new_base + params > cx.stack_len {
        return Err(TrapCode::StackOverflow.into());
    }
    // SAFETY: the new frame's cells are in bounds (checked above); the args
    // words follow the call; registers are frame cells.
    unsafe {
        let new_fp = cx.stack.add(new_base);
        cx.ip = registers_to_cells(cx.ip, cx.fp, new_fp, params);
        Ok(new_fp)
    }
}

/// Copies a call's results from cells `0..results` at `new_fp` to the
/// registers of the results words at `cx.ip`, and steps past them.
fn take_results(cx: &mut Exec, new_fp: *mut u64, results: usize) {
    // SAFETY: results words follow; both frames' cells are in bounds.
    cx.ip = unsafe { cells_to_registers(cx.ip, new_fp, cx.fp, results) };
}

/// Does the handlers' request in `cx.slow`; `Done` when that returned
/// from the entry frame.
fn do_slow<T>(store: &mut Store<T>, cx: &mut Exec) -> Result<Flow, Exit> {
    // Whatever runs next (compiled code, a host function, a callback that
    // calls wasm) counts its calls from here.
    cx.sync_depth();
    match cx.slow {
        Slow::CallCompiled {
            instance,
            def,
            entry,
        } => {
            let new_base = cx.frame_top();
            let env = &store.inner.instances[instance as usize].module.inner.env;
            let callee = env.func_type(env.num_imported_funcs + def);
            let (np, nr) = (callee.param_cells(), callee.result_cells());
            let new_fp = pass_arguments(cx, new_base, np)?;
            store.inner.instances[instance as usize].call_counts[def as usize] += 1;
            native_entry(store, cx, |store| {
                crate::jit::enter(store, instance, def, entry, new_base)
            })?;
            take_results(cx, new_fp, nr);
        }
        Slow::CallHost {
            host,
            params,
            results,
        } => {
            let (np, nr) = (params as usize, results as usize);
            let new_base = cx.frame_top();
            let new_fp = pass_arguments(cx, new_base, np)?;
            let caller = Some(cx.instance);
            call_host(store, host, new_base, np.max(nr), caller)?;
            cx.inner = &mut store.inner;
            take_results(cx, new_fp, nr);
            // The host may have grown memory.
            // SAFETY: the store is live.
            unsafe { cx.refresh_memory() };
        }
        Slow::TailCallCompiled {
            instance,
            def,
            entry,
        } => {
            // The callee replaces the running frame, which `sync_depth`
            // counted.
            store.inner.depth -= 1;
            let base = cx.base();
            let tail = CompiledTail {
                instance,
                def,
                entry,
            };
            native_entry(store, cx, |store| super::enter_tail(store, tail, base))?;
            let fp = cx.fp;
            // SAFETY: the store is live; the callee left its results where
            // the running frame's go.
            return Ok(unsafe { return_to_caller(cx, fp) });
        }
        Slow::TailCallHost {
            host,
            params,
            results,
        } => {
            let cells = params.max(results) as usize;
            let caller = Some(cx.instance);
            call_host(store, host, cx.base(), cells, caller)?;
            cx.inner = &mut store.inner;
            // SAFETY: the store is live; the host function's results are
            // where the running frame's go.
            unsafe {
                cx.refresh_memory();
                let fp = cx.fp;
                return Ok(return_to_caller(cx, fp));
            }
        }
        Slow::Epoch => {
            let top = cx.frame_top();
            store.epoch_deadline_reached(top).map_err(epoch_exit)?;
            cx.inner = &mut store.inner;
            // SAFETY: the store is live.
            unsafe { cx.refresh_memory() };
        }
        Slow::Osr { entry } => {
            let module = store.inner.instances[cx.instance as usize].module.clone();
            module
                .inner
                .jit
                .osr_count
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let (instance, def, base) = (cx.instance, cx.def(), cx.base());
            native_entry(store, cx, |store| {
                crate::jit::enter(store, instance, def, entry, base)
            })?;
            // The compiled code returned from the function: so does its frame.
            // SAFETY: the store is live; the frame's results are in place.
            let fp = cx.fp;
            return Ok(unsafe { return_to_caller(cx, fp) });
        }
        Slow::MemoryGrow { dst, delta, memory } => {
            let inst = &store.inner.instances[cx.instance as usize];
            let m = inst.memories[memory as usize] as usize;
            let result = catching(store, |store| growth::memory_grow_op(store, m, delta))?;
            cx.inner = &mut store.inner;
            // SAFETY: the store is live; `dst` is a frame cell.
            unsafe {
                cx.refresh_memory();
                *cx.fp.add(dst as usize) = result;
            }
        }
        Slow::TableGrow {
            dst,
            table,
            init,
            delta,
        } => {
            let t = store.inner.instances[cx.instance as usize].tables[table as usize] as usize;
            let result = catching(store, |store| growth::table_grow_op(store, t, delta, init))?;
            cx.inner = &mut store.inner;
            // SAFETY: `dst` is a frame cell.
            unsafe { *cx.fp.add(dst as usize) = result };
        }
    }
    Ok(Flow::Next)
}
