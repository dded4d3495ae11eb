//! The MacroAssembler: the instruction-level interface lowering is written
//! against. Each ISA implements it in its own module; callers never test
//! which ISA they drive.
//!
//! Operands are machine registers (numbered by their hardware encoding),
//! memory addresses `[base + index + disp]` and immediates. Instructions that
//! can fault at run time return their code offset or take a trap code, so
//! the caller can register trap sites.

/// Operand width of integer instructions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Size {
    /// 32 bits; results are zero-extended to the full register.
    S32,
    /// 64 bits.
    S64,
}

/// Width of float instructions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FSize {
    /// Single precision.
    F32,
    /// Double precision.
    F64,
}

/// A general-purpose register, by hardware encoding.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Gpr(pub u8);

/// A float/vector register, by hardware encoding.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fpr(pub u8);

/// A memory operand `[base + index + disp]`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Mem {
    /// Base register.
    pub base: Gpr,
    /// Optional index register, scaled by one.
    pub index: Option<Gpr>,
    /// Displacement.
    pub disp: i32,
}

impl Mem {
    /// `[base + disp]`.
    pub fn at(base: Gpr, disp: i32) -> Mem {
        Mem {
            base,
            index: None,
            disp,
        }
    }
}

/// A source operand of integer instructions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Src {
    /// A register.
    Reg(Gpr),
    /// A memory operand.
    Mem(Mem),
    /// A sign-extended 32-bit immediate.
    Imm(i32),
}

/// A source operand of float instructions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FSrc {
    /// A register.
    Reg(Fpr),
    /// A memory operand.
    Mem(Mem),
}

/// Integer comparison conditions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Cond {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Cond {
    /// The condition that holds exactly when `self` does not.
    pub fn negate(self) -> Cond {
        match self {
            Cond::Eq => Cond::Ne,
            Cond::Ne => Cond::Eq,
            Cond::LtS => Cond::GeS,
            Cond::LtU => Cond::GeU,
            Cond::GtS => Cond::LeS,
            Cond::GtU => Cond::LeU,
            Cond::LeS => Cond::GtS,
            Cond::LeU => Cond::GtU,
            Cond::GeS => Cond::LtS,
            Cond::GeU => Cond::LtU,
        }
    }
}

/// Float comparison conditions; all are false on NaN except `Ne`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FCond {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// Two-operand integer ALU operations.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum AluOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Mul,
}

/// Shifts and rotates; counts are taken modulo the width.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ShiftOp {
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

/// Bit counting.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BitOp {
    Clz,
    Ctz,
    Popcnt,
}

/// Memory loads into a 64-bit register.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum LoadKind {
    U8,
    S8To32,
    S8To64,
    U16,
    S16To32,
    S16To64,
    U32,
    S32To64,
    U64,
}

/// Memory stores of the low bits of a register.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum StoreKind {
    B8,
    B16,
    B32,
    B64,
}

/// Register-to-register sign extensions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ExtendKind {
    S8To32,
    S16To32,
    S8To64,
    S16To64,
    S32To64,
    U32To64,
}

/// Binary float operations (min/max with WebAssembly's NaN and zero rules).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FBinOp {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

/// Unary float operations.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum FUnOp {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

