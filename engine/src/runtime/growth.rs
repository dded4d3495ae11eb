//! Growing and creating memories and tables under the store's limiter.
//!
//! One implementation for every path: `memory.grow` and `table.grow` in the
//! interpreter and in compiled code, the embedding API, and instantiation,
//! which asks to grow each new memory and table from 0 to its minimum.

use super::limits::ResourceLimiter;
use super::memory::PAGE_SIZE;
use super::store::Store;
use crate::error::{Error, Result};

/// Grows store memory `m` by `delta` pages: `Ok(Some(old pages))`, or
/// `Ok(None)` when the maximum, the limiter or the host denies it (wasm's
/// -1); an error when the limiter asks for a trap.
pub(crate) fn grow_memory<T>(store: &mut Store<T>, m: usize, delta: u64) -> Result<Option<u64>> {
    let mem = &store.inner.memories[m];
    let (current, pages) = (mem.len(), mem.pages());
    if delta == 0 {
        return Ok(Some(pages));
    }
    let max_pages = mem.max_pages();
    let maximum = Some((max_pages * PAGE_SIZE) as usize);
    let new_pages = pages.checked_add(delta).filter(|&n| n <= max_pages);
    let Some(new_pages) = new_pages else {
        let e = Error::msg(format!(
            "memory cannot grow by {delta} pages past its maximum of {max_pages} pages"
        ));
        store.ask_limiter(|l| l.memory_grow_failed(e), ())?;
        return Ok(None);
    };
    let desired = (new_pages * PAGE_SIZE) as usize;
    if !store.ask_limiter(|l| l.memory_growing(current, desired, maximum), true)? {
        return Ok(None);
    }
    match store.inner.memories[m].grow(delta) {
        Some(old) => Ok(Some(old)),
        None => {
            let e = Error::msg(format!(
                "the host could not grow a memory to {desired} bytes"
            ));
            store.ask_limiter(|l| l.memory_grow_failed(e), ())?;
            Ok(None)
        }
    }
}

/// The value of an index or size operand (address, length, delta) of a
/// memory or table with index type `is_64`: a 32-bit one is the low half
/// of its cell, whatever the tier that wrote the cell left above it.
#[inline]
pub(crate) fn index_operand(cell: u64, is_64: bool) -> u64 {
    if is_64 {
        cell
    } else {
        cell as u32 as u64
    }
}

/// `memory.grow` and `table.grow` as wasm sees their result: the old size,
/// or -1 of the index type (zero-extended to the cell when 32-bit).
fn grow_result(old: Option<u64>, is_64: bool) -> u64 {
    match old {
        Some(old) => old,
        None => index_operand(u64::MAX, is_64),
    }
}

/// `memory.grow` of store memory `m` by the operand in cell `delta`, for
/// both tiers: the instruction's result.
pub(crate) fn memory_grow_op<T>(store: &mut Store<T>, m: usize, delta: u64) -> Result<u64> {
    let is_64 = store.inner.memories[m].is_64();
    let old = grow_memory(store, m, index_operand(delta, is_64))?;
    Ok(grow_result(old, is_64))
}

/// `table.grow` of store table `t` by the operand in cell `delta`, new
/// elements set to `init`, for both tiers: the instruction's result.
pub(crate) fn table_grow_op<T>(
    store: &mut Store<T>,
    t: usize,
    delta: u64,
    init: u64,
) -> Result<u64> {
    let is_64 = store.inner.tables[t].ty.is_64();
    let old = grow_table(store, t, index_operand(delta, is_64), init)?;
    Ok(grow_result(old, is_64))
}

/// Grows store table `t` by `delta` elements set to `init`, as
/// [`grow_memory`] does memories.
pub(crate) fn grow_table<T>(
    store: &mut Store<T>,
    t: usize,
    delta: u64,
    init: u64,
) -> Result<Option<u64>> {
    let table = &store.inner.tables[t];
    let current = table.elems().len();
    if delta == 0 {
        return Ok(Some(current as u64));
    }
    let max = table.max_elems();
    let new_len = (current as u64).checked_add(delta).filter(|&n| n <= max);
    let Some(new_len) = new_len else {
        let e = Error::msg(format!(
            "table cannot grow by {delta} elements past its maximum of {max}"
        ));
        store.ask_limiter(|l| l.table_grow_failed(e), ())?;
        return Ok(None);
    };
    let maximum = table.ty.maximum().map(|m| m as usize);
    let desired = new_len as usize;
    if !store.ask_limiter(|l| l.table_growing(current, desired, maximum), true)? {
        return Ok(None);
    }
    let inner = &mut store.inner;
    Ok(inner.tables[t].grow(delta, init, &inner.funcs))
}

/// Checks that a new memory of `minimum` pages (maximum `maximum`) may be
/// created in the store, besides `pending` others being created with it:
/// the count of memories, then its size.
pub(crate) fn admit_memory<T>(
    store: &mut Store<T>,
    pending: usize,
    minimum: u64,
    maximum: Option<u64>,
) -> Result<()> {
    let bytes = |pages: u64| pages.saturating_mul(PAGE_SIZE).min(usize::MAX as u64) as usize;
    let count = store.inner.memories.len() + pending;
    admit(
        store,
        ("memories", count, |l| l.memories()),
        |l| l.memory_growing(0, bytes(minimum), maximum.map(bytes)),
        || format!("a memory of {minimum} pages exceeds the store's limits"),
    )
}

/// Checks that a new table of `minimum` elements may be created, as
/// [`admit_memory`] does memories.
pub(crate) fn admit_table<T>(
    store: &mut Store<T>,
    pending: usize,
    minimum: u64,
    maximum: Option<u64>,
) -> Result<()> {
    let count = store.inner.tables.len() + pending;
    admit(
        store,
        ("tables", count, |l| l.tables()),
        |l| l.table_growing(0, minimum as usize, maximum.map(|m| m as usize)),
        || format!("a table of {minimum} elements exceeds the store's limits"),
    )
}

/// What [`admit`] counts: the kind's name, how many the store holds with
/// the new one's siblings, and the limiter's limit for it.
type Count = (&'static str, usize, fn(&dyn ResourceLimiter) -> usize);

/// Asks the limiter whether one more item of a kind may exist (`count`)
/// and start at its size (`growing`).
fn admit<T>(
    store: &mut Store<T>,
    (kind, count, limit): Count,
    growing: impl FnOnce(&mut dyn ResourceLimiter) -> Result<bool>,
    denied: impl FnOnce() -> String,
) -> Result<()> {
    let ok = store.ask_limiter(
        |l: &mut dyn ResourceLimiter| {
            let max = limit(l);
            if count >= max {
                return Err(Error::instantiate(format!(
                    "the store's limit of {max} {kind} is reached"
                )));
            }
            growing(l)
        },
        true,
    )?;
    if ok {
        Ok(())
    } else {
        Err(Error::instantiate(denied()))
    }
}

/// Checks that one more instance may be created.
pub(crate) fn admit_instance<T>(store: &mut Store<T>) -> Result<()> {
    let count = store.inner.instances.len();
    admit(
        store,
        ("instances", count, |l| l.instances()),
        |_| Ok(true),
        String::new,
    )
}
