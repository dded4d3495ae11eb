//! The operations checked, one test per family, each over every variant of
//! its operation enum, with edge and random operands.

use crate::{at, cell, pair, Bench, Floats, Isa, CELLS};
use strata_jit::masm::*;

/// Integer edge values: zero, signs, widths, shift counts.
const INT_EDGES: [u64; 18] = [
    0,
    1,
    2,
    u64::MAX,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    i64::MAX as u64,
    i64::MIN as u64,
    0xffff_ffff_8000_0000,
    31,
    32,
    33,
    63,
    64,
    0x80,
    0xff,
];

/// Float edge values, as f64.
const FLOAT_EDGES: [f64; 24] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    2147483648.0,
    -2147483648.0,
    2147483647.0,
    -2147483649.0,
    4294967296.0,
    4294967295.5,
    9223372036854775808.0,
    -9223372036854775808.0,
    18446744073709551616.0,
    1e300,
    5e-324,
    -0.9999,
];

/// The bits of `v` in a register of `size`: f32 bits in the low half.
fn fbits(size: FSize, v: f64) -> u64 {
    match size {
        FSize::F32 => (v as f32).to_bits() as u64,
        FSize::F64 => v.to_bits(),
    }
}

/// Operand sets: every pair of integer edges (A, B), float edges (FA, FB)
/// of `fsize`, then `random` random sets; C, vectors and memory random.
fn inputs(b: &mut Bench, fsize: FSize, random: usize) -> Vec<[u64; CELLS]> {
    let mut sets = Vec::new();
    let mut fill = |b: &mut Bench, a: u64, bb: u64, fa: f64, fb: f64| {
        let mut c = [0u64; CELLS];
        for v in c.iter_mut() {
            *v = b.random();
        }
        c[cell::A as usize] = a;
        c[cell::B as usize] = bb;
        c[cell::FA as usize] = fbits(fsize, fa);
        c[cell::FB as usize] = fbits(fsize, fb);
        c[cell::OUT as usize] = 0;
        c[cell::FOUT as usize] = 0;
        sets.push(c);
    };
    for (i, &a) in INT_EDGES.iter().enumerate() {
        for (j, &bb) in INT_EDGES.iter().enumerate() {
            let fa = FLOAT_EDGES[(i + j) % FLOAT_EDGES.len()];
            let fb = FLOAT_EDGES[(i * 7 + j) % FLOAT_EDGES.len()];
            fill(b, a, bb, fa, fb);
        }
    }
    for (i, &fa) in FLOAT_EDGES.iter().enumerate() {
        for &fb in &FLOAT_EDGES {
            fill(b, INT_EDGES[i % INT_EDGES.len()], i as u64, fa, fb);
        }
    }
    for _ in 0..random {
        let (a, bb) = (b.random(), b.random());
        // Random floats of a useful range: values, not bit patterns.
        let fa = (b.random() as i64 as f64) / (1u64 << (b.random() % 64)) as f64;
        let fb = (b.random() as i64 as f64) / (1u64 << (b.random() % 64)) as f64;
        fill(b, a, bb, fa, fb);
    }
    sets
}

const SIZES: [Size; 2] = [Size::S32, Size::S64];
const FSIZES: [FSize; 2] = [FSize::F32, FSize::F64];
const CONDS: [Cond; 10] = [
    Cond::Eq,
    Cond::Ne,
    Cond::LtS,
    Cond::LtU,
    Cond::GtS,
    Cond::GtU,
    Cond::LeS,
    Cond::LeU,
    Cond::GeS,
    Cond::GeU,
];
const IMMS: [i32; 10] = [
    0,
    1,
    -1,
    4095,
    4096,
    -4097,
    0xff,
    0x0f0f_0f0f,
    i32::MIN,
    0x12345,
];

#[derive(Copy, Clone, Debug)]
enum Operand {
    Reg,
    Imm(i32),
    Mem,
}

fn src<M: Isa>(o: Operand) -> Src {
    match o {
        Operand::Reg => Src::Reg(M::B),
        Operand::Imm(i) => Src::Imm(i),
        Operand::Mem => Src::Mem(at::<M>(cell::B)),
    }
}

fn operands() -> Vec<Operand> {
    let mut v = vec![Operand::Reg, Operand::Mem];
    v.extend(IMMS.iter().map(|&i| Operand::Imm(i)));
    v
}

fn alu<M: Isa>(m: &mut M, p: &(AluOp, Size, Operand)) {
    m.alu(p.0, p.1, M::A, src::<M>(p.2));
}

