//! Jump threading over allocated code: branches that land on a branch or
//! a return take its effect at once, and a loop whose test is at its top
//! is entered by its test only once.
//!
//! Instructions are rewritten in place and never moved, so offsets, call
//! sites and the far-branch table stay valid. Every rewrite replaces a
//! word by one that does what the original did followed by what it
//! reached, reading the same cells, so both tiers run the result.

use super::{Op, Reg, Slot};

/// Threads the branches of `code` (whose far offsets are in `far`):
/// - a forward `br` or conditional branch to a `br` goes to its target;
/// - a forward `br` to a `return` of at most one value returns there;
/// - a `copy` followed by a one-value `return` of its destination returns
///   its source;
/// - a `br` back to a loop's first instruction, a conditional branch out
///   of the loop to just after the `br`, becomes the negated test
///   branching to the loop's second instruction. Each iteration then runs
///   one branch, not two; the loop's other back-edges and its entry still
///   run the test. The rotated back-edge lands one word after the loop's
///   usual target: [`back_edge_header`] finds its loop.
pub fn thread_jumps(code: &mut [Op<Reg>], far: &[(u32, i32)]) {
    // Rotation first: threading could move a loop's exit away from the
    // word after its `br`.
    for i in 0..code.len() {
        let Op::Br { offset } = code[i] else { continue };
        if offset >= 0 {
            continue;
        }
        let t = (i as i64 + offset as i64) as usize;
        if t < 1 || !matches!(code[t - 1], Op::LoopHeader { .. }) {
            continue;
        }
        let test = code[t];
        let exits_after = test
            .branch_offset(t, far)
            .is_some_and(|o| t as i64 + o as i64 == i as i64 + 1);
        if exits_after {
            if let Some(mut rotated) = test.negated() {
                if rotated.set_branch_offset(offset + 1) {
                    code[i] = rotated;
                }
            }
        }
    }
    // The `br` words after a `br_table` are its targets, not instructions:
    // they may be retargeted but must stay `br`s.
    let mut table_end = 0;
    for i in 0..code.len() {
        if let Op::BrTable { len, .. } = code[i] {
            table_end = i + 2 + len as usize;
        }
        let Some(off) = code[i].branch_offset(i, far) else {
            continue;
        };
        if off <= 0 || !code[i].is_plain_branch() {
            continue;
        }
        let t = i + off as usize;
        // A chain of forward `br`s ends: each step moves forward.
        let mut end = t;
        while let Op::Br { offset } = code[end] {
            if offset <= 0 {
                break;
            }
            end += offset as usize;
        }
        if end != t {
            let mut threaded = code[i];
            if threaded.set_branch_offset((end - i) as i32) {
                code[i] = threaded;
            }
        }
        if let (Op::Br { .. }, false) = (code[i], i < table_end) {
            if let target @ (Op::Return0 {} | Op::Return1 { .. }) = code[end] {
                code[i] = target;
            }
        }
    }
    for i in 0..code.len().saturating_sub(1) {
        if let (Op::Copy { dst, src }, Op::Return1 { src: r }) = (code[i], code[i + 1]) {
            if r == dst {
                code[i] = Op::Return1 { src };
            }
        }
    }
}

/// The loop header of a back-edge landing at `target`: the word before
/// it, or, for a back-edge rotated by [`thread_jumps`], the word before
/// the loop's test. `None` when `target` follows no loop header.
pub fn back_edge_header(code: &[Slot], target: usize) -> Option<usize> {
    let before = target.checked_sub(1)?;
    if let Op::LoopHeader { .. } = code.get(before)?.op {
        return Some(before);
    }
    let header = before.checked_sub(1)?;
    match code[header].op {
        Op::LoopHeader { .. } if code[before].op.plain().negated().is_some() => Some(header),
        _ => None,
    }
}

impl<R: Copy> Op<R> {
    /// Whether `self` is a branch in its plain form (`br`, `br_if`, or a
    /// compare-and-branch), not a fused or accumulator one.
    fn is_plain_branch(&self) -> bool {
        matches!(
            self,
            Op::Br { .. } | Op::BrIfNez { .. } | Op::BrIfEqz { .. }
        ) || self.branch16().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_top_tested_loop_is_rotated() {
        // loop { br_if.eqz c -> exit; body; br loop } exit: return
        let mut code = vec![
            Op::LoopHeader { loop_id: 0 },
            Op::BrIfEqz { cond: 1, offset: 4 },
            Op::Copy { dst: 2, src: 3 },
            Op::Copy { dst: 3, src: 2 },
            Op::Br { offset: -3 },
            Op::Return1 { src: 2 },
        ];
        thread_jumps(&mut code, &[]);
        assert_eq!(
            code[4],
            Op::BrIfNez {
                cond: 1,
                offset: -2
            }
        );
        let slots: Vec<Slot> = code.iter().copied().map(Slot::new).collect();
        assert_eq!(back_edge_header(&slots, 2), Some(0));
        assert_eq!(back_edge_header(&slots, 1), Some(0));
        assert_eq!(back_edge_header(&slots, 3), None);
    }

    #[test]
    fn a_loop_whose_test_exits_elsewhere_is_not_rotated() {
        let mut code = vec![
            Op::LoopHeader { loop_id: 0 },
            Op::BrIfI32LtU {
                a: 1,
                b: 2,
                offset: 5,
            },
            Op::Copy { dst: 2, src: 3 },
            Op::Br { offset: -2 },
            Op::Copy { dst: 3, src: 2 },
            Op::Unreachable {},
            Op::Return0 {},
        ];
        let before = code.clone();
        thread_jumps(&mut code, &[]);
        assert_eq!(code, before);
    }

    #[test]
    fn branches_to_branches_and_returns_are_threaded() {
        let mut code = vec![
            Op::BrIfEqz { cond: 0, offset: 3 },
            Op::Copy { dst: 1, src: 0 },
            Op::Br { offset: 3 },
            Op::Br { offset: 1 },
            Op::Copy { dst: 1, src: 2 },
            Op::Return1 { src: 1 },
        ];
        thread_jumps(&mut code, &[]);
        // The conditional branch skips the `br` it reached.
        assert_eq!(code[0], Op::BrIfEqz { cond: 0, offset: 4 });
        // `copy; br -> return` returns the copy's source at once.
        assert_eq!(code[1], Op::Return1 { src: 0 });
        assert_eq!(code[2], Op::Return1 { src: 1 });
        assert_eq!(code[4], Op::Return1 { src: 2 });
        assert_eq!(code[5], Op::Return1 { src: 1 });
    }

    #[test]
    fn a_br_table_keeps_its_br_words() {
        let mut code = vec![
            Op::BrTable { index: 0, len: 1 },
            Op::Br { offset: 2 },
            Op::Br { offset: 2 },
            Op::Br { offset: 2 },
            Op::Return0 {},
            Op::Return0 {},
        ];
        thread_jumps(&mut code, &[]);
        // Retargeted past a `br` they reach, but still `br` words.
        assert_eq!(code[1], Op::Br { offset: 4 });
        assert_eq!(code[2], Op::Br { offset: 2 });
        assert_eq!(code[3], Op::Return0 {});
    }
}
