//! Exception handling (`Config::wasm_exceptions`) in every strategy: tags,
//! `throw`, `throw_ref` and `try_table` across interpreted and compiled
//! frames and host functions, exceptions and `exnref` in the API, and tag
//! identity across instances. Every test runs in a child process, since an
//! exception crossing compiled frames unwinds machine stacks.

mod common;

use common::{for_each_strategy, in_child_process, instantiate};
use strata::{
    Config, Engine, ErrorKind, Exn, Func, FuncType, Linker, Module, Store, Tag, TagType, Val,
    ValType,
};

const CATCHING: &str = r#"(module
  (tag $pair (export "pair") (param i32 i64))
  (tag $float (param f64))
  (tag $empty)
  (func $throw-pair (param i32) (throw $pair (local.get 0) (i64.const 77)))
  (func $deep (param i32)
    (if (i32.eqz (local.get 0))
      (then (call $throw-pair (i32.const 5)))
      (else (call $deep (i32.sub (local.get 0) (i32.const 1))))))

  ;; The values a clause receives, and locals the landing pad reads: one
  ;; written before the call, one written after it (dead on the normal
  ;; path at the call, live on the exceptional one).
  (func (export "values") (param $n i32) (result i32 i64 i32)
    (local $before i32) (local $after i32)
    (local.set $before (i32.const 11))
    (local.set $after (i32.const 22))
    (block $h (result i32 i64)
      (try_table (catch $pair $h)
        (call $deep (local.get $n))
        (local.set $after (i32.const 33)))
      (return (i32.const -1) (i64.const -1) (i32.const -1)))
    (i32.add (local.get $before) (local.get $after)))

  ;; Inner clauses that do not match pass the exception outwards.
  (func (export "nested") (param $which i32) (result i32)
    (block $outer
      (block $middle
        (block $inner (result f64)
          (try_table (catch_all $outer)
            (try_table (catch $float $inner)
              (try_table (catch $empty $middle)
                (if (i32.eq (local.get $which) (i32.const 0))
                  (then (throw $empty)))
                (if (i32.eq (local.get $which) (i32.const 1))
                  (then (throw $float (f64.const 1.5))))
                (if (i32.eq (local.get $which) (i32.const 2))
                  (then (call $throw-pair (i32.const 0))))
                (return (i32.const 0)))
              (return (i32.const 100)))
            (return (i32.const 200)))
          (return (i32.const 300)))
        (drop) (return (i32.const 1)))
      (return (i32.const 2)))
    (i32.const 3))

  ;; catch_ref then throw_ref: the same exception again, caught further out.
  (func (export "rethrow") (result i32 i64)
    (block $h (result i32 i64)
      (try_table (catch $pair $h)
        (block $r (result exnref)
          (try_table (catch_all_ref $r) (call $throw-pair (i32.const 9)))
          (unreachable))
        (throw_ref))
      (unreachable)))

  ;; A loop that throws and catches on every iteration: hot enough to tier
  ;; up and enter compiled code by OSR.
  (func (export "loop") (param $n i32) (result i32)
    (local $sum i32)
    (loop $again
      (block $h (result i32 i64)
        (try_table (catch $pair $h) (call $throw-pair (local.get $n)))
        (unreachable))
      (drop)
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))

  ;; Exceptions from deep below, caught many times: the frames they leave
  ;; give their call depth back (else the depth limit would trap).
  (func (export "deep-loop") (param $n i32) (result i32)
    (local $sum i32)
    (loop $again
      (block $h (result i32 i64)
        (try_table (catch $pair $h) (call $deep (i32.const 150)))
        (unreachable))
      (drop)
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))

  (func (export "uncaught") (param i32) (call $throw-pair (local.get 0)))
  (func (export "null") (throw_ref (ref.null exn)))
  (func (export "catch-ref") (result exnref) (local $keep exnref)
    (block $h (result i32 i64 exnref)
      (try_table (catch_ref $pair $h) (call $throw-pair (i32.const 4)))
      (unreachable))
    (local.set $keep)
    (drop) (drop)
    (local.get $keep))
  (func (export "throw-ref") (param exnref) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $pair $h) (throw_ref (local.get 0)))
      (unreachable))
    (drop))
)"#;

