//! 128-bit vector operations on NEON.
//!
//! Most operations are one instruction. The sequences use only the
//! assembler's scratch registers (x16, x17, v30, v31) besides their
//! operands, and compute exactly what `VBinOp` and kin document, NaN bits
//! of `FMin*`/`FMax*` included.

use super::{scaled, Aarch64Assembler, Addr, X16};
use crate::masm::*;
use dynasmrt::{dynasm, DynasmApi};

/// A vector register's memory access: the low 4, 8 or 16 bytes.
#[derive(Copy, Clone)]
enum VMem {
    LoadS,
    LoadD,
    LoadQ,
    StoreQ,
}

/// Per-lane bit weights (1, 2, 4, ...) that turn a vector of all-ones or
/// all-zero lanes into a bitmask once its lanes are summed: 16-bit lanes.
const WEIGHTS_I16: u128 = 0x0080_0040_0020_0010_0008_0004_0002_0001;
/// The same for 32-bit lanes.
const WEIGHTS_I32: u128 = 0x0000_0008_0000_0004_0000_0002_0000_0001;
/// The same for the bytes of each 64-bit half.
const WEIGHTS_I8_HALF: u64 = 0x8040_2010_0804_0201;

impl Aarch64Assembler {
    /// Loads or stores `v` at `mem` as `kind` says; returns the access's offset.
    fn neon_mem(&mut self, kind: VMem, v: u8, mem: Mem) -> u32 {
        let bytes = match kind {
            VMem::LoadS => 4,
            VMem::LoadD => 8,
            VMem::LoadQ | VMem::StoreQ => 16,
        };
        let a = self.addr(mem, bytes);
        // After the address arithmetic: only the access can fault.
        let at = self.offset();
        match kind {
            VMem::LoadS => ldst!(self, a, bytes, ldr, ldur, S(v)),
            VMem::LoadD => ldst!(self, a, bytes, ldr, ldur, D(v)),
            VMem::LoadQ => ldst!(self, a, bytes, ldr, ldur, Q(v)),
            // Vector stores may tear at a page they cannot write: a load
            // of the same bytes (into the scratch v31) faults first (see
            // `store_to` in mod.rs).
            VMem::StoreQ => {
                let probe = 31;
                ldst!(self, a, bytes, ldr, ldur, Q(probe));
                ldst!(self, a, bytes, str, stur, Q(v))
            }
        }
        at
    }

    /// `v` = the 128-bit constant `bits`, built through x16.
    fn neon_const(&mut self, v: u8, bits: u128) {
        let (lo, hi) = (bits as u64, (bits >> 64) as u64);
        if bits == 0 {
            dynasm!(self.ops ; .arch aarch64 ; movi V(v).D2, 0);
            return;
        }
        self.mov_imm64(X16, lo);
        if lo == hi {
            dynasm!(self.ops ; .arch aarch64 ; dup V(v).D2, X(16));
            return;
        }
        // A scalar write zeroes the upper half, which may be all we need.
        dynasm!(self.ops ; .arch aarch64 ; fmov D(v), X(16));
        if hi != 0 {
            self.mov_imm64(X16, hi);
            dynasm!(self.ops ; .arch aarch64 ; mov V(v).D[1], X(16));
        }
    }

    /// `dst = [mem]`, 16 bytes at any alignment.
    pub(super) fn neon_vload(&mut self, dst: Fpr, mem: Mem) -> u32 {
        self.neon_mem(VMem::LoadQ, dst.0, mem)
    }

    /// `[mem] = src`, 16 bytes at any alignment.
    pub(super) fn neon_vstore(&mut self, mem: Mem, src: Fpr) -> u32 {
        self.neon_mem(VMem::StoreQ, src.0, mem)
    }

