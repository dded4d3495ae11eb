//! Traps behave the same in every strategy, and the store stays usable.

mod common;

use common::{for_each_strategy, instantiate};
use strata::{TrapCode, Val};

const MEMORY: &str = r#"(module
  (memory 1 4)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load64_off") (param i32) (result i64) (i64.load offset=65528 (local.get 0)))
  (func (export "load_far") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))
  (func (export "store32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

fn call1(
    store: &mut strata::Store<()>,
    instance: &strata::Instance,
    name: &str,
    args: &[Val],
) -> Result<Val, strata::Error> {
    let f = instance.get_func(&mut *store, name).unwrap();
    let n = f.ty(&*store).results().len();
    let mut out = vec![Val::I32(0); n];
    f.call(&mut *store, args, &mut out)?;
    Ok(out.first().copied().unwrap_or(Val::I32(0)))
}

fn trap_code(r: Result<Val, strata::Error>) -> Option<TrapCode> {
    r.err().and_then(|e| e.trap_code())
}

#[test]
fn loads_and_stores_at_the_memory_boundary_trap_in_every_strategy() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut s, i) = instantiate(&engine, MEMORY);
            let oob = Some(TrapCode::MemoryOutOfBounds);
            assert_eq!(
                call1(&mut s, &i, "load8", &[Val::I32(65535)]).unwrap(),
                Val::I32(0),
                "{strategy:?}"
            );
            assert_eq!(
                trap_code(call1(&mut s, &i, "load8", &[Val::I32(65536)])),
                oob,
                "{strategy:?}"
            );
            assert_eq!(
                call1(&mut s, &i, "load32", &[Val::I32(65532)]).unwrap(),
                Val::I32(0)
            );
            // An access that starts inside and crosses the end traps whole.
            assert_eq!(
                trap_code(call1(&mut s, &i, "load32", &[Val::I32(65533)])),
                oob,
                "{strategy:?}"
            );
            assert_eq!(
                trap_code(call1(&mut s, &i, "load32", &[Val::I32(-1)])),
                oob,
                "{strategy:?}"
            );
            assert_eq!(
                trap_code(call1(&mut s, &i, "load64_off", &[Val::I32(1)])),
                oob,
                "{strategy:?}"
            );
            assert_eq!(
                call1(&mut s, &i, "load64_off", &[Val::I32(0)]).unwrap(),
                Val::I64(0)
            );
            assert_eq!(
                trap_code(call1(&mut s, &i, "load_far", &[Val::I32(0)])),
                oob,
                "{strategy:?}"
            );
            assert_eq!(
                trap_code(call1(&mut s, &i, "load_far", &[Val::I32(-1)])),
                oob,
                "{strategy:?}"
            );
            assert_eq!(
                trap_code(call1(
                    &mut s,
                    &i,
                    "store32",
                    &[Val::I32(65534), Val::I32(7)]
                )),
                oob,
                "{strategy:?}"
            );
            // After growing, the same addresses are in bounds; past the new end is not.
            assert_eq!(
                call1(&mut s, &i, "grow", &[Val::I32(1)]).unwrap(),
                Val::I32(1)
            );
            call1(
                &mut s,
                &i,
                "store32",
                &[Val::I32(65534), Val::I32(0x0102_0304)],
            )
            .unwrap();
            assert_eq!(
                call1(&mut s, &i, "load32", &[Val::I32(65534)]).unwrap(),
                Val::I32(0x0102_0304)
            );
            assert_eq!(
                trap_code(call1(&mut s, &i, "load32", &[Val::I32(131070)])),
                oob,
                "{strategy:?}"
            );
            assert_eq!(
                call1(&mut s, &i, "grow", &[Val::I32(3)]).unwrap(),
                Val::I32(-1),
                "past the maximum"
            );
            assert_eq!(
                call1(&mut s, &i, "load8", &[Val::I32(131071)]).unwrap(),
                Val::I32(0)
            );
        },
    );
}

