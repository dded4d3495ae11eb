//! 64-bit memories and tables (`Config::wasm_memory64`) in every strategy:
//! accesses past 4 GiB, explicit bounds checks that catch every wrap, the
//! API's 64-bit types, import matching by index type, and precompiled
//! modules that keep them.

mod common;

use common::for_each_strategy;
use strata::{
    Config, Engine, ErrorKind, Linker, Memory, MemoryType, Module, Store, Table, TableType,
    TrapCode, Val, ValType, MAX_PAGES_64,
};

const BIG: &str = r#"(module
  (memory (export "mem") i64 1)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "size") (result i64) (memory.size))
  (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load_far") (param i64) (result i32)
    (i32.load8_u offset=0x1_0000_0000 (local.get 0)))
  (func (export "fill") (param i64 i32 i64)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  ;; A loop, so that tiered runs continue it in compiled code.
  (func (export "sum") (param i64 i64) (result i64)
    (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i64.eqz (local.get 1)))
        (local.set $acc (i64.add (local.get $acc) (i64.load8_u (local.get 0))))
        (local.set 0 (i64.add (local.get 0) (i64.const 1)))
        (local.set 1 (i64.sub (local.get 1) (i64.const 1)))
        (br $next)))
    (local.get $acc)))"#;

/// Four GiB of pages and one more.
const PAST_4_GIB: i64 = 65537;

#[test]
fn a_64_bit_memory_grows_past_4_gib_and_is_addressed_there() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2).tier_up_back_edges(2);
        },
        |strategy, engine| {
            let (mut store, instance) = common::instantiate(&engine, BIG);
            let grow = instance
                .get_typed_func::<i64, i64>(&mut store, "grow")
                .unwrap();
            let store_fn = instance
                .get_typed_func::<(i64, i64), ()>(&mut store, "store")
                .unwrap();
            let load = instance
                .get_typed_func::<i64, i64>(&mut store, "load")
                .unwrap();
            let load_far = instance
                .get_typed_func::<i64, i32>(&mut store, "load_far")
                .unwrap();
            let sum = instance
                .get_typed_func::<(i64, i64), i64>(&mut store, "sum")
                .unwrap();
            assert_eq!(grow.call(&mut store, PAST_4_GIB - 1).unwrap(), 1);
            let top = PAST_4_GIB * 65536 - 8;
            for _ in 0..3 {
                store_fn
                    .call(&mut store, (top, 0x0102_0304_0506_0708))
                    .unwrap();
                assert_eq!(load.call(&mut store, top).unwrap(), 0x0102_0304_0506_0708);
                // The same address modulo 2^32 is another place.
                assert_eq!(load.call(&mut store, top - (1 << 32)).unwrap(), 0);
                assert_eq!(load_far.call(&mut store, top - (1 << 32)).unwrap(), 8);
                assert_eq!(sum.call(&mut store, (top, 8)).unwrap(), 36, "{strategy:?}");
                let e = load.call(&mut store, top + 1).unwrap_err();
                assert_eq!(e.trap_code(), Some(TrapCode::MemoryOutOfBounds));
            }
            let mem = instance.get_memory(&mut store, "mem").unwrap();
            assert!(mem.ty(&store).is_64());
            assert_eq!(mem.size(&store), PAST_4_GIB as u64);
            assert_eq!(mem.data(&store)[top as usize], 8);
        },
    );
}

#[test]
fn every_wrapping_address_traps() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let (mut store, instance) = common::instantiate(&engine, BIG);
            let load = instance
                .get_typed_func::<i64, i64>(&mut store, "load")
                .unwrap();
            let load_far = instance
                .get_typed_func::<i64, i32>(&mut store, "load_far")
                .unwrap();
            let fill = instance
                .get_typed_func::<(i64, i32, i64), ()>(&mut store, "fill")
                .unwrap();
            assert_eq!(load.call(&mut store, 65536 - 8).unwrap(), 0);
            for at in [65536 - 7, 65536, 1 << 32, -8, -1, i64::MIN] {
                let e = load.call(&mut store, at).unwrap_err();
                assert_eq!(
                    e.trap_code(),
                    Some(TrapCode::MemoryOutOfBounds),
                    "{strategy:?} {at}"
                );
            }
            // ptr + offset wraps past 2^64 to a small address.
            let e = load_far.call(&mut store, -(1 << 32)).unwrap_err();
            assert_eq!(e.trap_code(), Some(TrapCode::MemoryOutOfBounds));
            let e = fill.call(&mut store, (-1, 0, 2)).unwrap_err();
            assert_eq!(e.trap_code(), Some(TrapCode::MemoryOutOfBounds));
            fill.call(&mut store, (65536, 0, 0)).unwrap();
            let e = fill.call(&mut store, (65537, 0, 0)).unwrap_err();
            assert_eq!(e.trap_code(), Some(TrapCode::MemoryOutOfBounds));
        },
    );
}

