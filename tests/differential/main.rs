//! Differential test: seeded wasm-smith modules and every saved regression
//! module run on each Strata strategy and on wasmi, through the same harness
//! the `differential` fuzz target uses.
//!
//! `STRATA_DIFF_CASES` sets how many generated modules run (default
//! [`DEFAULT_CASES`]); `STRATA_DIFF_SEED` shifts the seeds to explore beyond
//! the fixed set. Entries in `known-failures.txt` must still fail, each with
//! a reason; one that passes is reported so the list stays true.

// Parts of the harness (validation, the report's raw fields, known-bug
// recognition) serve only the fuzz targets.
#[allow(dead_code)]
mod harness;

use arbitrary::Unstructured;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Generated modules per run when `STRATA_DIFF_CASES` is unset; sized to
/// take under a minute in release mode on two cores.
const DEFAULT_CASES: u64 = 50_000;

/// Bytes drawn from for each call plan.
const ARG_BYTES: usize = 128;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("differential");
    let known = known_failures(&dir.join("known-failures.txt"));
    let cases: u64 = env_number("STRATA_DIFF_CASES").unwrap_or(DEFAULT_CASES);
    let first_seed: u64 = env_number("STRATA_DIFF_SEED").unwrap_or(0);
    let started = Instant::now();
    let mut tally = Tally::default();

    for path in regression_modules(&dir.join("regressions")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let wasm = std::fs::read(&path).expect("regression module is readable");
        let args = std::fs::read(path.with_extension("args"))
            .unwrap_or_else(|_| bytes_from_seed(fnv(&wasm), ARG_BYTES));
        tally.record(&name, &known, || Ok(wasm.clone()), &args);
    }
    for path in regression_modules(&dir.join("regressions/validate")) {
        let name = format!("validate/{}", path.file_name().unwrap().to_string_lossy());
        let bytes = std::fs::read(&path).expect("regression input is readable");
        tally.record_validation(&name, &known, &bytes);
    }
    for seed in first_seed..first_seed + cases {
        let module_len = 256 + (splitmix(seed ^ 0x5eed) % 8192) as usize;
        let module_bytes = bytes_from_seed(seed, module_len);
        let args = bytes_from_seed(!seed, ARG_BYTES);
        let generate = || harness::generate::module(&mut Unstructured::new(&module_bytes));
        tally.record(&format!("seed:{seed}"), &known, generate, &args);
    }

    for name in known.keys() {
        // A generated case outside this run's seed range is not stale.
        let seed = name
            .strip_prefix("seed:")
            .and_then(|n| n.parse::<u64>().ok());
        let in_range = seed.is_none_or(|s| (first_seed..first_seed + cases).contains(&s));
        if in_range && !tally.seen.contains(name) {
            tally.failures.push(format!(
                "known-failures.txt lists `{name}`, which this run did not execute"
            ));
        }
    }
    let names: Vec<&str> = harness::run_strata::engines(false)
        .iter()
        .map(|e| e.name)
        .collect();
    eprintln!("differential: strategies compared: {}", names.join(", "));
    eprintln!(
        "differential: {} modules ({} generated, {} regressions), {} calls ({} returned, {} trapped), \
         {} with a 64-bit memory or table, {} with SIMD ({} of them relaxed SIMD), \
         {} with exception tags ({} calls ended by an uncaught exception), \
         tiered: {} functions compiled and {} OSR entries, \
         {} calls' fuel compared between strategies ({} ran out of fuel), \
         {} calls compared with wasmi, \
         {} with typed function references or exceptions (wasmi lacks them; {} calls compared with wasmtime), \
         {} differences attributed to known wasmi bugs, {} unsupported, {} known failures, in {:.1?}",
        tally.modules,
        cases,
        tally.modules.saturating_sub(cases as usize),
        tally.calls,
        tally.returned,
        tally.trapped,
        tally.index64,
        tally.simd,
        tally.relaxed,
        tally.tagged,
        tally.thrown,
        tally.tier_ups,
        tally.osr_entries,
        tally.fuel_calls,
        tally.out_of_fuel,
        tally.wasmi_calls,
        tally.beyond_wasmi,
        tally.wasmtime_calls,
        tally.oracle_bugs,
        tally.unsupported,
        tally.known,
        started.elapsed()
    );
    if !tally.failures.is_empty() {
        for failure in &tally.failures {
            eprintln!("\n{failure}");
        }
        eprintln!("\ndifferential: {} failures", tally.failures.len());
        std::process::exit(1);
    }
}

/// Counts and failures over all cases.
#[derive(Default)]
struct Tally {
    modules: usize,
    calls: usize,
    fuel_calls: usize,
    out_of_fuel: usize,
    wasmi_calls: usize,
    wasmtime_calls: usize,
    oracle_bugs: usize,
    unsupported: usize,
    beyond_wasmi: usize,
    returned: usize,
    trapped: usize,
    tier_ups: u64,
    osr_entries: u64,
    /// Modules with a 64-bit memory or table.
    index64: usize,
    /// Modules that define exception tags.
    tagged: usize,
    /// Modules with SIMD instructions or `v128` values.
    simd: usize,
    /// Modules with relaxed SIMD instructions.
    relaxed: usize,
    /// Calls that ended with an exception no wasm frame caught.
    thrown: usize,
    known: usize,
    seen: Vec<String>,
    failures: Vec<String>,
}

