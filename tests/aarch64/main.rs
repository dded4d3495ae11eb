//! The AArch64 MacroAssembler against the x86_64 one: each operation is
//! assembled for both ISAs into the same small program (load operands from
//! memory cells, operate, store results), the x86_64 code runs natively and
//! the AArch64 code in the emulator, and their results and trap codes must
//! be the same, on random operands and the edge values of each operation.
//!
//! Float results are compared bit for bit, except that any NaN equals any
//! NaN: WebAssembly leaves NaN payloads open, and the two ISAs propagate
//! them by different rules.
//!
//! Run with `cargo test --release -p strata-tests --features
//! aarch64-emulation --test aarch64` (Unicorn builds with cmake).
#![cfg(target_arch = "x86_64")]

mod cases;
mod engine;
mod qemu;

use strata_jit::aarch64::Aarch64Assembler;
use strata_jit::masm::*;
use strata_jit::x64::{self, X64Assembler};
use strata_jit::{register, trampoline, CodeMemory, CodeSites};
use strata_tests::aarch64_emu::{Exit, Machine, DATA};

/// Memory cells a program reads and writes (`Cell` indices).
pub const CELLS: usize = 24;

/// Named cells.
pub mod cell {
    /// Integer operands.
    pub const A: i32 = 0;
    pub const B: i32 = 1;
    pub const C: i32 = 2;
    /// Float operands (bits).
    pub const FA: i32 = 3;
    pub const FB: i32 = 4;
    /// Vector operands (two cells each).
    pub const VA: i32 = 5;
    pub const VB: i32 = 7;
    /// Results.
    pub const OUT: i32 = 9;
    pub const FOUT: i32 = 10;
    pub const VOUT: i32 = 11;
    /// Bytes for loads and stores (four cells).
    pub const MEM: i32 = 13;
    /// A 16-byte constant for vector bit selection.
    pub const MASK: i32 = 17;
}

/// What an ISA contributes to the shared programs: its assembler and the
/// registers the programs use (none of them the assembler's scratch).
pub trait Isa: MacroAssembler + Sized {
    /// The register holding the cells' address.
    const BASE: Gpr;
    /// Integer operand registers.
    const A: Gpr;
    const B: Gpr;
    const C: Gpr;
    /// Float and vector operand registers.
    const FA: Fpr;
    const FB: Fpr;
    const VA: Fpr;
    const VB: Fpr;
    /// A fresh assembler.
    fn make() -> Self;
}

impl Isa for X64Assembler {
    // r14 is where the entry trampoline puts its frame pointer argument.
    const BASE: Gpr = x64::R14;
    const A: Gpr = x64::RBX;
    const B: Gpr = x64::R12;
    const C: Gpr = x64::RSI;
    const FA: Fpr = Fpr(2);
    const FB: Fpr = Fpr(3);
    const VA: Fpr = Fpr(4);
    const VB: Fpr = Fpr(5);
    fn make() -> Self {
        X64Assembler::new()
    }
}

impl Isa for Aarch64Assembler {
    const BASE: Gpr = Gpr(0);
    const A: Gpr = Gpr(1);
    const B: Gpr = Gpr(2);
    const C: Gpr = Gpr(3);
    const FA: Fpr = Fpr(2);
    const FB: Fpr = Fpr(3);
    const VA: Fpr = Fpr(4);
    const VB: Fpr = Fpr(5);
    fn make() -> Self {
        Aarch64Assembler::new()
    }
}

/// `[base + 8 * cell]`.
pub fn at<M: Isa>(cell: i32) -> Mem {
    Mem::at(M::BASE, 8 * cell)
}

/// What a program leaves: its cells, or the code it trapped with.
pub type Outcome = Result<[u64; CELLS], u32>;

/// Assembles `body` between the operand loads and the result stores.
fn assemble<M: Isa>(vectors: bool, body: &dyn Fn(&mut M)) -> Assembled {
    let mut m = M::make();
    m.mov(Size::S64, M::A, Src::Mem(at::<M>(cell::A)));
    m.mov(Size::S64, M::B, Src::Mem(at::<M>(cell::B)));
    m.mov(Size::S64, M::C, Src::Mem(at::<M>(cell::C)));
    m.fload(FSize::F64, M::FA, at::<M>(cell::FA));
    m.fload(FSize::F64, M::FB, at::<M>(cell::FB));
    if vectors {
        m.vload(M::VA, at::<M>(cell::VA));
        m.vload(M::VB, at::<M>(cell::VB));
    }
    body(&mut m);
    m.store_reg(Size::S64, at::<M>(cell::OUT), M::A);
    m.fstore(FSize::F64, at::<M>(cell::FOUT), M::FA);
    if vectors {
        m.vstore(at::<M>(cell::VOUT), M::VA);
    }
    m.ret();
    m.finish().expect("assembles")
}

/// Runs the x86_64 program natively on `cells`.
fn run_x64(asm: Assembled, mut cells: [u64; CELLS]) -> Outcome {
    let code = CodeMemory::publish(&asm.code).expect("maps");
    let sites = CodeSites {
        traps: asm.trap_sites,
        landings: asm.landings,
        thunks: false,
    };
    let reg = register(&code, sites).expect("registers");
    // SAFETY: the programs only touch the cells, through r14, in bounds.
    let result =
        unsafe { trampoline::call(code.as_ptr(), std::ptr::null_mut(), cells.as_mut_ptr()) };
    drop(reg);
    result.map(|()| cells).map_err(|t| t.code)
}

