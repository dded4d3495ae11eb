//! AArch64 code on an AArch64 Linux, with real signals: qemu-user runs a
//! small C harness (`qemu/harness.c`, built with the cross gcc) that calls
//! functions made by the AArch64 assembler and turns their faults and
//! `brk`s into trap codes through a trap table, as Strata's signal handler
//! does. Checked: results, a guard-page fault, a `brk` trap, traps of
//! division and truncation, and that stores crossing into the guard page
//! write nothing. (qemu-user does not tear such stores; Unicorn does, and
//! the spec suite's `memory_trap.wast` under `jit-aarch64-emulated` is what
//! proves the stores' probe loads.) Skipped, with a note, where
//! qemu-aarch64 or aarch64-linux-gnu-gcc is absent (`.ci/run` installs
//! both).

use std::path::PathBuf;
use std::process::Command;

use strata_jit::aarch64::Aarch64Assembler;
use strata_jit::masm::*;
use strata_jit::TrapSite;

const CELLS: usize = 24;
const OOB: u32 = 5;

/// The harness, built once; `None` (with a note) without the tools.
fn harness() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let out = dir.join("a64-harness");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("aarch64/qemu/harness.c");
    let built = Command::new("aarch64-linux-gnu-gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&out)
        .arg(&src)
        .status();
    match built {
        Ok(s) if s.success() => {}
        _ => {
            println!("note: aarch64-linux-gnu-gcc not found or failed: the qemu lane is skipped");
            return None;
        }
    }
    if Command::new("qemu-aarch64")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("note: qemu-aarch64 not found: the qemu lane is skipped");
        return None;
    }
    Some(out)
}

/// One function and its input cells. Its code gets `x0` = the cells and
/// `x1` = the heap page (followed by a guard page).
struct Case {
    name: &'static str,
    code: Vec<u8>,
    sites: Vec<TrapSite>,
    cells: [u64; CELLS],
}

const CELLS_REG: Gpr = Gpr(0);
const HEAP: Gpr = Gpr(1);
const A: Gpr = Gpr(2);
const B: Gpr = Gpr(3);

fn cell(k: i32) -> Mem {
    Mem::at(CELLS_REG, 8 * k)
}

/// `body` between loads of cells 0 and 1 into A and B and a store of A
/// into cell 9; `body` names the memory-access sites it makes.
fn case(
    name: &'static str,
    cells: &[(usize, u64)],
    body: impl FnOnce(&mut Aarch64Assembler, &mut Vec<TrapSite>),
) -> Case {
    let mut m = Aarch64Assembler::new();
    let mut sites = Vec::new();
    m.mov(Size::S64, A, Src::Mem(cell(0)));
    m.mov(Size::S64, B, Src::Mem(cell(1)));
    body(&mut m, &mut sites);
    m.store_reg(Size::S64, cell(9), A);
    m.ret();
    let asm = m.finish().expect("assembles");
    sites.extend(asm.trap_sites);
    sites.sort_unstable();
    let mut c = [0u64; CELLS];
    for &(k, v) in cells {
        c[k] = v;
    }
    Case {
        name,
        code: asm.code,
        sites,
        cells: c,
    }
}

fn heap_at(index: Gpr) -> Mem {
    Mem {
        base: HEAP,
        index: Some(index),
        disp: 0,
    }
}

/// The heap page's last 16 bytes as the harness fills them.
const TAIL: &str = "f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb fc fd fe ff";

