// Ends in the way its arguments ask, after writing to stdout (buffered,
// so the output shows that exit flushes it):
//   exit N     exit(N) from a nested call, after an atexit handler
//   return N   return N from main
//   abort      abort(): a trap, not an exit
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_exit_handler(void) { printf("atexit handler ran\n"); }

static void leave(int code) { exit(code); }

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: exit_code exit|return N | abort\n");
        return 2;
    }
    atexit(on_exit_handler);
    printf("mode %s\n", argv[1]);
    if (strcmp(argv[1], "exit") == 0 && argc > 2) {
        leave(atoi(argv[2]));
    }
    if (strcmp(argv[1], "return") == 0 && argc > 2) {
        return atoi(argv[2]);
    }
    if (strcmp(argv[1], "abort") == 0) {
        fflush(stdout);
        abort();
    }
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}
