//! Each WASI function called directly from wasm, for the errno contracts
//! that C programs do not reach: every import links with its preview 1
//! signature, bad pointers are `EFAULT`, rights only shrink, sockets and
//! signals answer with an errno, and `proc_exit` is an exit, not a trap.

mod common;

use common::fixtures::TempDir;
use common::{for_each_strategy, run_wasi, strategy_name};
use strata::{Engine, ErrorKind, Linker, Module, Store, Val};
use strata_wasi::{Errno, I32Exit, MemoryOutputPipe, WasiCtx, WasiCtxBuilder, FUNCTIONS};

/// Every preview 1 function with its wasm parameter types (all return an
/// errno as i32, except `proc_exit`, which returns nothing), written out
/// from the specification independently of the crate's own table.
const SIGNATURES: &[(&str, &str)] = &[
    ("args_get", "i32 i32"),
    ("args_sizes_get", "i32 i32"),
    ("environ_get", "i32 i32"),
    ("environ_sizes_get", "i32 i32"),
    ("clock_res_get", "i32 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("fd_advise", "i32 i64 i64 i32"),
    ("fd_allocate", "i32 i64 i64"),
    ("fd_close", "i32"),
    ("fd_datasync", "i32"),
    ("fd_fdstat_get", "i32 i32"),
    ("fd_fdstat_set_flags", "i32 i32"),
    ("fd_fdstat_set_rights", "i32 i64 i64"),
    ("fd_filestat_get", "i32 i32"),
    ("fd_filestat_set_size", "i32 i64"),
    ("fd_filestat_set_times", "i32 i64 i64 i32"),
    ("fd_pread", "i32 i32 i32 i64 i32"),
    ("fd_prestat_get", "i32 i32"),
    ("fd_prestat_dir_name", "i32 i32 i32"),
    ("fd_pwrite", "i32 i32 i32 i64 i32"),
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("fd_renumber", "i32 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_sync", "i32"),
    ("fd_tell", "i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"),
    ("path_link", "i32 i32 i32 i32 i32 i32 i32"),
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_readlink", "i32 i32 i32 i32 i32 i32"),
    ("path_remove_directory", "i32 i32 i32"),
    ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ("path_symlink", "i32 i32 i32 i32 i32"),
    ("path_unlink_file", "i32 i32 i32"),
    ("poll_oneoff", "i32 i32 i32 i32"),
    ("proc_exit", "i32"),
    ("proc_raise", "i32"),
    ("sched_yield", ""),
    ("random_get", "i32 i32"),
    ("sock_accept", "i32 i32 i32"),
    ("sock_recv", "i32 i32 i32 i32 i32 i32"),
    ("sock_send", "i32 i32 i32 i32 i32"),
    ("sock_shutdown", "i32 i32"),
];

/// A module importing every function and exporting, for each, a wasm
/// function of the same name and signature that calls it: host functions
/// reach the guest's memory only when called from the guest.
fn all_functions_module() -> String {
    let mut imports = String::new();
    let mut wrappers = String::new();
    for (name, params) in SIGNATURES {
        let result = if *name == "proc_exit" {
            ""
        } else {
            "(result i32)"
        };
        imports.push_str(&format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) {result}))\n"
        ));
        let gets: String = (0..params.split_whitespace().count())
            .map(|i| format!("local.get {i} "))
            .collect();
        wrappers.push_str(&format!(
            "(func (export \"{name}\") (param {params}) {result} {gets} call ${name})\n"
        ));
    }
    format!("(module {imports} (memory (export \"memory\") 1) {wrappers})")
}

/// An instance of [`all_functions_module`] with its WASI context.
struct Guest {
    store: Store<WasiCtx>,
    instance: strata::Instance,
}

impl Guest {
    fn new(engine: &Engine, configure: impl FnOnce(&mut WasiCtxBuilder)) -> Guest {
        let module = Module::new(engine, all_functions_module()).unwrap();
        let mut builder = WasiCtx::builder();
        configure(&mut builder);
        let mut store = Store::new(engine, builder.build());
        let mut linker = Linker::new(engine);
        strata_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        Guest { store, instance }
    }

