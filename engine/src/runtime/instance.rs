//! Instances: instantiation (linking, segment initialization, start) and exports.

use super::exception::Tag;
use super::func::{Func, WasmParams, WasmResults};
use super::growth::{self, index_operand};
use super::memory::{LinearMemory, Memory};
use super::store::{
    AsContext, AsContextMut, FuncEntity, GlobalEntity, InstanceEntity, Store, TableEntity,
};
use super::table::{Global, Table, MAX_TABLE_ELEMS};
use super::value::{assert_store, check_store};
use super::TypedFunc;
use crate::error::{Error, Result};
use crate::module::{ExportIndex, Module, SegmentMode};
use crate::types::{ExternType, MemoryType, TableType};

/// Something an instance imports or exports.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A linear memory.
    Memory(Memory),
    /// A table.
    Table(Table),
    /// A global.
    Global(Global),
    /// An exception tag.
    Tag(Tag),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The tag, if this is one.
    pub fn into_tag(self) -> Option<Tag> {
        match self {
            Extern::Tag(t) => Some(t),
            _ => None,
        }
    }

    /// The item's type.
    ///
    /// # Panics
    ///
    /// Panics with "... used with another store" if used with a store other
    /// than the item's own.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        let store = store.as_context();
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)),
        }
    }

    pub(crate) fn store_id(&self) -> u64 {
        match self {
            Extern::Func(f) => f.store,
            Extern::Memory(m) => m.store,
            Extern::Table(t) => t.store,
            Extern::Global(g) => g.store,
            Extern::Tag(t) => t.store,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}

impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}

impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}

impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}

impl From<Tag> for Extern {
    fn from(t: Tag) -> Extern {
        Extern::Tag(t)
    }
}

/// Per-function execution counts of an instance, for tiering and profiling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncStats {
    /// Function index in the module.
    pub func_index: u32,
    /// Times the function was entered.
    pub calls: u64,
    /// Back-edges the interpreter took, per loop of the function, in code
    /// order. Counted where they drive tier-up (`Strategy::Tiered`) or are
    /// watched for epoch deadlines; compiled code does not count them.
    pub back_edges: Vec<u64>,
}

/// An instantiated module.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

fn limits_match(min: u64, max: Option<u64>, want_min: u64, want_max: Option<u64>) -> bool {
    min >= want_min
        && match want_max {
            None => true,
            Some(wm) => max.is_some_and(|m| m <= wm),
        }
}

pub(crate) fn import_matches(actual: &ExternType, expected: &ExternType) -> bool {
    match (actual, expected) {
        (ExternType::Func(a), ExternType::Func(e)) => a == e,
        // An immutable global of a narrower reference type serves; a
        // mutable one must be of the same type, as it is written too.
        (ExternType::Global(a), ExternType::Global(e)) => {
            a.mutability() == e.mutability()
                && match a.mutability() {
                    crate::Mutability::Const => a.content().matches(e.content()),
                    crate::Mutability::Var => a.content() == e.content(),
                }
        }
        // Exceptions are read with the tag's types: they must be the same.
        (ExternType::Tag(a), ExternType::Tag(e)) => a == e,
        (ExternType::Memory(a), ExternType::Memory(e)) => {
            a.is_64() == e.is_64()
                && limits_match(a.minimum(), a.maximum(), e.minimum(), e.maximum())
        }
        (ExternType::Table(a), ExternType::Table(e)) => {
            a.element() == e.element()
                && a.is_64() == e.is_64()
                && limits_match(a.minimum(), a.maximum(), e.minimum(), e.maximum())
        }
        _ => false,
    }
}

impl Instance {
    pub(crate) fn from_index(store: u64, index: u32) -> Instance {
        Instance { store, index }
    }

    /// Instantiates `module` with `imports` given in the module's import order.
    ///
    /// # Errors
    ///
    /// Fails if the module belongs to another engine, if an import is of
    /// another store or does not match its declaration, or as
    /// initialization or the start function fails.
    pub fn new(
        mut store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        instantiate(store.as_context_mut(), module, imports)
    }

