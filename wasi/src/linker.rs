//! The table of `wasi_snapshot_preview1` functions and how each becomes a
//! host function in a [`Linker`].
//!
//! Each function is listed once with its wasm parameters; the list
//! generates the definitions, their wasm signatures, and [`FUNCTIONS`].
//! Every call takes the [`WasiCtx`] out of the store for its duration, so
//! the body can use it and the guest's memory at once, and puts it back
//! however the body ends.

use strata::{Caller, Error, Extern, FuncType, Linker, Val, ValType};

use crate::errno::{Errno, Fail, WasiResult};
use crate::memory::GuestMemory;
use crate::{args, clock, dir, fs, path, poll, proc, random, sock, I32Exit, WasiCtx, MODULE};

/// A wasm parameter type of a WASI function.
trait Param: Sized {
    const TYPE: ValType;
    fn from_val(val: &Val) -> Self;
}

impl Param for u32 {
    const TYPE: ValType = ValType::I32;
    fn from_val(val: &Val) -> u32 {
        // The engine checked the argument against the declared type.
        val.i32().unwrap_or_default() as u32
    }
}

impl Param for u64 {
    const TYPE: ValType = ValType::I64;
    fn from_val(val: &Val) -> u64 {
        val.i64().unwrap_or_default() as u64
    }
}

impl Param for i64 {
    const TYPE: ValType = ValType::I64;
    fn from_val(val: &Val) -> i64 {
        val.i64().unwrap_or_default()
    }
}

/// Runs one WASI function body for `caller`.
fn call<T>(
    caller: &mut Caller<'_, T>,
    get_cx: &impl Fn(&mut T) -> &mut WasiCtx,
    results: &mut [Val],
    body: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> WasiResult<()>,
) -> strata::Result<()> {
    let memory = caller.get_export("memory").and_then(Extern::into_memory);
    let mut ctx = std::mem::replace(get_cx(caller.data_mut()), WasiCtx::placeholder());
    let outcome = {
        let bytes = memory.map(|m| m.data_mut(strata::AsContextMut::as_context_mut(caller)));
        body(&mut ctx, &mut GuestMemory::new(bytes))
    };
    let result = match outcome {
        Ok(()) => Ok(Errno::Success),
        Err(Fail::Errno(errno)) => Ok(errno),
        Err(Fail::Exit(status)) => {
            ctx.exit_code = Some(status);
            Err(I32Exit(status).into())
        }
        Err(Fail::Host(err)) => Err(err),
    };
    *get_cx(caller.data_mut()) = ctx;
    let errno = result?;
    if let Some(slot) = results.first_mut() {
        *slot = Val::I32(errno as u16 as i32);
    }
    Ok(())
}

macro_rules! wasi_functions {
    ($(
        $name:ident($($arg:ident: $ty:ty),*) -> $ret:ident = $body:path;
    )*) => {
        /// The names of all `wasi_snapshot_preview1` functions, in the
        /// order the specification lists them.
        pub const FUNCTIONS: &[&str] = &[$(stringify!($name)),*];

        /// Defines every function in `linker`.
        pub(crate) fn define_all<T: 'static>(
            linker: &mut Linker<T>,
            get_cx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
        ) -> Result<(), Error> {
            $(
                let ty = FuncType::new([$(<$ty as Param>::TYPE),*], results!($ret));
                linker.func_new(MODULE, stringify!($name), ty, move |mut caller, params, results| {
                    #[allow(unused_mut, unused_variables)]
                    let mut params = params.iter();
                    $(
                        let $arg: $ty = params.next().map_or(0, <$ty as Param>::from_val);
                    )*
                    call(&mut caller, &get_cx, results, |ctx, mem| $body(ctx, mem $(, $arg)*))
                })?;
            )*
            Ok(())
        }
    };
}

macro_rules! results {
    (errno) => {
        [ValType::I32]
    };
    (none) => {
        []
    };
}