#[test]
fn integer_alu() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 200);
    let ops = [
        AluOp::Add,
        AluOp::Sub,
        AluOp::And,
        AluOp::Or,
        AluOp::Xor,
        AluOp::Mul,
    ];
    for op in ops {
        for size in SIZES {
            for o in operands() {
                let p = (op, size, o);
                let (x, a) = pair!(alu, &p);
                b.check(&format!("{p:?}"), Floats::None, false, &sets, x, a);
            }
        }
    }
}

fn shift<M: Isa>(m: &mut M, p: &(ShiftOp, Size, Operand)) {
    m.shift(p.0, p.1, M::A, src::<M>(p.2));
}

#[test]
fn shifts_and_rotates() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 100);
    let ops = [
        ShiftOp::Shl,
        ShiftOp::ShrS,
        ShiftOp::ShrU,
        ShiftOp::Rotl,
        ShiftOp::Rotr,
    ];
    for op in ops {
        for size in SIZES {
            let mut os = vec![Operand::Reg, Operand::Mem];
            os.extend([0, 1, 5, 31, 32, 33, 63, 64, -1].map(Operand::Imm));
            for o in os {
                let p = (op, size, o);
                let (x, a) = pair!(shift, &p);
                b.check(&format!("{p:?}"), Floats::None, false, &sets, x, a);
            }
        }
    }
}

fn unary<M: Isa>(m: &mut M, p: &(u8, Size, u8)) {
    let bit = [BitOp::Clz, BitOp::Ctz, BitOp::Popcnt];
    let ext = [
        ExtendKind::S8To32,
        ExtendKind::S16To32,
        ExtendKind::S8To64,
        ExtendKind::S16To64,
        ExtendKind::S32To64,
        ExtendKind::U32To64,
    ];
    match p.0 {
        0 => m.bit(bit[p.2 as usize], p.1, M::A, M::B),
        _ => m.extend(ext[p.2 as usize], M::A, M::B),
    }
}

#[test]
fn bit_counts_and_extensions() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 300);
    for size in SIZES {
        for k in 0..3 {
            let (x, a) = pair!(unary, &(0, size, k));
            b.check(
                &format!("bit {k} {size:?}"),
                Floats::None,
                false,
                &sets,
                x,
                a,
            );
        }
    }
    for k in 0..6 {
        let (x, a) = pair!(unary, &(1, Size::S64, k));
        b.check(&format!("extend {k}"), Floats::None, false, &sets, x, a);
    }
}

fn compare<M: Isa>(m: &mut M, p: &(Cond, Size, Operand, u8)) {
    let (cond, size, o, form) = *p;
    match form {
        // set
        0 => {
            m.cmp(size, M::A, src::<M>(o));
            m.set(cond, M::A);
        }
        // jcc
        1 => {
            let (yes, end) = (m.new_label(), m.new_label());
            m.cmp(size, M::A, src::<M>(o));
            m.jcc(cond, yes);
            m.mov(Size::S64, M::A, Src::Imm(1));
            m.jmp(end);
            m.bind(yes);
            m.mov(Size::S64, M::A, Src::Imm(2));
            m.bind(end);
        }
        // trap_if
        _ => {
            m.cmp(size, M::A, src::<M>(o));
            m.trap_if(cond, 77);
        }
    }
}

#[test]
fn compares_sets_branches_and_conditional_traps() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 60);
    for cond in CONDS {
        for size in SIZES {
            for o in [
                Operand::Reg,
                Operand::Mem,
                Operand::Imm(-1),
                Operand::Imm(31),
            ] {
                for form in 0..3 {
                    let p = (cond, size, o, form);
                    let (x, a) = pair!(compare, &p);
                    b.check(&format!("{p:?}"), Floats::None, false, &sets, x, a);
                }
            }
        }
    }
}

