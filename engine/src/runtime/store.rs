//! The store: one tenant's instances, functions, memories, tables and globals.

use super::func::HostFn;
use super::limits::ResourceLimiter;
use super::memory::LinearMemory;
use super::stack::ValueStack;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::types::{FuncType, GlobalType, TableType};
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// A store id no other store in the process has. Each thread takes ids
/// from the shared counter a block at a time, so that making a store does
/// not write a location that every thread's stores share.
fn next_store_id() -> u64 {
    const BLOCK: u64 = 1024;
    thread_local! {
        static IDS: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
    }
    IDS.with(|ids| {
        let (mut next, mut end) = ids.get();
        if next == end {
            next = NEXT_STORE_ID.fetch_add(BLOCK, Ordering::Relaxed);
            end = next + BLOCK;
        }
        ids.set((next + 1, end));
        next
    })
}

/// A function in the store.
pub(crate) enum FuncEntity {
    /// Defined function `def` of instance `instance`.
    Wasm {
        instance: u32,
        def: u32,
        type_id: u32,
    },
    /// Host function `host` of `Store::host_funcs`.
    Host {
        host: u32,
        type_id: u32,
        ty: FuncType,
    },
}

impl FuncEntity {
    pub fn type_id(&self) -> u32 {
        match *self {
            FuncEntity::Wasm { type_id, .. } | FuncEntity::Host { type_id, .. } => type_id,
        }
    }
}

/// A table: reference cells (0 is null; else a store index plus one),
/// written only through its methods (`call_targets`), which keep the
/// `call_indirect` targets of a funcref table beside them.
pub(crate) struct TableEntity {
    pub ty: TableType,
    pub(super) elems: Vec<u64>,
    pub(super) targets: Vec<super::call_targets::CallTarget>,
    pub(super) view: Box<super::call_targets::TargetsView>,
}

/// A global's current value and type.
pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    /// The value's cell encoding ([`Val::to_bits`](super::Val)): a `v128`
    /// in all 128 bits, anything else in the low 64, which is where a
    /// pointer to the global (`*mut u64`, as both tiers read it) points.
    pub value: u128,
}

/// An instance's resolved index spaces and runtime state.
pub(crate) struct InstanceEntity {
    pub module: Module,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    pub tags: Vec<u32>,
    /// Stable pointers to this instance's global cells, for the interpreter.
    pub global_ptrs: Box<[*mut u64]>,
    /// Element segments' resolved references; emptied by `elem.drop`.
    pub elems: Vec<Box<[u64]>>,
    /// Whether each data segment was dropped.
    pub data_dropped: Vec<bool>,
    /// Calls per defined function.
    pub call_counts: Box<[u64]>,
    /// Back-edges per loop, all functions' loops in one array.
    pub loop_counts: Box<[u64]>,
    /// What compiled code of this instance reads; boxed for a stable address.
    pub vmctx: Box<crate::jit::vmctx::VmCtx>,
    /// The bases of its memories, which the context points at: kept here
    /// for as long as the context.
    pub _memory_bases: Box<[*mut u8]>,
    /// Where each memory's size is kept, when one is 64-bit (else empty):
    /// the array `VmCtx::mem_bounds` points at.
    pub _memory_bounds: Box<[*const u64]>,
}

// SAFETY: the raw pointers an instance holds (global cells, its compiled
// code's context) point into heap allocations owned by the same store or kept
// alive by its `Module`; they are dereferenced only by the thread that holds
// the store mutably, so moving the store to another thread moves them too.
unsafe impl Send for InstanceEntity {}

/// The untyped part of a store.
pub(crate) struct StoreInner {
    pub id: u64,
    pub funcs: Vec<FuncEntity>,
    pub memories: Vec<LinearMemory>,
    pub tables: Vec<TableEntity>,
    /// Boxed so the interpreter's pointers to global cells stay valid as the store grows.
    #[allow(clippy::vec_box)]
    pub globals: Vec<Box<GlobalEntity>>,
    pub instances: Vec<InstanceEntity>,
    pub externrefs: Vec<Box<dyn Any + Send + Sync>>,
    pub tags: Vec<super::exception::TagEntity>,
    pub exns: Vec<super::exception::ExnEntity>,
    /// Slots of `exns` free for the next exception (`exception::taken`).
    pub free_exns: Vec<u32>,
    /// The exception a catch clause runs against: set when a `try_table`
    /// takes an exception, taken when a clause catches it.
    pub in_flight: Option<u32>,
    pub stack: ValueStack,
    /// Cells of the value stack in use by running activations.
    pub stack_top: usize,
    /// Wasm frames live across all activations.
    pub depth: usize,
    /// Nested entries from the host into wasm.
    pub activations: usize,
    /// The machine stack address compiled code must stay above.
    pub native_limit: usize,
    /// An error raised below compiled code, waiting for its caller.
    pub pending: Option<crate::Error>,
    /// Fuel left; compiled code and the interpreter charge it alike. A run
    /// is charged before it is checked, so a store that ran out holds a
    /// negative amount (reported as 0).
    pub fuel: i64,
    /// The engine epoch at which running wasm is interrupted.
    pub epoch_deadline: u64,
    /// A host function's panic on its way out to the embedder: carried
    /// across wasm frames as an error, resumed at the embedder's call.
    pub panic: Option<Box<dyn Any + Send>>,
    /// Declared last, so dropped last: pooled memories and the value stack
    /// give their slots back to the engine's pools as they drop.
    pub engine: Engine,
}

