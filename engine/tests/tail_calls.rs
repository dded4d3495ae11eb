//! Tail calls (`return_call`, `return_call_indirect`) in every strategy:
//! the callee replaces its caller, so long chains of them run within the
//! call depth limit and in constant native stack, across tiers, instances
//! and host functions. The long chains run in child processes on a small
//! thread: a tail call that grew the native stack would overflow there.

mod common;

use common::{for_each_strategy, in_child_process, instantiate};
use strata::{
    Caller, Config, Engine, Linker, Module, Store, Strategy, Table, TableType, TrapCode, Val,
    ValType,
};

/// Far smaller than what a native frame per tail call would need.
const SMALL_STACK: usize = 1 << 20;

/// Ten million: far past the call depth limit and any native stack.
const LONG: i64 = 10_000_000;

fn on_small_thread(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("thread finishes");
}

const LOOPS: &str = r#"(module
  (type $step (func (param i64 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $even_indirect $odd_indirect)
  ;; Sums 1..n by tail-calling itself.
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $sum (i64.sub (local.get $n) (i64.const 1))
                      (i64.add (local.get $acc) (local.get $n))))
  ;; Mutual recursion, with the arguments swapped on the way.
  (func $even (export "even") (param $n i64) (param $k i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 1))))
    (return_call $odd (local.get $k) (i64.sub (local.get $n) (i64.const 1))))
  (func $odd (param $k i64) (param $n i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 0))))
    (return_call $even (i64.sub (local.get $n) (i64.const 1)) (local.get $k)))
  ;; The same through the table.
  (func $even_indirect (export "even_indirect") (param $n i64) (param $k i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 1))))
    (return_call_indirect (type $step)
      (i64.sub (local.get $n) (i64.const 1)) (local.get $k) (i32.const 1)))
  (func $odd_indirect (param $n i64) (param $k i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 0))))
    (return_call_indirect (type $step)
      (i64.sub (local.get $n) (i64.const 1)) (local.get $k) (i32.const 0))))"#;

/// `name(a, b)` of [`LOOPS`] under `strategy`, on a small thread.
fn run_loop(strategy: Strategy, name: &'static str, a: i64, b: i64) -> i64 {
    let (tx, rx) = std::sync::mpsc::channel();
    on_small_thread(move || {
        let mut config = Config::new();
        config.strategy(strategy).tier_up_calls(100);
        let engine = Engine::new(&config).expect("engine");
        let (mut store, instance) = instantiate(&engine, LOOPS);
        let f = instance
            .get_typed_func::<(i64, i64), i64>(&mut store, name)
            .expect("export");
        tx.send(f.call(&mut store, (a, b)).expect("runs to the end"))
            .unwrap();
    });
    rx.recv().unwrap()
}

fn each_supported(f: impl Fn(Strategy)) {
    for_each_strategy(|_| {}, |strategy, _| f(strategy));
}

#[test]
fn ten_million_tail_calls_run_in_constant_stack() {
    in_child_process("ten_million_tail_calls_run_in_constant_stack", || {
        each_supported(|s| {
            assert_eq!(run_loop(s, "sum", LONG, 0), LONG * (LONG + 1) / 2, "{s:?}");
            assert_eq!(run_loop(s, "even", LONG, 0), 1, "{s:?}");
            assert_eq!(run_loop(s, "even", LONG + 1, 0), 0, "{s:?}");
        });
    });
}

#[test]
fn ten_million_indirect_tail_calls_run_in_constant_stack() {
    in_child_process(
        "ten_million_indirect_tail_calls_run_in_constant_stack",
        || {
            each_supported(|s| {
                assert_eq!(run_loop(s, "even_indirect", LONG, 0), 1, "{s:?}");
                assert_eq!(run_loop(s, "even_indirect", LONG - 1, 0), 0, "{s:?}");
            });
        },
    );
}

/// `$f` is compiled (its loop tiers it up) and `$g` never is: every tail
/// call between them crosses tiers, in both directions.
const CROSSING: &str = r#"(module
  (func $f (export "f") (param $n i32) (result i32)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then
        (local.set $n (i32.const 100))
        (loop $spin
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br_if $spin (local.get $n)))
        (return (i32.const -1))))
    (if (i32.eqz (local.get $n)) (then (return (i32.const 7))))
    (return_call $g (i32.sub (local.get $n) (i32.const 1))))
  (func $g (export "g") (param $n i32) (result i32)
    (return_call $f (local.get $n)))
  ;; An interpreted caller below the chain: not a tail call.
  (func (export "h") (param $n i32) (result i32)
    (i32.add (call $g (local.get $n)) (i32.const 1))))"#;

