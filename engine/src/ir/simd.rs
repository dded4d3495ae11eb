//! SIMD operations: which lane operation a `v128.*` instruction performs.
//!
//! The fixed-width SIMD instructions (Wasm 2.0) and relaxed SIMD (Wasm
//! 3.0) are over two hundred lane operations. The IR gives them a handful
//! of instructions by shape (`v128.unary`, `v128.binary`, ...), each naming
//! its operation with a [`V128Op`]; the memory instructions name their
//! access with a [`V128Mem`]. The operations' semantics live in
//! `crate::simd`, shared by every tier, so that all of them compute the
//! same bits.

use super::wire::Wire;
use crate::simd::V128Bits;
use wasmparser::Operator;

/// The shape of a [`V128Op`]: its operands and result, and so the IR
/// instruction that carries it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `v128 -> v128` (`v128.unary`).
    Unary,
    /// `v128 v128 -> v128` (`v128.binary`).
    Binary,
    /// `v128 v128 v128 -> v128` (`v128.ternary`).
    Ternary,
    /// `v128 i32 -> v128`, a lane-wise shift (`v128.shift`).
    Shift,
    /// A scalar to every lane (`v128.splat`).
    Splat,
    /// `v128 -> i32` (`v128.test`).
    Test,
    /// One lane out, as a scalar (`v128.extract`).
    Extract,
    /// One lane replaced by a scalar (`v128.replace`).
    Replace,
}

macro_rules! v128_ops {
    ($($shape:ident { $($name:ident => $f:ident,)* })*) => {
        /// A SIMD lane operation, named after its wasm instruction.
        #[allow(missing_docs)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub enum V128Op {
            $($($name,)*)*
        }

        impl V128Op {
            /// Every operation, in discriminant order.
            pub const ALL: &[V128Op] = &[$($(V128Op::$name,)*)*];

            /// The operation of a SIMD operator, for the operators that are
            /// lane operations (not memory accesses, constants or shuffles).
            pub(crate) fn of(op: &Operator<'_>) -> Option<V128Op> {
                Some(match op {
                    $($(Operator::$name { .. } => V128Op::$name,)*)*
                    _ => return None,
                })
            }

            /// The operation's shape.
            pub fn shape(self) -> Shape {
                match self {
                    $($(V128Op::$name)|* => Shape::$shape,)*
                }
            }
        }

        v128_eval! { $($shape { $($name => $f,)* })* }
    };
}

