use crate::*;
use Location::{Cell, Reg};
use RegClass::{Float, Int};

fn iv(vreg: u32, class: RegClass, start: u32, end: u32) -> Interval {
    Interval {
        vreg,
        class,
        start,
        end,
        width: 1,
        cost: 0,
    }
}

fn wide(vreg: u32, start: u32, end: u32) -> Interval {
    Interval {
        width: 2,
        ..iv(vreg, Float, start, end)
    }
}

fn int_regs(int: u16, int_callee_saved: u16) -> Budgets {
    Budgets {
        int,
        int_callee_saved,
        ..Budgets::default()
    }
}

/// Allocates and checks the result with [`verify`].
fn run(
    num_vregs: u32,
    intervals: &[Interval],
    calls: &[u32],
    budgets: Budgets,
    first_cell: u32,
) -> Allocation {
    let alloc = allocate(num_vregs, intervals, calls, budgets, first_cell);
    if let Err(e) = verify(intervals, calls, budgets, first_cell, &alloc) {
        panic!("{e}\nintervals: {intervals:?}\ncalls: {calls:?}\n{budgets:?}\n{alloc:?}");
    }
    alloc
}

#[test]
fn zero_budgets_put_every_value_in_a_cell_and_reuse_expired_cells() {
    let ivs = [
        iv(0, Int, 0, 3),
        iv(1, Float, 1, 2),
        iv(2, Int, 3, 5),
        iv(3, Float, 4, 6),
        iv(4, Int, 6, 6),
    ];
    let alloc = run(6, &ivs, &[], Budgets::default(), 4);
    assert_eq!(
        alloc.locations,
        [
            Some(Cell(4)),
            Some(Cell(5)),
            Some(Cell(5)),
            Some(Cell(4)),
            Some(Cell(5)),
            None
        ]
    );
    assert_eq!(alloc.cells, 2);
    assert_eq!(alloc.regs_used, [0, 0]);
}

#[test]
fn intervals_sharing_one_position_conflict() {
    let touching = [iv(0, Int, 0, 4), iv(1, Int, 4, 8)];
    let alloc = run(2, &touching, &[], Budgets::default(), 0);
    assert_eq!(alloc.locations, [Some(Cell(0)), Some(Cell(1))]);

    let disjoint = [iv(0, Int, 0, 4), iv(1, Int, 5, 8)];
    let alloc = run(2, &disjoint, &[], Budgets::default(), 0);
    assert_eq!(alloc.locations, [Some(Cell(0)), Some(Cell(0))]);
    assert_eq!(alloc.cells, 1);

    let one_reg = [iv(0, Int, 0, 4), iv(1, Int, 4, 8), iv(2, Int, 5, 9)];
    let alloc = run(3, &one_reg, &[], int_regs(1, 0), 0);
    assert_eq!(
        alloc.locations,
        [Some(Reg(Int, 0)), Some(Cell(0)), Some(Reg(Int, 0))]
    );
}

#[test]
fn width_two_values_never_take_a_register() {
    let budgets = Budgets {
        float: 4,
        ..Budgets::default()
    };
    let ivs = [wide(0, 0, 4), iv(1, Float, 1, 3), wide(2, 2, 6)];
    let alloc = run(3, &ivs, &[], budgets, 0);
    assert_eq!(alloc.location(0), Some(Cell(0)));
    assert_eq!(alloc.location(1), Some(Reg(Float, 0)));
    assert_eq!(alloc.location(2), Some(Cell(2)));
    assert_eq!(alloc.regs_used[Float as usize], 1);
}

