;; Compiled code keeps v128 values in XMM registers, whose homes are two
;; frame cells. Each function below moves such a value across one of the
;; places where a register's value goes to or comes from memory: a call
;; (saved and reloaded), a call's argument and result cells (a register's
;; low and high halves, one cell each), an OSR entry (registers loaded from
;; their homes), an exception's payload, and lane access of a register.
(module
  (tag $boom (param v128 i32 v128))
  (func $id (param i32) (result i32) (local.get 0))
  (func $swap (param v128 v128) (result v128 v128)
    (local.get 1) (local.get 0))

  ;; An accumulator live across a call in every iteration.
  (func (export "across_calls") (param $n i32) (result v128)
    (local $acc v128) (local $step v128)
    (local.set $step (v128.const i32x4 1 2 3 4))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32x4.add (local.get $acc) (local.get $step)))
        (local.set $n (call $id (i32.sub (local.get $n) (i32.const 1))))
        (br $l)))
    (local.get $acc))

  ;; Two vectors through a call's argument and result cells, twice.
  (func (export "swap_twice") (param $a v128) (param $b v128) (result v128)
    (local $x v128) (local $y v128)
    (local.set $x (i64x2.add (local.get $a) (local.get $a)))
    (local.set $y (i64x2.sub (local.get $b) (local.get $a)))
    (call $swap (local.get $x) (local.get $y))
    (call $swap)
    (i64x2.sub))

  ;; Many back-edges, so that a tiered run enters compiled code by OSR
  ;; with the accumulators in flight.
  (func (export "long_loop") (param $n i32) (result i64)
    (local $a v128) (local $b v128)
    (local.set $b (v128.const i32x4 1 1 1 1))
    (loop $l
      (local.set $a (i32x4.add (local.get $a) (local.get $b)))
      (local.set $b (i32x4.shl (local.get $b) (i32.const 0)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add
      (i64x2.extract_lane 0 (local.get $a))
      (i64x2.extract_lane 1 (local.get $a))))

  ;; A payload of two vectors around a scalar, thrown and caught.
  (func $thrower (param $v v128)
    (throw $boom (f32x4.neg (local.get $v)) (i32.const 7) (local.get $v)))
  (func (export "catch_payload") (param $v v128) (result v128)
    (local $keep v128) (local $first v128) (local $last v128)
    (local.set $keep (f32x4.mul (local.get $v) (local.get $v)))
    (block $h (result v128 i32 v128)
      (try_table (catch $boom $h)
        (call $thrower (local.get $v)))
      (return (v128.const i32x4 0 0 0 0)))
    (local.set $last)
    (if (i32.ne (i32.const 7)) (then (unreachable)))
    (local.set $first)
    (f32x4.sub
      (f32x4.add (local.get $last) (local.get $keep))
      (local.get $first)))

  ;; Lanes read from and written into a vector that stays in a register.
  (func (export "lanes") (param $v v128) (result i32)
    (local $x v128)
    (local.set $x (i16x8.add (local.get $v) (local.get $v)))
    (local.set $x (i8x16.replace_lane 15 (local.get $x) (i32.const -3)))
    (local.set $x (i32x4.replace_lane 1 (local.get $x) (i32.const 100)))
    (i32.add
      (i32.add
        (i8x16.extract_lane_s 15 (local.get $x))
        (i16x8.extract_lane_u 0 (local.get $x)))
      (i32x4.extract_lane 1 (local.get $x)))))

(assert_return (invoke "across_calls" (i32.const 10))
  (v128.const i32x4 10 20 30 40))
(assert_return
  (invoke "swap_twice" (v128.const i64x2 5 -1) (v128.const i64x2 2 7))
  (v128.const i64x2 13 -10))
(assert_return (invoke "long_loop" (i32.const 20000)) (i64.const 171798691880000))
(assert_return
  (invoke "catch_payload" (v128.const f32x4 1 2 3 -4))
  (v128.const f32x4 3 8 15 8))
(assert_return
  (invoke "lanes" (v128.const i16x8 21 0 0 0 0 0 0 0))
  (i32.const 139))