#[test]
fn tail_calls_between_tiers_run_in_constant_stack() {
    in_child_process("tail_calls_between_tiers_run_in_constant_stack", || {
        on_small_thread(|| {
            let mut config = Config::new();
            config
                .strategy(Strategy::Tiered)
                .parallel_compilation(false)
                .tier_up_calls(u64::MAX)
                .tier_up_back_edges(10);
            let Ok(engine) = Engine::new(&config) else {
                eprintln!("no JIT on this machine");
                return;
            };
            let module = Module::new(&engine, CROSSING).expect("module compiles");
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .expect("instantiates");
            let call = |store: &mut Store<()>, name: &str, n: i32| {
                instance
                    .get_typed_func::<i32, i32>(&mut *store, name)
                    .expect("export")
                    .call(store, n)
                    .expect("runs to the end")
            };
            assert_eq!(call(&mut store, "f", -1), -1);
            assert_eq!(module.tier_stats().compiled_funcs, 1, "$f tiered up");
            let n = LONG as i32;
            // Compiled $f enters $g through its stub, and interpreted $g's
            // entry frame hands $f back to the stub.
            assert_eq!(call(&mut store, "f", n), 7);
            // The embedder enters interpreted $g first.
            assert_eq!(call(&mut store, "g", n), 7);
            // Interpreted $g tail-calls compiled $f with a caller below.
            assert_eq!(call(&mut store, "h", n), 8);
            assert_eq!(
                module.tier_stats().compiled_funcs,
                1,
                "$g stayed interpreted"
            );
        });
    });
}

#[test]
fn arguments_move_to_a_larger_frame_of_any_types() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2);
        },
        |strategy, engine| {
            // Each argument is read from a cell another one is written to.
            let (mut store, instance) = instantiate(
                &engine,
                r#"(module
                  (func (export "start") (param $a i64) (param $b f64) (result f64)
                    (return_call $mix (local.get $b) (local.get $a) (i32.const 3)
                                      (local.get $b) (f32.const 0.5)))
                  (func $mix (param f64 i64 i32 f64 f32) (result f64)
                    (local $unused i64)
                    (f64.add
                      (f64.add (local.get 0) (f64.convert_i64_s (local.get 1)))
                      (f64.add (f64.mul (local.get 3) (f64.convert_i32_s (local.get 2)))
                               (f64.promote_f32 (local.get 4))))))"#,
            );
            let start = instance
                .get_typed_func::<(i64, f64), f64>(&mut store, "start")
                .unwrap();
            for _ in 0..4 {
                // 1.25 + 40 + 3.75 + 0.5
                assert_eq!(
                    start.call(&mut store, (40, 1.25)).unwrap(),
                    45.5,
                    "{strategy:?}"
                );
            }
        },
    );
}

