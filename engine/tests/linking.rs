//! Resolving imports once (`InstancePre`), defining modules by name
//! (`Linker::module`, commands and reactors) and loading modules from
//! files, in every strategy.

mod common;

use common::for_each_strategy;
use strata::{ErrorKind, Extern, Global, InstancePre, Linker, Module, Mutability, Store, Val};

/// Counts host calls per store, so each store's state stays its own.
struct Calls(u32);

const COUNTER: &str = r#"(module
  (import "host" "tick" (func $tick (result i32)))
  (memory 1)
  (func (export "run") (param i32) (result i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get 0)))
    (i32.add (call $tick) (i32.load (i32.const 0)))))"#;

fn tick_linker(engine: &strata::Engine) -> Linker<Calls> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "tick", |mut caller: strata::Caller<'_, Calls>| {
            caller.data_mut().0 += 1;
            caller.data().0 as i32 * 100
        })
        .unwrap();
    linker
}

#[test]
fn instance_pre_instantiates_in_many_stores_with_one_resolution() {
    fn assert_shareable<T: Send + Sync>() {}
    assert_shareable::<InstancePre<Calls>>();
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(&engine, COUNTER).unwrap();
            let pre = tick_linker(&engine).instantiate_pre(&module).unwrap();
            assert_eq!(pre.module().imports().count(), 1);
            for _ in 0..3 {
                let mut store = Store::new(&engine, Calls(0));
                let instance = pre.instantiate(&mut store).unwrap();
                let run = instance
                    .get_typed_func::<i32, i32>(&mut store, "run")
                    .unwrap();
                // Each store starts with fresh memory and its own count.
                assert_eq!(run.call(&mut store, 5).unwrap(), 105, "{strategy:?}");
                assert_eq!(run.call(&mut store, 5).unwrap(), 210, "{strategy:?}");
                assert_eq!(store.data().0, 2, "{strategy:?}");
            }
            // Two instances in one store share the host function's store
            // state but not their memories.
            let mut store = Store::new(&engine, Calls(0));
            let a = pre.instantiate(&mut store).unwrap();
            let b = pre.instantiate(&mut store).unwrap();
            let run_a = a.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
            let run_b = b.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
            assert_eq!(run_a.call(&mut store, 1).unwrap(), 101, "{strategy:?}");
            assert_eq!(run_b.call(&mut store, 1).unwrap(), 201, "{strategy:?}");
        },
    );
}

#[test]
fn instance_pre_reports_missing_and_mistyped_imports_before_any_store() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(&engine, COUNTER).unwrap();
            let empty: Linker<Calls> = Linker::new(&engine);
            let e = empty
                .instantiate_pre(&module)
                .err()
                .expect("missing import");
            assert!(matches!(e.kind(), ErrorKind::Link(_)), "{strategy:?}: {e}");
            assert!(e.to_string().contains("`host`.`tick`"), "{strategy:?}: {e}");

            let mut wrong: Linker<Calls> = Linker::new(&engine);
            wrong.func_wrap("host", "tick", |x: i64| x).unwrap();
            let e = wrong
                .instantiate_pre(&module)
                .err()
                .expect("mistyped import");
            assert!(matches!(e.kind(), ErrorKind::Link(_)), "{strategy:?}: {e}");
            assert!(e.to_string().contains("incompatible"), "{strategy:?}: {e}");

            // A module of another engine is refused.
            let other = strata::Engine::default();
            let module = Module::new(&other, "(module)").unwrap();
            let e = empty
                .instantiate_pre(&module)
                .err()
                .expect("another engine");
            assert!(matches!(e.kind(), ErrorKind::Link(_)), "{strategy:?}: {e}");
        },
    );
}

