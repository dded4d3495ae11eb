//! Register allocation over live intervals, independent of any instruction
//! set or source language.
//!
//! The input is one closed live interval `[start, end]` per virtual register
//! (vreg), the positions of call instructions and a register budget per
//! class. The output places every vreg either in a physical register of its
//! class or in a *home cell*: an 8-byte slot of a stack frame.
//!
//! # Algorithm
//!
//! Allocation runs in two passes over the intervals sorted by start.
//!
//! 1. **Registers** — classic linear scan (Poletto & Sarkar). Before each
//!    interval, every active interval whose `end` lies before the new
//!    `start` expires and returns its register. The interval takes a free
//!    register of its class if one is allowed; otherwise whichever of it and
//!    the eligible active intervals has the lowest *spill density* is
//!    spilled, as a whole, to memory. The density is the interval's `cost`
//!    (what keeping it in memory would cost: its accesses, weighted by how
//!    often they run) per position it covers, so a long interval read once
//!    gives way to a short one read in a hot loop. Equal densities (all
//!    costs zero, for instance) spill the interval that ends last, as in
//!    the classic algorithm. An interval live across a call (`start < call < end`) may only
//!    use a callee-saved register, and only those holders are eligible
//!    victims. Other intervals take caller-saved registers first so the
//!    callee-saved ones stay available for values that need them, and cost
//!    no save in the prologue when they go unused.
//! 2. **Cells** — the spilled intervals are swept again in start order and
//!    each is given the lowest run of `width` consecutive free cells, cells
//!    returning to the pool when their interval expires. Doing this after
//!    the register pass matters: an interval evicted from a register was
//!    live since its own start, so it needs a cell free since then, not just
//!    at the position where it was evicted. For width-1 values this greedy
//!    colouring of an interval graph in start order is optimal: the frame
//!    gets exactly as many cells as values are ever simultaneously spilled.
//!
//! Free registers are kept in ordered sets and free cells in a segment tree
//! answering "lowest run of `w` free cells" in logarithmic time, so allocation costs O(n log n) for `n` intervals. Ties are
//! broken by `(start, end, vreg)`, which makes the result a pure function of
//! the input, independent of the order in which intervals are listed.
//!
//! With budgets of zero registers — as used by the interpreter — every value
//! goes to a cell and the allocator only compacts the frame. A register
//! holds one cell's worth, except that float registers hold a value of
//! width 2 (a 128-bit vector) when [`Budgets::wide_float`] says they are
//! vector registers; otherwise such values always get cells.

mod cells;
#[cfg(test)]
mod tests;
mod verify;

pub use verify::verify;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A register class: values of one class can only live in registers of
/// that class. `class as usize` indexes [`Allocation::regs_used`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RegClass {
    /// General-purpose integer registers.
    Int,
    /// Floating-point / vector registers.
    Float,
}

/// The live range of one virtual register.
///
/// Preconditions: `start <= end`, `vreg < num_vregs` and at most one interval
/// per vreg. `width` is 1 or 2; 0 is treated as 1.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The virtual register this interval belongs to.
    pub vreg: u32,
    /// The class of register the value needs.
    pub class: RegClass,
    /// First instruction position at which the value is live.
    pub start: u32,
    /// Last instruction position at which the value is live (inclusive):
    /// two intervals sharing any position conflict.
    pub end: u32,
    /// Consecutive cells the value needs when it lives in memory: 1, or 2
    /// for a 128-bit vector.
    pub width: u8,
    /// Estimated cost of keeping the value in memory instead of a register,
    /// in any unit shared by all intervals (for example its reads and
    /// writes, each weighted by the loop depth it runs at). Only ratios of
    /// cost to length matter.
    pub cost: u32,
}

impl Interval {
    /// Positions covered, at least 1.
    fn len(&self) -> u64 {
        u64::from(self.end.saturating_sub(self.start)) + 1
    }

    /// Whether `self` is a better interval to spill than `other`: a lower
    /// cost per position, or at equal density the later end.
    fn spills_before(&self, other: &Interval) -> bool {
        let (a, b) = (
            u64::from(self.cost) * other.len(),
            u64::from(other.cost) * self.len(),
        );
        a < b || (a == b && self.end > other.end)
    }
}

