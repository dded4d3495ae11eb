//! Counts of the pairs of instructions the interpreter dispatches one after
//! the other, with the `pair-stats` feature: the measurement fused pairs
//! (`ir::fused`) are chosen by. `strata-benches`'s `pairs` binary prints
//! them for the benchmark workloads
//! (`cargo run --release -p strata-benches --features pair-stats --bin pairs`).

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::ir::{Opcode, OPCODES};

const N: usize = OPCODES.len();

static COUNTS: [AtomicU64; N * N] = [const { AtomicU64::new(0) }; N * N];

thread_local! {
    static PREVIOUS: Cell<u16> = const { Cell::new(0) };
}

/// Counts a dispatch of `op` after the previous one on this thread.
pub(crate) fn record(op: u16) {
    let prev = PREVIOUS.with(|p| p.replace(op));
    COUNTS[prev as usize * N + op as usize].fetch_add(1, Ordering::Relaxed);
}

/// Every pair dispatched since the last call, with its count, most frequent
/// first; the counts start again from zero.
pub fn take() -> Vec<(Opcode, Opcode, u64)> {
    let mut pairs: Vec<(Opcode, Opcode, u64)> = COUNTS
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let n = c.swap(0, Ordering::Relaxed);
            (n > 0).then(|| (OPCODES[i / N], OPCODES[i % N], n))
        })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.2));
    pairs
}
