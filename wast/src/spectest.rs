//! The `spectest` host module that spec scripts import from.
//!
//! Mirrors the reference interpreter's definition (`interpreter/host/spectest.ml`):
//! silent print functions, constant globals holding 666 / 666.6, a funcref
//! table of 10..=20 elements and a memory of 1..=2 pages.

use strata::{
    Error, Global, GlobalType, Linker, Memory, MemoryType, Mutability, Store, Table, TableType,
    Val, ValType,
};

/// Defines every `spectest` export in `linker`, allocating in `store`.
pub fn define(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), Error> {
    // The prints exist only so imports link; output would drown the report.
    linker.func_wrap("spectest", "print", || {})?;
    linker.func_wrap("spectest", "print_i32", |_: i32| {})?;
    linker.func_wrap("spectest", "print_i64", |_: i64| {})?;
    linker.func_wrap("spectest", "print_f32", |_: f32| {})?;
    linker.func_wrap("spectest", "print_f64", |_: f64| {})?;
    linker.func_wrap("spectest", "print_i32_f32", |_: i32, _: f32| {})?;
    linker.func_wrap("spectest", "print_f64_f64", |_: f64, _: f64| {})?;

    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, value) in globals {
        let global = Global::new(&mut *store, GlobalType::new(ty, Mutability::Const), value)?;
        linker.define(&*store, "spectest", name, global)?;
    }

    let table = Table::new(
        &mut *store,
        TableType::new(ValType::FuncRef, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define(&*store, "spectest", "table", table)?;

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&*store, "spectest", "memory", memory)?;
    Ok(())
}
