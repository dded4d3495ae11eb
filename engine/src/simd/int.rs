//! Integer and bitwise lane operations: splats, lane access, shuffles, the
//! load conversions, tests, shifts, arithmetic, comparisons, narrowing and
//! widening.
//!
//! Integer arithmetic wraps unless the name says `_sat`; `_s` and `_u` read
//! the lanes as signed or unsigned.

use super::{lanes, v128, Lanes, V128Bits};

// ---------------------------------------------------------------------------
// Load conversions: the caller loads the scalar bits, these build the vector.

/// Generates the extending loads: `name: [T; N] -> [W; N]` reads the eight
/// loaded bytes (little-endian, in a `u64`) as `N` lanes of `T` and widens
/// each to `W`.
macro_rules! load_extend {
    ($($(#[$doc:meta])* $name:ident : [$t:ty; $n:literal] -> $w:ty;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(x: u64) -> V128Bits {
            const W: usize = core::mem::size_of::<$t>();
            let bytes = x.to_le_bytes();
            let narrow: [$t; $n] = core::array::from_fn(|i| {
                let mut lane = [0u8; W];
                lane.copy_from_slice(&bytes[i * W..(i + 1) * W]);
                <$t>::from_le_bytes(lane)
            });
            v128(narrow.map(<$w>::from))
        }
    )*};
}

load_extend! {
    /// `v128.load8x8_s`: eight loaded bytes, each sign-extended to 16 bits.
    v128_load8x8_s: [i8; 8] -> i16;
    /// `v128.load8x8_u`: eight loaded bytes, each zero-extended to 16 bits.
    v128_load8x8_u: [u8; 8] -> u16;
    /// `v128.load16x4_s`: four loaded 16-bit values, sign-extended to 32 bits.
    v128_load16x4_s: [i16; 4] -> i32;
    /// `v128.load16x4_u`: four loaded 16-bit values, zero-extended to 32 bits.
    v128_load16x4_u: [u16; 4] -> u32;
    /// `v128.load32x2_s`: two loaded 32-bit values, sign-extended to 64 bits.
    v128_load32x2_s: [i32; 2] -> i64;
    /// `v128.load32x2_u`: two loaded 32-bit values, zero-extended to 64 bits.
    v128_load32x2_u: [u32; 2] -> u64;
}

/// `v128.load32_zero`: the loaded 32 bits (low half of the cell) in lane 0,
/// the rest zero.
#[inline(always)]
pub(crate) fn v128_load32_zero(x: u64) -> V128Bits {
    v128([x as u32, 0, 0, 0])
}

/// `v128.load64_zero`: the loaded 64 bits in lane 0, the rest zero.
#[inline(always)]
pub(crate) fn v128_load64_zero(x: u64) -> V128Bits {
    v128([x, 0])
}

// ---------------------------------------------------------------------------
// Splats: the scalar cell's low lane-width bits in every lane. Each builds
// one 64-bit half and repeats it: where the splats meet (the `v128.splat`
// handler matches on the operation), LLVM then merges one `u64` rather
// than arrays of different lane types, which it split into 16-bit pieces
// (some forty instructions more).

/// The vector with `half` in both 64-bit lanes.
#[inline(always)]
fn both_halves(half: u64) -> V128Bits {
    v128([half; 2])
}

/// `i8x16.splat`: the cell's low 8 bits in all 16 lanes.
#[inline(always)]
pub(crate) fn i8x16_splat(x: u64) -> V128Bits {
    both_halves(u64::from_le_bytes([x as u8; 8]))
}

/// `i16x8.splat`: the cell's low 16 bits in all 8 lanes.
#[inline(always)]
pub(crate) fn i16x8_splat(x: u64) -> V128Bits {
    // The product repeats the 16 bits in each quarter of the half.
    both_halves(u64::from(x as u16) * 0x0001_0001_0001_0001)
}

/// `i32x4.splat`: the cell's low 32 bits in all 4 lanes.
#[inline(always)]
pub(crate) fn i32x4_splat(x: u64) -> V128Bits {
    both_halves(u64::from(x as u32) * 0x0000_0001_0000_0001)
}

/// `i64x2.splat`: the cell in both lanes.
#[inline(always)]
pub(crate) fn i64x2_splat(x: u64) -> V128Bits {
    both_halves(x)
}

/// `f32x4.splat`: the f32 bit pattern (low 32 bits of the cell) in all 4 lanes.
#[inline(always)]
pub(crate) fn f32x4_splat(x: u64) -> V128Bits {
    i32x4_splat(x)
}

/// `f64x2.splat`: the f64 bit pattern in both lanes.
#[inline(always)]
pub(crate) fn f64x2_splat(x: u64) -> V128Bits {
    both_halves(x)
}

// ---------------------------------------------------------------------------
// Lane access. `lane` is validated; it is masked only so an out-of-range one
// cannot panic.

