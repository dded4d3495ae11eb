//! Unit tests with hand-computed expected values for the cases that are easy
//! to get wrong.

use super::*;

fn i8s(v: V128Bits) -> [i8; 16] {
    lanes(v)
}
fn u8s(v: V128Bits) -> [u8; 16] {
    lanes(v)
}
fn i16s(v: V128Bits) -> [i16; 8] {
    lanes(v)
}
fn u16s(v: V128Bits) -> [u16; 8] {
    lanes(v)
}
fn i32s(v: V128Bits) -> [i32; 4] {
    lanes(v)
}
fn u32s(v: V128Bits) -> [u32; 4] {
    lanes(v)
}
fn i64s(v: V128Bits) -> [i64; 2] {
    lanes(v)
}
fn u64s(v: V128Bits) -> [u64; 2] {
    lanes(v)
}
fn f32s(v: V128Bits) -> [f32; 4] {
    lanes(v)
}
fn f64s(v: V128Bits) -> [f64; 2] {
    lanes(v)
}
fn bits32(v: V128Bits) -> [u32; 4] {
    lanes(v)
}
fn bits64(v: V128Bits) -> [u64; 2] {
    lanes(v)
}
/// The vector whose integer form (lane 0 least significant) is `x`.
fn from_int(x: u128) -> V128Bits {
    x.into()
}
/// The integer form of `a`, lane 0 least significant.
fn int(a: V128Bits) -> u128 {
    a.into()
}

/// A signalling f32 NaN (quiet bit clear, payload 1).
const SNAN32: u32 = 0x7f80_0001;
/// A signalling f64 NaN (quiet bit clear, payload 1).
const SNAN64: u64 = 0x7ff0_0000_0000_0001;

#[test]
fn lane_order_is_little_endian() {
    let n = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128;
    let v = from_int(n);
    assert_eq!(u8s(v), core::array::from_fn(|i| i as u8));
    assert_eq!(u16s(v)[0], 0x0100);
    assert_eq!(u16s(v)[7], 0x0f0e);
    assert_eq!(
        u32s(v),
        [0x0302_0100, 0x0706_0504, 0x0b0a_0908, 0x0f0e_0d0c]
    );
    assert_eq!(u64s(v), [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]);
    assert_eq!(v128(u32s(v)), v);
    assert_eq!(int(v), n);
    assert_eq!(
        int(v128([1.0f32, -2.0, 0.5, 0.0])),
        0x0000_0000_3f00_0000_c000_0000_3f80_0000
    );
    // NaN payloads survive a round trip through float lanes.
    let nan = v128([SNAN32; 4]);
    assert_eq!(v128(f32s(nan)), nan);
}