    /// The instance's state; panics unless `store` owns it.
    #[track_caller]
    fn entity<'a, T>(&self, store: &'a Store<T>) -> &'a InstanceEntity {
        assert_store("Instance", self.store, store.inner.id);
        &store.inner.instances[self.index as usize]
    }

    /// The export called `name`.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn get_export(&self, store: impl AsContextMut, name: &str) -> Option<Extern> {
        let store = store.as_context();
        let inst = self.entity(store);
        let idx = *inst.module.inner.export_index.get(name)?;
        Some(self.resolve(inst, idx))
    }

    fn resolve(&self, inst: &InstanceEntity, idx: ExportIndex) -> Extern {
        let store = self.store;
        match idx {
            ExportIndex::Func(i) => Extern::Func(Func {
                store,
                index: inst.funcs[i as usize],
            }),
            ExportIndex::Table(i) => Extern::Table(Table {
                store,
                index: inst.tables[i as usize],
            }),
            ExportIndex::Memory(i) => Extern::Memory(Memory {
                store,
                index: inst.memories[i as usize],
            }),
            ExportIndex::Global(i) => Extern::Global(Global {
                store,
                index: inst.globals[i as usize],
            }),
            ExportIndex::Tag(i) => Extern::Tag(Tag {
                store,
                index: inst.tags[i as usize],
            }),
        }
    }

    /// All exports, in the module's order.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn exports(&self, store: impl AsContextMut) -> Vec<(String, Extern)> {
        let store = store.as_context();
        let inst = self.entity(store);
        inst.module
            .inner
            .exports
            .iter()
            .map(|(name, idx)| (name.clone(), self.resolve(inst, *idx)))
            .collect()
    }

    /// The exported function `name`.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn get_func(&self, store: impl AsContextMut, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function `name`, checked against the signature `P -> R`.
    ///
    /// # Errors
    ///
    /// Fails if there is no such exported function, if its signature is not
    /// `P -> R`, or if the instance is used with a store other than its own.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        mut store: impl AsContextMut,
        name: &str,
    ) -> Result<TypedFunc<P, R>> {
        let store = store.as_context_mut();
        check_store("Instance", self.store, store.inner.id)?;
        let func = self
            .get_func(&mut *store, name)
            .ok_or_else(|| Error::ty(format!("no exported function named `{name}`")))?;
        func.typed(&*store)
    }

    /// The exported memory `name`.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn get_memory(&self, store: impl AsContextMut, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table `name`.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn get_table(&self, store: impl AsContextMut, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported global `name`.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn get_global(&self, store: impl AsContextMut, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The module this instance was made from.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn module(&self, store: impl AsContext) -> Module {
        self.entity(store.as_context()).module.clone()
    }

    /// Call and back-edge counts of every defined function.
    ///
    /// # Panics
    ///
    /// Panics with "Instance used with another store" if used with a store
    /// other than its own.
    pub fn func_stats(&self, store: impl AsContext) -> Vec<FuncStats> {
        let inst = self.entity(store.as_context());
        let m = &inst.module.inner;
        (0..m.bodies.len())
            .map(|i| {
                let first = m.loop_offsets[i] as usize;
                let end = m.loop_offsets.get(i + 1).map_or(m.num_loops, |&next| next) as usize;
                FuncStats {
                    func_index: m.env.num_imported_funcs + i as u32,
                    calls: inst.call_counts[i],
                    back_edges: inst.loop_counts[first..end].to_vec(),
                }
            })
            .collect()
    }
}

