//! The AArch64 MacroAssembler, on `dynasmrt`'s aarch64 mode.
//!
//! It only emits bytes, so it is compiled, and its encodings tested, on
//! every host. The trait it implements is two-address with condition
//! flags, which AArch64 has too: `cmp` sets NZCV for `set` (`cset`) and
//! `jcc` (`b.cond`).
//!
//! Register use:
//! - x16 and x17 (the platform's intra-procedure-call scratch pair) and
//!   v30 and v31 belong to this assembler: address and immediate
//!   materialisation, sequences. Callers keep no values in them.
//! - x18 (the platform register), x29 (frame pointer), x30 (link register)
//!   and register 31 (`sp` as a base, the zero register elsewhere) are
//!   never operands.
//!
//! Immediates that do not encode are materialised into a scratch register,
//! never passed to `dynasm!` (whose aarch64 mode panics on them).
//! Conditional branches reach ±1 MiB; an assembler made with
//! [`Aarch64Assembler::far`] branches over an unconditional `b` (±128 MiB)
//! instead, and [`finish`](MacroAssembler::finish) reports a branch out of
//! range as an error, so a caller can retry a very large function far.
//! Traps are `brk #0` at a registered trap site: the signal handler (or an
//! emulator) finds the code by the faulting PC.

// dynasm!'s expansion converts register numbers with `.into()`.
#![allow(clippy::useless_conversion)]

use crate::masm::*;
use crate::TrapSite;
use dynasmrt::aarch64::{
    encode_logical_immediate_32bit, encode_logical_immediate_64bit, Aarch64Relocation,
};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

/// x16: scratch (addresses, immediates, indirect call targets).
pub const X16: Gpr = Gpr(16);
/// x17: scratch (second operands).
pub const X17: Gpr = Gpr(17);
/// The stack pointer, as a memory operand's base.
pub const SP: Gpr = Gpr(31);
/// v30: scratch.
pub const V30: Fpr = Fpr(30);
/// v31: scratch.
pub const V31: Fpr = Fpr(31);
/// The register a [`DYNAMIC_TRAP`](crate::signals::DYNAMIC_TRAP) site
/// holds its trap code in (32 bits).
pub const DYNAMIC_TRAP_CODE: Gpr = X16;
/// Bytes [`MacroAssembler::push`] moves the stack pointer by: AArch64
/// requires `sp` 16-byte aligned at every access through it.
pub const PUSH_BYTES: i32 = 16;

/// A memory operand reduced to one AArch64 addressing form.
#[derive(Copy, Clone, Debug)]
enum Addr {
    /// `[base, #disp]`: scaled unsigned or unscaled signed, by the access.
    Imm(u8, i32),
    /// `[base, index]`.
    Reg(u8, u8),
}

/// Whether `disp` is a scaled unsigned offset of an access of `bytes`.
fn scaled(disp: i32, bytes: i32) -> bool {
    disp >= 0 && disp % bytes == 0 && disp / bytes < 4096
}

/// Whether `disp` is an unscaled signed 9-bit offset.
fn unscaled(disp: i32) -> bool {
    (-256..256).contains(&disp)
}

/// Emits a load or store of `$bytes` through the [`Addr`] `$a`: `$op` for
/// the scaled and register forms, `$uop` for the unscaled one.
macro_rules! ldst {
    ($s:ident, $a:expr, $bytes:expr, $op:ident, $uop:ident, $($rt:tt)*) => {
        match $a {
            Addr::Imm(b, d) if scaled(d, $bytes) => {
                let d = d as u32;
                dynasm!($s.ops ; .arch aarch64 ; $op $($rt)*, [XSP(b), d])
            }
            Addr::Imm(b, d) => dynasm!($s.ops ; .arch aarch64 ; $uop $($rt)*, [XSP(b), d]),
            Addr::Reg(b, i) => dynasm!($s.ops ; .arch aarch64 ; $op $($rt)*, [XSP(b), X(i)]),
        }
    };
}

// After `ldst!`, which the NEON accesses use too.
mod simd;

/// AArch64 code generation into a position-independent buffer.
pub struct Aarch64Assembler {
    ops: VecAssembler<Aarch64Relocation>,
    trap_sites: Vec<TrapSite>,
    /// Out-of-line trap stubs, emitted after the code.
    stubs: Vec<(DynamicLabel, u32)>,
    /// The shared stub trapping with the code in [`DYNAMIC_TRAP_CODE`].
    raise: Option<DynamicLabel>,
    /// Return address offsets of calls with landing sites, and the sites.
    landings: Vec<(u32, DynamicLabel)>,
    /// Conditional branches go over an unconditional one.
    far: bool,
}

impl Default for Aarch64Assembler {
    fn default() -> Self {
        Self::new()
    }
}

impl Aarch64Assembler {
    /// An empty assembler whose conditional branches reach ±1 MiB.
    pub fn new() -> Aarch64Assembler {
        Aarch64Assembler {
            ops: VecAssembler::new(0),
            trap_sites: Vec::new(),
            stubs: Vec::new(),
            raise: None,
            landings: Vec::new(),
            far: false,
        }
    }

    /// An empty assembler whose conditional branches reach ±128 MiB, for
    /// a function whose code [`new`](Self::new)'s could not branch across.
    pub fn far() -> Aarch64Assembler {
        Aarch64Assembler {
            far: true,
            ..Self::new()
        }
    }

    fn site(&mut self, code: u32) {
        let offset = self.offset();
        self.trap_sites.push(TrapSite { offset, code });
    }

    fn trap_stub(&mut self, code: u32) -> DynamicLabel {
        if let Some(&(l, _)) = self.stubs.iter().find(|&&(_, c)| c == code) {
            return l;
        }
        let l = self.ops.new_dynamic_label();
        self.stubs.push((l, code));
        l
    }

    /// `[base + index + disp]` as one addressing form for an access of
    /// `bytes`, computing into x16 what does not encode.
    fn addr(&mut self, m: Mem, bytes: i32) -> Addr {
        let b = m.base.0;
        match m.index {
            None if scaled(m.disp, bytes) || unscaled(m.disp) => Addr::Imm(b, m.disp),
            None => {
                self.mov_imm64(X16, m.disp as i64 as u64);
                Addr::Reg(b, 16)
            }
            Some(i) if m.disp == 0 => Addr::Reg(b, i.0),
            Some(i) => {
                self.add_imm(Size::S64, X16, i, m.disp as i64);
                Addr::Reg(b, 16)
            }
        }
    }

