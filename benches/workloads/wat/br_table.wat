;; A five-state machine driven by a pseudo-random input, one br_table per
;; step: the cost of a multi-way branch inside a loop.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $state i32) (local $x i32) (local $i i32) (local $acc i64)
    (local.set $x (i32.const 0x12345678))
    (loop $step
      ;; xorshift32 input.
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (block $s4
        (block $s3
          (block $s2
            (block $s1
              (block $s0
                (br_table $s0 $s1 $s2 $s3 $s4 (local.get $state)))
              ;; state 0
              (local.set $acc (i64.add (local.get $acc) (i64.const 1)))
              (local.set $state (i32.and (local.get $x) (i32.const 3)))
              (br $s4))
            ;; state 1
            (local.set $acc (i64.xor (local.get $acc) (i64.extend_i32_u (local.get $x))))
            (local.set $state (select (i32.const 2) (i32.const 4) (i32.and (local.get $x) (i32.const 16))))
            (br $s4))
          ;; state 2
          (local.set $acc (i64.mul (local.get $acc) (i64.const 5)))
          (local.set $state (i32.rem_u (local.get $x) (i32.const 5)))
          (br $s4))
        ;; state 3
        (local.set $acc (i64.rotl (local.get $acc) (i64.const 9)))
        (local.set $state (i32.const 0)))
      ;; state 4 (and the common tail of every other state)
      (if (i32.eq (local.get $state) (i32.const 4))
        (then
          (local.set $acc (i64.sub (local.get $acc) (i64.extend_i32_u (i32.and (local.get $x) (i32.const 0xff)))))
          (local.set $state (i32.and (i32.shr_u (local.get $x) (i32.const 8)) (i32.const 3)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $step (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))
