//! Lazy compilation: `Module::new` validates everything and translates
//! nothing; each function is translated (and under `Jit` compiled) at its
//! first call, once, in every strategy.

mod common;

use common::{for_each_strategy, instantiate};
use strata::{CompilationMode, Config, Engine, ErrorKind, Linker, Module, Store, Strategy};

const TWO: &str = r#"(module
  (func $sq (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "sum_sq") (param i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get 0)))
        (local.set $s (i32.add (local.get $s) (call $sq (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func (export "unused") (result i64) (i64.const 7)))"#;

fn lazy(c: &mut Config) {
    c.compilation_mode(CompilationMode::Lazy);
}

#[test]
fn the_default_is_lazy_except_under_jit() {
    for (strategy, mode) in [
        (Strategy::Interpreter, CompilationMode::Lazy),
        (Strategy::Tiered, CompilationMode::Lazy),
        (Strategy::Jit, CompilationMode::Eager),
    ] {
        let mut config = Config::new();
        config.strategy(strategy);
        assert_eq!(config.get_compilation_mode(), mode, "{strategy:?}");
        config.compilation_mode(CompilationMode::Eager);
        assert_eq!(config.get_compilation_mode(), CompilationMode::Eager);
    }
}

#[test]
fn functions_are_translated_at_their_first_call_only() {
    for_each_strategy(lazy, |strategy, engine| {
        let module = Module::new(&engine, TWO).unwrap();
        assert_eq!(module.stats().num_funcs, 3);
        assert_eq!(
            module.stats().ir_instrs,
            0,
            "{strategy:?}: nothing translated yet"
        );
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let sq = instance
            .get_typed_func::<i32, i32>(&mut store, "sq")
            .unwrap();
        assert_eq!(sq.call(&mut store, 9).unwrap(), 81);
        let one = module.stats();
        assert!(one.ir_instrs > 0, "{strategy:?}: `sq` translated");
        let sum_sq = instance
            .get_typed_func::<i32, i32>(&mut store, "sum_sq")
            .unwrap();
        assert_eq!(sum_sq.call(&mut store, 10).unwrap(), 385, "{strategy:?}");
        let two = module.stats();
        assert!(
            two.ir_instrs > one.ir_instrs,
            "{strategy:?}: `sum_sq` translated"
        );
        // `unused` never ran: translating it now adds to the counts.
        let unused = instance
            .get_typed_func::<(), i64>(&mut store, "unused")
            .unwrap();
        assert_eq!(unused.call(&mut store, ()).unwrap(), 7);
        assert!(module.stats().ir_instrs > two.ir_instrs, "{strategy:?}");
        if strategy == Strategy::Jit {
            // Compiled at their first calls, not before.
            assert_eq!(module.tier_stats().compiled_funcs, 3);
        }
    });
}

#[test]
fn jit_compiles_a_function_at_its_first_call() {
    let mut config = Config::new();
    config
        .strategy(Strategy::Jit)
        .compilation_mode(CompilationMode::Lazy);
    let Ok(engine) = Engine::new(&config) else {
        return;
    };
    let (mut store, instance) = instantiate(&engine, TWO);
    let module = instance.module(&store);
    assert_eq!(module.tier_stats().compiled_funcs, 0);
    let sum_sq = instance
        .get_typed_func::<i32, i32>(&mut store, "sum_sq")
        .unwrap();
    // `sum_sq` calls `sq` from compiled code, through its entry stub.
    assert_eq!(sum_sq.call(&mut store, 3).unwrap(), 14);
    assert_eq!(module.tier_stats().compiled_funcs, 2);
    assert_eq!(sum_sq.call(&mut store, 4).unwrap(), 30);
    assert_eq!(module.tier_stats().compiled_funcs, 2, "compiled once");
}

#[test]
fn a_module_invalid_only_in_a_function_never_called_is_rejected() {
    let invalid = r#"(module
      (func (export "ok") (result i32) (i32.const 1))
      (func (export "never") (result i32) (i64.const 1)))"#;
    let malformed_body = {
        // `ok` above, then a body whose operator is not an opcode (0xff).
        let mut wasm = wat::parse_str(
            r#"(module
          (func (export "ok") (result i32) (i32.const 1))
          (func (export "never") (result i32) (i32.const 2)))"#,
        )
        .unwrap();
        let at = wasm.len() - 3;
        assert_eq!(&wasm[at..], &[0x41, 0x02, 0x0b]);
        wasm[at] = 0xff;
        wasm
    };
    for_each_strategy(lazy, |strategy, engine| {
        let e = Module::new(&engine, invalid).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Compile(_)),
            "{strategy:?}: {e}"
        );
        assert!(e.to_string().contains("type mismatch"), "{strategy:?}: {e}");
        let e = Module::new(&engine, &malformed_body).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Compile(_)),
            "{strategy:?}: {e}"
        );
    });
}

