//! The pooling allocation strategy: slots for linear memories and value
//! stacks, reserved once per engine and reused by every store.
//!
//! Each pool is one `PROT_NONE` mapping cut into equal slots. A slot is
//! claimed from a bitmap of free slots with atomic operations (no lock is
//! shared by the threads that instantiate), keeps the read-write prefix
//! its last user left (so reuse needs no `mprotect` when sizes repeat),
//! and is emptied when given back: a memory's accessible bytes are zeroed,
//! in place when few and by `MADV_DONTNEED` otherwise (see `spare`), so a
//! new tenant never sees a previous one's data. Slots are laid out back to
//! back, so under the JIT each memory's guard region is the address space
//! between it and the next slot: neighbours share nothing they can reach.

use super::spare::{self, Reuse};
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// How a store's memories and value stack are allocated
/// ([`Config::allocation_strategy`](crate::Config::allocation_strategy)).
#[derive(Clone, Debug, Default)]
pub enum InstanceAllocationStrategy {
    /// Mapped when created and kept per thread for reuse when dropped (a
    /// few per thread; more are unmapped). The default.
    #[default]
    OnDemand,
    /// Reserved once, when the engine is created, and reused.
    Pooling(PoolingAllocationConfig),
}

/// Limits of the pooling allocation strategy.
#[derive(Clone, Debug)]
pub struct PoolingAllocationConfig {
    pub(crate) total_memories: u32,
    pub(crate) total_stores: u32,
    pub(crate) max_memory_size: usize,
}

impl Default for PoolingAllocationConfig {
    /// 1,000 memories and 1,000 stores' value stacks, memories of up to
    /// 4 GiB (wasmtime's defaults for memories).
    fn default() -> PoolingAllocationConfig {
        PoolingAllocationConfig {
            total_memories: 1000,
            total_stores: 1000,
            max_memory_size: 1 << 32,
        }
    }
}

impl PoolingAllocationConfig {
    /// The default limits.
    pub fn new() -> PoolingAllocationConfig {
        PoolingAllocationConfig::default()
    }

    /// Linear memories alive at once, across all stores of the engine; one
    /// more fails to instantiate with an error.
    pub fn total_memories(&mut self, count: u32) -> &mut Self {
        self.total_memories = count;
        self
    }

    /// Stores whose value stacks come from the pool; stores beyond it map
    /// their own, as on demand.
    pub fn total_stores(&mut self, count: u32) -> &mut Self {
        self.total_stores = count;
        self
    }

    /// Bytes a pooled memory may grow to (rounded down to whole pages, at
    /// most 4 GiB): a module whose memory must start larger fails to
    /// instantiate, and `memory.grow` beyond it returns -1. Without the
    /// JIT, each memory slot reserves this much address space.
    pub fn max_memory_size(&mut self, bytes: usize) -> &mut Self {
        self.max_memory_size = bytes.min(1 << 32);
        self
    }
}

/// The pools of an engine with the pooling strategy.
pub(crate) struct Pools {
    pub memories: SlotPool,
    pub stacks: SlotPool,
    /// Pages a pooled memory may have.
    pub max_memory_pages: u64,
}

impl Pools {
    /// Reserves `config`'s slots: memory slots as a memory with `guard`
    /// reserves (`memory::reservation_len`), stack slots of `stack_bytes`.
    pub fn new(
        config: &PoolingAllocationConfig,
        guard: Option<u64>,
        stack_bytes: usize,
    ) -> Result<Pools> {
        let max_memory_pages = config.max_memory_size as u64 / super::memory::PAGE_SIZE;
        let memory_slot = super::memory::reservation_len(guard, max_memory_pages);
        Ok(Pools {
            memories: SlotPool::new(config.total_memories, memory_slot)?,
            stacks: SlotPool::new(config.total_stores, stack_bytes)?,
            max_memory_pages,
        })
    }
}

/// Equal slots in one reservation, claimed and given back without locks.
pub(crate) struct SlotPool {
    base: *mut u8,
    slot_len: usize,
    count: u32,
    /// One bit per slot, set while the slot is free; a word per cache
    /// line, so threads that start their search at different words do
    /// not contend.
    free: Box<[FreeWord]>,
    /// The read-write prefix of each slot, as its last user left it.
    accessible: Box<[AtomicUsize]>,
}

// SAFETY: the reservation is only reached through claimed slots, each
// owned by one user at a time; the bookkeeping is atomic.
unsafe impl Send for SlotPool {}
// SAFETY: as above.
unsafe impl Sync for SlotPool {}

/// 64 slots' free bits, alone in a cache line.
#[repr(align(64))]
struct FreeWord(AtomicU64);

