;; Landing pads of try_table, each case a bug once found by review:
;; - the interpreter looked a failing call up by the position after its
;;   operand words, which for a call without results is the next
;;   instruction: the try_table starting there took the exception;
;; - a local first written after a call that may leave for a landing pad
;;   was not zeroed at entry, so the landing path read a stale value;
;; - compiled code did not keep a loop parameter across a catch clause
;;   that does not match, when the clause's own branch writes it.
(module
  (tag $e)
  (func $thrower (throw $e))
  ;; The call is outside every try_table: the exception leaves the function.
  (func (export "outside") (result i32)
    (call $thrower)
    (block $h (try_table (catch_all $h) (nop)))
    (i32.const 0))
  ;; A local first written after a catching call is zero on the landing path.
  (func (export "zeroed") (result i32) (local $x i32)
    (block $h (try_table (catch_all $h) (call $thrower) (local.set $x (i32.const 1))))
    (local.get $x))
  ;; A call inside try A followed by try B: A catches, not B.
  (func (export "sibling") (result i32)
    (block $a
      (try_table (catch_all $a)
        (call $thrower)
        (block $b (try_table (catch_all $b) (nop)))
        (return (i32.const 1))))
    (i32.const 2))
)
(assert_exception (invoke "outside"))
(assert_return (invoke "zeroed") (i32.const 0))
(assert_return (invoke "sibling") (i32.const 2))
(module
  (tag $e)
  (tag $other (param i32))
  (func $throws (throw $e))
  ;; A catch clause that does not match leaves the loop's parameter as it
  ;; was for the clause after it.
  (func (export "loop-param") (result i32)
    (i32.const 7)
    (loop $l (param i32) (result i32)
      (block $x
        (try_table (catch_all $x)
          (try_table (catch $other $l)
            (call $throws)))))
  )
)
(assert_return (invoke "loop-param") (i32.const 7))
