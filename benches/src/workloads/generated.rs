//! A generator of large modules: thousands of functions of mixed integer,
//! float, memory and control-flow code, deterministic for a given shape, so
//! compile times are measured on the same bytes every time.
//!
//! Every function has type `(i32, i32) -> i32`; the first [`LEAVES`] make no
//! calls and the others call only those, so running the module stays cheap.
//! `run(n)` calls every function once through the table and folds their
//! results, which lets engines be checked against each other.

use std::fmt::Write;

/// How big a generated module is.
#[derive(Copy, Clone, Debug)]
pub struct Shape {
    /// Number of functions besides `run`.
    pub funcs: u32,
    /// Statements per function are drawn from `min_stmts..=max_stmts`.
    pub min_stmts: u32,
    /// See `min_stmts`.
    pub max_stmts: u32,
    /// Seed of the generator.
    pub seed: u64,
}

/// About 2.5 MB of code in 4000 functions.
pub const LARGE: Shape = Shape {
    funcs: 4000,
    min_stmts: 10,
    max_stmts: 70,
    seed: 0x5eed_1a26e,
};

/// About a tenth of [`LARGE`].
pub const MEDIUM: Shape = Shape {
    funcs: 400,
    min_stmts: 10,
    max_stmts: 70,
    seed: 0x5eed_3ed1,
};

/// Functions that make no calls.
const LEAVES: u32 = 16;

/// xorshift64*: a fixed stream, independent of any crate's versioning.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() >> 33) as u32 % n
    }
}

/// The module of `shape`, as binary wasm.
pub fn module(shape: Shape) -> Vec<u8> {
    wat::parse_str(text(shape)).expect("the generator emits valid WAT")
}

/// The module of `shape`, as WAT text.
pub fn text(shape: Shape) -> String {
    let mut rng = Rng(shape.seed | 1);
    let mut out = String::with_capacity(shape.funcs as usize * 1200);
    out.push_str("(module\n  (type $t (func (param i32 i32) (result i32)))\n");
    out.push_str("  (memory 2)\n  (global $g (mut i32) (i32.const 0))\n");
    let _ = writeln!(out, "  (table {} funcref)", shape.funcs);
    out.push_str("  (elem (i32.const 0)");
    for f in 0..shape.funcs {
        let _ = write!(out, " $f{f}");
    }
    out.push_str(")\n  (data (i32.const 1024) \"generated module data segment\")\n");
    for f in 0..shape.funcs {
        function(&mut out, &mut rng, f, shape);
    }
    let _ = writeln!(
        out,
        "  (func (export \"run\") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (loop $next
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31))
        (i64.extend_i32_u (call_indirect (type $t)
          (i32.add (i32.wrap_i64 (local.get $acc)) (local.get $n)) (local.get $i) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const {}))))
    (local.get $acc)))",
        shape.funcs
    );
    out
}

fn function(out: &mut String, rng: &mut Rng, index: u32, shape: Shape) {
    let _ = writeln!(
        out,
        "  (func $f{index} (type $t) (local $x i32) (local $i i32) (local $y i64) (local $f f64)"
    );
    out.push_str("    (local.set $x (i32.xor (local.get 0) (local.get 1)))\n");
    let stmts = shape.min_stmts + rng.below(shape.max_stmts - shape.min_stmts + 1);
    for _ in 0..stmts {
        statement(out, rng, index);
    }
    out.push_str(
        "    (i32.add (i32.add (local.get $x) (i32.wrap_i64 (local.get $y)))
      (i32.wrap_i64 (i64.reinterpret_f64 (local.get $f)))))\n",
    );
}

/// One statement; parameters 0 and 1 and the locals are all i32 but `$y`
/// (i64) and `$f` (f64).
fn statement(out: &mut String, rng: &mut Rng, index: u32) {
    let k = rng.below(1 << 16);
    let kinds = if index < LEAVES { 11 } else { 12 };
    let s = match rng.below(kinds) {
        0 => {
            const OPS: [&str; 9] = [
                "add", "sub", "mul", "xor", "and", "or", "shl", "shr_u", "rotl",
            ];
            let op = OPS[rng.below(9) as usize];
            let rhs = match rng.below(3) {
                0 => "(local.get 0)".to_string(),
                1 => "(local.get 1)".to_string(),
                _ => format!("(i32.const {k})"),
            };
            format!("(local.set $x (i32.{op} (local.get $x) {rhs}))")
        }
        1 => {
            let op = ["add", "mul", "xor"][rng.below(3) as usize];
            format!("(local.set $y (i64.{op} (local.get $y) (i64.extend_i32_u (local.get $x))))")
        }
        2 => format!(
            "(local.set $f (f64.add (f64.mul (local.get $f) (f64.const 0.{k})) \
             (f64.convert_i32_s (local.get $x))))"
        ),
        3 => format!(
            "(i32.store offset={} (i32.and (local.get 0) (i32.const 0xfffc)) (local.get $x))",
            k % 60_000
        ),
        4 => format!(
            "(local.set $x (i32.add (local.get $x) \
             (i32.load offset={} (i32.and (local.get 1) (i32.const 0xfffc)))))",
            k % 60_000
        ),
        5 => format!(
            "(if (i32.gt_s (local.get $x) (local.get 1)) \
             (then (local.set 0 (i32.add (local.get 0) (i32.const {k})))) \
             (else (local.set 1 (i32.xor (local.get 1) (local.get $x)))))"
        ),
        6 => format!(
            "(local.set $i (i32.const 0)) (loop $l (local.set $x (i32.add (i32.mul (local.get $x) \
             (i32.const 31)) (local.get $i))) (local.set $i (i32.add (local.get $i) (i32.const 1))) \
             (br_if $l (i32.lt_u (local.get $i) (i32.const {}))))",
            2 + k % 5
        ),
        7 => format!(
            "(block $e (block $c2 (block $c1 (block $c0 (br_table $c0 $c1 $c2 $e \
             (i32.and (local.get $x) (i32.const 3)))) \
             (local.set $x (i32.add (local.get $x) (i32.const {k}))) (br $e)) \
             (local.set $x (i32.mul (local.get $x) (i32.const 3))) (br $e)) \
             (local.set $x (i32.xor (local.get $x) (i32.const {}))))",
            k ^ 0x5555
        ),
        8 => "(global.set $g (i32.add (global.get $g) (local.get $x)))".to_string(),
        9 => "(local.set $x (i32.div_u (local.get $x) (i32.or (local.get 1) (i32.const 1))))"
            .to_string(),
        10 => "(local.set $x (select (local.get 0) (local.get 1) \
               (i32.and (local.get $x) (i32.const 1))))"
            .to_string(),
        _ => format!(
            "(local.set $x (i32.add (local.get $x) (call $f{} (local.get $x) (local.get 0))))",
            rng.below(LEAVES)
        ),
    };
    out.push_str("    ");
    out.push_str(&s);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::{module, MEDIUM};

    #[test]
    fn generated_modules_are_deterministic_and_valid() {
        let a = module(MEDIUM);
        assert_eq!(a, module(MEDIUM));
        strata_accepts(&a);
    }

    /// Strata validates the module fully when compiling it.
    fn strata_accepts(wasm: &[u8]) {
        let engine = strata::Engine::default();
        strata::Module::new(&engine, wasm).expect("generated module validates");
    }
}