fn misc<M: Isa>(m: &mut M, p: &(u8, Size, i32)) {
    let (form, size, k) = *p;
    match form {
        1 => m.select(size, M::A, M::C, M::B),
        2 => {
            // C as a condition: zero or not, by its low bit.
            m.alu(AluOp::And, Size::S32, M::C, Src::Imm(1));
            m.select(size, M::A, M::C, M::B);
        }
        3 => m.mov_imm64(M::A, (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        4 => {
            let labels: Vec<_> = (0..5).map(|_| m.new_label()).collect();
            let end = m.new_label();
            m.alu(AluOp::And, Size::S32, M::B, Src::Imm(3));
            m.jump_table(M::B, &labels[..4]);
            for (n, &l) in labels[..4].iter().enumerate() {
                m.bind(l);
                m.mov(Size::S64, M::A, Src::Imm(10 + n as i32));
                m.jmp(end);
            }
            m.bind(labels[4]);
            m.bind(end);
        }
        5 => {
            m.store_imm(size, at::<M>(cell::MEM), k);
            m.add_mem_imm(size, at::<M>(cell::MEM + 1), k);
            m.cmp_mem_imm(size, at::<M>(cell::MEM + 2), k);
            m.set(Cond::LtS, M::A);
        }
        6 => {
            // An address, made relative to the cells so both ISAs agree.
            m.alu(AluOp::And, Size::S64, M::B, Src::Imm(0xfff));
            m.lea(
                M::A,
                Mem {
                    base: M::BASE,
                    index: Some(M::B),
                    disp: k,
                },
            );
            m.alu(AluOp::Sub, Size::S64, M::A, Src::Reg(M::BASE));
        }
        _ => {
            m.push(M::A);
            m.push(M::B);
            m.pop(M::A);
            m.pop(M::C);
            m.alu(AluOp::Sub, Size::S64, M::A, Src::Reg(M::C));
        }
    }
}

#[test]
fn selects_constants_tables_counters_and_the_stack() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 50);
    for size in SIZES {
        for form in [1, 2, 5, 6, 7] {
            for k in [0, 1, -1, 4096, 0x12345, i32::MIN] {
                let p = (form, size, k);
                let (x, a) = pair!(misc, &p);
                b.check(&format!("misc {p:?}"), Floats::None, false, &sets, x, a);
            }
        }
    }
    for k in 0..64 {
        let (x, a) = pair!(misc, &(3, Size::S64, k));
        b.check(
            &format!("mov_imm64 {k}"),
            Floats::None,
            false,
            &sets[..4],
            x,
            a,
        );
    }
    let (x, a) = pair!(misc, &(4, Size::S64, 0));
    b.check("jump_table", Floats::None, false, &sets, x, a);
}

fn branch_zero<M: Isa>(m: &mut M, p: &(Size, bool)) {
    let (l, end) = (m.new_label(), m.new_label());
    m.branch_zero(p.0, M::B, p.1, l);
    m.mov(Size::S64, M::A, Src::Imm(1));
    m.jmp(end);
    m.bind(l);
    m.mov(Size::S64, M::A, Src::Imm(2));
    m.bind(end);
}

#[test]
fn branches_on_zero() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 50);
    for size in SIZES {
        for if_zero in [false, true] {
            let p = (size, if_zero);
            let (x, a) = pair!(branch_zero, &p);
            b.check(&format!("{p:?}"), Floats::None, false, &sets, x, a);
        }
    }
}

fn div<M: Isa>(m: &mut M, p: &(Size, bool, bool)) {
    let traps = DivTraps {
        by_zero: 11,
        overflow: 12,
    };
    m.div(p.0, p.1, p.2, M::A, M::A, M::B, traps);
}

#[test]
fn division_and_its_traps() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 300);
    for size in SIZES {
        for signed in [false, true] {
            for rem in [false, true] {
                let p = (size, signed, rem);
                let (x, a) = pair!(div, &p);
                b.check(&format!("div {p:?}"), Floats::None, false, &sets, x, a);
            }
        }
    }
}

fn memory<M: Isa>(m: &mut M, p: &(u8, u8, i32)) {
    let loads = [
        LoadKind::U8,
        LoadKind::S8To32,
        LoadKind::S8To64,
        LoadKind::U16,
        LoadKind::S16To32,
        LoadKind::S16To64,
        LoadKind::U32,
        LoadKind::S32To64,
        LoadKind::U64,
    ];
    let stores = [
        StoreKind::B8,
        StoreKind::B16,
        StoreKind::B32,
        StoreKind::B64,
    ];
    let (form, kind, disp) = *p;
    let direct = Mem::at(M::BASE, 8 * cell::MEM + disp);
    // The same address through an index register.
    m.mov(Size::S64, M::C, Src::Imm(8 * cell::MEM + disp - 3));
    let indexed = Mem {
        base: M::BASE,
        index: Some(M::C),
        disp: 3,
    };
    match form {
        0 => {
            m.load(loads[kind as usize], M::A, direct);
        }
        1 => {
            m.load(loads[kind as usize], M::A, indexed);
        }
        2 => {
            m.store(stores[kind as usize % 4], direct, M::B);
        }
        3 => {
            m.store(stores[kind as usize % 4], indexed, M::B);
        }
        4 => {
            m.fload([FSize::F32, FSize::F64][kind as usize % 2], M::FA, direct);
        }
        _ => {
            m.fstore([FSize::F32, FSize::F64][kind as usize % 2], indexed, M::FB);
        }
    }
}