/// Where a virtual register lives for its whole interval.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// Physical register `index` of the class, with `index < budget`.
    Reg(RegClass, u16),
    /// Absolute index of the first home cell; a value of width `w` occupies
    /// cells `index..index + w`.
    Cell(u32),
}

/// How many registers of each class the allocator may hand out.
///
/// Registers of a class are numbered `0..budget`; the first `*_callee_saved`
/// of them survive calls. A callee-saved count above the budget is clamped
/// to the budget.
#[derive(Copy, Clone, Debug, Default)]
pub struct Budgets {
    /// Allocatable integer registers.
    pub int: u16,
    /// Allocatable float/vector registers.
    pub float: u16,
    /// How many of the integer registers (the lowest-numbered) are
    /// callee-saved.
    pub int_callee_saved: u16,
    /// How many of the float registers (the lowest-numbered) are
    /// callee-saved.
    pub float_callee_saved: u16,
    /// Whether a float register holds a value of width 2 (the registers
    /// are 128-bit vector registers, as XMM or NEON's are).
    pub wide_float: bool,
}

impl Budgets {
    /// `(registers, callee-saved registers)` of `class`, the latter clamped.
    fn of(&self, class: RegClass) -> (u16, u16) {
        let (total, callee_saved) = match class {
            RegClass::Int => (self.int, self.int_callee_saved),
            RegClass::Float => (self.float, self.float_callee_saved),
        };
        (total, callee_saved.min(total))
    }

    /// Whether a register of `iv`'s class can hold it.
    fn holds(&self, iv: &Interval) -> bool {
        iv.width <= 1 || (iv.class == RegClass::Float && self.wide_float)
    }
}

/// The result of [`allocate`].
#[derive(Clone, Debug)]
pub struct Allocation {
    /// `locations[vreg]` for every `vreg < num_vregs`; `None` for vregs
    /// without an interval.
    pub locations: Vec<Option<Location>>,
    /// Number of cells used, counting from `first_cell`: the frame needs
    /// `first_cell + cells` cells.
    pub cells: u32,
    /// Number of distinct registers of each class holding some value,
    /// indexed by `RegClass as usize`. Within the callee-saved and the
    /// caller-saved groups registers are handed out lowest index first, so
    /// the ones used form a prefix of each group; which callee-saved ones
    /// need saving can be read off `locations`.
    pub regs_used: [u16; 2],
}

impl Allocation {
    /// Location of `vreg`, or `None` if it had no interval or is out of range.
    pub fn location(&self, vreg: u32) -> Option<Location> {
        self.locations.get(vreg as usize).copied().flatten()
    }
}

