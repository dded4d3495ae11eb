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
            Output::Pipe(pipe) => pipe.write(buf),
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

/// An in-memory sink for a guest's output, shared with the embedder, that
/// holds at most a fixed number of bytes.
///
/// Clones share one buffer: keep a clone, give the other to
/// [`WasiCtxBuilder::stdout`](crate::WasiCtxBuilder::stdout), and read
/// [`contents`](MemoryOutputPipe::contents) after the guest ran.
///
/// The buffer never grows past its capacity, so a guest cannot use it to
/// exhaust the host's memory. A write takes what still fits, as a write to
/// a nearly full disk does, and reports the shorter count; once the pipe
/// is full, a write fails with [`Errno::Nospc`] ("no space left on
/// device"). Writing nothing always succeeds.
#[derive(Clone, Debug)]
pub struct MemoryOutputPipe {
    buf: Arc<Mutex<Vec<u8>>>,
    capacity: usize,
}

impl MemoryOutputPipe {
    /// An empty pipe that holds up to `capacity` bytes.
    pub fn new(capacity: usize) -> MemoryOutputPipe {
        MemoryOutputPipe {
            buf: Arc::default(),
            capacity,
        }
    }

    /// The most bytes the pipe holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().clone()
    }

    /// Appends as much of `buf` as fits, returning how much that was.
    fn write(&self, buf: &[u8]) -> Result<usize, Errno> {
        let mut contents = self.lock();
        let room = self.capacity.saturating_sub(contents.len());
        if room == 0 && !buf.is_empty() {
            return Err(Errno::Nospc);
        }
        let n = buf.len().min(room);
        contents.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // A writer that panicked left whole writes behind; the bytes are
        // still worth reading.
        self.buf.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_takes_what_fits_then_reports_no_space() {
        let pipe = MemoryOutputPipe::new(10);
        let mut out = Output::Pipe(pipe.clone());
        assert_eq!(out.write(b"hello "), Ok(6));
        assert_eq!(out.write(b"world!"), Ok(4));
        assert_eq!(out.write(b"!"), Err(Errno::Nospc));
        assert_eq!(out.write(b""), Ok(0));
        assert_eq!(pipe.contents(), b"hello worl");
        assert_eq!(pipe.capacity(), 10);

        let empty = MemoryOutputPipe::new(0);
        assert_eq!(Output::Pipe(empty.clone()).write(b"x"), Err(Errno::Nospc));
        assert!(empty.contents().is_empty());
    }
}
