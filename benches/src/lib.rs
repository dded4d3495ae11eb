//! Benchmarks of Strata side by side with other WebAssembly engines.
//!
//! Every engine runs the same wasm bytes through one small interface
//! ([`engines::Runtime`]), and every run's result is checked against a value
//! computed natively, so an engine that gets a workload wrong cannot look
//! fast. The `compare` binary prints the side-by-side tables; the criterion
//! benches in `benches/` measure the same workloads one engine at a time.

#![warn(missing_docs)]

pub mod engines;
pub mod guards;
pub mod machine;
pub mod measure;
pub mod memory;
pub mod report;
pub mod suite;
pub mod workloads;
