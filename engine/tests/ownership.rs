//! Store ownership: every handle (`Func`, `TypedFunc`, `Memory`, `Table`,
//! `Global`, `Instance`, `ExternRef`) and every reference value is checked
//! against the store it is used with. Foreign use is an `Err` where the method
//! returns `Result`, and a panic naming the mistake ("... used with another
//! store") where it does not; it never reads the other store's data, never
//! indexes past the end of the other store's items, and never lets a reference
//! of one store reach execution in another.
//!
//! Every test runs in a child process (a forged reference reaching compiled
//! code would abort the test runner) and in every strategy, over three pairs
//! of stores: of one engine with the same handle indices in both (a missing
//! check would silently use the other tenant's item), of one engine with the
//! first store's indices past the end of the second's (a missing check would
//! index out of bounds), and of two engines.

mod common;

use common::{for_each_strategy, in_child_process};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use strata::{
    Caller, Config, Engine, Extern, ExternRef, Func, FuncType, Global, GlobalType, Instance,
    Linker, Memory, MemoryType, Module, Mutability, Result, Store, Table, TableType, TrapCode, Val,
    ValType,
};

/// Each tenant's module: a function of each reference shape, a memory, a
/// funcref table whose slot 0 holds `seven`, and globals.
const WAT: &str = r#"(module
  (type $ret_i32 (func (result i32)))
  (table $t (export "table") 4 16 funcref)
  (memory (export "mem") 1 4)
  (global (export "g") (mut i32) (i32.const 5))
  (global $gref (export "gref") (mut funcref) (ref.null func))
  (global (export "gext") (mut externref) (ref.null extern))
  (elem (i32.const 0) $seven)
  (func $seven (export "seven") (result i32) (i32.const 7))
  (func (export "id_func") (param funcref) (result funcref) (local.get 0))
  (func (export "id_extern") (param externref) (result externref) (local.get 0))
  (func (export "call_slot") (param i32) (result i32)
    (call_indirect $t (type $ret_i32) (local.get 0)))
  (func (export "call_ref") (param funcref) (result i32)
    (table.set $t (i32.const 3) (local.get 0))
    (call_indirect $t (type $ret_i32) (i32.const 3)))
  (func (export "call_global") (result i32)
    (table.set $t (i32.const 3) (global.get $gref))
    (call_indirect $t (type $ret_i32) (i32.const 3))))"#;

/// Functions tier up after a few calls, so the tiered strategy runs the
/// attacks against compiled code too.
fn tier_early(config: &mut Config) {
    config.tier_up_calls(2).tier_up_back_edges(2);
}

/// One store with an instance of [`WAT`] and handles to its items.
struct Tenant {
    store: Store<()>,
    instance: Instance,
    seven: Func,
    memory: Memory,
    table: Table,
    g: Global,
    gref: Global,
    gext: Global,
    /// The store's first externref: the same index in every tenant.
    externref: ExternRef,
    /// Made after the padding: past the end of an unpadded store's externrefs.
    late_externref: ExternRef,
    tag: u8,
}

/// A tenant whose memory, global and externref carry `tag`; `padding` items
/// of every kind come first, so its handles' indices exceed those of a
/// tenant with less padding.
fn tenant(engine: &Engine, padding: usize, tag: u8) -> Tenant {
    let mut store = Store::new(engine, ());
    let externref = ExternRef::new(&mut store, format!("tenant {}", tag as char));
    let empty = Module::new(engine, "(module)").expect("empty module");
    for _ in 0..padding {
        Func::wrap(&mut store, || {});
        Memory::new(&mut store, MemoryType::new(1, Some(1))).unwrap();
        Table::new(
            &mut store,
            TableType::new(ValType::FuncRef, 1, None),
            Val::FuncRef(None),
        )
        .unwrap();
        Global::new(
            &mut store,
            GlobalType::new(ValType::I32, Mutability::Var),
            Val::I32(0),
        )
        .unwrap();
        ExternRef::new(&mut store, ());
        Linker::new(engine).instantiate(&mut store, &empty).unwrap();
    }
    let late_externref = ExternRef::new(&mut store, format!("late {}", tag as char));
    let module = Module::new(engine, WAT).expect("module compiles");
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let seven = instance.get_func(&mut store, "seven").unwrap();
    let memory = instance.get_memory(&mut store, "mem").unwrap();
    let table = instance.get_table(&mut store, "table").unwrap();
    let g = instance.get_global(&mut store, "g").unwrap();
    let gref = instance.get_global(&mut store, "gref").unwrap();
    let gext = instance.get_global(&mut store, "gext").unwrap();
    memory.write(&mut store, 0, &[tag; 4]).unwrap();
    g.set(&mut store, Val::I32(tag as i32)).unwrap();
    Tenant {
        store,
        instance,
        seven,
        memory,
        table,
        g,
        gref,
        gext,
        externref,
        late_externref,
        tag,
    }
}

