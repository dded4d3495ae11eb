//! Calls between wasm and the host in every strategy: any signature, floats
//! and multiple results, and host functions calling back into wasm.

mod common;

use common::for_each_strategy;
use strata::{Caller, Extern, Linker, Module, Store};

#[test]
fn host_functions_with_floats_and_multiple_results_work_from_every_tier() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(3).tier_up_back_edges(5);
        },
        |strategy, engine| {
            let mut linker = Linker::<u32>::new(&engine);
            linker
                .func_wrap(
                    "env",
                    "split",
                    |mut caller: Caller<'_, u32>, x: f64, k: i32| -> (f32, i64) {
                        *caller.data_mut() += 1;
                        ((x * 0.5) as f32, x as i64 + k as i64)
                    },
                )
                .unwrap();
            // The host calls back into the instance that called it.
            linker
                .func_wrap(
                    "env",
                    "twice",
                    |mut caller: Caller<'_, u32>, x: i32| -> i32 {
                        let Some(Extern::Func(double)) = caller.get_export("double") else {
                            panic!("double is exported");
                        };
                        let double = double.typed::<i32, i32>(&caller).unwrap();
                        let once = double.call(&mut caller, x).unwrap();
                        double.call(&mut caller, once).unwrap()
                    },
                )
                .unwrap();
            let module = Module::new(
                &engine,
                r#"(module
                  (import "env" "split" (func $split (param f64 i32) (result f32 i64)))
                  (import "env" "twice" (func $twice (param i32) (result i32)))
                  (func (export "double") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
                  (func (export "run") (param $n i32) (result f64) (local $i i32) (local $acc f64)
                    (loop $l
                      (call $split (f64.convert_i32_s (local.get $i)) (i32.const 10))
                      (f64.convert_i64_s)
                      (local.get $acc) (f64.add) (local.set $acc)
                      (f64.promote_f32) (local.get $acc) (f64.add) (local.set $acc)
                      (local.set $acc (f64.add (local.get $acc)
                        (f64.convert_i32_s (call $twice (local.get $i)))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
                    (local.get $acc)))"#,
            )
            .unwrap();
            let mut store = Store::new(&engine, 0u32);
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let run = instance
                .get_typed_func::<i32, f64>(&mut store, "run")
                .unwrap();
            let expect = |n: i32| -> f64 {
                (0..n)
                    .map(|i| (i as f64 * 0.5) + (i + 10) as f64 + (4 * i) as f64)
                    .sum()
            };
            for n in [1, 4, 20, 50] {
                assert_eq!(
                    run.call(&mut store, n).unwrap(),
                    expect(n),
                    "{strategy:?} n={n}"
                );
            }
            assert_eq!(*store.data(), 75, "{strategy:?}: every host call ran once");
        },
    );
}