    /// Calls WASI function `name` with i32 and i64 arguments (an argument
    /// is i64 where the signature says so) and returns its errno.
    fn call(&mut self, name: &str, args: &[i64]) -> Result<Errno, strata::Error> {
        let func = self.instance.get_func(&mut self.store, name).unwrap();
        let ty = func.ty(&self.store);
        let params: Vec<Val> = ty
            .params()
            .iter()
            .zip(args)
            .map(|(ty, &a)| match ty {
                strata::ValType::I64 => Val::I64(a),
                _ => Val::I32(a as i32),
            })
            .collect();
        assert_eq!(params.len(), ty.params().len(), "{name}: argument count");
        let mut results = vec![Val::I32(0); ty.results().len()];
        func.call(&mut self.store, &params, &mut results)?;
        let raw = results.first().and_then(Val::i32).unwrap_or(0);
        Ok(Errno::from_raw(raw as u16).expect("a defined errno"))
    }

    fn errno(&mut self, name: &str, args: &[i64]) -> Errno {
        self.call(name, args)
            .unwrap_or_else(|err| panic!("{name}: {err}"))
    }

    fn memory(&mut self) -> strata::Memory {
        self.instance.get_memory(&mut self.store, "memory").unwrap()
    }

    fn write(&mut self, at: usize, bytes: &[u8]) {
        let memory = self.memory();
        memory.write(&mut self.store, at, bytes).unwrap();
    }

    fn read(&mut self, at: usize, len: usize) -> Vec<u8> {
        let memory = self.memory();
        let mut buf = vec![0; len];
        memory.read(&self.store, at, &mut buf).unwrap();
        buf
    }

    fn read_u32(&mut self, at: usize) -> u32 {
        u32::from_le_bytes(self.read(at, 4).try_into().unwrap())
    }

    /// Writes one iovec at 0 pointing at `data` placed at 64.
    fn iovec(&mut self, data: &[u8]) {
        self.write(64, data);
        let mut iov = 64u32.to_le_bytes().to_vec();
        iov.extend((data.len() as u32).to_le_bytes());
        self.write(0, &iov);
    }
}

#[test]
fn all_46_functions_link_with_their_preview1_signatures_in_every_strategy() {
    let mut listed: Vec<&str> = FUNCTIONS.to_vec();
    let mut specified: Vec<&str> = SIGNATURES.iter().map(|(n, _)| *n).collect();
    listed.sort();
    specified.sort();
    assert_eq!(listed, specified);
    assert_eq!(listed.len(), 46);
    for_each_strategy(|engine| {
        Guest::new(engine, |_| {});
    });
}

#[test]
fn sockets_and_signals_answer_with_an_errno_in_every_strategy() {
    for_each_strategy(|engine| {
        let mut g = Guest::new(engine, |_| {});
        assert_eq!(g.errno("sock_accept", &[1, 0, 0]), Errno::Notsock);
        assert_eq!(g.errno("sock_recv", &[0, 0, 1, 0, 8, 12]), Errno::Notsock);
        assert_eq!(g.errno("sock_send", &[1, 0, 1, 0, 8]), Errno::Notsock);
        assert_eq!(g.errno("sock_shutdown", &[2, 3]), Errno::Notsock);
        assert_eq!(g.errno("sock_recv", &[99, 0, 1, 0, 8, 12]), Errno::Badf);
        assert_eq!(g.errno("proc_raise", &[6]), Errno::Nosys);
        assert_eq!(g.errno("sched_yield", &[]), Errno::Success);
    });
}

#[test]
fn pointers_outside_memory_are_efault_in_every_strategy() {
    for_each_strategy(|engine| {
        let mut g = Guest::new(engine, |b| {
            b.arg("prog");
        });
        let end = 65536;
        assert_eq!(g.errno("random_get", &[end - 4, 8]), Errno::Fault);
        assert_eq!(g.errno("random_get", &[end - 8, 8]), Errno::Success);
        assert_eq!(g.errno("fd_write", &[1, end - 4, 1, 0]), Errno::Fault);
        g.write(0, &[0xf0, 0xff, 0, 0, 64, 0, 0, 0]); // iovec beyond the end
        assert_eq!(g.errno("fd_write", &[1, 0, 1, 16]), Errno::Fault);
        assert_eq!(g.errno("args_sizes_get", &[end, 0]), Errno::Fault);
        assert_eq!(g.errno("clock_time_get", &[0, 0, end - 7]), Errno::Fault);
    });
}

#[test]
fn invalid_arguments_are_einval_in_every_strategy() {
    for_each_strategy(|engine| {
        let mut g = Guest::new(engine, |_| {});
        assert_eq!(g.errno("poll_oneoff", &[0, 0, 0, 16]), Errno::Inval);
        assert_eq!(g.errno("clock_time_get", &[99, 0, 0]), Errno::Inval);
        assert_eq!(g.errno("clock_res_get", &[4, 0]), Errno::Inval);
        assert_eq!(g.errno("fd_seek", &[1, 0, 9, 0]), Errno::Inval);
        assert_eq!(g.errno("fd_seek", &[1, 0, 0, 0]), Errno::Spipe);
        assert_eq!(g.errno("fd_tell", &[0, 0]), Errno::Spipe);
        assert_eq!(g.errno("fd_advise", &[1, 0, 0, 9]), Errno::Inval);
        // ATIM together with ATIM_NOW.
        assert_eq!(
            g.errno("fd_filestat_set_times", &[1, 0, 0, 3]),
            Errno::Inval
        );
    });
}

