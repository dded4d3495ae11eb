//! `random_get`.

use crate::errno::WasiResult;
use crate::host;
use crate::memory::GuestMemory;
use crate::WasiCtx;

/// `random_get(buf, buf_len)`: fills the guest's buffer from the host's
/// cryptographically secure generator.
pub(crate) fn random_get(
    _ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    buf: u32,
    len: u32,
) -> WasiResult<()> {
    host::random_fill(mem.slice_mut(buf, len)?)?;
    Ok(())
}
