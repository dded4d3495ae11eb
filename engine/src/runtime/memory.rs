//! Linear memory: a reserved address range, committed as it grows.
//!
//! The whole maximum size (4 GiB for a 32-bit memory without a maximum) is
//! reserved inaccessible up front and made read-write page by page on growth,
//! so the base address never changes: compiled code and the interpreter can
//! keep it across `memory.grow`.

use super::growth;
use super::pool::Pools;
use super::spare::Reuse;
use super::store::AsContext;
use super::store::AsContextMut;
use super::value::{assert_store, check_store};
use super::Store;
use crate::engine::Engine;
use crate::error::{Error, Result, TrapCode};
use crate::types::MemoryType;

/// Bytes per wasm page.
pub const PAGE_SIZE: u64 = 65536;
/// The most pages a 32-bit memory can have.
pub const MAX_PAGES: u64 = 65536;
/// The most pages a 64-bit memory (`memory64`) grows to here, whatever its
/// type allows: 16 GiB, reserved as address space when the memory is
/// created. Growing past it fails as `memory.grow` may (-1).
pub const MAX_PAGES_64: u64 = 1 << 18;

/// The backing store of one linear memory.
pub(crate) struct LinearMemory {
    base: *mut u8,
    reserved: usize,
    len: usize,
    /// A copy of `len` at a stable address, for a 64-bit memory, whose
    /// accesses compiled code bounds-checks against it (`vmctx::MEM_BOUNDS`).
    bound: Option<Box<u64>>,
    max_pages: u64,
    ty: MemoryType,
    /// The pools the memory's slot belongs to, and the slot. The pools are
    /// the engine's, which the owning store keeps alive until after its
    /// memories are dropped (`StoreInner::engine` is its last field); a
    /// pointer rather than an `Engine` so that no reference count shared
    /// by all threads changes per instantiation.
    pooled: Option<(*const Pools, u32)>,
}

// SAFETY: the mapping is owned by one store and accessed by the thread that
// holds it mutably.
unsafe impl Send for LinearMemory {}
// SAFETY: shared access only reads `len` and the type.
unsafe impl Sync for LinearMemory {}

/// The address space a memory of at most `max_pages` reserves: with a
/// `guard` (compiled code, 32-bit memories), the whole 4 GiB a 32-bit index
/// reaches plus the guard, so compiled code can access it without bounds
/// checks; without, its maximum.
pub(crate) fn reservation_len(guard: Option<u64>, max_pages: u64) -> usize {
    match guard {
        Some(guard) => (MAX_PAGES * PAGE_SIZE + guard) as usize,
        None => (max_pages * PAGE_SIZE) as usize,
    }
}

impl LinearMemory {
    /// Reserves (or, under the pooling strategy, takes a slot of the
    /// engine's pool) and commits a memory of type `ty`, reserved as
    /// [`reservation_len`] says.
    pub fn new(ty: MemoryType, engine: &Engine) -> Result<LinearMemory> {
        let limit = if ty.is_64() { MAX_PAGES_64 } else { MAX_PAGES };
        let mut max_pages = ty.maximum().unwrap_or(limit).min(limit);
        if ty.minimum() > max_pages {
            return Err(Error::instantiate("memory minimum exceeds its maximum"));
        }
        if let Some(pools) = engine.pools() {
            max_pages = max_pages.min(pools.max_memory_pages);
            if ty.minimum() > max_pages {
                return Err(Error::instantiate(format!(
                    "memory minimum of {} pages exceeds the pool's limit of {max_pages} pages",
                    ty.minimum()
                )));
            }
            let slot = pools.memories.claim().ok_or_else(|| {
                Error::instantiate(format!(
                    "the pooling allocator's {} memory slots are all in use",
                    pools.memories.count()
                ))
            })?;
            let mem = LinearMemory {
                base: slot.base,
                reserved: pools.memories.slot_len(),
                len: 0,
                bound: ty.is_64().then(|| Box::new(0)),
                max_pages,
                ty,
                pooled: Some((pools as *const Pools, slot.index)),
            };
            return mem.commit(slot.accessible);
        }
        let guard = engine.config().memory_guard().filter(|_| !ty.is_64());
        let reserved = reservation_len(guard, max_pages);
        let mut committed = 0;
        let base = if reserved == 0 {
            std::ptr::NonNull::<u8>::dangling().as_ptr()
        } else if let Some(kept) = super::spare::take(reserved) {
            // A dropped memory's reservation, emptied: its accessible
            // prefix reads as zeros.
            let (base, accessible) = kept.into_raw();
            committed = accessible;
            base
        } else {
            super::spare::reserve(reserved).ok_or_else(|| {
                Error::instantiate("cannot reserve address space for a linear memory")
            })?
        };
        let mem = LinearMemory {
            base,
            reserved,
            len: 0,
            bound: ty.is_64().then(|| Box::new(0)),
            max_pages,
            ty,
            pooled: None,
        };
        mem.commit(committed)
    }