/// The evaluation functions, one per shape: each takes its shape's
/// operands as cells and bits, and is called only with operations of its
/// shape (any other gives zero).
macro_rules! v128_eval {
    (Unary { $($u:ident => $uf:ident,)* }
     Binary { $($b:ident => $bf:ident,)* }
     Ternary { $($t:ident => $tf:ident,)* }
     Shift { $($s:ident => $sf:ident,)* }
     Splat { $($p:ident => $pf:ident,)* }
     Test { $($q:ident => $qf:ident,)* }
     Extract { $($e:ident => $ef:ident,)* }
     Replace { $($r:ident => $rf:ident,)* }) => {
        impl V128Op {
            /// A unary operation of `a`.
            #[inline(always)]
            pub(crate) fn unary(self, a: V128Bits) -> V128Bits {
                match self {
                    $(V128Op::$u => crate::simd::$uf(a),)*
                    _ => V128Bits::ZERO,
                }
            }

            /// A binary operation of `a` (pushed first) and `b`.
            #[inline(always)]
            pub(crate) fn binary(self, a: V128Bits, b: V128Bits) -> V128Bits {
                match self {
                    $(V128Op::$b => crate::simd::$bf(a, b),)*
                    _ => V128Bits::ZERO,
                }
            }

            /// A ternary operation of `a`, `b` and `c`, in stack order.
            #[inline(always)]
            pub(crate) fn ternary(self, a: V128Bits, b: V128Bits, c: V128Bits) -> V128Bits {
                match self {
                    $(V128Op::$t => crate::simd::$tf(a, b, c),)*
                    _ => V128Bits::ZERO,
                }
            }

            /// A lane-wise shift of `a` by `count` (taken modulo the lane width).
            #[inline(always)]
            pub(crate) fn shift(self, a: V128Bits, count: u32) -> V128Bits {
                match self {
                    $(V128Op::$s => crate::simd::$sf(a, count),)*
                    _ => V128Bits::ZERO,
                }
            }

            /// Every lane set to the scalar in cell `x`.
            #[inline(always)]
            pub(crate) fn splat(self, x: u64) -> V128Bits {
                match self {
                    $(V128Op::$p => crate::simd::$pf(x),)*
                    _ => V128Bits::ZERO,
                }
            }

            /// A test of `a`, as an i32.
            #[inline(always)]
            pub(crate) fn test(self, a: V128Bits) -> u32 {
                match self {
                    $(V128Op::$q => crate::simd::$qf(a),)*
                    _ => 0,
                }
            }

            /// Lane `lane` of `a`, as a cell.
            #[inline(always)]
            pub(crate) fn extract(self, a: V128Bits, lane: u8) -> u64 {
                match self {
                    $(V128Op::$e => crate::simd::$ef(a, lane),)*
                    _ => 0,
                }
            }

            /// `a` with lane `lane` replaced by the scalar in cell `x`.
            #[inline(always)]
            pub(crate) fn replace(self, a: V128Bits, x: u64, lane: u8) -> V128Bits {
                match self {
                    $(V128Op::$r => crate::simd::$rf(a, x, lane),)*
                    _ => V128Bits::ZERO,
                }
            }
        }
    };
}

