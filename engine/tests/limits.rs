//! Resource limits: a store's limiter bounds memories, tables and instances
//! in every strategy, from wasm (`memory.grow`, `table.grow`), from the
//! embedding API and at instantiation.

mod common;

use common::{for_each_strategy, in_child_process};
use std::panic::{catch_unwind, AssertUnwindSafe};
use strata::{
    Engine, Linker, Memory, MemoryType, Module, ResourceLimiter, Store, StoreLimits,
    StoreLimitsBuilder, Table, TableType, Val, ValType,
};

const GROWER: &str = r#"(module
  (memory (export "mem") 1)
  (table (export "tab") 1 funcref)
  (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32)
    (table.grow (ref.null func) (local.get 0))))"#;

struct Limited {
    limits: StoreLimits,
}

fn limited(
    engine: &Engine,
    limits: StoreLimits,
    wat: &str,
) -> (Store<Limited>, strata::Result<strata::Instance>) {
    let mut store = Store::new(engine, Limited { limits });
    store.limiter(|data| &mut data.limits);
    let module = Module::new(engine, wat).unwrap();
    let instance = Linker::new(engine).instantiate(&mut store, &module);
    (store, instance)
}

#[test]
fn denied_growth_returns_minus_one_in_every_strategy() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2);
        },
        |strategy, engine| {
            let limits = StoreLimitsBuilder::new()
                .memory_size(4 * 65536)
                .table_elements(100)
                .build();
            let (mut store, instance) = limited(&engine, limits, GROWER);
            let instance = instance.unwrap();
            let mem = instance
                .get_typed_func::<i32, i32>(&mut store, "grow_memory")
                .unwrap();
            let tab = instance
                .get_typed_func::<i32, i32>(&mut store, "grow_table")
                .unwrap();
            for _ in 0..3 {
                assert_eq!(mem.call(&mut store, 4).unwrap(), -1, "{strategy:?}");
                assert_eq!(tab.call(&mut store, 100).unwrap(), -1, "{strategy:?}");
            }
            assert_eq!(mem.call(&mut store, 3).unwrap(), 1, "{strategy:?}");
            assert_eq!(mem.call(&mut store, 1).unwrap(), -1, "{strategy:?}");
            assert_eq!(tab.call(&mut store, 99).unwrap(), 1, "{strategy:?}");
            assert_eq!(tab.call(&mut store, 1).unwrap(), -1, "{strategy:?}");
            // The embedding API asks the same limiter.
            let memory = instance.get_memory(&mut store, "mem").unwrap();
            assert!(memory.grow(&mut store, 1).is_err(), "{strategy:?}");
            assert_eq!(memory.size(&store), 4);
            let table = instance.get_table(&mut store, "tab").unwrap();
            assert!(table.grow(&mut store, 1, Val::FuncRef(None)).is_err());
            assert_eq!(table.size(&store), 100);
        },
    );
}

#[test]
fn trap_on_grow_failure_traps_in_every_strategy() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let limits = StoreLimitsBuilder::new()
                .memory_size(2 * 65536)
                .table_elements(10)
                .trap_on_grow_failure(true)
                .build();
            let (mut store, instance) = limited(&engine, limits, GROWER);
            let instance = instance.unwrap();
            let mem = instance
                .get_typed_func::<i32, i32>(&mut store, "grow_memory")
                .unwrap();
            let tab = instance
                .get_typed_func::<i32, i32>(&mut store, "grow_table")
                .unwrap();
            let err = mem.call(&mut store, 2).unwrap_err();
            assert!(
                err.to_string().contains("beyond the limit"),
                "{strategy:?}: {err}"
            );
            let err = tab.call(&mut store, 10).unwrap_err();
            assert!(
                err.to_string().contains("beyond the limit"),
                "{strategy:?}: {err}"
            );
            // Past the declared maximum is a failed growth too: a trap here.
            assert_eq!(mem.call(&mut store, 1).unwrap(), 1, "{strategy:?}");
        },
    );
}

#[test]
fn a_minimum_beyond_the_limits_fails_instantiation() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let limits = StoreLimitsBuilder::new().memory_size(65536).build();
            let (_, r) = limited(&engine, limits, "(module (memory 2))");
            let err = r.unwrap_err();
            assert!(
                err.to_string().contains("exceeds the store's limits"),
                "{strategy:?}: {err}"
            );
            let limits = StoreLimitsBuilder::new().table_elements(5).build();
            let (_, r) = limited(&engine, limits, "(module (table 6 funcref))");
            assert!(r.is_err(), "{strategy:?}");
            let limits = StoreLimitsBuilder::new().table_elements(5).build();
            let (_, r) = limited(&engine, limits, "(module (table 5 funcref))");
            assert!(r.is_ok(), "{strategy:?}");
        },
    );
}

