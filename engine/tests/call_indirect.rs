//! `call_indirect` in every strategy once a table's elements change: both
//! tiers check an element against the table's call targets and call a
//! function of their own instance directly, so every way of writing a
//! table (wasm instructions, the host API, growth, segments, a table
//! shared with another instance) must leave them agreeing with the store.

mod common;

use common::for_each_strategy;
use strata::{Extern, Func, Linker, Module, Store, Table, TrapCode, Val};

/// A module exporting its table 0, two functions of type `[i32] -> [i32]`
/// (`double`, `inc`), one of another type (`nullary`), and `call(i, x)`,
/// which calls element `i` with `x`.
const DISPATCH: &str = r#"(module
  (type $unary (func (param i32) (result i32)))
  (table $t (export "table") 4 10 funcref)
  (func $double (export "double") (type $unary) (i32.mul (local.get 0) (i32.const 2)))
  (func $inc (export "inc") (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $nullary (export "nullary") (result i32) (i32.const 7))
  (elem (table $t) (i32.const 0) func $double $inc)
  (elem $later func $inc $double)
  (func (export "call") (param $i i32) (param $x i32) (result i32)
    (call_indirect $t (type $unary) (local.get $x) (local.get $i)))
  (func (export "set") (param $i i32) (param $f i32)
    (table.set $t (local.get $i)
      (select (result funcref) (ref.func $double) (ref.func $inc) (local.get $f))))
  (func (export "set_null") (param $i i32) (table.set $t (local.get $i) (ref.null func)))
  (func (export "set_nullary") (param $i i32) (table.set $t (local.get $i) (ref.func $nullary)))
  (func (export "fill") (param $i i32) (param $n i32)
    (table.fill $t (local.get $i) (ref.func $double) (local.get $n)))
  (func (export "copy") (param $d i32) (param $s i32) (param $n i32)
    (table.copy $t $t (local.get $d) (local.get $s) (local.get $n)))
  (func (export "init") (param $d i32)
    (table.init $t $later (local.get $d) (i32.const 0) (i32.const 2)))
  (func (export "grow") (param $n i32) (result i32)
    (table.grow $t (ref.func $inc) (local.get $n))))"#;

fn call(
    store: &mut Store<()>,
    instance: strata::Instance,
    i: i32,
    x: i32,
) -> Result<i32, TrapCode> {
    let f = instance
        .get_typed_func::<(i32, i32), i32>(&mut *store, "call")
        .unwrap();
    f.call(&mut *store, (i, x))
        .map_err(|e| e.trap_code().expect("a trap"))
}

fn run<P: strata::WasmParams>(store: &mut Store<()>, instance: strata::Instance, name: &str, p: P) {
    let f = instance.get_typed_func::<P, ()>(&mut *store, name).unwrap();
    f.call(&mut *store, p).unwrap();
}

#[test]
fn elements_written_by_wasm_are_called_as_written() {
    for_each_strategy(
        |c| {
            // Tiered: compile early so both tiers take part.
            c.tier_up_calls(3);
        },
        |strategy, engine| {
            let (mut store, instance) = common::instantiate(&engine, DISPATCH);
            let s = &mut store;
            // Call enough times for the tiered engine to compile `call`.
            for _ in 0..10 {
                assert_eq!(call(s, instance, 0, 5), Ok(10), "{strategy:?}");
                assert_eq!(call(s, instance, 1, 5), Ok(6), "{strategy:?}");
            }
            assert_eq!(call(s, instance, 2, 5), Err(TrapCode::UninitializedElement));
            assert_eq!(call(s, instance, 4, 5), Err(TrapCode::UndefinedElement));
            assert_eq!(call(s, instance, -1, 5), Err(TrapCode::UndefinedElement));
            run(s, instance, "set", (0, 0));
            assert_eq!(call(s, instance, 0, 5), Ok(6), "{strategy:?}: table.set");
            run(s, instance, "set_null", 1);
            assert_eq!(call(s, instance, 1, 5), Err(TrapCode::UninitializedElement));
            run(s, instance, "set_nullary", 1);
            assert_eq!(
                call(s, instance, 1, 5),
                Err(TrapCode::IndirectCallTypeMismatch)
            );
            run(s, instance, "fill", (0, 4));
            assert_eq!(call(s, instance, 3, 5), Ok(10), "{strategy:?}: table.fill");
            run(s, instance, "set", (2, 0));
            run(s, instance, "copy", (0, 2, 1));
            assert_eq!(call(s, instance, 0, 5), Ok(6), "{strategy:?}: table.copy");
            run(s, instance, "init", 2);
            assert_eq!(call(s, instance, 2, 5), Ok(6), "{strategy:?}: table.init");
            assert_eq!(call(s, instance, 3, 5), Ok(10), "{strategy:?}: table.init");
            let grow = instance
                .get_typed_func::<i32, i32>(&mut *s, "grow")
                .unwrap();
            assert_eq!(grow.call(&mut *s, 3).unwrap(), 4);
            assert_eq!(call(s, instance, 6, 5), Ok(6), "{strategy:?}: table.grow");
            assert_eq!(call(s, instance, 7, 5), Err(TrapCode::UndefinedElement));
        },
    );
}

