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
            // Stores to memory probe with a load first (stores may tear).
            "ldrh w17, [x1, #6]",
            "strh w0, [x1, #6]",
            "ldurb w17, [x1, #-1]",
            "sturb w0, [x1, #-1]",
            "str xzr, [x1, #16]",
            "mov w17, #0x7",
            "str w17, [x1, #4]",
            "ldr s0, [x1, #4]",
            "ldr x17, [sp, #32]",
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
            "adds x0, x0, #0x5",
            "add x0, x0, #0x12, lsl #12",
            "add x0, x0, #0x345",
            "and w0, w0, #0xff",
            "eor x0, x0, #0xffffffffffff0000",
            "mov w17, #0x2345",
            "movk w17, #0x1, lsl #16",
            "orr w0, w0, w17",
            "mul x0, x0, x1",
            "ldr x17, [x2, #8]",
            "subs x0, x0, x17",
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

// SIMD (NEON).

const V2: Fpr = Fpr(2);
const V29: Fpr = Fpr(29);
const X28: Gpr = Gpr(28);

/// Emits `emit(case)` for each case and checks the disassembly is the
/// cases' instructions, in order.
fn check_cases<T: Copy>(cases: &[(T, &[&str])], emit: impl Fn(&mut Aarch64Assembler, T)) {
    let expected: Vec<&str> = cases.iter().flat_map(|c| c.1.iter().copied()).collect();
    check(&expected, |a| {
        for &(case, _) in cases {
            emit(a, case);
        }
    });
}

#[test]
fn simd_bitwise_and_integer_binops() {
    check_cases(
        &[
            (VBinOp::And, &["and v0.16b, v0.16b, v1.16b"]),
            (VBinOp::Or, &["orr v0.16b, v0.16b, v1.16b"]),
            (VBinOp::Xor, &["eor v0.16b, v0.16b, v1.16b"]),
            (VBinOp::AndNot, &["bic v0.16b, v1.16b, v0.16b"]),
            (VBinOp::AddI8, &["add v0.16b, v0.16b, v1.16b"]),
            (VBinOp::AddI16, &["add v0.8h, v0.8h, v1.8h"]),
            (VBinOp::AddI32, &["add v0.4s, v0.4s, v1.4s"]),
            (VBinOp::AddI64, &["add v0.2d, v0.2d, v1.2d"]),
            (VBinOp::SubI8, &["sub v0.16b, v0.16b, v1.16b"]),
            (VBinOp::SubI16, &["sub v0.8h, v0.8h, v1.8h"]),
            (VBinOp::SubI32, &["sub v0.4s, v0.4s, v1.4s"]),
            (VBinOp::SubI64, &["sub v0.2d, v0.2d, v1.2d"]),
            (VBinOp::MulI16, &["mul v0.8h, v0.8h, v1.8h"]),
            (VBinOp::MulI32, &["mul v0.4s, v0.4s, v1.4s"]),
            (VBinOp::AddSatS8, &["sqadd v0.16b, v0.16b, v1.16b"]),
            (VBinOp::AddSatU8, &["uqadd v0.16b, v0.16b, v1.16b"]),
            (VBinOp::AddSatS16, &["sqadd v0.8h, v0.8h, v1.8h"]),
            (VBinOp::AddSatU16, &["uqadd v0.8h, v0.8h, v1.8h"]),
            (VBinOp::SubSatS8, &["sqsub v0.16b, v0.16b, v1.16b"]),
            (VBinOp::SubSatU8, &["uqsub v0.16b, v0.16b, v1.16b"]),
            (VBinOp::SubSatS16, &["sqsub v0.8h, v0.8h, v1.8h"]),
            (VBinOp::SubSatU16, &["uqsub v0.8h, v0.8h, v1.8h"]),
            (VBinOp::MinS8, &["smin v0.16b, v0.16b, v1.16b"]),
            (VBinOp::MinU8, &["umin v0.16b, v0.16b, v1.16b"]),
            (VBinOp::MinS16, &["smin v0.8h, v0.8h, v1.8h"]),
            (VBinOp::MinU16, &["umin v0.8h, v0.8h, v1.8h"]),
            (VBinOp::MinS32, &["smin v0.4s, v0.4s, v1.4s"]),
            (VBinOp::MinU32, &["umin v0.4s, v0.4s, v1.4s"]),
            (VBinOp::MaxS8, &["smax v0.16b, v0.16b, v1.16b"]),
            (VBinOp::MaxU8, &["umax v0.16b, v0.16b, v1.16b"]),
            (VBinOp::MaxS16, &["smax v0.8h, v0.8h, v1.8h"]),
            (VBinOp::MaxU16, &["umax v0.8h, v0.8h, v1.8h"]),
            (VBinOp::MaxS32, &["smax v0.4s, v0.4s, v1.4s"]),
            (VBinOp::MaxU32, &["umax v0.4s, v0.4s, v1.4s"]),
            (VBinOp::AvgrU8, &["urhadd v0.16b, v0.16b, v1.16b"]),
            (VBinOp::AvgrU16, &["urhadd v0.8h, v0.8h, v1.8h"]),
            (VBinOp::EqI8, &["cmeq v0.16b, v0.16b, v1.16b"]),
            (VBinOp::EqI16, &["cmeq v0.8h, v0.8h, v1.8h"]),
            (VBinOp::EqI32, &["cmeq v0.4s, v0.4s, v1.4s"]),
            (VBinOp::EqI64, &["cmeq v0.2d, v0.2d, v1.2d"]),
            (VBinOp::GtS8, &["cmgt v0.16b, v0.16b, v1.16b"]),
            (VBinOp::GtS16, &["cmgt v0.8h, v0.8h, v1.8h"]),
            (VBinOp::GtS32, &["cmgt v0.4s, v0.4s, v1.4s"]),
            (VBinOp::GtS64, &["cmgt v0.2d, v0.2d, v1.2d"]),
            (VBinOp::Q15MulrSatS, &["sqrdmulh v0.8h, v0.8h, v1.8h"]),
        ],
        |a, op| a.vbin(op, V0, V1),
    );
}

