/* A mix of everyday work: table-driven CRC-32 over a buffer, building and
 * walking a linked list kept in an array pool, and small integer matrix
 * products, repeated `n` times. */
#include "common.h"

#define BUF_LEN 32768
#define NODES 4096
#define DIM 24

static u8 buffer[BUF_LEN];
static u32 crc_table[256];

struct node {
    struct node *next;
    u32 value;
};

static struct node pool[NODES];
static i32 ma[DIM][DIM], mb[DIM][DIM], mc[DIM][DIM];

static void crc_init(void) {
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static u32 crc32(const u8 *p, u32 len) {
    u32 c = 0xffffffffu;
    for (u32 i = 0; i < len; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* Inserts nodes in sorted position for a while, then walks and unlinks. */
static u64 list_work(u32 *seed) {
    struct node *head = 0;
    for (u32 i = 0; i < NODES; i++) {
        struct node *n = &pool[i];
        n->value = rng_next(seed) & 0xffff;
        if (i < 512) {
            struct node **at = &head;
            while (*at && (*at)->value < n->value) at = &(*at)->next;
            n->next = *at;
            *at = n;
        } else {
            n->next = head;
            head = n;
        }
    }
    u64 h = 0;
    u32 k = 0;
    for (struct node **at = &head; *at;) {
        if (((*at)->value & 3) == 0) {
            *at = (*at)->next; /* unlink */
        } else {
            h = mix64(h, (*at)->value + k++);
            at = &(*at)->next;
        }
    }
    return h;
}

static u64 matrix_work(u32 *seed) {
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            ma[i][j] = (i32)(rng_next(seed) & 255) - 128;
            mb[i][j] = (i32)(rng_next(seed) & 255) - 128;
        }
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            i32 s = 0;
            for (int k = 0; k < DIM; k++) s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    u64 h = 0;
    for (int i = 0; i < DIM; i++) h = mix64(h, (u32)mc[i][(i * 7) % DIM]);
    return h;
}

EXPORT u64 run(u32 n) {
    crc_init();
    u32 seed = 0x1234abcd;
    for (u32 i = 0; i < BUF_LEN; i++) buffer[i] = (u8)rng_next(&seed);
    u64 h = 0;
    for (u32 round = 0; round < n; round++) {
        buffer[round % BUF_LEN] ^= (u8)round;
        h = mix64(h, crc32(buffer, BUF_LEN));
        h = mix64(h, list_work(&seed));
        h = mix64(h, matrix_work(&seed));
    }
    return h;
}
