;; A `_start` entry point that works in linear memory.
;;
;; There are no imports (no WASI yet), so nothing is printed: `_start` copies
;; the greeting from offset 0 to offset 64, upper-casing ASCII letters, then
;; checks the result and traps with `unreachable` if it is wrong. A silent
;; run with exit status 0 means it worked:
;;
;;   strata run examples/hello.wat
;;   strata run --invoke shout_len examples/hello.wat   # 0: `_start` was not run
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "hello, world!")
  (data (i32.const 32) "HELLO, WORLD!")
  (global $len (mut i32) (i32.const 0))

  ;; Length of the upper-cased copy; 0 until `_start` has run.
  (func (export "shout_len") (result i32) (global.get $len))

  (func (export "_start")
    (local $i i32) (local $c i32)
    (block $done
      (loop $copy
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $done (i32.eqz (local.get $c)))
        ;; 'a'..='z' becomes 'A'..='Z'; everything else is copied as is.
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
          (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
        (i32.store8 offset=64 (local.get $i) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (global.set $len (local.get $i))
    ;; Compare with the expected text at offset 32, eight bytes at a time
    ;; where possible, to exercise wider loads too.
    (if (i64.ne (i64.load offset=64 (i32.const 0)) (i64.load offset=32 (i32.const 0)))
      (then unreachable))
    (if (i32.ne (i32.load offset=72 (i32.const 0)) (i32.load offset=40 (i32.const 0)))
      (then unreachable))
    (if (i32.ne (i32.load8_u offset=76 (i32.const 0)) (i32.load8_u offset=44 (i32.const 0)))
      (then unreachable))))
