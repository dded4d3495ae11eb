//! Reading and compiling a module: the step the commands share.

use strata::{Engine, Module};

use crate::args::CliError;

/// How a precompiled module (`strata compile -o`) begins.
const PRECOMPILED_MAGIC: &[u8] = b"\0strata";

/// Reads `path` and compiles it; the file may be binary wasm or WAT text,
/// or with `allow_precompiled` a precompiled module.
pub fn module(engine: &Engine, path: &str, allow_precompiled: bool) -> Result<Module, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|err| CliError::Failed(format!("cannot read {path}: {err}")))?;
    let failed = |err: strata::Error| CliError::Failed(format!("{path}: {err}"));
    if bytes.starts_with(PRECOMPILED_MAGIC) {
        if !allow_precompiled {
            return Err(CliError::Failed(format!(
                "{path} is a precompiled module; running one means trusting that it was \
                 made by `strata compile -o`: pass --allow-precompiled"
            )));
        }
        // SAFETY: the user vouched for the file with --allow-precompiled;
        // damage is caught by the artifact's checksum.
        return unsafe { Module::deserialize(engine, &bytes) }.map_err(failed);
    }
    Module::new(engine, bytes).map_err(failed)
}
