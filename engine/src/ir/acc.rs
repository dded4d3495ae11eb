//! Accumulator forms: an instruction that reads the result of the
//! instruction just before it takes that value from a machine register.
//!
//! Every interpreter handler of a value-producing instruction (the
//! `produces` ones below) hands its result to the next handler in a
//! register, besides writing it to its cell. When the next instruction
//! reads that cell as its accumulator operand, and nothing else can run
//! between the two (it is not a branch target, nor the second word of a
//! fused pair, whose first word calls its plain handler directly), it takes
//! its accumulator form, which uses the register: the value does not make a
//! round trip through memory, whose store-to-load forwarding would put
//! several cycles on the chain. For a commutative instruction that reads
//! the result as its other operand, the two are swapped first.
//!
//! The JIT lowers an accumulator form as its plain instruction
//! ([`Op::plain`]), so these forms never change compiled code.

use super::{Op, Reg};

macro_rules! acc_forms {
    ($($name:ident $fields:tt => $acc:ident [$first:ident $(| $other:ident)?] $($produces:ident)?;)*) => {
        impl<R: Copy + PartialEq> Op<R> {
            /// The plain instruction of an accumulator form; any other
            /// instruction is itself.
            pub fn unacc(self) -> Op<R> {
                match self {
                    $(Op::$acc $fields => Op::$name $fields,)*
                    op => op,
                }
            }

            /// Whether `self` is a producing instruction with an
            /// accumulator form, or that form.
            fn has_producing_form(&self) -> bool {
                match self {
                    $($(Op::$name { .. } | Op::$acc { .. } => { let _ = stringify!($produces); true })?)*
                    _ => false,
                }
            }

            /// The accumulator form of `self` when it reads `written` (the
            /// result of the instruction before it) as its accumulator
            /// operand, swapping the operands of a commutative instruction
            /// that reads it as the other one.
            pub fn with_acc(self, written: R) -> Option<Op<R>> {
                match self {
                    $(Op::$name $fields => {
                        if $first == written {
                            return Some(Op::$acc $fields);
                        }
                        $(
                            if $other == written {
                                let ($first, $other) = ($other, $first);
                                return Some(Op::$acc $fields);
                            }
                        )?
                        None
                    })*
                    _ => None,
                }
            }
        }
    };
}

