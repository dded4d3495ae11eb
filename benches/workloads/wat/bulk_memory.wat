;; memory.fill and memory.copy over a 64 KiB buffer, `n` rounds, with
;; overlapping copies both ways; returns a checksum of sampled bytes.
(module
  (memory 2)
  (func (export "run") (param $n i32) (result i64)
    (local $r i32) (local $sum i64)
    (loop $round
      (memory.fill (i32.const 0) (i32.and (local.get $r) (i32.const 255)) (i32.const 65536))
      (memory.fill (i32.and (i32.mul (local.get $r) (i32.const 97)) (i32.const 32767))
        (i32.const 7) (i32.const 1000))
      ;; Forward and backward overlapping moves.
      (memory.copy (i32.const 1) (i32.const 0) (i32.const 40000))
      (memory.copy (i32.const 100) (i32.const 4000) (i32.const 30000))
      (memory.copy (i32.const 65536) (i32.const 0) (i32.const 65536))
      (local.set $sum (i64.add (local.get $sum)
        (i64.add (i64.load8_u (i32.and (i32.mul (local.get $r) (i32.const 131)) (i32.const 65535)))
                 (i64.load (i32.const 70000)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (local.get $n))))
    (local.get $sum)))
