//! Values crossing the embedding API, and their cell encoding.
//!
//! Inside the engine every value is an 8-byte cell: integers and floats as
//! their bits, references as a store index plus one (0 is null).

use super::exception::Exn;
use super::func::Func;
use super::store::{AsContext, AsContextMut, StoreInner};
use crate::error::{Error, Result};
use crate::types::{HeapType, RefType, ValType};
use std::any::Any;

/// Fails unless a handle of kind `what` owned by store `owner` is used with
/// the store `used_with`: the check every `Result`-returning entry makes.
pub(crate) fn check_store(what: &str, owner: u64, used_with: u64) -> Result<()> {
    if owner == used_with {
        Ok(())
    } else {
        Err(Error::ty(format!("{what} used with another store")))
    }
}

/// Panics unless a handle of kind `what` owned by store `owner` is used with
/// the store `used_with`: the check of entries that do not return `Result`,
/// made before any of the store's items is looked up.
#[track_caller]
pub(crate) fn assert_store(what: &str, owner: u64, used_with: u64) {
    if owner != used_with {
        panic!("{what} used with another store");
    }
}

/// An opaque host reference, owned by a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ExternRef {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl ExternRef {
    /// Wraps `value` as a reference the guest can hold.
    pub fn new<T: Any + Send + Sync>(mut store: impl AsContextMut, value: T) -> ExternRef {
        let store = store.as_context_mut();
        store.inner.externrefs.push(Box::new(value));
        ExternRef {
            store: store.inner.id,
            index: store.inner.externrefs.len() as u32 - 1,
        }
    }

    /// The wrapped host value.
    ///
    /// # Panics
    ///
    /// Panics with "ExternRef used with another store" if used with a store
    /// other than its own; it never returns another store's value.
    pub fn data<'a, C: AsContext>(&self, store: &'a C) -> &'a (dyn Any + Send + Sync) {
        let inner = &store.as_context().inner;
        assert_store("ExternRef", self.store, inner.id);
        &*inner.externrefs[self.index as usize]
    }
}