/// A collection of instances and their state, owned by one embedder context `T`.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) host_funcs: Vec<HostFn<T>>,
    /// Called when the epoch deadline is reached; `None` traps.
    pub(crate) epoch_callback: Option<EpochCallback<T>>,
    /// Counts changes of `epoch_callback` by the embedder, so a callback
    /// that replaces or removes itself while it runs is not put back.
    epoch_callback_changes: u64,
    /// Where the embedder's limits live in `T`.
    pub(crate) limiter: Option<LimiterAccess<T>>,
    data: T,
}

/// What to do when a store's epoch deadline is reached.
type EpochCallback<T> =
    Box<dyn FnMut(StoreContextMut<'_, T>) -> Result<UpdateDeadline> + Send + Sync + 'static>;

/// The embedder's accessor for its [`ResourceLimiter`].
type LimiterAccess<T> =
    Box<dyn (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static>;

/// What an epoch deadline callback decides.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UpdateDeadline {
    /// Keep running, with a new deadline this many ticks after the current epoch.
    Continue(u64),
}

/// Mutable access to a store, given to callbacks such as the epoch
/// deadline callback.
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut Store<T>);

impl<T> StoreContextMut<'_, T> {
    /// The embedder's data.
    pub fn data(&self) -> &T {
        self.0.data()
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.0.data_mut()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        self.0.engine()
    }

    /// Fuel left (see [`Store::get_fuel`]).
    pub fn get_fuel(&self) -> Result<u64> {
        self.0.get_fuel()
    }

    /// Sets the fuel left (see [`Store::set_fuel`]).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.0.set_fuel(fuel)
    }

    /// Sets the epoch deadline (see [`Store::set_epoch_deadline`]); a
    /// deadline callback that calls wasm sets one first, or that wasm is
    /// interrupted at once.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.0.set_epoch_deadline(ticks)
    }
}

impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.0
    }
}

impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.0
    }
}

impl<T> Store<T> {
    /// A new, empty store.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: StoreInner {
                id: next_store_id(),
                engine: engine.clone(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                instances: Vec::new(),
                externrefs: Vec::new(),
                tags: Vec::new(),
                exns: Vec::new(),
                free_exns: Vec::new(),
                in_flight: None,
                stack: ValueStack::new(engine),
                stack_top: 0,
                depth: 0,
                activations: 0,
                native_limit: 0,
                pending: None,
                fuel: 0,
                epoch_deadline: 0,
                panic: None,
            },
            host_funcs: Vec::new(),
            epoch_callback: None,
            epoch_callback_changes: 0,
            limiter: None,
            data,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// How many exception objects the store holds, free slots excluded:
    /// those a `_ref` catch clause or the host may still name, which live
    /// as long as the store, and those being thrown. An exception only
    /// ever caught by plain `catch`/`catch_all` clauses gives its slot
    /// back.
    pub fn exceptions_held(&self) -> usize {
        self.inner.exns.len() - self.inner.free_exns.len()
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store, returning the embedder's data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Sets the fuel left for wasm to run on (at most `i64::MAX`). Fails
    /// unless the engine was configured with `Config::consume_fuel(true)`.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.fuel_enabled()?;
        self.inner.fuel = fuel.min(i64::MAX as u64) as i64;
        Ok(())
    }

    /// The fuel left. Fails unless the engine consumes fuel.
    pub fn get_fuel(&self) -> Result<u64> {
        self.fuel_enabled()?;
        Ok(self.inner.fuel.max(0) as u64)
    }

    fn fuel_enabled(&self) -> Result<()> {
        if self.inner.engine.config().consume_fuel {
            Ok(())
        } else {
            Err(Error::msg(
                "fuel is not configured in this store: use Config::consume_fuel(true)",
            ))
        }
    }

