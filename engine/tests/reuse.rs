//! A dropped store's memory reservations and value stack are reused by the
//! next store of the thread (`runtime::spare`): nothing the previous tenant
//! wrote may show through, in any strategy.

mod common;

use common::for_each_strategy;
use strata::{Linker, Module, Store};

const TENANT: &str = r#"(module
  (memory (export "memory") 2)
  (func (export "write") (param $secret i64)
    (i64.store (i32.const 8) (local.get $secret))
    (i64.store (i32.const 70000) (local.get $secret)))
  (func (export "read") (result i64)
    (i64.or (i64.load (i32.const 8)) (i64.load (i32.const 70000))))
  (func (export "grow") (result i32) (memory.grow (i32.const 3))))"#;

#[test]
fn a_new_store_never_sees_what_a_dropped_one_wrote() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(&engine, TENANT).unwrap();
            let pre = Linker::<()>::new(&engine).instantiate_pre(&module).unwrap();
            for round in 0..20 {
                let mut store = Store::new(&engine, ());
                let instance = pre.instantiate(&mut store).unwrap();
                let read = instance
                    .get_typed_func::<(), i64>(&mut store, "read")
                    .unwrap();
                assert_eq!(
                    read.call(&mut store, ()).unwrap(),
                    0,
                    "{strategy:?} round {round}"
                );
                let memory = instance.get_memory(&mut store, "memory").unwrap();
                assert!(
                    memory.data(&store).iter().all(|&b| b == 0),
                    "{strategy:?} round {round}"
                );
                // Every other round leaves a grown memory behind, written to
                // its last byte.
                if round % 2 == 0 {
                    let grow = instance
                        .get_typed_func::<(), i32>(&mut store, "grow")
                        .unwrap();
                    assert_eq!(grow.call(&mut store, ()).unwrap(), 2);
                    assert!(memory.data(&store).iter().all(|&b| b == 0));
                    memory.data_mut(&mut store)[5 * 65536 - 1] = 0xAB;
                }
                let write = instance
                    .get_typed_func::<i64, ()>(&mut store, "write")
                    .unwrap();
                write.call(&mut store, 0x5ec2e7 + round).unwrap();
                // The next store starts at the declared minimum again.
                drop(store);
                let mut store = Store::new(&engine, ());
                let instance = pre.instantiate(&mut store).unwrap();
                let memory = instance.get_memory(&mut store, "memory").unwrap();
                assert_eq!(
                    memory.data(&store).len(),
                    2 * 65536,
                    "{strategy:?} round {round}"
                );
            }
        },
    );
}
