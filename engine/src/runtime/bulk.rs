//! Table and bulk-memory operations on the store, shared by the interpreter
//! and the JIT's runtime helpers so both tiers have one implementation.
//!
//! Indices are the instance's own (table, segment). Addresses, lengths and
//! offsets are the operands' cells as the tiers read them: what of a cell
//! is the operand depends on the memory's or table's index type
//! ([`index_operand`]); segment offsets and lengths are always `i32`.

use super::growth::index_operand;
use super::store::StoreInner;
use crate::error::TrapCode;

type Res<T> = Result<T, TrapCode>;

fn table(inner: &StoreInner, inst: u32, table: u32) -> usize {
    inner.instances[inst as usize].tables[table as usize] as usize
}

/// The value of operand cell `cell` of store table `t` (an index or size).
fn table_operand(inner: &StoreInner, t: usize, cell: u64) -> u64 {
    index_operand(cell, inner.tables[t].ty.is_64())
}

/// Bytes of a bulk memory operation that cost one unit of fuel, on top of
/// the operator's own unit.
pub(crate) const FUEL_BYTES_PER_UNIT: u64 = 64;
/// Elements of a bulk table operation that cost one unit of fuel.
pub(crate) const FUEL_ELEMS_PER_UNIT: u64 = 8;

/// Charges the fuel a bulk operation's length costs, after its bounds are
/// checked and before it runs (when the engine consumes fuel): both tiers
/// charge here, so alike.
fn charge(inner: &mut StoreInner, len: u64, per_unit: u64) -> Res<()> {
    if inner.engine.config().consume_fuel {
        inner.fuel = inner.fuel.saturating_sub((len / per_unit) as i64);
        if inner.fuel < 0 {
            return Err(TrapCode::OutOfFuel);
        }
    }
    Ok(())
}

/// The store's index of the instance's memory `memory`.
fn memory(inner: &StoreInner, inst: u32, memory: u32) -> usize {
    inner.instances[inst as usize].memories[memory as usize] as usize
}

/// `memory.fill` of the instance's memory `memory`.
pub(crate) fn memory_fill(
    inner: &mut StoreInner,
    inst: u32,
    memory_index: u32,
    dst: u64,
    val: u8,
    len: u64,
) -> Res<()> {
    let m = memory(inner, inst, memory_index);
    let is_64 = inner.memories[m].is_64();
    let (dst, len) = (index_operand(dst, is_64), index_operand(len, is_64));
    let at = inner.memories[m].check(dst, len)?;
    charge(inner, len, FUEL_BYTES_PER_UNIT)?;
    inner.memories[m].data_mut()[at..at + len as usize].fill(val);
    Ok(())
}

