//! The per-request cost of a server that runs each request in a fresh
//! instance: a new store, instantiation, one call into the module (which
//! calls a host function), and dropping it all. The module has a one-page
//! memory, a mutable global, a table with an element segment and one host
//! import. Imports resolved on every instantiation (`Linker::instantiate`)
//! and resolved once (`InstancePre`) are measured apart, with wasmtime and
//! wasmi beside Strata: `cargo bench -p strata-benches --bench instantiate`.
//!
//! The `threads=2` rows run the same requests on two threads at once and
//! report the time per request of the pair (wall time ÷ requests): half of
//! the one-thread row means perfect scaling, equal means none.

use criterion::{criterion_group, criterion_main, Bencher, Criterion};
use std::time::{Duration, Instant};

/// Runs `request` `iters` times on each of `threads` threads at once, for
/// criterion's `iter_custom`: the wall time divided by the thread count.
/// The threads live for the whole benchmark, as a server's workers do, so
/// what they keep per thread (reservations for reuse) is kept.
fn on_threads(b: &mut Bencher<'_>, threads: u32, request: impl Fn() + Sync) {
    use std::sync::mpsc;
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let workers: Vec<mpsc::Sender<u64>> = (0..threads)
            .map(|_| {
                let (tx, rx) = mpsc::channel::<u64>();
                let (done, request) = (done_tx.clone(), &request);
                s.spawn(move || {
                    for iters in rx {
                        for _ in 0..iters {
                            request();
                        }
                        done.send(()).expect("the benchmark waits");
                    }
                });
                tx
            })
            .collect();
        b.iter_custom(|iters| {
            let started = Instant::now();
            for w in &workers {
                w.send(iters).expect("the worker runs");
            }
            for _ in 0..threads {
                done_rx.recv().expect("a worker finishes");
            }
            started.elapsed() / threads
        });
        // Closing the channels ends the workers.
        drop(workers);
    });
}

const MODULE: &str = r#"(module
  (import "host" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (global $requests (mut i32) (i32.const 0))
  (table 4 funcref)
  (elem (i32.const 0) $answer $answer)
  (func $answer (result i32) (i32.const 42))
  (func (export "handle") (param i32) (result i32)
    (global.set $requests (i32.add (global.get $requests) (i32.const 1)))
    (i32.store (i32.const 16) (local.get 0))
    (call $log (local.get 0))
    (i32.add (call_indirect (result i32) (i32.const 1)) (i32.load (i32.const 16)))))"#;

fn strata(c: &mut Criterion) {
    use strata::{
        Caller, Config, Engine, InstanceAllocationStrategy, Linker, Module,
        PoolingAllocationConfig, Store, Strategy,
    };
    let mut group = c.benchmark_group("instantiate/strata");
    for (name, strategy, pooling) in [
        ("interpreter", Strategy::Interpreter, false),
        ("jit", Strategy::Jit, false),
        ("tiered", Strategy::Tiered, false),
        ("interpreter/pooling", Strategy::Interpreter, true),
        ("jit/pooling", Strategy::Jit, true),
        ("tiered/pooling", Strategy::Tiered, true),
    ] {
        let mut config = Config::new();
        config.strategy(strategy);
        if pooling {
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(
                PoolingAllocationConfig::default(),
            ));
        }
        let engine = Engine::new(&config).expect("engine");
        let module = Module::new(&engine, MODULE).expect("module");
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "log", |mut caller: Caller<'_, u32>, x: i32| {
                *caller.data_mut() += x as u32;
            })
            .expect("host function");
        group.bench_function(format!("{name}/linker"), |b| {
            b.iter(|| {
                let mut store = Store::new(&engine, 0u32);
                let instance = linker.instantiate(&mut store, &module).expect("instance");
                let handle = instance
                    .get_typed_func::<i32, i32>(&mut store, "handle")
                    .expect("export");
                assert_eq!(handle.call(&mut store, 1).expect("call"), 43);
            })
        });
        let pre = linker.instantiate_pre(&module).expect("imports resolve");
        let request = || {
            let mut store = Store::new(&engine, 0u32);
            let instance = pre.instantiate(&mut store).expect("instance");
            let handle = instance
                .get_typed_func::<i32, i32>(&mut store, "handle")
                .expect("export");
            assert_eq!(handle.call(&mut store, 1).expect("call"), 43);
        };
        group.bench_function(format!("{name}/instance_pre"), |b| b.iter(request));
        group.bench_function(format!("{name}/instance_pre/threads=2"), |b| {
            on_threads(b, 2, request)
        });
    }
    group.finish();
}

fn wasmtime(c: &mut Criterion) {
    use wasmtime::{
        Caller, Config, Engine, InstanceAllocationStrategy, Linker, Module,
        PoolingAllocationConfig, Store, Strategy,
    };
    let mut group = c.benchmark_group("instantiate/wasmtime");
    for (name, strategy, pooling) in [
        ("cranelift", Strategy::Cranelift, false),
        ("winch", Strategy::Winch, false),
        ("cranelift/pooling", Strategy::Cranelift, true),
    ] {
        let mut config = Config::new();
        config.strategy(strategy);
        if pooling {
            // wasmtime's defaults: up to 1000 instances, memories and tables.
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(
                PoolingAllocationConfig::default(),
            ));
        }
        let engine = Engine::new(&config).expect("engine");
        // This build of wasmtime reads binaries only.
        let wasm = wat::parse_str(MODULE).expect("wat");
        let module = Module::new(&engine, &wasm).expect("module");
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "log", |mut caller: Caller<'_, u32>, x: i32| {
                *caller.data_mut() += x as u32;
            })
            .expect("host function");
        let pre = linker.instantiate_pre(&module).expect("imports resolve");
        let request = || {
            let mut store = Store::new(&engine, 0u32);
            let instance = pre.instantiate(&mut store).expect("instance");
            let handle = instance
                .get_typed_func::<i32, i32>(&mut store, "handle")
                .expect("export");
            assert_eq!(handle.call(&mut store, 1).expect("call"), 43);
        };
        group.bench_function(format!("{name}/instance_pre"), |b| b.iter(request));
        group.bench_function(format!("{name}/instance_pre/threads=2"), |b| {
            on_threads(b, 2, request)
        });
    }
    group.finish();
}

fn wasmi(c: &mut Criterion) {
    use wasmi::{Caller, Engine, Linker, Module, Store};
    let mut group = c.benchmark_group("instantiate/wasmi");
    let engine = Engine::default();
    let wasm = wat::parse_str(MODULE).expect("wat");
    let module = Module::new(&engine, &wasm).expect("module");
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "log", |mut caller: Caller<'_, u32>, x: i32| {
            *caller.data_mut() += x as u32;
        })
        .expect("host function");
    let request = || {
        let mut store = Store::new(&engine, 0u32);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .expect("instance");
        let handle = instance
            .get_typed_func::<i32, i32>(&store, "handle")
            .expect("export");
        assert_eq!(handle.call(&mut store, 1).expect("call"), 43);
    };
    group.bench_function("linker", |b| b.iter(request));
    group.bench_function("linker/threads=2", |b| on_threads(b, 2, request));
    group.finish();
}

fn configure() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = configure();
    targets = strata, wasmtime, wasmi
}
criterion_main!(benches);
