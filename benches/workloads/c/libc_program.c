/* A compile-only input: an ordinary program linked against wasi-libc
 * (formatted output, sorting, number parsing, heap allocation), so the
 * compile benchmarks include compiler and libc code as found in the wild. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word {
    char *text;
    unsigned count;
    double weight;
};

static int by_count(const void *a, const void *b) {
    const struct word *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

int main(int argc, char **argv) {
    const char *text = argc > 1 ? argv[1] : "the quick brown fox 3.5 jumps over the lazy dog 1e3 the end";
    size_t cap = 64, len = 0;
    struct word *words = calloc(cap, sizeof *words);
    char *copy = strdup(text);
    double total = 0;
    for (char *tok = strtok(copy, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
        char *end;
        double v = strtod(tok, &end);
        if (end != tok && *end == '\0') {
            total += v;
            continue;
        }
        for (char *p = tok; *p; p++) *p = (char)tolower((unsigned char)*p);
        size_t i = 0;
        while (i < len && strcmp(words[i].text, tok) != 0) i++;
        if (i == len) {
            if (len == cap) words = realloc(words, (cap *= 2) * sizeof *words);
            words[len].text = strdup(tok);
            words[len].count = 0;
            words[len].weight = sqrt((double)(hash(tok) % 1000));
            len++;
        }
        words[i].count++;
    }
    qsort(words, len, sizeof *words, by_count);
    char line[128];
    for (size_t i = 0; i < len; i++) {
        snprintf(line, sizeof line, "%-12s %4u %8.3f %#x", words[i].text, words[i].count,
                 words[i].weight, hash(words[i].text));
        puts(line);
        free(words[i].text);
    }
    printf("numbers: %g (%e)\n", total, total);
    free(words);
    free(copy);
    return 0;
}