/// Runs the AArch64 program in the emulator on `cells`.
fn run_a64(machine: &mut Machine, asm: Assembled, cells: [u64; CELLS]) -> Outcome {
    machine.load_code(&asm.code);
    let bytes: Vec<u8> = cells.iter().flat_map(|c| c.to_le_bytes()).collect();
    machine.write_data(0, &bytes);
    machine.set_x(0, DATA);
    match machine.call(1 << 20) {
        Exit::Returned => {
            let bytes = machine.read_data(0, 8 * CELLS);
            let mut out = [0u64; CELLS];
            for (k, c) in out.iter_mut().enumerate() {
                *c = u64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().unwrap());
            }
            Ok(out)
        }
        Exit::Brk(offset) => {
            let site = asm.trap_sites.iter().find(|s| s.offset == offset);
            match site {
                Some(s) if s.code == strata_jit::signals::DYNAMIC_TRAP => Err(machine.x(16) as u32),
                Some(s) => Err(s.code),
                None => panic!("brk at {offset:#x} is no trap site"),
            }
        }
        other => panic!("the AArch64 program ended with {other:?}"),
    }
}

/// How results are compared: which cells hold floats of which width.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Floats {
    /// Integer results only (FOUT is compared as bits anyway).
    None,
    /// FOUT holds an f32 (low bits) or f64 result.
    F32,
    F64,
    /// VOUT holds f32 or f64 lanes.
    V32,
    V64,
}

fn is_nan(bits: u64, f32: bool) -> bool {
    if f32 {
        f32::from_bits(bits as u32).is_nan()
    } else {
        f64::from_bits(bits).is_nan()
    }
}

/// Whether two outcomes agree, NaNs being equal.
fn agree(x: &Outcome, a: &Outcome, floats: Floats) -> bool {
    let (x, a) = match (x, a) {
        (Ok(x), Ok(a)) => (x, a),
        (x, a) => return x == a,
    };
    (0..CELLS).all(|k| {
        let (p, q) = (x[k], a[k]);
        let fout = k == cell::FOUT as usize;
        let vout = k == cell::VOUT as usize || k == cell::VOUT as usize + 1;
        match floats {
            Floats::F32 if fout => {
                // The upper half of a scalar f32 register is not a result.
                let (p, q) = (p as u32 as u64, q as u32 as u64);
                p == q || (is_nan(p, true) && is_nan(q, true))
            }
            Floats::F64 if fout => p == q || (is_nan(p, false) && is_nan(q, false)),
            Floats::V32 if vout => {
                let lanes = |v: u64| [v as u32 as u64, v >> 32];
                lanes(p)
                    .iter()
                    .zip(lanes(q))
                    .all(|(&p, q)| p == q || (is_nan(p, true) && is_nan(q, true)))
            }
            Floats::V64 if vout => p == q || (is_nan(p, false) && is_nan(q, false)),
            _ if fout && floats != Floats::None => true,
            _ => p == q,
        }
    })
}

/// Runs one operation on many operand sets on both ISAs.
pub struct Bench {
    machine: Machine,
    /// Operand sets run.
    pub cases: usize,
    state: u64,
}

impl Default for Bench {
    fn default() -> Self {
        Self::new()
    }
}

impl Bench {
    /// A bench with its own emulator.
    pub fn new() -> Bench {
        Bench {
            machine: Machine::new(8 * CELLS),
            cases: 0,
            state: 0x2545_f491_4f6c_dd1d,
        }
    }

    /// A pseudo-random word (xorshift64*).
    pub fn random(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Checks `name`'s program, assembled by `body` for each ISA, on each
    /// of `inputs`.
    pub fn check(
        &mut self,
        name: &str,
        floats: Floats,
        vectors: bool,
        inputs: &[[u64; CELLS]],
        body_x64: &dyn Fn(&mut X64Assembler),
        body_a64: &dyn Fn(&mut Aarch64Assembler),
    ) {
        let x = assemble::<X64Assembler>(vectors, body_x64);
        let a = assemble::<Aarch64Assembler>(vectors, body_a64);
        for cells in inputs {
            let want = run_x64(
                Assembled {
                    code: x.code.clone(),
                    trap_sites: x.trap_sites.clone(),
                    landings: x.landings.clone(),
                },
                *cells,
            );
            let got = run_a64(
                &mut self.machine,
                Assembled {
                    code: a.code.clone(),
                    trap_sites: a.trap_sites.clone(),
                    landings: a.landings.clone(),
                },
                *cells,
            );
            assert!(
                agree(&want, &got, floats),
                "{name}: x86_64 and AArch64 differ on {cells:x?}\n x86_64: {want:x?}\nAArch64: {got:x?}"
            );
            self.cases += 1;
        }
    }
}

/// The two closures [`Bench::check`] takes, from one generic emitter:
/// `pair!(emit, p)` calls `emit::<M>(m, p)` for each ISA.
#[macro_export]
macro_rules! pair {
    ($emit:ident, $p:expr) => {
        (
            &|m: &mut strata_jit::x64::X64Assembler| $emit(m, $p),
            &|m: &mut strata_jit::aarch64::Aarch64Assembler| $emit(m, $p),
        )
    };
}
