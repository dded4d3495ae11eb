/* Call-heavy object code: a recursive-descent parser and evaluator for
 * arithmetic expressions, binary trees built and walked recursively, and
 * shapes whose methods are called through function pointers. Helpers are
 * kept out of line as they are when code comes from separate compilation
 * units or libraries, so most of the work is calls and returns with a few
 * arguments each. */
#include "common.h"

#define NOINLINE __attribute__((noinline))

/* ---- expressions: text generated from the PRNG, then parsed ---- */

static char text[1 << 14];

typedef struct {
    const char *s;
    u32 at;
} Parser;

NOINLINE static char peek(const Parser *p) { return p->s[p->at]; }

NOINLINE static void advance(Parser *p) { p->at++; }

NOINLINE static int is_digit(char c) { return c >= '0' && c <= '9'; }

static i32 parse_sum(Parser *p, u32 depth);

NOINLINE static i32 parse_number(Parser *p) {
    i32 v = 0;
    while (is_digit(peek(p))) {
        v = v * 10 + (peek(p) - '0');
        advance(p);
    }
    return v;
}

NOINLINE static i32 parse_atom(Parser *p, u32 depth) {
    if (peek(p) == '(') {
        advance(p);
        i32 v = parse_sum(p, depth + 1);
        advance(p); /* ')' */
        return v;
    }
    if (peek(p) == '-') {
        advance(p);
        return -parse_atom(p, depth);
    }
    return parse_number(p);
}

NOINLINE static i32 apply(char op, i32 a, i32 b) {
    switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    default: return b == 0 ? a : a % b;
    }
}

NOINLINE static i32 parse_product(Parser *p, u32 depth) {
    i32 v = parse_atom(p, depth);
    while (peek(p) == '*' || peek(p) == '%') {
        char op = peek(p);
        advance(p);
        v = apply(op, v, parse_atom(p, depth));
    }
    return v;
}

static i32 parse_sum(Parser *p, u32 depth) {
    i32 v = parse_product(p, depth);
    while (peek(p) == '+' || peek(p) == '-') {
        char op = peek(p);
        advance(p);
        v = apply(op, v, parse_product(p, depth));
    }
    return v;
}

/* Writes a random expression of at most `depth` nesting levels at `at`. */
static u32 gen_expr(u32 *rng, u32 at, u32 depth, u32 limit) {
    u32 terms = 1 + rng_next(rng) % 4;
    for (u32 t = 0; t < terms && at + 16 < limit; t++) {
        if (t > 0) {
            text[at++] = "+-*%"[rng_next(rng) % 4];
        }
        u32 r = rng_next(rng) % 8;
        if (r == 0 && depth > 0) {
            text[at++] = '(';
            at = gen_expr(rng, at, depth - 1, limit - 1);
            text[at++] = ')';
        } else {
            if (r == 1) {
                text[at++] = '-';
            }
            u32 v = rng_next(rng) % 1000;
            if (v >= 100) text[at++] = (char)('0' + v / 100);
            if (v >= 10) text[at++] = (char)('0' + v / 10 % 10);
            text[at++] = (char)('0' + v % 10);
        }
    }
    return at;
}

/* ---- binary trees in an arena ---- */

typedef struct Node {
    struct Node *left, *right;
    u32 value;
} Node;

static Node arena[1 << 16];
static u32 arena_used;

NOINLINE static Node *new_node(Node *left, Node *right, u32 value) {
    Node *n = &arena[arena_used++];
    n->left = left;
    n->right = right;
    n->value = value;
    return n;
}

NOINLINE static Node *make_tree(u32 depth, u32 value) {
    if (depth == 0) {
        return new_node(0, 0, value);
    }
    Node *l = make_tree(depth - 1, value * 2 + 1);
    Node *r = make_tree(depth - 1, value * 2 + 2);
    return new_node(l, r, value);
}

NOINLINE static u64 check_tree(const Node *n) {
    if (!n->left) {
        return n->value;
    }
    return n->value + 3 * check_tree(n->left) - check_tree(n->right);
}

/* ---- shapes with methods through function pointers ---- */

typedef struct Shape Shape;
typedef struct {
    i64 (*area)(const Shape *);
    i64 (*perimeter)(const Shape *);
} ShapeClass;

struct Shape {
    const ShapeClass *class;
    i32 a, b;
};

NOINLINE static i64 rect_area(const Shape *s) { return (i64)s->a * s->b; }
NOINLINE static i64 rect_perimeter(const Shape *s) { return 2 * ((i64)s->a + s->b); }
NOINLINE static i64 square_area(const Shape *s) { return (i64)s->a * s->a; }
NOINLINE static i64 square_perimeter(const Shape *s) { return 4 * (i64)s->a; }
NOINLINE static i64 tri_area(const Shape *s) { return (i64)s->a * s->b / 2; }
NOINLINE static i64 tri_perimeter(const Shape *s) { return (i64)s->a + s->b + (s->a > s->b ? s->a : s->b); }

static const ShapeClass classes[3] = {
    {rect_area, rect_perimeter},
    {square_area, square_perimeter},
    {tri_area, tri_perimeter},
};

static Shape shapes[1024];

EXPORT u64 run(u32 n) {
    u64 h = 0;
    u32 rng = 0x9e3779b9u;
    for (u32 round = 0; round < n; round++) {
        u32 len = 0;
        while (len < sizeof(text) - 64) {
            len = gen_expr(&rng, len, 5, sizeof(text) - 64);
            text[len++] = ';';
        }
        text[len] = 0;
        Parser p = {text, 0};
        while (peek(&p) != 0) {
            h = mix64(h, (u64)(u32)parse_sum(&p, 0));
            advance(&p); /* ';' */
        }

        arena_used = 0;
        Node *tree = make_tree(14, round);
        h = mix64(h, check_tree(tree));

        for (u32 i = 0; i < 1024; i++) {
            shapes[i].class = &classes[rng_next(&rng) % 3];
            shapes[i].a = (i32)(rng_next(&rng) % 100);
            shapes[i].b = (i32)(rng_next(&rng) % 100);
        }
        i64 total = 0;
        for (u32 k = 0; k < 8; k++) {
            for (u32 i = 0; i < 1024; i++) {
                const Shape *s = &shapes[i];
                total += s->class->area(s) - s->class->perimeter(s);
            }
        }
        h = mix64(h, (u64)total);
    }
    return h;
}
