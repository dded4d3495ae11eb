//! Directory descriptors: `fd_readdir` and the preopen queries
//! `fd_prestat_get` / `fd_prestat_dir_name`.

use crate::abi::{filetype, layout, rights, PREOPENTYPE_DIR};
use crate::errno::{Errno, WasiResult};
use crate::host;
use crate::memory::{GuestMemory, Record};
use crate::WasiCtx;

/// `fd_readdir(fd, buf, buf_len, cookie, bufused_ptr)`.
///
/// Entries are `dirent` headers each followed by its name (no NUL). The
/// cookie of an entry is its index in the listing plus one, so `d_next`
/// resumes after it. The buffer is filled completely, the last entry cut
/// short if need be: a full buffer is how the guest knows to call again.
pub(crate) fn fd_readdir(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
    bufused: u32,
) -> WasiResult<()> {
    let entry = ctx.table.get(fd, rights::FD_READDIR)?;
    let dir = entry.dir_mut()?;
    if cookie == 0 || dir.listing.is_none() {
        let mut listing = host::read_dir(std::os::fd::AsFd::as_fd(&dir.fd))?;
        // Hosts leave some types unknown; stat those so the guest need not.
        for e in listing.iter_mut().filter(|e| e.filetype.is_none()) {
            let st = host::c_name(&e.name)
                .and_then(|n| host::stat_at(std::os::fd::AsFd::as_fd(&dir.fd), &n));
            e.filetype = Some(st.map_or(filetype::UNKNOWN, |st| st.filetype));
        }
        dir.listing = Some(listing);
    }
    let listing = dir.listing.as_deref().unwrap_or_default();

    let mut out = Vec::with_capacity(buf_len as usize);
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (index, e) in listing.iter().enumerate().skip(start) {
        if out.len() >= buf_len as usize {
            break;
        }
        let mut header = Record::<{ layout::DIRENT_SIZE as usize }>::new();
        header
            .u64(0, index as u64 + 1)
            .u64(8, e.ino)
            .u32(16, e.name.len() as u32)
            .u8(20, e.filetype.unwrap_or(filetype::UNKNOWN));
        out.extend_from_slice(&header.0);
        out.extend_from_slice(&e.name);
    }
    out.truncate(buf_len as usize);
    mem.write(buf, &out)?;
    mem.write_u32(bufused, out.len() as u32)
}

/// The guest name of preopened directory `fd`; `EBADF` for any other
/// descriptor, which is how wasi-libc knows it has seen all preopens.
fn preopen_name(ctx: &mut WasiCtx, fd: u32) -> Result<Vec<u8>, Errno> {
    let entry = ctx.table.get(fd, 0)?;
    entry
        .dir()
        .ok()
        .and_then(|dir| dir.preopen.clone())
        .ok_or(Errno::Badf)
}

/// `fd_prestat_get(fd, buf_ptr)`.
pub(crate) fn fd_prestat_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    out: u32,
) -> WasiResult<()> {
    let name = preopen_name(ctx, fd)?;
    let mut rec = Record::<{ layout::PRESTAT_SIZE as usize }>::new();
    rec.u8(0, PREOPENTYPE_DIR).u32(4, name.len() as u32);
    mem.write(out, &rec.0)
}

/// `fd_prestat_dir_name(fd, path, path_len)`: the name, without a NUL.
pub(crate) fn fd_prestat_dir_name(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult<()> {
    let name = preopen_name(ctx, fd)?;
    if (path_len as usize) < name.len() {
        return Err(Errno::Nametoolong.into());
    }
    mem.write(path, &name)
}
