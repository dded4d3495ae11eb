(module
  (type (;0;) (func (result i32)))
  (global (;0;) (mut i32) i32.const 3904)
  (export "" (func 0))
  (export "1" (func 1))
  (func (;0;) (type 0) (result i32)
    (local f32)
    global.get 0
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 0
    i32.const 1
    i32.sub
    global.set 0
    loop (result f64) ;; label = @1
      global.get 0
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 0
      i32.const 1
      i32.sub
      global.set 0
      f32.const -0x1.55546p-42 (;=-0.00000000000030316158;)
      nop
      local.tee 0
      local.get 0
      f32.ne
      local.get 0
      f32.const inf (;=inf;)
      f32.eq
      local.get 0
      f32.const -inf (;=-inf;)
      f32.eq
      i32.or
      i32.or
      if ;; label = @2
        f32.const 0x0p+0 (;=0;)
        local.set 0
      end
      local.get 0
      f32.const -0x1p+63 (;=-9223372000000000000;)
      f32.lt
      if ;; label = @2
        f32.const -0x1p+63 (;=-9223372000000000000;)
        local.set 0
      end
      local.get 0
      f32.const 0x1.fffffep+62 (;=9223371500000000000;)
      f32.gt
      if ;; label = @2
        f32.const 0x1.fffffep+62 (;=9223371500000000000;)
        local.set 0
      end
      local.get 0
      i64.trunc_f32_s
      ref.null func
      br 0 (;@1;)
      drop
      drop
      f64.const 0x0p+0 (;=0;)
    end
    drop
    i32.const 0
  )
  (func (;1;) (type 0) (result i32)
    global.get 0
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 0
    i32.const 1
    i32.sub
    global.set 0
    i32.const 0
  )
)

