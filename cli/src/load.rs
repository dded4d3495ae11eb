//! Reading and compiling a module: the step the commands share.

use strata::{Engine, Module};

use crate::args::CliError;

/// Reads `path` and compiles it; the file may be binary wasm or WAT text.
pub fn module(engine: &Engine, path: &str) -> Result<Module, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|err| CliError::Failed(format!("cannot read {path}: {err}")))?;
    Module::new(engine, bytes).map_err(|err| CliError::Failed(format!("{path}: {err}")))
}