    /// Makes the memory's declared minimum, and nothing past it, readable
    /// and writable, from a reservation whose first `committed` bytes (zero)
    /// are already.
    fn commit(mut self, mut committed: usize) -> Result<LinearMemory> {
        let wanted = (self.ty.minimum() * PAGE_SIZE) as usize;
        if committed > wanted {
            // SAFETY: the tail past the minimum lies inside the reservation.
            let rc = unsafe {
                libc::mprotect(
                    self.base.add(wanted).cast(),
                    committed - wanted,
                    libc::PROT_NONE,
                )
            };
            if rc != 0 {
                return Err(Error::instantiate("cannot reuse a memory reservation"));
            }
            committed = wanted;
        }
        // Whole pages, from a reservation's accessible prefix.
        self.set_len(committed);
        if self.grow(self.ty.minimum() - self.pages()).is_none() {
            return Err(Error::instantiate(
                "cannot commit the linear memory's minimum size",
            ));
        }
        Ok(self)
    }

    /// Base address; stable for the memory's lifetime.
    pub fn base(&self) -> *mut u8 {
        self.base
    }

    /// Current size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.len as u64 / PAGE_SIZE
    }

    /// Whether the memory is indexed by `i64`.
    pub fn is_64(&self) -> bool {
        self.ty.is_64()
    }

    /// The memory's type, with its current size as minimum.
    pub fn ty(&self) -> MemoryType {
        MemoryType::from_limits(self.pages(), self.ty.maximum(), self.ty.is_64())
    }

    /// Pages the memory may grow to: its declared maximum, within what its
    /// index type reaches ([`MAX_PAGES`], [`MAX_PAGES_64`]).
    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// Grows by `delta` pages, returning the old size in pages, or `None`
    /// when the maximum would be exceeded.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        if delta > 0 {
            let new_len = (new * PAGE_SIZE) as usize;
            // SAFETY: [len, new_len) lies inside the reservation (new <= max_pages).
            let rc = unsafe {
                libc::mprotect(
                    self.base.add(self.len).cast(),
                    new_len - self.len,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if rc != 0 {
                return None;
            }
            self.set_len(new_len);
        }
        Some(old)
    }

    fn set_len(&mut self, len: usize) {
        self.len = len;
        if let Some(bound) = &mut self.bound {
            **bound = len as u64;
        }
    }

    /// Where a 64-bit memory's size in bytes is kept for compiled code
    /// (null for a 32-bit memory, whose accesses the guard region checks).
    pub fn bound_ptr(&self) -> *const u64 {
        self.bound
            .as_deref()
            .map_or(std::ptr::null(), |b| b as *const u64)
    }

    /// The accessible bytes.
    pub fn data(&self) -> &[u8] {
        // SAFETY: [base, base + len) is mapped read-write.
        unsafe { std::slice::from_raw_parts(self.base, self.len) }
    }

    /// The accessible bytes, mutably.
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: [base, base + len) is mapped read-write and uniquely borrowed.
        unsafe { std::slice::from_raw_parts_mut(self.base, self.len) }
    }

    /// Checks that `[offset, offset + len)` is inside the memory.
    pub fn check(&self, offset: u64, len: u64) -> Result<usize, TrapCode> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len as u64 => Ok(offset as usize),
            _ => Err(TrapCode::MemoryOutOfBounds),
        }
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        if let Some((pools, slot)) = self.pooled {
            // SAFETY: the pools outlive the memory (see `pooled`); the slot
            // is the one claimed in `new`, whose first `len` bytes are
            // accessible; its store is going, and with it all its users.
            unsafe { (*pools).memories.give_back(slot, self.len, Reuse::Zeroed) }
        } else if self.reserved > 0 {
            // SAFETY: the reservation made in `new`, whose first `len` bytes
            // are accessible; its store is gone, and with it all its users.
            unsafe { super::spare::give_back(self.base, self.reserved, self.len, Reuse::Zeroed) }
        }
    }
}