#[test]
fn simd_float_binops() {
    check_cases(
        &[
            (VBinOp::AddF32, &["fadd v0.4s, v0.4s, v1.4s"]),
            (VBinOp::SubF32, &["fsub v0.4s, v0.4s, v1.4s"]),
            (VBinOp::MulF32, &["fmul v0.4s, v0.4s, v1.4s"]),
            (VBinOp::DivF32, &["fdiv v0.4s, v0.4s, v1.4s"]),
            (VBinOp::AddF64, &["fadd v0.2d, v0.2d, v1.2d"]),
            (VBinOp::SubF64, &["fsub v0.2d, v0.2d, v1.2d"]),
            (VBinOp::MulF64, &["fmul v0.2d, v0.2d, v1.2d"]),
            (VBinOp::DivF64, &["fdiv v0.2d, v0.2d, v1.2d"]),
            (VBinOp::EqF32, &["fcmeq v0.4s, v0.4s, v1.4s"]),
            (VBinOp::LtF32, &["fcmgt v0.4s, v1.4s, v0.4s"]),
            (VBinOp::LeF32, &["fcmge v0.4s, v1.4s, v0.4s"]),
            (
                VBinOp::NeF32,
                &["fcmeq v0.4s, v0.4s, v1.4s", "mvn v0.16b, v0.16b"],
            ),
            (VBinOp::EqF64, &["fcmeq v0.2d, v0.2d, v1.2d"]),
            (VBinOp::LtF64, &["fcmgt v0.2d, v1.2d, v0.2d"]),
            (VBinOp::LeF64, &["fcmge v0.2d, v1.2d, v0.2d"]),
            (
                VBinOp::NeF64,
                &["fcmeq v0.2d, v0.2d, v1.2d", "mvn v0.16b, v0.16b"],
            ),
            (
                VBinOp::MinF32,
                &["fcmgt v31.4s, v1.4s, v0.4s", "bif v0.16b, v1.16b, v31.16b"],
            ),
            (
                VBinOp::MaxF32,
                &["fcmgt v31.4s, v0.4s, v1.4s", "bif v0.16b, v1.16b, v31.16b"],
            ),
            (
                VBinOp::MinF64,
                &["fcmgt v31.2d, v1.2d, v0.2d", "bif v0.16b, v1.16b, v31.16b"],
            ),
            (
                VBinOp::MaxF64,
                &["fcmgt v31.2d, v0.2d, v1.2d", "bif v0.16b, v1.16b, v31.16b"],
            ),
        ],
        |a, op| a.vbin(op, V0, V1),
    );
}