    /// `dst = dst op src`, lane-wise.
    pub(super) fn neon_vbin(&mut self, op: VBinOp, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        macro_rules! v {
            ($mn:ident, $t:ident) => {
                dynasm!(self.ops ; .arch aarch64 ; $mn V(d).$t, V(d).$t, V(s).$t)
            };
        }
        match op {
            VBinOp::And => v!(and, B16),
            VBinOp::Or => v!(orr, B16),
            VBinOp::Xor => v!(eor, B16),
            // bic is its first source and not its second: src & !dst.
            VBinOp::AndNot => dynasm!(self.ops ; .arch aarch64 ; bic V(d).B16, V(s).B16, V(d).B16),
            VBinOp::AddI8 => v!(add, B16),
            VBinOp::AddI16 => v!(add, H8),
            VBinOp::AddI32 => v!(add, S4),
            VBinOp::AddI64 => v!(add, D2),
            VBinOp::SubI8 => v!(sub, B16),
            VBinOp::SubI16 => v!(sub, H8),
            VBinOp::SubI32 => v!(sub, S4),
            VBinOp::SubI64 => v!(sub, D2),
            VBinOp::MulI16 => v!(mul, H8),
            VBinOp::MulI32 => v!(mul, S4),
            VBinOp::AddSatS8 => v!(sqadd, B16),
            VBinOp::AddSatU8 => v!(uqadd, B16),
            VBinOp::AddSatS16 => v!(sqadd, H8),
            VBinOp::AddSatU16 => v!(uqadd, H8),
            VBinOp::SubSatS8 => v!(sqsub, B16),
            VBinOp::SubSatU8 => v!(uqsub, B16),
            VBinOp::SubSatS16 => v!(sqsub, H8),
            VBinOp::SubSatU16 => v!(uqsub, H8),
            VBinOp::MinS8 => v!(smin, B16),
            VBinOp::MinU8 => v!(umin, B16),
            VBinOp::MinS16 => v!(smin, H8),
            VBinOp::MinU16 => v!(umin, H8),
            VBinOp::MinS32 => v!(smin, S4),
            VBinOp::MinU32 => v!(umin, S4),
            VBinOp::MaxS8 => v!(smax, B16),
            VBinOp::MaxU8 => v!(umax, B16),
            VBinOp::MaxS16 => v!(smax, H8),
            VBinOp::MaxU16 => v!(umax, H8),
            VBinOp::MaxS32 => v!(smax, S4),
            VBinOp::MaxU32 => v!(umax, S4),
            VBinOp::AvgrU8 => v!(urhadd, B16),
            VBinOp::AvgrU16 => v!(urhadd, H8),
            VBinOp::EqI8 => v!(cmeq, B16),
            VBinOp::EqI16 => v!(cmeq, H8),
            VBinOp::EqI32 => v!(cmeq, S4),
            VBinOp::EqI64 => v!(cmeq, D2),
            VBinOp::GtS8 => v!(cmgt, B16),
            VBinOp::GtS16 => v!(cmgt, H8),
            VBinOp::GtS32 => v!(cmgt, S4),
            VBinOp::GtS64 => v!(cmgt, D2),
            // The low and high halves' widened products, added in pairs
            // (wrapping, as pmaddwd: only 2 * (-32768)^2 overflows).
            VBinOp::DotI16 => dynasm!(self.ops ; .arch aarch64
                ; smull V(31).S4, V(d).H4, V(s).H4
                ; smull2 V(30).S4, V(d).H8, V(s).H8
                ; addp V(d).S4, V(31).S4, V(30).S4),
            // dst's lanes narrowed into the low half (clearing the high),
            // then src's into the high half.
            VBinOp::NarrowS16 => dynasm!(self.ops ; .arch aarch64
                ; sqxtn V(d).B8, V(d).H8 ; sqxtn2 V(d).B16, V(s).H8),
            VBinOp::NarrowU16 => dynasm!(self.ops ; .arch aarch64
                ; sqxtun V(d).B8, V(d).H8 ; sqxtun2 V(d).B16, V(s).H8),
            VBinOp::NarrowS32 => dynasm!(self.ops ; .arch aarch64
                ; sqxtn V(d).H4, V(d).S4 ; sqxtn2 V(d).H8, V(s).S4),
            VBinOp::NarrowU32 => dynasm!(self.ops ; .arch aarch64
                ; sqxtun V(d).H4, V(d).S4 ; sqxtun2 V(d).H8, V(s).S4),
            VBinOp::AddF32 => v!(fadd, S4),
            VBinOp::SubF32 => v!(fsub, S4),
            VBinOp::MulF32 => v!(fmul, S4),
            VBinOp::DivF32 => v!(fdiv, S4),
            VBinOp::AddF64 => v!(fadd, D2),
            VBinOp::SubF64 => v!(fsub, D2),
            VBinOp::MulF64 => v!(fmul, D2),
            VBinOp::DivF64 => v!(fdiv, D2),
            // fmin/fmax would propagate NaN; these keep dst only where the
            // ordered comparison holds, src otherwise (NaN or equal), as
            // minps/maxps do: bif inserts src where the mask is clear.
            VBinOp::MinF32 => dynasm!(self.ops ; .arch aarch64
                ; fcmgt V(31).S4, V(s).S4, V(d).S4 ; bif V(d).B16, V(s).B16, V(31).B16),
            VBinOp::MaxF32 => dynasm!(self.ops ; .arch aarch64
                ; fcmgt V(31).S4, V(d).S4, V(s).S4 ; bif V(d).B16, V(s).B16, V(31).B16),
            VBinOp::MinF64 => dynasm!(self.ops ; .arch aarch64
                ; fcmgt V(31).D2, V(s).D2, V(d).D2 ; bif V(d).B16, V(s).B16, V(31).B16),
            VBinOp::MaxF64 => dynasm!(self.ops ; .arch aarch64
                ; fcmgt V(31).D2, V(d).D2, V(s).D2 ; bif V(d).B16, V(s).B16, V(31).B16),
            // a < b is b > a; != is the complement of ordered ==.
            VBinOp::EqF32 => v!(fcmeq, S4),
            VBinOp::LtF32 => dynasm!(self.ops ; .arch aarch64 ; fcmgt V(d).S4, V(s).S4, V(d).S4),
            VBinOp::LeF32 => dynasm!(self.ops ; .arch aarch64 ; fcmge V(d).S4, V(s).S4, V(d).S4),
            VBinOp::NeF32 => dynasm!(self.ops ; .arch aarch64
                ; fcmeq V(d).S4, V(d).S4, V(s).S4 ; mvn V(d).B16, V(d).B16),
            VBinOp::EqF64 => v!(fcmeq, D2),
            VBinOp::LtF64 => dynasm!(self.ops ; .arch aarch64 ; fcmgt V(d).D2, V(s).D2, V(d).D2),
            VBinOp::LeF64 => dynasm!(self.ops ; .arch aarch64 ; fcmge V(d).D2, V(s).D2, V(d).D2),
            VBinOp::NeF64 => dynasm!(self.ops ; .arch aarch64
                ; fcmeq V(d).D2, V(d).D2, V(s).D2 ; mvn V(d).B16, V(d).B16),
            // No 64-bit vector multiply: lo(d) * lo(s) (umlal, full width)
            // + (lo(d) * hi(s) + hi(d) * lo(s)) << 32, the cross products
            // taken as 32-bit lanes against src with its halves swapped.
            VBinOp::MulI64 => dynasm!(self.ops ; .arch aarch64
                ; rev64 V(31).S4, V(s).S4
                ; mul V(31).S4, V(31).S4, V(d).S4
                ; uaddlp V(31).D2, V(31).S4
                ; shl V(31).D2, V(31).D2, 32
                ; xtn V(30).S2, V(s).D2
                ; xtn V(d).S2, V(d).D2
                ; umlal V(31).D2, V(d).S2, V(30).S2
                ; mov V(d).B16, V(31).B16),
            // sqrdmulh is (2ab + 2^15) >> 16, the same as (ab + 2^14) >> 15,
            // and saturates -1 * -1.
            VBinOp::Q15MulrSatS => v!(sqrdmulh, H8),
            VBinOp::ExtMul { from, high, signed } => self.neon_extmul(from, high, signed, d, s),
            VBinOp::FMinF32 | VBinOp::FMaxF32 | VBinOp::FMinF64 | VBinOp::FMaxF64 => {
                self.neon_minmax(op, d, s)
            }
            // Sixteen i16 products (each fits), then even and odd ones
            // separated and added with saturation: phaddsw's pairs.
            VBinOp::DotI8SatS => dynasm!(self.ops ; .arch aarch64
                ; smull V(31).H8, V(d).B8, V(s).B8
                ; smull2 V(30).H8, V(d).B16, V(s).B16
                ; uzp1 V(d).H8, V(31).H8, V(30).H8
                ; uzp2 V(31).H8, V(31).H8, V(30).H8
                ; sqadd V(d).H8, V(d).H8, V(31).H8),
        }
    }