    /// `dst = src + imm`, any 64-bit `imm`; `src` may be `dst`, not x17
    /// when `imm` needs materialising (x17 holds it then).
    fn add_imm(&mut self, size: Size, dst: Gpr, src: Gpr, imm: i64) {
        let (d, s) = (dst.0, src.0);
        let mag = imm.unsigned_abs();
        if mag < 1 << 24 {
            let (lo, hi) = ((mag & 0xfff) as u32, (mag >> 12) as u32);
            let mut from = s;
            // Register 31 is sp in add/sub immediate: XSP for both.
            if hi != 0 {
                match (size, imm < 0) {
                    (Size::S64, false) => {
                        dynasm!(self.ops ; .arch aarch64 ; add XSP(d), XSP(from), hi, lsl 12)
                    }
                    (Size::S64, true) => {
                        dynasm!(self.ops ; .arch aarch64 ; sub XSP(d), XSP(from), hi, lsl 12)
                    }
                    (Size::S32, false) => {
                        dynasm!(self.ops ; .arch aarch64 ; add WSP(d), WSP(from), hi, lsl 12)
                    }
                    (Size::S32, true) => {
                        dynasm!(self.ops ; .arch aarch64 ; sub WSP(d), WSP(from), hi, lsl 12)
                    }
                }
                from = d;
            }
            if lo != 0 || (hi == 0 && from != d) {
                match (size, imm < 0) {
                    (Size::S64, false) => {
                        dynasm!(self.ops ; .arch aarch64 ; add XSP(d), XSP(from), lo)
                    }
                    (Size::S64, true) => {
                        dynasm!(self.ops ; .arch aarch64 ; sub XSP(d), XSP(from), lo)
                    }
                    (Size::S32, false) => {
                        dynasm!(self.ops ; .arch aarch64 ; add WSP(d), WSP(from), lo)
                    }
                    (Size::S32, true) => {
                        dynasm!(self.ops ; .arch aarch64 ; sub WSP(d), WSP(from), lo)
                    }
                }
            } else if hi == 0 && size == Size::S32 {
                // A 32-bit add of 0 still clears the upper half.
                dynasm!(self.ops ; .arch aarch64 ; mov W(d), W(d));
            }
        } else {
            self.mov_imm64(X17, imm as u64);
            match size {
                // The extended-register form: `src` may be sp.
                Size::S64 => dynasm!(self.ops ; .arch aarch64 ; add XSP(d), XSP(s), X(17)),
                Size::S32 => dynasm!(self.ops ; .arch aarch64 ; add WSP(d), WSP(s), W(17)),
            }
        }
    }

    /// `x17` (or `w17`) = the source operand `src`.
    fn src_to_x17(&mut self, size: Size, src: Src) -> u8 {
        match src {
            Src::Reg(r) => return r.0,
            Src::Imm(i) => match size {
                Size::S32 => self.mov_imm64(X17, i as u32 as u64),
                Size::S64 => self.mov_imm64(X17, i as i64 as u64),
            },
            Src::Mem(m) => match size {
                Size::S32 => {
                    self.load(LoadKind::U32, X17, m);
                }
                Size::S64 => {
                    self.load(LoadKind::U64, X17, m);
                }
            },
        }
        17
    }

    /// Emits `b.cond label` for an AArch64 condition; in far mode, a
    /// `b.!cond` over `b label`.
    fn bcond(&mut self, cond: Cond, label: DynamicLabel) {
        if self.far {
            let skip = self.ops.new_dynamic_label();
            self.bcond_near(cond.negate(), skip);
            dynasm!(self.ops ; .arch aarch64 ; b =>label ; =>skip);
        } else {
            self.bcond_near(cond, label);
        }
    }

    fn bcond_near(&mut self, cond: Cond, l: DynamicLabel) {
        match cond {
            Cond::Eq => dynasm!(self.ops ; .arch aarch64 ; b.eq =>l),
            Cond::Ne => dynasm!(self.ops ; .arch aarch64 ; b.ne =>l),
            Cond::LtS => dynasm!(self.ops ; .arch aarch64 ; b.lt =>l),
            Cond::LtU => dynasm!(self.ops ; .arch aarch64 ; b.lo =>l),
            Cond::GtS => dynasm!(self.ops ; .arch aarch64 ; b.gt =>l),
            Cond::GtU => dynasm!(self.ops ; .arch aarch64 ; b.hi =>l),
            Cond::LeS => dynasm!(self.ops ; .arch aarch64 ; b.le =>l),
            Cond::LeU => dynasm!(self.ops ; .arch aarch64 ; b.ls =>l),
            Cond::GeS => dynasm!(self.ops ; .arch aarch64 ; b.ge =>l),
            Cond::GeU => dynasm!(self.ops ; .arch aarch64 ; b.hs =>l),
        }
    }

    /// `cbz`/`cbnz`, over a `b` in far mode.
    fn cbz(&mut self, size: Size, r: u8, if_zero: bool, label: DynamicLabel) {
        let (target, zero) = if self.far {
            (self.ops.new_dynamic_label(), !if_zero)
        } else {
            (label, if_zero)
        };
        match (size, zero) {
            (Size::S32, true) => dynasm!(self.ops ; .arch aarch64 ; cbz W(r), =>target),
            (Size::S32, false) => dynasm!(self.ops ; .arch aarch64 ; cbnz W(r), =>target),
            (Size::S64, true) => dynasm!(self.ops ; .arch aarch64 ; cbz X(r), =>target),
            (Size::S64, false) => dynasm!(self.ops ; .arch aarch64 ; cbnz X(r), =>target),
        }
        if self.far {
            dynasm!(self.ops ; .arch aarch64 ; b =>label ; =>target);
        }
    }

    /// `fcmp a, b` of the width.
    fn fcmp(&mut self, size: FSize, a: u8, b: u8) {
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch aarch64 ; fcmp S(a), S(b)),
            FSize::F64 => dynasm!(self.ops ; .arch aarch64 ; fcmp D(a), D(b)),
        }
    }

    /// `v31` (its low lane) = the float constant `bits` (through x16).
    fn fconst31(&mut self, size: FSize, bits: u64) {
        self.mov_imm64(X16, bits);
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch aarch64 ; fmov S(31), W(16)),
            FSize::F64 => dynasm!(self.ops ; .arch aarch64 ; fmov D(31), X(16)),
        }
    }

    /// Truncates `src` (already checked, or saturating) into `dst`.
    fn fcvtz(&mut self, from: FSize, to: Size, signed: bool, d: u8, s: u8) {
        match (from, to, signed) {
            (FSize::F32, Size::S32, true) => dynasm!(self.ops ; .arch aarch64 ; fcvtzs W(d), S(s)),
            (FSize::F32, Size::S32, false) => dynasm!(self.ops ; .arch aarch64 ; fcvtzu W(d), S(s)),
            (FSize::F32, Size::S64, true) => dynasm!(self.ops ; .arch aarch64 ; fcvtzs X(d), S(s)),
            (FSize::F32, Size::S64, false) => dynasm!(self.ops ; .arch aarch64 ; fcvtzu X(d), S(s)),
            (FSize::F64, Size::S32, true) => dynasm!(self.ops ; .arch aarch64 ; fcvtzs W(d), D(s)),
            (FSize::F64, Size::S32, false) => dynasm!(self.ops ; .arch aarch64 ; fcvtzu W(d), D(s)),
            (FSize::F64, Size::S64, true) => dynasm!(self.ops ; .arch aarch64 ; fcvtzs X(d), D(s)),
            (FSize::F64, Size::S64, false) => dynasm!(self.ops ; .arch aarch64 ; fcvtzu X(d), D(s)),
        }
    }
}

