//! Floating-point lane operations and the conversions between float and
//! integer lanes.
//!
//! NaN rules, matching the engine's scalar instructions: arithmetic and
//! `sqrt` are Rust's (IEEE) operations, which give quiet NaNs; `min`/`max`
//! return a NaN if either operand is one (`x + y`) and order -0 below +0;
//! `pmin`/`pmax` are defined by `<` alone and may return a NaN operand
//! unchanged; rounding quiets a NaN (sets its quiet bit); `abs`/`neg` only
//! touch the sign bit; demotion and promotion keep a NaN's sign and the top
//! of its payload and set the quiet bit; `trunc_sat` maps NaN to 0.

use super::{lanes, v128, V128Bits};

/// The f32 quiet-NaN bit (top bit of the significand).
const QUIET32: u32 = 0x0040_0000;
/// The f64 quiet-NaN bit (top bit of the significand).
const QUIET64: u64 = 0x0008_0000_0000_0000;

/// `x`, or for a NaN `x` with its quiet bit set; software rounding would
/// pass a signalling NaN through unchanged.
#[inline(always)]
fn quiet32(x: f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(x.to_bits() | QUIET32)
    } else {
        x
    }
}

/// `x`, or for a NaN `x` with its quiet bit set.
#[inline(always)]
fn quiet64(x: f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(x.to_bits() | QUIET64)
    } else {
        x
    }
}

/// Wasm `fmin` on f32: a NaN if either is NaN (`x + y`, quiet), -0 below +0,
/// else the smaller.
#[inline(always)]
pub(super) fn fmin32(x: f32, y: f32) -> f32 {
    if x.is_nan() || y.is_nan() {
        x + y
    } else if x == y {
        // Equal non-NaNs differ at most in the sign of a zero: -0 wins.
        f32::from_bits(x.to_bits() | y.to_bits())
    } else {
        x.min(y)
    }
}

/// Wasm `fmax` on f32: a NaN if either is NaN (`x + y`, quiet), +0 above -0,
/// else the larger.
#[inline(always)]
pub(super) fn fmax32(x: f32, y: f32) -> f32 {
    if x.is_nan() || y.is_nan() {
        x + y
    } else if x == y {
        // Equal non-NaNs differ at most in the sign of a zero: +0 wins.
        f32::from_bits(x.to_bits() & y.to_bits())
    } else {
        x.max(y)
    }
}

/// Wasm `fmin` on f64 (see [`fmin32`]).
#[inline(always)]
pub(super) fn fmin64(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        x + y
    } else if x == y {
        f64::from_bits(x.to_bits() | y.to_bits())
    } else {
        x.min(y)
    }
}

/// Wasm `fmax` on f64 (see [`fmax32`]).
#[inline(always)]
pub(super) fn fmax64(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        x + y
    } else if x == y {
        f64::from_bits(x.to_bits() & y.to_bits())
    } else {
        x.max(y)
    }
}

/// f64 to f32, rounding to nearest even; a NaN becomes the quiet NaN with
/// the same sign and the top 22 bits of its payload (what x86-64 and Arm
/// produce, made explicit so it holds on every host).
#[inline(always)]
fn demote(x: f64) -> f32 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = ((bits >> 63) as u32) << 31;
        let payload = (bits >> 29) as u32 & 0x007f_ffff;
        f32::from_bits(sign | 0x7f80_0000 | QUIET32 | payload)
    } else {
        x as f32
    }
}

/// f32 to f64 (exact); a NaN becomes the quiet NaN with the same sign and
/// its payload in the top significand bits.
#[inline(always)]
fn promote(x: f32) -> f64 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = u64::from(bits >> 31) << 63;
        let payload = u64::from(bits & 0x007f_ffff) << 29;
        f64::from_bits(sign | 0x7ff0_0000_0000_0000 | QUIET64 | payload)
    } else {
        f64::from(x)
    }
}

// ---------------------------------------------------------------------------
// Unary operations.

