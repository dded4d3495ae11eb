/* Shared helpers for the C workloads: fixed-width types and a small PRNG.
 * Every workload exports `uint64_t run(uint32_t n)` and returns a checksum
 * that build.sh also computes natively, so a wrong answer cannot pass. */
#ifndef WORKLOAD_COMMON_H
#define WORKLOAD_COMMON_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int i32;
typedef long long i64;

#ifdef __wasm__
#define EXPORT __attribute__((visibility("default"), export_name("run")))
#else
#define EXPORT
#endif

/* xorshift32: the same stream on every target. */
static inline u32 rng_next(u32 *s) {
    u32 x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* Mixes a value into a running 64-bit checksum (FNV-1a style). */
static inline u64 mix64(u64 h, u64 v) {
    h ^= v;
    h *= 0x100000001b3ULL;
    return h ^ (h >> 29);
}

#endif