pub(crate) fn instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    let m = &module.inner;
    if !crate::Engine::same(&m.engine, &store.inner.engine) {
        return Err(Error::instantiate(
            "module and store belong to different engines",
        ));
    }
    if imports.len() != m.imports.len() {
        return Err(Error::link(format!(
            "module expects {} imports, {} given",
            m.imports.len(),
            imports.len()
        )));
    }
    let id = store.inner.id;
    let mut funcs = Vec::with_capacity(m.env.funcs.len());
    let mut tables = Vec::with_capacity(m.env.tables.len());
    let mut memories = Vec::with_capacity(m.env.memories.len());
    let mut globals = Vec::with_capacity(m.env.globals.len());
    let mut tags = Vec::with_capacity(m.env.tags.len());
    for (decl, ext) in m.imports.iter().zip(imports) {
        if ext.store_id() != id {
            return Err(Error::link(format!(
                "import `{}`.`{}` belongs to another store",
                decl.module, decl.name
            )));
        }
        let actual = ext.ty(&*store);
        if !import_matches(&actual, &decl.ty) {
            return Err(Error::link(format!(
                "incompatible import type for `{}`.`{}`: expected {:?}, found {:?}",
                decl.module, decl.name, decl.ty, actual
            )));
        }
        match ext {
            Extern::Func(f) => funcs.push(f.index),
            Extern::Table(t) => tables.push(t.index),
            Extern::Memory(mem) => memories.push(mem.index),
            Extern::Global(g) => globals.push(g.index),
            Extern::Tag(t) => tags.push(t.index),
        }
    }
    // Everything the limiter may deny is asked before the store changes.
    growth::admit_instance(store)?;
    for (i, ty) in m.env.tables[m.env.num_imported_tables as usize..]
        .iter()
        .enumerate()
    {
        if ty.minimum() > MAX_TABLE_ELEMS {
            return Err(Error::instantiate("table minimum size is too large"));
        }
        growth::admit_table(store, i, ty.minimum(), ty.maximum())?;
    }
    for (i, ty) in m.env.memories[m.env.num_imported_memories as usize..]
        .iter()
        .enumerate()
    {
        growth::admit_memory(store, i, ty.minimum(), ty.maximum())?;
    }
    let inner = &store.inner;
    let marks = (
        inner.funcs.len(),
        inner.globals.len(),
        inner.tables.len(),
        inner.memories.len(),
    );
    let inst_index = store.inner.instances.len() as u32;
    for i in m.env.num_imported_tags..m.env.tags.len() as u32 {
        let ty = m.env.tag_type(i);
        store.inner.tags.push(super::exception::TagEntity { ty });
        tags.push(store.inner.tags.len() as u32 - 1);
    }
    for (def, &ty) in m.env.funcs[m.env.num_imported_funcs as usize..]
        .iter()
        .enumerate()
    {
        store.inner.funcs.push(FuncEntity::Wasm {
            instance: inst_index,
            def: def as u32,
            type_id: m.env.type_ids[ty as usize],
        });
        funcs.push(store.inner.funcs.len() as u32 - 1);
    }
    let func_ref = |f: u32| funcs[f as usize] as u64 + 1;
    // Globals may refer to imported and earlier globals, and to functions.
    for (i, init) in m.global_inits.iter().enumerate() {
        let ty = m.env.globals[m.env.num_imported_globals as usize + i];
        let value = init.eval(func_ref, |g| {
            store.inner.globals[globals[g as usize] as usize].value
        });
        store
            .inner
            .globals
            .push(Box::new(GlobalEntity { ty, value }));
        globals.push(store.inner.globals.len() as u32 - 1);
    }
    for (i, init) in m.table_inits.iter().enumerate() {
        let ty: TableType = m.env.tables[m.env.num_imported_tables as usize + i];
        let cell = init.as_ref().map_or(0, |e| {
            e.eval(func_ref, |g| {
                store.inner.globals[globals[g as usize] as usize].value
            }) as u64
        });
        let table = TableEntity::new(ty, cell, &store.inner.funcs);
        store.inner.tables.push(table);
        tables.push(store.inner.tables.len() as u32 - 1);
    }
    for i in m.env.num_imported_memories as usize..m.env.memories.len() {
        let ty: MemoryType = m.env.memories[i];
        match LinearMemory::new(ty, &store.inner.engine) {
            Ok(mem) => store.inner.memories.push(mem),
            Err(e) => {
                // Nothing refers to what this instantiation created yet.
                let inner = &mut store.inner;
                inner.funcs.truncate(marks.0);
                inner.globals.truncate(marks.1);
                inner.tables.truncate(marks.2);
                inner.memories.truncate(marks.3);
                return Err(e);
            }
        }
        memories.push(store.inner.memories.len() as u32 - 1);
    }
    let global_ptrs: Box<[*mut u64]> = globals
        .iter()
        .map(|&g| &mut store.inner.globals[g as usize].value as *mut u128 as *mut u64)
        .collect();
    let global_value = |g: u32| store.inner.globals[globals[g as usize] as usize].value;
    let elems: Vec<Box<[u64]>> = m
        .elems
        .iter()
        .map(|seg| {
            seg.items
                .iter()
                .map(|e| e.eval(func_ref, global_value) as u64)
                .collect()
        })
        .collect();
    let memory_bases: Box<[*mut u8]> = memories
        .iter()
        .map(|&m| store.inner.memories[m as usize].base())
        .collect();
    // Compiled code checks a 64-bit memory's accesses against its size.
    let memory_bounds: Box<[*const u64]> = if m.env.memories.iter().any(|t| t.is_64()) {
        memories
            .iter()
            .map(|&m| store.inner.memories[m as usize].bound_ptr())
            .collect()
    } else {
        Box::new([])
    };
    let table0 = tables
        .first()
        .map_or(&super::call_targets::NO_TARGETS as *const _, |&t| {
            store.inner.tables[t as usize].view()
        });
    let memories_view = crate::jit::MemoriesView {
        bases: &memory_bases,
        bounds: &memory_bounds,
    };
    let vmctx =
        crate::jit::new_vmctx::<T>(inst_index, m, memories_view, global_ptrs.as_ptr(), table0);
    store.inner.instances.push(InstanceEntity {
        vmctx,
        _memory_bases: memory_bases,
        _memory_bounds: memory_bounds,
        module: module.clone(),
        funcs,
        tables,
        memories,
        globals,
        tags,
        global_ptrs,
        elems,
        data_dropped: vec![false; m.datas.len()],
        call_counts: vec![0; m.bodies.len()].into_boxed_slice(),
        loop_counts: vec![0; m.num_loops as usize].into_boxed_slice(),
    });
    let instance = Instance {
        store: id,
        index: inst_index,
    };
    initialize_segments(store, inst_index)?;
    if let Some(start) = m.start {
        let func = store.inner.instances[inst_index as usize].funcs[start as usize];
        crate::interp::invoke(store, func, &mut [])?;
    }
    Ok(instance)
}

