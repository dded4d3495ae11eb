//! `strata compile`: validate and translate a module without running it.

use std::fmt::Write as _;

use clap::Args;
use strata::{CompilationMode, Module};

use crate::args::CliError;
use crate::options::{EngineOptions, WasmSettings};
use crate::{load, output};

/// `strata compile`'s command line.
#[derive(Args, Debug)]
#[command(
    after_help = "Exit status: 0 if the module is valid, 1 if it is not (the error says \
                        what and where), 2 for a bad command line."
)]
pub struct CompileArgs {
    /// Print the register-IR disassembly of every function instead of sizes
    #[arg(long)]
    emit_ir: bool,
    /// Write the precompiled module to OUT (for `strata run
    /// --allow-precompiled OUT`), made for the same --strategy, -C and -W
    /// settings as the run that loads it
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: Option<String>,
    #[command(flatten)]
    engine: EngineOptions,
    /// Wasm features, comma-separated, repeatable: tail-call=y|n,
    /// extended-const=y|n, multi-memory=y|n, memory64=y|n,
    /// function-references=y|n, exceptions=y|n
    #[arg(short = 'W', long = "wasm", value_name = "KEY=VALUE,...")]
    wasm: Vec<String>,
    /// A binary .wasm module or a .wat text module
    #[arg(value_name = "FILE")]
    file: String,
}

/// Runs `strata compile`.
pub fn main(args: &CompileArgs) -> Result<(), CliError> {
    let mut wasm = WasmSettings::default();
    wasm.apply(&args.wasm)?;
    wasm.features_only("compile")?;
    // Every strategy starts from the same register IR, so the sizes and the
    // disassembly do not depend on it; the strategy only has to exist.
    // `compile` translates everything: that is what it measures.
    let engine = args.engine.engine(&wasm, |config| {
        config.compilation_mode(CompilationMode::Eager);
    })?;
    let module = load::module(&engine, &args.file, false)?;
    if let Some(out) = &args.output {
        let artifact = module
            .serialize()
            .map_err(|err| CliError::Failed(format!("{}: {err}", args.file)))?;
        return std::fs::write(out, artifact)
            .map_err(|err| CliError::Failed(format!("cannot write {out}: {err}")));
    }
    if args.emit_ir {
        output::print(&module.emit_ir())
    } else {
        output::print(&stats_report(&module))
    }
}

/// Renders `Module::stats` as aligned `name: value` lines.
fn stats_report(module: &Module) -> String {
    let stats = module.stats();
    let per_instr = if stats.wasm_ops == 0 {
        "n/a".to_string()
    } else {
        format!("{:.2}", stats.ir_bytes as f64 / stats.wasm_ops as f64)
    };
    let mut out = String::new();
    for (name, value) in [
        ("wasm bytes", stats.wasm_bytes.to_string()),
        ("code bytes", stats.code_bytes.to_string()),
        ("functions", stats.num_funcs.to_string()),
        ("wasm instructions", stats.wasm_ops.to_string()),
        ("IR instructions", stats.ir_instrs.to_string()),
        ("IR bytes", stats.ir_bytes.to_string()),
        ("IR bytes per wasm instruction", per_instr),
        (
            "compile time",
            format!("{:.3} ms", stats.compile_time.as_secs_f64() * 1e3),
        ),
        (
            "compile throughput",
            throughput(stats.wasm_bytes, stats.compile_time),
        ),
    ]
    .into_iter()
    .chain((!stats.jit_time.is_zero()).then(|| {
        (
            "machine code time",
            format!(
                "{:.3} ms ({})",
                stats.jit_time.as_secs_f64() * 1e3,
                throughput(stats.wasm_bytes, stats.jit_time)
            ),
        )
    })) {
        let _ = writeln!(out, "{:<31}{value}", format!("{name}:"));
    }
    out
}

/// Megabytes of wasm validated and translated per second.
fn throughput(bytes: usize, time: std::time::Duration) -> String {
    let secs = time.as_secs_f64();
    if secs == 0.0 {
        return "n/a".to_string();
    }
    format!("{:.1} MB/s", bytes as f64 / 1e6 / secs)
}