#[test]
fn simd_binop_sequences() {
    check_cases(
        &[
            (
                VBinOp::DotI16,
                &[
                    "smull v31.4s, v0.4h, v1.4h",
                    "smull2 v30.4s, v0.8h, v1.8h",
                    "addp v0.4s, v31.4s, v30.4s",
                ],
            ),
            (
                VBinOp::NarrowS16,
                &["sqxtn v0.8b, v0.8h", "sqxtn2 v0.16b, v1.8h"],
            ),
            (
                VBinOp::NarrowU16,
                &["sqxtun v0.8b, v0.8h", "sqxtun2 v0.16b, v1.8h"],
            ),
            (
                VBinOp::NarrowS32,
                &["sqxtn v0.4h, v0.4s", "sqxtn2 v0.8h, v1.4s"],
            ),
            (
                VBinOp::NarrowU32,
                &["sqxtun v0.4h, v0.4s", "sqxtun2 v0.8h, v1.4s"],
            ),
            (
                VBinOp::MulI64,
                &[
                    "rev64 v31.4s, v1.4s",
                    "mul v31.4s, v31.4s, v0.4s",
                    "uaddlp v31.2d, v31.4s",
                    "shl v31.2d, v31.2d, #32",
                    "xtn v30.2s, v1.2d",
                    "xtn v0.2s, v0.2d",
                    "umlal v31.2d, v0.2s, v30.2s",
                    "mov v0.16b, v31.16b",
                ],
            ),
            (
                VBinOp::FMinF32,
                &[
                    "fmin v31.4s, v0.4s, v1.4s",
                    "fcmeq v30.4s, v31.4s, v31.4s",
                    "fadd v0.4s, v0.4s, v1.4s",
                    "bit v0.16b, v31.16b, v30.16b",
                ],
            ),
            (
                VBinOp::FMaxF32,
                &[
                    "fmax v31.4s, v0.4s, v1.4s",
                    "fcmeq v30.4s, v31.4s, v31.4s",
                    "fadd v0.4s, v0.4s, v1.4s",
                    "bit v0.16b, v31.16b, v30.16b",
                ],
            ),
            (
                VBinOp::FMinF64,
                &[
                    "fmin v31.2d, v0.2d, v1.2d",
                    "fcmeq v30.2d, v31.2d, v31.2d",
                    "fadd v0.2d, v0.2d, v1.2d",
                    "bit v0.16b, v31.16b, v30.16b",
                ],
            ),
            (
                VBinOp::FMaxF64,
                &[
                    "fmax v31.2d, v0.2d, v1.2d",
                    "fcmeq v30.2d, v31.2d, v31.2d",
                    "fadd v0.2d, v0.2d, v1.2d",
                    "bit v0.16b, v31.16b, v30.16b",
                ],
            ),
            (
                VBinOp::DotI8SatS,
                &[
                    "smull v31.8h, v0.8b, v1.8b",
                    "smull2 v30.8h, v0.16b, v1.16b",
                    "uzp1 v0.8h, v31.8h, v30.8h",
                    "uzp2 v31.8h, v31.8h, v30.8h",
                    "sqadd v0.8h, v0.8h, v31.8h",
                ],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I8,
                    high: false,
                    signed: false,
                },
                &["umull v0.8h, v0.8b, v1.8b"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I8,
                    high: false,
                    signed: true,
                },
                &["smull v0.8h, v0.8b, v1.8b"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I8,
                    high: true,
                    signed: false,
                },
                &["umull2 v0.8h, v0.16b, v1.16b"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I8,
                    high: true,
                    signed: true,
                },
                &["smull2 v0.8h, v0.16b, v1.16b"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I16,
                    high: false,
                    signed: false,
                },
                &["umull v0.4s, v0.4h, v1.4h"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I16,
                    high: false,
                    signed: true,
                },
                &["smull v0.4s, v0.4h, v1.4h"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I16,
                    high: true,
                    signed: false,
                },
                &["umull2 v0.4s, v0.8h, v1.8h"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I16,
                    high: true,
                    signed: true,
                },
                &["smull2 v0.4s, v0.8h, v1.8h"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I32,
                    high: false,
                    signed: false,
                },
                &["umull v0.2d, v0.2s, v1.2s"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I32,
                    high: false,
                    signed: true,
                },
                &["smull v0.2d, v0.2s, v1.2s"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I32,
                    high: true,
                    signed: false,
                },
                &["umull2 v0.2d, v0.4s, v1.4s"],
            ),
            (
                VBinOp::ExtMul {
                    from: VLanes::I32,
                    high: true,
                    signed: true,
                },
                &["smull2 v0.2d, v0.4s, v1.4s"],
            ),
        ],
        |a, op| a.vbin(op, V0, V1),
    );
}