    /// `VBinOp::ExtMul` on registers `d` and `s`: one widening multiply.
    fn neon_extmul(&mut self, from: VLanes, high: bool, signed: bool, d: u8, s: u8) {
        match (from, high, signed) {
            (VLanes::I8, false, true) => {
                dynasm!(self.ops ; .arch aarch64 ; smull V(d).H8, V(d).B8, V(s).B8)
            }
            (VLanes::I8, false, false) => {
                dynasm!(self.ops ; .arch aarch64 ; umull V(d).H8, V(d).B8, V(s).B8)
            }
            (VLanes::I8, true, true) => {
                dynasm!(self.ops ; .arch aarch64 ; smull2 V(d).H8, V(d).B16, V(s).B16)
            }
            (VLanes::I8, true, false) => {
                dynasm!(self.ops ; .arch aarch64 ; umull2 V(d).H8, V(d).B16, V(s).B16)
            }
            (VLanes::I16, false, true) => {
                dynasm!(self.ops ; .arch aarch64 ; smull V(d).S4, V(d).H4, V(s).H4)
            }
            (VLanes::I16, false, false) => {
                dynasm!(self.ops ; .arch aarch64 ; umull V(d).S4, V(d).H4, V(s).H4)
            }
            (VLanes::I16, true, true) => {
                dynasm!(self.ops ; .arch aarch64 ; smull2 V(d).S4, V(d).H8, V(s).H8)
            }
            (VLanes::I16, true, false) => {
                dynasm!(self.ops ; .arch aarch64 ; umull2 V(d).S4, V(d).H8, V(s).H8)
            }
            // There is no wider product: I64 is taken as I32, as on x86_64.
            (_, false, true) => {
                dynasm!(self.ops ; .arch aarch64 ; smull V(d).D2, V(d).S2, V(s).S2)
            }
            (_, false, false) => {
                dynasm!(self.ops ; .arch aarch64 ; umull V(d).D2, V(d).S2, V(s).S2)
            }
            (_, true, true) => {
                dynasm!(self.ops ; .arch aarch64 ; smull2 V(d).D2, V(d).S4, V(s).S4)
            }
            (_, true, false) => {
                dynasm!(self.ops ; .arch aarch64 ; umull2 V(d).D2, V(d).S4, V(s).S4)
            }
        }
    }

