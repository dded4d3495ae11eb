;; One request of a server that runs each request in a fresh instance: a
;; one-page memory, a mutable global, a table with an element segment, and
;; a handler that touches each of them once.
(module
  (memory 1)
  (global $requests (mut i32) (i32.const 0))
  (table 4 funcref)
  (elem (i32.const 0) $answer $answer)
  (func $answer (result i32) (i32.const 42))
  (func (export "run") (param $n i32) (result i64)
    (global.set $requests (i32.add (global.get $requests) (i32.const 1)))
    (i32.store (i32.const 16) (local.get $n))
    (i64.extend_i32_u
      (i32.add
        (i32.add (call_indirect (result i32) (i32.const 1)) (i32.load (i32.const 16)))
        (global.get $requests)))))