#[test]
fn simd_binops_encode_any_register() {
    check(
        &[
            "bic v29.16b, v2.16b, v29.16b",
            "fcmgt v31.2d, v2.2d, v29.2d",
            "bif v29.16b, v2.16b, v31.16b",
            "smull v31.8h, v2.8b, v29.8b",
            "smull2 v30.8h, v2.16b, v29.16b",
            "uzp1 v2.8h, v31.8h, v30.8h",
            "uzp2 v31.8h, v31.8h, v30.8h",
            "sqadd v2.8h, v2.8h, v31.8h",
            "umull2 v2.2d, v2.4s, v29.4s",
        ],
        |a| {
            a.vbin(VBinOp::AndNot, V29, V2);
            a.vbin(VBinOp::MinF64, V29, V2);
            a.vbin(VBinOp::DotI8SatS, V2, V29);
            a.vbin(
                VBinOp::ExtMul {
                    from: VLanes::I32,
                    high: true,
                    signed: false,
                },
                V2,
                V29,
            );
        },
    );
}

#[test]
fn simd_unops() {
    check_cases(
        &[
            (VUnOp::Not, &["mvn v0.16b, v1.16b"]),
            (VUnOp::NegI8, &["neg v0.16b, v1.16b"]),
            (VUnOp::NegI16, &["neg v0.8h, v1.8h"]),
            (VUnOp::NegI32, &["neg v0.4s, v1.4s"]),
            (VUnOp::NegI64, &["neg v0.2d, v1.2d"]),
            (VUnOp::AbsI8, &["abs v0.16b, v1.16b"]),
            (VUnOp::AbsI16, &["abs v0.8h, v1.8h"]),
            (VUnOp::AbsI32, &["abs v0.4s, v1.4s"]),
            (VUnOp::AbsI64, &["abs v0.2d, v1.2d"]),
            (VUnOp::SqrtF32, &["fsqrt v0.4s, v1.4s"]),
            (VUnOp::SqrtF64, &["fsqrt v0.2d, v1.2d"]),
            (VUnOp::ExtendLowS8, &["sxtl v0.8h, v1.8b"]),
            (VUnOp::ExtendLowU8, &["uxtl v0.8h, v1.8b"]),
            (VUnOp::ExtendLowS16, &["sxtl v0.4s, v1.4h"]),
            (VUnOp::ExtendLowU16, &["uxtl v0.4s, v1.4h"]),
            (VUnOp::ExtendLowS32, &["sxtl v0.2d, v1.2s"]),
            (VUnOp::ExtendLowU32, &["uxtl v0.2d, v1.2s"]),
            (VUnOp::ExtendHighS8, &["sxtl2 v0.8h, v1.16b"]),
            (VUnOp::ExtendHighU8, &["uxtl2 v0.8h, v1.16b"]),
            (VUnOp::ExtendHighS16, &["sxtl2 v0.4s, v1.8h"]),
            (VUnOp::ExtendHighU16, &["uxtl2 v0.4s, v1.8h"]),
            (VUnOp::ExtendHighS32, &["sxtl2 v0.2d, v1.4s"]),
            (VUnOp::ExtendHighU32, &["uxtl2 v0.2d, v1.4s"]),
            (VUnOp::AbsF32, &["fabs v0.4s, v1.4s"]),
            (VUnOp::AbsF64, &["fabs v0.2d, v1.2d"]),
            (VUnOp::NegF32, &["fneg v0.4s, v1.4s"]),
            (VUnOp::NegF64, &["fneg v0.2d, v1.2d"]),
            (VUnOp::CeilF32, &["frintp v0.4s, v1.4s"]),
            (VUnOp::FloorF32, &["frintm v0.4s, v1.4s"]),
            (VUnOp::TruncF32, &["frintz v0.4s, v1.4s"]),
            (VUnOp::NearestF32, &["frintn v0.4s, v1.4s"]),
            (VUnOp::CeilF64, &["frintp v0.2d, v1.2d"]),
            (VUnOp::FloorF64, &["frintm v0.2d, v1.2d"]),
            (VUnOp::TruncF64, &["frintz v0.2d, v1.2d"]),
            (VUnOp::NearestF64, &["frintn v0.2d, v1.2d"]),
            (VUnOp::ConvertI32F32, &["scvtf v0.4s, v1.4s"]),
            (VUnOp::ConvertU32F32, &["ucvtf v0.4s, v1.4s"]),
            (
                VUnOp::ConvertLowI32F64,
                &["sxtl v0.2d, v1.2s", "scvtf v0.2d, v0.2d"],
            ),
            (
                VUnOp::ConvertLowU32F64,
                &["uxtl v0.2d, v1.2s", "ucvtf v0.2d, v0.2d"],
            ),
            (VUnOp::PromoteLowF32, &["fcvtl v0.2d, v1.2s"]),
            (VUnOp::DemoteF64, &["fcvtn v0.2s, v1.2d"]),
            (VUnOp::PopcntI8, &["cnt v0.16b, v1.16b"]),
            (VUnOp::TruncSatF32S, &["fcvtzs v0.4s, v1.4s"]),
            (VUnOp::TruncSatF32U, &["fcvtzu v0.4s, v1.4s"]),
            (
                VUnOp::TruncSatF64SZero,
                &["fcvtzs v0.2d, v1.2d", "sqxtn v0.2s, v0.2d"],
            ),
            (
                VUnOp::TruncSatF64UZero,
                &["fcvtzu v0.2d, v1.2d", "uqxtn v0.2s, v0.2d"],
            ),
            (
                VUnOp::ExtAddPairwise {
                    from: VLanes::I8,
                    signed: false,
                },
                &["uaddlp v0.8h, v1.16b"],
            ),
            (
                VUnOp::ExtAddPairwise {
                    from: VLanes::I8,
                    signed: true,
                },
                &["saddlp v0.8h, v1.16b"],
            ),
            (
                VUnOp::ExtAddPairwise {
                    from: VLanes::I16,
                    signed: false,
                },
                &["uaddlp v0.4s, v1.8h"],
            ),
            (
                VUnOp::ExtAddPairwise {
                    from: VLanes::I16,
                    signed: true,
                },
                &["saddlp v0.4s, v1.8h"],
            ),
        ],
        |a, op| a.vun(op, V0, V1),
    );
}