#[test]
fn arithmetic_traps_match_in_every_strategy() {
    let wat = r#"(module
      (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "rem_u64") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
      (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
      (func (export "trunc_u64") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
      (func (export "unreachable") (unreachable))
      (type $t (func (result i32)))
      (table 2 funcref)
      (elem (i32.const 0) $one)
      (func $one (result i32) (i32.const 1))
      (func (export "indirect") (param i32) (result i64) (call_indirect (result i64) (local.get 0)))
      (func (export "indirect_ok") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))"#;
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut s, i) = instantiate(&engine, wat);
            let cases: &[(&str, Vec<Val>, TrapCode)] = &[
                (
                    "div_s",
                    vec![Val::I32(1), Val::I32(0)],
                    TrapCode::IntegerDivideByZero,
                ),
                (
                    "div_s",
                    vec![Val::I32(i32::MIN), Val::I32(-1)],
                    TrapCode::IntegerOverflow,
                ),
                (
                    "rem_u64",
                    vec![Val::I64(1), Val::I64(0)],
                    TrapCode::IntegerDivideByZero,
                ),
                (
                    "trunc",
                    vec![Val::from(f64::NAN)],
                    TrapCode::InvalidConversionToInteger,
                ),
                ("trunc", vec![Val::from(3e9f64)], TrapCode::IntegerOverflow),
                (
                    "trunc_u64",
                    vec![Val::from(-1.0f32)],
                    TrapCode::IntegerOverflow,
                ),
                ("unreachable", vec![], TrapCode::Unreachable),
                (
                    "indirect",
                    vec![Val::I32(0)],
                    TrapCode::IndirectCallTypeMismatch,
                ),
                (
                    "indirect",
                    vec![Val::I32(1)],
                    TrapCode::UninitializedElement,
                ),
                ("indirect", vec![Val::I32(2)], TrapCode::UndefinedElement),
            ];
            for (name, args, code) in cases {
                let err = call1(&mut s, &i, name, args).unwrap_err();
                assert_eq!(err.trap_code(), Some(*code), "{strategy:?} {name} {args:?}");
                assert_eq!(err.as_trap().unwrap().message(), code.message());
                // The store stays usable after every trap.
                assert_eq!(
                    call1(&mut s, &i, "indirect_ok", &[Val::I32(0)]).unwrap(),
                    Val::I32(1)
                );
            }
            assert_eq!(
                call1(&mut s, &i, "div_s", &[Val::I32(-7), Val::I32(2)]).unwrap(),
                Val::I32(-3)
            );
        },
    );
}

#[test]
fn deep_recursion_traps_as_call_stack_exhausted_in_every_strategy() {
    let wat = r#"(module
      (func $deep (export "deep") (param i64) (result i64)
        (i64.add (call $deep (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
      (func $count (export "count") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (call $count (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;
    for_each_strategy(
        |c| {
            c.max_call_depth(5000);
        },
        |strategy, engine| {
            let (mut s, i) = instantiate(&engine, wat);
            for _ in 0..3 {
                let err = call1(&mut s, &i, "deep", &[Val::I64(0)]).unwrap_err();
                assert_eq!(
                    err.trap_code(),
                    Some(TrapCode::StackOverflow),
                    "{strategy:?}"
                );
                assert_eq!(
                    call1(&mut s, &i, "count", &[Val::I32(4000)]).unwrap(),
                    Val::I32(4000),
                    "{strategy:?}"
                );
            }
        },
    );
}

#[test]
fn trap_backtraces_name_every_wasm_frame_in_every_strategy() {
    let wat = r#"(module
      (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func $mid (param i32) (result i32) (call $inner (local.get 0)))
      (func (export "outer") (param i32) (result i32) (call $mid (local.get 0))))"#;
    for_each_strategy(
        |c| {
            c.tier_up_calls(1);
        },
        |strategy, engine| {
            let (mut s, i) = instantiate(&engine, wat);
            let err = call1(&mut s, &i, "outer", &[Val::I32(0)]).unwrap_err();
            let names: Vec<String> = err
                .as_trap()
                .unwrap()
                .backtrace()
                .iter()
                .map(|f| f.func_name.clone().unwrap_or_default())
                .collect();
            assert_eq!(names, ["inner", "mid", "outer"], "{strategy:?}");
        },
    );
}
