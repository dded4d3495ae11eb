//! Which pairs of IR instructions Strata's interpreter dispatches one after
//! the other, over the execution workloads: the measurement that fused
//! pairs (`strata::ir` fused forms) are chosen by. Each workload weighs the
//! same: a pair's share is the mean over workloads of its fraction of that
//! workload's dispatches. Needs the engine's `pair-stats` feature:
//!
//! `cargo run --release -p strata-benches --features pair-stats --bin pairs [-- --filter TEXT] [--top N]`

use std::collections::HashMap;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut filter = String::new();
    let mut top = 60usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--filter" => filter = it.next().cloned().unwrap_or_default(),
            "--top" => top = it.next().and_then(|n| n.parse().ok()).unwrap_or(top),
            other => {
                eprintln!("usage: pairs [--filter TEXT] [--top N] (not {other:?})");
                return ExitCode::from(2);
            }
        }
    }
    match run(&filter, top) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pairs: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(filter: &str, top: usize) -> Result<(), String> {
    let workloads = strata_benches::workloads::execution(filter)?;
    let mut config = strata::Config::new();
    config.strategy(strata::Strategy::Interpreter);
    let engine = strata::Engine::new(&config).map_err(|e| e.to_string())?;
    let mut pairs: HashMap<(String, String), f64> = HashMap::new();
    let mut singles: HashMap<String, f64> = HashMap::new();
    strata::pair_stats::take();
    for w in &workloads {
        let module = strata::Module::new(&engine, &w.wasm[..]).map_err(|e| e.to_string())?;
        let mut store = strata::Store::new(&engine, ());
        let instance = strata::Linker::new(&engine)
            .instantiate(&mut store, &module)
            .map_err(|e| e.to_string())?;
        let f = instance
            .get_typed_func::<i32, i64>(&mut store, "run")
            .map_err(|e| e.to_string())?;
        let got = f.call(&mut store, w.arg).map_err(|e| e.to_string())?;
        w.check(got)?;
        let counts = strata::pair_stats::take();
        let total: u64 = counts.iter().map(|c| c.2).sum();
        eprintln!("{}: {total} dispatches", w.name);
        for (a, b, n) in counts {
            let share = n as f64 / total as f64 / workloads.len() as f64;
            *pairs
                .entry((format!("{a:?}"), format!("{b:?}")))
                .or_default() += share;
            *singles.entry(format!("{b:?}")).or_default() += share;
        }
    }
    let mut singles: Vec<_> = singles.into_iter().collect();
    singles.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("| instruction | share of dispatches |\n| --- | ---: |");
    for (name, share) in singles.iter().take(top) {
        println!("| {name} | {:.2}% |", share * 100.0);
    }
    println!("\n| first | then | share of dispatches |\n| --- | --- | ---: |");
    for ((a, b), share) in pairs.iter().take(top) {
        println!("| {a} | {b} | {:.2}% |", share * 100.0);
    }
    Ok(())
}
