//! Assembles small functions with the x86_64 MacroAssembler and runs them
//! through the entry trampoline: arithmetic, float semantics, explicit traps
//! (which unwind without a signal) and faults through the signal handler.
#![cfg(target_arch = "x86_64")]

use strata_jit::masm::*;
use strata_jit::x64::*;
use strata_jit::{register, trampoline, CodeMemory, CodeSites, CATCHABLE};

/// Compiled code plus its trap registration, kept alive together. The
/// registration is declared first so it drops before the code is unmapped.
struct Compiled {
    _reg: strata_jit::Registration,
    code: CodeMemory,
}

fn build(f: impl FnOnce(&mut X64Assembler)) -> Compiled {
    let mut masm = X64Assembler::new();
    f(&mut masm);
    masm.ret();
    let asm = masm.finish().expect("assembles");
    let code = CodeMemory::publish(&asm.code).expect("maps");
    let sites = CodeSites {
        traps: asm.trap_sites,
        landings: asm.landings,
        thunks: false,
    };
    let reg = register(&code, sites).expect("registers");
    Compiled { code, _reg: reg }
}

/// Runs `c` with frame cells `cells` (r14 points at them).
fn run(c: &Compiled, cells: &mut [u64]) -> Result<(), u32> {
    // SAFETY: the test functions only touch cells through r14 within bounds.
    unsafe { trampoline::call(c.code.as_ptr(), std::ptr::null_mut(), cells.as_mut_ptr()) }
        .map_err(|t| t.code)
}

fn cell(i: i32) -> Mem {
    Mem::at(R14, i * 8)
}

fn binary_i64(op: impl Fn(&mut X64Assembler)) -> Compiled {
    build(|m| {
        m.mov(Size::S64, RSI, Src::Mem(cell(0)));
        m.mov(Size::S64, RDI, Src::Mem(cell(1)));
        op(m);
        m.store_reg(Size::S64, cell(0), RSI);
    })
}

#[test]
fn integer_arithmetic_matches_rust() {
    let add32 = binary_i64(|m| m.alu(AluOp::Add, Size::S32, RSI, Src::Reg(RDI)));
    let mut c = [u32::MAX as u64, 2];
    run(&add32, &mut c).unwrap();
    assert_eq!(c[0], 1, "32-bit results are zero-extended");

    let mul64 = binary_i64(|m| m.alu(AluOp::Mul, Size::S64, RSI, Src::Reg(RDI)));
    let mut c = [0x1234_5678_9abc_def0, 77];
    run(&mul64, &mut c).unwrap();
    assert_eq!(c[0], 0x1234_5678_9abc_def0u64.wrapping_mul(77));

    let rotl = binary_i64(|m| m.shift(ShiftOp::Rotl, Size::S32, RSI, Src::Reg(RDI)));
    let mut c = [0x8000_0001, 33];
    run(&rotl, &mut c).unwrap();
    assert_eq!(c[0] as u32, 0x8000_0001u32.rotate_left(33));

    let clz = binary_i64(|m| m.bit(BitOp::Clz, Size::S64, RSI, RSI));
    let mut c = [0, 0];
    run(&clz, &mut c).unwrap();
    assert_eq!(c[0], 64);

    let lt = binary_i64(|m| {
        m.cmp(Size::S32, RSI, Src::Reg(RDI));
        m.set(Cond::LtS, RSI);
    });
    let mut c = [(-5i32) as u32 as u64, 3];
    run(&lt, &mut c).unwrap();
    assert_eq!(c[0], 1);
}

