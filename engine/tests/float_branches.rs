//! Float comparisons that branch (`br_if`, `if`, a loop's exit test) are
//! fused into compare-and-branch instructions; with NaN operands a
//! comparison and its negation are both false, so each shape is checked
//! against Rust's comparisons in every strategy, over values that include
//! NaNs, signed zeros and infinities.

mod common;

use common::{for_each_strategy, instantiate};
use strata::{Instance, Store};

const CMPS: [&str; 6] = ["eq", "ne", "lt", "gt", "le", "ge"];

fn holds(cmp: &str, a: f64, b: f64) -> bool {
    match cmp {
        "eq" => a == b,
        "ne" => a != b,
        "lt" => a < b,
        "gt" => a > b,
        "le" => a <= b,
        _ => a >= b,
    }
}

/// Three functions per comparison of type `t`: `br_if` on it, `if` on it
/// (a branch on its negation), and a loop that runs while it holds, at
/// most three times (its exit test, rotated to the loop's end).
fn module(t: &str) -> String {
    let mut funcs = String::new();
    for cmp in CMPS {
        funcs.push_str(&format!(
            r#"
  (func (export "br_if_{cmp}") (param {t} {t}) (result i32)
    (block (br_if 0 ({t}.{cmp} (local.get 0) (local.get 1))) (return (i32.const 0)))
    (i32.const 1))
  (func (export "if_{cmp}") (param {t} {t}) (result i32)
    (if (result i32) ({t}.{cmp} (local.get 0) (local.get 1))
      (then (i32.const 1)) (else (i32.const 0))))
  (func (export "while_{cmp}") (param {t} {t}) (result i32) (local $n i32)
    (block $exit
      (loop $top
        (br_if $exit (i32.eqz ({t}.{cmp} (local.get 0) (local.get 1))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $exit (i32.ge_u (local.get $n) (i32.const 3)))
        (br $top)))
    (local.get $n))"#
        ));
    }
    format!("(module {funcs})")
}

const VALUES: [f64; 8] = [
    f64::NAN,
    -f64::NAN,
    0.0,
    -0.0,
    1.0,
    -1.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

/// Checks every shape of every comparison of type `t` over all pairs of
/// `VALUES`, calling through `call(store, instance, export, a, b)`.
fn check(t: &str, call: impl Fn(&mut Store<()>, &Instance, &str, f64, f64) -> i32) {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, &module(t));
            for cmp in CMPS {
                for shape in ["br_if", "if", "while"] {
                    for a in VALUES {
                        for b in VALUES {
                            let expected = match (shape, holds(cmp, a, b)) {
                                ("while", true) => 3,
                                (_, holds) => holds as i32,
                            };
                            let got = call(&mut store, &instance, &format!("{shape}_{cmp}"), a, b);
                            assert_eq!(got, expected, "{strategy:?} {shape} {t}.{cmp} {a} {b}");
                        }
                    }
                }
            }
        },
    );
}

#[test]
fn f64_compare_and_branch_matches_the_comparison() {
    check("f64", |store, instance, name, a, b| {
        let f = instance
            .get_typed_func::<(f64, f64), i32>(&mut *store, name)
            .unwrap();
        f.call(store, (a, b)).unwrap()
    });
}

#[test]
fn f32_compare_and_branch_matches_the_comparison() {
    // Every value in `VALUES` is exact in f32, so the f64 comparison of
    // the converted values is the f32 one.
    check("f32", |store, instance, name, a, b| {
        let f = instance
            .get_typed_func::<(f32, f32), i32>(&mut *store, name)
            .unwrap();
        f.call(store, (a as f32, b as f32)).unwrap()
    });
}

#[test]
fn float_compares_feeding_branches_fuse() {
    let module = strata::Module::new(&strata::Engine::default(), module("f64")).unwrap();
    let ir = module.emit_ir();
    for cmp in CMPS {
        assert!(ir.contains(&format!("br_if.f64.{cmp}")), "{ir}");
        assert!(!ir.contains(&format!(" f64.{cmp} ")), "{ir}");
    }
    // `if` and the loop's exit test branch on the negation.
    assert!(ir.contains("br_if.f64.not_lt"), "{ir}");
}
