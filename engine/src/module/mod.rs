//! Modules: decoding, validation and translation of a wasm binary.

mod artifact;
mod bodies;
mod const_expr;

pub(crate) use bodies::{never_executed, Bodies};
pub(crate) use const_expr::ConstExpr;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ir::FuncBody;
use crate::translate::translate_function;
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, Mutability, TableType, ValType};
use std::collections::HashMap;
use std::sync::Arc;
use wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, KnownCustom, Name, Parser, Payload, TypeRef,
    ValidPayload, Validator,
};

/// What the translator needs to know of the module around a function.
#[derive(Default, Debug)]
pub(crate) struct ModuleEnv {
    /// Function types by type index.
    pub types: Vec<FuncType>,
    /// The engine's id of each function type (`Engine::intern_type`), by
    /// type index: what `call_indirect` compares and typed references name.
    pub type_ids: Vec<u32>,
    /// Type index of every function, imported first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// Type index of every exception tag (a function type with no
    /// results), imported first.
    pub tags: Vec<u32>,
    pub num_imported_tags: u32,
    /// Function names from the name section, or else from exports.
    pub func_names: HashMap<u32, String>,
}

impl ModuleEnv {
    pub fn type_at(&self, idx: u32) -> &FuncType {
        &self.types[idx as usize]
    }

    pub fn func_type(&self, func: u32) -> &FuncType {
        self.type_at(self.funcs[func as usize])
    }

    pub fn global_type(&self, idx: u32) -> GlobalType {
        self.globals[idx as usize]
    }

    pub fn table_type(&self, idx: u32) -> TableType {
        self.tables[idx as usize]
    }

    /// The type of tag `idx`.
    pub fn tag_type(&self, idx: u32) -> crate::types::TagType {
        crate::types::TagType::from_func_type(self.type_at(self.tags[idx as usize]).clone())
    }

    /// A validation error inside function `func`, naming it.
    pub fn func_error(&self, func: u32, e: wasmparser::BinaryReaderError) -> Error {
        match self.func_names.get(&func) {
            Some(name) => Error::compile(format!("in function {func} (\"{name}\"): {e}")),
            None => Error::compile(format!("in function {func}: {e}")),
        }
    }
}

/// An import a module declares.
#[derive(Clone, Debug)]
pub(crate) struct ImportDecl {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

/// The kind and index of an export.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExportIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Tag(u32),
}

/// An element segment.
#[derive(Clone, Debug)]
pub(crate) struct ElemSegment {
    pub mode: SegmentMode,
    pub items: Vec<ConstExpr>,
}

/// A data segment.
#[derive(Clone, Debug)]
pub(crate) struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Arc<[u8]>,
}

/// When a segment is applied.
#[derive(Clone, Debug)]
pub(crate) enum SegmentMode {
    Passive,
    Declared,
    Active { index: u32, offset: ConstExpr },
}

/// Tier-up counts of a module.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct TierStats {
    /// Functions compiled to machine code.
    pub compiled_funcs: u64,
    /// Running loops that continued in compiled code (OSR).
    pub osr_entries: u64,
}

/// Sizes and counts of a compiled module.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleStats {
    /// Size of the wasm binary in bytes.
    pub wasm_bytes: usize,
    /// Bytes of function bodies in the code section.
    pub code_bytes: usize,
    /// Functions defined by the module.
    pub num_funcs: usize,
    /// Wasm operators translated.
    pub wasm_ops: usize,
    /// Register-IR bytes (instructions and constant pools).
    pub ir_bytes: usize,
    /// IR instructions.
    pub ir_instrs: usize,
    /// Wall-clock time of decoding, validation, translation and allocation
    /// in `Module::new` (under lazy compilation, of decoding and validation:
    /// functions are translated later).
    pub compile_time: std::time::Duration,
    /// Wall-clock time of compiling every function to machine code
    /// (`Strategy::Jit` only; tiered compilation happens later, per function).
    pub jit_time: std::time::Duration,
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub name: Option<String>,
    pub env: ModuleEnv,
    pub imports: Vec<ImportDecl>,
    pub exports: Vec<(String, ExportIndex)>,
    pub export_index: HashMap<String, ExportIndex>,
    pub bodies: Bodies,
    pub table_inits: Vec<Option<ConstExpr>>,
    pub global_inits: Vec<ConstExpr>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub start: Option<u32>,
    /// First back-edge counter of each defined function, and the total.
    pub loop_offsets: Vec<u32>,
    pub num_loops: u32,
    pub stats: ModuleStats,
    /// Compiled code and entry slots.
    pub jit: crate::jit::JitState,
    /// This module, for the jobs of background tier-up, which must not
    /// keep it alive.
    pub me: std::sync::Weak<ModuleInner>,
}