impl Tenant {
    fn typed<P: strata::WasmParams, R: strata::WasmResults>(
        &mut self,
        name: &str,
    ) -> strata::TypedFunc<P, R> {
        self.instance
            .get_typed_func::<P, R>(&mut self.store, name)
            .unwrap()
    }

    fn func(&mut self, name: &str) -> Func {
        self.instance.get_func(&mut self.store, name).unwrap()
    }

    /// Checks that nothing foreign changed this tenant's state, and that its
    /// own handles still work.
    fn assert_intact(&mut self, ctx: &str) {
        let tag = self.tag;
        let mut bytes = [0u8; 4];
        self.memory.read(&self.store, 0, &mut bytes).unwrap();
        assert_eq!(bytes, [tag; 4], "{ctx}: memory of tenant {}", tag as char);
        assert_eq!(self.memory.size(&self.store), 1, "{ctx}: memory size");
        assert_eq!(self.g.get(&self.store), Val::I32(tag as i32), "{ctx}: g");
        assert_eq!(
            self.gref.get(&self.store),
            Val::FuncRef(None),
            "{ctx}: gref"
        );
        assert_eq!(self.table.size(&self.store), 4, "{ctx}: table size");
        assert_eq!(
            self.table.get(&self.store, 0),
            Some(Val::FuncRef(Some(self.seven))),
            "{ctx}: table slot 0"
        );
        for slot in 1..4 {
            assert_eq!(
                self.table.get(&self.store, slot),
                Some(Val::FuncRef(None)),
                "{ctx}: table slot {slot}"
            );
        }
        let data = self.externref.data(&self.store).downcast_ref::<String>();
        assert_eq!(
            data.map(String::as_str),
            Some(format!("tenant {}", tag as char).as_str()),
            "{ctx}: externref data"
        );
        let call_slot = self.typed::<i32, i32>("call_slot");
        assert_eq!(call_slot.call(&mut self.store, 0).unwrap(), 7, "{ctx}");
    }
}

/// The store pairs every test runs over; handles of the first are used with
/// the second's store.
fn pairs(engine: &Engine) -> Vec<(&'static str, Tenant, Tenant)> {
    let other = Engine::new(engine.config()).expect("a second engine");
    vec![
        (
            "one engine, same indices",
            tenant(engine, 0, b'A'),
            tenant(engine, 0, b'B'),
        ),
        (
            "one engine, indices past the other store's",
            tenant(engine, 8, b'A'),
            tenant(engine, 0, b'B'),
        ),
        (
            "two engines",
            tenant(engine, 0, b'A'),
            tenant(&other, 0, b'B'),
        ),
    ]
}

/// Runs `body` over every pair of stores in every strategy, in a child process.
fn run(name: &str, body: impl Fn(&str, &mut Tenant, &mut Tenant)) {
    in_child_process(name, || {
        for_each_strategy(tier_early, |strategy, engine| {
            for (case, mut a, mut b) in pairs(&engine) {
                // Warm up both tenants so the tiered strategy has compiled code.
                for _ in 0..3 {
                    a.assert_intact("before");
                    b.assert_intact("before");
                }
                let ctx = format!("{strategy:?}, {case}");
                body(&ctx, &mut a, &mut b);
                a.assert_intact(&format!("{ctx}: tenant A after"));
                b.assert_intact(&format!("{ctx}: tenant B after"));
            }
        })
    });
}

/// `Ok` when `r` is an error about another store.
fn foreign_err<R>(what: &str, r: Result<R>) -> std::result::Result<(), String> {
    match r {
        Ok(_) => Err(format!("{what}: accepted an item of another store")),
        Err(e) if e.to_string().contains("another store") => Ok(()),
        Err(e) => Err(format!("{what}: unexpected error: {e}")),
    }
}

/// `Ok` when `f` panics with a message about another store.
fn foreign_panic<R>(what: &str, f: impl FnOnce() -> R) -> std::result::Result<(), String> {
    let payload = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => return Err(format!("{what}: returned for a store other than its own")),
        Err(payload) => payload,
    };
    let msg = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    if msg.contains("used with another store") {
        Ok(())
    } else {
        Err(format!("{what}: panicked with an unclear message: {msg:?}"))
    }
}