/// `memory.copy`; `memories` holds the destination memory's index in its
/// low 16 bits and the source's in its high 16 (as the IR's `imm` word).
/// Within one memory the ranges may overlap.
pub(crate) fn memory_copy(
    inner: &mut StoreInner,
    inst: u32,
    memories: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Res<()> {
    let dm = memory(inner, inst, memories & 0xffff);
    let sm = memory(inner, inst, memories >> 16);
    let (d64, s64) = (inner.memories[dm].is_64(), inner.memories[sm].is_64());
    // The length has the narrower of the two index types.
    let len = index_operand(len, d64 && s64);
    let d = inner.memories[dm].check(index_operand(dst, d64), len)?;
    let s = inner.memories[sm].check(index_operand(src, s64), len)?;
    charge(inner, len, FUEL_BYTES_PER_UNIT)?;
    let n = len as usize;
    if dm == sm {
        inner.memories[dm].data_mut().copy_within(s..s + n, d);
        return Ok(());
    }
    let (to, from) = if dm < sm {
        let (low, high) = inner.memories.split_at_mut(sm);
        (&mut low[dm], &high[0])
    } else {
        let (low, high) = inner.memories.split_at_mut(dm);
        (&mut high[0], &low[sm])
    };
    to.data_mut()[d..d + n].copy_from_slice(&from.data()[s..s + n]);
    Ok(())
}

/// `memory.init` of the instance's memory `memory` from data segment `data`.
pub(crate) fn memory_init(
    inner: &mut StoreInner,
    inst: u32,
    memory_index: u32,
    data: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Res<()> {
    let instance = &inner.instances[inst as usize];
    let module = instance.module.clone();
    let seg: &[u8] = if instance.data_dropped[data as usize] {
        &[]
    } else {
        &module.inner.datas[data as usize].bytes
    };
    let (s, n) = (src as u32 as usize, len as u32 as usize);
    if s + n > seg.len() {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    let m = memory(inner, inst, memory_index);
    let dst = index_operand(dst, inner.memories[m].is_64());
    let d = inner.memories[m].check(dst, n as u64)?;
    charge(inner, n as u64, FUEL_BYTES_PER_UNIT)?;
    inner.memories[m].data_mut()[d..d + n].copy_from_slice(&seg[s..s + n]);
    Ok(())
}

/// `data.drop`.
pub(crate) fn data_drop(inner: &mut StoreInner, inst: u32, data: u32) {
    inner.instances[inst as usize].data_dropped[data as usize] = true;
}

/// `table.get`.
pub(crate) fn table_get(inner: &StoreInner, inst: u32, t: u32, index: u64) -> Res<u64> {
    let t = table(inner, inst, t);
    inner.tables[t]
        .elems()
        .get(table_operand(inner, t, index) as usize)
        .copied()
        .ok_or(TrapCode::TableOutOfBounds)
}

/// `table.set`.
pub(crate) fn table_set(
    inner: &mut StoreInner,
    inst: u32,
    t: u32,
    index: u64,
    val: u64,
) -> Res<()> {
    let t = table(inner, inst, t);
    let index = inner.tables[t].check(table_operand(inner, t, index), 1)?;
    inner.tables[t].set(index, val, &inner.funcs);
    Ok(())
}

/// `table.size`.
pub(crate) fn table_size(inner: &StoreInner, inst: u32, t: u32) -> u32 {
    inner.tables[table(inner, inst, t)].elems().len() as u32
}

/// The store function `call_indirect` calls: entry `index` of table `t`
/// of instance `inst`, which must be set and of the module's type `ty`; or,
/// for table [`CALL_REF`](crate::ir::CALL_REF), the function reference
/// `index`, which must not be null.
#[inline]
pub(crate) fn indirect_callee(
    inner: &StoreInner,
    inst: u32,
    t: u32,
    index: u32,
    ty: u32,
) -> Res<u32> {
    if t == crate::ir::CALL_REF {
        // `call_ref`: validation checked the reference's type.
        return index.checked_sub(1).ok_or(TrapCode::NullFunctionReference);
    }
    let instance = &inner.instances[inst as usize];
    let cell = *inner.tables[table(inner, inst, t)]
        .elems()
        .get(index as usize)
        .ok_or(TrapCode::UndefinedElement)?;
    if cell == 0 {
        return Err(TrapCode::UninitializedElement);
    }
    let f = (cell - 1) as u32;
    if inner.funcs[f as usize].type_id() != instance.module.inner.env.type_ids[ty as usize] {
        return Err(TrapCode::IndirectCallTypeMismatch);
    }
    Ok(f)
}

/// `table.fill`.
pub(crate) fn table_fill(
    inner: &mut StoreInner,
    inst: u32,
    t: u32,
    index: u64,
    val: u64,
    len: u64,
) -> Res<()> {
    let t = table(inner, inst, t);
    let n = table_operand(inner, t, len);
    let i = inner.tables[t].check(table_operand(inner, t, index), n)?;
    charge(inner, n, FUEL_ELEMS_PER_UNIT)?;
    inner.tables[t].fill(i, n as usize, val, &inner.funcs);
    Ok(())
}

/// `table.copy` from table `src_table` to `dst_table`; the ranges may overlap.
#[allow(clippy::too_many_arguments)]
pub(crate) fn table_copy(
    inner: &mut StoreInner,
    inst: u32,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Res<()> {
    let td = table(inner, inst, dst_table);
    let ts = table(inner, inst, src_table);
    let (d64, s64) = (inner.tables[td].ty.is_64(), inner.tables[ts].ty.is_64());
    // The length has the narrower of the two index types.
    let len = index_operand(len, d64 && s64);
    let s = inner.tables[ts].check(index_operand(src, s64), len)?;
    let d = inner.tables[td].check(index_operand(dst, d64), len)?;
    charge(inner, len, FUEL_ELEMS_PER_UNIT)?;
    let n = len as usize;
    if td == ts {
        inner.tables[td].copy_within(s, d, n);
    } else {
        let items: Vec<u64> = inner.tables[ts].elems()[s..s + n].to_vec();
        inner.tables[td].write(d, &items, &inner.funcs);
    }
    Ok(())
}

/// `table.init` from element segment `elem`.
pub(crate) fn table_init(
    inner: &mut StoreInner,
    inst: u32,
    t: u32,
    elem: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Res<()> {
    let t = table(inner, inst, t);
    let seg = &inner.instances[inst as usize].elems[elem as usize];
    let (s, n) = (src as u32 as usize, len as u32 as usize);
    if s + n > seg.len() {
        return Err(TrapCode::TableOutOfBounds);
    }
    let d = inner.tables[t].check(table_operand(inner, t, dst), n as u64)?;
    charge(inner, n as u64, FUEL_ELEMS_PER_UNIT)?;
    let seg = &inner.instances[inst as usize].elems[elem as usize];
    let items: Vec<u64> = seg[s..s + n].to_vec();
    inner.tables[t].write(d, &items, &inner.funcs);
    Ok(())
}

/// `elem.drop`.
pub(crate) fn elem_drop(inner: &mut StoreInner, inst: u32, elem: u32) {
    inner.instances[inst as usize].elems[elem as usize] = Box::new([]);
}
