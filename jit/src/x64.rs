//! The x86_64 MacroAssembler, on `dynasmrt`.
//!
//! Scratch registers: rax, rcx and rdx, and xmm0 and xmm1, belong to this
//! assembler (division, shift counts, float sequences); callers keep no
//! values in them across a call into it. Compiled code requires SSE4.2,
//! POPCNT, LZCNT and BMI1 ([`X64Assembler::host_supported`]).

// dynasm!'s expansion converts register numbers with `.into()`.
#![allow(clippy::useless_conversion)]

use crate::masm::*;
use crate::TrapSite;
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

/// rax: scratch.
pub const RAX: Gpr = Gpr(0);
/// rcx: scratch (shift counts).
pub const RCX: Gpr = Gpr(1);
/// rdx: scratch (division).
pub const RDX: Gpr = Gpr(2);
/// rbx.
pub const RBX: Gpr = Gpr(3);
/// rsp: the machine stack pointer.
pub const RSP: Gpr = Gpr(4);
/// rbp.
pub const RBP: Gpr = Gpr(5);
/// rsi.
pub const RSI: Gpr = Gpr(6);
/// rdi.
pub const RDI: Gpr = Gpr(7);
/// r8.
pub const R8: Gpr = Gpr(8);
/// r9.
pub const R9: Gpr = Gpr(9);
/// r10.
pub const R10: Gpr = Gpr(10);
/// r11.
pub const R11: Gpr = Gpr(11);
/// r12.
pub const R12: Gpr = Gpr(12);
/// r13.
pub const R13: Gpr = Gpr(13);
/// r14: the frame pointer of compiled code (set by the trampoline).
pub const R14: Gpr = Gpr(14);
/// r15: the context pointer of compiled code (set by the trampoline).
pub const R15: Gpr = Gpr(15);

/// Emits an instruction whose last operand is the memory operand `$m`.
macro_rules! mem_last {
    ($s:ident, $m:expr, $($pre:tt)*) => {{
        let m: Mem = $m;
        let (b, d) = (m.base.0, m.disp);
        match m.index {
            None => dynasm!($s.ops ; .arch x64 ; $($pre)* [Rq(b) + d]),
            Some(i) => {
                let i = i.0;
                dynasm!($s.ops ; .arch x64 ; $($pre)* [Rq(b) + Rq(i) + d])
            }
        }
    }};
}

/// Emits an instruction whose first operand is the memory operand `$m`.
macro_rules! mem_first {
    ($s:ident, $m:expr, ($($pre:tt)*), ($($post:tt)*)) => {{
        let m: Mem = $m;
        let (b, d) = (m.base.0, m.disp);
        match m.index {
            None => dynasm!($s.ops ; .arch x64 ; $($pre)* [Rq(b) + d] $($post)*),
            Some(i) => {
                let i = i.0;
                dynasm!($s.ops ; .arch x64 ; $($pre)* [Rq(b) + Rq(i) + d] $($post)*)
            }
        }
    }};
}

/// x86_64 code generation into a position-independent buffer.
pub struct X64Assembler {
    ops: VecAssembler<X64Relocation>,
    trap_sites: Vec<TrapSite>,
    /// Out-of-line trap stubs, emitted after the code.
    stubs: Vec<(DynamicLabel, u32)>,
    /// The shared stub raising the code in eax, if used.
    raise: Option<DynamicLabel>,
    /// Return address offsets of calls with landing sites, and the sites.
    landings: Vec<(u32, DynamicLabel)>,
}

impl Default for X64Assembler {
    fn default() -> Self {
        Self::new()
    }
}

impl X64Assembler {
    /// `xmm` = the 128-bit constant `bits` (through rax).
    fn vconst(&mut self, xmm: u8, bits: u128) {
        dynasm!(self.ops ; .arch x64
            ; mov rax, QWORD bits as u64 as i64 ; movq Rx(xmm), rax
            ; mov rax, QWORD (bits >> 64) as u64 as i64 ; pinsrq Rx(xmm), rax, 1);
    }

    /// Every 32-bit lane of `xmm` = `bits` (through eax).
    fn vsplat32(&mut self, xmm: u8, bits: u32) {
        dynasm!(self.ops ; .arch x64
            ; mov eax, bits as i32 ; movd Rx(xmm), eax ; pshufd Rx(xmm), Rx(xmm), 0);
    }

    /// Both 64-bit lanes of `xmm` = `bits` (through rax).
    fn vsplat64(&mut self, xmm: u8, bits: u64) {
        dynasm!(self.ops ; .arch x64
            ; mov rax, QWORD bits as i64 ; movq Rx(xmm), rax ; punpcklqdq Rx(xmm), Rx(xmm));
    }

    /// `VBinOp::ExtMul` on registers `d` and `s`.
    fn vextmul(&mut self, from: VLanes, high: bool, signed: bool, d: u8, s: u8) {
        match from {
            // Both operands' bytes widened to words, then pmullw.
            VLanes::I8 => {
                if high {
                    dynasm!(self.ops ; .arch x64
                        ; pshufd Rx(d), Rx(d), 0xee_u8 as i8 ; pshufd xmm0, Rx(s), 0xee_u8 as i8);
                } else {
                    dynasm!(self.ops ; .arch x64 ; movaps xmm0, Rx(s));
                }
                if signed {
                    dynasm!(self.ops ; .arch x64 ; pmovsxbw Rx(d), Rx(d) ; pmovsxbw xmm0, xmm0);
                } else {
                    dynasm!(self.ops ; .arch x64 ; pmovzxbw Rx(d), Rx(d) ; pmovzxbw xmm0, xmm0);
                }
                dynasm!(self.ops ; .arch x64 ; pmullw Rx(d), xmm0);
            }
            // The low and high words of each product, interleaved.
            VLanes::I16 => {
                dynasm!(self.ops ; .arch x64 ; movaps xmm0, Rx(d) ; pmullw xmm0, Rx(s));
                if signed {
                    dynasm!(self.ops ; .arch x64 ; pmulhw Rx(d), Rx(s));
                } else {
                    dynasm!(self.ops ; .arch x64 ; pmulhuw Rx(d), Rx(s));
                }
                if high {
                    dynasm!(self.ops ; .arch x64 ; punpckhwd xmm0, Rx(d));
                } else {
                    dynasm!(self.ops ; .arch x64 ; punpcklwd xmm0, Rx(d));
                }
                dynasm!(self.ops ; .arch x64 ; movaps Rx(d), xmm0);
            }
            // The two lanes moved to dwords 0 and 2, which pmul[u]dq take.
            _ => {
                let pick = if high { 0xfa_u8 } else { 0x50 } as i8;
                dynasm!(self.ops ; .arch x64
                    ; pshufd Rx(d), Rx(d), pick ; pshufd xmm0, Rx(s), pick);
                if signed {
                    dynasm!(self.ops ; .arch x64 ; pmuldq Rx(d), xmm0);
                } else {
                    dynasm!(self.ops ; .arch x64 ; pmuludq Rx(d), xmm0);
                }
            }
        }
    }

    /// WebAssembly `min`/`max` (`VBinOp::FMinF32` and kin) on registers
    /// `d` and `s`. minps/maxps give their second operand when the lanes
    /// are equal or either is NaN: taken both ways round and combined,
    /// equal lanes get both sign bits (or for min, and for max); NaN
    /// lanes are replaced by `d + s`, which computes what the scalar
    /// instruction and the interpreter do.
    fn vminmax(&mut self, op: VBinOp, d: u8, s: u8) {
        match op {
            VBinOp::FMinF32 => dynasm!(self.ops ; .arch x64
                ; movaps xmm1, Rx(d) ; minps xmm1, Rx(s) ; movaps xmm0, Rx(s) ; minps xmm0, Rx(d)
                ; orps xmm1, xmm0),
            VBinOp::FMaxF32 => dynasm!(self.ops ; .arch x64
                ; movaps xmm1, Rx(d) ; maxps xmm1, Rx(s) ; movaps xmm0, Rx(s) ; maxps xmm0, Rx(d)
                ; andps xmm1, xmm0),
            VBinOp::FMinF64 => dynasm!(self.ops ; .arch x64
                ; movaps xmm1, Rx(d) ; minpd xmm1, Rx(s) ; movaps xmm0, Rx(s) ; minpd xmm0, Rx(d)
                ; orpd xmm1, xmm0),
            _ => dynasm!(self.ops ; .arch x64
                ; movaps xmm1, Rx(d) ; maxpd xmm1, Rx(s) ; movaps xmm0, Rx(s) ; maxpd xmm0, Rx(d)
                ; andpd xmm1, xmm0),
        }
        // blendv's mask is xmm0.
        if matches!(op, VBinOp::FMinF32 | VBinOp::FMaxF32) {
            dynasm!(self.ops ; .arch x64
                ; movaps xmm0, Rx(d) ; cmpunordps xmm0, Rx(s) ; addps Rx(d), Rx(s)
                ; blendvps xmm1, Rx(d) ; movaps Rx(d), xmm1);
        } else {
            dynasm!(self.ops ; .arch x64
                ; movaps xmm0, Rx(d) ; cmpunordpd xmm0, Rx(s) ; addpd Rx(d), Rx(s)
                ; blendvpd xmm1, Rx(d) ; movaps Rx(d), xmm1);
        }
    }

    /// An empty assembler.
    pub fn new() -> X64Assembler {
        X64Assembler {
            ops: VecAssembler::new(0),
            trap_sites: Vec::new(),
            stubs: Vec::new(),
            raise: None,
            landings: Vec::new(),
        }
    }

    /// Whether this CPU has the extensions compiled code uses.
    pub fn host_supported() -> bool {
        std::is_x86_feature_detected!("sse4.1")
            && std::is_x86_feature_detected!("sse4.2")
            && std::is_x86_feature_detected!("popcnt")
            && std::is_x86_feature_detected!("lzcnt")
            && std::is_x86_feature_detected!("bmi1")
    }

    fn trap_stub(&mut self, code: u32) -> DynamicLabel {
        if let Some(&(l, _)) = self.stubs.iter().find(|&&(_, c)| c == code) {
            return l;
        }
        let l = self.ops.new_dynamic_label();
        self.stubs.push((l, code));
        l
    }

    /// The function's raise routine, which every explicit trap jumps to
    /// with its code in eax.
    fn raise_label(&mut self) -> DynamicLabel {
        match self.raise {
            Some(l) => l,
            None => {
                let l = self.ops.new_dynamic_label();
                self.raise = Some(l);
                l
            }
        }
    }