    /// Sets the epoch deadline `ticks` after the engine's current epoch:
    /// when [`Engine::increment_epoch`] has been called that many more
    /// times, running wasm traps (or calls the deadline callback). Needs
    /// `Config::epoch_interruption(true)` to have an effect.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        let deadline = self.inner.engine.current_epoch().saturating_add(ticks);
        self.inner.epoch_deadline = deadline;
        // Compiled code compares with its instance context's copy.
        for instance in &mut self.inner.instances {
            instance.vmctx.epoch_deadline = deadline;
        }
    }

    /// Reaching the epoch deadline traps with `TrapCode::Interrupt` (the
    /// default); removes a deadline callback.
    pub fn epoch_deadline_trap(&mut self) {
        self.epoch_callback = None;
        self.epoch_callback_changes += 1;
    }

    /// Calls `callback` when the epoch deadline is reached: it returns
    /// [`UpdateDeadline::Continue`] with the ticks until the next deadline
    /// to keep running, or an error, which ends the running call with that
    /// error. The callback may use the store (its data, fuel).
    pub fn epoch_deadline_callback(
        &mut self,
        callback: impl FnMut(StoreContextMut<'_, T>) -> Result<UpdateDeadline> + Send + Sync + 'static,
    ) {
        self.epoch_callback = Some(Box::new(callback));
        self.epoch_callback_changes += 1;
    }

    /// Installs the limiter found in the store's data by `limiter`: every
    /// memory, table and instance this store creates or grows asks it
    /// first (see [`ResourceLimiter`] and [`StoreLimits`](crate::StoreLimits)).
    pub fn limiter(
        &mut self,
        limiter: impl (FnMut(&mut T) -> &mut dyn ResourceLimiter) + Send + Sync + 'static,
    ) {
        self.limiter = Some(Box::new(limiter));
    }

    /// Asks the embedder's limiter (if any) `ask`. A panic in the limiter
    /// unwinds from here: wasm's `memory.grow` and `table.grow` call this
    /// under [`catching`], API calls do not, so it reaches whoever called.
    pub(crate) fn ask_limiter<R>(
        &mut self,
        ask: impl FnOnce(&mut dyn ResourceLimiter) -> Result<R>,
        otherwise: R,
    ) -> Result<R> {
        match self.limiter.as_mut() {
            Some(access) => ask(access(&mut self.data)).map_err(super::exception::not_thrown),
            None => Ok(otherwise),
        }
    }

    /// Called when running wasm finds the epoch deadline reached: runs the
    /// callback, which may extend the deadline, or traps. `frames_top` is the
    /// value-stack cell past the running frames: wasm the callback calls
    /// starts there.
    pub(crate) fn epoch_deadline_reached(&mut self, frames_top: usize) -> Result<()> {
        if self.inner.engine.current_epoch() < self.inner.epoch_deadline {
            // Another instance's code saw a deadline the callback has moved.
            return Ok(());
        }
        let Some(mut callback) = self.epoch_callback.take() else {
            return Err(Error::trap(crate::TrapCode::Interrupt));
        };
        let changes = self.epoch_callback_changes;
        let saved_top = self.inner.stack_top;
        self.inner.stack_top = saved_top.max(frames_top);
        let result = catching(self, |store| callback(StoreContextMut(store)));
        self.inner.stack_top = saved_top;
        // Unless the callback installed another or went back to trapping.
        if self.epoch_callback_changes == changes {
            self.epoch_callback = Some(callback);
        }
        match result.map_err(super::exception::not_thrown)? {
            UpdateDeadline::Continue(ticks) => {
                self.set_epoch_deadline(ticks);
                Ok(())
            }
        }
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.id).finish()
    }
}

/// Runs embedder code `f` (a host function, a callback, a limiter) while
/// wasm frames may be below: a panic is caught and kept in the store, to
/// be resumed when control is back in the embedder's call, and reported
/// to the wasm frames as an error that unwinds them like a trap.
pub(crate) fn catching<T, R>(
    store: &mut Store<T>,
    f: impl FnOnce(&mut Store<T>) -> Result<R>,
) -> Result<R> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *store))) {
        Ok(result) => result,
        Err(payload) => {
            store.inner.panic = Some(payload);
            Err(Error::msg("a host function panicked"))
        }
    }
}

/// Read access to a store, through the store itself or a [`Caller`].
pub trait AsContext {
    /// The embedder data type.
    type Data;
    /// The store.
    fn as_context(&self) -> &Store<Self::Data>;
}

/// Write access to a store, through the store itself or a [`Caller`].
pub trait AsContextMut: AsContext {
    /// The store, mutably.
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> &mut Store<C::Data> {
        (**self).as_context_mut()
    }
}

/// The context a host function runs in: the store and the calling instance.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<u32>,
}

impl<T> Caller<'_, T> {
    /// The embedder's data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        self.store.engine()
    }

    /// The store's fuel left (see [`Store::get_fuel`]).
    pub fn get_fuel(&self) -> Result<u64> {
        self.store.get_fuel()
    }

    /// Sets the store's fuel left (see [`Store::set_fuel`]); the calling
    /// wasm continues with it.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.store.set_fuel(fuel)
    }

    /// Sets the store's epoch deadline (see [`Store::set_epoch_deadline`]);
    /// the calling wasm is held to it.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        self.store.set_epoch_deadline(ticks)
    }

    /// An export of the calling instance (for example its `memory`).
    pub fn get_export(&mut self, name: &str) -> Option<super::Extern> {
        let instance = self.instance?;
        super::Instance::from_index(self.store.inner.id, instance)
            .get_export(&mut *self.store, name)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}

#[cfg(test)]
mod tests {
    use super::next_store_id;

    #[test]
    fn store_ids_are_unique_across_threads() {
        // More than a block per thread, so that blocks are taken again.
        let per_thread = 3000;
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    (0..per_thread)
                        .map(|_| next_store_id())
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        let mut ids: Vec<u64> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(ids[0] >= 1, "0 is never a store's id");
    }
}
