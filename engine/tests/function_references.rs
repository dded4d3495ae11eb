//! Typed function references (`Config::wasm_function_references`) in every
//! strategy: `call_ref` and `return_call_ref` to functions of any instance
//! and to host functions, the null checks, typed references across module
//! boundaries, the API's reference types and precompiled modules.

mod common;

use common::for_each_strategy;
use strata::{
    Config, Engine, ErrorKind, Func, FuncType, HeapType, Linker, Module, RefType, Store, TrapCode,
    Val, ValType,
};

const REFS: &str = r#"(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $unop (func (param i32) (result i32)))
  (import "host" "twice" (func $twice (type $unop)))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (elem declare func $add $sub $count $twice)
  (table $ops 2 (ref $binop) (ref.func $add))
  (global $chosen (mut (ref null $binop)) (ref.null $binop))

  (func (export "apply") (param $which i32) (param i32 i32) (result i32)
    (call_ref $binop (local.get 1) (local.get 2)
      (table.get $ops (local.get $which))))
  (func (export "set") (param $which i32) (param $sub i32)
    (table.set $ops (local.get $which)
      (select (result (ref $binop)) (ref.func $sub) (ref.func $add) (local.get $sub))))
  (func (export "choose") (param i32)
    (global.set $chosen
      (if (result (ref null $binop)) (local.get 0)
        (then (ref.func $sub)) (else (ref.null $binop)))))
  (func (export "call-chosen") (param i32 i32) (result i32)
    (call_ref $binop (local.get 0) (local.get 1) (global.get $chosen)))
  (func (export "non-null") (result i32)
    (drop (ref.as_non_null (global.get $chosen)))
    (i32.const 1))
  ;; 0 for null, else the reference's result on (7, 2).
  (func (export "on-null") (result i32)
    (block $null
      (return (call_ref $binop (i32.const 7) (i32.const 2)
        (br_on_null $null (global.get $chosen)))))
    (i32.const 0))
  (func (export "on-non-null") (result i32) (local $f (ref null $binop))
    (block $some (result (ref $binop))
      (br_on_non_null $some (global.get $chosen))
      (return (i32.const -1)))
    (local.set $f)
    (call_ref $binop (i32.const 7) (i32.const 2) (local.get $f)))
  (func (export "host") (param i32) (result i32)
    (call_ref $unop (local.get 0) (ref.func $twice)))
  ;; A loop of return_call_ref: constant stack in every tier.
  (func $count (param i32 i64) (result i64)
    (if (result i64) (i32.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_ref $countdown
        (i32.sub (local.get 0) (i32.const 1))
        (i64.add (local.get 1) (i64.const 1))
        (ref.func $count)))))
  (type $countdown (func (param i32 i64) (result i64)))
  (func (export "count") (param i32) (result i64)
    (call $count (local.get 0) (i64.const 0)))
  (func (export "get-add") (result (ref $binop)) (ref.func $add))
  (func (export "take") (param (ref $binop)) (result i32)
    (call_ref $binop (i32.const 20) (i32.const 3) (local.get 0)))
)"#;

fn linker_with_host(engine: &Engine, store: &mut Store<()>) -> Linker<()> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "twice", |x: i32| x * 2)
        .expect("defines the host function");
    let _ = store;
    linker
}