#[test]
fn loads_and_stores() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 20);
    for form in 0..6 {
        for kind in 0..9 {
            for disp in [0, 1, 2, 3, 4, 7, 8] {
                let p = (form, kind, disp);
                let (x, a) = pair!(memory, &p);
                b.check(&format!("memory {p:?}"), Floats::None, false, &sets, x, a);
            }
        }
    }
}

fn float<M: Isa>(m: &mut M, p: &(u8, FSize, u8)) {
    let (form, size, k) = *p;
    let bins = [
        FBinOp::Add,
        FBinOp::Sub,
        FBinOp::Mul,
        FBinOp::Div,
        FBinOp::Min,
        FBinOp::Max,
        FBinOp::Copysign,
    ];
    let uns = [
        FUnOp::Abs,
        FUnOp::Neg,
        FUnOp::Sqrt,
        FUnOp::Ceil,
        FUnOp::Floor,
        FUnOp::Trunc,
        FUnOp::Nearest,
    ];
    let fconds = [
        FCond::Eq,
        FCond::Ne,
        FCond::Lt,
        FCond::Gt,
        FCond::Le,
        FCond::Ge,
    ];
    match form {
        0 => m.fbin(bins[k as usize], size, M::FA, M::FB),
        1 => {
            if !m.fbin_mem(bins[k as usize], size, M::FA, at::<M>(cell::FB)) {
                m.fbin(bins[k as usize], size, M::FA, M::FB);
            }
        }
        2 => m.fun(uns[k as usize], size, M::FA, M::FB),
        3 => m.fcmp_set(fconds[k as usize], size, M::A, M::FA, M::FB),
        4 => {
            m.fbits_to_gpr(size, M::A, M::FA);
            m.gpr_to_fbits(size, M::FA, M::B);
        }
        5 => {
            let from = [Size::S32, Size::S64][k as usize % 2];
            m.int_to_float(from, k < 2, size, M::FA, M::B);
        }
        6 => {
            let other = if size == FSize::F32 {
                FSize::F64
            } else {
                FSize::F32
            };
            // FB of `other` width is not set up: convert FA there and back.
            m.float_to_float(size, other, M::FB, M::FA);
            m.fmov(other, M::FA, M::FB);
            if k == 1 {
                m.float_to_float(other, size, M::FA, M::FB);
            }
        }
        _ => {
            let to = [Size::S32, Size::S64][k as usize % 2];
            let signed = k % 4 < 2;
            let traps = (k >= 4).then_some(TruncTraps {
                invalid: 21,
                overflow: 22,
            });
            m.float_to_int(size, to, signed, M::A, M::FB, traps);
        }
    }
}

#[test]
fn floats() {
    for size in FSIZES {
        let mut b = Bench::new();
        let sets = inputs(&mut b, size, 200);
        let fl = if size == FSize::F32 {
            Floats::F32
        } else {
            Floats::F64
        };
        let forms: [(u8, u8); 8] = [
            (0, 7),
            (1, 7),
            (2, 7),
            (3, 6),
            (4, 1),
            (5, 4),
            (6, 2),
            (7, 8),
        ];
        for (form, n) in forms {
            for k in 0..n {
                let p = (form, size, k);
                // Conversions to the other width leave FOUT in that width.
                let fl = match (form, k) {
                    (6, 0) if size == FSize::F32 => Floats::F64,
                    (6, 0) => Floats::F32,
                    _ => fl,
                };
                let (x, a) = pair!(float, &p);
                b.check(&format!("float {p:?}"), fl, false, &sets, x, a);
            }
        }
    }
}

fn sub_flags<M: Isa>(m: &mut M, p: &(Cond, Size, Operand)) {
    m.alu(AluOp::Sub, p.1, M::A, src::<M>(p.2));
    m.set(p.0, M::A);
}

