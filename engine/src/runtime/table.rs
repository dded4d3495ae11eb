//! Tables and globals as host-visible handles.

use super::store::{AsContext, AsContextMut, GlobalEntity, Store, TableEntity};
use super::value::Val;
use crate::error::{Error, Result};
use crate::types::{GlobalType, Mutability, TableType};

/// Tables never grow past this many elements, whatever their type allows.
pub(crate) const MAX_TABLE_ELEMS: u64 = 10_000_000;

/// A handle to a table in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl TableEntity {
    /// Grows by `delta` elements set to `init`, returning the old size.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.elems.len() as u64;
        let new = old.checked_add(delta)?;
        let max = self
            .ty
            .maximum()
            .unwrap_or(u32::MAX as u64)
            .min(MAX_TABLE_ELEMS);
        if new > max {
            return None;
        }
        self.elems.resize(new as usize, init);
        Some(old)
    }
}

fn cell_of<T>(store: &Store<T>, val: Val, want: crate::ValType) -> Result<u64> {
    if val.ty() != want {
        return Err(Error::ty(format!(
            "expected a {want} value, got {}",
            val.ty()
        )));
    }
    val.to_cell(store.inner.id)
        .ok_or_else(|| Error::ty("reference from another store"))
}

impl Table {
    /// Creates a table with every element set to `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = store.as_context_mut();
        let cell = cell_of(store, init, ty.element())?;
        if ty.minimum() > MAX_TABLE_ELEMS {
            return Err(Error::instantiate("table minimum size is too large"));
        }
        store.inner.tables.push(TableEntity {
            ty,
            elems: vec![cell; ty.minimum() as usize],
        });
        Ok(Table {
            store: store.inner.id,
            index: store.inner.tables.len() as u32 - 1,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a TableEntity {
        assert_eq!(store.inner.id, self.store, "table used with another store");
        &store.inner.tables[self.index as usize]
    }

    /// The table's type (minimum = current size).
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let t = self.entity(store.as_context());
        TableType::from_limits(t.ty.element(), t.elems.len() as u64, t.ty.maximum())
    }

    /// Current size in elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(store.as_context()).elems.len() as u64
    }

    /// Element `index`, or `None` when out of bounds.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let store = store.as_context();
        let t = self.entity(store);
        let cell = *t.elems.get(usize::try_from(index).ok()?)?;
        Some(Val::from_cell(cell, t.ty.element(), store.inner.id))
    }

    /// Sets element `index`.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, val: Val) -> Result<()> {
        let store = store.as_context_mut();
        let cell = cell_of(store, val, self.entity(store).ty.element())?;
        let t = &mut store.inner.tables[self.index as usize];
        match t.elems.get_mut(index as usize) {
            Some(e) => {
                *e = cell;
                Ok(())
            }
            None => Err(Error::trap(crate::TrapCode::TableOutOfBounds)),
        }
    }

    /// Grows by `delta` elements set to `init`, returning the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64> {
        let store = store.as_context_mut();
        let cell = cell_of(store, init, self.entity(store).ty.element())?;
        store.inner.tables[self.index as usize]
            .grow(delta, cell)
            .ok_or_else(|| Error::instantiate("table cannot grow past its maximum"))
    }
}

/// A handle to a global in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Global {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Global {
    /// Creates a global holding `val`.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let store = store.as_context_mut();
        let value = cell_of(store, val, ty.content())?;
        store
            .inner
            .globals
            .push(Box::new(GlobalEntity { ty, value }));
        Ok(Global {
            store: store.inner.id,
            index: store.inner.globals.len() as u32 - 1,
        })
    }

    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a GlobalEntity {
        assert_eq!(store.inner.id, self.store, "global used with another store");
        &store.inner.globals[self.index as usize]
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        self.entity(store.as_context()).ty
    }

    /// The current value.
    pub fn get(&self, store: impl AsContext) -> Val {
        let store = store.as_context();
        let g = self.entity(store);
        Val::from_cell(g.value, g.ty.content(), store.inner.id)
    }

    /// Sets the value; fails for immutable globals and wrong types.
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let store = store.as_context_mut();
        let ty = self.entity(store).ty;
        if ty.mutability() != Mutability::Var {
            return Err(Error::ty("cannot set an immutable global"));
        }
        let cell = cell_of(store, val, ty.content())?;
        store.inner.globals[self.index as usize].value = cell;
        Ok(())
    }
}
