//! The interpreter's dispatch runs in constant native stack: under the
//! threaded dispatch (opt-level 2 and 3) each handler passes control to the
//! next by a jump, so a long loop, deep recursion and every kind of
//! instruction (every SIMD instruction included) run on a small thread. A
//! handler whose call in tail position stayed a call would grow the stack
//! by a frame per instruction and overflow here; CI runs these tests in the
//! `release` profile (threaded) and the `test` profile (portable). Each
//! case runs in a child process, since that failure kills the process.

mod common;

use common::in_child_process;
use strata::{Config, Engine, Linker, Module, Store, Strategy};

/// Far smaller than what one native frame per instruction would need.
const SMALL_STACK: usize = 1 << 20;

fn on_small_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("thread finishes")
}

/// Calls `name(arg)` of `wat` under `config` on a small thread.
fn run(config: Config, wat: &'static str, name: &'static str, arg: i32) -> i64 {
    on_small_thread(move || {
        let engine = Engine::new(&config).expect("engine");
        let module = Module::new(&engine, wat).expect("module compiles");
        let mut store = Store::new(&engine, ());
        store.set_fuel(u64::MAX).ok();
        store.set_epoch_deadline(u64::MAX / 2);
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .expect("instantiates");
        let f = instance
            .get_typed_func::<i32, i64>(&mut store, name)
            .expect("export");
        f.call(&mut store, arg).expect("runs to the end")
    })
}

fn interpreter() -> Config {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    config
}

/// With fuel and epochs on, back-edges take their watched path.
fn interpreter_guarded() -> Config {
    let mut config = interpreter();
    config.consume_fuel(true).epoch_interruption(true);
    config
}

