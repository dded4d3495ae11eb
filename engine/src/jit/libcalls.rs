//! Runtime helpers compiled code calls for operations too large to inline:
//! bulk memory, tables, memory size and growth, function references,
//! exceptions, and the SIMD operations compiled code has no sequence for.
//!
//! Each takes the instance's context and up to four arguments, returns its
//! result, and reports a trap by setting `VmCtx::trap`; the exception
//! helpers instead return the code to raise (0 for none). They run while
//! compiled code holds no references into the store, so taking a mutable
//! reference to the store's untyped part from the context is sound.

use super::vmctx::{Helper, VmCtx};
use super::{code_of, HOST_PENDING};
use crate::error::TrapCode;
use crate::runtime::memory::PAGE_SIZE;
use crate::runtime::store::StoreInner;
use crate::runtime::{bulk, exception};

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
    Throw,
    ThrowRef,
    Rethrow,
    CatchTag,
    TakeException,
    V128,
}

/// Every [`Libcall`], indexed by it.
pub(crate) static LIBCALLS: [Helper; 19] = [
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
    throw,
    throw_ref,
    rethrow,
    catch_tag,
    take_exception,
    v128,
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

/// Makes `exn` the store's pending error, as a raised exception.
fn raise_exception(inner: &mut StoreInner, exn: u32) -> u64 {
    inner.pending = Some(exception::thrown(inner, exn));
    strata_jit::CATCHABLE as u64
}

/// `throw` of the module's tag `tag`, whose values are in the cells at `fp`.
pub(crate) unsafe extern "sysv64" fn throw(
    ctx: *mut VmCtx,
    fp: u64,
    tag: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: the helpers' contract.
    let (inner, instance) = unsafe { parts(ctx) };
    // SAFETY: compiled code wrote the values to its outgoing cells, which
    // are inside the value stack.
    let field = |k| unsafe { *(fp as *const u64).add(k) };
    let exn = exception::throw_new(inner, instance, tag as u32, field);
    raise_exception(inner, exn)
}

/// `throw_ref` of the reference cell `exn`.
pub(crate) unsafe extern "sysv64" fn throw_ref(
    ctx: *mut VmCtx,
    exn: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: the helpers' contract.
    let (inner, _) = unsafe { parts(ctx) };
    match exn.checked_sub(1) {
        Some(index) => raise_exception(inner, index as u32),
        None => code_of(TrapCode::NullReference) as u64,
    }
}

/// A landing pad's `rethrow`: throws on the exception no clause took.
pub(crate) unsafe extern "sysv64" fn rethrow(
    ctx: *mut VmCtx,
    _: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: the helpers' contract.
    let (inner, _) = unsafe { parts(ctx) };
    match inner.in_flight.take() {
        Some(exn) => raise_exception(inner, exn),
        None => code_of(TrapCode::Unreachable) as u64,
    }
}

/// A catch clause for the module's tag `tag` (any, for `CATCH_ALL`):
/// 1 when it takes the exception in flight, whose values (then, with
/// `with_ref`, the reference) it writes to the cells at `fp`; else 0.
pub(crate) unsafe extern "sysv64" fn catch_tag(
    ctx: *mut VmCtx,
    fp: u64,
    tag: u64,
    with_ref: u64,
    _: u64,
) -> u64 {
    // SAFETY: the helpers' contract.
    let (inner, instance) = unsafe { parts(ctx) };
    let Some((exn, fields)) = exception::clause_match(inner, instance, tag as u32) else {
        return 0;
    };
    let out = fp as *mut u64;
    // SAFETY: the clause's outgoing cells, inside the value stack, hold
    // as many values as the tag carries, and the reference.
    unsafe {
        std::ptr::copy_nonoverlapping(fields.as_ptr(), out, fields.len());
        if with_ref != 0 {
            *out.add(fields.len()) = exn as u64 + 1;
        }
    }
    exception::clause_took(inner, exn, with_ref != 0);
    1
}

/// After a call inside a `try_table` failed with `status`: 0 when the
/// failure was an exception of this store, which is now in flight for
/// the landing pad; else the status to raise.
pub(crate) unsafe extern "sysv64" fn take_exception(
    ctx: *mut VmCtx,
    status: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: the helpers' contract.
    let (inner, _) = unsafe { parts(ctx) };
    if status != HOST_PENDING as u64 && status != strata_jit::CATCHABLE as u64 {
        return status;
    }
    let exn = inner
        .pending
        .as_ref()
        .and_then(|e| exception::caught(inner, e));
    match exn {
        Some(exn) => {
            inner.pending = None;
            inner.in_flight = Some(exn);
            0
        }
        None => status,
    }
}

/// The kind of SIMD memory access compiled code hands to [`v128`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum V128Slow {
    Load,
    LoadLane,
    Store,
}

