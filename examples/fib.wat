;; Fibonacci numbers, two ways.
;;
;;   strata run --invoke fib examples/fib.wat 20            # 6765
;;   strata run --invoke fib_recursive examples/fib.wat 20  # 6765, via 21891 calls
(module
  ;; Iterative: fast for any n; wraps around modulo 2^64 past fib(92).
  (func $fib (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))

  ;; Recursive: exponential on purpose, to exercise calls.
  (func $fib_recursive (export "fib_recursive") (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else
        (i64.add
          (call $fib_recursive (i32.sub (local.get $n) (i32.const 1)))
          (call $fib_recursive (i32.sub (local.get $n) (i32.const 2))))))))
