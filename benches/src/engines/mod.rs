//! The engines under test, each behind the same three-step interface:
//! compile bytes to a module, instantiate it in a fresh store, call `run`.
//!
//! An engine configuration that cannot be created (a Strata strategy not
//! implemented yet, a peer backend that fails to start) is reported as
//! [`Unavailable`] and shown as such in every table, never dropped.

mod strata;

pub use strata::{create_guarded as strata_guarded, Guard};
mod tinywasm;
mod wasmi;
mod wasmtime;

use std::fmt;

/// An engine in one configuration: one column of the tables.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EngineId {
    /// Strata, `Strategy::Interpreter`.
    StrataInterp,
    /// Strata, `Strategy::Jit`.
    StrataJit,
    /// Strata, `Strategy::Tiered`.
    StrataTiered,
    /// wasmi 2.x, default configuration with eager compilation.
    Wasmi,
    /// wasmtime with the Cranelift optimizing compiler.
    Cranelift,
    /// wasmtime with the Winch baseline compiler.
    Winch,
    /// tinywasm.
    Tinywasm,
}

impl EngineId {
    /// Every engine, Strata's strategies first.
    pub const ALL: [EngineId; 7] = [
        EngineId::StrataInterp,
        EngineId::StrataJit,
        EngineId::StrataTiered,
        EngineId::Wasmi,
        EngineId::Cranelift,
        EngineId::Winch,
        EngineId::Tinywasm,
    ];

    /// The column header.
    pub fn label(self) -> &'static str {
        match self {
            EngineId::StrataInterp => "Strata interp",
            EngineId::StrataJit => "Strata JIT",
            EngineId::StrataTiered => "Strata tiered",
            EngineId::Wasmi => "wasmi",
            EngineId::Cranelift => "Cranelift",
            EngineId::Winch => "Winch",
            EngineId::Tinywasm => "tinywasm",
        }
    }

    /// A short name for command lines and criterion ids.
    pub fn key(self) -> &'static str {
        match self {
            EngineId::StrataInterp => "strata-interp",
            EngineId::StrataJit => "strata-jit",
            EngineId::StrataTiered => "strata-tiered",
            EngineId::Wasmi => "wasmi",
            EngineId::Cranelift => "cranelift",
            EngineId::Winch => "winch",
            EngineId::Tinywasm => "tinywasm",
        }
    }

    /// What exactly runs in this column: crate, version and configuration.
    pub fn describe(self) -> &'static str {
        match self {
            EngineId::StrataInterp => "strata (this tree), Strategy::Interpreter",
            EngineId::StrataJit => "strata (this tree), Strategy::Jit",
            EngineId::StrataTiered => "strata (this tree), Strategy::Tiered",
            EngineId::Wasmi => wasmi::DESCRIPTION,
            EngineId::Cranelift => wasmtime::CRANELIFT,
            EngineId::Winch => wasmtime::WINCH,
            EngineId::Tinywasm => tinywasm::DESCRIPTION,
        }
    }

    /// Whether this column is one of Strata's strategies.
    pub fn is_strata(self) -> bool {
        matches!(
            self,
            EngineId::StrataInterp | EngineId::StrataJit | EngineId::StrataTiered
        )
    }

    /// Finds an engine by [`key`](Self::key).
    pub fn from_key(key: &str) -> Option<EngineId> {
        EngineId::ALL.into_iter().find(|e| e.key() == key)
    }

    /// Creates the engine, or says why it cannot be created.
    pub fn create(self) -> Result<Box<dyn Runtime>, Unavailable> {
        match self {
            EngineId::StrataInterp => strata::create(::strata::Strategy::Interpreter),
            EngineId::StrataJit => strata::create(::strata::Strategy::Jit),
            EngineId::StrataTiered => strata::create(::strata::Strategy::Tiered),
            EngineId::Wasmi => wasmi::create(),
            EngineId::Cranelift => wasmtime::create(::wasmtime::Strategy::Cranelift),
            EngineId::Winch => wasmtime::create(::wasmtime::Strategy::Winch),
            EngineId::Tinywasm => tinywasm::create(),
        }
    }
}

impl fmt::Display for EngineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why an engine configuration has no figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The engine reports the configuration as not implemented yet.
    NotImplemented(String),
    /// The engine failed to start for another reason.
    Failed(String),
    /// The engine has no such configuration (a pooling allocator).
    NotOffered(String),
}

impl Unavailable {
    /// The text shown in a table cell.
    pub fn cell(&self) -> &'static str {
        match self {
            Unavailable::NotImplemented(_) => "n/a (not implemented)",
            Unavailable::Failed(_) => "n/a (failed)",
            Unavailable::NotOffered(_) => "n/a",
        }
    }
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::NotImplemented(m) => write!(f, "not implemented: {m}"),
            Unavailable::Failed(m) => write!(f, "failed: {m}"),
            Unavailable::NotOffered(m) => write!(f, "not offered: {m}"),
        }
    }
}

/// An engine ready to compile modules.
pub trait Runtime {
    /// Validates and compiles (or translates) `wasm`.
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String>;

    /// As [`Runtime::compile`], in the engine's startup configuration: the
    /// one that starts running soonest (lazy translation, where the engine
    /// has it). By default the same as `compile`.
    fn compile_for_startup(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        self.compile(wasm)
    }

    /// The same engine with its pooling instance allocator, for the
    /// requests table; by default, none.
    fn pooling(&self) -> Result<Box<dyn Runtime>, Unavailable> {
        Err(Unavailable::NotOffered("no pooling allocator".into()))
    }
}

/// A compiled module, which threads may share.
pub trait Compiled: Send + Sync {
    /// Instantiates the module in a new store, with no imports.
    fn instantiate(&self) -> Result<Box<dyn Instance>, String>;
}

/// An instance and the store it lives in.
pub trait Instance {
    /// Calls the exported `run(i32) -> i64`.
    fn run(&mut self, arg: i32) -> Result<i64, String>;
}