/// Lane `lane` of `a` split into lanes of `T`. `N` is a power of two, so
/// the mask is one `and`.
#[inline(always)]
fn get_lane<T: Copy, const N: usize>(a: V128Bits, lane: u8) -> T
where
    [T; N]: Lanes,
{
    let a: [T; N] = lanes(a);
    a[usize::from(lane) % N]
}

/// `a` split into lanes of `T` with lane `lane` replaced by `x`. Written
/// as a select of every lane rather than a store to one: that compiles to
/// a vector blend, where storing the lane into the vector's bytes and
/// reading the vector back misses store forwarding (three quarters of a
/// `replace_lane` handler's time).
#[inline(always)]
fn set_lane<T: Copy, const N: usize>(a: V128Bits, lane: u8, x: T) -> V128Bits
where
    [T; N]: Lanes,
{
    let a: [T; N] = lanes(a);
    let lane = usize::from(lane) % N;
    v128(core::array::from_fn(|i| if i == lane { x } else { a[i] }))
}

/// `i8x16.extract_lane_s`: the byte sign-extended to an i32 cell.
#[inline(always)]
pub(crate) fn i8x16_extract_lane_s(a: V128Bits, lane: u8) -> u64 {
    get_lane::<i8, 16>(a, lane) as i32 as u32 as u64
}

/// `i8x16.extract_lane_u`: the byte zero-extended to an i32 cell.
#[inline(always)]
pub(crate) fn i8x16_extract_lane_u(a: V128Bits, lane: u8) -> u64 {
    u64::from(get_lane::<u8, 16>(a, lane))
}

/// `i8x16.replace_lane`: `a` with lane `lane` set to the cell's low 8 bits.
#[inline(always)]
pub(crate) fn i8x16_replace_lane(a: V128Bits, x: u64, lane: u8) -> V128Bits {
    set_lane::<u8, 16>(a, lane, x as u8)
}

/// `i16x8.extract_lane_s`: the lane sign-extended to an i32 cell.
#[inline(always)]
pub(crate) fn i16x8_extract_lane_s(a: V128Bits, lane: u8) -> u64 {
    get_lane::<i16, 8>(a, lane) as i32 as u32 as u64
}

/// `i16x8.extract_lane_u`: the lane zero-extended to an i32 cell.
#[inline(always)]
pub(crate) fn i16x8_extract_lane_u(a: V128Bits, lane: u8) -> u64 {
    u64::from(get_lane::<u16, 8>(a, lane))
}

/// `i16x8.replace_lane`: `a` with lane `lane` set to the cell's low 16 bits.
#[inline(always)]
pub(crate) fn i16x8_replace_lane(a: V128Bits, x: u64, lane: u8) -> V128Bits {
    set_lane::<u16, 8>(a, lane, x as u16)
}

/// `i32x4.extract_lane`: the lane as an i32 cell (zero-extended).
#[inline(always)]
pub(crate) fn i32x4_extract_lane(a: V128Bits, lane: u8) -> u64 {
    u64::from(get_lane::<u32, 4>(a, lane))
}

/// `i32x4.replace_lane`: `a` with lane `lane` set to the cell's low 32 bits.
#[inline(always)]
pub(crate) fn i32x4_replace_lane(a: V128Bits, x: u64, lane: u8) -> V128Bits {
    set_lane::<u32, 4>(a, lane, x as u32)
}

/// `i64x2.extract_lane`: the lane as an i64 cell.
#[inline(always)]
pub(crate) fn i64x2_extract_lane(a: V128Bits, lane: u8) -> u64 {
    get_lane::<u64, 2>(a, lane)
}

/// `i64x2.replace_lane`: `a` with lane `lane` set to the cell.
#[inline(always)]
pub(crate) fn i64x2_replace_lane(a: V128Bits, x: u64, lane: u8) -> V128Bits {
    set_lane::<u64, 2>(a, lane, x)
}

/// `f32x4.extract_lane`: the lane's bit pattern as an f32 cell.
#[inline(always)]
pub(crate) fn f32x4_extract_lane(a: V128Bits, lane: u8) -> u64 {
    u64::from(get_lane::<u32, 4>(a, lane))
}

/// `f32x4.replace_lane`: `a` with lane `lane` set to the f32 bits in the
/// cell's low 32 bits.
#[inline(always)]
pub(crate) fn f32x4_replace_lane(a: V128Bits, x: u64, lane: u8) -> V128Bits {
    set_lane::<u32, 4>(a, lane, x as u32)
}

/// `f64x2.extract_lane`: the lane's bit pattern as an f64 cell.
#[inline(always)]
pub(crate) fn f64x2_extract_lane(a: V128Bits, lane: u8) -> u64 {
    get_lane::<u64, 2>(a, lane)
}

/// `f64x2.replace_lane`: `a` with lane `lane` set to the f64 bits in the cell.
#[inline(always)]
pub(crate) fn f64x2_replace_lane(a: V128Bits, x: u64, lane: u8) -> V128Bits {
    set_lane::<u64, 2>(a, lane, x)
}

