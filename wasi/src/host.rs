//! Host system calls behind safe signatures.
//!
//! This is the crate's only `unsafe` code: each function passes pointers to
//! live Rust buffers and C strings to one libc call and turns its `-1` into
//! an [`Errno`]. Everything above works with [`OwnedFd`] / [`BorrowedFd`],
//! so a descriptor is never used after it is closed.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::errno::Errno;

/// A host call's result.
pub(crate) type HostResult<T> = Result<T, Errno>;

/// Flags for opening each intermediate directory of a path: never through
/// a symlink, and (on Linux) without needing read permission on it.
#[cfg(target_os = "linux")]
pub(crate) const WALK_FLAGS: i32 =
    libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
/// Flags for opening each intermediate directory of a path: never through
/// a symlink.
#[cfg(not(target_os = "linux"))]
pub(crate) const WALK_FLAGS: i32 =
    libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;

fn check(ret: libc::c_int) -> HostResult<libc::c_int> {
    if ret == -1 {
        Err(Errno::last_host())
    } else {
        Ok(ret)
    }
}

fn check_size(ret: libc::ssize_t) -> HostResult<usize> {
    if ret < 0 {
        Err(Errno::last_host())
    } else {
        Ok(ret as usize)
    }
}

/// A path component as a C string; an interior NUL cannot name a file.
pub(crate) fn c_name(name: &[u8]) -> HostResult<CString> {
    CString::new(name).map_err(|_| Errno::Inval)
}

