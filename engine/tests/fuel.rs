//! Fuel: runaway guests stop, every strategy charges exactly the same fuel,
//! and a store that ran out can be refuelled.

mod common;

use common::{for_each_strategy, instantiate};
use strata::{Config, Engine, Linker, Module, Store, Strategy, TrapCode};

const PROGRAMS: &str = r#"(module
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $fib $sum)
  (type $i2i (func (param i32) (result i32)))
  (func (export "spin") (loop $l (br $l)))
  (func (export "three") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $sum (export "sum") (param i32) (result i32) (local i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get 1))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 1) (local.get 0)))
  (func (export "switch") (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "oob") (param i32) (result i32)
    (i32.add (i32.const 1) (i32.load (local.get 0))))
  (func (export "memfill") (param i32)
    (memory.fill (i32.const 0) (i32.const 7) (local.get 0))))"#;

/// A fuel-consuming engine tiering up early, if this machine runs `strategy`.
fn fueled(strategy: Strategy) -> Option<Engine> {
    let mut config = Config::new();
    config
        .strategy(strategy)
        .parallel_compilation(false)
        .consume_fuel(true)
        .tier_up_calls(3)
        .tier_up_back_edges(50);
    Engine::new(&config).ok()
}

/// How a call ended (its first result, or its trap code) and the fuel it consumed.
type Observed = (Result<Option<i32>, Option<TrapCode>>, u64);

/// Calls `name` with i32 `args` and returns what it observed.
fn run(store: &mut Store<()>, instance: &strata::Instance, name: &str, args: &[i32]) -> Observed {
    let before = store.get_fuel().unwrap();
    let f = instance.get_func(&mut *store, name).unwrap();
    let params: Vec<strata::Val> = args.iter().map(|&a| strata::Val::I32(a)).collect();
    let n = f.ty(&*store).results().len();
    let mut out = vec![strata::Val::I32(0); n];
    let r = f
        .call(&mut *store, &params, &mut out)
        .map(|()| out.first().and_then(|v| v.i32()))
        .map_err(|e| e.trap_code());
    (r, before - store.get_fuel().unwrap())
}

#[test]
fn a_runaway_loop_runs_out_of_fuel_in_every_strategy() {
    for_each_strategy(
        |c| {
            c.consume_fuel(true).tier_up_back_edges(100);
        },
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, PROGRAMS);
            store.set_fuel(100_000).unwrap();
            let spin = instance
                .get_typed_func::<(), ()>(&mut store, "spin")
                .unwrap();
            let err = spin.call(&mut store, ()).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel), "{strategy:?}");
            assert!(store.get_fuel().unwrap() < 100_000, "{strategy:?}");
            let stats = instance.module(&store).tier_stats();
            match strategy {
                // The running loop continued in compiled code, and ran out there.
                Strategy::Tiered => assert_eq!(stats.osr_entries, 1, "{stats:?}"),
                Strategy::Jit => assert!(stats.compiled_funcs > 0, "{stats:?}"),
                Strategy::Interpreter => assert_eq!(stats.compiled_funcs, 0),
            }
        },
    );
}

#[test]
fn the_cost_model_charges_one_unit_per_operator() {
    for_each_strategy(
        |c| {
            c.consume_fuel(true);
        },
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, PROGRAMS);
            store.set_fuel(1000).unwrap();
            // i32.const, i32.const, i32.add; `end` is free.
            assert_eq!(
                run(&mut store, &instance, "three", &[]),
                (Ok(Some(3)), 3),
                "{strategy:?}"
            );
            // i32.const, i32.const, local.get, memory.fill, and one unit per
            // 64 bytes filled.
            assert_eq!(
                run(&mut store, &instance, "memfill", &[6400]),
                (Ok(None), 4 + 100),
                "{strategy:?}"
            );
            assert_eq!(
                run(&mut store, &instance, "memfill", &[63]),
                (Ok(None), 4),
                "{strategy:?}"
            );
        },
    );
}

#[test]
fn every_strategy_consumes_the_same_fuel() {
    let calls: &[(&str, &[i32])] = &[
        ("three", &[]),
        ("fib", &[0]),
        ("fib", &[12]),
        ("sum", &[0]),
        ("sum", &[500]),
        ("indirect", &[0, 10]),
        ("indirect", &[1, 300]),
        ("indirect", &[3, 1]),
        ("indirect", &[9, 1]),
        ("switch", &[0]),
        ("switch", &[1]),
        ("switch", &[7]),
        ("oob", &[65534]),
        ("oob", &[8]),
        ("memfill", &[100]),
        ("memfill", &[65536]),
        ("memfill", &[65537]),
        ("sum", &[10_000]),
    ];
    let mut seen: Vec<(Strategy, Vec<Observed>)> = Vec::new();
    for strategy in common::STRATEGIES {
        let Some(engine) = fueled(strategy) else {
            continue;
        };
        let (mut store, instance) = instantiate(&engine, PROGRAMS);
        store.set_fuel(u64::MAX / 2).unwrap();
        // Twice over, so the tiered strategy runs some calls compiled.
        let mut out = Vec::new();
        for _ in 0..2 {
            for (name, args) in calls {
                out.push(run(&mut store, &instance, name, args));
            }
        }
        seen.push((strategy, out));
    }
    for (strategy, out) in &seen[1..] {
        assert_eq!(out, &seen[0].1, "{strategy:?} differs from {:?}", seen[0].0);
    }
}

