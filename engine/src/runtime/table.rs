//! Tables and globals as host-visible handles.

use super::growth;
use super::store::{AsContext, AsContextMut, FuncEntity, GlobalEntity, Store, TableEntity};
use super::value::{assert_store, check_store, Val};
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
    /// Elements the table may grow to: its declared maximum, within what
    /// the host allows a table.
    pub fn max_elems(&self) -> u64 {
        self.ty
            .maximum()
            .unwrap_or(u32::MAX as u64)
            .min(MAX_TABLE_ELEMS)
    }

    /// Checks that elements `[at, at + len)` are inside the table, as
    /// `LinearMemory::check` does bytes of a memory; gives `at`.
    pub fn check(&self, at: u64, len: u64) -> Result<usize, crate::TrapCode> {
        match at.checked_add(len) {
            Some(end) if end <= self.elems().len() as u64 => Ok(at as usize),
            _ => Err(crate::TrapCode::TableOutOfBounds),
        }
    }

    /// Grows by `delta` elements set to `init`, returning the old size.
    pub fn grow(&mut self, delta: u64, init: u64, funcs: &[FuncEntity]) -> Option<u64> {
        let old = self.elems().len() as u64;
        let new = old.checked_add(delta)?;
        if new > self.max_elems() {
            return None;
        }
        self.extend(delta as usize, init, funcs);
        Some(old)
    }
}

fn cell_of<T>(store: &Store<T>, val: Val, want: crate::ValType) -> Result<u64> {
    bits_of(store, val, want).map(|b| b as u64)
}

/// `val`'s cell encoding ([`Val::to_bits`]), checked to be of type `want`
/// and of this store.
fn bits_of<T>(store: &Store<T>, val: Val, want: crate::ValType) -> Result<u128> {
    if !val.matches(&store.inner, want) {
        return Err(Error::ty(format!(
            "expected a {want} value, got {}",
            val.ty()
        )));
    }
    val.to_bits(store.inner.id)
        .ok_or_else(|| Error::ty("reference from another store"))
}