    /// WebAssembly `min`/`max` (`VBinOp::FMinF32` and kin) on registers `d` and `s`.
    fn neon_minmax(&mut self, op: VBinOp, d: u8, s: u8) {
        // fmin/fmax already order -0 below +0, and a lane of their result
        // is NaN exactly when an operand's is: those lanes take `d + s`
        // instead, so their bits are the addition's by construction.
        match op {
            VBinOp::FMinF32 => dynasm!(self.ops ; .arch aarch64
                ; fmin V(31).S4, V(d).S4, V(s).S4 ; fcmeq V(30).S4, V(31).S4, V(31).S4
                ; fadd V(d).S4, V(d).S4, V(s).S4),
            VBinOp::FMaxF32 => dynasm!(self.ops ; .arch aarch64
                ; fmax V(31).S4, V(d).S4, V(s).S4 ; fcmeq V(30).S4, V(31).S4, V(31).S4
                ; fadd V(d).S4, V(d).S4, V(s).S4),
            VBinOp::FMinF64 => dynasm!(self.ops ; .arch aarch64
                ; fmin V(31).D2, V(d).D2, V(s).D2 ; fcmeq V(30).D2, V(31).D2, V(31).D2
                ; fadd V(d).D2, V(d).D2, V(s).D2),
            _ => dynasm!(self.ops ; .arch aarch64
                ; fmax V(31).D2, V(d).D2, V(s).D2 ; fcmeq V(30).D2, V(31).D2, V(31).D2
                ; fadd V(d).D2, V(d).D2, V(s).D2),
        }
        dynasm!(self.ops ; .arch aarch64 ; bit V(d).B16, V(31).B16, V(30).B16);
    }

