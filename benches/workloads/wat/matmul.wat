;; Multiplies two `n` x `n` f64 matrices filled from their indices, then
;; sums the product: f64 loads, multiply-adds and address arithmetic.
;; Layout: A at 0, B at 8*n*n, C at 16*n*n (n <= 256).
(module
  (memory 25)
  (func $fill (param $n i32)
    (local $i i32) (local $nn i32)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (loop $next
      (f64.store (i32.shl (local.get $i) (i32.const 3))
        (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 7))))
      (f64.store (i32.shl (i32.add (local.get $i) (local.get $nn)) (i32.const 3))
        (f64.sub (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 5))) (f64.const 2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $nn)))))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $k i32) (local $nn i32)
    (local $a i32) (local $b i32) (local $c i32)
    (local $acc f64) (local $sum f64)
    (call $fill (local.get $n))
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (local.set $b (i32.shl (local.get $nn) (i32.const 3)))
    (local.set $c (i32.shl (local.get $nn) (i32.const 4)))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $acc (f64.const 0))
        (local.set $k (i32.const 0))
        (loop $dot
          (local.set $acc
            (f64.add (local.get $acc)
              (f64.mul
                (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
                (f64.load (i32.add (local.get $b)
                  (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 3)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $dot (i32.lt_u (local.get $k) (local.get $n))))
        (f64.store (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
          (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $total
      (local.set $sum (f64.add (local.get $sum)
        (f64.load (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $total (i32.lt_u (local.get $i) (local.get $nn))))
    (i64.trunc_f64_s (local.get $sum))))