/// `openat(dir, name, flags, mode)`.
pub(crate) fn open_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    flags: i32,
    mode: u32,
) -> HostResult<OwnedFd> {
    loop {
        // SAFETY: `name` is a NUL-terminated string that outlives the call;
        // `dir` is an open descriptor for the duration of the borrow.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                name.as_ptr(),
                flags | libc::O_CLOEXEC,
                mode as libc::c_uint,
            )
        };
        match check(fd) {
            // SAFETY: `openat` returned a fresh descriptor that nothing else owns.
            Ok(fd) => return Ok(unsafe { OwnedFd::from_raw_fd(fd) }),
            Err(Errno::Intr) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// What the guest needs to know of a host `stat`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// The WASI file type of a host `st_mode`.
pub(crate) fn filetype_of_mode(mode: libc::mode_t) -> u8 {
    use crate::abi::filetype;
    match mode & libc::S_IFMT {
        libc::S_IFREG => filetype::REGULAR_FILE,
        libc::S_IFDIR => filetype::DIRECTORY,
        libc::S_IFLNK => filetype::SYMBOLIC_LINK,
        libc::S_IFCHR => filetype::CHARACTER_DEVICE,
        libc::S_IFBLK => filetype::BLOCK_DEVICE,
        libc::S_IFSOCK => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

fn nanos(secs: i64, nsecs: i64) -> u64 {
    (secs as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(nsecs as u64)
}

// The field types of `stat` differ between hosts; the casts are not
// redundant everywhere.
#[allow(clippy::unnecessary_cast)]
fn convert_stat(st: &libc::stat) -> Stat {
    Stat {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        filetype: filetype_of_mode(st.st_mode),
        nlink: st.st_nlink as u64,
        size: st.st_size as u64,
        atim: nanos(st.st_atime as i64, st.st_atime_nsec as i64),
        mtim: nanos(st.st_mtime as i64, st.st_mtime_nsec as i64),
        ctim: nanos(st.st_ctime as i64, st.st_ctime_nsec as i64),
    }
}

/// `fstat(fd)`.
pub(crate) fn stat_fd(fd: BorrowedFd<'_>) -> HostResult<Stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is valid for writes of a `stat`; `fd` is open.
    check(unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) })?;
    // SAFETY: `fstat` succeeded, so it initialised `st`.
    Ok(convert_stat(unsafe { st.assume_init_ref() }))
}

/// `fstatat(dir, name)`, never following a final symlink.
pub(crate) fn stat_at(dir: BorrowedFd<'_>, name: &CStr) -> HostResult<Stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is valid for writes of a `stat`; `name` is NUL-terminated.
    check(unsafe {
        libc::fstatat(
            dir.as_raw_fd(),
            name.as_ptr(),
            st.as_mut_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })?;
    // SAFETY: `fstatat` succeeded, so it initialised `st`.
    Ok(convert_stat(unsafe { st.assume_init_ref() }))
}

/// `read(fd, buf)`, retried on `EINTR`.
pub(crate) fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> HostResult<usize> {
    loop {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
        let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        match check_size(n) {
            Err(Errno::Intr) => continue,
            other => return other,
        }
    }
}

/// `write(fd, buf)`, retried on `EINTR`.
pub(crate) fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> HostResult<usize> {
    loop {
        // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
        let n = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
        match check_size(n) {
            Err(Errno::Intr) => continue,
            other => return other,
        }
    }
}

/// `pread(fd, buf, offset)`.
pub(crate) fn pread(fd: BorrowedFd<'_>, buf: &mut [u8], offset: u64) -> HostResult<usize> {
    let offset = libc::off_t::try_from(offset).map_err(|_| Errno::Inval)?;
    loop {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
        let n = unsafe { libc::pread(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), offset) };
        match check_size(n) {
            Err(Errno::Intr) => continue,
            other => return other,
        }
    }
}

/// `pwrite(fd, buf, offset)`.
pub(crate) fn pwrite(fd: BorrowedFd<'_>, buf: &[u8], offset: u64) -> HostResult<usize> {
    let offset = libc::off_t::try_from(offset).map_err(|_| Errno::Inval)?;
    loop {
        // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
        let n = unsafe { libc::pwrite(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len(), offset) };
        match check_size(n) {
            Err(Errno::Intr) => continue,
            other => return other,
        }
    }
}

/// `lseek(fd, offset, whence)`; returns the new offset.
pub(crate) fn seek(fd: BorrowedFd<'_>, offset: i64, whence: i32) -> HostResult<u64> {
    // SAFETY: plain integer arguments on an open descriptor.
    let pos = unsafe { libc::lseek(fd.as_raw_fd(), offset as libc::off_t, whence) };
    if pos < 0 {
        Err(Errno::last_host())
    } else {
        Ok(pos as u64)
    }
}

/// `readlinkat(dir, name)`: the link's whole target.
pub(crate) fn read_link_at(dir: BorrowedFd<'_>, name: &CStr) -> HostResult<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes; `name` is
        // NUL-terminated.
        let n = unsafe {
            libc::readlinkat(
                dir.as_raw_fd(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        let n = check_size(n)?;
        // A full buffer may mean a truncated target: retry larger.
        if n < buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        buf.resize(buf.len() * 2, 0);
    }
}

/// `mkdirat(dir, name, 0o777)`.
pub(crate) fn mkdir_at(dir: BorrowedFd<'_>, name: &CStr) -> HostResult<()> {
    // SAFETY: `name` is NUL-terminated; `dir` is open.
    check(unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), 0o777) }).map(drop)
}

/// `unlinkat(dir, name)`, removing a directory when `remove_dir` is set.
pub(crate) fn unlink_at(dir: BorrowedFd<'_>, name: &CStr, remove_dir: bool) -> HostResult<()> {
    let flags = if remove_dir { libc::AT_REMOVEDIR } else { 0 };
    // SAFETY: `name` is NUL-terminated; `dir` is open.
    check(unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), flags) }).map(drop)
}

/// `renameat(old_dir, old, new_dir, new)`.
pub(crate) fn rename_at(
    old_dir: BorrowedFd<'_>,
    old: &CStr,
    new_dir: BorrowedFd<'_>,
    new: &CStr,
) -> HostResult<()> {
    // SAFETY: both names are NUL-terminated; both directories are open.
    check(unsafe {
        libc::renameat(
            old_dir.as_raw_fd(),
            old.as_ptr(),
            new_dir.as_raw_fd(),
            new.as_ptr(),
        )
    })
    .map(drop)
}

