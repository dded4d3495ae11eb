//! The programs the engines are measured on.
//!
//! Execution workloads export `run(i32) -> i64` and return a checksum that
//! is known ahead of time. Compile inputs are modules measured for
//! validation and translation (or compilation) time, and for instantiation
//! and memory use.

mod c_programs;
mod generated;
mod kernels;

use std::sync::Arc;

/// A module and the call that exercises it.
#[derive(Clone)]
pub struct Workload {
    /// Short name shown in tables, e.g. `fib_recursive` or `c/sha256`.
    pub name: String,
    /// The module, identical for every engine.
    pub wasm: Arc<[u8]>,
    /// The argument passed to the exported `run`.
    pub arg: i32,
    /// The checksum `run(arg)` must return.
    pub expected: i64,
}

impl Workload {
    /// Whether `got` is this workload's answer.
    pub fn check(&self, got: i64) -> Result<(), String> {
        if got == self.expected {
            Ok(())
        } else {
            Err(format!(
                "wrong result: run({}) returned {got}, expected {}",
                self.arg, self.expected
            ))
        }
    }
}

/// A module measured for compilation, instantiation and memory.
#[derive(Clone)]
pub struct CompileInput {
    /// Short name shown in tables.
    pub name: String,
    /// The module.
    pub wasm: Arc<[u8]>,
    /// Whether it can be instantiated without imports (and so run).
    pub instantiable: bool,
}

/// The execution workloads whose name contains `filter` (all for `""`): the
/// WAT kernels, then the C programs.
pub fn execution(filter: &str) -> Result<Vec<Workload>, String> {
    let mut all = kernels::matching(filter)?;
    all.extend(
        c_programs::all()?
            .into_iter()
            .filter(|w| w.name.contains(filter)),
    );
    Ok(all)
}

/// The module of the requests table: a small module instantiated, called
/// once and dropped per request.
pub fn request() -> Result<Workload, String> {
    kernels::request()
}

/// The compile inputs whose name contains `filter`, largest first.
pub fn compile_inputs(filter: &str) -> Result<Vec<CompileInput>, String> {
    let generated = [
        ("generated/large", generated::LARGE),
        ("generated/medium", generated::MEDIUM),
    ];
    let mut inputs: Vec<CompileInput> = generated
        .into_iter()
        .filter(|(name, _)| name.contains(filter))
        .map(|(name, shape)| CompileInput {
            name: name.into(),
            wasm: generated::module(shape).into(),
            instantiable: true,
        })
        .collect();
    inputs.extend(
        c_programs::compile_inputs()?
            .into_iter()
            .filter(|i| i.name.contains(filter)),
    );
    inputs.sort_by_key(|i| std::cmp::Reverse(i.wasm.len()));
    Ok(inputs)
}