#[test]
fn instance_pre_with_a_stores_item_only_instantiates_in_that_store() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(
                &engine,
                r#"(module (import "env" "g" (global $g i32))
                     (func (export "get") (result i32) (global.get $g)))"#,
            )
            .unwrap();
            let mut owner = Store::new(&engine, ());
            let g = Global::new(
                &mut owner,
                strata::GlobalType::new(strata::ValType::I32, Mutability::Const),
                Val::I32(7),
            )
            .unwrap();
            let mut linker = Linker::new(&engine);
            linker.define(&owner, "env", "g", g).unwrap();
            let pre = linker.instantiate_pre(&module).unwrap();
            let instance = pre.instantiate(&mut owner).unwrap();
            let get = instance
                .get_typed_func::<(), i32>(&mut owner, "get")
                .unwrap();
            assert_eq!(get.call(&mut owner, ()).unwrap(), 7, "{strategy:?}");
            let mut other = Store::new(&engine, ());
            let e = pre.instantiate(&mut other).expect_err("another store");
            assert!(matches!(e.kind(), ErrorKind::Link(_)), "{strategy:?}: {e}");
            // The failed attempt left the other store usable.
            assert!(Linker::new(&engine)
                .instantiate(&mut other, &Module::new(&engine, "(module)").unwrap())
                .is_ok());
        },
    );
}

/// A reactor: instantiated once, `_initialize` run, state kept between calls.
const REACTOR: &str = r#"(module
  (global $n (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $n (i32.const 10)))
  (func (export "next") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n)))"#;

/// A command: every call of an export runs in a new instance.
const COMMAND: &str = r#"(module
  (global $n (mut i32) (i32.const 0))
  (func (export "_start"))
  (func (export "next") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n)))"#;

const USER: &str = r#"(module
  (import "dep" "next" (func $next (result i32)))
  (func (export "twice") (result i32)
    (drop (call $next))
    (call $next)))"#;

#[test]
fn linker_module_links_reactors_once_and_commands_per_call() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let user = Module::new(&engine, USER).unwrap();

            let mut store = Store::new(&engine, ());
            let mut linker = Linker::new(&engine);
            linker
                .module(&mut store, "dep", &Module::new(&engine, REACTOR).unwrap())
                .unwrap();
            let instance = linker.instantiate(&mut store, &user).unwrap();
            let twice = instance
                .get_typed_func::<(), i32>(&mut store, "twice")
                .unwrap();
            // `_initialize` set 10; the one instance keeps counting.
            assert_eq!(twice.call(&mut store, ()).unwrap(), 12, "{strategy:?}");
            assert_eq!(twice.call(&mut store, ()).unwrap(), 14, "{strategy:?}");

            let mut store = Store::new(&engine, ());
            let mut linker = Linker::new(&engine);
            linker
                .module(&mut store, "dep", &Module::new(&engine, COMMAND).unwrap())
                .unwrap();
            let instance = linker.instantiate(&mut store, &user).unwrap();
            let twice = instance
                .get_typed_func::<(), i32>(&mut store, "twice")
                .unwrap();
            // Each call of `next` is a new instance, whose counter starts at 0.
            assert_eq!(twice.call(&mut store, ()).unwrap(), 1, "{strategy:?}");
            assert_eq!(twice.call(&mut store, ()).unwrap(), 1, "{strategy:?}");
            assert!(matches!(
                linker.get(&mut store, "dep", "next"),
                Some(Extern::Func(_))
            ));
        },
    );
}

#[test]
fn modules_load_from_files_of_binary_or_text() {
    let dir = std::env::temp_dir().join(format!("strata-linking-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = dir.join("answer.wat");
    std::fs::write(
        &text,
        r#"(module (func (export "answer") (result i32) (i32.const 42)))"#,
    )
    .unwrap();
    let binary = dir.join("answer.wasm");
    std::fs::write(&binary, wat::parse_file(&text).unwrap()).unwrap();
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            for path in [&text, &binary] {
                let module = Module::from_file(&engine, path).unwrap();
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine)
                    .instantiate(&mut store, &module)
                    .unwrap();
                let answer = instance
                    .get_typed_func::<(), i32>(&mut store, "answer")
                    .unwrap();
                assert_eq!(answer.call(&mut store, ()).unwrap(), 42, "{strategy:?}");
            }
            let e = Module::from_file(&engine, dir.join("missing.wasm")).expect_err("no such file");
            assert!(e.to_string().contains("missing.wasm"), "{strategy:?}: {e}");
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
}