unary! {
    /// `f32x4.abs`: clears each lane's sign bit (NaNs included).
    f32x4_abs: [u32; 4] => |x| x & 0x7fff_ffff;
    /// `f32x4.neg`: flips each lane's sign bit (NaNs included).
    f32x4_neg: [u32; 4] => |x| x ^ 0x8000_0000;
    /// `f32x4.sqrt`: IEEE square root.
    f32x4_sqrt: [f32; 4] => |x| x.sqrt();
    /// `f32x4.ceil`: round toward +inf; a NaN gives a quiet NaN.
    f32x4_ceil: [f32; 4] => |x| quiet32(x.ceil());
    /// `f32x4.floor`: round toward -inf; a NaN gives a quiet NaN.
    f32x4_floor: [f32; 4] => |x| quiet32(x.floor());
    /// `f32x4.trunc`: round toward zero; a NaN gives a quiet NaN.
    f32x4_trunc: [f32; 4] => |x| quiet32(x.trunc());
    /// `f32x4.nearest`: round to nearest, ties to even (-0.5 gives -0.0); a
    /// NaN gives a quiet NaN.
    f32x4_nearest: [f32; 4] => |x| quiet32(x.round_ties_even());

    /// `f64x2.abs`: clears each lane's sign bit (NaNs included).
    f64x2_abs: [u64; 2] => |x| x & 0x7fff_ffff_ffff_ffff;
    /// `f64x2.neg`: flips each lane's sign bit (NaNs included).
    f64x2_neg: [u64; 2] => |x| x ^ 0x8000_0000_0000_0000;
    /// `f64x2.sqrt`: IEEE square root.
    f64x2_sqrt: [f64; 2] => |x| x.sqrt();
    /// `f64x2.ceil`: round toward +inf; a NaN gives a quiet NaN.
    f64x2_ceil: [f64; 2] => |x| quiet64(x.ceil());
    /// `f64x2.floor`: round toward -inf; a NaN gives a quiet NaN.
    f64x2_floor: [f64; 2] => |x| quiet64(x.floor());
    /// `f64x2.trunc`: round toward zero; a NaN gives a quiet NaN.
    f64x2_trunc: [f64; 2] => |x| quiet64(x.trunc());
    /// `f64x2.nearest`: round to nearest, ties to even (-0.5 gives -0.0); a
    /// NaN gives a quiet NaN.
    f64x2_nearest: [f64; 2] => |x| quiet64(x.round_ties_even());
}

// ---------------------------------------------------------------------------
// Binary operations.

binary! {
    /// `f32x4.add`: IEEE addition.
    f32x4_add: [f32; 4] => |x, y| x + y;
    /// `f32x4.sub`: IEEE subtraction.
    f32x4_sub: [f32; 4] => |x, y| x - y;
    /// `f32x4.mul`: IEEE multiplication.
    f32x4_mul: [f32; 4] => |x, y| x * y;
    /// `f32x4.div`: IEEE division.
    f32x4_div: [f32; 4] => |x, y| x / y;
    /// `f32x4.min`: NaN if either lane is NaN, -0 below +0, else the smaller.
    f32x4_min: [f32; 4] => |x, y| fmin32(x, y);
    /// `f32x4.max`: NaN if either lane is NaN, +0 above -0, else the larger.
    f32x4_max: [f32; 4] => |x, y| fmax32(x, y);
    /// `f32x4.pmin`: pseudo-minimum `if y < x { y } else { x }` (a NaN in
    /// either lane gives `x`; equal zeros give `x`).
    f32x4_pmin: [f32; 4] => |x, y| if y < x { y } else { x };
    /// `f32x4.pmax`: pseudo-maximum `if x < y { y } else { x }` (a NaN in
    /// either lane gives `x`; equal zeros give `x`).
    f32x4_pmax: [f32; 4] => |x, y| if x < y { y } else { x };

    /// `f64x2.add`: IEEE addition.
    f64x2_add: [f64; 2] => |x, y| x + y;
    /// `f64x2.sub`: IEEE subtraction.
    f64x2_sub: [f64; 2] => |x, y| x - y;
    /// `f64x2.mul`: IEEE multiplication.
    f64x2_mul: [f64; 2] => |x, y| x * y;
    /// `f64x2.div`: IEEE division.
    f64x2_div: [f64; 2] => |x, y| x / y;
    /// `f64x2.min`: NaN if either lane is NaN, -0 below +0, else the smaller.
    f64x2_min: [f64; 2] => |x, y| fmin64(x, y);
    /// `f64x2.max`: NaN if either lane is NaN, +0 above -0, else the larger.
    f64x2_max: [f64; 2] => |x, y| fmax64(x, y);
    /// `f64x2.pmin`: pseudo-minimum `if y < x { y } else { x }`.
    f64x2_pmin: [f64; 2] => |x, y| if y < x { y } else { x };
    /// `f64x2.pmax`: pseudo-maximum `if x < y { y } else { x }`.
    f64x2_pmax: [f64; 2] => |x, y| if x < y { y } else { x };
}

// ---------------------------------------------------------------------------
// Comparisons: IEEE (any comparison with a NaN is false, except `ne`).

