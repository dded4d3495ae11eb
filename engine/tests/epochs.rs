//! Epoch interruption: a deadline stops runaway loops in every strategy,
//! whether the loop is interpreted, compiled, or entered by OSR, and the
//! deadline callback can extend it.

mod common;

use common::{for_each_strategy, instantiate};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use strata::{AsContextMut, Engine, TrapCode, UpdateDeadline};

const SPIN: &str = r#"(module
  (func (export "spin") (loop $l (br $l)))
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "calls") (local i32)
    (loop $l (local.set 0 (call $leaf (local.get 0))) (br $l)))
  ;; Tested at the top, so the `br` back becomes the negated test: the
  ;; back-edge lands after the loop's first word.
  (func (export "while") (local i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (local.get 0) (i32.const -1)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br $l))))
  (func (export "quick") (result i32) (i32.const 7)))"#;

/// Ticks the engine's epoch every millisecond until dropped.
struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: &Engine) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let (engine, flag) = (engine.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
                engine.increment_epoch();
            }
        });
        Ticker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

#[test]
fn a_runaway_loop_is_interrupted_in_every_strategy() {
    for_each_strategy(
        |c| {
            // Tiered enters the running loop by OSR well before the deadline.
            c.epoch_interruption(true).tier_up_back_edges(1000);
        },
        |strategy, engine| {
            for name in ["spin", "calls", "while"] {
                let (mut store, instance) = instantiate(&engine, SPIN);
                store.set_epoch_deadline(20);
                let _ticker = Ticker::start(&engine);
                let f = instance.get_typed_func::<(), ()>(&mut store, name).unwrap();
                let err = f.call(&mut store, ()).unwrap_err();
                assert_eq!(
                    err.trap_code(),
                    Some(TrapCode::Interrupt),
                    "{strategy:?} {name}"
                );
                assert_eq!(err.to_string().lines().next(), Some("interrupt"));
                // The store is usable: a new deadline lets calls run.
                store.set_epoch_deadline(1_000_000);
                let quick = instance
                    .get_typed_func::<(), i32>(&mut store, "quick")
                    .unwrap();
                assert_eq!(quick.call(&mut store, ()).unwrap(), 7, "{strategy:?}");
            }
        },
    );
}

#[test]
fn a_loop_already_running_compiled_code_is_interrupted() {
    for_each_strategy(
        |c| {
            c.epoch_interruption(true).tier_up_back_edges(10);
        },
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, SPIN);
            store.set_epoch_deadline(1);
            let spin = instance
                .get_typed_func::<(), ()>(&mut store, "spin")
                .unwrap();
            let e2 = engine.clone();
            let t = std::thread::spawn(move || {
                // Let the loop tier up and run for a while first.
                std::thread::sleep(Duration::from_millis(50));
                e2.increment_epoch();
            });
            let err = spin.call(&mut store, ()).unwrap_err();
            t.join().unwrap();
            assert_eq!(err.trap_code(), Some(TrapCode::Interrupt), "{strategy:?}");
            if strategy != strata::Strategy::Interpreter {
                let stats = instance.module(&store).tier_stats();
                assert!(stats.compiled_funcs >= 1, "{strategy:?}: {stats:?}");
            }
        },
    );
}

#[test]
fn a_new_store_s_deadline_is_reached_at_once() {
    for_each_strategy(
        |c| {
            c.epoch_interruption(true);
        },
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, SPIN);
            let quick = instance
                .get_typed_func::<(), i32>(&mut store, "quick")
                .unwrap();
            let err = quick.call(&mut store, ()).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::Interrupt), "{strategy:?}");
            store.set_epoch_deadline(1);
            assert_eq!(quick.call(&mut store, ()).unwrap(), 7, "{strategy:?}");
        },
    );
}

#[test]
fn the_deadline_callback_extends_the_deadline_then_traps() {
    for_each_strategy(
        |c| {
            c.epoch_interruption(true).tier_up_back_edges(500);
        },
        |strategy, engine| {
            let module = strata::Module::new(&engine, SPIN).unwrap();
            let mut store = strata::Store::new(&engine, 0u32);
            let instance = strata::Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            store.set_epoch_deadline(2);
            store.epoch_deadline_callback(|mut cx| {
                *cx.data_mut() += 1;
                if *cx.data() < 5 {
                    Ok(UpdateDeadline::Continue(2))
                } else {
                    Err(strata::Error::msg("budget spent"))
                }
            });
            let _ticker = Ticker::start(&engine);
            let spin = instance
                .get_typed_func::<(), ()>(&mut store, "spin")
                .unwrap();
            let err = spin.call(&mut store, ()).unwrap_err();
            assert_eq!(err.to_string(), "budget spent", "{strategy:?}");
            assert_eq!(*store.data(), 5, "{strategy:?}");
            // Back to trapping.
            store.epoch_deadline_trap();
            store.set_epoch_deadline(3);
            let err = spin.call(&mut store, ()).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::Interrupt), "{strategy:?}");
        },
    );
}

#[test]
fn without_epoch_interruption_deadlines_do_nothing() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, SPIN);
            engine.increment_epoch();
            let quick = instance
                .get_typed_func::<(), i32>(&mut store, "quick")
                .unwrap();
            assert_eq!(quick.call(&mut store, ()).unwrap(), 7, "{strategy:?}");
        },
    );
}

