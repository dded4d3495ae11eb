//! The per-store WASI state and the builder that configures it.

use std::io;
use std::os::fd::OwnedFd;
use std::path::Path;

use crate::stdio::{Input, MemoryOutputPipe, Output};
use crate::table::{Entry, FdTable};

/// What a guest sees of the world: its arguments, environment, standard
/// streams and preopened directories, plus the descriptors it opened.
///
/// Keep one in the store's data and hand [`add_to_linker`](crate::add_to_linker)
/// a function that finds it.
#[derive(Debug)]
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) table: FdTable,
    pub(crate) exit_code: Option<i32>,
}

impl WasiCtx {
    /// A builder with no arguments, no environment, no preopens, empty
    /// stdin and discarded stdout/stderr.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// An empty context that costs nothing to make: it holds the store's
    /// place while a call has the real one out.
    pub(crate) fn placeholder() -> WasiCtx {
        WasiCtx {
            args: Vec::new(),
            env: Vec::new(),
            table: FdTable::default(),
            exit_code: None,
        }
    }

    /// The status the guest passed to `proc_exit`, once it has called it.
    ///
    /// After a call into the guest fails, this tells an exit apart from a
    /// trap: `Some(status)` means the guest exited on purpose.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }
}

/// Configures a [`WasiCtx`].
#[derive(Debug)]
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdin: Input,
    stdout: Output,
    stderr: Output,
    preopens: Vec<(OwnedFd, Vec<u8>)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        WasiCtxBuilder::new()
    }
}

impl WasiCtxBuilder {
    /// See [`WasiCtx::builder`].
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Input::Empty,
            stdout: Output::Sink,
            stderr: Output::Sink,
            preopens: Vec::new(),
        }
    }

    /// Appends one argument. The first is the program's name (`argv[0]`).
    pub fn arg(&mut self, arg: impl AsRef<str>) -> &mut Self {
        self.args.push(arg.as_ref().as_bytes().to_vec());
        self
    }

    /// Appends arguments.
    pub fn args(&mut self, args: &[impl AsRef<str>]) -> &mut Self {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    /// Appends the host process's own arguments.
    pub fn inherit_args(&mut self) -> &mut Self {
        for arg in std::env::args_os() {
            self.args
                .push(std::os::unix::ffi::OsStringExt::into_vec(arg));
        }
        self
    }

    /// Sets environment variable `key` to `value`, replacing an earlier one.
    pub fn env(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> &mut Self {
        let key = key.as_ref().as_bytes();
        self.env
            .retain(|pair| !(pair.starts_with(key) && pair.get(key.len()) == Some(&b'=')));
        let mut pair = key.to_vec();
        pair.push(b'=');
        pair.extend_from_slice(value.as_ref().as_bytes());
        self.env.push(pair);
        self
    }

    /// Sets several environment variables.
    pub fn envs(&mut self, vars: &[(impl AsRef<str>, impl AsRef<str>)]) -> &mut Self {
        for (key, value) in vars {
            self.env(key, value);
        }
        self
    }

    /// Passes the host process's whole environment.
    pub fn inherit_env(&mut self) -> &mut Self {
        for (key, value) in std::env::vars_os() {
            let mut pair = std::os::unix::ffi::OsStringExt::into_vec(key);
            pair.push(b'=');
            pair.extend(std::os::unix::ffi::OsStringExt::into_vec(value));
            self.env.push(pair);
        }
        self
    }

    /// Gives the guest the host process's standard input.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.stdin = Input::Inherit;
        self
    }

    /// Gives the guest the host process's standard output.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.stdout = Output::Stdout;
        self
    }

    /// Gives the guest the host process's standard error.
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.stderr = Output::Stderr;
        self
    }

    /// Gives the guest the host process's standard input, output and error.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Standard input reads these bytes, then end of file.
    pub fn stdin_bytes(&mut self, data: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = Input::Bytes {
            data: data.into(),
            pos: 0,
        };
        self
    }

    /// Standard output goes to `pipe`, which keeps at most its capacity
    /// (writes beyond it fail with `ENOSPC`, see [`MemoryOutputPipe`]).
    pub fn stdout(&mut self, pipe: MemoryOutputPipe) -> &mut Self {
        self.stdout = Output::Pipe(pipe);
        self
    }

    /// Standard error goes to `pipe`, which keeps at most its capacity
    /// (writes beyond it fail with `ENOSPC`, see [`MemoryOutputPipe`]).
    pub fn stderr(&mut self, pipe: MemoryOutputPipe) -> &mut Self {
        self.stderr = Output::Pipe(pipe);
        self
    }

    /// Lets the guest use host directory `host` under the name `guest`.
    ///
    /// The guest reaches nothing outside it: every path is resolved inside
    /// the directory, component by component (see the crate docs). Fails
    /// if `host` cannot be opened as a directory.
    pub fn preopened_dir(
        &mut self,
        host: impl AsRef<Path>,
        guest: impl AsRef<str>,
    ) -> io::Result<&mut Self> {
        let host = host.as_ref();
        let dir = std::fs::File::open(host)?;
        if !dir.metadata()?.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a directory", host.display()),
            ));
        }
        self.preopens
            .push((OwnedFd::from(dir), guest.as_ref().as_bytes().to_vec()));
        Ok(self)
    }

    /// The context. Descriptors 0, 1 and 2 are stdin, stdout and stderr;
    /// preopened directories follow from 3 in the order they were added,
    /// which is how wasi-libc finds them.
    ///
    /// The builder is left empty, as after [`new`](WasiCtxBuilder::new).
    pub fn build(&mut self) -> WasiCtx {
        let b = std::mem::take(self);
        let mut table = FdTable::default();
        table.insert(0, Entry::input(b.stdin));
        table.insert(1, Entry::output(b.stdout));
        table.insert(2, Entry::output(b.stderr));
        for (i, (fd, name)) in b.preopens.into_iter().enumerate() {
            table.insert(3 + i as u32, Entry::preopen(fd, name));
        }
        WasiCtx {
            args: b.args,
            env: b.env,
            table,
            exit_code: None,
        }
    }
}
