//! The relaxed-SIMD instructions (Wasm 3.0), each fixed to one
//! deterministic behaviour.
//!
//! The Wasm 3.0 specification (numerics chapter, "Relaxed Operations",
//! `document/core/exec/numerics.rst`, and `specification/wasm-3.0/
//! 3.0-numerics.relaxed.spectec`) gives each relaxed operation a list of
//! allowed behaviours indexed by a global parameter, and prescribes index 0
//! in the deterministic profile. That is the choice made here for every
//! instruction:
//!
//! | instruction | behaviour here (= deterministic profile) |
//! |---|---|
//! | `i8x16.relaxed_swizzle` | `i8x16.swizzle`: an index of 16 or more gives 0 |
//! | `i32x4.relaxed_trunc_f32x4_s/_u` | `i32x4.trunc_sat_f32x4_s/_u`: NaN to 0, out of range saturates |
//! | `i32x4.relaxed_trunc_f64x2_s/u_zero` | `i32x4.trunc_sat_f64x2_s/u_zero` |
//! | `f32x4/f64x2.relaxed_madd` | unfused: `a * b` rounded, then `+ c` rounded (two roundings) |
//! | `f32x4/f64x2.relaxed_nmadd` | unfused `(-a) * b + c` (two roundings) |
//! | `i8x16/i16x8/i32x4/i64x2.relaxed_laneselect` | `v128.bitselect` (bit by bit on the whole mask) |
//! | `f32x4/f64x2.relaxed_min/max` | `f32x4/f64x2.min/max` (NaN propagates, -0 < +0) |
//! | `i16x8.relaxed_q15mulr_s` | `i16x8.q15mulr_sat_s` (-32768 * -32768 gives 32767) |
//! | `i16x8.relaxed_dot_i8x16_i7x16_s` | both operands signed i8; pairs of exact i16 products added with signed saturation |
//! | `i32x4.relaxed_dot_i8x16_i7x16_add_s` | the i16x8 relaxed dot above, then `i32x4.extadd_pairwise_i16x8_s`, then wrapping `i32x4.add` of `c` |
//!
//! Note the multiply-add: the specification's list is `[unfused, fused]`, so
//! the deterministic profile is unfused (the relaxed-SIMD overview allows
//! either). The dot products follow the specification's `ivdotsat`: with
//! the second operand's lanes signed, only a pair `(-128 * -128) + (-128 *
//! -128)` = 32768 saturates (to 32767); for second-operand lanes in 0..=127
//! (the i7 range the instruction is meant for) nothing saturates or wraps.

use super::{
    f32x4_max, f32x4_min, f64x2_max, f64x2_min, i16x8_q15mulr_sat_s, i32x4_trunc_sat_f32x4_s,
    i32x4_trunc_sat_f32x4_u, i32x4_trunc_sat_f64x2_s_zero, i32x4_trunc_sat_f64x2_u_zero,
    i8x16_swizzle, lanes, v128, v128_bitselect, zip3_map, V128Bits,
};

/// `i8x16.relaxed_swizzle`: as `i8x16.swizzle` (an index of 16 or more gives
/// 0), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn i8x16_relaxed_swizzle(a: V128Bits, s: V128Bits) -> V128Bits {
    i8x16_swizzle(a, s)
}

/// `i32x4.relaxed_trunc_f32x4_s`: as `i32x4.trunc_sat_f32x4_s` (NaN to 0,
/// saturating), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn i32x4_relaxed_trunc_f32x4_s(a: V128Bits) -> V128Bits {
    i32x4_trunc_sat_f32x4_s(a)
}

/// `i32x4.relaxed_trunc_f32x4_u`: as `i32x4.trunc_sat_f32x4_u` (NaN to 0,
/// saturating), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn i32x4_relaxed_trunc_f32x4_u(a: V128Bits) -> V128Bits {
    i32x4_trunc_sat_f32x4_u(a)
}

/// `i32x4.relaxed_trunc_f64x2_s_zero`: as `i32x4.trunc_sat_f64x2_s_zero`,
/// the deterministic profile's choice.
#[inline(always)]
pub(crate) fn i32x4_relaxed_trunc_f64x2_s_zero(a: V128Bits) -> V128Bits {
    i32x4_trunc_sat_f64x2_s_zero(a)
}

/// `i32x4.relaxed_trunc_f64x2_u_zero`: as `i32x4.trunc_sat_f64x2_u_zero`,
/// the deterministic profile's choice.
#[inline(always)]
pub(crate) fn i32x4_relaxed_trunc_f64x2_u_zero(a: V128Bits) -> V128Bits {
    i32x4_trunc_sat_f64x2_u_zero(a)
}

/// `f32x4.relaxed_madd(a, b, c)`: `a * b + c` unfused (the product rounded
/// to f32, then the sum), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn f32x4_relaxed_madd(a: V128Bits, b: V128Bits, c: V128Bits) -> V128Bits {
    let (a, b, c): ([f32; 4], [f32; 4], [f32; 4]) = (lanes(a), lanes(b), lanes(c));
    v128(zip3_map(a, b, c, |x, y, z| x * y + z))
}

/// `f32x4.relaxed_nmadd(a, b, c)`: `-a * b + c` unfused (the spec's
/// `relaxed_madd(-a, b, c)`), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn f32x4_relaxed_nmadd(a: V128Bits, b: V128Bits, c: V128Bits) -> V128Bits {
    let (a, b, c): ([f32; 4], [f32; 4], [f32; 4]) = (lanes(a), lanes(b), lanes(c));
    v128(zip3_map(a, b, c, |x, y, z| -x * y + z))
}

