//! The engine compiling for AArch64 under the emulator, beyond the spec
//! suite: a function too large for AArch64's conditional branches.

use std::sync::Arc;

use strata::{Config, Engine, Instance, Module, Store, Strategy};
use strata_tests::aarch64_runtime::Aarch64Emulator;

fn engine() -> Engine {
    let mut config = Config::new();
    config
        .strategy(Strategy::Jit)
        .emulate_aarch64(Arc::new(Aarch64Emulator));
    Engine::new(&config).expect("an emulated engine")
}

/// A loop whose body is over 1 MiB of AArch64 code: its back-edge is
/// beyond `b.cond`'s ±1 MiB, so the function is lowered again with far
/// branches, and runs.
#[test]
fn a_function_larger_than_a_conditional_branch_reaches_runs() {
    const ADDS: usize = 400_000;
    let mut wat = String::from(
        "(module (func (export \"run\") (param $n i32) (result i32) (local $acc i32) (local $i i32)\n (loop $l\n",
    );
    for _ in 0..ADDS {
        wat.push_str("  (local.set $acc (i32.add (local.get $acc) (local.get $n)))\n");
    }
    wat.push_str(
        "  (local.set $i (i32.add (local.get $i) (i32.const 1)))\n  (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))\n (local.get $acc)))",
    );
    let engine = engine();
    let module = Module::new(&engine, &wat).expect("compiles far");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .expect("run");
    assert_eq!(
        run.call(&mut store, 5).expect("runs"),
        (3 * ADDS * 5) as i32
    );
}

/// A precompiled module of the emulated engine holds AArch64 code: the
/// native engine refuses it rather than run it.
#[test]
fn emulated_code_is_not_loaded_by_a_native_engine() {
    let emulated = engine();
    let module = Module::new(
        &emulated,
        "(module (func (export \"f\") (result i32) i32.const 7))",
    )
    .expect("compiles");
    let bytes = module.serialize().expect("serializes");
    let mut config = Config::new();
    config.strategy(Strategy::Jit);
    let native = Engine::new(&config).expect("a native engine");
    // SAFETY: the bytes come from `serialize` of this process.
    let loaded = unsafe { Module::deserialize(&native, &bytes) };
    let Err(err) = loaded else {
        panic!("a native engine loaded AArch64 code");
    };
    let err = err.to_string();
    assert!(err.contains("aarch64"), "{err}");
    // The emulated engine loads it and runs it.
    // SAFETY: as above.
    let module = unsafe { Module::deserialize(&emulated, &bytes) }.expect("loads");
    let mut store = Store::new(&emulated, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let f = instance
        .get_typed_func::<(), i32>(&mut store, "f")
        .expect("f");
    assert_eq!(f.call(&mut store, ()).expect("runs"), 7);
}
