//! Human-readable disagreement reports.

use super::compare::{Difference, Disagreement};
use super::observe::Run;
use super::plan::{Arg, Plan};
use std::fmt::Write;

/// Lines of module text included in a report.
const MAX_WAT_LINES: usize = 400;

/// "before any call" or "at call #i".
pub fn location(diff: &Difference) -> String {
    match diff.call {
        None => "before any call".to_string(),
        Some(i) => format!("at call #{i}"),
    }
}

/// Builds the report: the difference, each call up to it with every
/// engine's outcome, and the module as text.
pub fn disagreement(
    summary: String,
    diff: &Difference,
    plan: &Plan,
    runs: &[Run],
    wasm: &[u8],
    arg_bytes: &[u8],
) -> Disagreement {
    let mut r = String::new();
    let _ = writeln!(r, "==== differential disagreement ====");
    let _ = writeln!(r, "{summary}: {}", diff.detail);
    for run in runs {
        let compiled = match &run.compiled {
            Ok(()) => "compiled".to_string(),
            Err(e) => format!("rejected: {e}"),
        };
        let _ = writeln!(
            r,
            "  {:<12} {compiled}; instantiation {}",
            run.engine, run.instantiated
        );
    }
    let last = diff.call.map_or(0, |i| i + 1);
    for (i, call) in plan.calls.iter().enumerate().take(last) {
        let args: Vec<String> = call.args.iter().map(describe_arg).collect();
        let _ = writeln!(r, "call #{i}: \"{}\"({})", call.export, args.join(", "));
        for run in runs {
            if let Some(step) = run.steps.get(i) {
                let _ = writeln!(r, "  {:<12} {}", run.engine, step.outcome);
            }
        }
    }
    let _ = writeln!(
        r,
        "module ({} bytes, arguments from {} bytes):",
        wasm.len(),
        arg_bytes.len()
    );
    match wasmprinter::print_bytes(wasm) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            for line in lines.iter().take(MAX_WAT_LINES) {
                let _ = writeln!(r, "  {line}");
            }
            if lines.len() > MAX_WAT_LINES {
                let _ = writeln!(r, "  ... {} more lines", lines.len() - MAX_WAT_LINES);
            }
        }
        Err(e) => {
            let _ = writeln!(r, "  (not printable: {e})");
        }
    }
    Disagreement {
        summary,
        report: r,
        wasm: wasm.to_vec(),
        arg_bytes: arg_bytes.to_vec(),
        known_issue: None,
    }
}

fn describe_arg(arg: &Arg) -> String {
    match *arg {
        Arg::I32(v) => format!("i32 {v}"),
        Arg::I64(v) => format!("i64 {v}"),
        Arg::F32(b) => format!("f32 {} (0x{b:08x})", f32::from_bits(b)),
        Arg::F64(b) => format!("f64 {} (0x{b:016x})", f64::from_bits(b)),
        Arg::V128(v) => format!("v128 0x{v:032x}"),
        Arg::Null(kind) => format!("{kind:?}ref null").to_lowercase(),
    }
}
