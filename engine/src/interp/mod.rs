//! The interpreter: a dispatch loop over allocated register IR.
//!
//! Frames live on the store's value stack; `fp` points at the running frame's
//! first cell and every register operand is a cell index below the frame's
//! size, which allocation guarantees. Calls between wasm functions push a
//! small record instead of recursing on the native stack, so recursion depth
//! is bounded by `Config::max_call_depth` alone. Loads and stores are
//! bounds-checked here explicitly.

mod exec;

use crate::error::{Error, Result, TrapCode};
use crate::runtime::store::{FuncEntity, Store};

/// Nested host → wasm entries allowed; each costs native stack.
const MAX_ACTIVATIONS: usize = 200;

/// Calls store function `func` with arguments in `cells`, leaving its results
/// there (`cells.len() >= max(params, results)`).
pub(crate) fn invoke<T>(store: &mut Store<T>, func: u32, cells: &mut [u64]) -> Result<()> {
    let inner = &mut store.inner;
    let base = inner.stack_top;
    if inner.activations >= MAX_ACTIVATIONS || base + cells.len() > inner.stack.len() {
        return Err(Error::trap(TrapCode::StackOverflow));
    }
    inner.stack.write(base, cells);
    let saved_depth = inner.depth;
    inner.activations += 1;
    let result = match inner.funcs[func as usize] {
        FuncEntity::Host { host, .. } => exec::call_host(store, host, base, cells.len(), None),
        FuncEntity::Wasm { instance, def, .. } => exec::run(store, instance, def, base),
    };
    let inner = &mut store.inner;
    inner.activations -= 1;
    inner.depth = saved_depth;
    inner.stack_top = base;
    result?;
    inner.stack.read(base, cells);
    Ok(())
}