#[track_caller]
fn expect_err<R>(ctx: &str, what: &str, r: Result<R>) {
    if let Err(e) = foreign_err(what, r) {
        panic!("{ctx}: {e}");
    }
}

#[track_caller]
fn expect_panic<R>(ctx: &str, what: &str, f: impl FnOnce() -> R) {
    if let Err(e) = foreign_panic(what, f) {
        panic!("{ctx}: {e}");
    }
}

#[test]
fn foreign_func_call_and_typed_call_are_errors_in_every_strategy() {
    run(
        "foreign_func_call_and_typed_call_are_errors_in_every_strategy",
        |ctx, a, b| {
            let mut out = [Val::I32(0)];
            expect_err(ctx, "Func::call", a.seven.call(&mut b.store, &[], &mut out));
            let typed = a.typed::<(), i32>("seven");
            expect_err(ctx, "TypedFunc::call", typed.call(&mut b.store, ()));
            let call_slot = a.typed::<i32, i32>("call_slot");
            expect_err(ctx, "TypedFunc::call", call_slot.call(&mut b.store, 0));
            // The same handles still work with their own store.
            a.seven.call(&mut a.store, &[], &mut out).unwrap();
            assert_eq!(out[0], Val::I32(7), "{ctx}");
            assert_eq!(typed.call(&mut a.store, ()).unwrap(), 7, "{ctx}");
        },
    );
}

#[test]
fn foreign_func_typed_is_an_error_in_every_strategy() {
    run(
        "foreign_func_typed_is_an_error_in_every_strategy",
        |ctx, a, b| {
            expect_err(ctx, "Func::typed", a.seven.typed::<(), i32>(&b.store));
            // A signature that does not match is still reported as foreign first.
            expect_err(ctx, "Func::typed", a.seven.typed::<i64, i64>(&b.store));
            let call_ref = a.func("call_ref");
            expect_err(
                ctx,
                "Func::typed",
                call_ref.typed::<Option<Func>, i32>(&b.store),
            );
        },
    );
}

#[test]
fn foreign_func_ty_panics_with_a_clear_message_in_every_strategy() {
    run(
        "foreign_func_ty_panics_with_a_clear_message_in_every_strategy",
        |ctx, a, b| {
            expect_panic(ctx, "Func::ty", || a.seven.ty(&b.store));
            expect_panic(ctx, "Extern::ty", || Extern::Func(a.seven).ty(&b.store));
            assert_eq!(
                a.seven.ty(&a.store),
                FuncType::new(vec![], vec![ValType::I32]),
                "{ctx}"
            );
        },
    );
}

#[test]
fn foreign_func_in_table_set_is_an_error_in_every_strategy() {
    run(
        "foreign_func_in_table_set_is_an_error_in_every_strategy",
        |ctx, a, b| {
            let forged = Val::FuncRef(Some(a.seven));
            expect_err(ctx, "Table::set", b.table.set(&mut b.store, 3, forged));
            // Nothing was written, so call_indirect finds a null slot.
            let call_slot = b.typed::<i32, i32>("call_slot");
            for _ in 0..3 {
                let err = call_slot.call(&mut b.store, 3).unwrap_err();
                assert_eq!(
                    err.trap_code(),
                    Some(TrapCode::UninitializedElement),
                    "{ctx}: {err}"
                );
            }
            // The store's own function is accepted in the same slot.
            b.table
                .set(&mut b.store, 3, Val::FuncRef(Some(b.seven)))
                .unwrap();
            assert_eq!(call_slot.call(&mut b.store, 3).unwrap(), 7, "{ctx}");
            b.table.set(&mut b.store, 3, Val::FuncRef(None)).unwrap();
        },
    );
}

#[test]
fn foreign_table_handle_is_rejected_in_every_strategy() {
    run(
        "foreign_table_handle_is_rejected_in_every_strategy",
        |ctx, a, b| {
            let t = a.table;
            let null = Val::FuncRef(None);
            expect_err(ctx, "Table::set", t.set(&mut b.store, 1, null));
            expect_err(ctx, "Table::grow", t.grow(&mut b.store, 1, null));
            expect_err(ctx, "Table::fill", t.fill(&mut b.store, 1, null, 2));
            // Even a reference of the store it is used with.
            let own = Val::FuncRef(Some(b.seven));
            expect_err(ctx, "Table::set", t.set(&mut b.store, 1, own));
            expect_err(ctx, "Table::grow", t.grow(&mut b.store, 1, own));
            expect_err(ctx, "Table::fill", t.fill(&mut b.store, 1, own, 2));
            expect_panic(ctx, "Table::get", || t.get(&b.store, 0));
            expect_panic(ctx, "Table::size", || t.size(&b.store));
            expect_panic(ctx, "Table::ty", || t.ty(&b.store));
            expect_panic(ctx, "Extern::ty", || Extern::Table(t).ty(&b.store));
        },
    );
}

