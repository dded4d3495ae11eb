//! `proc_exit`, `proc_raise` and `sched_yield`.

use crate::errno::{Errno, Fail, WasiResult};
use crate::memory::GuestMemory;
use crate::WasiCtx;

/// Exit statuses a guest may pass to `proc_exit`. Larger ones collide with
/// the statuses shells give to signals and "command not found", so they
/// are refused, as wasmtime does.
pub(crate) const MAX_EXIT_STATUS: u32 = 125;

/// `proc_exit(rval)`: ends the guest's run with a status. Not a trap: the
/// call into the guest returns an error that [`I32Exit`](crate::I32Exit)
/// recognises, and [`WasiCtx::exit_code`] records the status.
pub(crate) fn proc_exit(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    status: u32,
) -> WasiResult<()> {
    if status > MAX_EXIT_STATUS {
        return Err(Fail::Host(strata::Error::msg(format!(
            "proc_exit with invalid exit status {status} (must be 0 to {MAX_EXIT_STATUS})"
        ))));
    }
    Err(Fail::Exit(status as i32))
}

/// `proc_raise(sig)`: `ENOSYS`. Signals do not exist in WASI (the function
/// was removed from later versions), and raising one in the host process
/// would let a guest kill its embedder.
pub(crate) fn proc_raise(
    _ctx: &mut WasiCtx,
    _mem: &mut GuestMemory<'_>,
    _signal: u32,
) -> WasiResult<()> {
    Err(Errno::Nosys.into())
}

/// `sched_yield()`.
pub(crate) fn sched_yield(_ctx: &mut WasiCtx, _mem: &mut GuestMemory<'_>) -> WasiResult<()> {
    std::thread::yield_now();
    Ok(())
}