/// Calls macro `$m` with every lane operation, by shape, each as
/// `Name => function` (its semantics in `crate::simd`): the one list that
/// [`V128Op`], its evaluation and the interpreter's handlers follow.
macro_rules! for_each_v128_op {
    ($m:ident) => {
        $m! {
        Unary {
            V128Not => v128_not,
            I8x16Abs => i8x16_abs,
            I8x16Neg => i8x16_neg,
            I8x16Popcnt => i8x16_popcnt,
            I16x8ExtAddPairwiseI8x16S => i16x8_extadd_pairwise_i8x16_s,
            I16x8ExtAddPairwiseI8x16U => i16x8_extadd_pairwise_i8x16_u,
            I16x8Abs => i16x8_abs,
            I16x8Neg => i16x8_neg,
            I16x8ExtendLowI8x16S => i16x8_extend_low_i8x16_s,
            I16x8ExtendHighI8x16S => i16x8_extend_high_i8x16_s,
            I16x8ExtendLowI8x16U => i16x8_extend_low_i8x16_u,
            I16x8ExtendHighI8x16U => i16x8_extend_high_i8x16_u,
            I32x4ExtAddPairwiseI16x8S => i32x4_extadd_pairwise_i16x8_s,
            I32x4ExtAddPairwiseI16x8U => i32x4_extadd_pairwise_i16x8_u,
            I32x4Abs => i32x4_abs,
            I32x4Neg => i32x4_neg,
            I32x4ExtendLowI16x8S => i32x4_extend_low_i16x8_s,
            I32x4ExtendHighI16x8S => i32x4_extend_high_i16x8_s,
            I32x4ExtendLowI16x8U => i32x4_extend_low_i16x8_u,
            I32x4ExtendHighI16x8U => i32x4_extend_high_i16x8_u,
            I64x2Abs => i64x2_abs,
            I64x2Neg => i64x2_neg,
            I64x2ExtendLowI32x4S => i64x2_extend_low_i32x4_s,
            I64x2ExtendHighI32x4S => i64x2_extend_high_i32x4_s,
            I64x2ExtendLowI32x4U => i64x2_extend_low_i32x4_u,
            I64x2ExtendHighI32x4U => i64x2_extend_high_i32x4_u,
            F32x4Ceil => f32x4_ceil,
            F32x4Floor => f32x4_floor,
            F32x4Trunc => f32x4_trunc,
            F32x4Nearest => f32x4_nearest,
            F32x4Abs => f32x4_abs,
            F32x4Neg => f32x4_neg,
            F32x4Sqrt => f32x4_sqrt,
            F64x2Ceil => f64x2_ceil,
            F64x2Floor => f64x2_floor,
            F64x2Trunc => f64x2_trunc,
            F64x2Nearest => f64x2_nearest,
            F64x2Abs => f64x2_abs,
            F64x2Neg => f64x2_neg,
            F64x2Sqrt => f64x2_sqrt,
            I32x4TruncSatF32x4S => i32x4_trunc_sat_f32x4_s,
            I32x4TruncSatF32x4U => i32x4_trunc_sat_f32x4_u,
            F32x4ConvertI32x4S => f32x4_convert_i32x4_s,
            F32x4ConvertI32x4U => f32x4_convert_i32x4_u,
            I32x4TruncSatF64x2SZero => i32x4_trunc_sat_f64x2_s_zero,
            I32x4TruncSatF64x2UZero => i32x4_trunc_sat_f64x2_u_zero,
            F64x2ConvertLowI32x4S => f64x2_convert_low_i32x4_s,
            F64x2ConvertLowI32x4U => f64x2_convert_low_i32x4_u,
            F32x4DemoteF64x2Zero => f32x4_demote_f64x2_zero,
            F64x2PromoteLowF32x4 => f64x2_promote_low_f32x4,
            I32x4RelaxedTruncF32x4S => i32x4_relaxed_trunc_f32x4_s,
            I32x4RelaxedTruncF32x4U => i32x4_relaxed_trunc_f32x4_u,
            I32x4RelaxedTruncF64x2SZero => i32x4_relaxed_trunc_f64x2_s_zero,
            I32x4RelaxedTruncF64x2UZero => i32x4_relaxed_trunc_f64x2_u_zero,
        }
        Binary {
            I8x16Swizzle => i8x16_swizzle,
            I8x16Eq => i8x16_eq,
            I8x16Ne => i8x16_ne,
            I8x16LtS => i8x16_lt_s,
            I8x16LtU => i8x16_lt_u,
            I8x16GtS => i8x16_gt_s,
            I8x16GtU => i8x16_gt_u,
            I8x16LeS => i8x16_le_s,
            I8x16LeU => i8x16_le_u,
            I8x16GeS => i8x16_ge_s,
            I8x16GeU => i8x16_ge_u,
            I16x8Eq => i16x8_eq,
            I16x8Ne => i16x8_ne,
            I16x8LtS => i16x8_lt_s,
            I16x8LtU => i16x8_lt_u,
            I16x8GtS => i16x8_gt_s,
            I16x8GtU => i16x8_gt_u,
            I16x8LeS => i16x8_le_s,
            I16x8LeU => i16x8_le_u,
            I16x8GeS => i16x8_ge_s,
            I16x8GeU => i16x8_ge_u,
            I32x4Eq => i32x4_eq,
            I32x4Ne => i32x4_ne,
            I32x4LtS => i32x4_lt_s,
            I32x4LtU => i32x4_lt_u,
            I32x4GtS => i32x4_gt_s,
            I32x4GtU => i32x4_gt_u,
            I32x4LeS => i32x4_le_s,
            I32x4LeU => i32x4_le_u,
            I32x4GeS => i32x4_ge_s,
            I32x4GeU => i32x4_ge_u,
            I64x2Eq => i64x2_eq,
            I64x2Ne => i64x2_ne,
            I64x2LtS => i64x2_lt_s,
            I64x2GtS => i64x2_gt_s,
            I64x2LeS => i64x2_le_s,
            I64x2GeS => i64x2_ge_s,
            F32x4Eq => f32x4_eq,
            F32x4Ne => f32x4_ne,
            F32x4Lt => f32x4_lt,
            F32x4Gt => f32x4_gt,
            F32x4Le => f32x4_le,
            F32x4Ge => f32x4_ge,
            F64x2Eq => f64x2_eq,
            F64x2Ne => f64x2_ne,
            F64x2Lt => f64x2_lt,
            F64x2Gt => f64x2_gt,
            F64x2Le => f64x2_le,
            F64x2Ge => f64x2_ge,
            V128And => v128_and,
            V128AndNot => v128_andnot,
            V128Or => v128_or,
            V128Xor => v128_xor,
            I8x16NarrowI16x8S => i8x16_narrow_i16x8_s,
            I8x16NarrowI16x8U => i8x16_narrow_i16x8_u,
            I8x16Add => i8x16_add,
            I8x16AddSatS => i8x16_add_sat_s,
            I8x16AddSatU => i8x16_add_sat_u,
            I8x16Sub => i8x16_sub,
            I8x16SubSatS => i8x16_sub_sat_s,
            I8x16SubSatU => i8x16_sub_sat_u,
            I8x16MinS => i8x16_min_s,
            I8x16MinU => i8x16_min_u,
            I8x16MaxS => i8x16_max_s,
            I8x16MaxU => i8x16_max_u,
            I8x16AvgrU => i8x16_avgr_u,
            I16x8Q15MulrSatS => i16x8_q15mulr_sat_s,
            I16x8NarrowI32x4S => i16x8_narrow_i32x4_s,
            I16x8NarrowI32x4U => i16x8_narrow_i32x4_u,
            I16x8Add => i16x8_add,
            I16x8AddSatS => i16x8_add_sat_s,
            I16x8AddSatU => i16x8_add_sat_u,
            I16x8Sub => i16x8_sub,
            I16x8SubSatS => i16x8_sub_sat_s,
            I16x8SubSatU => i16x8_sub_sat_u,
            I16x8Mul => i16x8_mul,
            I16x8MinS => i16x8_min_s,
            I16x8MinU => i16x8_min_u,
            I16x8MaxS => i16x8_max_s,
            I16x8MaxU => i16x8_max_u,
            I16x8AvgrU => i16x8_avgr_u,
            I16x8ExtMulLowI8x16S => i16x8_extmul_low_i8x16_s,
            I16x8ExtMulHighI8x16S => i16x8_extmul_high_i8x16_s,
            I16x8ExtMulLowI8x16U => i16x8_extmul_low_i8x16_u,
            I16x8ExtMulHighI8x16U => i16x8_extmul_high_i8x16_u,
            I32x4Add => i32x4_add,
            I32x4Sub => i32x4_sub,
            I32x4Mul => i32x4_mul,
            I32x4MinS => i32x4_min_s,
            I32x4MinU => i32x4_min_u,
            I32x4MaxS => i32x4_max_s,
            I32x4MaxU => i32x4_max_u,
            I32x4DotI16x8S => i32x4_dot_i16x8_s,
            I32x4ExtMulLowI16x8S => i32x4_extmul_low_i16x8_s,
            I32x4ExtMulHighI16x8S => i32x4_extmul_high_i16x8_s,
            I32x4ExtMulLowI16x8U => i32x4_extmul_low_i16x8_u,
            I32x4ExtMulHighI16x8U => i32x4_extmul_high_i16x8_u,
            I64x2Add => i64x2_add,
            I64x2Sub => i64x2_sub,
            I64x2Mul => i64x2_mul,
            I64x2ExtMulLowI32x4S => i64x2_extmul_low_i32x4_s,
            I64x2ExtMulHighI32x4S => i64x2_extmul_high_i32x4_s,
            I64x2ExtMulLowI32x4U => i64x2_extmul_low_i32x4_u,
            I64x2ExtMulHighI32x4U => i64x2_extmul_high_i32x4_u,
            F32x4Add => f32x4_add,
            F32x4Sub => f32x4_sub,
            F32x4Mul => f32x4_mul,
            F32x4Div => f32x4_div,
            F32x4Min => f32x4_min,
            F32x4Max => f32x4_max,
            F32x4PMin => f32x4_pmin,
            F32x4PMax => f32x4_pmax,
            F64x2Add => f64x2_add,
            F64x2Sub => f64x2_sub,
            F64x2Mul => f64x2_mul,
            F64x2Div => f64x2_div,
            F64x2Min => f64x2_min,
            F64x2Max => f64x2_max,
            F64x2PMin => f64x2_pmin,
            F64x2PMax => f64x2_pmax,
            I8x16RelaxedSwizzle => i8x16_relaxed_swizzle,
            F32x4RelaxedMin => f32x4_relaxed_min,
            F32x4RelaxedMax => f32x4_relaxed_max,
            F64x2RelaxedMin => f64x2_relaxed_min,
            F64x2RelaxedMax => f64x2_relaxed_max,
            I16x8RelaxedQ15mulrS => i16x8_relaxed_q15mulr_s,
            I16x8RelaxedDotI8x16I7x16S => i16x8_relaxed_dot_i8x16_i7x16_s,
        }
        Ternary {
            V128Bitselect => v128_bitselect,
            F32x4RelaxedMadd => f32x4_relaxed_madd,
            F32x4RelaxedNmadd => f32x4_relaxed_nmadd,
            F64x2RelaxedMadd => f64x2_relaxed_madd,
            F64x2RelaxedNmadd => f64x2_relaxed_nmadd,
            I8x16RelaxedLaneselect => i8x16_relaxed_laneselect,
            I16x8RelaxedLaneselect => i16x8_relaxed_laneselect,
            I32x4RelaxedLaneselect => i32x4_relaxed_laneselect,
            I64x2RelaxedLaneselect => i64x2_relaxed_laneselect,
            I32x4RelaxedDotI8x16I7x16AddS => i32x4_relaxed_dot_i8x16_i7x16_add_s,
        }
        Shift {
            I8x16Shl => i8x16_shl,
            I8x16ShrS => i8x16_shr_s,
            I8x16ShrU => i8x16_shr_u,
            I16x8Shl => i16x8_shl,
            I16x8ShrS => i16x8_shr_s,
            I16x8ShrU => i16x8_shr_u,
            I32x4Shl => i32x4_shl,
            I32x4ShrS => i32x4_shr_s,
            I32x4ShrU => i32x4_shr_u,
            I64x2Shl => i64x2_shl,
            I64x2ShrS => i64x2_shr_s,
            I64x2ShrU => i64x2_shr_u,
        }
        Splat {
            I8x16Splat => i8x16_splat,
            I16x8Splat => i16x8_splat,
            I32x4Splat => i32x4_splat,
            I64x2Splat => i64x2_splat,
            F32x4Splat => f32x4_splat,
            F64x2Splat => f64x2_splat,
        }
        Test {
            V128AnyTrue => v128_any_true,
            I8x16AllTrue => i8x16_all_true,
            I8x16Bitmask => i8x16_bitmask,
            I16x8AllTrue => i16x8_all_true,
            I16x8Bitmask => i16x8_bitmask,
            I32x4AllTrue => i32x4_all_true,
            I32x4Bitmask => i32x4_bitmask,
            I64x2AllTrue => i64x2_all_true,
            I64x2Bitmask => i64x2_bitmask,
        }
        Extract {
            I8x16ExtractLaneS => i8x16_extract_lane_s,
            I8x16ExtractLaneU => i8x16_extract_lane_u,
            I16x8ExtractLaneS => i16x8_extract_lane_s,
            I16x8ExtractLaneU => i16x8_extract_lane_u,
            I32x4ExtractLane => i32x4_extract_lane,
            I64x2ExtractLane => i64x2_extract_lane,
            F32x4ExtractLane => f32x4_extract_lane,
            F64x2ExtractLane => f64x2_extract_lane,
        }
        Replace {
            I8x16ReplaceLane => i8x16_replace_lane,
            I16x8ReplaceLane => i16x8_replace_lane,
            I32x4ReplaceLane => i32x4_replace_lane,
            I64x2ReplaceLane => i64x2_replace_lane,
            F32x4ReplaceLane => f32x4_replace_lane,
            F64x2ReplaceLane => f64x2_replace_lane,
        }
        }
    };
}
pub(crate) use for_each_v128_op;