#[test]
fn simd_shifts_clamp_the_count_and_shift_by_a_splat() {
    check_cases(
        &[
            (
                VShiftOp::Shl8,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x8",
                    "umin v31.8b, v31.8b, v30.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.16b, v0.16b, v31.16b",
                ],
            ),
            (
                VShiftOp::Shl16,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x10",
                    "umin v31.8b, v31.8b, v30.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.8h, v0.8h, v31.8h",
                ],
            ),
            (
                VShiftOp::Shl32,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x20",
                    "umin v31.8b, v31.8b, v30.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.4s, v0.4s, v31.4s",
                ],
            ),
            (
                VShiftOp::Shl64,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x40",
                    "umin v31.8b, v31.8b, v30.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.2d, v0.2d, v31.2d",
                ],
            ),
            (
                VShiftOp::ShrU8,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x8",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.16b, v0.16b, v31.16b",
                ],
            ),
            (
                VShiftOp::ShrU16,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x10",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.8h, v0.8h, v31.8h",
                ],
            ),
            (
                VShiftOp::ShrU32,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x20",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.4s, v0.4s, v31.4s",
                ],
            ),
            (
                VShiftOp::ShrU64,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x40",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "ushl v0.2d, v0.2d, v31.2d",
                ],
            ),
            (
                VShiftOp::ShrS8,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x8",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "sshl v0.16b, v0.16b, v31.16b",
                ],
            ),
            (
                VShiftOp::ShrS16,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x10",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "sshl v0.8h, v0.8h, v31.8h",
                ],
            ),
            (
                VShiftOp::ShrS32,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x20",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "sshl v0.4s, v0.4s, v31.4s",
                ],
            ),
            (
                VShiftOp::ShrS64,
                &[
                    "uqxtn s31, d1",
                    "uqxtn h31, s31",
                    "uqxtn b31, h31",
                    "movi v30.8b, #0x40",
                    "umin v31.8b, v31.8b, v30.8b",
                    "neg v31.8b, v31.8b",
                    "dup v31.16b, v31.b[0]",
                    "sshl v0.2d, v0.2d, v31.2d",
                ],
            ),
        ],
        |a, op| a.vshift(op, V0, V1),
    );
}

