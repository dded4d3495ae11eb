//! Strata, in any of its strategies.

use super::{Compiled, Instance, Runtime, Unavailable};
use strata::{
    CompilationMode, Config, Engine, ErrorKind, InstanceAllocationStrategy, Linker, Module,
    PoolingAllocationConfig, Store, Strategy, TypedFunc,
};

struct StrataRuntime {
    config: Config,
    engine: Engine,
    /// The same configuration with lazy compilation, for startup figures.
    lazy: Engine,
    guard: Guard,
}

/// What a Strata engine checks while running untrusted code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Nothing: the default configuration.
    None,
    /// `Config::consume_fuel`, with fuel enough for any workload.
    Fuel,
    /// `Config::epoch_interruption`, with a deadline never reached.
    Epochs,
}

impl Guard {
    /// Every guard, the unguarded configuration first.
    pub const ALL: [Guard; 3] = [Guard::None, Guard::Fuel, Guard::Epochs];

    /// The name in tables and benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Guard::None => "none",
            Guard::Fuel => "fuel",
            Guard::Epochs => "epochs",
        }
    }
}

/// Creates an engine for `strategy`; a strategy the engine rejects as
/// unsupported is reported as not implemented, so its columns fill in by
/// themselves once it is.
pub(super) fn create(strategy: Strategy) -> Result<Box<dyn Runtime>, Unavailable> {
    create_guarded(strategy, Guard::None)
}

/// As [`create`], checking `guard` while running.
pub fn create_guarded(strategy: Strategy, guard: Guard) -> Result<Box<dyn Runtime>, Unavailable> {
    let mut config = Config::new();
    // Translation up front, as wasmi is configured: the compilation rows
    // measure it, and no execution sample includes it.
    config
        .strategy(strategy)
        .compilation_mode(CompilationMode::Eager)
        .consume_fuel(guard == Guard::Fuel)
        .epoch_interruption(guard == Guard::Epochs);
    with_config(config, guard)
}

/// A runtime for `config`, with a lazy twin for startup figures.
fn with_config(config: Config, guard: Guard) -> Result<Box<dyn Runtime>, Unavailable> {
    let mut lazy = config.clone();
    lazy.compilation_mode(CompilationMode::Lazy);
    match (Engine::new(&config), Engine::new(&lazy)) {
        (Ok(engine), Ok(lazy)) => Ok(Box::new(StrataRuntime {
            config,
            engine,
            lazy,
            guard,
        })),
        (Err(e), _) | (_, Err(e)) if matches!(e.kind(), ErrorKind::Unsupported(_)) => {
            Err(Unavailable::NotImplemented(e.to_string()))
        }
        (Err(e), _) | (_, Err(e)) => Err(Unavailable::Failed(e.to_string())),
    }
}

impl StrataRuntime {
    fn compile_on(&self, engine: &Engine, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        let module = Module::new(engine, wasm).map_err(|e| e.to_string())?;
        Ok(Box::new(StrataModule {
            engine: engine.clone(),
            module,
            guard: self.guard,
        }))
    }
}

impl Runtime for StrataRuntime {
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        self.compile_on(&self.engine, wasm)
    }

    fn compile_for_startup(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>, String> {
        self.compile_on(&self.lazy, wasm)
    }

    fn pooling(&self) -> Result<Box<dyn Runtime>, Unavailable> {
        let mut config = self.config.clone();
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(
            PoolingAllocationConfig::default(),
        ));
        with_config(config, self.guard)
    }
}

struct StrataModule {
    engine: Engine,
    module: Module,
    guard: Guard,
}

/// Fuel given before every run, and the epoch deadline: never reached.
const PLENTY: u64 = 1 << 60;

impl Compiled for StrataModule {
    fn instantiate(&self) -> Result<Box<dyn Instance>, String> {
        let mut store = Store::new(&self.engine, ());
        if self.guard == Guard::Epochs {
            store.set_epoch_deadline(PLENTY);
        }
        let fuel = self.guard == Guard::Fuel;
        if fuel {
            store.set_fuel(PLENTY).map_err(|e| e.to_string())?;
        }
        let instance = Linker::new(&self.engine)
            .instantiate(&mut store, &self.module)
            .map_err(|e| e.to_string())?;
        let run = instance.get_typed_func::<i32, i64>(&mut store, "run").ok();
        Ok(Box::new(StrataInstance { store, run, fuel }))
    }
}

struct StrataInstance {
    store: Store<()>,
    run: Option<TypedFunc<i32, i64>>,
    fuel: bool,
}

impl Instance for StrataInstance {
    fn run(&mut self, arg: i32) -> Result<i64, String> {
        let run = self.run.ok_or("no export run(i32) -> i64")?;
        if self.fuel {
            self.store.set_fuel(PLENTY).map_err(|e| e.to_string())?;
        }
        run.call(&mut self.store, arg).map_err(|e| e.to_string())
    }
}
