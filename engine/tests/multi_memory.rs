//! Multiple memories (`Config::wasm_multi_memory`) in every strategy:
//! every access and bulk operation reaches the memory it names, bounds are
//! each memory's own, and growth of one leaves the others alone.

mod common;

use common::for_each_strategy;
use strata::{Config, Engine, Linker, Memory, MemoryType, Module, Store, TrapCode};

const TWO: &str = r#"(module
  (import "host" "shared" (memory $shared 1))
  (memory $small 1 3)
  (memory $big 2)
  (data (memory $small) (i32.const 8) "\01\02\03\04")
  (data $later "hello")
  (export "small" (memory $small))
  (func (export "load_small") (param i32) (result i32) (i32.load8_u $small (local.get 0)))
  (func (export "load_big") (param i32) (result i32) (i32.load8_u $big (local.get 0)))
  (func (export "load_shared") (param i32) (result i32) (i32.load8_u $shared (local.get 0)))
  ;; An offset too large for the 16-bit forms, and an i64 across the boundary.
  (func (export "wide") (param i32) (result i64)
    (i64.store $big offset=70000 (local.get 0) (i64.const 0x1122334455667788))
    (i64.load $big offset=70000 (local.get 0)))
  (func (export "store_small") (param i32 i32) (i32.store16 $small (local.get 0) (local.get 1)))
  (func (export "f64_small") (param i32 f64) (result f64)
    (f64.store $small (local.get 0) (local.get 1))
    (f64.load $small (local.get 0)))
  (func (export "sizes") (result i32)
    (i32.add (i32.mul (memory.size $shared) (i32.const 100))
      (i32.add (i32.mul (memory.size $small) (i32.const 10)) (memory.size $big))))
  (func (export "grow_small") (param i32) (result i32) (memory.grow $small (local.get 0)))
  (func (export "copy_small_to_big") (param i32 i32 i32)
    (memory.copy $big $small (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_big") (param i32 i32 i32)
    (memory.fill $big (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_big") (param i32)
    (memory.init $big $later (local.get 0) (i32.const 0) (i32.const 5))))"#;

#[test]
fn every_instruction_reaches_the_memory_it_names() {
    for_each_strategy(
        |c| {
            c.tier_up_calls(2).tier_up_back_edges(2);
        },
        |strategy, engine| {
            let mut store = Store::new(&engine, ());
            let shared = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
            shared.write(&mut store, 5, &[42]).unwrap();
            let mut linker = Linker::new(&engine);
            linker.define(&mut store, "host", "shared", shared).unwrap();
            let module = Module::new(&engine, TWO).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let i32_i32 = |store: &mut Store<()>, name: &str| {
                instance
                    .get_typed_func::<i32, i32>(&mut *store, name)
                    .unwrap()
            };
            let (load_small, load_big) = (
                i32_i32(&mut store, "load_small"),
                i32_i32(&mut store, "load_big"),
            );
            let load_shared = i32_i32(&mut store, "load_shared");
            let grow_small = i32_i32(&mut store, "grow_small");
            let sizes = instance
                .get_typed_func::<(), i32>(&mut store, "sizes")
                .unwrap();
            let wide = instance
                .get_typed_func::<i32, i64>(&mut store, "wide")
                .unwrap();
            let f64_small = instance
                .get_typed_func::<(i32, f64), f64>(&mut store, "f64_small")
                .unwrap();
            let three = |store: &mut Store<()>, name: &str| {
                instance
                    .get_typed_func::<(i32, i32, i32), ()>(&mut *store, name)
                    .unwrap()
            };
            let (copy, fill) = (
                three(&mut store, "copy_small_to_big"),
                three(&mut store, "fill_big"),
            );
            let init = instance
                .get_typed_func::<i32, ()>(&mut store, "init_big")
                .unwrap();
            // Several rounds, so that tiered code runs compiled too.
            for round in 0..4 {
                let s = format!("{strategy:?}, round {round}");
                assert_eq!(load_small.call(&mut store, 9).unwrap(), 2, "{s}");
                assert_eq!(load_big.call(&mut store, 9).unwrap(), 0, "{s}");
                assert_eq!(load_shared.call(&mut store, 5).unwrap(), 42, "{s}");
                assert_eq!(wide.call(&mut store, 8).unwrap(), 0x1122334455667788, "{s}");
                assert_eq!(f64_small.call(&mut store, (16, 2.5)).unwrap(), 2.5, "{s}");
                // The small memory's bound is its own: 64 KiB, then 128 KiB.
                let pages = 1 + round.min(2) as u32;
                let end = (pages * 65536) as i32;
                let trap = load_small.call(&mut store, end).unwrap_err();
                assert_eq!(trap.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{s}");
                assert_eq!(load_big.call(&mut store, 65536).unwrap(), 0, "{s}");
                let trap = wide.call(&mut store, 2 * 65536 - 70000 - 4).unwrap_err();
                assert_eq!(trap.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{s}");
                copy.call(&mut store, (100, 8, 4)).unwrap();
                assert_eq!(load_big.call(&mut store, 102).unwrap(), 3, "{s}");
                fill.call(&mut store, (200, 7, 3)).unwrap();
                assert_eq!(load_big.call(&mut store, 202).unwrap(), 7, "{s}");
                init.call(&mut store, 300).unwrap();
                assert_eq!(load_big.call(&mut store, 304).unwrap(), b'o' as i32, "{s}");
                let trap = copy.call(&mut store, (0, end - 2, 4)).unwrap_err();
                assert_eq!(trap.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{s}");
                assert_eq!(
                    sizes.call(&mut store, ()).unwrap(),
                    100 + pages as i32 * 10 + 2
                );
                // Up to the small memory's maximum of 3 pages, then -1.
                let grown = grow_small.call(&mut store, 1).unwrap();
                assert_eq!(grown, if round < 2 { pages as i32 } else { -1 }, "{s}");
            }
            let small = instance.get_memory(&mut store, "small").unwrap();
            assert_eq!(small.data(&store)[8..12], [1, 2, 3, 4], "{strategy:?}");
            assert_eq!(small.data(&store).len(), 3 * 65536, "{strategy:?}");
        },
    );
}

#[test]
fn switched_off_a_second_memory_is_invalid() {
    let wat = "(module (memory 1) (memory 1))";
    let mut config = Config::new();
    config.wasm_multi_memory(false);
    let engine = Engine::new(&config).unwrap();
    let Err(err) = Module::new(&engine, wat) else {
        panic!("accepted with multiple memories off");
    };
    assert!(err.to_string().contains("invalid"), "{err}");
    let engine = Engine::new(&Config::new()).unwrap();
    Module::new(&engine, wat).expect("on by default");
}
