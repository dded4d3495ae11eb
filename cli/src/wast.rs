//! `strata wast`: run WebAssembly script files (`.wast`), such as the
//! official spec tests, and report what passed.

use clap::Args;
use strata_wast::{panics, watchdog, Script};

use crate::args::CliError;
use crate::options::{EngineOptions, WasmSettings};
use crate::output;

/// `strata wast`'s command line.
#[derive(Args, Debug)]
#[command(
    after_help = "Each file runs in a fresh store, with the `spectest` module the \
                        spec tests import. Every directive that does not do what the script \
                        asserts is printed with its line.\n\n\
                        Exit status: 0 if every directive of every file passed, 1 if any \
                        failed or a file could not be read or parsed, 2 for a bad command line."
)]
pub struct WastArgs {
    #[command(flatten)]
    engine: EngineOptions,
    /// Wasm features, comma-separated, repeatable: tail-call=y|n,
    /// extended-const=y|n, multi-memory=y|n, memory64=y|n,
    /// function-references=y|n, exceptions=y|n
    #[arg(short = 'W', long = "wasm", value_name = "KEY=VALUE,...")]
    wasm: Vec<String>,
    /// The scripts to run
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    files: Vec<String>,
}

/// Runs `strata wast`.
pub fn main(args: &WastArgs) -> Result<(), CliError> {
    let mut wasm = WasmSettings::default();
    wasm.apply(&args.wasm)?;
    wasm.features_only("wast")?;
    let engine = args.engine.engine(&wasm, |_| {})?;
    panics::install_hook();
    watchdog::start();
    let mut all_passed = true;
    for file in &args.files {
        let text = std::fs::read_to_string(file)
            .map_err(|err| CliError::Failed(format!("cannot read {file}: {err}")))?;
        let report = match strata_wast::parse(&text) {
            Script::Unparsable { line, message } => {
                all_passed = false;
                format!("{file}:{line}: cannot parse: {message}\n{file}: not run\n")
            }
            Script::Parsed(directives) => {
                let outcome = strata_wast::run(&engine, &directives, file);
                all_passed &= outcome.failures.is_empty();
                let mut text: String = outcome
                    .failures
                    .iter()
                    .map(|f| format!("{file}:{}: {}: {}\n", f.line, f.kind, f.reason))
                    .collect();
                text.push_str(&format!(
                    "{file}: {} passed, {} failed\n",
                    outcome.passed,
                    outcome.failures.len()
                ));
                text
            }
        };
        output::print(&report)?;
    }
    if all_passed {
        Ok(())
    } else {
        Err(CliError::Silent(1))
    }
}
