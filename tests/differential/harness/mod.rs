//! Differential execution: one module run by every Strata strategy and by
//! wasmi, with everything a caller can observe compared. Modules wasmi
//! cannot run (typed function references, exceptions) are compared among
//! the strategies, and with wasmtime when the `wasmtime-oracle` feature is
//! on (the fuzz targets' default).
//!
//! This directory is shared: the `differential` integration test includes it
//! as `mod harness`, and the targets in `fuzz/` include it by path, so a fuzz
//! crash and its regression test go through exactly the same comparison.

pub mod compare;
pub mod generate;
pub mod known_bugs;
pub mod observe;
pub mod oracle_bugs;
pub mod plan;
pub mod report;
pub mod run_strata;
pub mod run_wasmi;
#[cfg(feature = "wasmtime-oracle")]
pub mod run_wasmtime;
pub mod validate;

pub use compare::check;

/// Nested calls allowed before a stack-overflow trap, the same in Strata and
/// wasmi so that runaway recursion traps in both.
pub const MAX_CALL_DEPTH: usize = 256;

/// Runs an oracle, a panic inside it caught as `Err`: the oracle failing
/// says nothing about Strata.
pub fn contained<R>(oracle: impl FnOnce() -> R) -> Result<R, ()> {
    // Fuzzing runtimes install a hook that aborts on any panic; silence it
    // for the duration so the unwind reaches `catch_unwind`.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(oracle));
    std::panic::set_hook(hook);
    result.map_err(|_| ())
}