for_each_v128_op!(v128_ops);

impl core::fmt::Display for V128Op {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self, f)
    }
}

impl Wire for V128Op {
    fn put(self, out: &mut Vec<u8>) {
        (self as u16).put(out);
    }
    fn get(input: &mut &[u8]) -> Option<Self> {
        V128Op::ALL.get(u16::get(input)? as usize).copied()
    }
}

/// Defines [`V128Mem`] and its list of every access from one list.
macro_rules! v128_mem {
    ($($kind:ident,)*) => {
        /// The access of a `v128.load`, `v128.load_lane` or `v128.store`
        /// instruction.
        #[allow(missing_docs)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum V128Mem {
            $($kind,)*
        }

        impl V128Mem {
            /// Every access, in discriminant order.
            pub const ALL: &[V128Mem] = &[$(V128Mem::$kind,)*];
        }
    };
}

// The stores come last: `is_store` compares with `Store`.
v128_mem! {
    Load,
    Load8x8S,
    Load8x8U,
    Load16x4S,
    Load16x4U,
    Load32x2S,
    Load32x2U,
    Load8Splat,
    Load16Splat,
    Load32Splat,
    Load64Splat,
    Load32Zero,
    Load64Zero,
    Load8Lane,
    Load16Lane,
    Load32Lane,
    Load64Lane,
    Store,
    Store8Lane,
    Store16Lane,
    Store32Lane,
    Store64Lane,
}