/// A compiled WebAssembly module, shared by all its instances.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.inner.name)
            .finish()
    }
}

/// An import of a module: its module and field names and type.
#[derive(Clone, Debug)]
pub struct ImportType<'a> {
    decl: &'a ImportDecl,
}

impl ImportType<'_> {
    /// The module name.
    pub fn module(&self) -> &str {
        &self.decl.module
    }

    /// The field name.
    pub fn name(&self) -> &str {
        &self.decl.name
    }

    /// The expected type.
    pub fn ty(&self) -> ExternType {
        self.decl.ty.clone()
    }
}

/// An export of a module: its name and type.
#[derive(Clone, Debug)]
pub struct ExportType<'a> {
    name: &'a str,
    ty: ExternType,
}

impl ExportType<'_> {
    /// The export's name.
    pub fn name(&self) -> &str {
        self.name
    }

    /// The exported item's type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

impl Module {
    /// Compiles a module from its binary or WAT text.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Module::from_binary(engine, bytes);
        }
        let binary = wat::parse_bytes(bytes).map_err(|e| Error::compile(e.to_string()))?;
        Module::from_binary(engine, &binary)
    }

    /// Compiles a module from a file holding its binary or WAT text.
    ///
    /// # Errors
    ///
    /// Fails if the file cannot be read, or as [`Module::new`] does.
    pub fn from_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::compile(format!("cannot read {}: {e}", path.display())))?;
        Module::new(engine, bytes)
    }

    /// Compiles a module from its binary encoding.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        Module::ready(engine, compile(engine, bytes)?)
    }

    /// The module's precompiled form: its validated structure and every
    /// function's register IR, for [`Module::deserialize`] to load without
    /// decoding, validating or translating anything (as wasmtime's
    /// `Module::serialize`). The artifact records the Strata version, the
    /// target and the engine settings that change the IR; loading it with
    /// other ones is an error. Under `Jit` it holds every function's machine
    /// code too, which loading maps without compiling; a `Tiered` module
    /// stores its IR only, and compiles functions as they get hot.
    ///
    /// # Errors
    ///
    /// Fails only when a function not translated yet (lazy compilation)
    /// fails to translate now.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        artifact::serialize(&self.inner)
    }

    /// Loads a module from an artifact of [`Module::serialize`] or
    /// [`Engine::precompile_module`].
    ///
    /// # Errors
    ///
    /// A truncated or damaged artifact (its checksum does not match), one
    /// from another Strata version or target, and one made by an engine with
    /// other settings are errors.
    ///
    /// # Safety
    ///
    /// The bytes must come from Strata's serialization, as with wasmtime's
    /// `Module::deserialize`: the checksum catches damage, not a forged
    /// artifact, and the IR in it is run as it is, unvalidated.
    pub unsafe fn deserialize(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let (inner, code) = artifact::deserialize(engine, bytes.as_ref())?;
        match code {
            Some(code) => {
                let started = std::time::Instant::now();
                crate::jit::install_all(&inner, &code)?;
                let mut inner = inner;
                inner.stats.jit_time = started.elapsed();
                Ok(Module::shared(inner))
            }
            None => Module::ready(engine, inner),
        }
    }

    /// [`Module::deserialize`] of a file, read through a memory map.
    ///
    /// # Errors
    ///
    /// As [`Module::deserialize`], and when the file cannot be read.
    ///
    /// # Safety
    ///
    /// As [`Module::deserialize`]; the file must not change while it loads.
    pub unsafe fn deserialize_file(
        engine: &Engine,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Module> {
        let path = path.as_ref();
        let cannot =
            |e: std::io::Error| Error::compile(format!("cannot read {}: {e}", path.display()));
        let file = std::fs::File::open(path).map_err(cannot)?;
        // SAFETY: the caller guarantees the file does not change while the
        // map is read; the map is dropped before this returns.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(cannot)?;
        // SAFETY: as the function's contract.
        unsafe { Module::deserialize(engine, &map[..]) }
    }

    /// A module from its compiled form, with what its strategy needs before
    /// a call: machine code (eager `Jit`) or stubs for compiled callers.
    fn ready(engine: &Engine, inner: ModuleInner) -> Result<Module> {
        match engine.config().strategy {
            crate::Strategy::Interpreter => {}
            // Compiled at each function's first call; until then compiled
            // callers reach it through a stub, as under `Tiered`.
            crate::Strategy::Jit if engine.config().compiles_on_call() => {
                crate::jit::install_interpreter_stubs(&inner)?
            }
            crate::Strategy::Jit => {
                let started = std::time::Instant::now();
                crate::jit::compile_all(&inner)?;
                let mut inner = inner;
                inner.stats.jit_time = started.elapsed();
                return Ok(Module::shared(inner));
            }
            crate::Strategy::Tiered => crate::jit::install_interpreter_stubs(&inner)?,
        }
        Ok(Module::shared(inner))
    }

    /// A handle on `inner`, which learns its own address.
    fn shared(inner: ModuleInner) -> Module {
        Module {
            inner: Arc::new_cyclic(|me| ModuleInner {
                me: me.clone(),
                ..inner
            }),
        }
    }

    /// Validates a binary without keeping the result.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        compile(engine, bytes).map(drop)
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// The engine this module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl Iterator<Item = ImportType<'_>> {
        self.inner.imports.iter().map(|decl| ImportType { decl })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl Iterator<Item = ExportType<'_>> {
        self.inner.exports.iter().map(|(name, idx)| ExportType {
            name,
            ty: self.inner.export_type(*idx),
        })
    }

    /// Sizes and counts of the compiled module. Under lazy compilation
    /// the IR counts cover the functions translated so far.
    pub fn stats(&self) -> ModuleStats {
        let mut stats = self.inner.stats;
        stats.wasm_ops = 0;
        stats.ir_bytes = 0;
        stats.ir_instrs = 0;
        for b in self.inner.bodies.translated() {
            stats.wasm_ops += b.wasm_ops as usize;
            stats.ir_bytes += b.ir_bytes();
            stats.ir_instrs += b.code.len();
        }
        stats
    }

    /// How far this module has tiered up: functions compiled to machine code
    /// and loops entered in compiled code by on-stack replacement.
    pub fn tier_stats(&self) -> TierStats {
        use std::sync::atomic::Ordering::Relaxed;
        TierStats {
            compiled_funcs: self.inner.jit.compiled_count.load(Relaxed),
            osr_entries: self.inner.jit.osr_count.load(Relaxed),
        }
    }

    /// The register IR of every defined function, disassembled.
    pub fn emit_ir(&self) -> String {
        let m = &self.inner;
        let mut out = String::new();
        for def in 0..m.bodies.len() as u32 {
            let index = m.env.num_imported_funcs + def;
            let name = m
                .env
                .func_names
                .get(&index)
                .map(String::as_str)
                .unwrap_or("");
            out.push_str(&format!("func {index} {name} {}\n", m.env.func_type(index)));
            match m.body(def) {
                Ok(body) => out.push_str(&body.to_string()),
                Err(e) => out.push_str(&format!("  ; not translated: {e}\n")),
            }
        }
        out
    }
}

