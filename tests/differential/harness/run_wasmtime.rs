//! Running a plan on wasmtime (Cranelift), the oracle for the modules wasmi
//! cannot run: typed function references and exception handling. Built
//! only with the `wasmtime-oracle` feature (the fuzz targets' default).

use super::observe::{ItemState, Outcome, Run, Snapshot, Step, Value};
use super::plan::{Arg, ExportKind, Plan, RefKind};
use std::sync::OnceLock;
use strata::TrapCode;
use wasmtime::{
    Config, Engine, Error, Instance, Linker, Module, Ref, Store, ThrownException, Trap, Val,
};

/// The wasmtime engine: Strata's feature set (Wasm 2.0, extended constant
/// expressions, tail calls, multiple and 64-bit memories, typed function
/// references, exceptions), with GC validated as Strata validates it.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_function_references(true)
            .wasm_gc(true)
            .wasm_exceptions(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(true)
            // The specification's deterministic profile, as Strata's.
            .relaxed_simd_deterministic(true);
        Engine::new(&config).expect("wasmtime supports the configuration")
    })
}

/// [`run`], with a panic inside wasmtime caught and returned as `Err`.
pub fn run_contained(wasm: &[u8], plan: &Plan) -> Result<Run, &'static str> {
    super::contained(|| run(wasm, plan)).map_err(|()| "wasmtime 48.0.8 panicked on the module")
}

/// Compiles, instantiates and calls `plan` on a fresh wasmtime store.
pub fn run(wasm: &[u8], plan: &Plan) -> Run {
    let engine = engine();
    let module = match Module::new(engine, wasm) {
        Ok(module) => module,
        Err(e) => return Run::rejected("wasmtime", e.to_string()),
    };
    let mut store = Store::new(engine, ());
    let instance = match Linker::<()>::new(engine).instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(e) => return Run::not_instantiated("wasmtime", outcome_of_error(&mut store, &e)),
    };
    let initial = snapshot(&mut store, &instance, plan);
    let mut steps = Vec::new();
    for call in &plan.calls {
        let outcome = match instance.get_func(&mut store, &call.export) {
            Some(func) => {
                let ty = func.ty(&store);
                let args: Vec<Val> = call.args.iter().map(|a| to_val(*a)).collect();
                let mut results: Vec<Val> = ty
                    .results()
                    .map(|t| Val::default_for_ty(&t).unwrap_or(Val::I32(0)))
                    .collect();
                match func.call(&mut store, &args, &mut results) {
                    Ok(()) => Outcome::Returned(results.iter().map(from_val).collect()),
                    Err(e) => outcome_of_error(&mut store, &e),
                }
            }
            None => Outcome::Failed(format!("no exported function `{}`", call.export)),
        };
        let state = snapshot(&mut store, &instance, plan);
        steps.push(Step {
            outcome,
            state,
            fuel: None,
        });
    }
    Run {
        engine: "wasmtime".to_string(),
        compiled: Ok(()),
        instantiated: Outcome::Returned(Vec::new()),
        initial,
        steps,
        tier_ups: (0, 0),
    }
}

/// wasmtime's traps in Strata's terms; an uncaught exception by the values
/// it carries.
fn outcome_of_error(store: &mut Store<()>, e: &Error) -> Outcome {
    if e.is::<ThrownException>() {
        let Some(exn) = store.take_pending_exception() else {
            return Outcome::Failed("exception without a pending exception".to_string());
        };
        let mut fields = Vec::new();
        while let Ok(v) = exn.field(&mut *store, fields.len()) {
            fields.push(from_val(&v));
        }
        return Outcome::Thrown(fields);
    }
    let code = match e.downcast_ref::<Trap>() {
        Some(Trap::UnreachableCodeReached) => TrapCode::Unreachable,
        Some(Trap::MemoryOutOfBounds) => TrapCode::MemoryOutOfBounds,
        Some(Trap::TableOutOfBounds) => TrapCode::TableOutOfBounds,
        Some(Trap::IndirectCallToNull) => TrapCode::UninitializedElement,
        Some(Trap::IntegerDivisionByZero) => TrapCode::IntegerDivideByZero,
        Some(Trap::IntegerOverflow) => TrapCode::IntegerOverflow,
        Some(Trap::BadConversionToInteger) => TrapCode::InvalidConversionToInteger,
        Some(Trap::StackOverflow) => TrapCode::StackOverflow,
        Some(Trap::BadSignature) => TrapCode::IndirectCallTypeMismatch,
        Some(Trap::NullReference) => TrapCode::NullReference,
        _ => return Outcome::Failed(e.to_string()),
    };
    Outcome::Trapped(code)
}

fn to_val(arg: Arg) -> Val {
    match arg {
        Arg::I32(v) => Val::I32(v),
        Arg::I64(v) => Val::I64(v),
        Arg::F32(b) => Val::F32(b),
        Arg::F64(b) => Val::F64(b),
        Arg::V128(v) => Val::V128(v.into()),
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
        Val::V128(v) => Value::V128(v.as_u128()),
        Val::FuncRef(f) => Value::FuncRef { null: f.is_none() },
        Val::ExternRef(r) => Value::ExternRef { null: r.is_none() },
        Val::ExnRef(r) => Value::ExnRef { null: r.is_none() },
        // Strata runs no module with other references (GC's).
        _ => Value::FuncRef { null: true },
    }
}

fn snapshot(store: &mut Store<()>, instance: &Instance, plan: &Plan) -> Snapshot {
    let mut items = Vec::new();
    for (name, kind) in &plan.exports {
        let state = match kind {
            ExportKind::Func => continue,
            ExportKind::Global => match instance.get_global(&mut *store, name) {
                Some(g) => ItemState::Global(from_val(&g.get(&mut *store))),
                None => continue,
            },
            ExportKind::Memory => match instance.get_memory(&mut *store, name) {
                Some(m) => ItemState::memory(m.data(&*store)),
                None => continue,
            },
            ExportKind::Table => match instance.get_table(&mut *store, name) {
                Some(t) => {
                    let non_null = (0..t.size(&*store))
                        .map(|i| t.get(&mut *store, i).is_some_and(|r| !is_null(&r)))
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

fn is_null(r: &Ref) -> bool {
    r.is_null()
}
