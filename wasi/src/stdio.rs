//! Standard input, output and error: the host's own, in-memory, or none.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::{Arc, Mutex};

use crate::abi::filetype;
use crate::errno::Errno;
use crate::host;

/// Where a guest's standard input comes from.
#[derive(Debug)]
pub(crate) enum Input {
    /// Always at end of file.
    Empty,
    /// The host process's standard input.
    Inherit,
    /// Fixed bytes, read once.
    Bytes { data: Vec<u8>, pos: usize },
}

impl Input {
    /// Reads into `buf`; 0 means end of file.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        match self {
            Input::Empty => Ok(0),
            Input::Inherit => host::read(io::stdin().as_fd(), buf),
            Input::Bytes { data, pos } => {
                let n = buf.len().min(data.len() - *pos);
                buf[..n].copy_from_slice(&data[*pos..*pos + n]);
                *pos += n;
                Ok(n)
            }
        }
    }

    /// Whether reading could block, so readiness must be asked of the
    /// host's standard input.
    pub fn is_host(&self) -> bool {
        matches!(self, Input::Inherit)
    }

    /// Bytes readable without blocking, when that is known.
    pub fn available(&self) -> u64 {
        match self {
            Input::Bytes { data, pos } => (data.len() - pos) as u64,
            _ => 0,
        }
    }

    /// The WASI file type to report.
    pub fn filetype(&self) -> u8 {
        match self {
            Input::Inherit => host_filetype(io::stdin().as_fd()),
            _ => filetype::UNKNOWN,
        }
    }
}

/// The file type the guest sees for an inherited descriptor: a terminal is
/// a character device (which wasi-libc's `isatty` looks for), a redirected
/// file is a regular file, anything else (a pipe) is unknown.
fn host_filetype(fd: BorrowedFd<'_>) -> u8 {
    match host::stat_fd(fd) {
        Ok(st) if st.filetype == filetype::REGULAR_FILE => filetype::REGULAR_FILE,
        Ok(_) if host::is_terminal(fd) => filetype::CHARACTER_DEVICE,
        _ => filetype::UNKNOWN,
    }
}

/// Where a guest's standard output or error goes.
#[derive(Debug)]
pub(crate) enum Output {
    /// Discarded.
    Sink,
    /// The host process's standard output.
    Stdout,
    /// The host process's standard error.
    Stderr,
    /// Collected in memory.
    Pipe(MemoryOutputPipe),
}

impl Output {
    /// Writes `buf`, returning how much was taken.
    pub fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        match self {
            Output::Sink => Ok(buf.len()),
            // Straight to the descriptor: std's stdout buffer would hold the
            // guest's output back until a newline or exit.
            Output::Stdout => host::write(io::stdout().as_fd(), buf),
            Output::Stderr => host::write(io::stderr().as_fd(), buf),
            Output::Pipe(pipe) => {
                pipe.lock().extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }

    /// The WASI file type to report.
    pub fn filetype(&self) -> u8 {
        match self {
            Output::Stdout => host_filetype(io::stdout().as_fd()),
            Output::Stderr => host_filetype(io::stderr().as_fd()),
            Output::Sink | Output::Pipe(_) => filetype::UNKNOWN,
        }
    }
}

/// An in-memory sink for a guest's output, shared with the embedder.
///
/// Clones share one buffer: keep a clone, give the other to
/// [`WasiCtxBuilder::stdout`](crate::WasiCtxBuilder::stdout), and read
/// [`contents`](MemoryOutputPipe::contents) after the guest ran.
#[derive(Clone, Debug, Default)]
pub struct MemoryOutputPipe {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl MemoryOutputPipe {
    /// An empty pipe.
    pub fn new() -> MemoryOutputPipe {
        MemoryOutputPipe::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // A writer that panicked left whole writes behind; the bytes are
        // still worth reading.
        self.buf.lock().unwrap_or_else(|p| p.into_inner())
    }
}
