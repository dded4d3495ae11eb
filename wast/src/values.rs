//! Comparing engine results with script expectations, and printing both.

use std::fmt;

use strata::{Store, Val};

use crate::script::{Expected, FloatPattern, RefType, V128Expected};

/// Bit layout of one float width, enough to classify NaNs.
#[derive(Clone, Copy)]
struct FloatLayout {
    /// The canonical NaN without sign: exponent all ones, top mantissa bit.
    canonical: u64,
    /// Everything but the sign bit.
    magnitude: u64,
}

const F32_LAYOUT: FloatLayout = FloatLayout {
    canonical: 0x7fc0_0000,
    magnitude: 0x7fff_ffff,
};

const F64_LAYOUT: FloatLayout = FloatLayout {
    canonical: 0x7ff8_0000_0000_0000,
    magnitude: 0x7fff_ffff_ffff_ffff,
};

fn float_matches(pattern: FloatPattern, bits: u64, layout: FloatLayout) -> bool {
    match pattern {
        FloatPattern::Bits(expected) => bits == expected,
        FloatPattern::Canonical => bits & layout.magnitude == layout.canonical,
        // Exponent all ones plus the top mantissa bit is a NaN by construction.
        FloatPattern::Arithmetic => bits & layout.canonical == layout.canonical,
    }
}

/// Whether `actual` satisfies `expected`; external references are resolved
/// through `store` to the number the script gave them.
pub fn matches(store: &Store<()>, expected: &Expected, actual: &Val) -> bool {
    match (expected, actual) {
        (Expected::I32(e), Val::I32(a)) => e == a,
        (Expected::I64(e), Val::I64(a)) => e == a,
        (Expected::F32(p), Val::F32(a)) => float_matches(*p, (*a).into(), F32_LAYOUT),
        (Expected::F64(p), Val::F64(a)) => float_matches(*p, *a, F64_LAYOUT),
        (Expected::V128(p), Val::V128(a)) => v128_matches(p, *a),
        (Expected::RefNull(ty), Val::FuncRef(None)) => matches!(ty, None | Some(RefType::Func)),
        (Expected::RefNull(ty), Val::ExternRef(None)) => {
            matches!(ty, None | Some(RefType::Extern))
        }
        (Expected::RefNull(ty), Val::ExnRef(None)) => matches!(ty, None | Some(RefType::Exn)),
        (Expected::RefExtern(n), Val::ExternRef(Some(r))) => match n {
            None => true,
            Some(n) => r.data(store).downcast_ref::<u32>() == Some(n),
        },
        (Expected::RefFunc, Val::FuncRef(Some(_))) => true,
        (Expected::Either(alternatives), _) => {
            alternatives.iter().any(|e| matches(store, e, actual))
        }
        _ => false,
    }
}

fn v128_matches(pattern: &V128Expected, bits: u128) -> bool {
    match pattern {
        V128Expected::Bits(expected) => bits == *expected,
        V128Expected::F32x4(lanes) => lanes.iter().enumerate().all(|(i, p)| {
            let lane = (bits >> (32 * i)) as u32;
            float_matches(*p, lane.into(), F32_LAYOUT)
        }),
        V128Expected::F64x2(lanes) => lanes.iter().enumerate().all(|(i, p)| {
            let lane = (bits >> (64 * i)) as u64;
            float_matches(*p, lane, F64_LAYOUT)
        }),
    }
}

/// Renders an engine value the way the script would write it.
pub fn show(store: &Store<()>, v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32.const {x} ({:#x})", *x as u32),
        Val::I64(x) => format!("i64.const {x} ({:#x})", *x as u64),
        Val::F32(bits) => format!("f32.const {} ({bits:#010x})", f32::from_bits(*bits)),
        Val::F64(bits) => format!("f64.const {} ({bits:#018x})", f64::from_bits(*bits)),
        Val::V128(bits) => format!("v128.const {bits:#034x}"),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(r)) => match r.data(store).downcast_ref::<u32>() {
            Some(n) => format!("ref.extern {n}"),
            None => "ref.extern <foreign host value>".to_string(),
        },
        Val::ExnRef(None) => "ref.null exn".to_string(),
        Val::ExnRef(Some(_)) => "ref.exn".to_string(),
    }
}

/// Renders a list of engine values.
pub fn show_all(store: &Store<()>, vals: &[Val]) -> String {
    let shown: Vec<String> = vals.iter().map(|v| show(store, v)).collect();
    format!("[{}]", shown.join(", "))
}

/// Renders a list of expectations.
pub fn show_expected(expected: &[Expected]) -> String {
    let shown: Vec<String> = expected.iter().map(ToString::to_string).collect();
    format!("[{}]", shown.join(", "))
}

struct ShowFloat(FloatPattern, FloatLayout);

impl fmt::Display for ShowFloat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            FloatPattern::Canonical => f.write_str("nan:canonical"),
            FloatPattern::Arithmetic => f.write_str("nan:arithmetic"),
            FloatPattern::Bits(bits) if self.1.magnitude == F32_LAYOUT.magnitude => {
                write!(f, "{} ({bits:#010x})", f32::from_bits(bits as u32))
            }
            FloatPattern::Bits(bits) => write!(f, "{} ({bits:#018x})", f64::from_bits(bits)),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::I32(x) => write!(f, "i32.const {x} ({:#x})", *x as u32),
            Expected::I64(x) => write!(f, "i64.const {x} ({:#x})", *x as u64),
            Expected::F32(p) => write!(f, "f32.const {}", ShowFloat(*p, F32_LAYOUT)),
            Expected::F64(p) => write!(f, "f64.const {}", ShowFloat(*p, F64_LAYOUT)),
            Expected::V128(V128Expected::Bits(bits)) => write!(f, "v128.const {bits:#034x}"),
            Expected::V128(V128Expected::F32x4(lanes)) => {
                f.write_str("v128.const f32x4")?;
                lanes
                    .iter()
                    .try_for_each(|p| write!(f, " {}", ShowFloat(*p, F32_LAYOUT)))
            }
            Expected::V128(V128Expected::F64x2(lanes)) => {
                f.write_str("v128.const f64x2")?;
                lanes
                    .iter()
                    .try_for_each(|p| write!(f, " {}", ShowFloat(*p, F64_LAYOUT)))
            }
            Expected::RefNull(None) => f.write_str("ref.null"),
            Expected::RefNull(Some(RefType::Func)) => f.write_str("ref.null func"),
            Expected::RefNull(Some(RefType::Extern)) => f.write_str("ref.null extern"),
            Expected::RefNull(Some(RefType::Exn)) => f.write_str("ref.null exn"),
            Expected::RefExtern(None) => f.write_str("ref.extern"),
            Expected::RefExtern(Some(n)) => write!(f, "ref.extern {n}"),
            Expected::RefFunc => f.write_str("ref.func"),
            Expected::Either(alternatives) => {
                f.write_str("either(")?;
                for (i, e) in alternatives.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{e}")?;
                }
                f.write_str(")")
            }
            Expected::Unsupported(what) => write!(f, "<unsupported: {what}>"),
        }
    }
}
