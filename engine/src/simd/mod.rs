//! The lane arithmetic of WebAssembly's 128-bit SIMD instructions (the
//! `simd` proposal of Wasm 2.0) and of the relaxed-SIMD instructions (Wasm
//! 3.0), as plain functions on [`V128Bits`] values, one per instruction.
//!
//! Each function is named as wasmparser's visitor method for its
//! instruction without the `visit_` prefix (`i8x16_add`,
//! `f32x4_demote_f64x2_zero`, ...). The interpreter calls them directly and
//! compiled code calls them out of line, so they are exact and
//! deterministic: a result depends on the operands only. Memory access is
//! not here; a load or store of a whole vector or of one lane is done by the
//! caller, which uses the splat, `*_replace_lane`, `*_extract_lane`,
//! `v128_load*x*` and `v128_load*_zero` functions for the lane part.
//!
//! # Values
//!
//! A `v128` is a [`V128Bits`]: its 16 bytes in memory order, which is
//! little-endian lane order, so lane 0 of any shape is the first bytes and,
//! read as a `u128` (the [`From`] conversions, used where a vector meets
//! the public API, constants and globals), the least significant bits:
//! lane `i` of an `i16x8` is bits `16 * i .. 16 * i + 16`. [`lanes`] splits
//! a value into an array of lanes (`[i8; 16]`, `[u16; 8]`, `[f32; 4]`, ...)
//! and [`v128`] joins one back; floats are moved by their bit patterns, so
//! NaN payloads are kept. Every function works lane by lane on such arrays,
//! whole-vector bitwise operations on `[u64; 2]`, never on a `u128`: LLVM
//! keeps a `u128` in two general registers and splits every lane operation
//! into scalar shifts and masks (an `i8x16.lt_u` handler was some two
//! hundred instructions), where a 16-byte array loaded from memory becomes
//! one SSE register and the lane code a few vector instructions.
//!
//! # Operand order
//!
//! A binary function takes `(a, b)` with `a` the first operand pushed (the
//! deeper one on the wasm stack); a ternary one takes its operands in stack
//! order too (`v128_bitselect(v1, v2, mask)`, `f32x4_relaxed_madd(a, b, c)`
//! is `a * b + c`). Shifts take the count as a `u32` and use it modulo the
//! lane width.
//!
//! # Scalar cells
//!
//! A scalar crosses the boundary as a 64-bit cell, the way the engine holds
//! it in a register: an `i32` zero-extended (`v as u32 as u64`), an `i64` as
//! is, an `f32` as its bit pattern zero-extended (`f.to_bits() as u64`), an
//! `f64` as its bits. Splats and `*_replace_lane` read a cell (only its low
//! lane-width bits matter); `*_extract_lane` returns one, so
//! `i8x16_extract_lane_s` gives the sign-extended byte as an `i32`,
//! zero-extended to 64 bits.
//!
//! # Files
//!
//! `int.rs` holds the integer and bitwise operations (with splats, lane
//! access, shuffles and the load conversions), `float.rs` the floating-point
//! ones and the conversions between the two, `relaxed.rs` the relaxed-SIMD
//! instructions with the deterministic choice made for each.

/// A `v128` value: its 16 bytes in memory (little-endian lane) order.
///
/// The lane functions take and return this rather than a `u128` so that
/// LLVM sees a 16-byte block of memory, which it moves through an SSE
/// register and whose inlined lane code it vectorises; a `u128` is an
/// integer in two general registers, and lane code on it is scalar. A
/// `v128` in a frame is two 8-byte cells, only 8-aligned, so the
/// interpreter reads and writes one with `read_unaligned` and
/// `write_unaligned`.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
#[repr(C, align(16))]
pub(crate) struct V128Bits([u8; 16]);

impl V128Bits {
    /// All bits clear.
    pub(crate) const ZERO: V128Bits = V128Bits([0; 16]);
}

impl From<u128> for V128Bits {
    /// The vector whose lane 0 is the least significant bits of `v`.
    #[inline(always)]
    fn from(v: u128) -> Self {
        V128Bits(v.to_le_bytes())
    }
}

impl From<V128Bits> for u128 {
    /// The vector as an integer, lane 0 in the least significant bits.
    #[inline(always)]
    fn from(v: V128Bits) -> Self {
        u128::from_le_bytes(v.0)
    }
}

/// An array of lanes that fills a 128-bit vector exactly, lane 0 first.
pub(crate) trait Lanes: Sized {
    /// Splits `v` into lanes, lane 0 from its first bytes.
    fn from_v128(v: V128Bits) -> Self;
    /// Joins the lanes back into a vector.
    fn into_v128(self) -> V128Bits;
}