fn call(store: &mut Store<()>, f: &Func, args: &[Val], results: usize) -> strata::Result<Vec<Val>> {
    let mut out = vec![Val::I32(0); results];
    f.call(&mut *store, args, &mut out)?;
    Ok(out)
}

#[test]
fn try_table_catches_in_every_tier() {
    in_child_process("try_table_catches_in_every_tier", || {
        for_each_strategy(
            |c| {
                c.tier_up_calls(3).tier_up_back_edges(50);
            },
            |strategy, engine| {
                let (mut store, instance) = instantiate(&engine, CATCHING);
                let f = |store: &mut Store<()>, name| instance.get_func(store, name).unwrap();
                let values = f(&mut store, "values");
                for n in [0, 3, 200] {
                    let got = call(&mut store, &values, &[Val::I32(n)], 3).unwrap();
                    assert_eq!(
                        got,
                        [Val::I32(5), Val::I64(77), Val::I32(33)],
                        "{strategy:?} values({n})"
                    );
                }
                let nested = f(&mut store, "nested");
                for (which, want) in [(0, 2), (1, 1), (2, 3), (3, 0)] {
                    let got = call(&mut store, &nested, &[Val::I32(which)], 1).unwrap();
                    assert_eq!(got, [Val::I32(want)], "{strategy:?} nested({which})");
                }
                let rethrow = f(&mut store, "rethrow");
                let got = call(&mut store, &rethrow, &[], 2).unwrap();
                assert_eq!(got, [Val::I32(9), Val::I64(77)], "{strategy:?}");
                let looping = f(&mut store, "loop");
                let got = call(&mut store, &looping, &[Val::I32(1000)], 1).unwrap();
                assert_eq!(got, [Val::I32(500_500)], "{strategy:?}");
                let deep = f(&mut store, "deep-loop");
                let got = call(&mut store, &deep, &[Val::I32(200)], 1).unwrap();
                assert_eq!(got, [Val::I32(1000)], "{strategy:?}");
            },
        );
    });
}

#[test]
fn an_uncaught_exception_reaches_the_embedder() {
    in_child_process("an_uncaught_exception_reaches_the_embedder", || {
        for_each_strategy(
            |_| {},
            |strategy, engine| {
                let (mut store, instance) = instantiate(&engine, CATCHING);
                let uncaught = instance.get_func(&mut store, "uncaught").unwrap();
                let e = call(&mut store, &uncaught, &[Val::I32(42)], 0).unwrap_err();
                let exn = e.exception().expect("an exception");
                assert!(matches!(e.kind(), ErrorKind::Exception(_)));
                let tag = instance
                    .get_export(&mut store, "pair")
                    .and_then(|e| e.into_tag())
                    .unwrap();
                assert_eq!(exn.tag(&store), tag, "{strategy:?}");
                assert_eq!(exn.fields(&store), [Val::I32(42), Val::I64(77)]);
                assert_eq!(tag.ty(&store), TagType::new([ValType::I32, ValType::I64]));
                // The store goes on working.
                let nested = instance.get_func(&mut store, "nested").unwrap();
                let got = call(&mut store, &nested, &[Val::I32(1)], 1).unwrap();
                assert_eq!(got, [Val::I32(1)]);
                let null = instance.get_func(&mut store, "null").unwrap();
                let e = call(&mut store, &null, &[], 0).unwrap_err();
                assert_eq!(
                    e.trap_code(),
                    Some(strata::TrapCode::NullReference),
                    "{strategy:?}"
                );
            },
        );
    });
}

