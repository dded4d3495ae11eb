//! Test fixtures that need nothing but the standard library, shared with
//! the command-line tests (which include this file by path): where the
//! programs are, their expected output, temporary directories, and the
//! directory tree the sandbox program tries to escape from.

#![allow(dead_code)] // each test file uses its own subset

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// `wasi/tests/programs/`, from any crate of the workspace.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasi/tests/programs")
}

/// The compiled test program `name`.
pub fn program(name: &str) -> PathBuf {
    programs_dir().join(format!("{name}.wasm"))
}

/// What program `name` must print, from `programs/NAME.stdout`.
pub fn expected_stdout(name: &str) -> String {
    fs::read_to_string(programs_dir().join(format!("{name}.stdout")))
        .expect("the expected output exists")
}

/// A fresh, empty directory for one test, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `strata-<pid>-<name>` under the system's temp directory.
    pub fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("strata-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Builds the tree `sandbox.c` expects: `base/sandbox/` to preopen, with
/// links pointing in and out, and `base/secret.txt` outside it. Returns the
/// sandbox directory.
pub fn sandbox_tree(base: &Path) -> PathBuf {
    let sandbox = base.join("sandbox");
    fs::create_dir_all(sandbox.join("sub")).unwrap();
    fs::write(base.join("secret.txt"), "TOP SECRET").unwrap();
    fs::write(sandbox.join("inside.txt"), "inside").unwrap();
    for (target, link) in [
        ("inside.txt", "link_in"),
        ("sub", "link_sub"),
        ("../secret.txt", "link_out_rel"),
        ("..", "link_dir_out"),
        ("/", "link_root"),
        ("../created_outside", "link_dangling_out"),
    ] {
        symlink(target, sandbox.join(link)).unwrap();
    }
    symlink(base.join("secret.txt"), sandbox.join("link_out_abs")).unwrap();
    sandbox
}

/// Everything under `base`, sorted, one line per entry: `path/` for a
/// directory, `path -> target` for a symlink, `path (N bytes, mtime)` for
/// a file. Equal snapshots mean nothing was created, removed or changed.
pub fn snapshot(base: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![base.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let shown = path.strip_prefix(base).unwrap().display().to_string();
            if meta.file_type().is_symlink() {
                out.push(format!(
                    "{shown} -> {}",
                    fs::read_link(&path).unwrap().display()
                ));
            } else if meta.is_dir() {
                out.push(format!("{shown}/"));
                stack.push(path);
            } else {
                out.push(format!(
                    "{shown} ({} bytes, {:?})",
                    meta.len(),
                    meta.modified().unwrap()
                ));
            }
        }
    }
    out.sort();
    out
}
