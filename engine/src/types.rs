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
    /// Nullable function reference: `(ref null func)`.
    FuncRef,
    /// Nullable host reference: `(ref null extern)`.
    ExternRef,
    /// Any other reference type (typed function references, Wasm 3.0): a
    /// non-nullable one, or one to functions of a given type. The two
    /// above are never spelled this way ([`ValType::reference`]), so that
    /// equal types compare equal.
    Ref(RefType),
}

/// What a reference points at.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    /// Any host reference.
    Extern,
    /// Functions of one type, named by the engine's id of that function
    /// type ([`Engine::func_type_of`](crate::Engine::func_type_of)): the same
    /// signature has the same id in every module of the engine.
    ConcreteFunc(u32),
    /// Any exception (`exnref`, exception handling).
    Exn,
}

/// A reference type: a heap type, and whether null is a value of it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    nullable: bool,
    heap: HeapType,
}

impl RefType {
    /// `(ref null? heap)`.
    pub const fn new(nullable: bool, heap: HeapType) -> RefType {
        RefType { nullable, heap }
    }

    /// Whether null is a value of the type.
    pub fn is_nullable(&self) -> bool {
        self.nullable
    }

    /// What the reference points at.
    pub fn heap_type(&self) -> HeapType {
        self.heap
    }

    /// Whether every value of `self` is a value of `other`: a function of
    /// a given type is a function, and a non-null reference is a nullable
    /// one.
    pub fn matches(&self, other: &RefType) -> bool {
        (other.nullable || !self.nullable)
            && match (self.heap, other.heap) {
                (a, b) if a == b => true,
                (HeapType::ConcreteFunc(_), HeapType::Func) => true,
                _ => false,
            }
    }
}

impl ValType {
    /// How many 8-byte cells a value of the type takes in a frame, a call's
    /// span or a host function's cells: two for a `v128`, else one.
    pub(crate) fn cells(self) -> usize {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        self.as_ref_type().is_some()
    }

    /// The value type of reference type `ty`.
    pub fn reference(ty: RefType) -> ValType {
        match (ty.nullable, ty.heap) {
            (true, HeapType::Func) => ValType::FuncRef,
            (true, HeapType::Extern) => ValType::ExternRef,
            _ => ValType::Ref(ty),
        }
    }

    /// The reference type this is, if it is one.
    pub fn as_ref_type(self) -> Option<RefType> {
        match self {
            ValType::FuncRef => Some(RefType::new(true, HeapType::Func)),
            ValType::ExternRef => Some(RefType::new(true, HeapType::Extern)),
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Whether every value of `self` is a value of `other` (subtyping: the
    /// same type, or a reference type that matches a wider one).
    pub fn matches(self, other: ValType) -> bool {
        match (self.as_ref_type(), other.as_ref_type()) {
            (Some(a), Some(b)) => a.matches(&b),
            _ => self == other,
        }
    }

    /// Whether values of this type are functions or null (rather than host
    /// references).
    pub(crate) fn is_func_ref(self) -> bool {
        self.as_ref_type()
            .is_some_and(|r| !matches!(r.heap, HeapType::Extern | HeapType::Exn))
    }

    /// The value type of a wasmparser type in a module whose types so far
    /// have the engine ids `type_ids`.
    pub(crate) fn from_wasm(ty: wasmparser::ValType, type_ids: &[u32]) -> crate::Result<ValType> {
        Ok(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => Self::from_ref(r, type_ids)?,
        })
    }

    /// As [`ValType::from_wasm`], for a reference type.
    pub(crate) fn from_ref(ty: wasmparser::RefType, type_ids: &[u32]) -> crate::Result<ValType> {
        use wasmparser::{AbstractHeapType as A, HeapType as H, UnpackedIndex};
        let unsupported = |what: &str| crate::Error::unsupported(what.to_string());
        let heap = match ty.heap_type() {
            H::Abstract {
                shared: false,
                ty: A::Func,
            } => HeapType::Func,
            H::Abstract {
                shared: false,
                ty: A::Extern,
            } => HeapType::Extern,
            H::Abstract {
                shared: false,
                ty: A::Exn,
            } => HeapType::Exn,
            H::Concrete(UnpackedIndex::Module(i)) => match type_ids.get(i as usize) {
                Some(&id) => HeapType::ConcreteFunc(id),
                // Only a type of the recursion group being defined gets
                // here (validation rejects other indices past the types):
                // the group's members come after the ids so far.
                None => HeapType::ConcreteFunc(IN_GROUP | (i - type_ids.len() as u32)),
            },
            H::Concrete(UnpackedIndex::RecGroup(i)) => HeapType::ConcreteFunc(IN_GROUP | i),
            _ => {
                return Err(unsupported(
                    "garbage collection and exception reference types",
                ))
            }
        };
        Ok(ValType::reference(RefType::new(ty.is_nullable(), heap)))
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
            ValType::Ref(r) => return fmt::Display::fmt(r, f),
        })
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let null = if self.nullable { "null " } else { "" };
        match self.heap {
            HeapType::Func => write!(f, "(ref {null}func)"),
            HeapType::Extern => write!(f, "(ref {null}extern)"),
            HeapType::Exn => write!(f, "(ref {null}exn)"),
            HeapType::ConcreteFunc(id) => write!(f, "(ref {null}{id})"),
        }
    }
}

