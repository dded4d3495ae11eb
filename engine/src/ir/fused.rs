//! Fused pairs: superinstructions for pairs of instructions that often run
//! one after the other.
//!
//! A pair `A; B` becomes `A'; B`: the first word takes a fused opcode with
//! A's operands, in A's layout, and B stays in place. The interpreter runs
//! A's effect and goes to B's handler directly instead of dispatching;
//! anything that branches to B still finds B. When B reads what A writes
//! (a chain, the common case), the pair takes its forwarding form `A > B`
//! (`AIntoB`): the interpreter hands A's result to B in a machine register
//! instead of having B load it back from the cell A just stored it to,
//! which would put a store-to-load forwarding delay on the chain. The JIT
//! lowers `A'` as `A` ([`Op::unfused`]), so fusion never changes compiled
//! code. Only non-branching, non-trapping first instructions are fused.
//!
//! The pairs were chosen by counting which pairs of instructions run one
//! after the other most often over the workloads of `benches/` (kernels and
//! C programs weighted alike), not by guessing: `cargo run --release -p
//! strata-benches --features pair-stats --bin pairs` prints those counts.

use super::{Op, Reg};

macro_rules! fused_pairs {
    ($($fused:ident = $first:ident $fields:tt then $second:ident
        $(=> $into:ident [$d:ident => $sf:ident $(| $so:ident)?])?;)*) => {
        impl<R: Copy + PartialEq> Op<R> {
            /// The instruction a fused pair's first word stands for; any
            /// other instruction is itself.
            pub fn unfused(self) -> Op<R> {
                match self {
                    $(
                        Op::$fused $fields => Op::$first $fields,
                        $(Op::$into $fields => Op::$first $fields,)?
                    )*
                    op => op,
                }
            }

            /// Whether `self` is the first word of a forwarding pair.
            pub fn forwards(&self) -> bool {
                match self {
                    $($(Op::$into { .. } => true,)?)*
                    _ => false,
                }
            }

            /// The fused first word of `self` followed by `next`, when the
            /// pair has one: the forwarding form (`Into`) when `next` reads
            /// what `self` writes as its forwarded operand. A commutative
            /// `next` that reads it as its other operand has the two
            /// swapped to make it so.
            pub fn fuse_with(self, next: &mut Op<R>) -> Option<Op<R>> {
                match self {
                    $(Op::$first $fields if matches!(next, Op::$second { .. }) => {
                        // Built before the second's fields are bound, which
                        // may shadow the first's.
                        let plain = Op::$fused $fields;
                        $(
                            let written = $d;
                            let forwarding = Op::$into $fields;
                            if let Op::$second { $sf, $($so,)? .. } = next {
                                if *$sf == written {
                                    return Some(forwarding);
                                }
                                $(
                                    if *$so == written {
                                        core::mem::swap($sf, $so);
                                        return Some(forwarding);
                                    }
                                )?
                            }
                        )?
                        Some(plain)
                    })*
                    _ => None,
                }
            }
        }
    };
}

