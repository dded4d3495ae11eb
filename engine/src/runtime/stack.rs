//! The value stack: one contiguous array of 8-byte cells per store.
//!
//! Frames of all activations live here, so it never moves or grows: nested
//! activations (host → wasm → host → wasm) keep raw pointers into it. It is
//! reached only through the raw base pointer, never through a reference, so
//! a `&mut Store` handed to a host function does not alias a running frame.

use memmap2::MmapMut;

/// A fixed-size, lazily committed array of cells.
pub(crate) struct ValueStack {
    base: *mut u64,
    len: usize,
    // Keeps the mapping alive; never accessed after `base` is taken.
    _map: Option<MmapMut>,
}

// SAFETY: the stack is owned by one store; the raw pointer is only used by the
// thread that holds `&mut Store`.
unsafe impl Send for ValueStack {}
// SAFETY: shared references to a store never read or write the stack.
unsafe impl Sync for ValueStack {}

impl ValueStack {
    /// A stack of `cells` cells; pages are committed by the OS on first touch.
    pub fn new(cells: usize) -> ValueStack {
        match MmapMut::map_anon(cells * 8) {
            Ok(mut map) => ValueStack {
                base: map.as_mut_ptr().cast::<u64>(),
                len: cells,
                _map: Some(map),
            },
            // Out of address space: an empty stack makes every call trap as exhausted.
            Err(_) => ValueStack {
                base: std::ptr::NonNull::<u64>::dangling().as_ptr(),
                len: 0,
                _map: None,
            },
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
