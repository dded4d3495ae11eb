//! `clock_res_get` and `clock_time_get`.

use crate::errno::WasiResult;
use crate::host;
use crate::memory::GuestMemory;
use crate::WasiCtx;

/// `clock_res_get(id, resolution_ptr)`.
pub(crate) fn clock_res_get(
    _ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    id: u32,
    out: u32,
) -> WasiResult<()> {
    let res = host::clock_resolution(id)?;
    mem.write_u64(out, res)
}

/// `clock_time_get(id, precision, time_ptr)`. The precision is a hint the
/// host clocks cannot use: they always answer as precisely as they can.
pub(crate) fn clock_time_get(
    _ctx: &mut WasiCtx,
    mem: &mut GuestMemory<'_>,
    id: u32,
    _precision: u64,
    out: u32,
) -> WasiResult<()> {
    let now = host::clock_time(id)?;
    mem.write_u64(out, now)
}
