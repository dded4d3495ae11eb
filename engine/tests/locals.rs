//! Declared locals read as zero until written, on every path: only those
//! that the straight-line start of a function writes before any read go
//! without zeroing, and a frame reusing the cells of an earlier call's must
//! never show that call's values.

mod common;

use common::{for_each_strategy, instantiate};

const WAT: &str = r#"(module
  (func $f (param $n i32) (result i32) (local $x i32) (local $y i32) (local $acc i32)
    ;; Written before any read: needs no zeroing.
    (local.set $y (i32.const 7))
    ;; Written on one path only: must read zero on the other.
    (if (i32.and (local.get $n) (i32.const 1))
      (then (local.set $x (i32.const 1000))))
    ;; Read before written inside a loop: zero on entry.
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.const 3)))
      (br_if $l (i32.lt_u (local.get $acc) (i32.const 9))))
    (if (local.get $n)
      (then (drop (call $f (i32.sub (local.get $n) (i32.const 1))))))
    (i32.add (i32.add (local.get $x) (local.get $y)) (local.get $acc)))
  ;; Two calls at the same depth: the second's frame is where the first's was.
  (func (export "odd_then_even") (result i32)
    (drop (call $f (i32.const 1)))
    (call $f (i32.const 0)))
  (func (export "deep_then_shallow") (result i32)
    (drop (call $f (i32.const 9)))
    (call $f (i32.const 2))))"#;

#[test]
fn locals_read_zero_whatever_the_cells_held_before() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut store, instance) = instantiate(&engine, WAT);
            for (name, want) in [("odd_then_even", 16), ("deep_then_shallow", 16)] {
                let f = instance
                    .get_typed_func::<(), i32>(&mut store, name)
                    .unwrap();
                assert_eq!(f.call(&mut store, ()).unwrap(), want, "{strategy:?} {name}");
            }
        },
    );
}
