(module (func (param v128) (result f64) i32.const 0))
