;; A local read onto the operand stack before a block keeps the value it had
;; when read, even when the block writes the local conditionally or on every
;; loop iteration.
(module
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
    (i32.sub))
  (func (export "block-result") (param $x i32) (result i32)
    (local.get $x)
    (block (result i32)
      (local.set $x (i32.const 1))
      (local.get $x))
    (i32.add)))

(assert_return (invoke "cond" (i32.const 7) (i32.const 0)) (i32.const 0))
(assert_return (invoke "cond" (i32.const 7) (i32.const 1)) (i32.const -93))
(assert_return (invoke "looped" (i32.const 5)) (i32.const -30))
(assert_return (invoke "block-result" (i32.const 40)) (i32.const 41))
