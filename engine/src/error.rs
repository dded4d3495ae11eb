//! Errors and traps.

use std::fmt;

/// Why a trap happened. Messages use the specification's wording.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    /// `unreachable` executed.
    Unreachable,
    /// A load, store or bulk memory operation outside the memory.
    MemoryOutOfBounds,
    /// A table access outside the table.
    TableOutOfBounds,
    /// `call_indirect` with an index outside the table.
    UndefinedElement,
    /// `call_indirect` through a null entry.
    UninitializedElement,
    /// `call_indirect` whose entry has another signature.
    IndirectCallTypeMismatch,
    /// Signed division overflow.
    IntegerOverflow,
    /// Division or remainder by zero.
    IntegerDivideByZero,
    /// A float-to-int conversion of NaN or out of range.
    InvalidConversionToInteger,
    /// Call depth or value stack exhausted.
    StackOverflow,
    /// The store's fuel ran out (`Config::consume_fuel`).
    OutOfFuel,
    /// The store's epoch deadline passed (`Config::epoch_interruption`).
    Interrupt,
    /// `ref.as_non_null` of null.
    NullReference,
    /// `call_ref` or `return_call_ref` of null.
    NullFunctionReference,
}

impl TrapCode {
    /// Every trap code.
    pub const ALL: [TrapCode; 14] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivideByZero,
        TrapCode::InvalidConversionToInteger,
        TrapCode::StackOverflow,
        TrapCode::OutOfFuel,
        TrapCode::Interrupt,
        TrapCode::NullReference,
        TrapCode::NullFunctionReference,
    ];

    /// The trap's message, as the specification words it.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed by WebAssembly",
            TrapCode::Interrupt => "interrupt",
            TrapCode::NullReference => "null reference",
            TrapCode::NullFunctionReference => "null function reference",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One wasm frame of a trap's backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The function's index in its module.
    pub func_index: u32,
    /// The function's name from the name section or export, if any.
    pub func_name: Option<String>,
    /// The module's name, if any.
    pub module_name: Option<String>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = &self.module_name {
            write!(f, "{m}!")?;
        }
        match &self.func_name {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "<wasm function {}>", self.func_index),
        }
    }
}

/// A wasm trap: its code and where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    backtrace: Vec<FrameInfo>,
}

impl Trap {
    pub(crate) fn new(code: TrapCode, backtrace: Vec<FrameInfo>) -> Trap {
        Trap { code, backtrace }
    }

    /// The trap code.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The message, in the specification's words.
    pub fn message(&self) -> &str {
        self.code.message()
    }

    /// Wasm frames, innermost first.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        if !self.backtrace.is_empty() {
            f.write_str("\nwasm backtrace:")?;
            for (i, frame) in self.backtrace.iter().enumerate() {
                write!(f, "\n  {i}: {frame}")?;
            }
        }
        Ok(())
    }
}

/// What kind of error happened.
#[derive(Clone, Debug)]
pub enum ErrorKind {
    /// Malformed or invalid module.
    Compile(String),
    /// Valid wasm using a feature Strata does not execute yet.
    Unsupported(String),
    /// An import could not be resolved, or a definition clashed.
    Link(String),
    /// Instantiation failed other than by a trap.
    Instantiate(String),
    /// A runtime trap.
    Trap(Trap),
    /// Wrong arity or types given to a call, global or table.
    Type(String),
    /// An error raised by a host function.
    Host(String),
    /// An exception that no wasm frame caught (or that a host function
    /// throws): [`Error::exception`] gives it.
    Exception(crate::Exn),
}

/// Strata's error type.
#[derive(Clone)]
pub struct Error {
    kind: Box<ErrorKind>,
    /// A host function's typed error, for [`Error::downcast_ref`].
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error {
            kind: Box::new(kind),
            source: None,
        }
    }

    /// An error from a host function.
    pub fn msg(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Host(message.to_string()))
    }

    /// An error from a host function carrying a typed value, which the
    /// embedder gets back with [`Error::downcast_ref`] (for example a WASI
    /// program's exit status).
    pub fn host<E: std::error::Error + Send + Sync + 'static>(error: E) -> Error {
        Error {
            kind: Box::new(ErrorKind::Host(error.to_string())),
            source: Some(std::sync::Arc::new(error)),
        }
    }

    /// The typed value of an error made by [`Error::host`], if it is an `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.source.as_deref()?.downcast_ref::<E>()
    }

    pub(crate) fn compile(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Compile(message.to_string()))
    }

    pub(crate) fn unsupported(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Unsupported(message.to_string()))
    }

    pub(crate) fn link(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Link(message.to_string()))
    }

    pub(crate) fn instantiate(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Instantiate(message.to_string()))
    }

    pub(crate) fn ty(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Type(message.to_string()))
    }

    pub(crate) fn trap(code: TrapCode) -> Error {
        Error::new(ErrorKind::Trap(Trap::new(code, Vec::new())))
    }

    /// Appends outer wasm frames to a trap's backtrace, as the error passes
    /// through the frames that called the trapping code.
    pub(crate) fn with_outer_frames(
        mut self,
        frames: impl IntoIterator<Item = FrameInfo>,
    ) -> Error {
        if let ErrorKind::Trap(t) = &mut *self.kind {
            t.backtrace.extend(frames);
        }
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &*self.kind {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }

    /// The exception, if this error is an uncaught one.
    pub fn exception(&self) -> Option<crate::Exn> {
        match &*self.kind {
            ErrorKind::Exception(e) => Some(*e),
            _ => None,
        }
    }

    /// The trap code, if this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().map(Trap::code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            ErrorKind::Compile(m) => write!(f, "invalid module: {m}"),
            ErrorKind::Unsupported(m) => write!(f, "unsupported: {m}"),
            ErrorKind::Link(m) => write!(f, "link error: {m}"),
            ErrorKind::Instantiate(m) => write!(f, "instantiation failed: {m}"),
            ErrorKind::Trap(t) => write!(f, "{t}"),
            ErrorKind::Type(m) => write!(f, "type mismatch: {m}"),
            ErrorKind::Host(m) => f.write_str(m),
            ErrorKind::Exception(_) => f.write_str("uncaught wasm exception"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Error {
        Error::new(ErrorKind::Trap(t))
    }
}

/// Strata's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