impl MacroAssembler for Aarch64Assembler {
    type Label = DynamicLabel;

    fn new_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    fn vload(&mut self, dst: Fpr, mem: Mem) -> u32 {
        self.neon_vload(dst, mem)
    }

    fn vstore(&mut self, mem: Mem, src: Fpr) -> u32 {
        self.neon_vstore(mem, src)
    }

    fn vbin(&mut self, op: VBinOp, dst: Fpr, src: Fpr) {
        self.neon_vbin(op, dst, src)
    }

    fn vun(&mut self, op: VUnOp, dst: Fpr, src: Fpr) {
        self.neon_vun(op, dst, src)
    }

    fn vsplat(&mut self, lanes: VLanes, dst: Fpr, src: Gpr) {
        self.neon_vsplat(lanes, dst, src)
    }

    fn vshift(&mut self, op: VShiftOp, dst: Fpr, count: Fpr) {
        self.neon_vshift(op, dst, count)
    }

    fn vload_kind(&mut self, kind: VLoadKind, dst: Fpr, mem: Mem) -> u32 {
        self.neon_vload_kind(kind, dst, mem)
    }

    fn vtest(&mut self, op: VTestOp, dst: Gpr, src: Fpr) {
        self.neon_vtest(op, dst, src)
    }

    fn vshuffle(&mut self, dst: Fpr, other: Fpr, lanes: [u8; 16]) {
        self.neon_vshuffle(dst, other, lanes)
    }

    fn vbitselect(&mut self, dst: Fpr, other: Fpr, mask: Mem) {
        self.neon_vbitselect(dst, other, mask)
    }

    fn vswizzle(&mut self, dst: Fpr, index: Fpr) {
        self.neon_vswizzle(dst, index)
    }

    fn vextract(&mut self, lanes: VLanes, dst: Gpr, src: Fpr, lane: u8) {
        self.neon_vextract(lanes, dst, src, lane)
    }

    fn vinsert(&mut self, lanes: VLanes, dst: Fpr, src: Gpr, lane: u8) {
        self.neon_vinsert(lanes, dst, src, lane)
    }

    fn bind(&mut self, label: DynamicLabel) {
        dynasm!(self.ops ; .arch aarch64 ; =>label);
    }

    fn align(&mut self, bytes: u32) {
        // `.align` would pad with `udf`: no-ops, as the pad may be run.
        while !self.offset().is_multiple_of(bytes.max(4)) {
            dynasm!(self.ops ; .arch aarch64 ; nop);
        }
    }

    fn offset(&self) -> u32 {
        self.ops.offset().0 as u32
    }

    fn mov(&mut self, size: Size, dst: Gpr, src: Src) {
        let d = dst.0;
        match (size, src) {
            (Size::S32, Src::Reg(s)) => dynasm!(self.ops ; .arch aarch64 ; mov W(d), W(s.0)),
            (Size::S64, Src::Reg(s)) => dynasm!(self.ops ; .arch aarch64 ; mov X(d), X(s.0)),
            (Size::S32, Src::Imm(i)) => self.mov_imm64(dst, i as u32 as u64),
            (Size::S64, Src::Imm(i)) => self.mov_imm64(dst, i as i64 as u64),
            (Size::S32, Src::Mem(m)) => {
                self.load(LoadKind::U32, dst, m);
            }
            (Size::S64, Src::Mem(m)) => {
                self.load(LoadKind::U64, dst, m);
            }
        }
    }