/// Applies active element then data segments in order; a trap leaves the
/// writes made before it in place, as the specification requires.
fn initialize_segments<T>(store: &mut Store<T>, inst_index: u32) -> Result<()> {
    let inner = &mut store.inner;
    let module = inner.instances[inst_index as usize].module.clone();
    let m = &module.inner;
    let global_value = |inner: &super::store::StoreInner, g: u32| {
        let inst = &inner.instances[inst_index as usize];
        inner.globals[inst.globals[g as usize] as usize].value
    };
    for (i, seg) in m.elems.iter().enumerate() {
        match &seg.mode {
            SegmentMode::Active { index, offset } => {
                let at = offset.eval(|_| 0, |g| global_value(inner, g)) as u64;
                let inst = &mut inner.instances[inst_index as usize];
                let items = std::mem::take(&mut inst.elems[i]);
                let table = &mut inner.tables[inst.tables[*index as usize] as usize];
                let at = index_operand(at, table.ty.is_64());
                let at = table.check(at, items.len() as u64).map_err(Error::trap)?;
                table.write(at, &items, &inner.funcs);
            }
            SegmentMode::Declared => {
                inner.instances[inst_index as usize].elems[i] = Box::new([]);
            }
            SegmentMode::Passive => {}
        }
    }
    for (i, seg) in m.datas.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            let at = offset.eval(|_| 0, |g| global_value(inner, g)) as u64;
            let inst = &mut inner.instances[inst_index as usize];
            inst.data_dropped[i] = true;
            let mem = &mut inner.memories[inst.memories[*index as usize] as usize];
            let at = index_operand(at, mem.is_64());
            let start = mem.check(at, seg.bytes.len() as u64).map_err(Error::trap)?;
            mem.data_mut()[start..start + seg.bytes.len()].copy_from_slice(&seg.bytes);
        }
    }
    Ok(())
}