#[test]
fn width_two_values_take_vector_registers_where_float_registers_are_wide() {
    let budgets = Budgets {
        int: 2,
        float: 2,
        wide_float: true,
        ..Budgets::default()
    };
    // Two vectors and a scalar float overlap: two registers, one spill
    // (the scalar, which is as cheap and ends last); the integer pair
    // never takes a register however many there are.
    let ivs = [
        wide(0, 0, 4),
        wide(1, 1, 3),
        iv(2, Float, 2, 6),
        Interval {
            class: Int,
            ..wide(3, 0, 6)
        },
    ];
    let alloc = run(4, &ivs, &[], budgets, 0);
    assert_eq!(alloc.location(0), Some(Reg(Float, 0)));
    assert_eq!(alloc.location(1), Some(Reg(Float, 1)));
    assert_eq!(alloc.location(2), Some(Cell(2)));
    assert_eq!(alloc.location(3), Some(Cell(0)));
    assert_eq!(alloc.regs_used[Float as usize], 2);
}

#[test]
fn width_two_values_take_two_consecutive_free_cells() {
    let ivs = [
        iv(0, Int, 0, 6),
        iv(1, Int, 1, 3),
        iv(2, Int, 2, 10),
        iv(3, Int, 3, 6),
        // Only cell 1 is free, so the pair comes from the top of the frame.
        wide(4, 4, 9),
        // A single cell still fills the hole.
        iv(5, Float, 5, 5),
        // Cells 0, 1 and 3 are free: the lowest pair is 0-1.
        wide(6, 7, 8),
    ];
    let alloc = run(7, &ivs, &[], Budgets::default(), 10);
    let cells: Vec<_> = (0..7).map(|v| alloc.location(v)).collect();
    assert_eq!(cells, [10, 11, 12, 13, 14, 11, 10].map(|c| Some(Cell(c))));
    assert_eq!(alloc.cells, 6);
}

#[test]
fn registers_fill_the_budget_then_the_furthest_ending_interval_spills() {
    let ivs = [
        iv(0, Int, 0, 10),
        iv(1, Int, 1, 20),
        // v1 ends after v2, so v1 gives up its register.
        iv(2, Int, 2, 5),
        // v3 ends after every active interval, so v3 itself spills.
        iv(3, Int, 3, 30),
        iv(4, Int, 6, 7),
    ];
    let alloc = run(5, &ivs, &[], int_regs(2, 0), 0);
    assert_eq!(
        alloc.locations,
        [
            Some(Reg(Int, 0)),
            Some(Cell(0)),
            Some(Reg(Int, 1)),
            Some(Cell(1)),
            Some(Reg(Int, 1))
        ]
    );
    assert_eq!(alloc.cells, 2);
    assert_eq!(alloc.regs_used, [2, 0]);
}

#[test]
fn the_interval_with_the_lowest_cost_per_position_spills() {
    let with_cost = |vreg, start, end, cost| Interval {
        cost,
        ..iv(vreg, Int, start, end)
    };
    let ivs = [
        // A value read once, around a loop: long and cheap to spill.
        with_cost(0, 0, 100, 2),
        // A loop's values: short and read often.
        with_cost(1, 10, 30, 64),
        with_cost(2, 12, 28, 64),
        // Long, but dense enough to keep the registers the loop left.
        with_cost(3, 40, 90, 160),
        with_cost(4, 45, 95, 400),
        // Short, but the cheapest per position: v5 spills itself although
        // v4 ends last.
        with_cost(5, 50, 60, 8),
    ];
    let alloc = run(6, &ivs, &[], int_regs(2, 0), 0);
    assert_eq!(
        alloc.locations,
        [
            Some(Cell(0)),
            Some(Reg(Int, 1)),
            Some(Reg(Int, 0)),
            Some(Reg(Int, 0)),
            Some(Reg(Int, 1)),
            Some(Cell(1))
        ]
    );
}

#[test]
fn register_classes_do_not_share_registers() {
    let budgets = Budgets {
        int: 1,
        float: 1,
        ..Budgets::default()
    };
    let ivs = [
        iv(0, Int, 0, 5),
        iv(1, Float, 0, 5),
        iv(2, Int, 1, 8),
        iv(3, Float, 6, 9),
    ];
    let alloc = run(4, &ivs, &[], budgets, 0);
    assert_eq!(
        alloc.locations,
        [
            Some(Reg(Int, 0)),
            Some(Reg(Float, 0)),
            Some(Cell(0)),
            Some(Reg(Float, 0))
        ]
    );
    assert_eq!(alloc.regs_used, [1, 1]);
}

