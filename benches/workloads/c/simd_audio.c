/* Float audio processing, as a mixer or an effects plug-in runs it: 16-bit
 * samples widened to f32, an 8-tap FIR low-pass filter, a gain, a hard
 * clip to [-1, 1] with min/max, an RMS level (sqrt) and the samples
 * converted back to 16 bits, `n` blocks of 4096 samples. Vector types make
 * clang emit wasm SIMD (-msimd128) and SSE natively. Floating-point
 * contraction is off on both sides (build.sh) and no value is NaN or a
 * signed zero meeting a bound, so both give the same bits. */
#include "common.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
typedef v128_t f32x4;
#define MIN(a, b) wasm_f32x4_min(a, b)
#define MAX(a, b) wasm_f32x4_max(a, b)
#define SQRT(a) wasm_f32x4_sqrt(a)
#else
#include <immintrin.h>
typedef __m128 f32x4;
#define MIN(a, b) _mm_min_ps(a, b)
#define MAX(a, b) _mm_max_ps(a, b)
#define SQRT(a) _mm_sqrt_ps(a)
#endif

typedef float f4 __attribute__((vector_size(16)));
typedef i32 i32x4 __attribute__((vector_size(16)));
typedef short i16x4 __attribute__((vector_size(8)));
typedef short i16x8 __attribute__((vector_size(16)));

#define BLOCK 4096
#define TAPS 8

static short input[BLOCK + TAPS];
static short output[BLOCK];
static float widened[BLOCK + TAPS];

static const float taps[TAPS] = {0.02f, 0.07f, 0.15f, 0.26f, 0.26f, 0.15f, 0.07f, 0.02f};

static inline f4 load4(const float *p) {
    f4 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

/* One block: returns the block's mean square level scaled to an integer. */
static u32 process(float gain) {
    const f4 scale_in = {1.0f / 32768, 1.0f / 32768, 1.0f / 32768, 1.0f / 32768};
    for (int i = 0; i < BLOCK + TAPS; i += 8) {
        f4 a, b;
#ifdef __wasm_simd128__
        v128_t s = wasm_v128_load(&input[i]);
        a = (f4)wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(s));
        b = (f4)wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(s));
#else
        i16x8 s;
        __builtin_memcpy(&s, &input[i], sizeof s);
        a = __builtin_convertvector(__builtin_convertvector(__builtin_shufflevector(s, s, 0, 1, 2, 3), i32x4), f4);
        b = __builtin_convertvector(__builtin_convertvector(__builtin_shufflevector(s, s, 4, 5, 6, 7), i32x4), f4);
#endif
        a *= scale_in;
        b *= scale_in;
        __builtin_memcpy(&widened[i], &a, sizeof a);
        __builtin_memcpy(&widened[i + 4], &b, sizeof b);
    }
    const f4 g = {gain, gain, gain, gain};
    const f4 one = {1.0f, 1.0f, 1.0f, 1.0f};
    const f4 scale_out = {32767.0f, 32767.0f, 32767.0f, 32767.0f};
    f4 energy = {0, 0, 0, 0};
    for (int i = 0; i < BLOCK; i += 4) {
        f4 acc = {0, 0, 0, 0};
        for (int t = 0; t < TAPS; t++) {
            const f4 k = {taps[t], taps[t], taps[t], taps[t]};
            acc += load4(&widened[i + t]) * k;
        }
        acc *= g;
        f32x4 c = (f32x4)acc;
        c = MIN(MAX(c, (f32x4)-one), (f32x4)one);
        f4 y = (f4)c;
        energy += y * y;
        i16x4 out = __builtin_convertvector(__builtin_convertvector(y * scale_out, i32x4), i16x4);
        __builtin_memcpy(&output[i], &out, sizeof out);
    }
    f4 rms = (f4)SQRT((f32x4)(energy * (f4){1.0f / BLOCK, 1.0f / BLOCK, 1.0f / BLOCK, 1.0f / BLOCK}));
    return (u32)(i32)((rms[0] + rms[1] + rms[2] + rms[3]) * 1000000.0f);
}

EXPORT u64 run(u32 n) {
    u32 s = 0xA0D10u;
    for (int i = 0; i < BLOCK + TAPS; i++) input[i] = (short)(rng_next(&s) & 0xffff);
    u64 h = 0;
    for (u32 round = 0; round < n; round++) {
        float gain = 0.5f + (float)(round % 8) * 0.25f;
        h = mix64(h, process(gain));
        for (int i = 0; i < BLOCK; i += 97) h = mix64(h, (u16)output[i]);
        /* Feed the output back, so each round differs. */
        for (int i = 0; i < BLOCK; i++) input[i + TAPS / 2] = output[i];
    }
    return h;
}
