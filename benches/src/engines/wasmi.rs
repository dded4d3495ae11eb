//! wasmi 2.x in its default configuration, translating eagerly: its default
//! translates lazily on first call, which would move translation cost out of
//! the compile figures and into the first run.

use super::{Compiled, Instance, Runtime, Unavailable};
use wasmi::{CompilationMode, Config, Engine, Linker, Module, Store, TypedFunc};

/// The column's description.
pub(super) const DESCRIPTION: &str =
    "wasmi 2.0.0, default features and configuration, CompilationMode::Eager";

struct WasmiRuntime {
    engine: Engine,
    /// The default configuration (lazy translation), for startup figures.
    default: Engine,
}

pub(super) fn create() -> Result<Box<dyn Runtime>, Unavailable> {
    let mut config = Config::default();
    config.compilation_mode(CompilationMode::Eager);
    Ok(Box::new(WasmiRuntime {
        engine: Engine::new(&config),
        default: Engine::default(),
    }))
}

fn compile_on(engine: &Engine, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
    let module = Module::new(engine, wasm).map_err(|e| e.to_string())?;
    Ok(Box::new(WasmiModule {
        engine: engine.clone(),
        module,
    }))
}

impl Runtime for WasmiRuntime {
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        compile_on(&self.engine, wasm)
    }

    fn compile_for_startup(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        compile_on(&self.default, wasm)
    }
}

struct WasmiModule {
    engine: Engine,
    module: Module,
}

impl Compiled for WasmiModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, String> {
        let mut store = Store::new(&self.engine, ());
        let instance = Linker::<()>::new(&self.engine)
            .instantiate_and_start(&mut store, &self.module)
            .map_err(|e| e.to_string())?;
        let run = instance.get_typed_func::<i32, i64>(&store, "run").ok();
        Ok(Box::new(WasmiInstance { store, run }))
    }
}

struct WasmiInstance {
    store: Store<()>,
    run: Option<TypedFunc<i32, i64>>,
}

impl Instance for WasmiInstance {
    fn run(&mut self, arg: i32) -> Result<i64, String> {
        let run = self.run.as_ref().ok_or("no export run(i32) -> i64")?;
        run.call(&mut self.store, arg).map_err(|e| e.to_string())
    }
}
