// An image kernel written with wasm SIMD intrinsics (built with -msimd128):
// RGBA pixels to grey (weighted sum in 16-bit lanes), then a 3-tap box blur
// over each row and a brightness histogram. A scalar version of the same
// kernel runs beside it; the program prints both checksums and whether
// they agree, so a wrong SIMD result shows in the output.
#include <stdint.h>
#include <stdio.h>
#include <wasm_simd128.h>

#define W 256
#define H 64

static uint8_t rgba[H][W * 4];
static uint8_t grey_simd[H][W], grey_scalar[H][W];
static uint8_t blur_simd[H][W], blur_scalar[H][W];

static void fill(void) {
    uint32_t s = 2463534242u;
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W * 4; x++) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            rgba[y][x] = (uint8_t)s;
        }
    }
}

// grey = (77 r + 150 g + 29 b) >> 8, the usual integer weights.
static void grey_scalar_row(int y) {
    for (int x = 0; x < W; x++) {
        const uint8_t *p = &rgba[y][4 * x];
        grey_scalar[y][x] = (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8);
    }
}

static void grey_simd_row(int y) {
    for (int x = 0; x < W; x += 8) {
        // Eight pixels: split the channels with shuffles, widen to 16 bits.
        v128_t a = wasm_v128_load(&rgba[y][4 * x]);
        v128_t b = wasm_v128_load(&rgba[y][4 * x + 16]);
        v128_t r = wasm_i8x16_shuffle(a, b, 0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0);
        v128_t g = wasm_i8x16_shuffle(a, b, 1, 5, 9, 13, 17, 21, 25, 29, 0, 0, 0, 0, 0, 0, 0, 0);
        v128_t bl = wasm_i8x16_shuffle(a, b, 2, 6, 10, 14, 18, 22, 26, 30, 0, 0, 0, 0, 0, 0, 0, 0);
        v128_t sum = wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(r), wasm_i16x8_splat(77));
        sum = wasm_i16x8_add(sum, wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(g), wasm_i16x8_splat(150)));
        sum = wasm_i16x8_add(sum, wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(bl), wasm_i16x8_splat(29)));
        v128_t grey = wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(sum, 8), wasm_i16x8_splat(0));
        wasm_v128_store64_lane(&grey_simd[y][x], grey, 0);
    }
}

// blur = rounded average of a pixel and its two neighbours (edges clamp).
static uint8_t at(uint8_t row[W], int x) {
    return row[x < 0 ? 0 : x >= W ? W - 1 : x];
}

static void blur_scalar_row(int y) {
    for (int x = 0; x < W; x++) {
        int sum = at(grey_scalar[y], x - 1) + at(grey_scalar[y], x) + at(grey_scalar[y], x + 1);
        blur_scalar[y][x] = (uint8_t)((sum * 21846 + 32768) >> 16);
    }
}

static void blur_simd_row(int y) {
    for (int x = 0; x < W; x += 16) {
        uint8_t left[16], right[16];
        for (int k = 0; k < 16; k++) {
            left[k] = at(grey_simd[y], x + k - 1);
            right[k] = at(grey_simd[y], x + k + 1);
        }
        v128_t c = wasm_v128_load(&grey_simd[y][x]);
        v128_t l = wasm_v128_load(left), r = wasm_v128_load(right);
        v128_t out[2];
        for (int half = 0; half < 2; half++) {
            v128_t cw = half ? wasm_u16x8_extend_high_u8x16(c) : wasm_u16x8_extend_low_u8x16(c);
            v128_t lw = half ? wasm_u16x8_extend_high_u8x16(l) : wasm_u16x8_extend_low_u8x16(l);
            v128_t rw = half ? wasm_u16x8_extend_high_u8x16(r) : wasm_u16x8_extend_low_u8x16(r);
            v128_t sum = wasm_i16x8_add(wasm_i16x8_add(cw, lw), rw);
            // (sum * 21846 + 32768) >> 16 in 32-bit lanes.
            v128_t lo = wasm_u32x4_extend_low_u16x8(sum), hi = wasm_u32x4_extend_high_u16x8(sum);
            v128_t k = wasm_i32x4_splat(21846), round = wasm_i32x4_splat(32768);
            lo = wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(lo, k), round), 16);
            hi = wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(hi, k), round), 16);
            out[half] = wasm_u16x8_narrow_i32x4(lo, hi);
        }
        wasm_v128_store(&blur_simd[y][x], wasm_u8x16_narrow_i16x8(out[0], out[1]));
    }
}

static uint64_t checksum(uint8_t img[H][W], uint32_t histogram[16]) {
    uint64_t h = 1469598103934665603u;
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            h = (h ^ img[y][x]) * 1099511628211u;
            histogram[img[y][x] >> 4]++;
        }
    }
    return h;
}

int main(void) {
    fill();
    for (int y = 0; y < H; y++) {
        grey_scalar_row(y);
        grey_simd_row(y);
    }
    for (int y = 0; y < H; y++) {
        blur_scalar_row(y);
        blur_simd_row(y);
    }
    uint32_t hist_simd[16] = {0}, hist_scalar[16] = {0};
    uint64_t simd = checksum(blur_simd, hist_simd);
    uint64_t scalar = checksum(blur_scalar, hist_scalar);
    printf("simd   %016llx\n", (unsigned long long)simd);
    printf("scalar %016llx\n", (unsigned long long)scalar);
    printf("histogram");
    for (int i = 0; i < 16; i++) printf(" %u", hist_simd[i]);
    printf("\n%s\n", simd == scalar ? "agree" : "DIFFER");
    return simd == scalar ? 0 : 1;
}
