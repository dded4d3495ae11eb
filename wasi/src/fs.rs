//! The `fd_*` functions on open descriptors: reading, writing, seeking,
//! status, flags, rights, sync, and the table operations (close, renumber).

use std::os::fd::BorrowedFd;

use crate::abi::{advice, fdflags, fstflags, layout, rights, whence};
use crate::errno::{Errno, WasiResult};
use crate::host::{self, Stat, TimeSet};
use crate::memory::{GuestMemory, Record};
use crate::table::Kind;
use crate::WasiCtx;

/// How much to transfer through one descriptor in one call: the guest
/// sees a short read or write and comes back for the rest, as with POSIX.
/// It also keeps the count the guest gets back within a `u32`.
const MAX_IO: usize = 1 << 30;

/// The part of an iovec of `len` bytes that still fits in one call after
/// `done` bytes.
fn capped(len: u32, done: usize) -> u32 {
    len.min((MAX_IO - done) as u32)
}

/// `fd_read(fd, iovs, iovs_len, nread_ptr)`.
pub(crate) fn fd_read(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nread: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_READ)?;
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let mut total = 0usize;
    for (buf, len) in iovs {
        let len = capped(len, total);
        let dest = mem.slice_mut(buf, len)?;
        let n = match &mut entry.kind {
            Kind::File(file) => host::read(std::os::fd::AsFd::as_fd(file), dest)?,
            Kind::Input(input) => input.read(dest)?,
            Kind::Dir(_) => return Err(Errno::Isdir.into()),
            Kind::Output(_) => return Err(Errno::Badf.into()),
        };
        total += n;
        // A short read means nothing more is ready; asking again could block.
        if n < len as usize || total >= MAX_IO {
            break;
        }
    }
    mem.write_u32(nread, total as u32)
}

/// `fd_write(fd, iovs, iovs_len, nwritten_ptr)`.
pub(crate) fn fd_write(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nwritten: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_WRITE)?;
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let mut total = 0usize;
    for (buf, len) in iovs {
        let len = capped(len, total);
        let src = mem.slice(buf, len)?;
        let written = match &mut entry.kind {
            Kind::File(file) => host::write(std::os::fd::AsFd::as_fd(file), src),
            Kind::Output(output) => output.write(src),
            Kind::Dir(_) => return Err(Errno::Isdir.into()),
            Kind::Input(_) => return Err(Errno::Badf.into()),
        };
        let n = match written {
            Ok(n) => n,
            // Earlier buffers were written: report those, as `writev` does;
            // the error comes back on the next write (a full pipe: ENOSPC).
            Err(_) if total > 0 => break,
            Err(errno) => return Err(errno.into()),
        };
        total += n;
        if n < len as usize || total >= MAX_IO {
            break;
        }
    }
    mem.write_u32(nwritten, total as u32)
}

/// `fd_pread(fd, iovs, iovs_len, offset, nread_ptr)`: reads at `offset`
/// without moving the descriptor's position.
pub(crate) fn fd_pread(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nread: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_READ | rights::FD_SEEK)?;
    let file = entry.file_fd()?;
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let mut total = 0usize;
    for (buf, len) in iovs {
        let len = capped(len, total);
        let at = offset.checked_add(total as u64).ok_or(Errno::Overflow)?;
        let n = host::pread(file, mem.slice_mut(buf, len)?, at)?;
        total += n;
        if n < len as usize || total >= MAX_IO {
            break;
        }
    }
    mem.write_u32(nread, total as u32)
}

/// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten_ptr)`: writes at
/// `offset` without moving the descriptor's position.
pub(crate) fn fd_pwrite(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nwritten: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_WRITE | rights::FD_SEEK)?;
    let file = entry.file_fd()?;
    let iovs = mem.iovecs(iovs, iovs_len)?;
    let mut total = 0usize;
    for (buf, len) in iovs {
        let len = capped(len, total);
        let at = offset.checked_add(total as u64).ok_or(Errno::Overflow)?;
        let n = host::pwrite(file, mem.slice(buf, len)?, at)?;
        total += n;
        if n < len as usize || total >= MAX_IO {
            break;
        }
    }
    mem.write_u32(nwritten, total as u32)
}

/// `fd_seek(fd, offset, whence, newoffset_ptr)`.
pub(crate) fn fd_seek(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    offset: i64,
    how: u32,
    out: u32,
) -> WasiResult<()> {
    // Asking where one is (seek by 0 from the current position) is `tell`.
    let needed = if offset == 0 && how == whence::CUR as u32 {
        rights::FD_TELL
    } else {
        rights::FD_SEEK
    };
    let how = match u8::try_from(how) {
        Ok(whence::SET) => libc::SEEK_SET,
        Ok(whence::CUR) => libc::SEEK_CUR,
        Ok(whence::END) => libc::SEEK_END,
        _ => return Err(Errno::Inval.into()),
    };
    let entry = ctx.table.get(fd, 0)?;
    let file = seekable(entry.host_fd())?;
    if entry.base & needed == 0 {
        return Err(Errno::Badf.into());
    }
    let pos = host::seek(file, offset, how)?;
    mem.write_u64(out, pos)
}

