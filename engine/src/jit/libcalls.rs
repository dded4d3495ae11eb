//! Runtime helpers compiled code calls for operations too large to inline:
//! bulk memory, tables, memory size and growth, function references.
//!
//! Each takes the instance's context and up to four arguments, returns its
//! result, and reports a trap by setting `VmCtx::trap`. They run while
//! compiled code holds no references into the store, so taking a mutable
//! reference to the store's untyped part from the context is sound.

use super::code_of;
use super::vmctx::{Helper, VmCtx};
use crate::error::TrapCode;
use crate::runtime::bulk;
use crate::runtime::memory::PAGE_SIZE;
use crate::runtime::store::StoreInner;

/// A runtime helper compiled code calls through the context's table
/// ([`LIBCALLS`]), which keeps the code free of absolute addresses.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Libcall {
    MemorySize,
    MemoryFill,
    MemoryCopy,
    MemoryInit,
    DataDrop,
    TableGet,
    TableSet,
    TableSize,
    TableFill,
    TableCopy,
    TableInit,
    ElemDrop,
    RefFunc,
}

/// Every [`Libcall`], indexed by it.
pub(crate) static LIBCALLS: [Helper; 13] = [
    memory_size,
    memory_fill,
    memory_copy,
    memory_init,
    data_drop,
    table_get,
    table_set,
    table_size,
    table_fill,
    table_copy,
    table_init,
    elem_drop,
    ref_func,
];

/// The store and instance index behind `ctx`.
///
/// # Safety
/// `ctx` must be the live context of an instance whose store is entered.
unsafe fn parts<'a>(ctx: *mut VmCtx) -> (&'a mut StoreInner, usize) {
    // SAFETY: the caller guarantees a live context; its store pointer was
    // refreshed when compiled code was entered.
    unsafe { (&mut *(*ctx).inner, (*ctx).instance as usize) }
}

fn fail(ctx: *mut VmCtx, code: TrapCode) -> u64 {
    // SAFETY: `ctx` is live (the helpers' contract).
    unsafe { (*ctx).trap = code_of(code) };
    0
}

/// `memory.size` of memory `memory`.
pub(crate) unsafe extern "sysv64" fn memory_size(
    ctx: *mut VmCtx,
    memory: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let m = inner.instances[inst].memories[memory as usize] as usize;
    inner.memories[m].len() as u64 / PAGE_SIZE
}

/// Reports `result`'s trap through the context, returning its value or 0.
///
/// Helpers that need the store's data type (growth under the limiter) are
/// instantiated per type in `jit/mod.rs` and reached through the context.
fn report<T: Into<u64>>(ctx: *mut VmCtx, result: Result<T, TrapCode>) -> u64 {
    match result {
        Ok(v) => v.into(),
        Err(code) => fail(ctx, code),
    }
}

/// `memory.fill`: destination, value, length, memory.
pub(crate) unsafe extern "sysv64" fn memory_fill(
    ctx: *mut VmCtx,
    dst: u64,
    val: u64,
    len: u64,
    memory: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let r = bulk::memory_fill(inner, inst as u32, memory as u32, dst, val as u8, len);
    report(ctx, r.map(|()| 0u64))
}

/// `memory.copy`: destination, source, length, and the memories as
/// `bulk::memory_copy` takes them.
pub(crate) unsafe extern "sysv64" fn memory_copy(
    ctx: *mut VmCtx,
    dst: u64,
    src: u64,
    len: u64,
    memories: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let r = bulk::memory_copy(inner, inst as u32, memories as u32, dst, src, len);
    report(ctx, r.map(|()| 0u64))
}

/// `memory.init`: data segment (the memory's index in the high 32 bits),
/// destination, source, length.
pub(crate) unsafe extern "sysv64" fn memory_init(
    ctx: *mut VmCtx,
    data: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let r = bulk::memory_init(
        inner,
        inst as u32,
        (data >> 32) as u32,
        data as u32,
        dst,
        src,
        len,
    );
    report(ctx, r.map(|()| 0u64))
}

/// `data.drop`.
pub(crate) unsafe extern "sysv64" fn data_drop(
    ctx: *mut VmCtx,
    data: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    bulk::data_drop(inner, inst as u32, data as u32);
    0
}

/// `table.get`.
pub(crate) unsafe extern "sysv64" fn table_get(
    ctx: *mut VmCtx,
    table: u64,
    index: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    report(
        ctx,
        bulk::table_get(inner, inst as u32, table as u32, index),
    )
}

/// `table.set`.
pub(crate) unsafe extern "sysv64" fn table_set(
    ctx: *mut VmCtx,
    table: u64,
    index: u64,
    val: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let r = bulk::table_set(inner, inst as u32, table as u32, index, val);
    report(ctx, r.map(|()| 0u64))
}

/// `table.size`.
pub(crate) unsafe extern "sysv64" fn table_size(
    ctx: *mut VmCtx,
    table: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    bulk::table_size(inner, inst as u32, table as u32) as u64
}

/// `table.fill`.
pub(crate) unsafe extern "sysv64" fn table_fill(
    ctx: *mut VmCtx,
    table: u64,
    index: u64,
    val: u64,
    len: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let r = bulk::table_fill(inner, inst as u32, table as u32, index, val, len);
    report(ctx, r.map(|()| 0u64))
}

/// `table.copy`: tables packed as destination | source << 16.
pub(crate) unsafe extern "sysv64" fn table_copy(
    ctx: *mut VmCtx,
    tables: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let (td, ts) = ((tables & 0xffff) as u32, ((tables >> 16) & 0xffff) as u32);
    let r = bulk::table_copy(inner, inst as u32, td, ts, dst, src, len);
    report(ctx, r.map(|()| 0u64))
}

/// `table.init`: table | element segment << 32, destination, source, length.
pub(crate) unsafe extern "sysv64" fn table_init(
    ctx: *mut VmCtx,
    packed: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let (table, elem) = ((packed & 0xffff_ffff) as u32, (packed >> 32) as u32);
    let r = bulk::table_init(inner, inst as u32, table, elem, dst, src, len);
    report(ctx, r.map(|()| 0u64))
}

/// `elem.drop`.
pub(crate) unsafe extern "sysv64" fn elem_drop(
    ctx: *mut VmCtx,
    elem: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    bulk::elem_drop(inner, inst as u32, elem as u32);
    0
}

/// `ref.func`: the function's reference cell.
pub(crate) unsafe extern "sysv64" fn ref_func(
    ctx: *mut VmCtx,
    func: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    inner.instances[inst].funcs[func as usize] as u64 + 1
}