acc_forms! {
    I32ReinterpretF32 { dst, src } => I32ReinterpretF32Acc [src] produces;
    I32Eqz { dst, src } => I32EqzAcc [src] produces;
    I64Eqz { dst, src } => I64EqzAcc [src] produces;
    I32Clz { dst, src } => I32ClzAcc [src] produces;
    I32Ctz { dst, src } => I32CtzAcc [src] produces;
    I32Popcnt { dst, src } => I32PopcntAcc [src] produces;
    I64Clz { dst, src } => I64ClzAcc [src] produces;
    I64Ctz { dst, src } => I64CtzAcc [src] produces;
    I64Popcnt { dst, src } => I64PopcntAcc [src] produces;
    F32Abs { dst, src } => F32AbsAcc [src] produces;
    F32Neg { dst, src } => F32NegAcc [src] produces;
    F32Ceil { dst, src } => F32CeilAcc [src] produces;
    F32Floor { dst, src } => F32FloorAcc [src] produces;
    F32Trunc { dst, src } => F32TruncAcc [src] produces;
    F32Nearest { dst, src } => F32NearestAcc [src] produces;
    F32Sqrt { dst, src } => F32SqrtAcc [src] produces;
    F64Abs { dst, src } => F64AbsAcc [src] produces;
    F64Neg { dst, src } => F64NegAcc [src] produces;
    F64Ceil { dst, src } => F64CeilAcc [src] produces;
    F64Floor { dst, src } => F64FloorAcc [src] produces;
    F64Trunc { dst, src } => F64TruncAcc [src] produces;
    F64Nearest { dst, src } => F64NearestAcc [src] produces;
    F64Sqrt { dst, src } => F64SqrtAcc [src] produces;
    I32WrapI64 { dst, src } => I32WrapI64Acc [src] produces;
    I64ExtendI32S { dst, src } => I64ExtendI32SAcc [src] produces;
    I64ExtendI32U { dst, src } => I64ExtendI32UAcc [src] produces;
    F32ConvertI32S { dst, src } => F32ConvertI32SAcc [src] produces;
    F32ConvertI32U { dst, src } => F32ConvertI32UAcc [src] produces;
    F32ConvertI64S { dst, src } => F32ConvertI64SAcc [src] produces;
    F32ConvertI64U { dst, src } => F32ConvertI64UAcc [src] produces;
    F32DemoteF64 { dst, src } => F32DemoteF64Acc [src] produces;
    F64ConvertI32S { dst, src } => F64ConvertI32SAcc [src] produces;
    F64ConvertI32U { dst, src } => F64ConvertI32UAcc [src] produces;
    F64ConvertI64S { dst, src } => F64ConvertI64SAcc [src] produces;
    F64ConvertI64U { dst, src } => F64ConvertI64UAcc [src] produces;
    F64PromoteF32 { dst, src } => F64PromoteF32Acc [src] produces;
    I32Extend8S { dst, src } => I32Extend8SAcc [src] produces;
    I32Extend16S { dst, src } => I32Extend16SAcc [src] produces;
    I64Extend8S { dst, src } => I64Extend8SAcc [src] produces;
    I64Extend16S { dst, src } => I64Extend16SAcc [src] produces;
    I64Extend32S { dst, src } => I64Extend32SAcc [src] produces;
    I32TruncSatF32S { dst, src } => I32TruncSatF32SAcc [src] produces;
    I32TruncSatF32U { dst, src } => I32TruncSatF32UAcc [src] produces;
    I32TruncSatF64S { dst, src } => I32TruncSatF64SAcc [src] produces;
    I32TruncSatF64U { dst, src } => I32TruncSatF64UAcc [src] produces;
    I64TruncSatF32S { dst, src } => I64TruncSatF32SAcc [src] produces;
    I64TruncSatF32U { dst, src } => I64TruncSatF32UAcc [src] produces;
    I64TruncSatF64S { dst, src } => I64TruncSatF64SAcc [src] produces;
    I64TruncSatF64U { dst, src } => I64TruncSatF64UAcc [src] produces;
    I32Eq { dst, a, b } => I32EqAcc [a | b] produces;
    I32Ne { dst, a, b } => I32NeAcc [a | b] produces;
    I32LtS { dst, a, b } => I32LtSAcc [a] produces;
    I32LtU { dst, a, b } => I32LtUAcc [a] produces;
    I32GtS { dst, a, b } => I32GtSAcc [a] produces;
    I32GtU { dst, a, b } => I32GtUAcc [a] produces;
    I32LeS { dst, a, b } => I32LeSAcc [a] produces;
    I32LeU { dst, a, b } => I32LeUAcc [a] produces;
    I32GeS { dst, a, b } => I32GeSAcc [a] produces;
    I32GeU { dst, a, b } => I32GeUAcc [a] produces;
    I64Eq { dst, a, b } => I64EqAcc [a | b] produces;
    I64Ne { dst, a, b } => I64NeAcc [a | b] produces;
    I64LtS { dst, a, b } => I64LtSAcc [a] produces;
    I64LtU { dst, a, b } => I64LtUAcc [a] produces;
    I64GtS { dst, a, b } => I64GtSAcc [a] produces;
    I64GtU { dst, a, b } => I64GtUAcc [a] produces;
    I64LeS { dst, a, b } => I64LeSAcc [a] produces;
    I64LeU { dst, a, b } => I64LeUAcc [a] produces;
    I64GeS { dst, a, b } => I64GeSAcc [a] produces;
    I64GeU { dst, a, b } => I64GeUAcc [a] produces;
    F32Eq { dst, a, b } => F32EqAcc [a | b] produces;
    F32Ne { dst, a, b } => F32NeAcc [a | b] produces;
    F32Lt { dst, a, b } => F32LtAcc [a] produces;
    F32Gt { dst, a, b } => F32GtAcc [a] produces;
    F32Le { dst, a, b } => F32LeAcc [a] produces;
    F32Ge { dst, a, b } => F32GeAcc [a] produces;
    F64Eq { dst, a, b } => F64EqAcc [a | b] produces;
    F64Ne { dst, a, b } => F64NeAcc [a | b] produces;
    F64Lt { dst, a, b } => F64LtAcc [a] produces;
    F64Gt { dst, a, b } => F64GtAcc [a] produces;
    F64Le { dst, a, b } => F64LeAcc [a] produces;
    F64Ge { dst, a, b } => F64GeAcc [a] produces;
    I32Add { dst, a, b } => I32AddAcc [a | b] produces;
    I32Sub { dst, a, b } => I32SubAcc [a] produces;
    I32Mul { dst, a, b } => I32MulAcc [a | b] produces;
    I32And { dst, a, b } => I32AndAcc [a | b] produces;
    I32Or { dst, a, b } => I32OrAcc [a | b] produces;
    I32Xor { dst, a, b } => I32XorAcc [a | b] produces;
    I32Shl { dst, a, b } => I32ShlAcc [a] produces;
    I32ShrS { dst, a, b } => I32ShrSAcc [a] produces;
    I32ShrU { dst, a, b } => I32ShrUAcc [a] produces;
    I32Rotl { dst, a, b } => I32RotlAcc [a] produces;
    I32Rotr { dst, a, b } => I32RotrAcc [a] produces;
    I64Add { dst, a, b } => I64AddAcc [a | b] produces;
    I64Sub { dst, a, b } => I64SubAcc [a] produces;
    I64Mul { dst, a, b } => I64MulAcc [a | b] produces;
    I64And { dst, a, b } => I64AndAcc [a | b] produces;
    I64Or { dst, a, b } => I64OrAcc [a | b] produces;
    I64Xor { dst, a, b } => I64XorAcc [a | b] produces;
    I64Shl { dst, a, b } => I64ShlAcc [a] produces;
    I64ShrS { dst, a, b } => I64ShrSAcc [a] produces;
    I64ShrU { dst, a, b } => I64ShrUAcc [a] produces;
    I64Rotl { dst, a, b } => I64RotlAcc [a] produces;
    I64Rotr { dst, a, b } => I64RotrAcc [a] produces;
    F32Add { dst, a, b } => F32AddAcc [a | b] produces;
    F32Sub { dst, a, b } => F32SubAcc [a] produces;
    F32Mul { dst, a, b } => F32MulAcc [a | b] produces;
    F32Div { dst, a, b } => F32DivAcc [a] produces;
    F32Min { dst, a, b } => F32MinAcc [a] produces;
    F32Max { dst, a, b } => F32MaxAcc [a] produces;
    F32Copysign { dst, a, b } => F32CopysignAcc [a] produces;
    F64Add { dst, a, b } => F64AddAcc [a | b] produces;
    F64Sub { dst, a, b } => F64SubAcc [a] produces;
    F64Mul { dst, a, b } => F64MulAcc [a | b] produces;
    F64Div { dst, a, b } => F64DivAcc [a] produces;
    F64Min { dst, a, b } => F64MinAcc [a] produces;
    F64Max { dst, a, b } => F64MaxAcc [a] produces;
    F64Copysign { dst, a, b } => F64CopysignAcc [a] produces;
    BrIfI32Eq { a, b, offset } => BrIfI32EqAcc [a | b];
    BrIfI32Ne { a, b, offset } => BrIfI32NeAcc [a | b];
    BrIfI32LtS { a, b, offset } => BrIfI32LtSAcc [a];
    BrIfI32LtU { a, b, offset } => BrIfI32LtUAcc [a];
    BrIfI32GtS { a, b, offset } => BrIfI32GtSAcc [a];
    BrIfI32GtU { a, b, offset } => BrIfI32GtUAcc [a];
    BrIfI32LeS { a, b, offset } => BrIfI32LeSAcc [a];
    BrIfI32LeU { a, b, offset } => BrIfI32LeUAcc [a];
    BrIfI32GeS { a, b, offset } => BrIfI32GeSAcc [a];
    BrIfI32GeU { a, b, offset } => BrIfI32GeUAcc [a];
    BrIfI64Eq { a, b, offset } => BrIfI64EqAcc [a | b];
    BrIfI64Ne { a, b, offset } => BrIfI64NeAcc [a | b];
    BrIfI64LtS { a, b, offset } => BrIfI64LtSAcc [a];
    BrIfI64LtU { a, b, offset } => BrIfI64LtUAcc [a];
    BrIfI64GtS { a, b, offset } => BrIfI64GtSAcc [a];
    BrIfI64GtU { a, b, offset } => BrIfI64GtUAcc [a];
    BrIfI64LeS { a, b, offset } => BrIfI64LeSAcc [a];
    BrIfI64LeU { a, b, offset } => BrIfI64LeUAcc [a];
    BrIfI64GeS { a, b, offset } => BrIfI64GeSAcc [a];
    BrIfI64GeU { a, b, offset } => BrIfI64GeUAcc [a];
    BrIfF32Eq { a, b, offset } => BrIfF32EqAcc [a | b];
    BrIfF32Ne { a, b, offset } => BrIfF32NeAcc [a | b];
    BrIfF32Lt { a, b, offset } => BrIfF32LtAcc [a];
    BrIfF32Gt { a, b, offset } => BrIfF32GtAcc [a];
    BrIfF32Le { a, b, offset } => BrIfF32LeAcc [a];
    BrIfF32Ge { a, b, offset } => BrIfF32GeAcc [a];
    BrIfF32NotLt { a, b, offset } => BrIfF32NotLtAcc [a];
    BrIfF32NotGt { a, b, offset } => BrIfF32NotGtAcc [a];
    BrIfF32NotLe { a, b, offset } => BrIfF32NotLeAcc [a];
    BrIfF32NotGe { a, b, offset } => BrIfF32NotGeAcc [a];
    BrIfF64Eq { a, b, offset } => BrIfF64EqAcc [a | b];
    BrIfF64Ne { a, b, offset } => BrIfF64NeAcc [a | b];
    BrIfF64Lt { a, b, offset } => BrIfF64LtAcc [a];
    BrIfF64Gt { a, b, offset } => BrIfF64GtAcc [a];
    BrIfF64Le { a, b, offset } => BrIfF64LeAcc [a];
    BrIfF64Ge { a, b, offset } => BrIfF64GeAcc [a];
    BrIfF64NotLt { a, b, offset } => BrIfF64NotLtAcc [a];
    BrIfF64NotGt { a, b, offset } => BrIfF64NotGtAcc [a];
    BrIfF64NotLe { a, b, offset } => BrIfF64NotLeAcc [a];
    BrIfF64NotGe { a, b, offset } => BrIfF64NotGeAcc [a];
    I32Load { dst, ptr, offset } => I32LoadAcc [ptr] produces;
    I64Load { dst, ptr, offset } => I64LoadAcc [ptr] produces;
    F32Load { dst, ptr, offset } => F32LoadAcc [ptr] produces;
    F64Load { dst, ptr, offset } => F64LoadAcc [ptr] produces;
    I32Load8S { dst, ptr, offset } => I32Load8SAcc [ptr] produces;
    I32Load8U { dst, ptr, offset } => I32Load8UAcc [ptr] produces;
    I32Load16S { dst, ptr, offset } => I32Load16SAcc [ptr] produces;
    I32Load16U { dst, ptr, offset } => I32Load16UAcc [ptr] produces;
    I64Load8S { dst, ptr, offset } => I64Load8SAcc [ptr] produces;
    I64Load8U { dst, ptr, offset } => I64Load8UAcc [ptr] produces;
    I64Load16S { dst, ptr, offset } => I64Load16SAcc [ptr] produces;
    I64Load16U { dst, ptr, offset } => I64Load16UAcc [ptr] produces;
    I64Load32S { dst, ptr, offset } => I64Load32SAcc [ptr] produces;
    I64Load32U { dst, ptr, offset } => I64Load32UAcc [ptr] produces;
    I32LoadSum { dst, a, b } => I32LoadSumAcc [a | b] produces;
    I64LoadSum { dst, a, b } => I64LoadSumAcc [a | b] produces;
    F32LoadSum { dst, a, b } => F32LoadSumAcc [a | b] produces;
    F64LoadSum { dst, a, b } => F64LoadSumAcc [a | b] produces;
    I32Load8SSum { dst, a, b } => I32Load8SSumAcc [a | b] produces;
    I32Load8USum { dst, a, b } => I32Load8USumAcc [a | b] produces;
    I32Load16SSum { dst, a, b } => I32Load16SSumAcc [a | b] produces;
    I32Load16USum { dst, a, b } => I32Load16USumAcc [a | b] produces;
    Copy { dst, src } => CopyAcc [src] produces;
    BrIfNez { cond, offset } => BrIfNezAcc [cond];
    BrIfEqz { cond, offset } => BrIfEqzAcc [cond];
    I32Store { ptr, val, offset } => I32StoreAcc [val];
    I64Store { ptr, val, offset } => I64StoreAcc [val];
    F32Store { ptr, val, offset } => F32StoreAcc [val];
    F64Store { ptr, val, offset } => F64StoreAcc [val];
    I32Store8 { ptr, val, offset } => I32Store8Acc [val];
    I32Store16 { ptr, val, offset } => I32Store16Acc [val];
    I64Store8 { ptr, val, offset } => I64Store8Acc [val];
    I64Store16 { ptr, val, offset } => I64Store16Acc [val];
    I64Store32 { ptr, val, offset } => I64Store32Acc [val];
    I32StoreSum { a, b, val } => I32StoreSumAcc [val];
    I64StoreSum { a, b, val } => I64StoreSumAcc [val];
    F32StoreSum { a, b, val } => F32StoreSumAcc [val];
    F64StoreSum { a, b, val } => F64StoreSumAcc [val];
    I32Store8Sum { a, b, val } => I32Store8SumAcc [val];
    I32Store16Sum { a, b, val } => I32Store16SumAcc [val];
    GlobalSet { src, global } => GlobalSetAcc [src];
    Return1 { src } => Return1Acc [src];
}