    /// The raise routine: with the trapping frame's stack pointer as it was,
    /// asks [`signals::raise`](crate::signals::raise) to record the backtrace,
    /// then unwinds to the activation's landing pad with the code in eax, as
    /// the signal handler would. Without an activation it faults at a site
    /// the handler reads the code of from eax.
    fn emit_raise(&mut self, raise: DynamicLabel) {
        let f = crate::signals::raise as *const () as i64;
        let no_activation = self.ops.new_dynamic_label();
        self.bind(raise);
        dynasm!(self.ops
            ; .arch x64
            ; mov edi, eax
            ; mov rsi, rsp
            ; lea rdx, [=>raise]
            ; and rsp, -16
            ; mov rax, QWORD f
            ; call rax
            // rax: the activation (Activation::saved_sp, then ::landing); rdx: the code.
            ; test rax, rax
            ; jz =>no_activation
            // A catchable raise that found a landing site resumes there.
            ; mov rcx, [rax + crate::signals::RESUME_PC]
            ; test rcx, rcx
            ; jz >unwind
            ; mov rsp, [rax + crate::signals::RESUME_SP]
            ; mov rdx, [rax + crate::signals::RESUME_FRAMES]
            ; jmp rcx
            ; unwind:
            ; mov rsp, [rax]
            ; mov rcx, [rax + 8]
            ; mov eax, edx
            ; jmp rcx
        );
        self.bind(no_activation);
        dynasm!(self.ops ; .arch x64 ; mov eax, edx);
        self.site(crate::signals::DYNAMIC_TRAP);
        dynasm!(self.ops ; .arch x64 ; ud2);
    }

    fn site(&mut self, code: u32) {
        let offset = self.offset();
        self.trap_sites.push(TrapSite { offset, code });
    }

    /// Loads a float constant's bits into xmm0 (through rax).
    fn fconst0(&mut self, size: FSize, bits: u64) {
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch x64 ; mov eax, bits as i32 ; movd xmm0, eax),
            FSize::F64 => {
                dynasm!(self.ops ; .arch x64 ; mov rax, QWORD bits as i64 ; movq xmm0, rax)
            }
        }
    }

    /// `ucomis[sd] a, b`.
    fn ucomi(&mut self, size: FSize, a: Fpr, b: Fpr) {
        let (a, b) = (a.0, b.0);
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch x64 ; ucomiss Rx(a), Rx(b)),
            FSize::F64 => dynasm!(self.ops ; .arch x64 ; ucomisd Rx(a), Rx(b)),
        }
    }

    fn jcc_raw(&mut self, cond: Cond, l: DynamicLabel) {
        match cond {
            Cond::Eq => dynasm!(self.ops ; .arch x64 ; je =>l),
            Cond::Ne => dynasm!(self.ops ; .arch x64 ; jne =>l),
            Cond::LtS => dynasm!(self.ops ; .arch x64 ; jl =>l),
            Cond::LtU => dynasm!(self.ops ; .arch x64 ; jb =>l),
            Cond::GtS => dynasm!(self.ops ; .arch x64 ; jg =>l),
            Cond::GtU => dynasm!(self.ops ; .arch x64 ; ja =>l),
            Cond::LeS => dynasm!(self.ops ; .arch x64 ; jle =>l),
            Cond::LeU => dynasm!(self.ops ; .arch x64 ; jbe =>l),
            Cond::GeS => dynasm!(self.ops ; .arch x64 ; jge =>l),
            Cond::GeU => dynasm!(self.ops ; .arch x64 ; jae =>l),
        }
    }

    /// Truncates `src` (already range-checked) into `dst`.
    fn cvtt(&mut self, from: FSize, to: Size, signed: bool, dst: Gpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match (from, to, signed) {
            (FSize::F32, Size::S32, true) => dynasm!(self.ops ; .arch x64 ; cvttss2si Rd(d), Rx(s)),
            (FSize::F64, Size::S32, true) => dynasm!(self.ops ; .arch x64 ; cvttsd2si Rd(d), Rx(s)),
            (FSize::F32, Size::S32, false) => {
                dynasm!(self.ops ; .arch x64 ; cvttss2si Rq(d), Rx(s) ; mov Rd(d), Rd(d))
            }
            (FSize::F64, Size::S32, false) => {
                dynasm!(self.ops ; .arch x64 ; cvttsd2si Rq(d), Rx(s) ; mov Rd(d), Rd(d))
            }
            (FSize::F32, Size::S64, true) => dynasm!(self.ops ; .arch x64 ; cvttss2si Rq(d), Rx(s)),
            (FSize::F64, Size::S64, true) => dynasm!(self.ops ; .arch x64 ; cvttsd2si Rq(d), Rx(s)),
            (_, Size::S64, false) => {
                // Values at or above 2^63 are converted after subtracting 2^63.
                let big = self.ops.new_dynamic_label();
                let done = self.ops.new_dynamic_label();
                let two63 = match from {
                    FSize::F32 => (9223372036854775808.0f32).to_bits() as u64,
                    FSize::F64 => (9223372036854775808.0f64).to_bits(),
                };
                self.fconst0(from, two63);
                match from {
                    FSize::F32 => dynasm!(self.ops ; .arch x64
                        ; ucomiss Rx(s), xmm0 ; jae =>big
                        ; cvttss2si Rq(d), Rx(s) ; jmp =>done
                        ; =>big
                        ; movss xmm1, Rx(s) ; subss xmm1, xmm0 ; cvttss2si Rq(d), xmm1
                        ; btc Rq(d), 63
                        ; =>done),
                    FSize::F64 => dynasm!(self.ops ; .arch x64
                        ; ucomisd Rx(s), xmm0 ; jae =>big
                        ; cvttsd2si Rq(d), Rx(s) ; jmp =>done
                        ; =>big
                        ; movsd xmm1, Rx(s) ; subsd xmm1, xmm0 ; cvttsd2si Rq(d), xmm1
                        ; btc Rq(d), 63
                        ; =>done),
                }
            }
        }
    }
}

impl MacroAssembler for X64Assembler {
    type Label = DynamicLabel;

    fn new_label(&mut self) -> DynamicLabel {
        self.ops.new_dynamic_label()
    }