#[test]
fn division_traps_and_results() {
    let traps = DivTraps {
        by_zero: 11,
        overflow: 12,
    };
    let div_s = binary_i64(|m| m.div(Size::S32, true, false, RSI, RSI, RDI, traps));
    let rem_s = binary_i64(|m| m.div(Size::S32, true, true, RSI, RSI, RDI, traps));
    let div_u = binary_i64(|m| m.div(Size::S64, false, false, RSI, RSI, RDI, traps));
    let mut c = [(-7i32) as u32 as u64, 2];
    run(&div_s, &mut c).unwrap();
    assert_eq!(c[0] as u32 as i32, -3);
    assert_eq!(run(&div_s, &mut [1, 0]), Err(11));
    assert_eq!(
        run(&div_s, &mut [i32::MIN as u32 as u64, u32::MAX as u64]),
        Err(12)
    );
    let mut c = [i32::MIN as u32 as u64, u32::MAX as u64];
    run(&rem_s, &mut c).unwrap();
    assert_eq!(c[0] as u32, 0, "MIN % -1 is 0");
    let mut c = [u64::MAX, 10];
    run(&div_u, &mut c).unwrap();
    assert_eq!(c[0], u64::MAX / 10);
    // The process keeps handling traps after many of them.
    for _ in 0..100 {
        assert_eq!(run(&div_u, &mut [1, 0]), Err(11));
    }
}

#[test]
fn unconditional_trap_returns_its_code() {
    let c = build(|m| m.trap(42));
    assert_eq!(run(&c, &mut [0]), Err(42));
}

#[test]
fn fault_at_a_registered_load_becomes_a_trap() {
    // A page with no access: loading from it faults inside compiled code.
    // SAFETY: a fresh anonymous mapping, unmapped at the end.
    let page = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(page, libc::MAP_FAILED);
    let mut masm = X64Assembler::new();
    masm.mov(Size::S64, RSI, Src::Mem(cell(0)));
    let at = masm.load(LoadKind::U32, RDI, Mem::at(RSI, 16));
    masm.store_reg(Size::S64, cell(1), RDI);
    masm.ret();
    let mut asm = masm.finish().unwrap();
    asm.trap_sites.push(strata_jit::TrapSite {
        offset: at,
        code: 9,
    });
    asm.trap_sites.sort_unstable();
    let code = CodeMemory::publish(&asm.code).unwrap();
    let _reg = register(&code, asm.trap_sites).unwrap();
    let compiled = Compiled { code, _reg };
    let mut c = [page as u64, 0];
    assert_eq!(run(&compiled, &mut c), Err(9));
    // The same code works on accessible memory.
    let data = [0u32, 0, 0, 0, 0xdead_beef];
    let mut c = [data.as_ptr() as u64, 0];
    run(&compiled, &mut c).unwrap();
    assert_eq!(c[1], 0xdead_beef);
    // SAFETY: unmapping the page mapped above.
    unsafe { libc::munmap(page, 4096) };
}

fn float_binary(size: FSize, op: FBinOp) -> Compiled {
    build(move |m| {
        m.fload(size, Fpr(2), cell(0));
        m.fload(size, Fpr(3), cell(1));
        m.fbin(op, size, Fpr(2), Fpr(3));
        m.fstore(size, cell(0), Fpr(2));
    })
}

#[test]
fn float_min_max_follow_wasm_nan_and_zero_rules() {
    let min = float_binary(FSize::F64, FBinOp::Min);
    let max = float_binary(FSize::F64, FBinOp::Max);
    let go = |c: &Compiled, a: f64, b: f64| {
        let mut cells = [a.to_bits(), b.to_bits()];
        run(c, &mut cells).unwrap();
        f64::from_bits(cells[0])
    };
    assert_eq!(go(&min, 1.0, 2.0), 1.0);
    assert_eq!(go(&max, 1.0, 2.0), 2.0);
    assert!(go(&min, -0.0, 0.0).is_sign_negative());
    assert!(go(&min, 0.0, -0.0).is_sign_negative());
    assert!(go(&max, -0.0, 0.0).is_sign_positive());
    assert!(go(&min, f64::NAN, 1.0).is_nan());
    assert!(go(&max, 1.0, f64::NAN).is_nan());
    let copysign = float_binary(FSize::F32, FBinOp::Copysign);
    let mut cells = [3.5f32.to_bits() as u64, (-0.0f32).to_bits() as u64];
    run(&copysign, &mut cells).unwrap();
    assert_eq!(f32::from_bits(cells[0] as u32), -3.5);
}

