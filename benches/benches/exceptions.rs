//! Criterion benchmarks of exception handling through the public API, per
//! strategy: an exception thrown and caught in one function
//! (`exceptions/local`), one thrown ten calls down and caught above them
//! (`exceptions/deep`), a call inside a `try_table` that does not throw
//! (`exceptions/guarded_call`, beside `exceptions/plain_call` without
//! one), and an exception no wasm frame catches, back at the embedder as
//! an error (`exceptions/uncaught`). Run with
//! `cargo bench -p strata-benches --bench exceptions`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use strata::{Config, Engine, Linker, Module, Store, Strategy, TypedFunc};

/// The module under test.
const EXCEPTIONS: &str = r#"(module
  (tag $t (param i32))
  (func $thrower (param i32) (throw $t (local.get 0)))
  (func $deep (param i32 i32)
    (if (i32.eqz (local.get 0))
      (then (call $thrower (local.get 1)))
      (else (call $deep (i32.sub (local.get 0) (i32.const 1)) (local.get 1)))))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "local") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $t $h) (throw $t (local.get 0)))
      (i32.const -1)))
  (func (export "deep") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $t $h) (call $deep (i32.const 10) (local.get 0)))
      (i32.const -1)))
  (func (export "guarded_call") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $t $h) (return (call $id (local.get 0))))
      (unreachable)))
  (func (export "plain_call") (param i32) (result i32) (call $id (local.get 0)))
  (func (export "uncaught") (param i32) (result i32)
    (call $thrower (local.get 0))
    (i32.const -1)))"#;

/// The strategies measured, with their criterion ids.
const STRATEGIES: [(Strategy, &str); 2] = [
    (Strategy::Jit, "strata-jit"),
    (Strategy::Interpreter, "strata-interp"),
];

/// The exports measured; each returns its argument, or fails.
const EXPORTS: [&str; 5] = ["local", "deep", "guarded_call", "plain_call", "uncaught"];

fn configure(c: &mut Criterion) -> Criterion {
    std::mem::take(c)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// A store and the module's exports, instantiated under `strategy`.
fn subject(strategy: Strategy) -> (Store<()>, Vec<TypedFunc<i32, i32>>) {
    let engine = Engine::new(Config::new().strategy(strategy)).expect("the engine is created");
    let wasm = wat::parse_str(EXCEPTIONS).expect("the module parses");
    let module = Module::new(&engine, &wasm).expect("the module compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("the module instantiates");
    let funcs = EXPORTS
        .iter()
        .map(|name| {
            instance
                .get_typed_func::<i32, i32>(&mut store, name)
                .expect("the export exists")
        })
        .collect();
    (store, funcs)
}

fn exceptions(c: &mut Criterion) {
    let mut subjects: Vec<_> = STRATEGIES
        .into_iter()
        .map(|(strategy, key)| (key, subject(strategy)))
        .collect();
    for (k, name) in EXPORTS.iter().enumerate() {
        let mut group = c.benchmark_group(format!("exceptions/{name}"));
        for (key, (store, funcs)) in &mut subjects {
            let f = funcs[k];
            group.bench_function(*key, |b| {
                b.iter(|| match f.call(&mut *store, 7) {
                    // Caught, or returned: the value must come back.
                    Ok(v) => assert_eq!(v, 7),
                    // Only `uncaught` may fail, and only with its exception.
                    Err(e) => assert!(e.exception().is_some() && *name == "uncaught"),
                })
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = configure(&mut Criterion::default());
    targets = exceptions
}
criterion_main!(benches);