#[test]
fn out_of_fuel_leaves_the_store_usable_and_refuelling_resumes() {
    for_each_strategy(
        |c| {
            c.consume_fuel(true).tier_up_calls(2);
        },
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, PROGRAMS);
            let sum = instance
                .get_typed_func::<i32, i32>(&mut store, "sum")
                .unwrap();
            store.set_fuel(0).unwrap();
            let err = sum.call(&mut store, 10).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel), "{strategy:?}");
            store.set_fuel(50).unwrap();
            let err = sum.call(&mut store, 1000).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel), "{strategy:?}");
            for _ in 0..5 {
                store.set_fuel(1_000_000).unwrap();
                assert_eq!(sum.call(&mut store, 100).unwrap(), 5050, "{strategy:?}");
            }
        },
    );
}

#[test]
fn a_host_function_sees_the_same_fuel_in_every_strategy() {
    let wat = r#"(module
      (import "env" "observe" (func $observe))
      (func (export "run") (param i32) (local i32)
        (loop $l
          (call $observe)
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))"#;
    let mut seen = Vec::new();
    for strategy in common::STRATEGIES {
        let Some(engine) = fueled(strategy) else {
            continue;
        };
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, Vec::<u64>::new());
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                "env",
                "observe",
                |mut caller: strata::Caller<'_, Vec<u64>>| {
                    let fuel = caller.as_context_mut().get_fuel().unwrap();
                    caller.data_mut().push(fuel);
                },
            )
            .unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        store.set_fuel(1_000_000).unwrap();
        let f = instance
            .get_typed_func::<i32, ()>(&mut store, "run")
            .unwrap();
        f.call(&mut store, 200).unwrap();
        seen.push((strategy, store.into_data()));
    }
    for (strategy, fuel) in &seen[1..] {
        assert_eq!(fuel, &seen[0].1, "{strategy:?}");
    }
}

#[test]
fn fuel_needs_consume_fuel_in_the_config() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    assert!(store.set_fuel(10).is_err());
    assert!(store.get_fuel().is_err());
}

use strata::AsContextMut;

#[test]
fn a_host_function_can_refuel_the_running_guest_in_every_strategy() {
    let wat = r#"(module
      (import "env" "refuel" (func $refuel))
      (func (export "run") (param i32) (result i32) (local i32)
        (loop $l
          (if (i32.eqz (i32.rem_u (local.get 1) (i32.const 100))) (then (call $refuel)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
        (local.get 1)))"#;
    let mut left = Vec::new();
    for strategy in common::STRATEGIES {
        let Some(engine) = fueled(strategy) else {
            continue;
        };
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, 0u32);
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("env", "refuel", |mut caller: strata::Caller<'_, u32>| {
                *caller.data_mut() += 1;
                caller.set_fuel(5_000).unwrap();
            })
            .unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance
            .get_typed_func::<i32, i32>(&mut store, "run")
            .unwrap();
        // Far more than the 5 000 units a refuel gives: it runs on refuels.
        store.set_fuel(5_000).unwrap();
        assert_eq!(
            run.call(&mut store, 100_000).unwrap(),
            100_000,
            "{strategy:?}"
        );
        assert_eq!(*store.data(), 1000, "{strategy:?}");
        left.push((strategy, store.get_fuel().unwrap()));
    }
    for (strategy, fuel) in &left[1..] {
        assert_eq!(*fuel, left[0].1, "{strategy:?}");
    }
}

#[test]
fn exhausting_the_stack_consumes_the_same_fuel_in_every_strategy() {
    // Recursion through call_indirect and through a ten-parameter function;
    // both run out of stack (the value stack, the call depth) at the same
    // point in every strategy.
    let wat = r#"(module
      (type $r (func (param i32) (result i32)))
      (table funcref (elem $indirect))
      (func $indirect (export "indirect") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (i32.add (i32.const 1)
            (call_indirect (type $r) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))
      (func $wide (export "wide")
        (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
        (call $wide (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                    (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9))))"#;
    let mut seen = Vec::new();
    for strategy in common::STRATEGIES {
        for value_stack in [1 << 20, 1003] {
            let mut config = Config::new();
            config
                .strategy(strategy)
                .consume_fuel(true)
                .tier_up_calls(3)
                .max_value_stack(value_stack);
            let Ok(engine) = Engine::new(&config) else {
                continue;
            };
            let (mut store, instance) = instantiate(&engine, wat);
            store.set_fuel(1 << 40).unwrap();
            let indirect = instance
                .get_typed_func::<i32, i32>(&mut store, "indirect")
                .unwrap();
            // Deep but within the default call depth: it returns everywhere.
            let deep = indirect.call(&mut store, 5000).map_err(|e| e.trap_code());
            let runaway = indirect
                .call(&mut store, 1 << 30)
                .map_err(|e| e.trap_code());
            let wide = instance
                .get_func(&mut store, "wide")
                .unwrap()
                .call(
                    &mut store,
                    &[strata::Val::I32(1); 10],
                    &mut [strata::Val::I32(0)],
                )
                .map_err(|e| e.trap_code());
            seen.push((
                (strategy, value_stack),
                (deep, runaway, wide, store.get_fuel().unwrap()),
            ));
        }
    }
    for (key, out) in &seen {
        let reference = &seen.iter().find(|(k, _)| k.1 == key.1).unwrap().1;
        assert_eq!(out, reference, "{key:?}");
    }
    let (deep, runaway, wide, _) = &seen[0].1;
    assert_eq!(*deep, Ok(5000));
    assert_eq!(*runaway, Err(Some(TrapCode::StackOverflow)));
    assert_eq!(*wide, Err(Some(TrapCode::StackOverflow)));
}