    /// `dst = op src`, lane-wise.
    pub(super) fn neon_vun(&mut self, op: VUnOp, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        macro_rules! v {
            ($mn:ident, $t:ident) => {
                dynasm!(self.ops ; .arch aarch64 ; $mn V(d).$t, V(s).$t)
            };
        }
        match op {
            VUnOp::Not => v!(mvn, B16),
            VUnOp::NegI8 => v!(neg, B16),
            VUnOp::NegI16 => v!(neg, H8),
            VUnOp::NegI32 => v!(neg, S4),
            VUnOp::NegI64 => v!(neg, D2),
            VUnOp::AbsI8 => v!(abs, B16),
            VUnOp::AbsI16 => v!(abs, H8),
            VUnOp::AbsI32 => v!(abs, S4),
            // abs wraps (not sqabs): the most negative value stays.
            VUnOp::AbsI64 => v!(abs, D2),
            VUnOp::SqrtF32 => v!(fsqrt, S4),
            VUnOp::SqrtF64 => v!(fsqrt, D2),
            VUnOp::ExtendLowS8 => dynasm!(self.ops ; .arch aarch64 ; sxtl V(d).H8, V(s).B8),
            VUnOp::ExtendLowU8 => dynasm!(self.ops ; .arch aarch64 ; uxtl V(d).H8, V(s).B8),
            VUnOp::ExtendLowS16 => dynasm!(self.ops ; .arch aarch64 ; sxtl V(d).S4, V(s).H4),
            VUnOp::ExtendLowU16 => dynasm!(self.ops ; .arch aarch64 ; uxtl V(d).S4, V(s).H4),
            VUnOp::ExtendLowS32 => dynasm!(self.ops ; .arch aarch64 ; sxtl V(d).D2, V(s).S2),
            VUnOp::ExtendLowU32 => dynasm!(self.ops ; .arch aarch64 ; uxtl V(d).D2, V(s).S2),
            VUnOp::ExtendHighS8 => dynasm!(self.ops ; .arch aarch64 ; sxtl2 V(d).H8, V(s).B16),
            VUnOp::ExtendHighU8 => dynasm!(self.ops ; .arch aarch64 ; uxtl2 V(d).H8, V(s).B16),
            VUnOp::ExtendHighS16 => dynasm!(self.ops ; .arch aarch64 ; sxtl2 V(d).S4, V(s).H8),
            VUnOp::ExtendHighU16 => dynasm!(self.ops ; .arch aarch64 ; uxtl2 V(d).S4, V(s).H8),
            VUnOp::ExtendHighS32 => dynasm!(self.ops ; .arch aarch64 ; sxtl2 V(d).D2, V(s).S4),
            VUnOp::ExtendHighU32 => dynasm!(self.ops ; .arch aarch64 ; uxtl2 V(d).D2, V(s).S4),
            // Vector fabs/fneg only touch the sign bit, NaNs included.
            VUnOp::AbsF32 => v!(fabs, S4),
            VUnOp::AbsF64 => v!(fabs, D2),
            VUnOp::NegF32 => v!(fneg, S4),
            VUnOp::NegF64 => v!(fneg, D2),
            VUnOp::CeilF32 => v!(frintp, S4),
            VUnOp::FloorF32 => v!(frintm, S4),
            VUnOp::TruncF32 => v!(frintz, S4),
            VUnOp::NearestF32 => v!(frintn, S4),
            VUnOp::CeilF64 => v!(frintp, D2),
            VUnOp::FloorF64 => v!(frintm, D2),
            VUnOp::TruncF64 => v!(frintz, D2),
            VUnOp::NearestF64 => v!(frintn, D2),
            VUnOp::ConvertI32F32 => v!(scvtf, S4),
            VUnOp::ConvertU32F32 => v!(ucvtf, S4),
            // Widened to 64-bit integers first; every i32/u32 is exact in f64.
            VUnOp::ConvertLowI32F64 => dynasm!(self.ops ; .arch aarch64
                ; sxtl V(d).D2, V(s).S2 ; scvtf V(d).D2, V(d).D2),
            VUnOp::ConvertLowU32F64 => dynasm!(self.ops ; .arch aarch64
                ; uxtl V(d).D2, V(s).S2 ; ucvtf V(d).D2, V(d).D2),
            VUnOp::PromoteLowF32 => dynasm!(self.ops ; .arch aarch64 ; fcvtl V(d).D2, V(s).S2),
            // The 64-bit form writes the low half and zeroes the high one.
            VUnOp::DemoteF64 => dynasm!(self.ops ; .arch aarch64 ; fcvtn V(d).S2, V(s).D2),
            VUnOp::PopcntI8 => v!(cnt, B16),
            VUnOp::ExtAddPairwise { from, signed } => match (from, signed) {
                (VLanes::I8, true) => dynasm!(self.ops ; .arch aarch64 ; saddlp V(d).H8, V(s).B16),
                (VLanes::I8, false) => dynasm!(self.ops ; .arch aarch64 ; uaddlp V(d).H8, V(s).B16),
                (VLanes::I16, true) => dynasm!(self.ops ; .arch aarch64 ; saddlp V(d).S4, V(s).H8),
                (VLanes::I16, false) => dynasm!(self.ops ; .arch aarch64 ; uaddlp V(d).S4, V(s).H8),
                // No wider sums exist: I64 is taken as I32.
                (_, true) => dynasm!(self.ops ; .arch aarch64 ; saddlp V(d).D2, V(s).S4),
                (_, false) => dynasm!(self.ops ; .arch aarch64 ; uaddlp V(d).D2, V(s).S4),
            },
            // fcvtz[su] saturate and give 0 for NaN; the f64 forms convert
            // to 64-bit lanes, then narrow saturating into the low half
            // (zeroing the high half).
            VUnOp::TruncSatF32S => v!(fcvtzs, S4),
            VUnOp::TruncSatF32U => v!(fcvtzu, S4),
            VUnOp::TruncSatF64SZero => dynasm!(self.ops ; .arch aarch64
                ; fcvtzs V(d).D2, V(s).D2 ; sqxtn V(d).S2, V(d).D2),
            VUnOp::TruncSatF64UZero => dynasm!(self.ops ; .arch aarch64
                ; fcvtzu V(d).D2, V(s).D2 ; uqxtn V(d).S2, V(d).D2),
        }
    }