#[test]
fn simd_splat_extract_and_insert_lanes() {
    check(
        &[
            "dup v29.16b, w28",
            "dup v29.8h, w28",
            "dup v29.4s, w28",
            "dup v29.2d, x28",
            "umov w28, v29.b[15]",
            "umov w28, v29.h[7]",
            "mov w28, v29.s[3]",
            "mov x28, v29.d[1]",
            "umov w0, v1.b[0]",
            "mov v2.b[15], w28",
            "mov v2.h[7], w28",
            "mov v2.s[3], w28",
            "mov v2.d[1], x28",
            "mov v2.s[0], w0",
        ],
        |a| {
            let all = [VLanes::I8, VLanes::I16, VLanes::I32, VLanes::I64];
            for l in all {
                a.vsplat(l, V29, X28);
            }
            for (l, last) in all.into_iter().zip([15, 7, 3, 1]) {
                a.vextract(l, X28, V29, last);
            }
            a.vextract(VLanes::I8, X0, V1, 0);
            for (l, last) in all.into_iter().zip([15, 7, 3, 1]) {
                a.vinsert(l, V2, X28, last);
            }
            a.vinsert(VLanes::I32, V2, X0, 0);
        },
    );
}

#[test]
fn simd_reductions() {
    check_cases(
        &[
            (
                VTestOp::AnyTrue,
                &[
                    "umaxv s31, v1.4s",
                    "fmov w0, s31",
                    "cmp w0, #0x0",
                    "cset w0, ne",
                ],
            ),
            (
                VTestOp::BitmaskI8,
                &[
                    "cmlt v31.16b, v1.16b, #0",
                    "mov x16, #0x201",
                    "movk x16, #0x804, lsl #16",
                    "movk x16, #0x2010, lsl #32",
                    "movk x16, #0x8040, lsl #48",
                    "dup v30.2d, x16",
                    "and v31.16b, v31.16b, v30.16b",
                    "ext v30.16b, v31.16b, v31.16b, #8",
                    "zip1 v31.16b, v31.16b, v30.16b",
                    "addv h31, v31.8h",
                    "fmov w0, s31",
                ],
            ),
            (
                VTestOp::BitmaskI16,
                &[
                    "cmlt v31.8h, v1.8h, #0",
                    "mov x16, #0x1",
                    "movk x16, #0x2, lsl #16",
                    "movk x16, #0x4, lsl #32",
                    "movk x16, #0x8, lsl #48",
                    "fmov d30, x16",
                    "mov x16, #0x10",
                    "movk x16, #0x20, lsl #16",
                    "movk x16, #0x40, lsl #32",
                    "movk x16, #0x80, lsl #48",
                    "mov v30.d[1], x16",
                    "and v31.16b, v31.16b, v30.16b",
                    "addv h31, v31.8h",
                    "fmov w0, s31",
                ],
            ),
            (
                VTestOp::BitmaskI32,
                &[
                    "cmlt v31.4s, v1.4s, #0",
                    "mov x16, #0x1",
                    "movk x16, #0x2, lsl #32",
                    "fmov d30, x16",
                    "mov x16, #0x4",
                    "movk x16, #0x8, lsl #32",
                    "mov v30.d[1], x16",
                    "and v31.16b, v31.16b, v30.16b",
                    "addv s31, v31.4s",
                    "fmov w0, s31",
                ],
            ),
            (
                VTestOp::BitmaskI64,
                &[
                    "ushr v31.2d, v1.2d, #63",
                    "mov x16, v31.d[1]",
                    "fmov x0, d31",
                    "orr w0, w0, w16, lsl #1",
                ],
            ),
            (
                VTestOp::AllTrue(VLanes::I8),
                &[
                    "uminv b31, v1.16b",
                    "fmov w0, s31",
                    "cmp w0, #0x0",
                    "cset w0, ne",
                ],
            ),
            (
                VTestOp::AllTrue(VLanes::I16),
                &[
                    "uminv h31, v1.8h",
                    "fmov w0, s31",
                    "cmp w0, #0x0",
                    "cset w0, ne",
                ],
            ),
            (
                VTestOp::AllTrue(VLanes::I32),
                &[
                    "uminv s31, v1.4s",
                    "fmov w0, s31",
                    "cmp w0, #0x0",
                    "cset w0, ne",
                ],
            ),
            (
                VTestOp::AllTrue(VLanes::I64),
                &[
                    "cmtst v31.2d, v1.2d, v1.2d",
                    "uminv s31, v31.4s",
                    "fmov w0, s31",
                    "cmp w0, #0x0",
                    "cset w0, ne",
                ],
            ),
        ],
        |a, op| a.vtest(op, X0, V1),
    );
}

