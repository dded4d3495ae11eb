//! Address-space reservations kept for reuse by the thread that freed them.
//!
//! A store maps its value stack, and each linear memory its reservation,
//! when created, and unmaps them when dropped. For a server that runs each
//! request in a fresh store, those `mmap`/`munmap` calls (and the kernel's
//! page-table teardown behind `munmap`) cost most of an instantiation. So a
//! dropped reservation is emptied instead (`MADV_DONTNEED`: its pages go
//! back to the kernel and read as zeros when next touched, so nothing of a
//! previous tenant survives) and kept, a few per thread, for the next one
//! of the same size. Per thread, so that no lock is shared between threads
//! that instantiate at once.

use std::cell::RefCell;

/// Reservations kept per thread; more are unmapped. A memory's reservation
/// under the JIT is 4 GiB plus its guard region, so a thread keeps at most
/// about 50 GiB of address space (of the 128 TiB a process has), and no
/// memory: emptied pages are returned to the kernel.
const KEPT: usize = 8;

/// An anonymous private mapping of `len` bytes at `base`, whose first
/// `accessible` bytes are readable and writable (and zero) and the rest
/// inaccessible.
pub(crate) struct Reservation {
    base: *mut u8,
    len: usize,
    accessible: usize,
}

impl Reservation {
    /// The mapping's base and accessible length, for a new owner that
    /// will hand it back with [`give_back`] (or unmap it).
    pub fn into_raw(self) -> (*mut u8, usize) {
        let parts = (self.base, self.accessible);
        std::mem::forget(self);
        parts
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: the mapping is owned by this value and no longer used.
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}

thread_local! {
    static KEPT_RESERVATIONS: RefCell<Vec<Reservation>> = const { RefCell::new(Vec::new()) };
}

/// A kept reservation of exactly `len` bytes, if this thread has one.
pub(crate) fn take(len: usize) -> Option<Reservation> {
    KEPT_RESERVATIONS
        .try_with(|kept| {
            let mut kept = kept.borrow_mut();
            let at = kept.iter().position(|r| r.len == len)?;
            Some(kept.swap_remove(at))
        })
        .ok()
        .flatten()
}

/// Empties the mapping at `base` (`len` bytes, the first `accessible` of
/// them readable and writable) and keeps it for [`take`], or unmaps it when
/// this thread keeps enough already or is exiting.
///
/// # Safety
/// The caller owns the mapping and gives it up: nothing uses it afterwards.
pub(crate) unsafe fn give_back(base: *mut u8, len: usize, accessible: usize) {
    let reservation = Reservation {
        base,
        len,
        accessible,
    };
    // SAFETY: the caller owns the range; after this it reads as zeros.
    let emptied = accessible == 0
        || unsafe { libc::madvise(base.cast(), accessible, libc::MADV_DONTNEED) } == 0;
    if !emptied {
        return; // Dropped: unmapped.
    }
    let _ = KEPT_RESERVATIONS.try_with(move |kept| {
        let mut kept = kept.borrow_mut();
        if kept.len() < KEPT {
            kept.push(reservation);
        }
        // Otherwise `reservation` is dropped here: unmapped.
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(len: usize) -> *mut u8 {
        // SAFETY: a fresh anonymous mapping.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(p, libc::MAP_FAILED);
        p.cast()
    }

    #[test]
    fn a_kept_reservation_comes_back_zeroed_and_only_for_its_size() {
        let len = 1 << 16;
        let base = map(len);
        // SAFETY: the mapping is ours and read-write.
        unsafe { base.add(100).write(0xAB) };
        // SAFETY: given up.
        unsafe { give_back(base, len, len) };
        assert!(take(len + 4096).is_none());
        let r = take(len).expect("kept");
        assert_eq!((r.base, r.len, r.accessible), (base, len, len));
        // SAFETY: still mapped read-write.
        assert_eq!(unsafe { r.base.add(100).read() }, 0);
        assert!(take(len).is_none());
    }

    #[test]
    fn at_most_a_few_are_kept_per_thread() {
        let len = 3 << 16;
        for _ in 0..KEPT + 3 {
            // SAFETY: given up.
            unsafe { give_back(map(len), len, len) };
        }
        let mut kept = Vec::new();
        while let Some(r) = take(len) {
            kept.push(r);
        }
        assert_eq!(kept.len(), KEPT);
    }
}