#[test]
fn float_to_int_traps_and_saturates() {
    let traps = TruncTraps {
        invalid: 21,
        overflow: 22,
    };
    let trunc = |from, to, signed, traps| {
        build(move |m| {
            m.fload(from, Fpr(2), cell(0));
            m.float_to_int(from, to, signed, RSI, Fpr(2), traps);
            m.store_reg(Size::S64, cell(0), RSI);
        })
    };
    let f64_to_i32 = trunc(FSize::F64, Size::S32, true, Some(traps));
    let go = |c: &Compiled, v: f64| {
        let mut cells = [v.to_bits()];
        run(c, &mut cells).map(|()| cells[0])
    };
    assert_eq!(go(&f64_to_i32, -2147483648.9), Ok(i32::MIN as u32 as u64));
    assert_eq!(go(&f64_to_i32, -2147483649.0), Err(22));
    assert_eq!(go(&f64_to_i32, 2147483647.9), Ok(i32::MAX as u64));
    assert_eq!(go(&f64_to_i32, 2147483648.0), Err(22));
    assert_eq!(go(&f64_to_i32, f64::NAN), Err(21));
    let f64_to_u64 = trunc(FSize::F64, Size::S64, false, Some(traps));
    assert_eq!(
        go(&f64_to_u64, 18446744073709549568.0),
        Ok(18446744073709549568)
    );
    assert_eq!(go(&f64_to_u64, -0.9), Ok(0));
    assert_eq!(go(&f64_to_u64, -1.0), Err(22));
    let sat = trunc(FSize::F64, Size::S64, true, None);
    assert_eq!(go(&sat, f64::NAN), Ok(0));
    assert_eq!(go(&sat, 1e300), Ok(i64::MAX as u64));
    assert_eq!(go(&sat, -1e300), Ok(i64::MIN as u64));
    assert_eq!(go(&sat, -7.9), Ok(-7i64 as u64));
}

#[test]
fn unsigned_64_bit_to_float_rounds_to_nearest() {
    let conv = build(|m| {
        m.mov(Size::S64, RSI, Src::Mem(cell(0)));
        m.int_to_float(Size::S64, false, FSize::F32, Fpr(2), RSI);
        m.fstore(FSize::F32, cell(0), Fpr(2));
    });
    for v in [
        0u64,
        1,
        u64::MAX,
        1 << 63,
        (1 << 63) + 1,
        0x8000_0080_0000_0001,
    ] {
        let mut cells = [v];
        run(&conv, &mut cells).unwrap();
        assert_eq!(f32::from_bits(cells[0] as u32), v as f32, "{v:#x}");
    }
}

#[test]
fn no_mapping_is_writable_and_executable_while_code_exists() {
    let code = build(|m| m.mov(Size::S32, RSI, Src::Imm(1)));
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for line in maps.lines() {
        let perms = line.split_whitespace().nth(1).unwrap_or("");
        assert!(
            !(perms.contains('w') && perms.contains('x')),
            "writable and executable mapping: {line}"
        );
    }
    assert_eq!(run(&code, &mut [0]), Ok(()));
}

#[test]
fn jump_table_reaches_each_target() {
    let c = build(|m| {
        let targets: Vec<_> = (0..4).map(|_| m.new_label()).collect();
        let done = m.new_label();
        m.mov(Size::S32, RSI, Src::Mem(cell(0)));
        m.jump_table(RSI, &targets);
        for (i, &t) in targets.iter().enumerate() {
            m.bind(t);
            m.mov(Size::S32, RDI, Src::Imm(100 + i as i32));
            m.jmp(done);
        }
        m.bind(done);
        m.store_reg(Size::S64, cell(1), RDI);
    });
    for i in 0..4 {
        let mut cells = [i, 0];
        run(&c, &mut cells).unwrap();
        assert_eq!(cells[1], 100 + i);
    }
}