impl V128Mem {
    /// Bytes the access reads or writes.
    pub fn size(self) -> u64 {
        use V128Mem::*;
        match self {
            Load | Store => 16,
            Load8x8S | Load8x8U | Load16x4S | Load16x4U | Load32x2S | Load32x2U | Load64Splat
            | Load64Zero | Load64Lane | Store64Lane => 8,
            Load32Splat | Load32Zero | Load32Lane | Store32Lane => 4,
            Load16Splat | Load16Lane | Store16Lane => 2,
            Load8Splat | Load8Lane | Store8Lane => 1,
        }
    }

    /// The access of a SIMD memory operator, with its memory argument and
    /// lane (zero for whole-vector accesses).
    pub(crate) fn of(op: &Operator<'_>) -> Option<(V128Mem, wasmparser::MemArg, u8)> {
        use V128Mem::*;
        Some(match *op {
            Operator::V128Load { memarg } => (Load, memarg, 0),
            Operator::V128Load8x8S { memarg } => (Load8x8S, memarg, 0),
            Operator::V128Load8x8U { memarg } => (Load8x8U, memarg, 0),
            Operator::V128Load16x4S { memarg } => (Load16x4S, memarg, 0),
            Operator::V128Load16x4U { memarg } => (Load16x4U, memarg, 0),
            Operator::V128Load32x2S { memarg } => (Load32x2S, memarg, 0),
            Operator::V128Load32x2U { memarg } => (Load32x2U, memarg, 0),
            Operator::V128Load8Splat { memarg } => (Load8Splat, memarg, 0),
            Operator::V128Load16Splat { memarg } => (Load16Splat, memarg, 0),
            Operator::V128Load32Splat { memarg } => (Load32Splat, memarg, 0),
            Operator::V128Load64Splat { memarg } => (Load64Splat, memarg, 0),
            Operator::V128Load32Zero { memarg } => (Load32Zero, memarg, 0),
            Operator::V128Load64Zero { memarg } => (Load64Zero, memarg, 0),
            Operator::V128Load8Lane { memarg, lane } => (Load8Lane, memarg, lane),
            Operator::V128Load16Lane { memarg, lane } => (Load16Lane, memarg, lane),
            Operator::V128Load32Lane { memarg, lane } => (Load32Lane, memarg, lane),
            Operator::V128Load64Lane { memarg, lane } => (Load64Lane, memarg, lane),
            Operator::V128Store { memarg } => (Store, memarg, 0),
            Operator::V128Store8Lane { memarg, lane } => (Store8Lane, memarg, lane),
            Operator::V128Store16Lane { memarg, lane } => (Store16Lane, memarg, lane),
            Operator::V128Store32Lane { memarg, lane } => (Store32Lane, memarg, lane),
            Operator::V128Store64Lane { memarg, lane } => (Store64Lane, memarg, lane),
            _ => return None,
        })
    }

