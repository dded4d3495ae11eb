//! Background tier-up (`Config::parallel_compilation` under
//! `Strategy::Tiered`): hot functions are compiled on the engine's compiler
//! thread while the interpreter keeps running them; calls and running loops
//! enter the compiled code once it is published, with every result and
//! side effect as in the interpreter.

mod common;

use std::time::{Duration, Instant};
use strata::{Caller, Config, Engine, Linker, Module, Store, Strategy};

/// Far longer than any compile: only a stranded queue reaches it.
const PATIENCE: Duration = Duration::from_secs(20);

fn background(calls: u64, back_edges: u64) -> Option<Engine> {
    let mut config = Config::new();
    config
        .strategy(Strategy::Tiered)
        .parallel_compilation(true)
        .tier_up_calls(calls)
        .tier_up_back_edges(back_edges);
    Engine::new(&config).ok()
}

#[test]
fn hot_functions_are_compiled_in_the_background_and_entered_by_later_calls() {
    let Some(engine) = background(3, 1_000_000) else {
        return;
    };
    let module = Module::new(
        &engine,
        r#"(module
          (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func (export "call_sq") (param i32) (result i32) (call $sq (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = instance
        .get_typed_func::<i32, i32>(&mut store, "call_sq")
        .unwrap();
    for k in 0..2 {
        assert_eq!(f.call(&mut store, k).unwrap(), k * k);
    }
    assert_eq!(module.tier_stats().compiled_funcs, 0, "below the threshold");
    // Calls go on, interpreted, until the code is published, then compiled.
    let started = Instant::now();
    let mut k = 2;
    while module.tier_stats().compiled_funcs < 2 {
        assert!(started.elapsed() < PATIENCE, "never compiled");
        assert_eq!(f.call(&mut store, k).unwrap(), k * k);
        k = (k + 1) % 40_000;
    }
    let calls = |store: &Store<()>| instance.func_stats(store)[0].calls;
    let before = calls(&store);
    for k in 0..100 {
        assert_eq!(f.call(&mut store, k).unwrap(), k * k);
    }
    assert_eq!(
        calls(&store),
        before,
        "compiled code does not count its calls"
    );
}

#[test]
fn a_running_loop_enters_its_code_by_osr_once_it_is_ready() {
    let Some(engine) = background(1_000_000, 100) else {
        return;
    };
    // The loop spins until the host sees its function compiled, then runs
    // a thousand more iterations, which must continue in compiled code.
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "ready" (func $ready (result i32)))
          (memory 1)
          (global $iterations (export "iterations") (mut i32) (i32.const 0))
          (func (export "run") (result i64) (local $i i32) (local $left i32) (local $sum i64)
            (local.set $left (i32.const 1000))
            (loop $l
              (i32.store (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc))
                         (local.get $i))
              (global.set $iterations (i32.add (global.get $iterations) (i32.const 1)))
              (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (if (call $ready)
                (then (local.set $left (i32.sub (local.get $left) (i32.const 1)))))
              (br_if $l (local.get $left)))
            (local.get $sum)))"#,
    )
    .unwrap();
    let mut linker = Linker::<Module>::new(&engine);
    linker
        .func_wrap("host", "ready", |caller: Caller<'_, Module>| -> i32 {
            let module = caller.data();
            (module.tier_stats().compiled_funcs > 0) as i32
        })
        .unwrap();
    let mut store = Store::new(&engine, module.clone());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<(), i64>(&mut store, "run")
        .unwrap();
    let sum = run.call(&mut store, ()).unwrap() as u64;
    let n = instance
        .get_global(&mut store, "iterations")
        .unwrap()
        .get(&store)
        .i32()
        .unwrap() as u64;
    assert!(n > 1000, "{n} iterations");
    assert_eq!(sum, n * (n - 1) / 2, "no iteration repeated or lost");
    let stats = module.tier_stats();
    assert_eq!(stats.compiled_funcs, 1, "{stats:?}");
    assert_eq!(stats.osr_entries, 1, "{stats:?}");
}

/// Functions of several shapes (loops, direct, indirect and tail calls),
/// each checkable from its argument.
const MANY: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (table funcref (elem $a $b $c $d))
  (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $c (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (local.get $s))
  (func $d (param i32) (result i32) (return_call $a (call $b (local.get 0))))
  ;; a(x) + b(x) + c(x % 64) + d(x), half of it through the table.
  (func (export "mix") (param $x i32) (result i32)
    (i32.add
      (i32.add (call_indirect (type $t) (local.get $x) (i32.const 0)) (call $b (local.get $x)))
      (i32.add (call_indirect (type $t) (i32.rem_u (local.get $x) (i32.const 64)) (i32.const 2))
               (call_indirect (type $t) (local.get $x) (i32.const 3))))))"#;

fn mix(x: i32) -> i32 {
    let c = (x % 64) * ((x % 64) + 1) / 2;
    (x + 1) + 3 * x + c + (3 * x + 1)
}

#[test]
fn many_threads_call_functions_while_they_are_being_compiled() {
    let Some(engine) = background(4, 20) else {
        return;
    };
    for _ in 0..4 {
        // A fresh module each round: its functions are compiled while the
        // threads below call them.
        let module = Module::new(&engine, MANY).unwrap();
        let threads: Vec<_> = (0..6)
            .map(|t| {
                let (engine, module) = (engine.clone(), module.clone());
                std::thread::spawn(move || {
                    let mut store = Store::new(&engine, ());
                    let instance = Linker::new(&engine)
                        .instantiate(&mut store, &module)
                        .unwrap();
                    let f = instance
                        .get_typed_func::<i32, i32>(&mut store, "mix")
                        .unwrap();
                    for k in 0..2_000 {
                        let x = k * 7 + t;
                        assert_eq!(f.call(&mut store, x).unwrap(), mix(x), "x = {x}");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no thread failed");
        }
        let started = Instant::now();
        while module.tier_stats().compiled_funcs < 5 {
            assert!(started.elapsed() < PATIENCE, "{:?}", module.tier_stats());
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

#[test]
fn modules_and_engines_dropped_with_work_queued_are_let_go() {
    for _ in 0..20 {
        let Some(engine) = background(1, 1) else {
            return;
        };
        let module = Module::new(&engine, MANY).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let f = instance
            .get_typed_func::<i32, i32>(&mut store, "mix")
            .unwrap();
        assert_eq!(f.call(&mut store, 100).unwrap(), mix(100));
        // Everything goes while the compiler thread may hold jobs for it.
        drop((f, instance, store, module, engine));
    }
}