#[test]
fn foreign_references_as_table_values_are_errors_in_every_strategy() {
    run(
        "foreign_references_as_table_values_are_errors_in_every_strategy",
        |ctx, a, b| {
            let forged = Val::FuncRef(Some(a.seven));
            let funcs = TableType::new(ValType::FuncRef, 2, None);
            expect_err(ctx, "Table::new", Table::new(&mut b.store, funcs, forged));
            expect_err(ctx, "Table::grow", b.table.grow(&mut b.store, 2, forged));
            expect_err(ctx, "Table::fill", b.table.fill(&mut b.store, 1, forged, 3));
            let hosts = TableType::new(ValType::ExternRef, 2, None);
            for r in [a.externref, a.late_externref] {
                let forged = Val::ExternRef(Some(r));
                expect_err(ctx, "Table::new", Table::new(&mut b.store, hosts, forged));
                let own = Table::new(&mut b.store, hosts, Val::ExternRef(None)).unwrap();
                expect_err(ctx, "Table::set", own.set(&mut b.store, 0, forged));
                expect_err(ctx, "Table::grow", own.grow(&mut b.store, 1, forged));
                expect_err(ctx, "Table::fill", own.fill(&mut b.store, 0, forged, 2));
                assert_eq!(own.size(&b.store), 2, "{ctx}");
                assert_eq!(own.get(&b.store, 0), Some(Val::ExternRef(None)), "{ctx}");
            }
            // The store's own function is accepted by each of them.
            let own = Val::FuncRef(Some(b.seven));
            let null = Val::FuncRef(None);
            let t = Table::new(&mut b.store, funcs, own).unwrap();
            assert_eq!(t.get(&b.store, 1), Some(own), "{ctx}");
            assert_eq!(t.grow(&mut b.store, 2, own).unwrap(), 2, "{ctx}");
            assert_eq!(t.get(&b.store, 3), Some(own), "{ctx}");
            t.fill(&mut b.store, 1, null, 3).unwrap();
            assert_eq!(t.get(&b.store, 0), Some(own), "{ctx}");
            assert_eq!(t.get(&b.store, 3), Some(null), "{ctx}");
            let err = t.fill(&mut b.store, 3, own, 2).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::TableOutOfBounds), "{ctx}");
            t.fill(&mut b.store, 4, own, 0).unwrap();
            b.table.fill(&mut b.store, 1, own, 3).unwrap();
            let call_slot = b.typed::<i32, i32>("call_slot");
            assert_eq!(call_slot.call(&mut b.store, 2).unwrap(), 7, "{ctx}");
            b.table.fill(&mut b.store, 1, null, 3).unwrap();
        },
    );
}

#[test]
fn foreign_global_handle_is_rejected_in_every_strategy() {
    run(
        "foreign_global_handle_is_rejected_in_every_strategy",
        |ctx, a, b| {
            expect_err(ctx, "Global::set", a.g.set(&mut b.store, Val::I32(99)));
            expect_err(
                ctx,
                "Global::set",
                a.gref.set(&mut b.store, Val::FuncRef(Some(b.seven))),
            );
            expect_panic(ctx, "Global::get", || a.g.get(&b.store));
            expect_panic(ctx, "Global::ty", || a.g.ty(&b.store));
            expect_panic(ctx, "Extern::ty", || Extern::Global(a.g).ty(&b.store));
        },
    );
}

#[test]
fn foreign_references_in_globals_are_errors_in_every_strategy() {
    run(
        "foreign_references_in_globals_are_errors_in_every_strategy",
        |ctx, a, b| {
            let forged = Val::FuncRef(Some(a.seven));
            let var = |t| GlobalType::new(t, Mutability::Var);
            let konst = |t| GlobalType::new(t, Mutability::Const);
            expect_err(
                ctx,
                "Global::new",
                Global::new(&mut b.store, var(ValType::FuncRef), forged),
            );
            expect_err(
                ctx,
                "Global::new",
                Global::new(&mut b.store, konst(ValType::FuncRef), forged),
            );
            expect_err(ctx, "Global::set", b.gref.set(&mut b.store, forged));
            for r in [a.externref, a.late_externref] {
                let forged = Val::ExternRef(Some(r));
                expect_err(
                    ctx,
                    "Global::new",
                    Global::new(&mut b.store, var(ValType::ExternRef), forged),
                );
                expect_err(ctx, "Global::set", b.gext.set(&mut b.store, forged));
                assert_eq!(b.gext.get(&b.store), Val::ExternRef(None), "{ctx}");
            }
            // The global stayed null, so the wasm call sees null.
            let call_global = b.typed::<(), i32>("call_global");
            for _ in 0..3 {
                let err = call_global.call(&mut b.store, ()).unwrap_err();
                assert_eq!(
                    err.trap_code(),
                    Some(TrapCode::UninitializedElement),
                    "{ctx}: {err}"
                );
            }
            b.gref
                .set(&mut b.store, Val::FuncRef(Some(b.seven)))
                .unwrap();
            assert_eq!(call_global.call(&mut b.store, ()).unwrap(), 7, "{ctx}");
            b.gref.set(&mut b.store, Val::FuncRef(None)).unwrap();
            b.table.set(&mut b.store, 3, Val::FuncRef(None)).unwrap();
        },
    );
}