/// A function signature.
///
/// Two signatures are the same type when they are equal, except that a
/// type of a recursion group of several types, or one that refers to
/// itself, is also told apart by its group (Wasm 3.0's iso-recursive
/// types): its group's engine id and its place in it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    // params followed by results, shared cheaply between modules and stores.
    sig: Arc<[ValType]>,
    num_params: usize,
    rec: Option<(u32, u32)>,
}

/// Marks a type reference to a member of the recursion group being
/// defined, by its index in the group, before the group has engine ids.
pub(crate) const IN_GROUP: u32 = 1 << 31;

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
            rec: None,
        }
    }

    /// Whether the signature refers to a member of the recursion group
    /// being defined ([`IN_GROUP`]).
    pub(crate) fn refers_in_group(&self) -> bool {
        self.sig.iter().any(|t| {
            matches!(t.as_ref_type().map(|r| r.heap_type()),
                Some(HeapType::ConcreteFunc(id)) if id & IN_GROUP != 0)
        })
    }

    /// The member `index` of the recursion group whose members have engine
    /// ids from `base`: references to members resolved to their ids.
    pub(crate) fn in_group(&self, base: u32, index: u32) -> FuncType {
        let resolve = |t: &ValType| match t.as_ref_type() {
            Some(r) => match r.heap_type() {
                HeapType::ConcreteFunc(id) if id & IN_GROUP != 0 => {
                    ValType::reference(RefType::new(
                        r.is_nullable(),
                        HeapType::ConcreteFunc(base + (id & !IN_GROUP)),
                    ))
                }
                _ => *t,
            },
            None => *t,
        };
        FuncType {
            sig: self.sig.iter().map(resolve).collect(),
            num_params: self.num_params,
            rec: Some((base, index)),
        }
    }

    /// The signature as its group defines it, the inverse of
    /// [`FuncType::in_group`]: references to the `n` members of the group
    /// whose ids start at `base` by index in it.
    pub(crate) fn as_written(&self, base: u32, n: u32) -> FuncType {
        let unresolve = |t: &ValType| match t.as_ref_type() {
            Some(r) => match r.heap_type() {
                HeapType::ConcreteFunc(id) if (base..base + n).contains(&id) => {
                    ValType::reference(RefType::new(
                        r.is_nullable(),
                        HeapType::ConcreteFunc(IN_GROUP | (id - base)),
                    ))
                }
                _ => *t,
            },
            None => *t,
        };
        FuncType {
            sig: self.sig.iter().map(unresolve).collect(),
            num_params: self.num_params,
            rec: None,
        }
    }

    /// The recursion group's first engine id and this type's index in it,
    /// for a type of a group of several types or one that refers to itself.
    pub(crate) fn rec_group(&self) -> Option<(u32, u32)> {
        self.rec
    }

    /// Parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.sig[..self.num_params]
    }

    /// Result types.
    pub fn results(&self) -> &[ValType] {
        &self.sig[self.num_params..]
    }

    /// The cells the parameters take ([`ValType::cells`] summed).
    pub(crate) fn param_cells(&self) -> usize {
        cells_of(self.params())
    }

    /// The cells the results take.
    pub(crate) fn result_cells(&self) -> usize {
        cells_of(self.results())
    }

    /// The cells of a call's span: room for the arguments, then the results.
    pub(crate) fn span_cells(&self) -> usize {
        self.param_cells().max(self.result_cells())
    }
}

/// The cells a sequence of values of `types` takes.
pub(crate) fn cells_of(types: &[ValType]) -> usize {
    types.iter().map(|t| t.cells()).sum()
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
    /// An exception tag.
    Tag(TagType),
}

/// The type of an exception tag: the values its exceptions carry, as a
/// function type's parameters (its results are empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// A tag whose exceptions carry values of the types `params`.
    pub fn new(params: impl IntoIterator<Item = ValType>) -> TagType {
        TagType {
            ty: FuncType::new(params, []),
        }
    }

    pub(crate) fn from_func_type(ty: FuncType) -> TagType {
        TagType { ty }
    }

    /// The types of the values an exception of this tag carries.
    pub fn params(&self) -> &[ValType] {
        self.ty.params()
    }

    /// The tag's signature: its parameters, no results.
    pub fn func_type(&self) -> &FuncType {
        &self.ty
    }
}

impl ExternType {
    /// A short name of the kind: "function", "memory", "table", "global" or "tag".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Memory(_) => "memory",
            ExternType::Table(_) => "table",
            ExternType::Global(_) => "global",
            ExternType::Tag(_) => "tag",
        }
    }
}