// `[dst => a | b]`: the second reads the first's result as `a`, or as `b`
// and commutes. Float `add` and `mul` commute up to which NaN's payload a
// NaN result carries, which the specification leaves open; both tiers read
// the swapped word, so they still agree with each other.
fused_pairs! {
    I32AddThenBrIfI32LtU = I32Add { dst, a, b } then BrIfI32LtU => I32AddIntoBrIfI32LtU [dst => a];
    I64AddThenI32Add = I64Add { dst, a, b } then I32Add => I64AddIntoI32Add [dst => a | b];
    CopyThenCopy = Copy { dst, src } then Copy => CopyIntoCopy [dst => src];
    I32AddThenI32Shl = I32Add { dst, a, b } then I32Shl => I32AddIntoI32Shl [dst => a];
    I32AddThenI32Add = I32Add { dst, a, b } then I32Add => I32AddIntoI32Add [dst => a | b];
    I32AddThenBr = I32Add { dst, a, b } then Br;
    I32ShrUThenI32Xor = I32ShrU { dst, a, b } then I32Xor => I32ShrUIntoI32Xor [dst => a | b];
    F64MulThenF64Add = F64Mul { dst, a, b } then F64Add => F64MulIntoF64Add [dst => a | b];
    I64ExtendI32UThenI64Add = I64ExtendI32U { dst, src } then I64Add => I64ExtendI32UIntoI64Add [dst => a | b];
    I64AddThenCopy = I64Add { dst, a, b } then Copy => I64AddIntoCopy [dst => src];
    I32XorThenI32And = I32Xor { dst, a, b } then I32And => I32XorIntoI32And [dst => a | b];
    I32ShlThenI32LoadSum = I32Shl { dst, a, b } then I32LoadSum => I32ShlIntoI32LoadSum [dst => a | b];
    I32ShlThenI32Xor = I32Shl { dst, a, b } then I32Xor => I32ShlIntoI32Xor [dst => a | b];
    I32MulThenI32Add = I32Mul { dst, a, b } then I32Add => I32MulIntoI32Add [dst => a | b];
    I32AddThenCopy = I32Add { dst, a, b } then Copy => I32AddIntoCopy [dst => src];
    CopyThenI32Sub = Copy { dst, src } then I32Sub => CopyIntoI32Sub [dst => a];
    I32SubThenBr = I32Sub { dst, a, b } then Br;
    F64MulThenF64Mul = F64Mul { dst, a, b } then F64Mul => F64MulIntoF64Mul [dst => a | b];
    CopyThenI32Add = Copy { dst, src } then I32Add => CopyIntoI32Add [dst => a | b];
    CopyThenBr = Copy { dst, src } then Br;
    I32AddThenI32Load = I32Add { dst, a, b } then I32Load => I32AddIntoI32Load [dst => ptr];
    F64AddThenCopy = F64Add { dst, a, b } then Copy => F64AddIntoCopy [dst => src];
    I32XorThenI32Shl = I32Xor { dst, a, b } then I32Shl => I32XorIntoI32Shl [dst => a];
    I32XorThenI32ShrU = I32Xor { dst, a, b } then I32ShrU => I32XorIntoI32ShrU [dst => a];
    I32ShlThenI32Add = I32Shl { dst, a, b } then I32Add => I32ShlIntoI32Add [dst => a | b];
}