    /// Whether the access writes memory.
    pub fn is_store(self) -> bool {
        self as u8 >= V128Mem::Store as u8
    }

    /// Whether the access reads into one lane of a vector operand.
    pub fn is_lane_load(self) -> bool {
        matches!(
            self,
            V128Mem::Load8Lane | V128Mem::Load16Lane | V128Mem::Load32Lane | V128Mem::Load64Lane
        )
    }

    /// The vector a load of fewer than 16 bytes makes of the `size()`
    /// bytes read, zero-extended in `low`, for the loads that are not lane
    /// loads (a whole-vector load takes its 16 bytes as they are).
    #[inline(always)]
    pub(crate) fn loaded(self, low: u64) -> V128Bits {
        use crate::simd;
        match self {
            V128Mem::Load8x8S => simd::v128_load8x8_s(low),
            V128Mem::Load8x8U => simd::v128_load8x8_u(low),
            V128Mem::Load16x4S => simd::v128_load16x4_s(low),
            V128Mem::Load16x4U => simd::v128_load16x4_u(low),
            V128Mem::Load32x2S => simd::v128_load32x2_s(low),
            V128Mem::Load32x2U => simd::v128_load32x2_u(low),
            V128Mem::Load8Splat => simd::i8x16_splat(low),
            V128Mem::Load16Splat => simd::i16x8_splat(low),
            V128Mem::Load32Splat => simd::i32x4_splat(low),
            V128Mem::Load64Splat => simd::i64x2_splat(low),
            V128Mem::Load32Zero => simd::v128_load32_zero(low),
            V128Mem::Load64Zero => simd::v128_load64_zero(low),
            _ => V128Bits::from(u128::from(low)),
        }
    }