    fn mov_imm64(&mut self, dst: Gpr, imm: u64) {
        let d = dst.0;
        if imm == 0 {
            dynasm!(self.ops ; .arch aarch64 ; mov X(d), xzr);
            return;
        }
        if imm <= u32::MAX as u64 {
            // A 32-bit write clears the upper half: at most two halves.
            let (lo, hi) = ((imm & 0xffff) as u32, (imm >> 16) as u32);
            if hi == 0 {
                dynasm!(self.ops ; .arch aarch64 ; movz W(d), lo);
            } else if lo == 0 {
                dynasm!(self.ops ; .arch aarch64 ; movz W(d), hi, lsl 16);
            } else if hi == 0xffff {
                let inv = !lo & 0xffff;
                dynasm!(self.ops ; .arch aarch64 ; movn W(d), inv);
            } else if lo == 0xffff {
                let inv = !hi & 0xffff;
                dynasm!(self.ops ; .arch aarch64 ; movn W(d), inv, lsl 16);
            } else if encode_logical_immediate_32bit(imm as u32).is_some() {
                let v = imm as u32;
                dynasm!(self.ops ; .arch aarch64 ; orr WSP(d), wzr, v);
            } else {
                dynasm!(self.ops ; .arch aarch64 ; movz W(d), lo ; movk W(d), hi, lsl 16);
            }
            return;
        }
        let halves = |v: u64| (0..4).map(move |k| ((v >> (16 * k)) & 0xffff) as u32);
        let zeros = halves(imm).filter(|&h| h == 0).count();
        let ones = halves(imm).filter(|&h| h == 0xffff).count();
        if zeros < 2 && ones < 2 && encode_logical_immediate_64bit(imm).is_some() {
            dynasm!(self.ops ; .arch aarch64 ; orr XSP(d), xzr, imm);
        } else if ones > zeros {
            // movn writes the inverse of its half; the other halves move in.
            let mut first = true;
            for (k, h) in halves(imm).enumerate() {
                let shift = 16 * k as u32;
                if h == 0xffff {
                    continue;
                }
                if first {
                    let inv = !h & 0xffff;
                    dynasm!(self.ops ; .arch aarch64 ; movn X(d), inv, lsl shift);
                    first = false;
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; movk X(d), h, lsl shift);
                }
            }
            if first {
                // Every half all-ones.
                dynasm!(self.ops ; .arch aarch64 ; movn X(d), 0);
            }
        } else {
            let mut first = true;
            for (k, h) in halves(imm).enumerate() {
                let shift = 16 * k as u32;
                if h == 0 {
                    continue;
                }
                if first {
                    dynasm!(self.ops ; .arch aarch64 ; movz X(d), h, lsl shift);
                    first = false;
                } else {
                    dynasm!(self.ops ; .arch aarch64 ; movk X(d), h, lsl shift);
                }
            }
        }
    }

    fn load_absolute(&mut self, dst: Gpr, addr: u64) {
        let d = dst.0;
        self.mov_imm64(dst, addr);
        dynasm!(self.ops ; .arch aarch64 ; ldr X(d), [X(d)]);
    }

    fn store_reg(&mut self, size: Size, dst: Mem, src: Gpr) {
        // Frame cells and the context: never a page that cannot be written.
        match size {
            Size::S32 => self.store_to(StoreKind::B32, dst, src, false),
            Size::S64 => self.store_to(StoreKind::B64, dst, src, false),
        };
    }

    fn store_imm(&mut self, size: Size, dst: Mem, imm: i32) {
        let src = if imm == 0 {
            Gpr(31)
        } else {
            self.mov_imm64(X17, imm as i64 as u64);
            X17
        };
        // Register 31 as a store's source is the zero register.
        self.store_reg(size, dst, src);
    }

    fn lea(&mut self, dst: Gpr, mem: Mem) {
        let (d, b) = (dst.0, mem.base.0);
        match mem.index {
            None => self.add_imm(Size::S64, dst, mem.base, mem.disp as i64),
            Some(i) => {
                // x17 would be clobbered by a large displacement: add it first.
                dynasm!(self.ops ; .arch aarch64 ; add XSP(d), XSP(b), X(i.0));
                if mem.disp != 0 {
                    self.add_imm(Size::S64, dst, dst, mem.disp as i64);
                }
            }
        }
    }

    fn add_mem_imm(&mut self, size: Size, dst: Mem, imm: i32) {
        let bytes = if size == Size::S32 { 4 } else { 8 };
        let a = self.addr(dst, bytes);
        match size {
            Size::S32 => ldst!(self, a, 4, ldr, ldur, W(17)),
            Size::S64 => ldst!(self, a, 8, ldr, ldur, X(17)),
        }
        if (imm as i64).unsigned_abs() < 1 << 24 {
            self.add_imm(size, X17, X17, imm as i64);
            match size {
                Size::S32 => ldst!(self, a, 4, str, stur, W(17)),
                Size::S64 => ldst!(self, a, 8, str, stur, X(17)),
            }
        } else {
            self.mov_imm64(X16, imm as i64 as u64);
            match size {
                Size::S32 => dynasm!(self.ops ; .arch aarch64 ; add W(17), W(17), W(16)),
                Size::S64 => dynasm!(self.ops ; .arch aarch64 ; add X(17), X(17), X(16)),
            }
            let a = self.addr(dst, bytes);
            match size {
                Size::S32 => ldst!(self, a, 4, str, stur, W(17)),
                Size::S64 => ldst!(self, a, 8, str, stur, X(17)),
            }
        }
    }

    fn cmp_mem_imm(&mut self, size: Size, a: Mem, imm: i32) {
        match size {
            Size::S32 => self.load(LoadKind::U32, X17, a),
            Size::S64 => self.load(LoadKind::U64, X17, a),
        };
        self.cmp(size, X17, Src::Imm(imm));
    }

    fn alu(&mut self, op: AluOp, size: Size, dst: Gpr, src: Src) {
        let d = dst.0;
        if let Src::Imm(i) = src {
            let imm = match size {
                Size::S32 => i as u32 as u64,
                Size::S64 => i as i64 as u64,
            };
            let logical = match size {
                Size::S32 => encode_logical_immediate_32bit(imm as u32).is_some(),
                Size::S64 => encode_logical_immediate_64bit(imm).is_some(),
            };
            match op {
                AluOp::Add if (i as i64).unsigned_abs() < 1 << 24 => {
                    self.add_imm(size, dst, dst, i as i64);
                    return;
                }
                // subs: the flags must be cmp's (see `MacroAssembler::alu`).
                AluOp::Sub if (0..4096).contains(&i) => {
                    let v = i as u32;
                    match size {
                        Size::S32 => dynasm!(self.ops ; .arch aarch64 ; subs W(d), WSP(d), v),
                        Size::S64 => dynasm!(self.ops ; .arch aarch64 ; subs X(d), XSP(d), v),
                    }
                    return;
                }
                // Adding the magnitude sets the same flags as subtracting
                // the negative (as `cmn` is `cmp` with a negative).
                AluOp::Sub if (-4095..0).contains(&i) => {
                    let v = i.unsigned_abs();
                    match size {
                        Size::S32 => dynasm!(self.ops ; .arch aarch64 ; adds W(d), WSP(d), v),
                        Size::S64 => dynasm!(self.ops ; .arch aarch64 ; adds X(d), XSP(d), v),
                    }
                    return;
                }
                AluOp::And | AluOp::Or | AluOp::Xor if logical => {
                    match (op, size) {
                        (AluOp::And, Size::S32) => {
                            dynasm!(self.ops ; .arch aarch64 ; and WSP(d), W(d), imm as u32)
                        }
                        (AluOp::And, Size::S64) => {
                            dynasm!(self.ops ; .arch aarch64 ; and XSP(d), X(d), imm)
                        }
                        (AluOp::Or, Size::S32) => {
                            dynasm!(self.ops ; .arch aarch64 ; orr WSP(d), W(d), imm as u32)
                        }
                        (AluOp::Or, Size::S64) => {
                            dynasm!(self.ops ; .arch aarch64 ; orr XSP(d), X(d), imm)
                        }
                        (_, Size::S32) => {
                            dynasm!(self.ops ; .arch aarch64 ; eor WSP(d), W(d), imm as u32)
                        }
                        (_, Size::S64) => {
                            dynasm!(self.ops ; .arch aarch64 ; eor XSP(d), X(d), imm)
                        }
                    }
                    return;
                }
                _ => {}
            }
        }
        let s = self.src_to_x17(size, src);
        match (op, size) {
            (AluOp::Add, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; add W(d), W(d), W(s)),
            (AluOp::Add, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; add X(d), X(d), X(s)),
            (AluOp::Sub, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; subs W(d), W(d), W(s)),
            (AluOp::Sub, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; subs X(d), X(d), X(s)),
            (AluOp::And, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; and W(d), W(d), W(s)),
            (AluOp::And, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; and X(d), X(d), X(s)),
            (AluOp::Or, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; orr W(d), W(d), W(s)),
            (AluOp::Or, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; orr X(d), X(d), X(s)),
            (AluOp::Xor, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; eor W(d), W(d), W(s)),
            (AluOp::Xor, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; eor X(d), X(d), X(s)),
            (AluOp::Mul, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; mul W(d), W(d), W(s)),
            (AluOp::Mul, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; mul X(d), X(d), X(s)),
        }
    }

    fn div(
        &mut self,
        size: Size,
        signed: bool,
        rem: bool,
        dst: Gpr,
        lhs: Gpr,
        rhs: Gpr,
        traps: DivTraps,
    ) {
        let (d, l, r) = (dst.0, lhs.0, rhs.0);
        let by_zero = self.trap_stub(traps.by_zero);
        self.cbz(size, r, true, by_zero);
        if signed && !rem {
            // MIN / -1 overflows: lhs - 1 overflows (V) exactly for MIN.
            let overflow = self.trap_stub(traps.overflow);
            let fine = self.ops.new_dynamic_label();
            match size {
                Size::S32 => {
                    dynasm!(self.ops ; .arch aarch64 ; cmn WSP(r), 1 ; b.ne =>fine ; cmp WSP(l), 1)
                }
                Size::S64 => {
                    dynasm!(self.ops ; .arch aarch64 ; cmn XSP(r), 1 ; b.ne =>fine ; cmp XSP(l), 1)
                }
            }
            self.bcond_vs(overflow);
            self.bind(fine);
        }
        // sdiv gives MIN for MIN / -1, so MIN % -1 = MIN - MIN * -1 = 0.
        match (size, signed) {
            (Size::S32, true) => dynasm!(self.ops ; .arch aarch64 ; sdiv W(17), W(l), W(r)),
            (Size::S32, false) => dynasm!(self.ops ; .arch aarch64 ; udiv W(17), W(l), W(r)),
            (Size::S64, true) => dynasm!(self.ops ; .arch aarch64 ; sdiv X(17), X(l), X(r)),
            (Size::S64, false) => dynasm!(self.ops ; .arch aarch64 ; udiv X(17), X(l), X(r)),
        }
        match (size, rem) {
            (Size::S32, false) => dynasm!(self.ops ; .arch aarch64 ; mov W(d), W(17)),
            (Size::S64, false) => dynasm!(self.ops ; .arch aarch64 ; mov X(d), X(17)),
            (Size::S32, true) => dynasm!(self.ops ; .arch aarch64 ; msub W(d), W(17), W(r), W(l)),
            (Size::S64, true) => dynasm!(self.ops ; .arch aarch64 ; msub X(d), X(17), X(r), X(l)),
        }
    }

    fn shift(&mut self, op: ShiftOp, size: Size, dst: Gpr, count: Src) {
        let d = dst.0;
        let width = if size == Size::S32 { 32 } else { 64 };
        if let Src::Imm(i) = count {
            let n = (i as u32) & (width - 1);
            // Rotating left by n is rotating right by width - n.
            let n = if op == ShiftOp::Rotl {
                (width - n) & (width - 1)
            } else {
                n
            };
            match (op, size) {
                (_, _) if n == 0 && size == Size::S64 => {}
                (_, Size::S32) if n == 0 => dynasm!(self.ops ; .arch aarch64 ; mov W(d), W(d)),
                (ShiftOp::Shl, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; lsl W(d), W(d), n),
                (ShiftOp::Shl, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; lsl X(d), X(d), n),
                (ShiftOp::ShrS, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; asr W(d), W(d), n),
                (ShiftOp::ShrS, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; asr X(d), X(d), n),
                (ShiftOp::ShrU, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; lsr W(d), W(d), n),
                (ShiftOp::ShrU, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; lsr X(d), X(d), n),
                (_, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; ror W(d), W(d), n),
                (_, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; ror X(d), X(d), n),
            }
            return;
        }
        // The register forms take the count modulo the width, as wasm does.
        let c = self.src_to_x17(size, count);
        let c = if op == ShiftOp::Rotl {
            dynasm!(self.ops ; .arch aarch64 ; neg W(17), W(c));
            17
        } else {
            c
        };
        match (op, size) {
            (ShiftOp::Shl, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; lsl W(d), W(d), W(c)),
            (ShiftOp::Shl, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; lsl X(d), X(d), X(c)),
            (ShiftOp::ShrS, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; asr W(d), W(d), W(c)),
            (ShiftOp::ShrS, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; asr X(d), X(d), X(c)),
            (ShiftOp::ShrU, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; lsr W(d), W(d), W(c)),
            (ShiftOp::ShrU, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; lsr X(d), X(d), X(c)),
            (_, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; ror W(d), W(d), W(c)),
            (_, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; ror X(d), X(d), X(c)),
        }
    }

    fn bit(&mut self, op: BitOp, size: Size, dst: Gpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match (op, size) {
            (BitOp::Clz, Size::S32) => dynasm!(self.ops ; .arch aarch64 ; clz W(d), W(s)),
            (BitOp::Clz, Size::S64) => dynasm!(self.ops ; .arch aarch64 ; clz X(d), X(s)),
            (BitOp::Ctz, Size::S32) => {
                dynasm!(self.ops ; .arch aarch64 ; rbit W(d), W(s) ; clz W(d), W(d))
            }
            (BitOp::Ctz, Size::S64) => {
                dynasm!(self.ops ; .arch aarch64 ; rbit X(d), X(s) ; clz X(d), X(d))
            }
            // No scalar popcount before FEAT_CSSC: count the bytes in v31.
            (BitOp::Popcnt, Size::S32) => dynasm!(self.ops ; .arch aarch64
                ; fmov S(31), W(s) ; cnt V(31).B8, V(31).B8 ; addv B(31), V(31).B8
                ; fmov W(d), S(31)),
            (BitOp::Popcnt, Size::S64) => dynasm!(self.ops ; .arch aarch64
                ; fmov D(31), X(s) ; cnt V(31).B8, V(31).B8 ; addv B(31), V(31).B8
                ; fmov W(d), S(31)),
        }
    }

    fn extend(&mut self, kind: ExtendKind, dst: Gpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match kind {
            ExtendKind::S8To32 => dynasm!(self.ops ; .arch aarch64 ; sxtb W(d), W(s)),
            ExtendKind::S16To32 => dynasm!(self.ops ; .arch aarch64 ; sxth W(d), W(s)),
            ExtendKind::S8To64 => dynasm!(self.ops ; .arch aarch64 ; sxtb X(d), W(s)),
            ExtendKind::S16To64 => dynasm!(self.ops ; .arch aarch64 ; sxth X(d), W(s)),
            ExtendKind::S32To64 => dynasm!(self.ops ; .arch aarch64 ; sxtw X(d), W(s)),
            ExtendKind::U32To64 => dynasm!(self.ops ; .arch aarch64 ; mov W(d), W(s)),
        }
    }

    fn cmp(&mut self, size: Size, a: Gpr, b: Src) {
        let a = a.0;
        if let Src::Imm(i) = b {
            let v = i as i64;
            if (0..4096).contains(&v) {
                let v = v as u32;
                match size {
                    Size::S32 => dynasm!(self.ops ; .arch aarch64 ; cmp WSP(a), v),
                    Size::S64 => dynasm!(self.ops ; .arch aarch64 ; cmp XSP(a), v),
                }
                return;
            }
            if (-4095..0).contains(&v) {
                let v = (-v) as u32;
                match size {
                    Size::S32 => dynasm!(self.ops ; .arch aarch64 ; cmn WSP(a), v),
                    Size::S64 => dynasm!(self.ops ; .arch aarch64 ; cmn XSP(a), v),
                }
                return;
            }
        }
        // `a` may itself be x17 (cmp_mem_imm): materialise into x16 then.
        let s = match b {
            Src::Imm(i) if a == 17 => {
                match size {
                    Size::S32 => self.mov_imm64(X16, i as u32 as u64),
                    Size::S64 => self.mov_imm64(X16, i as i64 as u64),
                }
                16
            }
            b => self.src_to_x17(size, b),
        };
        match size {
            Size::S32 => dynasm!(self.ops ; .arch aarch64 ; cmp W(a), W(s)),
            // Register 31 is sp only in the extended-register form.
            Size::S64 if a == 31 => dynasm!(self.ops ; .arch aarch64 ; cmp XSP(a), X(s)),
            Size::S64 => dynasm!(self.ops ; .arch aarch64 ; cmp X(a), X(s)),
        }
    }

    fn set(&mut self, cond: Cond, dst: Gpr) {
        let d = dst.0;
        match cond {
            Cond::Eq => dynasm!(self.ops ; .arch aarch64 ; cset W(d), eq),
            Cond::Ne => dynasm!(self.ops ; .arch aarch64 ; cset W(d), ne),
            Cond::LtS => dynasm!(self.ops ; .arch aarch64 ; cset W(d), lt),
            Cond::LtU => dynasm!(self.ops ; .arch aarch64 ; cset W(d), lo),
            Cond::GtS => dynasm!(self.ops ; .arch aarch64 ; cset W(d), gt),
            Cond::GtU => dynasm!(self.ops ; .arch aarch64 ; cset W(d), hi),
            Cond::LeS => dynasm!(self.ops ; .arch aarch64 ; cset W(d), le),
            Cond::LeU => dynasm!(self.ops ; .arch aarch64 ; cset W(d), ls),
            Cond::GeS => dynasm!(self.ops ; .arch aarch64 ; cset W(d), ge),
            Cond::GeU => dynasm!(self.ops ; .arch aarch64 ; cset W(d), hs),
        }
    }

    fn jcc(&mut self, cond: Cond, label: DynamicLabel) {
        self.bcond(cond, label);
    }

    fn branch_zero(&mut self, size: Size, reg: Gpr, if_zero: bool, label: DynamicLabel) {
        self.cbz(size, reg.0, if_zero, label);
    }

    fn jmp(&mut self, label: DynamicLabel) {
        dynasm!(self.ops ; .arch aarch64 ; b =>label);
    }

    fn jump_table(&mut self, index: Gpr, targets: &[DynamicLabel]) {
        // A table of `b` instructions: jump to table + 4 * index.
        let i = index.0;
        let table = self.ops.new_dynamic_label();
        dynasm!(self.ops ; .arch aarch64
            ; adr X(16), =>table
            ; add XSP(16), XSP(16), W(i), uxtw 2
            ; br X(16)
            ; =>table);
        for &t in targets {
            dynasm!(self.ops ; .arch aarch64 ; b =>t);
        }
    }

    fn select(&mut self, size: Size, dst: Gpr, cond: Gpr, src: Gpr) {
        let (d, c, s) = (dst.0, cond.0, src.0);
        dynasm!(self.ops ; .arch aarch64 ; cmp WSP(c), 0);
        match size {
            Size::S32 => dynasm!(self.ops ; .arch aarch64 ; csel W(d), W(d), W(s), ne),
            Size::S64 => dynasm!(self.ops ; .arch aarch64 ; csel X(d), X(d), X(s), ne),
        }
    }

    fn load(&mut self, kind: LoadKind, dst: Gpr, mem: Mem) -> u32 {
        let d = dst.0;
        let bytes = match kind {
            LoadKind::U8 | LoadKind::S8To32 | LoadKind::S8To64 => 1,
            LoadKind::U16 | LoadKind::S16To32 | LoadKind::S16To64 => 2,
            LoadKind::U32 | LoadKind::S32To64 => 4,
            LoadKind::U64 => 8,
        };
        let a = self.addr(mem, bytes);
        let at = self.offset();
        match kind {
            LoadKind::U8 => ldst!(self, a, 1, ldrb, ldurb, W(d)),
            LoadKind::S8To32 => ldst!(self, a, 1, ldrsb, ldursb, W(d)),
            LoadKind::S8To64 => ldst!(self, a, 1, ldrsb, ldursb, X(d)),
            LoadKind::U16 => ldst!(self, a, 2, ldrh, ldurh, W(d)),
            LoadKind::S16To32 => ldst!(self, a, 2, ldrsh, ldursh, W(d)),
            LoadKind::S16To64 => ldst!(self, a, 2, ldrsh, ldursh, X(d)),
            LoadKind::U32 => ldst!(self, a, 4, ldr, ldur, W(d)),
            LoadKind::S32To64 => ldst!(self, a, 4, ldrsw, ldursw, X(d)),
            LoadKind::U64 => ldst!(self, a, 8, ldr, ldur, X(d)),
        }
        at
    }

    fn store(&mut self, kind: StoreKind, mem: Mem, src: Gpr) -> u32 {
        self.store_to(kind, mem, src, true)
    }

    fn fload(&mut self, size: FSize, dst: Fpr, mem: Mem) -> u32 {
        let d = dst.0;
        let bytes = if size == FSize::F32 { 4 } else { 8 };
        let a = self.addr(mem, bytes);
        let at = self.offset();
        match size {
            FSize::F32 => ldst!(self, a, 4, ldr, ldur, S(d)),
            FSize::F64 => ldst!(self, a, 8, ldr, ldur, D(d)),
        }
        at
    }

    fn fstore(&mut self, size: FSize, mem: Mem, src: Fpr) -> u32 {
        let s = src.0;
        let bytes = if size == FSize::F32 { 4 } else { 8 };
        let a = self.addr(mem, bytes);
        let at = self.offset();
        // The probe of `store`, for the same reason.
        match size {
            FSize::F32 => ldst!(self, a, 4, ldr, ldur, W(17)),
            FSize::F64 => ldst!(self, a, 8, ldr, ldur, X(17)),
        }
        match size {
            FSize::F32 => ldst!(self, a, 4, str, stur, S(s)),
            FSize::F64 => ldst!(self, a, 8, str, stur, D(s)),
        }
        at
    }

    fn fmov(&mut self, _size: FSize, dst: Fpr, src: Fpr) {
        // The whole register, as x86_64's `movaps`: lowering moves v128
        // values with it too.
        if dst != src {
            let (d, s) = (dst.0, src.0);
            dynasm!(self.ops ; .arch aarch64 ; mov V(d).B16, V(s).B16);
        }
    }

    fn fbin(&mut self, op: FBinOp, size: FSize, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        macro_rules! f {
            ($mn:ident) => {
                match size {
                    FSize::F32 => dynasm!(self.ops ; .arch aarch64 ; $mn S(d), S(d), S(s)),
                    FSize::F64 => dynasm!(self.ops ; .arch aarch64 ; $mn D(d), D(d), D(s)),
                }
            };
        }
        match op {
            FBinOp::Add => f!(fadd),
            FBinOp::Sub => f!(fsub),
            FBinOp::Mul => f!(fmul),
            FBinOp::Div => f!(fdiv),
            // fmin/fmax propagate NaN and order -0 below +0, as wasm does.
            FBinOp::Min => f!(fmin),
            FBinOp::Max => f!(fmax),
            // The sign bit of src inserted into dst (bit insert if true,
            // with a sign mask made in v31).
            FBinOp::Copysign => match size {
                FSize::F32 => dynasm!(self.ops ; .arch aarch64
                    ; movi V(31).S2, 0x80, lsl 24 ; bit V(d).B8, V(s).B8, V(31).B8),
                FSize::F64 => dynasm!(self.ops ; .arch aarch64
                    ; movi D(31), 0 ; fneg D(31), D(31) ; bit V(d).B8, V(s).B8, V(31).B8),
            },
        }
    }

    fn fbin_mem(&mut self, op: FBinOp, size: FSize, dst: Fpr, src: Mem) -> bool {
        if !matches!(op, FBinOp::Add | FBinOp::Sub | FBinOp::Mul | FBinOp::Div) {
            return false;
        }
        self.fload(size, V31, src);
        self.fbin(op, size, dst, V31);
        true
    }

    fn fun(&mut self, op: FUnOp, size: FSize, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        macro_rules! f {
            ($mn:ident) => {
                match size {
                    FSize::F32 => dynasm!(self.ops ; .arch aarch64 ; $mn S(d), S(s)),
                    FSize::F64 => dynasm!(self.ops ; .arch aarch64 ; $mn D(d), D(s)),
                }
            };
        }
        match op {
            FUnOp::Abs => f!(fabs),
            FUnOp::Neg => f!(fneg),
            FUnOp::Sqrt => f!(fsqrt),
            FUnOp::Ceil => f!(frintp),
            FUnOp::Floor => f!(frintm),
            FUnOp::Trunc => f!(frintz),
            FUnOp::Nearest => f!(frintn),
        }
    }

    fn fcmp_set(&mut self, cond: FCond, size: FSize, dst: Gpr, a: Fpr, b: Fpr) {
        let d = dst.0;
        self.fcmp(size, a.0, b.0);
        // Unordered sets C and V: mi, gt, ls and ge are false on it, ne true.
        match cond {
            FCond::Eq => dynasm!(self.ops ; .arch aarch64 ; cset W(d), eq),
            FCond::Ne => dynasm!(self.ops ; .arch aarch64 ; cset W(d), ne),
            FCond::Lt => dynasm!(self.ops ; .arch aarch64 ; cset W(d), mi),
            FCond::Gt => dynasm!(self.ops ; .arch aarch64 ; cset W(d), gt),
            FCond::Le => dynasm!(self.ops ; .arch aarch64 ; cset W(d), ls),
            FCond::Ge => dynasm!(self.ops ; .arch aarch64 ; cset W(d), ge),
        }
    }

    fn fbits_to_gpr(&mut self, size: FSize, dst: Gpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch aarch64 ; fmov W(d), S(s)),
            FSize::F64 => dynasm!(self.ops ; .arch aarch64 ; fmov X(d), D(s)),
        }
    }

    fn gpr_to_fbits(&mut self, size: FSize, dst: Fpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch aarch64 ; fmov S(d), W(s)),
            FSize::F64 => dynasm!(self.ops ; .arch aarch64 ; fmov D(d), X(s)),
        }
    }

    fn int_to_float(&mut self, from: Size, signed: bool, to: FSize, dst: Fpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match (from, signed, to) {
            (Size::S32, true, FSize::F32) => dynasm!(self.ops ; .arch aarch64 ; scvtf S(d), W(s)),
            (Size::S32, false, FSize::F32) => dynasm!(self.ops ; .arch aarch64 ; ucvtf S(d), W(s)),
            (Size::S64, true, FSize::F32) => dynasm!(self.ops ; .arch aarch64 ; scvtf S(d), X(s)),
            (Size::S64, false, FSize::F32) => dynasm!(self.ops ; .arch aarch64 ; ucvtf S(d), X(s)),
            (Size::S32, true, FSize::F64) => dynasm!(self.ops ; .arch aarch64 ; scvtf D(d), W(s)),
            (Size::S32, false, FSize::F64) => dynasm!(self.ops ; .arch aarch64 ; ucvtf D(d), W(s)),
            (Size::S64, true, FSize::F64) => dynasm!(self.ops ; .arch aarch64 ; scvtf D(d), X(s)),
            (Size::S64, false, FSize::F64) => dynasm!(self.ops ; .arch aarch64 ; ucvtf D(d), X(s)),
        }
    }

    fn float_to_float(&mut self, from: FSize, to: FSize, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match (from, to) {
            (FSize::F32, FSize::F64) => dynasm!(self.ops ; .arch aarch64 ; fcvt D(d), S(s)),
            (FSize::F64, FSize::F32) => dynasm!(self.ops ; .arch aarch64 ; fcvt S(d), D(s)),
            (FSize::F32, FSize::F32) => dynasm!(self.ops ; .arch aarch64 ; fmov S(d), S(s)),
            (FSize::F64, FSize::F64) => dynasm!(self.ops ; .arch aarch64 ; fmov D(d), D(s)),
        }
    }

    fn float_to_int(
        &mut self,
        from: FSize,
        to: Size,
        signed: bool,
        dst: Gpr,
        src: Fpr,
        traps: Option<TruncTraps>,
    ) {
        let (d, s) = (dst.0, src.0);
        if let Some(traps) = traps {
            // NaN is unordered with itself (V set); then the range, whose
            // bounds are exact in the source format.
            let invalid = self.trap_stub(traps.invalid);
            let overflow = self.trap_stub(traps.overflow);
            self.fcmp(from, s, s);
            self.bcond_vs(invalid);
            let (lo, lo_inclusive, hi) = trunc_bounds(from, to, signed);
            self.fconst31(from, lo);
            self.fcmp(from, s, 31);
            // Below lo (or at it, when lo is exclusive) overflows.
            if lo_inclusive {
                self.bcond(Cond::LtS, overflow);
            } else {
                self.bcond(Cond::LeS, overflow);
            }
            self.fconst31(from, hi);
            self.fcmp(from, s, 31);
            self.bcond(Cond::GeS, overflow);
        }
        // fcvtz[su] saturate, and give 0 for NaN: the saturating semantics.
        self.fcvtz(from, to, signed, d, s);
    }

    fn call_mem(&mut self, mem: Mem) {
        self.load(LoadKind::U64, X16, mem);
        dynasm!(self.ops ; .arch aarch64 ; blr X(16));
    }

    fn call_abs(&mut self, addr: usize) {
        self.mov_imm64(X16, addr as u64);
        dynasm!(self.ops ; .arch aarch64 ; blr X(16));
    }

    fn call_reg(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch aarch64 ; blr X(r));
    }

    fn jmp_mem(&mut self, mem: Mem) {
        self.load(LoadKind::U64, X16, mem);
        dynasm!(self.ops ; .arch aarch64 ; br X(16));
    }

    fn jmp_reg(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch aarch64 ; br X(r));
    }

    fn push(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch aarch64 ; str X(r), [sp, -16]!);
    }

    fn pop(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch aarch64 ; ldr X(r), [sp], 16);
    }

    fn adjust_sp(&mut self, delta: i32) {
        if delta != 0 {
            self.add_imm(Size::S64, SP, SP, delta as i64);
        }
    }

    fn ret(&mut self) {
        dynasm!(self.ops ; .arch aarch64 ; ret);
    }

    fn trap(&mut self, code: u32) {
        self.site(code);
        dynasm!(self.ops ; .arch aarch64 ; brk 0);
    }

    fn trap_if(&mut self, cond: Cond, code: u32) {
        let stub = self.trap_stub(code);
        self.bcond(cond, stub);
    }

    fn raise_if_nonzero(&mut self, reg: Gpr) {
        let r = reg.0;
        let raise = match self.raise {
            Some(l) => l,
            None => {
                let l = self.ops.new_dynamic_label();
                self.raise = Some(l);
                l
            }
        };
        dynasm!(self.ops ; .arch aarch64 ; mov W(16), W(r));
        self.cbz(Size::S32, 16, false, raise);
    }

    fn landing_site(&mut self, landing: DynamicLabel) {
        let ret = self.offset();
        self.landings.push((ret, landing));
    }

    fn finish(mut self) -> Result<Assembled, String> {
        let stubs = std::mem::take(&mut self.stubs);
        for (label, code) in stubs {
            self.bind(label);
            self.trap(code);
        }
        if let Some(raise) = self.raise.take() {
            self.bind(raise);
            self.trap(crate::signals::DYNAMIC_TRAP);
        }
        assembled(self.ops, self.trap_sites, &self.landings)
    }
}

