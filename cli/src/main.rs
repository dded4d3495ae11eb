//! `strata`: run and inspect WebAssembly modules from the command line.
//!
//! The argument handling is hand-written rather than generated: the grammar is
//! small, and `run` must accept negative numbers such as `-5` as arguments
//! rather than mistaking them for options.

mod args;
mod compile;
mod load;
mod output;
mod run;
mod value;

use std::process::ExitCode;

use args::CliError;

/// Top-level usage, printed for `strata --help`.
const HELP: &str = "\
strata: a tiered WebAssembly engine

Usage: strata <COMMAND> [OPTIONS]

Commands:
  run      Run a WASI program's `_start`, or an exported function
  compile  Validate and translate a module; print sizes or the register IR
  help     Print this message or the help of a command

Options:
  -h, --help     Print help
  -V, --version  Print version

Run `strata <COMMAND> --help` for the options of a command.
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}

/// Chooses the command named by the first argument.
fn dispatch(argv: &[String]) -> Result<(), CliError> {
    let Some((command, rest)) = argv.split_first() else {
        // Bare `strata` is most likely a user exploring the tool; show the
        // usage, but exit non-zero because nothing was done.
        eprint!("{HELP}");
        return Err(CliError::Silent(2));
    };
    match command.as_str() {
        "run" => run::main(rest),
        "compile" => compile::main(rest),
        "-h" | "--help" => output::print(HELP),
        "-V" | "--version" => output::print(&format!("strata {}\n", env!("CARGO_PKG_VERSION"))),
        "help" => match rest.first().map(String::as_str) {
            None => output::print(HELP),
            Some("run") => output::print(run::HELP),
            Some("compile") => output::print(compile::HELP),
            Some(other) => Err(CliError::Usage(format!("unknown command `{other}`"))),
        },
        other => Err(CliError::Usage(format!(
            "unknown command `{other}` (expected `run` or `compile`; see `strata --help`)"
        ))),
    }
}