/// A handle to a linear memory in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Memory {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Memory {
    /// Creates a memory owned by the store.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = store.as_context_mut();
        growth::admit_memory(store, 0, ty.minimum(), ty.maximum())?;
        let mem = LinearMemory::new(ty, &store.inner.engine)?;
        store.inner.memories.push(mem);
        Ok(Memory {
            store: store.inner.id,
            index: store.inner.memories.len() as u32 - 1,
        })
    }

    /// The memory's backing store; panics unless `store` owns it.
    #[track_caller]
    fn get<'a, T>(&self, store: &'a Store<T>) -> &'a LinearMemory {
        assert_store("Memory", self.store, store.inner.id);
        &store.inner.memories[self.index as usize]
    }

    /// The memory's backing store, mutably; panics unless `store` owns it.
    #[track_caller]
    fn get_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut LinearMemory {
        assert_store("Memory", self.store, store.inner.id);
        &mut store.inner.memories[self.index as usize]
    }

    /// The memory's backing store, or an error unless `store` owns it.
    fn try_get<'a, T>(&self, store: &'a Store<T>) -> Result<&'a LinearMemory> {
        check_store("Memory", self.store, store.inner.id)?;
        Ok(&store.inner.memories[self.index as usize])
    }

    /// The memory's backing store mutably, or an error unless `store` owns it.
    fn try_get_mut<'a, T>(&self, store: &'a mut Store<T>) -> Result<&'a mut LinearMemory> {
        check_store("Memory", self.store, store.inner.id)?;
        Ok(&mut store.inner.memories[self.index as usize])
    }

    /// The memory's type (minimum = current size).
    ///
    /// # Panics
    ///
    /// Panics with "Memory used with another store" if used with a store
    /// other than its own.
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        self.get(store.as_context()).ty()
    }

    /// Current size in pages.
    ///
    /// # Panics
    ///
    /// Panics with "Memory used with another store" if used with a store
    /// other than its own.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.get(store.as_context()).pages()
    }

    /// Current size in bytes.
    ///
    /// # Panics
    ///
    /// Panics with "Memory used with another store" if used with a store
    /// other than its own.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.get(store.as_context()).len()
    }

    /// Grows by `delta` pages, returning the previous size in pages.
    ///
    /// # Errors
    ///
    /// Fails if the memory would exceed its maximum, or if it is used with a
    /// store other than its own.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64> {
        let store = store.as_context_mut();
        self.try_get_mut(&mut *store)?;
        growth::grow_memory(store, self.index as usize, delta)?.ok_or_else(|| {
            Error::instantiate("memory cannot grow past its maximum or the store's limits")
        })
    }

    /// Copies bytes at `offset` into `buf`.
    ///
    /// # Errors
    ///
    /// Fails, leaving `buf` as it was, if the range is out of bounds or the
    /// memory is used with a store other than its own.
    pub fn read(&self, store: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<()> {
        let mem = self.try_get(store.as_context())?;
        let at = mem
            .check(offset as u64, buf.len() as u64)
            .map_err(Error::trap)?;
        buf.copy_from_slice(&mem.data()[at..at + buf.len()]);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    ///
    /// # Errors
    ///
    /// Fails, writing nothing, if the range is out of bounds or the memory is
    /// used with a store other than its own.
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<()> {
        let mem = self.try_get_mut(store.as_context_mut())?;
        let at = mem
            .check(offset as u64, buf.len() as u64)
            .map_err(Error::trap)?;
        mem.data_mut()[at..at + buf.len()].copy_from_slice(buf);
        Ok(())
    }

    /// The memory's bytes.
    ///
    /// # Panics
    ///
    /// Panics with "Memory used with another store" if used with a store
    /// other than its own.
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> &'a [u8] {
        self.get(store).data()
    }

    /// The memory's bytes, mutably.
    ///
    /// # Panics
    ///
    /// Panics with "Memory used with another store" if used with a store
    /// other than its own.
    pub fn data_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        self.get_mut(store).data_mut()
    }
}
