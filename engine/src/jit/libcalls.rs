//! Runtime helpers compiled code calls for operations too large to inline:
//! bulk memory, tables, memory size and growth, function references.
//!
//! Each takes the instance's context and up to four arguments, returns its
//! result, and reports a trap by setting `VmCtx::trap`. They run while
//! compiled code holds no references into the store, so taking a mutable
//! reference to the store's untyped part from the context is sound.

use super::code_of;
use super::vmctx::VmCtx;
use crate::error::TrapCode;
use crate::runtime::memory::PAGE_SIZE;
use crate::runtime::store::StoreInner;

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

/// `memory.size` of memory 0.
pub(crate) unsafe extern "sysv64" fn memory_size(
    ctx: *mut VmCtx,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let m = inner.instances[inst].memories[0] as usize;
    inner.memories[m].len() as u64 / PAGE_SIZE
}

/// `memory.grow` of memory 0: the old size in pages, or -1.
pub(crate) unsafe extern "sysv64" fn memory_grow(
    ctx: *mut VmCtx,
    delta: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let m = inner.instances[inst].memories[0] as usize;
    match inner.memories[m].grow(delta as u32 as u64) {
        Some(old) => old,
        None => u32::MAX as u64,
    }
}

/// `memory.fill`.
pub(crate) unsafe extern "sysv64" fn memory_fill(
    ctx: *mut VmCtx,
    dst: u64,
    val: u64,
    len: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let m = inner.instances[inst].memories[0] as usize;
    let mem = &mut inner.memories[m];
    match mem.check(dst as u32 as u64, len as u32 as u64) {
        Ok(at) => {
            mem.data_mut()[at..at + len as u32 as usize].fill(val as u8);
            0
        }
        Err(code) => fail(ctx, code),
    }
}

/// `memory.copy` within memory 0.
pub(crate) unsafe extern "sysv64" fn memory_copy(
    ctx: *mut VmCtx,
    dst: u64,
    src: u64,
    len: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let m = inner.instances[inst].memories[0] as usize;
    let mem = &mut inner.memories[m];
    let n = len as u32 as u64;
    match (
        mem.check(dst as u32 as u64, n),
        mem.check(src as u32 as u64, n),
    ) {
        (Ok(d), Ok(s)) => {
            mem.data_mut().copy_within(s..s + n as usize, d);
            0
        }
        (Err(code), _) | (_, Err(code)) => fail(ctx, code),
    }
}

/// `memory.init`: data segment, destination, source, length.
pub(crate) unsafe extern "sysv64" fn memory_init(
    ctx: *mut VmCtx,
    data: u64,
    dst: u64,
    src: u64,
    len: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let instance = &inner.instances[inst];
    let module = instance.module.clone();
    let seg: &[u8] = if instance.data_dropped[data as usize] {
        &[]
    } else {
        &module.inner.datas[data as usize].bytes
    };
    let (s, n) = (src as u32 as usize, len as u32 as usize);
    let m = instance.memories[0] as usize;
    let mem = &mut inner.memories[m];
    if s + n > seg.len() {
        return fail(ctx, TrapCode::MemoryOutOfBounds);
    }
    match mem.check(dst as u32 as u64, n as u64) {
        Ok(d) => {
            mem.data_mut()[d..d + n].copy_from_slice(&seg[s..s + n]);
            0
        }
        Err(code) => fail(ctx, code),
    }
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
    inner.instances[inst].data_dropped[data as usize] = true;
    0
}

fn table_index(inner: &StoreInner, inst: usize, table: u64) -> usize {
    inner.instances[inst].tables[table as usize] as usize
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
    let t = table_index(inner, inst, table);
    match inner.tables[t].elems.get(index as u32 as usize) {
        Some(&v) => v,
        None => fail(ctx, TrapCode::TableOutOfBounds),
    }
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
    let t = table_index(inner, inst, table);
    match inner.tables[t].elems.get_mut(index as u32 as usize) {
        Some(e) => {
            *e = val;
            0
        }
        None => fail(ctx, TrapCode::TableOutOfBounds),
    }
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
    let t = table_index(inner, inst, table);
    inner.tables[t].elems.len() as u64
}

/// `table.grow`: the old size, or -1.
pub(crate) unsafe extern "sysv64" fn table_grow(
    ctx: *mut VmCtx,
    table: u64,
    init: u64,
    delta: u64,
    _: u64,
) -> u64 {
    // SAFETY: helper contract.
    let (inner, inst) = unsafe { parts(ctx) };
    let t = table_index(inner, inst, table);
    match inner.tables[t].grow(delta as u32 as u64, init) {
        Some(old) => old,
        None => u32::MAX as u64,
    }
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
    let t = table_index(inner, inst, table);
    let elems = &mut inner.tables[t].elems;
    let (i, n) = (index as u32 as usize, len as u32 as usize);
    if i + n > elems.len() {
        return fail(ctx, TrapCode::TableOutOfBounds);
    }
    elems[i..i + n].fill(val);
    0
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
    let td = table_index(inner, inst, tables & 0xffff);
    let ts = table_index(inner, inst, (tables >> 16) & 0xffff);
    let (d, s, n) = (
        dst as u32 as usize,
        src as u32 as usize,
        len as u32 as usize,
    );
    if s + n > inner.tables[ts].elems.len() || d + n > inner.tables[td].elems.len() {
        return fail(ctx, TrapCode::TableOutOfBounds);
    }
    if td == ts {
        inner.tables[td].elems.copy_within(s..s + n, d);
    } else {
        let items: Vec<u64> = inner.tables[ts].elems[s..s + n].to_vec();
        inner.tables[td].elems[d..d + n].copy_from_slice(&items);
    }
    0
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
    let (table, elem) = (packed & 0xffff_ffff, (packed >> 32) as usize);
    let t = table_index(inner, inst, table);
    let seg = &inner.instances[inst].elems[elem];
    let (d, s, n) = (
        dst as u32 as usize,
        src as u32 as usize,
        len as u32 as usize,
    );
    if s + n > seg.len() || d + n > inner.tables[t].elems.len() {
        return fail(ctx, TrapCode::TableOutOfBounds);
    }
    let items: Vec<u64> = seg[s..s + n].to_vec();
    inner.tables[t].elems[d..d + n].copy_from_slice(&items);
    0
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
    inner.instances[inst].elems[elem as usize] = Box::new([]);
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