#[test]
fn raise_reports_the_code_held_in_a_register() {
    let c = build(|m| {
        m.mov(Size::S32, RSI, Src::Mem(cell(0)));
        m.raise_if_nonzero(RSI);
        m.store_imm(Size::S64, cell(1), 7);
    });
    let mut cells = [0, 0];
    run(&c, &mut cells).unwrap();
    assert_eq!(cells[1], 7);
    assert_eq!(run(&c, &mut [1234, 0]), Err(1234));
}

#[test]
fn load_absolute_reads_a_fixed_address_into_any_register() {
    static VALUE: u64 = 0x0123_4567_89ab_cdef;
    let addr = &VALUE as *const u64 as u64;
    for dst in [RAX, RSI, R11] {
        let c = build(|m| {
            m.load_absolute(dst, addr);
            m.store_reg(Size::S64, cell(0), dst);
        });
        let mut cells = [0];
        run(&c, &mut cells).unwrap();
        assert_eq!(cells[0], VALUE, "{dst:?}");
    }
}

#[test]
fn a_trap_without_a_signal_hands_back_r13_and_the_trapping_pc() {
    // r13 survives to the landing pad, where the trampoline reports it.
    let c = build(|m| {
        m.mov(Size::S64, R13, Src::Mem(cell(0)));
        m.trap(9);
    });
    let mut cells = [0x5eed];
    // SAFETY: the code reads one cell through r14.
    let t = unsafe { trampoline::call(c.code.as_ptr(), std::ptr::null_mut(), cells.as_mut_ptr()) }
        .unwrap_err();
    assert_eq!(t.code, 9);
    assert_eq!(t.r13, 0x5eed);
    let start = c.code.as_ptr() as usize;
    assert!(
        (start..start + c.code.len()).contains(&t.pcs[0]),
        "the first pc is inside the trapping code: {:#x} not in {start:#x}+{}",
        t.pcs[0],
        c.code.len()
    );
}

/// A catchable raise two frames down resumes at the landing site of the
/// call that made them, in its caller's frame, with the count of frames
/// it left in rdx; without a landing site it unwinds the activation.
#[test]
fn a_catchable_raise_resumes_at_the_innermost_landing_site() {
    // Frames as compiled functions keep them: one slot, then the return address.
    let raiser = build(|m| {
        m.adjust_sp(-8);
        m.mov(Size::S32, RSI, Src::Imm(CATCHABLE as i32));
        m.raise_if_nonzero(RSI);
        m.adjust_sp(8);
    });
    let middle = build(|m| {
        m.adjust_sp(-8);
        m.call_abs(raiser.code.as_ptr() as usize);
        m.adjust_sp(8);
    });
    let outer = |catching: bool| {
        build(|m| {
            let (landing, done) = (m.new_label(), m.new_label());
            m.adjust_sp(-8);
            m.call_abs(middle.code.as_ptr() as usize);
            if catching {
                m.landing_site(landing);
            }
            m.store_imm(Size::S64, cell(0), 1);
            m.jmp(done);
            m.bind(landing);
            m.store_imm(Size::S64, cell(0), 2);
            m.store_reg(Size::S64, cell(1), RDX);
            m.bind(done);
            m.adjust_sp(8);
        })
    };
    let mut cells = [0, 0];
    run(&outer(true), &mut cells).unwrap();
    assert_eq!(cells, [2, 2]);
    let mut cells = [0, 0];
    assert_eq!(run(&outer(false), &mut cells), Err(CATCHABLE));
    assert_eq!(cells, [0, 0]);
}