#[test]
fn instance_memory_and_table_counts_are_limited() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let limits = StoreLimitsBuilder::new()
                .instances(2)
                .memories(1)
                .tables(3)
                .build();
            let mut store = Store::new(&engine, Limited { limits });
            store.limiter(|data| &mut data.limits);
            let plain = Module::new(&engine, "(module)").unwrap();
            let linker = Linker::new(&engine);
            linker.instantiate(&mut store, &plain).unwrap();
            linker.instantiate(&mut store, &plain).unwrap();
            let err = linker.instantiate(&mut store, &plain).unwrap_err();
            assert!(
                err.to_string().contains("limit of 2 instances"),
                "{strategy:?}: {err}"
            );

            let mut store = Store::new(
                &engine,
                Limited {
                    limits: StoreLimitsBuilder::new().memories(1).tables(2).build(),
                },
            );
            store.limiter(|data| &mut data.limits);
            Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
            assert!(Memory::new(&mut store, MemoryType::new(1, None)).is_err());
            let two = Module::new(
                &engine,
                "(module (table 1 funcref) (table 1 funcref) (table 1 funcref))",
            )
            .unwrap();
            assert!(
                linker.instantiate(&mut store, &two).is_err(),
                "{strategy:?}"
            );
            Table::new(
                &mut store,
                TableType::new(ValType::FuncRef, 1, None),
                Val::FuncRef(None),
            )
            .unwrap();
            Table::new(
                &mut store,
                TableType::new(ValType::FuncRef, 1, None),
                Val::FuncRef(None),
            )
            .unwrap();
            assert!(Table::new(
                &mut store,
                TableType::new(ValType::FuncRef, 1, None),
                Val::FuncRef(None)
            )
            .is_err());
        },
    );
}

#[test]
fn tables_cannot_make_the_host_allocate_without_bound() {
    // Thirty tables each asking for ten million elements: the limit denies
    // them all, so the host allocates nothing for them.
    let wat = format!(
        "(module {} (func (export \"grow\") (result i32) {} ))",
        (0..30).map(|_| "(table 0 funcref)").collect::<String>(),
        (0..30)
            .map(|t| format!("(drop (table.grow {t} (ref.null func) (i32.const 10000000)))"))
            .collect::<String>()
            + "(table.size 29)"
    );
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let limits = StoreLimitsBuilder::new().table_elements(10_000).build();
            let (mut store, instance) = limited(&engine, limits, &wat);
            let grow = instance
                .unwrap()
                .get_typed_func::<(), i32>(&mut store, "grow")
                .unwrap();
            assert_eq!(grow.call(&mut store, ()).unwrap(), 0, "{strategy:?}");
        },
    );
}

/// A limiter that records what it was asked and panics on request.
#[derive(Default)]
struct Recording {
    asked: Vec<(usize, usize)>,
    panic: bool,
}

impl ResourceLimiter for Recording {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _: Option<usize>,
    ) -> strata::Result<bool> {
        if self.panic {
            panic!("limiter gave up");
        }
        self.asked.push((current, desired));
        Ok(true)
    }

    fn table_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> strata::Result<bool> {
        Ok(true)
    }
}

#[test]
fn a_custom_limiter_sees_every_growth_and_its_panic_reaches_the_embedder() {
    in_child_process(
        "a_custom_limiter_sees_every_growth_and_its_panic_reaches_the_embedder",
        || {
            for_each_strategy(
                |_| {},
                |strategy, engine| {
                    let mut store = Store::new(&engine, Recording::default());
                    store.limiter(|r| r as &mut dyn ResourceLimiter);
                    let module = Module::new(&engine, GROWER).unwrap();
                    let instance = Linker::new(&engine)
                        .instantiate(&mut store, &module)
                        .unwrap();
                    let mem = instance
                        .get_typed_func::<i32, i32>(&mut store, "grow_memory")
                        .unwrap();
                    assert_eq!(mem.call(&mut store, 2).unwrap(), 1, "{strategy:?}");
                    assert_eq!(store.data().asked, vec![(0, 65536), (65536, 3 * 65536)]);
                    store.data_mut().panic = true;
                    let r = catch_unwind(AssertUnwindSafe(|| mem.call(&mut store, 1)));
                    assert!(r.is_err(), "{strategy:?}: the panic reaches the embedder");
                    store.data_mut().panic = false;
                    assert_eq!(mem.call(&mut store, 1).unwrap(), 3, "{strategy:?}");
                    // From the embedding API, the limiter's panic is the caller's.
                    let memory = instance.get_memory(&mut store, "mem").unwrap();
                    store.data_mut().panic = true;
                    let r = catch_unwind(AssertUnwindSafe(|| memory.grow(&mut store, 1)));
                    assert!(r.is_err(), "{strategy:?}: Memory::grow panics");
                    store.data_mut().panic = false;
                    assert_eq!(memory.grow(&mut store, 1).unwrap(), 4, "{strategy:?}");
                },
            );
        },
    );
}
