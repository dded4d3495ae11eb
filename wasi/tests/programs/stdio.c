// Copies stdin to stdout in upper case, then reports on stderr how many
// bytes and lines it read.
#include <ctype.h>
#include <stdio.h>

int main(void) {
    long bytes = 0, lines = 0;
    int c;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') {
            lines++;
        }
        putchar(toupper(c));
    }
    fflush(stdout);
    fprintf(stderr, "read %ld bytes, %ld lines\n", bytes, lines);
    return ferror(stdin) ? 1 : 0;
}
