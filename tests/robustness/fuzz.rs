//! Damaged modules: every input must give `Ok` or `Err`, never a panic, and
//! every accepted module must instantiate and run without panicking.
//!
//! Each case runs on its own thread so that a panic is caught and reported
//! with the input that caused it, and so that a hang is detected instead of
//! stalling the suite.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use strata::{Config, Engine, ErrorKind, Extern, Func, Instance, Module, Store, Val};

use crate::for_each_strategy;
use crate::mutate::{self, Mutation};
use crate::prng::XorShift;
use crate::seeds::{self, Seed};

/// Mutants can call themselves several times per frame; a small depth limit
/// keeps that exponential fan-out cheap while still reaching the limit.
const MAX_CALL_DEPTH: usize = 12;

/// Far above what any case needs; only a hang or a livelock reaches it.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

/// Opcodes that can make execution unbounded: `loop` and the tail calls
/// (which do not count against the call depth).
const UNBOUNDED_OPCODES: [u8; 4] = [0x03, 0x12, 0x13, 0x15];

/// Whether executing `wasm` might never finish.
///
/// There is no fuel or interruption in the API, so a mutant that turned a
/// `block` into a `loop` could spin forever. Scanning the code section's raw
/// bytes is conservative (an immediate equal to 0x03 also counts), which is
/// why the seeds avoid such immediates. Without those opcodes, every branch
/// goes forward and recursion is cut off by `MAX_CALL_DEPTH`.
pub fn may_run_forever(wasm: &[u8]) -> bool {
    match code_section(wasm) {
        Some(code) => code.iter().any(|b| UNBOUNDED_OPCODES.contains(b)),
        None => true,
    }
}

/// The payload of the code section (empty if there is none), or `None` if
/// the section layout cannot be followed.
fn code_section(wasm: &[u8]) -> Option<&[u8]> {
    let mut pos = 8;
    if wasm.len() < pos {
        return None;
    }
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let size = read_leb_u32(wasm, &mut pos)? as usize;
        let end = pos.checked_add(size).filter(|&end| end <= wasm.len())?;
        if id == 10 {
            return Some(&wasm[pos..end]);
        }
        pos = end;
    }
    Some(&[])
}

/// Reads an unsigned LEB128 of at most 32 bits.
fn read_leb_u32(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value).ok();
        }
    }
    None
}

/// How far a case got, for the summary line.
#[derive(Default)]
struct Progress {
    accepted: bool,
    /// Accepted, import-free, but not run because it might loop forever.
    unbounded: bool,
    instantiated: bool,
    calls: usize,
    traps: usize,
}

/// Stage markers shared with the case thread, to say where a hang happened.
const COMPILING: u8 = 0;
const INSTANTIATING: u8 = 1;
const CALLING: u8 = 2;

/// Compiles `wasm` and, if that succeeds and it is safe to, runs it.
///
/// Returns `Err` for results that are not panics but still break the
/// contract, such as a module error of the wrong kind.
fn exercise(engine: &Engine, wasm: &[u8], stage: &AtomicU8) -> Result<Progress, String> {
    let mut progress = Progress::default();
    let module = match Module::new(engine, wasm) {
        Ok(module) => module,
        Err(err) => {
            let text = err.to_string();
            return match err.kind() {
                ErrorKind::Compile(_) | ErrorKind::Unsupported(_) => Ok(progress),
                _ => Err(format!(
                    "Module::new failed with an unexpected kind: {text}"
                )),
            };
        }
    };
    progress.accepted = true;
    // The read-only views of a module must cope with anything the
    // validator let through.
    let _ = (module.stats(), module.emit_ir(), module.name());
    let has_imports = module.imports().count() > 0;
    let _ = module.exports().count();
    if has_imports {
        return Ok(progress);
    }
    if may_run_forever(wasm) {
        progress.unbounded = true;
        return Ok(progress);
    }

    stage.store(INSTANTIATING, Ordering::Relaxed);
    let mut store = Store::new(engine, ());
    let instance = match Instance::new(&mut store, &module, &[]) {
        Ok(instance) => instance,
        Err(err) => {
            let text = err.to_string();
            return match err.kind() {
                ErrorKind::Trap(_)
                | ErrorKind::Instantiate(_)
                | ErrorKind::Unsupported(_)
                | ErrorKind::Exception(_) => Ok(progress),
                _ => Err(format!(
                    "instantiation failed with an unexpected kind: {text}"
                )),
            };
        }
    };
    progress.instantiated = true;

    stage.store(CALLING, Ordering::Relaxed);
    for (name, export) in instance.exports(&mut store) {
        match export {
            Extern::Func(func) => {
                progress.calls += 1;
                if call_with_zeros(&mut store, func).map_err(|e| format!("`{name}`: {e}"))? {
                    progress.traps += 1;
                }
            }
            Extern::Memory(memory) => {
                let _ = memory.size(&store);
                let mut byte = [0u8];
                if memory.data_size(&store) > 0 {
                    memory
                        .read(&store, 0, &mut byte)
                        .map_err(|e| format!("reading memory `{name}`: {e}"))?;
                }
            }
            Extern::Global(global) => {
                let _ = global.get(&store);
            }
            Extern::Table(table) => {
                if table.size(&store) > 0 && table.get(&mut store, 0).is_none() {
                    return Err(format!("table `{name}`: element 0 missing inside its size"));
                }
            }
            Extern::Tag(tag) => {
                let _ = tag.ty(&store);
            }
        }
    }
    Ok(progress)
}