compare! {
    /// `f32x4.eq`: ordered and equal (+0 equals -0).
    f32x4_eq: [f32; 4] as u32 => |x, y| x == y;
    /// `f32x4.ne`: unordered or unequal (true if either is NaN).
    f32x4_ne: [f32; 4] as u32 => |x, y| x != y;
    /// `f32x4.lt`: ordered and less.
    f32x4_lt: [f32; 4] as u32 => |x, y| x < y;
    /// `f32x4.gt`: ordered and greater.
    f32x4_gt: [f32; 4] as u32 => |x, y| x > y;
    /// `f32x4.le`: ordered and less or equal.
    f32x4_le: [f32; 4] as u32 => |x, y| x <= y;
    /// `f32x4.ge`: ordered and greater or equal.
    f32x4_ge: [f32; 4] as u32 => |x, y| x >= y;

    /// `f64x2.eq`: ordered and equal (+0 equals -0).
    f64x2_eq: [f64; 2] as u64 => |x, y| x == y;
    /// `f64x2.ne`: unordered or unequal (true if either is NaN).
    f64x2_ne: [f64; 2] as u64 => |x, y| x != y;
    /// `f64x2.lt`: ordered and less.
    f64x2_lt: [f64; 2] as u64 => |x, y| x < y;
    /// `f64x2.gt`: ordered and greater.
    f64x2_gt: [f64; 2] as u64 => |x, y| x > y;
    /// `f64x2.le`: ordered and less or equal.
    f64x2_le: [f64; 2] as u64 => |x, y| x <= y;
    /// `f64x2.ge`: ordered and greater or equal.
    f64x2_ge: [f64; 2] as u64 => |x, y| x >= y;
}

// ---------------------------------------------------------------------------
// Conversions. Rust's float-to-int `as` is exactly `trunc_sat` (toward zero,
// saturating, NaN to 0) and its int-to-float `as` rounds to nearest even.

unary! {
    /// `i32x4.trunc_sat_f32x4_s`: toward zero, saturated to the i32 range,
    /// NaN to 0.
    i32x4_trunc_sat_f32x4_s: [f32; 4] => |x| x as i32;
    /// `i32x4.trunc_sat_f32x4_u`: toward zero, saturated to 0..=u32::MAX,
    /// NaN to 0.
    i32x4_trunc_sat_f32x4_u: [f32; 4] => |x| x as u32;
    /// `f32x4.convert_i32x4_s`: signed lanes to f32, rounded to nearest even.
    f32x4_convert_i32x4_s: [i32; 4] => |x| x as f32;
    /// `f32x4.convert_i32x4_u`: unsigned lanes to f32, rounded to nearest
    /// even (0xffff_ffff gives 2^32).
    f32x4_convert_i32x4_u: [u32; 4] => |x| x as f32;
}

/// `i32x4.trunc_sat_f64x2_s_zero`: the two f64 lanes toward zero, saturated
/// to the i32 range (NaN to 0), in lanes 0 and 1; lanes 2 and 3 zero.
#[inline(always)]
pub(crate) fn i32x4_trunc_sat_f64x2_s_zero(a: V128Bits) -> V128Bits {
    let [x, y]: [f64; 2] = lanes(a);
    v128([x as i32, y as i32, 0, 0])
}

/// `i32x4.trunc_sat_f64x2_u_zero`: the two f64 lanes toward zero, saturated
/// to 0..=u32::MAX (NaN to 0), in lanes 0 and 1; lanes 2 and 3 zero.
#[inline(always)]
pub(crate) fn i32x4_trunc_sat_f64x2_u_zero(a: V128Bits) -> V128Bits {
    let [x, y]: [f64; 2] = lanes(a);
    v128([x as u32, y as u32, 0, 0])
}

/// `f64x2.convert_low_i32x4_s`: signed lanes 0 and 1 to f64 (exact).
#[inline(always)]
pub(crate) fn f64x2_convert_low_i32x4_s(a: V128Bits) -> V128Bits {
    let [x, y, _, _]: [i32; 4] = lanes(a);
    v128([f64::from(x), f64::from(y)])
}

/// `f64x2.convert_low_i32x4_u`: unsigned lanes 0 and 1 to f64 (exact).
#[inline(always)]
pub(crate) fn f64x2_convert_low_i32x4_u(a: V128Bits) -> V128Bits {
    let [x, y, _, _]: [u32; 4] = lanes(a);
    v128([f64::from(x), f64::from(y)])
}

/// `f32x4.demote_f64x2_zero`: the two f64 lanes rounded to f32 (nearest
/// even; a NaN gives a quiet NaN) in lanes 0 and 1; lanes 2 and 3 +0.
#[inline(always)]
pub(crate) fn f32x4_demote_f64x2_zero(a: V128Bits) -> V128Bits {
    let [x, y]: [f64; 2] = lanes(a);
    v128([demote(x), demote(y), 0.0, 0.0])
}

/// `f64x2.promote_low_f32x4`: f32 lanes 0 and 1 widened to f64 (exact; a NaN
/// gives a quiet NaN).
#[inline(always)]
pub(crate) fn f64x2_promote_low_f32x4(a: V128Bits) -> V128Bits {
    let [x, y, _, _]: [f32; 4] = lanes(a);
    v128([promote(x), promote(y)])
}
