//! What a run observably did, in a form both engines can be reduced to.

use std::fmt;
use strata::TrapCode;

/// A value an export returned or a global held. Floats are bits with every
/// NaN replaced by the canonical one: the specification lets engines pick
/// NaN payloads, so only "is a NaN" is observable.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float's canonicalized bits.
    F32(u32),
    /// A 64-bit float's canonicalized bits.
    F64(u64),
    /// A 128-bit vector.
    V128(u128),
    /// A `funcref`; only its nullness is comparable across engines.
    FuncRef {
        /// Whether the reference is null.
        null: bool,
    },
    /// An `externref`; only its nullness is comparable across engines.
    ExternRef {
        /// Whether the reference is null.
        null: bool,
    },
    /// An `exnref`; only its nullness is comparable across engines.
    ExnRef {
        /// Whether the reference is null.
        null: bool,
    },
}

impl Value {
    /// A 32-bit float, NaNs canonicalized.
    pub fn f32(bits: u32) -> Value {
        let nan = bits & 0x7f80_0000 == 0x7f80_0000 && bits & 0x007f_ffff != 0;
        Value::F32(if nan { 0x7fc0_0000 } else { bits })
    }

    /// A 64-bit float, NaNs canonicalized.
    pub fn f64(bits: u64) -> Value {
        let exp = 0x7ff0_0000_0000_0000;
        let nan = bits & exp == exp && bits & 0x000f_ffff_ffff_ffff != 0;
        Value::F64(if nan { 0x7ff8_0000_0000_0000 } else { bits })
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "i32 {v}"),
            Value::I64(v) => write!(f, "i64 {v}"),
            Value::F32(b) => write!(f, "f32 {} (0x{b:08x})", f32::from_bits(b)),
            Value::F64(b) => write!(f, "f64 {} (0x{b:016x})", f64::from_bits(b)),
            Value::V128(v) => write!(f, "v128 0x{v:032x}"),
            Value::FuncRef { null } => {
                write!(f, "funcref {}", if null { "null" } else { "non-null" })
            }
            Value::ExternRef { null } => {
                write!(f, "externref {}", if null { "null" } else { "non-null" })
            }
            Value::ExnRef { null } => {
                write!(f, "exnref {}", if null { "null" } else { "non-null" })
            }
        }
    }
}

/// How an instantiation or a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It returned these values.
    Returned(Vec<Value>),
    /// It trapped.
    Trapped(TrapCode),
    /// It threw an exception no wasm frame caught, carrying these values.
    Thrown(Vec<Value>),
    /// It failed other than by a trap; the message is engine-specific.
    Failed(String),
}

impl Outcome {
    /// Whether this is a stack-overflow trap.
    pub fn is_stack_overflow(&self) -> bool {
        *self == Outcome::Trapped(TrapCode::StackOverflow)
    }

    /// Whether this is Strata running out of fuel, which wasmi (run without
    /// fuel) has no counterpart of.
    pub fn is_out_of_fuel(&self) -> bool {
        *self == Outcome::Trapped(TrapCode::OutOfFuel)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(values) => {
                write!(f, "returned [")?;
                for (i, v) in values.iter().enumerate() {
                    write!(f, "{}{v}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, "]")
            }
            Outcome::Trapped(code) => write!(f, "trapped: {code}"),
            Outcome::Thrown(values) => {
                write!(f, "threw [")?;
                for (i, v) in values.iter().enumerate() {
                    write!(f, "{}{v}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, "]")
            }
            Outcome::Failed(message) => write!(f, "failed: {message}"),
        }
    }
}

/// The state of one exported item after an instantiation or call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemState {
    /// A global's value.
    Global(Value),
    /// A memory's length in bytes and a hash of each 4 KiB chunk, which
    /// locates a difference without keeping copies of every memory.
    Memory {
        /// Length in bytes.
        len: usize,
        /// One hash per [`CHUNK`] bytes.
        chunks: Vec<u64>,
    },
    /// A table's size and, per element, whether it is null.
    Table {
        /// Elements that are not null, as a bit per element.
        non_null: Vec<bool>,
    },
}

/// Bytes per memory hash.
pub const CHUNK: usize = 4096;

impl ItemState {
    /// The state of a memory holding `data`.
    pub fn memory(data: &[u8]) -> ItemState {
        ItemState::Memory {
            len: data.len(),
            chunks: data.chunks(CHUNK).map(hash).collect(),
        }
    }

    /// A one-line description of how `self` differs from `other`.
    pub fn describe_difference(&self, other: &ItemState) -> String {
        match (self, other) {
            (ItemState::Global(a), ItemState::Global(b)) => format!("{a} vs {b}"),
            (
                ItemState::Memory {
                    len: la,
                    chunks: ca,
                },
                ItemState::Memory {
                    len: lb,
                    chunks: cb,
                },
            ) => {
                if la != lb {
                    return format!("length {la} vs {lb} bytes");
                }
                let first = ca.iter().zip(cb).position(|(a, b)| a != b).unwrap_or(0);
                format!(
                    "contents differ, first in bytes {:#x}..{:#x}",
                    first * CHUNK,
                    (first + 1) * CHUNK
                )
            }
            (ItemState::Table { non_null: a }, ItemState::Table { non_null: b }) => {
                if a.len() != b.len() {
                    return format!("size {} vs {}", a.len(), b.len());
                }
                let first = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
                format!("element {first} null-ness differs")
            }
            (a, b) => format!("{a:?} vs {b:?}"),
        }
    }
}

/// A word-at-a-time FNV-style hash; collisions would hide a difference,
/// never invent one.
fn hash(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("chunks of 8"));
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The state of every exported global, memory and table, in export order.
pub type Snapshot = Vec<(String, ItemState)>;

/// One call and what followed it.
#[derive(Clone, Debug)]
pub struct Step {
    /// How the call ended.
    pub outcome: Outcome,
    /// The exported state after it.
    pub state: Snapshot,
    /// Fuel the call consumed, on engines that count it the same way
    /// (Strata's strategies with fuel on); compared exactly between them.
    pub fuel: Option<u64>,
}

/// Everything observed while running a plan on one engine.
#[derive(Clone, Debug)]
pub struct Run {
    /// The engine, for reports: `interpreter`, `jit`, `tiered`, `wasmi`.
    pub engine: String,
    /// `Err` when the module was rejected; the message is engine-specific.
    pub compiled: Result<(), String>,
    /// How instantiation ended (`Returned([])` on success).
    pub instantiated: Outcome,
    /// State right after instantiation.
    pub initial: Snapshot,
    /// One entry per call made; calls stop at a failed instantiation.
    pub steps: Vec<Step>,
    /// Functions compiled and loops entered by OSR while running, where the
    /// engine tiers up; shows the tiered strategy really switched tiers.
    pub tier_ups: (u64, u64),
}

impl Run {
    /// A run that ended before instantiation.
    pub fn rejected(engine: &str, message: String) -> Run {
        Run {
            engine: engine.to_string(),
            compiled: Err(message.clone()),
            instantiated: Outcome::Failed(message),
            initial: Vec::new(),
            steps: Vec::new(),
            tier_ups: (0, 0),
        }
    }

    /// A run whose module compiled but did not instantiate.
    pub fn not_instantiated(engine: &str, outcome: Outcome) -> Run {
        Run {
            engine: engine.to_string(),
            compiled: Ok(()),
            instantiated: outcome,
            initial: Vec::new(),
            steps: Vec::new(),
            tier_ups: (0, 0),
        }
    }
}
