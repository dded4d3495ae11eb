//! The SIMD switches (on, a module that uses the feature runs; off, it is
//! invalid), and the rule that an invalid module is reported invalid even
//! when something unsupported comes first.

use strata::{CompilationMode, Config, Engine, ErrorKind, Linker, Module, Store, Strategy};

const SIMD: &str = r#"(module (func (export "f") (result i32)
  (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4))))"#;
const RELAXED: &str = r#"(module (func (export "f") (result i32)
  (i32x4.extract_lane 1 (i32x4.relaxed_laneselect (v128.const i32x4 1 2 3 4)
    (v128.const i32x4 5 6 7 8) (v128.const i32x4 0 -1 0 0)))))"#;

fn kind(config: &Config, wat: &str) -> ErrorKind {
    let engine = Engine::new(config).unwrap();
    let e = Module::new(&engine, wat).map(|_| ()).unwrap_err();
    e.kind().clone()
}

/// Runs `f` of `wat`, which must be valid under `config`.
fn run(config: &Config, wat: &str) -> i32 {
    let engine = Engine::new(config).unwrap();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
    f.call(&mut store, ()).unwrap()
}

#[test]
fn simd_runs_when_on_and_is_invalid_when_off() {
    let mut config = Config::new();
    assert_eq!(run(&config, SIMD), 2);
    config.wasm_simd(false);
    assert!(matches!(kind(&config, SIMD), ErrorKind::Compile(_)));
}

#[test]
fn relaxed_simd_is_on_by_default_and_needs_simd() {
    let mut config = Config::new();
    assert_eq!(run(&config, RELAXED), 2);
    config.wasm_relaxed_simd(false);
    assert!(matches!(kind(&config, RELAXED), ErrorKind::Compile(_)));
    config.wasm_relaxed_simd(true).wasm_simd(false);
    assert!(matches!(kind(&config, RELAXED), ErrorKind::Compile(_)));
}

#[test]
fn an_invalid_module_is_invalid_even_after_something_unsupported() {
    // Each has an unsupported item (a GC global, a GC type, a GC
    // instruction) or a SIMD one before an invalid function.
    let invalid = [
        "(module (global v128 (v128.const i64x2 0 0)) (func (result i32) (i64.const 0)))",
        "(module (global anyref (ref.null any)) (func (result i32) (f32.const 1)))",
        "(module (type (struct)) (func (param i32) (result i32) (local.get 0)) (func (result i32) (i64.const 1)))",
        "(module (table 1 anyref) (func (result i32) (i64.const 0)))",
        "(module (func (drop (i32x4.splat (i32.const 1)))) (func (result i32) (i64.const 0)))",
        "(module (func (drop (ref.i31 (i32.const 1)))) (func (result i32) (i64.const 0)))",
    ];
    let unsupported = [
        "(module (type (struct)) (func (param i32) (result i32) (local.get 0)))",
        "(module (global (ref null struct) (ref.null struct)))",
    ];
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        for mode in [CompilationMode::Eager, CompilationMode::Lazy] {
            let mut config = Config::new();
            config.strategy(strategy).compilation_mode(mode);
            if Engine::new(&config).is_err() {
                // A CPU without the JIT's instruction set extensions.
                continue;
            }
            for wat in invalid {
                let k = kind(&config, wat);
                assert!(
                    matches!(k, ErrorKind::Compile(_)),
                    "{strategy:?} {mode:?} {wat}: {k:?}"
                );
            }
            for wat in unsupported {
                let k = kind(&config, wat);
                assert!(
                    matches!(k, ErrorKind::Unsupported(_)),
                    "{strategy:?} {mode:?} {wat}: {k:?}"
                );
            }
        }
    }
}
