/* A vectorised hash: four 32-bit lanes of multiply-rotate-add rounds (the
 * structure of xxHash's main loop) over a pseudo-random buffer, then a
 * byte histogram folded in with lane compares. Written with vector types
 * (16-byte vectors of lanes), which clang compiles to wasm SIMD with
 * -msimd128 and to SSE natively, so both builds compute the same bits. */
#include "common.h"

typedef u32 u32x4 __attribute__((vector_size(16)));
typedef u8 u8x16 __attribute__((vector_size(16)));

#define BUF_LEN 32768

static u8 buffer[BUF_LEN];

static const u32x4 PRIME1 = {0x9E3779B1u, 0x9E3779B1u, 0x9E3779B1u, 0x9E3779B1u};
static const u32x4 PRIME2 = {0x85EBCA77u, 0x85EBCA77u, 0x85EBCA77u, 0x85EBCA77u};

static inline u32x4 load4(const u8 *p) {
    u32x4 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline u8x16 load16(const u8 *p) {
    u8x16 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static u64 hash_buffer(u32 seed) {
    u32x4 acc = {seed + 0x24234428u, seed + 0x85EBCA77u, seed, seed - 0x9E3779B1u};
    for (u32 i = 0; i < BUF_LEN; i += 16) {
        acc += load4(buffer + i) * PRIME2;
        acc = (acc << 13) | (acc >> 19);
        acc *= PRIME1;
    }
    /* How many bytes fall below each of four thresholds, 16 at a time. */
    u8x16 counts = {0};
    const u8x16 limit = {16, 32, 64, 96, 128, 160, 192, 224, 16, 32, 64, 96, 128, 160, 192, 224};
    for (u32 i = 0; i < BUF_LEN; i += 16) {
        u8x16 bytes = load16(buffer + i);
        counts -= (u8x16)(bytes < limit);
    }
    u64 h = 0;
    for (int k = 0; k < 4; k++) h = mix64(h, acc[k]);
    for (int k = 0; k < 16; k++) h = mix64(h, counts[k]);
    return h;
}

EXPORT u64 run(u32 n) {
    u32 s = 0x1234567u;
    for (u32 i = 0; i < BUF_LEN; i += 4) {
        u32 x = rng_next(&s);
        __builtin_memcpy(buffer + i, &x, 4);
    }
    u64 h = 0;
    for (u32 round = 0; round < n; round++) {
        h = mix64(h, hash_buffer((u32)h ^ round));
        buffer[round % BUF_LEN] ^= (u8)h;
    }
    return h;
}
