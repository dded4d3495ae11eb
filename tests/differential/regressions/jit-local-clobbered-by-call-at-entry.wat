(module
  (memory 1)
  (func (export "f") (result i64)
    (local i64)
    memory.size
    drop
    local.get 0))
