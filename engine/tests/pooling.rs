//! The pooling allocation strategy: memory and value-stack slots reserved
//! once per engine, reused by every store, bounded, and emptied between
//! tenants, in every strategy.

mod common;

use common::for_each_strategy;
use strata::{
    Config, ErrorKind, InstanceAllocationStrategy, Linker, Module, PoolingAllocationConfig, Store,
};

const TENANT: &str = r#"(module
  (memory (export "memory") 1 10)
  (global $g (export "g") (mut i64) (i64.const 0))
  (table (export "t") 2 funcref)
  (func $f)
  (elem declare func $f)
  (func (export "write") (param $secret i64)
    (i64.store (i32.const 8) (local.get $secret))
    (i64.store (i32.const 60000) (local.get $secret))
    (global.set $g (local.get $secret))
    (table.set (i32.const 1) (ref.func $f)))
  (func (export "read") (result i64)
    (i64.or (i64.or (i64.load (i32.const 8)) (i64.load (i32.const 60000)))
      (i64.or (global.get $g) (i64.extend_i32_u (ref.is_null (table.get (i32.const 1)))))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

fn pooled(memories: u32, configure: impl Fn(&mut PoolingAllocationConfig)) -> impl Fn(&mut Config) {
    move |c: &mut Config| {
        let mut pool = PoolingAllocationConfig::new();
        pool.total_memories(memories).total_stores(memories);
        configure(&mut pool);
        c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
}

#[test]
fn a_reused_slot_never_shows_the_previous_tenant_s_memory_globals_or_tables() {
    // One memory slot: every store after the first reuses it.
    for_each_strategy(pooled(1, |_| {}), |strategy, engine| {
        let module = Module::new(&engine, TENANT).unwrap();
        let pre = Linker::<()>::new(&engine).instantiate_pre(&module).unwrap();
        for round in 0..12i64 {
            let mut store = Store::new(&engine, ());
            let instance = pre.instantiate(&mut store).unwrap();
            let read = instance
                .get_typed_func::<(), i64>(&mut store, "read")
                .unwrap();
            // A fresh table slot holds null: `ref.is_null` gives 1.
            assert_eq!(
                read.call(&mut store, ()).unwrap(),
                1,
                "{strategy:?} round {round}"
            );
            let memory = instance.get_memory(&mut store, "memory").unwrap();
            assert_eq!(
                memory.data(&store).len(),
                65536,
                "{strategy:?} round {round}"
            );
            assert!(
                memory.data(&store).iter().all(|&b| b == 0),
                "{strategy:?} {round}"
            );
            // Some rounds leave a memory grown past what is zeroed in place.
            if round % 3 == 1 {
                let grow = instance
                    .get_typed_func::<i32, i32>(&mut store, "grow")
                    .unwrap();
                assert_eq!(grow.call(&mut store, 7).unwrap(), 1);
                memory.data_mut(&mut store)[8 * 65536 - 1] = 0xAB;
            }
            let write = instance
                .get_typed_func::<i64, ()>(&mut store, "write")
                .unwrap();
            write.call(&mut store, 0x005e_c2e7_0000 + round).unwrap();
        }
    });
}

#[test]
fn an_exhausted_pool_is_an_error_until_a_store_is_dropped() {
    for_each_strategy(pooled(2, |_| {}), |strategy, engine| {
        let module = Module::new(&engine, TENANT).unwrap();
        let pre = Linker::<()>::new(&engine).instantiate_pre(&module).unwrap();
        let mut first = Store::new(&engine, ());
        pre.instantiate(&mut first).unwrap();
        let mut second = Store::new(&engine, ());
        pre.instantiate(&mut second).unwrap();
        let mut third = Store::new(&engine, ());
        let e = pre.instantiate(&mut third).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Instantiate(_)),
            "{strategy:?}: {e}"
        );
        assert!(e.to_string().contains("memory slots are all in use"), "{e}");
        // The failed store is usable, and a freed slot serves it.
        drop(first);
        let instance = pre.instantiate(&mut third).unwrap();
        let read = instance
            .get_typed_func::<(), i64>(&mut third, "read")
            .unwrap();
        assert_eq!(read.call(&mut third, ()).unwrap(), 1, "{strategy:?}");
    });
}

#[test]
fn memories_stay_within_the_pool_s_size_limit() {
    let limit = pooled(4, |p| {
        p.max_memory_size(3 * 65536);
    });
    for_each_strategy(limit, |strategy, engine| {
        let module = Module::new(&engine, TENANT).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let grow = instance
            .get_typed_func::<i32, i32>(&mut store, "grow")
            .unwrap();
        assert_eq!(
            grow.call(&mut store, 3).unwrap(),
            -1,
            "{strategy:?}: past 3 pages"
        );
        assert_eq!(grow.call(&mut store, 2).unwrap(), 1, "{strategy:?}");
        let big = Module::new(&engine, "(module (memory 4))").unwrap();
        let e = Linker::new(&engine)
            .instantiate(&mut store, &big)
            .unwrap_err();
        assert!(
            e.to_string().contains("exceeds the pool's limit"),
            "{strategy:?}: {e}"
        );
    });
}

#[test]
fn stores_beyond_the_pool_s_stacks_still_run() {
    for_each_strategy(
        pooled(4, |p| {
            p.total_stores(1);
        }),
        |strategy, engine| {
            let module = Module::new(&engine, TENANT).unwrap();
            let stores: Vec<_> = (0..3)
                .map(|_| {
                    let mut store = Store::new(&engine, ());
                    let instance = Linker::new(&engine)
                        .instantiate(&mut store, &module)
                        .unwrap();
                    (store, instance)
                })
                .collect();
            for (mut store, instance) in stores {
                let read = instance
                    .get_typed_func::<(), i64>(&mut store, "read")
                    .unwrap();
                assert_eq!(read.call(&mut store, ()).unwrap(), 1, "{strategy:?}");
            }
        },
    );
}

#[test]
fn threads_share_a_pool() {
    for_each_strategy(pooled(8, |_| {}), |strategy, engine| {
        let module = Module::new(&engine, TENANT).unwrap();
        let pre = Linker::<()>::new(&engine).instantiate_pre(&module).unwrap();
        std::thread::scope(|s| {
            for t in 0..4i64 {
                let pre = &pre;
                let engine = &engine;
                s.spawn(move || {
                    for round in 0..200 {
                        let mut store = Store::new(engine, ());
                        let instance = pre.instantiate(&mut store).unwrap();
                        let read = instance
                            .get_typed_func::<(), i64>(&mut store, "read")
                            .unwrap();
                        assert_eq!(read.call(&mut store, ()).unwrap(), 1, "{strategy:?} {t}");
                        let write = instance
                            .get_typed_func::<i64, ()>(&mut store, "write")
                            .unwrap();
                        write.call(&mut store, t * 1000 + round).unwrap();
                    }
                });
            }
        });
    });
}