impl V128Slow {
    const ALL: [V128Slow; 3] = [V128Slow::Load, V128Slow::LoadLane, V128Slow::Store];
}

/// A SIMD memory access whose static offset reaches past the guard
/// region, run on the frame at `fp` with an explicit bounds check, as the
/// interpreter runs it: compiled code stored every register to its home
/// cell first, so each operand is in its cell. `word` packs the access (a
/// `V128Mem`) and the cells `dst`, `ptr` and the vector, 16 bits each;
/// `extra` the lane, the kind ([`V128Slow`]) and the memory index;
/// `offset` is the access's static offset.
pub(crate) unsafe extern "sysv64" fn v128(
    ctx: *mut VmCtx,
    fp: u64,
    word: u64,
    extra: u64,
    offset: u64,
) -> u64 {
    use crate::ir::V128Mem;
    use crate::simd::{lanes, v128, V128Bits};
    let fp = fp as *mut u64;
    let field = |k: u32| (word >> (16 * k)) as u16 as usize;
    let (id, dst, ptr, vector) = (field(0), field(1), field(2), field(3));
    let lane = (extra >> 16) as u8;
    let (Some(&shape), Some(&kind)) = (
        V128Slow::ALL.get((extra >> 24) as u8 as usize),
        V128Mem::ALL.get(id),
    ) else {
        return 0;
    };
    let memory = (extra >> 32) as usize;
    // SAFETY: the cells are the frame's (the translator's registers, and
    // for a v128 the cell after, which `FuncBody::uses_v128` keeps in the
    // frame); compiled code wrote every operand to its cell. The access is
    // checked against the memory's length before it is made.
    unsafe {
        let cell = |r: usize| *fp.add(r);
        // A v128's two cells are consecutive but only 8-aligned.
        let get = |r: usize| fp.add(r).cast::<V128Bits>().read_unaligned();
        let (inner, inst) = parts(ctx);
        let m = inner.instances[inst].memories[memory] as usize;
        let (base, len) = (inner.memories[m].base(), inner.memories[m].len() as u64);
        let size = kind.size();
        let in_bounds = cell(ptr)
            .checked_add(offset)
            .filter(|&ea| len.checked_sub(size).is_some_and(|last| ea <= last));
        let Some(ea) = in_bounds else {
            return fail(ctx, TrapCode::MemoryOutOfBounds);
        };
        let p = base.add(ea as usize);
        if shape == V128Slow::Store {
            let v: [u8; 16] = lanes(kind.stored(get(vector), lane));
            core::ptr::copy_nonoverlapping(v.as_ptr(), p, size as usize);
        } else {
            let mut bytes = [0u8; 16];
            core::ptr::copy_nonoverlapping(p, bytes.as_mut_ptr(), size as usize);
            let bits: V128Bits = v128(bytes);
            let [low, _]: [u64; 2] = lanes(bits);
            let v = match shape {
                V128Slow::LoadLane => kind.load_lane(get(vector), low, lane),
                _ if size == 16 => bits,
                _ => kind.loaded(low),
            };
            fp.add(dst).cast::<V128Bits>().write_unaligned(v);
        }
    }
    0
}
