//! Running a plan on Strata under one strategy.

use super::observe::{ItemState, Outcome, Run, Snapshot, Step, Value};
use super::plan::{Arg, ExportKind, Plan, RefKind};
use super::MAX_CALL_DEPTH;
use std::sync::OnceLock;
use strata::{
    CompilationMode, Config, Engine, Error, ErrorKind, Instance, InstanceAllocationStrategy,
    Linker, Module, PoolingAllocationConfig, Store, Strategy, Val,
};

/// Calls and back-edges after which the tiered strategy compiles: low, so
/// that short generated programs switch tiers mid-run, often mid-loop.
pub const TIER_UP_CALLS: u64 = 2;
/// See [`TIER_UP_CALLS`].
pub const TIER_UP_BACK_EDGES: u64 = 8;

/// Fuel each store of an engine that consumes fuel starts every call with,
/// for half of the modules that consume fuel: generated programs end long
/// before it runs out.
pub const FUEL_BUDGET: u64 = 1 << 50;

/// The other half start every call with a budget between 16 and this, so
/// that running out of fuel, mid-run, in every kind of code, is compared
/// between strategies too (the state left behind included).
pub const SMALL_FUEL_BUDGETS: u64 = 20_000;

fn module_hash(wasm: &[u8]) -> u32 {
    wasm.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

/// Whether a module's runs consume fuel: half of all modules, by a bit of
/// their bytes, so both the code without fuel checks and the code with
/// them meet every shape of program.
pub fn fuel_for(wasm: &[u8]) -> bool {
    module_hash(wasm) & 1 == 1
}

/// The fuel every call of a module that consumes fuel starts with.
pub fn fuel_budget(wasm: &[u8]) -> u64 {
    let h = module_hash(wasm);
    if h & 2 == 0 {
        FUEL_BUDGET
    } else {
        16 + (h >> 2) as u64 % SMALL_FUEL_BUDGETS
    }
}

/// An engine the modules run on, by the name reports give it.
pub struct StrataEngine {
    /// The strategy's name, or `jit-aarch64-emulated`.
    pub name: &'static str,
    /// How the engine runs code.
    pub strategy: Strategy,
    /// The engine.
    pub engine: Engine,
}

/// One engine per strategy this machine runs, built once per process; with
/// `fuel`, engines that consume fuel. Compilation modes differ so that
/// every module compares eager translation with lazy: the interpreter is
/// eager; the JIT and tiered engines are lazy, except those that consume
/// fuel (half of all modules), which are eager. The lazy ones also take
/// their memories and value stacks from the pooling allocator. With the
/// `aarch64-emulation` feature, a JIT engine whose code is AArch64 run in
/// an emulator joins them.
pub fn engines(fuel: bool) -> &'static [StrataEngine] {
    static ENGINES: OnceLock<Vec<StrataEngine>> = OnceLock::new();
    static FUELED: OnceLock<Vec<StrataEngine>> = OnceLock::new();
    let cell = if fuel { &FUELED } else { &ENGINES };
    cell.get_or_init(|| {
        let emulated = cfg!(feature = "aarch64-emulation").then_some((Strategy::Jit, true));
        [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered]
            .into_iter()
            .map(|s| (s, false))
            .chain(emulated)
            .filter_map(|(strategy, emulate)| {
                let mode = if fuel || strategy == Strategy::Interpreter {
                    CompilationMode::Eager
                } else {
                    CompilationMode::Lazy
                };
                let mut config = Config::new();
                config
                    .strategy(strategy)
                    .compilation_mode(mode)
                    .consume_fuel(fuel)
                    .max_call_depth(MAX_CALL_DEPTH)
                    // At exactly the thresholds, so a seed's run repeats.
                    .parallel_compilation(false)
                    .tier_up_calls(TIER_UP_CALLS)
                    .tier_up_back_edges(TIER_UP_BACK_EDGES);
                if mode == CompilationMode::Lazy {
                    let mut pool = PoolingAllocationConfig::new();
                    pool.total_memories(100).total_stores(100);
                    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
                }
                let name = if emulate {
                    #[cfg(feature = "aarch64-emulation")]
                    config.emulate_aarch64(std::sync::Arc::new(
                        strata_tests::aarch64_runtime::Aarch64Emulator,
                    ));
                    "jit-aarch64-emulated"
                } else {
                    strategy.name()
                };
                match Engine::new(&config) {
                    Ok(engine) => Some(StrataEngine {
                        name,
                        strategy,
                        engine,
                    }),
                    Err(e) => {
                        eprintln!(
                            "differential: strategy `{}` unavailable: {e}",
                            strategy.name()
                        );
                        None
                    }
                }
            })
            .collect()
    })
}

