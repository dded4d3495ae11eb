//! Runs WebAssembly script files (`.wast`, the format of the official spec
//! tests) against Strata, through its public API only: modules are
//! compiled, linked against the `spectest` module and instantiated, and
//! every assertion (`assert_return`, `assert_trap`, `assert_invalid`,
//! `assert_malformed`, `assert_unlinkable`, `assert_exhaustion`, …) is
//! checked. The spec-suite test and `strata wast` are built on it.
//!
//! ```no_run
//! let engine = strata::Engine::default();
//! let text = std::fs::read_to_string("i32.wast").unwrap();
//! if let strata_wast::Script::Parsed(directives) = strata_wast::parse(&text) {
//!     let outcome = strata_wast::run(&engine, &directives, "i32.wast");
//!     println!("{} passed, {} failed", outcome.passed, outcome.failures.len());
//! }
//! ```

pub mod ir_stats;
pub mod panics;
mod runner;
pub mod script;
mod spectest;
mod values;
pub mod watchdog;

pub use runner::{run, run_with, Failure, Options, Outcome};
pub use script::{parse, Directive, Script};
