//! Differential execution: one module run by every Strata strategy and by
//! wasmi, with everything a caller can observe compared.
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
pub mod validate;

pub use compare::check;

/// Nested calls allowed before a stack-overflow trap, the same in Strata and
/// wasmi so that runaway recursion traps in both.
pub const MAX_CALL_DEPTH: usize = 256;
