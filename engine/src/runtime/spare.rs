//! Address-space reservations kept for reuse by the thread that freed them.
//!
//! A store maps its value stack, and each linear memory its reservation,
//! when created, and unmaps them when dropped. For a server that runs each
//! request in a fresh store, those `mmap`/`munmap` calls (and the kernel's
//! page-table teardown behind `munmap`) cost most of an instantiation. So a
//! dropped reservation is kept instead, a few per thread, for the next one
//! of the same size, emptied as its use needs ([`Reuse`]): a memory's pages
//! are zeroed (in place when few, else by `MADV_DONTNEED`, which returns
//! them to the kernel), so nothing of a previous tenant survives. Per
//! thread, so that no lock is shared between threads that instantiate at
//! once.

use std::cell::RefCell;

/// Reservations kept per thread; more are unmapped. A memory's reservation
/// under the JIT is 4 GiB plus its guard region, so a thread keeps at most
/// about 50 GiB of address space (of the 128 TiB a process has). What stays
/// resident: small memories' zeroed pages (see [`ZERO_IN_PLACE`]) and the
/// pages value stacks touched, which are kept as they were left.
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

/// A fresh reservation of `len` bytes of address space, inaccessible
/// (and costing no memory) until parts of it are made read-write; `None`
/// when the address space is exhausted.
pub(crate) fn reserve(len: usize) -> Option<*mut u8> {
    // SAFETY: a fresh anonymous private mapping with no access; the kernel
    // picks the address.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    (p != libc::MAP_FAILED).then_some(p.cast::<u8>())
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

/// Accessible prefixes up to this size are zeroed in place rather than
/// given back to the kernel. `MADV_DONTNEED` must flush the range from the
/// TLB of every core running the process: an interrupt to each of them,
/// which is what kept two threads that instantiate at once from going any
/// faster than one. Zeroing 64 KiB costs about as much as the page fault
/// that would follow the `madvise`, and keeps the pages resident.
const ZERO_IN_PLACE: usize = 256 << 10;

/// What a reservation given back holds for its next owner.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reuse {
    /// Zeros, as a fresh mapping: a linear memory, whose next tenant can
    /// read any byte.
    Zeroed,
    /// Whatever it held: a value stack, whose cells are always written
    /// before they are read (the frame contract), so nothing of a previous
    /// store is ever read from it.
    AsLeft,
}

/// Empties the read-write range of `accessible` bytes at `base` as `reuse`
/// says; gives the bytes that stay read-write, or `None` when the kernel
/// refused.
///
/// # Safety
/// The caller owns the range and nothing else uses it.
pub(crate) unsafe fn empty(base: *mut u8, accessible: usize, reuse: Reuse) -> Option<usize> {
    match reuse {
        Reuse::AsLeft => Some(accessible),
        _ if accessible == 0 => Some(0),
        Reuse::Zeroed if accessible <= ZERO_IN_PLACE => {
            // SAFETY: the caller owns the range, which is read-write.
            unsafe { std::ptr::write_bytes(base, 0, accessible) };
            Some(accessible)
        }
        // SAFETY: the caller owns the range; after this it reads as zeros.
        Reuse::Zeroed => unsafe {
            (libc::madvise(base.cast(), accessible, libc::MADV_DONTNEED) == 0).then_some(accessible)
        },
    }
}

/// Keeps the mapping at `base` (`len` bytes, the first `accessible` of them
/// readable and writable) for [`take`], emptied as `reuse` says, or unmaps
/// it when this thread keeps enough already or is exiting.
///
/// # Safety
/// The caller owns the mapping and gives it up: nothing uses it afterwards.
pub(crate) unsafe fn give_back(base: *mut u8, len: usize, accessible: usize, reuse: Reuse) {
    let reservation = Reservation {
        base,
        len,
        accessible,
    };
    let room = KEPT_RESERVATIONS
        .try_with(|kept| kept.borrow().len() < KEPT)
        .unwrap_or(false);
    if !room {
        return; // Dropped: unmapped.
    }
    // SAFETY: as the function's contract.
    if unsafe { empty(base, accessible, reuse) }.is_none() {
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
        // Zeroed in place, and given back to the kernel.
        for len in [1 << 16, 4 * ZERO_IN_PLACE] {
            let base = map(len);
            // SAFETY: the mapping is ours and read-write.
            unsafe { base.add(100).write(0xAB) };
            // SAFETY: given up.
            unsafe { give_back(base, len, len, Reuse::Zeroed) };
            assert!(take(len + 4096).is_none());
            let r = take(len).expect("kept");
            assert_eq!((r.base, r.len, r.accessible), (base, len, len));
            // SAFETY: still mapped read-write.
            assert_eq!(unsafe { r.base.add(100).read() }, 0);
            assert!(take(len).is_none());
        }
    }

    #[test]
    fn a_stack_comes_back_as_it_was_left() {
        let len = 5 << 16;
        let base = map(len);
        // SAFETY: the mapping is ours and read-write.
        unsafe { base.add(100).write(0xAB) };
        // SAFETY: given up.
        unsafe { give_back(base, len, len, Reuse::AsLeft) };
        let r = take(len).expect("kept");
        // SAFETY: still mapped read-write.
        assert_eq!(unsafe { r.base.add(100).read() }, 0xAB);
    }

    #[test]
    fn at_most_a_few_are_kept_per_thread() {
        let len = 3 << 16;
        for _ in 0..KEPT + 3 {
            // SAFETY: given up.
            unsafe { give_back(map(len), len, len, Reuse::Zeroed) };
        }
        let mut kept = Vec::new();
        while let Some(r) = take(len) {
            kept.push(r);
        }
        assert_eq!(kept.len(), KEPT);
    }
}