/// A wasm value.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Val {
    /// 32-bit integer.
    I32(i32),
    /// 64-bit integer.
    I64(i64),
    /// 32-bit float, as its bits (NaN payloads are kept).
    F32(u32),
    /// 64-bit float, as its bits.
    F64(u64),
    /// 128-bit vector.
    V128(u128),
    /// Nullable function reference.
    FuncRef(Option<Func>),
    /// Nullable host reference.
    ExternRef(Option<ExternRef>),
    /// Nullable exception reference (`exnref`).
    ExnRef(Option<Exn>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
            Val::ExnRef(_) => ValType::Ref(RefType::new(true, HeapType::Exn)),
        }
    }

    /// The zero or null value of `ty` (null of a non-nullable reference
    /// type too, which is not a value of it: a placeholder to overwrite).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::Ref(r) if r.heap_type() == HeapType::Extern => Val::ExternRef(None),
            ValType::Ref(r) if r.heap_type() == HeapType::Exn => Val::ExnRef(None),
            ValType::FuncRef | ValType::Ref(_) => Val::FuncRef(None),
        }
    }

    /// Whether the value is one of type `ty` in the store `inner`: of that
    /// type, or a reference that matches it (a function of the type a
    /// typed reference names, non-null where null is not allowed).
    pub(crate) fn matches(&self, inner: &StoreInner, ty: ValType) -> bool {
        let Some(r) = ty.as_ref_type() else {
            return self.ty() == ty;
        };
        let extern_ = r.heap_type() == HeapType::Extern;
        let exn = r.heap_type() == HeapType::Exn;
        match *self {
            Val::FuncRef(None) => r.is_nullable() && !extern_ && !exn,
            Val::ExternRef(None) => r.is_nullable() && extern_,
            Val::ExternRef(Some(_)) => extern_,
            Val::ExnRef(None) => r.is_nullable() && exn,
            Val::ExnRef(Some(_)) => exn,
            Val::FuncRef(Some(f)) => match r.heap_type() {
                HeapType::Func => true,
                HeapType::Extern | HeapType::Exn => false,
                HeapType::ConcreteFunc(id) => {
                    f.store == inner.id
                        && inner
                            .funcs
                            .get(f.index as usize)
                            .is_some_and(|e| e.type_id() == id)
                }
            },
            _ => false,
        }
    }

    /// The i32, if this is one.
    pub fn i32(&self) -> Option<i32> {
        match *self {
            Val::I32(v) => Some(v),
            _ => None,
        }
    }

    /// The i64, if this is one.
    pub fn i64(&self) -> Option<i64> {
        match *self {
            Val::I64(v) => Some(v),
            _ => None,
        }
    }

    /// The f32, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match *self {
            Val::F32(v) => Some(f32::from_bits(v)),
            _ => None,
        }
    }

    /// The f64, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match *self {
            Val::F64(v) => Some(f64::from_bits(v)),
            _ => None,
        }
    }

    /// The 128 bits, lane 0 least significant, if this is a v128.
    pub fn v128(&self) -> Option<u128> {
        match *self {
            Val::V128(v) => Some(v),
            _ => None,
        }
    }

    /// The function reference, if this is a funcref.
    pub fn funcref(&self) -> Option<Option<Func>> {
        match *self {
            Val::FuncRef(f) => Some(f),
            _ => None,
        }
    }

    /// The host reference, if this is an externref.
    pub fn externref(&self) -> Option<Option<ExternRef>> {
        match *self {
            Val::ExternRef(r) => Some(r),
            _ => None,
        }
    }

    /// The exception reference, if this is an exnref.
    pub fn exnref(&self) -> Option<Option<Exn>> {
        match *self {
            Val::ExnRef(r) => Some(r),
            _ => None,
        }
    }

    /// The cell encoding of this value, a `v128` in all 128 bits and every
    /// other value in the low 64 (one cell); `None` for a reference from
    /// another store.
    pub(crate) fn to_bits(self, store_id: u64) -> Option<u128> {
        Some(match self {
            Val::I32(v) => v as u32 as u128,
            Val::I64(v) => v as u64 as u128,
            Val::F32(v) => v as u128,
            Val::F64(v) => v as u128,
            Val::V128(v) => v,
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) => 0,
            Val::ExnRef(Some(e)) => {
                if e.store != store_id {
                    return None;
                }
                e.index as u128 + 1
            }
            Val::FuncRef(Some(f)) => {
                if f.store != store_id {
                    return None;
                }
                f.index as u128 + 1
            }
            Val::ExternRef(Some(r)) => {
                if r.store != store_id {
                    return None;
                }
                r.index as u128 + 1
            }
        })
    }

    /// The one cell of a value that is not a `v128` (a table element);
    /// `None` for a reference from another store.
    pub(crate) fn to_cell(self, store_id: u64) -> Option<u64> {
        debug_assert!(!matches!(self, Val::V128(_)), "a v128 takes two cells");
        self.to_bits(store_id).map(|b| b as u64)
    }

    /// Writes the value's [`ValType::cells`] cells to the front of `cells`;
    /// `None` for a reference from another store.
    pub(crate) fn write_cells(self, cells: &mut [u64], store_id: u64) -> Option<()> {
        let bits = self.to_bits(store_id)?;
        cells[0] = bits as u64;
        if let Val::V128(_) = self {
            cells[1] = (bits >> 64) as u64;
        }
        Some(())
    }

    /// Decodes a value of type `ty` from the front of `cells`.
    pub(crate) fn read_cells(cells: &[u64], ty: ValType, store_id: u64) -> Val {
        match ty {
            ValType::V128 => Val::V128(cells[0] as u128 | (cells[1] as u128) << 64),
            _ => Val::from_cell(cells[0], ty, store_id),
        }
    }

    /// The values of types `tys`, laid out one after the other from the
    /// front of `cells` (a `v128` in two).
    pub(crate) fn read_all(cells: &[u64], tys: &[ValType], store_id: u64) -> Vec<Val> {
        let mut at = 0;
        tys.iter()
            .map(|&ty| {
                let v = Val::read_cells(&cells[at..], ty, store_id);
                at += ty.cells();
                v
            })
            .collect()
    }

    /// Decodes the cell encoding [`Val::to_bits`] of a value of type `ty`.
    pub(crate) fn from_bits(bits: u128, ty: ValType, store_id: u64) -> Val {
        match ty {
            ValType::V128 => Val::V128(bits),
            _ => Val::from_cell(bits as u64, ty, store_id),
        }
    }

    /// Decodes a cell of type `ty`; a `v128` from its low cell only (use
    /// [`Val::read_cells`] or [`Val::from_bits`] where one may occur).
    pub(crate) fn from_cell(cell: u64, ty: ValType, store_id: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(cell as u32 as i32),
            ValType::I64 => Val::I64(cell as i64),
            ValType::F32 => Val::F32(cell as u32),
            ValType::F64 => Val::F64(cell),
            ValType::V128 => Val::V128(cell as u128),
            ValType::FuncRef | ValType::ExternRef | ValType::Ref(_) if ty.is_func_ref() => {
                Val::FuncRef(cell.checked_sub(1).map(|i| Func {
                    store: store_id,
                    index: i as u32,
                }))
            }
            ValType::Ref(r) if r.heap_type() == HeapType::Exn => {
                Val::ExnRef(cell.checked_sub(1).map(|i| Exn {
                    store: store_id,
                    index: i as u32,
                }))
            }
            ValType::FuncRef | ValType::ExternRef | ValType::Ref(_) => {
                Val::ExternRef(cell.checked_sub(1).map(|i| ExternRef {
                    store: store_id,
                    index: i as u32,
                }))
            }
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}

impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}

impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

impl From<Func> for Val {
    fn from(f: Func) -> Val {
        Val::FuncRef(Some(f))
    }
}
