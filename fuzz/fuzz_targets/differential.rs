//! A wasm-smith module run on every Strata strategy and on wasmi, every
//! export called with arguments drawn from the input; any observable
//! difference panics with the harness's report.

#![no_main]

#[allow(dead_code)]
#[path = "../../tests/differential/harness/mod.rs"]
mod harness;

use arbitrary::Unstructured;
use harness::compare::Disagreement;
use libfuzzer_sys::fuzz_target;
use std::sync::atomic::{AtomicBool, Ordering};

fuzz_target!(|data: &[u8]| {
    // The first byte says how many of the following bytes feed the call
    // arguments; the rest generates the module.
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let (arg_bytes, module_bytes) = rest.split_at(usize::from(n).min(rest.len()));
    let Ok(wasm) = harness::generate::module(&mut Unstructured::new(module_bytes)) else {
        return;
    };
    // STRATA_FUZZ_DUMP=DIR writes the module and argument bytes before
    // running them, which extracts the case from an input that crashes the
    // process outright.
    if let Some(dir) = std::env::var_os("STRATA_FUZZ_DUMP") {
        let dir = std::path::Path::new(&dir);
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(dir.join("case.wasm"), &wasm);
        let _ = std::fs::write(dir.join("case.args"), arg_bytes);
    }
    match harness::check(&wasm, arg_bytes) {
        Ok(_) => {}
        // An open bug already in the regression folder: note it once and
        // keep searching. STRATA_FUZZ_STRICT=1 stops on it instead.
        Err(d) if d.known_issue.is_some() && std::env::var_os("STRATA_FUZZ_STRICT").is_none() => {
            static NOTED: AtomicBool = AtomicBool::new(false);
            if !NOTED.swap(true, Ordering::Relaxed) {
                eprintln!("known issue ({}):\n{d}", d.known_issue.unwrap_or(""));
            }
        }
        Err(d) => report(d),
    }
});

/// Leaves the case where `fuzz/README.md` says to pick it up, and panics
/// with the report.
fn report(disagreement: Disagreement) -> ! {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/differential");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("disagreement.wasm"), &disagreement.wasm);
    let _ = std::fs::write(dir.join("disagreement.args"), &disagreement.arg_bytes);
    panic!("{}\n{disagreement}", disagreement.summary);
}
