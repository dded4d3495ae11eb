//! Resolving guest paths without leaving the directory they start from.
//!
//! A guest path is never joined onto a host path string. It is walked one
//! component at a time from the directory descriptor the guest named:
//! each intermediate directory is opened with `O_NOFOLLOW | O_DIRECTORY`
//! relative to the previous one, `..` pops back to the previous descriptor
//! (and fails at the starting directory), and a symlink is read and its
//! target spliced into the walk, so it is subject to the same rules. The
//! last component is handed to an `*at` call on its parent descriptor,
//! which never follows a symlink itself.
//!
//! So neither a race (renaming a directory or swapping in a symlink while
//! the walk runs) nor any spelling of a path can make the host resolve
//! anything above the starting directory. Escapes fail with `ENOTCAPABLE`:
//! an absolute path, a `..` above the start, a symlink with an absolute
//! target, or one whose relative target climbs above the start.

use std::ffi::CString;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::errno::Errno;
use crate::host;

/// Symlinks followed in one resolution before it fails with `ELOOP`, as
/// Linux's own limit.
const MAX_SYMLINKS: usize = 40;

/// A resolved path: the directory holding its last component, and that
/// component's name.
#[derive(Debug)]
pub(crate) struct Resolved<'a> {
    parent: Parent<'a>,
    /// The last component: a plain name, or `.` for the directory itself.
    pub name: CString,
    /// The guest's path ended in `/`, so it must name a directory.
    pub trailing_slash: bool,
}

#[derive(Debug)]
enum Parent<'a> {
    Start(BorrowedFd<'a>),
    Opened(OwnedFd),
}

impl Resolved<'_> {
    /// The directory holding the last component.
    pub fn dir(&self) -> BorrowedFd<'_> {
        match &self.parent {
            Parent::Start(fd) => *fd,
            Parent::Opened(fd) => fd.as_fd(),
        }
    }
}

/// Whether a final symlink is followed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Follow {
    /// Resolve a symlink named by the last component.
    Yes,
    /// Leave it for the operation to see as a symlink.
    No,
}

/// Resolves `path` inside the directory `start`.
pub(crate) fn resolve<'a>(
    start: BorrowedFd<'a>,
    path: &[u8],
    follow: Follow,
) -> Result<Resolved<'a>, Errno> {
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if path.contains(&0) {
        return Err(Errno::Inval);
    }
    if path[0] == b'/' {
        return Err(Errno::Notcapable);
    }
    let trailing_slash = path.ends_with(b"/") || path.ends_with(b"/.");

    // Components still to walk, the next one last.
    let mut pending: Vec<Vec<u8>> = Vec::new();
    push_components(&mut pending, path);
    // Directories opened below `start`, the current one last.
    let mut opened: Vec<OwnedFd> = Vec::new();
    let mut symlinks = 0;

    loop {
        let component = pending.pop().expect("a walk always has a next component");
        let current = opened.last().map_or(start, |fd| fd.as_fd());
        let is_last = pending.is_empty();

        if component == b".." {
            if opened.pop().is_none() {
                return Err(Errno::Notcapable);
            }
            if is_last {
                return Ok(finish(start, opened, b".", trailing_slash));
            }
            continue;
        }
        if component == b"." {
            // Left only by a path or symlink target that is nothing but `.`.
            if is_last {
                return Ok(finish(start, opened, b".", trailing_slash));
            }
            continue;
        }
        let name = host::c_name(&component)?;

        if is_last {
            // A trailing slash follows a final symlink, as POSIX says. If
            // the name is not a symlink, or not there (yet), the operation
            // itself decides what that means.
            if follow == Follow::Yes || trailing_slash {
                if let Ok(target) = host::read_link_at(current, &name) {
                    splice(&mut pending, &target, &mut symlinks)?;
                    continue;
                }
            }
            return Ok(finish(start, opened, &component, trailing_slash));
        }

        match host::open_at(current, &name, host::WALK_FLAGS, 0) {
            Ok(dir) => opened.push(dir),
            Err(err @ (Errno::Loop | Errno::Notdir)) => match host::read_link_at(current, &name) {
                Ok(target) => splice(&mut pending, &target, &mut symlinks)?,
                Err(_) => return Err(err),
            },
            Err(err) => return Err(err),
        }
    }
}

/// Pushes the components of `path` so that the first is popped first.
/// Empty and `.` components are dropped; a path made only of them is `.`.
fn push_components(pending: &mut Vec<Vec<u8>>, path: &[u8]) {
    let before = pending.len();
    for component in path
        .split(|&b| b == b'/')
        .rev()
        .filter(|c| !c.is_empty() && *c != b".")
    {
        pending.push(component.to_vec());
    }
    if pending.len() == before {
        pending.push(b".".to_vec());
    }
}