#[test]
fn elements_written_by_the_host_are_called_as_written() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(3);
        },
        |strategy, engine| {
            let (mut store, instance) = common::instantiate(&engine, DISPATCH);
            let table = instance.get_table(&mut store, "table").unwrap();
            let double = instance.get_func(&mut store, "double").unwrap();
            let inc = instance.get_func(&mut store, "inc").unwrap();
            for _ in 0..10 {
                assert_eq!(call(&mut store, instance, 0, 5), Ok(10));
            }
            table.set(&mut store, 0, Val::FuncRef(Some(inc))).unwrap();
            assert_eq!(
                call(&mut store, instance, 0, 5),
                Ok(6),
                "{strategy:?}: Table::set"
            );
            table
                .fill(&mut store, 1, Val::FuncRef(Some(double)), 3)
                .unwrap();
            assert_eq!(
                call(&mut store, instance, 3, 5),
                Ok(10),
                "{strategy:?}: Table::fill"
            );
            table.grow(&mut store, 2, Val::FuncRef(Some(inc))).unwrap();
            assert_eq!(
                call(&mut store, instance, 5, 5),
                Ok(6),
                "{strategy:?}: Table::grow"
            );
            // A host function in the table runs through the general path.
            let host = Func::wrap(&mut store, |x: i32| x + 100);
            table.set(&mut store, 4, Val::FuncRef(Some(host))).unwrap();
            assert_eq!(
                call(&mut store, instance, 4, 5),
                Ok(105),
                "{strategy:?}: host function"
            );
        },
    );
}

#[test]
fn a_shared_table_calls_each_function_in_its_own_instance() {
    // `user` imports the table of `owner` and puts its own function in it;
    // calls from either instance must run each function in its instance.
    const USER: &str = r#"(module
      (type $unary (func (param i32) (result i32)))
      (import "owner" "table" (table 4 10 funcref))
      (global $g (mut i32) (i32.const 1000))
      (func $plus_g (type $unary) (i32.add (local.get 0) (global.get $g)))
      (elem (i32.const 2) func $plus_g)
      (func (export "call") (param $i i32) (param $x i32) (result i32)
        (call_indirect (type $unary) (local.get $x) (local.get $i))))"#;
    for_each_strategy(
        |c| {
            c.tier_up_calls(3);
        },
        |strategy, engine| {
            let owner_module = Module::new(&engine, DISPATCH).unwrap();
            let user_module = Module::new(&engine, USER).unwrap();
            let mut store = Store::new(&engine, ());
            let owner = Linker::new(&engine)
                .instantiate(&mut store, &owner_module)
                .unwrap();
            let table: Table = owner.get_table(&mut store, "table").unwrap();
            let mut linker = Linker::new(&engine);
            linker
                .define(&store, "owner", "table", Extern::Table(table))
                .unwrap();
            let user = linker.instantiate(&mut store, &user_module).unwrap();
            for _ in 0..10 {
                // The owner calls the user's function, and the user the owner's.
                assert_eq!(call(&mut store, owner, 2, 5), Ok(1005), "{strategy:?}");
                assert_eq!(call(&mut store, user, 0, 5), Ok(10), "{strategy:?}");
                assert_eq!(call(&mut store, user, 2, 5), Ok(1005), "{strategy:?}");
            }
        },
    );
}
