/* Native driver used by build.sh: prints run(n) so the expected checksum of
 * every C workload comes from a native build, not from any wasm engine. */
#include <stdio.h>
#include <stdlib.h>

unsigned long long run(unsigned int n);

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    printf("%llu\n", run((unsigned int)strtoul(argv[1], 0, 10)));
    return 0;
}