/// Lane-wise binary operations on 128-bit vectors (`dst = dst op src`,
/// `src` unchanged; `dst` and `src` are different registers). Most are
/// one instruction of the baseline the backend requires; those after
/// `NeF64` are short sequences. Comparisons give all-ones lanes for true;
/// `AndNot` is `!dst & src`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VBinOp {
    And,
    Or,
    Xor,
    AndNot,
    AddI8,
    AddI16,
    AddI32,
    AddI64,
    SubI8,
    SubI16,
    SubI32,
    SubI64,
    MulI16,
    MulI32,
    AddSatS8,
    AddSatU8,
    AddSatS16,
    AddSatU16,
    SubSatS8,
    SubSatU8,
    SubSatS16,
    SubSatU16,
    MinS8,
    MinU8,
    MinS16,
    MinU16,
    MinS32,
    MinU32,
    MaxS8,
    MaxU8,
    MaxS16,
    MaxU16,
    MaxS32,
    MaxU32,
    AvgrU8,
    AvgrU16,
    EqI8,
    EqI16,
    EqI32,
    EqI64,
    GtS8,
    GtS16,
    GtS32,
    /// Pairwise `i16` products summed into `i32` lanes.
    DotI16,
    NarrowS16,
    NarrowU16,
    NarrowS32,
    NarrowU32,
    AddF32,
    SubF32,
    MulF32,
    DivF32,
    AddF64,
    SubF64,
    MulF64,
    DivF64,
    /// `dst < src ? dst : src` per lane (no NaN rule: WebAssembly's `pmin`
    /// with its operands swapped).
    MinF32,
    MaxF32,
    MinF64,
    MaxF64,
    /// Ordered `==`, `<`, `<=`, and unordered `!=`.
    EqF32,
    LtF32,
    LeF32,
    NeF32,
    EqF64,
    LtF64,
    LeF64,
    NeF64,
    /// Signed `i64` `>` (SSE4.2's `pcmpgtq`).
    GtS64,
    /// `i64` multiplication, wrapping.
    MulI64,
    /// Q15 rounding multiplication, saturating (`-1.0 * -1.0` is the
    /// largest Q15 value).
    Q15MulrSatS,
    /// Products of the low or high half's lanes of width `from`, each as
    /// wide as twice that (`extmul`).
    ExtMul {
        from: VLanes,
        high: bool,
        signed: bool,
    },
    /// WebAssembly's `min`/`max`: a NaN lane is `dst + src` (so the NaN
    /// propagates quiet), equal lanes combine their bits (`-0` wins for
    /// `min`, `+0` for `max`), else the smaller or larger.
    FMinF32,
    FMaxF32,
    FMinF64,
    FMaxF64,
    /// Pairwise products of signed bytes summed into `i16` lanes,
    /// saturating.
    DotI8SatS,
}

impl VBinOp {
    /// Every operation, `ExtMul` in each of its forms.
    pub fn all() -> Vec<VBinOp> {
        use VBinOp::*;
        let mut ops = vec![
            And,
            Or,
            Xor,
            AndNot,
            AddI8,
            AddI16,
            AddI32,
            AddI64,
            SubI8,
            SubI16,
            SubI32,
            SubI64,
            MulI16,
            MulI32,
            AddSatS8,
            AddSatU8,
            AddSatS16,
            AddSatU16,
            SubSatS8,
            SubSatU8,
            SubSatS16,
            SubSatU16,
            MinS8,
            MinU8,
            MinS16,
            MinU16,
            MinS32,
            MinU32,
            MaxS8,
            MaxU8,
            MaxS16,
            MaxU16,
            MaxS32,
            MaxU32,
            AvgrU8,
            AvgrU16,
            EqI8,
            EqI16,
            EqI32,
            EqI64,
            GtS8,
            GtS16,
            GtS32,
            DotI16,
            NarrowS16,
            NarrowU16,
            NarrowS32,
            NarrowU32,
            AddF32,
            SubF32,
            MulF32,
            DivF32,
            AddF64,
            SubF64,
            MulF64,
            DivF64,
            MinF32,
            MaxF32,
            MinF64,
            MaxF64,
            EqF32,
            LtF32,
            LeF32,
            NeF32,
            EqF64,
            LtF64,
            LeF64,
            NeF64,
            GtS64,
            MulI64,
            Q15MulrSatS,
            FMinF32,
            FMaxF32,
            FMinF64,
            FMaxF64,
            DotI8SatS,
        ];
        for from in [VLanes::I8, VLanes::I16, VLanes::I32] {
            for high in [false, true] {
                for signed in [false, true] {
                    ops.push(ExtMul { from, high, signed });
                }
            }
        }
        ops
    }
}