/// Assigns every interval a register or a run of home cells.
///
/// `calls` holds the positions of call instructions in ascending order (an
/// unsorted slice is sorted first). Cells are numbered from `first_cell`,
/// which together with the cells used must fit in `u32`. See the crate
/// documentation for the algorithm and [`Interval`] for the preconditions.
pub fn allocate(
    num_vregs: u32,
    intervals: &[Interval],
    calls: &[u32],
    budgets: Budgets,
    first_cell: u32,
) -> Allocation {
    let calls = sorted(calls);
    // The rank of an interval is its position in this order; it is the
    // tie-breaker everywhere so that input order never matters.
    // Sorted as packed keys, each comparison one of two words rather than
    // a lookup of both intervals.
    let mut keys: Vec<u128> = intervals
        .iter()
        .enumerate()
        .map(|(i, iv)| {
            u128::from(iv.start) << 96
                | u128::from(iv.end) << 64
                | u128::from(iv.vreg) << 32
                | i as u128
        })
        .collect();
    keys.sort_unstable();
    let order: Vec<usize> = keys.iter().map(|&k| k as u32 as usize).collect();

    // Out-of-range vregs break a precondition; growing the table keeps a
    // release build from panicking on them.
    let slots = intervals
        .iter()
        .map(|iv| iv.vreg as usize + 1)
        .fold(num_vregs as usize, usize::max);
    let mut locations: Vec<Option<Location>> = vec![None; slots];

    #[cfg(debug_assertions)]
    {
        let mut seen = vec![false; slots];
        for iv in intervals {
            let dup = std::mem::replace(&mut seen[iv.vreg as usize], true);
            debug_assert!(!dup, "vreg {} has more than one interval", iv.vreg);
        }
    }

    let mut files = [
        RegFile::new(budgets.of(RegClass::Int)),
        RegFile::new(budgets.of(RegClass::Float)),
    ];
    let mut spilled = vec![false; order.len()];
    // Which registers of each class ever hold a value: an evicted value's
    // register goes on holding its evictor.
    let mut held = [RegClass::Int, RegClass::Float].map(|c| vec![false; budgets.of(c).0.into()]);
    for (rank, &i) in order.iter().enumerate() {
        let iv = &intervals[i];
        debug_assert!(iv.start <= iv.end, "interval {iv:?} ends before it starts");
        debug_assert!(
            iv.vreg < num_vregs,
            "interval {iv:?} names a vreg out of range"
        );
        for file in &mut files {
            file.expire(iv.start);
        }
        // A value wider than the class's registers lives in cells.
        if !budgets.holds(iv) {
            spilled[rank] = true;
            continue;
        }
        let across = crosses_call(&calls, iv);
        let by_rank = |r: usize| &intervals[order[r]];
        match files[iv.class as usize].place(rank, iv, across, by_rank) {
            Placement::Reg(reg) => {
                locations[iv.vreg as usize] = Some(Location::Reg(iv.class, reg));
                held[iv.class as usize][usize::from(reg)] = true;
            }
            Placement::Evict { reg, victim } => {
                locations[intervals[order[victim]].vreg as usize] = None;
                spilled[victim] = true;
                locations[iv.vreg as usize] = Some(Location::Reg(iv.class, reg));
            }
            Placement::Spill => spilled[rank] = true,
        }
    }

    let spilled: Vec<&Interval> = order
        .iter()
        .zip(&spilled)
        .filter(|&(_, &s)| s)
        .map(|(&i, _)| &intervals[i])
        .collect();
    let cells = assign_cells(&spilled, first_cell, &mut locations);
    let regs_used = held.map(|regs| regs.iter().filter(|&&h| h).count() as u16);
    Allocation {
        locations,
        cells,
        regs_used,
    }
}

/// Gives each spilled interval, in start order, the lowest free run of
/// cells; returns the number of cells used.
fn assign_cells(spilled: &[&Interval], first_cell: u32, locations: &mut [Option<Location>]) -> u32 {
    let width = |iv: &Interval| u32::from(iv.width.max(1));
    let mut pool = cells::CellPool::new(spilled.iter().map(|iv| width(iv) as usize).sum());
    // Min-heap of (end, first cell, width) of spilled intervals still live.
    let mut live = BinaryHeap::new();
    for iv in spilled {
        while let Some(&Reverse((end, cell, w))) = live.peek() {
            if end >= iv.start {
                break;
            }
            live.pop();
            pool.release(cell, w);
        }
        let cell = pool.acquire(width(iv));
        live.push(Reverse((iv.end, cell, width(iv))));
        locations[iv.vreg as usize] = Some(Location::Cell(first_cell + cell));
    }
    pool.high_water()
}

/// `calls` in ascending order, copied only when it is not sorted already.
fn sorted(calls: &[u32]) -> Cow<'_, [u32]> {
    if calls.is_sorted() {
        Cow::Borrowed(calls)
    } else {
        let mut owned = calls.to_vec();
        owned.sort_unstable();
        Cow::Owned(owned)
    }
}

/// Whether a call lies strictly inside the interval: a call at either end
/// reads arguments or defines results and does not need the value preserved.
fn crosses_call(sorted_calls: &[u32], iv: &Interval) -> bool {
    let next = sorted_calls.partition_point(|&call| call <= iv.start);
    sorted_calls.get(next).is_some_and(|&call| call < iv.end)
}

/// Outcome of asking a [`RegFile`] for a register.
enum Placement {
    /// A free register.
    Reg(u16),
    /// The register of the interval of rank `victim`, which must be spilled.
    Evict { reg: u16, victim: usize },
    /// No register: the interval itself is spilled.
    Spill,
}

/// A set of registers, as a bitmap: the few a class has make a word or two.
#[derive(Clone, Debug, Default)]
struct RegSet {
    words: Vec<u64>,
}

impl RegSet {
    fn of(regs: std::ops::Range<u16>) -> RegSet {
        let mut set = RegSet {
            words: vec![0; (regs.end as usize).div_ceil(64)],
        };
        for r in regs {
            set.insert(r);
        }
        set
    }

