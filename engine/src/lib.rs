//! Strata: a tiered WebAssembly engine.
//!
//! Modules are validated and translated in one pass to a compact register
//! IR, whose virtual registers are assigned frame cells by linear-scan
//! allocation; the interpreter runs that IR, counting calls and loop
//! back-edges. The embedding API is shaped like wasmtime's:
//!
//! ```
//! use strata::{Config, Engine, Linker, Module, Store, Strategy};
//! let engine = Engine::new(Config::new().strategy(Strategy::Interpreter)).unwrap();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
//! let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add").unwrap();
//! assert_eq!(add.call(&mut store, (1, 2)).unwrap(), 3);
//! ```

#![warn(missing_docs)]

#[cfg(target_endian = "big")]
compile_error!(
    "strata stores wasm values in host byte order and supports little-endian hosts only"
);

mod engine;
mod error;
mod interp;
pub mod ir;
mod jit;
mod module;
#[cfg(feature = "pair-stats")]
pub mod pair_stats;
mod runtime;
mod simd;
mod translate;
mod types;

pub use engine::{CompilationMode, Config, Engine, Strategy};
pub use error::{Error, ErrorKind, FrameInfo, Result, Trap, TrapCode};
#[doc(hidden)]
pub use jit::emulation::{EmulatedCall, EmulatedTrap, Emulator};
pub use module::{ExportType, ImportType, Module, ModuleStats, TierStats};
pub use runtime::*;
pub use types::{
    ExternType, FuncType, GlobalType, HeapType, MemoryType, Mutability, RefType, TableType,
    TagType, ValType,
};