/// Lane-wise unary operations on 128-bit vectors (`dst = op src`, where
/// `dst` and `src` are different registers).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VUnOp {
    Not,
    NegI8,
    NegI16,
    NegI32,
    NegI64,
    AbsI8,
    AbsI16,
    AbsI32,
    SqrtF32,
    SqrtF64,
    /// The low half's lanes, sign- or zero-extended to twice their width.
    ExtendLowS8,
    ExtendLowU8,
    ExtendLowS16,
    ExtendLowU16,
    ExtendLowS32,
    ExtendLowU32,
    /// The high half's lanes, extended likewise.
    ExtendHighS8,
    ExtendHighU8,
    ExtendHighS16,
    ExtendHighU16,
    ExtendHighS32,
    ExtendHighU32,
    /// Sign-bit operations: no arithmetic, NaNs pass unchanged.
    AbsF32,
    AbsF64,
    NegF32,
    NegF64,
    /// Rounding to an integral value (a NaN comes out quiet).
    CeilF32,
    FloorF32,
    TruncF32,
    NearestF32,
    CeilF64,
    FloorF64,
    TruncF64,
    NearestF64,
    /// `i32` lanes to `f32`, rounded to nearest.
    ConvertI32F32,
    /// The low two `i32` lanes to `f64`.
    ConvertLowI32F64,
    /// The low two `f32` lanes to `f64`.
    PromoteLowF32,
    /// Both `f64` lanes to `f32`, the upper two lanes zero.
    DemoteF64,
    /// `i64` absolute value, wrapping.
    AbsI64,
    /// Set bits of each byte.
    PopcntI8,
    /// Adjacent lanes of width `from` summed into lanes twice as wide.
    ExtAddPairwise {
        from: VLanes,
        signed: bool,
    },
    /// Saturating float-to-integer truncation (a NaN gives 0); the `f64`
    /// forms fill the low two `i32` lanes and zero the others.
    TruncSatF32S,
    TruncSatF32U,
    TruncSatF64SZero,
    TruncSatF64UZero,
    /// Unsigned `i32` lanes to `f32`, rounded to nearest.
    ConvertU32F32,
    /// The low two unsigned `i32` lanes to `f64`.
    ConvertLowU32F64,
}

impl VUnOp {
    /// Every operation, `ExtAddPairwise` in each of its forms.
    pub fn all() -> Vec<VUnOp> {
        use VUnOp::*;
        let mut ops = vec![
            Not,
            NegI8,
            NegI16,
            NegI32,
            NegI64,
            AbsI8,
            AbsI16,
            AbsI32,
            SqrtF32,
            SqrtF64,
            ExtendLowS8,
            ExtendLowU8,
            ExtendLowS16,
            ExtendLowU16,
            ExtendLowS32,
            ExtendLowU32,
            ExtendHighS8,
            ExtendHighU8,
            ExtendHighS16,
            ExtendHighU16,
            ExtendHighS32,
            ExtendHighU32,
            AbsF32,
            AbsF64,
            NegF32,
            NegF64,
            CeilF32,
            FloorF32,
            TruncF32,
            NearestF32,
            CeilF64,
            FloorF64,
            TruncF64,
            NearestF64,
            ConvertI32F32,
            ConvertLowI32F64,
            PromoteLowF32,
            DemoteF64,
            AbsI64,
            PopcntI8,
            TruncSatF32S,
            TruncSatF32U,
            TruncSatF64SZero,
            TruncSatF64UZero,
            ConvertU32F32,
            ConvertLowU32F64,
        ];
        for from in [VLanes::I8, VLanes::I16] {
            for signed in [false, true] {
                ops.push(ExtAddPairwise { from, signed });
            }
        }
        ops
    }
}

/// The lane width of a splat or a shift.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VLanes {
    I8,
    I16,
    I32,
    I64,
}

/// Lane-wise shifts of 128-bit vectors by a count in a vector register's
/// low 64 bits (a count of the lane width or more: zero, or the sign).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VShiftOp {
    Shl16,
    Shl32,
    Shl64,
    ShrU16,
    ShrU32,
    ShrU64,
    ShrS16,
    ShrS32,
    Shl8,
    ShrU8,
    ShrS8,
    ShrS64,
}

/// Loads of fewer than 16 bytes into a 128-bit vector.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VLoadKind {
    /// Eight bytes, each lane sign- or zero-extended to twice its width.
    S8x8,
    U8x8,
    S16x4,
    U16x4,
    S32x2,
    U32x2,
    /// Four or eight bytes into the low lane, the rest zero.
    Zero32,
    Zero64,
}

impl VLoadKind {
    /// Every kind.
    pub const ALL: [VLoadKind; 8] = [
        VLoadKind::S8x8,
        VLoadKind::U8x8,
        VLoadKind::S16x4,
        VLoadKind::U16x4,
        VLoadKind::S32x2,
        VLoadKind::U32x2,
        VLoadKind::Zero32,
        VLoadKind::Zero64,
    ];
}

/// Reductions of a 128-bit vector to an integer.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VTestOp {
    /// 1 if any bit is set.
    AnyTrue,
    /// 1 if every lane of the width is non-zero.
    AllTrue(VLanes),
    /// The top bit of each lane.
    BitmaskI8,
    BitmaskI16,
    BitmaskI32,
    BitmaskI64,
}