#[test]
fn intervals_live_across_a_call_only_get_callee_saved_registers() {
    // Register 0 is callee-saved, 1 and 2 are caller-saved; a call at 5.
    let ivs = [
        iv(0, Int, 0, 10),
        // Across the call and ending before v0: takes v0's register.
        iv(1, Int, 1, 8),
        // Ending at the call is not across it.
        iv(2, Int, 2, 5),
        iv(3, Int, 3, 4),
        // Nor is starting at it.
        iv(4, Int, 5, 9),
    ];
    let alloc = run(5, &ivs, &[5], int_regs(3, 1), 0);
    assert_eq!(
        alloc.locations,
        [
            Some(Cell(0)),
            Some(Reg(Int, 0)),
            Some(Reg(Int, 1)),
            Some(Reg(Int, 2)),
            Some(Reg(Int, 2))
        ]
    );
    assert_eq!(alloc.regs_used, [3, 0]);
}

#[test]
fn values_not_live_across_calls_prefer_caller_saved_registers() {
    // Register 0 is callee-saved, 1 is caller-saved; calls at 4 and 7.
    let ivs = [
        iv(0, Int, 0, 2),
        // The caller-saved register is taken, so fall back to callee-saved.
        iv(1, Int, 1, 3),
        // Across a call with register 1 free but caller-saved: spill.
        iv(2, Int, 3, 8),
        iv(3, Int, 4, 6),
        iv(4, Int, 5, 9),
    ];
    let alloc = run(5, &ivs, &[4, 7], int_regs(2, 1), 0);
    assert_eq!(
        alloc.locations,
        [
            Some(Reg(Int, 1)),
            Some(Reg(Int, 0)),
            Some(Cell(0)),
            Some(Reg(Int, 1)),
            Some(Reg(Int, 0))
        ]
    );
}

#[test]
fn the_same_intervals_in_any_order_get_the_same_allocation() {
    let ivs: Vec<Interval> = (0..24)
        .map(|v| Interval {
            vreg: v,
            class: if v % 3 == 0 { Float } else { Int },
            start: v * 7 % 11,
            end: v * 7 % 11 + v % 5,
            width: if v % 6 == 0 { 2 } else { 1 },
            cost: 0,
        })
        .collect();
    let budgets = Budgets {
        int: 3,
        float: 2,
        int_callee_saved: 1,
        float_callee_saved: 1,
        wide_float: false,
    };
    let calls = [3, 8];
    let first = run(24, &ivs, &calls, budgets, 2);
    let again = run(24, &ivs, &calls, budgets, 2);
    let reversed: Vec<Interval> = ivs.iter().rev().copied().collect();
    let flipped = run(24, &reversed, &calls, budgets, 2);
    for other in [&again, &flipped] {
        assert_eq!(first.locations, other.locations);
        assert_eq!(first.cells, other.cells);
        assert_eq!(first.regs_used, other.regs_used);
    }
}

#[test]
fn vregs_without_an_interval_have_no_location() {
    let alloc = run(4, &[iv(2, Int, 0, 1)], &[], int_regs(1, 0), 0);
    assert_eq!(alloc.locations, [None, None, Some(Reg(Int, 0)), None]);
    assert_eq!(alloc.location(2), Some(Reg(Int, 0)));
    assert_eq!(alloc.location(9), None);
    assert_eq!(alloc.cells, 0);
}

