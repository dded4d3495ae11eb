//! The store: one tenant's instances, functions, memories, tables and globals.

use super::func::HostFn;
use super::memory::LinearMemory;
use super::stack::ValueStack;
use crate::engine::Engine;
use crate::module::Module;
use crate::types::{FuncType, GlobalType, TableType};
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

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

/// A table: reference cells (0 is null; else a store index plus one).
pub(crate) struct TableEntity {
    pub ty: TableType,
    pub elems: Vec<u64>,
}

/// A global's current value and type.
pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    pub value: u64,
}

/// An instance's resolved index spaces and runtime state.
pub(crate) struct InstanceEntity {
    pub module: Module,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
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
}

// SAFETY: the raw pointers an instance holds (global cells, its compiled
// code's context) point into heap allocations owned by the same store or kept
// alive by its `Module`; they are dereferenced only by the thread that holds
// the store mutably, so moving the store to another thread moves them too.
unsafe impl Send for InstanceEntity {}

/// The untyped part of a store.
pub(crate) struct StoreInner {
    pub id: u64,
    pub engine: Engine,
    pub funcs: Vec<FuncEntity>,
    pub memories: Vec<LinearMemory>,
    pub tables: Vec<TableEntity>,
    /// Boxed so the interpreter's pointers to global cells stay valid as the store grows.
    #[allow(clippy::vec_box)]
    pub globals: Vec<Box<GlobalEntity>>,
    pub instances: Vec<InstanceEntity>,
    pub externrefs: Vec<Box<dyn Any + Send + Sync>>,
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
}

/// A collection of instances and their state, owned by one embedder context `T`.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) host_funcs: Vec<HostFn<T>>,
    data: T,
}

impl<T> Store<T> {
    /// A new, empty store.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                instances: Vec::new(),
                externrefs: Vec::new(),
                stack: ValueStack::new(engine.config().max_value_stack),
                stack_top: 0,
                depth: 0,
                activations: 0,
                native_limit: 0,
                pending: None,
            },
            host_funcs: Vec::new(),
            data,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
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
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.id).finish()
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
