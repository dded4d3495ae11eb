(module
  (memory 1)
  (global $g3 (mut i32) (i32.const 0))
  (global $g4 (mut i32) (i32.const 0))
  (global $g (export "g") (mut i64) (i64.const 0))
  (global $g6 (mut i64) (i64.const 0))
  (func (export "") (param i32) (result funcref f32 i32)
    (local i32 i64 i32 i32 i32 i64 f32)
    block
      block
        memory.size
        i32.const 65536
        local.get 1
        i32.add
        br 1
      end
      i64.const 0
      local.set 2
    end
    local.get 2
    i32.const 65532
    local.get 0
    if (param i32) (result funcref f32 i32)
      local.set 3
      local.get 6
      f64.convert_i64_s
      block
        f64.const 1
        local.get 7
        i64.trunc_f32_s
        global.get $g
        i64.xor
        global.set $g
        i64.reinterpret_f64
        global.get $g6
        i64.xor
        global.set $g6
      end
      i64.reinterpret_f64
      global.set $g6
      ref.null func
      f32.const 1
      i32.const 16777216
    else
      global.get $g3
      i32.xor
      global.set $g3
      ref.null func
      f32.const 2
      i32.const -845736033
    end
    global.set $g3
    i32.reinterpret_f32
    global.set $g4
    drop
    global.set $g
    ref.null func
    f32.const 3
    i32.const -129))