#[test]
fn growth_stops_at_the_64_bit_limit() {
    let engine = Engine::new(&Config::new()).unwrap();
    let (mut store, instance) = common::instantiate(&engine, BIG);
    let grow = instance
        .get_typed_func::<i64, i64>(&mut store, "grow")
        .unwrap();
    assert_eq!(grow.call(&mut store, MAX_PAGES_64 as i64).unwrap(), -1);
    assert_eq!(grow.call(&mut store, i64::MAX).unwrap(), -1);
    assert_eq!(grow.call(&mut store, -1).unwrap(), -1);
    let mem = instance.get_memory(&mut store, "mem").unwrap();
    assert!(mem.grow(&mut store, MAX_PAGES_64).is_err());
    assert_eq!(mem.size(&store), 1);
}

#[test]
fn host_made_64_bit_memories_and_tables_link_by_index_type() {
    for_each_strategy(
        |_| {},
        |_, engine| {
            let mut store = Store::new(&engine, ());
            let m64 = Memory::new(&mut store, MemoryType::new64(1, Some(70_000))).unwrap();
            let m32 = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
            let t64 = Table::new(
                &mut store,
                TableType::new64(ValType::FuncRef, 2, None),
                Val::FuncRef(None),
            )
            .unwrap();
            assert!(m64.ty(&store).is_64() && !m32.ty(&store).is_64());
            assert!(t64.ty(&store).is_64());
            assert_eq!(m64.grow(&mut store, 65_536).unwrap(), 1);
            m64.write(&mut store, (1 << 32) + 3, &[9]).unwrap();
            let wat = r#"(module
              (import "host" "mem" (memory i64 1))
              (import "host" "table" (table i64 1 funcref))
              (func (export "peek") (param i64) (result i32) (i32.load8_u (local.get 0)))
              (func (export "size") (result i64) (table.size)))"#;
            let module = Module::new(&engine, wat).unwrap();
            let mut linker = Linker::new(&engine);
            linker.define(&mut store, "host", "mem", m64).unwrap();
            linker.define(&mut store, "host", "table", t64).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let peek = instance
                .get_typed_func::<i64, i32>(&mut store, "peek")
                .unwrap();
            assert_eq!(peek.call(&mut store, (1 << 32) + 3).unwrap(), 9);
            let size = instance
                .get_typed_func::<(), i64>(&mut store, "size")
                .unwrap();
            assert_eq!(size.call(&mut store, ()).unwrap(), 2);

            let mut linker = Linker::new(&engine);
            linker.define(&mut store, "host", "mem", m32).unwrap();
            linker.define(&mut store, "host", "table", t64).unwrap();
            let e = linker.instantiate(&mut store, &module).unwrap_err();
            assert!(matches!(e.kind(), ErrorKind::Link(_)), "{e}");
            assert!(e.to_string().contains("incompatible import type"), "{e}");
        },
    );
}

#[test]
fn switched_off_a_64_bit_memory_or_table_is_invalid() {
    let mut config = Config::new();
    config.wasm_memory64(false);
    let engine = Engine::new(&config).unwrap();
    for wat in ["(module (memory i64 1))", "(module (table i64 1 funcref))"] {
        let e = Module::new(&engine, wat).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Compile(_)), "{wat}: {e}");
    }
    let engine = Engine::new(&Config::new()).unwrap();
    Module::new(&engine, "(module (memory i64 1) (table i64 1 funcref))").unwrap();
}

#[test]
fn precompiled_modules_keep_64_bit_types() {
    for_each_strategy(
        |_| {},
        |strategy, engine| {
            let module = Module::new(&engine, BIG).unwrap();
            let bytes = module.serialize().unwrap();
            // SAFETY: the artifact was just made by this engine.
            let module = unsafe { Module::deserialize(&engine, &bytes) }.unwrap();
            let mut store = Store::new(&engine, ());
            let instance = Linker::new(&engine)
                .instantiate(&mut store, &module)
                .unwrap();
            let mem = instance.get_memory(&mut store, "mem").unwrap();
            assert!(mem.ty(&store).is_64(), "{strategy:?}");
            let load = instance
                .get_typed_func::<i64, i64>(&mut store, "load")
                .unwrap();
            let e = load.call(&mut store, 1 << 32).unwrap_err();
            assert_eq!(e.trap_code(), Some(TrapCode::MemoryOutOfBounds));
        },
    );
}
