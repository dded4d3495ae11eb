//! Lowering of allocated register IR to machine code, in one pass, through
//! the MacroAssembler of a [`Target`]: the same lowering for every ISA.
//!
//! Frame cells map to machine locations: integer register homes to the
//! allocatable GPRs, float register homes to vector registers, constants to
//! immediates, everything else to `[FP + 8 * cell]`. `CTX` holds the
//! instance's [`VmCtx`](super::vmctx::VmCtx), `HEAP` the base of memory 0
//! (the registers are the target's: `Target::FP` and so on).
//!
//! Invariants the code keeps: an i32 in a GPR or a cell has its upper 32
//! bits zero (memory addressing uses the full register); no value stays in a
//! register across a call (the allocator puts such values in cells).

use super::code_of;
use super::libcalls::{Libcall, V128Slow};
use super::vmctx;
use crate::error::TrapCode;
use crate::ir::{FuncBody, Op, Reg, V128Mem, V128Op};
use crate::module::ModuleInner;
use strata_jit::masm::*;
use strata_jit::target::Target;
use strata_jit::TrapSite;

/// Where a frame cell lives in compiled code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Loc {
    G(Gpr),
    F(Fpr),
    /// The upper half of a float register holding a v128: its home's
    /// second cell, named only where a list of cells names a v128's.
    FHi(Fpr),
    /// Byte offset from `FP`.
    M(i32),
    /// A constant's bits.
    K(u64),
}

/// Where a runtime helper's address comes from.
#[derive(Copy, Clone)]
enum HelperAt {
    /// A helper that works on the untyped store, in the context's table.
    Fixed(Libcall),
    /// A context field holding a helper instantiated for the store's data type.
    Context(i32),
}

/// Machine code of one function.
pub(crate) struct Lowered {
    pub code: Vec<u8>,
    pub trap_sites: Vec<TrapSite>,
    /// Offset of each loop's OSR entry, in loop order.
    pub osr: Vec<u32>,
    /// Calls inside `try_table`s that catch what their callee raises.
    pub landings: Vec<strata_jit::LandingSite>,
}

struct Lowerer<'a, M: Target> {
    m: M,
    body: &'a FuncBody,
    module: &'a ModuleInner,
    labels: Vec<Option<dynasmrt::DynamicLabel>>,
    sites: Vec<TrapSite>,
    /// (loop id, OSR entry label), in code order.
    loops: Vec<(u32, dynasmrt::DynamicLabel)>,
    /// Whether to check the epoch deadline (`Config::epoch_interruption`).
    epochs: bool,
    /// Whether fuel is charged (`Config::consume_fuel`), in `Target::FUEL`.
    fuel: bool,
    /// Out-of-line epoch slow paths: (their label, where they resume).
    epoch_slow: Vec<(dynasmrt::DynamicLabel, dynasmrt::DynamicLabel)>,
    /// The OSR entry label of the loop whose header was just lowered, bound
    /// after the loop's epoch check: the interpreter checked before OSR.
    osr_pending: Option<dynasmrt::DynamicLabel>,
    /// The cell whose `v128` value `FS1` also holds: the SIMD instruction
    /// just lowered stored it from there, and the next one may read it
    /// without waiting for the store. Cleared wherever control may arrive
    /// from elsewhere and by every other instruction.
    v128_cached: Option<Reg>,
    /// For the instruction being lowered, when a `try_table` covers it:
    /// its landing pad, and the registers its call saved, which the
    /// landing pad expects back in place.
    catching: Option<(dynasmrt::DynamicLabel, Option<crate::ir::CallSave>)>,
    /// Out-of-line code where an exception raised below a direct call
    /// inside a `try_table` resumes: its label, the landing pad's, and the
    /// registers the call saved.
    landing_stubs: Vec<(
        dynasmrt::DynamicLabel,
        dynasmrt::DynamicLabel,
        Option<crate::ir::CallSave>,
    )>,
}

/// The machine load of an IR load kind.
fn load_kind(kind: crate::ir::MemKind) -> Result<(LoadKind, Option<FSize>), String> {
    use crate::ir::MemKind as K;
    Ok(match kind {
        K::I32Load => (LoadKind::U32, None),
        K::F32Load => (LoadKind::U32, Some(FSize::F32)),
        K::I64Load => (LoadKind::U64, None),
        K::F64Load => (LoadKind::U64, Some(FSize::F64)),
        K::I32Load8S => (LoadKind::S8To32, None),
        K::I32Load8U | K::I64Load8U => (LoadKind::U8, None),
        K::I32Load16S => (LoadKind::S16To32, None),
        K::I32Load16U | K::I64Load16U => (LoadKind::U16, None),
        K::I64Load8S => (LoadKind::S8To64, None),
        K::I64Load16S => (LoadKind::S16To64, None),
        K::I64Load32S => (LoadKind::S32To64, None),
        K::I64Load32U => (LoadKind::U32, None),
        _ => return Err("store kind in a load".into()),
    })
}

/// The machine store of an IR store kind.
fn store_kind(kind: crate::ir::MemKind) -> Result<(StoreKind, Option<FSize>), String> {
    use crate::ir::MemKind as K;
    Ok(match kind {
        K::I32Store | K::I64Store32 => (StoreKind::B32, None),
        K::F32Store => (StoreKind::B32, Some(FSize::F32)),
        K::I64Store => (StoreKind::B64, None),
        K::F64Store => (StoreKind::B64, Some(FSize::F64)),
        K::I32Store8 | K::I64Store8 => (StoreKind::B8, None),
        K::I32Store16 | K::I64Store16 => (StoreKind::B16, None),
        _ => return Err("load kind in a store".into()),
    })
}

/// Lowers a function of `module` translated as `body`.
pub(crate) fn lower<M: Target>(module: &ModuleInner, body: &FuncBody) -> Result<Lowered, String> {
    // A function too large for the ISA's short branches is lowered again
    // with branches that reach across it, where the ISA has such a mode.
    lower_with(module, body, M::assembler()).or_else(|e| match M::far_assembler() {
        Some(far) => lower_with(module, body, far),
        None => Err(e),
    })
}

/// [`lower`] into the assembler `m`.
fn lower_with<'a, M: Target>(
    module: &'a ModuleInner,
    body: &'a FuncBody,
    m: M,
) -> Result<Lowered, String> {
    let mut l = Lowerer::<M> {
        m,
        body,
        module,
        labels: vec![None; body.code.len() + 1],
        sites: Vec::new(),
        loops: Vec::new(),
        epochs: module.engine.config().epoch_interruption,
        fuel: module.engine.config().consume_fuel,
        epoch_slow: Vec::new(),
        osr_pending: None,
        v128_cached: None,
        catching: None,
        landing_stubs: Vec::new(),
    };
    l.collect_targets();
    l.prologue();
    l.zero_frame();
    l.v128_constants();
    l.body()?;
    l.epoch_slow_paths();
    l.landing_stubs();
    let osr_labels: Vec<_> = l.loops.clone();
    let mut osr = vec![0u32; body.num_loops as usize];
    for (id, target) in osr_labels {
        osr[id as usize] = l.m.offset();
        l.osr_entry(target);
    }
    let Lowerer { m, mut sites, .. } = l;
    let asm = m.finish()?;
    sites.extend(asm.trap_sites);
    sites.sort_unstable();
    Ok(Lowered {
        code: asm.code,
        trap_sites: sites,
        osr,
        landings: asm.landings,
    })
}

/// The one SSE instruction of a binary SIMD operation, when it has one,
/// and whether it takes its operands swapped (`a < b` is `b > a`).
fn sse_binary(op: V128Op) -> Option<(VBinOp, bool)> {
    use V128Op as V;
    use VBinOp as B;
    Some(match op {
        V::V128And => (B::And, false),
        V::V128Or => (B::Or, false),
        V::V128Xor => (B::Xor, false),
        // `a & !b` is pandn with `b` first.
        V::V128AndNot => (B::AndNot, true),
        V::I8x16Add => (B::AddI8, false),
        V::I16x8Add => (B::AddI16, false),
        V::I32x4Add => (B::AddI32, false),
        V::I64x2Add => (B::AddI64, false),
        V::I8x16Sub => (B::SubI8, false),
        V::I16x8Sub => (B::SubI16, false),
        V::I32x4Sub => (B::SubI32, false),
        V::I64x2Sub => (B::SubI64, false),
        V::I16x8Mul => (B::MulI16, false),
        V::I32x4Mul => (B::MulI32, false),
        V::I8x16AddSatS => (B::AddSatS8, false),
        V::I8x16AddSatU => (B::AddSatU8, false),
        V::I16x8AddSatS => (B::AddSatS16, false),
        V::I16x8AddSatU => (B::AddSatU16, false),
        V::I8x16SubSatS => (B::SubSatS8, false),
        V::I8x16SubSatU => (B::SubSatU8, false),
        V::I16x8SubSatS => (B::SubSatS16, false),
        V::I16x8SubSatU => (B::SubSatU16, false),
        V::I8x16MinS => (B::MinS8, false),
        V::I8x16MinU => (B::MinU8, false),
        V::I16x8MinS => (B::MinS16, false),
        V::I16x8MinU => (B::MinU16, false),
        V::I32x4MinS => (B::MinS32, false),
        V::I32x4MinU => (B::MinU32, false),
        V::I8x16MaxS => (B::MaxS8, false),
        V::I8x16MaxU => (B::MaxU8, false),
        V::I16x8MaxS => (B::MaxS16, false),
        V::I16x8MaxU => (B::MaxU16, false),
        V::I32x4MaxS => (B::MaxS32, false),
        V::I32x4MaxU => (B::MaxU32, false),
        V::I8x16AvgrU => (B::AvgrU8, false),
        V::I16x8AvgrU => (B::AvgrU16, false),
        V::I8x16Eq => (B::EqI8, false),
        V::I16x8Eq => (B::EqI16, false),
        V::I32x4Eq => (B::EqI32, false),
        V::I64x2Eq => (B::EqI64, false),
        V::I8x16GtS => (B::GtS8, false),
        V::I16x8GtS => (B::GtS16, false),
        V::I32x4GtS => (B::GtS32, false),
        V::I8x16LtS => (B::GtS8, true),
        V::I16x8LtS => (B::GtS16, true),
        V::I32x4LtS => (B::GtS32, true),
        V::I32x4DotI16x8S => (B::DotI16, false),
        V::I8x16NarrowI16x8S => (B::NarrowS16, false),
        V::I8x16NarrowI16x8U => (B::NarrowU16, false),
        V::I16x8NarrowI32x4S => (B::NarrowS32, false),
        V::I16x8NarrowI32x4U => (B::NarrowU32, false),
        V::F32x4Add => (B::AddF32, false),
        V::F32x4Sub => (B::SubF32, false),
        V::F32x4Mul => (B::MulF32, false),
        V::F32x4Div => (B::DivF32, false),
        V::F64x2Add => (B::AddF64, false),
        V::F64x2Sub => (B::SubF64, false),
        V::F64x2Mul => (B::MulF64, false),
        V::F64x2Div => (B::DivF64, false),
        // `pmin(a, b)` is `b < a ? b : a`: minps with `b` first.
        V::F32x4PMin => (B::MinF32, true),
        V::F32x4PMax => (B::MaxF32, true),
        V::F64x2PMin => (B::MinF64, true),
        V::F64x2PMax => (B::MaxF64, true),
        V::F32x4Eq => (B::EqF32, false),
        V::F32x4Ne => (B::NeF32, false),
        V::F32x4Lt => (B::LtF32, false),
        V::F32x4Gt => (B::LtF32, true),
        V::F32x4Le => (B::LeF32, false),
        V::F32x4Ge => (B::LeF32, true),
        V::F64x2Eq => (B::EqF64, false),
        V::F64x2Ne => (B::NeF64, false),
        V::F64x2Lt => (B::LtF64, false),
        V::F64x2Gt => (B::LtF64, true),
        V::F64x2Le => (B::LeF64, false),
        V::F64x2Ge => (B::LeF64, true),
        V::I64x2GtS => (B::GtS64, false),
        V::I64x2LtS => (B::GtS64, true),
        V::I64x2Mul => (B::MulI64, false),
        V::I16x8Q15MulrSatS | V::I16x8RelaxedQ15mulrS => (B::Q15MulrSatS, false),
        V::F32x4Min | V::F32x4RelaxedMin => (B::FMinF32, false),
        V::F32x4Max | V::F32x4RelaxedMax => (B::FMaxF32, false),
        V::F64x2Min | V::F64x2RelaxedMin => (B::FMinF64, false),
        V::F64x2Max | V::F64x2RelaxedMax => (B::FMaxF64, false),
        V::I16x8RelaxedDotI8x16I7x16S => (B::DotI8SatS, false),
        _ => {
            return extmul(op).map(|(from, high, signed)| (B::ExtMul { from, high, signed }, false))
        }
    })
}

/// The lanes an `extmul` takes (`from`, whether the high half, whether
/// signed).
fn extmul(op: V128Op) -> Option<(VLanes, bool, bool)> {
    use V128Op as V;
    use VLanes as L;
    Some(match op {
        V::I16x8ExtMulLowI8x16S => (L::I8, false, true),
        V::I16x8ExtMulHighI8x16S => (L::I8, true, true),
        V::I16x8ExtMulLowI8x16U => (L::I8, false, false),
        V::I16x8ExtMulHighI8x16U => (L::I8, true, false),
        V::I32x4ExtMulLowI16x8S => (L::I16, false, true),
        V::I32x4ExtMulHighI16x8S => (L::I16, true, true),
        V::I32x4ExtMulLowI16x8U => (L::I16, false, false),
        V::I32x4ExtMulHighI16x8U => (L::I16, true, false),
        V::I64x2ExtMulLowI32x4S => (L::I32, false, true),
        V::I64x2ExtMulHighI32x4S => (L::I32, true, true),
        V::I64x2ExtMulLowI32x4U => (L::I32, false, false),
        V::I64x2ExtMulHighI32x4U => (L::I32, true, false),
        _ => return None,
    })
}

/// A lane comparison made of SSE steps: `t = first(b, a)` (with `swap`,
/// `first(a, b)`); with `eq`, `t = eq(t, a)`; with `negate`, `!t`.
struct Compare {
    first: VBinOp,
    swap: bool,
    eq: Option<VBinOp>,
    negate: bool,
}

/// The comparisons SSE has no single instruction for: unsigned ones by a
/// min or max compared with `a` (`a <= b` iff `min(a, b) == a`), the rest
/// by negating the opposite.
fn sse_compare(op: V128Op) -> Option<Compare> {
    use V128Op as V;
    use VBinOp as B;
    let c = |first, eq, negate| {
        Some(Compare {
            first,
            swap: false,
            eq,
            negate,
        })
    };
    // `a <= b` is `!(a > b)`.
    let le = |first| {
        Some(Compare {
            first,
            swap: true,
            eq: None,
            negate: true,
        })
    };
    match op {
        V::I8x16Ne => c(B::EqI8, None, true),
        V::I16x8Ne => c(B::EqI16, None, true),
        V::I32x4Ne => c(B::EqI32, None, true),
        V::I64x2Ne => c(B::EqI64, None, true),
        // `b > a` is `a < b`: `a <= b` is its negation's opposite.
        V::I8x16GeS => c(B::GtS8, None, true),
        V::I16x8GeS => c(B::GtS16, None, true),
        V::I32x4GeS => c(B::GtS32, None, true),
        V::I64x2GeS => c(B::GtS64, None, true),
        V::I8x16LeS => le(B::GtS8),
        V::I16x8LeS => le(B::GtS16),
        V::I32x4LeS => le(B::GtS32),
        V::I64x2LeS => le(B::GtS64),
        V::I8x16LeU => c(B::MinU8, Some(B::EqI8), false),
        V::I16x8LeU => c(B::MinU16, Some(B::EqI16), false),
        V::I32x4LeU => c(B::MinU32, Some(B::EqI32), false),
        V::I8x16GtU => c(B::MinU8, Some(B::EqI8), true),
        V::I16x8GtU => c(B::MinU16, Some(B::EqI16), true),
        V::I32x4GtU => c(B::MinU32, Some(B::EqI32), true),
        V::I8x16GeU => c(B::MaxU8, Some(B::EqI8), false),
        V::I16x8GeU => c(B::MaxU16, Some(B::EqI16), false),
        V::I32x4GeU => c(B::MaxU32, Some(B::EqI32), false),
        V::I8x16LtU => c(B::MaxU8, Some(B::EqI8), true),
        V::I16x8LtU => c(B::MaxU16, Some(B::EqI16), true),
        V::I32x4LtU => c(B::MaxU32, Some(B::EqI32), true),
        _ => None,
    }
}