// ---------------------------------------------------------------------------
// Byte permutations.

/// `i8x16.shuffle`: result byte `i` is byte `indices[i]` of the 32 bytes of `a`
/// followed by `b` (indices 0..16 pick from `a`, 16..32 from `b`).
#[inline(always)]
pub(crate) fn i8x16_shuffle(a: V128Bits, b: V128Bits, indices: [u8; 16]) -> V128Bits {
    let (a, b): ([u8; 16], [u8; 16]) = (lanes(a), lanes(b));
    v128(indices.map(|j| {
        let j = usize::from(j & 31);
        if j < 16 {
            a[j]
        } else {
            b[j - 16]
        }
    }))
}

/// `i8x16.swizzle`: result byte `i` is byte `b[i]` of `a`, or 0 where the
/// index `b[i]` (unsigned) is 16 or more.
#[inline(always)]
pub(crate) fn i8x16_swizzle(a: V128Bits, b: V128Bits) -> V128Bits {
    let (a, s): ([u8; 16], [u8; 16]) = (lanes(a), lanes(b));
    v128(s.map(|j| a.get(usize::from(j)).copied().unwrap_or(0)))
}

// ---------------------------------------------------------------------------
// Bitwise operations on the whole vector, on two 64-bit lanes: the widest
// lanes LLVM turns into one SSE operation (a `u128` it would split into two
// general registers).

unary! {
    /// `v128.not`: bitwise complement.
    v128_not: [u64; 2] => |x| !x;
}

binary! {
    /// `v128.and`: bitwise and.
    v128_and: [u64; 2] => |x, y| x & y;
    /// `v128.andnot`: `a & !b`.
    v128_andnot: [u64; 2] => |x, y| x & !y;
    /// `v128.or`: bitwise or.
    v128_or: [u64; 2] => |x, y| x | y;
    /// `v128.xor`: bitwise exclusive or.
    v128_xor: [u64; 2] => |x, y| x ^ y;
}

/// `v128.bitselect(v1, v2, mask)`: each bit from `v1` where `mask` has a 1,
/// from `v2` where it has a 0.
#[inline(always)]
pub(crate) fn v128_bitselect(v1: V128Bits, v2: V128Bits, mask: V128Bits) -> V128Bits {
    let (v1, v2, mask): ([u64; 2], [u64; 2], [u64; 2]) = (lanes(v1), lanes(v2), lanes(mask));
    v128(super::zip3_map(v1, v2, mask, |x, y, m| (x & m) | (y & !m)))
}

/// `v128.any_true`: 1 if any bit of `a` is set, else 0.
#[inline(always)]
pub(crate) fn v128_any_true(a: V128Bits) -> u32 {
    let [x, y]: [u64; 2] = lanes(a);
    u32::from(x | y != 0)
}

// ---------------------------------------------------------------------------
// Lane tests: all_true (1 if no lane is zero) and bitmask (bit i is the top
// bit of lane i).

/// Generates `all_true` and `bitmask` for one shape.
macro_rules! lane_tests {
    ($($all:ident, $bitmask:ident : $t:ty, $shape:literal;)*) => {$(
        #[doc = concat!("`", $shape, ".all_true`: 1 if every lane is non-zero, else 0.")]
        #[inline(always)]
        pub(crate) fn $all(a: V128Bits) -> u32 {
            let a: $t = lanes(a);
            // Every lane tested, with no early exit, which LLVM makes one
            // vector compare and a mask test; `all` stops at the first zero
            // lane, and its branches stay scalar.
            u32::from(a.iter().fold(true, |all, &x| all & (x != 0)))
        }

        #[doc = concat!("`", $shape, ".bitmask`: bit `i` of the result is the top (sign) bit of lane `i`.")]
        #[inline(always)]
        pub(crate) fn $bitmask(a: V128Bits) -> u32 {
            let a: $t = lanes(a);
            a.iter()
                .enumerate()
                .fold(0, |m, (i, &x)| m | (u32::from(x < 0) << i))
        }
    )*};
}

lane_tests! {
    i8x16_all_true, i8x16_bitmask: [i8; 16], "i8x16";
    i16x8_all_true, i16x8_bitmask: [i16; 8], "i16x8";
    i32x4_all_true, i32x4_bitmask: [i32; 4], "i32x4";
    i64x2_all_true, i64x2_bitmask: [i64; 2], "i64x2";
}

// ---------------------------------------------------------------------------
// Shifts: the count is taken modulo the lane width.

/// Generates a shift: `name: [T; N] => op;` shifts every lane by
/// `count % T::BITS` (`>>` is arithmetic for a signed `T`, logical for an
/// unsigned one).
macro_rules! shift {
    ($($(#[$doc:meta])* $name:ident : [$t:ty; $n:literal] => $op:tt;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(a: V128Bits, count: u32) -> V128Bits {
            let a: [$t; $n] = lanes(a);
            let count = count % <$t>::BITS;
            v128(a.map(|x| x $op count))
        }
    )*};
}