#[test]
fn verify_rejects_invalid_allocations() {
    let ivs = [iv(0, Int, 0, 5), wide(1, 5, 6)];
    let budgets = int_regs(2, 1);
    let with = |locations: [Location; 2], cells| Allocation {
        locations: locations.map(Some).to_vec(),
        cells,
        regs_used: [1, 0],
    };
    let good = with([Reg(Int, 0), Cell(3)], 2);
    assert_eq!(verify(&ivs, &[3], budgets, 3, &good), Ok(()));

    let shared_reg = [iv(0, Int, 0, 5), iv(1, Int, 5, 6)];
    let bad = with([Reg(Int, 0), Reg(Int, 0)], 0);
    assert!(verify(&shared_reg, &[], budgets, 0, &bad).is_err());
    let overlapping_cells = with([Cell(4), Cell(3)], 2);
    assert!(verify(&ivs, &[], budgets, 3, &overlapping_cells).is_err());
    let caller_saved_across_call = with([Reg(Int, 1), Cell(3)], 2);
    assert!(verify(&ivs, &[3], budgets, 3, &caller_saved_across_call).is_err());
    let over_budget = with([Reg(Int, 2), Cell(3)], 2);
    assert!(verify(&ivs, &[], budgets, 3, &over_budget).is_err());
    let wrong_class = with([Reg(Float, 0), Cell(3)], 2);
    assert!(verify(&ivs, &[], budgets, 3, &wrong_class).is_err());
    let beyond_frame = with([Reg(Int, 0), Cell(3)], 1);
    assert!(verify(&ivs, &[], budgets, 3, &beyond_frame).is_err());
    let below_first_cell = with([Reg(Int, 0), Cell(2)], 2);
    assert!(verify(&ivs, &[], budgets, 3, &below_first_cell).is_err());
}

/// xorshift64: enough randomness for test inputs, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n)) as u32
    }
}

fn random_intervals(rng: &mut Rng, num_vregs: u32, max_width: u32) -> Vec<Interval> {
    let mut ivs = Vec::new();
    for vreg in 0..num_vregs {
        // Leave some vregs without an interval.
        if rng.below(4) == 0 {
            continue;
        }
        let start = rng.below(60);
        ivs.push(Interval {
            vreg,
            class: if rng.below(2) == 0 { Int } else { Float },
            start,
            end: start + rng.below(16),
            width: 1 + rng.below(max_width) as u8,
            cost: rng.below(3) * rng.below(50),
        });
    }
    ivs
}

#[test]
fn random_interval_sets_allocate_validly_and_deterministically() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let num_vregs = rng.below(48);
        let mut ivs = random_intervals(&mut rng, num_vregs, 2);
        let mut calls: Vec<u32> = (0..rng.below(5)).map(|_| rng.below(70)).collect();
        calls.sort_unstable();
        let (int, float) = (rng.below(5) as u16, rng.below(5) as u16);
        let budgets = Budgets {
            int,
            float,
            int_callee_saved: rng.below(u32::from(int) + 2) as u16,
            float_callee_saved: rng.below(u32::from(float) + 2) as u16,
            wide_float: rng.below(2) == 1,
        };
        let first_cell = rng.below(4);
        let alloc = run(num_vregs, &ivs, &calls, budgets, first_cell);

        // Fisher-Yates: the order of the input must not matter.
        for i in (1..ivs.len()).rev() {
            ivs.swap(i, rng.below(i as u32 + 1) as usize);
        }
        let shuffled = run(num_vregs, &ivs, &calls, budgets, first_cell);
        assert_eq!(alloc.locations, shuffled.locations);
        assert_eq!(alloc.cells, shuffled.cells);
        assert_eq!(alloc.regs_used, shuffled.regs_used);
    }
}

#[test]
fn zero_budgets_use_as_many_cells_as_values_are_simultaneously_live() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..3000 {
        let num_vregs = rng.below(48);
        let ivs = random_intervals(&mut rng, num_vregs, 1);
        let alloc = run(num_vregs, &ivs, &[], Budgets::default(), 0);
        let max_live = (0..80)
            .map(|pos| {
                ivs.iter()
                    .filter(|iv| iv.start <= pos && pos <= iv.end)
                    .count()
            })
            .max()
            .unwrap_or(0);
        assert_eq!(alloc.cells as usize, max_live, "{ivs:?}");
    }
}