/// The SSE sequence of a unary SIMD operation, when it has one.
fn sse_unary(op: V128Op) -> Option<VUnOp> {
    use V128Op as V;
    Some(match op {
        V::V128Not => VUnOp::Not,
        V::I8x16Neg => VUnOp::NegI8,
        V::I16x8Neg => VUnOp::NegI16,
        V::I32x4Neg => VUnOp::NegI32,
        V::I64x2Neg => VUnOp::NegI64,
        V::I8x16Abs => VUnOp::AbsI8,
        V::I16x8Abs => VUnOp::AbsI16,
        V::I32x4Abs => VUnOp::AbsI32,
        V::F32x4Sqrt => VUnOp::SqrtF32,
        V::F64x2Sqrt => VUnOp::SqrtF64,
        V::I16x8ExtendLowI8x16S => VUnOp::ExtendLowS8,
        V::I16x8ExtendLowI8x16U => VUnOp::ExtendLowU8,
        V::I32x4ExtendLowI16x8S => VUnOp::ExtendLowS16,
        V::I32x4ExtendLowI16x8U => VUnOp::ExtendLowU16,
        V::I64x2ExtendLowI32x4S => VUnOp::ExtendLowS32,
        V::I64x2ExtendLowI32x4U => VUnOp::ExtendLowU32,
        V::I16x8ExtendHighI8x16S => VUnOp::ExtendHighS8,
        V::I16x8ExtendHighI8x16U => VUnOp::ExtendHighU8,
        V::I32x4ExtendHighI16x8S => VUnOp::ExtendHighS16,
        V::I32x4ExtendHighI16x8U => VUnOp::ExtendHighU16,
        V::I64x2ExtendHighI32x4S => VUnOp::ExtendHighS32,
        V::I64x2ExtendHighI32x4U => VUnOp::ExtendHighU32,
        V::F32x4Abs => VUnOp::AbsF32,
        V::F64x2Abs => VUnOp::AbsF64,
        V::F32x4Neg => VUnOp::NegF32,
        V::F64x2Neg => VUnOp::NegF64,
        V::F32x4Ceil => VUnOp::CeilF32,
        V::F32x4Floor => VUnOp::FloorF32,
        V::F32x4Trunc => VUnOp::TruncF32,
        V::F32x4Nearest => VUnOp::NearestF32,
        V::F64x2Ceil => VUnOp::CeilF64,
        V::F64x2Floor => VUnOp::FloorF64,
        V::F64x2Trunc => VUnOp::TruncF64,
        V::F64x2Nearest => VUnOp::NearestF64,
        V::F32x4ConvertI32x4S => VUnOp::ConvertI32F32,
        V::F64x2ConvertLowI32x4S => VUnOp::ConvertLowI32F64,
        V::F64x2PromoteLowF32x4 => VUnOp::PromoteLowF32,
        V::F32x4DemoteF64x2Zero => VUnOp::DemoteF64,
        V::I64x2Abs => VUnOp::AbsI64,
        V::I8x16Popcnt => VUnOp::PopcntI8,
        V::I16x8ExtAddPairwiseI8x16S => VUnOp::ExtAddPairwise {
            from: VLanes::I8,
            signed: true,
        },
        V::I16x8ExtAddPairwiseI8x16U => VUnOp::ExtAddPairwise {
            from: VLanes::I8,
            signed: false,
        },
        V::I32x4ExtAddPairwiseI16x8S => VUnOp::ExtAddPairwise {
            from: VLanes::I16,
            signed: true,
        },
        V::I32x4ExtAddPairwiseI16x8U => VUnOp::ExtAddPairwise {
            from: VLanes::I16,
            signed: false,
        },
        // The relaxed truncations are the saturating ones (deterministic
        // profile).
        V::I32x4TruncSatF32x4S | V::I32x4RelaxedTruncF32x4S => VUnOp::TruncSatF32S,
        V::I32x4TruncSatF32x4U | V::I32x4RelaxedTruncF32x4U => VUnOp::TruncSatF32U,
        V::I32x4TruncSatF64x2SZero | V::I32x4RelaxedTruncF64x2SZero => VUnOp::TruncSatF64SZero,
        V::I32x4TruncSatF64x2UZero | V::I32x4RelaxedTruncF64x2UZero => VUnOp::TruncSatF64UZero,
        V::F32x4ConvertI32x4U => VUnOp::ConvertU32F32,
        V::F64x2ConvertLowI32x4U => VUnOp::ConvertLowU32F64,
        _ => return None,
    })
}

/// Why a lane operation cannot be compiled: one without an SSE lowering,
/// which the test `every_lane_operation_has_an_sse_lowering` rules out.
fn no_sse(op: V128Op) -> String {
    format!("{op:?} has no SSE lowering")
}

/// Whether a ternary SIMD operation is lowered inline: the lane selects
/// and those [`Lowerer::v128_ternary`] takes.
fn ternary_inline(op: V128Op) -> bool {
    use V128Op as V;
    matches!(
        op,
        V::V128Bitselect
            | V::I8x16RelaxedLaneselect
            | V::I16x8RelaxedLaneselect
            | V::I32x4RelaxedLaneselect
            | V::I64x2RelaxedLaneselect
            | V::F32x4RelaxedMadd
            | V::F32x4RelaxedNmadd
            | V::F64x2RelaxedMadd
            | V::F64x2RelaxedNmadd
            | V::I32x4RelaxedDotI8x16I7x16AddS
    )
}

/// The SSE reduction of a `v128.test` operation, when it has one.
fn sse_test(op: V128Op) -> Option<VTestOp> {
    use V128Op as V;
    Some(match op {
        V::V128AnyTrue => VTestOp::AnyTrue,
        V::I8x16AllTrue => VTestOp::AllTrue(VLanes::I8),
        V::I16x8AllTrue => VTestOp::AllTrue(VLanes::I16),
        V::I32x4AllTrue => VTestOp::AllTrue(VLanes::I32),
        V::I64x2AllTrue => VTestOp::AllTrue(VLanes::I64),
        V::I8x16Bitmask => VTestOp::BitmaskI8,
        V::I16x8Bitmask => VTestOp::BitmaskI16,
        V::I32x4Bitmask => VTestOp::BitmaskI32,
        V::I64x2Bitmask => VTestOp::BitmaskI64,
        _ => return None,
    })
}

/// The SSE shift of a SIMD shift, when it has one, and its lane width.
fn sse_shift(op: V128Op) -> Option<(VShiftOp, i32)> {
    use V128Op as V;
    Some(match op {
        V::I16x8Shl => (VShiftOp::Shl16, 16),
        V::I16x8ShrS => (VShiftOp::ShrS16, 16),
        V::I16x8ShrU => (VShiftOp::ShrU16, 16),
        V::I32x4Shl => (VShiftOp::Shl32, 32),
        V::I32x4ShrS => (VShiftOp::ShrS32, 32),
        V::I32x4ShrU => (VShiftOp::ShrU32, 32),
        V::I64x2Shl => (VShiftOp::Shl64, 64),
        V::I64x2ShrU => (VShiftOp::ShrU64, 64),
        V::I64x2ShrS => (VShiftOp::ShrS64, 64),
        V::I8x16Shl => (VShiftOp::Shl8, 8),
        V::I8x16ShrU => (VShiftOp::ShrU8, 8),
        V::I8x16ShrS => (VShiftOp::ShrS8, 8),
        _ => return None,
    })
}

/// The lane width a splat fills (a float lane by its bits).
fn splat_lanes(op: V128Op) -> VLanes {
    match op {
        V128Op::I8x16Splat => VLanes::I8,
        V128Op::I16x8Splat => VLanes::I16,
        V128Op::I64x2Splat | V128Op::F64x2Splat => VLanes::I64,
        _ => VLanes::I32,
    }
}

/// The load of a SIMD load kind that reads fewer bytes than a vector and
/// neither splats nor replaces a lane.
fn vload_kind(kind: V128Mem) -> VLoadKind {
    match kind {
        V128Mem::Load8x8S => VLoadKind::S8x8,
        V128Mem::Load8x8U => VLoadKind::U8x8,
        V128Mem::Load16x4S => VLoadKind::S16x4,
        V128Mem::Load16x4U => VLoadKind::U16x4,
        V128Mem::Load32x2S => VLoadKind::S32x2,
        V128Mem::Load32x2U => VLoadKind::U32x2,
        V128Mem::Load32Zero => VLoadKind::Zero32,
        _ => VLoadKind::Zero64,
    }
}

/// How a lane load or store (`v128.load8_lane` and kin) moves its lane
/// through a general register.
fn lane_access(kind: V128Mem) -> (LoadKind, VLanes) {
    match kind {
        V128Mem::Load8Lane | V128Mem::Store8Lane => (LoadKind::U8, VLanes::I8),
        V128Mem::Load16Lane | V128Mem::Store16Lane => (LoadKind::U16, VLanes::I16),
        V128Mem::Load32Lane | V128Mem::Store32Lane => (LoadKind::U32, VLanes::I32),
        _ => (LoadKind::U64, VLanes::I64),
    }
}

/// How `extract_lane` reads its lane from the vector's cells: the load
/// kind, the float size (for float lanes) and the lane's bytes.
fn extract_kind(op: V128Op) -> (LoadKind, Option<FSize>, i32) {
    match op {
        V128Op::I8x16ExtractLaneS => (LoadKind::S8To32, None, 1),
        V128Op::I8x16ExtractLaneU => (LoadKind::U8, None, 1),
        V128Op::I16x8ExtractLaneS => (LoadKind::S16To32, None, 2),
        V128Op::I16x8ExtractLaneU => (LoadKind::U16, None, 2),
        V128Op::I64x2ExtractLane => (LoadKind::U64, None, 8),
        V128Op::F32x4ExtractLane => (LoadKind::U32, Some(FSize::F32), 4),
        V128Op::F64x2ExtractLane => (LoadKind::U64, Some(FSize::F64), 8),
        _ => (LoadKind::U32, None, 4),
    }
}

fn fsize_of(size: Size) -> FSize {
    match size {
        Size::S32 => FSize::F32,
        Size::S64 => FSize::F64,
    }
}