/// Trap codes a float-to-int truncation reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TruncTraps {
    /// The input was NaN.
    pub invalid: u32,
    /// The input was out of the target's range.
    pub overflow: u32,
}

/// The valid input range of a trapping float-to-integer truncation: `lo`
/// (inclusive or exclusive) to `hi` (exclusive), as float bits of `from`.
/// Every ISA checks a trapping truncation's input against it.
pub fn trunc_bounds(from: FSize, to: Size, signed: bool) -> (u64, bool, u64) {
    fn b(size: FSize, v: f64) -> u64 {
        match size {
            FSize::F32 => (v as f32).to_bits() as u64,
            FSize::F64 => v.to_bits(),
        }
    }
    match (to, signed) {
        (Size::S32, true) => match from {
            FSize::F32 => (b(from, -2147483648.0), true, b(from, 2147483648.0)),
            FSize::F64 => (b(from, -2147483649.0), false, b(from, 2147483648.0)),
        },
        (Size::S32, false) => (b(from, -1.0), false, b(from, 4294967296.0)),
        (Size::S64, true) => (
            b(from, -9223372036854775808.0),
            true,
            b(from, 9223372036854775808.0),
        ),
        (Size::S64, false) => (b(from, -1.0), false, b(from, 18446744073709551616.0)),
    }
}

/// What division can trap on.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DivTraps {
    /// Division by zero.
    pub by_zero: u32,
    /// Signed overflow (`MIN / -1`).
    pub overflow: u32,
}

/// Assembled code with its trap sites.
#[derive(Debug)]
pub struct Assembled {
    /// Machine code, position-independent.
    pub code: Vec<u8>,
    /// Trapping instructions, by offset.
    pub trap_sites: Vec<crate::TrapSite>,
    /// Calls whose caller catches raises, by return address offset.
    pub landings: Vec<crate::LandingSite>,
}

/// The finished code of `ops`, with its trap sites and its landing sites
/// (return address offsets and landing labels) resolved: the end of every
/// ISA's [`MacroAssembler::finish`].
pub(crate) fn assembled<R: dynasmrt::relocations::Relocation>(
    ops: dynasmrt::VecAssembler<R>,
    mut trap_sites: Vec<crate::TrapSite>,
    landing_labels: &[(u32, dynasmrt::DynamicLabel)],
) -> Result<Assembled, String> {
    let mut landings = Vec::with_capacity(landing_labels.len());
    for &(ret, label) in landing_labels {
        let at = ops.labels().resolve_dynamic(label);
        let at = at.map_err(|e| e.to_string())?;
        landings.push(crate::LandingSite {
            ret,
            landing: at.0 as u32,
        });
    }
    let code = ops.finalize().map_err(|e| e.to_string())?;
    trap_sites.sort_unstable();
    landings.sort_unstable();
    Ok(Assembled {
        code,
        trap_sites,
        landings,
    })
}

/// The instruction-level interface lowering targets.
pub trait MacroAssembler {
    /// A position in the code, bound once.
    type Label: Copy;

    /// A fresh, unbound label.
    fn new_label(&mut self) -> Self::Label;

    /// `dst = [mem]`, a 128-bit vector at any alignment.
    fn vload(&mut self, dst: Fpr, mem: Mem) -> u32;

    /// `[mem] = src`, a 128-bit vector at any alignment.
    fn vstore(&mut self, mem: Mem, src: Fpr) -> u32;

    /// `dst = dst op src`, lane-wise on 128-bit vectors.
    fn vbin(&mut self, op: VBinOp, dst: Fpr, src: Fpr);

    /// `dst = op src` on 128-bit vectors; `dst` and `src` differ.
    fn vun(&mut self, op: VUnOp, dst: Fpr, src: Fpr);

    /// Every lane of `dst` set to the low lane-width bits of `src`.
    fn vsplat(&mut self, lanes: VLanes, dst: Fpr, src: Gpr);

    /// `dst = dst shifted by count`, lane-wise; `count` is a vector register.
    fn vshift(&mut self, op: VShiftOp, dst: Fpr, count: Fpr);

    /// `dst` = a vector made of the bytes at `mem`.
    fn vload_kind(&mut self, kind: VLoadKind, dst: Fpr, mem: Mem) -> u32;

    /// `dst` = a reduction of `src`, zero-extended.
    fn vtest(&mut self, op: VTestOp, dst: Gpr, src: Fpr);

