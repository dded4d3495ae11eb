/* Runs AArch64 functions made by Strata's assembler on an AArch64 Linux
 * (qemu-user here), with real signals: a fault or a `brk` in a function
 * becomes the trap code its trap table registers for the PC, as Strata's
 * signal handler does.
 *
 * Input (a file, little-endian): "A64H", u32 case count; per case: u32 code
 * length, the code, u32 site count, (u32 offset, u32 code) per site, then
 * 24 u64 cells. Each function is called as f(cells, heap), where heap is a
 * readable and writable page followed by a page that is not.
 *
 * Output, a line per case: "ok" and the 24 cells in hex, or "trap" and the
 * code; then the heap page's last 16 bytes in hex (stores must not have
 * written part of themselves before trapping). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define CELLS 24
#define PAGE 4096

static sigjmp_buf escape;
static uint8_t *code_base;
static size_t code_len;
static uint32_t *sites;
static uint32_t nsites;
static volatile uint32_t trapped;

static uint32_t read_u32(FILE *f) {
    uint32_t v;
    if (fread(&v, 4, 1, f) != 1) {
        fprintf(stderr, "truncated input\n");
        exit(2);
    }
    return v;
}

static void on_signal(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    uintptr_t pc = uc->uc_mcontext.pc;
    (void)info;
    if (pc >= (uintptr_t)code_base && pc < (uintptr_t)code_base + code_len) {
        uint32_t offset = (uint32_t)(pc - (uintptr_t)code_base);
        for (uint32_t i = 0; i < nsites; i++) {
            if (sites[2 * i] == offset) {
                trapped = sites[2 * i + 1];
                siglongjmp(escape, 1);
            }
        }
    }
    fprintf(stderr, "signal %d at pc %#lx: no trap site\n", sig, (unsigned long)pc);
    exit(3);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: harness CASES\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char magic[4];
    if (fread(magic, 4, 1, f) != 1 || memcmp(magic, "A64H", 4) != 0) {
        fprintf(stderr, "not a case file\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    uint8_t *heap = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (heap == MAP_FAILED || mprotect(heap + PAGE, PAGE, PROT_NONE) != 0) {
        perror("heap");
        return 2;
    }
    uint32_t cases = read_u32(f);
    for (uint32_t k = 0; k < cases; k++) {
        code_len = read_u32(f);
        uint8_t *page = mmap(NULL, code_len + PAGE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED || fread(page, 1, code_len, f) != code_len) {
            fprintf(stderr, "bad code\n");
            return 2;
        }
        /* W^X: written, then executable. */
        mprotect(page, code_len + PAGE, PROT_READ | PROT_EXEC);
        __builtin___clear_cache((char *)page, (char *)page + code_len);
        code_base = page;
        nsites = read_u32(f);
        sites = malloc(8 * (nsites + 1));
        for (uint32_t i = 0; i < 2 * nsites; i++) sites[i] = read_u32(f);
        uint64_t cells[CELLS];
        if (fread(cells, 8, CELLS, f) != CELLS) {
            fprintf(stderr, "bad cells\n");
            return 2;
        }
        for (int i = 0; i < PAGE; i++) heap[i] = (uint8_t)i;
        void (*fn)(uint64_t *, uint8_t *) = (void (*)(uint64_t *, uint8_t *))page;
        trapped = 0;
        if (sigsetjmp(escape, 1) == 0) {
            fn(cells, heap);
            printf("ok");
            for (int i = 0; i < CELLS; i++) printf(" %llx", (unsigned long long)cells[i]);
        } else {
            printf("trap %u", trapped);
        }
        printf(" |");
        for (int i = PAGE - 16; i < PAGE; i++) printf(" %02x", heap[i]);
        printf("\n");
        munmap(page, code_len + PAGE);
        free(sites);
    }
    return 0;
}
