(module
  (func (export "eqz") (param i32 i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (i32.eqz (local.get 2))))
  (func (export "ne0") (param i32 i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (i32.ne (local.get 2) (i32.const 0))))
  (func (export "guarded_rem") (param i32) (result i32)
    (i32.rem_u (i32.const 45)
      (select (i32.const 1) (local.get 0) (i32.eqz (local.get 0)))))
)
