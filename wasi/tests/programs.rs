//! The C test programs in `tests/programs/` (built by `build.sh` with clang
//! and wasi-libc), run through the embedding API in every strategy and
//! checked against their exact expected output (`programs/NAME.stdout`, or
//! inline where it depends on the arguments).

mod common;

use std::fs;

use common::fixtures::{expected_stdout, sandbox_tree, snapshot, TempDir};
use common::{for_each_strategy, run_program, strategy_name};
use strata::TrapCode;
use strata_wasi::MemoryOutputPipe;

#[test]
fn arguments_and_environment_reach_the_program_in_every_strategy() {
    for_each_strategy(|engine| {
        let out = run_program(engine, "args_env", |b| {
            b.args(&["one", "two words", "-x", ""])
                .env("GREETING", "hi there")
                .env("EMPTY", "")
                .env("GREETING", "replaced");
        });
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(out.exit, None);
        assert_eq!(
            out.stdout,
            "argc=5\n\
             argv[0]=args_env.wasm\n\
             argv[1]=one\n\
             argv[2]=two words\n\
             argv[3]=-x\n\
             argv[4]=\n\
             env EMPTY=\n\
             env GREETING=replaced\n",
            "{}",
            strategy_name(engine)
        );
    });
}

#[test]
fn exit_statuses_are_exits_not_traps_in_every_strategy() {
    for_each_strategy(|engine| {
        for (args, status) in [
            (&["exit", "3"][..], Some(3)),
            (&["exit", "0"], Some(0)),
            (&["return", "7"], Some(7)),
            // Returning 0 from main returns from `_start` without an exit.
            (&["return", "0"], None),
        ] {
            let out = run_program(engine, "exit_code", |b| {
                b.args(args);
            });
            assert!(out.error.is_none(), "{args:?}: {:?}", out.error);
            assert_eq!(out.exit, status, "{args:?}");
            // exit() flushes stdout and runs atexit handlers first.
            assert_eq!(
                out.stdout,
                format!("mode {}\natexit handler ran\n", args[0]),
                "{args:?}"
            );
        }
    });
}

#[test]
fn abort_is_a_trap_and_a_huge_exit_status_an_error_in_every_strategy() {
    for_each_strategy(|engine| {
        let out = run_program(engine, "exit_code", |b| {
            b.arg("abort");
        });
        assert_eq!(out.exit, None);
        let err = out.error.expect("abort fails the call");
        assert_eq!(err.trap_code(), Some(TrapCode::Unreachable), "{err}");
        assert_eq!(out.stdout, "mode abort\n");

        let out = run_program(engine, "exit_code", |b| {
            b.args(&["exit", "200"]);
        });
        assert_eq!(out.exit, None);
        let err = out.error.expect("an exit status above 125 is refused");
        assert!(err.to_string().contains("invalid exit status 200"), "{err}");
    });
}

#[test]
fn stdin_is_read_to_the_end_and_stderr_kept_apart_in_every_strategy() {
    for_each_strategy(|engine| {
        let input = "hello, world\nsecond line\nno newline at the end";
        let out = run_program(engine, "stdio", |b| {
            b.stdin_bytes(input);
        });
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(out.stdout, input.to_uppercase());
        assert_eq!(out.stderr, "read 46 bytes, 2 lines\n");

        // No stdin configured: end of file at once.
        let out = run_program(engine, "stdio", |_| {});
        assert_eq!(out.stdout, "");
        assert_eq!(out.stderr, "read 0 bytes, 0 lines\n");
    });
}

#[test]
fn output_beyond_a_pipe_capacity_is_an_error_not_growth_in_every_strategy() {
    for_each_strategy(|engine| {
        // The program copies 100 000 bytes of stdin to a stdout that holds
        // 1000: its writes fail once the pipe is full, and it goes on.
        let stdout = MemoryOutputPipe::new(1000);
        let input = "abcdefghij".repeat(10_000);
        let out = run_program(engine, "stdio", |b| {
            b.stdin_bytes(input.as_str()).stdout(stdout.clone());
        });
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(out.exit, None);
        assert_eq!(stdout.contents(), input[..1000].to_uppercase().as_bytes());
        assert_eq!(out.stderr, "read 100000 bytes, 0 lines\n");
    });
}

#[test]
fn file_operations_behave_as_posix_in_every_strategy() {
    for_each_strategy(|engine| {
        let dir = TempDir::new(&format!("files-{}", strategy_name(engine)));
        let out = run_program(engine, "files", |b| {
            b.preopened_dir(dir.path(), ".").unwrap();
        });
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(
            out.stdout,
            expected_stdout("files"),
            "{}",
            strategy_name(engine)
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    });
}

#[test]
fn directory_operations_behave_as_posix_in_every_strategy() {
    for_each_strategy(|engine| {
        let dir = TempDir::new(&format!("dirs-{}", strategy_name(engine)));
        let out = run_program(engine, "dirs", |b| {
            b.preopened_dir(dir.path(), ".").unwrap();
        });
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(
            out.stdout,
            expected_stdout("dirs"),
            "{}",
            strategy_name(engine)
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    });
}

#[test]
fn clocks_sleep_poll_and_random_work_in_every_strategy() {
    for_each_strategy(|engine| {
        let out = run_program(engine, "clocks", |b| {
            b.stdin_bytes("ready");
        });
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(
            out.stdout,
            expected_stdout("clocks"),
            "{}",
            strategy_name(engine)
        );
    });
}

#[test]
fn escapes_from_a_preopened_directory_fail_in_every_strategy() {
    for_each_strategy(|engine| {
        let base = TempDir::new(&format!("sandbox-{}", strategy_name(engine)));
        let sandbox = sandbox_tree(base.path());
        let before = snapshot(base.path());

        let out = run_program(engine, "sandbox", |b| {
            b.preopened_dir(&sandbox, ".").unwrap();
        });
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(
            out.stdout,
            expected_stdout("sandbox"),
            "{}",
            strategy_name(engine)
        );

        // Nothing outside (or inside) changed.
        assert_eq!(snapshot(base.path()), before);
        assert_eq!(
            fs::read_to_string(base.path().join("secret.txt")).unwrap(),
            "TOP SECRET"
        );
    });
}