shift! {
    /// `i8x16.shl`: each lane shifted left by `count % 8`.
    i8x16_shl: [u8; 16] => <<;
    /// `i8x16.shr_s`: each lane shifted right arithmetically by `count % 8`.
    i8x16_shr_s: [i8; 16] => >>;
    /// `i8x16.shr_u`: each lane shifted right logically by `count % 8`.
    i8x16_shr_u: [u8; 16] => >>;
    /// `i16x8.shl`: each lane shifted left by `count % 16`.
    i16x8_shl: [u16; 8] => <<;
    /// `i16x8.shr_s`: each lane shifted right arithmetically by `count % 16`.
    i16x8_shr_s: [i16; 8] => >>;
    /// `i16x8.shr_u`: each lane shifted right logically by `count % 16`.
    i16x8_shr_u: [u16; 8] => >>;
    /// `i32x4.shl`: each lane shifted left by `count % 32`.
    i32x4_shl: [u32; 4] => <<;
    /// `i32x4.shr_s`: each lane shifted right arithmetically by `count % 32`.
    i32x4_shr_s: [i32; 4] => >>;
    /// `i32x4.shr_u`: each lane shifted right logically by `count % 32`.
    i32x4_shr_u: [u32; 4] => >>;
    /// `i64x2.shl`: each lane shifted left by `count % 64`.
    i64x2_shl: [u64; 2] => <<;
    /// `i64x2.shr_s`: each lane shifted right arithmetically by `count % 64`.
    i64x2_shr_s: [i64; 2] => >>;
    /// `i64x2.shr_u`: each lane shifted right logically by `count % 64`.
    i64x2_shr_u: [u64; 2] => >>;
}

// ---------------------------------------------------------------------------
// Lane-wise unary operations.

unary! {
    /// `i8x16.abs`: absolute value; -128 stays -128 (wraps).
    i8x16_abs: [i8; 16] => |x| x.wrapping_abs();
    /// `i8x16.neg`: wrapping negation.
    i8x16_neg: [i8; 16] => |x| x.wrapping_neg();
    /// `i8x16.popcnt`: the number of set bits of each byte.
    i8x16_popcnt: [u8; 16] => |x| x.count_ones() as u8;
    /// `i16x8.abs`: absolute value; -32768 stays -32768 (wraps).
    i16x8_abs: [i16; 8] => |x| x.wrapping_abs();
    /// `i16x8.neg`: wrapping negation.
    i16x8_neg: [i16; 8] => |x| x.wrapping_neg();
    /// `i32x4.abs`: absolute value; `i32::MIN` stays itself (wraps).
    i32x4_abs: [i32; 4] => |x| x.wrapping_abs();
    /// `i32x4.neg`: wrapping negation.
    i32x4_neg: [i32; 4] => |x| x.wrapping_neg();
    /// `i64x2.abs`: absolute value; `i64::MIN` stays itself (wraps).
    i64x2_abs: [i64; 2] => |x| x.wrapping_abs();
    /// `i64x2.neg`: wrapping negation.
    i64x2_neg: [i64; 2] => |x| x.wrapping_neg();
}

// ---------------------------------------------------------------------------
// Lane-wise binary arithmetic.

