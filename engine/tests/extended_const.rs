//! Extended constant expressions (WebAssembly 3.0): `i32`/`i64` `add`,
//! `sub` and `mul` in global initializers and segment offsets, on by
//! default and rejected as invalid when switched off.

mod common;

use common::{for_each_strategy, instantiate};
use strata::{Config, Engine, ErrorKind, Module, Val};

const WAT: &str = r#"(module
  (import "env" "base" (global $base i32))
  (memory 1)
  (global $g (export "g") i64 (i64.mul (i64.const 6) (i64.sub (i64.const 10) (i64.const 3))))
  (global $at (export "at") i32 (i32.add (global.get $base) (i32.const 8)))
  (data (i32.add (global.get $base) (i32.mul (i32.const 2) (i32.const 4))) "\2a")
  (func (export "load") (result i32)
    (i32.load8_u (i32.add (global.get $base) (i32.const 8)))))"#;

#[test]
fn extended_constants_evaluate_in_every_strategy() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(&engine, WAT).expect("valid with extended constants");
            let mut store = strata::Store::new(&engine, ());
            let mut linker = strata::Linker::new(&engine);
            let base = strata::Global::new(
                &mut store,
                strata::GlobalType::new(strata::ValType::I32, strata::Mutability::Const),
                Val::I32(100),
            )
            .unwrap();
            linker.define(&store, "env", "base", base).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let g = instance.get_global(&mut store, "g").unwrap();
            assert_eq!(g.get(&store), Val::I64(42), "{strategy:?}");
            let at = instance.get_global(&mut store, "at").unwrap();
            assert_eq!(at.get(&store), Val::I32(108), "{strategy:?}");
            let load = instance
                .get_typed_func::<(), i32>(&mut store, "load")
                .unwrap();
            assert_eq!(load.call(&mut store, ()).unwrap(), 42, "{strategy:?}");
        },
    );
    // The same module without the import runs through the shared helper.
    let plain = r#"(module (global (export "g") i32 (i32.sub (i32.const 1) (i32.const 2))))"#;
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, plain);
            let g = instance.get_global(&mut store, "g").unwrap();
            assert_eq!(g.get(&store), Val::I32(-1), "{strategy:?}");
        },
    );
}

#[test]
fn switched_off_extended_constants_are_invalid() {
    let mut config = Config::new();
    config.wasm_extended_const(false);
    let engine = Engine::new(&config).unwrap();
    let err = Module::new(&engine, WAT).expect_err("extended constants are off");
    assert!(matches!(err.kind(), ErrorKind::Compile(_)), "{err}");
    // Plain constants stay valid.
    Module::new(&engine, r#"(module (global i32 (i32.const 5)))"#).unwrap();
}
