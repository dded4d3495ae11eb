//! The AArch64 MacroAssembler's encodings, checked against binutils'
//! disassembler (`aarch64-linux-gnu-objdump`): each case emits a few
//! operations and compares the disassembly, instruction by instruction,
//! with the instructions intended. Where the cross binutils are absent the
//! checks are skipped with a printed note (`.ci/run` installs them).

use std::io::Write;
use std::process::Command;

use strata_jit::aarch64::*;
use strata_jit::masm::*;

const OBJDUMP: &str = "aarch64-linux-gnu-objdump";

/// The disassembly of `code`, one string per instruction: objdump's
/// mnemonic and operands with runs of whitespace made one space and
/// comments (`// #…`, `<…>`) dropped. `None` when objdump is absent.
fn disassemble(code: &[u8]) -> Option<Vec<String>> {
    let mut file = tempfile();
    file.1.write_all(code).expect("writes the code");
    drop(file.1);
    let out = match Command::new(OBJDUMP)
        .args(["-D", "-b", "binary", "-m", "aarch64"])
        .arg(&file.0)
        .output()
    {
        Ok(out) => out,
        Err(_) => {
            println!("note: {OBJDUMP} not found: AArch64 encoding checks skipped");
            return None;
        }
    };
    let _ = std::fs::remove_file(&file.0);
    assert!(out.status.success(), "objdump failed: {out:?}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = Vec::new();
    for line in text.lines() {
        // "   4:\td2800020 \tmov\tx0, #0x1 // #1"
        let mut parts = line.splitn(3, '\t');
        let (Some(addr), Some(word), Some(ins)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if !addr.trim_end().ends_with(':') || word.trim().len() != 8 {
            continue;
        }
        let ins = ins.split("//").next().unwrap_or("");
        let ins = match ins.find('<') {
            Some(k) => &ins[..k],
            None => ins,
        };
        lines.push(ins.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    Some(lines)
}

/// A fresh file for one disassembly.
fn tempfile() -> (std::path::PathBuf, std::fs::File) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "strata-a64-{}-{}.bin",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let file = std::fs::File::create(&path).expect("creates a temp file");
    (path, file)
}

/// Emits with `emit`, finishes, and checks the disassembly is `expected`.
fn check(expected: &[&str], emit: impl FnOnce(&mut Aarch64Assembler)) -> Option<Assembled> {
    let mut a = Aarch64Assembler::new();
    emit(&mut a);
    let asm = a.finish().expect("assembles");
    let got = disassemble(&asm.code)?;
    assert_eq!(got, expected, "disassembly differs");
    Some(asm)
}

const X0: Gpr = Gpr(0);
const X1: Gpr = Gpr(1);
const X2: Gpr = Gpr(2);
const X3: Gpr = Gpr(3);
const V0: Fpr = Fpr(0);
const V1: Fpr = Fpr(1);

#[test]
fn scalar_moves_and_immediates() {
    check(
        &[
            "mov w0, w1",
            "mov x0, x1",
            "mov x0, xzr",
            "mov w0, #0x2a",
            "mov w0, #0x12340000",
            "mov w0, #0x5678",
            "movk w0, #0x1234, lsl #16",
            "mov x0, #0xffffffffffffffff",
            "mov x0, #0xfffffffffffffffe",
            "mov x0, #0xffff0000ffffffff",
            "mov x0, #0x5555555555555555",
            "mov w0, #0xffffffff",
            "mov x2, #0xdef0",
            "movk x2, #0x9abc, lsl #16",
            "movk x2, #0x5678, lsl #32",
            "movk x2, #0x1234, lsl #48",
        ],
        |a| {
            a.mov(Size::S32, X0, Src::Reg(X1));
            a.mov(Size::S64, X0, Src::Reg(X1));
            a.mov(Size::S64, X0, Src::Imm(0));
            a.mov(Size::S64, X0, Src::Imm(42));
            a.mov_imm64(X0, 0x1234_0000);
            a.mov_imm64(X0, 0x1234_5678);
            a.mov(Size::S64, X0, Src::Imm(-1));
            a.mov(Size::S64, X0, Src::Imm(-2));
            a.mov_imm64(X0, 0xffff_0000_ffff_ffff);
            a.mov_imm64(X0, 0x5555_5555_5555_5555);
            a.mov(Size::S32, X0, Src::Imm(-1));
            a.mov_imm64(X2, 0x1234_5678_9abc_def0);
        },
    );
}

#[test]
fn scalar_memory_operands() {
    check(
        &[
            "ldr x0, [x1, #8]",
            "ldur x0, [x1, #-8]",
            "ldur x0, [x1, #12]",
            "mov w16, #0x10000",
            "ldr x0, [x1, x16]",
            "ldr w0, [x1, x2]",
            "add x16, x2, #0x10",
            "ldrb w0, [x1, x16]",
            "ldrsb x0, [x1, #3]",
            "ldrsh w0, [x1, #2]",
            "ldrsw x0, [sp, #4]",
            "strh w0, [x1, #6]",
            "sturb w0, [x1, #-1]",
            "str xzr, [x1, #16]",
            "mov w17, #0x7",
            "str w17, [x1, #4]",
            "ldr s0, [x1, #4]",
            "str d1, [sp, #32]",
            "add x0, x1, #0x8",
            "add x0, x1, x2, uxtx",
            "add x0, x0, #0x1, lsl #12",
            "add x0, x0, #0x234",
        ],
        |a| {
            a.load(LoadKind::U64, X0, Mem::at(X1, 8));
            a.load(LoadKind::U64, X0, Mem::at(X1, -8));
            a.load(LoadKind::U64, X0, Mem::at(X1, 12));
            a.load(LoadKind::U64, X0, Mem::at(X1, 0x10000));
            a.load(
                LoadKind::U32,
                X0,
                Mem {
                    base: X1,
                    index: Some(X2),
                    disp: 0,
                },
            );
            a.load(
                LoadKind::U8,
                X0,
                Mem {
                    base: X1,
                    index: Some(X2),
                    disp: 16,
                },
            );
            a.load(LoadKind::S8To64, X0, Mem::at(X1, 3));
            a.load(LoadKind::S16To32, X0, Mem::at(X1, 2));
            a.load(LoadKind::S32To64, X0, Mem::at(SP, 4));
            a.store(StoreKind::B16, Mem::at(X1, 6), X0);
            a.store(StoreKind::B8, Mem::at(X1, -1), X0);
            a.store_imm(Size::S64, Mem::at(X1, 16), 0);
            a.store_imm(Size::S32, Mem::at(X1, 4), 7);
            a.fload(FSize::F32, V0, Mem::at(X1, 4));
            a.fstore(FSize::F64, Mem::at(SP, 32), V1);
            a.lea(X0, Mem::at(X1, 8));
            a.lea(
                X0,
                Mem {
                    base: X1,
                    index: Some(X2),
                    disp: 0x1234,
                },
            );
        },
    );
}

#[test]
fn scalar_arithmetic() {
    check(
        &[
            "add w0, w0, w1",
            "sub x0, x0, #0x5",
            "add x0, x0, #0x5",
            "add x0, x0, #0x12, lsl #12",
            "add x0, x0, #0x345",
            "and w0, w0, #0xff",
            "eor x0, x0, #0xffffffffffff0000",
            "mov w17, #0x2345",
            "movk w17, #0x1, lsl #16",
            "orr w0, w0, w17",
            "mul x0, x0, x1",
            "ldr x17, [x2, #8]",
            "sub x0, x0, x17",
            "lsl w0, w0, #3",
            "ror x0, x0, #60",
            "neg w17, w1",
            "ror w0, w0, w17",
            "asr x0, x0, x1",
            "rbit w0, w1",
            "clz w0, w0",
            "fmov d31, x1",
            "cnt v31.8b, v31.8b",
            "addv b31, v31.8b",
            "fmov w0, s31",
            "sxtb x0, w1",
            "sxtw x0, w1",
            "mov w0, w1",
        ],
        |a| {
            a.alu(AluOp::Add, Size::S32, X0, Src::Reg(X1));
            a.alu(AluOp::Add, Size::S64, X0, Src::Imm(-5));
            a.alu(AluOp::Sub, Size::S64, X0, Src::Imm(-5));
            a.alu(AluOp::Add, Size::S64, X0, Src::Imm(0x12345));
            a.alu(AluOp::And, Size::S32, X0, Src::Imm(0xff));
            a.alu(AluOp::Xor, Size::S64, X0, Src::Imm(0xffff_0000u32 as i32));
            a.alu(AluOp::Or, Size::S32, X0, Src::Imm(0x12345));
            a.alu(AluOp::Mul, Size::S64, X0, Src::Reg(X1));
            a.alu(AluOp::Sub, Size::S64, X0, Src::Mem(Mem::at(X2, 8)));
            a.shift(ShiftOp::Shl, Size::S32, X0, Src::Imm(35));
            a.shift(ShiftOp::Rotl, Size::S64, X0, Src::Imm(4));
            a.shift(ShiftOp::Rotl, Size::S32, X0, Src::Reg(X1));
            a.shift(ShiftOp::ShrS, Size::S64, X0, Src::Reg(X1));
            a.bit(BitOp::Ctz, Size::S32, X0, X1);
            a.bit(BitOp::Popcnt, Size::S64, X0, X1);
            a.extend(ExtendKind::S8To64, X0, X1);
            a.extend(ExtendKind::S32To64, X0, X1);
            a.extend(ExtendKind::U32To64, X0, X1);
        },
    );
}

#[test]
fn scalar_division_traps_at_stubs() {
    check(
        &[
            "cbz w2, 0x28",
            "cmn w2, #0x1",
            "b.ne 0x14",
            "cmp w1, #0x1",
            "b.vs 0x2c",
            "sdiv w17, w1, w2",
            "mov w0, w17",
            "cbz x2, 0x28",
            "udiv x17, x1, x2",
            "msub x0, x17, x2, x1",
            "brk #0x0",
            "brk #0x0",
        ],
        |a| {
            let traps = DivTraps {
                by_zero: 7,
                overflow: 8,
            };
            a.div(Size::S32, true, false, X0, X1, X2, traps);
            // The second division shares the first's by-zero stub.
            a.div(Size::S64, false, true, X0, X1, X2, traps);
        },
    );
}

#[test]
fn scalar_compares_and_branches() {
    check(
        &[
            "cmp w0, #0x7",
            "cset w1, lt",
            "cmn x0, #0x1",
            "cset w1, hi",
            "mov w17, #0x10000",
            "cmp x0, x17",
            "b.ls 0x2c",
            "cbnz x0, 0x2c",
            "cmp w3, #0x0",
            "csel x0, x0, x1, ne",
            "b 0x0",
        ],
        |a| {
            let top = a.new_label();
            a.bind(top);
            let end = a.new_label();
            a.cmp(Size::S32, X0, Src::Imm(7));
            a.set(Cond::LtS, X1);
            a.cmp(Size::S64, X0, Src::Imm(-1));
            a.set(Cond::GtU, X1);
            a.cmp(Size::S64, X0, Src::Imm(0x10000));
            a.jcc(Cond::LeU, end);
            a.branch_zero(Size::S64, X0, false, end);
            a.select(Size::S64, X0, X3, X1);
            a.jmp(top);
            a.bind(end);
        },
    );
}

#[test]
fn far_conditional_branches_go_over_an_unconditional_one() {
    let mut a = Aarch64Assembler::far();
    let l = a.new_label();
    a.jcc(Cond::Eq, l);
    a.branch_zero(Size::S32, X0, true, l);
    a.bind(l);
    let asm = a.finish().expect("assembles");
    if let Some(got) = disassemble(&asm.code) {
        assert_eq!(got, ["b.ne 0x8", "b 0x10", "cbnz w0, 0x10", "b 0x10"]);
    }
}

#[test]
fn a_branch_beyond_reach_is_an_error_not_a_panic() {
    let mut a = Aarch64Assembler::new();
    let l = a.new_label();
    a.jcc(Cond::Eq, l);
    // 1 MiB of no-ops puts the label out of b.cond's reach.
    for _ in 0..(1 << 18) {
        a.mov(Size::S64, X0, Src::Reg(X0));
    }
    a.bind(l);
    assert!(a.finish().is_err());
    let mut a = Aarch64Assembler::far();
    let l = a.new_label();
    a.jcc(Cond::Eq, l);
    for _ in 0..(1 << 18) {
        a.mov(Size::S64, X0, Src::Reg(X0));
    }
    a.bind(l);
    assert!(a.finish().is_ok());
}

#[test]
fn scalar_floats() {
    check(
        &[
            "fadd s0, s0, s1",
            "fmin d0, d0, d1",
            "movi v31.2s, #0x80, lsl #24",
            "bit v0.8b, v1.8b, v31.8b",
            "ldr d31, [x1, #8]",
            "fdiv d0, d0, d31",
            "frintn s0, s1",
            "fsqrt d0, d1",
            "fcmp d0, d1",
            "cset w2, mi",
            "fmov x2, d0",
            "fmov s0, w2",
            "ucvtf d0, x2",
            "fcvt s0, d1",
            "fcvtzu w2, s1",
        ],
        |a| {
            a.fbin(FBinOp::Add, FSize::F32, V0, V1);
            a.fbin(FBinOp::Min, FSize::F64, V0, V1);
            a.fbin(FBinOp::Copysign, FSize::F32, V0, V1);
            assert!(a.fbin_mem(FBinOp::Div, FSize::F64, V0, Mem::at(X1, 8)));
            assert!(!a.fbin_mem(FBinOp::Min, FSize::F64, V0, Mem::at(X1, 8)));
            a.fun(FUnOp::Nearest, FSize::F32, V0, V1);
            a.fun(FUnOp::Sqrt, FSize::F64, V0, V1);
            a.fcmp_set(FCond::Lt, FSize::F64, X2, V0, V1);
            a.fbits_to_gpr(FSize::F64, X2, V0);
            a.gpr_to_fbits(FSize::F32, V0, X2);
            a.int_to_float(Size::S64, false, FSize::F64, V0, X2);
            a.float_to_float(FSize::F64, FSize::F32, V0, V1);
            a.float_to_int(FSize::F32, Size::S32, false, X2, V1, None);
        },
    );
}

#[test]
fn trapping_truncation_checks_nan_and_range() {
    check(
        &[
            "fcmp d1, d1",
            "b.vs 0x30",
            "mov x16, #0x200000",
            "movk x16, #0xc1e0, lsl #48",
            "fmov d31, x16",
            "fcmp d1, d31",
            "b.le 0x34",
            "mov x16, #0x41e0000000000000",
            "fmov d31, x16",
            "fcmp d1, d31",
            "b.ge 0x34",
            "fcvtzs w2, d1",
            "brk #0x0",
            "brk #0x0",
        ],
        |a| {
            let traps = TruncTraps {
                invalid: 3,
                overflow: 4,
            };
            a.float_to_int(FSize::F64, Size::S32, true, X2, V1, Some(traps));
        },
    );
}

#[test]
fn calls_stack_and_traps() {
    let asm = check(
        &[
            "ldr x16, [x1, #24]",
            "blr x16",
            "mov w16, #0x1234",
            "movk w16, #0x5678, lsl #16",
            "blr x16",
            "blr x2",
            "br x2",
            "str x0, [sp, #-16]!",
            "ldr x0, [sp], #16",
            "sub sp, sp, #0x20",
            "add sp, sp, #0x20",
            "brk #0x0",
            "b.cc 0x40",
            "mov w16, w0",
            "cbnz w16, 0x44",
            "ret",
            "brk #0x0",
            "brk #0x0",
        ],
        |a| {
            a.call_mem(Mem::at(X1, 24));
            a.call_abs(0x5678_1234);
            a.call_reg(X2);
            a.jmp_reg(X2);
            a.push(X0);
            a.pop(X0);
            a.adjust_sp(-32);
            a.adjust_sp(32);
            a.trap(5);
            a.trap_if(Cond::LtU, 6);
            a.raise_if_nonzero(X0);
            a.ret();
        },
    );
    if let Some(asm) = asm {
        let sites: Vec<(u32, u32)> = asm.trap_sites.iter().map(|s| (s.offset, s.code)).collect();
        assert_eq!(
            sites,
            [
                (0x2c, 5),
                (0x40, 6),
                (0x44, strata_jit::signals::DYNAMIC_TRAP)
            ]
        );
    }
}

#[test]
fn jump_tables_are_branches_indexed_by_four_bytes() {
    check(
        &[
            "adr x16, 0xc",
            "add x16, x16, w1, uxtw #2",
            "br x16",
            "b 0x1c",
            "b 0x18",
            "b 0x1c",
            "mov x0, x0",
        ],
        |a| {
            let (l0, l1) = (a.new_label(), a.new_label());
            a.jump_table(X1, &[l1, l0, l1]);
            a.bind(l0);
            a.align(4);
            a.mov(Size::S64, X0, Src::Reg(X0));
            a.bind(l1);
        },
    );
}

#[test]
fn memory_counters_and_compares() {
    check(
        &[
            "ldr x17, [x1, #8]",
            "add x17, x17, #0x1",
            "str x17, [x1, #8]",
            "ldur w17, [x1, #-4]",
            "sub w17, w17, #0x1, lsl #12",
            "stur w17, [x1, #-4]",
            "ldr w17, [x1]",
            "cmp w17, #0x0",
            "ldr x17, [x1, #8]",
            "mov x16, #0xfffffffffffeffff",
            "cmp x17, x16",
        ],
        |a| {
            a.add_mem_imm(Size::S64, Mem::at(X1, 8), 1);
            a.add_mem_imm(Size::S32, Mem::at(X1, -4), -4096);
            a.cmp_mem_imm(Size::S32, Mem::at(X1, 0), 0);
            a.cmp_mem_imm(Size::S64, Mem::at(X1, 8), -0x10001);
        },
    );
}

/// Values for immediate operands: edges of every AArch64 immediate form,
/// and a few that fit none.
const TRICKY: [i64; 16] = [
    0,
    1,
    -1,
    4095,
    4096,
    -4096,
    0xfff000,
    0x100_0000,
    -0x100_0001,
    i32::MIN as i64,
    i32::MAX as i64,
    0x5555_5555,
    0x1234_5678,
    0xff,
    -256,
    0x7ffff,
];

/// A small deterministic generator (xorshift64).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn every_constant_materialises_to_its_value() {
    let mut values: Vec<u64> = TRICKY.iter().map(|&v| v as u64).collect();
    values.extend(TRICKY.iter().map(|&v| v as u32 as u64));
    values.extend([
        u64::MAX,
        1 << 63,
        0xffff_0000_0000_ffff,
        0x0000_ffff_ffff_0000,
    ]);
    let mut state = 0x9e37_79b9_7f4a_7c15;
    for k in 0..400 {
        let r = next(&mut state);
        // Random values, and values with random all-zero or all-one halves.
        let mask = (0..4).fold(0u64, |m, h| {
            if (r >> (60 + h)) & 1 == 1 {
                m | (0xffff << (16 * h))
            } else {
                m
            }
        });
        values.push(match k % 3 {
            0 => r,
            1 => r & mask,
            _ => r | mask,
        });
    }
    let mut a = Aarch64Assembler::new();
    let mut counts = Vec::new();
    for &v in &values {
        let before = a.offset();
        a.mov_imm64(X0, v);
        counts.push((a.offset() - before) / 4);
    }
    let asm = a.finish().expect("assembles");
    let Some(lines) = disassemble(&asm.code) else {
        return;
    };
    // Replays mov/movk on x0 or w0, as objdump shows them.
    let mut at = 0;
    for (&v, &n) in values.iter().zip(&counts) {
        assert!(n <= 4, "{v:#x} took {n} instructions");
        let mut x = 0u64;
        for line in &lines[at..at + n as usize] {
            let imm = |s: &str| {
                let s = s.trim_start_matches('#');
                u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex")
            };
            let ops: Vec<&str> = line.split([' ', ',']).filter(|s| !s.is_empty()).collect();
            match ops.as_slice() {
                ["mov", "x0", "xzr"] => x = 0,
                ["mov", "x0", v] => x = imm(v),
                ["mov", "w0", v] => x = imm(v) & 0xffff_ffff,
                ["movk", r, h, "lsl", s] => {
                    let s = s.trim_start_matches('#').parse::<u32>().expect("shift");
                    x = (x & !(0xffff << s)) | (imm(h) << s);
                    if *r == "w0" {
                        x &= 0xffff_ffff;
                    }
                }
                ["movk", _, h] => x = (x & !0xffff) | imm(h),
                other => panic!("unexpected {other:?} for {v:#x}"),
            }
        }
        assert_eq!(x, v, "materialised {:?}", &lines[at..at + n as usize]);
        at += n as usize;
    }
}

#[test]
fn no_immediate_or_displacement_panics_and_all_decode() {
    let mut a = Aarch64Assembler::new();
    let ops = [
        AluOp::Add,
        AluOp::Sub,
        AluOp::And,
        AluOp::Or,
        AluOp::Xor,
        AluOp::Mul,
    ];
    let shifts = [
        ShiftOp::Shl,
        ShiftOp::ShrS,
        ShiftOp::ShrU,
        ShiftOp::Rotl,
        ShiftOp::Rotr,
    ];
    for &v in &TRICKY {
        let i = v as i32;
        for size in [Size::S32, Size::S64] {
            for op in ops {
                a.alu(op, size, X0, Src::Imm(i));
            }
            for op in shifts {
                a.shift(op, size, X0, Src::Imm(i));
            }
            a.cmp(size, X0, Src::Imm(i));
            a.mov(size, X0, Src::Imm(i));
            a.store_imm(size, Mem::at(X1, i), i);
            a.add_mem_imm(size, Mem::at(X1, i), i);
            a.cmp_mem_imm(size, Mem::at(SP, i), i);
        }
        for kind in [
            LoadKind::U8,
            LoadKind::S16To64,
            LoadKind::U32,
            LoadKind::U64,
        ] {
            a.load(kind, X0, Mem::at(X1, i));
            a.load(
                kind,
                X0,
                Mem {
                    base: X1,
                    index: Some(X2),
                    disp: i,
                },
            );
        }
        for kind in [
            StoreKind::B8,
            StoreKind::B16,
            StoreKind::B32,
            StoreKind::B64,
        ] {
            a.store(kind, Mem::at(SP, i), X0);
        }
        a.fload(FSize::F64, V0, Mem::at(X1, i));
        a.fstore(FSize::F32, Mem::at(X1, i), V0);
        a.lea(X0, Mem::at(SP, i));
        a.adjust_sp(i & !15);
    }
    let asm = a.finish().expect("assembles");
    if let Some(lines) = disassemble(&asm.code) {
        for line in &lines {
            assert!(
                !line.starts_with(".inst") && !line.contains("undefined"),
                "undecodable: {line}"
            );
        }
    }
}

#[test]
fn a_large_stack_displacement_keeps_sp_as_the_base() {
    check(
        &[
            "mov w17, #0x1000000",
            "add x0, sp, x17",
            "mov w16, #0x10000",
            "ldr x0, [sp, x16]",
        ],
        |a| {
            a.lea(X0, Mem::at(SP, 0x100_0000));
            a.load(LoadKind::U64, X0, Mem::at(SP, 0x10000));
        },
    );
}
