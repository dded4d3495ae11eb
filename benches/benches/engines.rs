//! Criterion benchmarks of every engine on every workload, compile input
//! and instantiation input; the same measurements `compare` tabulates, with
//! criterion's statistics and history. Filter as usual, for example
//! `cargo bench -p strata-benches -- execution/c/sha256`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use strata_benches::engines::{EngineId, Runtime};
use strata_benches::measure::warmed_instance;
use strata_benches::workloads;

/// The engines that can be created; the others are reported once and skipped.
fn engines() -> Vec<(EngineId, Box<dyn Runtime>)> {
    EngineId::ALL
        .into_iter()
        .filter_map(|id| match id.create() {
            Ok(rt) => Some((id, rt)),
            Err(why) => {
                eprintln!("skipping {}: {why}", id.label());
                None
            }
        })
        .collect()
}

fn configure(c: &mut Criterion) -> Criterion {
    std::mem::take(c)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

fn execution(c: &mut Criterion) {
    let engines = engines();
    for w in workloads::execution("").expect("workloads load") {
        let mut group = c.benchmark_group(format!("execution/{}", w.name));
        for (id, rt) in &engines {
            let mut instance = match warmed_instance(rt.as_ref(), &w) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("{} on {}: {e}", id.label(), w.name);
                    continue;
                }
            };
            group.bench_function(id.key(), |b| {
                b.iter(|| {
                    let got = instance.run(w.arg).expect("run succeeds");
                    // A wrong answer fails the benchmark rather than timing it.
                    w.check(got).expect("run returns the expected checksum");
                })
            });
        }
        group.finish();
    }
}

fn compilation(c: &mut Criterion) {
    let engines = engines();
    for input in workloads::compile_inputs("").expect("compile inputs load") {
        let mut group = c.benchmark_group(format!("compile/{}", input.name));
        for (id, rt) in &engines {
            if let Err(e) = rt.compile(&input.wasm) {
                eprintln!("{} cannot compile {}: {e}", id.label(), input.name);
                continue;
            }
            group.bench_function(id.key(), |b| {
                b.iter(|| rt.compile(&input.wasm).expect("compiles"))
            });
        }
        group.finish();
    }
}

fn instantiation(c: &mut Criterion) {
    let engines = engines();
    let inputs = workloads::compile_inputs("").expect("compile inputs load");
    for input in inputs.iter().filter(|i| i.instantiable) {
        let mut group = c.benchmark_group(format!("instantiate/{}", input.name));
        for (id, rt) in &engines {
            let module = match rt.compile(&input.wasm) {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("{} cannot compile {}: {e}", id.label(), input.name);
                    continue;
                }
            };
            group.bench_function(id.key(), |b| {
                b.iter(|| module.instantiate().expect("instantiates"))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = configure(&mut Criterion::default());
    targets = execution, compilation, instantiation
}
criterion_main!(benches);
