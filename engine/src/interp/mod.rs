//! The interpreter: a dispatch loop over allocated register IR, and the
//! entry points through which every call into wasm starts.
//!
//! Frames live on the store's value stack; `fp` points at the running frame's
//! first cell and every register operand is a cell index below the frame's
//! size, which allocation guarantees. Calls between interpreted functions
//! push a small record instead of recursing on the native stack, so
//! recursion depth is bounded by `Config::max_call_depth` alone. Loads and
//! stores are bounds-checked here explicitly.

mod exec;

use crate::error::{Error, Result, TrapCode};
use crate::runtime::store::{FuncEntity, Store};

/// Nested native entries into wasm (host → wasm, interpreter ↔ compiled
/// code) allowed; each costs native stack.
pub(super) const MAX_ACTIVATIONS: usize = 400;

/// Native stack compiled code may use below the outermost entry.
const NATIVE_STACK_BUDGET: usize = 512 * 1024;

/// Calls store function `func` with arguments in `cells`, leaving its results
/// there (`cells.len() >= max(params, results)`).
pub(crate) fn invoke<T>(store: &mut Store<T>, func: u32, cells: &mut [u64]) -> Result<()> {
    let inner = &mut store.inner;
    let base = inner.stack_top;
    if base + cells.len() > inner.stack.len() {
        return Err(Error::trap(TrapCode::StackOverflow));
    }
    if inner.activations == 0 {
        // Compiled code checks the machine stack against this limit.
        let here = &base as *const usize as usize;
        inner.native_limit = here.saturating_sub(NATIVE_STACK_BUDGET);
    }
    inner.stack.write(base, cells);
    let saved_depth = inner.depth;
    let result = call_at(store, func, base, None);
    let inner = &mut store.inner;
    inner.depth = saved_depth;
    inner.stack_top = base;
    result?;
    inner.stack.read(base, cells);
    Ok(())
}

/// Calls store function `func` whose arguments are at cell `base`; its
/// results replace them. `caller` is the calling instance, for host functions.
pub(crate) fn call_at<T>(
    store: &mut Store<T>,
    func: u32,
    base: usize,
    caller: Option<u32>,
) -> Result<()> {
    let inner = &mut store.inner;
    if inner.activations >= MAX_ACTIVATIONS {
        return Err(Error::trap(TrapCode::StackOverflow));
    }
    inner.activations += 1;
    let result = match inner.funcs[func as usize] {
        FuncEntity::Host { host, ref ty, .. } => {
            let cells = ty.params().len().max(ty.results().len());
            exec::call_host(store, host, base, cells, caller)
        }
        FuncEntity::Wasm { instance, def, .. } => run_defined(store, instance, def, base),
    };
    store.inner.activations -= 1;
    result
}

/// Runs defined function `def` of `instance` with its frame at cell `base`:
/// its compiled code if it has any, else the interpreter.
pub(crate) fn run_defined<T>(
    store: &mut Store<T>,
    instance: u32,
    def: u32,
    base: usize,
) -> Result<()> {
    let inst = &mut store.inner.instances[instance as usize];
    let module = inst.module.clone();
    let mut entry = module.inner.jit.compiled_entry(def);
    let config = store.inner.engine.config();
    if entry.is_none() && config.strategy == crate::Strategy::Tiered {
        let calls = inst.call_counts[def as usize] + 1;
        if calls >= config.tier_up_calls {
            crate::jit::compile(&module.inner, def)?;
            entry = module.inner.jit.compiled_entry(def);
        }
    }
    match entry {
        Some(entry) => {
            store.inner.instances[instance as usize].call_counts[def as usize] += 1;
            crate::jit::enter(store, instance, def, entry, base)
        }
        None => exec::run(store, instance, def, base),
    }
}
