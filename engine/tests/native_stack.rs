//! Runaway recursion, direct or through host functions, traps with "call
//! stack exhausted" on small threads in every strategy: never a native
//! stack overflow. Each test runs in a child process, since the failure
//! mode being guarded against kills the process.

mod common;

use common::{for_each_strategy, in_child_process};
use strata::{Caller, Linker, Module, Store, TrapCode};

const RECURSE: &str = r#"(module
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  (func $direct (export "direct") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $direct (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func (export "through_host") (param i32) (result i32)
    (i32.add (call $reenter (local.get 0)) (i32.const 1))))"#;

/// Runs `depth`-deep recursion of `name` on a thread with `stack` bytes.
fn recurse_on_thread(stack: usize, name: &'static str, depth: i32) {
    for_each_strategy(
        |c| {
            c.max_call_depth(10_000_000).tier_up_calls(10);
        },
        |strategy, engine| {
            let t = std::thread::Builder::new()
                .stack_size(stack)
                .spawn(move || {
                    let module = Module::new(&engine, RECURSE).unwrap();
                    let mut store = Store::new(&engine, ());
                    let mut linker = Linker::new(&engine);
                    linker
                        .func_wrap("env", "reenter", |mut caller: Caller<'_, ()>, n: i32| {
                            // A host function with a few KiB of its own.
                            let scratch = std::hint::black_box([n as u8; 4096]);
                            let f = caller
                                .get_export("through_host")
                                .and_then(|e| e.into_func())
                                .unwrap()
                                .typed::<i32, i32>(&caller)
                                .unwrap();
                            if n == 0 {
                                return Ok(scratch[7] as i32);
                            }
                            f.call(&mut caller, n - 1)
                        })
                        .unwrap();
                    let instance = linker.instantiate(&mut store, &module).unwrap();
                    let f = instance
                        .get_typed_func::<i32, i32>(&mut store, name)
                        .unwrap();
                    let err = f.call(&mut store, depth).unwrap_err();
                    assert_eq!(
                        err.trap_code(),
                        Some(TrapCode::StackOverflow),
                        "{strategy:?} {name}"
                    );
                    // The store is usable after the trap.
                    let expect = if name == "direct" { 3 } else { 4 };
                    assert_eq!(f.call(&mut store, 3).unwrap(), expect, "{strategy:?}");
                })
                .unwrap();
            t.join().expect("the thread finished without overflowing");
        },
    );
}

#[test]
fn deep_host_reentry_traps_on_a_128_kib_thread() {
    in_child_process("deep_host_reentry_traps_on_a_128_kib_thread", || {
        recurse_on_thread(128 * 1024, "through_host", 1_000_000)
    });
}

#[test]
fn deep_host_reentry_traps_on_a_256_kib_thread() {
    in_child_process("deep_host_reentry_traps_on_a_256_kib_thread", || {
        recurse_on_thread(256 * 1024, "through_host", 1_000_000)
    });
}

#[test]
fn direct_recursion_traps_on_a_128_kib_thread() {
    in_child_process("direct_recursion_traps_on_a_128_kib_thread", || {
        recurse_on_thread(128 * 1024, "direct", 5_000_000)
    });
}

#[test]
fn deep_host_reentry_traps_on_the_default_thread() {
    in_child_process("deep_host_reentry_traps_on_the_default_thread", || {
        recurse_on_thread(2 * 1024 * 1024, "through_host", 1_000_000)
    });
}

#[test]
fn max_wasm_stack_bounds_host_reentry() {
    // With a small budget, far fewer nested entries fit than the thread allows.
    for_each_strategy(
        |c| {
            c.max_wasm_stack(64 * 1024);
        },
        |strategy, engine| {
            let module = Module::new(&engine, RECURSE).unwrap();
            let mut store = Store::new(&engine, 0u32);
            let mut linker = Linker::new(&engine);
            linker
                .func_wrap("env", "reenter", |mut caller: Caller<'_, u32>, n: i32| {
                    *caller.data_mut() += 1;
                    let f = caller
                        .get_export("through_host")
                        .and_then(|e| e.into_func())
                        .unwrap()
                        .typed::<i32, i32>(&caller)
                        .unwrap();
                    f.call(&mut caller, n - 1)
                })
                .unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let f = instance
                .get_typed_func::<i32, i32>(&mut store, "through_host")
                .unwrap();
            let err = f.call(&mut store, 1_000_000).unwrap_err();
            assert_eq!(
                err.trap_code(),
                Some(TrapCode::StackOverflow),
                "{strategy:?}"
            );
            let depth = *store.data();
            assert!(
                depth > 5 && depth < 2000,
                "{strategy:?}: {depth} nested entries"
            );
        },
    );
}