    /// Every lane of `dst` = the low lane-width bits of `src`.
    pub(super) fn neon_vsplat(&mut self, lanes: VLanes, dst: Fpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match lanes {
            VLanes::I8 => dynasm!(self.ops ; .arch aarch64 ; dup V(d).B16, W(s)),
            VLanes::I16 => dynasm!(self.ops ; .arch aarch64 ; dup V(d).H8, W(s)),
            VLanes::I32 => dynasm!(self.ops ; .arch aarch64 ; dup V(d).S4, W(s)),
            VLanes::I64 => dynasm!(self.ops ; .arch aarch64 ; dup V(d).D2, X(s)),
        }
    }

    /// `dst = dst shifted by count` (`count`'s low 64 bits), lane-wise.
    pub(super) fn neon_vshift(&mut self, op: VShiftOp, dst: Fpr, count: Fpr) {
        let (d, c) = (dst.0, count.0);
        let (width, right) = match op {
            VShiftOp::Shl8 => (8, false),
            VShiftOp::Shl16 => (16, false),
            VShiftOp::Shl32 => (32, false),
            VShiftOp::Shl64 => (64, false),
            VShiftOp::ShrU8 | VShiftOp::ShrS8 => (8, true),
            VShiftOp::ShrU16 | VShiftOp::ShrS16 => (16, true),
            VShiftOp::ShrU32 | VShiftOp::ShrS32 => (32, true),
            VShiftOp::ShrU64 | VShiftOp::ShrS64 => (64, true),
        };
        // ushl/sshl shift by the signed low byte of each lane (right when
        // negative). The unsigned 64-bit count is saturated down to a byte
        // and clamped to the width (which shifts out everything, or leaves
        // the sign for sshl), negated for right shifts, and spread to every
        // byte whatever the lane width: all in v30 and v31, flags untouched.
        dynasm!(self.ops ; .arch aarch64
            ; uqxtn S(31), D(c)
            ; uqxtn H(31), S(31)
            ; uqxtn B(31), H(31)
            ; movi V(30).B8, width
            ; umin V(31).B8, V(31).B8, V(30).B8);
        if right {
            dynasm!(self.ops ; .arch aarch64 ; neg V(31).B8, V(31).B8);
        }
        dynasm!(self.ops ; .arch aarch64 ; dup V(31).B16, V(31).B[0]);
        match op {
            VShiftOp::Shl8 | VShiftOp::ShrU8 => {
                dynasm!(self.ops ; .arch aarch64 ; ushl V(d).B16, V(d).B16, V(31).B16)
            }
            VShiftOp::Shl16 | VShiftOp::ShrU16 => {
                dynasm!(self.ops ; .arch aarch64 ; ushl V(d).H8, V(d).H8, V(31).H8)
            }
            VShiftOp::Shl32 | VShiftOp::ShrU32 => {
                dynasm!(self.ops ; .arch aarch64 ; ushl V(d).S4, V(d).S4, V(31).S4)
            }
            VShiftOp::Shl64 | VShiftOp::ShrU64 => {
                dynasm!(self.ops ; .arch aarch64 ; ushl V(d).D2, V(d).D2, V(31).D2)
            }
            VShiftOp::ShrS8 => {
                dynasm!(self.ops ; .arch aarch64 ; sshl V(d).B16, V(d).B16, V(31).B16)
            }
            VShiftOp::ShrS16 => {
                dynasm!(self.ops ; .arch aarch64 ; sshl V(d).H8, V(d).H8, V(31).H8)
            }
            VShiftOp::ShrS32 => {
                dynasm!(self.ops ; .arch aarch64 ; sshl V(d).S4, V(d).S4, V(31).S4)
            }
            VShiftOp::ShrS64 => {
                dynasm!(self.ops ; .arch aarch64 ; sshl V(d).D2, V(d).D2, V(31).D2)
            }
        }
    }