    fn insert(&mut self, reg: u16) {
        self.words[reg as usize / 64] |= 1 << (reg % 64);
    }

    /// Takes the lowest-numbered register.
    fn pop_first(&mut self) -> Option<u16> {
        let (w, word) = self.words.iter_mut().enumerate().find(|(_, w)| **w != 0)?;
        let bit = word.trailing_zeros();
        *word &= *word - 1;
        Some((w * 64) as u16 + bit as u16)
    }
}

/// Holders of registers as (end, rank, register), in ascending order: a
/// sorted vector, as they are one per register.
#[derive(Clone, Debug, Default)]
struct Holders {
    sorted: Vec<(u32, usize, u16)>,
}

impl Holders {
    fn insert(&mut self, held: (u32, usize, u16)) {
        let at = self.sorted.partition_point(|&h| h < held);
        self.sorted.insert(at, held);
    }

    fn remove(&mut self, held: &(u32, usize, u16)) {
        if let Ok(at) = self.sorted.binary_search(held) {
            self.sorted.remove(at);
        }
    }

    fn iter(&self) -> std::slice::Iter<'_, (u32, usize, u16)> {
        self.sorted.iter()
    }

    /// Removes the holders whose intervals end before `pos`, giving their
    /// registers to `free`.
    fn expire(&mut self, pos: u32, free: &mut RegSet) {
        let ended = self.sorted.partition_point(|&(end, _, _)| end < pos);
        for &(_, _, reg) in &self.sorted[..ended] {
            free.insert(reg);
        }
        self.sorted.drain(..ended);
    }
}

/// Register state of one class during the scan.
struct RegFile {
    callee_saved: u16,
    free_callee: RegSet,
    free_caller: RegSet,
    // Holders, kept apart by group because an interval live across a call
    // may only evict a callee-saved holder.
    active_callee: Holders,
    active_caller: Holders,
}

impl RegFile {
    fn new((total, callee_saved): (u16, u16)) -> Self {
        RegFile {
            callee_saved,
            free_callee: RegSet::of(0..callee_saved),
            free_caller: RegSet::of(callee_saved..total),
            active_callee: Holders::default(),
            active_caller: Holders::default(),
        }
    }

    fn is_callee_saved(&self, reg: u16) -> bool {
        reg < self.callee_saved
    }

    /// Frees the registers of intervals ending before `pos`.
    fn expire(&mut self, pos: u32) {
        self.active_callee.expire(pos, &mut self.free_callee);
        self.active_caller.expire(pos, &mut self.free_caller);
    }

    fn hold(&mut self, end: u32, rank: usize, reg: u16) {
        if self.is_callee_saved(reg) {
            self.active_callee.insert((end, rank, reg));
        } else {
            self.active_caller.insert((end, rank, reg));
        }
    }

    /// Finds `iv` (of rank `rank`) a register: a free one, or one taken from
    /// the eligible holder that [`Interval::spills_before`] every other
    /// candidate, `iv` included. `by_rank` looks up a holder's interval.
    fn place<'a>(
        &mut self,
        rank: usize,
        iv: &Interval,
        across_call: bool,
        by_rank: impl Fn(usize) -> &'a Interval,
    ) -> Placement {
        let end = iv.end;
        let free = if across_call {
            self.free_callee.pop_first()
        } else {
            self.free_caller
                .pop_first()
                .or_else(|| self.free_callee.pop_first())
        };
        if let Some(reg) = free {
            self.hold(end, rank, reg);
            return Placement::Reg(reg);
        }
        // Holders are few (one per register), so a scan is cheap.
        let callers = if across_call {
            None
        } else {
            Some(self.active_caller.iter())
        };
        let mut victim: Option<(u32, usize, u16)> = None;
        let mut weakest = iv;
        for &held in self
            .active_callee
            .iter()
            .chain(callers.into_iter().flatten())
        {
            let candidate = by_rank(held.1);
            if candidate.spills_before(weakest) {
                weakest = candidate;
                victim = Some(held);
            }
        }
        match victim {
            Some(held @ (_, victim, reg)) => {
                if self.is_callee_saved(reg) {
                    self.active_callee.remove(&held);
                } else {
                    self.active_caller.remove(&held);
                }
                self.hold(end, rank, reg);
                Placement::Evict { reg, victim }
            }
            _ => Placement::Spill,
        }
    }
}
