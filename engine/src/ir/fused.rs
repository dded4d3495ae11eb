//! Fused pairs: superinstructions for pairs of instructions that often run
//! one after the other.
//!
//! A pair `A; B` becomes `A'; B`: the first word takes a fused opcode with
//! A's operands, in A's layout, and B stays in place. The interpreter runs
//! A's effect and goes to B's handler directly instead of dispatching
//! through the table; anything that branches to B still finds B. The JIT
//! lowers `A'` as `A` ([`Op::unfused`]), so fusion never changes compiled
//! code. Only non-branching, non-trapping first instructions are fused.
//!
//! The pairs were chosen by counting which pairs of instructions run one
//! after the other most often over the workloads of `benches/` (kernels and
//! C programs weighted alike), not by guessing: `cargo run --release -p
//! strata-benches --features pair-stats --bin pairs` prints those counts.

use super::{Op, Reg};

macro_rules! fused_pairs {
    ($($fused:ident = $first:ident { $($f:ident),* } then $second:ident;)*) => {
        impl<R: Copy> Op<R> {
            /// The instruction a fused pair's first word stands for; any
            /// other instruction is itself.
            pub fn unfused(self) -> Op<R> {
                match self {
                    $(Op::$fused { $($f),* } => Op::$first { $($f),* },)*
                    op => op,
                }
            }

            /// The fused first word of `self` followed by `next`, when the
            /// pair has one.
            pub fn fuse_with(self, next: &Op<R>) -> Option<Op<R>> {
                match (self, next) {
                    $((Op::$first { $($f),* }, Op::$second { .. }) => Some(Op::$fused { $($f),* }),)*
                    _ => None,
                }
            }
        }
    };
}

fused_pairs! {
    I32AddThenBrIfI32LtU = I32Add { dst, a, b } then BrIfI32LtU;
    I64AddThenI32Add = I64Add { dst, a, b } then I32Add;
    CopyThenCopy = Copy { dst, src } then Copy;
    I32AddThenI32Shl = I32Add { dst, a, b } then I32Shl;
    I32AddThenI32Add = I32Add { dst, a, b } then I32Add;
    I32AddThenBr = I32Add { dst, a, b } then Br;
    I32ShrUThenI32Xor = I32ShrU { dst, a, b } then I32Xor;
    F64MulThenF64Add = F64Mul { dst, a, b } then F64Add;
    I64ExtendI32UThenI64Add = I64ExtendI32U { dst, src } then I64Add;
    I64AddThenCopy = I64Add { dst, a, b } then Copy;
    I32XorThenI32And = I32Xor { dst, a, b } then I32And;
    I32ShlThenI32LoadSum = I32Shl { dst, a, b } then I32LoadSum;
    I32ShlThenI32Xor = I32Shl { dst, a, b } then I32Xor;
    I32MulThenI32Add = I32Mul { dst, a, b } then I32Add;
    I32AddThenCopy = I32Add { dst, a, b } then Copy;
    CopyThenI32Sub = Copy { dst, src } then I32Sub;
    I32SubThenBr = I32Sub { dst, a, b } then Br;
    F64MulThenF64Mul = F64Mul { dst, a, b } then F64Mul;
    CopyThenI32Add = Copy { dst, src } then I32Add;
    CopyThenBr = Copy { dst, src } then Br;
    I32AddThenI32Load = I32Add { dst, a, b } then I32Load;
    F64AddThenCopy = F64Add { dst, a, b } then Copy;
    I32XorThenI32Shl = I32Xor { dst, a, b } then I32Shl;
    I32XorThenI32ShrU = I32Xor { dst, a, b } then I32ShrU;
    I32ShlThenI32Add = I32Shl { dst, a, b } then I32Add;
}

/// Fuses the pairs of `code`, left to right. The second word of a fused
/// pair is never itself rewritten: the first's handler relies on finding
/// it as it was.
pub fn fuse_pairs(code: &mut [Op<Reg>]) {
    let mut i = 0;
    while i + 1 < code.len() {
        match code[i].fuse_with(&code[i + 1]) {
            Some(op) => {
                code[i] = op;
                i += 2;
            }
            None => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            for second in &seconds {
                if let Some(f) = first.fuse_with(second) {
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
    fn the_second_word_of_a_pair_is_never_fused_itself() {
        let copy = Op::Copy { dst: 1, src: 2 };
        let mut code = [copy; 5];
        fuse_pairs(&mut code);
        let fused: Vec<bool> = code.iter().map(|op| op.unfused() != *op).collect();
        assert_eq!(fused, [true, false, true, false, false]);
        assert!(code.iter().all(|op| op.unfused() == copy));
    }
}