    /// `vec` with lane `lane` replaced by the `bits` a lane load read.
    #[inline(always)]
    pub(crate) fn load_lane(self, vec: V128Bits, bits: u64, lane: u8) -> V128Bits {
        use crate::simd;
        match self {
            V128Mem::Load8Lane => simd::i8x16_replace_lane(vec, bits, lane),
            V128Mem::Load16Lane => simd::i16x8_replace_lane(vec, bits, lane),
            V128Mem::Load32Lane => simd::i32x4_replace_lane(vec, bits, lane),
            _ => simd::i64x2_replace_lane(vec, bits, lane),
        }
    }

    /// The bytes a store writes of `val` (the first `size()` of the
    /// result): all of it, or lane `lane`.
    #[inline(always)]
    pub(crate) fn stored(self, val: V128Bits, lane: u8) -> V128Bits {
        use crate::simd;
        let bits = match self {
            V128Mem::Store => return val,
            V128Mem::Store8Lane => simd::i8x16_extract_lane_u(val, lane),
            V128Mem::Store16Lane => simd::i16x8_extract_lane_u(val, lane),
            V128Mem::Store32Lane => simd::i32x4_extract_lane(val, lane),
            _ => simd::i64x2_extract_lane(val, lane),
        };
        simd::v128_load64_zero(bits)
    }
}

impl core::fmt::Display for V128Mem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self, f)
    }
}

impl Wire for V128Mem {
    fn put(self, out: &mut Vec<u8>) {
        (self as u8).put(out);
    }
    fn get(input: &mut &[u8]) -> Option<Self> {
        V128Mem::ALL.get(u8::get(input)? as usize).copied()
    }
}