binary! {
    /// `i8x16.add`: wrapping addition.
    i8x16_add: [u8; 16] => |x, y| x.wrapping_add(y);
    /// `i8x16.add_sat_s`: signed addition saturated to -128..=127.
    i8x16_add_sat_s: [i8; 16] => |x, y| x.saturating_add(y);
    /// `i8x16.add_sat_u`: unsigned addition saturated to 0..=255.
    i8x16_add_sat_u: [u8; 16] => |x, y| x.saturating_add(y);
    /// `i8x16.sub`: wrapping subtraction.
    i8x16_sub: [u8; 16] => |x, y| x.wrapping_sub(y);
    /// `i8x16.sub_sat_s`: signed subtraction saturated to -128..=127.
    i8x16_sub_sat_s: [i8; 16] => |x, y| x.saturating_sub(y);
    /// `i8x16.sub_sat_u`: unsigned subtraction saturated to 0..=255.
    i8x16_sub_sat_u: [u8; 16] => |x, y| x.saturating_sub(y);
    /// `i8x16.min_s`: signed minimum.
    i8x16_min_s: [i8; 16] => |x, y| x.min(y);
    /// `i8x16.min_u`: unsigned minimum.
    i8x16_min_u: [u8; 16] => |x, y| x.min(y);
    /// `i8x16.max_s`: signed maximum.
    i8x16_max_s: [i8; 16] => |x, y| x.max(y);
    /// `i8x16.max_u`: unsigned maximum.
    i8x16_max_u: [u8; 16] => |x, y| x.max(y);
    /// `i8x16.avgr_u`: unsigned rounding average `(x + y + 1) >> 1`, computed
    /// without overflow.
    i8x16_avgr_u: [u8; 16] => |x, y| ((u16::from(x) + u16::from(y) + 1) >> 1) as u8;

    /// `i16x8.add`: wrapping addition.
    i16x8_add: [u16; 8] => |x, y| x.wrapping_add(y);
    /// `i16x8.add_sat_s`: signed addition saturated to the i16 range.
    i16x8_add_sat_s: [i16; 8] => |x, y| x.saturating_add(y);
    /// `i16x8.add_sat_u`: unsigned addition saturated to 0..=65535.
    i16x8_add_sat_u: [u16; 8] => |x, y| x.saturating_add(y);
    /// `i16x8.sub`: wrapping subtraction.
    i16x8_sub: [u16; 8] => |x, y| x.wrapping_sub(y);
    /// `i16x8.sub_sat_s`: signed subtraction saturated to the i16 range.
    i16x8_sub_sat_s: [i16; 8] => |x, y| x.saturating_sub(y);
    /// `i16x8.sub_sat_u`: unsigned subtraction saturated to 0..=65535.
    i16x8_sub_sat_u: [u16; 8] => |x, y| x.saturating_sub(y);
    /// `i16x8.mul`: wrapping multiplication (the low 16 bits of the product).
    i16x8_mul: [u16; 8] => |x, y| x.wrapping_mul(y);
    /// `i16x8.min_s`: signed minimum.
    i16x8_min_s: [i16; 8] => |x, y| x.min(y);
    /// `i16x8.min_u`: unsigned minimum.
    i16x8_min_u: [u16; 8] => |x, y| x.min(y);
    /// `i16x8.max_s`: signed maximum.
    i16x8_max_s: [i16; 8] => |x, y| x.max(y);
    /// `i16x8.max_u`: unsigned maximum.
    i16x8_max_u: [u16; 8] => |x, y| x.max(y);
    /// `i16x8.avgr_u`: unsigned rounding average `(x + y + 1) >> 1`, computed
    /// without overflow.
    i16x8_avgr_u: [u16; 8] => |x, y| ((u32::from(x) + u32::from(y) + 1) >> 1) as u16;
    /// `i16x8.q15mulr_sat_s`: Q15 rounding multiplication,
    /// `sat_i16((x * y + 0x4000) >> 15)` (only -32768 * -32768 saturates).
    i16x8_q15mulr_sat_s: [i16; 8] => |x, y| q15mulr_sat(x, y);

    /// `i32x4.add`: wrapping addition.
    i32x4_add: [u32; 4] => |x, y| x.wrapping_add(y);
    /// `i32x4.sub`: wrapping subtraction.
    i32x4_sub: [u32; 4] => |x, y| x.wrapping_sub(y);
    /// `i32x4.mul`: wrapping multiplication (the low 32 bits of the product).
    i32x4_mul: [u32; 4] => |x, y| x.wrapping_mul(y);
    /// `i32x4.min_s`: signed minimum.
    i32x4_min_s: [i32; 4] => |x, y| x.min(y);
    /// `i32x4.min_u`: unsigned minimum.
    i32x4_min_u: [u32; 4] => |x, y| x.min(y);
    /// `i32x4.max_s`: signed maximum.
    i32x4_max_s: [i32; 4] => |x, y| x.max(y);
    /// `i32x4.max_u`: unsigned maximum.
    i32x4_max_u: [u32; 4] => |x, y| x.max(y);

    /// `i64x2.add`: wrapping addition.
    i64x2_add: [u64; 2] => |x, y| x.wrapping_add(y);
    /// `i64x2.sub`: wrapping subtraction.
    i64x2_sub: [u64; 2] => |x, y| x.wrapping_sub(y);
    /// `i64x2.mul`: wrapping multiplication (the low 64 bits of the product).
    i64x2_mul: [u64; 2] => |x, y| x.wrapping_mul(y);
}

