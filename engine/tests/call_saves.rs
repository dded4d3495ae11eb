//! Values that live across calls in compiled code keep their registers,
//! which are stored around each call and reloaded after it; what the call
//! itself writes (its results, a `memory.grow` result) must not be
//! overwritten by that reload. Every strategy runs the same functions and
//! must agree with the values computed here.

mod common;

use common::for_each_strategy;

const MODULE: &str = r#"(module
  (memory 1)
  (func $id (param i64) (result i64) (local.get 0))
  (func $fid (param f64) (result f64) (local.get 0))
  (func $two (param i32) (result i32 i64) (local.get 0) (i64.extend_i32_u (local.get 0)))
  ;; Integers, floats and a parameter the function writes, live across
  ;; calls in a loop; locals written by call results and read after.
  (func (export "across") (param $n i32) (result i64)
    (local $i i64) (local $acc i64) (local $r i64) (local $f f64) (local $g f64)
    (local $a i32) (local $b i64)
    (local.set $f (f64.const 1.5))
    (loop $next
      (local.set $r (call $id (local.get $i)))
      (local.set $g (call $fid (f64.add (local.get $f) (f64.convert_i64_u (local.get $r)))))
      (call $two (local.get $n))
      (local.set $b)
      (local.set $a)
      (local.set $acc
        (i64.add (local.get $acc)
          (i64.add (i64.add (local.get $r) (local.get $b))
            (i64.add (i64.extend_i32_u (local.get $a)) (i64.trunc_f64_u (local.get $g))))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $next (i32.ne (local.get $n) (i32.const 0))))
    (local.get $acc))
  ;; A local set by `memory.grow` (a call in compiled code) and tee'd.
  (func (export "grow") (result i32) (local i32)
    (drop (local.tee 0 (memory.grow (i32.const 1))))
    (i32.add (local.get 0) (memory.grow (i32.const 0))))
;; Values written after a call before any read need no save, but only
  ;; on the straight line after it: $x is overwritten on one path only, and
  ;; $y is read by the instruction that writes it.
  ;; $clobber leaves other values in every integer register.
  (func $clobber (param $p i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $f i64) (local $g i64)
    (local.set $a (i64.add (local.get $p) (i64.const 101)))
    (local.set $b (i64.add (local.get $p) (i64.const 102)))
    (local.set $c (i64.add (local.get $p) (i64.const 103)))
    (local.set $d (i64.add (local.get $p) (i64.const 104)))
    (local.set $e (i64.add (local.get $p) (i64.const 105)))
    (local.set $f (i64.add (local.get $p) (i64.const 106)))
    (local.set $g (i64.add (local.get $p) (i64.const 107)))
    (i64.add (i64.add (i64.add (local.get $a) (local.get $b)) (i64.add (local.get $c) (local.get $d)))
      (i64.add (i64.add (local.get $e) (local.get $f)) (local.get $g))))
  (func (export "kept") (param $n i32) (result i64) (local $x i64) (local $y i64)
    (local.set $x (i64.extend_i32_u (local.get $n)))
    (local.set $y (i64.const 3))
    (drop (call $clobber (i64.const 5)))
    (if (i32.eqz (local.get $n)) (then (local.set $x (i64.const 7))))
    (drop (call $clobber (i64.const 6)))
    (local.set $y (i64.mul (local.get $y) (local.get $x)))
    (local.get $y))
    ;; Recursion with a value live across both calls.
  (func $fib (export "fib") (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (local.get $n))
      (else (i64.add (call $fib (i64.sub (local.get $n) (i64.const 1)))
                     (call $fib (i64.sub (local.get $n) (i64.const 2))))))))"#;

/// `across(n)` computed in Rust, step by step as the module does.
fn across(n: u32) -> i64 {
    let (mut acc, f) = (0i64, 1.5f64);
    let mut m = n;
    let mut i = 0i64;
    loop {
        let r = i;
        let g = f + r as u64 as f64;
        let (a, b) = (m, m as i64);
        acc = acc.wrapping_add(r + b + a as i64 + g as u64 as i64);
        i += 1;
        m -= 1;
        if m == 0 {
            return acc;
        }
    }
}

#[test]
fn values_across_calls_and_call_results_agree_in_every_strategy() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2).tier_up_back_edges(10);
        },
        |strategy, engine| {
            let (mut store, instance) = common::instantiate(&engine, MODULE);
            let f = instance
                .get_typed_func::<i32, i64>(&mut store, "across")
                .unwrap();
            for n in [1u32, 2, 7, 100, 1000] {
                assert_eq!(
                    f.call(&mut store, n as i32).unwrap(),
                    across(n),
                    "{strategy:?} across({n})"
                );
            }
            let grow = instance
                .get_typed_func::<(), i32>(&mut store, "grow")
                .unwrap();
            // Grows from 1 page to 2, then reports 2 pages: 1 + 2.
            assert_eq!(grow.call(&mut store, ()).unwrap(), 3, "{strategy:?} grow");
            let fib = instance
                .get_typed_func::<i64, i64>(&mut store, "fib")
                .unwrap();
            assert_eq!(fib.call(&mut store, 20).unwrap(), 6765, "{strategy:?} fib");
            let kept = instance
                .get_typed_func::<i32, i64>(&mut store, "kept")
                .unwrap();
            for (n, want) in [(0, 21), (1, 3), (9, 27)] {
                assert_eq!(
                    kept.call(&mut store, n).unwrap(),
                    want,
                    "{strategy:?} kept({n})"
                );
            }
        },
    );
}