const COUNT: &str = r#"(module
  (func (export "count") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (loop $next
      (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))"#;

#[test]
fn hundred_million_back_edges_run_in_constant_stack() {
    in_child_process("hundred_million_back_edges_run_in_constant_stack", || {
        let n: i64 = 100_000_000;
        assert_eq!(
            run(interpreter(), COUNT, "count", n as i32),
            n * (n - 1) / 2
        );
    });
}

#[test]
fn watched_back_edges_run_in_constant_stack() {
    in_child_process("watched_back_edges_run_in_constant_stack", || {
        let n: i64 = 10_000_000;
        let sum = run(interpreter_guarded(), COUNT, "count", n as i32);
        assert_eq!(sum, n * (n - 1) / 2);
    });
}

const RECURSE: &str = r#"(module
  (func $down (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func (export "down") (param i32) (result i64)
    (i64.extend_i32_u (call $down (local.get 0)))))"#;

#[test]
fn deep_recursion_runs_in_constant_stack() {
    in_child_process("deep_recursion_runs_in_constant_stack", || {
        let mut config = interpreter();
        config.max_call_depth(1_000_000).max_value_stack(4 << 20);
        assert_eq!(run(config, RECURSE, "down", 200_000), 200_000);
    });
}

/// One loop iteration runs an instance of nearly every kind of instruction
/// the translator emits: arithmetic, comparisons, conversions, every load
/// and store width (a wide offset too), globals, `select`, forward
/// branches taken and not, `br_table`, direct, indirect and multi-value
/// calls, bulk memory and table operations.
const MIX: &str = r#"(module
  (memory 2)
  (global $g (mut i64) (i64.const 3))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $id $id)
  (type $unary (func (param i32) (result i32)))
  (func $id (type $unary) (local.get 0))
  (func $pair (param i32) (result i32 i64)
    (local.get 0) (i64.extend_i32_s (local.get 0)))
  (func $nothing)
  (func (export "mix") (param $n i32) (result i64)
    (local $i i32) (local $x i64) (local $y i32) (local $f f64) (local $s f32)
    (local.set $f (f64.const 1.5))
    (local.set $s (f32.const 2.25))
    (loop $next
      ;; integers
      (local.set $y (i32.add (local.get $i) (i32.const 7)))
      (local.set $y (i32.mul (i32.sub (local.get $y) (i32.const 1)) (i32.const 3)))
      (local.set $y (i32.xor (i32.or (i32.and (local.get $y) (i32.const 0xff)) (i32.const 1)) (local.get $i)))
      (local.set $y (i32.rotl (i32.shl (local.get $y) (i32.const 3)) (i32.const 5)))
      (local.set $y (i32.rotr (i32.shr_s (local.get $y) (i32.const 1)) (i32.const 2)))
      (local.set $y (i32.add (i32.shr_u (local.get $y) (i32.const 4)) (i32.clz (local.get $y))))
      (local.set $y (i32.add (i32.ctz (local.get $y)) (i32.popcnt (local.get $y))))
      (local.set $y (i32.add (i32.div_s (local.get $y) (i32.const 3)) (i32.div_u (local.get $y) (i32.const 5))))
      (local.set $y (i32.add (i32.rem_s (local.get $y) (i32.const 7)) (i32.rem_u (local.get $y) (i32.const 9))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $y))))
      (local.set $x (i64.mul (i64.sub (local.get $x) (i64.const 1)) (i64.const 3)))
      (local.set $x (i64.xor (i64.or (i64.and (local.get $x) (i64.const 0xffff)) (i64.const 1)) (i64.const 5)))
      (local.set $x (i64.rotl (i64.shl (local.get $x) (i64.const 3)) (i64.const 5)))
      (local.set $x (i64.rotr (i64.shr_s (local.get $x) (i64.const 1)) (i64.const 2)))
      (local.set $x (i64.add (i64.shr_u (local.get $x) (i64.const 4)) (i64.clz (local.get $x))))
      (local.set $x (i64.add (i64.ctz (local.get $x)) (i64.popcnt (local.get $x))))
      (local.set $x (i64.add (i64.div_s (local.get $x) (i64.const 3)) (i64.div_u (local.get $x) (i64.const 5))))
      (local.set $x (i64.add (i64.rem_s (local.get $x) (i64.const 7)) (i64.rem_u (local.get $x) (i64.const 9))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_s (i32.wrap_i64 (local.get $x)))))
      (local.set $x (i64.add (local.get $x) (i64.extend8_s (local.get $x))))
      (local.set $x (i64.add (i64.extend16_s (local.get $x)) (i64.extend32_s (local.get $x))))
      (local.set $y (i32.add (i32.extend8_s (local.get $y)) (i32.extend16_s (local.get $y))))
      ;; comparisons as values
      (local.set $y (i32.add (local.get $y) (i32.add (i32.eqz (local.get $y)) (i32.eq (local.get $y) (i32.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i32.ne (local.get $y) (i32.const 3)) (i32.lt_s (local.get $y) (i32.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i32.lt_u (local.get $y) (i32.const 3)) (i32.gt_s (local.get $y) (i32.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i32.gt_u (local.get $y) (i32.const 3)) (i32.le_s (local.get $y) (i32.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i32.le_u (local.get $y) (i32.const 3)) (i32.ge_s (local.get $y) (i32.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i32.ge_u (local.get $y) (i32.const 3)) (i64.eqz (local.get $x)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i64.eq (local.get $x) (i64.const 3)) (i64.ne (local.get $x) (i64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i64.lt_s (local.get $x) (i64.const 3)) (i64.lt_u (local.get $x) (i64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i64.gt_s (local.get $x) (i64.const 3)) (i64.gt_u (local.get $x) (i64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i64.le_s (local.get $x) (i64.const 3)) (i64.le_u (local.get $x) (i64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (i64.ge_s (local.get $x) (i64.const 3)) (i64.ge_u (local.get $x) (i64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (f64.eq (local.get $f) (f64.const 3)) (f64.ne (local.get $f) (f64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (f64.lt (local.get $f) (f64.const 3)) (f64.gt (local.get $f) (f64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (f64.le (local.get $f) (f64.const 3)) (f64.ge (local.get $f) (f64.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (f32.eq (local.get $s) (f32.const 3)) (f32.ne (local.get $s) (f32.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (f32.lt (local.get $s) (f32.const 3)) (f32.gt (local.get $s) (f32.const 3)))))
      (local.set $y (i32.add (local.get $y) (i32.add (f32.le (local.get $s) (f32.const 3)) (f32.ge (local.get $s) (f32.const 3)))))
      ;; floats and conversions
      (local.set $f (f64.add (f64.mul (local.get $f) (f64.const 1.0001)) (f64.convert_i32_s (local.get $y))))
      (local.set $f (f64.div (f64.sub (local.get $f) (f64.convert_i64_u (local.get $x))) (f64.const 3)))
      (local.set $f (f64.max (f64.min (local.get $f) (f64.const 1e6)) (f64.const -1e6)))
      (local.set $f (f64.add (f64.sqrt (f64.abs (local.get $f))) (f64.neg (f64.ceil (local.get $f)))))
      (local.set $f (f64.add (f64.floor (local.get $f)) (f64.copysign (f64.trunc (local.get $f)) (f64.nearest (local.get $f)))))
      (local.set $f (f64.add (local.get $f) (f64.add (f64.convert_i32_u (local.get $y)) (f64.convert_i64_s (local.get $x)))))
      (local.set $s (f32.add (f32.mul (local.get $s) (f32.const 1.5)) (f32.demote_f64 (local.get $f))))
      (local.set $s (f32.div (f32.sub (local.get $s) (f32.convert_i32_s (local.get $y))) (f32.const 3)))
      (local.set $s (f32.max (f32.min (local.get $s) (f32.const 1e6)) (f32.const -1e6)))
      (local.set $s (f32.add (f32.sqrt (f32.abs (local.get $s))) (f32.neg (f32.ceil (local.get $s)))))
      (local.set $s (f32.add (f32.floor (local.get $s)) (f32.copysign (f32.trunc (local.get $s)) (f32.nearest (local.get $s)))))
      (local.set $s (f32.add (local.get $s) (f32.add (f32.convert_i32_u (local.get $y)) (f32.convert_i64_s (local.get $x)))))
      (local.set $s (f32.add (local.get $s) (f32.convert_i64_u (local.get $x))))
      (local.set $f (f64.add (local.get $f) (f64.promote_f32 (local.get $s))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_f64_s (f64.const 12.5))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_f64_u (f64.const 12.5))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_f32_s (f32.const 12.5))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_f32_u (f32.const 12.5))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_f64_s (f64.const 12.5))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_f64_u (f64.const 12.5))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_f32_s (f32.const 12.5))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_f32_u (f32.const 12.5))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_sat_f64_s (local.get $f))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_sat_f64_u (local.get $f))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_sat_f32_s (local.get $s))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_sat_f32_u (local.get $s))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_sat_f64_s (local.get $f))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_sat_f64_u (local.get $f))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_sat_f32_s (local.get $s))))
      (local.set $x (i64.add (local.get $x) (i64.trunc_sat_f32_u (local.get $s))))
      (local.set $y (i32.add (local.get $y) (i32.reinterpret_f32 (local.get $s))))
      (local.set $x (i64.add (local.get $x) (i64.reinterpret_f64 (local.get $f))))
      (local.set $f (f64.reinterpret_i64 (i64.and (local.get $x) (i64.const 0x3fffffffffffffff))))
      (local.set $s (f32.reinterpret_i32 (i32.and (local.get $y) (i32.const 0x3fffffff))))
      ;; memory, every width, and a wide offset
      (i32.store (i32.const 0) (local.get $y))
      (i64.store (i32.const 8) (local.get $x))
      (f32.store (i32.const 16) (local.get $s))
      (f64.store (i32.const 24) (local.get $f))
      (i32.store8 (i32.const 32) (local.get $y))
      (i32.store16 (i32.const 34) (local.get $y))
      (i64.store8 (i32.const 36) (local.get $x))
      (i64.store16 (i32.const 38) (local.get $x))
      (i64.store32 (i32.const 40) (local.get $x))
      (i64.store offset=70000 (i32.const 8) (local.get $x))
      (local.set $y (i32.add (local.get $y) (i32.load (i32.const 0))))
      (local.set $x (i64.add (local.get $x) (i64.load (i32.const 8))))
      (local.set $s (f32.add (local.get $s) (f32.load (i32.const 16))))
      (local.set $f (f64.add (local.get $f) (f64.load (i32.const 24))))
      (local.set $y (i32.add (i32.load8_s (i32.const 32)) (i32.load8_u (i32.const 32))))
      (local.set $y (i32.add (i32.load16_s (i32.const 34)) (i32.load16_u (i32.const 34))))
      (local.set $x (i64.add (i64.load8_s (i32.const 36)) (i64.load8_u (i32.const 36))))
      (local.set $x (i64.add (i64.load16_s (i32.const 38)) (i64.load16_u (i32.const 38))))
      (local.set $x (i64.add (i64.load32_s (i32.const 40)) (i64.load32_u (i32.const 40))))
      (local.set $x (i64.add (local.get $x) (i64.load offset=70000 (i32.const 8))))
      (memory.fill (i32.const 64) (local.get $y) (i32.const 16))
      (memory.copy (i32.const 128) (i32.const 64) (i32.const 16))
      (local.set $y (i32.add (local.get $y) (memory.size)))
      ;; globals, select, forward branches, br_table
      (global.set $g (i64.add (global.get $g) (local.get $x)))
      (local.set $x (select (local.get $x) (global.get $g) (i32.and (local.get $i) (i32.const 1))))
      (block $skip
        (br_if $skip (i32.eqz (i32.and (local.get $i) (i32.const 1))))
        (local.set $y (i32.add (local.get $y) (i32.const 1))))
      (block $never
        (br_if $never (i32.eq (local.get $i) (i32.const -1)))
        (br_if $never (local.get $n))
        (local.set $y (i32.const 0)))
      (block $a (block $b (block $c
        (br_table $a $b $c (i32.rem_u (local.get $i) (i32.const 3))))
        (local.set $y (i32.add (local.get $y) (i32.const 1))))
        (local.set $y (i32.add (local.get $y) (i32.const 2))))
      ;; calls
      (call $nothing)
      (local.set $y (call $id (local.get $y)))
      (local.set $y (call_indirect $t (type $unary) (local.get $y) (i32.and (local.get $i) (i32.const 1))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (call $pair (local.get $y)) (drop))))
      (local.set $y (i32.add (local.get $y) (table.size $t)))
      (local.set $y (i32.add (local.get $y) (ref.is_null (table.get $t (i32.const 0)))))
      (local.set $y (i32.add (local.get $y) (ref.is_null (ref.func $id))))
      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $y))))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $x)))"#;