/// Replaces a symlink by its target in the walk.
fn splice(pending: &mut Vec<Vec<u8>>, target: &[u8], symlinks: &mut usize) -> Result<(), Errno> {
    *symlinks += 1;
    if *symlinks > MAX_SYMLINKS {
        return Err(Errno::Loop);
    }
    if target.is_empty() {
        return Err(Errno::Noent);
    }
    if target[0] == b'/' {
        return Err(Errno::Notcapable);
    }
    push_components(pending, target);
    Ok(())
}

fn finish<'a>(
    start: BorrowedFd<'a>,
    mut opened: Vec<OwnedFd>,
    name: &[u8],
    trailing_slash: bool,
) -> Resolved<'a> {
    let parent = match opened.pop() {
        Some(fd) => Parent::Opened(fd),
        None => Parent::Start(start),
    };
    Resolved {
        parent,
        name: CString::new(name).expect("components hold no NUL"),
        trailing_slash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;
    use std::path::PathBuf;

    /// `root/` (the start) with `sub/file`, `link_sub -> sub`,
    /// `up -> ..`, `abs -> /`, `loop -> loop`, `here -> .`, next to `root/../outside`.
    fn tree(name: &str) -> (PathBuf, OwnedFd) {
        let base =
            std::env::temp_dir().join(format!("strata-wasi-sandbox-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let root = base.join("root");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/file"), b"in").unwrap();
        fs::write(base.join("outside"), b"out").unwrap();
        symlink("sub", root.join("link_sub")).unwrap();
        symlink("..", root.join("up")).unwrap();
        symlink("/", root.join("abs")).unwrap();
        symlink("loop", root.join("loop")).unwrap();
        symlink(".", root.join("here")).unwrap();
        let fd = OwnedFd::from(fs::File::open(&root).unwrap());
        (base, fd)
    }

    fn name_of(r: &Resolved<'_>) -> String {
        r.name.to_str().unwrap().to_string()
    }

    #[test]
    fn paths_inside_resolve() {
        let (_base, root) = tree("inside");
        let root = root.as_fd();
        for (path, name) in [
            ("sub/file", "file"),
            ("sub/../sub/./file", "file"),
            ("link_sub/file", "file"),
            ("./sub//file", "file"),
            ("sub/..", "."),
            (".", "."),
            ("sub/", "sub"),
            ("here/sub/file", "file"),
            ("here", "."),
        ] {
            let r = resolve(root, path.as_bytes(), Follow::Yes).unwrap();
            assert_eq!(name_of(&r), name, "{path}");
        }
        let r = resolve(root, b"link_sub", Follow::No).unwrap();
        assert_eq!(name_of(&r), "link_sub");
        let r = resolve(root, b"link_sub", Follow::Yes).unwrap();
        assert_eq!(name_of(&r), "sub");
    }

    #[test]
    fn escapes_fail_with_enotcapable() {
        let (_base, root) = tree("escapes");
        let root = root.as_fd();
        for path in [
            "..",
            "../outside",
            "sub/../../outside",
            "/etc/passwd",
            "up/outside",
            "abs/etc",
            "link_sub/../../outside",
        ] {
            let err = resolve(root, path.as_bytes(), Follow::Yes).unwrap_err();
            assert_eq!(err, Errno::Notcapable, "{path}");
        }
        // A final symlink out is refused only when followed.
        assert_eq!(
            resolve(root, b"up", Follow::Yes).unwrap_err(),
            Errno::Notcapable
        );
        assert_eq!(name_of(&resolve(root, b"up", Follow::No).unwrap()), "up");
    }

    #[test]
    fn loops_and_malformed_paths_fail_with_their_errno() {
        let (_base, root) = tree("loops");
        let root = root.as_fd();
        assert_eq!(
            resolve(root, b"loop/x", Follow::Yes).unwrap_err(),
            Errno::Loop
        );
        assert_eq!(
            resolve(root, b"loop", Follow::Yes).unwrap_err(),
            Errno::Loop
        );
        assert_eq!(resolve(root, b"", Follow::Yes).unwrap_err(), Errno::Noent);
        assert_eq!(
            resolve(root, b"sub\0/file", Follow::Yes).unwrap_err(),
            Errno::Inval
        );
        assert_eq!(
            resolve(root, b"missing/x", Follow::Yes).unwrap_err(),
            Errno::Noent
        );
        assert_eq!(
            resolve(root, b"sub/file/x", Follow::Yes).unwrap_err(),
            Errno::Notdir
        );
    }
}