#[test]
fn call_ref_and_the_null_checks_in_every_strategy() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2).tier_up_back_edges(2);
        },
        |strategy, engine| {
            let mut store = Store::new(&engine, ());
            let linker = linker_with_host(&engine, &mut store);
            let module = Module::new(&engine, REFS).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let apply = instance
                .get_typed_func::<(i32, i32, i32), i32>(&mut store, "apply")
                .unwrap();
            let set = instance
                .get_typed_func::<(i32, i32), ()>(&mut store, "set")
                .unwrap();
            let choose = instance
                .get_typed_func::<i32, ()>(&mut store, "choose")
                .unwrap();
            let chosen = instance
                .get_typed_func::<(i32, i32), i32>(&mut store, "call-chosen")
                .unwrap();
            let non_null = instance
                .get_typed_func::<(), i32>(&mut store, "non-null")
                .unwrap();
            let on_null = instance
                .get_typed_func::<(), i32>(&mut store, "on-null")
                .unwrap();
            let on_non_null = instance
                .get_typed_func::<(), i32>(&mut store, "on-non-null")
                .unwrap();
            let host = instance
                .get_typed_func::<i32, i32>(&mut store, "host")
                .unwrap();
            let count = instance
                .get_typed_func::<i32, i64>(&mut store, "count")
                .unwrap();
            // Several rounds, so that tiered runs reach compiled code.
            for _ in 0..4 {
                assert_eq!(
                    apply.call(&mut store, (0, 5, 3)).unwrap(),
                    8,
                    "{strategy:?}"
                );
                set.call(&mut store, (1, 1)).unwrap();
                assert_eq!(apply.call(&mut store, (1, 5, 3)).unwrap(), 2);
                let e = apply.call(&mut store, (2, 5, 3)).unwrap_err();
                assert_eq!(e.trap_code(), Some(TrapCode::TableOutOfBounds));

                choose.call(&mut store, 0).unwrap();
                let e = chosen.call(&mut store, (1, 1)).unwrap_err();
                assert_eq!(e.trap_code(), Some(TrapCode::NullFunctionReference));
                assert_eq!(e.trap_code().unwrap().message(), "null function reference");
                let e = non_null.call(&mut store, ()).unwrap_err();
                assert_eq!(e.trap_code(), Some(TrapCode::NullReference));
                assert_eq!(on_null.call(&mut store, ()).unwrap(), 0);
                assert_eq!(on_non_null.call(&mut store, ()).unwrap(), -1);

                choose.call(&mut store, 1).unwrap();
                assert_eq!(chosen.call(&mut store, (9, 4)).unwrap(), 5);
                assert_eq!(non_null.call(&mut store, ()).unwrap(), 1);
                assert_eq!(on_null.call(&mut store, ()).unwrap(), 5);
                assert_eq!(on_non_null.call(&mut store, ()).unwrap(), 5);

                assert_eq!(host.call(&mut store, 21).unwrap(), 42);
                assert_eq!(count.call(&mut store, 1000).unwrap(), 1000);
            }
            // Ten million tail calls through references, in constant stack.
            assert_eq!(count.call(&mut store, 10_000_000).unwrap(), 10_000_000);
        },
    );
}

#[test]
fn typed_references_cross_the_api_checked() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let mut store = Store::new(&engine, ());
            let linker = linker_with_host(&engine, &mut store);
            let module = Module::new(&engine, REFS).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let get_add = instance.get_func(&mut store, "get-add").unwrap();
            let take = instance.get_func(&mut store, "take").unwrap();
            let ty = take.ty(&store);
            let ValType::Ref(param) = ty.params()[0] else {
                panic!("{strategy:?}: `take` takes {ty}");
            };
            assert!(!param.is_nullable());
            let HeapType::ConcreteFunc(id) = param.heap_type() else {
                panic!("{param}");
            };
            assert_eq!(
                engine.func_type_of(id),
                Some(FuncType::new([ValType::I32, ValType::I32], [ValType::I32]))
            );
            let mut results = [Val::I32(0)];
            get_add.call(&mut store, &[], &mut results).unwrap();
            let add = results[0];
            assert!(matches!(add, Val::FuncRef(Some(_))));
            let mut out = [Val::I32(0)];
            take.call(&mut store, &[add], &mut out).unwrap();
            assert_eq!(out[0].i32(), Some(23));
            // Null, and a function of another type, are not values of it.
            let wrong = Func::wrap(&mut store, |x: i32| x);
            for arg in [Val::FuncRef(None), Val::FuncRef(Some(wrong))] {
                let e = take.call(&mut store, &[arg], &mut out).unwrap_err();
                assert!(matches!(e.kind(), ErrorKind::Type(_)), "{e}");
            }
            // A host function of the right type is one.
            let host_add = Func::wrap(&mut store, |a: i32, b: i32| a + b + 100);
            take.call(&mut store, &[Val::FuncRef(Some(host_add))], &mut out)
                .unwrap();
            assert_eq!(out[0].i32(), Some(123));
            // The host names the type by the engine's id of its signature.
            let binop = FuncType::new([ValType::I32, ValType::I32], [ValType::I32]);
            assert_eq!(engine.func_type_id(&binop), id);
            let typed = ValType::Ref(RefType::new(false, HeapType::ConcreteFunc(id)));
            let host_take = Func::new(
                &mut store,
                FuncType::new([typed], [ValType::I32]),
                |_, args, results| {
                    results[0] = Val::I32(i32::from(matches!(args[0], Val::FuncRef(Some(_)))));
                    Ok(())
                },
            );
            assert_eq!(host_take.ty(&store).params(), take.ty(&store).params());
            host_take.call(&mut store, &[add], &mut out).unwrap();
            assert_eq!(out[0].i32(), Some(1));
            let e = host_take
                .call(&mut store, &[Val::FuncRef(None)], &mut out)
                .unwrap_err();
            assert!(matches!(e.kind(), ErrorKind::Type(_)), "{e}");
        },
    );
}