#[test]
fn every_kind_of_instruction_runs_in_constant_stack() {
    in_child_process("every_kind_of_instruction_runs_in_constant_stack", || {
        let n = 200_000;
        let interpreted = run(interpreter(), MIX, "mix", n);
        let guarded = run(interpreter_guarded(), MIX, "mix", n);
        assert_eq!(interpreted, guarded);
        // Compiled code, which does not use the dispatch, agrees.
        let mut jit = Config::new();
        jit.strategy(Strategy::Jit);
        if Engine::new(&jit).is_ok() {
            assert_eq!(run(jit, MIX, "mix", n), interpreted);
        }
    });
}

/// One loop iteration runs every SIMD instruction: each lane operation (a
/// handler of its own in the threaded dispatch), shuffles, every kind of
/// load and store, lane loads and stores, `select`, globals and copies of
/// vectors.
const SIMD: &str = r#"(module
  (memory 2)
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (func (export "simd") (param $n i32) (result i64)
    (local $i i32) (local $y i32) (local $v v128) (local $w v128)
    (v128.store (i32.const 0) (v128.const i32x4 0x01020304 -5 0x7f00ff80 1000))
    (v128.store (i32.const 16) (v128.const f32x4 1.5 -2.25 3e9 -0.5))
    (loop $next
      (local.set $v (v128.load (i32.const 0)))
      (local.set $w (v128.load offset=16 (i32.const 0)))
      (local.set $v (v128.not (local.get $v)))
      (local.set $v (i8x16.abs (local.get $v)))
      (local.set $v (i8x16.neg (local.get $v)))
      (local.set $v (i8x16.popcnt (local.get $v)))
      (local.set $v (i16x8.extadd_pairwise_i8x16_s (local.get $v)))
      (local.set $v (i16x8.extadd_pairwise_i8x16_u (local.get $v)))
      (local.set $v (i16x8.abs (local.get $v)))
      (local.set $v (i16x8.neg (local.get $v)))
      (local.set $v (i16x8.extend_low_i8x16_s (local.get $v)))
      (local.set $v (i16x8.extend_high_i8x16_s (local.get $v)))
      (local.set $v (i16x8.extend_low_i8x16_u (local.get $v)))
      (local.set $v (i16x8.extend_high_i8x16_u (local.get $v)))
      (local.set $v (i32x4.extadd_pairwise_i16x8_s (local.get $v)))
      (local.set $v (i32x4.extadd_pairwise_i16x8_u (local.get $v)))
      (local.set $v (i32x4.abs (local.get $v)))
      (local.set $v (i32x4.neg (local.get $v)))
      (local.set $v (i32x4.extend_low_i16x8_s (local.get $v)))
      (local.set $v (i32x4.extend_high_i16x8_s (local.get $v)))
      (local.set $v (i32x4.extend_low_i16x8_u (local.get $v)))
      (local.set $v (i32x4.extend_high_i16x8_u (local.get $v)))
      (local.set $v (i64x2.abs (local.get $v)))
      (local.set $v (i64x2.neg (local.get $v)))
      (local.set $v (i64x2.extend_low_i32x4_s (local.get $v)))
      (local.set $v (i64x2.extend_high_i32x4_s (local.get $v)))
      (local.set $v (i64x2.extend_low_i32x4_u (local.get $v)))
      (local.set $v (i64x2.extend_high_i32x4_u (local.get $v)))
      (local.set $v (f32x4.ceil (local.get $v)))
      (local.set $v (f32x4.floor (local.get $v)))
      (local.set $v (f32x4.trunc (local.get $v)))
      (local.set $v (f32x4.nearest (local.get $v)))
      (local.set $v (f32x4.abs (local.get $v)))
      (local.set $v (f32x4.neg (local.get $v)))
      (local.set $v (f32x4.sqrt (local.get $v)))
      (local.set $v (f64x2.ceil (local.get $v)))
      (local.set $v (f64x2.floor (local.get $v)))
      (local.set $v (f64x2.trunc (local.get $v)))
      (local.set $v (f64x2.nearest (local.get $v)))
      (local.set $v (f64x2.abs (local.get $v)))
      (local.set $v (f64x2.neg (local.get $v)))
      (local.set $v (f64x2.sqrt (local.get $v)))
      (local.set $v (i32x4.trunc_sat_f32x4_s (local.get $v)))
      (local.set $v (i32x4.trunc_sat_f32x4_u (local.get $v)))
      (local.set $v (f32x4.convert_i32x4_s (local.get $v)))
      (local.set $v (f32x4.convert_i32x4_u (local.get $v)))
      (local.set $v (i32x4.trunc_sat_f64x2_s_zero (local.get $v)))
      (local.set $v (i32x4.trunc_sat_f64x2_u_zero (local.get $v)))
      (local.set $v (f64x2.convert_low_i32x4_s (local.get $v)))
      (local.set $v (f64x2.convert_low_i32x4_u (local.get $v)))
      (local.set $v (f32x4.demote_f64x2_zero (local.get $v)))
      (local.set $v (f64x2.promote_low_f32x4 (local.get $v)))
      (local.set $v (i32x4.relaxed_trunc_f32x4_s (local.get $v)))
      (local.set $v (i32x4.relaxed_trunc_f32x4_u (local.get $v)))
      (local.set $v (i32x4.relaxed_trunc_f64x2_s_zero (local.get $v)))
      (local.set $v (i32x4.relaxed_trunc_f64x2_u_zero (local.get $v)))
      (local.set $v (i8x16.swizzle (local.get $v) (local.get $w)))
      (local.set $v (i8x16.eq (local.get $v) (local.get $w)))
      (local.set $v (i8x16.ne (local.get $v) (local.get $w)))
      (local.set $v (i8x16.lt_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.lt_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.gt_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.gt_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.le_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.le_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.ge_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.ge_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.eq (local.get $v) (local.get $w)))
      (local.set $v (i16x8.ne (local.get $v) (local.get $w)))
      (local.set $v (i16x8.lt_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.lt_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.gt_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.gt_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.le_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.le_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.ge_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.ge_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.eq (local.get $v) (local.get $w)))
      (local.set $v (i32x4.ne (local.get $v) (local.get $w)))
      (local.set $v (i32x4.lt_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.lt_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.gt_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.gt_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.le_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.le_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.ge_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.ge_u (local.get $v) (local.get $w)))
      (local.set $v (i64x2.eq (local.get $v) (local.get $w)))
      (local.set $v (i64x2.ne (local.get $v) (local.get $w)))
      (local.set $v (i64x2.lt_s (local.get $v) (local.get $w)))
      (local.set $v (i64x2.gt_s (local.get $v) (local.get $w)))
      (local.set $v (i64x2.le_s (local.get $v) (local.get $w)))
      (local.set $v (i64x2.ge_s (local.get $v) (local.get $w)))
      (local.set $v (f32x4.eq (local.get $v) (local.get $w)))
      (local.set $v (f32x4.ne (local.get $v) (local.get $w)))
      (local.set $v (f32x4.lt (local.get $v) (local.get $w)))
      (local.set $v (f32x4.gt (local.get $v) (local.get $w)))
      (local.set $v (f32x4.le (local.get $v) (local.get $w)))
      (local.set $v (f32x4.ge (local.get $v) (local.get $w)))
      (local.set $v (f64x2.eq (local.get $v) (local.get $w)))
      (local.set $v (f64x2.ne (local.get $v) (local.get $w)))
      (local.set $v (f64x2.lt (local.get $v) (local.get $w)))
      (local.set $v (f64x2.gt (local.get $v) (local.get $w)))
      (local.set $v (f64x2.le (local.get $v) (local.get $w)))
      (local.set $v (f64x2.ge (local.get $v) (local.get $w)))
      (local.set $v (v128.and (local.get $v) (local.get $w)))
      (local.set $v (v128.andnot (local.get $v) (local.get $w)))
      (local.set $v (v128.or (local.get $v) (local.get $w)))
      (local.set $v (v128.xor (local.get $v) (local.get $w)))
      (local.set $v (i8x16.narrow_i16x8_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.narrow_i16x8_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.add (local.get $v) (local.get $w)))
      (local.set $v (i8x16.add_sat_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.add_sat_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.sub (local.get $v) (local.get $w)))
      (local.set $v (i8x16.sub_sat_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.sub_sat_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.min_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.min_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.max_s (local.get $v) (local.get $w)))
      (local.set $v (i8x16.max_u (local.get $v) (local.get $w)))
      (local.set $v (i8x16.avgr_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.q15mulr_sat_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.narrow_i32x4_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.narrow_i32x4_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.add (local.get $v) (local.get $w)))
      (local.set $v (i16x8.add_sat_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.add_sat_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.sub (local.get $v) (local.get $w)))
      (local.set $v (i16x8.sub_sat_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.sub_sat_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.mul (local.get $v) (local.get $w)))
      (local.set $v (i16x8.min_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.min_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.max_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.max_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.avgr_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.extmul_low_i8x16_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.extmul_high_i8x16_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.extmul_low_i8x16_u (local.get $v) (local.get $w)))
      (local.set $v (i16x8.extmul_high_i8x16_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.add (local.get $v) (local.get $w)))
      (local.set $v (i32x4.sub (local.get $v) (local.get $w)))
      (local.set $v (i32x4.mul (local.get $v) (local.get $w)))
      (local.set $v (i32x4.min_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.min_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.max_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.max_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.dot_i16x8_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.extmul_low_i16x8_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.extmul_high_i16x8_s (local.get $v) (local.get $w)))
      (local.set $v (i32x4.extmul_low_i16x8_u (local.get $v) (local.get $w)))
      (local.set $v (i32x4.extmul_high_i16x8_u (local.get $v) (local.get $w)))
      (local.set $v (i64x2.add (local.get $v) (local.get $w)))
      (local.set $v (i64x2.sub (local.get $v) (local.get $w)))
      (local.set $v (i64x2.mul (local.get $v) (local.get $w)))
      (local.set $v (i64x2.extmul_low_i32x4_s (local.get $v) (local.get $w)))
      (local.set $v (i64x2.extmul_high_i32x4_s (local.get $v) (local.get $w)))
      (local.set $v (i64x2.extmul_low_i32x4_u (local.get $v) (local.get $w)))
      (local.set $v (i64x2.extmul_high_i32x4_u (local.get $v) (local.get $w)))
      (local.set $v (f32x4.add (local.get $v) (local.get $w)))
      (local.set $v (f32x4.sub (local.get $v) (local.get $w)))
      (local.set $v (f32x4.mul (local.get $v) (local.get $w)))
      (local.set $v (f32x4.div (local.get $v) (local.get $w)))
      (local.set $v (f32x4.min (local.get $v) (local.get $w)))
      (local.set $v (f32x4.max (local.get $v) (local.get $w)))
      (local.set $v (f32x4.pmin (local.get $v) (local.get $w)))
      (local.set $v (f32x4.pmax (local.get $v) (local.get $w)))
      (local.set $v (f64x2.add (local.get $v) (local.get $w)))
      (local.set $v (f64x2.sub (local.get $v) (local.get $w)))
      (local.set $v (f64x2.mul (local.get $v) (local.get $w)))
      (local.set $v (f64x2.div (local.get $v) (local.get $w)))
      (local.set $v (f64x2.min (local.get $v) (local.get $w)))
      (local.set $v (f64x2.max (local.get $v) (local.get $w)))
      (local.set $v (f64x2.pmin (local.get $v) (local.get $w)))
      (local.set $v (f64x2.pmax (local.get $v) (local.get $w)))
      (local.set $v (i8x16.relaxed_swizzle (local.get $v) (local.get $w)))
      (local.set $v (f32x4.relaxed_min (local.get $v) (local.get $w)))
      (local.set $v (f32x4.relaxed_max (local.get $v) (local.get $w)))
      (local.set $v (f64x2.relaxed_min (local.get $v) (local.get $w)))
      (local.set $v (f64x2.relaxed_max (local.get $v) (local.get $w)))
      (local.set $v (i16x8.relaxed_q15mulr_s (local.get $v) (local.get $w)))
      (local.set $v (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $v) (local.get $w)))
      (local.set $v (v128.bitselect (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (f32x4.relaxed_madd (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (f32x4.relaxed_nmadd (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (f64x2.relaxed_madd (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (f64x2.relaxed_nmadd (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (i8x16.relaxed_laneselect (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (i16x8.relaxed_laneselect (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (i32x4.relaxed_laneselect (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (i64x2.relaxed_laneselect (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $w) (local.get $v)))
      (local.set $v (i8x16.shl (local.get $v) (local.get $i)))
      (local.set $v (i8x16.shr_s (local.get $v) (local.get $i)))
      (local.set $v (i8x16.shr_u (local.get $v) (local.get $i)))
      (local.set $v (i16x8.shl (local.get $v) (local.get $i)))
      (local.set $v (i16x8.shr_s (local.get $v) (local.get $i)))
      (local.set $v (i16x8.shr_u (local.get $v) (local.get $i)))
      (local.set $v (i32x4.shl (local.get $v) (local.get $i)))
      (local.set $v (i32x4.shr_s (local.get $v) (local.get $i)))
      (local.set $v (i32x4.shr_u (local.get $v) (local.get $i)))
      (local.set $v (i64x2.shl (local.get $v) (local.get $i)))
      (local.set $v (i64x2.shr_s (local.get $v) (local.get $i)))
      (local.set $v (i64x2.shr_u (local.get $v) (local.get $i)))
      (local.set $w (v128.xor (local.get $w) (i8x16.splat (local.get $i))))
      (local.set $w (v128.xor (local.get $w) (i16x8.splat (local.get $i))))
      (local.set $w (v128.xor (local.get $w) (i32x4.splat (local.get $i))))
      (local.set $w (v128.xor (local.get $w) (i64x2.splat (i64.extend_i32_u (local.get $i)))))
      (local.set $w (v128.xor (local.get $w) (f32x4.splat (f32.convert_i32_u (local.get $i)))))
      (local.set $w (v128.xor (local.get $w) (f64x2.splat (f64.convert_i32_u (local.get $i)))))
      (local.set $y (i32.add (local.get $y) (v128.any_true (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i8x16.all_true (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i8x16.bitmask (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i16x8.all_true (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i16x8.bitmask (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i32x4.all_true (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i32x4.bitmask (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i64x2.all_true (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i64x2.bitmask (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i8x16.extract_lane_s 1 (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i8x16.extract_lane_u 1 (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i16x8.extract_lane_s 1 (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i16x8.extract_lane_u 1 (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i32x4.extract_lane 1 (local.get $v))))
      (local.set $y (i32.add (local.get $y) (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $v)))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_sat_f32_s (f32x4.extract_lane 1 (local.get $v)))))
      (local.set $y (i32.add (local.get $y) (i32.trunc_sat_f64_s (f64x2.extract_lane 1 (local.get $v)))))
      (local.set $v (i8x16.replace_lane 1 (local.get $v) (local.get $i)))
      (local.set $v (i16x8.replace_lane 1 (local.get $v) (local.get $i)))
      (local.set $v (i32x4.replace_lane 1 (local.get $v) (local.get $i)))
      (local.set $v (i64x2.replace_lane 1 (local.get $v) (i64.extend_i32_u (local.get $i))))
      (local.set $v (f32x4.replace_lane 1 (local.get $v) (f32.convert_i32_u (local.get $i))))
      (local.set $v (f64x2.replace_lane 1 (local.get $v) (f64.convert_i32_u (local.get $i))))
      (local.set $v (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get $v) (local.get $w)))
      (local.set $w (v128.xor (local.get $w) (v128.load8x8_s (i32.const 1))))
      (local.set $w (v128.xor (local.get $w) (v128.load8x8_u (i32.const 2))))
      (local.set $w (v128.xor (local.get $w) (v128.load16x4_s (i32.const 3))))
      (local.set $w (v128.xor (local.get $w) (v128.load16x4_u (i32.const 4))))
      (local.set $w (v128.xor (local.get $w) (v128.load32x2_s (i32.const 5))))
      (local.set $w (v128.xor (local.get $w) (v128.load32x2_u (i32.const 6))))
      (local.set $w (v128.xor (local.get $w) (v128.load8_splat (i32.const 7))))
      (local.set $w (v128.xor (local.get $w) (v128.load16_splat (i32.const 8))))
      (local.set $w (v128.xor (local.get $w) (v128.load32_splat (i32.const 9))))
      (local.set $w (v128.xor (local.get $w) (v128.load64_splat (i32.const 10))))
      (local.set $w (v128.xor (local.get $w) (v128.load32_zero (i32.const 11))))
      (local.set $w (v128.xor (local.get $w) (v128.load64_zero (i32.const 12))))
      (local.set $w (v128.load8_lane 3 (i32.const 13) (local.get $w)))
      (local.set $w (v128.load16_lane 2 (i32.const 14) (local.get $w)))
      (local.set $w (v128.load32_lane 1 (i32.const 15) (local.get $w)))
      (local.set $w (v128.load64_lane 1 (i32.const 16) (local.get $w)))
      (local.set $w (v128.load offset=70000 (i32.const 0)))
      (v128.store8_lane 5 (i32.const 40) (local.get $v))
      (v128.store16_lane 3 (i32.const 42) (local.get $v))
      (v128.store32_lane 2 (i32.const 44) (local.get $v))
      (v128.store64_lane 1 (i32.const 48) (local.get $v))
      (v128.store offset=70000 (i32.const 0) (local.get $w))
      (global.set $g (v128.xor (global.get $g) (local.get $v)))
      (local.set $w (select (local.get $v) (global.get $g) (i32.and (local.get $i) (i32.const 1))))
      (v128.store (i32.const 0) (v128.xor (local.get $v) (local.get $w)))
      (v128.store offset=16 (i32.const 0) (v128.and (local.get $w) (v128.const i32x4 0x3fffffff 0x3fffffff 0x3fffffff 0x3fffffff)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i64.add
      (i64.extend_i32_u (local.get $y))
      (i64.xor (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $w))))))"#;

#[test]
fn every_simd_instruction_runs_in_constant_stack() {
    in_child_process("every_simd_instruction_runs_in_constant_stack", || {
        let n = 20_000;
        let interpreted = run(interpreter(), SIMD, "simd", n);
        let guarded = run(interpreter_guarded(), SIMD, "simd", n);
        assert_eq!(interpreted, guarded);
        let mut jit = Config::new();
        jit.strategy(Strategy::Jit);
        if Engine::new(&jit).is_ok() {
            assert_eq!(run(jit, SIMD, "simd", n), interpreted);
        }
    });
}