    /// `dst` = a vector made of the 4 or 8 bytes at `mem`.
    pub(super) fn neon_vload_kind(&mut self, kind: VLoadKind, dst: Fpr, mem: Mem) -> u32 {
        let d = dst.0;
        // Scalar loads zero the rest of the register.
        let width = if kind == VLoadKind::Zero32 {
            VMem::LoadS
        } else {
            VMem::LoadD
        };
        let at = self.neon_mem(width, d, mem);
        match kind {
            VLoadKind::S8x8 => dynasm!(self.ops ; .arch aarch64 ; sxtl V(d).H8, V(d).B8),
            VLoadKind::U8x8 => dynasm!(self.ops ; .arch aarch64 ; uxtl V(d).H8, V(d).B8),
            VLoadKind::S16x4 => dynasm!(self.ops ; .arch aarch64 ; sxtl V(d).S4, V(d).H4),
            VLoadKind::U16x4 => dynasm!(self.ops ; .arch aarch64 ; uxtl V(d).S4, V(d).H4),
            VLoadKind::S32x2 => dynasm!(self.ops ; .arch aarch64 ; sxtl V(d).D2, V(d).S2),
            VLoadKind::U32x2 => dynasm!(self.ops ; .arch aarch64 ; uxtl V(d).D2, V(d).S2),
            VLoadKind::Zero32 | VLoadKind::Zero64 => {}
        }
        at
    }

    /// `dst` = a reduction of `src`, zero-extended.
    pub(super) fn neon_vtest(&mut self, op: VTestOp, dst: Gpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match op {
            // The largest (or smallest) lane is non-zero; the scalar result
            // of the across-lanes reduction has the rest of v31 zeroed.
            VTestOp::AnyTrue => dynasm!(self.ops ; .arch aarch64 ; umaxv S(31), V(s).S4),
            VTestOp::AllTrue(VLanes::I8) => {
                dynasm!(self.ops ; .arch aarch64 ; uminv B(31), V(s).B16)
            }
            VTestOp::AllTrue(VLanes::I16) => {
                dynasm!(self.ops ; .arch aarch64 ; uminv H(31), V(s).H8)
            }
            VTestOp::AllTrue(VLanes::I32) => {
                dynasm!(self.ops ; .arch aarch64 ; uminv S(31), V(s).S4)
            }
            // No 64-bit uminv: each lane made all-ones if non-zero first.
            VTestOp::AllTrue(VLanes::I64) => dynasm!(self.ops ; .arch aarch64
                ; cmtst V(31).D2, V(s).D2, V(s).D2 ; uminv S(31), V(31).S4),
            // Lanes made all-ones where negative, masked to their bit's
            // weight and summed. The bytes' two halves are interleaved so
            // the 16-bit sum holds the low half's bits in its low byte and
            // the high half's in its high byte.
            VTestOp::BitmaskI8 => {
                dynasm!(self.ops ; .arch aarch64 ; cmlt V(31).B16, V(s).B16, 0);
                self.mov_imm64(X16, WEIGHTS_I8_HALF);
                dynasm!(self.ops ; .arch aarch64
                    ; dup V(30).D2, X(16)
                    ; and V(31).B16, V(31).B16, V(30).B16
                    ; ext V(30).B16, V(31).B16, V(31).B16, 8
                    ; zip1 V(31).B16, V(31).B16, V(30).B16
                    ; addv H(31), V(31).H8
                    ; fmov W(d), S(31));
                return;
            }
            VTestOp::BitmaskI16 => {
                dynasm!(self.ops ; .arch aarch64 ; cmlt V(31).H8, V(s).H8, 0);
                self.neon_const(30, WEIGHTS_I16);
                dynasm!(self.ops ; .arch aarch64
                    ; and V(31).B16, V(31).B16, V(30).B16
                    ; addv H(31), V(31).H8
                    ; fmov W(d), S(31));
                return;
            }
            VTestOp::BitmaskI32 => {
                dynasm!(self.ops ; .arch aarch64 ; cmlt V(31).S4, V(s).S4, 0);
                self.neon_const(30, WEIGHTS_I32);
                dynasm!(self.ops ; .arch aarch64
                    ; and V(31).B16, V(31).B16, V(30).B16
                    ; addv S(31), V(31).S4
                    ; fmov W(d), S(31));
                return;
            }
            // Each lane's sign bit shifted down to bit 0, the two joined.
            VTestOp::BitmaskI64 => {
                dynasm!(self.ops ; .arch aarch64
                    ; ushr V(31).D2, V(s).D2, 63
                    ; mov X(16), V(31).D[1]
                    ; fmov X(d), D(31)
                    ; orr W(d), W(d), W(16), lsl 1);
                return;
            }
        }
        dynasm!(self.ops ; .arch aarch64
            ; fmov W(d), S(31)
            ; cmp WSP(d), 0
            ; cset W(d), ne);
    }