#[test]
fn add_sub_wrap_and_saturate() {
    let a = v128([127i8, -128, 100, -100, 0, 1, -1, 50, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = v128([1i8, -1, 100, -100, 0, -1, 1, -60, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        i8s(i8x16_add(a, b))[..8],
        [-128, 127, -56, 56, 0, 0, 0, -10]
    );
    assert_eq!(
        i8s(i8x16_add_sat_s(a, b))[..8],
        [127, -128, 127, -128, 0, 0, 0, -10]
    );
    assert_eq!(
        i8s(i8x16_sub_sat_s(a, b))[..8],
        [126, -127, 0, 0, 0, 2, -2, 110]
    );
    let x = v128([-128i8, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let y = v128([1i8, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(i8s(i8x16_sub_sat_s(x, y))[..2], [-128, 127]);
    assert_eq!(i8s(i8x16_sub(x, y))[..2], [127, -128]);

    let a = v128([250u8, 10, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = v128([10u8, 20, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(u8s(i8x16_add_sat_u(a, b))[..4], [255, 30, 255, 1]);
    assert_eq!(u8s(i8x16_add(a, b))[..4], [4, 30, 254, 1]);
    assert_eq!(u8s(i8x16_sub_sat_u(a, b))[..4], [240, 0, 0, 0]);

    let a = v128([32767i16, -32768, 30000, -30000, 65535u16 as i16, 1, 0, 0]);
    let b = v128([1i16, -1, 10000, -10000, 1, 2, 0, 0]);
    assert_eq!(
        i16s(i16x8_add_sat_s(a, b))[..4],
        [32767, -32768, 32767, -32768]
    );
    assert_eq!(u16s(i16x8_add_sat_u(a, b))[4], 65535);
    assert_eq!(u16s(i16x8_sub_sat_u(a, b))[5], 0);
    assert_eq!(i16s(i16x8_sub_sat_s(b, a))[0], -32766);
    assert_eq!(i16s(i16x8_add(a, b))[..2], [-32768, 32767]);
    // 300 * 300 = 90000 = 0x1_5f90, low 16 bits 0x5f90 = 24464.
    assert_eq!(
        i16s(i16x8_mul(i16x8_splat(300), i16x8_splat(300)))[3],
        24464
    );
    assert_eq!(
        u32s(i32x4_mul(i32x4_splat(0x1_0001), i32x4_splat(0x1_0001)))[0],
        0x0002_0001
    );
    assert_eq!(
        i64s(i64x2_sub(i64x2_splat(i64::MIN as u64), i64x2_splat(1)))[0],
        i64::MAX
    );
}

#[test]
fn q15mulr_saturates_only_min_times_min() {
    let a = v128([-32768i16, 16384, -16384, 32767, 1, -1, 3, 0x4000]);
    let b = v128([-32768i16, 16384, 16384, 32767, 1, -1, -16384, 1]);
    // -32768 * -32768 = 2^30; (2^30 + 2^14) >> 15 = 32768, saturated to 32767.
    // 16384^2 = 2^28 -> (2^28 + 2^14) >> 15 = 8192.
    // -2^28 -> (-2^28 + 2^14) >> 15 = floor(-8191.5) = -8192.
    // 32767^2 = 1073676289; + 16384 = 1073692673; >> 15 = 32766.
    // 1 * 1 = 1 -> (1 + 16384) >> 15 = 0; -1 * -1 likewise 0.
    // 3 * -16384 = -49152; + 16384 = -32768; >> 15 = -1.
    // 16384 * 1 = 16384; + 16384 = 32768; >> 15 = 1.
    assert_eq!(
        i16s(i16x8_q15mulr_sat_s(a, b)),
        [32767, 8192, -8192, 32766, 0, 0, -1, 1]
    );
    assert_eq!(
        i16s(i16x8_relaxed_q15mulr_s(a, b)),
        i16s(i16x8_q15mulr_sat_s(a, b))
    );
}

#[test]
fn avgr_rounds_up_without_overflow() {
    let a = v128([255u8, 0, 1, 254, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = v128([255u8, 0, 2, 255, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(u8s(i8x16_avgr_u(a, b))[..6], [255, 0, 2, 255, 4, 1]);
    let a = v128([65535u16, 65534, 1, 0, 0, 0, 0, 0]);
    let b = v128([65535u16, 65535, 2, 0, 0, 0, 0, 0]);
    assert_eq!(u16s(i16x8_avgr_u(a, b))[..3], [65535, 65535, 2]);
}

#[test]
fn abs_and_neg_wrap_at_min() {
    let a = v128([-128i8, -1, 5, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(i8s(i8x16_abs(a))[..4], [-128, 1, 5, 127]);
    assert_eq!(i8s(i8x16_neg(a))[..4], [-128, 1, -5, -127]);
    assert_eq!(i16s(i16x8_abs(i16x8_splat(0x8000)))[0], i16::MIN);
    assert_eq!(
        i32s(i32x4_abs(v128([i32::MIN, -7, 7, 0]))),
        [i32::MIN, 7, 7, 0]
    );
    assert_eq!(
        i32s(i32x4_neg(v128([i32::MIN, -7, 7, 0]))),
        [i32::MIN, 7, -7, 0]
    );
    assert_eq!(i64s(i64x2_abs(v128([i64::MIN, -3]))), [i64::MIN, 3]);
    assert_eq!(i64s(i64x2_neg(v128([i64::MIN, -3]))), [i64::MIN, 3]);
}

#[test]
fn shifts_take_count_modulo_lane_width() {
    let a = v128([-128i8, 64, 1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // 9 % 8 = 1.
    assert_eq!(i8s(i8x16_shl(a, 9))[..4], [0, -128, 2, -2]);
    assert_eq!(i8s(i8x16_shr_s(a, 9))[..4], [-64, 32, 0, -1]);
    assert_eq!(u8s(i8x16_shr_u(a, 9))[..4], [64, 32, 0, 127]);
    // 8 % 8 = 0: unchanged.
    assert_eq!(i8x16_shl(a, 8), a);
    assert_eq!(i8x16_shr_s(a, 8), a);
    // A "negative" i32 count: -1 as u32 = 0xffff_ffff, % 8 = 7.
    assert_eq!(u8s(i8x16_shr_u(a, -1i32 as u32))[..4], [1, 0, 0, 1]);
    assert_eq!(i8s(i8x16_shr_s(a, -1i32 as u32))[..4], [-1, 0, 0, -1]);
    assert_eq!(u8s(i8x16_shl(a, -1i32 as u32))[..4], [0, 0, 128, 128]);

    let a = v128([i16::MIN, 1, -2, 0, 0, 0, 0, 0]);
    // 17 % 16 = 1.
    assert_eq!(i16s(i16x8_shr_s(a, 17))[..3], [-16384, 0, -1]);
    assert_eq!(u16s(i16x8_shr_u(a, 17))[..3], [16384, 0, 32767]);
    assert_eq!(i16s(i16x8_shl(a, 16))[..3], [i16::MIN, 1, -2]);
    assert_eq!(i16s(i16x8_shl(a, 31))[..3], [0, i16::MIN, 0]);

    let a = v128([i32::MIN, 1, -1, 6]);
    assert_eq!(i32s(i32x4_shl(a, 32)), [i32::MIN, 1, -1, 6]);
    assert_eq!(i32s(i32x4_shr_s(a, 33)), [-(1 << 30), 0, -1, 3]);
    assert_eq!(u32s(i32x4_shr_u(a, 63)), [1, 0, 1, 0]);
    assert_eq!(u32s(i32x4_shr_u(a, -1i32 as u32)), [1, 0, 1, 0]);

    let a = v128([i64::MIN, -8]);
    assert_eq!(i64s(i64x2_shr_s(a, 64 + 2)), [i64::MIN / 4, -2]);
    assert_eq!(u64s(i64x2_shr_u(a, 127)), [1, 1]);
    assert_eq!(u64s(i64x2_shl(a, 65)), [0, (-16i64) as u64]);
}

#[test]
fn swizzle_gives_zero_for_out_of_range_indices() {
    let a = v128(core::array::from_fn::<u8, 16, _>(|i| 0xa0 + i as u8));
    let s = v128([15u8, 0, 16, 255, 128, 1, 17, 3, 0, 0, 0, 0, 0, 0, 0, 31]);
    let r = u8s(i8x16_swizzle(a, s));
    assert_eq!(r[..8], [0xaf, 0xa0, 0, 0, 0, 0xa1, 0, 0xa3]);
    assert_eq!(r[15], 0);
    assert_eq!(i8x16_relaxed_swizzle(a, s), i8x16_swizzle(a, s));
}

#[test]
fn shuffle_picks_from_both_operands() {
    let a = v128(core::array::from_fn::<u8, 16, _>(|i| i as u8));
    let b = v128(core::array::from_fn::<u8, 16, _>(|i| 0x10 + i as u8 + 0x80));
    let idx = [0, 16, 1, 17, 15, 31, 30, 14, 5, 5, 20, 20, 8, 24, 0, 31];
    assert_eq!(
        u8s(i8x16_shuffle(a, b, idx)),
        [0, 0x90, 1, 0x91, 15, 0x9f, 0x9e, 14, 5, 5, 0x94, 0x94, 8, 0x98, 0, 0x9f]
    );
    let identity: [u8; 16] = core::array::from_fn(|i| i as u8);
    assert_eq!(i8x16_shuffle(a, b, identity), a);
    assert_eq!(i8x16_shuffle(a, b, identity.map(|i| i + 16)), b);
}

#[test]
fn bitmask_all_true_any_true() {
    let a = v128([-1i8, 1, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127]);
    assert_eq!(i8x16_bitmask(a), 0b101);
    assert_eq!(i8x16_bitmask(from_int(u128::MAX)), 0xffff);
    assert_eq!(i8x16_bitmask(from_int(1 << 127)), 0x8000);
    assert_eq!(
        i16x8_bitmask(v128([0i16, -1, 0, 0, 0, 0, 0, i16::MIN])),
        0b1000_0010
    );
    assert_eq!(i32x4_bitmask(v128([-1i32, 0, i32::MAX, i32::MIN])), 0b1001);
    assert_eq!(i64x2_bitmask(v128([1i64, -1])), 0b10);

    assert_eq!(v128_any_true(V128Bits::ZERO), 0);
    assert_eq!(v128_any_true(from_int(1 << 100)), 1);
    assert_eq!(v128_any_true(from_int(1 << 3)), 1);

    assert_eq!(i8x16_all_true(i8x16_splat(1)), 1);
    assert_eq!(
        i8x16_all_true(from_int(int(i8x16_splat(1)) & !(0xff << 72))),
        0
    );
    // Each 16-bit lane is 0x0100: non-zero, though every other byte is zero.
    assert_eq!(i16x8_all_true(i16x8_splat(0x0100)), 1);
    assert_eq!(i8x16_all_true(i16x8_splat(0x0100)), 0);
    assert_eq!(i32x4_all_true(v128([1u32, 2, 3, 0])), 0);
    assert_eq!(i32x4_all_true(v128([1u32, 2, 3, 0x8000_0000])), 1);
    assert_eq!(i64x2_all_true(v128([0u64, 1 << 63])), 0);
    assert_eq!(i64x2_all_true(v128([1u64, 1 << 63])), 1);
}

#[test]
fn popcnt_per_byte() {
    let a = v128([
        0u8, 1, 3, 0xff, 0x80, 0x55, 0xf0, 7, 0, 0, 0, 0, 0, 0, 0, 0xfe,
    ]);
    assert_eq!(
        u8s(i8x16_popcnt(a)),
        [0, 1, 2, 8, 1, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 7]
    );
}

#[test]
fn bitwise_and_bitselect() {
    // The same pattern in both 64-bit halves.
    let both = |x: u128| from_int(x << 64 | x);
    let (a, b) = (both(0xff00_ff00), both(0x0ff0_0ff0));
    assert_eq!(v128_and(a, b), both(0x0f00_0f00));
    assert_eq!(v128_or(a, b), both(0xfff0_fff0));
    assert_eq!(v128_xor(a, b), both(0xf0f0_f0f0));
    assert_eq!(v128_andnot(a, b), both(0xf000_f000));
    assert_eq!(int(v128_not(V128Bits::ZERO)), u128::MAX);
    assert_eq!(int(v128_not(from_int(1 << 64))), !(1 << 64));
    // Bits from the first operand where the mask is 1.
    assert_eq!(
        v128_bitselect(both(0xaaaa), both(0x5555), both(0xff00)),
        both(0xaa55)
    );
}

#[test]
fn min_max_and_compare_signedness() {
    let a = v128([-1i8, 5, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = v128([1i8, 4, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(i8s(i8x16_min_s(a, b))[..3], [-1, 4, -128]);
    assert_eq!(u8s(i8x16_min_u(a, b))[..3], [1, 4, 127]);
    assert_eq!(i8s(i8x16_max_s(a, b))[..3], [1, 5, 127]);
    assert_eq!(u8s(i8x16_max_u(a, b))[..3], [255, 5, 128]);
    assert_eq!(u8s(i8x16_lt_s(a, b))[..4], [0xff, 0, 0xff, 0]);
    assert_eq!(u8s(i8x16_lt_u(a, b))[..4], [0, 0, 0, 0]);
    assert_eq!(u8s(i8x16_ge_u(a, b))[..4], [0xff, 0xff, 0xff, 0xff]);
    assert_eq!(u8s(i8x16_le_s(a, b))[..4], [0xff, 0, 0xff, 0xff]);
    assert_eq!(u8s(i8x16_eq(a, b))[..4], [0, 0, 0, 0xff]);
    assert_eq!(u8s(i8x16_ne(a, b))[..4], [0xff, 0xff, 0xff, 0]);

    let a = v128([-1i16, 2, 0, 0, 0, 0, 0, 0]);
    let b = v128([1i16, 2, 0, 0, 0, 0, 0, 0]);
    assert_eq!(u16s(i16x8_gt_u(a, b))[..2], [0xffff, 0]);
    assert_eq!(u16s(i16x8_gt_s(a, b))[..2], [0, 0]);
    assert_eq!(u16s(i16x8_min_u(a, b))[0], 1);
    assert_eq!(i16s(i16x8_min_s(a, b))[0], -1);

    let a = v128([-1i32, 0, i32::MAX, 7]);
    let b = v128([0i32, -1, i32::MIN, 7]);
    assert_eq!(u32s(i32x4_lt_s(a, b)), [u32::MAX, 0, 0, 0]);
    assert_eq!(u32s(i32x4_lt_u(a, b)), [0, u32::MAX, u32::MAX, 0]);
    assert_eq!(u32s(i32x4_ge_s(a, b)), [0, u32::MAX, u32::MAX, u32::MAX]);
    assert_eq!(i32s(i32x4_max_u(a, b)), [-1, -1, i32::MIN, 7]);

    let a = v128([i64::MIN, 3]);
    let b = v128([i64::MAX, 3]);
    assert_eq!(u64s(i64x2_lt_s(a, b)), [u64::MAX, 0]);
    assert_eq!(u64s(i64x2_le_s(a, b)), [u64::MAX, u64::MAX]);
    assert_eq!(u64s(i64x2_gt_s(b, a)), [u64::MAX, 0]);
    assert_eq!(u64s(i64x2_ne(a, b)), [u64::MAX, 0]);
}

#[test]
fn narrow_saturates_signed_input() {
    let a = v128([-129i16, -128, 127, 128, 300, -300, 0, 255]);
    let b = v128([32767i16, -32768, 1, -1, 0, 0, 0, 0]);
    assert_eq!(
        i8s(i8x16_narrow_i16x8_s(a, b)),
        [-128, -128, 127, 127, 127, -128, 0, 127, 127, -128, 1, -1, 0, 0, 0, 0]
    );
    // Input lanes are signed: -1 (0xffff) narrows to 0, not 255.
    assert_eq!(
        u8s(i8x16_narrow_i16x8_u(a, b)),
        [0, 0, 127, 128, 255, 0, 0, 255, 255, 0, 1, 0, 0, 0, 0, 0]
    );
    let a = v128([70000i32, -70000, 40000, -1]);
    let b = v128([32768i32, -32769, 65535, 65536]);
    assert_eq!(
        i16s(i16x8_narrow_i32x4_s(a, b)),
        [32767, -32768, 32767, -1, 32767, -32768, 32767, 32767]
    );
    assert_eq!(
        u16s(i16x8_narrow_i32x4_u(a, b)),
        [65535, 0, 40000, 0, 32768, 0, 65535, 65535]
    );
}

#[test]
fn extend_extmul_extadd_dot() {
    let a = v128([-1i8, 2, -128, 127, 0, 0, 0, 5, -2, 0, 0, 0, 0, 0, 0, -3]);
    assert_eq!(
        i16s(i16x8_extend_low_i8x16_s(a)),
        [-1, 2, -128, 127, 0, 0, 0, 5]
    );
    assert_eq!(
        u16s(i16x8_extend_low_i8x16_u(a)),
        [255, 2, 128, 127, 0, 0, 0, 5]
    );
    assert_eq!(
        i16s(i16x8_extend_high_i8x16_s(a)),
        [-2, 0, 0, 0, 0, 0, 0, -3]
    );
    assert_eq!(
        u16s(i16x8_extend_high_i8x16_u(a)),
        [254, 0, 0, 0, 0, 0, 0, 253]
    );
    let w = v128([-1i16, 2, 3, -4, i16::MIN, 0, 0, -1]);
    assert_eq!(i32s(i32x4_extend_low_i16x8_s(w)), [-1, 2, 3, -4]);
    assert_eq!(u32s(i32x4_extend_high_i16x8_u(w)), [32768, 0, 0, 65535]);
    let d = v128([-1i32, 5, i32::MIN, -2]);
    assert_eq!(i64s(i64x2_extend_low_i32x4_s(d)), [-1, 5]);
    assert_eq!(
        u64s(i64x2_extend_high_i32x4_u(d)),
        [0x8000_0000, 0xffff_fffe]
    );
    assert_eq!(i64s(i64x2_extend_high_i32x4_s(d)), [i32::MIN as i64, -2]);

    // extmul.
    assert_eq!(
        i16s(i16x8_extmul_low_i8x16_s(a, a))[..4],
        [1, 4, 16384, 16129]
    );
    assert_eq!(
        u16s(i16x8_extmul_low_i8x16_u(a, a))[..4],
        [65025, 4, 16384, 16129]
    );
    assert_eq!(i16s(i16x8_extmul_high_i8x16_s(a, a))[..1], [4]);
    assert_eq!(u16s(i16x8_extmul_high_i8x16_u(a, a))[7], 253 * 253);
    assert_eq!(i32s(i32x4_extmul_low_i16x8_s(w, w)), [1, 4, 9, 16]);
    assert_eq!(i32s(i32x4_extmul_high_i16x8_s(w, w))[0], 1 << 30);
    assert_eq!(
        u32s(i32x4_extmul_high_i16x8_u(w, w)),
        [1 << 30, 0, 0, 0xfffe_0001]
    );
    assert_eq!(u32s(i32x4_extmul_low_i16x8_u(w, w))[0], 0xfffe_0001);
    assert_eq!(i64s(i64x2_extmul_high_i32x4_s(d, d)), [1 << 62, 4]);
    assert_eq!(
        u64s(i64x2_extmul_high_i32x4_u(d, d)),
        [1 << 62, 0xffff_fffc_0000_0004]
    );
    assert_eq!(i64s(i64x2_extmul_low_i32x4_s(d, d)), [1, 25]);
    assert_eq!(
        u64s(i64x2_extmul_low_i32x4_u(d, d)),
        [0xffff_fffe_0000_0001, 25]
    );

    // extadd_pairwise.
    let p = v128([
        -128i8, -128, 127, 127, -1, 1, 5, 6, 0, 0, 0, 0, 0, 0, -1, -1,
    ]);
    assert_eq!(
        i16s(i16x8_extadd_pairwise_i8x16_s(p)),
        [-256, 254, 0, 11, 0, 0, 0, -2]
    );
    assert_eq!(
        u16s(i16x8_extadd_pairwise_i8x16_u(p)),
        [256, 254, 256, 11, 0, 0, 0, 510]
    );
    let q = v128([i16::MIN, i16::MIN, -1, -1, 32767, 32767, 1, -2]);
    assert_eq!(
        i32s(i32x4_extadd_pairwise_i16x8_s(q)),
        [-65536, -2, 65534, -1]
    );
    assert_eq!(
        u32s(i32x4_extadd_pairwise_i16x8_u(q)),
        [65536, 131070, 65534, 65535]
    );

    // dot: pairs of i32 products, added with wrapping.
    let x = v128([1i16, 2, 3, 4, i16::MIN, i16::MIN, -5, 7]);
    let y = v128([5i16, 6, -7, 8, i16::MIN, i16::MIN, 3, 2]);
    // 5 + 12 = 17; -21 + 32 = 11; 2^30 + 2^30 = 2^31 wraps to i32::MIN; -15 + 14 = -1.
    assert_eq!(i32s(i32x4_dot_i16x8_s(x, y)), [17, 11, i32::MIN, -1]);
}

#[test]
fn splat_extract_replace_use_cells() {
    // Splats read only the low lane-width bits of the cell.
    assert_eq!(
        int(i8x16_splat(0x1234_5678_9abc_de80)),
        0x8080_8080_8080_8080_8080_8080_8080_8080
    );
    assert_eq!(
        int(i16x8_splat(0xffff_1234)),
        0x1234_1234_1234_1234_1234_1234_1234_1234
    );
    assert_eq!(
        int(i32x4_splat(0xdead_beef_0000_0001)),
        0x0000_0001_0000_0001_0000_0001_0000_0001
    );
    assert_eq!(u64s(i64x2_splat(u64::MAX - 1)), [u64::MAX - 1; 2]);
    assert_eq!(f32s(f32x4_splat(1.5f32.to_bits() as u64)), [1.5; 4]);
    assert_eq!(f64s(f64x2_splat((-2.25f64).to_bits())), [-2.25; 2]);

    let v = v128([0x80u8, 0x7f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81]);
    assert_eq!(i8x16_extract_lane_s(v, 0), 0xffff_ff80);
    assert_eq!(i8x16_extract_lane_u(v, 0), 0x80);
    assert_eq!(i8x16_extract_lane_s(v, 1), 0x7f);
    assert_eq!(i8x16_extract_lane_s(v, 2), 0xffff_ffff);
    assert_eq!(i8x16_extract_lane_u(v, 15), 0x81);
    let w = v128([0u16, 0x8001, 0, 0, 0, 0, 0, 0x7fff]);
    assert_eq!(i16x8_extract_lane_s(w, 1), 0xffff_8001);
    assert_eq!(i16x8_extract_lane_u(w, 1), 0x8001);
    assert_eq!(i16x8_extract_lane_s(w, 7), 0x7fff);
    let d = v128([1u32, 0xffff_ffff, 3, 4]);
    assert_eq!(i32x4_extract_lane(d, 1), 0xffff_ffff);
    assert_eq!(i32x4_extract_lane(d, 3), 4);
    assert_eq!(i64x2_extract_lane(v128([5u64, u64::MAX]), 1), u64::MAX);
    let f = v128([0.0f32, -1.0, 0.0, 0.0]);
    assert_eq!(f32x4_extract_lane(f, 1), 0xbf80_0000);
    assert_eq!(
        f64x2_extract_lane(v128([0.0f64, -0.0]), 1),
        0x8000_0000_0000_0000
    );

    // Replacement takes the low lane-width bits of the cell and keeps the rest.
    let r = i8x16_replace_lane(from_int(u128::MAX), 0x1234, 3);
    assert_eq!(u8s(r)[2..5], [0xff, 0x34, 0xff]);
    assert_eq!(int(r) | (0xff << 24), u128::MAX);
    let r = i16x8_replace_lane(V128Bits::ZERO, 0xabcd_ef01, 7);
    assert_eq!(int(r), 0xef01 << 112);
    let r = i32x4_replace_lane(d, 0xffff_ffff_0000_0009, 2);
    assert_eq!(u32s(r), [1, 0xffff_ffff, 9, 4]);
    assert_eq!(u64s(i64x2_replace_lane(V128Bits::ZERO, 7, 0)), [7, 0]);
    let r = f32x4_replace_lane(f, 2.5f32.to_bits() as u64, 0);
    assert_eq!(f32s(r), [2.5, -1.0, 0.0, 0.0]);
    let r = f64x2_replace_lane(V128Bits::ZERO, (-0.0f64).to_bits(), 1);
    assert_eq!(bits64(r), [0, 0x8000_0000_0000_0000]);
}

#[test]
fn load_extend_and_load_zero() {
    // Bytes 0x80, 0x01, 0xff, 0x7f, 0, 0, 0, 0xfe (lowest byte first).
    let x = 0xfe00_0000_7fff_0180u64;
    assert_eq!(i16s(v128_load8x8_s(x)), [-128, 1, -1, 127, 0, 0, 0, -2]);
    assert_eq!(u16s(v128_load8x8_u(x)), [128, 1, 255, 127, 0, 0, 0, 254]);
    assert_eq!(i32s(v128_load16x4_s(x)), [0x0180, 0x7fff, 0, -512]);
    assert_eq!(u32s(v128_load16x4_u(x)), [0x0180, 0x7fff, 0, 0xfe00]);
    assert_eq!(i64s(v128_load32x2_s(x)), [0x7fff_0180, -0x0200_0000]);
    assert_eq!(u64s(v128_load32x2_u(x)), [0x7fff_0180, 0xfe00_0000]);
    assert_eq!(int(v128_load32_zero(0xffff_ffff_1234_5678)), 0x1234_5678);
    assert_eq!(int(v128_load64_zero(u64::MAX)), u64::MAX as u128);
}

#[test]
fn float_min_max_zero_order_and_nan() {
    let a = v128([-0.0f32, 0.0, f32::NAN, 1.0]);
    let b = v128([0.0f32, -0.0, 1.0, f32::NAN]);
    let min = bits32(f32x4_min(a, b));
    let max = bits32(f32x4_max(a, b));
    assert_eq!(min[..2], [0x8000_0000, 0x8000_0000]);
    assert_eq!(max[..2], [0, 0]);
    for r in [min[2], min[3], max[2], max[3]] {
        assert!(f32::from_bits(r).is_nan() && r & 0x0040_0000 != 0, "{r:#x}");
    }
    // A signalling NaN operand still gives a (quiet) NaN.
    let s = v128([f32::from_bits(SNAN32), 2.0, -1.0, 3.0]);
    let t = v128([0.0f32, -3.0, -2.0, 3.0]);
    let r = f32s(f32x4_min(s, t));
    assert!(r[0].is_nan());
    assert_eq!(r[1..], [-3.0, -2.0, 3.0]);
    assert_eq!(f32s(f32x4_max(s, t))[1..], [2.0, -1.0, 3.0]);

    let a = v128([-0.0f64, f64::NAN]);
    let b = v128([0.0f64, -5.0]);
    let min = bits64(f64x2_min(a, b));
    let max = bits64(f64x2_max(a, b));
    assert_eq!([min[0], max[0]], [0x8000_0000_0000_0000, 0]);
    assert!(f64::from_bits(min[1]).is_nan() && f64::from_bits(max[1]).is_nan());
    assert_eq!(f64s(f64x2_min(b, b)), [0.0, -5.0]);
}

#[test]
fn pmin_pmax_follow_the_comparison() {
    let nan = f32::from_bits(0x7fc0_1234);
    let a = v128([nan, 1.0, -0.0, 0.0]);
    let b = v128([1.0f32, nan, 0.0, -0.0]);
    // pmin(a, b) = b < a ? b : a; every comparison with a NaN is false, so the
    // first operand comes back; equal zeros give the first operand too.
    let r = bits32(f32x4_pmin(a, b));
    assert_eq!(r, [0x7fc0_1234, 1.0f32.to_bits(), 0x8000_0000, 0]);
    let r = bits32(f32x4_pmax(a, b));
    assert_eq!(r, [0x7fc0_1234, 1.0f32.to_bits(), 0x8000_0000, 0]);
    let r = bits32(f32x4_pmin(b, a));
    assert_eq!(r, [1.0f32.to_bits(), 0x7fc0_1234, 0, 0x8000_0000]);
    assert_eq!(
        f32s(f32x4_pmin(
            v128([3.0f32, -1.0, 2.0, 2.0]),
            v128([2.0f32, 5.0, 2.0, 9.0])
        )),
        [2.0, -1.0, 2.0, 2.0]
    );
    assert_eq!(
        f32s(f32x4_pmax(
            v128([3.0f32, -1.0, 2.0, 2.0]),
            v128([2.0f32, 5.0, 2.0, 9.0])
        )),
        [3.0, 5.0, 2.0, 9.0]
    );

    let nan = f64::from_bits(0x7ff8_0000_0000_0042);
    let r = bits64(f64x2_pmin(v128([nan, 4.0]), v128([1.0f64, nan])));
    assert_eq!(r, [0x7ff8_0000_0000_0042, 4.0f64.to_bits()]);
    let r = bits64(f64x2_pmax(v128([2.0f64, 1.0]), v128([nan, 3.0])));
    assert_eq!(r, [2.0f64.to_bits(), 3.0f64.to_bits()]);
}

#[test]
fn rounding() {
    let r = f32s(f32x4_nearest(v128([0.5f32, 1.5, 2.5, -0.5])));
    assert_eq!(r, [0.0, 2.0, 2.0, -0.0]);
    assert_eq!(
        bits32(f32x4_nearest(v128([-0.5f32, 0.5, -1.5, 3.5])))[0],
        0x8000_0000
    );
    assert_eq!(
        f32s(f32x4_nearest(v128([-1.5f32, 3.5, -2.5, 8388609.0]))),
        [-2.0, 4.0, -2.0, 8388609.0]
    );
    assert_eq!(f64s(f64x2_nearest(v128([2.5f64, -0.5]))), [2.0, -0.0]);
    assert_eq!(
        bits64(f64x2_nearest(v128([-0.5f64, 0.5]))),
        [0x8000_0000_0000_0000, 0]
    );

    let a = v128([-1.5f32, 1.5, -0.25, 0.25]);
    assert_eq!(f32s(f32x4_ceil(a)), [-1.0, 2.0, -0.0, 1.0]);
    assert_eq!(bits32(f32x4_ceil(a))[2], 0x8000_0000);
    assert_eq!(f32s(f32x4_floor(a)), [-2.0, 1.0, -1.0, 0.0]);
    assert_eq!(f32s(f32x4_trunc(a)), [-1.0, 1.0, -0.0, 0.0]);
    assert_eq!(bits32(f32x4_trunc(a))[2], 0x8000_0000);
    let a = v128([-1.5f64, 2.7]);
    assert_eq!(f64s(f64x2_ceil(a)), [-1.0, 3.0]);
    assert_eq!(f64s(f64x2_floor(a)), [-2.0, 2.0]);
    assert_eq!(f64s(f64x2_trunc(a)), [-1.0, 2.0]);

    // A signalling NaN comes out quiet, payload and sign kept.
    let nan = v128([SNAN32, SNAN32 | 0x8000_0000, 0x7fc0_0005, 0x7f80_0001]);
    let quiet = [0x7fc0_0001, 0xffc0_0001, 0x7fc0_0005, 0x7fc0_0001];
    assert_eq!(bits32(f32x4_ceil(nan)), quiet);
    assert_eq!(bits32(f32x4_floor(nan)), quiet);
    assert_eq!(bits32(f32x4_trunc(nan)), quiet);
    assert_eq!(bits32(f32x4_nearest(nan)), quiet);
    let nan = v128([SNAN64, SNAN64 | (1 << 63)]);
    let quiet = [0x7ff8_0000_0000_0001, 0xfff8_0000_0000_0001];
    assert_eq!(bits64(f64x2_ceil(nan)), quiet);
    assert_eq!(bits64(f64x2_floor(nan)), quiet);
    assert_eq!(bits64(f64x2_trunc(nan)), quiet);
    assert_eq!(bits64(f64x2_nearest(nan)), quiet);
}

#[test]
fn float_arith_abs_neg_compare() {
    let a = v128([1.0f32, -2.0, 0.1, 4.0]);
    let b = v128([2.0f32, 0.5, 0.2, 0.0]);
    assert_eq!(f32s(f32x4_add(a, b)), [3.0, -1.5, 0.3, 4.0]);
    assert_eq!(f32s(f32x4_sub(a, b)), [-1.0, -2.5, -0.1, 4.0]);
    assert_eq!(f32s(f32x4_mul(a, b)), [2.0, -1.0, 0.020000001, 0.0]);
    assert_eq!(f32s(f32x4_div(a, b)), [0.5, -4.0, 0.5, f32::INFINITY]);
    assert_eq!(
        f32s(f32x4_sqrt(v128([4.0f32, 2.0, 0.0, -0.0]))),
        [2.0, core::f32::consts::SQRT_2, 0.0, -0.0]
    );
    assert!(f32s(f32x4_sqrt(v128([-1.0f32; 4])))[0].is_nan());
    assert_eq!(
        f64s(f64x2_div(v128([1.0f64, -1.0]), v128([0.0f64, 0.0]))),
        [f64::INFINITY, f64::NEG_INFINITY]
    );
    assert_eq!(
        f64s(f64x2_add(v128([0.1f64, 1e308]), v128([0.2f64, 1e308]))),
        [0.30000000000000004, f64::INFINITY]
    );
    assert_eq!(
        f64s(f64x2_sqrt(v128([9.0f64, 2.0]))),
        [3.0, core::f64::consts::SQRT_2]
    );

    // abs and neg touch only the sign bit, even of a signalling NaN.
    let n = v128([SNAN32 | 0x8000_0000, SNAN32, 0x8000_0000, 0x3f80_0000]);
    assert_eq!(bits32(f32x4_abs(n)), [SNAN32, SNAN32, 0, 0x3f80_0000]);
    assert_eq!(
        bits32(f32x4_neg(n)),
        [SNAN32, SNAN32 | 0x8000_0000, 0, 0xbf80_0000]
    );
    let n = v128([SNAN64, 1 << 63]);
    assert_eq!(bits64(f64x2_neg(n)), [SNAN64 | (1 << 63), 0]);
    assert_eq!(bits64(f64x2_abs(f64x2_neg(n))), [SNAN64, 0]);

    let a = v128([f32::NAN, 0.0, 1.0, 2.0]);
    let b = v128([f32::NAN, -0.0, 2.0, 1.0]);
    assert_eq!(u32s(f32x4_eq(a, b)), [0, u32::MAX, 0, 0]);
    assert_eq!(u32s(f32x4_ne(a, b)), [u32::MAX, 0, u32::MAX, u32::MAX]);
    assert_eq!(u32s(f32x4_lt(a, b)), [0, 0, u32::MAX, 0]);
    assert_eq!(u32s(f32x4_le(a, b)), [0, u32::MAX, u32::MAX, 0]);
    assert_eq!(u32s(f32x4_gt(a, b)), [0, 0, 0, u32::MAX]);
    assert_eq!(u32s(f32x4_ge(a, b)), [0, u32::MAX, 0, u32::MAX]);
    let a = v128([f64::NAN, -1.0]);
    let b = v128([1.0f64, -1.0]);
    assert_eq!(u64s(f64x2_eq(a, b)), [0, u64::MAX]);
    assert_eq!(u64s(f64x2_ne(a, b)), [u64::MAX, 0]);
    assert_eq!(u64s(f64x2_lt(a, b)), [0, 0]);
    assert_eq!(u64s(f64x2_ge(a, b)), [0, u64::MAX]);
    assert_eq!(u64s(f64x2_le(a, b)), [0, u64::MAX]);
    assert_eq!(
        u64s(f64x2_gt(b, v128([0.5f64, -2.0]))),
        [u64::MAX, u64::MAX]
    );
}

#[test]
fn trunc_sat_nan_inf_and_out_of_range() {
    let a = v128([f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 3e9]);
    assert_eq!(
        i32s(i32x4_trunc_sat_f32x4_s(a)),
        [0, i32::MAX, i32::MIN, i32::MAX]
    );
    assert_eq!(
        u32s(i32x4_trunc_sat_f32x4_u(a)),
        [0, u32::MAX, 0, 3_000_000_000]
    );
    let a = v128([-1.9f32, 1.9, -3e9, 5e9]);
    assert_eq!(
        i32s(i32x4_trunc_sat_f32x4_s(a)),
        [-1, 1, i32::MIN, i32::MAX]
    );
    assert_eq!(u32s(i32x4_trunc_sat_f32x4_u(a)), [0, 1, 0, u32::MAX]);
    // -0.9 truncates to -0, which is in range for unsigned: 0.
    assert_eq!(
        u32s(i32x4_trunc_sat_f32x4_u(v128([
            -0.9f32,
            2147483648.0,
            4294967040.0,
            4294967296.0
        ]))),
        [0, 2147483648, 4294967040, u32::MAX]
    );

    let a = v128([f64::NAN, -2147483648.9]);
    assert_eq!(i32s(i32x4_trunc_sat_f64x2_s_zero(a)), [0, i32::MIN, 0, 0]);
    assert_eq!(u32s(i32x4_trunc_sat_f64x2_u_zero(a)), [0, 0, 0, 0]);
    let a = v128([2147483647.9f64, -2147483649.0]);
    assert_eq!(
        i32s(i32x4_trunc_sat_f64x2_s_zero(a)),
        [i32::MAX, i32::MIN, 0, 0]
    );
    let a = v128([4294967295.9f64, f64::INFINITY]);
    assert_eq!(
        u32s(i32x4_trunc_sat_f64x2_u_zero(a)),
        [u32::MAX, u32::MAX, 0, 0]
    );
    assert_eq!(
        i32s(i32x4_trunc_sat_f64x2_s_zero(v128([
            f64::NEG_INFINITY,
            1e10
        ]))),
        [i32::MIN, i32::MAX, 0, 0]
    );
}

#[test]
fn int_to_float_conversions() {
    let a = v128([0xffff_ffffu32, 0x8000_0000, 16777217, 1]);
    // 2^32 - 1 rounds to 2^32; 2^24 + 1 is a tie and rounds to even 2^24.
    assert_eq!(
        f32s(f32x4_convert_i32x4_u(a)),
        [4294967296.0, 2147483648.0, 16777216.0, 1.0]
    );
    assert_eq!(
        f32s(f32x4_convert_i32x4_s(a)),
        [-1.0, -2147483648.0, 16777216.0, 1.0]
    );
    // 2^24 + 3 is a tie between 2^24 + 2 and 2^24 + 4: the even significand.
    assert_eq!(
        f32s(f32x4_convert_i32x4_s(v128([16777219i32, -16777219, 0, 0])))[..2],
        [16777220.0, -16777220.0]
    );
    let a = v128([-1i32, 0x7fff_ffff, 99, 99]);
    assert_eq!(f64s(f64x2_convert_low_i32x4_s(a)), [-1.0, 2147483647.0]);
    assert_eq!(
        f64s(f64x2_convert_low_i32x4_u(a)),
        [4294967295.0, 2147483647.0]
    );
}

#[test]
fn demote_and_promote() {
    // 1 + 2^-24 is a tie between 1 and 1 + 2^-23: rounds to even 1.
    let a = v128([1.0f64 + f64::EPSILON * (1u64 << 28) as f64, 1e300]);
    let r = u32s(f32x4_demote_f64x2_zero(a));
    assert_eq!(r, [1.0f32.to_bits(), f32::INFINITY.to_bits(), 0, 0]);
    let a = v128([0.1f64, -1e-50]);
    let r = u32s(f32x4_demote_f64x2_zero(a));
    assert_eq!(r, [0x3dcc_cccd, 0x8000_0000, 0, 0]);
    // NaNs: quiet, sign and top payload bits kept.
    let a = v128([SNAN64 | (1 << 63) | (0x3 << 29), 0x7ff8_0000_0000_0000]);
    let r = u32s(f32x4_demote_f64x2_zero(a));
    assert_eq!(r, [0xffc0_0003, 0x7fc0_0000, 0, 0]);
    assert!(f32::from_bits(r[0]).is_nan());

    let a = v128([0.1f32, -0.0, 7.0, 7.0]);
    assert_eq!(
        bits64(f64x2_promote_low_f32x4(a)),
        [0.1f32 as f64, -0.0f64].map(f64::to_bits)
    );
    assert_eq!(bits64(f64x2_promote_low_f32x4(a))[0], 0x3fb9_9999_a000_0000);
    let a = v128([SNAN32, 0xffc0_0002, 0, 0]);
    let r = bits64(f64x2_promote_low_f32x4(a));
    assert_eq!(r, [0x7ff8_0000_2000_0000, 0xfff8_0000_4000_0000]);
}

#[test]
fn relaxed_trunc_is_trunc_sat() {
    let a = v128([f32::NAN, 3e9, -3e9, -1.5]);
    assert_eq!(
        i32s(i32x4_relaxed_trunc_f32x4_s(a)),
        [0, i32::MAX, i32::MIN, -1]
    );
    assert_eq!(
        u32s(i32x4_relaxed_trunc_f32x4_u(a)),
        [0, 3_000_000_000, 0, 0]
    );
    let a = v128([f64::NAN, 5e9]);
    assert_eq!(
        i32s(i32x4_relaxed_trunc_f64x2_s_zero(a)),
        [0, i32::MAX, 0, 0]
    );
    assert_eq!(
        u32s(i32x4_relaxed_trunc_f64x2_u_zero(a)),
        [0, u32::MAX, 0, 0]
    );
    let a = v128([-7.9f64, 4294967295.0]);
    assert_eq!(
        u32s(i32x4_relaxed_trunc_f64x2_u_zero(a)),
        [0, u32::MAX, 0, 0]
    );
    assert_eq!(
        i32s(i32x4_relaxed_trunc_f64x2_s_zero(a)),
        [-7, i32::MAX, 0, 0]
    );
}

#[test]
fn relaxed_madd_is_unfused() {
    // The spec test suite's cases (relaxed_madd_nmadd.wast): fused gives the
    // first value, unfused (the deterministic profile) the second.
    let max = v128([f32::MAX; 4]);
    let two = v128([2.0f32; 4]);
    let neg_max = v128([-f32::MAX; 4]);
    // MAX * 2 overflows to inf before the add (fused would give MAX).
    assert_eq!(
        f32s(f32x4_relaxed_madd(max, two, neg_max)),
        [f32::INFINITY; 4]
    );
    // x = 1 + 2^-22, y = 1 + 2^-15, z = -(1 + 2^-15 + 2^-22): x * y rounds to
    // -z, so the unfused sum is 0 (fused would give 2^-37).
    let x = v128([f32::from_bits(0x3f80_0002); 4]);
    let y = v128([f32::from_bits(0x3f80_0100); 4]);
    let z = v128([f32::from_bits(0xbf80_0102); 4]);
    assert_eq!(bits32(f32x4_relaxed_madd(x, y, z)), [0; 4]);
    // nmadd(-x, y, z) = x * y + z, and nmadd(x, -y, z) likewise.
    assert_eq!(bits32(f32x4_relaxed_nmadd(f32x4_neg(x), y, z)), [0; 4]);
    assert_eq!(bits32(f32x4_relaxed_nmadd(x, f32x4_neg(y), z)), [0; 4]);
    assert_eq!(
        f32s(f32x4_relaxed_nmadd(
            v128([2.0f32, 1.0, 0.0, 3.0]),
            v128([3.0f32, 1.0, 5.0, 0.5]),
            v128([1.0f32, 1.0, 1.0, 0.0])
        )),
        [-5.0, 0.0, 1.0, -1.5]
    );

    let max = v128([f64::MAX; 2]);
    assert_eq!(
        f64s(f64x2_relaxed_madd(
            max,
            v128([2.0f64; 2]),
            v128([-f64::MAX; 2])
        )),
        [f64::INFINITY; 2]
    );
    // x = 1 + 2^-52, y = 1 - 2^-53 ... use x = y = 1 + 2^-30: x*y = 1 + 2^-29 + 2^-60,
    // which rounds to 1 + 2^-29; minus (1 + 2^-29) is 0 unfused, 2^-60 fused.
    let x = v128([1.0f64 + 2f64.powi(-30); 2]);
    let z = v128([-(1.0f64 + 2f64.powi(-29)); 2]);
    assert_eq!(bits64(f64x2_relaxed_madd(x, x, z)), [0; 2]);
    assert_eq!(bits64(f64x2_relaxed_nmadd(f64x2_neg(x), x, z)), [0; 2]);
    assert_eq!(
        f64s(f64x2_relaxed_nmadd(
            v128([2.0f64, -1.0]),
            v128([4.0f64, 4.0]),
            v128([1.0f64, 1.0])
        )),
        [-7.0, 5.0]
    );
}

#[test]
fn relaxed_laneselect_min_max_are_the_plain_ones() {
    let a = 0x1111_2222_3333_4444_5555_6666_7777_8888u128;
    let b = 0x9999_aaaa_bbbb_cccc_dddd_eeee_ffff_0000u128;
    // A mask mixing set and clear bits within a lane still selects bitwise.
    let m = 0x00ff_ff00_8000_0001_ffff_0000_0f0f_f0f0u128;
    let expected = from_int((a & m) | (b & !m));
    let (a, b, m) = (from_int(a), from_int(b), from_int(m));
    assert_eq!(i8x16_relaxed_laneselect(a, b, m), expected);
    assert_eq!(i16x8_relaxed_laneselect(a, b, m), expected);
    assert_eq!(i32x4_relaxed_laneselect(a, b, m), expected);
    assert_eq!(i64x2_relaxed_laneselect(a, b, m), expected);
    // Lane 1: (0x7777 & 0x0f0f) | (0xffff & !0x0f0f) = 0x0707 | 0xf0f0.
    assert_eq!(u16s(i16x8_relaxed_laneselect(a, b, m))[1], 0xf7f7);

    let x = v128([-0.0f32, f32::NAN, 1.0, 0.0]);
    let y = v128([0.0f32, 1.0, f32::NAN, -0.0]);
    let r = bits32(f32x4_relaxed_min(x, y));
    assert_eq!([r[0], r[3]], [0x8000_0000, 0x8000_0000]);
    assert!(f32::from_bits(r[1]).is_nan() && f32::from_bits(r[2]).is_nan());
    let r = bits32(f32x4_relaxed_max(x, y));
    assert_eq!([r[0], r[3]], [0, 0]);
    assert!(f32::from_bits(r[1]).is_nan() && f32::from_bits(r[2]).is_nan());
    let x = v128([0.0f64, f64::NAN]);
    let y = v128([-0.0f64, 3.0]);
    let r = bits64(f64x2_relaxed_min(x, y));
    assert_eq!(r[0], 0x8000_0000_0000_0000);
    assert!(f64::from_bits(r[1]).is_nan());
    let r = bits64(f64x2_relaxed_max(x, y));
    assert_eq!(r[0], 0);
    assert!(f64::from_bits(r[1]).is_nan());
}

#[test]
fn relaxed_dot_products() {
    // From the spec test suite (relaxed_dot_product.wast).
    let a = v128(core::array::from_fn::<i8, 16, _>(|i| i as i8));
    assert_eq!(
        i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, a)),
        [1, 13, 41, 85, 145, 221, 313, 421]
    );
    assert_eq!(
        i32s(i32x4_relaxed_dot_i8x16_i7x16_add_s(
            a,
            a,
            v128([0i32, 1, 2, 3])
        )),
        [14, 127, 368, 737]
    );
    let a = v128([-128i8, -128, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = v128([127i8, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b)),
        [-32512, 32258, 0, 0, 0, 0, 0, 0]
    );
    let a = v128([
        -128i8, -128, -128, -128, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    let b = v128([127i8; 16]);
    assert_eq!(
        i32s(i32x4_relaxed_dot_i8x16_i7x16_add_s(
            a,
            b,
            v128([1i32, 2, 3, 4])
        )),
        [-65023, 64518, 3, 4]
    );
    // Second operand outside i7, read as signed: -128 * -127 * 2 = 32512.
    let a = v128([-128i8, -128, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = v128([-127i8, -127, -127, -127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b))[..2],
        [32512, 32512]
    );
    assert_eq!(
        i32s(i32x4_relaxed_dot_i8x16_i7x16_add_s(
            a,
            b,
            v128([1i32, 2, 3, 4])
        )),
        [65025, 2, 3, 4]
    );
    // The one saturating pair: (-128 * -128) * 2 = 32768 becomes 32767, so the
    // i32 form sees 32767 + 32767 (the spec's ivdotsat).
    let m = v128([-128i8; 16]);
    assert_eq!(i16s(i16x8_relaxed_dot_i8x16_i7x16_s(m, m)), [32767; 8]);
    assert_eq!(
        i32s(i32x4_relaxed_dot_i8x16_i7x16_add_s(
            m,
            m,
            v128([0i32, 1, -65534, i32::MAX])
        )),
        [65534, 65535, 0, i32::MAX.wrapping_add(65534)]
    );
    // Mixed signs with the second operand in range.
    let a = v128([-3i8, 4, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = v128([5i8, 6, 100, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b))[..2], [9, 0]);
}