#[test]
fn simd_loads_and_stores_report_the_access() {
    let mut at = Vec::new();
    check(
        &[
            "ldr q0, [x1, #16]",
            "ldur q0, [x1, #8]",
            "ldur q0, [x1, #-256]",
            "ldr q0, [x1, x2]",
            "add x16, x2, #0x20",
            "ldr q0, [x1, x16]",
            "mov w16, #0x10000",
            "ldr q0, [x1, x16]",
            "ldr q31, [sp, #65520]",
            "str q29, [sp, #65520]",
            "ldur q31, [x28, #255]",
            "stur q29, [x28, #255]",
            "ldr q31, [sp, x3]",
            "str q2, [sp, x3]",
        ],
        |a| {
            let indexed = |disp| Mem {
                base: X1,
                index: Some(X2),
                disp,
            };
            at.push(a.vload(V0, Mem::at(X1, 16)));
            at.push(a.vload(V0, Mem::at(X1, 8)));
            at.push(a.vload(V0, Mem::at(X1, -256)));
            at.push(a.vload(V0, indexed(0)));
            at.push(a.vload(V0, indexed(32)));
            at.push(a.vload(V0, Mem::at(X1, 0x10000)));
            at.push(a.vstore(Mem::at(SP, 65520), V29));
            at.push(a.vstore(Mem::at(X28, 255), V29));
            at.push(a.vstore(
                Mem {
                    base: SP,
                    index: Some(X3),
                    disp: 0,
                },
                V2,
            ));
        },
    );
    // A store's site is its probe load, the first instruction that faults.
    assert_eq!(at, [0, 4, 8, 12, 20, 28, 32, 40, 48]);
}

#[test]
fn simd_load_kinds_report_the_load_not_the_extension() {
    let mut at = Vec::new();
    check_cases(
        &[
            (VLoadKind::S8x8, &["ldr d0, [x1, #8]", "sxtl v0.8h, v0.8b"]),
            (VLoadKind::U8x8, &["ldr d0, [x1, #8]", "uxtl v0.8h, v0.8b"]),
            (VLoadKind::S16x4, &["ldr d0, [x1, #8]", "sxtl v0.4s, v0.4h"]),
            (VLoadKind::U16x4, &["ldr d0, [x1, #8]", "uxtl v0.4s, v0.4h"]),
            (VLoadKind::S32x2, &["ldr d0, [x1, #8]", "sxtl v0.2d, v0.2s"]),
            (VLoadKind::U32x2, &["ldr d0, [x1, #8]", "uxtl v0.2d, v0.2s"]),
            (VLoadKind::Zero32, &["ldr s0, [x1, #8]"]),
            (VLoadKind::Zero64, &["ldr d0, [x1, #8]"]),
        ],
        |a, kind| {
            a.vload_kind(kind, V0, Mem::at(X1, 8));
        },
    );
    check(
        &[
            "ldur s2, [x1, #2]",
            "mov w16, #0x2345",
            "movk w16, #0x1, lsl #16",
            "ldr d2, [x1, x16]",
            "sxtl v2.8h, v2.8b",
            "ldr d2, [x1, x2]",
            "uxtl v2.2d, v2.2s",
        ],
        |a| {
            at.push(a.vload_kind(VLoadKind::Zero32, V2, Mem::at(X1, 2)));
            at.push(a.vload_kind(VLoadKind::S8x8, V2, Mem::at(X1, 0x12345)));
            let indexed = Mem {
                base: X1,
                index: Some(X2),
                disp: 0,
            };
            at.push(a.vload_kind(VLoadKind::U32x2, V2, indexed));
        },
    );
    assert_eq!(at, [0, 12, 20]);
}