#[test]
fn rights_only_shrink_and_gate_operations_in_every_strategy() {
    for_each_strategy(|engine| {
        let stdout = MemoryOutputPipe::new(1024);
        let mut g = Guest::new(engine, |b| {
            b.stdout(stdout.clone());
        });
        const FD_WRITE: i64 = 1 << 6;
        assert_eq!(
            g.errno("fd_fdstat_set_rights", &[1, -1, 0]),
            Errno::Notcapable
        );
        assert_eq!(
            g.errno("fd_fdstat_set_rights", &[1, FD_WRITE, 0]),
            Errno::Success
        );
        g.errno("fd_fdstat_get", &[1, 200]);
        assert_eq!(g.read(208, 8), FD_WRITE.to_le_bytes());
        g.iovec(b"still writable\n");
        assert_eq!(g.errno("fd_write", &[1, 0, 1, 16]), Errno::Success);
        assert_eq!(
            g.errno("fd_fdstat_set_rights", &[1, FD_WRITE, 1]),
            Errno::Notcapable,
            "inheriting rights cannot grow either"
        );
        assert_eq!(g.errno("fd_fdstat_set_rights", &[1, 0, 0]), Errno::Success);
        assert_eq!(g.errno("fd_write", &[1, 0, 1, 16]), Errno::Badf);
        assert_eq!(stdout.contents(), b"still writable\n");
    });
}

#[test]
fn descriptors_renumber_and_close_in_every_strategy() {
    for_each_strategy(|engine| {
        let stdout = MemoryOutputPipe::new(1024);
        let stderr = MemoryOutputPipe::new(1024);
        let mut g = Guest::new(engine, |b| {
            b.stdout(stdout.clone()).stderr(stderr.clone());
        });
        g.iovec(b"to stderr via 1\n");
        assert_eq!(g.errno("fd_renumber", &[1, 7]), Errno::Badf);
        assert_eq!(g.errno("fd_renumber", &[7, 1]), Errno::Badf);
        assert_eq!(g.errno("fd_renumber", &[2, 1]), Errno::Success);
        assert_eq!(g.errno("fd_write", &[1, 0, 1, 16]), Errno::Success);
        assert_eq!(g.errno("fd_write", &[2, 0, 1, 16]), Errno::Badf);
        assert_eq!(g.errno("fd_close", &[1]), Errno::Success);
        assert_eq!(g.errno("fd_close", &[1]), Errno::Badf);
        assert_eq!(stdout.contents(), b"");
        assert_eq!(stderr.contents(), b"to stderr via 1\n");
    });
}