/// Calls `func` with zero-valued arguments; `Ok(true)` means it trapped.
fn call_with_zeros(store: &mut Store<()>, func: Func) -> Result<bool, String> {
    let ty = func.ty(&*store);
    let params: Vec<Val> = ty.params().iter().map(|&t| Val::default_for(t)).collect();
    let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_for(t)).collect();
    match func.call(&mut *store, &params, &mut results) {
        Ok(()) => {
            for (val, &want) in results.iter().zip(ty.results()) {
                if val.ty() != want {
                    return Err(format!("returned a {:?} for a {want:?} result", val.ty()));
                }
            }
            Ok(false)
        }
        Err(err) => {
            let text = err.to_string();
            match err.kind() {
                ErrorKind::Trap(_) | ErrorKind::Unsupported(_) | ErrorKind::Exception(_) => {
                    Ok(true)
                }
                _ => Err(format!("call failed with an unexpected kind: {text}")),
            }
        }
    }
}

/// What went wrong in one case.
enum Failure {
    Panicked(String),
    Hung(u8),
    Broken(String),
}

/// Runs one case on its own thread, under a time limit.
fn run_case(engine: &Engine, wasm: Arc<Vec<u8>>) -> Result<Progress, Failure> {
    let stage = Arc::new(AtomicU8::new(COMPILING));
    let (tx, rx) = mpsc::channel();
    let handle = {
        let (engine, stage) = (engine.clone(), Arc::clone(&stage));
        thread::spawn(move || {
            let _ = tx.send(exercise(&engine, &wasm, &stage));
        })
    };
    match rx.recv_timeout(CASE_TIMEOUT) {
        Ok(result) => {
            let _ = handle.join();
            result.map_err(Failure::Broken)
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let payload = handle.join().err();
            let msg = payload
                .as_ref()
                .and_then(|p| {
                    p.downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                })
                .unwrap_or_else(|| "(non-string panic payload)".into());
            Err(Failure::Panicked(msg))
        }
        // The thread is left running: it cannot be stopped, and the test
        // stops feeding cases so it is the only one.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Failure::Hung(stage.load(Ordering::Relaxed))),
    }
}

