//! `strata compile`: validate and translate a module without running it.

use std::fmt::Write as _;

use strata::{CompilationMode, Module, Strategy};

use crate::args::{option_value, tokenize, CliError, Token};
use crate::{load, output};

/// Usage of `strata compile`.
pub const HELP: &str = "\
Validate and translate a module, then print its sizes or its register IR

Usage: strata compile [OPTIONS] <FILE>

Arguments:
  <FILE>  A binary .wasm module or a .wat text module

Options:
      --emit-ir          Print the register-IR disassembly of every function instead of sizes
      --strategy <KIND>  Execution strategy to compile for: interpreter, jit or tiered (default: tiered where supported)
  -h, --help             Print help

Exit status: 0 if the module is valid, 1 if it is not (the error says what
and where), 2 for a bad command line.
";

/// Runs `strata compile` with the arguments after the command name.
pub fn main(argv: &[String]) -> Result<(), CliError> {
    let mut file = None;
    let mut emit_ir = false;
    let mut strategy = Strategy::default();
    let mut tokens = tokenize(argv).into_iter();
    while let Some(token) = tokens.next() {
        match token {
            Token::Opt("-h" | "--help", None) => return output::print(HELP),
            Token::Opt("--emit-ir", None) => emit_ir = true,
            Token::Opt(name @ "--strategy", inline) => {
                strategy = load::parse_strategy(option_value(name, inline, &mut tokens)?)?
            }
            Token::Opt(name, _) => {
                return Err(CliError::Usage(format!(
                    "unknown option `{name}` for `compile`"
                )))
            }
            Token::Positional(path) if file.is_none() => file = Some(path),
            Token::Positional(extra) => {
                return Err(CliError::Usage(format!("unexpected argument `{extra}`")))
            }
        }
    }
    let file = file.ok_or_else(|| CliError::Usage("`compile` needs a FILE".into()))?;

    // Every strategy starts from the same register IR, so the sizes and the
    // disassembly do not depend on it; the strategy only has to exist.
    // `compile` translates everything: that is what it measures.
    let engine = load::engine(strategy, |config| {
        config.compilation_mode(CompilationMode::Eager);
    })?;
    let module = load::module(&engine, file)?;
    if emit_ir {
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
