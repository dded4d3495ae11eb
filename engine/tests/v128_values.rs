//! `v128` values through the embedding API: globals, host functions (typed
//! and untyped) and exception fields carry all 128 bits, in every strategy.

use strata::{
    Config, Engine, Exn, Func, FuncType, Global, GlobalType, Linker, Module, Mutability, Store,
    Strategy, Tag, TagType, Val, ValType,
};

/// A value whose halves differ, so that losing either shows.
const WIDE: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;

fn engines() -> Vec<Engine> {
    [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered]
        .into_iter()
        .filter_map(|s| Engine::new(Config::new().strategy(s)).ok())
        .collect()
}

#[test]
fn v128_globals_keep_all_128_bits() {
    let wat = r#"(module
      (import "host" "g" (global $g v128))
      (global (export "copy") v128 (global.get $g))
      (global (export "init") (mut v128) (v128.const i64x2 0x1111 0x2222)))"#;
    for engine in engines() {
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let ty = GlobalType::new(ValType::V128, Mutability::Const);
        let g = Global::new(&mut store, ty, Val::V128(WIDE)).unwrap();
        assert_eq!(g.get(&store).v128(), Some(WIDE));
        let mut linker = Linker::new(&engine);
        linker.define(&store, "host", "g", g).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let copy = instance.get_global(&mut store, "copy").unwrap();
        assert_eq!(copy.get(&store).v128(), Some(WIDE));
        let init = instance.get_global(&mut store, "init").unwrap();
        assert_eq!(init.get(&store).v128(), Some(0x2222 << 64 | 0x1111));
        init.set(&mut store, Val::V128(!WIDE)).unwrap();
        assert_eq!(init.get(&store).v128(), Some(!WIDE));
        assert!(init.set(&mut store, Val::I64(1)).is_err());
    }
}

#[test]
fn host_functions_take_and_return_whole_v128s() {
    for engine in engines() {
        let mut store = Store::new(&engine, ());
        // Cells: i32 (1), v128 (2), f64 (1): the f64 follows the v128's two.
        let typed = Func::wrap(&mut store, |a: i32, v: u128, f: f64| -> (u128, i32, f64) {
            (v.rotate_left(8), a + 1, f * 2.0)
        });
        let f = typed
            .typed::<(i32, u128, f64), (u128, i32, f64)>(&store)
            .unwrap();
        assert_eq!(
            f.call(&mut store, (41, WIDE, 1.5)).unwrap(),
            (WIDE.rotate_left(8), 42, 3.0)
        );
        let mut results = [Val::I32(0), Val::I32(0), Val::I32(0)];
        typed
            .call(
                &mut store,
                &[Val::I32(1), Val::V128(WIDE), Val::F64(2.5f64.to_bits())],
                &mut results,
            )
            .unwrap();
        assert_eq!(results[0].v128(), Some(WIDE.rotate_left(8)));
        assert_eq!(results[1].i32(), Some(2));
        assert_eq!(results[2].f64(), Some(5.0));

        let ty = FuncType::new([ValType::V128, ValType::I32], [ValType::V128]);
        let untyped = Func::new(&mut store, ty, |_, params, results| {
            let v = params[0].v128().unwrap();
            let k = params[1].i32().unwrap() as u32;
            results[0] = Val::V128(v.rotate_right(k));
            Ok(())
        });
        let mut out = [Val::I32(0)];
        untyped
            .call(&mut store, &[Val::V128(WIDE), Val::I32(4)], &mut out)
            .unwrap();
        assert_eq!(out[0].v128(), Some(WIDE.rotate_right(4)));
        let f = untyped.typed::<(u128, i32), u128>(&store).unwrap();
        assert_eq!(
            f.call(&mut store, (WIDE, 64)).unwrap(),
            WIDE.rotate_right(64)
        );
    }
}

#[test]
fn exception_fields_keep_whole_v128s() {
    for engine in engines() {
        let mut store = Store::new(&engine, ());
        let tag = Tag::new(
            &mut store,
            &TagType::new([ValType::V128, ValType::I32, ValType::V128]),
        );
        let fields = [Val::V128(WIDE), Val::I32(7), Val::V128(!WIDE)];
        let exn = Exn::new(&mut store, &tag, &fields).unwrap();
        let got = exn.fields(&store);
        assert_eq!(got[0].v128(), Some(WIDE));
        assert_eq!(got[1].i32(), Some(7));
        assert_eq!(got[2].v128(), Some(!WIDE));
    }
}
