//! Exception handling: tags, exception objects, and how an exception
//! travels as an [`Error`] until a `try_table` catches it.
//!
//! An exception is an object in its store (its tag and the values it
//! carries), named in cells by its index plus one, as other references
//! are. An object something may still name (a `_ref` clause made it a
//! value, or the host saw it) lives as long as its store, as host
//! references do; one that only ever travelled from its `throw` to a
//! plain `catch` or `catch_all` is reused by the next `throw`, so code
//! that throws and catches in a loop does not grow its store.
//! While it unwinds, an exception is an [`Error`] of kind
//! [`ErrorKind::Exception`]: both tiers and host functions pass it up as
//! they pass traps, and the frame whose `try_table` covers the failing
//! instruction takes it back out ([`caught`]) and runs its catch clauses
//! against it.

use super::store::{AsContext, AsContextMut, StoreInner};
use super::value::{assert_store, check_store, Val};
use crate::error::{Error, ErrorKind, Result};
use crate::types::TagType;

/// A tag in a store.
pub(crate) struct TagEntity {
    pub ty: TagType,
}

/// An exception object in a store.
pub(crate) struct ExnEntity {
    /// The store index of its tag.
    pub tag: u32,
    /// The values it carries, as cells.
    pub fields: Box<[u64]>,
    /// Whether anything besides its own unwinding may name it: a wasm
    /// value (`catch_ref`, `catch_all_ref`) or a host handle.
    pub exposed: bool,
}

/// An exception tag: what `throw` names and `catch` compares. Two tags
/// are the same tag only if they are the same definition (or import of
/// it), whatever their types.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Tag {
    /// A new tag of type `ty`, distinct from every other.
    pub fn new(mut store: impl AsContextMut, ty: &TagType) -> Tag {
        let store = store.as_context_mut();
        store.inner.tags.push(TagEntity { ty: ty.clone() });
        Tag {
            store: store.inner.id,
            index: store.inner.tags.len() as u32 - 1,
        }
    }

    /// The tag's type.
    ///
    /// # Panics
    ///
    /// Panics with "Tag used with another store" if used with a store
    /// other than its own.
    pub fn ty(&self, store: impl AsContext) -> TagType {
        let inner = &store.as_context().inner;
        assert_store("Tag", self.store, inner.id);
        inner.tags[self.index as usize].ty.clone()
    }
}

/// An exception: a tag and the values thrown with it. Wasm code receives
/// one with `catch_ref`/`catch_all_ref` as an `exnref`; the embedder gets
/// an uncaught one from [`Error::exception`], and a host function throws
/// one by returning it as its error (`Err(exn.into())`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Exn {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Exn {
    /// A new exception of `tag` carrying `fields`.
    ///
    /// # Errors
    ///
    /// Fails if the tag is of another store, or if `fields` do not match
    /// the tag's parameter types (a reference of another store included).
    pub fn new(mut store: impl AsContextMut, tag: &Tag, fields: &[Val]) -> Result<Exn> {
        let store = store.as_context_mut();
        let inner = &mut store.inner;
        check_store("Tag", tag.store, inner.id)?;
        let ty = inner.tags[tag.index as usize].ty.clone();
        if fields.len() != ty.params().len() {
            return Err(Error::ty(format!(
                "tag carries {} values, {} given",
                ty.params().len(),
                fields.len()
            )));
        }
        let mut cells = vec![0; ty.func_type().param_cells()];
        let mut at = 0;
        for (v, &t) in fields.iter().zip(ty.params()) {
            match v.write_cells(&mut cells[at..], inner.id) {
                Some(()) if v.matches(inner, t) => at += t.cells(),
                _ => return Err(Error::ty(format!("exception field is not a {t}"))),
            }
        }
        let exn = new_exn(inner, tag.index, cells.into_boxed_slice());
        inner.exns[exn.index as usize].exposed = true;
        Ok(exn)
    }

    /// The exception's tag.
    ///
    /// # Panics
    ///
    /// Panics with "Exn used with another store" if used with a store
    /// other than its own.
    pub fn tag(&self, store: impl AsContext) -> Tag {
        let inner = &store.as_context().inner;
        assert_store("Exn", self.store, inner.id);
        Tag {
            store: self.store,
            index: inner.exns[self.index as usize].tag,
        }
    }

    /// The values the exception carries, typed by its tag.
    ///
    /// # Panics
    ///
    /// Panics with "Exn used with another store" if used with a store
    /// other than its own.
    pub fn fields(&self, store: impl AsContext) -> Vec<Val> {
        let inner = &store.as_context().inner;
        assert_store("Exn", self.store, inner.id);
        let exn = &inner.exns[self.index as usize];
        let ty = &inner.tags[exn.tag as usize].ty;
        Val::read_all(&exn.fields, ty.params(), inner.id)
    }
}

