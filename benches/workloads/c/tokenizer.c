/* A JSON-like tokenizer over a generated document: character-class
 * dispatch, string and number scanning, and nesting-depth tracking. */
#include "common.h"

#define DOC_LEN 262144

static char doc[DOC_LEN];

static u32 emit(u32 pos, const char *s) {
    while (*s && pos < DOC_LEN - 1) doc[pos++] = *s++;
    return pos;
}

static u32 emit_number(u32 pos, u32 v) {
    char tmp[12];
    u32 k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k && pos < DOC_LEN - 1) doc[pos++] = tmp[--k];
    return pos;
}

static void generate(void) {
    static const char *const KEYS[8] = {"\"id\"", "\"name\"", "\"tags\"", "\"score\"",
                                        "\"ok\"", "\"nested\"", "\"note\"", "\"x\""};
    u32 seed = 0xdeadbeef, pos = 0, depth = 0;
    pos = emit(pos, "[");
    while (pos < DOC_LEN - 64) {
        u32 r = rng_next(&seed);
        if (depth < 6 && (r & 7) == 0) {
            pos = emit(pos, "{");
            depth++;
        }
        pos = emit(pos, KEYS[(r >> 3) & 7]);
        pos = emit(pos, ": ");
        switch ((r >> 6) & 3) {
        case 0: pos = emit_number(pos, r >> 12); break;
        case 1: pos = emit(pos, "\"some \\\"quoted\\\" text\""); break;
        case 2: pos = emit(pos, (r >> 9) & 1 ? "true" : "null"); break;
        default: pos = emit(pos, "-12.5e3"); break;
        }
        if (depth > 0 && ((r >> 20) & 3) == 0) {
            pos = emit(pos, "}");
            depth--;
        }
        pos = emit(pos, ",\n  ");
    }
    while (depth > 0) {
        doc[pos++] = '}';
        depth--;
    }
    doc[pos++] = ']';
    while (pos < DOC_LEN) doc[pos++] = ' ';
}

enum { T_LBRACE, T_RBRACE, T_LBRACKET, T_RBRACKET, T_COLON, T_COMMA, T_STRING,
       T_NUMBER, T_WORD, T_ERROR, T_KINDS };

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static u64 tokenize(u32 counts[T_KINDS]) {
    u64 h = 0;
    u32 pos = 0, depth = 0, max_depth = 0;
    while (pos < DOC_LEN) {
        char c = doc[pos];
        u32 start = pos, kind;
        switch (c) {
        case ' ': case '\n': case '\t': case '\r': pos++; continue;
        case '{': kind = T_LBRACE; pos++; depth++; break;
        case '}': kind = T_RBRACE; pos++; depth--; break;
        case '[': kind = T_LBRACKET; pos++; depth++; break;
        case ']': kind = T_RBRACKET; pos++; depth--; break;
        case ':': kind = T_COLON; pos++; break;
        case ',': kind = T_COMMA; pos++; break;
        case '"':
            kind = T_STRING;
            pos++;
            while (pos < DOC_LEN && doc[pos] != '"') pos += doc[pos] == '\\' ? 2 : 1;
            pos++;
            break;
        default:
            if (c == '-' || is_digit(c)) {
                kind = T_NUMBER;
                pos++;
                while (pos < DOC_LEN && (is_digit(doc[pos]) || doc[pos] == '.' ||
                                         doc[pos] == 'e' || doc[pos] == '-')) pos++;
            } else if (is_alpha(c)) {
                kind = T_WORD;
                while (pos < DOC_LEN && is_alpha(doc[pos])) pos++;
            } else {
                kind = T_ERROR;
                pos++;
            }
        }
        if (depth > max_depth) max_depth = depth;
        counts[kind]++;
        h = mix64(h, ((u64)kind << 32) | (pos - start));
    }
    return mix64(h, max_depth);
}

EXPORT u64 run(u32 n) {
    generate();
    u64 h = 0;
    for (u32 round = 0; round < n; round++) {
        u32 counts[T_KINDS] = {0};
        h = mix64(h, tokenize(counts));
        for (int k = 0; k < T_KINDS; k++) h = mix64(h, counts[k]);
    }
    return h;
}
