//! Epoch interruption: a deadline stops runaway loops in every strategy,
//! whether the loop is interpreted, compiled, or entered by OSR, and the
//! deadline callback can extend it.

mod common;

use common::{for_each_strategy, instantiate};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use strata::{Engine, TrapCode, UpdateDeadline};

const SPIN: &str = r#"(module
  (func (export "spin") (loop $l (br $l)))
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "calls") (local i32)
    (loop $l (local.set 0 (call $leaf (local.get 0))) (br $l)))
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
            for name in ["spin", "calls"] {
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
