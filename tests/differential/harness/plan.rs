//! Which exports are called, in what order, and with which arguments.
//!
//! The plan is derived from the module's own bytes (read with wasmparser,
//! independent of the engines under test) and from a separate byte string,
//! so every engine receives exactly the same calls.

use arbitrary::Unstructured;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, ValType};

/// An argument, independent of any engine's value type.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Arg {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, as bits.
    F32(u32),
    /// A 64-bit float, as bits.
    F64(u64),
    /// A 128-bit vector, lane 0 least significant.
    V128(u128),
    /// A null reference of the given type.
    Null(RefKind),
}

/// The reference types a null argument may have.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `funcref`.
    Func,
    /// `externref`.
    Extern,
    /// `exnref`.
    Exn,
}

/// One call of an exported function.
#[derive(Clone, Debug)]
pub struct Call {
    /// The export's name.
    pub export: String,
    /// The arguments, matching the function's parameter types.
    pub args: Vec<Arg>,
}

/// What kind of thing an export is, for the state snapshot.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// A function.
    Func,
    /// A global.
    Global,
    /// A linear memory.
    Memory,
    /// A table.
    Table,
}

/// The calls to make, and the exports whose state is compared after each.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Calls in order.
    pub calls: Vec<Call>,
    /// Every export, in the module's order.
    pub exports: Vec<(String, ExportKind)>,
}

/// Calls made after every function was called once, so that repeated calls
/// cross the tiered strategy's thresholds.
const EXTRA_CALLS: usize = 24;

/// Values that sit on edges of integer and float semantics.
const SPECIAL_I32: [i32; 8] = [0, 1, -1, 2, i32::MIN, i32::MAX, 0x8000, 65536];
const SPECIAL_I64: [i64; 7] = [0, 1, -1, i64::MIN, i64::MAX, 1 << 32, 65536];
const SPECIAL_F32: [u32; 8] = [
    0,
    0x8000_0000,
    0x3f80_0000,
    0x7f80_0000,
    0xff80_0000,
    0x7fc0_0000,
    0x4f00_0000,
    0xcf00_0001,
];
const SPECIAL_F64: [u64; 8] = [
    0,
    0x8000_0000_0000_0000,
    0x3ff0_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x7ff8_0000_0000_0000,
    0x43e0_0000_0000_0000,
    0xc3e0_0000_0000_0001,
];

impl Plan {
    /// Reads the exports of `wasm` and draws arguments from `arg_bytes`;
    /// every exported function is called once in export order, then more
    /// calls are drawn while bytes remain. Fails if `wasm` does not parse.
    pub fn new(wasm: &[u8], arg_bytes: &[u8]) -> Result<Plan, String> {
        let mut types: Vec<Vec<ValType>> = Vec::new();
        let mut func_types: Vec<u32> = Vec::new();
        let mut exports = Vec::new();
        let mut func_exports = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.map_err(|e| e.to_string())? {
                Payload::TypeSection(reader) => {
                    for ty in reader.into_iter_err_on_gc_types() {
                        types.push(ty.map_err(|e| e.to_string())?.params().to_vec());
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if let TypeRef::Func(ty) = import.map_err(|e| e.to_string())?.ty {
                            func_types.push(ty);
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        func_types.push(ty.map_err(|e| e.to_string())?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(|e| e.to_string())?;
                        let kind = match export.kind {
                            ExternalKind::Func => {
                                func_exports.push((export.name.to_string(), export.index));
                                ExportKind::Func
                            }
                            ExternalKind::Global => ExportKind::Global,
                            ExternalKind::Memory => ExportKind::Memory,
                            ExternalKind::Table => ExportKind::Table,
                            _ => continue,
                        };
                        exports.push((export.name.to_string(), kind));
                    }
                }
                _ => {}
            }
        }
        let params = |index: u32| -> Result<&[ValType], String> {
            let ty = func_types
                .get(index as usize)
                .ok_or("export of unknown function")?;
            Ok(types.get(*ty as usize).ok_or("function of unknown type")?)
        };
        let mut u = Unstructured::new(arg_bytes);
        let mut calls = Vec::new();
        for (name, index) in &func_exports {
            let args = draw_args(params(*index)?, &mut u);
            calls.push(Call {
                export: name.clone(),
                args,
            });
        }
        while !func_exports.is_empty()
            && !u.is_empty()
            && calls.len() < func_exports.len() + EXTRA_CALLS
        {
            let pick = u.choose_index(func_exports.len()).unwrap_or(0);
            let (name, index) = &func_exports[pick];
            let args = draw_args(params(*index)?, &mut u);
            calls.push(Call {
                export: name.clone(),
                args,
            });
        }
        Ok(Plan { calls, exports })
    }
}

/// Arguments for `params`; once the bytes run out every argument is zero.
fn draw_args(params: &[ValType], u: &mut Unstructured<'_>) -> Vec<Arg> {
    params
        .iter()
        .map(|ty| draw_arg(*ty, u).unwrap_or(zero(*ty)))
        .collect()
}

fn draw_arg(ty: ValType, u: &mut Unstructured<'_>) -> arbitrary::Result<Arg> {
    // Half the values come from the edge lists: uniformly random bits almost
    // never hit the cases where engines tend to differ.
    let special = u.ratio(1, 2)?;
    Ok(match ty {
        ValType::I32 if special => Arg::I32(*u.choose(&SPECIAL_I32)?),
        ValType::I32 => Arg::I32(u.arbitrary()?),
        ValType::I64 if special => Arg::I64(*u.choose(&SPECIAL_I64)?),
        ValType::I64 => Arg::I64(u.arbitrary()?),
        ValType::F32 if special => Arg::F32(*u.choose(&SPECIAL_F32)?),
        ValType::F32 => Arg::F32(u.arbitrary()?),
        ValType::F64 if special => Arg::F64(*u.choose(&SPECIAL_F64)?),
        ValType::F64 => Arg::F64(u.arbitrary()?),
        // Lanes from the edge lists, or random bits.
        ValType::V128 if special => {
            let (a, b) = (*u.choose(&SPECIAL_I64)?, *u.choose(&SPECIAL_I64)?);
            Arg::V128((a as u64 as u128) << 64 | b as u64 as u128)
        }
        ValType::V128 => Arg::V128(u.arbitrary()?),
        other => zero(other),
    })
}

fn zero(ty: ValType) -> Arg {
    match ty {
        ValType::I32 => Arg::I32(0),
        ValType::I64 => Arg::I64(0),
        ValType::F32 => Arg::F32(0),
        ValType::F64 => Arg::F64(0),
        ValType::V128 => Arg::V128(0),
        ValType::Ref(r) if r.is_extern_ref() => Arg::Null(RefKind::Extern),
        ValType::Ref(r)
            if r.heap_type()
                == (wasmparser::HeapType::Abstract {
                    shared: false,
                    ty: wasmparser::AbstractHeapType::Exn,
                }) =>
        {
            Arg::Null(RefKind::Exn)
        }
        _ => Arg::Null(RefKind::Func),
    }
}