#[test]
fn preopens_describe_themselves_and_readdir_fills_the_buffer_in_every_strategy() {
    for_each_strategy(|engine| {
        let dir = TempDir::new(&format!("raw-readdir-{}", strategy_name(engine)));
        for name in ["a", "bb", "ccc"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let mut g = Guest::new(engine, |b| {
            b.preopened_dir(dir.path(), "/sandbox").unwrap();
        });
        assert_eq!(g.errno("fd_prestat_get", &[0, 100]), Errno::Badf);
        assert_eq!(g.errno("fd_prestat_get", &[4, 100]), Errno::Badf);
        assert_eq!(g.errno("fd_prestat_get", &[3, 100]), Errno::Success);
        assert_eq!(g.read(100, 1), [0]);
        assert_eq!(g.read_u32(104), 8);
        assert_eq!(
            g.errno("fd_prestat_dir_name", &[3, 200, 7]),
            Errno::Nametoolong
        );
        assert_eq!(g.errno("fd_prestat_dir_name", &[3, 200, 8]), Errno::Success);
        assert_eq!(g.read(200, 8), b"/sandbox");

        // All entries: ".", "..", "a", "bb", "ccc", each a 24-byte header
        // and its name.
        let total = 5 * 24 + (1 + 2 + 1 + 2 + 3);
        assert_eq!(
            g.errno("fd_readdir", &[3, 1000, 4096, 0, 500]),
            Errno::Success
        );
        assert_eq!(g.read_u32(500) as usize, total);
        assert_eq!(g.read(1000, 8), 1u64.to_le_bytes(), "d_next of the first");
        let first_len = 24 + g.read_u32(1016) as usize;
        // A buffer too small is filled to the last byte, the last entry cut.
        assert_eq!(
            g.errno("fd_readdir", &[3, 1000, 30, 0, 500]),
            Errno::Success
        );
        assert_eq!(g.read_u32(500), 30);
        // Resuming from the first entry's cookie skips it.
        assert_eq!(
            g.errno("fd_readdir", &[3, 1000, 4096, 1, 500]),
            Errno::Success
        );
        assert_eq!(g.read_u32(500) as usize, total - first_len);
        assert_eq!(
            g.errno("fd_readdir", &[3, 1000, 4096, 99, 500]),
            Errno::Success
        );
        assert_eq!(g.read_u32(500), 0);
        assert_eq!(g.errno("fd_readdir", &[1, 1000, 4096, 0, 500]), Errno::Badf);
        assert_eq!(
            g.errno("path_open", &[3, 0, 65534, 10, 0, 0, 0, 0, 0]),
            Errno::Fault
        );
    });
}

#[test]
fn proc_exit_is_an_exit_not_a_trap_in_every_strategy() {
    for_each_strategy(|engine| {
        let wasm = wat::parse_str(
            r#"(module
                 (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                 (memory (export "memory") 1)
                 (func (export "_start") (call $exit (i32.const 9)) unreachable))"#,
        )
        .unwrap();
        let out = run_wasi(engine, &wasm, |_| {});
        assert_eq!(out.exit, Some(9));
        assert!(out.error.is_none());

        // From the start function, during instantiation, too.
        let module = Module::new(
            engine,
            r#"(module
                 (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                 (func $init (call $exit (i32.const 4)))
                 (start $init))"#,
        )
        .unwrap();
        let mut store = Store::new(engine, WasiCtx::builder().build());
        let mut linker = Linker::new(engine);
        strata_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
        let err = linker.instantiate(&mut store, &module).unwrap_err();
        assert_eq!(I32Exit::from_error(&err), Some(I32Exit(4)));
        assert_eq!(store.data().exit_code(), Some(4));
        assert!(err.as_trap().is_none());
    });
}

#[test]
fn a_module_without_memory_gets_an_error_not_a_crash_in_every_strategy() {
    for_each_strategy(|engine| {
        let wasm = wat::parse_str(
            r#"(module
                 (import "wasi_snapshot_preview1" "random_get" (func $rand (param i32 i32) (result i32)))
                 (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
                 (func (export "_start")
                   (drop (call $yield))
                   (drop (call $rand (i32.const 0) (i32.const 4)))))"#,
        )
        .unwrap();
        let out = run_wasi(engine, &wasm, |_| {});
        let err = out.error.expect("no memory to write to");
        assert!(matches!(err.kind(), ErrorKind::Host(_)), "{err}");
        assert!(err.to_string().contains("memory"), "{err}");
    });
}

#[test]
fn a_full_output_pipe_fails_writes_with_enospc_in_every_strategy() {
    for_each_strategy(|engine| {
        let stdout = MemoryOutputPipe::new(10);
        let mut g = Guest::new(engine, |b| {
            b.stdout(stdout.clone());
        });
        // 16 bytes into a pipe of 10: the first 10 are taken and counted.
        g.iovec(b"0123456789abcdef");
        assert_eq!(g.errno("fd_write", &[1, 0, 1, 16]), Errno::Success);
        assert_eq!(g.read_u32(16), 10, "a short write");
        // Full: every further write is an error, and nothing is kept.
        assert_eq!(g.errno("fd_write", &[1, 0, 1, 16]), Errno::Nospc);
        assert_eq!(g.errno("fd_write", &[1, 0, 1, 16]), Errno::Nospc);
        assert_eq!(stdout.contents(), b"0123456789");

        // Two buffers, the first filling the pipe exactly: the second's
        // error waits for the next write, so the count stays right.
        let stderr = MemoryOutputPipe::new(4);
        let mut g = Guest::new(engine, |b| {
            b.stderr(stderr.clone());
        });
        g.write(64, b"abcdefgh");
        let iovs: Vec<u8> = [64u32, 4, 68, 4]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        g.write(0, &iovs);
        assert_eq!(g.errno("fd_write", &[2, 0, 2, 32]), Errno::Success);
        assert_eq!(g.read_u32(32), 4);
        assert_eq!(g.errno("fd_write", &[2, 0, 2, 32]), Errno::Nospc);
        assert_eq!(stderr.contents(), b"abcd");
    });
}
