;; Compiled code keeps the vector a SIMD instruction just stored in a
;; register for the next one. An instruction that loads another vector
;; into that register (here global.set) must say so, or a later read of
;; the first vector gets the second.
(module
  (global $g (mut v128) (v128.const i64x2 0 0))
  (func (export "f") (param $a v128) (param $b v128) (result v128)
    (local $x v128)
    (local.set $x (i32x4.add (local.get $a) (local.get $a)))
    (global.set $g (local.get $b))
    (i32x4.add (local.get $x) (local.get $x)))
  (func (export "g") (result v128) (global.get $g)))

(assert_return
  (invoke "f" (v128.const i32x4 1 1 1 1) (v128.const i32x4 5 5 5 5))
  (v128.const i32x4 4 4 4 4))
(assert_return (invoke "g") (v128.const i32x4 5 5 5 5))
