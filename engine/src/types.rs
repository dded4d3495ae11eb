//! Wasm types as the embedding API sees them.

use std::fmt;
use std::sync::Arc;

/// The type of a wasm value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// 128-bit vector.
    V128,
    /// Nullable function reference.
    FuncRef,
    /// Nullable host reference.
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub(crate) fn from_wasm(ty: wasmparser::ValType) -> Option<ValType> {
        Some(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) if r == wasmparser::RefType::FUNCREF => ValType::FuncRef,
            wasmparser::ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => {
                ValType::ExternRef
            }
            wasmparser::ValType::Ref(_) => return None,
        })
    }

    pub(crate) fn from_ref(ty: wasmparser::RefType) -> Option<ValType> {
        Self::from_wasm(wasmparser::ValType::Ref(ty))
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A function signature.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    // params followed by results, shared cheaply between modules and stores.
    sig: Arc<[ValType]>,
    num_params: usize,
}

impl FuncType {
    /// A signature from parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        let mut sig: Vec<ValType> = params.into_iter().collect();
        let num_params = sig.len();
        sig.extend(results);
        FuncType {
            sig: sig.into(),
            num_params,
        }
    }

    /// Parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.sig[..self.num_params]
    }

    /// Result types.
    pub fn results(&self) -> &[ValType] {
        &self.sig[self.num_params..]
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (label, tys) in [("param", self.params()), ("result", self.results())] {
            if !tys.is_empty() {
                write!(f, " ({label}")?;
                for t in tys {
                    write!(f, " {t}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

/// A linear memory's limits, in 64 KiB pages, and its index type.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MemoryType {
    minimum: u64,
    maximum: Option<u64>,
    is_64: bool,
}

impl MemoryType {
    /// A 32-bit memory type.
    pub fn new(min_pages: u32, max_pages: Option<u32>) -> MemoryType {
        MemoryType::from_limits(min_pages as u64, max_pages.map(u64::from), false)
    }

    /// A 64-bit memory type (`memory64`): addresses, sizes and offsets are
    /// `i64`.
    pub fn new64(min_pages: u64, max_pages: Option<u64>) -> MemoryType {
        MemoryType::from_limits(min_pages, max_pages, true)
    }

    pub(crate) fn from_limits(minimum: u64, maximum: Option<u64>, is_64: bool) -> MemoryType {
        MemoryType {
            minimum,
            maximum,
            is_64,
        }
    }

    /// Whether the memory is indexed by `i64` (`memory64`) rather than `i32`.
    pub fn is_64(&self) -> bool {
        self.is_64
    }

    /// Minimum size in pages.
    pub fn minimum(&self) -> u64 {
        self.minimum
    }

    /// Maximum size in pages, if any.
    pub fn maximum(&self) -> Option<u64> {
        self.maximum
    }
}

/// A table's element type, limits and index type.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TableType {
    element: ValType,
    minimum: u64,
    maximum: Option<u64>,
    is_64: bool,
}

impl TableType {
    /// A 32-bit table type; `element` must be a reference type.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType::from_limits(element, min as u64, max.map(u64::from), false)
    }

    /// A 64-bit table type (`table64`): indices and sizes are `i64`.
    pub fn new64(element: ValType, min: u64, max: Option<u64>) -> TableType {
        TableType::from_limits(element, min, max, true)
    }

    pub(crate) fn from_limits(
        element: ValType,
        minimum: u64,
        maximum: Option<u64>,
        is_64: bool,
    ) -> TableType {
        TableType {
            element,
            minimum,
            maximum,
            is_64,
        }
    }

    /// Whether the table is indexed by `i64` (`table64`) rather than `i32`.
    pub fn is_64(&self) -> bool {
        self.is_64
    }

    /// Element type.
    pub fn element(&self) -> ValType {
        self.element
    }

    /// Minimum size in elements.
    pub fn minimum(&self) -> u64 {
        self.minimum
    }

    /// Maximum size in elements, if any.
    pub fn maximum(&self) -> Option<u64> {
        self.maximum
    }
}

/// Whether a global can be written.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// A global's content type and mutability.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    /// A global type.
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType {
            content,
            mutability,
        }
    }

    /// Content type.
    pub fn content(&self) -> ValType {
        self.content
    }

    /// Mutability.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

/// The type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A linear memory.
    Memory(MemoryType),
    /// A table.
    Table(TableType),
    /// A global.
    Global(GlobalType),
}

impl ExternType {
    /// A short name of the kind: "function", "memory", "table" or "global".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Memory(_) => "memory",
            ExternType::Table(_) => "table",
            ExternType::Global(_) => "global",
        }
    }
}
