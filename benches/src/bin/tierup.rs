//! Per-call latency of a request loop while its functions tier up, under
//! `Strategy::Tiered` with synchronous and with background tier-up
//! (`Config::parallel_compilation`).
//!
//! Each round makes a new engine, module and instance and calls `run(arg)`
//! (a short request) `CALLS` times in a row, timing every call; the first
//! calls are interpreted, and the call or loop that makes a function hot
//! either compiles it (synchronous) or hands it to the compiler thread and
//! goes on (background). The modules are the C workloads, with small
//! arguments (one function each, mostly hot in loops), and the generated
//! compile inputs (hundreds of functions, each called once per request, so
//! they all get hot in the same request). Percentiles are over every call
//! of every round; every call's answer must equal the interpreter's.

use std::time::{Duration, Instant};
use strata::{CompilationMode, Config, Engine, Linker, Module, Store, Strategy};
use strata_benches::measure::Samples;
use strata_benches::report::duration;
use strata_benches::workloads;

const USAGE: &str = "usage: tierup [--rounds N] [--filter TEXT]";

/// Calls per round: past the default call threshold (1,000).
const CALLS: usize = 2_000;

/// The generated modules' argument (as in `compare`'s agreement check).
const GENERATED_ARG: i32 = 7;

/// Each C workload's argument for one short request.
const REQUEST_ARGS: &[(&str, i32)] = &[
    ("c/sha256", 1),
    ("c/nbody", 200),
    ("c/mandelbrot", 8),
    ("c/quicksort", 300),
    ("c/lz", 1),
    ("c/bytecode", 60),
    ("c/tokenizer", 1),
    ("c/mix", 1),
    ("c/calls", 1),
];

fn main() {
    if let Err(e) = run() {
        eprintln!("tierup: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let (mut rounds, mut filter) = (10usize, String::new());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or(USAGE)?
            }
            "--filter" => filter = args.next().ok_or(USAGE)?,
            _ => return Err(USAGE.into()),
        }
    }
    println!(
        "Per-call latency of `run(arg)` called {CALLS} times on a fresh instance, \
         {rounds} rounds, `Strategy::Tiered` with default thresholds and eager \
         translation.\n"
    );
    println!("| workload | tier-up | p50 | p99 | max | all calls (median round) |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    let mut requests: Vec<(String, std::sync::Arc<[u8]>, i32)> = Vec::new();
    for w in workloads::execution(&filter)? {
        if let Some(&(_, arg)) = REQUEST_ARGS.iter().find(|(name, _)| *name == w.name) {
            requests.push((w.name, w.wasm, arg));
        }
    }
    for input in workloads::compile_inputs(&filter)? {
        if input.name.starts_with("generated/") {
            requests.push((input.name, input.wasm, GENERATED_ARG));
        }
    }
    for (name, wasm, arg) in requests {
        let expected = answers(&wasm, arg)?;
        let mut modes = [
            (false, Vec::new(), Vec::new()),
            (true, Vec::new(), Vec::new()),
        ];
        // Modes take turns, so that drift in the machine hits both alike.
        for _ in 0..rounds {
            for (background, calls, totals) in modes.iter_mut() {
                let round = round(&wasm, arg, &expected, *background)?;
                totals.push(round.iter().sum::<Duration>());
                calls.extend(round);
            }
        }
        for (background, calls, totals) in modes {
            let (calls, totals) = (Samples::from(calls), Samples::from(totals));
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                name,
                if background {
                    "background"
                } else {
                    "synchronous"
                },
                duration(calls.quantile(0.5)),
                duration(calls.quantile(0.99)),
                duration(calls.max()),
                duration(totals.median()),
            );
        }
    }
    Ok(())
}

/// The interpreter's answers to the round's calls (a module may keep state
/// between them).
fn answers(wasm: &[u8], arg: i32) -> Result<Vec<i64>, String> {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    let engine = Engine::new(&config).map_err(|e| e.to_string())?;
    let calls = call_all(&engine, wasm, arg, CALLS, |_, _| Ok(()))?;
    Ok(calls.into_iter().map(|(v, _)| v).collect())
}

/// One round: every call's latency.
fn round(
    wasm: &[u8],
    arg: i32,
    expected: &[i64],
    background: bool,
) -> Result<Vec<Duration>, String> {
    let mut config = Config::new();
    // Translation up front: the first call measures running, not translating.
    config
        .strategy(Strategy::Tiered)
        .compilation_mode(CompilationMode::Eager)
        .parallel_compilation(background);
    let engine = Engine::new(&config).map_err(|e| e.to_string())?;
    let check = |k: usize, got: i64| {
        if got == expected[k] {
            Ok(())
        } else {
            Err(format!("call {k} returned {got}, expected {}", expected[k]))
        }
    };
    let calls = call_all(&engine, wasm, arg, CALLS, check)?;
    Ok(calls.into_iter().map(|(_, t)| t).collect())
}

/// Calls `run(arg)` `n` times on a new instance: each answer (checked by
/// `check`) and its latency.
fn call_all(
    engine: &Engine,
    wasm: &[u8],
    arg: i32,
    n: usize,
    check: impl Fn(usize, i64) -> Result<(), String>,
) -> Result<Vec<(i64, Duration)>, String> {
    let module = Module::new(engine, wasm).map_err(|e| e.to_string())?;
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let f = instance
        .get_typed_func::<i32, i64>(&mut store, "run")
        .map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let started = Instant::now();
        let got = f.call(&mut store, arg).map_err(|e| e.to_string())?;
        out.push((got, started.elapsed()));
        check(k, got)?;
    }
    Ok(out)
}
