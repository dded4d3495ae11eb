//! Precompiled modules: a module's validated form and register IR as
//! bytes, so that loading it does no decoding, validation or translation.
//!
//! Layout: a magic, the format version, the Strata version, the target, the
//! settings that change the code (each a mismatch error when loading), then
//! the module, then under `Jit` the machine code of every function (which
//! is position-independent: it reaches the runtime through its context),
//! then a checksum of everything before it. Integers are
//! little-endian (`ir::wire`). `Tiered` artifacts hold the IR only: their
//! functions are compiled when they get hot, as in a fresh module.

use std::collections::HashMap;

use super::{
    const_expr::ConstExpr, Bodies, DataSegment, ElemSegment, ExportIndex, ImportDecl, ModuleEnv,
    ModuleInner, ModuleStats, SegmentMode,
};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ir::wire::Wire;
use crate::ir::{CallSave, FuncBody, Handler, Op, Slot};
use crate::jit::Assembled;
use crate::types::{
    ExternType, FuncType, GlobalType, HeapType, MemoryType, Mutability, RefType, TableType,
    ValType, IN_GROUP,
};

const MAGIC: &[u8; 8] = b"\0strata\x01";

/// Bumped whenever the encoding changes.
const FORMAT: u32 = 4;

/// What must match between the engine that wrote an artifact and the one
/// that loads it: the IR or the machine code differs with each of these.
fn settings(engine: &Engine) -> String {
    let c = engine.config();
    format!(
        "strategy={} fuel={} epochs={} extended-const={} tail-call={} multi-memory={} \
         memory64={} function-references={} exceptions={} simd={} relaxed-simd={} \
         max-call-depth={} memory-guard={}",
        c.strategy.name(),
        c.consume_fuel,
        c.epoch_interruption,
        c.wasm_extended_const,
        c.wasm_tail_call,
        c.wasm_multi_memory,
        c.wasm_memory64,
        c.wasm_function_references,
        c.wasm_exceptions,
        c.wasm_simd,
        c.wasm_relaxed_simd,
        c.max_call_depth,
        c.memory_guard_size,
    )
}

/// The machine an artifact is for: under `Jit`, the CPU features its
/// machine code needs too; under emulation, AArch64.
fn target(engine: &Engine) -> String {
    let machine = format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS);
    match engine.config().strategy {
        // Code compiled for an emulator runs nowhere else, and the IR of
        // every strategy is allocated for its registers.
        _ if engine.config().emulator.is_some() => format!("aarch64 (emulated on {machine})"),
        crate::Strategy::Jit => format!("{machine} (sse4.1, sse4.2, popcnt, lzcnt, bmi1)"),
        _ => machine,
    }
}

/// A 64-bit hash of 8-byte words (the last bytes padded with zeros, and the
/// length mixed in): each step is a bijection of the running hash (xor, odd
/// multiply, xor-shift), so any one damaged word changes it, and the
/// xor-shift carries high bits down so that damage in two words does not
/// cancel out as it can with a multiply alone.
fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let step = |h: u64, w: u64| {
        let h = (h ^ w).wrapping_mul(PRIME);
        h ^ (h >> 29)
    };
    let (words, rest) = bytes.as_chunks::<8>();
    let h = words.iter().fold(0xcbf2_9ce4_8422_2325, |h, w| {
        step(h, u64::from_le_bytes(*w))
    });
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    step(step(h, u64::from_le_bytes(last)), bytes.len() as u64)
}