impl ModuleInner {
    /// Function `def`'s body, translated now if it is not yet.
    pub fn body(&self, def: u32) -> Result<&FuncBody> {
        self.bodies.get(&self.env, def)
    }

    pub fn export_type(&self, idx: ExportIndex) -> ExternType {
        match idx {
            ExportIndex::Func(f) => ExternType::Func(self.env.func_type(f).clone()),
            ExportIndex::Table(t) => ExternType::Table(self.env.tables[t as usize]),
            ExportIndex::Memory(m) => ExternType::Memory(self.env.memories[m as usize]),
            ExportIndex::Global(g) => ExternType::Global(self.env.globals[g as usize]),
            ExportIndex::Tag(t) => ExternType::Tag(self.env.tag_type(t)),
        }
    }

    /// A function's display name, for backtraces.
    pub fn func_name(&self, index: u32) -> Option<String> {
        self.env.func_names.get(&index).cloned()
    }
}

fn invalid(e: wasmparser::BinaryReaderError) -> Error {
    Error::compile(e)
}

fn memory_type(ty: wasmparser::MemoryType) -> Result<MemoryType> {
    if ty.shared || ty.page_size_log2.is_some() {
        return Err(Error::unsupported("shared memories and custom page sizes"));
    }
    Ok(MemoryType::from_limits(ty.initial, ty.maximum, ty.memory64))
}

