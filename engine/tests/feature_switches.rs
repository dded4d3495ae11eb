//! The SIMD switches: on, a module that uses the feature is valid but not
//! executed (`Unsupported`); off, it is invalid.

use strata::{Config, Engine, ErrorKind, Module};

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