/// The artifact of `m`, whose bodies are all translated (any untranslated
/// one is translated now).
pub(crate) fn serialize(m: &ModuleInner) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(MAGIC);
    FORMAT.put(&mut out);
    put_str(&mut out, env!("CARGO_PKG_VERSION"));
    put_str(&mut out, &target(&m.engine));
    put_str(&mut out, &settings(&m.engine));

    put_opt(&mut out, m.name.as_deref(), put_str);
    put_env(&mut out, &m.env);
    put_vec(&mut out, &m.imports, |out, i| {
        put_str(out, &i.module);
        put_str(out, &i.name);
        put_extern(out, &m.env.type_ids, &i.ty);
    });
    put_vec(&mut out, &m.exports, |out, (name, index)| {
        put_str(out, name);
        let (tag, i) = match *index {
            ExportIndex::Func(i) => (0u8, i),
            ExportIndex::Table(i) => (1, i),
            ExportIndex::Memory(i) => (2, i),
            ExportIndex::Global(i) => (3, i),
            ExportIndex::Tag(i) => (4, i),
        };
        tag.put(out);
        i.put(out);
    });
    put_vec(&mut out, &m.table_inits, |out, init| {
        put_opt(out, init.as_ref(), |out, e| e.encode(out))
    });
    put_vec(&mut out, &m.global_inits, |out, e| e.encode(out));
    put_vec(&mut out, &m.elems, |out, seg| {
        put_mode(out, &seg.mode);
        put_vec(out, &seg.items, |out, e| e.encode(out));
    });
    put_vec(&mut out, &m.datas, |out, seg| {
        put_mode(out, &seg.mode);
        put_bytes(out, &seg.bytes);
    });
    put_opt(&mut out, m.start, |out, s| s.put(out));
    put_u32s(&mut out, &m.loop_offsets);
    m.num_loops.put(&mut out);
    (m.stats.wasm_bytes as u64).put(&mut out);
    (m.stats.code_bytes as u64).put(&mut out);
    put_len(&mut out, m.bodies.len());
    for def in 0..m.bodies.len() as u32 {
        match m.body(def) {
            Ok(body) => {
                0u8.put(&mut out);
                put_body(&mut out, body);
            }
            // Valid but not runnable here (SIMD): it fails when called, as
            // in the module it came from.
            Err(e) => {
                1u8.put(&mut out);
                put_str(&mut out, &e.to_string());
            }
        }
    }
    if m.engine.config().strategy == crate::Strategy::Jit {
        1u8.put(&mut out);
        put_code(&mut out, &crate::jit::assemble_all(m)?);
    } else {
        0u8.put(&mut out);
    }
    checksum(&out).put(&mut out);
    Ok(out)
}

fn put_code(out: &mut Vec<u8>, asm: &Assembled) {
    put_bytes(out, &asm.code);
    put_vec(out, &asm.sites, |out, s| {
        s.offset.put(out);
        s.code.put(out);
    });
    put_vec(out, &asm.landings, |out, s| {
        s.ret.put(out);
        s.landing.put(out);
    });
    put_vec(out, &asm.funcs, |out, (start, len, osr)| {
        start.put(out);
        len.put(out);
        put_u32s(out, osr);
    });
}

fn get_code(r: &mut &[u8]) -> Option<Assembled> {
    let code = get_bytes(r)?;
    let sites = get_vec(r, |r| {
        Some(strata_jit::TrapSite {
            offset: u32::get(r)?,
            code: u32::get(r)?,
        })
    })?;
    let landings = get_vec(r, |r| {
        Some(strata_jit::LandingSite {
            ret: u32::get(r)?,
            landing: u32::get(r)?,
        })
    })?;
    let funcs = get_vec(r, |r| Some((u32::get(r)?, u32::get(r)?, get_u32s(r)?)))?;
    Some(Assembled {
        code,
        sites,
        landings,
        funcs,
    })
}

