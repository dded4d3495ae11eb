//! What `call_indirect` needs of a funcref table's elements, kept beside
//! them: per element the callee's canonical type id, instance and defined
//! index, so that both tiers can check an element and call a function of
//! their own instance without going through the store's function list.
//!
//! Every write of a table goes through [`TableEntity`]'s methods, which
//! keep the targets equal to the elements. Compiled code reaches a table's
//! targets through [`TargetsView`], boxed so that its address is stable
//! while the targets themselves move when the table grows.

use super::store::{FuncEntity, TableEntity};
use crate::types::{TableType, ValType};

/// The `call_indirect` view of one table element.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct CallTarget {
    /// The callee's canonical type id (`Engine::intern_type`).
    pub type_id: u32,
    /// The instance the callee is a defined function of; [`NOT_WASM`] for a
    /// null element or a host function, which take the general path.
    pub instance: u32,
    /// The callee's index among its instance's defined functions.
    pub def: u32,
    _pad: u32,
}

/// [`CallTarget::instance`] of elements no instance calls directly.
pub(crate) const NOT_WASM: u32 = u32::MAX;

impl CallTarget {
    const NONE: CallTarget = CallTarget {
        type_id: 0,
        instance: NOT_WASM,
        def: 0,
        _pad: 0,
    };

    /// The target of funcref cell `cell` (0 is null; else a store function
    /// index plus one).
    fn of(funcs: &[FuncEntity], cell: u64) -> CallTarget {
        match cell.checked_sub(1).and_then(|f| funcs.get(f as usize)) {
            Some(&FuncEntity::Wasm {
                instance,
                def,
                type_id,
            }) => CallTarget {
                type_id,
                instance,
                def,
                _pad: 0,
            },
            _ => CallTarget::NONE,
        }
    }
}

/// A table's targets as compiled code reads them: `ptr[0..len]`.
#[repr(C)]
pub(crate) struct TargetsView {
    pub ptr: *const CallTarget,
    pub len: u64,
}

impl TargetsView {
    /// The defined index of element `index` when it is a function of
    /// `instance` of canonical type `type_id`: a call the caller can make
    /// itself. `None` for everything the general path must handle.
    #[inline(always)]
    pub fn direct_callee(&self, index: u64, instance: u32, type_id: u32) -> Option<u32> {
        if index >= self.len {
            return None;
        }
        // SAFETY: `ptr[0..len]` are the table's targets, which live while
        // the table does; `index` is in range.
        let target = unsafe { *self.ptr.add(index as usize) };
        (target.instance == instance && target.type_id == type_id).then_some(target.def)
    }
}

// SAFETY: a view is only read by the thread running the store's code.
unsafe impl Sync for TargetsView {}
// SAFETY: as above; it moves with its store.
unsafe impl Send for TargetsView {}

/// The view of an instance without a funcref table 0: every index is out
/// of range, so every `call_indirect` takes the general path.
pub(crate) static NO_TARGETS: TargetsView = TargetsView {
    ptr: std::ptr::NonNull::dangling().as_ptr(),
    len: 0,
};

/// `TargetsView::ptr` and `len` offsets, for compiled code.
pub(crate) const VIEW_PTR: i32 = std::mem::offset_of!(TargetsView, ptr) as i32;
/// See [`VIEW_PTR`].
pub(crate) const VIEW_LEN: i32 = std::mem::offset_of!(TargetsView, len) as i32;
/// `CallTarget` field offsets and size, for compiled code.
pub(crate) const TARGET_TYPE: i32 = std::mem::offset_of!(CallTarget, type_id) as i32;
/// See [`TARGET_TYPE`].
pub(crate) const TARGET_INSTANCE: i32 = std::mem::offset_of!(CallTarget, instance) as i32;
/// See [`TARGET_TYPE`].
pub(crate) const TARGET_DEF: i32 = std::mem::offset_of!(CallTarget, def) as i32;
/// log2 of `size_of::<CallTarget>()`.
pub(crate) const TARGET_SHIFT: u8 = 4;
const _: () = assert!(std::mem::size_of::<CallTarget>() == 1 << TARGET_SHIFT);

impl TableEntity {
    /// A table of `ty.minimum()` elements set to `cell`.
    pub fn new(ty: TableType, cell: u64, funcs: &[FuncEntity]) -> TableEntity {
        let len = ty.minimum() as usize;
        let mut table = TableEntity {
            ty,
            elems: vec![cell; len],
            targets: Vec::new(),
            view: Box::new(TargetsView {
                ptr: NO_TARGETS.ptr,
                len: 0,
            }),
        };
        if table.has_targets() {
            table.targets = vec![CallTarget::of(funcs, cell); len];
        }
        table.publish();
        table
    }

    /// Funcref tables keep targets; others have none.
    fn has_targets(&self) -> bool {
        self.ty.element() == ValType::FuncRef
    }

    /// Points the view at the targets as they are now.
    fn publish(&mut self) {
        self.view.ptr = if self.targets.is_empty() {
            NO_TARGETS.ptr
        } else {
            self.targets.as_ptr()
        };
        self.view.len = self.targets.len() as u64;
    }

    /// The elements.
    pub fn elems(&self) -> &[u64] {
        &self.elems
    }

    /// The stable view compiled code reads.
    pub fn view(&self) -> *const TargetsView {
        &*self.view
    }

    /// Sets element `i`, which must be in bounds.
    pub fn set(&mut self, i: usize, cell: u64, funcs: &[FuncEntity]) {
        self.elems[i] = cell;
        if self.has_targets() {
            self.targets[i] = CallTarget::of(funcs, cell);
        }
    }

    /// Sets elements `at..at + n`, which must be in bounds, to `cell`.
    pub fn fill(&mut self, at: usize, n: usize, cell: u64, funcs: &[FuncEntity]) {
        self.elems[at..at + n].fill(cell);
        if self.has_targets() {
            self.targets[at..at + n].fill(CallTarget::of(funcs, cell));
        }
    }

    /// Writes `items` from element `at`; the range must be in bounds.
    pub fn write(&mut self, at: usize, items: &[u64], funcs: &[FuncEntity]) {
        self.elems[at..at + items.len()].copy_from_slice(items);
        if self.has_targets() {
            for (t, &cell) in self.targets[at..at + items.len()].iter_mut().zip(items) {
                *t = CallTarget::of(funcs, cell);
            }
        }
    }

    /// Copies `n` elements from `src` to `dst` within the table; the ranges
    /// must be in bounds and may overlap.
    pub fn copy_within(&mut self, src: usize, dst: usize, n: usize) {
        self.elems.copy_within(src..src + n, dst);
        if self.has_targets() {
            self.targets.copy_within(src..src + n, dst);
        }
    }

    /// Appends `delta` elements set to `cell`.
    pub(crate) fn extend(&mut self, delta: usize, cell: u64, funcs: &[FuncEntity]) {
        let new = self.elems.len() + delta;
        self.elems.resize(new, cell);
        if self.has_targets() {
            self.targets.resize(new, CallTarget::of(funcs, cell));
        }
        self.publish();
    }
}
