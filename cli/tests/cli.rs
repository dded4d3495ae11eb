//! End-to-end checks of the `strata` binary: the README's commands and the
//! documented exit statuses.

use std::path::PathBuf;
use std::process::{Command, Output};

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
    let out = strata(&["run", "examples/fib.wat", "--invoke", "fib", "20"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "6765\n");
    let out = strata(&["run", "examples/fib.wat", "--invoke", "fib_recursive", "20"]);
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
    let out = strata(&["run", path, "--invoke", "echo", "-5", "0x10", "nan", "-inf"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "-5\n16\nNaN\n-inf\n");

    let out = strata(&["run", path, "--invoke", "echo", "1", "2", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("takes 4 arguments"),
        "{}",
        stderr(&out)
    );

    let out = strata(&["run", path, "--invoke", "echo", "1", "2", "x", "4"]);
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
    let out = strata(&["run", path.to_str().unwrap(), "--invoke", "outer", "0"]);
    assert_eq!(out.status.code(), Some(134));
    let err = stderr(&out);
    assert!(err.starts_with("error: integer divide by zero\n"), "{err}");
    assert!(err.contains("inner") && err.contains("outer"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
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
        &["compile", "--strategy", "fast", "x.wasm"],
        &["compile"],
    ] {
        assert_eq!(strata(args).status.code(), Some(2), "{args:?}");
    }
}
