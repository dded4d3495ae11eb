//! WASI preview 1 (`wasi_snapshot_preview1`) for Strata, built on its
//! public [`Linker`] API.
//!
//! All 46 functions of the preview 1 specification are defined (listed in
//! [`FUNCTIONS`]). The state they share, a [`WasiCtx`], lives in the
//! store's data:
//!
//! ```no_run
//! use strata::{Engine, Linker, Module, Store};
//! use strata_wasi::{I32Exit, WasiCtx};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, std::fs::read("hello.wasm")?)?;
//! let mut linker = Linker::new(&engine);
//! strata_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
//! let wasi = WasiCtx::builder()
//!     .arg("hello.wasm")
//!     .inherit_stdio()
//!     .preopened_dir(".", ".")?
//!     .build();
//! let mut store = Store::new(&engine, wasi);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
//! match start.call(&mut store, ()) {
//!     Ok(()) => {}
//!     Err(err) => match I32Exit::from_error(&err) {
//!         Some(I32Exit(status)) => std::process::exit(status),
//!         None => return Err(err.into()),
//!     },
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Sandboxing
//!
//! A guest reaches the host file system only through the directories
//! preopened for it, and nothing outside them: paths are resolved inside
//! the preopened directory's descriptor one component at a time, never by
//! joining strings onto a host path. Absolute paths, `..` above the
//! preopen, and symlinks whose targets are absolute or climb above it fail
//! with `ENOTCAPABLE`; a symlink that stays inside is followed.
//!
//! # Exit
//!
//! `proc_exit` is not a trap. The call into the guest fails with an error
//! carrying an [`I32Exit`] (see [`I32Exit::from_error`]), and [`WasiCtx::exit_code`]
//! holds the status, so an embedder can exit with it.
//!
//! # Errors
//!
//! Host errors map to the WASI errno of the same name. A pointer outside
//! the guest's memory is `EFAULT`. A descriptor lacking the right an
//! operation needs is `EBADF`, as POSIX reports writing to a read-only
//! descriptor. The `sock_*` functions answer `ENOTSOCK` (no descriptor is
//! a socket) and `proc_raise` answers `ENOSYS`. An in-memory
//! [`MemoryOutputPipe`] holds at most its capacity: a write takes what
//! still fits and reports the shorter count, and once the pipe is full,
//! writes fail with `ENOSPC`.

#![warn(missing_docs)]

#[allow(dead_code)] // the whole ABI is listed, whether used yet or not
mod abi;
mod args;
mod clock;
mod ctx;
mod dir;
mod errno;
mod fs;
mod host;
mod linker;
mod memory;
mod path;
mod poll;
mod proc;
mod random;
mod sandbox;
mod sock;
mod stdio;
mod table;

use std::fmt;

use strata::{Error, Linker};

pub use ctx::{WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
pub use linker::FUNCTIONS;
pub use stdio::MemoryOutputPipe;

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Defines every WASI preview 1 function in `linker`, using the
/// [`WasiCtx`] that `get_cx` finds in the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> strata::Result<()> {
    linker::define_all(linker, get_cx)
}

/// The status a guest passed to `proc_exit`: how a run that ended on
/// purpose is told apart from a failure.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct I32Exit(pub i32);

impl I32Exit {
    /// The exit status carried by `err`, if `proc_exit` raised it.
    pub fn from_error(err: &Error) -> Option<I32Exit> {
        err.downcast_ref::<I32Exit>().copied()
    }
}

impl fmt::Display for I32Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exited with i32 exit status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}

impl From<I32Exit> for Error {
    fn from(exit: I32Exit) -> Error {
        Error::host(exit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_errors_round_trip() {
        let err: Error = I32Exit(3).into();
        assert_eq!(I32Exit::from_error(&err), Some(I32Exit(3)));
        assert_eq!(
            I32Exit::from_error(&Error::msg("exited with i32 exit status 3")),
            None,
            "only the typed error counts, not its text"
        );
        assert_eq!(FUNCTIONS.len(), 46);
    }
}