/// `fd_tell(fd, offset_ptr)`.
pub(crate) fn fd_tell(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, 0)?;
    let file = seekable(entry.host_fd())?;
    if entry.base & rights::FD_TELL == 0 {
        return Err(Errno::Badf.into());
    }
    let pos = host::seek(file, 0, libc::SEEK_CUR)?;
    mem.write_u64(out, pos)
}

/// Streams cannot seek: `ESPIPE`, as for a pipe, before the rights check
/// (they never have the right, and `ESPIPE` is what programs test for).
fn seekable(fd: Option<BorrowedFd<'_>>) -> Result<BorrowedFd<'_>, Errno> {
    fd.ok_or(Errno::Spipe)
}

/// `fd_close(fd)`. Preopened directories may be closed too.
pub(crate) fn fd_close(ctx: &mut WasiCtx, _mem: &mut GuestMemory<'_>, fd: u32) -> WasiResult<()> {
    ctx.table.remove(fd)?;
    Ok(())
}

/// `fd_renumber(fd, to)`: moves `fd` to `to`, closing what `to` was.
/// Both must be open.
pub(crate) fn fd_renumber(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    from: u32,
    to: u32,
) -> WasiResult<()> {
    if !ctx.table.contains(from) || !ctx.table.contains(to) {
        return Err(Errno::Badf.into());
    }
    if from != to {
        let entry = ctx.table.remove(from)?;
        ctx.table.insert(to, entry);
    }
    Ok(())
}

/// `fd_fdstat_get(fd, buf_ptr)`.
pub(crate) fn fd_fdstat_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, 0)?;
    let flags = match entry.host_fd() {
        Some(host_fd) => fdflags_of_host(host::get_status_flags(host_fd)?),
        None => entry.stream_flags,
    };
    let mut rec = Record::<{ layout::FDSTAT_SIZE as usize }>::new();
    rec.u8(0, entry.filetype()?)
        .u16(2, flags)
        .u64(8, entry.base)
        .u64(16, entry.inheriting);
    mem.write(out, &rec.0)
}

fn fdflags_of_host(flags: i32) -> u16 {
    let mut out = 0;
    if flags & libc::O_APPEND != 0 {
        out |= fdflags::APPEND;
    }
    if flags & libc::O_NONBLOCK != 0 {
        out |= fdflags::NONBLOCK;
    }
    if flags & libc::O_SYNC == libc::O_SYNC {
        out |= fdflags::SYNC;
    } else if flags & libc::O_DSYNC != 0 {
        out |= fdflags::DSYNC;
    }
    // RSYNC is not reported: Linux defines O_RSYNC as O_SYNC, so it cannot
    // be told apart.
    out
}

/// The host open flags for WASI `fdflags`.
pub(crate) fn host_flags_of(flags: u16) -> i32 {
    let mut out = 0;
    if flags & fdflags::APPEND != 0 {
        out |= libc::O_APPEND;
    }
    if flags & fdflags::NONBLOCK != 0 {
        out |= libc::O_NONBLOCK;
    }
    if flags & fdflags::DSYNC != 0 {
        out |= libc::O_DSYNC;
    }
    if flags & fdflags::SYNC != 0 {
        out |= libc::O_SYNC;
    }
    #[cfg(target_os = "linux")]
    if flags & fdflags::RSYNC != 0 {
        out |= libc::O_RSYNC;
    }
    out
}

/// `fd_fdstat_set_flags(fd, flags)`. Only `APPEND` and `NONBLOCK` can
/// change on an open host file; asking for the sync flags is `ENOTSUP`.
/// Streams keep `APPEND` (meaningless but harmless) and refuse the rest,
/// so a guest cannot make the embedder's own stdin non-blocking.
pub(crate) fn fd_fdstat_set_flags(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    flags: u32,
) -> WasiResult<()> {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let entry = ctx.table.get(fd, rights::FD_FDSTAT_SET_FLAGS)?;
    let changeable = fdflags::APPEND | fdflags::NONBLOCK;
    match entry.host_fd() {
        Some(host_fd) => {
            let current = host::get_status_flags(host_fd)?;
            if fdflags_of_host(current) & !changeable != flags & !changeable {
                return Err(Errno::Notsup.into());
            }
            let keep = current & !(libc::O_APPEND | libc::O_NONBLOCK);
            host::set_status_flags(host_fd, keep | host_flags_of(flags & changeable))?;
        }
        None => {
            if flags & !fdflags::APPEND != 0 {
                return Err(Errno::Notsup.into());
            }
            entry.stream_flags = flags;
        }
    }
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights can only shrink.
pub(crate) fn fd_fdstat_set_rights(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    base: u64,
    inheriting: u64,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, 0)?;
    if base & !entry.base != 0 || inheriting & !entry.inheriting != 0 {
        return Err(Errno::Notcapable.into());
    }
    entry.base = base;
    entry.inheriting = inheriting;
    Ok(())
}