/// `result`, unless it is an `Unsupported` error: that is kept in
/// `unsupported` (the first one) to be reported once the whole module is
/// validated, as an invalid module must be reported invalid, and the item
/// gets `stand_in`, never run.
fn defer<T>(
    unsupported: &mut Option<Error>,
    result: Result<T>,
    stand_in: impl FnOnce() -> T,
) -> Result<T> {
    match result {
        Err(e) if matches!(e.kind(), crate::ErrorKind::Unsupported(_)) => {
            unsupported.get_or_insert(e);
            Ok(stand_in())
        }
        result => result,
    }
}

/// A constant expression, or (deferring what Strata cannot run, as
/// [`defer`]) a stand-in.
fn const_expr(
    unsupported: &mut Option<Error>,
    expr: &wasmparser::ConstExpr<'_>,
) -> Result<ConstExpr> {
    defer(unsupported, ConstExpr::parse(expr), || {
        ConstExpr::ref_func(0)
    })
}

fn stand_in_table() -> TableType {
    TableType::from_limits(ValType::FuncRef, 0, None, false)
}

fn stand_in_memory() -> MemoryType {
    MemoryType::from_limits(0, None, false)
}

fn stand_in_global() -> GlobalType {
    GlobalType::new(ValType::I32, Mutability::Const)
}

/// A type of the type section, in a recursion group of `in_group` types:
/// garbage collection's (groups of more than one, declared subtypes, struct
/// and array types) are unsupported.
/// Gives a recursion group's function types their engine ids. A group of
/// one type that does not refer to itself is that signature; any other
/// group is told apart from equal signatures outside it.
fn define_group(engine: &Engine, env: &mut ModuleEnv, members: Vec<FuncType>) {
    if let [ty] = members.as_slice() {
        if !ty.refers_in_group() {
            env.type_ids.push(engine.intern_type(ty));
            env.types
                .push(members.into_iter().next().expect("one member"));
            return;
        }
    }
    let base = engine.intern_group(&members);
    for i in 0..members.len() as u32 {
        env.type_ids.push(base + i);
        env.types.push(members[i as usize].in_group(base, i));
    }
}

/// A function type as a module defines it; references to members of its
/// recursion group are by index in it (`types::IN_GROUP`).
fn func_type(sub: &wasmparser::SubType, type_ids: &[u32]) -> Result<FuncType> {
    if !sub.supertype_idxs.is_empty() || !sub.is_final {
        return Err(Error::unsupported(
            "subtyping declarations (garbage collection)",
        ));
    }
    let wasmparser::CompositeInnerType::Func(f) = &sub.composite_type.inner else {
        return Err(Error::unsupported(
            "struct and array types (garbage collection)",
        ));
    };
    let conv = |tys: &[wasmparser::ValType]| {
        tys.iter()
            .map(|&t| ValType::from_wasm(t, type_ids))
            .collect::<Result<Vec<_>>>()
    };
    Ok(FuncType::new(conv(f.params())?, conv(f.results())?))
}

fn table_type(ty: wasmparser::TableType, type_ids: &[u32]) -> Result<TableType> {
    let element = ValType::from_ref(ty.element_type, type_ids)?;
    Ok(TableType::from_limits(
        element, ty.initial, ty.maximum, ty.table64,
    ))
}