/// `linkat(old_dir, old, new_dir, new, 0)`: never follows `old`.
pub(crate) fn link_at(
    old_dir: BorrowedFd<'_>,
    old: &CStr,
    new_dir: BorrowedFd<'_>,
    new: &CStr,
) -> HostResult<()> {
    // SAFETY: both names are NUL-terminated; both directories are open.
    check(unsafe {
        libc::linkat(
            old_dir.as_raw_fd(),
            old.as_ptr(),
            new_dir.as_raw_fd(),
            new.as_ptr(),
            0,
        )
    })
    .map(drop)
}

/// `symlinkat(target, dir, name)`.
pub(crate) fn symlink_at(target: &CStr, dir: BorrowedFd<'_>, name: &CStr) -> HostResult<()> {
    // SAFETY: both strings are NUL-terminated; `dir` is open.
    check(unsafe { libc::symlinkat(target.as_ptr(), dir.as_raw_fd(), name.as_ptr()) }).map(drop)
}

/// `ftruncate(fd, size)`.
pub(crate) fn truncate(fd: BorrowedFd<'_>, size: u64) -> HostResult<()> {
    let size = libc::off_t::try_from(size).map_err(|_| Errno::Fbig)?;
    // SAFETY: plain integer arguments on an open descriptor.
    check(unsafe { libc::ftruncate(fd.as_raw_fd(), size) }).map(drop)
}

/// `fsync(fd)`, or `fdatasync(fd)` when only the data must reach the disk.
pub(crate) fn sync(fd: BorrowedFd<'_>, data_only: bool) -> HostResult<()> {
    #[cfg(target_os = "linux")]
    if data_only {
        // SAFETY: plain call on an open descriptor.
        return check(unsafe { libc::fdatasync(fd.as_raw_fd()) }).map(drop);
    }
    let _ = data_only;
    // SAFETY: plain call on an open descriptor.
    check(unsafe { libc::fsync(fd.as_raw_fd()) }).map(drop)
}

/// `posix_fadvise(fd, offset, len, advice)`; advice is only a hint, so
/// hosts without the call accept it and do nothing.
pub(crate) fn advise(fd: BorrowedFd<'_>, offset: u64, len: u64, advice: u8) -> HostResult<()> {
    #[cfg(target_os = "linux")]
    {
        let advice = match advice {
            0 => libc::POSIX_FADV_NORMAL,
            1 => libc::POSIX_FADV_SEQUENTIAL,
            2 => libc::POSIX_FADV_RANDOM,
            3 => libc::POSIX_FADV_WILLNEED,
            4 => libc::POSIX_FADV_DONTNEED,
            _ => libc::POSIX_FADV_NOREUSE,
        };
        let offset = libc::off_t::try_from(offset).map_err(|_| Errno::Inval)?;
        let len = libc::off_t::try_from(len).map_err(|_| Errno::Inval)?;
        // SAFETY: plain integer arguments on an open descriptor.
        let rc = unsafe { libc::posix_fadvise(fd.as_raw_fd(), offset, len, advice) };
        // posix_fadvise returns the error instead of setting errno.
        if rc != 0 {
            return Err(Errno::from_host(rc));
        }
    }
    let _ = (fd, offset, len, advice);
    Ok(())
}

/// `posix_fallocate(fd, offset, len)`.
pub(crate) fn allocate(fd: BorrowedFd<'_>, offset: u64, len: u64) -> HostResult<()> {
    let offset = libc::off_t::try_from(offset).map_err(|_| Errno::Inval)?;
    let len = libc::off_t::try_from(len).map_err(|_| Errno::Inval)?;
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain integer arguments on an open descriptor.
        let rc = unsafe { libc::posix_fallocate(fd.as_raw_fd(), offset, len) };
        // posix_fallocate returns the error instead of setting errno.
        if rc != 0 {
            return Err(Errno::from_host(rc));
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without the call, growing the file to cover the range is the
        // observable part of the contract.
        let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
        if (stat_fd(fd)?.size as i64) < end {
            truncate(fd, end as u64)?;
        }
        Ok(())
    }
}