#[test]
fn foreign_memory_handle_is_rejected_in_every_strategy() {
    run(
        "foreign_memory_handle_is_rejected_in_every_strategy",
        |ctx, a, b| {
            let m = a.memory;
            let mut buf = [0u8; 4];
            expect_err(ctx, "Memory::read", m.read(&b.store, 0, &mut buf));
            assert_eq!(buf, [0; 4], "{ctx}: Memory::read filled the buffer");
            expect_err(ctx, "Memory::write", m.write(&mut b.store, 0, b"XXXX"));
            expect_err(ctx, "Memory::grow", m.grow(&mut b.store, 1));
            expect_err(ctx, "Memory::grow", m.grow(&mut b.store, 0));
            expect_panic(ctx, "Memory::data", || m.data(&b.store).to_vec());
            expect_panic(ctx, "Memory::data_mut", || {
                m.data_mut(&mut b.store).fill(b'X')
            });
            expect_panic(ctx, "Memory::size", || m.size(&b.store));
            expect_panic(ctx, "Memory::data_size", || m.data_size(&b.store));
            expect_panic(ctx, "Memory::ty", || m.ty(&b.store));
            expect_panic(ctx, "Extern::ty", || Extern::Memory(m).ty(&b.store));
        },
    );
}

#[test]
fn foreign_instance_is_rejected_in_every_strategy() {
    run(
        "foreign_instance_is_rejected_in_every_strategy",
        |ctx, a, b| {
            let i = a.instance;
            expect_err(
                ctx,
                "Instance::get_typed_func",
                i.get_typed_func::<(), i32>(&mut b.store, "seven"),
            );
            expect_err(
                ctx,
                "Instance::get_typed_func",
                i.get_typed_func::<(), i32>(&mut b.store, "no such export"),
            );
            expect_panic(ctx, "Instance::get_export", || {
                i.get_export(&mut b.store, "seven")
            });
            expect_panic(ctx, "Instance::get_func", || {
                i.get_func(&mut b.store, "seven")
            });
            expect_panic(ctx, "Instance::get_memory", || {
                i.get_memory(&mut b.store, "mem")
            });
            expect_panic(ctx, "Instance::get_table", || {
                i.get_table(&mut b.store, "table")
            });
            expect_panic(ctx, "Instance::get_global", || {
                i.get_global(&mut b.store, "g")
            });
            expect_panic(ctx, "Instance::exports", || i.exports(&mut b.store));
            expect_panic(ctx, "Instance::module", || i.module(&b.store));
            expect_panic(ctx, "Instance::func_stats", || i.func_stats(&b.store));
        },
    );
}

#[test]
fn foreign_externref_data_panics_instead_of_reading_the_other_tenant_in_every_strategy() {
    run(
        "foreign_externref_data_panics_instead_of_reading_the_other_tenant_in_every_strategy",
        |ctx, a, b| {
            for r in [a.externref, a.late_externref] {
                expect_panic(ctx, "ExternRef::data", || {
                    r.data(&b.store).downcast_ref::<String>().cloned()
                });
            }
            let own = a.late_externref.data(&a.store).downcast_ref::<String>();
            assert_eq!(own.map(String::as_str), Some("late A"), "{ctx}");
        },
    );
}

