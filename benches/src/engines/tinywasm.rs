//! tinywasm, parsing on one thread (its `parallel-parser` feature is off,
//! for the same reason as wasmtime's parallel compilation).

use super::{Compiled, Instance, Runtime, Unavailable};
use tinywasm::{FunctionTyped, Module, ModuleInstance, Store};

/// The column's description.
pub(super) const DESCRIPTION: &str =
    "tinywasm 0.10.0, features std + parser + canonicalize-nans, default configuration";

struct TinywasmRuntime;

pub(super) fn create() -> Result<Box<dyn Runtime>, Unavailable> {
    Ok(Box::new(TinywasmRuntime))
}

impl Runtime for TinywasmRuntime {
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        let module = tinywasm::parse_bytes(wasm).map_err(|e| e.to_string())?;
        Ok(Box::new(TinywasmModule { module }))
    }
}

struct TinywasmModule {
    module: Module,
}

impl Compiled for TinywasmModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, String> {
        let mut store = Store::default();
        let instance = ModuleInstance::instantiate(&mut store, &self.module, None)
            .map_err(|e| e.to_string())?;
        let run = instance.func::<i32, i64>(&store, "run").ok();
        Ok(Box::new(TinywasmInstance { store, run }))
    }
}

struct TinywasmInstance {
    store: Store,
    run: Option<FunctionTyped<i32, i64>>,
}

impl Instance for TinywasmInstance {
    fn run(&mut self, arg: i32) -> Result<i64, String> {
        let run = self.run.as_ref().ok_or("no export run(i32) -> i64")?;
        run.call(&mut self.store, arg).map_err(|e| e.to_string())
    }
}
