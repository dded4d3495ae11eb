/* A small stack-based bytecode interpreter with a switch dispatch loop,
 * running a program that counts primes by trial division: the indirect
 * branches and stack traffic of an interpreter inside an interpreter. */
#include "common.h"

enum {
    OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_LT,
    OP_JZ, OP_JMP, OP_DUP, OP_POP, OP_INC, OP_HALT,
};

/* Locals: 0 = limit, 1 = candidate, 2 = divisor, 3 = count. */
static const i32 PROGRAM[] = {
    OP_PUSH, 2, OP_STORE, 1,           /*  0: candidate = 2 */
    OP_PUSH, 0, OP_STORE, 3,           /*  4: count = 0 */
    OP_LOAD, 1, OP_LOAD, 0, OP_LT,     /*  8: while candidate < limit */
    OP_JZ, 60,                         /* 13 */
    OP_PUSH, 2, OP_STORE, 2,           /* 15: divisor = 2 */
    OP_LOAD, 2, OP_DUP, OP_MUL,        /* 19: while divisor * divisor */
    OP_LOAD, 1, OP_PUSH, 1, OP_ADD,    /* 23:   < candidate + 1 */
    OP_LT, OP_JZ, 50,                  /* 28 */
    OP_LOAD, 1, OP_LOAD, 2, OP_MOD,    /* 31: if candidate % divisor == 0 */
    OP_JZ, 55,                         /* 36:   not prime */
    OP_INC, 2,                         /* 38: divisor++ */
    OP_JMP, 19,                        /* 40 */
    OP_HALT, OP_HALT, OP_HALT, OP_HALT, OP_HALT, OP_HALT, /* 42: padding */
    OP_HALT, OP_HALT,
    OP_INC, 3,                         /* 50: prime: count++ */
    OP_JMP, 55,                        /* 52 */
    OP_HALT,                           /* 54 */
    OP_INC, 1,                         /* 55: candidate++ */
    OP_JMP, 8,                         /* 57 */
    OP_HALT,                           /* 59 */
    OP_LOAD, 3, OP_HALT,               /* 60: return count */
};

static i32 execute(const i32 *code, i32 limit, u64 *steps) {
    i32 stack[64];
    i32 locals[4] = {limit, 0, 0, 0};
    i32 sp = 0, pc = 0;
    u64 count = 0;
    for (;;) {
        count++;
        switch (code[pc++]) {
        case OP_PUSH: stack[sp++] = code[pc++]; break;
        case OP_LOAD: stack[sp++] = locals[code[pc++]]; break;
        case OP_STORE: locals[code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_JZ: {
            i32 target = code[pc++];
            if (stack[--sp] == 0) pc = target;
            break;
        }
        case OP_JMP: pc = code[pc]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_POP: sp--; break;
        case OP_INC: locals[code[pc++]]++; break;
        case OP_HALT: *steps += count; return sp > 0 ? stack[sp - 1] : 0;
        default: return -1;
        }
    }
}

EXPORT u64 run(u32 n) {
    u64 steps = 0;
    i32 primes = execute(PROGRAM, (i32)n, &steps);
    return mix64(mix64(0, (u64)(u32)primes), steps);
}