    /// `dst` = the bytes of `dst` and `other` picked by `lanes` (each below
    /// 32: 0 to 15 from `dst`, 16 to 31 from `other`), a constant;
    /// `other` is clobbered.
    fn vshuffle(&mut self, dst: Fpr, other: Fpr, lanes: [u8; 16]);

    /// `dst = (dst & mask) | (other & !mask)`, the 128-bit `mask` at `mem`.
    fn vbitselect(&mut self, dst: Fpr, other: Fpr, mask: Mem);

    /// `dst` = the bytes of `dst` picked by the byte lanes of `index`, 0
    /// for an index of 16 or more; `index` is clobbered.
    fn vswizzle(&mut self, dst: Fpr, index: Fpr);

    /// `dst` = lane `lane` of `src`, zero-extended.
    fn vextract(&mut self, lanes: VLanes, dst: Gpr, src: Fpr, lane: u8);

    /// Lane `lane` of `dst` = the low lane-width bits of `src`; the other
    /// lanes keep their value.
    fn vinsert(&mut self, lanes: VLanes, dst: Fpr, src: Gpr, lane: u8);
    /// Binds `label` to the current position.
    fn bind(&mut self, label: Self::Label);
    /// Pads with no-ops to the next multiple of `bytes` (a power of two at
    /// most the alignment functions are placed at), for a loop's first
    /// instruction.
    fn align(&mut self, bytes: u32);
    /// Current code offset.
    fn offset(&self) -> u32;

    /// `dst = src`.
    fn mov(&mut self, size: Size, dst: Gpr, src: Src);
    /// `dst = imm`, any 64-bit value.
    fn mov_imm64(&mut self, dst: Gpr, imm: u64);
    /// `dst = *(addr as *const u64)`: a load from an absolute address.
    fn load_absolute(&mut self, dst: Gpr, addr: u64);
    /// `[dst] = src`.
    fn store_reg(&mut self, size: Size, dst: Mem, src: Gpr);
    /// `[dst] = imm` (sign-extended for 64 bits).
    fn store_imm(&mut self, size: Size, dst: Mem, imm: i32);
    /// `dst = address of mem`.
    fn lea(&mut self, dst: Gpr, mem: Mem);
    /// `[dst] = [dst] + imm` (sign-extended for 64 bits): a counter in memory.
    fn add_mem_imm(&mut self, size: Size, dst: Mem, imm: i32);
    /// Compares `[a]` with `imm` (sign-extended for 64 bits), for a
    /// following `set`/`jcc`.
    fn cmp_mem_imm(&mut self, size: Size, a: Mem, imm: i32);

    /// `dst = dst op src`. After `AluOp::Sub` the flags are those
    /// `cmp(dst, src)` would have set before it, for a following
    /// `set`/`jcc`/`trap_if`; after the others they are undefined.
    fn alu(&mut self, op: AluOp, size: Size, dst: Gpr, src: Src);
    /// `dst = lhs / rhs` or `lhs % rhs`, trapping as `traps` says.
    #[allow(clippy::too_many_arguments)]
    fn div(
        &mut self,
        size: Size,
        signed: bool,
        rem: bool,
        dst: Gpr,
        lhs: Gpr,
        rhs: Gpr,
        traps: DivTraps,
    );
    /// `dst = dst op count`.
    fn shift(&mut self, op: ShiftOp, size: Size, dst: Gpr, count: Src);
    /// `dst = op(src)`.
    fn bit(&mut self, op: BitOp, size: Size, dst: Gpr, src: Gpr);
    /// `dst = extend(src)`.
    fn extend(&mut self, kind: ExtendKind, dst: Gpr, src: Gpr);

    /// Compares `a` with `b`, for a following `set`/`jcc`.
    fn cmp(&mut self, size: Size, a: Gpr, b: Src);
    /// `dst = cond ? 1 : 0` after `cmp`.
    fn set(&mut self, cond: Cond, dst: Gpr);
    /// Jumps to `label` if `cond` after `cmp`.
    fn jcc(&mut self, cond: Cond, label: Self::Label);
    /// Jumps to `label` if `reg` (low `size` bits) is zero / non-zero.
    fn branch_zero(&mut self, size: Size, reg: Gpr, if_zero: bool, label: Self::Label);
    /// Jumps to `label`.
    fn jmp(&mut self, label: Self::Label);
    /// Jumps to `targets[index]`; `index` must already be in range.
    fn jump_table(&mut self, index: Gpr, targets: &[Self::Label]);
    /// `dst = cond_reg != 0 ? dst : src` (32-bit condition).
    fn select(&mut self, size: Size, dst: Gpr, cond: Gpr, src: Gpr);

