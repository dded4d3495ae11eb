// Tries to leave the preopened directory (fd 3) every way a guest could,
// through the raw WASI calls, and through the C library. Every escape must
// fail with an errno; paths that stay inside must work.
//
// The directory must hold, as the test sets it up:
//   inside.txt            "inside"
//   sub/                  an empty directory
//   link_in -> inside.txt
//   link_sub -> sub
//   link_out_rel -> ../secret.txt
//   link_out_abs -> /<absolute host path>/secret.txt
//   link_dir_out -> ..
//   link_root -> /
//   link_dangling_out -> ../created_outside
// with secret.txt next to the directory, outside it.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define ROOT 3

static const char *name(__wasi_errno_t e) {
    switch (e) {
    case __WASI_ERRNO_SUCCESS: return "ok";
    case __WASI_ERRNO_BADF: return "badf";
    case __WASI_ERRNO_EXIST: return "exist";
    case __WASI_ERRNO_INVAL: return "inval";
    case __WASI_ERRNO_ISDIR: return "isdir";
    case __WASI_ERRNO_LOOP: return "loop";
    case __WASI_ERRNO_NOENT: return "noent";
    case __WASI_ERRNO_NOTDIR: return "notdir";
    case __WASI_ERRNO_NOTCAPABLE: return "notcapable";
    case __WASI_ERRNO_PERM: return "perm";
    default: return "other";
    }
}

static const __wasi_rights_t ALL = ~(__wasi_rights_t)0;

// path_open for reading; on success reads the file and closes it.
static void try_open(const char *path, __wasi_lookupflags_t follow) {
    __wasi_fd_t fd;
    __wasi_errno_t e =
        __wasi_path_open(ROOT, follow, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    if (e != __WASI_ERRNO_SUCCESS) {
        printf("open %s%s: %s\n", path, follow ? "" : " (nofollow)", name(e));
        return;
    }
    char buf[64] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    printf("open %s%s: ok, read %s \"%s\"\n", path, follow ? "" : " (nofollow)", name(e), buf);
    if (__wasi_fd_close(fd) != __WASI_ERRNO_SUCCESS) {
        printf("close failed\n");
    }
}

// path_open creating a file; on success closes it.
static void try_create(const char *path, __wasi_lookupflags_t follow) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(ROOT, follow, path, __WASI_OFLAGS_CREAT,
                                        __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
    printf("create %s%s: %s\n", path, follow ? "" : " (nofollow)", name(e));
    if (e == __WASI_ERRNO_SUCCESS && __wasi_fd_close(fd) != __WASI_ERRNO_SUCCESS) {
        printf("close failed\n");
    }
}

static void try_stat(const char *path, __wasi_lookupflags_t follow) {
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(ROOT, follow, path, &st);
    printf("stat %s%s: %s", path, follow ? "" : " (nofollow)", name(e));
    if (e == __WASI_ERRNO_SUCCESS) {
        printf(" (%s)", st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK ? "symlink"
                        : st.filetype == __WASI_FILETYPE_DIRECTORY   ? "directory"
                                                                     : "file");
    }
    printf("\n");
}

static void report(const char *what, __wasi_errno_t e) { printf("%s: %s\n", what, name(e)); }

int main(void) {
    const __wasi_lookupflags_t F = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
    printf("-- escapes through path_open\n");
    try_open("../secret.txt", F);
    try_open("/etc/passwd", F);
    try_open("sub/../../secret.txt", F);
    try_open("sub/../sub/../../secret.txt", F);
    try_open("./../secret.txt", F);
    try_open("link_out_rel", F);
    try_open("link_out_abs", F);
    try_open("link_dir_out/secret.txt", F);
    try_open("link_sub/../../secret.txt", F);
    try_open("link_root/etc/passwd", F);
    try_open("link_out_rel", 0);
    try_create("link_dangling_out", F);
    try_create("link_dangling_out", 0);
    try_create("../created_outside", F);

    printf("-- escapes through other path functions\n");
    try_stat("../secret.txt", F);
    try_stat("link_out_rel", F);
    try_stat("link_out_abs", F);
    try_stat("link_out_rel", 0);
    report("mkdir ../made_outside", __wasi_path_create_directory(ROOT, "../made_outside"));
    report("rename inside.txt -> ../moved", __wasi_path_rename(ROOT, "inside.txt", ROOT, "../moved"));
    report("rename ../secret.txt -> stolen", __wasi_path_rename(ROOT, "../secret.txt", ROOT, "stolen"));
    report("hard link to followed link_out_rel",
           __wasi_path_link(ROOT, F, "link_out_rel", ROOT, "stolen"));
    report("hard link to ../secret.txt", __wasi_path_link(ROOT, 0, "../secret.txt", ROOT, "stolen"));
    report("unlink ../secret.txt", __wasi_path_unlink_file(ROOT, "../secret.txt"));
    report("rmdir ../", __wasi_path_remove_directory(ROOT, ".."));
    report("symlink with absolute target", __wasi_path_symlink("/etc/passwd", ROOT, "abs_link"));
    report("symlink placed outside", __wasi_path_symlink("inside.txt", ROOT, "../planted"));
    report("set times of ../secret.txt",
           __wasi_path_filestat_set_times(ROOT, 0, "../secret.txt", 0, 0,
                                          __WASI_FSTFLAGS_MTIM_NOW));
    char buf[64];
    __wasi_size_t used;
    report("readlink ../x", __wasi_path_readlink(ROOT, "../x", (uint8_t *)buf, sizeof buf, &used));
    report("symlink ../secret.txt as rel_link (allowed)",
           __wasi_path_symlink("../secret.txt", ROOT, "rel_link"));
    try_open("rel_link", F);
    report("unlink rel_link", __wasi_path_unlink_file(ROOT, "rel_link"));
    __wasi_fd_t fd;
    report("open through a closed descriptor",
           __wasi_path_open(99, F, "inside.txt", 0, ALL, ALL, 0, &fd));

    printf("-- paths that stay inside\n");
    try_open("inside.txt", F);
    try_open("link_in", F);
    try_open("sub/../inside.txt", F);
    try_open("link_sub/../inside.txt", F);
    try_stat("link_sub", F);
    try_stat(".", F);

    printf("-- through the C library\n");
    const char *paths[] = {"/etc/passwd", "../secret.txt", "link_out_rel", "link_dir_out/secret.txt"};
    for (unsigned i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        int cfd = open(paths[i], O_RDONLY);
        printf("open(\"%s\"): %s\n", paths[i], cfd >= 0 ? "opened!" : strerror(errno));
        if (cfd >= 0) {
            close(cfd);
        }
    }
    return 0;
}