impl Tally {
    /// Runs one case, named `name` for reports and `known-failures.txt`.
    fn record(
        &mut self,
        name: &str,
        known: &BTreeMap<String, String>,
        module: impl FnOnce() -> arbitrary::Result<Vec<u8>>,
        args: &[u8],
    ) {
        self.seen.push(name.to_string());
        let Ok(wasm) = module() else {
            return;
        };
        self.modules += 1;
        if std::env::var_os("TMP_DUMP").is_some() {
            save(name, &wasm, args);
        }
        self.index64 += usize::from(has_64_bit_index(&wasm));
        self.tagged += usize::from(has_tags(&wasm));
        self.simd += usize::from(needs(&wasm, wasmparser::WasmFeatures::SIMD));
        self.relaxed += usize::from(needs(&wasm, wasmparser::WasmFeatures::RELAXED_SIMD));
        let result = catch_unwind(AssertUnwindSafe(|| harness::check(&wasm, args)));
        let failure = match result {
            Ok(Ok(verdict)) => {
                self.calls += verdict.calls;
                self.fuel_calls += verdict.fuel_calls;
                self.out_of_fuel += verdict.out_of_fuel;
                self.wasmi_calls += verdict.calls_checked_against_wasmi;
                self.wasmtime_calls += verdict.calls_checked_against_wasmtime;
                self.oracle_bugs += usize::from(verdict.oracle_bug.is_some());
                self.unsupported += usize::from(verdict.unsupported);
                self.beyond_wasmi += usize::from(verdict.beyond_wasmi);
                self.returned += verdict.returned;
                self.trapped += verdict.trapped;
                self.thrown += verdict.thrown;
                self.tier_ups += verdict.tier_ups;
                self.osr_entries += verdict.osr_entries;
                None
            }
            Ok(Err(disagreement)) => Some(disagreement.to_string()),
            Err(panic) => Some(format!("{name}: panicked: {}", panic_message(&*panic))),
        };
        let failure = failure.map(|report| {
            let saved = save(name, &wasm, args);
            format!("{name} (module saved to {}):\n{report}", saved.display())
        });
        self.settle(name, known, failure);
    }

    /// Replays one input of the `validate` fuzz target, strictly: a
    /// mismatch of a known class still fails unless listed.
    fn record_validation(&mut self, name: &str, known: &BTreeMap<String, String>, bytes: &[u8]) {
        self.seen.push(name.to_string());
        let failure = match catch_unwind(AssertUnwindSafe(|| harness::validate::check(bytes))) {
            Ok(Ok(())) => None,
            Ok(Err(mismatch)) => Some(format!("{name}: {}", mismatch.report)),
            Err(panic) => Some(format!("{name}: panicked: {}", panic_message(&*panic))),
        };
        self.settle(name, known, failure);
    }

    /// Files a case's result against `known-failures.txt`.
    fn settle(&mut self, name: &str, known: &BTreeMap<String, String>, failure: Option<String>) {
        match (failure, known.get(name)) {
            (None, None) => {}
            (Some(_), Some(_)) => self.known += 1,
            (None, Some(reason)) => self.failures.push(format!(
                "{name} passes but known-failures.txt expects it to fail ({reason}); remove the entry"
            )),
            (Some(report), None) => self.failures.push(report),
        }
    }
}

/// Writes a failing case where it can be picked up as a regression.
fn save(name: &str, wasm: &[u8], args: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join("strata-differential");
    let _ = std::fs::create_dir_all(&dir);
    let stem = name.trim_end_matches(".wasm").replace([':', '/'], "-");
    let path = dir.join(format!("{stem}.wasm"));
    let _ = std::fs::write(&path, wasm);
    let _ = std::fs::write(dir.join(format!("{stem}.args")), args);
    path
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".to_string())
}

/// `name reason...` lines; `#` starts a comment. Every entry needs a reason.
fn known_failures(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            assert!(
                !reason.trim().is_empty(),
                "known-failures.txt: `{name}` has no reason"
            );
            (name.to_string(), reason.trim().to_string())
        })
        .collect()
}

/// The `.wasm` files of the regression folder, sorted by name.
fn regression_modules(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "wasm"));
    paths.sort();
    paths
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got `{value}`")),
    )
}

/// `len` bytes of a splitmix64 stream: the same on every machine and release.
fn bytes_from_seed(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        out.extend_from_slice(&splitmix(state).to_le_bytes());
    }
    out.truncate(len);
    out
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Whether a valid module needs `feature` (it is invalid without it), for
/// the summary: it shows that the generator's options are exercised.
fn needs(wasm: &[u8], feature: wasmparser::WasmFeatures) -> bool {
    use wasmparser::{Validator, WasmFeatures};
    let all = WasmFeatures::all();
    // Relaxed SIMD needs SIMD: without SIMD both go.
    let without = match feature {
        WasmFeatures::SIMD => all.difference(WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD),
        _ => all.difference(feature),
    };
    Validator::new_with_features(all).validate_all(wasm).is_ok()
        && Validator::new_with_features(without)
            .validate_all(wasm)
            .is_err()
}

/// Whether a module defines exception tags, for the summary: it shows that
/// the generator's `exceptions` option is exercised.
fn has_tags(wasm: &[u8]) -> bool {
    use wasmparser::{Parser, Payload};
    Parser::new(0)
        .parse_all(wasm)
        .any(|payload| matches!(payload, Ok(Payload::TagSection(s)) if s.count() > 0))
}

/// Whether a module declares a 64-bit memory or table, for the summary: it
/// shows that the generator's `memory64` option is exercised.
fn has_64_bit_index(wasm: &[u8]) -> bool {
    use wasmparser::{Parser, Payload};
    Parser::new(0).parse_all(wasm).any(|payload| match payload {
        Ok(Payload::MemorySection(s)) => s.into_iter().any(|m| m.is_ok_and(|m| m.memory64)),
        Ok(Payload::TableSection(s)) => s.into_iter().any(|t| t.is_ok_and(|t| t.ty.table64)),
        _ => false,
    })
}
