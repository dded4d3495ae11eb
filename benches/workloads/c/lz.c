/* An LZ77-style compressor with a hash table of recent positions, and its
 * decompressor, run as a round trip over generated text-like data: byte
 * loads and stores, hashing, and data-dependent branches. */
#include "common.h"

#define IN_LEN 131072
#define HASH_BITS 14
#define MIN_MATCH 4
#define MAX_MATCH 255
#define WINDOW 65535

static u8 input[IN_LEN];
static u8 packed[IN_LEN + IN_LEN / 8 + 16];
static u8 output[IN_LEN];
static u32 table[1 << HASH_BITS];

static const char *const WORDS[16] = {
    "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
    "wasm ", "engine ", "register ", "frame ", "cell ", "branch ", "loop ", "call ",
};

static void generate(u32 seed) {
    u32 pos = 0;
    while (pos < IN_LEN) {
        u32 r = rng_next(&seed);
        const char *w = WORDS[r & 15];
        /* Occasional noise keeps matches from being trivially long. */
        if ((r >> 8) % 13 == 0) {
            input[pos++] = (u8)(r >> 16);
            continue;
        }
        for (u32 i = 0; w[i] && pos < IN_LEN; i++) input[pos++] = (u8)w[i];
    }
}

static inline u32 hash4(const u8 *p) {
    u32 v = (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Token format: a literal run `0 len bytes...` or a match `len dist_lo dist_hi`. */
static u32 compress(u32 len) {
    for (u32 i = 0; i < (1u << HASH_BITS); i++) table[i] = 0xffffffffu;
    u32 in = 0, out = 0, lit_start = 0;
    while (in + MIN_MATCH <= len) {
        u32 h = hash4(input + in);
        u32 cand = table[h];
        table[h] = in;
        u32 m = 0;
        if (cand != 0xffffffffu && in - cand <= WINDOW) {
            while (m < MAX_MATCH && in + m < len && input[cand + m] == input[in + m]) m++;
        }
        if (m >= MIN_MATCH) {
            while (lit_start < in) {
                u32 run = in - lit_start;
                if (run > 255) run = 255;
                packed[out++] = 0;
                packed[out++] = (u8)run;
                for (u32 i = 0; i < run; i++) packed[out++] = input[lit_start + i];
                lit_start += run;
            }
            u32 dist = in - cand;
            packed[out++] = (u8)m;
            packed[out++] = (u8)dist;
            packed[out++] = (u8)(dist >> 8);
            in += m;
            lit_start = in;
        } else {
            in++;
        }
    }
    in = len;
    while (lit_start < in) {
        u32 run = in - lit_start;
        if (run > 255) run = 255;
        packed[out++] = 0;
        packed[out++] = (u8)run;
        for (u32 i = 0; i < run; i++) packed[out++] = input[lit_start + i];
        lit_start += run;
    }
    return out;
}

static u32 decompress(u32 packed_len) {
    u32 in = 0, out = 0;
    while (in < packed_len) {
        u32 tag = packed[in++];
        if (tag == 0) {
            u32 run = packed[in++];
            for (u32 i = 0; i < run; i++) output[out++] = packed[in++];
        } else {
            u32 dist = (u32)packed[in] | ((u32)packed[in + 1] << 8);
            in += 2;
            /* Byte by byte: an overlapping match repeats its own output. */
            for (u32 i = 0; i < tag; i++, out++) output[out] = output[out - dist];
        }
    }
    return out;
}

EXPORT u64 run(u32 n) {
    u64 h = 0;
    for (u32 round = 0; round < n; round++) {
        generate(0x2545f491 + round);
        u32 size = compress(IN_LEN);
        u32 back = decompress(size);
        if (back != IN_LEN) return 0;
        for (u32 i = 0; i < IN_LEN; i++) {
            if (output[i] != input[i]) return 1;
        }
        h = mix64(h, size);
        h = mix64(h, output[(round * 7919) % IN_LEN]);
    }
    return h;
}