impl Aarch64Assembler {
    /// `[mem] = src` of `kind`; with `probe`, a load of the same bytes
    /// first. AArch64 may tear a store that crosses into a page it cannot
    /// write (the part before it written, then the fault), where
    /// WebAssembly's out-of-bounds store must leave memory as it was: the
    /// load faults first. Gives the offset of the first instruction that
    /// can fault.
    fn store_to(&mut self, kind: StoreKind, mem: Mem, src: Gpr, probe: bool) -> u32 {
        let s = src.0;
        let bytes = match kind {
            StoreKind::B8 => 1,
            StoreKind::B16 => 2,
            StoreKind::B32 => 4,
            StoreKind::B64 => 8,
        };
        let a = self.addr(mem, bytes);
        let at = self.offset();
        if probe {
            match kind {
                StoreKind::B8 => ldst!(self, a, 1, ldrb, ldurb, W(17)),
                StoreKind::B16 => ldst!(self, a, 2, ldrh, ldurh, W(17)),
                StoreKind::B32 => ldst!(self, a, 4, ldr, ldur, W(17)),
                StoreKind::B64 => ldst!(self, a, 8, ldr, ldur, X(17)),
            }
        }
        // Register 31 as the stored register is the zero register.
        match kind {
            StoreKind::B8 => ldst!(self, a, 1, strb, sturb, W(s)),
            StoreKind::B16 => ldst!(self, a, 2, strh, sturh, W(s)),
            StoreKind::B32 => ldst!(self, a, 4, str, stur, W(s)),
            StoreKind::B64 => ldst!(self, a, 8, str, stur, X(s)),
        }
        at
    }