#[test]
fn foreign_reference_arguments_are_errors_in_every_strategy() {
    run(
        "foreign_reference_arguments_are_errors_in_every_strategy",
        |ctx, a, b| {
            let forged = Val::FuncRef(Some(a.seven));
            let id_func = b.func("id_func");
            let call_ref = b.func("call_ref");
            let id_extern = b.func("id_extern");
            for _ in 0..3 {
                let mut out = [Val::FuncRef(None)];
                expect_err(
                    ctx,
                    "Func::call",
                    id_func.call(&mut b.store, &[forged], &mut out),
                );
                let mut out = [Val::I32(0)];
                expect_err(
                    ctx,
                    "Func::call",
                    call_ref.call(&mut b.store, &[forged], &mut out),
                );
                for r in [a.externref, a.late_externref] {
                    let mut out = [Val::ExternRef(None)];
                    let args = [Val::ExternRef(Some(r))];
                    expect_err(
                        ctx,
                        "Func::call",
                        id_extern.call(&mut b.store, &args, &mut out),
                    );
                }
            }
            let id_func_t = b.typed::<Option<Func>, Option<Func>>("id_func");
            let call_ref_t = b.typed::<Option<Func>, i32>("call_ref");
            let id_extern_t = b.typed::<Option<ExternRef>, Option<ExternRef>>("id_extern");
            for _ in 0..3 {
                expect_err(
                    ctx,
                    "TypedFunc::call",
                    id_func_t.call(&mut b.store, Some(a.seven)),
                );
                expect_err(
                    ctx,
                    "TypedFunc::call",
                    call_ref_t.call(&mut b.store, Some(a.seven)),
                );
                for r in [a.externref, a.late_externref] {
                    expect_err(
                        ctx,
                        "TypedFunc::call",
                        id_extern_t.call(&mut b.store, Some(r)),
                    );
                }
            }
            // The store's own references pass, and come back as its own.
            assert_eq!(
                id_func_t.call(&mut b.store, Some(b.seven)).unwrap(),
                Some(b.seven),
                "{ctx}"
            );
            assert_eq!(
                call_ref_t.call(&mut b.store, Some(b.seven)).unwrap(),
                7,
                "{ctx}"
            );
            assert_eq!(
                id_extern_t.call(&mut b.store, Some(b.externref)).unwrap(),
                Some(b.externref),
                "{ctx}"
            );
            call_ref_t.call(&mut b.store, None).unwrap_err();
        },
    );
}

/// A module whose imported host functions hand it references: it calls the
/// function it is given through its table, and returns the host reference.
const GIVEN: &str = r#"(module
  (type $ret_i32 (func (result i32)))
  (import "host" "give_func" (func $give_func (result funcref)))
  (import "host" "give_extern" (func $give_extern (result externref)))
  (table $t 1 funcref)
  (func (export "call_given") (result i32)
    (table.set $t (i32.const 0) (call $give_func))
    (call_indirect $t (type $ret_i32) (i32.const 0)))
  (func (export "take_extern") (result externref) (call $give_extern)))"#;