impl<M: Target> Lowerer<'_, M> {
    fn loc(&self, r: Reg) -> Loc {
        let b = self.body;
        let r = r as u32;
        let np = b.num_params;
        let nc = b.consts.len() as u32;
        if r < np {
            Loc::M(8 * r as i32)
        } else if r < np + nc {
            Loc::K(b.consts[(r - np) as usize])
        } else if r >= b.reg_base && r < b.reg_base + b.int_regs {
            Loc::G(M::INT_ALLOC[(r - b.reg_base) as usize])
        } else if let Some((j, upper)) = b.float_register_at(r) {
            let f = M::FLOAT_ALLOC[j as usize];
            if upper {
                Loc::FHi(f)
            } else {
                Loc::F(f)
            }
        } else {
            Loc::M(8 * r as i32)
        }
    }

    fn cell(disp: i32) -> Mem {
        Mem::at(M::FP, disp)
    }

    fn label(&mut self, idx: usize) -> dynasmrt::DynamicLabel {
        match self.labels[idx] {
            Some(l) => l,
            None => {
                let l = self.m.new_label();
                self.labels[idx] = Some(l);
                l
            }
        }
    }

    fn site(&mut self, offset: u32, code: TrapCode) {
        self.sites.push(TrapSite {
            offset,
            code: code_of(code),
        });
    }

    /// Creates labels for every branch target, so backward branches find them.
    fn collect_targets(&mut self) {
        let code = &self.body.code;
        for (i, slot) in code.iter().enumerate() {
            if let Some(off) = slot.op.branch_offset(i, &self.body.far_branches) {
                let t = (i as i64 + off as i64) as usize;
                self.label(t);
            }
            if let Op::LoopHeader { .. } = slot.op {
                self.label(i + 1);
            }
        }
    }

    fn prologue(&mut self) {
        // The frame, and the argument area of calls it makes, must fit.
        let fs = self.body.stack_cells() as i32;
        // Keep the stack pointer 16-byte aligned in the body, so calls need
        // no adjustment; the slot keeps the frame pointer, where an
        // exception's landing site finds it (see `landing_stubs`).
        self.m.enter_frame(M::FP);
        // Before anything can trap: a trap hands the register back.
        self.fuel_from_memory();
        self.m
            .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::DEPTH)));
        // The limit is the engine's, so a constant of the code when it fits
        // an immediate: the check then needs no register.
        match i32::try_from(self.module.engine.config().max_call_depth) {
            Ok(max) => self.m.cmp_mem_imm(Size::S64, Mem::at(M::S1, 0), max),
            Err(_) => {
                self.m.mov(Size::S64, M::S2, Src::Mem(Mem::at(M::S1, 0)));
                self.m.cmp(
                    Size::S64,
                    M::S2,
                    Src::Mem(Mem::at(M::CTX, vmctx::MAX_DEPTH)),
                );
            }
        }
        self.m.trap_if(Cond::GeU, code_of(TrapCode::StackOverflow));
        self.m.add_mem_imm(Size::S64, Mem::at(M::S1, 0), 1);
        self.m.lea(M::S1, Mem::at(M::FP, 8 * fs));
        self.m.cmp(
            Size::S64,
            M::S1,
            Src::Mem(Mem::at(M::CTX, vmctx::STACK_END)),
        );
        self.m.trap_if(Cond::GtU, code_of(TrapCode::StackOverflow));
        self.m.cmp(
            Size::S64,
            M::SP,
            Src::Mem(Mem::at(M::CTX, vmctx::NATIVE_LIMIT)),
        );
        self.m.trap_if(Cond::LtU, code_of(TrapCode::StackOverflow));
        self.m.mov(
            Size::S64,
            M::HEAP,
            Src::Mem(Mem::at(M::CTX, vmctx::MEM_BASE)),
        );
        self.epoch_check();
    }

    /// Compares the engine's epoch with the store's deadline (function
    /// entry and loop headers), calling the runtime out of line when reached.
    fn epoch_check(&mut self) {
        if !self.epochs {
            return;
        }
        let slow = self.m.new_label();
        let resume = self.m.new_label();
        // Through the context, so that the code holds no absolute address.
        // RET is free between instructions.
        self.m
            .mov(Size::S64, M::RET, Src::Mem(Mem::at(M::CTX, vmctx::EPOCH)));
        self.m.mov(Size::S64, M::RET, Src::Mem(Mem::at(M::RET, 0)));
        self.m.cmp(
            Size::S64,
            M::RET,
            Src::Mem(Mem::at(M::CTX, vmctx::EPOCH_DEADLINE)),
        );
        self.m.jcc(Cond::GeU, slow);
        self.m.bind(resume);
        self.epoch_slow.push((slow, resume));
    }

    /// The epoch checks' slow paths: the runtime call keeps every register
    /// the allocation may have live (the callee-saved ones survive the call
    /// by themselves), and a trap is raised with the frame as it was.
    fn epoch_slow_paths(&mut self) {
        let b = self.body;
        let caller_saved = (b.int_regs as usize).min(M::INT_ALLOC_CALLER_SAVED);
        let ints: Vec<Gpr> = M::INT_ALLOC[..caller_saved].to_vec();
        let floats: Vec<Fpr> = M::FLOAT_ALLOC[..b.float_regs as usize].to_vec();
        let pushed = ints.len() as i32 * M::PUSH_BYTES;
        // Float slots (16 bytes where they may hold a v128), padded so the
        // stack pointer stays 16-byte aligned at the call.
        let slot = 8 * b.float_stride() as i32;
        let area = ((pushed + floats.len() as i32 * slot + 15) & !15) - pushed;
        let frame_top = b.stack_cells() as i32;
        for (slow, resume) in std::mem::take(&mut self.epoch_slow) {
            self.m.bind(slow);
            for &g in &ints {
                self.m.push(g);
            }
            self.m.adjust_sp(-area);
            for (j, &f) in floats.iter().enumerate() {
                self.float_register_out(Mem::at(M::SP, slot * j as i32), f);
            }
            // The deadline callback may read or set the store's fuel, and
            // may call wasm, whose frames must start above this frame's.
            self.fuel_to_memory();
            self.m.mov(Size::S64, M::ARGS[0], Src::Reg(M::CTX));
            self.m.lea(M::ARGS[1], Mem::at(M::FP, 8 * frame_top));
            self.m.call_mem(Mem::at(M::CTX, vmctx::EPOCH_REACHED));
            self.fuel_from_memory();
            for (j, &f) in floats.iter().enumerate() {
                self.float_register_in(f, Mem::at(M::SP, slot * j as i32));
            }
            self.m.adjust_sp(area);
            for &g in ints.iter().rev() {
                self.m.pop(g);
            }
            self.m.raise_if_nonzero(M::RET);
            self.m.jmp(resume);
        }
    }

    /// Stores (`to_cells`) or reloads the registers of `save` to or from
    /// their home cells, around a call.
    fn save_registers(&mut self, save: crate::ir::CallSave, to_cells: bool) {
        let b = self.body;
        for (i, &g) in M::INT_ALLOC.iter().enumerate() {
            if save.ints & (1 << i) != 0 {
                let home = Self::cell(8 * (b.reg_base + i as u32) as i32);
                if to_cells {
                    self.m.store_reg(Size::S64, home, g);
                } else {
                    self.m.mov(Size::S64, g, Src::Mem(home));
                }
            }
        }
        for (j, &f) in M::FLOAT_ALLOC.iter().enumerate() {
            if save.floats & (1 << j) != 0 {
                let home = Self::cell(8 * b.float_home(j as u32) as i32);
                if to_cells {
                    self.float_register_out(home, f);
                } else {
                    self.float_register_in(f, home);
                }
            }
        }
    }

    /// Stores float register `f` whole to `mem`: 16 bytes where it may
    /// hold a v128.
    fn float_register_out(&mut self, mem: Mem, f: Fpr) {
        if self.body.uses_v128 {
            self.m.vstore(mem, f);
        } else {
            self.m.fstore(FSize::F64, mem, f);
        }
    }

    /// Loads float register `f` whole from `mem`, as
    /// [`Lowerer::float_register_out`] stored it.
    fn float_register_in(&mut self, f: Fpr, mem: Mem) {
        if self.body.uses_v128 {
            self.m.vload(f, mem);
        } else {
            self.m.fload(FSize::F64, f, mem);
        }
    }

    /// A body with `v128` values reads them from their cells, constants
    /// included: its constants are written to their cells at entry, as the
    /// interpreter's are (an OSR entry finds them there already).
    fn v128_constants(&mut self) {
        let b = self.body;
        if !b.uses_v128 {
            return;
        }
        for (k, &bits) in b.consts.iter().enumerate() {
            let cell = Self::cell(8 * (b.num_params + k as u32) as i32);
            match i32::try_from(bits as i64) {
                Ok(imm) => self.m.store_imm(Size::S64, cell, imm),
                Err(_) => {
                    self.m.mov_imm64(M::S1, bits);
                    self.m.store_reg(Size::S64, cell, M::S1);
                }
            }
        }
    }

    /// `reg` = the `v128` `r`: from its float register, from `FS1` when
    /// that holds it ([`Lowerer::v128_cached`]), or from its cells. Load
    /// `FS2` before `FS1`.
    fn vget(&mut self, reg: Fpr, r: Reg) {
        match (self.loc(r), self.v128_cached) {
            (Loc::F(f), _) => self.m.fmov(FSize::F64, reg, f),
            (_, Some(c)) if c == r && reg == M::FS1 => {}
            (_, Some(c)) if c == r => self.m.fmov(FSize::F64, reg, M::FS1),
            _ => {
                self.m.vload(reg, Self::cell(8 * r as i32));
            }
        }
    }

    /// The `v128` `r` as an instruction's source operand: its float
    /// register if it has one, else `scratch` loaded as by
    /// [`Lowerer::vget`].
    fn vsrc(&mut self, r: Reg, scratch: Fpr) -> Fpr {
        match self.loc(r) {
            Loc::F(f) => f,
            _ => {
                self.vget(scratch, r);
                scratch
            }
        }
    }

    /// Writes `FS1`, a `v128` result, to `dst`'s float register or cells;
    /// `FS1` then caches it.
    fn vput(&mut self, dst: Reg) {
        match self.loc(dst) {
            Loc::F(f) => self.m.fmov(FSize::F64, f, M::FS1),
            _ => {
                self.m.vstore(Self::cell(8 * dst as i32), M::FS1);
            }
        }
        self.v128_cached = Some(dst);
    }

    /// A register for a `v128` result going to `dst`: its own float
    /// register unless that is `keep` (an operand still to be read), else
    /// `FS1`. [`Lowerer::vdone`] completes the result.
    fn vdst(&self, dst: Reg, keep: Fpr) -> Fpr {
        match self.loc(dst) {
            Loc::F(f) if f != keep => f,
            _ => M::FS1,
        }
    }

    /// Completes a `v128` result computed in `reg`, from
    /// [`Lowerer::vdst`].
    fn vdone(&mut self, dst: Reg, reg: Fpr) {
        if reg == M::FS1 {
            self.vput(dst);
        } else if self.v128_cached == Some(dst) {
            self.v128_cached = None;
        }
    }

    /// The `v128` `r` in a register to read: its float register, or `FS1`,
    /// which then caches it.
    fn vread(&mut self, r: Reg) -> Fpr {
        let f = self.vsrc(r, M::FS1);
        if f == M::FS1 {
            self.v128_cached = Some(r);
        }
        f
    }

    /// Where a `v128` operand in a float register must be read from memory
    /// (a mask operand), its home cells get its value first.
    fn v128_in_cells(&mut self, r: Reg) {
        if let Loc::F(f) = self.loc(r) {
            self.m.vstore(Self::cell(8 * r as i32), f);
        }
    }

    /// After an instruction wrote the scalar cell `dst`: a cached vector
    /// that shared it is gone.
    fn scalar_written(&mut self, dst: Reg) {
        if let Some(c) = self.v128_cached {
            if dst == c || dst == c + 1 {
                self.v128_cached = None;
            }
        }
    }

    /// The `v128` constant of the body in cell `r`, if it is one.
    fn v128_constant(&self, r: Reg) -> Option<u128> {
        let b = self.body;
        let k = (r as u32).checked_sub(b.num_params)? as usize;
        match (b.consts.get(k), b.consts.get(k + 1)) {
            (Some(&lo), Some(&hi)) => Some(lo as u128 | (hi as u128) << 64),
            _ => None,
        }
    }

    /// The `V128Op` of the `imm` word at `at`.
    fn v128_op(&self, at: usize) -> Result<V128Op, String> {
        V128Op::ALL
            .get(self.imm(at) as usize)
            .copied()
            .ok_or_else(|| "v128 operation out of range".to_string())
    }

    /// A SIMD memory access at an offset beyond the guard region, left to
    /// the runtime ([`super::libcalls::v128`]), which runs it on the
    /// frame's cells as the interpreter does: every register is stored to
    /// its home cell first, so that each operand is in its cell, and
    /// reloaded after, so that a result written to a register's home
    /// reaches the register. `regs` are the instruction's cells (`dst`,
    /// the address, the vector), `id` its `V128Mem`.
    fn v128_slow(&mut self, kind: V128Slow, id: u16, regs: [Reg; 3], lane: u8, mem: (u32, u64)) {
        let b = self.body;
        let all = crate::ir::CallSave {
            at: 0,
            ints: (1u32 << b.int_regs) - 1,
            floats: (1u32 << b.float_regs) - 1,
        };
        self.save_registers(all, true);
        let word =
            id as u64 | (regs[0] as u64) << 16 | (regs[1] as u64) << 32 | (regs[2] as u64) << 48;
        let extra = (lane as u64) << 16 | (kind as u64) << 24 | (mem.0 as u64) << 32;
        self.helper(
            Libcall::V128,
            &[Loc::G(M::FP), Loc::K(word), Loc::K(extra), Loc::K(mem.1)],
            None,
        );
        self.save_registers(all, false);
        self.v128_cached = None;
    }

    /// A ternary SIMD operation other than a lane select (one
    /// [`ternary_inline`] names): the relaxed
    /// multiply-adds, unfused (the product rounded, then the sum, as the
    /// deterministic profile has it), and the relaxed dot product with
    /// accumulation.
    fn v128_ternary(&mut self, op: V128Op, [dst, a, b, c]: [Reg; 4]) {
        use V128Op as V;
        let (mul, add, sub) = match op {
            V::F32x4RelaxedMadd | V::F32x4RelaxedNmadd => {
                (VBinOp::MulF32, VBinOp::AddF32, VBinOp::SubF32)
            }
            V::F64x2RelaxedMadd | V::F64x2RelaxedNmadd => {
                (VBinOp::MulF64, VBinOp::AddF64, VBinOp::SubF64)
            }
            _ => (VBinOp::DotI8SatS, VBinOp::AddI32, VBinOp::SubI32),
        };
        let fb = self.vsrc(b, M::FS2);
        self.vget(M::FS1, a);
        self.m.vbin(mul, M::FS1, fb);
        // FS1 no longer holds what it may have cached.
        self.v128_cached = None;
        match op {
            V::F32x4RelaxedNmadd | V::F64x2RelaxedNmadd => {
                // `-(a * b) + c` is `c - a * b`.
                self.vget(M::FS2, c);
                self.m.vbin(sub, M::FS2, M::FS1);
                self.m.fmov(FSize::F64, M::FS1, M::FS2);
            }
            V::I32x4RelaxedDotI8x16I7x16AddS => {
                // The i16 sums paired into i32 lanes, then `c` added.
                let pairs = VUnOp::ExtAddPairwise {
                    from: VLanes::I16,
                    signed: true,
                };
                self.m.vun(pairs, M::FS2, M::FS1);
                let fc = self.vsrc(c, M::FS1);
                self.m.vbin(add, M::FS2, fc);
                self.m.fmov(FSize::F64, M::FS1, M::FS2);
            }
            _ => {
                let fc = self.vsrc(c, M::FS2);
                self.m.vbin(add, M::FS1, fc);
            }
        }
        self.vput(dst);
    }

    /// The address of a SIMD access: in a 32-bit memory when the guard
    /// region covers the access, in a 64-bit one checked against its size.
    /// `None` (an offset beyond the guard) sends the access to
    /// [`Lowerer::v128_slow`].
    fn v128_address(&mut self, memory: u32, ptr: Reg, offset: u64, kind: V128Mem) -> Option<Mem> {
        let guard = self.module.engine.config().memory_guard_size;
        if self.module.env.memories[memory as usize].is_64() {
            return Some(self.address64(memory, ptr, offset, kind.size()));
        }
        let offset = u32::try_from(offset).ok()?;
        (offset <= i32::MAX as u32 && offset as u64 + 16 <= guard)
            .then(|| self.address_in(memory, ptr, offset))
    }

    /// Declared locals start at zero, as in the interpreter (which zeroes
    /// the same `local_cells`); every other value is written before it is
    /// read.
    fn zero_frame(&mut self) {
        let b = self.body;
        let ints = b.reg_base + b.int_regs;
        let mut float_zero = false;
        for &cell in b.local_cells.iter() {
            let c = cell as u32;
            if c >= b.reg_base && c < ints {
                let g = M::INT_ALLOC[(c - b.reg_base) as usize];
                self.m.mov(Size::S32, g, Src::Imm(0));
            } else if let Some((j, upper)) = b.float_register_at(c) {
                // `movq` clears a v128's upper half too.
                if upper {
                    continue;
                }
                if !float_zero {
                    self.m.mov(Size::S32, M::S1, Src::Imm(0));
                    float_zero = true;
                }
                self.m
                    .gpr_to_fbits(FSize::F64, M::FLOAT_ALLOC[j as usize], M::S1);
            } else {
                self.m.store_imm(Size::S64, Self::cell(8 * c as i32), 0);
            }
        }
    }

    /// Enters a running interpreter frame at a loop header: the depth the
    /// interpreter counted stays, register homes are loaded from their cells.
    fn osr_entry(&mut self, target: dynasmrt::DynamicLabel) {
        let b = self.body;
        self.m.enter_frame(M::FP);
        self.fuel_from_memory();
        // The interpreter checked the frame; calls also need their argument area.
        let fs = b.stack_cells() as i32;
        self.m.lea(M::S1, Mem::at(M::FP, 8 * fs));
        self.m.cmp(
            Size::S64,
            M::S1,
            Src::Mem(Mem::at(M::CTX, vmctx::STACK_END)),
        );
        self.m.trap_if(Cond::GtU, code_of(TrapCode::StackOverflow));
        self.m
            .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::DEPTH)));
        self.m.add_mem_imm(Size::S64, Mem::at(M::S1, 0), 1);
        self.m.mov(
            Size::S64,
            M::HEAP,
            Src::Mem(Mem::at(M::CTX, vmctx::MEM_BASE)),
        );
        for (i, &g) in M::INT_ALLOC[..b.int_regs as usize].iter().enumerate() {
            let c = b.reg_base + i as u32;
            self.m.mov(Size::S64, g, Src::Mem(Self::cell(8 * c as i32)));
        }
        for (j, &f) in M::FLOAT_ALLOC[..b.float_regs as usize].iter().enumerate() {
            let home = Self::cell(8 * b.float_home(j as u32) as i32);
            self.float_register_in(f, home);
        }
        self.m.jmp(target);
    }

    /// Writes the fuel register back to the store, before the runtime or
    /// another function may read or charge the store's fuel.
    fn fuel_to_memory(&mut self) {
        if self.fuel {
            self.m
                .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::FUEL)));
            self.m.store_reg(Size::S64, Mem::at(M::S1, 0), M::FUEL);
        }
    }

    /// Loads the fuel register from the store: on entry, and after anything
    /// that may have charged or set the store's fuel.
    fn fuel_from_memory(&mut self) {
        if self.fuel {
            self.m
                .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::FUEL)));
            self.m.mov(Size::S64, M::FUEL, Src::Mem(Mem::at(M::S1, 0)));
        }
    }

    fn epilogue(&mut self) {
        self.leave();
        self.m.ret();
    }

    /// Undoes the prologue, up to the return: what a tail call does before
    /// it jumps to its callee, which then returns to this function's caller.
    /// Leaves RET as it was.
    fn leave(&mut self) {
        self.fuel_to_memory();
        self.m
            .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::DEPTH)));
        self.m.add_mem_imm(Size::S64, Mem::at(M::S1, 0), -1);
        self.m.leave_frame();
    }

    // ----- moving values -----

    /// `reg = value at loc`.
    fn load_int(&mut self, size: Size, reg: Gpr, loc: Loc) {
        match loc {
            Loc::G(g) => {
                if g != reg {
                    self.m.mov(size, reg, Src::Reg(g));
                }
            }
            Loc::M(d) => self.m.mov(size, reg, Src::Mem(Self::cell(d))),
            Loc::K(bits) => {
                let bits = if size == Size::S32 {
                    bits as u32 as u64
                } else {
                    bits
                };
                self.m.mov_imm64(reg, bits);
            }
            Loc::F(f) => self.m.fbits_to_gpr(fsize_of(size), reg, f),
            Loc::FHi(f) => self.m.vextract(VLanes::I64, reg, f, 1),
        }
    }

    /// The value at `loc` as an operand, using `scratch` if it must be in a register.
    fn int_src(&mut self, size: Size, loc: Loc, scratch: Gpr) -> Src {
        match loc {
            Loc::G(g) => Src::Reg(g),
            Loc::M(d) => Src::Mem(Self::cell(d)),
            Loc::K(bits) => match size {
                Size::S32 => Src::Imm(bits as u32 as i32),
                Size::S64 if bits as i64 == bits as i64 as i32 as i64 => {
                    Src::Imm(bits as i64 as i32)
                }
                Size::S64 => {
                    self.m.mov_imm64(scratch, bits);
                    Src::Reg(scratch)
                }
            },
            Loc::F(_) | Loc::FHi(_) => {
                self.load_int(size, scratch, loc);
                Src::Reg(scratch)
            }
        }
    }

    /// The value at `loc` in a register (`scratch` unless it already is).
    fn int_reg(&mut self, size: Size, loc: Loc, scratch: Gpr) -> Gpr {
        match loc {
            Loc::G(g) => g,
            _ => {
                self.load_int(size, scratch, loc);
                scratch
            }
        }
    }

    /// `dst = reg` (a zero-extended value when 32-bit).
    fn store_int(&mut self, dst: Loc, reg: Gpr) {
        match dst {
            Loc::G(g) => {
                if g != reg {
                    self.m.mov(Size::S64, g, Src::Reg(reg));
                }
            }
            Loc::M(d) => self.m.store_reg(Size::S64, Self::cell(d), reg),
            Loc::F(f) => self.m.gpr_to_fbits(FSize::F64, f, reg),
            Loc::FHi(f) => self.m.vinsert(VLanes::I64, f, reg, 1),
            Loc::K(_) => unreachable!("constants are never written"),
        }
    }

    /// A register for an integer result going to `dst`, not clobbering `keep`.
    fn int_dst(&self, dst: Loc, keep: Loc) -> Gpr {
        match dst {
            Loc::G(g) if keep != Loc::G(g) => g,
            _ => M::S1,
        }
    }

    fn load_float(&mut self, size: FSize, reg: Fpr, loc: Loc) {
        match loc {
            Loc::F(f) => self.m.fmov(size, reg, f),
            Loc::M(d) => {
                self.m.fload(size, reg, Self::cell(d));
            }
            Loc::K(bits) => {
                self.m.mov_imm64(M::S2, bits);
                self.m.gpr_to_fbits(FSize::F64, reg, M::S2);
            }
            Loc::G(g) => self.m.gpr_to_fbits(size, reg, g),
            Loc::FHi(_) => {
                self.load_int(Size::S64, M::S2, loc);
                self.m.gpr_to_fbits(FSize::F64, reg, M::S2);
            }
        }
    }

    fn float_reg(&mut self, size: FSize, loc: Loc, scratch: Fpr) -> Fpr {
        match loc {
            Loc::F(f) => f,
            _ => {
                self.load_float(size, scratch, loc);
                scratch
            }
        }
    }

    fn store_float(&mut self, size: FSize, dst: Loc, reg: Fpr) {
        match dst {
            Loc::F(f) => self.m.fmov(size, f, reg),
            Loc::M(d) => match size {
                // movd zero-extends, keeping the cell's upper half clean.
                FSize::F32 => {
                    self.m.fbits_to_gpr(FSize::F32, M::S2, reg);
                    self.m.store_reg(Size::S64, Self::cell(d), M::S2);
                }
                FSize::F64 => {
                    self.m.fstore(FSize::F64, Self::cell(d), reg);
                }
            },
            Loc::G(g) => self.m.fbits_to_gpr(size, g, reg),
            Loc::FHi(_) => {
                self.m.fbits_to_gpr(FSize::F64, M::S2, reg);
                self.store_int(dst, M::S2);
            }
            Loc::K(_) => unreachable!("constants are never written"),
        }
    }

    fn float_dst(&self, dst: Loc, keep: Loc) -> Fpr {
        match dst {
            Loc::F(f) if keep != Loc::F(f) => f,
            _ => M::FS1,
        }
    }

    /// Copies a whole cell's value between any two locations. Of a v128
    /// in a float register, the low half (`Loc::F`) is written before the
    /// upper one (`Loc::FHi`): writing the low half clears the upper one.
    fn copy(&mut self, dst: Loc, src: Loc) {
        if dst == src {
            return;
        }
        match (dst, src) {
            (Loc::F(d), Loc::F(s)) => self.m.fmov(FSize::F64, d, s),
            (Loc::F(d), Loc::M(o)) => {
                self.m.fload(FSize::F64, d, Self::cell(o));
            }
            (Loc::F(_), _) => {
                self.load_int(Size::S64, M::S1, src);
                self.store_int(dst, M::S1);
            }
            (Loc::M(o), Loc::F(s)) => {
                self.m.fstore(FSize::F64, Self::cell(o), s);
            }
            (_, Loc::F(s)) => {
                self.m.fbits_to_gpr(FSize::F64, M::S1, s);
                self.store_int(dst, M::S1);
            }
            (Loc::G(g), _) => self.load_int(Size::S64, g, src),
            (Loc::M(o), Loc::G(s)) => self.m.store_reg(Size::S64, Self::cell(o), s),
            _ => {
                self.load_int(Size::S64, M::S1, src);
                self.store_int(dst, M::S1);
            }
        }
    }

    // ----- operation shapes -----

    fn int_bin(&mut self, op: AluOp, size: Size, dst: Reg, a: Reg, b: Reg) {
        let (d, mut la, mut lb) = (self.loc(dst), self.loc(a), self.loc(b));
        // `d = a op d` of a commutative op is `d op= a`: no copy of `a`
        // into a scratch register and back. (The IR puts the operand it
        // forwards first, whichever it was in the wasm.)
        let commutes = matches!(
            op,
            AluOp::Add | AluOp::Mul | AluOp::And | AluOp::Or | AluOp::Xor
        );
        if commutes && lb == d && la != d {
            (la, lb) = (lb, la);
        }
        let rd = self.int_dst(d, lb);
        self.load_int(size, rd, la);
        let src = self.int_src(size, lb, M::S2);
        self.m.alu(op, size, rd, src);
        self.store_int(d, rd);
    }

    fn int_shift(&mut self, op: ShiftOp, size: Size, dst: Reg, a: Reg, b: Reg) {
        let (d, la, lb) = (self.loc(dst), self.loc(a), self.loc(b));
        let rd = self.int_dst(d, lb);
        self.load_int(size, rd, la);
        let count = self.int_src(size, lb, M::S2);
        self.m.shift(op, size, rd, count);
        self.store_int(d, rd);
    }

    fn int_div(&mut self, size: Size, signed: bool, rem: bool, dst: Reg, a: Reg, b: Reg) {
        let (d, la, lb) = (self.loc(dst), self.loc(a), self.loc(b));
        let lhs = self.int_reg(size, la, M::S1);
        let rhs = self.int_reg(size, lb, M::S2);
        let rd = match d {
            Loc::G(g) => g,
            _ => M::S1,
        };
        let traps = DivTraps {
            by_zero: code_of(TrapCode::IntegerDivideByZero),
            overflow: code_of(TrapCode::IntegerOverflow),
        };
        self.m.div(size, signed, rem, rd, lhs, rhs, traps);
        self.store_int(d, rd);
    }

    fn int_cmp(&mut self, cond: Cond, size: Size, dst: Reg, a: Reg, b: Reg) {
        let (d, la, lb) = (self.loc(dst), self.loc(a), self.loc(b));
        let ra = self.int_reg(size, la, M::S1);
        let src = self.int_src(size, lb, M::S2);
        self.m.cmp(size, ra, src);
        let rd = match d {
            Loc::G(g) => g,
            _ => M::S1,
        };
        self.m.set(cond, rd);
        self.store_int(d, rd);
    }

    fn int_eqz(&mut self, size: Size, dst: Reg, src: Reg) {
        let (d, ls) = (self.loc(dst), self.loc(src));
        let rs = self.int_reg(size, ls, M::S1);
        self.m.cmp(size, rs, Src::Imm(0));
        let rd = match d {
            Loc::G(g) => g,
            _ => M::S1,
        };
        self.m.set(Cond::Eq, rd);
        self.store_int(d, rd);
    }

    fn int_unary(&mut self, size: Size, dst: Reg, src: Reg, f: impl FnOnce(&mut M, Gpr, Gpr)) {
        let (d, ls) = (self.loc(dst), self.loc(src));
        let rs = self.int_reg(size, ls, M::S2);
        let rd = match d {
            Loc::G(g) => g,
            _ => M::S1,
        };
        f(&mut self.m, rd, rs);
        self.store_int(d, rd);
    }

    fn float_bin(&mut self, op: FBinOp, size: FSize, dst: Reg, a: Reg, b: Reg) {
        let (d, mut la, mut lb) = (self.loc(dst), self.loc(a), self.loc(b));
        // As `int_bin`. Which NaN's payload a NaN sum or product of two NaNs
        // carries is left open by the specification, and the interpreter's
        // own order is LLVM's choice, which treats these as commutative.
        if matches!(op, FBinOp::Add | FBinOp::Mul) && lb == d && la != d {
            (la, lb) = (lb, la);
        }
        let fd = self.float_dst(d, lb);
        self.load_float(size, fd, la);
        let folded = match lb {
            // `x op x`: the operand is in `fd` already.
            _ if lb == la => {
                self.m.fbin(op, size, fd, fd);
                true
            }
            // A cell is read by the instruction itself where it can be.
            Loc::M(o) => self.m.fbin_mem(op, size, fd, Self::cell(o)),
            _ => false,
        };
        if !folded {
            let fb = self.float_reg(size, lb, M::FS2);
            self.m.fbin(op, size, fd, fb);
        }
        self.store_float(size, d, fd);
    }

    fn float_un(&mut self, op: FUnOp, size: FSize, dst: Reg, src: Reg) {
        let (d, ls) = (self.loc(dst), self.loc(src));
        let fs = self.float_reg(size, ls, M::FS2);
        let fd = match d {
            Loc::F(f) => f,
            _ => M::FS1,
        };
        self.m.fun(op, size, fd, fs);
        self.store_float(size, d, fd);
    }

    fn float_cmp(&mut self, cond: FCond, size: FSize, dst: Reg, a: Reg, b: Reg) {
        let (d, la, lb) = (self.loc(dst), self.loc(a), self.loc(b));
        let fa = self.float_reg(size, la, M::FS1);
        let fb = self.float_reg(size, lb, M::FS2);
        let rd = match d {
            Loc::G(g) => g,
            _ => M::S1,
        };
        self.m.fcmp_set(cond, size, rd, fa, fb);
        self.store_int(d, rd);
    }

    fn int_to_float(&mut self, from: Size, signed: bool, to: FSize, dst: Reg, src: Reg) {
        let (d, ls) = (self.loc(dst), self.loc(src));
        let rs = self.int_reg(from, ls, M::S1);
        let fd = match d {
            Loc::F(f) => f,
            _ => M::FS1,
        };
        self.m.int_to_float(from, signed, to, fd, rs);
        self.store_float(to, d, fd);
    }

    fn float_to_int(
        &mut self,
        from: FSize,
        to: Size,
        signed: bool,
        dst: Reg,
        src: Reg,
        trapping: bool,
    ) {
        let (d, ls) = (self.loc(dst), self.loc(src));
        let fs = self.float_reg(from, ls, M::FS2);
        let rd = match d {
            Loc::G(g) => g,
            _ => M::S1,
        };
        let traps = trapping.then(|| TruncTraps {
            invalid: code_of(TrapCode::InvalidConversionToInteger),
            overflow: code_of(TrapCode::IntegerOverflow),
        });
        self.m.float_to_int(from, to, signed, rd, fs, traps);
        self.store_int(d, rd);
    }

    fn float_to_float(&mut self, from: FSize, to: FSize, dst: Reg, src: Reg) {
        let (d, ls) = (self.loc(dst), self.loc(src));
        let fs = self.float_reg(from, ls, M::FS2);
        let fd = match d {
            Loc::F(f) => f,
            _ => M::FS1,
        };
        self.m.float_to_float(from, to, fd, fs);
        self.store_float(to, d, fd);
    }

    fn extend(&mut self, kind: ExtendKind, size: Size, dst: Reg, src: Reg) {
        self.int_unary(size, dst, src, |m, rd, rs| m.extend(kind, rd, rs));
    }

    /// The address `[base + ptr + offset]` in memory `memory`; offsets past
    /// i32 are added first and checked against the reservation. Memory 0's
    /// base is in `HEAP`; another memory's is loaded into `RET`.
    fn address_in(&mut self, memory: u32, ptr: Reg, offset: u32) -> Mem {
        let lp = self.loc(ptr);
        let rp = self.int_reg(Size::S32, lp, M::S1);
        // Up to 8 bytes at ptr + offset stay inside the reservation of
        // 4 GiB + guard while offset + 8 fits in the guard.
        let guard = self.module.engine.config().memory_guard_size;
        let (index, disp) = if offset <= i32::MAX as u32 && offset as u64 + 8 <= guard {
            (rp, offset as i32)
        } else {
            // ptr + offset >= 4 GiB is outside any 32-bit memory: trap before
            // reaching past the guard region.
            self.m.mov_imm64(M::S2, offset as u64);
            self.m.alu(AluOp::Add, Size::S64, M::S2, Src::Reg(rp));
            self.m.mov(Size::S64, M::RET, Src::Reg(M::S2));
            self.m.shift(ShiftOp::ShrU, Size::S64, M::RET, Src::Imm(32));
            self.m.cmp(Size::S64, M::RET, Src::Imm(0));
            self.m
                .trap_if(Cond::Ne, code_of(TrapCode::MemoryOutOfBounds));
            (M::S2, 0)
        };
        let base = self.memory_base(memory);
        Mem {
            base,
            index: Some(index),
            disp,
        }
    }

    /// The register holding memory `memory`'s base: `HEAP` for memory 0,
    /// else `RET`, loaded from the context's memory bases.
    fn memory_base(&mut self, memory: u32) -> Gpr {
        if memory == 0 {
            return M::HEAP;
        }
        self.context_array_entry(vmctx::MEM_BASES, memory);
        M::RET
    }

    /// Loads entry `index` of the array whose address is in the context at
    /// byte offset `field` into `RET`.
    fn context_array_entry(&mut self, field: i32, index: u32) {
        self.m
            .mov(Size::S64, M::RET, Src::Mem(Mem::at(M::CTX, field)));
        self.m.mov(
            Size::S64,
            M::RET,
            Src::Mem(Mem::at(M::RET, 8 * index as i32)),
        );
    }

    /// The offset and memory of the `imm` words of a `load.mem64` or
    /// `store.mem64`, starting at `at`.
    fn memarg64(&self, at: usize) -> (u64, u32) {
        let offset = (self.imm(at + 1) as u64) << 32 | self.imm(at) as u64;
        (offset, self.imm(at + 2))
    }

    /// The address of `size` bytes at `ptr + offset` in 64-bit memory
    /// `memory`, checked against the memory's current size (no guard region
    /// covers a 64-bit address): the sum and the end must not wrap, and the
    /// end must be within the size the context's bound holds. The memory's
    /// base is in `HEAP` (memory 0) or `RET`.
    fn address64(&mut self, memory: u32, ptr: Reg, offset: u64, size: u64) -> Mem {
        let oob = code_of(TrapCode::MemoryOutOfBounds);
        let lp = self.loc(ptr);
        self.load_int(Size::S64, M::S1, lp);
        self.m.mov_imm64(M::S2, offset);
        self.m.alu(AluOp::Add, Size::S64, M::S2, Src::Reg(M::S1));
        // A carry (past 2^64): the sum is below an addend. (No ISA-neutral
        // flag says so after an add.)
        self.m.cmp(Size::S64, M::S2, Src::Reg(M::S1));
        self.m.trap_if(Cond::LtU, oob);
        self.context_array_entry(vmctx::MEM_BOUNDS, memory);
        self.m.mov(Size::S64, M::RET, Src::Mem(Mem::at(M::RET, 0)));
        // The last address an access of `size` bytes may start at; a borrow
        // means the memory is smaller than the access.
        self.m
            .alu(AluOp::Sub, Size::S64, M::RET, Src::Imm(size as i32));
        self.m.trap_if(Cond::LtU, oob);
        self.m.cmp(Size::S64, M::S2, Src::Reg(M::RET));
        self.m.trap_if(Cond::GtU, oob);
        let base = self.memory_base(memory);
        Mem {
            base,
            index: Some(M::S2),
            disp: 0,
        }
    }

    /// The address `[heap + (a + b) mod 2^32]` of a fused `*Sum` access.
    fn sum_address(&mut self, a: Reg, b: Reg) -> Mem {
        let (la, lb) = (self.loc(a), self.loc(b));
        self.load_int(Size::S32, M::S1, la);
        let src = self.int_src(Size::S32, lb, M::S2);
        // A 32-bit add leaves the sum zero-extended.
        self.m.alu(AluOp::Add, Size::S32, M::S1, src);
        Mem {
            base: M::HEAP,
            index: Some(M::S1),
            disp: 0,
        }
    }

    fn load(&mut self, dst: Reg, ptr: Reg, offset: u32, kind: LoadKind, float: Option<FSize>) {
        self.load_in(0, dst, ptr, offset, (kind, float));
    }

    /// A load from memory `memory`.
    fn load_in(
        &mut self,
        memory: u32,
        dst: Reg,
        ptr: Reg,
        offset: u32,
        (kind, float): (LoadKind, Option<FSize>),
    ) {
        let mem = self.address_in(memory, ptr, offset);
        self.load_at(dst, mem, kind, float);
    }

    fn load_sum(&mut self, dst: Reg, a: Reg, b: Reg, kind: LoadKind, float: Option<FSize>) {
        let mem = self.sum_address(a, b);
        self.load_at(dst, mem, kind, float);
    }

    fn load_at(&mut self, dst: Reg, mem: Mem, kind: LoadKind, float: Option<FSize>) {
        let d = self.loc(dst);
        match (float, d) {
            (Some(fs), Loc::F(f)) => {
                let at = self.m.fload(fs, f, mem);
                self.site(at, TrapCode::MemoryOutOfBounds);
            }
            _ => {
                let rd = match d {
                    Loc::G(g) => g,
                    _ => M::S1,
                };
                let at = self.m.load(kind, rd, mem);
                self.site(at, TrapCode::MemoryOutOfBounds);
                self.store_int(d, rd);
            }
        }
    }

    fn store(&mut self, ptr: Reg, val: Reg, offset: u32, kind: StoreKind, float: Option<FSize>) {
        self.store_in(0, ptr, val, offset, (kind, float));
    }

    /// A store to memory `memory`.
    fn store_in(
        &mut self,
        memory: u32,
        ptr: Reg,
        val: Reg,
        offset: u32,
        (kind, float): (StoreKind, Option<FSize>),
    ) {
        self.store_to(val, kind, float, |this| {
            this.address_in(memory, ptr, offset)
        });
    }

    fn store_sum(&mut self, a: Reg, b: Reg, val: Reg, kind: StoreKind, float: Option<FSize>) {
        self.store_to(val, kind, float, |this| this.sum_address(a, b));
    }

    /// Stores `val` at the address `address` computes, after the value is
    /// in a register (the address may use S1/S2).
    fn store_to(
        &mut self,
        val: Reg,
        kind: StoreKind,
        float: Option<FSize>,
        address: impl FnOnce(&mut Self) -> Mem,
    ) {
        let lv = self.loc(val);
        // The value first: the address may use S1/S2.
        let value = match (float, lv) {
            (Some(fs), Loc::F(f)) => Err((fs, f)),
            _ => {
                let size = if kind == StoreKind::B64 {
                    Size::S64
                } else {
                    Size::S32
                };
                match lv {
                    Loc::G(g) => Ok(g),
                    _ => {
                        self.load_int(size, M::T1, lv);
                        Ok(M::T1)
                    }
                }
            }
        };
        let mem = address(self);
        let at = match value {
            Ok(r) => self.m.store(kind, mem, r),
            Err((fs, f)) => self.m.fstore(fs, mem, f),
        };
        self.site(at, TrapCode::MemoryOutOfBounds);
    }

    /// `call_indirect` through table 0 of a function of this instance with
    /// the expected signature: with the element index in `S2`, jumps to
    /// `direct` with the callee's entry in `RET`, or to `slow` for every
    /// other case (out of range, null, host or another instance's function,
    /// another signature), leaving `S2` as it was. Nothing is live in the
    /// other caller-saved registers at a call.
    fn indirect_fast_path(
        &mut self,
        ty: u32,
        slow: dynasmrt::DynamicLabel,
        direct: dynasmrt::DynamicLabel,
    ) {
        use crate::runtime::call_targets as ct;
        let canonical = self.module.env.type_ids[ty as usize];
        self.m
            .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::TABLE0)));
        self.m
            .cmp(Size::S64, M::S2, Src::Mem(Mem::at(M::S1, ct::VIEW_LEN)));
        self.m.jcc(Cond::GeU, slow);
        self.m.mov(Size::S64, M::RET, Src::Reg(M::S2));
        self.m.shift(
            ShiftOp::Shl,
            Size::S64,
            M::RET,
            Src::Imm(ct::TARGET_SHIFT as i32),
        );
        self.m.alu(
            AluOp::Add,
            Size::S64,
            M::RET,
            Src::Mem(Mem::at(M::S1, ct::VIEW_PTR)),
        );
        self.m.mov(
            Size::S32,
            M::T2,
            Src::Mem(Mem::at(M::RET, ct::TARGET_INSTANCE)),
        );
        self.m
            .cmp(Size::S32, M::T2, Src::Mem(Mem::at(M::CTX, vmctx::INSTANCE)));
        self.m.jcc(Cond::Ne, slow);
        self.m
            .mov(Size::S32, M::T2, Src::Mem(Mem::at(M::RET, ct::TARGET_TYPE)));
        self.m.cmp(Size::S32, M::T2, Src::Imm(canonical as i32));
        self.m.jcc(Cond::Ne, slow);
        self.m
            .mov(Size::S32, M::T2, Src::Mem(Mem::at(M::RET, ct::TARGET_DEF)));
        self.m.shift(ShiftOp::Shl, Size::S64, M::T2, Src::Imm(3));
        self.m
            .mov(Size::S64, M::RET, Src::Mem(Mem::at(M::CTX, vmctx::ENTRIES)));
        self.m.alu(AluOp::Add, Size::S64, M::RET, Src::Reg(M::T2));
        self.m.mov(Size::S64, M::RET, Src::Mem(Mem::at(M::RET, 0)));
        self.m.jmp(direct);
    }

    /// Calls imported function `func` through the hook, with its frame at
    /// `FP + frame` bytes, and raises its trap if it reported one.
    fn call_import_hook(&mut self, frame: i32, func: u32) {
        self.m.mov(Size::S64, M::ARGS[0], Src::Reg(M::CTX));
        self.m.lea(M::ARGS[1], Mem::at(M::FP, frame));
        self.m.mov(Size::S32, M::ARGS[2], Src::Imm(func as i32));
        self.fuel_to_memory();
        self.m.call_mem(Mem::at(M::CTX, vmctx::CALL_IMPORT));
        // Before a raise: the trap hands the register back.
        self.fuel_from_memory();
        self.check_status(M::RET);
    }

    /// Calls the `call_indirect` hook with the callee's frame at `FP +
    /// frame` bytes and the element index in `S2`, then compares what it
    /// gave back with `DIRECT_ENTRY_MIN` (at or above: an entry to call).
    fn call_indirect_hook(&mut self, frame: i32, ty: u32, table: u32) {
        self.m.mov(Size::S64, M::ARGS[0], Src::Reg(M::CTX));
        self.m.lea(M::ARGS[1], Mem::at(M::FP, frame));
        self.m.mov(Size::S64, M::ARGS[2], Src::Reg(M::S2));
        self.m.mov(Size::S32, M::ARGS[3], Src::Imm(ty as i32));
        self.m.mov(Size::S32, M::ARGS[4], Src::Imm(table as i32));
        self.m.call_mem(Mem::at(M::CTX, vmctx::CALL_INDIRECT));
        self.m
            .cmp(Size::S64, M::RET, Src::Imm(super::DIRECT_ENTRY_MIN as i32));
    }

    /// Writes result values to cells `0..n` and returns.
    fn ret(&mut self, srcs: &[Reg]) {
        self.move_to_cells(srcs);
        self.epilogue();
    }

    /// Writes `srcs` to cells `0..n` of this frame: results, or a tail
    /// call's arguments. Uses only `S1`.
    fn move_to_cells(&mut self, srcs: &[Reg]) {
        match srcs {
            [] => {}
            [s] => {
                let l = self.loc(*s);
                self.copy(Loc::M(0), l);
            }
            _ => {
                // Sources may be cells 0..n themselves: go through the stack.
                for &s in srcs {
                    let l = self.loc(s);
                    self.load_int(Size::S64, M::S1, l);
                    self.m.push(M::S1);
                }
                for k in (0..srcs.len()).rev() {
                    self.m.pop(M::S1);
                    self.m.store_reg(Size::S64, Self::cell(8 * k as i32), M::S1);
                }
            }
        }
    }

    /// Stores call arguments into the callee's frame, which starts at this
    /// frame's end.
    fn call_args(&mut self, args: &[Reg]) {
        let fs = self.body.frame_size as i32;
        for (k, &a) in args.iter().enumerate() {
            let l = self.loc(a);
            self.copy(Loc::M(8 * (fs + k as i32)), l);
        }
    }

    fn call_results(&mut self, results: &[Reg]) {
        let fs = self.body.frame_size as i32;
        for (k, &r) in results.iter().enumerate() {
            let d = self.loc(r);
            self.copy(d, Loc::M(8 * (fs + k as i32)));
        }
    }

    /// Calls a runtime helper `f(ctx, args...)`, raising its trap if it
    /// reported one, and writes its result to `dst`.
    fn helper(&mut self, f: Libcall, args: &[Loc], dst: Option<Reg>) {
        self.call_helper(HelperAt::Fixed(f), args, dst, false)
    }

    /// As [`Lowerer::helper`], for a bulk operation, which charges the
    /// store's fuel by its length: the fuel register is written back first
    /// and reloaded after.
    fn bulk_helper(&mut self, f: Libcall, args: &[Loc]) {
        self.call_helper(HelperAt::Fixed(f), args, None, true)
    }

    /// As [`Lowerer::helper`], for a helper that depends on the store's data
    /// type, found in the context at byte offset `field`.
    fn store_helper(&mut self, field: i32, args: &[Loc], dst: Option<Reg>) {
        self.call_helper(HelperAt::Context(field), args, dst, false)
    }

    fn call_helper(&mut self, f: HelperAt, args: &[Loc], dst: Option<Reg>, fuel: bool) {
        self.helper_call(f, false, args, fuel);
        self.m.mov(Size::S64, M::S1, Src::Reg(M::RET));
        self.m
            .mov(Size::S32, M::S2, Src::Mem(Mem::at(M::CTX, vmctx::TRAP)));
        self.m.raise_if_nonzero(M::S2);
        if let Some(dst) = dst {
            let d = self.loc(dst);
            self.store_int(d, M::S1);
        }
    }

    /// Calls helper `f(ctx, ...)`, its result left in `RET`: the arguments
    /// are `args`, after (with `outgoing`) the address of this frame's
    /// outgoing cells. With `fuel`, the fuel register is written back
    /// before and reloaded after.
    fn helper_call(&mut self, f: HelperAt, outgoing: bool, args: &[Loc], fuel: bool) {
        let first = usize::from(outgoing);
        // Arguments may sit in argument registers: pass them through the stack.
        for &a in args {
            self.load_int(Size::S64, M::S1, a);
            self.m.push(M::S1);
        }
        for k in (0..args.len()).rev() {
            self.m.pop(M::ARGS[1 + first + k]);
        }
        // The pushes and pops balance: the stack is aligned again for the call.
        if outgoing {
            let fs = 8 * self.body.frame_size as i32;
            self.m.lea(M::ARGS[1], Mem::at(M::FP, fs));
        }
        self.m.mov(Size::S64, M::ARGS[0], Src::Reg(M::CTX));
        if fuel {
            self.fuel_to_memory();
        }
        match f {
            HelperAt::Fixed(f) => {
                // Not through RET, which may be the context's argument register.
                self.m
                    .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::LIBCALLS)));
                self.m.call_mem(Mem::at(M::S1, 8 * f as i32));
            }
            HelperAt::Context(field) => self.m.call_mem(Mem::at(M::CTX, field)),
        }
        if fuel {
            // Before a raise: the trap hands the register back.
            self.fuel_from_memory();
        }
    }

    /// After a call that reports failure in `reg` (0: none): raises the
    /// failure, or, inside a `try_table`, hands an exception to its
    /// landing pad with the saved registers back in place.
    fn check_status(&mut self, reg: Gpr) {
        let Some((landing, save)) = self.catching else {
            self.m.raise_if_nonzero(reg);
            return;
        };
        let ok = self.m.new_label();
        self.m.branch_zero(Size::S32, reg, true, ok);
        self.m.mov(Size::S64, M::ARGS[1], Src::Reg(reg));
        self.enter_landing_pad(landing, save);
        self.m.bind(ok);
    }

    /// With a failure's status in `ARGS[1]`: takes the exception out of the
    /// store, or raises anything else on; then reloads the registers
    /// `save` kept and goes to the landing pad.
    fn enter_landing_pad(
        &mut self,
        landing: dynasmrt::DynamicLabel,
        save: Option<crate::ir::CallSave>,
    ) {
        self.helper_call(HelperAt::Fixed(Libcall::TakeException), false, &[], false);
        self.m.raise_if_nonzero(M::RET);
        if let Some(save) = save {
            self.save_registers(save, false);
        }
        self.m.jmp(landing);
    }

    /// Inside a `try_table`, makes the direct call just emitted a landing
    /// site: an exception raised below it resumes at a stub that puts
    /// this frame back and goes to the landing pad.
    fn catch_below(&mut self) {
        if let Some((landing, save)) = self.catching {
            let stub = self.m.new_label();
            self.m.landing_site(stub);
            self.landing_stubs.push((stub, landing, save));
        }
    }

    /// The landing sites' stubs. A catchable raise resumes at one with
    /// this function's stack pointer and, in `RESUME_FRAMES`, the number of function
    /// frames it left, whose epilogues did not run: the stub takes the
    /// frame pointer from the frame's slot (see `prologue`), gives back the
    /// call depth those frames took, reloads what the call saved and the
    /// memory base, takes the exception and goes to the landing pad.
    fn landing_stubs(&mut self) {
        for (stub, landing, save) in std::mem::take(&mut self.landing_stubs) {
            self.m.bind(stub);
            self.m.mov(Size::S64, M::FP, Src::Mem(Mem::at(M::SP, 0)));
            self.m
                .mov(Size::S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::DEPTH)));
            self.m.mov(Size::S64, M::S2, Src::Mem(Mem::at(M::S1, 0)));
            self.m
                .alu(AluOp::Sub, Size::S64, M::S2, Src::Reg(M::RESUME_FRAMES));
            self.m.store_reg(Size::S64, Mem::at(M::S1, 0), M::S2);
            self.m.mov(
                Size::S64,
                M::HEAP,
                Src::Mem(Mem::at(M::CTX, vmctx::MEM_BASE)),
            );
            // Only an exception of this store is raised catchable; anything
            // else goes on out.
            self.m.mov(
                Size::S32,
                M::ARGS[1],
                Src::Imm(strata_jit::CATCHABLE as i32),
            );
            self.enter_landing_pad(landing, save);
        }
    }

    /// Reads register `k` of the operand words starting at instruction `at`.
    fn operand(&self, at: usize, k: usize) -> Reg {
        match self.body.code[at + k / 3].op {
            Op::Args { r0, r1, r2 } | Op::Results { r0, r1, r2 } => [r0, r1, r2][k % 3],
            _ => 0,
        }
    }

    fn operands(&self, at: usize, n: usize) -> Vec<Reg> {
        (0..n).map(|k| self.operand(at, k)).collect()
    }

    fn imm(&self, at: usize) -> u32 {
        match self.body.code[at].op {
            Op::Imm { value } => value,
            _ => 0,
        }
    }

    fn branch_target(&mut self, i: usize, offset: i32) -> dynasmrt::DynamicLabel {
        self.label((i as i64 + offset as i64) as usize)
    }

    /// The target of the fused compare-and-branch at `i` with 16-bit
    /// offset `off`, or its far offset from the body's table.
    fn fused_target(&mut self, i: usize, off: i16) -> dynasmrt::DynamicLabel {
        let off = match off {
            FuncBody::FAR => self.body.far_offset(i),
            short => short as i32,
        };
        self.branch_target(i, off)
    }

    #[allow(clippy::too_many_lines)]
    fn body(&mut self) -> Result<(), String> {
        use FSize::{F32, F64};
        use Size::{S32, S64};
        // The body outlives the lowerer, so its code is borrowed, not copied.
        let body: &FuncBody = self.body;
        let code = &body.code;
        let mut i = 0usize;
        while i < code.len() {
            if i > 0 && matches!(code[i - 1].op, Op::LoopHeader { .. }) {
                // Back-edges arrive here: a loop starts a 32-byte block, so
                // that where its function lands does not split it.
                self.m.align(32);
            }
            if let Some(l) = self.labels[i] {
                self.m.bind(l);
            }
            match crate::ir::back_edge_header(code, i) {
                // Entering the loop and every back-edge arrive here...
                Some(h) if h + 1 == i => self.epoch_check(),
                // ... or, for a rotated back-edge, one word further.
                Some(_) if self.labels[i].is_some() => self.epoch_check(),
                _ => {}
            }
            if let Some(osr) = self.osr_pending.take() {
                self.m.bind(osr);
            }
            // A fused pair's first word is lowered as its instruction.
            let op = code[i].op.plain();
            if self.labels[i].is_some() || !op.is_v128() {
                self.v128_cached = None;
            }
            let next = i + 1;
            let mut skip = 0usize;
            // Registers live across a call wait in their home cells.
            let save = if op.is_call() {
                let saves = &body.call_saves;
                saves
                    .binary_search_by_key(&(i as u32), |s| s.at)
                    .ok()
                    .map(|k| saves[k])
            } else {
                None
            };
            if let Some(save) = save {
                self.save_registers(save, true);
            }
            // What a `try_table` covers hands exceptions to its landing
            // pad; a tail call has left the function first.
            self.catching = match op.may_throw() {
                true => body
                    .landing_for(i as u32)
                    .map(|l| (self.label(l as usize), save)),
                false => None,
            };
            match op {
                Op::I32AddThenBrIfI32LtU { .. }
                | Op::I32AddIntoBrIfI32LtU { .. }
                | Op::I64AddThenI32Add { .. }
                | Op::I64AddIntoI32Add { .. }
                | Op::CopyThenCopy { .. }
                | Op::CopyIntoCopy { .. }
                | Op::I32AddThenI32Shl { .. }
                | Op::I32AddIntoI32Shl { .. }
                | Op::I32AddThenI32Add { .. }
                | Op::I32AddIntoI32Add { .. }
                | Op::I32AddThenBr { .. }
                | Op::I32ShrUThenI32Xor { .. }
                | Op::I32ShrUIntoI32Xor { .. }
                | Op::F64MulThenF64Add { .. }
                | Op::F64MulIntoF64Add { .. }
                | Op::I64ExtendI32UThenI64Add { .. }
                | Op::I64ExtendI32UIntoI64Add { .. }
                | Op::I64AddThenCopy { .. }
                | Op::I64AddIntoCopy { .. }
                | Op::I32XorThenI32And { .. }
                | Op::I32XorIntoI32And { .. }
                | Op::I32ShlThenI32LoadSum { .. }
                | Op::I32ShlIntoI32LoadSum { .. }
                | Op::I32ShlThenI32Xor { .. }
                | Op::I32ShlIntoI32Xor { .. }
                | Op::I32MulThenI32Add { .. }
                | Op::I32MulIntoI32Add { .. }
                | Op::I32AddThenCopy { .. }
                | Op::I32AddIntoCopy { .. }
                | Op::CopyThenI32Sub { .. }
                | Op::CopyIntoI32Sub { .. }
                | Op::I32SubThenBr { .. }
                | Op::F64MulThenF64Mul { .. }
                | Op::F64MulIntoF64Mul { .. }
                | Op::CopyThenI32Add { .. }
                | Op::CopyIntoI32Add { .. }
                | Op::CopyThenBr { .. }
                | Op::I32AddThenI32Load { .. }
                | Op::I32AddIntoI32Load { .. }
                | Op::F64AddThenCopy { .. }
                | Op::F64AddIntoCopy { .. }
                | Op::I32XorThenI32Shl { .. }
                | Op::I32XorIntoI32Shl { .. }
                | Op::I32XorThenI32ShrU { .. }
                | Op::I32XorIntoI32ShrU { .. }
                | Op::I32ShlThenI32Add { .. }
                | Op::I32ShlIntoI32Add { .. }
                | Op::I32ReinterpretF32Acc { .. }
                | Op::I32EqzAcc { .. }
                | Op::I64EqzAcc { .. }
                | Op::I32ClzAcc { .. }
                | Op::I32CtzAcc { .. }
                | Op::I32PopcntAcc { .. }
                | Op::I64ClzAcc { .. }
                | Op::I64CtzAcc { .. }
                | Op::I64PopcntAcc { .. }
                | Op::F32AbsAcc { .. }
                | Op::F32NegAcc { .. }
                | Op::F32CeilAcc { .. }
                | Op::F32FloorAcc { .. }
                | Op::F32TruncAcc { .. }
                | Op::F32NearestAcc { .. }
                | Op::F32SqrtAcc { .. }
                | Op::F64AbsAcc { .. }
                | Op::F64NegAcc { .. }
                | Op::F64CeilAcc { .. }
                | Op::F64FloorAcc { .. }
                | Op::F64TruncAcc { .. }
                | Op::F64NearestAcc { .. }
                | Op::F64SqrtAcc { .. }
                | Op::I32WrapI64Acc { .. }
                | Op::I64ExtendI32SAcc { .. }
                | Op::I64ExtendI32UAcc { .. }
                | Op::F32ConvertI32SAcc { .. }
                | Op::F32ConvertI32UAcc { .. }
                | Op::F32ConvertI64SAcc { .. }
                | Op::F32ConvertI64UAcc { .. }
                | Op::F32DemoteF64Acc { .. }
                | Op::F64ConvertI32SAcc { .. }
                | Op::F64ConvertI32UAcc { .. }
                | Op::F64ConvertI64SAcc { .. }
                | Op::F64ConvertI64UAcc { .. }
                | Op::F64PromoteF32Acc { .. }
                | Op::I32Extend8SAcc { .. }
                | Op::I32Extend16SAcc { .. }
                | Op::I64Extend8SAcc { .. }
                | Op::I64Extend16SAcc { .. }
                | Op::I64Extend32SAcc { .. }
                | Op::I32TruncSatF32SAcc { .. }
                | Op::I32TruncSatF32UAcc { .. }
                | Op::I32TruncSatF64SAcc { .. }
                | Op::I32TruncSatF64UAcc { .. }
                | Op::I64TruncSatF32SAcc { .. }
                | Op::I64TruncSatF32UAcc { .. }
                | Op::I64TruncSatF64SAcc { .. }
                | Op::I64TruncSatF64UAcc { .. }
                | Op::I32EqAcc { .. }
                | Op::I32NeAcc { .. }
                | Op::I32LtSAcc { .. }
                | Op::I32LtUAcc { .. }
                | Op::I32GtSAcc { .. }
                | Op::I32GtUAcc { .. }
                | Op::I32LeSAcc { .. }
                | Op::I32LeUAcc { .. }
                | Op::I32GeSAcc { .. }
                | Op::I32GeUAcc { .. }
                | Op::I64EqAcc { .. }
                | Op::I64NeAcc { .. }
                | Op::I64LtSAcc { .. }
                | Op::I64LtUAcc { .. }
                | Op::I64GtSAcc { .. }
                | Op::I64GtUAcc { .. }
                | Op::I64LeSAcc { .. }
                | Op::I64LeUAcc { .. }
                | Op::I64GeSAcc { .. }
                | Op::I64GeUAcc { .. }
                | Op::F32EqAcc { .. }
                | Op::F32NeAcc { .. }
                | Op::F32LtAcc { .. }
                | Op::F32GtAcc { .. }
                | Op::F32LeAcc { .. }
                | Op::F32GeAcc { .. }
                | Op::F64EqAcc { .. }
                | Op::F64NeAcc { .. }
                | Op::F64LtAcc { .. }
                | Op::F64GtAcc { .. }
                | Op::F64LeAcc { .. }
                | Op::F64GeAcc { .. }
                | Op::I32AddAcc { .. }
                | Op::I32SubAcc { .. }
                | Op::I32MulAcc { .. }
                | Op::I32AndAcc { .. }
                | Op::I32OrAcc { .. }
                | Op::I32XorAcc { .. }
                | Op::I32ShlAcc { .. }
                | Op::I32ShrSAcc { .. }
                | Op::I32ShrUAcc { .. }
                | Op::I32RotlAcc { .. }
                | Op::I32RotrAcc { .. }
                | Op::I64AddAcc { .. }
                | Op::I64SubAcc { .. }
                | Op::I64MulAcc { .. }
                | Op::I64AndAcc { .. }
                | Op::I64OrAcc { .. }
                | Op::I64XorAcc { .. }
                | Op::I64ShlAcc { .. }
                | Op::I64ShrSAcc { .. }
                | Op::I64ShrUAcc { .. }
                | Op::I64RotlAcc { .. }
                | Op::I64RotrAcc { .. }
                | Op::F32AddAcc { .. }
                | Op::F32SubAcc { .. }
                | Op::F32MulAcc { .. }
                | Op::F32DivAcc { .. }
                | Op::F32MinAcc { .. }
                | Op::F32MaxAcc { .. }
                | Op::F32CopysignAcc { .. }
                | Op::F64AddAcc { .. }
                | Op::F64SubAcc { .. }
                | Op::F64MulAcc { .. }
                | Op::F64DivAcc { .. }
                | Op::F64MinAcc { .. }
                | Op::F64MaxAcc { .. }
                | Op::F64CopysignAcc { .. }
                | Op::BrIfI32EqAcc { .. }
                | Op::BrIfI32NeAcc { .. }
                | Op::BrIfI32LtSAcc { .. }
                | Op::BrIfI32LtUAcc { .. }
                | Op::BrIfI32GtSAcc { .. }
                | Op::BrIfI32GtUAcc { .. }
                | Op::BrIfI32LeSAcc { .. }
                | Op::BrIfI32LeUAcc { .. }
                | Op::BrIfI32GeSAcc { .. }
                | Op::BrIfI32GeUAcc { .. }
                | Op::BrIfI64EqAcc { .. }
                | Op::BrIfI64NeAcc { .. }
                | Op::BrIfI64LtSAcc { .. }
                | Op::BrIfI64LtUAcc { .. }
                | Op::BrIfI64GtSAcc { .. }
                | Op::BrIfI64GtUAcc { .. }
                | Op::BrIfI64LeSAcc { .. }
                | Op::BrIfI64LeUAcc { .. }
                | Op::BrIfI64GeSAcc { .. }
                | Op::BrIfI64GeUAcc { .. }
                | Op::BrIfF32EqAcc { .. }
                | Op::BrIfF32NeAcc { .. }
                | Op::BrIfF32LtAcc { .. }
                | Op::BrIfF32GtAcc { .. }
                | Op::BrIfF32LeAcc { .. }
                | Op::BrIfF32GeAcc { .. }
                | Op::BrIfF32NotLtAcc { .. }
                | Op::BrIfF32NotGtAcc { .. }
                | Op::BrIfF32NotLeAcc { .. }
                | Op::BrIfF32NotGeAcc { .. }
                | Op::BrIfF64EqAcc { .. }
                | Op::BrIfF64NeAcc { .. }
                | Op::BrIfF64LtAcc { .. }
                | Op::BrIfF64GtAcc { .. }
                | Op::BrIfF64LeAcc { .. }
                | Op::BrIfF64GeAcc { .. }
                | Op::BrIfF64NotLtAcc { .. }
                | Op::BrIfF64NotGtAcc { .. }
                | Op::BrIfF64NotLeAcc { .. }
                | Op::BrIfF64NotGeAcc { .. }
                | Op::I32LoadAcc { .. }
                | Op::I64LoadAcc { .. }
                | Op::F32LoadAcc { .. }
                | Op::F64LoadAcc { .. }
                | Op::I32Load8SAcc { .. }
                | Op::I32Load8UAcc { .. }
                | Op::I32Load16SAcc { .. }
                | Op::I32Load16UAcc { .. }
                | Op::I64Load8SAcc { .. }
                | Op::I64Load8UAcc { .. }
                | Op::I64Load16SAcc { .. }
                | Op::I64Load16UAcc { .. }
                | Op::I64Load32SAcc { .. }
                | Op::I64Load32UAcc { .. }
                | Op::I32LoadSumAcc { .. }
                | Op::I64LoadSumAcc { .. }
                | Op::F32LoadSumAcc { .. }
                | Op::F64LoadSumAcc { .. }
                | Op::I32Load8SSumAcc { .. }
                | Op::I32Load8USumAcc { .. }
                | Op::I32Load16SSumAcc { .. }
                | Op::I32Load16USumAcc { .. }
                | Op::CopyAcc { .. }
                | Op::BrIfNezAcc { .. }
                | Op::BrIfEqzAcc { .. }
                | Op::I32StoreAcc { .. }
                | Op::I64StoreAcc { .. }
                | Op::F32StoreAcc { .. }
                | Op::F64StoreAcc { .. }
                | Op::I32Store8Acc { .. }
                | Op::I32Store16Acc { .. }
                | Op::I64Store8Acc { .. }
                | Op::I64Store16Acc { .. }
                | Op::I64Store32Acc { .. }
                | Op::I32StoreSumAcc { .. }
                | Op::I64StoreSumAcc { .. }
                | Op::F32StoreSumAcc { .. }
                | Op::F64StoreSumAcc { .. }
                | Op::I32Store8SumAcc { .. }
                | Op::I32Store16SumAcc { .. }
                | Op::GlobalSetAcc { .. }
                | Op::Return1Acc { .. } => {
                    return Err(format!("fused or accumulator form {op} left after `plain`"));
                }
                Op::CopyV128 { dst, src } => {
                    let d = self.vdst(dst, M::FS1);
                    self.vget(d, src);
                    self.vdone(dst, d);
                }
                Op::SelectV128 { dst, a, b } => {
                    let cond = self.operand(next, 0);
                    let lc = self.loc(cond);
                    self.load_int(S32, M::T1, lc);
                    let done = self.m.new_label();
                    self.vget(M::FS2, b);
                    self.vget(M::FS1, a);
                    self.m.branch_zero(S32, M::T1, false, done);
                    self.m.fmov(F64, M::FS1, M::FS2);
                    self.m.bind(done);
                    self.vput(dst);
                    skip = 1;
                }
                Op::GlobalGetV128 { dst, global } => {
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::GLOBALS)));
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::S1, 8 * global as i32)));
                    let d = self.vdst(dst, M::FS1);
                    self.m.vload(d, Mem::at(M::S1, 0));
                    self.vdone(dst, d);
                }
                Op::GlobalSetV128 { src, global } => {
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::GLOBALS)));
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::S1, 8 * global as i32)));
                    let f = self.vread(src);
                    self.m.vstore(Mem::at(M::S1, 0), f);
                }
                Op::V128Unary { dst, src, op } => match sse_unary(op) {
                    Some(vop) => {
                        let fs = self.vsrc(src, M::FS2);
                        let d = self.vdst(dst, fs);
                        self.m.vun(vop, d, fs);
                        self.vdone(dst, d);
                    }
                    None => return Err(no_sse(op)),
                },
                Op::V128Binary { dst, a, b } => {
                    let op = self.v128_op(next)?;
                    match sse_binary(op) {
                        Some((vop, swap)) => {
                            let (a, b) = if swap { (b, a) } else { (a, b) };
                            let fb = self.vsrc(b, M::FS2);
                            let d = self.vdst(dst, fb);
                            self.vget(d, a);
                            self.m.vbin(vop, d, fb);
                            self.vdone(dst, d);
                        }
                        None => match sse_compare(op) {
                            Some(Compare {
                                first,
                                swap,
                                eq,
                                negate,
                            }) => {
                                // `first(b, a)` (or `first(a, b)`), then
                                // (for the unsigned ones) whether that
                                // equals `a`, then perhaps `!`.
                                self.vget(M::FS2, b);
                                self.vget(M::FS1, a);
                                let (t, other) = if swap {
                                    (M::FS1, M::FS2)
                                } else {
                                    (M::FS2, M::FS1)
                                };
                                self.m.vbin(first, t, other);
                                if let Some(eq) = eq {
                                    self.m.vbin(eq, t, other);
                                }
                                if negate {
                                    self.m.vun(VUnOp::Not, other, t);
                                    self.m.fmov(F64, M::FS1, other);
                                } else {
                                    self.m.fmov(F64, M::FS1, t);
                                }
                                self.vput(dst);
                            }
                            None if matches!(
                                op,
                                V128Op::I8x16Swizzle | V128Op::I8x16RelaxedSwizzle
                            ) =>
                            {
                                // The index is clobbered: a copy.
                                self.vget(M::FS2, b);
                                let d = self.vdst(dst, M::FS2);
                                self.vget(d, a);
                                self.m.vswizzle(d, M::FS2);
                                self.vdone(dst, d);
                            }
                            None => return Err(no_sse(op)),
                        },
                    }
                    skip = 1;
                }
                Op::V128Ternary { dst, a, b } => {
                    let c = self.operand(next, 0);
                    let op = self.v128_op(next + 1)?;
                    let select = matches!(
                        op,
                        V128Op::V128Bitselect
                            | V128Op::I8x16RelaxedLaneselect
                            | V128Op::I16x8RelaxedLaneselect
                            | V128Op::I32x4RelaxedLaneselect
                            | V128Op::I64x2RelaxedLaneselect
                    );
                    if select {
                        // The mask from its cell (the cached vector was
                        // stored there too).
                        self.v128_in_cells(c);
                        let fb = self.vsrc(b, M::FS2);
                        let d = self.vdst(dst, fb);
                        self.vget(d, a);
                        self.m.vbitselect(d, fb, Self::cell(8 * c as i32));
                        self.vdone(dst, d);
                    } else if ternary_inline(op) {
                        self.v128_ternary(op, [dst, a, b, c]);
                    } else {
                        return Err(no_sse(op));
                    }
                    skip = 2;
                }
                Op::V128Shift { dst, a, count } => {
                    let op = self.v128_op(next)?;
                    match sse_shift(op) {
                        Some((vop, bits)) => {
                            // The count modulo the lane width, as wasm has it
                            // (SSE gives zero or the sign for larger ones).
                            let lc = self.loc(count);
                            self.load_int(S32, M::S1, lc);
                            self.m.alu(AluOp::And, S32, M::S1, Src::Imm(bits - 1));
                            self.m.gpr_to_fbits(F64, M::FS2, M::S1);
                            let d = self.vdst(dst, M::FS2);
                            self.vget(d, a);
                            self.m.vshift(vop, d, M::FS2);
                            self.vdone(dst, d);
                        }
                        None => return Err(no_sse(op)),
                    }
                    skip = 1;
                }
                Op::V128Splat { dst, src, op } => {
                    let ls = self.loc(src);
                    self.load_int(S64, M::S1, ls);
                    let d = self.vdst(dst, M::FS1);
                    self.m.vsplat(splat_lanes(op), d, M::S1);
                    self.vdone(dst, d);
                }
                Op::V128Test { dst, src, op } => match sse_test(op) {
                    Some(test) => {
                        let f = self.vread(src);
                        self.m.vtest(test, M::S1, f);
                        let d = self.loc(dst);
                        self.store_int(d, M::S1);
                        self.scalar_written(dst);
                    }
                    None => return Err(no_sse(op)),
                },
                Op::V128Extract { dst, src, op } => {
                    // The lane, read from the vector's cells as a load would.
                    let lane = self.imm(next) as i32;
                    let (kind, float, size) = extract_kind(op);
                    let in_register = match self.loc(src) {
                        Loc::F(f) => Some(f),
                        _ => (self.v128_cached == Some(src)).then_some(M::FS1),
                    };
                    match in_register {
                        Some(f) => {
                            let lanes = match size {
                                1 => VLanes::I8,
                                2 => VLanes::I16,
                                4 => VLanes::I32,
                                _ => VLanes::I64,
                            };
                            self.m.vextract(lanes, M::S1, f, lane as u8);
                            match kind {
                                LoadKind::S8To32 => self.m.extend(ExtendKind::S8To32, M::S1, M::S1),
                                LoadKind::S16To32 => {
                                    self.m.extend(ExtendKind::S16To32, M::S1, M::S1)
                                }
                                _ => {}
                            }
                            let d = self.loc(dst);
                            self.store_int(d, M::S1);
                        }
                        // The lane, read from the vector's cells as a load would.
                        None => {
                            let mem = Self::cell(8 * src as i32 + size * lane);
                            self.load_at(dst, mem, kind, float);
                        }
                    }
                    self.scalar_written(dst);
                    skip = 1;
                }
                Op::V128Replace { dst, src, x } => {
                    let imm = self.imm(next);
                    let lane = (imm >> 16) as u8;
                    let lanes = match V128Op::ALL.get(imm as u16 as usize) {
                        Some(V128Op::I8x16ReplaceLane) => VLanes::I8,
                        Some(V128Op::I16x8ReplaceLane) => VLanes::I16,
                        Some(V128Op::I64x2ReplaceLane | V128Op::F64x2ReplaceLane) => VLanes::I64,
                        _ => VLanes::I32,
                    };
                    // The scalar first (it may share a cell or register
                    // with `dst`), then the vector, then the lane over it.
                    let lx = self.loc(x);
                    self.load_int(S64, M::S1, lx);
                    let d = self.vdst(dst, M::FS1);
                    self.vget(d, src);
                    self.m.vinsert(lanes, d, M::S1, lane);
                    self.vdone(dst, d);
                    skip = 1;
                }
                Op::V128Shuffle { dst, a, b } => {
                    // The lanes are a constant of the body (the translator's).
                    let lanes = self.operand(next, 0);
                    let bits = self
                        .v128_constant(lanes)
                        .ok_or("i8x16.shuffle lanes that are not a constant")?;
                    // `b` is clobbered: a copy.
                    self.vget(M::FS2, b);
                    let d = self.vdst(dst, M::FS2);
                    self.vget(d, a);
                    self.m.vshuffle(d, M::FS2, bits.to_le_bytes());
                    self.vdone(dst, d);
                    skip = 1;
                }
                Op::V128Load { dst, ptr, kind } => {
                    let (offset, memory) = self.memarg64(next);
                    match self.v128_address(memory, ptr, offset, kind) {
                        Some(mem) => {
                            let d = self.vdst(dst, M::FS1);
                            let at = match kind {
                                V128Mem::Load => self.m.vload(d, mem),
                                V128Mem::Load8Splat
                                | V128Mem::Load16Splat
                                | V128Mem::Load32Splat
                                | V128Mem::Load64Splat => {
                                    let (load, lanes) = match kind {
                                        V128Mem::Load8Splat => (LoadKind::U8, VLanes::I8),
                                        V128Mem::Load16Splat => (LoadKind::U16, VLanes::I16),
                                        V128Mem::Load32Splat => (LoadKind::U32, VLanes::I32),
                                        _ => (LoadKind::U64, VLanes::I64),
                                    };
                                    let at = self.m.load(load, M::S1, mem);
                                    self.m.vsplat(lanes, d, M::S1);
                                    at
                                }
                                _ => self.m.vload_kind(vload_kind(kind), d, mem),
                            };
                            self.site(at, TrapCode::MemoryOutOfBounds);
                            self.vdone(dst, d);
                        }
                        None => self.v128_slow(
                            V128Slow::Load,
                            kind as u16,
                            [dst, ptr, 0],
                            0,
                            (memory, offset),
                        ),
                    }
                    skip = 3;
                }
                Op::V128LoadLane { dst, ptr, vec } => {
                    let (offset, memory) = self.memarg64(next);
                    let imm = self.imm(next + 3);
                    let (id, lane) = (imm as u8, (imm >> 8) as u8);
                    let kind = V128Mem::ALL
                        .get(id as usize)
                        .copied()
                        .ok_or("v128 access out of range")?;
                    match self.v128_address(memory, ptr, offset, kind) {
                        Some(mem) => {
                            // The lane into T1 (the address may use the
                            // scratch registers), then into the vector.
                            let (load, lanes) = lane_access(kind);
                            let at = self.m.load(load, M::T1, mem);
                            self.site(at, TrapCode::MemoryOutOfBounds);
                            let d = self.vdst(dst, M::FS1);
                            self.vget(d, vec);
                            self.m.vinsert(lanes, d, M::T1, lane);
                            self.vdone(dst, d);
                        }
                        None => self.v128_slow(
                            V128Slow::LoadLane,
                            id as u16,
                            [dst, ptr, vec],
                            lane,
                            (memory, offset),
                        ),
                    }
                    skip = 4;
                }
                Op::V128Store { ptr, val, kind } => {
                    let (offset, memory) = self.memarg64(next);
                    let lane = self.imm(next + 3) as u8;
                    // The value first: the address may use the scratch registers.
                    let f = self.vread(val);
                    let (_, lanes) = lane_access(kind);
                    if kind != V128Mem::Store {
                        self.m.vextract(lanes, M::T1, f, lane);
                    }
                    match self.v128_address(memory, ptr, offset, kind) {
                        Some(mem) => {
                            let at = match kind {
                                V128Mem::Store => self.m.vstore(mem, f),
                                V128Mem::Store8Lane => self.m.store(StoreKind::B8, mem, M::T1),
                                V128Mem::Store16Lane => self.m.store(StoreKind::B16, mem, M::T1),
                                V128Mem::Store32Lane => self.m.store(StoreKind::B32, mem, M::T1),
                                _ => self.m.store(StoreKind::B64, mem, M::T1),
                            };
                            self.site(at, TrapCode::MemoryOutOfBounds);
                        }
                        None => self.v128_slow(
                            V128Slow::Store,
                            kind as u16,
                            [0, ptr, val],
                            lane,
                            (memory, offset),
                        ),
                    }
                    skip = 4;
                }
                Op::Unreachable {} => self.m.trap(code_of(TrapCode::Unreachable)),
                Op::ConsumeFuel { amount } => {
                    // Charged, then checked, as the interpreter does.
                    self.m
                        .alu(AluOp::Sub, S64, M::FUEL, Src::Imm(amount as i32));
                    self.m.trap_if(Cond::LtS, code_of(TrapCode::OutOfFuel));
                }
                Op::Copy { dst, src } => {
                    let (d, s) = (self.loc(dst), self.loc(src));
                    self.copy(d, s);
                }
                Op::I32ReinterpretF32 { dst, src } => {
                    let (d, s) = (self.loc(dst), self.loc(src));
                    self.load_int(S32, M::S1, s);
                    self.store_int(d, M::S1);
                }
                Op::LoopHeader { loop_id } => {
                    let osr = self.m.new_label();
                    self.loops.push((loop_id, osr));
                    self.osr_pending = Some(osr);
                }
                Op::Br { offset } => {
                    let t = self.branch_target(i, offset);
                    self.m.jmp(t);
                }
                Op::BrIfNez { cond, offset } | Op::BrIfEqz { cond, offset } => {
                    let t = self.branch_target(i, offset);
                    let l = self.loc(cond);
                    let r = self.int_reg(S32, l, M::S1);
                    let if_zero = matches!(op, Op::BrIfEqz { .. });
                    self.m.branch_zero(S32, r, if_zero, t);
                }
                Op::BrTable { index, len } => {
                    let l = self.loc(index);
                    let r = self.int_reg(S32, l, M::S1);
                    let mut targets = Vec::with_capacity(len as usize + 1);
                    for k in 0..=len as usize {
                        let at = next + k;
                        let Op::Br { offset } = code[at].op else {
                            return Err("br_table without its targets".into());
                        };
                        targets.push(self.branch_target(at, offset));
                    }
                    let default = targets[len as usize];
                    self.m.cmp(S32, r, Src::Imm(len as i32));
                    self.m.jcc(Cond::GeU, default);
                    self.m.jump_table(r, &targets[..len as usize]);
                    skip = len as usize + 1;
                }
                Op::Return0 {} => self.ret(&[]),
                Op::Return1 { src } => self.ret(&[src]),
                Op::ReturnN { count } => {
                    let srcs = self.operands(next, count as usize);
                    self.ret(&srcs);
                    skip = (count as usize).div_ceil(3);
                }
                Op::Args { .. } | Op::Results { .. } | Op::Imm { .. } => {}
                Op::CallInternal { func } => {
                    let env = &self.module.env;
                    let callee = env.func_type(env.num_imported_funcs + func);
                    let (np, nr) = (callee.param_cells(), callee.result_cells());
                    let args = self.operands(next, np);
                    let results = self.operands(next + np.div_ceil(3), nr);
                    self.call_args(&args);
                    self.fuel_to_memory();
                    let fs = 8 * self.body.frame_size as i32;
                    self.m.lea(M::FP, Mem::at(M::FP, fs));
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::ENTRIES)));
                    self.m.call_mem(Mem::at(M::S1, 8 * func as i32));
                    self.catch_below();
                    self.m.lea(M::FP, Mem::at(M::FP, -fs));
                    self.fuel_from_memory();
                    self.call_results(&results);
                    skip = np.div_ceil(3) + nr.div_ceil(3);
                }
                // Tail calls: the arguments go to this frame's first cells,
                // where the callee's frame starts, and the callee returns to
                // this function's caller.
                Op::ReturnCallInternal { func } => {
                    let env = &self.module.env;
                    let np = env.func_type(env.num_imported_funcs + func).param_cells();
                    let args = self.operands(next, np);
                    self.move_to_cells(&args);
                    self.leave();
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::ENTRIES)));
                    self.m.jmp_mem(Mem::at(M::S1, 8 * func as i32));
                    skip = np.div_ceil(3);
                }
                // Another instance's function or a host function runs on
                // this frame through the hook; then this function returns.
                Op::ReturnCallImported { func } => {
                    let np = self.module.env.func_type(func).param_cells();
                    let args = self.operands(next, np);
                    self.move_to_cells(&args);
                    self.call_import_hook(0, func);
                    self.epilogue();
                    skip = np.div_ceil(3);
                }
                Op::ReturnCallIndirect { index, ty } => {
                    let table = self.imm(next);
                    let np = self.module.env.type_at(ty).param_cells();
                    let args = self.operands(next + 1, np);
                    let li = self.loc(index);
                    self.load_int(S32, M::S2, li);
                    self.move_to_cells(&args);
                    self.fuel_to_memory();
                    let (slow, direct) = (self.m.new_label(), self.m.new_label());
                    if table == 0 {
                        self.indirect_fast_path(ty, slow, direct);
                    }
                    self.m.bind(slow);
                    self.call_indirect_hook(0, ty, table);
                    self.m.jcc(Cond::GeU, direct);
                    // The hook made the call: its results are in place.
                    self.fuel_from_memory();
                    self.m.raise_if_nonzero(M::RET);
                    self.epilogue();
                    self.m.bind(direct);
                    self.leave();
                    self.m.jmp_reg(M::RET);
                    skip = 1 + np.div_ceil(3);
                }
                Op::CallImported { func } => {
                    let ty = self.module.env.func_type(func).clone();
                    let (np, nr) = (ty.param_cells(), ty.result_cells());
                    let args = self.operands(next, np);
                    let results = self.operands(next + np.div_ceil(3), nr);
                    self.call_args(&args);
                    self.call_import_hook(8 * self.body.frame_size as i32, func);
                    self.call_results(&results);
                    skip = np.div_ceil(3) + nr.div_ceil(3);
                }
                Op::CallIndirect { index, ty } => {
                    let table = self.imm(next);
                    let fty = self.module.env.type_at(ty).clone();
                    let (np, nr) = (fty.param_cells(), fty.result_cells());
                    let args = self.operands(next + 1, np);
                    let results = self.operands(next + 1 + np.div_ceil(3), nr);
                    let li = self.loc(index);
                    self.load_int(S32, M::S2, li);
                    self.call_args(&args);
                    let fs = 8 * self.body.frame_size as i32;
                    self.fuel_to_memory();
                    let (slow, direct) = (self.m.new_label(), self.m.new_label());
                    let (made, done) = (self.m.new_label(), self.m.new_label());
                    if table == 0 {
                        self.indirect_fast_path(ty, slow, direct);
                    }
                    // Other tables, other instances' functions, host
                    // functions and every trap: the hook.
                    self.m.bind(slow);
                    self.call_indirect_hook(fs, ty, table);
                    // An entry of this instance comes back to be called from
                    // here, as a direct call is (see `DIRECT_ENTRY_MIN`).
                    self.m.jcc(Cond::LtU, made);
                    self.m.bind(direct);
                    self.m.lea(M::FP, Mem::at(M::FP, fs));
                    self.m.call_reg(M::RET);
                    self.catch_below();
                    self.m.lea(M::FP, Mem::at(M::FP, -fs));
                    self.m.jmp(done);
                    self.m.bind(made);
                    self.fuel_from_memory();
                    self.check_status(M::RET);
                    self.m.bind(done);
                    self.fuel_from_memory();
                    self.call_results(&results);
                    skip = 1 + np.div_ceil(3) + nr.div_ceil(3);
                }
                Op::Select { dst, a, b } => {
                    let cond = self.operand(next, 0);
                    let (d, la, lb, lc) = (self.loc(dst), self.loc(a), self.loc(b), self.loc(cond));
                    let float = matches!(d, Loc::F(_))
                        || matches!(la, Loc::F(_))
                        || matches!(lb, Loc::F(_));
                    self.load_int(S32, M::T1, lc);
                    if float {
                        let done = self.m.new_label();
                        self.load_float(F64, M::FS1, la);
                        self.m.branch_zero(S32, M::T1, false, done);
                        self.load_float(F64, M::FS1, lb);
                        self.m.bind(done);
                        self.store_float(F64, d, M::FS1);
                    } else {
                        self.load_int(S64, M::S1, la);
                        self.load_int(S64, M::S2, lb);
                        self.m.select(S64, M::S1, M::T1, M::S2);
                        self.store_int(d, M::S1);
                    }
                    skip = 1;
                }
                Op::GlobalGet { dst, global } => {
                    let d = self.loc(dst);
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::GLOBALS)));
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::S1, 8 * global as i32)));
                    match d {
                        Loc::F(f) => {
                            self.m.fload(F64, f, Mem::at(M::S1, 0));
                        }
                        _ => {
                            self.m.mov(S64, M::S1, Src::Mem(Mem::at(M::S1, 0)));
                            self.store_int(d, M::S1);
                        }
                    }
                }
                Op::GlobalSet { src, global } => {
                    let s = self.loc(src);
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::CTX, vmctx::GLOBALS)));
                    self.m
                        .mov(S64, M::S1, Src::Mem(Mem::at(M::S1, 8 * global as i32)));
                    match s {
                        Loc::F(f) => {
                            self.m.fstore(F64, Mem::at(M::S1, 0), f);
                        }
                        _ => {
                            self.load_int(S64, M::S2, s);
                            self.m.store_reg(S64, Mem::at(M::S1, 0), M::S2);
                        }
                    }
                }
                Op::I32Load { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U32, None)
                }
                Op::I64Load { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U64, None)
                }
                Op::F32Load { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U32, Some(F32))
                }
                Op::F64Load { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U64, Some(F64))
                }
                Op::I32Load8S { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::S8To32, None)
                }
                Op::I32Load8U { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U8, None)
                }
                Op::I32Load16S { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::S16To32, None)
                }
                Op::I32Load16U { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U16, None)
                }
                Op::I64Load8S { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::S8To64, None)
                }
                Op::I64Load8U { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U8, None)
                }
                Op::I64Load16S { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::S16To64, None)
                }
                Op::I64Load16U { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U16, None)
                }
                Op::I64Load32S { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::S32To64, None)
                }
                Op::I64Load32U { dst, ptr, offset } => {
                    self.load(dst, ptr, offset as u32, LoadKind::U32, None)
                }
                Op::I32Store { ptr, val, offset } => {
                    self.store(ptr, val, offset as u32, StoreKind::B32, None)
                }
                Op::I64Store { ptr, val, offset } => {
                    self.store(ptr, val, offset as u32, StoreKind::B64, None)
                }
                Op::F32Store { ptr, val, offset } => {
                    self.store(ptr, val, offset as u32, StoreKind::B32, Some(F32))
                }
                Op::F64Store { ptr, val, offset } => {
                    self.store(ptr, val, offset as u32, StoreKind::B64, Some(F64))
                }
                Op::I32Store8 { ptr, val, offset } | Op::I64Store8 { ptr, val, offset } => {
                    self.store(ptr, val, offset as u32, StoreKind::B8, None)
                }
                Op::I32Store16 { ptr, val, offset } | Op::I64Store16 { ptr, val, offset } => {
                    self.store(ptr, val, offset as u32, StoreKind::B16, None)
                }
                Op::I64Store32 { ptr, val, offset } => {
                    self.store(ptr, val, offset as u32, StoreKind::B32, None)
                }
                Op::I32LoadSum { dst, a, b } => self.load_sum(dst, a, b, LoadKind::U32, None),
                Op::I64LoadSum { dst, a, b } => self.load_sum(dst, a, b, LoadKind::U64, None),
                Op::F32LoadSum { dst, a, b } => self.load_sum(dst, a, b, LoadKind::U32, Some(F32)),
                Op::F64LoadSum { dst, a, b } => self.load_sum(dst, a, b, LoadKind::U64, Some(F64)),
                Op::I32Load8SSum { dst, a, b } => self.load_sum(dst, a, b, LoadKind::S8To32, None),
                Op::I32Load8USum { dst, a, b } => self.load_sum(dst, a, b, LoadKind::U8, None),
                Op::I32Load16SSum { dst, a, b } => {
                    self.load_sum(dst, a, b, LoadKind::S16To32, None)
                }
                Op::I32Load16USum { dst, a, b } => self.load_sum(dst, a, b, LoadKind::U16, None),
                Op::I32StoreSum { a, b, val } => self.store_sum(a, b, val, StoreKind::B32, None),
                Op::I64StoreSum { a, b, val } => self.store_sum(a, b, val, StoreKind::B64, None),
                Op::F32StoreSum { a, b, val } => {
                    self.store_sum(a, b, val, StoreKind::B32, Some(F32))
                }
                Op::F64StoreSum { a, b, val } => {
                    self.store_sum(a, b, val, StoreKind::B64, Some(F64))
                }
                Op::I32Store8Sum { a, b, val } => self.store_sum(a, b, val, StoreKind::B8, None),
                Op::I32Store16Sum { a, b, val } => self.store_sum(a, b, val, StoreKind::B16, None),
                Op::LoadWide { dst, ptr, kind } => {
                    let offset = self.imm(next);
                    self.load_in(0, dst, ptr, offset, load_kind(kind)?);
                    skip = 1;
                }
                Op::StoreWide { ptr, val, kind } => {
                    let offset = self.imm(next);
                    self.store_in(0, ptr, val, offset, store_kind(kind)?);
                    skip = 1;
                }
                Op::LoadMem { dst, ptr, kind } => {
                    let (offset, memory) = (self.imm(next), self.imm(next + 1));
                    self.load_in(memory, dst, ptr, offset, load_kind(kind)?);
                    skip = 2;
                }
                Op::StoreMem { ptr, val, kind } => {
                    let (offset, memory) = (self.imm(next), self.imm(next + 1));
                    self.store_in(memory, ptr, val, offset, store_kind(kind)?);
                    skip = 2;
                }
                Op::LoadMem64 { dst, ptr, kind } => {
                    let (offset, memory) = self.memarg64(next);
                    let mem = self.address64(memory, ptr, offset, kind.size());
                    let (kind, float) = load_kind(kind)?;
                    self.load_at(dst, mem, kind, float);
                    skip = 3;
                }
                Op::StoreMem64 { ptr, val, kind } => {
                    let (offset, memory) = self.memarg64(next);
                    let size = kind.size();
                    let (kind, float) = store_kind(kind)?;
                    self.store_to(val, kind, float, |this| {
                        this.address64(memory, ptr, offset, size)
                    });
                    skip = 3;
                }
                Op::RefAsNonNull { src } => {
                    let ls = self.loc(src);
                    let r = self.int_reg(Size::S64, ls, M::S1);
                    self.m.cmp(Size::S64, r, Src::Imm(0));
                    self.m.trap_if(Cond::Eq, code_of(TrapCode::NullReference));
                }
                Op::IndexSat { dst, src } => {
                    let (d, ls) = (self.loc(dst), self.loc(src));
                    self.load_int(Size::S64, M::S1, ls);
                    self.m.mov_imm64(M::S2, u32::MAX as u64);
                    self.m.cmp(Size::S64, M::S1, Src::Reg(M::S2));
                    let fits = self.m.new_label();
                    self.m.jcc(Cond::LeU, fits);
                    self.m.mov(Size::S64, M::S1, Src::Reg(M::S2));
                    self.m.bind(fits);
                    self.store_int(d, M::S1);
                }
                Op::MemorySize { dst, memory } => {
                    let a = [Loc::K(memory as u64)];
                    self.helper(Libcall::MemorySize, &a, Some(dst))
                }
                Op::MemoryGrow { dst, delta, memory } => {
                    let a = [self.loc(delta), Loc::K(memory as u64)];
                    self.store_helper(vmctx::MEMORY_GROW, &a, Some(dst));
                }
                Op::MemoryFill { dst, val, len } => {
                    let memory = Loc::K(self.imm(next) as u64);
                    let a = [self.loc(dst), self.loc(val), self.loc(len), memory];
                    self.bulk_helper(Libcall::MemoryFill, &a);
                    skip = 1;
                }
                Op::MemoryCopy { dst, src, len } => {
                    let memories = Loc::K(self.imm(next) as u64);
                    let a = [self.loc(dst), self.loc(src), self.loc(len), memories];
                    self.bulk_helper(Libcall::MemoryCopy, &a);
                    skip = 1;
                }
                Op::MemoryInit { memory, data } => {
                    let ops = self.operands(next, 3);
                    let a = [
                        Loc::K((memory as u64) << 32 | data as u64),
                        self.loc(ops[0]),
                        self.loc(ops[1]),
                        self.loc(ops[2]),
                    ];
                    self.bulk_helper(Libcall::MemoryInit, &a);
                    skip = 1;
                }
                Op::DataDrop { data } => {
                    self.helper(Libcall::DataDrop, &[Loc::K(data as u64)], None)
                }
                Op::TableGet { dst, index, table } => {
                    let a = [Loc::K(table as u64), self.loc(index)];
                    self.helper(Libcall::TableGet, &a, Some(dst));
                }
                Op::TableSet { index, val, table } => {
                    let a = [Loc::K(table as u64), self.loc(index), self.loc(val)];
                    self.helper(Libcall::TableSet, &a, None);
                }
                Op::TableSize { dst, table } => {
                    self.helper(Libcall::TableSize, &[Loc::K(table as u64)], Some(dst))
                }
                Op::TableGrow { dst, init, delta } => {
                    let table = self.imm(next);
                    let a = [Loc::K(table as u64), self.loc(init), self.loc(delta)];
                    self.store_helper(vmctx::TABLE_GROW, &a, Some(dst));
                    skip = 1;
                }
                Op::TableFill { index, val, len } => {
                    let table = self.imm(next);
                    let a = [
                        Loc::K(table as u64),
                        self.loc(index),
                        self.loc(val),
                        self.loc(len),
                    ];
                    self.bulk_helper(Libcall::TableFill, &a);
                    skip = 1;
                }
                Op::TableCopy { dst, src, len } => {
                    let tables = self.imm(next);
                    let a = [
                        Loc::K(tables as u64),
                        self.loc(dst),
                        self.loc(src),
                        self.loc(len),
                    ];
                    self.bulk_helper(Libcall::TableCopy, &a);
                    skip = 1;
                }
                Op::TableInit { table, elem } => {
                    let ops = self.operands(next, 3);
                    let packed = table as u64 | (elem as u64) << 32;
                    let a = [
                        Loc::K(packed),
                        self.loc(ops[0]),
                        self.loc(ops[1]),
                        self.loc(ops[2]),
                    ];
                    self.bulk_helper(Libcall::TableInit, &a);
                    skip = 1;
                }
                Op::ElemDrop { elem } => {
                    self.helper(Libcall::ElemDrop, &[Loc::K(elem as u64)], None)
                }
                Op::Throw { tag } => {
                    let n = self.module.env.tag_type(tag).func_type().param_cells();
                    let args = self.operands(next, n);
                    self.call_args(&args);
                    let a = [Loc::K(tag as u64)];
                    self.helper_call(HelperAt::Fixed(Libcall::Throw), true, &a, false);
                    self.check_status(M::RET);
                    skip = n.div_ceil(3);
                }
                Op::ThrowRef { exn } => {
                    let a = [self.loc(exn)];
                    self.helper_call(HelperAt::Fixed(Libcall::ThrowRef), false, &a, false);
                    self.check_status(M::RET);
                }
                Op::Rethrow {} => {
                    self.helper_call(HelperAt::Fixed(Libcall::Rethrow), false, &[], false);
                    self.check_status(M::RET);
                }
                Op::Catch { tag } => {
                    let imm = self.imm(next);
                    let with_ref = (imm & 1) as usize;
                    let n = match tag {
                        crate::ir::CATCH_ALL => 0,
                        _ => self.module.env.tag_type(tag).func_type().param_cells(),
                    };
                    let results = self.operands(next + 1, n + with_ref);
                    let other = self.branch_target(i, (imm >> 1) as i32);
                    let a = [Loc::K(tag as u64), Loc::K(with_ref as u64)];
                    self.helper_call(HelperAt::Fixed(Libcall::CatchTag), true, &a, false);
                    if let Some(save) = save {
                        // Both ways on, the registers are as before the
                        // clause (so the reload after the match is skipped).
                        self.save_registers(save, false);
                    }
                    self.m.branch_zero(S32, M::RET, true, other);
                    self.call_results(&results);
                    skip = 1 + (n + with_ref).div_ceil(3);
                    i = next + skip;
                    continue;
                }
                Op::RefFunc { dst, func } => {
                    self.helper(Libcall::RefFunc, &[Loc::K(func as u64)], Some(dst))
                }

                Op::I32Eqz { dst, src } => self.int_eqz(S32, dst, src),
                Op::I64Eqz { dst, src } => self.int_eqz(S64, dst, src),
                Op::I32Eq { dst, a, b } => self.int_cmp(Cond::Eq, S32, dst, a, b),
                Op::I32Ne { dst, a, b } => self.int_cmp(Cond::Ne, S32, dst, a, b),
                Op::I32LtS { dst, a, b } => self.int_cmp(Cond::LtS, S32, dst, a, b),
                Op::I32LtU { dst, a, b } => self.int_cmp(Cond::LtU, S32, dst, a, b),
                Op::I32GtS { dst, a, b } => self.int_cmp(Cond::GtS, S32, dst, a, b),
                Op::I32GtU { dst, a, b } => self.int_cmp(Cond::GtU, S32, dst, a, b),
                Op::I32LeS { dst, a, b } => self.int_cmp(Cond::LeS, S32, dst, a, b),
                Op::I32LeU { dst, a, b } => self.int_cmp(Cond::LeU, S32, dst, a, b),
                Op::I32GeS { dst, a, b } => self.int_cmp(Cond::GeS, S32, dst, a, b),
                Op::I32GeU { dst, a, b } => self.int_cmp(Cond::GeU, S32, dst, a, b),
                Op::I64Eq { dst, a, b } => self.int_cmp(Cond::Eq, S64, dst, a, b),
                Op::I64Ne { dst, a, b } => self.int_cmp(Cond::Ne, S64, dst, a, b),
                Op::I64LtS { dst, a, b } => self.int_cmp(Cond::LtS, S64, dst, a, b),
                Op::I64LtU { dst, a, b } => self.int_cmp(Cond::LtU, S64, dst, a, b),
                Op::I64GtS { dst, a, b } => self.int_cmp(Cond::GtS, S64, dst, a, b),
                Op::I64GtU { dst, a, b } => self.int_cmp(Cond::GtU, S64, dst, a, b),
                Op::I64LeS { dst, a, b } => self.int_cmp(Cond::LeS, S64, dst, a, b),
                Op::I64LeU { dst, a, b } => self.int_cmp(Cond::LeU, S64, dst, a, b),
                Op::I64GeS { dst, a, b } => self.int_cmp(Cond::GeS, S64, dst, a, b),
                Op::I64GeU { dst, a, b } => self.int_cmp(Cond::GeU, S64, dst, a, b),
                Op::F32Eq { dst, a, b } => self.float_cmp(FCond::Eq, F32, dst, a, b),
                Op::F32Ne { dst, a, b } => self.float_cmp(FCond::Ne, F32, dst, a, b),
                Op::F32Lt { dst, a, b } => self.float_cmp(FCond::Lt, F32, dst, a, b),
                Op::F32Gt { dst, a, b } => self.float_cmp(FCond::Gt, F32, dst, a, b),
                Op::F32Le { dst, a, b } => self.float_cmp(FCond::Le, F32, dst, a, b),
                Op::F32Ge { dst, a, b } => self.float_cmp(FCond::Ge, F32, dst, a, b),
                Op::F64Eq { dst, a, b } => self.float_cmp(FCond::Eq, F64, dst, a, b),
                Op::F64Ne { dst, a, b } => self.float_cmp(FCond::Ne, F64, dst, a, b),
                Op::F64Lt { dst, a, b } => self.float_cmp(FCond::Lt, F64, dst, a, b),
                Op::F64Gt { dst, a, b } => self.float_cmp(FCond::Gt, F64, dst, a, b),
                Op::F64Le { dst, a, b } => self.float_cmp(FCond::Le, F64, dst, a, b),
                Op::F64Ge { dst, a, b } => self.float_cmp(FCond::Ge, F64, dst, a, b),

                Op::BrIfI32Eq { .. }
                | Op::BrIfI32Ne { .. }
                | Op::BrIfI32LtS { .. }
                | Op::BrIfI32LtU { .. }
                | Op::BrIfI32GtS { .. }
                | Op::BrIfI32GtU { .. }
                | Op::BrIfI32LeS { .. }
                | Op::BrIfI32LeU { .. }
                | Op::BrIfI32GeS { .. }
                | Op::BrIfI32GeU { .. }
                | Op::BrIfI64Eq { .. }
                | Op::BrIfI64Ne { .. }
                | Op::BrIfI64LtS { .. }
                | Op::BrIfI64LtU { .. }
                | Op::BrIfI64GtS { .. }
                | Op::BrIfI64GtU { .. }
                | Op::BrIfI64LeS { .. }
                | Op::BrIfI64LeU { .. }
                | Op::BrIfI64GeS { .. }
                | Op::BrIfI64GeU { .. } => {
                    let Some((cond, size, a, b, off)) = fused(&op) else {
                        return Err("fused branch shape".into());
                    };
                    let t = self.fused_target(i, off);
                    let (la, lb) = (self.loc(a), self.loc(b));
                    let ra = self.int_reg(size, la, M::S1);
                    let src = self.int_src(size, lb, M::S2);
                    self.m.cmp(size, ra, src);
                    self.m.jcc(cond, t);
                }

                Op::BrIfF32Eq { .. }
                | Op::BrIfF32Ne { .. }
                | Op::BrIfF32Lt { .. }
                | Op::BrIfF32Gt { .. }
                | Op::BrIfF32Le { .. }
                | Op::BrIfF32Ge { .. }
                | Op::BrIfF32NotLt { .. }
                | Op::BrIfF32NotGt { .. }
                | Op::BrIfF32NotLe { .. }
                | Op::BrIfF32NotGe { .. }
                | Op::BrIfF64Eq { .. }
                | Op::BrIfF64Ne { .. }
                | Op::BrIfF64Lt { .. }
                | Op::BrIfF64Gt { .. }
                | Op::BrIfF64Le { .. }
                | Op::BrIfF64Ge { .. }
                | Op::BrIfF64NotLt { .. }
                | Op::BrIfF64NotGt { .. }
                | Op::BrIfF64NotLe { .. }
                | Op::BrIfF64NotGe { .. } => {
                    let Some((cond, size, when, a, b, off)) = float_fused(&op) else {
                        return Err("fused float branch shape".into());
                    };
                    let t = self.fused_target(i, off);
                    let (la, lb) = (self.loc(a), self.loc(b));
                    let fa = self.float_reg(size, la, M::FS1);
                    let fb = self.float_reg(size, lb, M::FS2);
                    self.m.fcmp_set(cond, size, M::S1, fa, fb);
                    self.m.branch_zero(S32, M::S1, !when, t);
                }

                Op::I32Clz { dst, src } => {
                    self.int_unary(S32, dst, src, |m, d, s| m.bit(BitOp::Clz, S32, d, s))
                }
                Op::I32Ctz { dst, src } => {
                    self.int_unary(S32, dst, src, |m, d, s| m.bit(BitOp::Ctz, S32, d, s))
                }
                Op::I32Popcnt { dst, src } => {
                    self.int_unary(S32, dst, src, |m, d, s| m.bit(BitOp::Popcnt, S32, d, s))
                }
                Op::I64Clz { dst, src } => {
                    self.int_unary(S64, dst, src, |m, d, s| m.bit(BitOp::Clz, S64, d, s))
                }
                Op::I64Ctz { dst, src } => {
                    self.int_unary(S64, dst, src, |m, d, s| m.bit(BitOp::Ctz, S64, d, s))
                }
                Op::I64Popcnt { dst, src } => {
                    self.int_unary(S64, dst, src, |m, d, s| m.bit(BitOp::Popcnt, S64, d, s))
                }
                Op::I32Add { dst, a, b } => self.int_bin(AluOp::Add, S32, dst, a, b),
                Op::I32Sub { dst, a, b } => self.int_bin(AluOp::Sub, S32, dst, a, b),
                Op::I32Mul { dst, a, b } => self.int_bin(AluOp::Mul, S32, dst, a, b),
                Op::I32And { dst, a, b } => self.int_bin(AluOp::And, S32, dst, a, b),
                Op::I32Or { dst, a, b } => self.int_bin(AluOp::Or, S32, dst, a, b),
                Op::I32Xor { dst, a, b } => self.int_bin(AluOp::Xor, S32, dst, a, b),
                Op::I64Add { dst, a, b } => self.int_bin(AluOp::Add, S64, dst, a, b),
                Op::I64Sub { dst, a, b } => self.int_bin(AluOp::Sub, S64, dst, a, b),
                Op::I64Mul { dst, a, b } => self.int_bin(AluOp::Mul, S64, dst, a, b),
                Op::I64And { dst, a, b } => self.int_bin(AluOp::And, S64, dst, a, b),
                Op::I64Or { dst, a, b } => self.int_bin(AluOp::Or, S64, dst, a, b),
                Op::I64Xor { dst, a, b } => self.int_bin(AluOp::Xor, S64, dst, a, b),
                Op::I32DivS { dst, a, b } => self.int_div(S32, true, false, dst, a, b),
                Op::I32DivU { dst, a, b } => self.int_div(S32, false, false, dst, a, b),
                Op::I32RemS { dst, a, b } => self.int_div(S32, true, true, dst, a, b),
                Op::I32RemU { dst, a, b } => self.int_div(S32, false, true, dst, a, b),
                Op::I64DivS { dst, a, b } => self.int_div(S64, true, false, dst, a, b),
                Op::I64DivU { dst, a, b } => self.int_div(S64, false, false, dst, a, b),
                Op::I64RemS { dst, a, b } => self.int_div(S64, true, true, dst, a, b),
                Op::I64RemU { dst, a, b } => self.int_div(S64, false, true, dst, a, b),
                Op::I32Shl { dst, a, b } => self.int_shift(ShiftOp::Shl, S32, dst, a, b),
                Op::I32ShrS { dst, a, b } => self.int_shift(ShiftOp::ShrS, S32, dst, a, b),
                Op::I32ShrU { dst, a, b } => self.int_shift(ShiftOp::ShrU, S32, dst, a, b),
                Op::I32Rotl { dst, a, b } => self.int_shift(ShiftOp::Rotl, S32, dst, a, b),
                Op::I32Rotr { dst, a, b } => self.int_shift(ShiftOp::Rotr, S32, dst, a, b),
                Op::I64Shl { dst, a, b } => self.int_shift(ShiftOp::Shl, S64, dst, a, b),
                Op::I64ShrS { dst, a, b } => self.int_shift(ShiftOp::ShrS, S64, dst, a, b),
                Op::I64ShrU { dst, a, b } => self.int_shift(ShiftOp::ShrU, S64, dst, a, b),
                Op::I64Rotl { dst, a, b } => self.int_shift(ShiftOp::Rotl, S64, dst, a, b),
                Op::I64Rotr { dst, a, b } => self.int_shift(ShiftOp::Rotr, S64, dst, a, b),

                Op::F32Abs { dst, src } => self.float_un(FUnOp::Abs, F32, dst, src),
                Op::F32Neg { dst, src } => self.float_un(FUnOp::Neg, F32, dst, src),
                Op::F32Ceil { dst, src } => self.float_un(FUnOp::Ceil, F32, dst, src),
                Op::F32Floor { dst, src } => self.float_un(FUnOp::Floor, F32, dst, src),
                Op::F32Trunc { dst, src } => self.float_un(FUnOp::Trunc, F32, dst, src),
                Op::F32Nearest { dst, src } => self.float_un(FUnOp::Nearest, F32, dst, src),
                Op::F32Sqrt { dst, src } => self.float_un(FUnOp::Sqrt, F32, dst, src),
                Op::F64Abs { dst, src } => self.float_un(FUnOp::Abs, F64, dst, src),
                Op::F64Neg { dst, src } => self.float_un(FUnOp::Neg, F64, dst, src),
                Op::F64Ceil { dst, src } => self.float_un(FUnOp::Ceil, F64, dst, src),
                Op::F64Floor { dst, src } => self.float_un(FUnOp::Floor, F64, dst, src),
                Op::F64Trunc { dst, src } => self.float_un(FUnOp::Trunc, F64, dst, src),
                Op::F64Nearest { dst, src } => self.float_un(FUnOp::Nearest, F64, dst, src),
                Op::F64Sqrt { dst, src } => self.float_un(FUnOp::Sqrt, F64, dst, src),
                Op::F32Add { dst, a, b } => self.float_bin(FBinOp::Add, F32, dst, a, b),
                Op::F32Sub { dst, a, b } => self.float_bin(FBinOp::Sub, F32, dst, a, b),
                Op::F32Mul { dst, a, b } => self.float_bin(FBinOp::Mul, F32, dst, a, b),
                Op::F32Div { dst, a, b } => self.float_bin(FBinOp::Div, F32, dst, a, b),
                Op::F32Min { dst, a, b } => self.float_bin(FBinOp::Min, F32, dst, a, b),
                Op::F32Max { dst, a, b } => self.float_bin(FBinOp::Max, F32, dst, a, b),
                Op::F32Copysign { dst, a, b } => self.float_bin(FBinOp::Copysign, F32, dst, a, b),
                Op::F64Add { dst, a, b } => self.float_bin(FBinOp::Add, F64, dst, a, b),
                Op::F64Sub { dst, a, b } => self.float_bin(FBinOp::Sub, F64, dst, a, b),
                Op::F64Mul { dst, a, b } => self.float_bin(FBinOp::Mul, F64, dst, a, b),
                Op::F64Div { dst, a, b } => self.float_bin(FBinOp::Div, F64, dst, a, b),
                Op::F64Min { dst, a, b } => self.float_bin(FBinOp::Min, F64, dst, a, b),
                Op::F64Max { dst, a, b } => self.float_bin(FBinOp::Max, F64, dst, a, b),
                Op::F64Copysign { dst, a, b } => self.float_bin(FBinOp::Copysign, F64, dst, a, b),

                Op::I32WrapI64 { dst, src } => {
                    self.int_unary(S32, dst, src, |m, d, s| m.mov(S32, d, Src::Reg(s)))
                }
                Op::I32TruncF32S { dst, src } => self.float_to_int(F32, S32, true, dst, src, true),
                Op::I32TruncF32U { dst, src } => self.float_to_int(F32, S32, false, dst, src, true),
                Op::I32TruncF64S { dst, src } => self.float_to_int(F64, S32, true, dst, src, true),
                Op::I32TruncF64U { dst, src } => self.float_to_int(F64, S32, false, dst, src, true),
                Op::I64TruncF32S { dst, src } => self.float_to_int(F32, S64, true, dst, src, true),
                Op::I64TruncF32U { dst, src } => self.float_to_int(F32, S64, false, dst, src, true),
                Op::I64TruncF64S { dst, src } => self.float_to_int(F64, S64, true, dst, src, true),
                Op::I64TruncF64U { dst, src } => self.float_to_int(F64, S64, false, dst, src, true),
                Op::I32TruncSatF32S { dst, src } => {
                    self.float_to_int(F32, S32, true, dst, src, false)
                }
                Op::I32TruncSatF32U { dst, src } => {
                    self.float_to_int(F32, S32, false, dst, src, false)
                }
                Op::I32TruncSatF64S { dst, src } => {
                    self.float_to_int(F64, S32, true, dst, src, false)
                }
                Op::I32TruncSatF64U { dst, src } => {
                    self.float_to_int(F64, S32, false, dst, src, false)
                }
                Op::I64TruncSatF32S { dst, src } => {
                    self.float_to_int(F32, S64, true, dst, src, false)
                }
                Op::I64TruncSatF32U { dst, src } => {
                    self.float_to_int(F32, S64, false, dst, src, false)
                }
                Op::I64TruncSatF64S { dst, src } => {
                    self.float_to_int(F64, S64, true, dst, src, false)
                }
                Op::I64TruncSatF64U { dst, src } => {
                    self.float_to_int(F64, S64, false, dst, src, false)
                }
                Op::I64ExtendI32S { dst, src } => self.extend(ExtendKind::S32To64, S32, dst, src),
                Op::I64ExtendI32U { dst, src } => self.extend(ExtendKind::U32To64, S32, dst, src),
                Op::I32Extend8S { dst, src } => self.extend(ExtendKind::S8To32, S32, dst, src),
                Op::I32Extend16S { dst, src } => self.extend(ExtendKind::S16To32, S32, dst, src),
                Op::I64Extend8S { dst, src } => self.extend(ExtendKind::S8To64, S64, dst, src),
                Op::I64Extend16S { dst, src } => self.extend(ExtendKind::S16To64, S64, dst, src),
                Op::I64Extend32S { dst, src } => self.extend(ExtendKind::S32To64, S64, dst, src),
                Op::F32ConvertI32S { dst, src } => self.int_to_float(S32, true, F32, dst, src),
                Op::F32ConvertI32U { dst, src } => self.int_to_float(S32, false, F32, dst, src),
                Op::F32ConvertI64S { dst, src } => self.int_to_float(S64, true, F32, dst, src),
                Op::F32ConvertI64U { dst, src } => self.int_to_float(S64, false, F32, dst, src),
                Op::F64ConvertI32S { dst, src } => self.int_to_float(S32, true, F64, dst, src),
                Op::F64ConvertI32U { dst, src } => self.int_to_float(S32, false, F64, dst, src),
                Op::F64ConvertI64S { dst, src } => self.int_to_float(S64, true, F64, dst, src),
                Op::F64ConvertI64U { dst, src } => self.int_to_float(S64, false, F64, dst, src),
                Op::F32DemoteF64 { dst, src } => self.float_to_float(F64, F32, dst, src),
                Op::F64PromoteF32 { dst, src } => self.float_to_float(F32, F64, dst, src),
            }
            if let Some(save) = save {
                self.save_registers(save, false);
            }
            i = next + skip;
        }
        if let Some(l) = self.labels[code.len()] {
            self.m.bind(l);
        }
        Ok(())
    }
}

