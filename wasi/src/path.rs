//! The `path_*` functions: everything that names a file by a path
//! relative to a directory descriptor. Paths go through
//! [`sandbox::resolve`](crate::sandbox::resolve), never straight to the host.

use std::os::fd::AsFd;

use crate::abi::{filetype, lookupflags, oflags, rights};
use crate::errno::{Errno, WasiResult};
use crate::fs::{host_flags_of, time_sets, write_filestat};
use crate::host;
use crate::memory::GuestMemory;
use crate::sandbox::{resolve, Follow, Resolved};
use crate::table::{Dir, Entry, Kind};
use crate::WasiCtx;

/// Reads a guest path.
fn read_path(mem: &mut GuestMemory<'_>, ptr: u32, len: u32) -> WasiResult<Vec<u8>> {
    Ok(mem.slice(ptr, len)?.to_vec())
}

fn follow_of(flags: u32) -> Follow {
    if flags & lookupflags::SYMLINK_FOLLOW != 0 {
        Follow::Yes
    } else {
        Follow::No
    }
}

/// Runs `op` on `path` resolved in directory `fd`, which needs `right`.
fn with_path<R>(
    ctx: &mut WasiCtx,
    fd: u32,
    right: u64,
    path: &[u8],
    follow: Follow,
    op: impl FnOnce(&Resolved<'_>) -> Result<R, Errno>,
) -> WasiResult<R> {
    let dir = ctx.table.lookup(fd, right)?.dir()?;
    let resolved = resolve(dir.fd.as_fd(), path, follow)?;
    Ok(op(&resolved)?)
}

/// A path with a trailing `/` names a directory; operations on other files
/// through one fail as POSIX says.
fn require_dir_if_slashed(r: &Resolved<'_>) -> Result<(), Errno> {
    if r.trailing_slash {
        require_dir(r)?;
    }
    Ok(())
}

/// `path_open(fd, dirflags, path, path_len, oflags, fs_rights_base,
/// fs_rights_inheriting, fdflags, opened_fd_ptr)`.
///
/// The new descriptor's rights are those asked for, limited to what the
/// directory passes on and to what its file type supports. The host file
/// is opened for reading and/or writing according to those rights.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub(crate) fn path_open(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    dirflags: u32,
    path: u32,
    path_len: u32,
    open_flags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fd_flags: u32,
    opened: u32,
) -> WasiResult<()> {
    let path = read_path(mem, path, path_len)?;
    let open_flags = u16::try_from(open_flags).map_err(|_| Errno::Inval)?;
    let fd_flags = u16::try_from(fd_flags).map_err(|_| Errno::Inval)?;

    let mut needed = rights::PATH_OPEN;
    if open_flags & oflags::CREAT != 0 {
        needed |= rights::PATH_CREATE_FILE;
    }
    if open_flags & oflags::TRUNC != 0 {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    let parent = ctx.table.get(fd, needed)?;
    let inherit = parent.inheriting;
    let base = rights_base & inherit;
    let inheriting = rights_inheriting & inherit;

    let read = base & (rights::FD_READ | rights::FD_READDIR) != 0;
    let write = base
        & (rights::FD_WRITE
            | rights::FD_DATASYNC
            | rights::FD_ALLOCATE
            | rights::FD_FILESTAT_SET_SIZE)
        != 0;
    let mut flags = match (read, write) {
        (_, false) => libc::O_RDONLY,
        (false, true) => libc::O_WRONLY,
        (true, true) => libc::O_RDWR,
    };
    flags |= libc::O_NOFOLLOW | host_flags_of(fd_flags);
    if open_flags & oflags::CREAT != 0 {
        flags |= libc::O_CREAT;
    }
    if open_flags & oflags::EXCL != 0 {
        flags |= libc::O_EXCL;
    }
    if open_flags & oflags::TRUNC != 0 {
        flags |= libc::O_TRUNC;
    }
    let dir = parent.dir()?;
    let resolved = resolve(dir.fd.as_fd(), &path, follow_of(dirflags))?;
    if open_flags & oflags::DIRECTORY != 0 || resolved.trailing_slash {
        flags |= libc::O_DIRECTORY;
    }
    let file = host::open_at(resolved.dir(), &resolved.name, flags, 0o666)?;
    drop(resolved);

    let entry = if host::stat_fd(file.as_fd())?.filetype == filetype::DIRECTORY {
        Entry {
            kind: Kind::Dir(Dir {
                fd: file,
                preopen: None,
                listing: None,
            }),
            base: base & rights::DIRECTORY,
            inheriting,
            stream_flags: 0,
        }
    } else {
        Entry {
            kind: Kind::File(file),
            base: base & rights::FILE,
            inheriting: 0,
            stream_flags: 0,
        }
    };
    let new_fd = ctx.table.push(entry)?;
    if let Err(err) = mem.write_u32(opened, new_fd) {
        // The guest cannot learn the number, so it could never close it.
        let _ = ctx.table.remove(new_fd);
        return Err(err);
    }
    Ok(())
}

/// `path_create_directory(fd, path, path_len)`.
pub(crate) fn path_create_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult<()> {
    let path = read_path(mem, path, path_len)?;
    with_path(
        ctx,
        fd,
        rights::PATH_CREATE_DIRECTORY,
        &path,
        Follow::No,
        |r| host::mkdir_at(r.dir(), &r.name),
    )
}

/// `path_remove_directory(fd, path, path_len)`.
pub(crate) fn path_remove_directory(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult<()> {
    let path = read_path(mem, path, path_len)?;
    with_path(
        ctx,
        fd,
        rights::PATH_REMOVE_DIRECTORY,
        &path,
        Follow::No,
        |r| host::unlink_at(r.dir(), &r.name, true),
    )
}

/// `path_unlink_file(fd, path, path_len)`.
pub(crate) fn path_unlink_file(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult<()> {
    let path = read_path(mem, path, path_len)?;
    with_path(ctx, fd, rights::PATH_UNLINK_FILE, &path, Follow::No, |r| {
        if r.trailing_slash {
            // `file/` names no file; a directory is not unlinked this way.
            let st = host::stat_at(r.dir(), &r.name)?;
            return Err(if st.filetype == filetype::DIRECTORY {
                Errno::Isdir
            } else {
                Errno::Notdir
            });
        }
        host::unlink_at(r.dir(), &r.name, false)
    })
}

/// `path_filestat_get(fd, flags, path, path_len, buf_ptr)`.
pub(crate) fn path_filestat_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    out: u32,
) -> WasiResult<()> {
    let path = read_path(mem, path, path_len)?;
    let st = with_path(
        ctx,
        fd,
        rights::PATH_FILESTAT_GET,
        &path,
        follow_of(flags),
        |r| {
            require_dir_if_slashed(r)?;
            host::stat_at(r.dir(), &r.name)
        },
    )?;
    write_filestat(mem, out, &st)
}

/// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub(crate) fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> WasiResult<()> {
    let path = read_path(mem, path, path_len)?;
    let (atime, mtime) = time_sets(atim, mtim, fst_flags)?;
    with_path(
        ctx,
        fd,
        rights::PATH_FILESTAT_SET_TIMES,
        &path,
        follow_of(flags),
        |r| {
            require_dir_if_slashed(r)?;
            host::set_times_at(r.dir(), &r.name, atime, mtime)
        },
    )
}

/// `path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr)`. A target
/// longer than the buffer is cut short, as POSIX `readlink` does.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub(crate) fn path_readlink(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> WasiResult<()> {
    let path = read_path(mem, path, path_len)?;
    let target = with_path(ctx, fd, rights::PATH_READLINK, &path, Follow::No, |r| {
        host::read_link_at(r.dir(), &r.name)
    })?;
    let n = target.len().min(buf_len as usize);
    mem.write(buf, &target[..n])?;
    mem.write_u32(bufused, n as u32)
}