#[test]
fn host_functions_returning_a_foreign_reference_are_errors_in_every_strategy() {
    run(
        "host_functions_returning_a_foreign_reference_are_errors_in_every_strategy",
        |ctx, a, b| {
            let engine = b.store.engine().clone();
            let module = Module::new(&engine, GIVEN).unwrap();
            let give_func_ty = FuncType::new(vec![], vec![ValType::FuncRef]);
            let give_extern_ty = FuncType::new(vec![], vec![ValType::ExternRef]);
            let run_given = |store: &mut Store<()>, instance: Instance, expect_ok: bool| {
                let call_given = instance
                    .get_typed_func::<(), i32>(&mut *store, "call_given")
                    .unwrap();
                let take_extern = instance
                    .get_typed_func::<(), Option<ExternRef>>(&mut *store, "take_extern")
                    .unwrap();
                for _ in 0..3 {
                    let (f, e) = (
                        call_given.call(&mut *store, ()),
                        take_extern.call(&mut *store, ()),
                    );
                    if expect_ok {
                        assert_eq!(f.unwrap(), 7, "{ctx}");
                        e.unwrap();
                    } else {
                        expect_err(ctx, "host result through call_given", f);
                        expect_err(ctx, "host result through take_extern", e);
                    }
                }
            };
            for (func, ext, expect_ok) in [
                (a.seven, a.externref, false),
                (a.seven, a.late_externref, false),
                (b.seven, b.externref, true),
            ] {
                // Typed host functions defined in a linker.
                let mut linker = Linker::<()>::new(&engine);
                linker
                    .func_wrap("host", "give_func", move || Some(func))
                    .unwrap()
                    .func_wrap(
                        "host",
                        "give_extern",
                        move || -> Result<Option<ExternRef>> { Ok(Some(ext)) },
                    )
                    .unwrap();
                let instance = linker.instantiate(&mut b.store, &module).unwrap();
                run_given(&mut b.store, instance, expect_ok);
                // Untyped host functions defined in a linker.
                let mut linker = Linker::<()>::new(&engine);
                linker
                    .func_new(
                        "host",
                        "give_func",
                        give_func_ty.clone(),
                        move |_, _, out| {
                            out[0] = Val::FuncRef(Some(func));
                            Ok(())
                        },
                    )
                    .unwrap()
                    .func_new(
                        "host",
                        "give_extern",
                        give_extern_ty.clone(),
                        move |_, _, out| {
                            out[0] = Val::ExternRef(Some(ext));
                            Ok(())
                        },
                    )
                    .unwrap();
                let instance = linker.instantiate(&mut b.store, &module).unwrap();
                run_given(&mut b.store, instance, expect_ok);
                // Host functions of the store, typed and untyped.
                let typed_func = Func::wrap(
                    &mut b.store,
                    move |_: Caller<'_, ()>| -> Result<Option<Func>> { Ok(Some(func)) },
                );
                let untyped_ext =
                    Func::new(&mut b.store, give_extern_ty.clone(), move |_, _, out| {
                        out[0] = Val::ExternRef(Some(ext));
                        Ok(())
                    });
                let untyped_func =
                    Func::new(&mut b.store, give_func_ty.clone(), move |_, _, out| {
                        out[0] = Val::FuncRef(Some(func));
                        Ok(())
                    });
                let typed_ext = Func::wrap(&mut b.store, move || Some(ext));
                for (gf, ge) in [(typed_func, untyped_ext), (untyped_func, typed_ext)] {
                    let imports = [Extern::Func(gf), Extern::Func(ge)];
                    let instance = Instance::new(&mut b.store, &module, &imports).unwrap();
                    run_given(&mut b.store, instance, expect_ok);
                    // Called directly by the embedder.
                    let mut out = [Val::FuncRef(None)];
                    let r = gf.call(&mut b.store, &[], &mut out);
                    let mut out_e = [Val::ExternRef(None)];
                    let re = ge.call(&mut b.store, &[], &mut out_e);
                    if expect_ok {
                        r.unwrap();
                        re.unwrap();
                        assert_eq!(out[0], Val::FuncRef(Some(b.seven)), "{ctx}");
                    } else {
                        expect_err(ctx, "host Func::call", r);
                        expect_err(ctx, "host Func::call", re);
                        assert_eq!(out[0], Val::FuncRef(None), "{ctx}");
                        assert_eq!(out_e[0], Val::ExternRef(None), "{ctx}");
                    }
                }
            }
        },
    );
}