/// Implements [`Lanes`] for `[$t; 16 / size_of::<$t>()]` by reinterpreting
/// the 16 bytes: the host is little-endian (the crate does not build
/// otherwise), so lane 0 is the first bytes. Written as byte conversions
/// lane by lane, this compiled to shifts, a third of the interpreter's
/// time on SIMD code; a reinterpretation costs nothing.
macro_rules! impl_lanes {
    ($($t:ty),* $(,)?) => {$(
        impl Lanes for [$t; 16 / core::mem::size_of::<$t>()] {
            #[inline(always)]
            fn from_v128(v: V128Bits) -> Self {
                // SAFETY: both are 16 bytes, and every bit pattern is a valid
                // array of this lane type (integers or floats).
                unsafe { core::mem::transmute::<V128Bits, Self>(v) }
            }

            #[inline(always)]
            fn into_v128(self) -> V128Bits {
                // SAFETY: as above; every bit pattern is a valid
                // `V128Bits` (a transmute moves the value, so its greater
                // alignment asks nothing of the array's).
                unsafe { core::mem::transmute::<Self, V128Bits>(self) }
            }
        }
    )*};
}

impl_lanes!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

/// Splits a vector into its lanes; the lane shape is chosen by the type asked
/// for, as in `let a: [i16; 8] = lanes(v);`.
#[inline(always)]
pub(crate) fn lanes<L: Lanes>(v: V128Bits) -> L {
    L::from_v128(v)
}

/// Joins an array of lanes (lane 0 first) into a vector.
#[inline(always)]
pub(crate) fn v128<L: Lanes>(lanes: L) -> V128Bits {
    lanes.into_v128()
}

/// Applies `f` to the lanes of `a` and `b` pairwise.
#[inline(always)]
fn zip_map<T: Copy, U, const N: usize>(a: [T; N], b: [T; N], f: impl Fn(T, T) -> U) -> [U; N] {
    core::array::from_fn(|i| f(a[i], b[i]))
}

/// Applies `f` to the lanes of `a`, `b` and `c` lane by lane.
#[inline(always)]
fn zip3_map<T: Copy, U, const N: usize>(
    a: [T; N],
    b: [T; N],
    c: [T; N],
    f: impl Fn(T, T, T) -> U,
) -> [U; N] {
    core::array::from_fn(|i| f(a[i], b[i], c[i]))
}

/// The all-ones lane for true and the all-zeros lane for false, as the
/// comparisons produce.
#[inline(always)]
fn mask<T: Mask>(b: bool) -> T {
    if b {
        T::ONES
    } else {
        T::ZERO
    }
}

/// An unsigned lane type that can be all ones or all zeros.
trait Mask {
    /// Every bit set.
    const ONES: Self;
    /// No bit set.
    const ZERO: Self;
}

macro_rules! impl_mask {
    ($($t:ty),*) => {$(
        impl Mask for $t {
            const ONES: Self = <$t>::MAX;
            const ZERO: Self = 0;
        }
    )*};
}

impl_mask!(u8, u16, u32, u64);

/// Defines lane-wise unary operations: `name: [T; N] => |x| expr;` splits the
/// operand into lanes of `T`, maps each with `expr` and joins the results
/// (whose lane type may differ from `T`, as long as they fill 128 bits).
macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident : $t:ty => |$x:ident| $e:expr;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(a: $crate::simd::V128Bits) -> $crate::simd::V128Bits {
            let a: $t = $crate::simd::lanes(a);
            $crate::simd::v128(a.map(|$x| $e))
        }
    )*};
}

/// Defines lane-wise binary operations: `name: [T; N] => |x, y| expr;`
/// combines lane `i` of the first operand (`x`) with lane `i` of the second
/// (`y`).
macro_rules! binary {
    ($($(#[$doc:meta])* $name:ident : $t:ty => |$x:ident, $y:ident| $e:expr;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(
            a: $crate::simd::V128Bits,
            b: $crate::simd::V128Bits,
        ) -> $crate::simd::V128Bits {
            let (a, b): ($t, $t) = ($crate::simd::lanes(a), $crate::simd::lanes(b));
            $crate::simd::v128($crate::simd::zip_map(a, b, |$x, $y| $e))
        }
    )*};
}

/// Defines lane-wise comparisons: `name: [T; N] as M => |x, y| cond;` gives
/// an all-ones lane of the unsigned type `M` where `cond` holds, else zero.
macro_rules! compare {
    ($($(#[$doc:meta])* $name:ident : $t:ty as $m:ty => |$x:ident, $y:ident| $e:expr;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(
            a: $crate::simd::V128Bits,
            b: $crate::simd::V128Bits,
        ) -> $crate::simd::V128Bits {
            let (a, b): ($t, $t) = ($crate::simd::lanes(a), $crate::simd::lanes(b));
            let m: [$m; 16 / core::mem::size_of::<$m>()] =
                $crate::simd::zip_map(a, b, |$x, $y| $crate::simd::mask::<$m>($e));
            $crate::simd::v128(m)
        }
    )*};
}

mod float;
mod int;
mod relaxed;
#[cfg(test)]
mod tests;

// Until the interpreter and the JIT call every family, some of these
// re-exports have no user outside the tests.
#[allow(unused_imports)]
pub(crate) use {float::*, int::*, relaxed::*};