/// A new value for one timestamp.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum TimeSet {
    /// Leave it as it is.
    Omit,
    /// Set it to the current time.
    Now,
    /// Set it to this many nanoseconds since the epoch.
    At(u64),
}

impl TimeSet {
    fn timespec(self) -> libc::timespec {
        let (tv_sec, tv_nsec) = match self {
            TimeSet::Omit => (0, libc::UTIME_OMIT),
            TimeSet::Now => (0, libc::UTIME_NOW),
            TimeSet::At(ns) => (
                (ns / 1_000_000_000) as libc::time_t,
                (ns % 1_000_000_000) as _,
            ),
        };
        libc::timespec { tv_sec, tv_nsec }
    }
}

/// `futimens(fd, [atime, mtime])`.
pub(crate) fn set_times_fd(fd: BorrowedFd<'_>, atime: TimeSet, mtime: TimeSet) -> HostResult<()> {
    let times = [atime.timespec(), mtime.timespec()];
    // SAFETY: `times` is an array of two timespecs, as futimens reads.
    check(unsafe { libc::futimens(fd.as_raw_fd(), times.as_ptr()) }).map(drop)
}

/// `utimensat(dir, name, [atime, mtime])`, never following a final symlink.
pub(crate) fn set_times_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    atime: TimeSet,
    mtime: TimeSet,
) -> HostResult<()> {
    let times = [atime.timespec(), mtime.timespec()];
    // SAFETY: `times` is an array of two timespecs; `name` is NUL-terminated.
    check(unsafe {
        libc::utimensat(
            dir.as_raw_fd(),
            name.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })
    .map(drop)
}

/// The descriptor's status flags (`fcntl(F_GETFL)`).
pub(crate) fn get_status_flags(fd: BorrowedFd<'_>) -> HostResult<i32> {
    // SAFETY: F_GETFL takes no pointer argument.
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })
}

/// Sets the descriptor's status flags (`fcntl(F_SETFL)`).
pub(crate) fn set_status_flags(fd: BorrowedFd<'_>, flags: i32) -> HostResult<()> {
    // SAFETY: F_SETFL takes an integer argument.
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags) }).map(drop)
}

/// One entry of a host directory listing.
#[derive(Clone, Debug)]
pub(crate) struct DirEntry {
    pub ino: u64,
    /// The WASI file type, or `None` when the host did not say.
    pub filetype: Option<u8>,
    pub name: Vec<u8>,
}

/// Lists the directory open as `fd`, from its start, including `.` and `..`.
pub(crate) fn read_dir(fd: BorrowedFd<'_>) -> HostResult<Vec<DirEntry>> {
    use crate::abi::filetype;
    // fdopendir takes ownership of its descriptor; give it a duplicate so the
    // guest's descriptor stays open.
    let dup = fd.try_clone_to_owned().map_err(Errno::from)?;
    // SAFETY: `dup` is an open directory descriptor; on success the stream
    // owns it (and `into_raw_fd` relinquishes ours).
    let dir = unsafe { libc::fdopendir(std::os::fd::IntoRawFd::into_raw_fd(dup)) };
    if dir.is_null() {
        return Err(Errno::last_host());
    }
    let mut entries = Vec::new();
    // SAFETY: `dir` is the valid stream opened above; the duplicate shares
    // the original's offset, which a previous listing left at the end.
    unsafe { libc::rewinddir(dir) };
    let result = loop {
        // readdir signals the end and errors alike with NULL; only errno
        // tells them apart.
        // SAFETY: writing the calling thread's errno.
        unsafe { *errno_location() = 0 };
        // SAFETY: `dir` is a valid stream until closedir below.
        let ent = unsafe { libc::readdir(dir) };
        if ent.is_null() {
            // SAFETY: reading the calling thread's errno.
            let code = unsafe { *errno_location() };
            break if code == 0 {
                Ok(())
            } else {
                Err(Errno::from_host(code))
            };
        }
        // SAFETY: a non-NULL entry is valid until the next readdir on `dir`;
        // its name is NUL-terminated.
        let (ino, d_type, name) = unsafe {
            let ent = &*ent;
            (
                ent.d_ino as u64,
                ent.d_type,
                CStr::from_ptr(ent.d_name.as_ptr()).to_bytes().to_vec(),
            )
        };
        let filetype = match d_type {
            libc::DT_REG => Some(filetype::REGULAR_FILE),
            libc::DT_DIR => Some(filetype::DIRECTORY),
            libc::DT_LNK => Some(filetype::SYMBOLIC_LINK),
            libc::DT_CHR => Some(filetype::CHARACTER_DEVICE),
            libc::DT_BLK => Some(filetype::BLOCK_DEVICE),
            libc::DT_SOCK => Some(filetype::SOCKET_STREAM),
            libc::DT_FIFO => Some(filetype::UNKNOWN),
            _ => None,
        };
        entries.push(DirEntry {
            ino,
            filetype,
            name,
        });
    };
    // SAFETY: closing the stream opened above, once; it closes `dup`.
    unsafe { libc::closedir(dir) };
    result.map(|()| entries)
}

