//! `strata`: run and inspect WebAssembly modules from the command line.
//!
//! Built on clap in wasmtime's shape: options before FILE, everything after
//! FILE for the program, `-W` for wasm limits and features, `-C` for engine
//! settings.

mod args;
mod compile;
mod load;
mod options;
mod output;
mod run;
mod settings;
mod value;
mod wast;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// strata: a tiered WebAssembly engine
#[derive(Parser, Debug)]
#[command(name = "strata", version, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a WASI program's `_start`, or an exported function
    Run(run::RunArgs),
    /// Validate and translate a module; print sizes or the register IR
    Compile(compile::CompileArgs),
    /// Run WebAssembly script files (.wast), such as the spec tests
    Wast(wast::WastArgs),
    /// Print what this build and machine run, and the engine's defaults
    Settings,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completion {
        /// The shell
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => run::main(args),
        Command::Compile(args) => compile::main(args),
        Command::Wast(args) => wast::main(args),
        Command::Settings => settings::main(),
        Command::Completion { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "strata", &mut script);
            output::print(&String::from_utf8_lossy(&script))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