#[test]
fn simd_functions_translate_at_first_call_in_both_modes() {
    let simd = r#"(module
      (func (export "ok") (result i32) (i32.const 1))
      (func (export "lane") (param v128) (result i32) (i32x4.extract_lane 2 (local.get 0)))
      (func (export "sum") (result i32)
        (call 1 (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40)))))"#;
    for mode in [CompilationMode::Lazy, CompilationMode::Eager] {
        for_each_strategy(
            |c| {
                c.compilation_mode(mode);
            },
            |strategy, engine| {
                let (mut store, instance) = instantiate(&engine, simd);
                let sum = instance
                    .get_typed_func::<(), i32>(&mut store, "sum")
                    .unwrap();
                assert_eq!(
                    sum.call(&mut store, ()).unwrap(),
                    33,
                    "{strategy:?} {mode:?}"
                );
                let lane = instance
                    .get_typed_func::<u128, i32>(&mut store, "lane")
                    .unwrap();
                let v = 7u128 << 64 | 5;
                assert_eq!(
                    lane.call(&mut store, v).unwrap(),
                    7,
                    "{strategy:?} {mode:?}"
                );
            },
        );
    }
}

/// A function whose frame needs more than 65,536 cells: 70,000 results
/// of an addition live at once on its operand stack, then summed.
fn huge_frame() -> String {
    let mut body = String::new();
    for _ in 0..70_000 {
        body.push_str("(i32.add (local.get 0) (local.get 0))\n");
    }
    for _ in 1..70_000 {
        body.push_str("i32.add\n");
    }
    format!(
        r#"(module
          (func (export "small") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func (export "huge") (param i32) (result i32) {body}))"#
    )
}

#[test]
fn a_function_too_large_to_run_fails_its_first_call_and_the_store_goes_on() {
    let wat = huge_frame();
    for_each_strategy(lazy, |strategy, engine| {
        let (mut store, instance) = instantiate(&engine, &wat);
        let huge = instance
            .get_typed_func::<i32, i32>(&mut store, "huge")
            .unwrap();
        for _ in 0..2 {
            let e = huge.call(&mut store, 1).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::Unsupported(_)),
                "{strategy:?}: {e}"
            );
            assert!(e.to_string().contains("frame cells"), "{strategy:?}: {e}");
        }
        let small = instance
            .get_typed_func::<i32, i32>(&mut store, "small")
            .unwrap();
        assert_eq!(small.call(&mut store, 41).unwrap(), 42, "{strategy:?}");
    });
    for_each_strategy(
        |c| {
            c.compilation_mode(CompilationMode::Eager);
        },
        |strategy, engine| {
            let e = Module::new(&engine, &wat).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::Unsupported(_)),
                "{strategy:?}: {e}"
            );
        },
    );
}

#[test]
fn threads_calling_an_untranslated_function_of_a_shared_module_agree() {
    for_each_strategy(lazy, |strategy, engine| {
        let module = Module::new(&engine, TWO).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (engine, module) = (engine.clone(), module.clone());
                std::thread::spawn(move || {
                    let mut store = Store::new(&engine, ());
                    let instance = Linker::new(&engine)
                        .instantiate(&mut store, &module)
                        .unwrap();
                    let sum_sq = instance
                        .get_typed_func::<i32, i32>(&mut store, "sum_sq")
                        .unwrap();
                    (0..200)
                        .map(|k| sum_sq.call(&mut store, (k + t) % 20).unwrap())
                        .sum::<i32>()
                })
            })
            .collect();
        let expect = |t: i32| -> i32 {
            (0..200)
                .map(|k| {
                    let n = (k + t) % 20;
                    (1..=n).map(|i| i * i).sum::<i32>()
                })
                .sum()
        };
        for (t, h) in threads.into_iter().enumerate() {
            assert_eq!(h.join().unwrap(), expect(t as i32), "{strategy:?}");
        }
    });
}