#[test]
fn exnref_values_cross_the_api() {
    in_child_process("exnref_values_cross_the_api", || {
        for_each_strategy(
            |_| {},
            |strategy, engine| {
                let (mut store, instance) = instantiate(&engine, CATCHING);
                let catch_ref = instance.get_func(&mut store, "catch-ref").unwrap();
                let got = call(&mut store, &catch_ref, &[], 1).unwrap();
                let Val::ExnRef(Some(exn)) = got[0] else {
                    panic!("{strategy:?}: expected an exception reference, got {got:?}");
                };
                assert_eq!(exn.fields(&store), [Val::I32(4), Val::I64(77)]);
                let throw_ref = instance.get_func(&mut store, "throw-ref").unwrap();
                let got = call(&mut store, &throw_ref, &[Val::ExnRef(Some(exn))], 1).unwrap();
                assert_eq!(got, [Val::I32(4)], "{strategy:?}");
                // One the host made, of the module's tag.
                let tag = instance
                    .get_export(&mut store, "pair")
                    .and_then(|e| e.into_tag())
                    .unwrap();
                let made = Exn::new(&mut store, &tag, &[Val::I32(8), Val::I64(0)]).unwrap();
                let got = call(&mut store, &throw_ref, &[Val::ExnRef(Some(made))], 1).unwrap();
                assert_eq!(got, [Val::I32(8)]);
                assert!(Exn::new(&mut store, &tag, &[Val::I32(8)]).is_err());
                assert!(Exn::new(&mut store, &tag, &[Val::I64(8), Val::I64(0)]).is_err());
            },
        );
    });
}

/// A host function between two wasm frames: its own exception, and one
/// from the wasm it calls, both reach the wasm that called it.
const THROUGH_HOST: &str = r#"(module
  (import "host" "tag" (tag $t (param i32)))
  (import "host" "throws" (func $throws (param i32)))
  (import "host" "calls-back" (func $calls-back (param i32)))
  (func (export "thrower") (param i32) (throw $t (local.get 0)))
  (func (export "via-host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $t $h) (call $throws (local.get 0)))
      (i32.const -1)))
  (func (export "via-callback") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $t $h) (call $calls-back (local.get 0)))
      (i32.const -1)))
)"#;

#[test]
fn exceptions_cross_host_functions() {
    in_child_process("exceptions_cross_host_functions", || {
        for_each_strategy(
            |_| {},
            |strategy, engine| {
                let mut store = Store::new(&engine, ());
                let tag = Tag::new(&mut store, &TagType::new([ValType::I32]));
                let mut linker = Linker::<()>::new(&engine);
                linker.define(&store, "host", "tag", tag).unwrap();
                let ty = FuncType::new([ValType::I32], []);
                let throws = Func::new(&mut store, ty.clone(), move |mut caller, args, _| {
                    let v = args[0].i32().unwrap_or(0) * 10;
                    Err(Exn::new(&mut caller, &tag, &[Val::I32(v)])?.into())
                });
                linker.define(&store, "host", "throws", throws).unwrap();
                let calls_back = Func::new(&mut store, ty, |mut caller, args, _| {
                    let thrower = caller
                        .get_export("thrower")
                        .and_then(|e| e.into_func())
                        .expect("the module exports its thrower");
                    thrower.call(
                        &mut caller,
                        &[Val::I32(args[0].i32().unwrap_or(0) + 1)],
                        &mut [],
                    )
                });
                linker
                    .define(&store, "host", "calls-back", calls_back)
                    .unwrap();
                let module = Module::new(&engine, THROUGH_HOST).unwrap();
                let instance = linker.instantiate(&mut store, &module).unwrap();
                let via_host = instance.get_func(&mut store, "via-host").unwrap();
                let got = call(&mut store, &via_host, &[Val::I32(4)], 1).unwrap();
                assert_eq!(got, [Val::I32(40)], "{strategy:?}");
                let via_callback = instance.get_func(&mut store, "via-callback").unwrap();
                let got = call(&mut store, &via_callback, &[Val::I32(4)], 1).unwrap();
                assert_eq!(got, [Val::I32(5)], "{strategy:?}");
            },
        );
    });
}