#[test]
fn caller_rejects_items_of_another_store_in_every_strategy() {
    run(
        "caller_rejects_items_of_another_store_in_every_strategy",
        |ctx, a, b| {
            let failures = Arc::new(Mutex::new(Vec::<String>::new()));
            let calls = Arc::new(Mutex::new(0u32));
            let (seven, memory, table, g, instance, externref) =
                (a.seven, a.memory, a.table, a.g, a.instance, a.externref);
            let typed = a.typed::<(), i32>("seven");
            let mut linker = Linker::<()>::new(b.store.engine());
            let (failures2, calls2) = (failures.clone(), calls.clone());
            linker
                .func_wrap(
                    "host",
                    "poke",
                    move |mut caller: Caller<'_, ()>| -> Result<()> {
                        *calls2.lock().unwrap() += 1;
                        let c = &mut caller;
                        let mut buf = [0u8; 4];
                        let checks = [
                            foreign_err("Memory::read", memory.read(&*c, 0, &mut buf)),
                            foreign_err("Memory::write", memory.write(&mut *c, 0, b"XXXX")),
                            foreign_err("Memory::grow", memory.grow(&mut *c, 1)),
                            foreign_err("Table::set", table.set(&mut *c, 0, Val::FuncRef(None))),
                            foreign_err("Table::grow", table.grow(&mut *c, 1, Val::FuncRef(None))),
                            foreign_err(
                                "Table::fill",
                                table.fill(&mut *c, 0, Val::FuncRef(None), 1),
                            ),
                            foreign_err("Global::set", g.set(&mut *c, Val::I32(1))),
                            foreign_err("Func::call", seven.call(&mut *c, &[], &mut [Val::I32(0)])),
                            foreign_err("TypedFunc::call", typed.call(&mut *c, ())),
                            foreign_err("Func::typed", seven.typed::<(), i32>(&*c)),
                            foreign_err(
                                "Instance::get_typed_func",
                                instance.get_typed_func::<(), i32>(&mut *c, "seven"),
                            ),
                            foreign_panic("Memory::size", || memory.size(&*c)),
                            foreign_panic("Memory::data", || {
                                memory.data(strata::AsContext::as_context(&*c)).to_vec()
                            }),
                            foreign_panic("Table::get", || table.get(&*c, 0)),
                            foreign_panic("Table::size", || table.size(&*c)),
                            foreign_panic("Global::get", || g.get(&*c)),
                            foreign_panic("Func::ty", || seven.ty(&*c)),
                            foreign_panic("Instance::get_export", || {
                                instance.get_export(&mut *c, "g")
                            }),
                            foreign_panic("ExternRef::data", || {
                                externref.data(&*c).downcast_ref::<String>().cloned()
                            }),
                        ];
                        // The caller's own items, and references of its store, work.
                        let own_table = c.get_export("table").and_then(Extern::into_table).unwrap();
                        let own_seven = c.get_export("seven").and_then(Extern::into_func).unwrap();
                        let more = [
                            foreign_err(
                                "Table::set with a foreign function",
                                own_table.set(&mut *c, 3, Val::FuncRef(Some(seven))),
                            ),
                            own_table
                                .set(&mut *c, 3, Val::FuncRef(Some(own_seven)))
                                .map_err(|e| format!("own Table::set: {e}")),
                            own_table
                                .set(&mut *c, 3, Val::FuncRef(None))
                                .map_err(|e| format!("own Table::set: {e}")),
                        ];
                        let mut f = failures2.lock().unwrap();
                        f.extend(checks.into_iter().chain(more).filter_map(|r| r.err()));
                        Ok(())
                    },
                )
                .unwrap();
            let module = Module::new(
                b.store.engine(),
                r#"(module
                  (import "host" "poke" (func $poke))
                  (table (export "table") 4 funcref)
                  (func $seven (export "seven") (result i32) (i32.const 7))
                  (func (export "run") (call $poke)))"#,
            )
            .unwrap();
            let inst = linker.instantiate(&mut b.store, &module).unwrap();
            let run = inst.get_typed_func::<(), ()>(&mut b.store, "run").unwrap();
            for _ in 0..3 {
                run.call(&mut b.store, ()).unwrap();
            }
            assert_eq!(*calls.lock().unwrap(), 3, "{ctx}");
            let failures = failures.lock().unwrap();
            assert!(failures.is_empty(), "{ctx}: {failures:#?}");
        },
    );
}

#[test]
fn linker_and_instance_new_reject_items_of_another_store_in_every_strategy() {
    run(
        "linker_and_instance_new_reject_items_of_another_store_in_every_strategy",
        |ctx, a, b| {
            let engine = b.store.engine().clone();
            let items: [(&str, Extern); 4] = [
                ("f", a.seven.into()),
                ("mem", a.memory.into()),
                ("table", a.table.into()),
                ("g", a.g.into()),
            ];
            let mut linker = Linker::<()>::new(&engine);
            for (name, item) in items {
                expect_err(
                    ctx,
                    "Linker::define",
                    linker.define(&b.store, "m", name, item),
                );
            }
            expect_err(
                ctx,
                "Linker::instance",
                linker.instance(&mut b.store, "m", a.instance).map(|_| ()),
            );
            let module = Module::new(
                &engine,
                r#"(module
                  (import "m" "f" (func (result i32)))
                  (import "m" "mem" (memory 1))
                  (import "m" "table" (table 1 funcref))
                  (import "m" "g" (global (mut i32))))"#,
            )
            .unwrap();
            // Nothing was defined, so instantiation finds nothing to link.
            assert!(linker.instantiate(&mut b.store, &module).is_err(), "{ctx}");
            // Items defined against their own store, then used with another.
            let mut linker = Linker::<()>::new(a.store.engine());
            for (name, item) in items {
                linker.define(&a.store, "m", name, item).unwrap();
            }
            expect_err(
                ctx,
                "Linker::instantiate",
                linker.instantiate(&mut b.store, &module),
            );
            let imports: Vec<Extern> = items.iter().map(|&(_, e)| e).collect();
            expect_err(
                ctx,
                "Instance::new",
                Instance::new(&mut b.store, &module, &imports),
            );
            // One foreign import among the store's own is enough to refuse.
            let own: [Extern; 4] = [b.seven.into(), b.memory.into(), b.table.into(), b.g.into()];
            for k in 0..4 {
                let mut mixed = own;
                mixed[k] = imports[k];
                expect_err(
                    ctx,
                    "Instance::new",
                    Instance::new(&mut b.store, &module, &mixed),
                );
            }
            Instance::new(&mut b.store, &module, &own).unwrap();
        },
    );
}