impl<R: Copy + PartialEq> Op<R> {
    /// The instruction a word stands for, as the JIT lowers it: without its
    /// fused or accumulator form.
    pub fn plain(self) -> Op<R> {
        self.unfused().unacc()
    }

    /// Whether the interpreter's handler of `self` hands its result to the
    /// next instruction in the accumulator register.
    pub fn passes_acc(&self) -> bool {
        self.has_producing_form()
            || matches!(
                self,
                Op::GlobalGet { .. }
                    | Op::I32DivS { .. }
                    | Op::I32DivU { .. }
                    | Op::I32RemS { .. }
                    | Op::I32RemU { .. }
                    | Op::I64DivS { .. }
                    | Op::I64DivU { .. }
                    | Op::I64RemS { .. }
                    | Op::I64RemU { .. }
            )
    }
}

/// Gives instructions their accumulator forms where the instruction before
/// them hands over the value they read, in code already fused into pairs.
/// `far` holds the far offsets of fused branches, as
/// [`FuncBody::far_branches`](super::FuncBody::far_branches).
pub fn forward_results(code: &mut [Op<Reg>], far: &[(u32, i32)]) {
    let n = code.len();
    // Instructions that something other than the one before them can
    // reach: branch targets.
    let mut target = vec![false; n + 1];
    for (i, op) in code.iter().enumerate() {
        if let Some(offset) = op.branch_offset(i, far) {
            let t = i as i64 + offset as i64;
            if (0..=n as i64).contains(&t) {
                target[t as usize] = true;
            }
        }
    }
    for i in 1..n {
        let prev = code[i - 1];
        // A fused first word calls its second's plain handler directly.
        use super::traits::{has, FUSED, PASSES_ACC};
        if target[i] || has(&prev, FUSED) || !has(&prev, PASSES_ACC) {
            continue;
        }
        let written = prev.reg_list().defs().last().copied();
        if let Some(acc) = written.and_then(|w| code[i].with_acc(w)) {
            code[i] = acc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Opcode;

    const ADD: Op<Reg> = Op::I32Add { dst: 1, a: 2, b: 3 };

    #[test]
    fn a_reader_of_the_previous_result_takes_its_accumulator_form() {
        let mut code = [
            ADD,
            // Reads r1 as its other operand: swapped.
            Op::I32Xor { dst: 4, a: 5, b: 1 },
            // A shift that reads r4 as its count does not commute.
            Op::I32Shl { dst: 6, a: 7, b: 4 },
            Op::I32Load {
                dst: 8,
                ptr: 6,
                offset: 4,
            },
        ];
        forward_results(&mut code, &[]);
        assert_eq!(code[0], ADD);
        assert_eq!(code[1], Op::I32XorAcc { dst: 4, a: 1, b: 5 });
        assert_eq!(code[2], Op::I32Shl { dst: 6, a: 7, b: 4 });
        assert_eq!(code[3].opcode(), Opcode::I32LoadAcc);
        assert_eq!(
            code[3].plain(),
            Op::I32Load {
                dst: 8,
                ptr: 6,
                offset: 4
            }
        );
    }

    #[test]
    fn branch_targets_fused_seconds_and_non_producers_keep_their_plain_form() {
        let copy = Op::Copy { dst: 2, src: 1 };
        let mut code = [
            ADD,
            // The target of the branch below: reachable from elsewhere.
            copy,
            // Reads what no instruction just wrote.
            Op::BrIfNez {
                cond: 9,
                offset: -1,
            },
            // After a branch, which produces nothing.
            copy,
            // A fused pair: its second is entered by the first's handler.
            Op::I32AddThenCopy { dst: 1, a: 2, b: 3 },
            copy,
        ];
        let before = code;
        forward_results(&mut code, &[]);
        assert_eq!(code, before);
    }
}
