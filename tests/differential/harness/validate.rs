//! Validation: Strata's verdict on arbitrary bytes against wasmparser's
//! validator alone, with the feature set Strata accepts.

use super::run_strata::engines;
use strata::{ErrorKind, Module, Strategy};
use wasmparser::{Validator, WasmFeatures};

/// What Strata's default configuration accepts: Wasm 2.0, extended
/// constant expressions, tail calls, multiple memories, 64-bit memories
/// and tables, and typed function references, with garbage collection
/// validated (and then unsupported).
const FEATURES: WasmFeatures = WasmFeatures::WASM2
    .union(WasmFeatures::EXTENDED_CONST)
    .union(WasmFeatures::TAIL_CALL)
    .union(WasmFeatures::MULTI_MEMORY)
    .union(WasmFeatures::MEMORY64)
    .union(WasmFeatures::FUNCTION_REFERENCES)
    .union(WasmFeatures::GC)
    .union(WasmFeatures::EXCEPTIONS);

/// Strata's verdict differed from wasmparser's.
#[derive(Clone, Debug)]
pub struct Mismatch {
    /// What each side said.
    pub report: String,
    /// Set when the mismatch is of an open, already filed class, so a
    /// fuzzing run can keep looking for new ones. No class is open.
    pub known_issue: Option<&'static str>,
}

/// Runs `Module::new` for every strategy on `bytes` (binary, or text if it
/// does not start with the binary magic) and reports whether Strata's
/// accept/reject verdict differs from wasmparser's. A panic inside Strata
/// propagates to the caller.
pub fn check(bytes: &[u8]) -> Result<(), Mismatch> {
    let binary = if bytes.starts_with(b"\0asm") {
        Some(bytes.to_vec())
    } else {
        wat::parse_bytes(bytes).ok().map(|b| b.into_owned())
    };
    let oracle = binary
        .as_ref()
        .map(|b| Validator::new_with_features(FEATURES).validate_all(b));
    let oracle_valid = matches!(oracle, Some(Ok(_)));
    for e in engines(super::run_strata::fuel_for(bytes)) {
        let verdict = Module::new(&e.engine, bytes);
        let strata_valid = match &verdict {
            Ok(_) => true,
            Err(e) => matches!(e.kind(), ErrorKind::Unsupported(_)),
        };
        if strata_valid != oracle_valid {
            let report = format!(
                "validation disagreement ({}): strata {} but wasmparser {}",
                e.name,
                match &verdict {
                    Ok(_) => "accepted".to_string(),
                    Err(e) => format!("rejected: {e}"),
                },
                match &oracle {
                    Some(Ok(_)) => "accepted".to_string(),
                    Some(Err(e)) => format!("rejected: {e}"),
                    None => "could not parse the text".to_string(),
                },
            );
            return Err(Mismatch {
                report,
                known_issue: None,
            });
        }
        // The interpreter's verdict decides; compiling strategies must only
        // agree with it, which the loop checks against the same oracle.
        if e.strategy == Strategy::Interpreter && !strata_valid {
            break;
        }
    }
    Ok(())
}