/// A module from `bytes`, an artifact of [`serialize`] made by an engine
/// with the same settings as `engine`, and its machine code if it has any.
pub(crate) fn deserialize(
    engine: &Engine,
    bytes: &[u8],
) -> Result<(ModuleInner, Option<Assembled>)> {
    let started = std::time::Instant::now();
    let bad = |what: &str| Error::compile(format!("not a Strata precompiled module: {what}"));
    let Some((body, sum)) = bytes.split_last_chunk::<8>() else {
        return Err(bad("too short"));
    };
    if !body.starts_with(MAGIC) {
        return Err(bad("wrong magic number"));
    }
    if checksum(body) != u64::from_le_bytes(*sum) {
        return Err(bad("checksum mismatch (truncated or corrupted)"));
    }
    let mut input = &body[MAGIC.len()..];
    let r = &mut input;
    let format = u32::get(r).ok_or_else(|| bad("no format"))?;
    let version = get_str(r).ok_or_else(|| bad("no version"))?;
    if format != FORMAT || version != env!("CARGO_PKG_VERSION") {
        return Err(Error::compile(format!(
            "precompiled module from Strata {version} (format {format}); this is Strata {} \
             (format {FORMAT}): compile it again",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let their_target = get_str(r).ok_or_else(|| bad("no target"))?;
    if their_target != target(engine) {
        return Err(Error::compile(format!(
            "precompiled module for {their_target}, not for this engine ({})",
            target(engine)
        )));
    }
    let theirs = get_str(r).ok_or_else(|| bad("no settings"))?;
    let ours = settings(engine);
    if theirs != ours {
        return Err(Error::compile(format!(
            "precompiled module for an engine with other settings ({theirs}); this engine: {ours}"
        )));
    }
    let inner = read_module(engine, r).ok_or_else(|| bad("malformed contents"))?;
    let code = match u8::get(r) {
        Some(0) => None,
        Some(1) => Some(get_code(r).ok_or_else(|| bad("malformed machine code"))?),
        _ => return Err(bad("malformed machine code")),
    };
    if !r.is_empty() {
        return Err(bad("trailing bytes"));
    }
    let mut inner = inner;
    inner.stats.compile_time = started.elapsed();
    Ok((inner, code))
}

fn read_module(engine: &Engine, r: &mut &[u8]) -> Option<ModuleInner> {
    let name = get_opt(r, get_str)?;
    let env = get_env(r, engine)?;
    let imports = get_vec(r, |r| {
        Some(ImportDecl {
            module: get_str(r)?,
            name: get_str(r)?,
            ty: get_extern(r, &env.type_ids, &env.types)?,
        })
    })?;
    let exports: Vec<(String, ExportIndex)> = get_vec(r, |r| {
        let name = get_str(r)?;
        let (tag, i) = (u8::get(r)?, u32::get(r)?);
        let index = match tag {
            0 => ExportIndex::Func(i),
            1 => ExportIndex::Table(i),
            2 => ExportIndex::Memory(i),
            3 => ExportIndex::Global(i),
            4 => ExportIndex::Tag(i),
            _ => return None,
        };
        Some((name, index))
    })?;
    let table_inits = get_vec(r, |r| get_opt(r, ConstExpr::decode))?;
    let global_inits = get_vec(r, ConstExpr::decode)?;
    let elems = get_vec(r, |r| {
        Some(ElemSegment {
            mode: get_mode(r)?,
            items: get_vec(r, ConstExpr::decode)?,
        })
    })?;
    let datas = get_vec(r, |r| {
        Some(DataSegment {
            mode: get_mode(r)?,
            bytes: get_bytes(r)?.into(),
        })
    })?;
    let start = get_opt(r, u32::get)?;
    let loop_offsets = get_u32s(r)?;
    let num_loops = u32::get(r)?;
    let wasm_bytes = u64::get(r)? as usize;
    let code_bytes = u64::get(r)? as usize;
    let bodies: Vec<Result<FuncBody>> = get_vec(r, |r| match u8::get(r)? {
        0 => get_body(r).map(Ok),
        1 => Some(Err(Error::unsupported(get_str(r)?))),
        _ => None,
    })?;
    // What the code indexes must be there: a body per defined function, a
    // loop offset per body.
    let defined = env
        .funcs
        .len()
        .checked_sub(env.num_imported_funcs as usize)?;
    let tag_imports = imports
        .iter()
        .filter(|i| matches!(i.ty, ExternType::Tag(_)))
        .count();
    if bodies.len() != defined
        || loop_offsets.len() != defined
        || env.funcs.iter().any(|&t| t as usize >= env.types.len())
        || tag_imports != env.num_imported_tags as usize
    {
        return None;
    }
    let export_index: HashMap<String, ExportIndex> = exports.iter().cloned().collect();
    let stats = ModuleStats {
        wasm_bytes,
        code_bytes,
        num_funcs: defined,
        ..ModuleStats::default()
    };
    Some(ModuleInner {
        engine: engine.clone(),
        name,
        env,
        imports,
        exports,
        export_index,
        bodies: Bodies::eager(bodies),
        table_inits,
        global_inits,
        elems,
        datas,
        start,
        loop_offsets,
        num_loops,
        stats,
        jit: crate::jit::JitState::new(defined, num_loops as usize),
        me: std::sync::Weak::new(),
    })
}

// ----- primitives -----

fn put_len(out: &mut Vec<u8>, n: usize) {
    (n as u32).put(out);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

/// `items`: their count, then each as `item` writes it.
fn put_vec<T>(out: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    put_len(out, items.len());
    for x in items {
        item(out, x);
    }
}

/// `v`: a 0 byte for `None`, else a 1 byte and the value as `value` writes it.
fn put_opt<T>(out: &mut Vec<u8>, v: Option<T>, value: impl FnOnce(&mut Vec<u8>, T)) {
    match v {
        None => 0u8.put(out),
        Some(v) => {
            1u8.put(out);
            value(out, v);
        }
    }
}

/// Takes what [`put_opt`] wrote.
fn get_opt<T>(r: &mut &[u8], value: impl FnOnce(&mut &[u8]) -> Option<T>) -> Option<Option<T>> {
    match u8::get(r)? {
        0 => Some(None),
        1 => Some(Some(value(r)?)),
        _ => None,
    }
}

fn put_u32s(out: &mut Vec<u8>, v: &[u32]) {
    put_vec(out, v, |out, &x| x.put(out));
}

fn get_vec<T>(r: &mut &[u8], mut item: impl FnMut(&mut &[u8]) -> Option<T>) -> Option<Vec<T>> {
    let n = u32::get(r)? as usize;
    // Every item takes at least a byte: a count past the input is damage.
    if n > r.len() {
        return None;
    }
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(item(r)?);
    }
    Some(v)
}

fn get_bytes(r: &mut &[u8]) -> Option<Vec<u8>> {
    let n = u32::get(r)? as usize;
    let (b, rest) = r.split_at_checked(n)?;
    *r = rest;
    Some(b.to_vec())
}

fn get_str(r: &mut &[u8]) -> Option<String> {
    String::from_utf8(get_bytes(r)?).ok()
}

fn get_u32s(r: &mut &[u8]) -> Option<Vec<u32>> {
    get_vec(r, u32::get)
}

// ----- types -----
//
// A typed reference names a function type by the engine's id, which is
// not the same in another engine: the artifact names it by the module's
// type index instead (`ids` maps between them: the engine id of each type
// index, those read so far when reading).

const VAL_TYPES: [ValType; 7] = [
    ValType::I32,
    ValType::I64,
    ValType::F32,
    ValType::F64,
    ValType::V128,
    ValType::FuncRef,
    ValType::ExternRef,
];

/// The tag of a [`ValType::Ref`], after those of [`VAL_TYPES`].
const REF_TAG: u8 = VAL_TYPES.len() as u8;

fn put_val(out: &mut Vec<u8>, ids: &[u32], t: ValType) {
    let ValType::Ref(r) = t else {
        let tag = VAL_TYPES.iter().position(|&v| v == t).unwrap_or(0) as u8;
        return tag.put(out);
    };
    REF_TAG.put(out);
    u8::from(r.is_nullable()).put(out);
    match r.heap_type() {
        HeapType::Func => 0u8.put(out),
        HeapType::Extern => 1u8.put(out),
        HeapType::Exn => 3u8.put(out),
        HeapType::ConcreteFunc(id) if id & IN_GROUP != 0 => {
            4u8.put(out);
            (id & !IN_GROUP).put(out);
        }
        HeapType::ConcreteFunc(id) => {
            2u8.put(out);
            // Every function type a module's types mention is its own.
            let index = ids.iter().position(|&i| i == id).unwrap_or(0);
            (index as u32).put(out);
        }
    }
}

fn get_val(r: &mut &[u8], ids: &[u32]) -> Option<ValType> {
    let tag = u8::get(r)?;
    if tag != REF_TAG {
        return VAL_TYPES.get(tag as usize).copied();
    }
    let nullable = get_bool(r)?;
    let heap = match u8::get(r)? {
        0 => HeapType::Func,
        1 => HeapType::Extern,
        2 => HeapType::ConcreteFunc(*ids.get(u32::get(r)? as usize)?),
        3 => HeapType::Exn,
        4 => HeapType::ConcreteFunc(IN_GROUP | u32::get(r)?),
        _ => return None,
    };
    Some(ValType::reference(RefType::new(nullable, heap)))
}

/// A signature as written (see [`put_env`] for recursion groups).
fn put_sig(out: &mut Vec<u8>, ids: &[u32], t: &FuncType) {
    for list in [t.params(), t.results()] {
        put_vec(out, list, |out, &v| put_val(out, ids, v));
    }
}

fn get_sig(r: &mut &[u8], ids: &[u32]) -> Option<FuncType> {
    let params = get_vec(r, |r| get_val(r, ids))?;
    let results = get_vec(r, |r| get_val(r, ids))?;
    Some(FuncType::new(params, results))
}

/// A function type of an import or export: a signature, or a type of a
/// recursion group by its index among the module's types.
fn put_func_type(out: &mut Vec<u8>, ids: &[u32], t: &FuncType) {
    match t.rec_group() {
        Some((base, index)) => {
            1u8.put(out);
            let at = ids.iter().position(|&i| i == base + index).unwrap_or(0);
            (at as u32).put(out);
        }
        None => {
            0u8.put(out);
            put_sig(out, ids, t);
        }
    }
}

fn get_func_type(r: &mut &[u8], ids: &[u32], types: &[FuncType]) -> Option<FuncType> {
    match u8::get(r)? {
        0 => get_sig(r, ids),
        1 => types.get(u32::get(r)? as usize).cloned(),
        _ => None,
    }
}

fn put_table(out: &mut Vec<u8>, ids: &[u32], t: &TableType) {
    put_val(out, ids, t.element());
    t.minimum().put(out);
    put_opt(out, t.maximum(), |out, v| v.put(out));
    u8::from(t.is_64()).put(out);
}

fn get_table(r: &mut &[u8], ids: &[u32]) -> Option<TableType> {
    let element = get_val(r, ids)?;
    if !element.is_ref() {
        return None;
    }
    let (minimum, maximum) = (u64::get(r)?, get_opt(r, u64::get)?);
    Some(TableType::from_limits(
        element,
        minimum,
        maximum,
        get_bool(r)?,
    ))
}

fn put_memory(out: &mut Vec<u8>, t: &MemoryType) {
    t.minimum().put(out);
    put_opt(out, t.maximum(), |out, v| v.put(out));
    u8::from(t.is_64()).put(out);
}

fn get_memory(r: &mut &[u8]) -> Option<MemoryType> {
    let (minimum, maximum) = (u64::get(r)?, get_opt(r, u64::get)?);
    Some(MemoryType::from_limits(minimum, maximum, get_bool(r)?))
}

/// A flag written as one byte, 0 or 1.
fn get_bool(r: &mut &[u8]) -> Option<bool> {
    match u8::get(r)? {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn put_global(out: &mut Vec<u8>, ids: &[u32], t: &GlobalType) {
    put_val(out, ids, t.content());
    u8::from(t.mutability() == Mutability::Var).put(out);
}

fn get_global(r: &mut &[u8], ids: &[u32]) -> Option<GlobalType> {
    let content = get_val(r, ids)?;
    let mutability = match u8::get(r)? {
        0 => Mutability::Const,
        1 => Mutability::Var,
        _ => return None,
    };
    Some(GlobalType::new(content, mutability))
}

fn put_extern(out: &mut Vec<u8>, ids: &[u32], t: &ExternType) {
    match t {
        ExternType::Func(f) => {
            0u8.put(out);
            put_func_type(out, ids, f);
        }
        ExternType::Memory(m) => {
            1u8.put(out);
            put_memory(out, m);
        }
        ExternType::Table(t) => {
            2u8.put(out);
            put_table(out, ids, t);
        }
        ExternType::Global(g) => {
            3u8.put(out);
            put_global(out, ids, g);
        }
        ExternType::Tag(t) => {
            4u8.put(out);
            put_func_type(out, ids, t.func_type());
        }
    }
}

fn get_extern(r: &mut &[u8], ids: &[u32], types: &[FuncType]) -> Option<ExternType> {
    Some(match u8::get(r)? {
        0 => ExternType::Func(get_func_type(r, ids, types)?),
        1 => ExternType::Memory(get_memory(r)?),
        2 => ExternType::Table(get_table(r, ids)?),
        3 => ExternType::Global(get_global(r, ids)?),
        4 => ExternType::Tag(crate::types::TagType::from_func_type(get_func_type(
            r, ids, types,
        )?)),
        _ => return None,
    })
}

/// The types go by recursion group: a group's size (0 for a signature of
/// its own), then its members as written, referring to each other by
/// index in the group, so that loading interns the same group.
fn put_env(out: &mut Vec<u8>, env: &ModuleEnv) {
    let ids = &env.type_ids;
    (env.types.len() as u32).put(out);
    let mut k = 0;
    while k < env.types.len() {
        let t = &env.types[k];
        let Some((base, _)) = t.rec_group() else {
            0u32.put(out);
            put_sig(out, ids, t);
            k += 1;
            continue;
        };
        // Members follow each other in order (`define_group`).
        let n = env.types[k..]
            .iter()
            .enumerate()
            .take_while(|(j, m)| m.rec_group() == Some((base, *j as u32)))
            .count()
            .max(1);
        (n as u32).put(out);
        for m in &env.types[k..k + n] {
            put_sig(out, ids, &m.as_written(base, n as u32));
        }
        k += n;
    }
    put_u32s(out, &env.funcs);
    env.num_imported_funcs.put(out);
    put_vec(out, &env.tables, |out, t| put_table(out, ids, t));
    env.num_imported_tables.put(out);
    put_vec(out, &env.memories, put_memory);
    env.num_imported_memories.put(out);
    put_vec(out, &env.globals, |out, g| put_global(out, ids, g));
    env.num_imported_globals.put(out);
    put_u32s(out, &env.tags);
    env.num_imported_tags.put(out);
    let mut names: Vec<(&u32, &String)> = env.func_names.iter().collect();
    names.sort();
    put_vec(out, &names, |out, &(&i, name)| {
        i.put(out);
        put_str(out, name);
    });
}

/// The module's types are interned as they are read: each may name the
/// ones before it.
fn get_env(r: &mut &[u8], engine: &Engine) -> Option<ModuleEnv> {
    let count = u32::get(r)? as usize;
    if count > r.len() {
        return None;
    }
    let (mut types, mut type_ids) = (Vec::new(), Vec::new());
    while types.len() < count {
        let n = u32::get(r)?;
        if n == 0 {
            let ty = get_sig(r, &type_ids)?;
            if ty.refers_in_group() {
                return None;
            }
            type_ids.push(engine.intern_type(&ty));
            types.push(ty);
            continue;
        }
        if n as usize > count - types.len() {
            return None;
        }
        let members = (0..n)
            .map(|_| get_sig(r, &type_ids))
            .collect::<Option<Vec<_>>>()?;
        // Every reference into the group must name one of its members.
        let inside = |m: &FuncType| {
            m.params().iter().chain(m.results()).all(|t| {
                match t.as_ref_type().map(|r| r.heap_type()) {
                    Some(HeapType::ConcreteFunc(id)) if id & IN_GROUP != 0 => (id & !IN_GROUP) < n,
                    _ => true,
                }
            })
        };
        if !members.iter().all(inside) {
            return None;
        }
        let base = engine.intern_group(&members);
        for (i, m) in members.iter().enumerate() {
            type_ids.push(base + i as u32);
            types.push(m.in_group(base, i as u32));
        }
    }
    let funcs = get_u32s(r)?;
    let num_imported_funcs = u32::get(r)?;
    let tables = get_vec(r, |r| get_table(r, &type_ids))?;
    let num_imported_tables = u32::get(r)?;
    let memories = get_vec(r, get_memory)?;
    let num_imported_memories = u32::get(r)?;
    let globals = get_vec(r, |r| get_global(r, &type_ids))?;
    let num_imported_globals = u32::get(r)?;
    let tags = get_u32s(r)?;
    let num_imported_tags = u32::get(r)?;
    let func_names = get_vec(r, |r| Some((u32::get(r)?, get_str(r)?)))?
        .into_iter()
        .collect();
    let within = |n: u32, of: usize| n as usize <= of;
    if !(within(num_imported_funcs, funcs.len())
        && within(num_imported_tables, tables.len())
        && within(num_imported_memories, memories.len())
        && within(num_imported_globals, globals.len())
        && within(num_imported_tags, tags.len())
        && tags.iter().all(|&t| (t as usize) < types.len()))
    {
        return None;
    }
    Some(ModuleEnv {
        types,
        type_ids,
        funcs,
        num_imported_funcs,
        tables,
        num_imported_tables,
        memories,
        num_imported_memories,
        globals,
        num_imported_globals,
        tags,
        num_imported_tags,
        func_names,
    })
}

fn put_mode(out: &mut Vec<u8>, mode: &SegmentMode) {
    match mode {
        SegmentMode::Passive => 0u8.put(out),
        SegmentMode::Declared => 1u8.put(out),
        SegmentMode::Active { index, offset } => {
            2u8.put(out);
            index.put(out);
            offset.encode(out);
        }
    }
}

fn get_mode(r: &mut &[u8]) -> Option<SegmentMode> {
    Some(match u8::get(r)? {
        0 => SegmentMode::Passive,
        1 => SegmentMode::Declared,
        2 => SegmentMode::Active {
            index: u32::get(r)?,
            offset: ConstExpr::decode(r)?,
        },
        _ => return None,
    })
}

// ----- bodies -----

fn put_body(out: &mut Vec<u8>, b: &FuncBody) {
    b.def.put(out);
    put_vec(out, &b.code, |out, slot| slot.op.encode(out));
    put_vec(out, &b.consts, |out, &c| c.put(out));
    for n in [
        b.num_params,
        b.num_results,
        b.frame_size,
        b.num_loops,
        b.reg_base,
        b.int_regs,
        b.float_regs,
        b.wasm_ops,
        b.outgoing_cells,
        u32::from(b.uses_v128),
    ] {
        n.put(out);
    }
    put_vec(out, &b.local_cells, |out, &c| c.put(out));
    put_vec(out, &b.far_branches, |out, &(at, offset)| {
        at.put(out);
        offset.put(out);
    });
    put_vec(out, &b.call_saves, |out, s| {
        s.at.put(out);
        s.ints.put(out);
        s.floats.put(out);
    });
    put_vec(out, &b.handlers, |out, h| {
        h.start.put(out);
        h.end.put(out);
    });
}

fn get_body(r: &mut &[u8]) -> Option<FuncBody> {
    let def = u32::get(r)?;
    let mut code: Box<[Slot]> = get_vec(r, |r| Op::decode(r).map(Slot::new))?.into();
    let consts = get_vec(r, u64::get)?.into();
    let mut n = [0u32; 10];
    for x in &mut n {
        *x = u32::get(r)?;
    }
    let [num_params, num_results, frame_size, num_loops, reg_base, int_regs, float_regs, wasm_ops, outgoing_cells, uses_v128] =
        n;
    let uses_v128 = match uses_v128 {
        0 => false,
        1 => true,
        _ => return None,
    };
    if uses_v128 {
        crate::interp::specialize(&mut code);
    }
    let local_cells: Box<[u16]> = get_vec(r, u16::get)?.into();
    let far_branches = get_vec(r, |r| Some((u32::get(r)?, i32::get(r)?)))?.into();
    let call_saves = get_vec(r, |r| {
        Some(CallSave {
            at: u32::get(r)?,
            ints: u32::get(r)?,
            floats: u32::get(r)?,
        })
    })?
    .into();
    let handlers: Box<[Handler]> = get_vec(r, |r| {
        Some(Handler {
            start: u32::get(r)?,
            end: u32::get(r)?,
        })
    })?
    .into();
    let len = code.len() as u32;
    if handlers.iter().any(|h| h.start > h.end || h.end >= len) {
        return None;
    }
    // Every register the code names is a cell of the frame, as the
    // interpreter relies on without checking; where values may be v128s,
    // so is the cell after it.
    let limit = frame_size - u32::from(uses_v128 && frame_size > 0);
    let mut in_frame = local_cells.iter().all(|&c| (c as u32) < frame_size);
    for slot in code.iter() {
        slot.op
            .visit_regs(|reg, _| in_frame &= (reg as u32) < limit);
    }
    if !in_frame || code.is_empty() || num_params > frame_size || num_results > frame_size {
        return None;
    }
    Some(FuncBody {
        def,
        code,
        consts,
        num_params,
        num_results,
        frame_size,
        num_loops,
        reg_base,
        int_regs,
        float_regs,
        local_cells,
        far_branches,
        wasm_ops,
        outgoing_cells,
        call_saves,
        handlers,
        uses_v128,
    })
}