/// Whether Strata reported the module as valid but not executable.
pub fn is_unsupported(run: &Run) -> bool {
    matches!(&run.compiled, Err(m) if m.starts_with("unsupported"))
}

/// Compiles, instantiates and calls `plan` on a fresh store of `engine`.
pub fn run(name: &'static str, engine: &Engine, wasm: &[u8], plan: &Plan) -> Run {
    let module = match Module::new(engine, wasm) {
        Ok(module) => module,
        Err(e) => return Run::rejected(name, e.to_string()),
    };
    let mut store = Store::new(engine, ());
    let budget = fuel_budget(wasm);
    let fuel = store.set_fuel(budget).is_ok();
    let instance = match Linker::<()>::new(engine).instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(e) => return Run::not_instantiated(name, outcome_of_error(&store, &e)),
    };
    let initial = snapshot(&mut store, &instance, plan);
    let mut steps = Vec::new();
    for call in &plan.calls {
        if fuel {
            store.set_fuel(budget).expect("the engine consumes fuel");
        }
        let outcome = match instance.get_func(&mut store, &call.export) {
            Some(func) => {
                let ty = func.ty(&store);
                let args: Vec<Val> = call.args.iter().map(|a| to_val(*a)).collect();
                let mut results: Vec<Val> =
                    ty.results().iter().map(|t| Val::default_for(*t)).collect();
                match func.call(&mut store, &args, &mut results) {
                    Ok(()) => Outcome::Returned(results.iter().map(from_val).collect()),
                    Err(e) => outcome_of_error(&store, &e),
                }
            }
            None => Outcome::Failed(format!("no exported function `{}`", call.export)),
        };
        let state = snapshot(&mut store, &instance, plan);
        let fuel = fuel.then(|| budget - store.get_fuel().unwrap_or(budget));
        steps.push(Step {
            outcome,
            state,
            fuel,
        });
    }
    Run {
        engine: name.to_string(),
        compiled: Ok(()),
        instantiated: Outcome::Returned(Vec::new()),
        initial,
        steps,
        tier_ups: {
            let stats = module.tier_stats();
            (stats.compiled_funcs, stats.osr_entries)
        },
    }
}

fn outcome_of_error(store: &Store<()>, e: &Error) -> Outcome {
    match (e.trap_code(), e.kind()) {
        (Some(code), _) => Outcome::Trapped(code),
        (None, ErrorKind::Exception(exn)) => {
            Outcome::Thrown(exn.fields(store).iter().map(from_val).collect())
        }
        (None, ErrorKind::Type(_)) => Outcome::Failed("type error".to_string()),
        (None, _) => Outcome::Failed(e.to_string()),
    }
}

fn to_val(arg: Arg) -> Val {
    match arg {
        Arg::I32(v) => Val::I32(v),
        Arg::I64(v) => Val::I64(v),
        Arg::F32(b) => Val::F32(b),
        Arg::F64(b) => Val::F64(b),
        Arg::V128(v) => Val::V128(v),
        Arg::Null(RefKind::Func) => Val::FuncRef(None),
        Arg::Null(RefKind::Extern) => Val::ExternRef(None),
        Arg::Null(RefKind::Exn) => Val::ExnRef(None),
    }
}

fn from_val(val: &Val) -> Value {
    match val {
        Val::I32(v) => Value::I32(*v),
        Val::I64(v) => Value::I64(*v),
        Val::F32(b) => Value::f32(*b),
        Val::F64(b) => Value::f64(*b),
        Val::V128(v) => Value::V128(*v),
        Val::FuncRef(f) => Value::FuncRef { null: f.is_none() },
        Val::ExternRef(r) => Value::ExternRef { null: r.is_none() },
        Val::ExnRef(r) => Value::ExnRef { null: r.is_none() },
    }
}

fn snapshot(store: &mut Store<()>, instance: &Instance, plan: &Plan) -> Snapshot {
    let mut items = Vec::new();
    for (name, kind) in &plan.exports {
        let state = match kind {
            ExportKind::Func => continue,
            ExportKind::Global => match instance.get_global(&mut *store, name) {
                Some(g) => ItemState::Global(from_val(&g.get(&*store))),
                None => continue,
            },
            ExportKind::Memory => match instance.get_memory(&mut *store, name) {
                Some(m) => ItemState::memory(m.data(store)),
                None => continue,
            },
            ExportKind::Table => match instance.get_table(&mut *store, name) {
                Some(t) => {
                    let size = t.size(&*store);
                    let non_null = (0..size)
                        .map(|i| match t.get(&*store, i) {
                            Some(Val::FuncRef(f)) => f.is_some(),
                            Some(Val::ExternRef(r)) => r.is_some(),
                            _ => false,
                        })
                        .collect();
                    ItemState::Table { non_null }
                }
                None => continue,
            },
        };
        items.push((name.clone(), state));
    }
    items
}