/// Fuses the pairs of `code`. Pairs may overlap (`A B C` with both `A B`
/// and `B C` fusable), so the choice is made for the whole code at once:
/// the most forwarding pairs, then the most pairs, by dynamic programming
/// over the instructions. The second word of a fused pair is never itself
/// rewritten as a first: the first's handler relies on finding it as it was.
pub fn fuse_pairs(code: &mut [Op<Reg>]) {
    let n = code.len();
    // What fusing `code[i]` with `code[i + 1]` is worth: a forwarding pair
    // saves a dispatch and a store-to-load delay, a plain one a dispatch.
    let gain: Vec<u32> = (0..n.saturating_sub(1))
        .map(|i| {
            if !super::traits::has(&code[i], super::traits::STARTS_PAIR) {
                return 0;
            }
            let mut next = code[i + 1];
            match code[i].fuse_with(&mut next) {
                Some(op) if op.forwards() => 3,
                Some(_) => 2,
                None => 0,
            }
        })
        .collect();
    // best[i]: the most gain from pairs within `code[i..]`.
    let mut best = vec![0u32; n + 2];
    for i in (0..n).rev() {
        best[i] = best[i + 1];
        if let Some(&g) = gain.get(i) {
            if g > 0 {
                best[i] = best[i].max(g + best[i + 2]);
            }
        }
    }
    let mut i = 0;
    while i + 1 < n {
        if gain[i] > 0 && gain[i] + best[i + 2] == best[i] {
            let (head, tail) = code.split_at_mut(i + 1);
            if let Some(op) = head[i].fuse_with(&mut tail[0]) {
                code[i] = op;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Opcode;

    fn bytes(op: &Op<Reg>) -> [u8; 8] {
        // SAFETY: `Op<Reg>` is 8 bytes of plain data.
        unsafe { core::mem::transmute_copy(op) }
    }

    #[test]
    fn a_fused_word_keeps_the_operands_of_its_first_instruction_in_place() {
        let firsts = [
            Op::I32Add { dst: 1, a: 2, b: 3 },
            Op::I64Add { dst: 4, a: 5, b: 6 },
            Op::Copy { dst: 7, src: 8 },
            Op::I64ExtendI32U { dst: 9, src: 10 },
            Op::I32Xor {
                dst: 11,
                a: 12,
                b: 13,
            },
            Op::I32Shl {
                dst: 14,
                a: 15,
                b: 16,
            },
            Op::F64Mul {
                dst: 17,
                a: 18,
                b: 19,
            },
        ];
        let seconds = [
            Op::BrIfI32LtU {
                a: 1,
                b: 2,
                offset: -3,
            },
            Op::I32Add { dst: 1, a: 2, b: 3 },
            Op::Copy { dst: 1, src: 2 },
            Op::Br { offset: 5 },
            Op::I64Add { dst: 1, a: 2, b: 3 },
            Op::I32LoadSum { dst: 1, a: 2, b: 3 },
            Op::F64Add { dst: 1, a: 2, b: 3 },
        ];
        let mut fused = 0;
        for first in firsts {
            for mut second in seconds {
                if let Some(f) = first.fuse_with(&mut second) {
                    fused += 1;
                    assert_ne!(f.opcode(), first.opcode());
                    assert_eq!(f.unfused(), first);
                    // The handler reads the operands at the first's offsets.
                    assert_eq!(bytes(&f)[2..], bytes(&first)[2..]);
                }
            }
        }
        assert!(fused >= 7, "only {fused} pairs fused");
    }

    #[test]
    fn a_second_that_reads_what_the_first_wrote_gets_the_forwarding_form() {
        let shl = Op::I32Shl { dst: 1, a: 2, b: 3 };
        // Read as the forwarded operand.
        let mut sum = Op::I32LoadSum { dst: 4, a: 1, b: 5 };
        let f = shl.fuse_with(&mut sum).unwrap();
        assert_eq!(f.opcode(), Opcode::I32ShlIntoI32LoadSum);
        assert_eq!(f.unfused(), shl);
        assert_eq!(sum, Op::I32LoadSum { dst: 4, a: 1, b: 5 });
        // Read as the other operand of a commutative second: swapped.
        let mut sum = Op::I32LoadSum { dst: 4, a: 5, b: 1 };
        let f = shl.fuse_with(&mut sum).unwrap();
        assert_eq!(f.opcode(), Opcode::I32ShlIntoI32LoadSum);
        assert_eq!(sum, Op::I32LoadSum { dst: 4, a: 1, b: 5 });
        // Not read: the plain pair.
        let mut sum = Op::I32LoadSum { dst: 4, a: 5, b: 6 };
        let f = shl.fuse_with(&mut sum).unwrap();
        assert_eq!(f.opcode(), Opcode::I32ShlThenI32LoadSum);
        // Read as the shift count of a second shift, which does not commute:
        // the plain pair, operands untouched.
        let xor = Op::I32Xor { dst: 1, a: 2, b: 3 };
        let mut shift = Op::I32Shl { dst: 4, a: 5, b: 1 };
        let f = xor.fuse_with(&mut shift).unwrap();
        assert_eq!(f.opcode(), Opcode::I32XorThenI32Shl);
        assert_eq!(shift, Op::I32Shl { dst: 4, a: 5, b: 1 });
    }

    #[test]
    fn overlapping_pairs_prefer_the_forwarding_one() {
        let first = Op::I32Add { dst: 1, a: 2, b: 3 };
        let second = Op::I32Add { dst: 4, a: 5, b: 6 };
        let load = Op::I32Load {
            dst: 7,
            ptr: 4,
            offset: 0,
        };
        // Left to right would fuse the first two, a plain pair.
        let mut code = [first, second, load];
        fuse_pairs(&mut code);
        assert_eq!(code[0], first);
        assert_eq!(code[1].opcode(), Opcode::I32AddIntoI32Load);
        assert_eq!(code[2], load);
    }

    #[test]
    fn the_second_word_of_a_pair_is_never_fused_itself() {
        let copy = Op::Copy { dst: 1, src: 2 };
        let mut code = [copy; 5];
        fuse_pairs(&mut code);
        let fused: Vec<bool> = code.iter().map(|op| op.unfused() != *op).collect();
        assert_eq!(fused, [true, false, true, false, false]);
        assert!(code.iter().all(|op| op.unfused() == copy));
    }
}
