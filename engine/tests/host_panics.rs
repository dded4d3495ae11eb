//! A panicking host function unwinds to the embedder as a panic in every
//! strategy and at any nesting depth, and the store stays usable. Each test
//! runs in a child process: the failure mode being guarded against is an
//! abort.

mod common;

use common::{for_each_strategy, in_child_process};
use std::panic::{catch_unwind, AssertUnwindSafe};
use strata::{Caller, Linker, Module, Store};

/// `enter(n)` calls the host's `down(n)`, which calls `enter(n - 1)` back
/// until `n` is 0, where the host panics; `ok` returns 42.
const NEST: &str = r#"(module
  (import "env" "down" (func $down (param i32) (result i32)))
  (func (export "enter") (param i32) (result i32)
    (i32.add (call $down (local.get 0)) (i32.const 1)))
  (func (export "ok") (result i32) (i32.const 42)))"#;

fn nesting_store(engine: &strata::Engine) -> (Store<u32>, strata::Instance) {
    let module = Module::new(engine, NEST).unwrap();
    let mut store = Store::new(engine, 0u32);
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "down",
            |mut caller: Caller<'_, u32>, n: i32| -> i32 {
                *caller.data_mut() += 1;
                if n == 0 {
                    panic!("host function gave up");
                }
                let enter = caller
                    .get_export("enter")
                    .and_then(|e| e.into_func())
                    .unwrap()
                    .typed::<i32, i32>(&caller)
                    .unwrap();
                enter.call(&mut caller, n - 1).unwrap()
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn a_host_panic_reaches_the_embedder_at_every_depth_in_every_strategy() {
    in_child_process(
        "a_host_panic_reaches_the_embedder_at_every_depth_in_every_strategy",
        || {
            for_each_strategy(
                |c| {
                    c.tier_up_calls(2);
                },
                |strategy, engine| {
                    let (mut store, instance) = nesting_store(&engine);
                    let enter = instance
                        .get_typed_func::<i32, i32>(&mut store, "enter")
                        .unwrap();
                    // Repeats let the tiered strategy compile `enter`.
                    for depth in [0, 1, 2, 5, 0, 3, 8] {
                        *store.data_mut() = 0;
                        let r = catch_unwind(AssertUnwindSafe(|| enter.call(&mut store, depth)));
                        let payload = r.expect_err("the panic reaches the embedder");
                        let msg = payload.downcast_ref::<&str>().copied().unwrap_or("");
                        assert_eq!(msg, "host function gave up", "{strategy:?} depth {depth}");
                        assert_eq!(*store.data(), depth as u32 + 1, "{strategy:?}");
                        let ok = instance
                            .get_typed_func::<(), i32>(&mut store, "ok")
                            .unwrap();
                        assert_eq!(ok.call(&mut store, ()).unwrap(), 42, "{strategy:?}");
                    }
                },
            );
        },
    );
}

#[test]
fn a_panic_in_the_epoch_callback_reaches_the_embedder() {
    in_child_process("a_panic_in_the_epoch_callback_reaches_the_embedder", || {
        for_each_strategy(
            |c| {
                c.epoch_interruption(true);
            },
            |strategy, engine| {
                let (mut store, instance) = common::instantiate(
                    &engine,
                    r#"(module (func (export "f") (loop $l (br $l))))"#,
                );
                store.epoch_deadline_callback(|_| panic!("callback gave up"));
                let f = instance.get_typed_func::<(), ()>(&mut store, "f").unwrap();
                let r = catch_unwind(AssertUnwindSafe(|| f.call(&mut store, ())));
                assert!(r.is_err(), "{strategy:?}");
                store.epoch_deadline_trap();
                store.set_epoch_deadline(1);
                let err = catch_unwind(AssertUnwindSafe(|| {
                    engine.increment_epoch();
                    f.call(&mut store, ())
                }));
                // Without a callback the loop traps once the epoch passes.
                assert!(matches!(err, Ok(Err(_))), "{strategy:?}");
            },
        );
    });
}
