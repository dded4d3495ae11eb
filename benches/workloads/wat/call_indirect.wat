;; Dispatch through a table of eight small functions of one signature,
;; chosen by the loop counter: the cost of call_indirect's checks and call.
(module
  (type $op (func (param i64 i32) (result i64)))
  (table 8 funcref)
  (elem (i32.const 0) $f0 $f1 $f2 $f3 $f4 $f5 $f6 $f7)
  (func $f0 (type $op) (i64.add (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $f1 (type $op) (i64.xor (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $f2 (type $op) (i64.mul (local.get 0) (i64.const 3)))
  (func $f3 (type $op) (i64.sub (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func $f4 (type $op) (i64.rotl (local.get 0) (i64.const 7)))
  (func $f5 (type $op) (i64.add (local.get 0) (i64.const 0x9e3779b9)))
  (func $f6 (type $op) (i64.shr_u (local.get 0) (i64.const 1)))
  (func $f7 (type $op) (i64.or (local.get 0) (i64.extend_i32_u (local.get 1))))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (local.set $acc (i64.const 1))
    (loop $next
      (local.set $acc
        (call_indirect (type $op) (local.get $acc) (local.get $i)
          (i32.and (i32.xor (local.get $i) (i32.shr_u (local.get $i) (i32.const 3))) (i32.const 7))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))