/// Q15 rounding multiplication of one lane: `(x * y + 2^14) >> 15`
/// (arithmetic shift), saturated to the i16 range.
#[inline(always)]
pub(super) fn q15mulr_sat(x: i16, y: i16) -> i16 {
    let r = (i32::from(x) * i32::from(y) + 0x4000) >> 15;
    r.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

// ---------------------------------------------------------------------------
// Comparisons: all-ones lanes where true, zero where false.

compare! {
    /// `i8x16.eq`: lanes equal.
    i8x16_eq: [u8; 16] as u8 => |x, y| x == y;
    /// `i8x16.ne`: lanes differ.
    i8x16_ne: [u8; 16] as u8 => |x, y| x != y;
    /// `i8x16.lt_s`: signed less than.
    i8x16_lt_s: [i8; 16] as u8 => |x, y| x < y;
    /// `i8x16.lt_u`: unsigned less than.
    i8x16_lt_u: [u8; 16] as u8 => |x, y| x < y;
    /// `i8x16.gt_s`: signed greater than.
    i8x16_gt_s: [i8; 16] as u8 => |x, y| x > y;
    /// `i8x16.gt_u`: unsigned greater than.
    i8x16_gt_u: [u8; 16] as u8 => |x, y| x > y;
    /// `i8x16.le_s`: signed less than or equal.
    i8x16_le_s: [i8; 16] as u8 => |x, y| x <= y;
    /// `i8x16.le_u`: unsigned less than or equal.
    i8x16_le_u: [u8; 16] as u8 => |x, y| x <= y;
    /// `i8x16.ge_s`: signed greater than or equal.
    i8x16_ge_s: [i8; 16] as u8 => |x, y| x >= y;
    /// `i8x16.ge_u`: unsigned greater than or equal.
    i8x16_ge_u: [u8; 16] as u8 => |x, y| x >= y;

    /// `i16x8.eq`: lanes equal.
    i16x8_eq: [u16; 8] as u16 => |x, y| x == y;
    /// `i16x8.ne`: lanes differ.
    i16x8_ne: [u16; 8] as u16 => |x, y| x != y;
    /// `i16x8.lt_s`: signed less than.
    i16x8_lt_s: [i16; 8] as u16 => |x, y| x < y;
    /// `i16x8.lt_u`: unsigned less than.
    i16x8_lt_u: [u16; 8] as u16 => |x, y| x < y;
    /// `i16x8.gt_s`: signed greater than.
    i16x8_gt_s: [i16; 8] as u16 => |x, y| x > y;
    /// `i16x8.gt_u`: unsigned greater than.
    i16x8_gt_u: [u16; 8] as u16 => |x, y| x > y;
    /// `i16x8.le_s`: signed less than or equal.
    i16x8_le_s: [i16; 8] as u16 => |x, y| x <= y;
    /// `i16x8.le_u`: unsigned less than or equal.
    i16x8_le_u: [u16; 8] as u16 => |x, y| x <= y;
    /// `i16x8.ge_s`: signed greater than or equal.
    i16x8_ge_s: [i16; 8] as u16 => |x, y| x >= y;
    /// `i16x8.ge_u`: unsigned greater than or equal.
    i16x8_ge_u: [u16; 8] as u16 => |x, y| x >= y;

    /// `i32x4.eq`: lanes equal.
    i32x4_eq: [u32; 4] as u32 => |x, y| x == y;
    /// `i32x4.ne`: lanes differ.
    i32x4_ne: [u32; 4] as u32 => |x, y| x != y;
    /// `i32x4.lt_s`: signed less than.
    i32x4_lt_s: [i32; 4] as u32 => |x, y| x < y;
    /// `i32x4.lt_u`: unsigned less than.
    i32x4_lt_u: [u32; 4] as u32 => |x, y| x < y;
    /// `i32x4.gt_s`: signed greater than.
    i32x4_gt_s: [i32; 4] as u32 => |x, y| x > y;
    /// `i32x4.gt_u`: unsigned greater than.
    i32x4_gt_u: [u32; 4] as u32 => |x, y| x > y;
    /// `i32x4.le_s`: signed less than or equal.
    i32x4_le_s: [i32; 4] as u32 => |x, y| x <= y;
    /// `i32x4.le_u`: unsigned less than or equal.
    i32x4_le_u: [u32; 4] as u32 => |x, y| x <= y;
    /// `i32x4.ge_s`: signed greater than or equal.
    i32x4_ge_s: [i32; 4] as u32 => |x, y| x >= y;
    /// `i32x4.ge_u`: unsigned greater than or equal.
    i32x4_ge_u: [u32; 4] as u32 => |x, y| x >= y;

    /// `i64x2.eq`: lanes equal.
    i64x2_eq: [u64; 2] as u64 => |x, y| x == y;
    /// `i64x2.ne`: lanes differ.
    i64x2_ne: [u64; 2] as u64 => |x, y| x != y;
    /// `i64x2.lt_s`: signed less than.
    i64x2_lt_s: [i64; 2] as u64 => |x, y| x < y;
    /// `i64x2.gt_s`: signed greater than.
    i64x2_gt_s: [i64; 2] as u64 => |x, y| x > y;
    /// `i64x2.le_s`: signed less than or equal.
    i64x2_le_s: [i64; 2] as u64 => |x, y| x <= y;
    /// `i64x2.ge_s`: signed greater than or equal.
    i64x2_ge_s: [i64; 2] as u64 => |x, y| x >= y;
}

// ---------------------------------------------------------------------------
// Narrowing: the lanes of `a` then those of `b`, each read as signed and
// saturated to the narrower signed (`_s`) or unsigned (`_u`) range.

/// Generates a narrowing: `name: [T; N] -> U;` saturates each signed lane of
/// `a` then of `b` to the range of `U`.
macro_rules! narrow {
    ($($(#[$doc:meta])* $name:ident : [$t:ty; $n:literal] -> $u:ty;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(a: V128Bits, b: V128Bits) -> V128Bits {
            let (a, b): ([$t; $n], [$t; $n]) = (lanes(a), lanes(b));
            let sat = |x: $t| x.clamp(<$u>::MIN as $t, <$u>::MAX as $t) as $u;
            v128::<[$u; 2 * $n]>(core::array::from_fn(|i| {
                sat(if i < $n { a[i] } else { b[i - $n] })
            }))
        }
    )*};
}

narrow! {
    /// `i8x16.narrow_i16x8_s`: signed i16 lanes of `a` then `b`, saturated to
    /// -128..=127.
    i8x16_narrow_i16x8_s: [i16; 8] -> i8;
    /// `i8x16.narrow_i16x8_u`: signed i16 lanes of `a` then `b`, saturated to
    /// 0..=255.
    i8x16_narrow_i16x8_u: [i16; 8] -> u8;
    /// `i16x8.narrow_i32x4_s`: signed i32 lanes of `a` then `b`, saturated to
    /// the i16 range.
    i16x8_narrow_i32x4_s: [i32; 4] -> i16;
    /// `i16x8.narrow_i32x4_u`: signed i32 lanes of `a` then `b`, saturated to
    /// 0..=65535.
    i16x8_narrow_i32x4_u: [i32; 4] -> u16;
}

// ---------------------------------------------------------------------------
// Widening: extend, extmul, extadd_pairwise, dot.

/// Generates the extensions: `name: [T; 2N] -> [W; N] at OFFSET;` widens
/// lanes `OFFSET..OFFSET + N` (the low or the high half).
macro_rules! extend {
    ($($(#[$doc:meta])* $name:ident : $t:ty => [$w:ty; $n:literal] at $off:literal;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(a: V128Bits) -> V128Bits {
            let a: [$t; 2 * $n] = lanes(a);
            v128::<[$w; $n]>(core::array::from_fn(|i| <$w>::from(a[$off + i])))
        }
    )*};
}

extend! {
    /// `i16x8.extend_low_i8x16_s`: lanes 0..8 sign-extended to 16 bits.
    i16x8_extend_low_i8x16_s: i8 => [i16; 8] at 0;
    /// `i16x8.extend_high_i8x16_s`: lanes 8..16 sign-extended to 16 bits.
    i16x8_extend_high_i8x16_s: i8 => [i16; 8] at 8;
    /// `i16x8.extend_low_i8x16_u`: lanes 0..8 zero-extended to 16 bits.
    i16x8_extend_low_i8x16_u: u8 => [u16; 8] at 0;
    /// `i16x8.extend_high_i8x16_u`: lanes 8..16 zero-extended to 16 bits.
    i16x8_extend_high_i8x16_u: u8 => [u16; 8] at 8;
    /// `i32x4.extend_low_i16x8_s`: lanes 0..4 sign-extended to 32 bits.
    i32x4_extend_low_i16x8_s: i16 => [i32; 4] at 0;
    /// `i32x4.extend_high_i16x8_s`: lanes 4..8 sign-extended to 32 bits.
    i32x4_extend_high_i16x8_s: i16 => [i32; 4] at 4;
    /// `i32x4.extend_low_i16x8_u`: lanes 0..4 zero-extended to 32 bits.
    i32x4_extend_low_i16x8_u: u16 => [u32; 4] at 0;
    /// `i32x4.extend_high_i16x8_u`: lanes 4..8 zero-extended to 32 bits.
    i32x4_extend_high_i16x8_u: u16 => [u32; 4] at 4;
    /// `i64x2.extend_low_i32x4_s`: lanes 0..2 sign-extended to 64 bits.
    i64x2_extend_low_i32x4_s: i32 => [i64; 2] at 0;
    /// `i64x2.extend_high_i32x4_s`: lanes 2..4 sign-extended to 64 bits.
    i64x2_extend_high_i32x4_s: i32 => [i64; 2] at 2;
    /// `i64x2.extend_low_i32x4_u`: lanes 0..2 zero-extended to 64 bits.
    i64x2_extend_low_i32x4_u: u32 => [u64; 2] at 0;
    /// `i64x2.extend_high_i32x4_u`: lanes 2..4 zero-extended to 64 bits.
    i64x2_extend_high_i32x4_u: u32 => [u64; 2] at 2;
}

/// Generates the extending multiplications: `name: [T; 2N] -> [W; N] at
/// OFFSET;` multiplies the widened lanes `OFFSET..OFFSET + N` of `a` and `b`.
/// The product of two widened lanes always fits the wide lane, so nothing
/// wraps.
macro_rules! extmul {
    ($($(#[$doc:meta])* $name:ident : $t:ty => [$w:ty; $n:literal] at $off:literal;)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(a: V128Bits, b: V128Bits) -> V128Bits {
            let (a, b): ([$t; 2 * $n], [$t; 2 * $n]) = (lanes(a), lanes(b));
            v128::<[$w; $n]>(core::array::from_fn(|i| {
                <$w>::from(a[$off + i]) * <$w>::from(b[$off + i])
            }))
        }
    )*};
}

extmul! {
    /// `i16x8.extmul_low_i8x16_s`: signed products of lanes 0..8, as i16.
    i16x8_extmul_low_i8x16_s: i8 => [i16; 8] at 0;
    /// `i16x8.extmul_high_i8x16_s`: signed products of lanes 8..16, as i16.
    i16x8_extmul_high_i8x16_s: i8 => [i16; 8] at 8;
    /// `i16x8.extmul_low_i8x16_u`: unsigned products of lanes 0..8, as u16.
    i16x8_extmul_low_i8x16_u: u8 => [u16; 8] at 0;
    /// `i16x8.extmul_high_i8x16_u`: unsigned products of lanes 8..16, as u16.
    i16x8_extmul_high_i8x16_u: u8 => [u16; 8] at 8;
    /// `i32x4.extmul_low_i16x8_s`: signed products of lanes 0..4, as i32.
    i32x4_extmul_low_i16x8_s: i16 => [i32; 4] at 0;
    /// `i32x4.extmul_high_i16x8_s`: signed products of lanes 4..8, as i32.
    i32x4_extmul_high_i16x8_s: i16 => [i32; 4] at 4;
    /// `i32x4.extmul_low_i16x8_u`: unsigned products of lanes 0..4, as u32.
    i32x4_extmul_low_i16x8_u: u16 => [u32; 4] at 0;
    /// `i32x4.extmul_high_i16x8_u`: unsigned products of lanes 4..8, as u32.
    i32x4_extmul_high_i16x8_u: u16 => [u32; 4] at 4;
    /// `i64x2.extmul_low_i32x4_s`: signed products of lanes 0..2, as i64.
    i64x2_extmul_low_i32x4_s: i32 => [i64; 2] at 0;
    /// `i64x2.extmul_high_i32x4_s`: signed products of lanes 2..4, as i64.
    i64x2_extmul_high_i32x4_s: i32 => [i64; 2] at 2;
    /// `i64x2.extmul_low_i32x4_u`: unsigned products of lanes 0..2, as u64.
    i64x2_extmul_low_i32x4_u: u32 => [u64; 2] at 0;
    /// `i64x2.extmul_high_i32x4_u`: unsigned products of lanes 2..4, as u64.
    i64x2_extmul_high_i32x4_u: u32 => [u64; 2] at 2;
}

/// Generates the pairwise extending additions: `name: [T; 2N] -> [W; N];`
/// gives lane `i` the sum of lanes `2i` and `2i + 1`, widened (the sum always
/// fits).
macro_rules! extadd_pairwise {
    ($($(#[$doc:meta])* $name:ident : $t:ty => [$w:ty; $n:literal];)*) => {$(
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name(a: V128Bits) -> V128Bits {
            let a: [$t; 2 * $n] = lanes(a);
            v128::<[$w; $n]>(core::array::from_fn(|i| {
                <$w>::from(a[2 * i]) + <$w>::from(a[2 * i + 1])
            }))
        }
    )*};
}

extadd_pairwise! {
    /// `i16x8.extadd_pairwise_i8x16_s`: sums of adjacent signed byte pairs.
    i16x8_extadd_pairwise_i8x16_s: i8 => [i16; 8];
    /// `i16x8.extadd_pairwise_i8x16_u`: sums of adjacent unsigned byte pairs.
    i16x8_extadd_pairwise_i8x16_u: u8 => [u16; 8];
    /// `i32x4.extadd_pairwise_i16x8_s`: sums of adjacent signed i16 pairs.
    i32x4_extadd_pairwise_i16x8_s: i16 => [i32; 4];
    /// `i32x4.extadd_pairwise_i16x8_u`: sums of adjacent unsigned i16 pairs.
    i32x4_extadd_pairwise_i16x8_u: u16 => [u32; 4];
}

/// `i32x4.dot_i16x8_s`: lane `i` is `a[2i] * b[2i] + a[2i+1] * b[2i+1]` of
/// the signed i16 lanes, each product exact in i32 and the sum wrapping (only
/// all four operands -32768 overflows, giving `i32::MIN`).
#[inline(always)]
pub(crate) fn i32x4_dot_i16x8_s(a: V128Bits, b: V128Bits) -> V128Bits {
    let (a, b): ([i16; 8], [i16; 8]) = (lanes(a), lanes(b));
    let product = |k: usize| i32::from(a[k]) * i32::from(b[k]);
    v128::<[i32; 4]>(core::array::from_fn(|i| {
        product(2 * i).wrapping_add(product(2 * i + 1))
    }))
}
