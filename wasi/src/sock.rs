//! `sock_*`: sockets. A context has no way to be given sockets, so no
//! descriptor is one: these answer `ENOTSOCK` for an open descriptor and
//! `EBADF` for a closed one, as a POSIX host does for a file.

use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::WasiCtx;

fn not_a_socket(ctx: &mut WasiCtx, fd: u32) -> WasiResult<()> {
    ctx.table.get(fd, 0)?;
    Err(Errno::Notsock.into())
}

/// `sock_accept(fd, flags, result_fd_ptr)`.
pub(crate) fn sock_accept(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    _flags: u32,
    _result_fd: u32,
) -> WasiResult<()> {
    not_a_socket(ctx, fd)
}

/// `sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags)`.
#[allow(clippy::too_many_arguments)] // the WASI signature
pub(crate) fn sock_recv(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    _iovs: u32,
    _iovs_len: u32,
    _flags: u32,
    _datalen: u32,
    _out_flags: u32,
) -> WasiResult<()> {
    not_a_socket(ctx, fd)
}

/// `sock_send(fd, si_data, si_data_len, si_flags, so_datalen)`.
pub(crate) fn sock_send(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    _iovs: u32,
    _iovs_len: u32,
    _flags: u32,
    _datalen: u32,
) -> WasiResult<()> {
    not_a_socket(ctx, fd)
}

/// `sock_shutdown(fd, how)`.
pub(crate) fn sock_shutdown(
    ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    fd: u32,
    _how: u32,
) -> WasiResult<()> {
    not_a_socket(ctx, fd)
}
