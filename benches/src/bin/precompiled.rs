//! Load time of precompiled modules (`Module::deserialize`) against
//! compiling the same modules (`Module::new`, eager), per strategy, over
//! the compile inputs of `benches/`. Prints a markdown table of medians.

use std::time::Instant;
use strata::{CompilationMode, Config, Engine, Module, Strategy};
use strata_benches::measure::Samples;
use strata_benches::report::duration;
use strata_benches::workloads;

/// Samples per figure.
const ROUNDS: usize = 15;

fn main() -> Result<(), String> {
    println!("| module | strategy | compile | load precompiled | speedup | artifact |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for input in workloads::compile_inputs("")? {
        for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
            let mut config = Config::new();
            config
                .strategy(strategy)
                .compilation_mode(CompilationMode::Eager);
            let Ok(engine) = Engine::new(&config) else {
                continue;
            };
            let artifact = engine
                .precompile_module(&input.wasm)
                .map_err(|e| e.to_string())?;
            let (mut compile, mut load) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                let t = Instant::now();
                drop(Module::new(&engine, &input.wasm).map_err(|e| e.to_string())?);
                compile.push(t.elapsed());
                let t = Instant::now();
                // SAFETY: made just above by this engine.
                drop(
                    unsafe { Module::deserialize(&engine, &artifact) }
                        .map_err(|e| e.to_string())?,
                );
                load.push(t.elapsed());
            }
            let (c, l) = (
                Samples::from(compile).median(),
                Samples::from(load).median(),
            );
            println!(
                "| {} | {} | {} | {} | {:.1}x | {} KiB |",
                input.name,
                strategy.name(),
                duration(c),
                duration(l),
                c.as_secs_f64() / l.as_secs_f64(),
                artifact.len() / 1024
            );
        }
    }
    Ok(())
}
