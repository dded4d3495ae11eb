//! Reading, compiling and configuring: the steps `run` and `compile` share.

use strata::{Config, Engine, Module, Strategy};

use crate::args::CliError;

/// Parses a `--strategy` value.
pub fn parse_strategy(name: &str) -> Result<Strategy, CliError> {
    match name {
        "interpreter" => Ok(Strategy::Interpreter),
        "jit" => Ok(Strategy::Jit),
        "tiered" => Ok(Strategy::Tiered),
        other => Err(CliError::Usage(format!(
            "unknown strategy `{other}` (expected interpreter, jit or tiered)"
        ))),
    }
}

/// Creates an engine for `strategy`, with whatever else `configure` sets
/// (fuel, epoch interruption).
pub fn engine(strategy: Strategy, configure: impl FnOnce(&mut Config)) -> Result<Engine, CliError> {
    let mut config = Config::new();
    config.strategy(strategy);
    configure(&mut config);
    Engine::new(&config).map_err(|err| CliError::Failed(err.to_string()))
}

/// Reads `path` and compiles it; the file may be binary wasm or WAT text.
pub fn module(engine: &Engine, path: &str) -> Result<Module, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|err| CliError::Failed(format!("cannot read {path}: {err}")))?;
    Module::new(engine, bytes).map_err(|err| CliError::Failed(format!("{path}: {err}")))
}
