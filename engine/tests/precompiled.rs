//! Precompiled modules (`Module::serialize`, `Module::deserialize`): a
//! loaded artifact runs as the module it came from in every strategy, and
//! a damaged artifact, or one made for other settings, is an error.

mod common;

use common::for_each_strategy;
use strata::{Config, Engine, Linker, Module, Store, Strategy};

const PROGRAM: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (memory (export "mem") 1 4)
  (memory $second 1)
  (global $g (mut i32) (i32.add (i32.const 40) (i32.const 2)))
  (table 4 funcref)
  (elem (i32.const 1) $square $add_g)
  (data (i32.const 16) "precompiled")
  (data $second (i32.const 0) "\07")
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $add_g (param i32) (result i32) (i32.add (local.get 0) (global.get $g)))
  (func $count (param $n i32) (param $acc i64) (result i64)
    (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $count (i32.sub (local.get $n) (i32.const 1))
      (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n)))))
  (func (export "run") (param $x i32) (result i64) (local $i i32) (local $f f64)
    (loop $l
      (local.set $f (f64.add (local.get $f) (f64.convert_i32_s (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (i32.const 100))))
    (i64.add
      (i64.add (call $count (local.get $x) (i64.const 0)) (i64.trunc_f64_s (local.get $f)))
      (i64.extend_i32_u
        (i32.add
          (i32.add (call_indirect (type $t) (local.get $x) (i32.const 1))
                   (call_indirect (type $t) (local.get $x) (i32.const 2)))
          (i32.add (call $twice (i32.load8_u (i32.const 16)))
                   (i32.load8_u $second (i32.const 0)))))))
  (func (export "trap") (result i32) (call_indirect (type $t) (i32.const 0) (i32.const 0))))"#;

fn run(engine: &Engine, module: &Module, x: i32) -> i64 {
    let mut store = Store::new(engine, ());
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "twice", |x: i32| -> i32 { 2 * x })
        .unwrap();
    let instance = linker.instantiate(&mut store, module).unwrap();
    let f = instance
        .get_typed_func::<i32, i64>(&mut store, "run")
        .unwrap();
    let trap = instance
        .get_typed_func::<(), i32>(&mut store, "trap")
        .unwrap();
    assert!(trap.call(&mut store, ()).is_err(), "a null entry traps");
    let mut last = 0;
    // Several calls, so that tiered code runs compiled too.
    for _ in 0..5 {
        last = f.call(&mut store, x).unwrap();
    }
    last
}

#[test]
fn a_loaded_artifact_runs_as_the_module_it_came_from() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2).tier_up_back_edges(10);
        },
        |strategy, engine| {
            let module = Module::new(&engine, PROGRAM).unwrap();
            let expected = run(&engine, &module, 1000);
            let artifact = module.serialize().unwrap();
            // SAFETY: made just now by this engine's settings.
            let loaded = unsafe { Module::deserialize(&engine, &artifact) }.unwrap();
            assert_eq!(run(&engine, &loaded, 1000), expected, "{strategy:?}");
            assert_eq!(
                loaded.exports().count(),
                module.exports().count(),
                "{strategy:?}"
            );
            assert_eq!(loaded.imports().count(), 1, "{strategy:?}");
            // Serializing the loaded module gives the same bytes.
            assert_eq!(loaded.serialize().unwrap(), artifact, "{strategy:?}");
            // Through a file, and through the engine.
            let path = std::env::temp_dir().join(format!(
                "strata-precompiled-{}-{}.swasm",
                std::process::id(),
                strategy.name()
            ));
            std::fs::write(&path, engine.precompile_module(PROGRAM).unwrap()).unwrap();
            // SAFETY: as above.
            let from_file = unsafe { Module::deserialize_file(&engine, &path) }.unwrap();
            std::fs::remove_file(&path).ok();
            assert_eq!(run(&engine, &from_file, 1000), expected, "{strategy:?}");
        },
    );
}

#[test]
fn a_lazily_compiled_module_is_translated_whole_for_its_artifact() {
    let mut config = Config::new();
    config
        .strategy(Strategy::Interpreter)
        .compilation_mode(strata::CompilationMode::Lazy);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, PROGRAM).unwrap();
    let artifact = module.serialize().unwrap();
    // SAFETY: made just now by this engine.
    let loaded = unsafe { Module::deserialize(&engine, &artifact) }.unwrap();
    assert_eq!(run(&engine, &loaded, 7), run(&engine, &module, 7));
}

#[test]
fn damaged_artifacts_are_errors() {
    let engine = Engine::new(&Config::new()).unwrap();
    let artifact = engine.precompile_module(PROGRAM).unwrap();
    // Every truncation, and a flip of every bit of every byte.
    for len in 0..artifact.len() {
        // SAFETY: the damage is what is tested: rejected before use.
        let r = unsafe { Module::deserialize(&engine, &artifact[..len]) };
        assert!(r.is_err(), "truncated to {len} bytes");
    }
    for at in 0..artifact.len() {
        for bit in 0..8 {
            let mut bad = artifact.clone();
            bad[at] ^= 1 << bit;
            // SAFETY: as above.
            let r = unsafe { Module::deserialize(&engine, &bad) };
            assert!(r.is_err(), "bit {bit} of byte {at} flipped");
        }
    }
    let mut longer = artifact.clone();
    longer.push(0);
    // SAFETY: as above.
    assert!(unsafe { Module::deserialize(&engine, &longer) }.is_err());
    // A wasm binary is not an artifact.
    let wasm = wat::parse_str(PROGRAM).unwrap();
    // SAFETY: as above.
    let err = unsafe { Module::deserialize(&engine, &wasm) }.unwrap_err();
    assert!(
        err.to_string().contains("not a Strata precompiled module"),
        "{err}"
    );
}

#[test]
fn an_artifact_for_other_settings_is_an_error() {
    let engine_for = |f: &dyn Fn(&mut Config)| {
        let mut config = Config::new();
        config.strategy(Strategy::Interpreter);
        f(&mut config);
        Engine::new(&config).unwrap()
    };
    let plain = engine_for(&|_| {});
    let artifact = plain.precompile_module(PROGRAM).unwrap();
    for (what, other) in [
        (
            "fuel",
            engine_for(&|c| {
                c.consume_fuel(true);
            }),
        ),
        (
            "epochs",
            engine_for(&|c| {
                c.epoch_interruption(true);
            }),
        ),
        (
            "features",
            engine_for(&|c| {
                c.wasm_tail_call(false);
            }),
        ),
    ] {
        // SAFETY: rejected before use.
        let err = unsafe { Module::deserialize(&other, &artifact) }.unwrap_err();
        assert!(err.to_string().contains("other settings"), "{what}: {err}");
    }
    // The same settings in another engine load.
    let twin = engine_for(&|_| {});
    // SAFETY: made by an engine with the same settings.
    let loaded = unsafe { Module::deserialize(&twin, &artifact) }.unwrap();
    assert_eq!(
        run(&twin, &loaded, 10),
        run(&plain, &Module::new(&plain, PROGRAM).unwrap(), 10)
    );
}