#[test]
fn imports_match_typed_references_by_type_across_modules() {
    let engine = Engine::new(&Config::new()).unwrap();
    let mut store = Store::new(&engine, ());
    let exporter = Module::new(
        &engine,
        r#"(module
          (type $t (func (param i64) (result i64)))
          (func $id (export "id") (type $t) (local.get 0))
          (global (export "g") (ref $t) (ref.func $id))
          (global (export "m") (mut (ref null $t)) (ref.func $id)))"#,
    )
    .unwrap();
    let exports = Linker::new(&engine)
        .instantiate(&mut store, &exporter)
        .unwrap();
    let mut linker = Linker::new(&engine);
    linker.instance(&mut store, "lib", exports).unwrap();
    // Another module spells the same type with other indices.
    let importer = r#"(module
      (type $other (func))
      (type $u (func (param i64) (result i64)))
      (import "lib" "id" (func $id (type $u)))
      (import "lib" "g" (global $g (ref $u)))
      (import "lib" "g" (global $wide (ref null func)))
      (func (export "run") (result i64)
        (call_ref $u (i64.const 5) (global.get $g))))"#;
    let importer = Module::new(&engine, importer).unwrap();
    let instance = linker.instantiate(&mut store, &importer).unwrap();
    let run = instance
        .get_typed_func::<(), i64>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 5);
    // A mutable global must have the same type; a function the same
    // signature.
    for wat in [
        r#"(module (import "lib" "m" (global (mut (ref null func)))))"#,
        r#"(module (type $v (func (param i32) (result i64))) (import "lib" "g" (global (ref $v))))"#,
        r#"(module (import "lib" "id" (func (param i32) (result i64))))"#,
    ] {
        let module = Module::new(&engine, wat).unwrap();
        let e = linker.instantiate(&mut store, &module).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Link(_)), "{wat}: {e}");
    }
}

#[test]
fn precompiled_modules_keep_typed_references() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(&engine, REFS).unwrap();
            let bytes = module.serialize().unwrap();
            // A fresh engine: its type ids are its own.
            let mut config = Config::new();
            config.strategy(strategy).parallel_compilation(false);
            let other = Engine::new(&config).unwrap();
            let _unrelated =
                Module::new(&other, "(module (type (func (param f32))) (func (type 0)))").unwrap();
            // SAFETY: the artifact was just made by an engine of the same settings.
            let module = unsafe { Module::deserialize(&other, &bytes) }.unwrap();
            let mut store = Store::new(&other, ());
            let linker = linker_with_host(&other, &mut store);
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let apply = instance
                .get_typed_func::<(i32, i32, i32), i32>(&mut store, "apply")
                .unwrap();
            assert_eq!(
                apply.call(&mut store, (0, 5, 3)).unwrap(),
                8,
                "{strategy:?}"
            );
            let take = instance.get_func(&mut store, "take").unwrap();
            let ValType::Ref(r) = take.ty(&store).params()[0] else {
                panic!("{strategy:?}");
            };
            let HeapType::ConcreteFunc(id) = r.heap_type() else {
                panic!("{r}");
            };
            assert_eq!(
                other.func_type_of(id),
                Some(FuncType::new([ValType::I32, ValType::I32], [ValType::I32]))
            );
        },
    );
}

#[test]
fn switched_off_typed_references_are_invalid_and_gc_is_unsupported() {
    let mut config = Config::new();
    config.wasm_function_references(false);
    let off = Engine::new(&config).unwrap();
    let on = Engine::new(&Config::new()).unwrap();
    let typed = r#"(module (type $t (func)) (func (param (ref $t))))"#;
    let e = Module::new(&off, typed).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Compile(_)), "{e}");
    Module::new(&on, typed).unwrap();
    // Garbage collection is validated, not executed.
    for wat in [
        "(module (type (struct (field i32))))",
        "(module (type (sub (func))))",
        "(module (func (drop (ref.i31 (i32.const 1)))))",
        "(module (global anyref (ref.null any)))",
    ] {
        let e = Module::new(&on, wat).map(|_| ()).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Unsupported(_)), "{wat}: {e}");
    }
    assert_eq!(
        ValType::reference(RefType::new(true, HeapType::Func)),
        ValType::FuncRef
    );
}

