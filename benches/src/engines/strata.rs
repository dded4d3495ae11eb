//! Strata, in any of its strategies.

use super::{Compiled, Instance, Runtime, Unavailable};
use strata::{Config, Engine, ErrorKind, Linker, Module, Store, Strategy, TypedFunc};

struct StrataRuntime {
    engine: Engine,
}

/// Creates an engine for `strategy`; a strategy the engine rejects as
/// unsupported is reported as not implemented, so its columns fill in by
/// themselves once it is.
pub(super) fn create(strategy: Strategy) -> Result<Box<dyn Runtime>, Unavailable> {
    match Engine::new(Config::new().strategy(strategy)) {
        Ok(engine) => Ok(Box::new(StrataRuntime { engine })),
        Err(e) if matches!(e.kind(), ErrorKind::Unsupported(_)) => {
            Err(Unavailable::NotImplemented(e.to_string()))
        }
        Err(e) => Err(Unavailable::Failed(e.to_string())),
    }
}

impl Runtime for StrataRuntime {
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| e.to_string())?;
        Ok(Box::new(StrataModule {
            engine: self.engine.clone(),
            module,
        }))
    }
}

struct StrataModule {
    engine: Engine,
    module: Module,
}

impl Compiled for StrataModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, String> {
        let mut store = Store::new(&self.engine, ());
        let instance = Linker::new(&self.engine)
            .instantiate(&mut store, &self.module)
            .map_err(|e| e.to_string())?;
        let run = instance.get_typed_func::<i32, i64>(&mut store, "run").ok();
        Ok(Box::new(StrataInstance { store, run }))
    }
}

struct StrataInstance {
    store: Store<()>,
    run: Option<TypedFunc<i32, i64>>,
}

impl Instance for StrataInstance {
    fn run(&mut self, arg: i32) -> Result<i64, String> {
        let run = self.run.ok_or("no export run(i32) -> i64")?;
        run.call(&mut self.store, arg).map_err(|e| e.to_string())
    }
}
