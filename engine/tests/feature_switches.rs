//! Features Strata validates but does not run: the SIMD switches (on, a
//! module that uses the feature is valid but `Unsupported`; off, it is
//! invalid), and the rule that an invalid module is reported invalid even
//! when something unsupported comes first.

use strata::{CompilationMode, Config, Engine, ErrorKind, Module, Strategy};

const SIMD: &str = "(module (func (result v128) (v128.const i64x2 1 2)))";
const RELAXED: &str = r#"(module (func (param v128 v128 v128) (result v128)
  (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))"#;

fn kind(config: &Config, wat: &str) -> ErrorKind {
    let engine = Engine::new(config).unwrap();
    let e = Module::new(&engine, wat).map(|_| ()).unwrap_err();
    e.kind().clone()
}

#[test]
fn simd_is_unsupported_when_on_and_invalid_when_off() {
    let mut config = Config::new();
    assert!(matches!(kind(&config, SIMD), ErrorKind::Unsupported(_)));
    config.wasm_simd(false);
    assert!(matches!(kind(&config, SIMD), ErrorKind::Compile(_)));
}

#[test]
fn relaxed_simd_is_off_by_default() {
    let mut config = Config::new();
    assert!(matches!(kind(&config, RELAXED), ErrorKind::Compile(_)));
    config.wasm_relaxed_simd(true);
    assert!(matches!(kind(&config, RELAXED), ErrorKind::Unsupported(_)));
    config.wasm_simd(false);
    assert!(matches!(kind(&config, RELAXED), ErrorKind::Compile(_)));
}

#[test]
fn an_invalid_module_is_invalid_even_after_something_unsupported() {
    // Each has an unsupported item (a v128 or GC global, a GC type, a SIMD
    // or GC instruction) before an invalid function.
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