    fn bind(&mut self, label: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; =>label);
    }

    fn offset(&self) -> u32 {
        self.ops.offset().0 as u32
    }

    fn align(&mut self, bytes: u32) {
        let mut left = (bytes - self.offset() % bytes) % bytes;
        // The longest no-ops first: fewer instructions to decode on entry.
        while left > 0 {
            let n = left.min(8);
            match n {
                8 => {
                    dynasm!(self.ops ; .arch x64 ; .bytes [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00])
                }
                7 => {
                    dynasm!(self.ops ; .arch x64 ; .bytes [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00])
                }
                6 => dynasm!(self.ops ; .arch x64 ; .bytes [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00]),
                5 => dynasm!(self.ops ; .arch x64 ; .bytes [0x0f, 0x1f, 0x44, 0x00, 0x00]),
                4 => dynasm!(self.ops ; .arch x64 ; .bytes [0x0f, 0x1f, 0x40, 0x00]),
                3 => dynasm!(self.ops ; .arch x64 ; .bytes [0x0f, 0x1f, 0x00]),
                2 => dynasm!(self.ops ; .arch x64 ; .bytes [0x66, 0x90]),
                _ => dynasm!(self.ops ; .arch x64 ; nop),
            }
            left -= n;
        }
    }

    fn mov(&mut self, size: Size, dst: Gpr, src: Src) {
        let d = dst.0;
        match (size, src) {
            (Size::S32, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; mov Rd(d), Rd(s.0)),
            (Size::S64, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; mov Rq(d), Rq(s.0)),
            (Size::S32, Src::Imm(0)) | (Size::S64, Src::Imm(0)) => {
                dynasm!(self.ops ; .arch x64 ; xor Rd(d), Rd(d))
            }
            (Size::S32, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; mov Rd(d), i),
            (Size::S64, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; mov Rq(d), i),
            (Size::S32, Src::Mem(m)) => mem_last!(self, m, mov Rd(d), DWORD),
            (Size::S64, Src::Mem(m)) => mem_last!(self, m, mov Rq(d), QWORD),
        }
    }

    fn load_absolute(&mut self, dst: Gpr, addr: u64) {
        if dst == RAX {
            // One instruction: the 64-bit-offset form exists for rax only.
            dynasm!(self.ops ; .arch x64 ; movabs rax, QWORD addr as i64);
        } else {
            let d = dst.0;
            self.mov_imm64(dst, addr);
            dynasm!(self.ops ; .arch x64 ; mov Rq(d), [Rq(d)]);
        }
    }

    fn mov_imm64(&mut self, dst: Gpr, imm: u64) {
        let d = dst.0;
        if imm == 0 {
            dynasm!(self.ops ; .arch x64 ; xor Rd(d), Rd(d));
        } else if imm <= u32::MAX as u64 {
            dynasm!(self.ops ; .arch x64 ; mov Rd(d), imm as i32);
        } else if (imm as i64) >= i32::MIN as i64 && (imm as i64) < 0 {
            dynasm!(self.ops ; .arch x64 ; mov Rq(d), imm as i64 as i32);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov Rq(d), QWORD imm as i64);
        }
    }

    fn store_reg(&mut self, size: Size, dst: Mem, src: Gpr) {
        let s = src.0;
        match size {
            Size::S32 => mem_first!(self, dst, (mov DWORD), (, Rd(s))),
            Size::S64 => mem_first!(self, dst, (mov QWORD), (, Rq(s))),
        }
    }

    fn store_imm(&mut self, size: Size, dst: Mem, imm: i32) {
        match size {
            Size::S32 => mem_first!(self, dst, (mov DWORD), (, imm)),
            Size::S64 => mem_first!(self, dst, (mov QWORD), (, imm)),
        }
    }

    fn add_mem_imm(&mut self, size: Size, dst: Mem, imm: i32) {
        match size {
            Size::S32 => mem_first!(self, dst, (add DWORD), (, imm)),
            Size::S64 => mem_first!(self, dst, (add QWORD), (, imm)),
        }
    }

    fn cmp_mem_imm(&mut self, size: Size, a: Mem, imm: i32) {
        match size {
            Size::S32 => mem_first!(self, a, (cmp DWORD), (, imm)),
            Size::S64 => mem_first!(self, a, (cmp QWORD), (, imm)),
        }
    }

    fn lea(&mut self, dst: Gpr, mem: Mem) {
        let d = dst.0;
        mem_last!(self, mem, lea Rq(d),);
    }

    fn alu(&mut self, op: AluOp, size: Size, dst: Gpr, src: Src) {
        let d = dst.0;
        macro_rules! alu {
            ($mn:ident) => {
                match (size, src) {
                    (Size::S32, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; $mn Rd(d), Rd(s.0)),
                    (Size::S64, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; $mn Rq(d), Rq(s.0)),
                    (Size::S32, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; $mn Rd(d), i),
                    (Size::S64, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; $mn Rq(d), i),
                    (Size::S32, Src::Mem(m)) => mem_last!(self, m, $mn Rd(d), DWORD),
                    (Size::S64, Src::Mem(m)) => mem_last!(self, m, $mn Rq(d), QWORD),
                }
            };
        }
        match op {
            AluOp::Add => alu!(add),
            AluOp::Sub => alu!(sub),
            AluOp::And => alu!(and),
            AluOp::Or => alu!(or),
            AluOp::Xor => alu!(xor),
            AluOp::Mul => match (size, src) {
                (Size::S32, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; imul Rd(d), Rd(s.0)),
                (Size::S64, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; imul Rq(d), Rq(s.0)),
                (Size::S32, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; imul Rd(d), Rd(d), i),
                (Size::S64, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; imul Rq(d), Rq(d), i),
                (Size::S32, Src::Mem(m)) => mem_last!(self, m, imul Rd(d), DWORD),
                (Size::S64, Src::Mem(m)) => mem_last!(self, m, imul Rq(d), QWORD),
            },
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
        let done = self.ops.new_dynamic_label();
        let normal = self.ops.new_dynamic_label();
        match size {
            Size::S32 => dynasm!(self.ops ; .arch x64 ; test Rd(r), Rd(r) ; jz =>by_zero),
            Size::S64 => dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r) ; jz =>by_zero),
        }
        if signed {
            // MIN / -1 overflows; MIN % -1 is 0.
            match size {
                Size::S32 => dynasm!(self.ops ; .arch x64 ; cmp Rd(r), -1 ; jne =>normal),
                Size::S64 => dynasm!(self.ops ; .arch x64 ; cmp Rq(r), -1 ; jne =>normal),
            }
            if rem {
                dynasm!(self.ops ; .arch x64 ; xor Rd(d), Rd(d) ; jmp =>done);
            } else {
                let overflow = self.trap_stub(traps.overflow);
                match size {
                    Size::S32 => dynasm!(self.ops ; .arch x64
                        ; cmp Rd(l), 0x8000_0000u32 as i32 ; je =>overflow),
                    Size::S64 => dynasm!(self.ops ; .arch x64
                        ; mov rax, QWORD i64::MIN ; cmp Rq(l), rax ; je =>overflow),
                }
            }
        }
        dynasm!(self.ops ; .arch x64 ; =>normal);
        match (size, signed) {
            (Size::S32, true) => dynasm!(self.ops ; .arch x64 ; mov eax, Rd(l) ; cdq ; idiv Rd(r)),
            (Size::S32, false) => {
                dynasm!(self.ops ; .arch x64 ; mov eax, Rd(l) ; xor edx, edx ; div Rd(r))
            }
            (Size::S64, true) => dynasm!(self.ops ; .arch x64 ; mov rax, Rq(l) ; cqo ; idiv Rq(r)),
            (Size::S64, false) => {
                dynasm!(self.ops ; .arch x64 ; mov rax, Rq(l) ; xor edx, edx ; div Rq(r))
            }
        }
        match (size, rem) {
            (Size::S32, false) => dynasm!(self.ops ; .arch x64 ; mov Rd(d), eax),
            (Size::S32, true) => dynasm!(self.ops ; .arch x64 ; mov Rd(d), edx),
            (Size::S64, false) => dynasm!(self.ops ; .arch x64 ; mov Rq(d), rax),
            (Size::S64, true) => dynasm!(self.ops ; .arch x64 ; mov Rq(d), rdx),
        }
        dynasm!(self.ops ; .arch x64 ; =>done);
    }

    fn shift(&mut self, op: ShiftOp, size: Size, dst: Gpr, count: Src) {
        let d = dst.0;
        macro_rules! sh {
            ($mn:ident) => {
                match (size, count) {
                    (Size::S32, Src::Imm(i)) => {
                        dynasm!(self.ops ; .arch x64 ; $mn Rd(d), (i & 31) as i8)
                    }
                    (Size::S64, Src::Imm(i)) => {
                        dynasm!(self.ops ; .arch x64 ; $mn Rq(d), (i & 63) as i8)
                    }
                    (size, count) => {
                        self.mov(Size::S32, RCX, count);
                        match size {
                            Size::S32 => dynasm!(self.ops ; .arch x64 ; $mn Rd(d), cl),
                            Size::S64 => dynasm!(self.ops ; .arch x64 ; $mn Rq(d), cl),
                        }
                    }
                }
            };
        }
        match op {
            ShiftOp::Shl => sh!(shl),
            ShiftOp::ShrS => sh!(sar),
            ShiftOp::ShrU => sh!(shr),
            ShiftOp::Rotl => sh!(rol),
            ShiftOp::Rotr => sh!(ror),
        }
    }

    fn bit(&mut self, op: BitOp, size: Size, dst: Gpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match (op, size) {
            (BitOp::Clz, Size::S32) => dynasm!(self.ops ; .arch x64 ; lzcnt Rd(d), Rd(s)),
            (BitOp::Clz, Size::S64) => dynasm!(self.ops ; .arch x64 ; lzcnt Rq(d), Rq(s)),
            (BitOp::Ctz, Size::S32) => dynasm!(self.ops ; .arch x64 ; tzcnt Rd(d), Rd(s)),
            (BitOp::Ctz, Size::S64) => dynasm!(self.ops ; .arch x64 ; tzcnt Rq(d), Rq(s)),
            (BitOp::Popcnt, Size::S32) => dynasm!(self.ops ; .arch x64 ; popcnt Rd(d), Rd(s)),
            (BitOp::Popcnt, Size::S64) => dynasm!(self.ops ; .arch x64 ; popcnt Rq(d), Rq(s)),
        }
    }

    fn extend(&mut self, kind: ExtendKind, dst: Gpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match kind {
            ExtendKind::S8To32 => dynasm!(self.ops ; .arch x64 ; movsx Rd(d), Rb(s)),
            ExtendKind::S16To32 => dynasm!(self.ops ; .arch x64 ; movsx Rd(d), Rw(s)),
            ExtendKind::S8To64 => dynasm!(self.ops ; .arch x64 ; movsx Rq(d), Rb(s)),
            ExtendKind::S16To64 => dynasm!(self.ops ; .arch x64 ; movsx Rq(d), Rw(s)),
            ExtendKind::S32To64 => dynasm!(self.ops ; .arch x64 ; movsxd Rq(d), Rd(s)),
            ExtendKind::U32To64 => dynasm!(self.ops ; .arch x64 ; mov Rd(d), Rd(s)),
        }
    }

    fn cmp(&mut self, size: Size, a: Gpr, b: Src) {
        let a = a.0;
        match (size, b) {
            (Size::S32, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; cmp Rd(a), Rd(s.0)),
            (Size::S64, Src::Reg(s)) => dynasm!(self.ops ; .arch x64 ; cmp Rq(a), Rq(s.0)),
            (Size::S32, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; cmp Rd(a), i),
            (Size::S64, Src::Imm(i)) => dynasm!(self.ops ; .arch x64 ; cmp Rq(a), i),
            (Size::S32, Src::Mem(m)) => mem_last!(self, m, cmp Rd(a), DWORD),
            (Size::S64, Src::Mem(m)) => mem_last!(self, m, cmp Rq(a), QWORD),
        }
    }

    fn set(&mut self, cond: Cond, dst: Gpr) {
        let d = dst.0;
        match cond {
            Cond::Eq => dynasm!(self.ops ; .arch x64 ; sete Rb(d)),
            Cond::Ne => dynasm!(self.ops ; .arch x64 ; setne Rb(d)),
            Cond::LtS => dynasm!(self.ops ; .arch x64 ; setl Rb(d)),
            Cond::LtU => dynasm!(self.ops ; .arch x64 ; setb Rb(d)),
            Cond::GtS => dynasm!(self.ops ; .arch x64 ; setg Rb(d)),
            Cond::GtU => dynasm!(self.ops ; .arch x64 ; seta Rb(d)),
            Cond::LeS => dynasm!(self.ops ; .arch x64 ; setle Rb(d)),
            Cond::LeU => dynasm!(self.ops ; .arch x64 ; setbe Rb(d)),
            Cond::GeS => dynasm!(self.ops ; .arch x64 ; setge Rb(d)),
            Cond::GeU => dynasm!(self.ops ; .arch x64 ; setae Rb(d)),
        }
        dynasm!(self.ops ; .arch x64 ; movzx Rd(d), Rb(d));
    }

    fn jcc(&mut self, cond: Cond, label: DynamicLabel) {
        self.jcc_raw(cond, label);
    }

    fn branch_zero(&mut self, size: Size, reg: Gpr, if_zero: bool, label: DynamicLabel) {
        let r = reg.0;
        match size {
            Size::S32 => dynasm!(self.ops ; .arch x64 ; test Rd(r), Rd(r)),
            Size::S64 => dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r)),
        }
        if if_zero {
            dynasm!(self.ops ; .arch x64 ; jz =>label);
        } else {
            dynasm!(self.ops ; .arch x64 ; jnz =>label);
        }
    }

    fn jmp(&mut self, label: DynamicLabel) {
        dynasm!(self.ops ; .arch x64 ; jmp =>label);
    }

    fn jump_table(&mut self, index: Gpr, targets: &[DynamicLabel]) {
        // A table of 5-byte `jmp rel32` instructions: jump to table + 5 * index.
        let i = index.0;
        let table = self.ops.new_dynamic_label();
        dynasm!(self.ops ; .arch x64
            ; lea rax, [=>table]
            ; mov ecx, Rd(i)
            ; lea rcx, [rcx + rcx * 4]
            ; add rax, rcx
            ; jmp rax
            ; =>table);
        for &t in targets {
            let before = self.offset();
            dynasm!(self.ops ; .arch x64 ; jmp =>t);
            debug_assert_eq!(
                self.offset() - before,
                5,
                "jump table entries are rel32 jumps"
            );
        }
    }

    fn select(&mut self, size: Size, dst: Gpr, cond: Gpr, src: Gpr) {
        let (d, c, s) = (dst.0, cond.0, src.0);
        dynasm!(self.ops ; .arch x64 ; test Rd(c), Rd(c));
        match size {
            Size::S32 => dynasm!(self.ops ; .arch x64 ; cmovz Rd(d), Rd(s)),
            Size::S64 => dynasm!(self.ops ; .arch x64 ; cmovz Rq(d), Rq(s)),
        }
    }

    fn load(&mut self, kind: LoadKind, dst: Gpr, mem: Mem) -> u32 {
        let d = dst.0;
        let at = self.offset();
        match kind {
            LoadKind::U8 => mem_last!(self, mem, movzx Rd(d), BYTE),
            LoadKind::S8To32 => mem_last!(self, mem, movsx Rd(d), BYTE),
            LoadKind::S8To64 => mem_last!(self, mem, movsx Rq(d), BYTE),
            LoadKind::U16 => mem_last!(self, mem, movzx Rd(d), WORD),
            LoadKind::S16To32 => mem_last!(self, mem, movsx Rd(d), WORD),
            LoadKind::S16To64 => mem_last!(self, mem, movsx Rq(d), WORD),
            LoadKind::U32 => mem_last!(self, mem, mov Rd(d), DWORD),
            LoadKind::S32To64 => mem_last!(self, mem, movsxd Rq(d), DWORD),
            LoadKind::U64 => mem_last!(self, mem, mov Rq(d), QWORD),
        }
        at
    }

    fn store(&mut self, kind: StoreKind, mem: Mem, src: Gpr) -> u32 {
        let s = src.0;
        let at = self.offset();
        match kind {
            StoreKind::B8 => mem_first!(self, mem, (mov BYTE), (, Rb(s))),
            StoreKind::B16 => mem_first!(self, mem, (mov WORD), (, Rw(s))),
            StoreKind::B32 => mem_first!(self, mem, (mov DWORD), (, Rd(s))),
            StoreKind::B64 => mem_first!(self, mem, (mov QWORD), (, Rq(s))),
        }
        at
    }

    fn vload(&mut self, dst: Fpr, mem: Mem) -> u32 {
        let d = dst.0;
        let at = self.offset();
        mem_last!(self, mem, movdqu Rx(d), OWORD);
        at
    }

    fn vstore(&mut self, mem: Mem, src: Fpr) -> u32 {
        let s = src.0;
        let at = self.offset();
        mem_first!(self, mem, (movdqu OWORD), (, Rx(s)));
        at
    }

    fn vbin(&mut self, op: VBinOp, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match op {
            VBinOp::And => dynasm!(self.ops ; .arch x64 ; pand Rx(d), Rx(s)),
            VBinOp::Or => dynasm!(self.ops ; .arch x64 ; por Rx(d), Rx(s)),
            VBinOp::Xor => dynasm!(self.ops ; .arch x64 ; pxor Rx(d), Rx(s)),
            VBinOp::AndNot => dynasm!(self.ops ; .arch x64 ; pandn Rx(d), Rx(s)),
            VBinOp::AddI8 => dynasm!(self.ops ; .arch x64 ; paddb Rx(d), Rx(s)),
            VBinOp::AddI16 => dynasm!(self.ops ; .arch x64 ; paddw Rx(d), Rx(s)),
            VBinOp::AddI32 => dynasm!(self.ops ; .arch x64 ; paddd Rx(d), Rx(s)),
            VBinOp::AddI64 => dynasm!(self.ops ; .arch x64 ; paddq Rx(d), Rx(s)),
            VBinOp::SubI8 => dynasm!(self.ops ; .arch x64 ; psubb Rx(d), Rx(s)),
            VBinOp::SubI16 => dynasm!(self.ops ; .arch x64 ; psubw Rx(d), Rx(s)),
            VBinOp::SubI32 => dynasm!(self.ops ; .arch x64 ; psubd Rx(d), Rx(s)),
            VBinOp::SubI64 => dynasm!(self.ops ; .arch x64 ; psubq Rx(d), Rx(s)),
            VBinOp::MulI16 => dynasm!(self.ops ; .arch x64 ; pmullw Rx(d), Rx(s)),
            VBinOp::MulI32 => dynasm!(self.ops ; .arch x64 ; pmulld Rx(d), Rx(s)),
            VBinOp::AddSatS8 => dynasm!(self.ops ; .arch x64 ; paddsb Rx(d), Rx(s)),
            VBinOp::AddSatU8 => dynasm!(self.ops ; .arch x64 ; paddusb Rx(d), Rx(s)),
            VBinOp::AddSatS16 => dynasm!(self.ops ; .arch x64 ; paddsw Rx(d), Rx(s)),
            VBinOp::AddSatU16 => dynasm!(self.ops ; .arch x64 ; paddusw Rx(d), Rx(s)),
            VBinOp::SubSatS8 => dynasm!(self.ops ; .arch x64 ; psubsb Rx(d), Rx(s)),
            VBinOp::SubSatU8 => dynasm!(self.ops ; .arch x64 ; psubusb Rx(d), Rx(s)),
            VBinOp::SubSatS16 => dynasm!(self.ops ; .arch x64 ; psubsw Rx(d), Rx(s)),
            VBinOp::SubSatU16 => dynasm!(self.ops ; .arch x64 ; psubusw Rx(d), Rx(s)),
            VBinOp::MinS8 => dynasm!(self.ops ; .arch x64 ; pminsb Rx(d), Rx(s)),
            VBinOp::MinU8 => dynasm!(self.ops ; .arch x64 ; pminub Rx(d), Rx(s)),
            VBinOp::MinS16 => dynasm!(self.ops ; .arch x64 ; pminsw Rx(d), Rx(s)),
            VBinOp::MinU16 => dynasm!(self.ops ; .arch x64 ; pminuw Rx(d), Rx(s)),
            VBinOp::MinS32 => dynasm!(self.ops ; .arch x64 ; pminsd Rx(d), Rx(s)),
            VBinOp::MinU32 => dynasm!(self.ops ; .arch x64 ; pminud Rx(d), Rx(s)),
            VBinOp::MaxS8 => dynasm!(self.ops ; .arch x64 ; pmaxsb Rx(d), Rx(s)),
            VBinOp::MaxU8 => dynasm!(self.ops ; .arch x64 ; pmaxub Rx(d), Rx(s)),
            VBinOp::MaxS16 => dynasm!(self.ops ; .arch x64 ; pmaxsw Rx(d), Rx(s)),
            VBinOp::MaxU16 => dynasm!(self.ops ; .arch x64 ; pmaxuw Rx(d), Rx(s)),
            VBinOp::MaxS32 => dynasm!(self.ops ; .arch x64 ; pmaxsd Rx(d), Rx(s)),
            VBinOp::MaxU32 => dynasm!(self.ops ; .arch x64 ; pmaxud Rx(d), Rx(s)),
            VBinOp::AvgrU8 => dynasm!(self.ops ; .arch x64 ; pavgb Rx(d), Rx(s)),
            VBinOp::AvgrU16 => dynasm!(self.ops ; .arch x64 ; pavgw Rx(d), Rx(s)),
            VBinOp::EqI8 => dynasm!(self.ops ; .arch x64 ; pcmpeqb Rx(d), Rx(s)),
            VBinOp::EqI16 => dynasm!(self.ops ; .arch x64 ; pcmpeqw Rx(d), Rx(s)),
            VBinOp::EqI32 => dynasm!(self.ops ; .arch x64 ; pcmpeqd Rx(d), Rx(s)),
            VBinOp::EqI64 => dynasm!(self.ops ; .arch x64 ; pcmpeqq Rx(d), Rx(s)),
            VBinOp::GtS8 => dynasm!(self.ops ; .arch x64 ; pcmpgtb Rx(d), Rx(s)),
            VBinOp::GtS16 => dynasm!(self.ops ; .arch x64 ; pcmpgtw Rx(d), Rx(s)),
            VBinOp::GtS32 => dynasm!(self.ops ; .arch x64 ; pcmpgtd Rx(d), Rx(s)),
            VBinOp::DotI16 => dynasm!(self.ops ; .arch x64 ; pmaddwd Rx(d), Rx(s)),
            VBinOp::NarrowS16 => dynasm!(self.ops ; .arch x64 ; packsswb Rx(d), Rx(s)),
            VBinOp::NarrowU16 => dynasm!(self.ops ; .arch x64 ; packuswb Rx(d), Rx(s)),
            VBinOp::NarrowS32 => dynasm!(self.ops ; .arch x64 ; packssdw Rx(d), Rx(s)),
            VBinOp::NarrowU32 => dynasm!(self.ops ; .arch x64 ; packusdw Rx(d), Rx(s)),
            VBinOp::AddF32 => dynasm!(self.ops ; .arch x64 ; addps Rx(d), Rx(s)),
            VBinOp::SubF32 => dynasm!(self.ops ; .arch x64 ; subps Rx(d), Rx(s)),
            VBinOp::MulF32 => dynasm!(self.ops ; .arch x64 ; mulps Rx(d), Rx(s)),
            VBinOp::DivF32 => dynasm!(self.ops ; .arch x64 ; divps Rx(d), Rx(s)),
            VBinOp::AddF64 => dynasm!(self.ops ; .arch x64 ; addpd Rx(d), Rx(s)),
            VBinOp::SubF64 => dynasm!(self.ops ; .arch x64 ; subpd Rx(d), Rx(s)),
            VBinOp::MulF64 => dynasm!(self.ops ; .arch x64 ; mulpd Rx(d), Rx(s)),
            VBinOp::DivF64 => dynasm!(self.ops ; .arch x64 ; divpd Rx(d), Rx(s)),
            VBinOp::MinF32 => dynasm!(self.ops ; .arch x64 ; minps Rx(d), Rx(s)),
            VBinOp::MaxF32 => dynasm!(self.ops ; .arch x64 ; maxps Rx(d), Rx(s)),
            VBinOp::MinF64 => dynasm!(self.ops ; .arch x64 ; minpd Rx(d), Rx(s)),
            VBinOp::MaxF64 => dynasm!(self.ops ; .arch x64 ; maxpd Rx(d), Rx(s)),
            VBinOp::EqF32 => dynasm!(self.ops ; .arch x64 ; cmpps Rx(d), Rx(s), 0),
            VBinOp::LtF32 => dynasm!(self.ops ; .arch x64 ; cmpps Rx(d), Rx(s), 1),
            VBinOp::LeF32 => dynasm!(self.ops ; .arch x64 ; cmpps Rx(d), Rx(s), 2),
            VBinOp::NeF32 => dynasm!(self.ops ; .arch x64 ; cmpps Rx(d), Rx(s), 4),
            VBinOp::EqF64 => dynasm!(self.ops ; .arch x64 ; cmppd Rx(d), Rx(s), 0),
            VBinOp::LtF64 => dynasm!(self.ops ; .arch x64 ; cmppd Rx(d), Rx(s), 1),
            VBinOp::LeF64 => dynasm!(self.ops ; .arch x64 ; cmppd Rx(d), Rx(s), 2),
            VBinOp::NeF64 => dynasm!(self.ops ; .arch x64 ; cmppd Rx(d), Rx(s), 4),
            VBinOp::GtS64 => dynasm!(self.ops ; .arch x64 ; pcmpgtq Rx(d), Rx(s)),
            // lo(a) * lo(b) + ((hi(a) * lo(b) + lo(a) * hi(b)) << 32).
            VBinOp::MulI64 => dynasm!(self.ops ; .arch x64
                ; movaps xmm0, Rx(d) ; psrlq xmm0, 32 ; pmuludq xmm0, Rx(s)
                ; movaps xmm1, Rx(s) ; psrlq xmm1, 32 ; pmuludq xmm1, Rx(d)
                ; paddq xmm0, xmm1 ; psllq xmm0, 32
                ; pmuludq Rx(d), Rx(s) ; paddq Rx(d), xmm0),
            // pmulhrsw is the Q15 rounding product; only -32768 * -32768
            // overflows, to -32768, which no other product gives.
            VBinOp::Q15MulrSatS => dynasm!(self.ops ; .arch x64
                ; pmulhrsw Rx(d), Rx(s)
                ; pcmpeqw xmm0, xmm0 ; psllw xmm0, 15 ; pcmpeqw xmm0, Rx(d) ; pxor Rx(d), xmm0),
            VBinOp::ExtMul { from, high, signed } => self.vextmul(from, high, signed, d, s),
            VBinOp::FMinF32 | VBinOp::FMaxF32 | VBinOp::FMinF64 | VBinOp::FMaxF64 => {
                self.vminmax(op, d, s)
            }
            // Both halves' bytes widened, multiplied, and adjacent
            // products added with saturation (each product fits i16).
            VBinOp::DotI8SatS => dynasm!(self.ops ; .arch x64
                ; pmovsxbw xmm0, Rx(d) ; pmovsxbw xmm1, Rx(s) ; pmullw xmm0, xmm1
                ; pshufd Rx(d), Rx(d), 0xee_u8 as i8 ; pmovsxbw Rx(d), Rx(d)
                ; pshufd xmm1, Rx(s), 0xee_u8 as i8 ; pmovsxbw xmm1, xmm1 ; pmullw Rx(d), xmm1
                ; phaddsw xmm0, Rx(d) ; movaps Rx(d), xmm0),
        }
    }

    fn vun(&mut self, op: VUnOp, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match op {
            VUnOp::Not => {
                dynasm!(self.ops ; .arch x64 ; pcmpeqd Rx(d), Rx(d) ; pxor Rx(d), Rx(s));
            }
            VUnOp::NegI8 => dynasm!(self.ops ; .arch x64 ; pxor Rx(d), Rx(d) ; psubb Rx(d), Rx(s)),
            VUnOp::NegI16 => dynasm!(self.ops ; .arch x64 ; pxor Rx(d), Rx(d) ; psubw Rx(d), Rx(s)),
            VUnOp::NegI32 => dynasm!(self.ops ; .arch x64 ; pxor Rx(d), Rx(d) ; psubd Rx(d), Rx(s)),
            VUnOp::NegI64 => dynasm!(self.ops ; .arch x64 ; pxor Rx(d), Rx(d) ; psubq Rx(d), Rx(s)),
            VUnOp::AbsI8 => dynasm!(self.ops ; .arch x64 ; pabsb Rx(d), Rx(s)),
            VUnOp::AbsI16 => dynasm!(self.ops ; .arch x64 ; pabsw Rx(d), Rx(s)),
            VUnOp::AbsI32 => dynasm!(self.ops ; .arch x64 ; pabsd Rx(d), Rx(s)),
            VUnOp::SqrtF32 => dynasm!(self.ops ; .arch x64 ; sqrtps Rx(d), Rx(s)),
            VUnOp::SqrtF64 => dynasm!(self.ops ; .arch x64 ; sqrtpd Rx(d), Rx(s)),
            VUnOp::ExtendLowS8 => dynasm!(self.ops ; .arch x64 ; pmovsxbw Rx(d), Rx(s)),
            VUnOp::ExtendLowU8 => dynasm!(self.ops ; .arch x64 ; pmovzxbw Rx(d), Rx(s)),
            VUnOp::ExtendLowS16 => dynasm!(self.ops ; .arch x64 ; pmovsxwd Rx(d), Rx(s)),
            VUnOp::ExtendLowU16 => dynasm!(self.ops ; .arch x64 ; pmovzxwd Rx(d), Rx(s)),
            VUnOp::ExtendLowS32 => dynasm!(self.ops ; .arch x64 ; pmovsxdq Rx(d), Rx(s)),
            VUnOp::ExtendLowU32 => dynasm!(self.ops ; .arch x64 ; pmovzxdq Rx(d), Rx(s)),
            // The high half moved low (pshufd 0xee), then extended in place.
            VUnOp::ExtendHighS8 => {
                dynasm!(self.ops ; .arch x64 ; pshufd Rx(d), Rx(s), 0xee_u8 as i8 ; pmovsxbw Rx(d), Rx(d))
            }
            VUnOp::ExtendHighU8 => {
                dynasm!(self.ops ; .arch x64 ; pshufd Rx(d), Rx(s), 0xee_u8 as i8 ; pmovzxbw Rx(d), Rx(d))
            }
            VUnOp::ExtendHighS16 => {
                dynasm!(self.ops ; .arch x64 ; pshufd Rx(d), Rx(s), 0xee_u8 as i8 ; pmovsxwd Rx(d), Rx(d))
            }
            VUnOp::ExtendHighU16 => {
                dynasm!(self.ops ; .arch x64 ; pshufd Rx(d), Rx(s), 0xee_u8 as i8 ; pmovzxwd Rx(d), Rx(d))
            }
            VUnOp::ExtendHighS32 => {
                dynasm!(self.ops ; .arch x64 ; pshufd Rx(d), Rx(s), 0xee_u8 as i8 ; pmovsxdq Rx(d), Rx(d))
            }
            VUnOp::ExtendHighU32 => {
                dynasm!(self.ops ; .arch x64 ; pshufd Rx(d), Rx(s), 0xee_u8 as i8 ; pmovzxdq Rx(d), Rx(d))
            }
            // All ones shifted to the sign mask (neg) or all but it (abs).
            VUnOp::AbsF32 => dynasm!(self.ops ; .arch x64
                ; pcmpeqd Rx(d), Rx(d) ; psrld Rx(d), 1 ; pand Rx(d), Rx(s)),
            VUnOp::AbsF64 => dynasm!(self.ops ; .arch x64
                ; pcmpeqd Rx(d), Rx(d) ; psrlq Rx(d), 1 ; pand Rx(d), Rx(s)),
            VUnOp::NegF32 => dynasm!(self.ops ; .arch x64
                ; pcmpeqd Rx(d), Rx(d) ; pslld Rx(d), 31 ; pxor Rx(d), Rx(s)),
            VUnOp::NegF64 => dynasm!(self.ops ; .arch x64
                ; pcmpeqd Rx(d), Rx(d) ; psllq Rx(d), 63 ; pxor Rx(d), Rx(s)),
            // roundps/roundpd modes: 0 nearest even, 1 down, 2 up, 3 toward
            // zero; bit 3 keeps the inexact exception quiet.
            VUnOp::CeilF32 => dynasm!(self.ops ; .arch x64 ; roundps Rx(d), Rx(s), 0xa),
            VUnOp::FloorF32 => dynasm!(self.ops ; .arch x64 ; roundps Rx(d), Rx(s), 0x9),
            VUnOp::TruncF32 => dynasm!(self.ops ; .arch x64 ; roundps Rx(d), Rx(s), 0xb),
            VUnOp::NearestF32 => dynasm!(self.ops ; .arch x64 ; roundps Rx(d), Rx(s), 0x8),
            VUnOp::CeilF64 => dynasm!(self.ops ; .arch x64 ; roundpd Rx(d), Rx(s), 0xa),
            VUnOp::FloorF64 => dynasm!(self.ops ; .arch x64 ; roundpd Rx(d), Rx(s), 0x9),
            VUnOp::TruncF64 => dynasm!(self.ops ; .arch x64 ; roundpd Rx(d), Rx(s), 0xb),
            VUnOp::NearestF64 => dynasm!(self.ops ; .arch x64 ; roundpd Rx(d), Rx(s), 0x8),
            VUnOp::ConvertI32F32 => dynasm!(self.ops ; .arch x64 ; cvtdq2ps Rx(d), Rx(s)),
            VUnOp::ConvertLowI32F64 => dynasm!(self.ops ; .arch x64 ; cvtdq2pd Rx(d), Rx(s)),
            VUnOp::PromoteLowF32 => dynasm!(self.ops ; .arch x64 ; cvtps2pd Rx(d), Rx(s)),
            VUnOp::DemoteF64 => dynasm!(self.ops ; .arch x64 ; cvtpd2ps Rx(d), Rx(s)),
            // The sign spread over each lane (x ^ m) - m.
            VUnOp::AbsI64 => dynasm!(self.ops ; .arch x64
                ; movaps xmm0, Rx(s) ; psrad xmm0, 31 ; pshufd xmm0, xmm0, 0xf5_u8 as i8
                ; movaps Rx(d), Rx(s) ; pxor Rx(d), xmm0 ; psubq Rx(d), xmm0),
            // Each nibble's count looked up with pshufb, the two added.
            VUnOp::PopcntI8 => {
                const NIBBLE_COUNTS: u128 = 0x0403_0302_0302_0201_0302_0201_0201_0100;
                dynasm!(self.ops ; .arch x64
                    ; pcmpeqw xmm1, xmm1 ; psrlw xmm1, 12 ; packuswb xmm1, xmm1
                    ; movaps xmm0, Rx(s) ; psrlw xmm0, 4 ; pand xmm0, xmm1
                    ; movaps Rx(d), Rx(s) ; pand Rx(d), xmm1);
                self.vconst(1, NIBBLE_COUNTS);
                dynasm!(self.ops ; .arch x64 ; pshufb xmm1, Rx(d));
                self.vconst(d, NIBBLE_COUNTS);
                dynasm!(self.ops ; .arch x64 ; pshufb Rx(d), xmm0 ; paddb Rx(d), xmm1);
            }
            VUnOp::ExtAddPairwise {
                from: VLanes::I8,
                signed,
            } => {
                // pmaddubsw multiplies unsigned bytes of its destination by
                // signed bytes of its source: ones on the other side.
                dynasm!(self.ops ; .arch x64 ; pcmpeqb xmm0, xmm0 ; pabsb xmm0, xmm0);
                if signed {
                    dynasm!(self.ops ; .arch x64 ; pmaddubsw xmm0, Rx(s) ; movaps Rx(d), xmm0);
                } else {
                    dynasm!(self.ops ; .arch x64 ; movaps Rx(d), Rx(s) ; pmaddubsw Rx(d), xmm0);
                }
            }
            VUnOp::ExtAddPairwise { signed, .. } => {
                dynasm!(self.ops ; .arch x64
                    ; pcmpeqw xmm0, xmm0 ; psrlw xmm0, 15 ; movaps Rx(d), Rx(s));
                if signed {
                    dynasm!(self.ops ; .arch x64 ; pmaddwd Rx(d), xmm0);
                } else {
                    // Biased to signed (x - 32768), summed, the bias of two
                    // lanes (65536) added back.
                    dynasm!(self.ops ; .arch x64
                        ; movaps xmm1, xmm0 ; psllw xmm1, 15 ; pxor Rx(d), xmm1
                        ; pmaddwd Rx(d), xmm0
                        ; pcmpeqd xmm1, xmm1 ; psrld xmm1, 31 ; pslld xmm1, 16 ; paddd Rx(d), xmm1);
                }
            }
            // NaN lanes zeroed, then cvttps2dq, whose 0x80000000 for a
            // lane at or above 2^31 is flipped to i32::MAX.
            VUnOp::TruncSatF32S => {
                dynasm!(self.ops ; .arch x64
                    ; movaps Rx(d), Rx(s) ; movaps xmm0, Rx(s) ; cmpeqps xmm0, Rx(s) ; andps Rx(d), xmm0);
                self.vsplat32(0, 0x4f00_0000); // 2^31
                dynasm!(self.ops ; .arch x64
                    ; cmpleps xmm0, Rx(d) ; cvttps2dq Rx(d), Rx(d) ; pxor Rx(d), xmm0);
            }
            // Negative and NaN lanes to 0 (maxps gives its second operand
            // for a NaN), then the lanes below 2^31 converted directly and
            // the rest by their excess over 2^31, added back.
            VUnOp::TruncSatF32U => {
                dynasm!(self.ops ; .arch x64
                    ; xorps xmm0, xmm0 ; movaps Rx(d), Rx(s) ; maxps Rx(d), xmm0);
                self.vsplat32(0, 0x4f00_0000); // 2^31
                dynasm!(self.ops ; .arch x64
                    ; movaps xmm1, Rx(d) ; subps xmm1, xmm0
                    // 2^31 <= x - 2^31: beyond u32, to u32::MAX below.
                    ; cmpleps xmm0, xmm1
                    ; cvttps2dq xmm1, xmm1 ; pxor xmm1, xmm0
                    ; pxor xmm0, xmm0 ; pmaxsd xmm1, xmm0
                    ; cvttps2dq Rx(d), Rx(d) ; paddd Rx(d), xmm1);
            }
            VUnOp::TruncSatF64SZero => {
                dynasm!(self.ops ; .arch x64
                    ; movaps Rx(d), Rx(s) ; movaps xmm0, Rx(s) ; cmpeqpd xmm0, Rx(s) ; andpd Rx(d), xmm0);
                self.vsplat64(0, 2_147_483_647f64.to_bits());
                dynasm!(self.ops ; .arch x64 ; minpd Rx(d), xmm0 ; cvttpd2dq Rx(d), Rx(d));
            }
            // Clamped to [0, u32::MAX] (NaN to 0), truncated, and moved to
            // the low 32 bits of a double by adding 2^52.
            VUnOp::TruncSatF64UZero => {
                dynasm!(self.ops ; .arch x64
                    ; xorpd xmm1, xmm1 ; movaps Rx(d), Rx(s) ; maxpd Rx(d), xmm1);
                self.vsplat64(0, 4_294_967_295f64.to_bits());
                dynasm!(self.ops ; .arch x64 ; minpd Rx(d), xmm0 ; roundpd Rx(d), Rx(d), 0xb);
                self.vsplat64(0, 0x4330_0000_0000_0000); // 2^52
                dynasm!(self.ops ; .arch x64 ; addpd Rx(d), xmm0 ; shufps Rx(d), xmm1, 0x88_u8 as i8);
            }
            // hi16 * 65536 (exact) + lo16, rounded once by the add.
            VUnOp::ConvertU32F32 => {
                dynasm!(self.ops ; .arch x64
                    ; movaps xmm0, Rx(s) ; pslld xmm0, 16 ; psrld xmm0, 16 ; cvtdq2ps xmm0, xmm0
                    ; movaps Rx(d), Rx(s) ; psrld Rx(d), 16 ; cvtdq2ps Rx(d), Rx(d));
                self.vsplat32(1, 0x4780_0000); // 65536
                dynasm!(self.ops ; .arch x64 ; mulps Rx(d), xmm1 ; addps Rx(d), xmm0);
            }
            // Each lane as the low half of the double 2^52 + x, minus 2^52.
            VUnOp::ConvertLowU32F64 => {
                self.vsplat32(0, 0x4330_0000);
                dynasm!(self.ops ; .arch x64 ; movaps Rx(d), Rx(s) ; punpckldq Rx(d), xmm0);
                self.vsplat64(0, 0x4330_0000_0000_0000);
                dynasm!(self.ops ; .arch x64 ; subpd Rx(d), xmm0);
            }
        }
    }

    fn vsplat(&mut self, lanes: VLanes, dst: Fpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match lanes {
            VLanes::I8 => dynasm!(self.ops ; .arch x64
                ; movd Rx(d), Rd(s) ; punpcklbw Rx(d), Rx(d) ; pshuflw Rx(d), Rx(d), 0
                ; pshufd Rx(d), Rx(d), 0),
            VLanes::I16 => dynasm!(self.ops ; .arch x64
                ; movd Rx(d), Rd(s) ; pshuflw Rx(d), Rx(d), 0 ; pshufd Rx(d), Rx(d), 0),
            VLanes::I32 => {
                dynasm!(self.ops ; .arch x64 ; movd Rx(d), Rd(s) ; pshufd Rx(d), Rx(d), 0)
            }
            VLanes::I64 => {
                dynasm!(self.ops ; .arch x64 ; movq Rx(d), Rq(s) ; punpcklqdq Rx(d), Rx(d))
            }
        }
    }

    fn vshift(&mut self, op: VShiftOp, dst: Fpr, count: Fpr) {
        let (d, c) = (dst.0, count.0);
        match op {
            VShiftOp::Shl16 => dynasm!(self.ops ; .arch x64 ; psllw Rx(d), Rx(c)),
            VShiftOp::Shl32 => dynasm!(self.ops ; .arch x64 ; pslld Rx(d), Rx(c)),
            VShiftOp::Shl64 => dynasm!(self.ops ; .arch x64 ; psllq Rx(d), Rx(c)),
            VShiftOp::ShrU16 => dynasm!(self.ops ; .arch x64 ; psrlw Rx(d), Rx(c)),
            VShiftOp::ShrU32 => dynasm!(self.ops ; .arch x64 ; psrld Rx(d), Rx(c)),
            VShiftOp::ShrU64 => dynasm!(self.ops ; .arch x64 ; psrlq Rx(d), Rx(c)),
            VShiftOp::ShrS16 => dynasm!(self.ops ; .arch x64 ; psraw Rx(d), Rx(c)),
            VShiftOp::ShrS32 => dynasm!(self.ops ; .arch x64 ; psrad Rx(d), Rx(c)),
            // Bytes shifted as words, then the bits that crossed from the
            // neighbouring byte masked off: the mask is a byte of all-ones
            // shifted alike, spread with pshufb.
            VShiftOp::Shl8 => dynasm!(self.ops ; .arch x64
                ; psllw Rx(d), Rx(c)
                ; pcmpeqw xmm0, xmm0 ; psllw xmm0, Rx(c) ; pxor xmm1, xmm1 ; pshufb xmm0, xmm1
                ; pand Rx(d), xmm0),
            VShiftOp::ShrU8 => dynasm!(self.ops ; .arch x64
                ; psrlw Rx(d), Rx(c)
                ; pcmpeqw xmm0, xmm0 ; psrlw xmm0, Rx(c) ; pcmpeqb xmm1, xmm1 ; pabsb xmm1, xmm1
                ; pshufb xmm0, xmm1 ; pand Rx(d), xmm0),
            // Each byte doubled into a word, shifted arithmetically by
            // count + 8, and packed back.
            VShiftOp::ShrS8 => dynasm!(self.ops ; .arch x64
                ; mov eax, 8 ; movd xmm1, eax ; paddq xmm1, Rx(c)
                ; movaps xmm0, Rx(d) ; punpckhbw xmm0, xmm0 ; psraw xmm0, xmm1
                ; punpcklbw Rx(d), Rx(d) ; psraw Rx(d), xmm1 ; packsswb Rx(d), xmm0),
            // (x >>> c ^ m) - m, with m the sign bit shifted alike.
            VShiftOp::ShrS64 => dynasm!(self.ops ; .arch x64
                ; pcmpeqd xmm0, xmm0 ; psllq xmm0, 63 ; psrlq xmm0, Rx(c)
                ; psrlq Rx(d), Rx(c) ; pxor Rx(d), xmm0 ; psubq Rx(d), xmm0),
        }
    }

    fn vload_kind(&mut self, kind: VLoadKind, dst: Fpr, mem: Mem) -> u32 {
        let d = dst.0;
        let at = self.offset();
        match kind {
            VLoadKind::S8x8 => mem_last!(self, mem, pmovsxbw Rx(d), QWORD),
            VLoadKind::U8x8 => mem_last!(self, mem, pmovzxbw Rx(d), QWORD),
            VLoadKind::S16x4 => mem_last!(self, mem, pmovsxwd Rx(d), QWORD),
            VLoadKind::U16x4 => mem_last!(self, mem, pmovzxwd Rx(d), QWORD),
            VLoadKind::S32x2 => mem_last!(self, mem, pmovsxdq Rx(d), QWORD),
            VLoadKind::U32x2 => mem_last!(self, mem, pmovzxdq Rx(d), QWORD),
            VLoadKind::Zero32 => mem_last!(self, mem, movd Rx(d), DWORD),
            VLoadKind::Zero64 => mem_last!(self, mem, movq Rx(d), QWORD),
        }
        at
    }

    fn vtest(&mut self, op: VTestOp, dst: Gpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match op {
            VTestOp::AnyTrue => {
                dynasm!(self.ops ; .arch x64 ; xor Rd(d), Rd(d) ; ptest Rx(s), Rx(s) ; setnz Rb(d));
            }
            VTestOp::AllTrue(lanes) => {
                // xmm0 = the lanes equal to zero; all true when there are none.
                dynasm!(self.ops ; .arch x64 ; pxor xmm0, xmm0);
                match lanes {
                    VLanes::I8 => dynasm!(self.ops ; .arch x64 ; pcmpeqb xmm0, Rx(s)),
                    VLanes::I16 => dynasm!(self.ops ; .arch x64 ; pcmpeqw xmm0, Rx(s)),
                    VLanes::I32 => dynasm!(self.ops ; .arch x64 ; pcmpeqd xmm0, Rx(s)),
                    VLanes::I64 => dynasm!(self.ops ; .arch x64 ; pcmpeqq xmm0, Rx(s)),
                }
                dynasm!(self.ops ; .arch x64 ; xor Rd(d), Rd(d) ; ptest xmm0, xmm0 ; setz Rb(d));
            }
            VTestOp::BitmaskI8 => dynasm!(self.ops ; .arch x64 ; pmovmskb Rd(d), Rx(s)),
            // Words narrowed to bytes with their signs, the low eight kept.
            VTestOp::BitmaskI16 => dynasm!(self.ops ; .arch x64
                ; movaps xmm0, Rx(s) ; packsswb xmm0, xmm0 ; pmovmskb Rd(d), xmm0 ; movzx Rd(d), Rb(d)),
            VTestOp::BitmaskI32 => dynasm!(self.ops ; .arch x64 ; movmskps Rd(d), Rx(s)),
            VTestOp::BitmaskI64 => dynasm!(self.ops ; .arch x64 ; movmskpd Rd(d), Rx(s)),
        }
    }

    fn vshuffle(&mut self, dst: Fpr, other: Fpr, lanes: [u8; 16]) {
        let (d, o) = (dst.0, other.0);
        // pshufb zeroes a lane whose index has its top bit set: one mask
        // picks `dst`'s bytes, the other `other`'s, and an or joins them.
        let pick = |from: u8| -> u128 {
            let bytes = lanes.map(|l| if l & 0xf0 == from { l & 0x0f } else { 0x80 });
            u128::from_le_bytes(bytes)
        };
        let (mine, theirs) = (pick(0), pick(0x10));
        let none = u128::from_le_bytes([0x80; 16]);
        match (mine == none, theirs == none) {
            (false, true) => {
                self.vconst(0, mine);
                dynasm!(self.ops ; .arch x64 ; pshufb Rx(d), xmm0);
            }
            (true, false) => {
                self.vconst(0, theirs);
                dynasm!(self.ops ; .arch x64 ; pshufb Rx(o), xmm0 ; movaps Rx(d), Rx(o));
            }
            _ => {
                self.vconst(0, mine);
                self.vconst(1, theirs);
                dynasm!(self.ops ; .arch x64
                    ; pshufb Rx(d), xmm0 ; pshufb Rx(o), xmm1 ; por Rx(d), Rx(o));
            }
        }
    }

    fn vbitselect(&mut self, dst: Fpr, other: Fpr, mask: Mem) {
        let (d, o) = (dst.0, other.0);
        mem_last!(self, mask, movdqu xmm0, OWORD);
        dynasm!(self.ops ; .arch x64 ; pand Rx(d), xmm0 ; pandn xmm0, Rx(o) ; por Rx(d), xmm0);
    }

    fn vextract(&mut self, lanes: VLanes, dst: Gpr, src: Fpr, lane: u8) {
        let (d, s, l) = (dst.0, src.0, lane as i8);
        match lanes {
            VLanes::I8 => dynasm!(self.ops ; .arch x64 ; pextrb Rd(d), Rx(s), l),
            VLanes::I16 => dynasm!(self.ops ; .arch x64 ; pextrw Rd(d), Rx(s), l),
            VLanes::I32 => dynasm!(self.ops ; .arch x64 ; pextrd Rd(d), Rx(s), l),
            VLanes::I64 => dynasm!(self.ops ; .arch x64 ; pextrq Rq(d), Rx(s), l),
        }
    }

    fn vinsert(&mut self, lanes: VLanes, dst: Fpr, src: Gpr, lane: u8) {
        let (d, s, l) = (dst.0, src.0, lane as i8);
        match lanes {
            VLanes::I8 => dynasm!(self.ops ; .arch x64 ; pinsrb Rx(d), Rd(s), l),
            VLanes::I16 => dynasm!(self.ops ; .arch x64 ; pinsrw Rx(d), Rd(s), l),
            VLanes::I32 => dynasm!(self.ops ; .arch x64 ; pinsrd Rx(d), Rd(s), l),
            VLanes::I64 => dynasm!(self.ops ; .arch x64 ; pinsrq Rx(d), Rq(s), l),
        }
    }

    fn vswizzle(&mut self, dst: Fpr, index: Fpr) {
        let (d, i) = (dst.0, index.0);
        // Indices of 16 or more, plus 0x70 with saturation, get their top
        // bit set (pshufb's zero); those below keep their low four bits.
        dynasm!(self.ops ; .arch x64
            ; mov eax, 0x7070_7070 ; movd xmm0, eax ; pshufd xmm0, xmm0, 0
            ; paddusb Rx(i), xmm0 ; pshufb Rx(d), Rx(i));
    }

    fn fload(&mut self, size: FSize, dst: Fpr, mem: Mem) -> u32 {
        let d = dst.0;
        let at = self.offset();
        match size {
            FSize::F32 => mem_last!(self, mem, movss Rx(d), DWORD),
            FSize::F64 => mem_last!(self, mem, movsd Rx(d), QWORD),
        }
        at
    }

    fn fstore(&mut self, size: FSize, mem: Mem, src: Fpr) -> u32 {
        let s = src.0;
        let at = self.offset();
        match size {
            FSize::F32 => mem_first!(self, mem, (movss DWORD), (, Rx(s))),
            FSize::F64 => mem_first!(self, mem, (movsd QWORD), (, Rx(s))),
        }
        at
    }

    fn fmov(&mut self, _size: FSize, dst: Fpr, src: Fpr) {
        if dst != src {
            let (d, s) = (dst.0, src.0);
            // A full-register move avoids a dependency on dst's old upper bits.
            dynasm!(self.ops ; .arch x64 ; movaps Rx(d), Rx(s));
        }
    }

    fn fbin_mem(&mut self, op: FBinOp, size: FSize, dst: Fpr, src: Mem) -> bool {
        let d = dst.0;
        match (op, size) {
            (FBinOp::Add, FSize::F32) => mem_last!(self, src, addss Rx(d), DWORD),
            (FBinOp::Add, FSize::F64) => mem_last!(self, src, addsd Rx(d), QWORD),
            (FBinOp::Sub, FSize::F32) => mem_last!(self, src, subss Rx(d), DWORD),
            (FBinOp::Sub, FSize::F64) => mem_last!(self, src, subsd Rx(d), QWORD),
            (FBinOp::Mul, FSize::F32) => mem_last!(self, src, mulss Rx(d), DWORD),
            (FBinOp::Mul, FSize::F64) => mem_last!(self, src, mulsd Rx(d), QWORD),
            (FBinOp::Div, FSize::F32) => mem_last!(self, src, divss Rx(d), DWORD),
            (FBinOp::Div, FSize::F64) => mem_last!(self, src, divsd Rx(d), QWORD),
            _ => return false,
        }
        true
    }

    fn fbin(&mut self, op: FBinOp, size: FSize, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match (op, size) {
            (FBinOp::Add, FSize::F32) => dynasm!(self.ops ; .arch x64 ; addss Rx(d), Rx(s)),
            (FBinOp::Add, FSize::F64) => dynasm!(self.ops ; .arch x64 ; addsd Rx(d), Rx(s)),
            (FBinOp::Sub, FSize::F32) => dynasm!(self.ops ; .arch x64 ; subss Rx(d), Rx(s)),
            (FBinOp::Sub, FSize::F64) => dynasm!(self.ops ; .arch x64 ; subsd Rx(d), Rx(s)),
            (FBinOp::Mul, FSize::F32) => dynasm!(self.ops ; .arch x64 ; mulss Rx(d), Rx(s)),
            (FBinOp::Mul, FSize::F64) => dynasm!(self.ops ; .arch x64 ; mulsd Rx(d), Rx(s)),
            (FBinOp::Div, FSize::F32) => dynasm!(self.ops ; .arch x64 ; divss Rx(d), Rx(s)),
            (FBinOp::Div, FSize::F64) => dynasm!(self.ops ; .arch x64 ; divsd Rx(d), Rx(s)),
            (FBinOp::Min | FBinOp::Max, _) => {
                // NaN in, NaN out; equal operands (±0 included) combine their
                // sign bits: -0 wins for min, +0 for max.
                let nan = self.ops.new_dynamic_label();
                let equal = self.ops.new_dynamic_label();
                let done = self.ops.new_dynamic_label();
                self.ucomi(size, dst, src);
                dynasm!(self.ops ; .arch x64 ; jp =>nan ; je =>equal);
                match (op, size) {
                    (FBinOp::Min, FSize::F32) => dynasm!(self.ops ; .arch x64 ; minss Rx(d), Rx(s)),
                    (FBinOp::Min, FSize::F64) => dynasm!(self.ops ; .arch x64 ; minsd Rx(d), Rx(s)),
                    (_, FSize::F32) => dynasm!(self.ops ; .arch x64 ; maxss Rx(d), Rx(s)),
                    (_, FSize::F64) => dynasm!(self.ops ; .arch x64 ; maxsd Rx(d), Rx(s)),
                }
                dynasm!(self.ops ; .arch x64 ; jmp =>done ; =>equal);
                if op == FBinOp::Min {
                    dynasm!(self.ops ; .arch x64 ; orps Rx(d), Rx(s));
                } else {
                    dynasm!(self.ops ; .arch x64 ; andps Rx(d), Rx(s));
                }
                dynasm!(self.ops ; .arch x64 ; jmp =>done ; =>nan);
                match size {
                    FSize::F32 => dynasm!(self.ops ; .arch x64 ; addss Rx(d), Rx(s)),
                    FSize::F64 => dynasm!(self.ops ; .arch x64 ; addsd Rx(d), Rx(s)),
                }
                dynasm!(self.ops ; .arch x64 ; =>done);
            }
            (FBinOp::Copysign, FSize::F32) => dynasm!(self.ops ; .arch x64
                ; movd eax, Rx(d) ; movd ecx, Rx(s)
                ; and eax, 0x7fff_ffff ; and ecx, 0x8000_0000u32 as i32 ; or eax, ecx
                ; movd Rx(d), eax),
            (FBinOp::Copysign, FSize::F64) => dynasm!(self.ops ; .arch x64
                ; movq rax, Rx(d) ; movq rcx, Rx(s)
                ; btr rax, 63 ; shr rcx, 63 ; shl rcx, 63 ; or rax, rcx
                ; movq Rx(d), rax),
        }
    }

    fn fun(&mut self, op: FUnOp, size: FSize, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        // roundss/roundsd immediates: 0 nearest-even, 1 floor, 2 ceil, 3 trunc.
        let round = |op: FUnOp| match op {
            FUnOp::Nearest => 0i8,
            FUnOp::Floor => 1,
            FUnOp::Ceil => 2,
            _ => 3,
        };
        match (op, size) {
            (FUnOp::Abs, FSize::F32) => dynasm!(self.ops ; .arch x64
                ; movd eax, Rx(s) ; and eax, 0x7fff_ffff ; movd Rx(d), eax),
            (FUnOp::Abs, FSize::F64) => dynasm!(self.ops ; .arch x64
                ; movq rax, Rx(s) ; btr rax, 63 ; movq Rx(d), rax),
            (FUnOp::Neg, FSize::F32) => dynasm!(self.ops ; .arch x64
                ; movd eax, Rx(s) ; xor eax, 0x8000_0000u32 as i32 ; movd Rx(d), eax),
            (FUnOp::Neg, FSize::F64) => dynasm!(self.ops ; .arch x64
                ; movq rax, Rx(s) ; btc rax, 63 ; movq Rx(d), rax),
            (FUnOp::Sqrt, FSize::F32) => dynasm!(self.ops ; .arch x64 ; sqrtss Rx(d), Rx(s)),
            (FUnOp::Sqrt, FSize::F64) => dynasm!(self.ops ; .arch x64 ; sqrtsd Rx(d), Rx(s)),
            (op, FSize::F32) => {
                let imm = round(op);
                dynasm!(self.ops ; .arch x64 ; roundss Rx(d), Rx(s), imm)
            }
            (op, FSize::F64) => {
                let imm = round(op);
                dynasm!(self.ops ; .arch x64 ; roundsd Rx(d), Rx(s), imm)
            }
        }
    }

    fn fcmp_set(&mut self, cond: FCond, size: FSize, dst: Gpr, a: Fpr, b: Fpr) {
        let d = dst.0;
        match cond {
            FCond::Eq => {
                self.ucomi(size, a, b);
                dynasm!(self.ops ; .arch x64 ; sete Rb(d) ; setnp cl ; and Rb(d), cl);
            }
            FCond::Ne => {
                self.ucomi(size, a, b);
                dynasm!(self.ops ; .arch x64 ; setne Rb(d) ; setp cl ; or Rb(d), cl);
            }
            FCond::Gt => {
                self.ucomi(size, a, b);
                dynasm!(self.ops ; .arch x64 ; seta Rb(d));
            }
            FCond::Ge => {
                self.ucomi(size, a, b);
                dynasm!(self.ops ; .arch x64 ; setae Rb(d));
            }
            FCond::Lt => {
                self.ucomi(size, b, a);
                dynasm!(self.ops ; .arch x64 ; seta Rb(d));
            }
            FCond::Le => {
                self.ucomi(size, b, a);
                dynasm!(self.ops ; .arch x64 ; setae Rb(d));
            }
        }
        dynasm!(self.ops ; .arch x64 ; movzx Rd(d), Rb(d));
    }

    fn fbits_to_gpr(&mut self, size: FSize, dst: Gpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch x64 ; movd Rd(d), Rx(s)),
            FSize::F64 => dynasm!(self.ops ; .arch x64 ; movq Rq(d), Rx(s)),
        }
    }

    fn gpr_to_fbits(&mut self, size: FSize, dst: Fpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        match size {
            FSize::F32 => dynasm!(self.ops ; .arch x64 ; movd Rx(d), Rd(s)),
            FSize::F64 => dynasm!(self.ops ; .arch x64 ; movq Rx(d), Rq(s)),
        }
    }

    fn int_to_float(&mut self, from: Size, signed: bool, to: FSize, dst: Fpr, src: Gpr) {
        let (d, s) = (dst.0, src.0);
        // Clear dst first: cvtsi2s[sd] only writes the low lane.
        dynasm!(self.ops ; .arch x64 ; xorps Rx(d), Rx(d));
        match (from, signed, to) {
            (Size::S32, true, FSize::F32) => dynasm!(self.ops ; .arch x64 ; cvtsi2ss Rx(d), Rd(s)),
            (Size::S32, true, FSize::F64) => dynasm!(self.ops ; .arch x64 ; cvtsi2sd Rx(d), Rd(s)),
            (Size::S32, false, FSize::F32) => {
                dynasm!(self.ops ; .arch x64 ; mov eax, Rd(s) ; cvtsi2ss Rx(d), rax)
            }
            (Size::S32, false, FSize::F64) => {
                dynasm!(self.ops ; .arch x64 ; mov eax, Rd(s) ; cvtsi2sd Rx(d), rax)
            }
            (Size::S64, true, FSize::F32) => dynasm!(self.ops ; .arch x64 ; cvtsi2ss Rx(d), Rq(s)),
            (Size::S64, true, FSize::F64) => dynasm!(self.ops ; .arch x64 ; cvtsi2sd Rx(d), Rq(s)),
            (Size::S64, false, _) => {
                // Above 2^63: halve with the low bit kept sticky, convert, double.
                let big = self.ops.new_dynamic_label();
                let done = self.ops.new_dynamic_label();
                dynasm!(self.ops ; .arch x64 ; test Rq(s), Rq(s) ; js =>big);
                match to {
                    FSize::F32 => dynasm!(self.ops ; .arch x64 ; cvtsi2ss Rx(d), Rq(s)),
                    FSize::F64 => dynasm!(self.ops ; .arch x64 ; cvtsi2sd Rx(d), Rq(s)),
                }
                dynasm!(self.ops ; .arch x64
                    ; jmp =>done
                    ; =>big
                    ; mov rax, Rq(s) ; shr rax, 1 ; mov rcx, Rq(s) ; and ecx, 1 ; or rax, rcx);
                match to {
                    FSize::F32 => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2ss Rx(d), rax ; addss Rx(d), Rx(d))
                    }
                    FSize::F64 => {
                        dynasm!(self.ops ; .arch x64 ; cvtsi2sd Rx(d), rax ; addsd Rx(d), Rx(d))
                    }
                }
                dynasm!(self.ops ; .arch x64 ; =>done);
            }
        }
    }

    fn float_to_float(&mut self, from: FSize, to: FSize, dst: Fpr, src: Fpr) {
        let (d, s) = (dst.0, src.0);
        match (from, to) {
            (FSize::F32, FSize::F64) => dynasm!(self.ops ; .arch x64 ; cvtss2sd Rx(d), Rx(s)),
            (FSize::F64, FSize::F32) => dynasm!(self.ops ; .arch x64 ; cvtsd2ss Rx(d), Rx(s)),
            _ => self.fmov(from, dst, src),
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
        let (lo, lo_inclusive, hi) = trunc_bounds(from, to, signed);
        let done = self.ops.new_dynamic_label();
        let (nan, low, high) = match traps {
            Some(t) => {
                let invalid = self.trap_stub(t.invalid);
                let overflow = self.trap_stub(t.overflow);
                (invalid, overflow, overflow)
            }
            None => (
                self.ops.new_dynamic_label(),
                self.ops.new_dynamic_label(),
                self.ops.new_dynamic_label(),
            ),
        };
        self.ucomi(from, src, src);
        dynasm!(self.ops ; .arch x64 ; jp =>nan);
        self.fconst0(from, lo);
        self.ucomi(from, src, Fpr(0));
        if lo_inclusive {
            dynasm!(self.ops ; .arch x64 ; jb =>low);
        } else {
            dynasm!(self.ops ; .arch x64 ; jbe =>low);
        }
        self.fconst0(from, hi);
        self.ucomi(from, src, Fpr(0));
        dynasm!(self.ops ; .arch x64 ; jae =>high);
        self.cvtt(from, to, signed, dst, src);
        if traps.is_none() {
            // Saturation: NaN to 0, below the range to MIN, above to MAX.
            let (min, max): (u64, u64) = match (to, signed) {
                (Size::S32, true) => (i32::MIN as u32 as u64, i32::MAX as u64),
                (Size::S32, false) => (0, u32::MAX as u64),
                (Size::S64, true) => (i64::MIN as u64, i64::MAX as u64),
                (Size::S64, false) => (0, u64::MAX),
            };
            self.jmp(done);
            self.bind(nan);
            self.mov_imm64(dst, 0);
            self.jmp(done);
            self.bind(low);
            self.mov_imm64(dst, min);
            self.jmp(done);
            self.bind(high);
            self.mov_imm64(dst, max);
        }
        self.bind(done);
    }

    fn call_mem(&mut self, mem: Mem) {
        mem_last!(self, mem, call QWORD);
    }

    fn call_abs(&mut self, addr: usize) {
        dynasm!(self.ops ; .arch x64 ; mov rax, QWORD addr as i64 ; call rax);
    }

    fn call_reg(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch x64 ; call Rq(r));
    }

    fn jmp_mem(&mut self, mem: Mem) {
        mem_last!(self, mem, jmp QWORD);
    }

    fn jmp_reg(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch x64 ; jmp Rq(r));
    }

    fn push(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch x64 ; push Rq(r));
    }

    fn pop(&mut self, reg: Gpr) {
        let r = reg.0;
        dynasm!(self.ops ; .arch x64 ; pop Rq(r));
    }

    fn adjust_sp(&mut self, delta: i32) {
        if delta != 0 {
            dynasm!(self.ops ; .arch x64 ; add rsp, delta);
        }
    }

    fn ret(&mut self) {
        dynasm!(self.ops ; .arch x64 ; ret);
    }

    fn trap(&mut self, code: u32) {
        // Explicit traps unwind without a signal (see `emit_raise`), which costs
        // a fraction of a fault's delivery by the kernel.
        let raise = self.raise_label();
        dynasm!(self.ops ; .arch x64 ; mov eax, code as i32 ; jmp =>raise);
    }

    fn trap_if(&mut self, cond: Cond, code: u32) {
        let stub = self.trap_stub(code);
        self.jcc_raw(cond, stub);
    }

    fn raise_if_nonzero(&mut self, reg: Gpr) {
        let r = reg.0;
        let stub = self.raise_label();
        dynasm!(self.ops ; .arch x64 ; mov eax, Rd(r) ; test eax, eax ; jnz =>stub);
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
        // Emitted last: the stubs above jump to it.
        if let Some(raise) = self.raise.take() {
            self.emit_raise(raise);
        }
        assembled(self.ops, self.trap_sites, &self.landings)
    }
}