#[test]
fn simd_shuffle_bitselect_and_swizzle() {
    check(
        &[
            // Both sources: copied into the consecutive v30 and v31.
            "mov v30.16b, v0.16b",
            "mov v31.16b, v1.16b",
            "mov x16, #0x1100",
            "movk x16, #0x1302, lsl #16",
            "movk x16, #0x1504, lsl #32",
            "movk x16, #0x1706, lsl #48",
            "fmov d0, x16",
            "mov x16, #0x1908",
            "movk x16, #0x1b0a, lsl #16",
            "movk x16, #0x1d0c, lsl #32",
            "movk x16, #0x1f0e, lsl #48",
            "mov v0.d[1], x16",
            "tbl v0.16b, {v30.16b, v31.16b}, v0.16b",
            // Only dst's bytes.
            "mov x16, #0xe0f",
            "movk x16, #0xc0d, lsl #16",
            "movk x16, #0xa0b, lsl #32",
            "movk x16, #0x809, lsl #48",
            "fmov d31, x16",
            "mov x16, #0x607",
            "movk x16, #0x405, lsl #16",
            "movk x16, #0x203, lsl #32",
            "movk x16, #0x1, lsl #48",
            "mov v31.d[1], x16",
            "tbl v0.16b, {v0.16b}, v31.16b",
            // Only other's: its first byte everywhere, then bytes 1 and 0.
            "movi v31.2d, #0x0",
            "tbl v0.16b, {v1.16b}, v31.16b",
            "mov w16, #0x1",
            "dup v31.2d, x16",
            "tbl v2.16b, {v29.16b}, v31.16b",
            "ldr q31, [x29, #48]",
            "bif v0.16b, v1.16b, v31.16b",
            "ldur q31, [x1, #-8]",
            "bif v2.16b, v29.16b, v31.16b",
            "tbl v0.16b, {v0.16b}, v1.16b",
        ],
        |a| {
            let interleave: [u8; 16] = std::array::from_fn(|i| i as u8 + 16 * (i as u8 & 1));
            a.vshuffle(V0, V1, interleave);
            let reverse: [u8; 16] = std::array::from_fn(|i| 15 - i as u8);
            a.vshuffle(V0, V1, reverse);
            a.vshuffle(V0, V1, [16; 16]);
            let pairs: [u8; 16] = std::array::from_fn(|i| if i % 8 == 0 { 17 } else { 16 });
            a.vshuffle(V2, V29, pairs);
            a.vbitselect(V0, V1, Mem::at(Gpr(29), 48));
            a.vbitselect(V2, V29, Mem::at(X1, -8));
            a.vswizzle(V0, V1);
        },
    );
}

#[test]
fn every_simd_operation_assembles_and_decodes() {
    use VShiftOp::*;
    let lanes = [VLanes::I8, VLanes::I16, VLanes::I32, VLanes::I64];
    let shifts = [
        Shl8, Shl16, Shl32, Shl64, ShrU8, ShrU16, ShrU32, ShrU64, ShrS8, ShrS16, ShrS32, ShrS64,
    ];
    let kinds = VLoadKind::ALL;
    let mut tests = vec![
        VTestOp::AnyTrue,
        VTestOp::BitmaskI8,
        VTestOp::BitmaskI16,
        VTestOp::BitmaskI32,
        VTestOp::BitmaskI64,
    ];
    tests.extend(lanes.map(VTestOp::AllTrue));
    let mut a = Aarch64Assembler::new();
    // Operands at both ends of the registers callers may use.
    for (d, s, g) in [(V0, V1, X0), (V29, V2, X28), (V2, V29, X3)] {
        for op in VBinOp::all() {
            a.vbin(op, d, s);
        }
        for op in VUnOp::all() {
            a.vun(op, d, s);
        }
        for op in shifts {
            a.vshift(op, d, s);
        }
        for op in &tests {
            a.vtest(*op, g, s);
        }
        for (l, count) in lanes.into_iter().zip([16u8, 8, 4, 2]) {
            a.vsplat(l, d, g);
            for lane in 0..count {
                a.vextract(l, g, s, lane);
                a.vinsert(l, d, g, lane);
            }
        }
        a.vshuffle(d, s, std::array::from_fn(|i| (i as u8 * 7) % 32));
        a.vswizzle(d, s);
    }
    for &v in &TRICKY {
        let disp = v as i32;
        for mem in [
            Mem::at(X1, disp),
            Mem::at(SP, disp),
            Mem {
                base: X1,
                index: Some(X2),
                disp,
            },
        ] {
            a.vload(V0, mem);
            a.vstore(mem, V29);
            for kind in kinds {
                a.vload_kind(kind, V2, mem);
            }
            a.vbitselect(V0, V1, mem);
        }
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