#[test]
fn compiled_functions_trap_with_real_signals_under_qemu() {
    let Some(harness) = harness() else {
        return;
    };
    let cases = vec![
        (
            case("arithmetic", &[(0, 6), (1, 7)], |m, _| {
                m.alu(AluOp::Mul, Size::S64, A, Src::Reg(B));
                m.alu(AluOp::Add, Size::S64, A, Src::Imm(7));
            }),
            format!("ok 6 7 0 0 0 0 0 0 0 31 {} | {TAIL}", ["0"; 14].join(" ")),
        ),
        (
            case("load in bounds", &[(0, 8)], |m, s| {
                let at = m.load(LoadKind::U64, A, heap_at(A));
                s.push(TrapSite { offset: at, code: OOB });
            }),
            format!(
                "ok 8 0 0 0 0 0 0 0 0 f0e0d0c0b0a0908 {} | {TAIL}",
                ["0"; 14].join(" ")
            ),
        ),
        (
            case("load into the guard page", &[(0, 4092)], |m, s| {
                let at = m.load(LoadKind::U64, A, heap_at(A));
                s.push(TrapSite { offset: at, code: OOB });
            }),
            format!("trap {OOB} | {TAIL}"),
        ),
        (
            case(
                "store across into the guard page",
                &[(0, 4092), (1, 0x1122_3344_5566_7788)],
                |m, s| {
                    let at = m.store(StoreKind::B64, heap_at(A), B);
                    s.push(TrapSite { offset: at, code: OOB });
                },
            ),
            format!("trap {OOB} | {TAIL}"),
        ),
        (
            case(
                "store at the end",
                &[(0, 4088), (1, 0x1122_3344_5566_7788)],
                |m, s| {
                    let at = m.store(StoreKind::B64, heap_at(A), B);
                    s.push(TrapSite { offset: at, code: OOB });
                },
            ),
            format!(
                "ok ff8 1122334455667788 0 0 0 0 0 0 0 ff8 {} | f0 f1 f2 f3 f4 f5 f6 f7 88 77 66 55 44 33 22 11",
                ["0"; 14].join(" ")
            ),
        ),
        (
            case("vector store across", &[(0, 4088), (5, 1), (6, 2)], |m, s| {
                m.vload(Fpr(0), cell(5));
                let at = m.vstore(heap_at(A), Fpr(0));
                s.push(TrapSite { offset: at, code: OOB });
            }),
            format!("trap {OOB} | {TAIL}"),
        ),
        (
            case("brk", &[], |m, _| m.trap(9)),
            format!("trap 9 | {TAIL}"),
        ),
        (
            case("division by zero", &[(0, 5)], |m, _| {
                let traps = DivTraps {
                    by_zero: 11,
                    overflow: 12,
                };
                m.div(Size::S32, true, false, A, A, B, traps);
            }),
            format!("trap 11 | {TAIL}"),
        ),
        (
            case(
                "division overflow",
                &[(0, 0x8000_0000), (1, 0xffff_ffff)],
                |m, _| {
                    let traps = DivTraps {
                        by_zero: 11,
                        overflow: 12,
                    };
                    m.div(Size::S32, true, false, A, A, B, traps);
                },
            ),
            format!("trap 12 | {TAIL}"),
        ),
        (
            case("truncation of NaN", &[(3, f64::NAN.to_bits())], |m, _| {
                m.fload(FSize::F64, Fpr(0), cell(3));
                let traps = TruncTraps {
                    invalid: 21,
                    overflow: 22,
                };
                m.float_to_int(FSize::F64, Size::S32, true, A, Fpr(0), Some(traps));
            }),
            format!("trap 21 | {TAIL}"),
        ),
    ];
    let mut input = b"A64H".to_vec();
    input.extend((cases.len() as u32).to_le_bytes());
    for (c, _) in &cases {
        input.extend((c.code.len() as u32).to_le_bytes());
        input.extend(&c.code);
        input.extend((c.sites.len() as u32).to_le_bytes());
        for s in &c.sites {
            input.extend(s.offset.to_le_bytes());
            input.extend(s.code.to_le_bytes());
        }
        for v in c.cells {
            input.extend(v.to_le_bytes());
        }
    }
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("a64-cases.bin");
    std::fs::write(&file, &input).expect("writes the cases");
    let out = Command::new("qemu-aarch64")
        .arg(&harness)
        .arg(&file)
        .output()
        .expect("runs qemu-aarch64");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "harness failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len(), "{stdout}");
    for ((c, want), got) in cases.iter().zip(lines) {
        assert_eq!(got, want, "{}", c.name);
    }
    println!("qemu lane: {} functions agree", cases.len());
}