#[cfg(target_os = "linux")]
fn errno_location() -> *mut libc::c_int {
    // SAFETY: always returns the calling thread's errno slot.
    unsafe { libc::__errno_location() }
}

#[cfg(not(target_os = "linux"))]
fn errno_location() -> *mut libc::c_int {
    // SAFETY: always returns the calling thread's errno slot.
    unsafe { libc::__error() }
}

/// The host clock for a WASI clock id.
fn host_clock(id: u32) -> HostResult<libc::clockid_t> {
    use crate::abi::clockid;
    Ok(match id {
        clockid::REALTIME => libc::CLOCK_REALTIME,
        clockid::MONOTONIC => libc::CLOCK_MONOTONIC,
        clockid::PROCESS_CPUTIME_ID => libc::CLOCK_PROCESS_CPUTIME_ID,
        clockid::THREAD_CPUTIME_ID => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(Errno::Inval),
    })
}

/// The current time of WASI clock `id`, in nanoseconds.
#[allow(clippy::unnecessary_cast)] // `timespec` field types differ between hosts
pub(crate) fn clock_time(id: u32) -> HostResult<u64> {
    let clock = host_clock(id)?;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is valid for writes of a timespec.
    check(unsafe { libc::clock_gettime(clock, &mut ts) })?;
    Ok(nanos(ts.tv_sec as i64, ts.tv_nsec as i64))
}

/// The resolution of WASI clock `id`, in nanoseconds.
#[allow(clippy::unnecessary_cast)] // `timespec` field types differ between hosts
pub(crate) fn clock_resolution(id: u32) -> HostResult<u64> {
    let clock = host_clock(id)?;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is valid for writes of a timespec.
    check(unsafe { libc::clock_getres(clock, &mut ts) })?;
    Ok(nanos(ts.tv_sec as i64, ts.tv_nsec as i64).max(1))
}

/// `poll(fds, timeout_ms)`; returns how many descriptors have events.
pub(crate) fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> HostResult<usize> {
    // SAFETY: `fds` is valid for reads and writes of `fds.len()` pollfds.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    check(n).map(|n| n as usize)
}

/// Fills `buf` with cryptographically secure random bytes.
pub(crate) fn random_fill(buf: &mut [u8]) -> HostResult<()> {
    #[cfg(target_os = "linux")]
    {
        let mut filled = 0;
        while filled < buf.len() {
            let rest = &mut buf[filled..];
            // SAFETY: `rest` is valid for writes of `rest.len()` bytes.
            let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
            match check_size(n) {
                Ok(n) => filled += n,
                Err(Errno::Intr) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(buf))
            .map_err(Errno::from)
    }
}

/// Whether `fd` is a terminal.
pub(crate) fn is_terminal(fd: BorrowedFd<'_>) -> bool {
    // SAFETY: plain call on an open descriptor.
    unsafe { libc::isatty(fd.as_raw_fd()) == 1 }
}