fn global_type(ty: wasmparser::GlobalType, type_ids: &[u32]) -> Result<GlobalType> {
    let content = ValType::from_wasm(ty.content_type, type_ids)?;
    let mutability = if ty.mutable {
        Mutability::Var
    } else {
        Mutability::Const
    };
    Ok(GlobalType::new(content, mutability))
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<ModuleInner> {
    let started = std::time::Instant::now();
    let config = engine.config();
    let mut features = wasmparser::WasmFeatures::WASM2;
    features.set(
        wasmparser::WasmFeatures::EXTENDED_CONST,
        config.wasm_extended_const,
    );
    features.set(wasmparser::WasmFeatures::TAIL_CALL, config.wasm_tail_call);
    features.set(
        wasmparser::WasmFeatures::MULTI_MEMORY,
        config.wasm_multi_memory,
    );
    features.set(wasmparser::WasmFeatures::MEMORY64, config.wasm_memory64);
    features.set(wasmparser::WasmFeatures::SIMD, config.wasm_simd);
    features.set(wasmparser::WasmFeatures::EXCEPTIONS, config.wasm_exceptions);
    features.set(
        wasmparser::WasmFeatures::RELAXED_SIMD,
        config.wasm_simd && config.wasm_relaxed_simd,
    );
    // The validator ties two rules of Wasm 3.0 besides typed references
    // to garbage collection: constant expressions reading any immutable
    // global, and its subtyping of function types. So it validates
    // garbage collection's types and instructions with them, which Strata
    // then reports as unsupported rather than invalid.
    features.set(
        wasmparser::WasmFeatures::FUNCTION_REFERENCES,
        config.wasm_function_references,
    );
    features.set(
        wasmparser::WasmFeatures::GC,
        config.wasm_function_references,
    );
    let lazy = config.get_compilation_mode() == crate::CompilationMode::Lazy;
    let interpreted = config.strategy != crate::Strategy::Jit;
    let options = crate::translate::Options {
        fuel: config.consume_fuel,
        interpreted,
        budgets: crate::jit::register_budgets(config),
    };
    let mut scratch = crate::translate::Scratch::default();
    // Lazy: where each body lies, and its loops.
    let mut sources = Vec::new();
    let mut body_loops = Vec::new();
    let mut validator = Validator::new_with_features(features);
    // The reader decodes with the same features, so encodings only a later
    // proposal allows (multi-byte memory indices, 64-bit limits) are malformed.
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut env = ModuleEnv::default();
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut bodies = Vec::new();
    let mut table_inits = Vec::new();
    let mut global_inits = Vec::new();
    let mut elems = Vec::new();
    let mut datas = Vec::new();
    let mut start = None;
    let mut name = None;
    let mut stats = ModuleStats {
        wasm_bytes: bytes.len(),
        ..ModuleStats::default()
    };
    let mut unsupported: Option<Error> = None;
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        let valid = validator.payload(&payload).map_err(invalid)?;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group.map_err(invalid)?;
                    let mut members = Vec::with_capacity(group.types().len());
                    for sub in group.into_types() {
                        let ty = func_type(&sub, &env.type_ids);
                        members.push(defer(&mut unsupported, ty, || FuncType::new([], []))?);
                    }
                    define_group(engine, &mut env, members);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(invalid)?;
                    let ty = match import.ty {
                        TypeRef::Func(idx) | TypeRef::FuncExact(idx) => {
                            env.funcs.push(idx);
                            env.num_imported_funcs += 1;
                            ExternType::Func(env.types[idx as usize].clone())
                        }
                        TypeRef::Table(t) => {
                            let t = table_type(t, &env.type_ids);
                            let t = defer(&mut unsupported, t, stand_in_table)?;
                            env.tables.push(t);
                            env.num_imported_tables += 1;
                            ExternType::Table(t)
                        }
                        TypeRef::Memory(m) => {
                            let m = defer(&mut unsupported, memory_type(m), stand_in_memory)?;
                            env.memories.push(m);
                            env.num_imported_memories += 1;
                            ExternType::Memory(m)
                        }
                        TypeRef::Global(g) => {
                            let g = global_type(g, &env.type_ids);
                            let g = defer(&mut unsupported, g, stand_in_global)?;
                            env.globals.push(g);
                            env.num_imported_globals += 1;
                            ExternType::Global(g)
                        }
                        TypeRef::Tag(t) => {
                            env.tags.push(t.func_type_idx);
                            env.num_imported_tags += 1;
                            ExternType::Tag(env.tag_type(env.tags.len() as u32 - 1))
                        }
                    };
                    imports.push(ImportDecl {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    env.funcs.push(ty.map_err(invalid)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(invalid)?;
                    let ty = table_type(table.ty, &env.type_ids);
                    env.tables
                        .push(defer(&mut unsupported, ty, stand_in_table)?);
                    table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(&mut unsupported, &e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader {
                    let ty = memory_type(mem.map_err(invalid)?);
                    env.memories
                        .push(defer(&mut unsupported, ty, stand_in_memory)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(invalid)?;
                    let ty = global_type(global.ty, &env.type_ids);
                    env.globals
                        .push(defer(&mut unsupported, ty, stand_in_global)?);
                    global_inits.push(const_expr(&mut unsupported, &global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(invalid)?;
                    let idx = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            ExportIndex::Func(export.index)
                        }
                        ExternalKind::Table => ExportIndex::Table(export.index),
                        ExternalKind::Memory => ExportIndex::Memory(export.index),
                        ExternalKind::Global => ExportIndex::Global(export.index),
                        ExternalKind::Tag => ExportIndex::Tag(export.index),
                    };
                    exports.push((export.name.to_string(), idx));
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader {
                    env.tags.push(tag.map_err(invalid)?.func_type_idx);
                }
            }
            Payload::StartSection { func, .. } => start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem.map_err(invalid)?;
                    let mode = match elem.kind {
                        ElementKind::Passive => SegmentMode::Passive,
                        ElementKind::Declared => SegmentMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: const_expr(&mut unsupported, &offset_expr)?,
                        },
                    };
                    let items = match elem.items {
                        ElementItems::Functions(funcs) => funcs
                            .into_iter()
                            .map(|f| f.map(ConstExpr::ref_func).map_err(invalid))
                            .collect::<Result<Vec<_>>>()?,
                        ElementItems::Expressions(_, exprs) => exprs
                            .into_iter()
                            .map(|e| const_expr(&mut unsupported, &e.map_err(invalid)?))
                            .collect::<Result<Vec<_>>>()?,
                    };
                    elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(invalid)?;
                    let mode = match data.kind {
                        DataKind::Passive => SegmentMode::Passive,
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: memory_index,
                            offset: const_expr(&mut unsupported, &offset_expr)?,
                        },
                    };
                    datas.push(DataSegment {
                        mode,
                        bytes: data.data.into(),
                    });
                }
            }
            Payload::CodeSectionStart { size, .. } => {
                stats.code_bytes = size as usize;
                // Exports name functions in backtraces unless the name section does.
                for (export_name, idx) in &exports {
                    if let ExportIndex::Func(f) = idx {
                        env.func_names
                            .entry(*f)
                            .or_insert_with(|| export_name.clone());
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let ValidPayload::Func(func, _) = valid else {
                    unreachable!("the validator hands out every function body");
                };
                let index = func.index;
                let validator = func.into_validator(std::mem::take(&mut scratch.validator));
                // After something unsupported, the module is only validated:
                // its stand-ins (`defer`) are not for translating.
                if lazy || unsupported.is_some() {
                    let (result, reused) = bodies::validate_body(&env, index, &body, validator);
                    scratch.validator = reused;
                    body_loops.push(defer(&mut unsupported, result, || 0)?);
                    let range = body.range();
                    sources.push((range.start as usize, range.end as usize));
                    continue;
                }
                let body =
                    translate_function(&env, index, &body, Some(validator), &mut scratch, options);
                bodies.push(defer(&mut unsupported, body, placeholder_body)?);
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(names) = reader.as_known() {
                    // A malformed name section is not an error (it is custom).
                    for n in names.into_iter().flatten() {
                        match n {
                            Name::Module { name: n, .. } => name = Some(n.to_string()),
                            Name::Function(map) => {
                                for naming in map.into_iter().flatten() {
                                    env.func_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(e) = unsupported {
        return Err(e);
    }
    if !lazy {
        body_loops = bodies.iter().map(|b| b.num_loops).collect();
    }
    let num_funcs = body_loops.len();
    stats.num_funcs = num_funcs;
    let mut loop_offsets = Vec::with_capacity(num_funcs);
    let mut num_loops = 0;
    for loops in body_loops {
        loop_offsets.push(num_loops);
        num_loops += loops;
    }
    let bodies = if lazy {
        Bodies::lazy(bytes.into(), sources, options)
    } else {
        Bodies::eager(bodies.into_iter().map(Ok).collect())
    };
    let export_index = exports.iter().cloned().collect();
    stats.compile_time = started.elapsed();
    Ok(ModuleInner {
        engine: engine.clone(),
        name,
        env,
        imports,
        exports,
        export_index,
        bodies,
        table_inits,
        global_inits,
        elems,
        datas,
        start,
        loop_offsets,
        num_loops,
        stats,
        jit: crate::jit::JitState::new(num_funcs, num_loops as usize),
        me: std::sync::Weak::new(),
    })
}

fn placeholder_body() -> FuncBody {
    FuncBody {
        def: 0,
        code: Box::new([crate::ir::Slot::new(crate::ir::Op::Unreachable {})]),
        consts: Box::new([]),
        num_params: 0,
        num_results: 0,
        frame_size: 1,
        num_loops: 0,
        reg_base: 0,
        int_regs: 0,
        float_regs: 0,
        local_cells: Box::new([]),
        far_branches: Box::new([]),
        wasm_ops: 0,
        outgoing_cells: 0,
        call_saves: Box::new([]),
        handlers: Box::new([]),
        uses_v128: false,
    }
}
