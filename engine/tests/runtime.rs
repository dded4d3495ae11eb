//! Runtime behaviour through the public API: counters, traps, limits.

use strata::{Config, Engine, Instance, Linker, Module, Store, TrapCode, Val};

fn instantiate(config: &Config, wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::new(config).expect("engine");
    let module = Module::new(&engine, wat).expect("module compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, instance)
}

#[test]
fn call_and_back_edge_counters_count_exactly() {
    let (mut store, instance) = instantiate(
        &Config::new(),
        r#"(module
            (func $count (export "count") (param $n i32) (local $i i32)
              (loop $l
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
            (func (export "twice") (call $count (i32.const 5)) (call $count (i32.const 3))))"#,
    );
    let twice = instance
        .get_typed_func::<(), ()>(&mut store, "twice")
        .unwrap();
    twice.call(&mut store, ()).unwrap();
    let stats = instance.func_stats(&store);
    assert_eq!(stats[0].calls, 2);
    // Five and three iterations take four and two back-edges.
    assert_eq!(stats[0].back_edges, vec![6]);
    assert_eq!(stats[1].calls, 1);
    assert!(stats[1].back_edges.is_empty());
}

#[test]
fn trap_backtrace_names_functions_innermost_first() {
    let (mut store, instance) = instantiate(
        &Config::new(),
        r#"(module
            (func $inner (i32.div_s (i32.const 1) (i32.const 0)) drop)
            (func $outer (export "outer") (call $inner)))"#,
    );
    let outer = instance.get_func(&mut store, "outer").unwrap();
    let err = outer.call(&mut store, &[], &mut []).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code(), TrapCode::IntegerDivideByZero);
    let names: Vec<_> = trap
        .backtrace()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["inner", "outer"]);
}

#[test]
fn value_stack_limit_traps_as_exhausted_and_store_stays_usable() {
    let mut config = Config::new();
    config.max_value_stack(4096).max_call_depth(1_000_000);
    let (mut store, instance) = instantiate(
        &config,
        r#"(module
            (func $deep (export "deep") (param i64 i64 i64 i64) (result i64)
              (call $deep (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
            (func (export "ok") (result i32) (i32.const 7)))"#,
    );
    let deep = instance.get_func(&mut store, "deep").unwrap();
    let args = [Val::I64(1), Val::I64(2), Val::I64(3), Val::I64(4)];
    let err = deep
        .call(&mut store, &args, &mut [Val::I64(0)])
        .unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    assert!(err.as_trap().unwrap().backtrace().len() <= 100);
    let ok = instance
        .get_typed_func::<(), i32>(&mut store, "ok")
        .unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 7);
}

#[test]
fn call_depth_limit_is_configurable() {
    let mut config = Config::new();
    config.max_call_depth(50);
    let (mut store, instance) = instantiate(
        &config,
        r#"(module (func $down (export "down") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
              (else (call $down (i32.sub (local.get 0) (i32.const 1)))))))"#,
    );
    let down = instance
        .get_typed_func::<i32, i32>(&mut store, "down")
        .unwrap();
    assert_eq!(down.call(&mut store, 40).unwrap(), 0);
    let err = down.call(&mut store, 60).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    assert_eq!(down.call(&mut store, 10).unwrap(), 0);
}

#[test]
fn multi_value_results_come_back_in_order() {
    let (mut store, instance) = instantiate(
        &Config::new(),
        r#"(module (func (export "swap") (param i32 i64) (result i64 i32)
            (local.get 1) (local.get 0)))"#,
    );
    let swap = instance.get_func(&mut store, "swap").unwrap();
    let mut out = [Val::I64(0), Val::I32(0)];
    swap.call(&mut store, &[Val::I32(-3), Val::I64(9)], &mut out)
        .unwrap();
    assert_eq!(out, [Val::I64(9), Val::I32(-3)]);
    let typed = instance
        .get_typed_func::<(i32, i64), (i64, i32)>(&mut store, "swap")
        .unwrap();
    assert_eq!(typed.call(&mut store, (1, 2)).unwrap(), (2, 1));
}

#[test]
fn loop_parameters_carried_by_br_if_survive_each_iteration() {
    // Each iteration swaps the loop's two parameters; `br_if` carries them back.
    let (mut store, instance) = instantiate(
        &Config::new(),
        r#"(module
            (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
            (func (export "swap_n") (param $n i32) (result i32 i32)
              (i32.const 1) (i32.const 2)
              (loop $l (param i32 i32) (result i32 i32)
                (call $swap)
                (br_if $l (i32.ge_s
                  (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
                  (i32.const 0))))))"#,
    );
    let f = instance
        .get_typed_func::<i32, (i32, i32)>(&mut store, "swap_n")
        .unwrap();
    assert_eq!(f.call(&mut store, 0).unwrap(), (2, 1));
    assert_eq!(f.call(&mut store, 1).unwrap(), (1, 2));
    assert_eq!(f.call(&mut store, 6).unwrap(), (2, 1));
}

#[test]
fn local_read_before_a_block_keeps_its_value_when_the_block_writes_it() {
    let (mut store, instance) = instantiate(
        &Config::new(),
        r#"(module
            (func (export "cond") (param $x i32) (param $c i32) (result i32)
              (local.get $x)
              (if (local.get $c) (then (local.set $x (i32.const 100))))
              (local.get $x)
              (i32.sub))
            (func (export "looped") (param $x i32) (result i32) (local $i i32)
              (local.get $x)
              (loop $l
                (local.set $x (i32.add (local.get $x) (i32.const 10)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
              (local.get $x)
              (i32.sub)))"#,
    );
    let cond = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "cond")
        .unwrap();
    assert_eq!(cond.call(&mut store, (7, 0)).unwrap(), 0);
    assert_eq!(cond.call(&mut store, (7, 1)).unwrap(), 7 - 100);
    let looped = instance
        .get_typed_func::<i32, i32>(&mut store, "looped")
        .unwrap();
    assert_eq!(looped.call(&mut store, 5).unwrap(), 5 - 35);
}

#[test]
fn engines_modules_and_stores_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<strata::Engine>();
    send_sync::<strata::Module>();
    send::<strata::Store<()>>();
    send::<strata::Linker<()>>();
}

#[test]
fn host_functions_take_up_to_sixteen_typed_parameters() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .func_wrap(
            "env",
            "sum9",
            |a: i32, b: i64, c: f32, d: f64, e: i32, f: i32, g: i32, h: i32, i: i32| -> i64 {
                (a + e + f + g + h + i) as i64 + b + c as i64 + d as i64
            },
        )
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "sum9" (func $s (param i32 i64 f32 f64 i32 i32 i32 i32 i32) (result i64)))
            (func (export "go") (result i64)
              (call $s (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4)
                       (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let go = instance
        .get_typed_func::<(), i64>(&mut store, "go")
        .unwrap();
    assert_eq!(go.call(&mut store, ()).unwrap(), 45);
}
