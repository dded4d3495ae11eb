//! The value stack: one contiguous array of 8-byte cells per store.
//!
//! Frames of all activations live here, so it never moves or grows: nested
//! activations (host → wasm → host → wasm) keep raw pointers into it. It is
//! reached only through the raw base pointer, never through a reference, so
//! a `&mut Store` handed to a host function does not alias a running frame.

use super::pool::Pools;
use super::spare;
use crate::engine::Engine;
use memmap2::MmapMut;

/// A fixed-size, lazily committed array of cells.
pub(crate) struct ValueStack {
    base: *mut u64,
    len: usize,
    /// Whether `base` is a mapping of `len` cells this stack owns.
    mapped: bool,
    /// The pools the stack's slot belongs to, and the slot; alive while
    /// the stack is, as a pooled memory's (`LinearMemory::pooled`).
    pooled: Option<(*const Pools, u32)>,
}

// SAFETY: the stack is owned by one store; the raw pointer is only used by the
// thread that holds `&mut Store`.
unsafe impl Send for ValueStack {}
// SAFETY: shared references to a store never read or write the stack.
unsafe impl Sync for ValueStack {}

impl ValueStack {
    /// A stack of the engine's `max_value_stack` cells, from its pool
    /// under the pooling strategy; pages are committed by the OS on first
    /// touch. The mapping of a dropped stack of the same size is reused
    /// when this thread kept one (`spare`), as that stack left it: frames
    /// write every cell before reading it.
    pub fn new(engine: &Engine) -> ValueStack {
        let cells = engine.config().max_value_stack;
        let bytes = cells * 8;
        let pools = engine.pools();
        if let Some((pools, slot)) = pools.and_then(|p| Some((p, p.stacks.claim()?))) {
            // SAFETY: the slot is ours; its first use makes it read-write.
            let ready = slot.accessible == bytes
                || unsafe {
                    libc::mprotect(slot.base.cast(), bytes, libc::PROT_READ | libc::PROT_WRITE)
                } == 0;
            return ValueStack {
                base: slot.base.cast::<u64>(),
                len: if ready { cells } else { 0 },
                mapped: false,
                pooled: Some((pools as *const Pools, slot.index)),
            };
        }
        if let Some(kept) = spare::take(bytes) {
            return ValueStack {
                base: kept.into_raw().0.cast::<u64>(),
                len: cells,
                mapped: true,
                pooled: None,
            };
        }
        let Ok(mut map) = MmapMut::map_anon(bytes) else {
            // Out of address space: an empty stack makes every call trap as exhausted.
            return ValueStack {
                base: std::ptr::NonNull::<u64>::dangling().as_ptr(),
                len: 0,
                mapped: false,
                pooled: None,
            };
        };
        let p = map.as_mut_ptr();
        // The stack owns the mapping from here on: `Drop` hands it to
        // `spare`, which unmaps it or keeps it for reuse.
        std::mem::forget(map);
        ValueStack {
            base: p.cast::<u64>(),
            len: cells,
            mapped: true,
            pooled: None,
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Pointer to cell `at`; `at <= len`.
    pub fn ptr(&self, at: usize) -> *mut u64 {
        debug_assert!(at <= self.len);
        // SAFETY: `at` is within the mapping (or one past its end).
        unsafe { self.base.add(at) }
    }

    /// Reads `out.len()` cells starting at `at`; the range must be in bounds.
    pub fn read(&self, at: usize, out: &mut [u64]) {
        assert!(at + out.len() <= self.len);
        // SAFETY: bounds checked above; no frame is running while the host reads.
        unsafe { std::ptr::copy_nonoverlapping(self.ptr(at), out.as_mut_ptr(), out.len()) }
    }

    /// Writes `vals` starting at cell `at`; the range must be in bounds.
    pub fn write(&mut self, at: usize, vals: &[u64]) {
        assert!(at + vals.len() <= self.len);
        // SAFETY: bounds checked above.
        unsafe { std::ptr::copy_nonoverlapping(vals.as_ptr(), self.ptr(at), vals.len()) }
    }
}

impl Drop for ValueStack {
    fn drop(&mut self) {
        if let Some((pools, slot)) = self.pooled {
            // SAFETY: the pools outlive the stack (see `pooled`); the slot
            // is the one claimed in `new`; its store is going, and with it
            // every frame on it.
            unsafe {
                (*pools)
                    .stacks
                    .give_back(slot, self.len * 8, spare::Reuse::AsLeft)
            }
        } else if self.mapped {
            let bytes = self.len * 8;
            // SAFETY: the store that owned the stack is gone, and with it
            // every frame on it.
            unsafe { spare::give_back(self.base.cast(), bytes, bytes, spare::Reuse::AsLeft) }
        }
    }
}