/// The parts of a fused float compare-and-branch: condition, width,
/// whether it branches when the condition holds (else when it does not),
/// operands, offset.
fn float_fused(op: &Op<Reg>) -> Option<(FCond, FSize, bool, Reg, Reg, i16)> {
    use FSize::{F32, F64};
    Some(match *op {
        Op::BrIfF32Eq { a, b, offset } => (FCond::Eq, F32, true, a, b, offset),
        Op::BrIfF32Ne { a, b, offset } => (FCond::Ne, F32, true, a, b, offset),
        Op::BrIfF32Lt { a, b, offset } => (FCond::Lt, F32, true, a, b, offset),
        Op::BrIfF32Gt { a, b, offset } => (FCond::Gt, F32, true, a, b, offset),
        Op::BrIfF32Le { a, b, offset } => (FCond::Le, F32, true, a, b, offset),
        Op::BrIfF32Ge { a, b, offset } => (FCond::Ge, F32, true, a, b, offset),
        Op::BrIfF32NotLt { a, b, offset } => (FCond::Lt, F32, false, a, b, offset),
        Op::BrIfF32NotGt { a, b, offset } => (FCond::Gt, F32, false, a, b, offset),
        Op::BrIfF32NotLe { a, b, offset } => (FCond::Le, F32, false, a, b, offset),
        Op::BrIfF32NotGe { a, b, offset } => (FCond::Ge, F32, false, a, b, offset),
        Op::BrIfF64Eq { a, b, offset } => (FCond::Eq, F64, true, a, b, offset),
        Op::BrIfF64Ne { a, b, offset } => (FCond::Ne, F64, true, a, b, offset),
        Op::BrIfF64Lt { a, b, offset } => (FCond::Lt, F64, true, a, b, offset),
        Op::BrIfF64Gt { a, b, offset } => (FCond::Gt, F64, true, a, b, offset),
        Op::BrIfF64Le { a, b, offset } => (FCond::Le, F64, true, a, b, offset),
        Op::BrIfF64Ge { a, b, offset } => (FCond::Ge, F64, true, a, b, offset),
        Op::BrIfF64NotLt { a, b, offset } => (FCond::Lt, F64, false, a, b, offset),
        Op::BrIfF64NotGt { a, b, offset } => (FCond::Gt, F64, false, a, b, offset),
        Op::BrIfF64NotLe { a, b, offset } => (FCond::Le, F64, false, a, b, offset),
        Op::BrIfF64NotGe { a, b, offset } => (FCond::Ge, F64, false, a, b, offset),
        _ => return None,
    })
}