impl crate::target::Target for X64Assembler {
    const INT_ALLOC: &'static [Gpr] = &[RSI, RDI, R8, R9, RBX, R12, R13];
    // rsi, rdi, r8 and r9 in System V.
    const INT_ALLOC_CALLER_SAVED: usize = 4;
    const FLOAT_ALLOC: &'static [Fpr] = &[
        Fpr(2),
        Fpr(3),
        Fpr(4),
        Fpr(5),
        Fpr(6),
        Fpr(7),
        Fpr(8),
        Fpr(9),
        Fpr(10),
        Fpr(11),
        Fpr(12),
        Fpr(13),
    ];
    const S1: Gpr = R10;
    const S2: Gpr = R11;
    const FS1: Fpr = Fpr(14);
    const FS2: Fpr = Fpr(15);
    // Where the entry trampoline puts its arguments.
    const FP: Gpr = R14;
    const CTX: Gpr = R15;
    const HEAP: Gpr = RBP;
    const FUEL: Gpr = R13;
    const RET: Gpr = RAX;
    const T1: Gpr = RDX;
    const T2: Gpr = RCX;
    const ARGS: [Gpr; 5] = [RDI, RSI, RDX, RCX, R8];
    const SP: Gpr = RSP;
    const PUSH_BYTES: i32 = 8;
    // Set by the raise routine (`emit_raise`).
    const RESUME_FRAMES: Gpr = RDX;

    fn assembler() -> Self {
        X64Assembler::new()
    }

    fn enter_frame(&mut self, fp: Gpr) {
        // With the return address, rsp is 16-byte aligned again.
        self.push(fp);
    }

    fn leave_frame(&mut self) {
        self.adjust_sp(8);
    }
}