/// `alu(Sub)` leaves the flags `cmp` would (the contract the fuel check
/// and 64-bit bounds checks rely on).
#[test]
fn subtraction_sets_the_flags_of_a_compare() {
    let mut b = Bench::new();
    let sets = inputs(&mut b, FSize::F64, 40);
    for cond in CONDS {
        for size in SIZES {
            for o in operands() {
                let p = (cond, size, o);
                let (x, a) = pair!(sub_flags, &p);
                b.check(&format!("sub then {p:?}"), Floats::None, false, &sets, x, a);
            }
        }
    }
}

/// Lane patterns for vectors: edges of integer and float lanes.
fn vector_inputs(b: &mut Bench, random: usize) -> Vec<[u64; CELLS]> {
    let mut base = inputs(b, FSize::F64, 0);
    base.truncate(64);
    let f32s = [
        0.0f32,
        -0.0,
        1.0,
        -1.5,
        2.5,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        2147483648.0,
        -2147483904.0,
        4294967296.0,
        1e-40,
    ];
    let f64s = FLOAT_EDGES;
    let words: [u64; 8] = [
        0,
        u64::MAX,
        0x8000_8000_8000_8000,
        0x7fff_7fff_7fff_7fff,
        0x8080_8080_8080_8080,
        0x7f7f_7f7f_7f7f_7f7f,
        0x0001_0002_0003_ffff,
        0x8000_0000_0000_0000,
    ];
    let mut sets = Vec::new();
    let mut push = |b: &mut Bench, va: [u64; 2], vb: [u64; 2]| {
        let mut c = base[sets.len() % base.len()];
        for v in c.iter_mut().skip(cell::MEM as usize) {
            *v = b.random();
        }
        c[cell::VA as usize] = va[0];
        c[cell::VA as usize + 1] = va[1];
        c[cell::VB as usize] = vb[0];
        c[cell::VB as usize + 1] = vb[1];
        c[cell::B as usize] = b.random() % 300;
        c[cell::VOUT as usize] = 0;
        c[cell::VOUT as usize + 1] = 0;
        sets.push(c);
    };
    let f32pair = |x: f32, y: f32| (x.to_bits() as u64) | (y.to_bits() as u64) << 32;
    for (i, &x) in f32s.iter().enumerate() {
        for (j, &y) in f32s.iter().enumerate() {
            let va = [f32pair(x, y), f32pair(y, x)];
            let vb = [
                f32pair(f32s[(i + j) % 12], y),
                f32pair(x, f32s[(i * 5 + j) % 12]),
            ];
            push(b, va, vb);
        }
    }
    for (i, &x) in f64s.iter().enumerate() {
        for &y in &f64s {
            let va = [x.to_bits(), y.to_bits()];
            let vb = [y.to_bits(), f64s[(i * 3 + 1) % f64s.len()].to_bits()];
            push(b, va, vb);
        }
    }
    for &x in &words {
        for &y in &words {
            push(b, [x, y], [y, x ^ 0x0123_4567_89ab_cdef]);
        }
    }
    for _ in 0..random {
        let (p, q, r, s) = (b.random(), b.random(), b.random(), b.random());
        push(b, [p, q], [r, s]);
    }
    sets
}

/// How a vector result is compared: float lanes (NaNs equal) where the
/// operation computes floats, since the ISAs propagate NaN payloads by
/// different rules; bit for bit otherwise (integers, masks, sign-bit
/// operations, conversions to integers, and `pmin`/`pmax`, which select).
fn vector_floats(name: &str) -> Floats {
    let computes = [
        "Add", "Sub", "Mul", "Div", "FMin", "FMax", "Sqrt", "Ceil", "Floor", "Trunc", "Nearest",
        "Promote", "Demote",
    ];
    let float = ["F32", "F64", "Promote", "Demote"]
        .iter()
        .any(|k| name.contains(k));
    if !float || !computes.iter().any(|k| name.contains(k)) || name.contains("TruncSat") {
        Floats::None
    } else if name.contains("Promote") {
        Floats::V64
    } else if name.contains("Demote") || name.contains("F32") {
        Floats::V32
    } else {
        Floats::V64
    }
}

fn vbin<M: Isa>(m: &mut M, op: &VBinOp) {
    m.vbin(*op, M::VA, M::VB);
}

fn vun<M: Isa>(m: &mut M, op: &VUnOp) {
    m.vun(*op, M::VA, M::VB);
}

#[test]
fn vector_binary_operations() {
    let mut b = Bench::new();
    let sets = vector_inputs(&mut b, 200);
    for op in VBinOp::all() {
        let name = format!("{op:?}");
        let (x, a) = pair!(vbin, &op);
        b.check(&name, vector_floats(&name), true, &sets, x, a);
    }
}

