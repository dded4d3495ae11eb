//! Criterion benchmarks of a trap round trip through the public API: a call
//! to an exported `unreachable` that comes back as `Err` (`traps/trap`), one
//! to a load past the end of memory (`traps/oob`), beside a call to an empty
//! function for the cost of the call alone. Under `Strategy::Jit`,
//! `unreachable` unwinds from compiled code without a signal, while the
//! out-of-bounds load is a fault in a guard page that the signal handler
//! looks up among every live code range, so 1000 other compiled modules are
//! kept alive while measuring. Run with
//! `cargo bench -p strata-benches --bench traps`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use strata::{Config, Engine, Linker, Module, Store, Strategy, TypedFunc};

/// The module under test: one function that traps, one that does nothing.
const TRAPS: &str = r#"(module (memory 1)
  (func (export "trap") unreachable)
  (func (export "oob") (drop (i32.load (i32.const 65536))))
  (func (export "nop")))"#;

/// Other compiled modules live while measuring, each its own code range.
const EXTRA_MODULES: usize = 1000;

/// The strategies measured, with their criterion ids.
const STRATEGIES: [(Strategy, &str); 2] = [
    (Strategy::Jit, "strata-jit"),
    (Strategy::Interpreter, "strata-interp"),
];

fn configure(c: &mut Criterion) -> Criterion {
    std::mem::take(c)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

fn engine(strategy: Strategy) -> Engine {
    Engine::new(Config::new().strategy(strategy)).expect("the engine is created")
}

/// Compiles `EXTRA_MODULES` small modules under `Strategy::Jit`; each one's
/// code stays registered with the trap handler while the result lives.
fn extra_modules() -> Vec<Module> {
    let engine = engine(Strategy::Jit);
    (0..EXTRA_MODULES)
        .map(|i| {
            let wat = format!(
                "(module (func (export \"f\") (param i32) (result i32) \
                 local.get 0 i32.const {i} i32.div_u))"
            );
            let wasm = wat::parse_str(&wat).expect("the extra module parses");
            Module::new(&engine, &wasm).expect("the extra module compiles")
        })
        .collect()
}

/// A store and the module's two exports, instantiated under `strategy`.
struct Subject {
    store: Store<()>,
    trap: TypedFunc<(), ()>,
    oob: TypedFunc<(), ()>,
    nop: TypedFunc<(), ()>,
}

fn subject(strategy: Strategy) -> Subject {
    let engine = engine(strategy);
    let wasm = wat::parse_str(TRAPS).expect("the module parses");
    let module = Module::new(&engine, &wasm).expect("the module compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("the module instantiates");
    let trap = instance
        .get_typed_func::<(), ()>(&mut store, "trap")
        .expect("export trap");
    let oob = instance
        .get_typed_func::<(), ()>(&mut store, "oob")
        .expect("export oob");
    let nop = instance
        .get_typed_func::<(), ()>(&mut store, "nop")
        .expect("export nop");
    Subject {
        store,
        trap,
        oob,
        nop,
    }
}

/// Chooses one of a subject's exports.
type Pick = fn(&Subject) -> TypedFunc<(), ()>;

fn traps(c: &mut Criterion) {
    let _extra = extra_modules();
    let mut subjects: Vec<(&str, Subject)> = STRATEGIES
        .into_iter()
        .map(|(strategy, key)| (key, subject(strategy)))
        .collect();

    // Calls that must trap: one returning normally fails the benchmark
    // rather than being timed.
    let trapping: [(&str, Pick); 2] = [("traps/trap", |s| s.trap), ("traps/oob", |s| s.oob)];
    for (name, func) in trapping {
        let mut group = c.benchmark_group(name);
        for (key, s) in &mut subjects {
            let f = func(s);
            group.bench_function(*key, |b| {
                b.iter(|| {
                    let err = f.call(&mut s.store, ()).expect_err("the call traps");
                    std::hint::black_box(err);
                })
            });
        }
        group.finish();
    }

    let mut group = c.benchmark_group("traps/nop");
    for (key, s) in &mut subjects {
        group.bench_function(*key, |b| {
            b.iter(|| s.nop.call(&mut s.store, ()).expect("nop returns"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = configure(&mut Criterion::default());
    targets = traps
}
criterion_main!(benches);