/// `path_symlink(old_path, old_path_len, fd, new_path, new_path_len)`:
/// creates `new_path` pointing at `old_path`.
///
/// An absolute target is refused (`ENOTCAPABLE`): the guest could never
/// follow it, and the host's own programs would follow it out of the
/// sandbox. A relative target may say anything, since following it is
/// resolved like any other path.
pub(crate) fn path_symlink(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_path: u32,
    old_path_len: u32,
    fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> WasiResult<()> {
    let target = read_path(mem, old_path, old_path_len)?;
    let new_path = read_path(mem, new_path, new_path_len)?;
    if target.first() == Some(&b'/') {
        return Err(Errno::Notcapable.into());
    }
    let target = host::c_name(&target)?;
    with_path(ctx, fd, rights::PATH_SYMLINK, &new_path, Follow::No, |r| {
        if r.trailing_slash {
            return Err(Errno::Noent);
        }
        host::symlink_at(&target, r.dir(), &r.name)
    })
}

/// Resolves both paths of a two-path function, each in its directory
/// (possibly the same descriptor), and calls `op` with them.
fn with_two_paths(
    ctx: &mut WasiCtx,
    (old_fd, old_right, old_path, old_follow): (u32, u64, &[u8], Follow),
    (new_fd, new_right, new_path): (u32, u64, &[u8]),
    op: impl FnOnce(&Resolved<'_>, &Resolved<'_>) -> Result<(), Errno>,
) -> WasiResult<()> {
    let old_dir = ctx.table.lookup(old_fd, old_right)?.dir()?;
    let new_dir = ctx.table.lookup(new_fd, new_right)?.dir()?;
    let old = resolve(old_dir.fd.as_fd(), old_path, old_follow)?;
    let new = resolve(new_dir.fd.as_fd(), new_path, Follow::No)?;
    Ok(op(&old, &new)?)
}

/// Fails with `ENOTDIR` unless `r` names a directory.
fn require_dir(r: &Resolved<'_>) -> Result<(), Errno> {
    if host::stat_at(r.dir(), &r.name)?.filetype != filetype::DIRECTORY {
        return Err(Errno::Notdir);
    }
    Ok(())
}

/// `path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path,
/// new_path_len)`: a hard link. Both paths stay inside their sandboxes, so
/// no file outside can be linked in.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub(crate) fn path_link(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_fd: u32,
    old_flags: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> WasiResult<()> {
    let old_path = read_path(mem, old_path, old_path_len)?;
    let new_path = read_path(mem, new_path, new_path_len)?;
    with_two_paths(
        ctx,
        (
            old_fd,
            rights::PATH_LINK_SOURCE,
            &old_path,
            follow_of(old_flags),
        ),
        (new_fd, rights::PATH_LINK_TARGET, &new_path),
        |old, new| {
            if old.trailing_slash || new.trailing_slash {
                // Only a directory could be named so, and directories
                // cannot be hard-linked.
                require_dir(old)?;
                return Err(Errno::Perm);
            }
            host::link_at(old.dir(), &old.name, new.dir(), &new.name)
        },
    )
}

/// `path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)`.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub(crate) fn path_rename(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    old_fd: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> WasiResult<()> {
    let old_path = read_path(mem, old_path, old_path_len)?;
    let new_path = read_path(mem, new_path, new_path_len)?;
    with_two_paths(
        ctx,
        (old_fd, rights::PATH_RENAME_SOURCE, &old_path, Follow::No),
        (new_fd, rights::PATH_RENAME_TARGET, &new_path),
        |old, new| {
            if old.trailing_slash || new.trailing_slash {
                require_dir(old)?;
            }
            host::rename_at(old.dir(), &old.name, new.dir(), &new.name)
        },
    )
}