#[test]
fn vector_unary_operations() {
    let mut b = Bench::new();
    let sets = vector_inputs(&mut b, 200);
    for op in VUnOp::all() {
        let name = format!("{op:?}");
        let (x, a) = pair!(vun, &op);
        b.check(&name, vector_floats(&name), true, &sets, x, a);
    }
}

fn vlanes<M: Isa>(m: &mut M, p: &(u8, VLanes, u8)) {
    let (form, lanes, k) = *p;
    let shifts = [
        (VShiftOp::Shl8, 8),
        (VShiftOp::Shl16, 16),
        (VShiftOp::Shl32, 32),
        (VShiftOp::Shl64, 64),
        (VShiftOp::ShrU8, 8),
        (VShiftOp::ShrU16, 16),
        (VShiftOp::ShrU32, 32),
        (VShiftOp::ShrU64, 64),
        (VShiftOp::ShrS8, 8),
        (VShiftOp::ShrS16, 16),
        (VShiftOp::ShrS32, 32),
        (VShiftOp::ShrS64, 64),
    ];
    let tests = [
        VTestOp::AnyTrue,
        VTestOp::AllTrue(lanes),
        VTestOp::BitmaskI8,
        VTestOp::BitmaskI16,
        VTestOp::BitmaskI32,
        VTestOp::BitmaskI64,
    ];
    let loads = VLoadKind::ALL;
    match form {
        // Shift counts as the lowering gives them: below the lane width.
        0 => {
            let (op, width) = shifts[k as usize];
            m.alu(AluOp::And, Size::S32, M::B, Src::Imm(width - 1));
            m.gpr_to_fbits(FSize::F64, M::FB, M::B);
            m.vshift(op, M::VA, M::FB);
        }
        1 => m.vsplat(lanes, M::VA, M::B),
        2 => m.vextract(lanes, M::A, M::VB, k),
        3 => m.vinsert(lanes, M::VA, M::B, k),
        4 => m.vtest(tests[k as usize], M::A, M::VB),
        5 => m.vswizzle(M::VA, M::VB),
        6 => m.vbitselect(M::VA, M::VB, at::<M>(cell::MASK)),
        7 => {
            m.vload_kind(
                loads[k as usize],
                M::VA,
                Mem::at(M::BASE, 8 * cell::MEM + 3),
            );
        }
        8 => {
            m.vload(M::VA, Mem::at(M::BASE, 8 * cell::MEM + k as i32));
            m.vstore(Mem::at(M::BASE, 8 * cell::MEM + 1), M::VB);
        }
        _ => {
            // A shuffle picked by k: lanes from VA only, VB only, or both.
            let lanes: [u8; 16] = std::array::from_fn(|i| {
                let i = i as u8;
                match k % 3 {
                    0 => (i * 5 + k) % 16,
                    1 => 16 + (i * 3 + k) % 16,
                    _ => (i * 7 + k * 11) % 32,
                }
            });
            m.vshuffle(M::VA, M::VB, lanes);
        }
    }
}

#[test]
fn vector_lanes_shifts_tests_shuffles_and_memory() {
    let mut b = Bench::new();
    let sets = vector_inputs(&mut b, 100);
    let all = [VLanes::I8, VLanes::I16, VLanes::I32, VLanes::I64];
    let run = |b: &mut Bench, p: (u8, VLanes, u8)| {
        let (x, a) = pair!(vlanes, &p);
        b.check(&format!("lanes {p:?}"), Floats::None, true, &sets, x, a);
    };
    for k in 0..12 {
        run(&mut b, (0, VLanes::I8, k));
    }
    for (lanes, count) in all.into_iter().zip([16, 8, 4, 2]) {
        run(&mut b, (1, lanes, 0));
        for k in 0..count {
            run(&mut b, (2, lanes, k));
            run(&mut b, (3, lanes, k));
        }
        run(&mut b, (4, lanes, 1));
    }
    for k in [0, 2, 3, 4, 5] {
        run(&mut b, (4, VLanes::I8, k));
    }
    run(&mut b, (5, VLanes::I8, 0));
    run(&mut b, (6, VLanes::I8, 0));
    for k in 0..8 {
        run(&mut b, (7, VLanes::I8, k));
    }
    for k in [0, 1, 5, 8] {
        run(&mut b, (8, VLanes::I8, k));
    }
    for k in 0..9 {
        run(&mut b, (9, VLanes::I8, k));
    }
}