impl Table {
    /// Creates a table with every element set to `init`.
    ///
    /// # Errors
    ///
    /// Fails if `init` is not of the element type or is a reference of
    /// another store, or if the minimum size is too large.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = store.as_context_mut();
        let cell = cell_of(store, init, ty.element())?;
        if ty.minimum() > MAX_TABLE_ELEMS {
            return Err(Error::instantiate("table minimum size is too large"));
        }
        growth::admit_table(store, 0, ty.minimum(), ty.maximum())?;
        let table = TableEntity::new(ty, cell, &store.inner.funcs);
        store.inner.tables.push(table);
        Ok(Table {
            store: store.inner.id,
            index: store.inner.tables.len() as u32 - 1,
        })
    }

    /// The table's state; panics unless `store` owns it.
    #[track_caller]
    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a TableEntity {
        assert_store("Table", self.store, store.inner.id);
        &store.inner.tables[self.index as usize]
    }

    /// The table's state, mutably, and the cell of `val`; fails unless
    /// `store` owns the table and `val` is a reference of the element type
    /// owned by `store` too.
    fn entity_and_cell<'a, T>(
        &self,
        store: &'a mut Store<T>,
        val: Val,
    ) -> Result<(&'a mut TableEntity, &'a [FuncEntity], u64)> {
        check_store("Table", self.store, store.inner.id)?;
        let element = store.inner.tables[self.index as usize].ty.element();
        let cell = cell_of(store, val, element)?;
        let inner = &mut store.inner;
        Ok((&mut inner.tables[self.index as usize], &inner.funcs, cell))
    }

    /// The table's type (minimum = current size).
    ///
    /// # Panics
    ///
    /// Panics with "Table used with another store" if used with a store
    /// other than its own.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let t = self.entity(store.as_context());
        TableType::from_limits(
            t.ty.element(),
            t.elems().len() as u64,
            t.ty.maximum(),
            t.ty.is_64(),
        )
    }

    /// Current size in elements.
    ///
    /// # Panics
    ///
    /// Panics with "Table used with another store" if used with a store
    /// other than its own.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(store.as_context()).elems().len() as u64
    }

    /// Element `index`, or `None` when out of bounds.
    ///
    /// # Panics
    ///
    /// Panics with "Table used with another store" if used with a store
    /// other than its own.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let store = store.as_context();
        let t = self.entity(store);
        let cell = *t.elems().get(usize::try_from(index).ok()?)?;
        Some(Val::from_cell(cell, t.ty.element(), store.inner.id))
    }

    /// Sets element `index`.
    ///
    /// # Errors
    ///
    /// Fails, changing nothing, if `index` is out of bounds, if `val` is not
    /// of the element type or is a reference of another store, or if the
    /// table is used with a store other than its own.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, val: Val) -> Result<()> {
        let (t, funcs, cell) = self.entity_and_cell(store.as_context_mut(), val)?;
        match usize::try_from(index) {
            Ok(i) if i < t.elems().len() => {
                t.set(i, cell, funcs);
                Ok(())
            }
            _ => Err(Error::trap(crate::TrapCode::TableOutOfBounds)),
        }
    }

    /// Grows by `delta` elements set to `init`, returning the old size.
    ///
    /// # Errors
    ///
    /// Fails, changing nothing, if the table would exceed its maximum, if
    /// `init` is not of the element type or is a reference of another store,
    /// or if the table is used with a store other than its own.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64> {
        let store = store.as_context_mut();
        let (_, _, cell) = self.entity_and_cell(&mut *store, init)?;
        growth::grow_table(store, self.index as usize, delta, cell)?.ok_or_else(|| {
            Error::instantiate("table cannot grow past its maximum or the store's limits")
        })
    }

    /// Sets the `len` elements from `dst` to `val`, as `table.fill` does.
    ///
    /// # Errors
    ///
    /// Fails, changing nothing, if `[dst, dst + len)` is not inside the
    /// table, if `val` is not of the element type or is a reference of
    /// another store, or if the table is used with a store other than its
    /// own.
    pub fn fill(&self, mut store: impl AsContextMut, dst: u64, val: Val, len: u64) -> Result<()> {
        let (t, funcs, cell) = self.entity_and_cell(store.as_context_mut(), val)?;
        let at = t.check(dst, len).map_err(Error::trap)?;
        t.fill(at, len as usize, cell, funcs);
        Ok(())
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
    ///
    /// # Errors
    ///
    /// Fails if `val` is not of the content type or is a reference of
    /// another store.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let store = store.as_context_mut();
        let value = bits_of(store, val, ty.content())?;
        store
            .inner
            .globals
            .push(Box::new(GlobalEntity { ty, value }));
        Ok(Global {
            store: store.inner.id,
            index: store.inner.globals.len() as u32 - 1,
        })
    }

    /// The global's state; panics unless `store` owns it.
    #[track_caller]
    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a GlobalEntity {
        assert_store("Global", self.store, store.inner.id);
        &store.inner.globals[self.index as usize]
    }

    /// The global's type.
    ///
    /// # Panics
    ///
    /// Panics with "Global used with another store" if used with a store
    /// other than its own.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        self.entity(store.as_context()).ty
    }

    /// The current value.
    ///
    /// # Panics
    ///
    /// Panics with "Global used with another store" if used with a store
    /// other than its own.
    pub fn get(&self, store: impl AsContext) -> Val {
        let store = store.as_context();
        let g = self.entity(store);
        Val::from_bits(g.value, g.ty.content(), store.inner.id)
    }

    /// Sets the value; fails for immutable globals and wrong types.
    ///
    /// # Errors
    ///
    /// Fails, changing nothing, if the global is immutable, if `val` is not
    /// of its type or is a reference of another store, or if the global is
    /// used with a store other than its own.
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let store = store.as_context_mut();
        check_store("Global", self.store, store.inner.id)?;
        let ty = store.inner.globals[self.index as usize].ty;
        if ty.mutability() != Mutability::Var {
            return Err(Error::ty("cannot set an immutable global"));
        }
        let bits = bits_of(store, val, ty.content())?;
        store.inner.globals[self.index as usize].value = bits;
        Ok(())
    }
}
