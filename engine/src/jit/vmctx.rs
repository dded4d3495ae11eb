//! The context compiled code runs with: one per instance, its address in
//! r15 while the instance's code runs. Field offsets are part of the code
//! the JIT emits, so the layout is `repr(C)` and the offsets are constants.

use crate::runtime::store::StoreInner;
use std::mem::offset_of;

/// A runtime helper returning a value; failures are reported in `trap`.
pub(crate) type Helper = unsafe extern "sysv64" fn(*mut VmCtx, u64, u64, u64, u64) -> u64;

/// Per-instance state read by compiled code.
#[repr(C)]
pub(crate) struct VmCtx {
    /// Base of memory 0 (stable for the memory's lifetime).
    pub mem_base: *mut u8,
    /// Bases of all the instance's memories, by memory index (stable too:
    /// compiled code runs only on reserved memories).
    pub mem_bases: *const *mut u8,
    /// Where each memory's size in bytes is kept, by memory index, when the
    /// instance has a 64-bit memory (whose accesses are checked against it).
    pub mem_bounds: *const *const u64,
    /// This instance's global cells.
    pub globals: *const *mut u64,
    /// Entry addresses of the module's defined functions.
    pub entries: *const usize,
    /// The store's wasm call depth.
    pub depth: *mut usize,
    /// `Config::max_call_depth`.
    pub max_depth: usize,
    /// One past the value stack's last cell.
    pub stack_end: usize,
    /// The machine stack must stay above this address.
    pub native_limit: usize,
    /// A non-zero trap code a helper reports; compiled code raises it.
    pub trap: u32,
    /// This instance's index in its store.
    pub instance: u32,
    /// The store (`*mut Store<T>`), for helpers that need its data type.
    pub store: *mut (),
    /// The untyped store.
    pub inner: *mut StoreInner,
    /// Calls imported function `a` with its frame at `fp`.
    pub call_import: unsafe extern "sysv64" fn(*mut VmCtx, *mut u64, u64) -> u64,
    /// `call_indirect`: frame, element index, type index, table index.
    pub call_indirect: unsafe extern "sysv64" fn(*mut VmCtx, *mut u64, u64, u64, u64) -> u64,
    /// Runs defined function `a` in the interpreter with its frame at `fp`.
    pub call_interp: unsafe extern "sysv64" fn(*mut VmCtx, *mut u64, u64) -> u64,
    /// The store's fuel left (`StoreInner::fuel`).
    pub fuel: *mut i64,
    /// The store's epoch deadline, a copy kept equal to
    /// `StoreInner::epoch_deadline` by every change of it.
    pub epoch_deadline: u64,
    /// Called when the epoch deadline is reached, with the end of the
    /// running frame (its outgoing-argument cells included): 0 to continue,
    /// or a trap code (or the pending-error code) to raise.
    pub epoch_reached: unsafe extern "sysv64" fn(*mut VmCtx, *mut u64) -> u64,
    /// `memory.grow` under the store's limiter: delta, memory.
    pub memory_grow: Helper,
    /// `table.grow` under the store's limiter: table, init, delta.
    pub table_grow: Helper,
    /// The helpers on the untyped store (`libcalls::LIBCALLS`).
    pub libcalls: *const Helper,
    /// The engine's epoch counter.
    pub epoch: *const std::sync::atomic::AtomicU64,
    /// The `call_indirect` targets of table 0 (`runtime::call_targets`),
    /// at an address stable for the table's life.
    pub table0: *const crate::runtime::call_targets::TargetsView,
}

// Offsets the emitted code uses.
pub(crate) const MEM_BASE: i32 = offset_of!(VmCtx, mem_base) as i32;
pub(crate) const MEM_BASES: i32 = offset_of!(VmCtx, mem_bases) as i32;
pub(crate) const MEM_BOUNDS: i32 = offset_of!(VmCtx, mem_bounds) as i32;
pub(crate) const GLOBALS: i32 = offset_of!(VmCtx, globals) as i32;
pub(crate) const ENTRIES: i32 = offset_of!(VmCtx, entries) as i32;
pub(crate) const DEPTH: i32 = offset_of!(VmCtx, depth) as i32;
pub(crate) const MAX_DEPTH: i32 = offset_of!(VmCtx, max_depth) as i32;
pub(crate) const STACK_END: i32 = offset_of!(VmCtx, stack_end) as i32;
pub(crate) const NATIVE_LIMIT: i32 = offset_of!(VmCtx, native_limit) as i32;
pub(crate) const TRAP: i32 = offset_of!(VmCtx, trap) as i32;
pub(crate) const CALL_IMPORT: i32 = offset_of!(VmCtx, call_import) as i32;
pub(crate) const CALL_INDIRECT: i32 = offset_of!(VmCtx, call_indirect) as i32;
pub(crate) const CALL_INTERP: i32 = offset_of!(VmCtx, call_interp) as i32;
pub(crate) const FUEL: i32 = offset_of!(VmCtx, fuel) as i32;
pub(crate) const EPOCH_DEADLINE: i32 = offset_of!(VmCtx, epoch_deadline) as i32;
pub(crate) const EPOCH_REACHED: i32 = offset_of!(VmCtx, epoch_reached) as i32;
pub(crate) const MEMORY_GROW: i32 = offset_of!(VmCtx, memory_grow) as i32;
pub(crate) const TABLE_GROW: i32 = offset_of!(VmCtx, table_grow) as i32;
pub(crate) const LIBCALLS: i32 = offset_of!(VmCtx, libcalls) as i32;
pub(crate) const EPOCH: i32 = offset_of!(VmCtx, epoch) as i32;
pub(crate) const TABLE0: i32 = offset_of!(VmCtx, table0) as i32;
pub(crate) const INSTANCE: i32 = offset_of!(VmCtx, instance) as i32;