/// Tags are compared by identity: the same tag imported by two instances
/// catches across them; another tag of the same type does not.
#[test]
fn tags_match_by_identity_across_instances() {
    in_child_process("tags_match_by_identity_across_instances", || {
        for_each_strategy(
            |_| {},
            |strategy, engine| {
                let thrower = Module::new(
                    &engine,
                    r#"(module
                      (tag $t (export "t") (param i32))
                      (tag $other (export "other") (param i32))
                      (func (export "throw") (param i32 i32)
                        (if (local.get 1)
                          (then (throw $other (local.get 0)))
                          (else (throw $t (local.get 0))))))"#,
                )
                .unwrap();
                let catcher = Module::new(
                    &engine,
                    r#"(module
                      (import "a" "t" (tag $t (param i32)))
                      (import "a" "throw" (func $throw (param i32 i32)))
                      (func (export "catch") (param i32 i32) (result i32)
                        (block $h (result i32)
                          (try_table (catch $t $h) (call $throw (local.get 0) (local.get 1)))
                          (i32.const -1))))"#,
                )
                .unwrap();
                let mut store = Store::new(&engine, ());
                let mut linker = Linker::<()>::new(&engine);
                let a = linker.instantiate(&mut store, &thrower).unwrap();
                linker.instance(&mut store, "a", a).unwrap();
                let b = linker.instantiate(&mut store, &catcher).unwrap();
                let catch = b.get_func(&mut store, "catch").unwrap();
                let got = call(&mut store, &catch, &[Val::I32(6), Val::I32(0)], 1).unwrap();
                assert_eq!(got, [Val::I32(6)], "{strategy:?}");
                let e = call(&mut store, &catch, &[Val::I32(6), Val::I32(1)], 1).unwrap_err();
                let other = a
                    .get_export(&mut store, "other")
                    .and_then(|e| e.into_tag())
                    .unwrap();
                assert_eq!(e.exception().map(|x| x.tag(&store)), Some(other));
                // A tag's type must match its import exactly.
                let mut linker = Linker::<()>::new(&engine);
                let wrong = Tag::new(&mut store, &TagType::new([ValType::I64]));
                linker.define(&store, "a", "t", wrong).unwrap();
                let throw = a.get_func(&mut store, "throw").unwrap();
                linker.define(&store, "a", "throw", throw).unwrap();
                let e = linker.instantiate(&mut store, &catcher).unwrap_err();
                assert!(matches!(e.kind(), ErrorKind::Link(_)), "{e}");
            },
        );
    });
}

/// Fuel counts the same in every strategy when exceptions unwind.
#[test]
fn fuel_is_the_same_in_every_tier() {
    in_child_process("fuel_is_the_same_in_every_tier", || {
        let used = std::cell::RefCell::new(Vec::new());
        for_each_strategy(
            |c| {
                c.consume_fuel(true).tier_up_calls(3).tier_up_back_edges(50);
            },
            |strategy, engine| {
                let (mut store, instance) = instantiate(&engine, CATCHING);
                store.set_fuel(1 << 40).unwrap();
                let looping = instance.get_func(&mut store, "loop").unwrap();
                call(&mut store, &looping, &[Val::I32(300)], 1).unwrap();
                let values = instance.get_func(&mut store, "values").unwrap();
                call(&mut store, &values, &[Val::I32(30)], 3).unwrap();
                used.borrow_mut()
                    .push((strategy, (1 << 40) - store.get_fuel().unwrap()));
            },
        );
        let used = used.into_inner();
        assert_eq!(used.len(), 3);
        assert!(used.windows(2).all(|w| w[0].1 == w[1].1), "{used:?}");
    });
}

