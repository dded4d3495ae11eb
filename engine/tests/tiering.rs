//! Tier-up: compiled code from the start (Jit), and promotion by call and
//! back-edge counts with on-stack replacement (Tiered).

mod common;

use common::instantiate;
use strata::{Config, Engine, Strategy};

/// An engine configured by `f` on top of synchronous tier-up, whose
/// thresholds are exact.
fn engine(f: impl FnOnce(&mut Config)) -> Option<Engine> {
    let mut config = Config::new();
    config.parallel_compilation(false);
    f(&mut config);
    Engine::new(&config).ok()
}

const LOOP: &str = r#"(module
  (memory 1)
  ;; Sums 0..n while writing each index to memory and counting iterations
  ;; in a global: side effects that must happen exactly once per iteration.
  (global $iterations (export "iterations") (mut i32) (i32.const 0))
  (func (export "run") (param $n i32) (result i64) (local $i i32) (local $sum i64)
    (loop $l
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
      (global.set $iterations (i32.add (global.get $iterations) (i32.const 1)))
      (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  (func (export "at") (param i32) (result i32) (i32.load (i32.shl (local.get 0) (i32.const 2)))))"#;

/// [`LOOP`] with its test at the top, as a `while` loop: its `br` back
/// becomes the negated test, a back-edge that lands after the test.
const WHILE_LOOP: &str = r#"(module
  (memory 1)
  (global $iterations (export "iterations") (mut i32) (i32.const 0))
  (func (export "run") (param $n i32) (result i64) (local $i i32) (local $sum i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
        (global.set $iterations (i32.add (global.get $iterations) (i32.const 1)))
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))
  (func (export "at") (param i32) (result i32) (i32.load (i32.shl (local.get 0) (i32.const 2)))))"#;

#[test]
fn a_running_loop_continues_in_compiled_code_by_osr_exactly_once() {
    osr_exactly_once(LOOP);
}

#[test]
fn a_rotated_loop_continues_in_compiled_code_by_osr_exactly_once() {
    osr_exactly_once(WHILE_LOOP);
}

fn osr_exactly_once(wat: &str) {
    let Some(engine) = engine(|c| {
        c.strategy(Strategy::Tiered)
            .tier_up_back_edges(100)
            .tier_up_calls(1_000_000);
    }) else {
        return;
    };
    let module = strata::Module::new(&engine, wat).unwrap();
    let mut store = strata::Store::new(&engine, ());
    let instance = strata::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance
        .get_typed_func::<i32, i64>(&mut store, "run")
        .unwrap();
    assert_eq!(module.tier_stats().compiled_funcs, 0);
    let n = 10_000;
    assert_eq!(run.call(&mut store, n).unwrap(), (0..n as i64).sum::<i64>());
    let stats = module.tier_stats();
    assert_eq!(stats.osr_entries, 1, "{stats:?}");
    assert_eq!(stats.compiled_funcs, 1, "{stats:?}");
    let iterations = instance.get_global(&mut store, "iterations").unwrap();
    assert_eq!(
        iterations.get(&store).i32(),
        Some(n),
        "no iteration repeated or lost"
    );
    let at = instance
        .get_typed_func::<i32, i32>(&mut store, "at")
        .unwrap();
    for k in [0, 99, 100, 101, 5000, n - 1] {
        assert_eq!(at.call(&mut store, k).unwrap(), k);
    }
    // The next call starts in compiled code: no further OSR.
    assert_eq!(run.call(&mut store, 500).unwrap(), (0..500i64).sum::<i64>());
    assert_eq!(
        module.tier_stats().osr_entries,
        1,
        "the compiled entry is used directly"
    );
}

#[test]
fn functions_called_often_enough_are_compiled() {
    let Some(engine) = engine(|c| {
        c.strategy(Strategy::Tiered)
            .tier_up_calls(5)
            .tier_up_back_edges(1_000_000);
    }) else {
        return;
    };
    let (mut store, instance) = instantiate(
        &engine,
        r#"(module
          (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func (export "call_sq") (param i32) (result i32) (call $sq (local.get 0))))"#,
    );
    let module = instance.module(&store);
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "call_sq")
        .unwrap();
    for k in 0..4 {
        assert_eq!(f.call(&mut store, k).unwrap(), k * k);
    }
    assert_eq!(module.tier_stats().compiled_funcs, 0);
    for k in 4..10 {
        assert_eq!(f.call(&mut store, k).unwrap(), k * k);
    }
    assert_eq!(
        module.tier_stats().compiled_funcs,
        2,
        "both functions crossed 5 calls"
    );
}

#[test]
fn jit_strategy_compiles_every_function_up_front() {
    let Some(engine) = engine(|c| {
        c.strategy(Strategy::Jit);
    }) else {
        return;
    };
    let module = strata::Module::new(&engine, LOOP).unwrap();
    assert_eq!(module.tier_stats().compiled_funcs, 2);
}

#[test]
fn no_mapping_is_writable_and_executable_while_compiled_code_exists() {
    let Some(engine) = engine(|c| {
        c.strategy(Strategy::Jit);
    }) else {
        return;
    };
    let (mut store, instance) = instantiate(&engine, LOOP);
    let run = instance
        .get_typed_func::<i32, i64>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, 10).unwrap(), 45);
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for line in maps.lines() {
        let perms = line.split_whitespace().nth(1).unwrap_or("");
        assert!(
            !(perms.contains('w') && perms.contains('x')),
            "W+X mapping: {line}"
        );
    }
}

#[test]
fn ten_thousand_memories_can_live_at_once() {
    let Some(engine) = engine(|c| {
        c.strategy(Strategy::Jit);
    }) else {
        return;
    };
    let module = strata::Module::new(
        &engine,
        r#"(module (memory 1) (func (export "poke") (param i32) (result i32)
            (i32.store (i32.const 8) (local.get 0)) (i32.load (i32.const 8))))"#,
    )
    .unwrap();
    let mut store = strata::Store::new(&engine, ());
    let linker = strata::Linker::new(&engine);
    let mut instances = Vec::with_capacity(10_000);
    for _ in 0..10_000 {
        instances.push(
            linker
                .instantiate(&mut store, &module)
                .expect("reservation fits"),
        );
    }
    for (k, inst) in instances.iter().enumerate().step_by(997) {
        let poke = inst.get_typed_func::<i32, i32>(&mut store, "poke").unwrap();
        assert_eq!(poke.call(&mut store, k as i32).unwrap(), k as i32);
    }
}
