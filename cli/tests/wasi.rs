//! `strata run` on real programs: the C test programs of `wasi/tests/programs`
//! run through the binary, in every strategy, as a user would run them
//! with wasmtime: `strata run --dir . prog.wasm args`.

#[path = "../../wasi/tests/common/fixtures.rs"]
mod fixtures;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use fixtures::{expected_stdout, program, sandbox_tree, snapshot, TempDir};
use strata::{Config, Engine, Strategy};

/// The strategies `Engine::new` accepts; the others are reported on stderr
/// and skipped, so new tiers are tested as soon as they exist.
fn strategies() -> Vec<&'static str> {
    [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered]
        .into_iter()
        .filter(|&s| match Engine::new(Config::new().strategy(s)) {
            Ok(_) => true,
            Err(err) => {
                eprintln!("skipping strategy {}: {err}", s.name());
                false
            }
        })
        .map(Strategy::name)
        .collect()
}

/// Runs `strata run --strategy STRATEGY ARGS...` in `dir` with `stdin`.
fn run(strategy: &str, dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("run")
        .arg("--strategy")
        .arg(strategy)
        .args(args)
        .current_dir(dir)
        .env("STRATA_TEST_INHERITED", "from the host")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the strata binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn arguments_and_environment_pass_through_in_every_strategy() {
    let prog = program("args_env");
    for strategy in strategies() {
        let out = run(
            strategy,
            Path::new("."),
            &[
                "--env",
                "GREETING=hello world",
                "--env=EMPTY=",
                "--env",
                "STRATA_TEST_INHERITED",
                path_str(&prog),
                "plain",
                "-x",
                "--color=auto",
                "--env=NOT_SET=1",
                "--fuel",
                "--",
                "--dir",
                "-5",
                "",
            ],
            "",
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{strategy}: {}",
            text(&out.stderr)
        );
        // Everything after FILE is the program's, as written: strata's own
        // options and `--` included.
        assert_eq!(
            text(&out.stdout),
            format!(
                "argc=10\n\
                 argv[0]={}\n\
                 argv[1]=plain\n\
                 argv[2]=-x\n\
                 argv[3]=--color=auto\n\
                 argv[4]=--env=NOT_SET=1\n\
                 argv[5]=--fuel\n\
                 argv[6]=--\n\
                 argv[7]=--dir\n\
                 argv[8]=-5\n\
                 argv[9]=\n\
                 env GREETING=hello world\n\
                 env EMPTY=\n\
                 env STRATA_TEST_INHERITED=from the host\n",
                path_str(&prog)
            ),
            "{strategy}"
        );
    }
}

#[test]
fn the_program_exit_status_is_the_process_exit_status_in_every_strategy() {
    let prog = program("exit_code");
    for strategy in strategies() {
        for (args, status) in [
            (&["exit", "3"][..], 3),
            (&["exit", "0"], 0),
            (&["return", "7"], 7),
            (&["return", "0"], 0),
        ] {
            let mut argv = vec![path_str(&prog)];
            argv.extend(args);
            let out = run(strategy, Path::new("."), &argv, "");
            assert_eq!(out.status.code(), Some(status), "{strategy} {args:?}");
            assert_eq!(
                text(&out.stdout),
                format!("mode {}\natexit handler ran\n", args[0])
            );
            assert_eq!(text(&out.stderr), "", "an exit is not an error");
        }

        let out = run(strategy, Path::new("."), &[path_str(&prog), "abort"], "");
        assert_eq!(out.status.code(), Some(134), "{strategy}: a trap");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: unreachable\nwasm backtrace:\n"),
            "{err}"
        );
        // Compiled code does not report inner frames yet; the interpreter
        // must show the whole chain.
        if strategy == "interpreter" {
            assert!(err.contains("0: abort\n  1: main\n"), "{err}");
        }

        let out = run(
            strategy,
            Path::new("."),
            &[path_str(&prog), "exit", "200"],
            "",
        );
        assert_eq!(out.status.code(), Some(1), "{strategy}");
        assert!(
            text(&out.stderr).contains("invalid exit status 200"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn stdio_passes_through_in_every_strategy() {
    let prog = program("stdio");
    for strategy in strategies() {
        let out = run(
            strategy,
            Path::new("."),
            &[path_str(&prog)],
            "piped\ninput\n",
        );
        assert_eq!(out.status.code(), Some(0), "{strategy}");
        assert_eq!(text(&out.stdout), "PIPED\nINPUT\n");
        assert_eq!(text(&out.stderr), "read 12 bytes, 2 lines\n");
    }
}

#[test]
fn files_and_directories_in_dir_dot_in_every_strategy() {
    for strategy in strategies() {
        for name in ["files", "dirs"] {
            let dir = TempDir::new(&format!("cli-{name}-{strategy}"));
            let out = run(
                strategy,
                dir.path(),
                &["--dir", ".", path_str(&program(name))],
                "",
            );
            assert_eq!(out.status.code(), Some(0), "{strategy} {name}");
            assert_eq!(
                text(&out.stdout),
                expected_stdout(name),
                "{strategy} {name}"
            );
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
    }
}

#[test]
fn dir_maps_a_host_directory_to_a_guest_name() {
    let strategy = strategies()[0];
    let dir = TempDir::new("cli-dir-mapping");
    let spec = format!("{}::.", path_str(dir.path()));
    let out = run(
        strategy,
        Path::new("."),
        &["--dir", &spec, path_str(&program("files"))],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), expected_stdout("files"));

    // Without --dir, the program sees no file system at all.
    let out = run(strategy, dir.path(), &[path_str(&program("files"))], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("FAILED"),
        "{}",
        text(&out.stdout)
    );

    let out = run(
        strategy,
        Path::new("."),
        &["--dir", "/no/such/dir", path_str(&program("files"))],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: --dir /no/such/dir: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn escapes_from_dir_fail_in_every_strategy() {
    for strategy in strategies() {
        let base = TempDir::new(&format!("cli-sandbox-{strategy}"));
        let sandbox = sandbox_tree(base.path());
        let before = snapshot(base.path());
        let out = run(
            strategy,
            &sandbox,
            &["--dir", ".", path_str(&program("sandbox"))],
            "",
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{strategy}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), expected_stdout("sandbox"), "{strategy}");
        assert_eq!(
            snapshot(base.path()),
            before,
            "{strategy}: the tree changed"
        );
    }
}

#[test]
fn a_simd_program_runs_in_every_strategy() {
    // Built with -msimd128: wasm SIMD intrinsics, checked against the same
    // kernel in scalar code by the program itself.
    let prog = program("simd_image");
    for strategy in strategies() {
        let out = run(strategy, Path::new("."), &[path_str(&prog)], "");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{strategy}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            text(&out.stdout),
            expected_stdout("simd_image"),
            "{strategy}"
        );
    }
}

#[test]
fn clocks_and_random_in_every_strategy() {
    for strategy in strategies() {
        let out = run(
            strategy,
            Path::new("."),
            &[path_str(&program("clocks"))],
            "x",
        );
        assert_eq!(out.status.code(), Some(0), "{strategy}");
        assert_eq!(text(&out.stdout), expected_stdout("clocks"), "{strategy}");
    }
}

#[test]
fn compile_reports_sizes_of_a_c_program_in_every_strategy() {
    for strategy in strategies() {
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(["compile", "--strategy", strategy])
            .arg(program("files"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let size = std::fs::metadata(program("files")).unwrap().len();
        assert!(
            stdout.contains(&format!("wasm bytes:                    {size}\n")),
            "{stdout}"
        );
    }
}

#[test]
fn inherit_env_gives_the_program_the_host_environment() {
    let prog = program("args_env");
    for strategy in strategies() {
        let args = [
            "-S",
            "inherit-env=y",
            "--env",
            "GREETING=hi",
            path_str(&prog),
        ];
        let out = run(strategy, Path::new("."), &args, "");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{strategy}: {}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("env STRATA_TEST_INHERITED=from the host\n"),
            "{stdout}"
        );
        assert!(stdout.contains("env GREETING=hi\n"), "{stdout}");
        // Without it, only what --env names.
        let out = run(strategy, Path::new("."), &[path_str(&prog)], "");
        assert!(
            !text(&out.stdout).contains("STRATA_TEST_INHERITED"),
            "{strategy}"
        );
        let out = run(
            strategy,
            Path::new("."),
            &["-S", "bogus=1", path_str(&prog)],
            "",
        );
        assert_eq!(out.status.code(), Some(2), "{strategy}");
    }
}
