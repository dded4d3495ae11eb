//! `args_*` and `environ_*`: the program's arguments and environment.
//!
//! Both are lists of NUL-terminated strings that the guest copies out in
//! two steps: the sizes first, to allocate, then the pointers and bytes.

use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::WasiCtx;

/// Writes the count and the total byte size (with NULs) of `list`.
fn sizes_get(
    mem: &mut GuestMemory<'_>,
    list: &[Vec<u8>],
    count_ptr: u32,
    size_ptr: u32,
) -> WasiResult<()> {
    let count = u32::try_from(list.len()).map_err(|_| Errno::Overflow)?;
    let size: usize = list.iter().map(|s| s.len() + 1).sum();
    let size = u32::try_from(size).map_err(|_| Errno::Overflow)?;
    mem.write_u32(count_ptr, count)?;
    mem.write_u32(size_ptr, size)
}

/// Writes a pointer to each string into `ptrs` and the strings, each
/// followed by a NUL, one after another into `buf`.
fn list_get(mem: &mut GuestMemory<'_>, list: &[Vec<u8>], ptrs: u32, buf: u32) -> WasiResult<()> {
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        let slot = u32::try_from(i)
            .ok()
            .and_then(|i| i.checked_mul(4))
            .and_then(|off| ptrs.checked_add(off))
            .ok_or(Errno::Fault)?;
        mem.write_u32(slot, at)?;
        mem.write(at, s)?;
        let end = at.checked_add(s.len() as u32).ok_or(Errno::Fault)?;
        mem.write(end, &[0])?;
        at = end + 1;
    }
    Ok(())
}

/// `args_sizes_get(argc_ptr, argv_buf_size_ptr)`.
pub(crate) fn args_sizes_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    count_ptr: u32,
    size_ptr: u32,
) -> WasiResult<()> {
    sizes_get(mem, &ctx.args, count_ptr, size_ptr)
}

/// `args_get(argv, argv_buf)`.
pub(crate) fn args_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    ptrs: u32,
    buf: u32,
) -> WasiResult<()> {
    list_get(mem, &ctx.args, ptrs, buf)
}

/// `environ_sizes_get(count_ptr, size_ptr)`.
pub(crate) fn environ_sizes_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    count_ptr: u32,
    size_ptr: u32,
) -> WasiResult<()> {
    sizes_get(mem, &ctx.env, count_ptr, size_ptr)
}

/// `environ_get(environ, environ_buf)`.
pub(crate) fn environ_get(
    ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    ptrs: u32,
    buf: u32,
) -> WasiResult<()> {
    list_get(mem, &ctx.env, ptrs, buf)
}