/// A slot claimed from a pool: its base and the read-write prefix it has.
pub(crate) struct Slot {
    pub index: u32,
    pub base: *mut u8,
    pub accessible: usize,
}

impl SlotPool {
    fn new(count: u32, slot_len: usize) -> Result<SlotPool> {
        let total = (count as usize)
            .checked_mul(slot_len)
            .ok_or_else(|| Error::unsupported("pool larger than the address space"))?;
        let base = if total == 0 {
            std::ptr::NonNull::<u8>::dangling().as_ptr()
        } else {
            spare::reserve(total).ok_or_else(|| {
                Error::unsupported(format!(
                    "cannot reserve {total} bytes of address space for the pooling allocator"
                ))
            })?
        };
        let words = (count as usize).div_ceil(64);
        let free = (0..words)
            .map(|w| {
                let bits = (count as usize - w * 64).min(64);
                FreeWord(AtomicU64::new(if bits == 64 {
                    u64::MAX
                } else {
                    (1 << bits) - 1
                }))
            })
            .collect();
        Ok(SlotPool {
            base,
            slot_len,
            count,
            free,
            accessible: (0..count).map(|_| AtomicUsize::new(0)).collect(),
        })
    }

    /// Bytes of each slot.
    pub fn slot_len(&self) -> usize {
        self.slot_len
    }

    /// Claims a free slot, or `None` when all are in use.
    pub fn claim(&self) -> Option<Slot> {
        let words = self.free.len();
        let first = START_WORD.with(|s| *s) % words.max(1);
        for w in (first..words).chain(0..first) {
            let word = &self.free[w].0;
            let mut bits = word.load(Ordering::Relaxed);
            while bits != 0 {
                let bit = bits.trailing_zeros();
                let mask = 1u64 << bit;
                let before = word.fetch_and(!mask, Ordering::Acquire);
                if before & mask != 0 {
                    let index = (w * 64) as u32 + bit;
                    return Some(Slot {
                        index,
                        // SAFETY: the slot lies inside the reservation.
                        base: unsafe { self.base.add(index as usize * self.slot_len) },
                        accessible: self.accessible[index as usize].load(Ordering::Relaxed),
                    });
                }
                bits = before & !mask;
            }
        }
        None
    }

    /// Gives slot `index` back, its first `accessible` bytes read-write,
    /// emptied as `reuse` says.
    ///
    /// # Safety
    /// The caller claimed the slot and gives it up: nothing uses it after.
    pub unsafe fn give_back(&self, index: u32, accessible: usize, reuse: Reuse) {
        // SAFETY: the slot is the caller's.
        let base = unsafe { self.base.add(index as usize * self.slot_len) };
        // SAFETY: as the function's contract.
        let accessible = unsafe { spare::empty(base, accessible, reuse) }.unwrap_or_else(|| {
            // Not emptied: make the slot inaccessible, which the next
            // user's growth maps afresh (zeroed).
            // SAFETY: the slot is the caller's.
            unsafe {
                libc::mmap(
                    base.cast(),
                    self.slot_len,
                    libc::PROT_NONE,
                    FIXED_NONE,
                    -1,
                    0,
                )
            };
            0
        });
        self.accessible[index as usize].store(accessible, Ordering::Relaxed);
        let (w, bit) = (index as usize / 64, index % 64);
        self.free[w].0.fetch_or(1 << bit, Ordering::Release);
    }

    /// Slots in the pool.
    pub fn count(&self) -> u32 {
        self.count
    }
}

thread_local! {
    /// Where this thread starts looking for a free slot: threads spread
    /// over the bitmap's words (a thread's slots come back to its word).
    static START_WORD: usize = {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        NEXT.fetch_add(1, Ordering::Relaxed)
    };
}

const FIXED_NONE: libc::c_int =
    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED;

impl Drop for SlotPool {
    fn drop(&mut self) {
        if self.count > 0 && self.slot_len > 0 {
            // SAFETY: the engine owning the pool is gone, and with it every
            // store that used a slot.
            unsafe { libc::munmap(self.base.cast(), self.count as usize * self.slot_len) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_claimed_once_until_given_back() {
        let pool = SlotPool::new(70, 1 << 16).unwrap();
        let slots: Vec<Slot> = (0..70)
            .map(|_| pool.claim().expect("a free slot"))
            .collect();
        assert!(pool.claim().is_none(), "exhausted");
        let mut indices: Vec<u32> = slots.iter().map(|s| s.index).collect();
        indices.sort_unstable();
        assert_eq!(indices, (0..70).collect::<Vec<_>>());
        // SAFETY: claimed above, unused.
        unsafe { pool.give_back(65, 0, Reuse::Zeroed) };
        let again = pool.claim().expect("given back");
        assert_eq!(again.index, 65);
    }
}
