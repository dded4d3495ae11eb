//! The interpreter: a dispatch loop over allocated register IR, and the
//! entry points through which every call into wasm starts.
//!
//! Frames live on the store's value stack; `fp` points at the running frame's
//! first cell and every register operand is a cell index below the frame's
//! size, which allocation guarantees. Calls between interpreted functions
//! push a small record instead of recursing on the native stack, so their
//! depth is bounded by `Config::max_call_depth`; nested native entries (host
//! re-entry, compiled code) are bounded by the native stack limit
//! (`Config::max_wasm_stack`), checked at each of them. Loads and
//! stores are bounds-checked here explicitly.

mod exceptions;
mod exec;
mod handlers;
mod state;

pub(crate) use handlers::{handler_of, specialize, Handler};

use crate::error::{Error, Result, TrapCode};
use crate::runtime::native_stack;
use crate::runtime::store::{FuncEntity, Store, StoreInner};

/// Calls store function `func` with arguments in `cells`, leaving its results
/// there (`cells.len() >= max(params, results)`).
///
/// This is every entry from Rust into wasm (the embedder's calls, and host
/// functions calling back): a host function's panic that unwound out of
/// the wasm below is resumed here, in the Rust code that made the call.
pub(crate) fn invoke<T>(store: &mut Store<T>, func: u32, cells: &mut [u64]) -> Result<()> {
    let inner = &mut store.inner;
    let base = inner.stack_top;
    if base + cells.len() > inner.stack.len() {
        return Err(Error::trap(TrapCode::StackOverflow));
    }
    if inner.activations == 0 {
        let max = inner.engine.config().max_wasm_stack;
        inner.native_limit = native_stack::limit_for(native_stack::stack_pointer(), max);
    }
    inner.stack.write(base, cells);
    let saved_depth = inner.depth;
    let result = call_at(store, func, base, None);
    let inner = &mut store.inner;
    inner.depth = saved_depth;
    inner.stack_top = base;
    if let Some(payload) = inner.panic.take() {
        std::panic::resume_unwind(payload);
    }
    if let Err(e) = &result {
        crate::runtime::exception::seen_by_host(inner, e);
    }
    result?;
    inner.stack.read(base, cells);
    Ok(())
}

/// Traps when the native stack is used down to the store's limit.
#[inline]
fn check_native_stack(inner: &StoreInner) -> Result<()> {
    if native_stack::stack_pointer() < inner.native_limit {
        return Err(Error::trap(TrapCode::StackOverflow));
    }
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
    check_native_stack(inner)?;
    inner.activations += 1;
    let result = match inner.funcs[func as usize] {
        FuncEntity::Host { host, ref ty, .. } => {
            let cells = ty.span_cells();
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
    match run_defined_or_tail(store, instance, def, base)? {
        None => Ok(()),
        Some(tail) => enter_tail(store, tail, base),
    }
}

/// A compiled function that an interpreted function's entry frame
/// tail-called, whose arguments are in place in that frame: the caller of
/// the interpreter runs it, so that the native stack does not grow.
#[derive(Copy, Clone, Debug)]
pub(crate) struct CompiledTail {
    pub instance: u32,
    pub def: u32,
    /// Its compiled code's entry.
    pub entry: usize,
}

/// Runs the tail-called compiled function `tail` with its frame at `base`.
pub(crate) fn enter_tail<T>(store: &mut Store<T>, tail: CompiledTail, base: usize) -> Result<()> {
    let inst = &mut store.inner.instances[tail.instance as usize];
    inst.call_counts[tail.def as usize] += 1;
    crate::jit::enter(store, tail.instance, tail.def, tail.entry, base)
}

/// As [`run_defined`], but an interpreted function that ends in a tail call
/// to compiled code gives that call back instead of making it.
pub(crate) fn run_defined_or_tail<T>(
    store: &mut Store<T>,
    instance: u32,
    def: u32,
    base: usize,
) -> Result<Option<CompiledTail>> {
    check_native_stack(&store.inner)?;
    let inst = &store.inner.instances[instance as usize];
    // The module is borrowed, not cloned: stores on other threads share
    // its reference count, and a write to it on every call would bounce
    // its cache line between them.
    let mut entry = inst.module.inner.jit.compiled_entry(def);
    let config = store.inner.engine.config();
    if entry.is_none() && config.compiles_at_call(inst.call_counts[def as usize] + 1) {
        entry = crate::jit::tier_up(&inst.module.inner, def)?;
    }
    match entry {
        Some(entry) => {
            store.inner.instances[instance as usize].call_counts[def as usize] += 1;
            crate::jit::enter(store, instance, def, entry, base).map(|()| None)
        }
        None => exec::run(store, instance, def, base),
    }
}