#[test]
fn tail_calls_reach_host_functions_and_other_instances() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2);
        },
        |strategy, engine| {
            let mut store = Store::new(&engine, 0u32);
            let mut linker = Linker::<u32>::new(&engine);
            linker
                .func_wrap(
                    "host",
                    "add1",
                    |mut caller: Caller<'_, u32>, x: i32| -> i32 {
                        *caller.data_mut() += 1;
                        x + 1
                    },
                )
                .unwrap();
            let callee = Module::new(
                &engine,
                r#"(module (func (export "triple") (param i32) (result i32)
                     (i32.mul (local.get 0) (i32.const 3))))"#,
            )
            .unwrap();
            let callee = linker.instantiate(&mut store, &callee).unwrap();
            linker.instance(&mut store, "other", callee).unwrap();
            let ty = TableType::new(ValType::FuncRef, 1, None);
            let table = Table::new(&mut store, ty, Val::FuncRef(None)).unwrap();
            linker.define(&mut store, "host", "table", table).unwrap();
            let caller = Module::new(
                &engine,
                r#"(module
                  (import "host" "add1" (func $add1 (param i32) (result i32)))
                  (import "other" "triple" (func $triple (param i32) (result i32)))
                  (import "host" "table" (table 1 funcref))
                  (type $t (func (param i32) (result i32)))
                  (func (export "host") (param i32) (result i32)
                    (return_call $add1 (local.get 0)))
                  (func (export "other") (param i32) (result i32)
                    (return_call $triple (local.get 0)))
                  (func (export "indirect") (param i32) (param i32) (result i32)
                    (return_call_indirect (type $t) (local.get 0) (local.get 1)))
                  ;; A caller below each tail call.
                  (func (export "below") (param i32) (result i32)
                    (i32.sub (call $twice (local.get 0)) (i32.const 1)))
                  (func $twice (param i32) (result i32)
                    (return_call $triple (call $add1 (local.get 0)))))"#,
            )
            .unwrap();
            let instance = linker.instantiate(&mut store, &caller).unwrap();
            let f = |store: &mut Store<u32>, name: &str| {
                instance.get_func(&mut *store, name).expect("export")
            };
            let one = |store: &mut Store<u32>, name: &str, x: i32| {
                f(store, name)
                    .typed::<i32, i32>(&*store)
                    .unwrap()
                    .call(store, x)
            };
            let indirect = f(&mut store, "indirect")
                .typed::<(i32, i32), i32>(&store)
                .unwrap();
            for round in 0..3 {
                assert_eq!(one(&mut store, "host", 41).unwrap(), 42, "{strategy:?}");
                assert_eq!(one(&mut store, "other", 5).unwrap(), 15, "{strategy:?}");
                assert_eq!(one(&mut store, "below", 4).unwrap(), 14, "{strategy:?}");
                // A null entry, then each kind of callee through the table.
                let trap = indirect.call(&mut store, (1, 0)).unwrap_err();
                assert_eq!(
                    trap.trap_code(),
                    Some(TrapCode::UninitializedElement),
                    "{strategy:?}"
                );
                let add1 = linker.get(&mut store, "host", "add1").unwrap();
                let triple = linker.get(&mut store, "other", "triple").unwrap();
                table
                    .set(&mut store, 0, Val::FuncRef(add1.into_func()))
                    .unwrap();
                assert_eq!(
                    indirect.call(&mut store, (9, 0)).unwrap(),
                    10,
                    "{strategy:?}"
                );
                table
                    .set(&mut store, 0, Val::FuncRef(triple.into_func()))
                    .unwrap();
                assert_eq!(
                    indirect.call(&mut store, (9, 0)).unwrap(),
                    27,
                    "{strategy:?}"
                );
                let trap = indirect.call(&mut store, (9, 1)).unwrap_err();
                assert_eq!(
                    trap.trap_code(),
                    Some(TrapCode::UndefinedElement),
                    "{round}"
                );
                table.set(&mut store, 0, Val::FuncRef(None)).unwrap();
            }
            assert_eq!(*store.data(), 9, "the host function ran once per call");
        },
    );
}

#[test]
fn a_signature_mismatch_through_the_table_traps_and_the_store_goes_on() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut store, instance) = instantiate(
                &engine,
                r#"(module
                  (type $t (func (param i32) (result i32)))
                  (table funcref (elem $wrong $right))
                  (func $wrong (param i64) (result i32) (i32.const 0))
                  (func $right (param i32) (result i32) (i32.add (local.get 0) (i32.const 2)))
                  (func (export "go") (param i32) (result i32)
                    (return_call_indirect (type $t) (i32.const 5) (local.get 0))))"#,
            );
            let go = instance
                .get_typed_func::<i32, i32>(&mut store, "go")
                .unwrap();
            let trap = go.call(&mut store, 0).unwrap_err();
            assert_eq!(
                trap.trap_code(),
                Some(TrapCode::IndirectCallTypeMismatch),
                "{strategy:?}"
            );
            assert_eq!(go.call(&mut store, 1).unwrap(), 7, "{strategy:?}");
        },
    );
}

#[test]
fn switched_off_tail_calls_are_invalid() {
    let mut config = Config::new();
    config.wasm_tail_call(false);
    let engine = Engine::new(&config).unwrap();
    let wat = r#"(module (func $f (result i32) (return_call $f)))"#;
    let Err(err) = Module::new(&engine, wat) else {
        panic!("accepted with tail calls off");
    };
    assert!(err.to_string().contains("invalid"), "{err}");
    let engine = Engine::new(&Config::new()).unwrap();
    Module::new(&engine, wat).expect("on by default");
}
