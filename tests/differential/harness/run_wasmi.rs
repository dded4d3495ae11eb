//! Running a plan on wasmi, the reference interpreter.

use super::observe::{ItemState, Outcome, Run, Snapshot, Step, Value};
use super::plan::{Arg, ExportKind, Plan, RefKind};
use super::MAX_CALL_DEPTH;
use std::sync::OnceLock;
use strata::TrapCode;
use wasmi::{
    CompilationMode, Config, Engine, Error, Instance, Linker, Module, Nullable, Ref, Store, Val,
    F32, F64,
};

/// The wasmi engine: eager compilation (so invalid code is rejected up front,
/// like Strata does) and exactly the feature set Strata accepts: Wasm 2.0,
/// extended constant expressions, tail calls, multiple memories and 64-bit
/// memories and tables.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::default();
        config
            .compilation_mode(CompilationMode::Eager)
            .set_max_recursion_depth(MAX_CALL_DEPTH)
            .wasm_tail_call(true)
            .wasm_memory64(true)
            .wasm_multi_memory(true)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false)
            .wasm_simd(true)
            .wasm_relaxed_simd(false);
        Engine::new(&config)
    })
}

/// Whether `wasm` needs a feature wasmi 2.0 does not have (typed function
/// references), or one whose results engines may choose (relaxed SIMD,
/// whose deterministic profile wasmi does not promise): valid for Strata,
/// invalid with the feature set wasmi is asked about.
pub fn beyond_wasmi(wasm: &[u8]) -> bool {
    use wasmparser::{Validator, WasmFeatures};
    let wasmi_features = WasmFeatures::WASM2
        .union(WasmFeatures::EXTENDED_CONST)
        .union(WasmFeatures::TAIL_CALL)
        .union(WasmFeatures::MULTI_MEMORY)
        .union(WasmFeatures::MEMORY64)
        .union(WasmFeatures::SIMD);
    Validator::new_with_features(wasmi_features)
        .validate_all(wasm)
        .is_err()
}

/// [`run`], with a panic inside wasmi caught and returned as `Err`: the
/// oracle failing says nothing about Strata.
pub fn run_contained(wasm: &[u8], plan: &Plan) -> Result<Run, &'static str> {
    super::contained(|| run(wasm, plan))
        .map_err(|()| "wasmi 2.0.0 panicked on the module (internal assertion)")
}

/// Compiles, instantiates and calls `plan` on a fresh wasmi store.
pub fn run(wasm: &[u8], plan: &Plan) -> Run {
    let engine = engine();
    let module = match Module::new(engine, wasm) {
        Ok(module) => module,
        Err(e) => return Run::rejected("wasmi", e.to_string()),
    };
    let mut store = Store::new(engine, ());
    let instance = match Linker::<()>::new(engine).instantiate_and_start(&mut store, &module) {
        Ok(instance) => instance,
        Err(e) => return Run::not_instantiated("wasmi", outcome_of_error(&e)),
    };
    let initial = snapshot(&store, &instance, plan);
    let mut steps = Vec::new();
    for call in &plan.calls {
        let outcome = match instance.get_func(&store, &call.export) {
            Some(func) => {
                let ty = func.ty(&store);
                let args: Vec<Val> = call.args.iter().map(|a| to_val(*a)).collect();
                let mut results: Vec<Val> = ty
                    .results()
                    .iter()
                    .map(|t| Val::default_for_ty(*t))
                    .collect();
                match func.call(&mut store, &args, &mut results) {
                    Ok(()) => Outcome::Returned(results.iter().map(from_val).collect()),
                    Err(e) => outcome_of_error(&e),
                }
            }
            None => Outcome::Failed(format!("no exported function `{}`", call.export)),
        };
        let state = snapshot(&store, &instance, plan);
        steps.push(Step {
            outcome,
            state,
            fuel: None,
        });
    }
    Run {
        engine: "wasmi".to_string(),
        compiled: Ok(()),
        instantiated: Outcome::Returned(Vec::new()),
        initial,
        steps,
        tier_ups: (0, 0),
    }
}

/// wasmi's trap codes in Strata's terms. wasmi has one code for a call
/// through an out-of-bounds table index and for `table.get` out of bounds;
/// the comparison treats Strata's `UndefinedElement` as equal to it.
fn outcome_of_error(e: &Error) -> Outcome {
    use wasmi::TrapCode as W;
    let code = match e.as_trap_code() {
        Some(W::UnreachableCodeReached) => TrapCode::Unreachable,
        Some(W::MemoryOutOfBounds) => TrapCode::MemoryOutOfBounds,
        Some(W::TableOutOfBounds) => TrapCode::TableOutOfBounds,
        Some(W::IndirectCallToNull) => TrapCode::UninitializedElement,
        Some(W::IntegerDivisionByZero) => TrapCode::IntegerDivideByZero,
        Some(W::IntegerOverflow) => TrapCode::IntegerOverflow,
        Some(W::BadConversionToInteger) => TrapCode::InvalidConversionToInteger,
        Some(W::StackOverflow) => TrapCode::StackOverflow,
        Some(W::BadSignature) => TrapCode::IndirectCallTypeMismatch,
        _ => return Outcome::Failed(e.to_string()),
    };
    Outcome::Trapped(code)
}

fn to_val(arg: Arg) -> Val {
    match arg {
        Arg::I32(v) => Val::I32(v),
        Arg::I64(v) => Val::I64(v),
        Arg::F32(b) => Val::F32(F32::from_bits(b)),
        Arg::F64(b) => Val::F64(F64::from_bits(b)),
        Arg::V128(v) => Val::V128(wasmi::V128::from(v)),
        Arg::Null(RefKind::Func) => Val::FuncRef(Nullable::Null),
        Arg::Null(RefKind::Extern) => Val::ExternRef(Nullable::Null),
        // wasmi is not asked about modules with exceptions (`beyond_wasmi`).
        Arg::Null(RefKind::Exn) => Val::FuncRef(Nullable::Null),
    }
}

fn from_val(val: &Val) -> Value {
    match val {
        Val::I32(v) => Value::I32(*v),
        Val::I64(v) => Value::I64(*v),
        Val::F32(f) => Value::f32(f.to_bits()),
        Val::F64(f) => Value::f64(f.to_bits()),
        Val::V128(v) => Value::V128(v.as_u128()),
        Val::FuncRef(f) => Value::FuncRef { null: f.is_null() },
        Val::ExternRef(r) => Value::ExternRef { null: r.is_null() },
    }
}

fn snapshot(store: &Store<()>, instance: &Instance, plan: &Plan) -> Snapshot {
    let mut items = Vec::new();
    for (name, kind) in &plan.exports {
        let state = match kind {
            ExportKind::Func => continue,
            ExportKind::Global => match instance.get_global(store, name) {
                Some(g) => ItemState::Global(from_val(&g.get(store))),
                None => continue,
            },
            ExportKind::Memory => match instance.get_memory(store, name) {
                Some(m) => ItemState::memory(m.data(store)),
                None => continue,
            },
            ExportKind::Table => match instance.get_table(store, name) {
                Some(t) => {
                    let non_null = (0..t.size(store))
                        .map(|i| match t.get(store, i) {
                            Some(Ref::Func(f)) => !f.is_null(),
                            Some(Ref::Extern(r)) => !r.is_null(),
                            None => false,
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