/// The parts of a fused compare-and-branch: condition, width, operands, offset.
fn fused(op: &Op<Reg>) -> Option<(Cond, Size, Reg, Reg, i16)> {
    use Size::{S32, S64};
    Some(match *op {
        Op::BrIfI32Eq { a, b, offset } => (Cond::Eq, S32, a, b, offset),
        Op::BrIfI32Ne { a, b, offset } => (Cond::Ne, S32, a, b, offset),
        Op::BrIfI32LtS { a, b, offset } => (Cond::LtS, S32, a, b, offset),
        Op::BrIfI32LtU { a, b, offset } => (Cond::LtU, S32, a, b, offset),
        Op::BrIfI32GtS { a, b, offset } => (Cond::GtS, S32, a, b, offset),
        Op::BrIfI32GtU { a, b, offset } => (Cond::GtU, S32, a, b, offset),
        Op::BrIfI32LeS { a, b, offset } => (Cond::LeS, S32, a, b, offset),
        Op::BrIfI32LeU { a, b, offset } => (Cond::LeU, S32, a, b, offset),
        Op::BrIfI32GeS { a, b, offset } => (Cond::GeS, S32, a, b, offset),
        Op::BrIfI32GeU { a, b, offset } => (Cond::GeU, S32, a, b, offset),
        Op::BrIfI64Eq { a, b, offset } => (Cond::Eq, S64, a, b, offset),
        Op::BrIfI64Ne { a, b, offset } => (Cond::Ne, S64, a, b, offset),
        Op::BrIfI64LtS { a, b, offset } => (Cond::LtS, S64, a, b, offset),
        Op::BrIfI64LtU { a, b, offset } => (Cond::LtU, S64, a, b, offset),
        Op::BrIfI64GtS { a, b, offset } => (Cond::GtS, S64, a, b, offset),
        Op::BrIfI64GtU { a, b, offset } => (Cond::GtU, S64, a, b, offset),
        Op::BrIfI64LeS { a, b, offset } => (Cond::LeS, S64, a, b, offset),
        Op::BrIfI64LeU { a, b, offset } => (Cond::LeU, S64, a, b, offset),
        Op::BrIfI64GeS { a, b, offset } => (Cond::GeS, S64, a, b, offset),
        Op::BrIfI64GeU { a, b, offset } => (Cond::GeU, S64, a, b, offset),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Shape;

    /// Every lane operation is SSE in compiled code; none needs the
    /// runtime helper, which serves only accesses at offsets beyond the
    /// guard region.
    #[test]
    fn every_lane_operation_has_an_sse_lowering() {
        let swizzle = [V128Op::I8x16Swizzle, V128Op::I8x16RelaxedSwizzle];
        let missing: Vec<V128Op> = V128Op::ALL
            .iter()
            .copied()
            .filter(|&op| match op.shape() {
                Shape::Unary => sse_unary(op).is_none(),
                Shape::Binary => {
                    sse_binary(op).is_none() && sse_compare(op).is_none() && !swizzle.contains(&op)
                }
                Shape::Shift => sse_shift(op).is_none(),
                Shape::Test => sse_test(op).is_none(),
                Shape::Ternary => !ternary_inline(op),
                Shape::Splat | Shape::Extract | Shape::Replace => false,
            })
            .collect();
        assert_eq!(missing, []);
    }
}
