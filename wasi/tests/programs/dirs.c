// Exercises directories: create, list (including a listing larger than
// one fd_readdir buffer), rename, change directory, and remove, with the
// errors of misuse. Works in the current directory, which must be an
// empty preopened directory.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("FAILED line %d: %s (errno %d: %s)\n", __LINE__, #cond, \
                   errno, strerror(errno));                                 \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

static void expect_error(const char *what, int result) {
    if (result >= 0) {
        printf("%s: unexpectedly succeeded\n", what);
    } else {
        printf("%s: %s\n", what, strerror(errno));
    }
}

static void touch(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(close(fd) == 0);
}

static int compare(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Prints the entries of `path` (without . and ..) in sorted order, each
// with its type, and returns how many there were.
static int list(const char *path, int print) {
    DIR *d = opendir(path);
    CHECK(d != NULL);
    char *names[1024];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        CHECK(n < 1024);
        char *entry = malloc(strlen(e->d_name) + 8);
        sprintf(entry, "%s%s", e->d_name,
                e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
        names[n++] = entry;
    }
    CHECK(closedir(d) == 0);
    qsort(names, n, sizeof names[0], compare);
    if (print) {
        printf("%s:", path);
        for (int i = 0; i < n; i++) {
            printf(" %s", names[i]);
        }
        printf("\n");
    }
    for (int i = 0; i < n; i++) {
        free(names[i]);
    }
    return n;
}

int main(void) {
    CHECK(mkdir("top", 0755) == 0);
    CHECK(mkdir("top/nested", 0755) == 0);
    touch("top/b.txt");
    touch("top/a.txt");
    CHECK(symlink("a.txt", "top/link") == 0);
    list("top", 1);

    struct stat st;
    CHECK(stat("top/nested", &st) == 0);
    printf("nested is dir %d\n", S_ISDIR(st.st_mode));

    expect_error("mkdir existing", mkdir("top", 0755));
    expect_error("rmdir non-empty", rmdir("top"));
    expect_error("rmdir a file", rmdir("top/a.txt"));
    expect_error("unlink a directory", unlink("top/nested"));
    expect_error("opendir a file", opendir("top/a.txt") ? 0 : -1);
    expect_error("mkdir under missing", mkdir("nope/x", 0755));

    // Many entries: more than one fd_readdir buffer's worth.
    CHECK(mkdir("many", 0755) == 0);
    char name[64];
    for (int i = 0; i < 300; i++) {
        sprintf(name, "many/file-with-a-long-name-%03d", i);
        touch(name);
    }
    printf("many has %d entries\n", list("many", 0));
    for (int i = 0; i < 300; i++) {
        sprintf(name, "many/file-with-a-long-name-%03d", i);
        CHECK(unlink(name) == 0);
    }
    CHECK(rmdir("many") == 0);

    // Rename a directory; change into it.
    CHECK(rename("top/nested", "top/renamed") == 0);
    list("top", 1);
    CHECK(chdir("top/renamed") == 0);
    touch("inner.txt");
    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    printf("cwd %s\n", cwd);
    CHECK(chdir("..") == 0);
    list("renamed", 1);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    printf("cwd %s\n", cwd);
    // wasi-libc keeps the working directory as a path string, so leave it
    // by an absolute path before removing the directories it names.
    CHECK(chdir("/") == 0);

    // Clean up, deepest first.
    CHECK(unlink("top/renamed/inner.txt") == 0);
    CHECK(rmdir("top/renamed") == 0);
    CHECK(unlink("top/link") == 0);
    CHECK(unlink("top/a.txt") == 0);
    CHECK(unlink("top/b.txt") == 0);
    CHECK(rmdir("top") == 0);
    printf("left: %d entries\n", list(".", 0));
    return 0;
}