#[test]
fn the_switch_turns_exceptions_off() {
    let mut config = Config::new();
    config.wasm_exceptions(false);
    let engine = Engine::new(&config).unwrap();
    let e = Module::new(&engine, CATCHING).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Compile(_)), "{e}");
    let engine = Engine::new(&Config::new()).unwrap();
    Module::new(&engine, CATCHING).unwrap();
}

/// An epoch callback is no host function a `throw` reaches: an exception
/// it returns is caught by no `try_table`, in any tier, and ends the call
/// as a host error.
#[test]
fn an_epoch_callback_cannot_throw_into_wasm() {
    in_child_process("an_epoch_callback_cannot_throw_into_wasm", || {
        for_each_strategy(
            |c| {
                c.epoch_interruption(true);
            },
            |strategy, engine| {
                let module = Module::new(
                    &engine,
                    r#"(module
                      (func (export "spin") (result i32)
                        (block $h
                          (try_table (catch_all $h) (loop $l (br $l))))
                        (i32.const 1)))"#,
                )
                .unwrap();
                let mut store = Store::new(&engine, ());
                let tag = Tag::new(&mut store, &TagType::new([]));
                store.set_epoch_deadline(1);
                store.epoch_deadline_callback(move |mut store| {
                    Err(Exn::new(&mut store, &tag, &[])?.into())
                });
                let instance = Linker::new(&engine)
                    .instantiate(&mut store, &module)
                    .unwrap();
                let spin = instance.get_func(&mut store, "spin").unwrap();
                engine.increment_epoch();
                let e = call(&mut store, &spin, &[], 1).unwrap_err();
                assert!(matches!(e.kind(), ErrorKind::Host(_)), "{strategy:?}: {e}");
            },
        );
    });
}

/// Exceptions only ever caught by plain clauses give their objects back,
/// so a throwing loop does not grow the store; one caught with a
/// reference lives on, whatever is thrown after it.
#[test]
fn caught_exceptions_give_their_objects_back() {
    in_child_process("caught_exceptions_give_their_objects_back", || {
        for_each_strategy(
            |c| {
                c.tier_up_calls(3).tier_up_back_edges(50);
            },
            |strategy, engine| {
                let (mut store, instance) = instantiate(
                    &engine,
                    r#"(module
                      (tag $t (param i32))
                      (global $kept (mut exnref) (ref.null exn))
                      (func $throw (param i32) (throw $t (local.get 0)))
                      (func (export "keep") (param i32)
                        (block $h (result i32 exnref)
                          (try_table (catch_ref $t $h) (call $throw (local.get 0)))
                          (unreachable))
                        (global.set $kept) (drop))
                      (func (export "churn") (param $n i32) (result i32)
                        (local $sum i32)
                        (loop $again
                          (block $h (result i32)
                            (try_table (catch $t $h) (call $throw (local.get $n)))
                            (unreachable))
                          (local.set $sum (i32.add (local.get $sum)))
                          (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                        (local.get $sum))
                      (func (export "kept") (result i32)
                        (block $h (result i32)
                          (try_table (catch $t $h) (throw_ref (global.get $kept)))
                          (unreachable))))"#,
                );
                let f = |store: &mut Store<()>, name| instance.get_func(store, name).unwrap();
                let keep = f(&mut store, "keep");
                call(&mut store, &keep, &[Val::I32(77)], 0).unwrap();
                let churn = f(&mut store, "churn");
                let got = call(&mut store, &churn, &[Val::I32(10_000)], 1).unwrap();
                assert_eq!(got, [Val::I32(50_005_000)], "{strategy:?}");
                assert!(
                    store.exceptions_held() <= 2,
                    "{strategy:?}: {}",
                    store.exceptions_held()
                );
                // The kept one was not reused: rethrown, it still carries 77.
                let kept = f(&mut store, "kept");
                let got = call(&mut store, &kept, &[], 1).unwrap();
                assert_eq!(got, [Val::I32(77)], "{strategy:?}");
            },
        );
    });
}