/// `run(x)` loops ten times calling `bump`, which ticks the epoch on its
/// fifth call, then returns `x`; `id` and `burn` are for the callback.
const REENTER: &str = r#"(module
  (import "env" "bump" (func $bump (param i32)))
  (func (export "run") (param i32) (result i32) (local i32)
    (loop $l
      (call $bump (local.get 1))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (i32.const 10))))
    (local.get 0))
  (func (export "id") (param i32) (result i32) (local.get 0))
  (func (export "burn") (param i32) (result i32)
    (loop $l
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 0)))"#;

/// An instance of [`REENTER`] whose `bump` ticks the epoch at its fifth call.
fn reentrant(engine: &strata::Engine) -> (strata::Store<Vec<u64>>, strata::Instance) {
    let module = strata::Module::new(engine, REENTER).unwrap();
    let mut store = strata::Store::new(engine, Vec::new());
    let mut linker = strata::Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "bump",
            |caller: strata::Caller<'_, Vec<u64>>, i: i32| {
                if i == 5 {
                    caller.engine().increment_epoch();
                }
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    store.set_epoch_deadline(1);
    (store, instance)
}

#[test]
fn wasm_called_by_the_deadline_callback_leaves_the_running_frames_alone() {
    for_each_strategy(
        |c| {
            c.epoch_interruption(true).tier_up_calls(2);
        },
        |strategy, engine| {
            let (mut store, instance) = reentrant(&engine);
            let id = instance
                .get_typed_func::<i32, i32>(&mut store, "id")
                .unwrap();
            store.epoch_deadline_callback(move |mut cx| {
                cx.set_epoch_deadline(1_000);
                assert_eq!(id.call(&mut cx, 777).unwrap(), 777);
                Ok(UpdateDeadline::Continue(1_000))
            });
            let run = instance
                .get_typed_func::<i32, i32>(&mut store, "run")
                .unwrap();
            for _ in 0..3 {
                assert_eq!(run.call(&mut store, 42).unwrap(), 42, "{strategy:?}");
                store.set_epoch_deadline(1);
            }
        },
    );
}

#[test]
fn the_deadline_callback_sees_and_sets_the_same_fuel_in_every_strategy() {
    let mut seen = Vec::new();
    for strategy in common::STRATEGIES {
        let mut config = strata::Config::new();
        config
            .strategy(strategy)
            .epoch_interruption(true)
            .consume_fuel(true)
            .tier_up_calls(2);
        let Ok(engine) = strata::Engine::new(&config) else {
            continue;
        };
        let (mut store, instance) = reentrant(&engine);
        let burn = instance
            .get_typed_func::<i32, i32>(&mut store, "burn")
            .unwrap();
        store.epoch_deadline_callback(move |mut cx| {
            let fuel = cx.get_fuel().unwrap();
            cx.data_mut().push(fuel);
            // Wasm run by the callback is charged too.
            cx.set_epoch_deadline(1_000);
            burn.call(&mut cx, 1000).unwrap();
            let after_burn = cx.get_fuel().unwrap();
            cx.data_mut().push(after_burn);
            cx.set_fuel(500_000).unwrap();
            Ok(UpdateDeadline::Continue(1_000))
        });
        let run = instance
            .get_typed_func::<i32, i32>(&mut store, "run")
            .unwrap();
        let mut out = Vec::new();
        for _ in 0..3 {
            store.set_fuel(1_000_000).unwrap();
            store.set_epoch_deadline(1);
            assert_eq!(run.call(&mut store, 1).unwrap(), 1, "{strategy:?}");
            out.push(store.get_fuel().unwrap());
        }
        let left_after_set = out[0];
        assert!(
            left_after_set < 500_000 && left_after_set > 499_000,
            "{strategy:?}: {out:?}"
        );
        out.extend(store.data().iter().copied());
        seen.push((strategy, out));
    }
    for (strategy, out) in &seen[1..] {
        assert_eq!(out, &seen[0].1, "{strategy:?} differs from {:?}", seen[0].0);
    }
}

#[test]
fn entering_a_loop_checks_the_deadline_in_every_strategy() {
    // The epoch passes the deadline in `bump`; the loop after it runs its
    // body once, without a back-edge: entering it is checked.
    let wat = r#"(module
      (import "env" "tick" (func $tick))
      (func (export "f") (result i32) (local i32)
        (call $tick)
        (loop $l (local.set 0 (i32.const 1)))
        (local.get 0)))"#;
    for_each_strategy(
        |c| {
            c.epoch_interruption(true);
        },
        |strategy, engine| {
            let module = strata::Module::new(&engine, wat).unwrap();
            let mut store = strata::Store::new(&engine, ());
            let mut linker = strata::Linker::new(&engine);
            linker
                .func_wrap("env", "tick", |caller: strata::Caller<'_, ()>| {
                    caller.engine().increment_epoch()
                })
                .unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
            store.set_epoch_deadline(1);
            let err = f.call(&mut store, ()).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::Interrupt), "{strategy:?}");
        },
    );
}

#[test]
fn a_callback_that_goes_back_to_trapping_stays_removed() {
    for_each_strategy(
        |c| {
            c.epoch_interruption(true);
        },
        |strategy, engine| {
            let (mut store, instance) = reentrant(&engine);
            store.epoch_deadline_callback(|mut cx| {
                cx.as_context_mut().epoch_deadline_trap();
                cx.set_epoch_deadline(1);
                Ok(UpdateDeadline::Continue(1))
            });
            let run = instance
                .get_typed_func::<i32, i32>(&mut store, "run")
                .unwrap();
            // The first deadline runs the callback, which removes itself.
            assert_eq!(run.call(&mut store, 1).unwrap(), 1, "{strategy:?}");
            // The next one traps.
            let err = run.call(&mut store, 1).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::Interrupt), "{strategy:?}");
        },
    );
}