/// Lowercase hex, for replaying a failing input.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies `mutation` `cases` times, cycling through the seeds, under every
/// available strategy; fails listing the first failing inputs.
fn fuzz(mutation: Mutation, cases: usize, rng_seed: u64) {
    let seeds = seeds::all();
    for_each_strategy(|strategy| {
        let label = format!("{mutation:?}/{}", strategy.name());
        let engine = Engine::new(
            Config::new()
                .strategy(strategy)
                .max_call_depth(MAX_CALL_DEPTH),
        )
        .expect("engine");
        let mut rng = XorShift::new(rng_seed);
        let mut failures = Vec::new();
        let (mut accepted, mut unbounded, mut instantiated, mut calls, mut traps) = (0, 0, 0, 0, 0);
        for case in 0..cases {
            let seed: &Seed = &seeds[case % seeds.len()];
            let wasm = Arc::new(mutate::apply(mutation, &seed.wasm, &mut rng));
            let describe = |what: String| {
                format!(
                    "case {case} ({label} of seed `{}`): {what}\n    input: {}",
                    seed.name,
                    hex(&wasm)
                )
            };
            match run_case(&engine, Arc::clone(&wasm)) {
                Ok(p) => {
                    accepted += usize::from(p.accepted);
                    unbounded += usize::from(p.unbounded);
                    instantiated += usize::from(p.instantiated);
                    calls += p.calls;
                    traps += p.traps;
                }
                Err(Failure::Panicked(msg)) => failures.push(describe(format!("panicked: {msg}"))),
                Err(Failure::Broken(msg)) => failures.push(describe(msg)),
                Err(Failure::Hung(stage)) => {
                    let stage = ["compiling", "instantiating", "calling"][usize::from(stage)];
                    failures.push(describe(format!(
                        "no result after {CASE_TIMEOUT:?} while {stage}"
                    )));
                    break;
                }
            }
        }
        eprintln!(
            "{label}: {cases} cases, {accepted} accepted ({unbounded} not run: may loop), \
             {instantiated} instantiated, {calls} calls ({traps} trapped)"
        );
        assert!(
            failures.is_empty(),
            "{label}: {} of {cases} cases failed; the first ones:\n{}",
            failures.len(),
            failures
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
        if matches!(mutation, Mutation::BitFlip) {
            // Otherwise a validator that rejects everything would pass.
            assert!(
                instantiated > 0,
                "{label}: no bit-flipped module was ever instantiated"
            );
        }
    });
}

#[test]
fn seeds_are_valid_and_bounded() {
    for seed in seeds::all() {
        let code = code_section(&seed.wasm).expect("seeds are well-formed");
        let suspects: Vec<usize> = (0..code.len())
            .filter(|&i| UNBOUNDED_OPCODES.contains(&code[i]))
            .collect();
        assert_eq!(
            !suspects.is_empty(),
            seed.name == "loops",
            "seed `{}`: only the `loops` seed may contain loop-like bytes in its code; \
             found them at code-section offsets {suspects:?} of {}",
            seed.name,
            hex(code)
        );
    }
    for_each_strategy(|strategy| {
        let engine = Engine::new(
            Config::new()
                .strategy(strategy)
                .max_call_depth(MAX_CALL_DEPTH),
        )
        .expect("engine");
        for seed in seeds::all() {
            if let Err(err) = Module::new(&engine, &seed.wasm) {
                panic!("seed `{}` was rejected: {err}", seed.name);
            }
            let stage = AtomicU8::new(COMPILING);
            let progress = exercise(&engine, &seed.wasm, &stage)
                .unwrap_or_else(|err| panic!("seed `{}`: {err}", seed.name));
            let runnable = seed.name != "imports" && seed.name != "loops";
            assert_eq!(progress.instantiated, runnable, "seed `{}`", seed.name);
        }
    });
}

#[test]
fn truncated_modules_never_panic() {
    fuzz(Mutation::Truncate, 3000, 1);
}

#[test]
fn bit_flipped_modules_never_panic() {
    fuzz(Mutation::BitFlip, 7000, 2);
}

#[test]
fn modules_with_inserted_bytes_never_panic() {
    fuzz(Mutation::Insert, 3000, 3);
}

#[test]
fn modules_with_deleted_bytes_never_panic() {
    fuzz(Mutation::Delete, 2000, 4);
}

#[test]
fn modules_with_edge_value_bytes_never_panic() {
    fuzz(Mutation::Overwrite, 2000, 5);
}

#[test]
fn random_sections_never_panic() {
    fuzz(Mutation::RandomSections, 2000, 6);
}

#[test]
fn random_bytes_never_panic() {
    fuzz(Mutation::Random, 1000, 7);
}

/// Damaged precompiled modules: every kind of mutation, applied to the
/// artifacts of the seeds, must be rejected by `Module::deserialize` (the
/// checksum) without a panic, in every strategy.
#[test]
fn damaged_precompiled_modules_are_rejected_without_panics() {
    let seeds = seeds::all();
    for_each_strategy(|strategy| {
        let engine = Engine::new(Config::new().strategy(strategy)).expect("engine");
        let artifacts: Vec<Vec<u8>> = seeds
            .iter()
            .map(|s| engine.precompile_module(&s.wasm).expect("seeds compile"))
            .collect();
        let mut rng = XorShift::new(8);
        let mut rejected = 0;
        for mutation in [
            Mutation::Truncate,
            Mutation::BitFlip,
            Mutation::Insert,
            Mutation::Delete,
            Mutation::Overwrite,
        ] {
            for case in 0..400 {
                let artifact = &artifacts[case % artifacts.len()];
                let damaged = mutate::apply(mutation, artifact, &mut rng);
                // SAFETY: the damage is what is tested: it must be caught
                // before anything in the artifact is used.
                let result = std::panic::catch_unwind(|| unsafe {
                    Module::deserialize(&engine, &damaged).is_ok()
                });
                match result {
                    Ok(true) => assert_eq!(
                        &damaged,
                        artifact,
                        "{mutation:?}/{}: a damaged artifact was accepted: {}",
                        strategy.name(),
                        hex(&damaged)
                    ),
                    Ok(false) => rejected += 1,
                    Err(_) => panic!(
                        "{mutation:?}/{}: deserialize panicked on {}",
                        strategy.name(),
                        hex(&damaged)
                    ),
                }
            }
        }
        assert!(
            rejected > 1500,
            "{}: only {rejected} rejected",
            strategy.name()
        );
    });
}
