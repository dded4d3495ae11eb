// Exercises files through the C library: create, write, read, seek,
// pread/pwrite, truncate, append, stat, rename, hard and symbolic links,
// timestamps, unlink, and the errors of misuse. Works in the current
// directory, which must be an empty preopened directory.
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

// Prints the whole content of `path`.
static void show(const char *path) {
    char buf[256];
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n >= 0);
    buf[n] = 0;
    printf("%s: \"%s\"\n", path, buf);
    CHECK(close(fd) == 0);
}

// Prints the error a failed call left.
static void expect_error(const char *what, int result) {
    if (result >= 0) {
        printf("%s: unexpectedly succeeded\n", what);
    } else {
        printf("%s: %s\n", what, strerror(errno));
    }
}

int main(void) {
    // Create and write through stdio.
    FILE *f = fopen("data.txt", "w");
    CHECK(f != NULL);
    fprintf(f, "hello world\n");
    CHECK(fclose(f) == 0);
    show("data.txt");

    struct stat st;
    CHECK(stat("data.txt", &st) == 0);
    printf("size %lld, regular %d, links %lld\n", (long long)st.st_size,
           S_ISREG(st.st_mode), (long long)st.st_nlink);

    // Seek and overwrite in place.
    int fd = open("data.txt", O_RDWR);
    CHECK(fd >= 0);
    CHECK(lseek(fd, 6, SEEK_SET) == 6);
    CHECK(write(fd, "WORLD", 5) == 5);
    printf("tell %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("end %lld\n", (long long)lseek(fd, 0, SEEK_END));
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buf[64] = {0};
    CHECK(read(fd, buf, sizeof buf - 1) == 12);
    printf("after seek+write: \"%s\"\n", buf);

    // Positional I/O leaves the offset alone.
    CHECK(lseek(fd, 2, SEEK_SET) == 2);
    CHECK(pwrite(fd, "J", 1, 0) == 1);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 5, 0) == 5);
    printf("pread: \"%s\", offset still %lld\n", buf, (long long)lseek(fd, 0, SEEK_CUR));

    // Truncate and grow.
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("truncated size %lld\n", (long long)st.st_size);
    CHECK(ftruncate(fd, 8) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("grown size %lld\n", (long long)st.st_size);
    CHECK(close(fd) == 0);

    // Append.
    CHECK(truncate("data.txt", 5) == 0);
    fd = open("data.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(write(fd, "+more", 5) == 5);
    CHECK(close(fd) == 0);
    show("data.txt");

    // Rename, links.
    CHECK(rename("data.txt", "moved.txt") == 0);
    expect_error("open old name", open("data.txt", O_RDONLY));
    CHECK(link("moved.txt", "hard.txt") == 0);
    CHECK(stat("moved.txt", &st) == 0);
    printf("links after link %lld\n", (long long)st.st_nlink);
    CHECK(symlink("moved.txt", "sym.txt") == 0);
    char target[64] = {0};
    CHECK(readlink("sym.txt", target, sizeof target - 1) == 9);
    printf("readlink: %s\n", target);
    CHECK(lstat("sym.txt", &st) == 0);
    printf("lstat is link %d\n", S_ISLNK(st.st_mode));
    show("sym.txt");

    // Timestamps.
    struct timespec times[2] = {{1000000000, 0}, {1234567890, 5}};
    CHECK(utimensat(AT_FDCWD, "moved.txt", times, 0) == 0);
    CHECK(stat("moved.txt", &st) == 0);
    printf("mtime %lld.%09ld atime %lld\n", (long long)st.st_mtim.tv_sec,
           st.st_mtim.tv_nsec, (long long)st.st_atim.tv_sec);

    // Misuse.
    expect_error("create existing with O_EXCL",
                 open("moved.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = open("moved.txt", O_RDONLY);
    CHECK(fd >= 0);
    expect_error("write to read-only descriptor", (int)write(fd, "x", 1));
    CHECK(close(fd) == 0);
    expect_error("read closed descriptor", (int)read(fd, buf, 1));
    expect_error("open missing", open("missing.txt", O_RDONLY));
    expect_error("open file as directory", open("moved.txt/x", O_RDONLY));
    expect_error("seek stdout", (int)lseek(1, 0, SEEK_SET));

    // Clean up.
    CHECK(unlink("sym.txt") == 0);
    CHECK(unlink("hard.txt") == 0);
    CHECK(unlink("moved.txt") == 0);
    expect_error("unlink again", unlink("moved.txt"));
    printf("done\n");
    return 0;
}