    /// `dst = load(mem)`; returns the offset of the faulting instruction.
    fn load(&mut self, kind: LoadKind, dst: Gpr, mem: Mem) -> u32;
    /// `mem = store(src)`; returns the offset of the faulting instruction.
    fn store(&mut self, kind: StoreKind, mem: Mem, src: Gpr) -> u32;
    /// `dst = [mem]` as a float; returns the offset of the faulting instruction.
    fn fload(&mut self, size: FSize, dst: Fpr, mem: Mem) -> u32;
    /// `[mem] = src` as a float; returns the offset of the faulting instruction.
    fn fstore(&mut self, size: FSize, mem: Mem, src: Fpr) -> u32;

    /// `dst = src`.
    fn fmov(&mut self, size: FSize, dst: Fpr, src: Fpr);
    /// `dst = dst op src`.
    fn fbin(&mut self, op: FBinOp, size: FSize, dst: Fpr, src: Fpr);
    /// `dst = dst op [src]` for `Add`, `Sub`, `Mul` and `Div`: the operand
    /// read from memory; false (and nothing emitted) for other operators.
    fn fbin_mem(&mut self, op: FBinOp, size: FSize, dst: Fpr, src: Mem) -> bool;
    /// `dst = op(src)`.
    fn fun(&mut self, op: FUnOp, size: FSize, dst: Fpr, src: Fpr);
    /// `dst = a cond b ? 1 : 0` with IEEE semantics.
    fn fcmp_set(&mut self, cond: FCond, size: FSize, dst: Gpr, a: Fpr, b: Fpr);
    /// Float bits to an integer register.
    fn fbits_to_gpr(&mut self, size: FSize, dst: Gpr, src: Fpr);
    /// Integer bits to a float register.
    fn gpr_to_fbits(&mut self, size: FSize, dst: Fpr, src: Gpr);
    /// Integer to float conversion, rounding to nearest.
    fn int_to_float(&mut self, from: Size, signed: bool, to: FSize, dst: Fpr, src: Gpr);
    /// Float to float conversion.
    fn float_to_float(&mut self, from: FSize, to: FSize, dst: Fpr, src: Fpr);
    /// Truncating float to int conversion; traps as `traps` says, or
    /// saturates (NaN → 0) when `traps` is `None`.
    fn float_to_int(
        &mut self,
        from: FSize,
        to: Size,
        signed: bool,
        dst: Gpr,
        src: Fpr,
        traps: Option<TruncTraps>,
    );

    /// Calls the code whose address is stored at `mem`.
    fn call_mem(&mut self, mem: Mem);
    /// Calls an absolute address (a runtime helper).
    fn call_abs(&mut self, addr: usize);
    /// Calls the address in `reg`.
    fn call_reg(&mut self, reg: Gpr);
    /// Jumps to the code whose address is stored at `mem` (a tail call).
    fn jmp_mem(&mut self, mem: Mem);
    /// Jumps to the address in `reg` (a tail call).
    fn jmp_reg(&mut self, reg: Gpr);
    /// Pushes a register.
    fn push(&mut self, reg: Gpr);
    /// Pops a register.
    fn pop(&mut self, reg: Gpr);
    /// Adjusts the stack pointer by `delta` bytes.
    fn adjust_sp(&mut self, delta: i32);
    /// Returns to the caller.
    fn ret(&mut self);
    /// Traps unconditionally with `code`.
    fn trap(&mut self, code: u32);
    /// Traps with `code` when `cond` holds after `cmp`.
    fn trap_if(&mut self, cond: Cond, code: u32);
    /// Traps with the code in `reg` (32 bits) unless it is zero: how calls
    /// into runtime helpers report failure.
    fn raise_if_nonzero(&mut self, reg: Gpr);
    /// Makes the call just emitted a landing site: a
    /// [`CATCHABLE`](crate::CATCHABLE) raise below it resumes at `landing`
    /// with this frame's stack pointer.
    fn landing_site(&mut self, landing: Self::Label);

    /// Finishes the code.
    fn finish(self) -> Result<Assembled, String>;
}