/// Writes a `filestat` record.
pub(crate) fn write_filestat(mem: &mut GuestMemory<'_>, out: u32, st: &Stat) -> WasiResult<()> {
    let mut rec = Record::<{ layout::FILESTAT_SIZE as usize }>::new();
    rec.u64(0, st.dev)
        .u64(8, st.ino)
        .u8(16, st.filetype)
        .u64(24, st.nlink)
        .u64(32, st.size)
        .u64(40, st.atim)
        .u64(48, st.mtim)
        .u64(56, st.ctim);
    mem.write(out, &rec.0)
}

/// `fd_filestat_get(fd, buf_ptr)`.
pub(crate) fn fd_filestat_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_FILESTAT_GET)?;
    let st = match entry.host_fd() {
        Some(host_fd) => host::stat_fd(host_fd)?,
        // A stream has no inode of its own to show.
        None => Stat {
            dev: 0,
            ino: 0,
            filetype: entry.filetype()?,
            nlink: 1,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        },
    };
    write_filestat(mem, out, &st)
}

/// `fd_filestat_set_size(fd, size)`.
pub(crate) fn fd_filestat_set_size(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    size: u64,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_FILESTAT_SET_SIZE)?;
    host::truncate(entry.file_fd()?, size)?;
    Ok(())
}

/// The two timestamps that `fst_flags` asks to set.
pub(crate) fn time_sets(atim: u64, mtim: u64, flags: u32) -> Result<(TimeSet, TimeSet), Errno> {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let known = fstflags::ATIM | fstflags::ATIM_NOW | fstflags::MTIM | fstflags::MTIM_NOW;
    if flags & !known != 0 {
        return Err(Errno::Inval);
    }
    let pick = |value: u64, set: u16, now: u16| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::Inval),
        (true, false) => Ok(TimeSet::At(value)),
        (false, true) => Ok(TimeSet::Now),
        (false, false) => Ok(TimeSet::Omit),
    };
    Ok((
        pick(atim, fstflags::ATIM, fstflags::ATIM_NOW)?,
        pick(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?,
    ))
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`.
pub(crate) fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    atim: u64,
    mtim: u64,
    flags: u32,
) -> WasiResult<()> {
    let (atime, mtime) = time_sets(atim, mtim, flags)?;
    let entry = ctx.table.get(fd, rights::FD_FILESTAT_SET_TIMES)?;
    let host_fd = entry.host_fd().ok_or(Errno::Badf)?;
    host::set_times_fd(host_fd, atime, mtime)?;
    Ok(())
}

/// `fd_advise(fd, offset, len, advice)`.
pub(crate) fn fd_advise(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    len: u64,
    how: u32,
) -> WasiResult<()> {
    let how = u8::try_from(how)
        .ok()
        .filter(|&a| a <= advice::MAX)
        .ok_or(Errno::Inval)?;
    let entry = ctx.table.get(fd, rights::FD_ADVISE)?;
    host::advise(entry.file_fd()?, offset, len, how)?;
    Ok(())
}

/// `fd_allocate(fd, offset, len)`.
pub(crate) fn fd_allocate(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    offset: u64,
    len: u64,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_ALLOCATE)?;
    host::allocate(entry.file_fd()?, offset, len)?;
    Ok(())
}

/// `fd_sync(fd)`.
pub(crate) fn fd_sync(ctx: &mut WasiCtx, _mem: &mut GuestMemory<'_>, fd: u32) -> WasiResult<()> {
    sync(ctx, fd, rights::FD_SYNC, false)
}

/// `fd_datasync(fd)`.
pub(crate) fn fd_datasync(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
) -> WasiResult<()> {
    sync(ctx, fd, rights::FD_DATASYNC, true)
}

/// Flushes a file to its storage. A stream has nothing buffered in the
/// host to flush.
fn sync(ctx: &mut WasiCtx, fd: u32, right: u64, data_only: bool) -> WasiResult<()> {
    let entry = ctx.table.get(fd, right)?;
    if let Some(host_fd) = entry.host_fd() {
        host::sync(host_fd, data_only)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_times_flags_are_validated() {
        assert_eq!(
            time_sets(1, 2, (fstflags::ATIM | fstflags::MTIM_NOW) as u32),
            Ok((TimeSet::At(1), TimeSet::Now))
        );
        assert_eq!(time_sets(1, 2, 0), Ok((TimeSet::Omit, TimeSet::Omit)));
        assert_eq!(
            time_sets(1, 2, (fstflags::ATIM | fstflags::ATIM_NOW) as u32),
            Err(Errno::Inval)
        );
        assert_eq!(time_sets(1, 2, 1 << 4), Err(Errno::Inval));
    }

    #[test]
    fn fdflags_round_trip_through_host_flags() {
        for flags in [
            0,
            fdflags::APPEND,
            fdflags::NONBLOCK,
            fdflags::APPEND | fdflags::DSYNC,
            fdflags::SYNC,
        ] {
            assert_eq!(fdflags_of_host(host_flags_of(flags)), flags, "{flags:#x}");
        }
    }
}