/// Recursive function types and recursion groups (Wasm 3.0's
/// iso-recursive types): a type may refer to itself and to the other
/// members of its group; equal groups are the same types in every module
/// of an engine, while a member is not the equal signature outside its
/// group.
const RECURSIVE: &str = r#"(module
  ;; A function that takes a reference to functions like itself.
  (type $self (func (param i32 (ref null $self)) (result i32)))
  (rec
    (type $even (func (param i32 (ref null $odd)) (result i32)))
    (type $odd (func (param i32 (ref null $even)) (result i32))))
  (type $plain (func (param i32) (result i32)))
  (elem declare func $count $even $odd)
  (table $t 1 funcref)
  (func $count (export "count") (type $self)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call_ref $self (i32.sub (local.get 0) (i32.const 1)) (local.get 1) (local.get 1))))))
  (func $even (type $even)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call_ref $odd (i32.sub (local.get 0) (i32.const 1)) (ref.func $even)
        (ref.as_non_null (local.get 1))))))
  (func $odd (type $odd)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call_ref $even (i32.sub (local.get 0) (i32.const 1)) (ref.func $odd)
        (ref.as_non_null (local.get 1))))))
  (func (export "run") (param i32) (result i32)
    (call_ref $self (local.get 0) (ref.func $count) (ref.func $count)))
  (func (export "is-even") (param i32) (result i32)
    (call $even (local.get 0) (ref.func $odd)))
  ;; $even is not a plain (func (param i32 funcref)...) signature: a
  ;; call_indirect with another group's type traps.
  (func (export "mismatch") (result i32)
    (table.set $t (i32.const 0) (ref.func $even))
    (call_indirect $t (type $plain) (i32.const 1) (i32.const 0)))
)"#;

#[test]
fn recursive_types_and_recursion_groups_run_in_every_tier() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(&engine, RECURSIVE).unwrap();
            let run = |module: &Module| {
                let mut store = Store::new(module.engine(), ());
                let instance = Linker::new(module.engine())
                    .instantiate(&mut store, module)
                    .unwrap();
                let run = instance
                    .get_typed_func::<i32, i32>(&mut store, "run")
                    .unwrap();
                assert_eq!(run.call(&mut store, 50).unwrap(), 50, "{strategy:?}");
                let even = instance
                    .get_typed_func::<i32, i32>(&mut store, "is-even")
                    .unwrap();
                assert_eq!(even.call(&mut store, 10_001).unwrap(), 0, "{strategy:?}");
                assert_eq!(even.call(&mut store, 10_000).unwrap(), 1, "{strategy:?}");
                let mismatch = instance
                    .get_typed_func::<(), i32>(&mut store, "mismatch")
                    .unwrap();
                let e = mismatch.call(&mut store, ()).unwrap_err();
                assert_eq!(e.trap_code(), Some(TrapCode::IndirectCallTypeMismatch));
                // The group's types are their own: not equal signatures.
                let count = instance.get_func(&mut store, "count").unwrap();
                let ty = count.ty(&store);
                assert_ne!(
                    ty,
                    FuncType::new([ValType::I32, ty.params()[1]], [ValType::I32])
                );
                assert_eq!(module.engine().func_type_id(&ty), {
                    let ValType::Ref(r) = ty.params()[1] else {
                        panic!("{ty}")
                    };
                    let HeapType::ConcreteFunc(id) = r.heap_type() else {
                        panic!("{r}")
                    };
                    id
                });
            };
            run(&module);
            // A precompiled module brings its groups along.
            let bytes = module.serialize().unwrap();
            let mut config = Config::new();
            config.strategy(strategy).parallel_compilation(false);
            let other = Engine::new(&config).unwrap();
            // SAFETY: the artifact was just made by an engine of the same settings.
            let again = unsafe { Module::deserialize(&other, &bytes) }.unwrap();
            run(&again);
            // The same groups in another module are the same types.
            let twin = Module::new(&other, RECURSIVE).unwrap();
            let (a, b) = (again.exports().next(), twin.exports().next());
            assert_eq!(
                a.map(|e| e.ty().clone()),
                b.map(|e| e.ty().clone()),
                "{strategy:?}"
            );
        },
    );
}
