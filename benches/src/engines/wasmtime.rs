//! wasmtime with Cranelift or Winch. Compilation runs on one thread (the
//! `parallel-compilation` feature is off), as Strata's and wasmi's do, so
//! compile times compare the work done rather than the cores available.

use super::{Compiled, Instance, Runtime, Unavailable};
use wasmtime::{Config, Engine, Linker, Module, Store, Strategy, TypedFunc};

/// The Cranelift column's description.
pub(super) const CRANELIFT: &str =
    "wasmtime 48.0.8, Strategy::Cranelift, default settings (opt level speed), one compile thread";

/// The Winch column's description.
pub(super) const WINCH: &str =
    "wasmtime 48.0.8, Strategy::Winch, default settings, one compile thread";

struct WasmtimeRuntime {
    config: Config,
    engine: Engine,
}

pub(super) fn create(strategy: Strategy) -> Result<Box<dyn Runtime>, Unavailable> {
    let mut config = Config::new();
    config.strategy(strategy);
    with_config(config)
}

fn with_config(config: Config) -> Result<Box<dyn Runtime>, Unavailable> {
    let engine = Engine::new(&config).map_err(|e| Unavailable::Failed(format!("{e:#}")))?;
    Ok(Box::new(WasmtimeRuntime { config, engine }))
}

impl Runtime for WasmtimeRuntime {
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| format!("{e:#}"))?;
        Ok(Box::new(WasmtimeModule {
            engine: self.engine.clone(),
            module,
        }))
    }

    fn pooling(&self) -> Result<Box<dyn Runtime>, Unavailable> {
        let mut config = self.config.clone();
        config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(
            wasmtime::PoolingAllocationConfig::default(),
        ));
        with_config(config)
    }
}

struct WasmtimeModule {
    engine: Engine,
    module: Module,
}

impl Compiled for WasmtimeModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, String> {
        let mut store = Store::new(&self.engine, ());
        let instance = Linker::<()>::new(&self.engine)
            .instantiate(&mut store, &self.module)
            .map_err(|e| format!("{e:#}"))?;
        let run = instance.get_typed_func::<i32, i64>(&mut store, "run").ok();
        Ok(Box::new(WasmtimeInstance { store, run }))
    }
}

struct WasmtimeInstance {
    store: Store<()>,
    run: Option<TypedFunc<i32, i64>>,
}

impl Instance for WasmtimeInstance {
    fn run(&mut self, arg: i32) -> Result<i64, String> {
        let run = self.run.as_ref().ok_or("no export run(i32) -> i64")?;
        run.call(&mut self.store, arg).map_err(|e| format!("{e:#}"))
    }
}