    /// `b.vs label` (overflow, or unordered after `fcmp`).
    fn bcond_vs(&mut self, label: DynamicLabel) {
        if self.far {
            let skip = self.ops.new_dynamic_label();
            dynasm!(self.ops ; .arch aarch64 ; b.vc =>skip ; b =>label ; =>skip);
        } else {
            dynasm!(self.ops ; .arch aarch64 ; b.vs =>label);
        }
    }
}

impl crate::target::Target for Aarch64Assembler {
    // The caller-saved ones first (x0 to x4 are helper arguments, x9 to
    // x17 lowering's and this assembler's), then callee-saved x19 to x25;
    // x26 to x28 are HEAP, FP and CTX.
    const INT_ALLOC: &'static [Gpr] = &[
        Gpr(5),
        Gpr(6),
        Gpr(7),
        Gpr(8),
        Gpr(11),
        Gpr(12),
        Gpr(13),
        Gpr(19),
        Gpr(20),
        Gpr(21),
        Gpr(22),
        Gpr(23),
        Gpr(24),
        Gpr(25),
    ];
    const INT_ALLOC_CALLER_SAVED: usize = 7;
    // v8 to v15 are callee-saved only in their low halves: not used; v28 to
    // v31 are scratch.
    const FLOAT_ALLOC: &'static [Fpr] = &[
        Fpr(0),
        Fpr(1),
        Fpr(2),
        Fpr(3),
        Fpr(4),
        Fpr(5),
        Fpr(6),
        Fpr(7),
        Fpr(16),
        Fpr(17),
        Fpr(18),
        Fpr(19),
        Fpr(20),
        Fpr(21),
        Fpr(22),
        Fpr(23),
        Fpr(24),
        Fpr(25),
        Fpr(26),
        Fpr(27),
    ];
    const S1: Gpr = Gpr(14);
    const S2: Gpr = Gpr(15);
    const FS1: Fpr = Fpr(28);
    const FS2: Fpr = Fpr(29);
    const FP: Gpr = Gpr(27);
    const CTX: Gpr = Gpr(28);
    const HEAP: Gpr = Gpr(26);
    const FUEL: Gpr = Gpr(25);
    const RET: Gpr = Gpr(0);
    const T1: Gpr = Gpr(9);
    const T2: Gpr = Gpr(10);
    const ARGS: [Gpr; 5] = [Gpr(0), Gpr(1), Gpr(2), Gpr(3), Gpr(4)];
    const SP: Gpr = SP;
    const PUSH_BYTES: i32 = PUSH_BYTES;
    const RESUME_FRAMES: Gpr = Gpr(9);

    fn assembler() -> Self {
        Aarch64Assembler::new()
    }

    fn far_assembler() -> Option<Self> {
        Some(Aarch64Assembler::far())
    }

    fn enter_frame(&mut self, fp: Gpr) {
        let f = fp.0;
        dynasm!(self.ops ; .arch aarch64 ; stp X(f), x30, [sp, -16]!);
    }

    fn leave_frame(&mut self) {
        dynasm!(self.ops ; .arch aarch64 ; ldr x30, [sp, 8] ; add sp, sp, 16);
    }
}