wasi_functions! {
    args_get(argv: u32, argv_buf: u32) -> errno = args::args_get;
    args_sizes_get(argc: u32, argv_buf_size: u32) -> errno = args::args_sizes_get;
    environ_get(environ: u32, environ_buf: u32) -> errno = args::environ_get;
    environ_sizes_get(count: u32, buf_size: u32) -> errno = args::environ_sizes_get;
    clock_res_get(id: u32, resolution: u32) -> errno = clock::clock_res_get;
    clock_time_get(id: u32, precision: u64, time: u32) -> errno = clock::clock_time_get;
    fd_advise(fd: u32, offset: u64, len: u64, advice: u32) -> errno = fs::fd_advise;
    fd_allocate(fd: u32, offset: u64, len: u64) -> errno = fs::fd_allocate;
    fd_close(fd: u32) -> errno = fs::fd_close;
    fd_datasync(fd: u32) -> errno = fs::fd_datasync;
    fd_fdstat_get(fd: u32, stat: u32) -> errno = fs::fd_fdstat_get;
    fd_fdstat_set_flags(fd: u32, flags: u32) -> errno = fs::fd_fdstat_set_flags;
    fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> errno = fs::fd_fdstat_set_rights;
    fd_filestat_get(fd: u32, stat: u32) -> errno = fs::fd_filestat_get;
    fd_filestat_set_size(fd: u32, size: u64) -> errno = fs::fd_filestat_set_size;
    fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> errno = fs::fd_filestat_set_times;
    fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> errno = fs::fd_pread;
    fd_prestat_get(fd: u32, prestat: u32) -> errno = dir::fd_prestat_get;
    fd_prestat_dir_name(fd: u32, path: u32, path_len: u32) -> errno = dir::fd_prestat_dir_name;
    fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> errno = fs::fd_pwrite;
    fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> errno = fs::fd_read;
    fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) -> errno = dir::fd_readdir;
    fd_renumber(fd: u32, to: u32) -> errno = fs::fd_renumber;
    fd_seek(fd: u32, offset: i64, whence: u32, newoffset: u32) -> errno = fs::fd_seek;
    fd_sync(fd: u32) -> errno = fs::fd_sync;
    fd_tell(fd: u32, offset: u32) -> errno = fs::fd_tell;
    fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> errno = fs::fd_write;
    path_create_directory(fd: u32, path: u32, path_len: u32) -> errno = path::path_create_directory;
    path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, stat: u32) -> errno = path::path_filestat_get;
    path_filestat_set_times(fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32) -> errno = path::path_filestat_set_times;
    path_link(old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32) -> errno = path::path_link;
    path_open(fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, rights_base: u64, rights_inheriting: u64, fdflags: u32, opened: u32) -> errno = path::path_open;
    path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32) -> errno = path::path_readlink;
    path_remove_directory(fd: u32, path: u32, path_len: u32) -> errno = path::path_remove_directory;
    path_rename(fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32) -> errno = path::path_rename;
    path_symlink(old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32) -> errno = path::path_symlink;
    path_unlink_file(fd: u32, path: u32, path_len: u32) -> errno = path::path_unlink_file;
    poll_oneoff(subs: u32, events: u32, nsubs: u32, nevents: u32) -> errno = poll::poll_oneoff;
    proc_exit(rval: u32) -> none = proc::proc_exit;
    proc_raise(sig: u32) -> errno = proc::proc_raise;
    sched_yield() -> errno = proc::sched_yield;
    random_get(buf: u32, buf_len: u32) -> errno = random::random_get;
    sock_accept(fd: u32, flags: u32, result_fd: u32) -> errno = sock::sock_accept;
    sock_recv(fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32) -> errno = sock::sock_recv;
    sock_send(fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32) -> errno = sock::sock_send;
    sock_shutdown(fd: u32, how: u32) -> errno = sock::sock_shutdown;
}