    /// `dst` = the bytes of `dst` and `other` picked by the constant `lanes`.
    pub(super) fn neon_vshuffle(&mut self, dst: Fpr, other: Fpr, lanes: [u8; 16]) {
        let (d, o) = (dst.0, other.0);
        let lanes = lanes.map(|l| l & 31);
        if lanes.iter().all(|&l| l < 16) {
            self.neon_const(31, u128::from_le_bytes(lanes));
            dynasm!(self.ops ; .arch aarch64 ; tbl V(d).B16, {V(d).B16 * 1}, V(31).B16);
        } else if lanes.iter().all(|&l| l >= 16) {
            self.neon_const(31, u128::from_le_bytes(lanes.map(|l| l - 16)));
            dynasm!(self.ops ; .arch aarch64 ; tbl V(d).B16, {V(o).B16 * 1}, V(31).B16);
        } else {
            // A two-register table must be consecutive registers.
            dynasm!(self.ops ; .arch aarch64 ; mov V(30).B16, V(d).B16 ; mov V(31).B16, V(o).B16);
            self.neon_const(d, u128::from_le_bytes(lanes));
            dynasm!(self.ops ; .arch aarch64
                ; tbl V(d).B16, {V(30).B16 * 2}, V(d).B16);
        }
    }

    /// `dst = (dst & mask) | (other & !mask)`, the mask read from `mask`.
    pub(super) fn neon_vbitselect(&mut self, dst: Fpr, other: Fpr, mask: Mem) {
        let (d, o) = (dst.0, other.0);
        self.neon_mem(VMem::LoadQ, 31, mask);
        dynasm!(self.ops ; .arch aarch64 ; bif V(d).B16, V(o).B16, V(31).B16);
    }

    /// `dst` = the bytes of `dst` picked by `index` (0 from 16 up).
    pub(super) fn neon_vswizzle(&mut self, dst: Fpr, index: Fpr) {
        let (d, i) = (dst.0, index.0);
        // tbl gives 0 for an out-of-range index, as swizzle wants.
        dynasm!(self.ops ; .arch aarch64 ; tbl V(d).B16, {V(d).B16 * 1}, V(i).B16);
    }

    /// `dst` = lane `lane` of `src`, zero-extended.
    pub(super) fn neon_vextract(&mut self, lanes: VLanes, dst: Gpr, src: Fpr, lane: u8) {
        let (d, s) = (dst.0, src.0);
        match lanes {
            VLanes::I8 => {
                dynasm!(self.ops ; .arch aarch64 ; umov W(d), V(s).B[u32::from(lane & 15)])
            }
            VLanes::I16 => {
                dynasm!(self.ops ; .arch aarch64 ; umov W(d), V(s).H[u32::from(lane & 7)])
            }
            VLanes::I32 => {
                dynasm!(self.ops ; .arch aarch64 ; umov W(d), V(s).S[u32::from(lane & 3)])
            }
            VLanes::I64 => {
                dynasm!(self.ops ; .arch aarch64 ; umov X(d), V(s).D[u32::from(lane & 1)])
            }
        }
    }

    /// Lane `lane` of `dst` = the low lane-width bits of `src`.
    pub(super) fn neon_vinsert(&mut self, lanes: VLanes, dst: Fpr, src: Gpr, lane: u8) {
        let (d, s) = (dst.0, src.0);
        match lanes {
            VLanes::I8 => {
                dynasm!(self.ops ; .arch aarch64 ; ins V(d).B[u32::from(lane & 15)], W(s))
            }
            VLanes::I16 => {
                dynasm!(self.ops ; .arch aarch64 ; ins V(d).H[u32::from(lane & 7)], W(s))
            }
            VLanes::I32 => {
                dynasm!(self.ops ; .arch aarch64 ; ins V(d).S[u32::from(lane & 3)], W(s))
            }
            VLanes::I64 => {
                dynasm!(self.ops ; .arch aarch64 ; ins V(d).D[u32::from(lane & 1)], X(s))
            }
        }
    }
}
