/* An integer GEMM, as quantised inference runs it: 16-bit matrices
 * multiplied into 32-bit accumulators, four output columns per vector,
 * `n` times over inputs that change between rounds. Vector types make
 * clang emit wasm SIMD (-msimd128) and SSE natively, with the same bits. */
#include "common.h"

typedef i32 i32x4 __attribute__((vector_size(16)));
typedef short i16x4 __attribute__((vector_size(8)));

#define N 64

static short a[N][N];
static short b[N][N];
static i32 c[N][N];

static inline i32x4 widen(const short *p) {
    i16x4 v;
    __builtin_memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, i32x4);
}

static void gemm(void) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j += 4) {
            i32x4 acc = {0, 0, 0, 0};
            for (int k = 0; k < N; k++) {
                i32x4 x = {a[i][k], a[i][k], a[i][k], a[i][k]};
                acc += x * widen(&b[k][j]);
            }
            __builtin_memcpy(&c[i][j], &acc, sizeof acc);
        }
    }
}

EXPORT u64 run(u32 n) {
    u32 s = 0xC0FFEEu;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = (short)(rng_next(&s) % 512) - 256;
            b[i][j] = (short)(rng_next(&s) % 512) - 256;
        }
    }
    u64 h = 0;
    for (u32 round = 0; round < n; round++) {
        gemm();
        for (int i = 0; i < N; i++) h = mix64(h, (u32)c[i][(i * 7 + round) % N]);
        /* Feed the result back, so each round differs. */
        a[round % N][(round * 3) % N] = (short)(c[round % N][0] & 0xff);
    }
    return h;
}