/// `f64x2.relaxed_madd(a, b, c)`: `a * b + c` unfused (the product rounded
/// to f64, then the sum), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn f64x2_relaxed_madd(a: V128Bits, b: V128Bits, c: V128Bits) -> V128Bits {
    let (a, b, c): ([f64; 2], [f64; 2], [f64; 2]) = (lanes(a), lanes(b), lanes(c));
    v128(zip3_map(a, b, c, |x, y, z| x * y + z))
}

/// `f64x2.relaxed_nmadd(a, b, c)`: `-a * b + c` unfused (the spec's
/// `relaxed_madd(-a, b, c)`), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn f64x2_relaxed_nmadd(a: V128Bits, b: V128Bits, c: V128Bits) -> V128Bits {
    let (a, b, c): ([f64; 2], [f64; 2], [f64; 2]) = (lanes(a), lanes(b), lanes(c));
    v128(zip3_map(a, b, c, |x, y, z| -x * y + z))
}

/// `i8x16.relaxed_laneselect(a, b, m)`: as `v128.bitselect(a, b, m)` (each
/// bit from `a` where `m` has a 1), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn i8x16_relaxed_laneselect(a: V128Bits, b: V128Bits, m: V128Bits) -> V128Bits {
    v128_bitselect(a, b, m)
}

/// `i16x8.relaxed_laneselect(a, b, m)`: as `v128.bitselect(a, b, m)`, the
/// deterministic profile's choice.
#[inline(always)]
pub(crate) fn i16x8_relaxed_laneselect(a: V128Bits, b: V128Bits, m: V128Bits) -> V128Bits {
    v128_bitselect(a, b, m)
}

/// `i32x4.relaxed_laneselect(a, b, m)`: as `v128.bitselect(a, b, m)`, the
/// deterministic profile's choice.
#[inline(always)]
pub(crate) fn i32x4_relaxed_laneselect(a: V128Bits, b: V128Bits, m: V128Bits) -> V128Bits {
    v128_bitselect(a, b, m)
}

/// `i64x2.relaxed_laneselect(a, b, m)`: as `v128.bitselect(a, b, m)`, the
/// deterministic profile's choice.
#[inline(always)]
pub(crate) fn i64x2_relaxed_laneselect(a: V128Bits, b: V128Bits, m: V128Bits) -> V128Bits {
    v128_bitselect(a, b, m)
}

/// `f32x4.relaxed_min`: as `f32x4.min` (NaN propagates, -0 below +0), the
/// deterministic profile's choice.
#[inline(always)]
pub(crate) fn f32x4_relaxed_min(a: V128Bits, b: V128Bits) -> V128Bits {
    f32x4_min(a, b)
}

/// `f32x4.relaxed_max`: as `f32x4.max` (NaN propagates, +0 above -0), the
/// deterministic profile's choice.
#[inline(always)]
pub(crate) fn f32x4_relaxed_max(a: V128Bits, b: V128Bits) -> V128Bits {
    f32x4_max(a, b)
}

/// `f64x2.relaxed_min`: as `f64x2.min`, the deterministic profile's choice.
#[inline(always)]
pub(crate) fn f64x2_relaxed_min(a: V128Bits, b: V128Bits) -> V128Bits {
    f64x2_min(a, b)
}

/// `f64x2.relaxed_max`: as `f64x2.max`, the deterministic profile's choice.
#[inline(always)]
pub(crate) fn f64x2_relaxed_max(a: V128Bits, b: V128Bits) -> V128Bits {
    f64x2_max(a, b)
}

/// `i16x8.relaxed_q15mulr_s`: as `i16x8.q15mulr_sat_s` (-32768 * -32768
/// saturates to 32767), the deterministic profile's choice.
#[inline(always)]
pub(crate) fn i16x8_relaxed_q15mulr_s(a: V128Bits, b: V128Bits) -> V128Bits {
    i16x8_q15mulr_sat_s(a, b)
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: lane `i` is
/// `sat_i16(a[2i] * b[2i] + a[2i+1] * b[2i+1])` with both operands' bytes
/// signed; each product is exact in i16 and only the sum can saturate (the
/// deterministic profile's signed choice with the spec's saturating add).
#[inline(always)]
pub(crate) fn i16x8_relaxed_dot_i8x16_i7x16_s(a: V128Bits, b: V128Bits) -> V128Bits {
    let (a, b): ([i8; 16], [i8; 16]) = (lanes(a), lanes(b));
    let product = |k: usize| i16::from(a[k]) * i16::from(b[k]);
    v128::<[i16; 8]>(core::array::from_fn(|i| {
        product(2 * i).saturating_add(product(2 * i + 1))
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b, c)`: lane `i` is the sum of
/// lanes `2i` and `2i + 1` of `i16x8_relaxed_dot_i8x16_i7x16_s(a, b)`
/// (signed, exact in i32), plus lane `i` of `c` with wrapping, as the spec
/// composes it.
#[inline(always)]
pub(crate) fn i32x4_relaxed_dot_i8x16_i7x16_add_s(
    a: V128Bits,
    b: V128Bits,
    c: V128Bits,
) -> V128Bits {
    let dot: [i16; 8] = lanes(i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
    let c: [i32; 4] = lanes(c);
    v128::<[i32; 4]>(core::array::from_fn(|i| {
        (i32::from(dot[2 * i]) + i32::from(dot[2 * i + 1])).wrapping_add(c[i])
    }))
}