impl From<Exn> for Error {
    fn from(exn: Exn) -> Error {
        Error::new(ErrorKind::Exception(exn))
    }
}

/// Makes an exception object of store tag `tag`, in the slot of one a
/// catch let go of if there is one.
pub(crate) fn new_exn(inner: &mut StoreInner, tag: u32, fields: Box<[u64]>) -> Exn {
    let entity = ExnEntity {
        tag,
        fields,
        exposed: false,
    };
    let index = match inner.free_exns.pop() {
        Some(index) => {
            inner.exns[index as usize] = entity;
            index
        }
        None => {
            inner.exns.push(entity);
            inner.exns.len() as u32 - 1
        }
    };
    Exn {
        store: inner.id,
        index,
    }
}

/// `throw` of tag `tag` of instance `instance`: a new exception whose
/// values `field` gives by position. Gives its index.
pub(crate) fn throw_new(
    inner: &mut StoreInner,
    instance: usize,
    tag: u32,
    field: impl FnMut(usize) -> u64,
) -> u32 {
    let store_tag = inner.instances[instance].tags[tag as usize];
    let n = inner.tags[store_tag as usize].ty.func_type().param_cells();
    let fields = (0..n).map(field).collect();
    new_exn(inner, store_tag, fields).index
}

/// A catch clause of instance `instance` for its tag `tag` (any, for
/// `CATCH_ALL`): when it takes the exception in flight, that exception and
/// the values the clause delivers (none for `catch_all`). The clause then
/// copies them out and calls [`clause_took`].
pub(crate) fn clause_match(inner: &StoreInner, instance: usize, tag: u32) -> Option<(u32, &[u64])> {
    let exn = inner.in_flight?;
    let object = &inner.exns[exn as usize];
    match tag {
        crate::ir::CATCH_ALL => Some((exn, &[])),
        _ => (inner.instances[instance].tags[tag as usize] == object.tag)
            .then_some((exn, &object.fields[..])),
    }
}

/// A catch clause took exception `exn`, which is in flight no more: with
/// a reference (`ref`) it is a wasm value from now on; without, and if
/// nothing else saw it, its slot is free once the clause has read its
/// values.
pub(crate) fn clause_took(inner: &mut StoreInner, exn: u32, with_ref: bool) {
    inner.in_flight = None;
    let object = &mut inner.exns[exn as usize];
    if with_ref {
        object.exposed = true;
    } else if !object.exposed {
        inner.free_exns.push(exn);
    }
}

/// An error leaving wasm for Rust code (the embedder, or a host function
/// that called wasm): the exception it carries may be kept from now on.
pub(crate) fn seen_by_host(inner: &mut StoreInner, e: &Error) {
    if let Some(exn) = caught(inner, e) {
        inner.exns[exn as usize].exposed = true;
    }
}

/// The error that throws exception `index` of `inner`.
pub(crate) fn thrown(inner: &StoreInner, index: u32) -> Error {
    Exn {
        store: inner.id,
        index,
    }
    .into()
}

/// An error of a callback that is not a host function (an epoch deadline
/// callback, a resource limiter): an exception there is no `throw` of any
/// wasm instruction, so no `try_table` may catch it, in any tier; it ends
/// the call as a host error.
pub(crate) fn not_thrown(e: Error) -> Error {
    match e.kind() {
        ErrorKind::Exception(_) => {
            Error::msg("a wasm exception was returned by an epoch callback or resource limiter")
        }
        _ => e,
    }
}

/// The exception `e` carries, if it is one of this store's: what a
/// `try_table` may catch. Traps and other errors pass every handler.
pub(crate) fn caught(inner: &StoreInner, e: &Error) -> Option<u32> {
    match e.kind() {
        ErrorKind::Exception(exn) if exn.store == inner.id => Some(exn.index),
        _ => None,
    }
}
