//! Helpers shared by the WASI tests: running a body in every strategy and
//! running a WASI module with captured output.

#![allow(dead_code)] // each test file uses its own subset

pub mod fixtures;

use strata::{Config, Engine, Linker, Module, Store, Strategy};
use strata_wasi::{I32Exit, MemoryOutputPipe, WasiCtx, WasiCtxBuilder};

/// Runs `body` with an engine for each strategy. A strategy is skipped only
/// when `Engine::new` refuses it (not implemented yet), and the skip is
/// reported on stderr, so new tiers are tested as soon as they exist.
pub fn for_each_strategy(mut body: impl FnMut(&Engine)) {
    let mut ran = 0;
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        match Engine::new(Config::new().strategy(strategy)) {
            Ok(engine) => {
                body(&engine);
                ran += 1;
            }
            Err(err) => eprintln!("skipping strategy {}: {err}", strategy.name()),
        }
    }
    assert!(ran > 0, "no strategy is available");
}

/// The strategy an engine runs with, for messages.
pub fn strategy_name(engine: &Engine) -> &'static str {
    engine.config().get_strategy().name()
}

/// How a run ended.
#[derive(Debug)]
pub struct Outcome {
    /// Everything the guest wrote to stdout.
    pub stdout: String,
    /// Everything the guest wrote to stderr.
    pub stderr: String,
    /// `Some(status)` if it called `proc_exit`.
    pub exit: Option<i32>,
    /// The error of the call into `_start`, other than an exit.
    pub error: Option<strata::Error>,
}

/// How many bytes of stdout and of stderr [`run_wasi`] keeps: more than
/// any test program writes.
pub const CAPTURE_CAPACITY: usize = 1 << 20;

/// Runs `_start` of `wasm` with WASI configured by `configure`, capturing
/// stdout and stderr (up to [`CAPTURE_CAPACITY`] bytes each).
pub fn run_wasi(
    engine: &Engine,
    wasm: &[u8],
    configure: impl FnOnce(&mut WasiCtxBuilder),
) -> Outcome {
    let stdout = MemoryOutputPipe::new(CAPTURE_CAPACITY);
    let stderr = MemoryOutputPipe::new(CAPTURE_CAPACITY);
    let mut builder = WasiCtx::builder();
    builder.stdout(stdout.clone()).stderr(stderr.clone());
    configure(&mut builder);
    let module = Module::new(engine, wasm).expect("the module compiles");
    let mut store = Store::new(engine, builder.build());
    let mut linker = Linker::new(engine);
    strata_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
    let result = linker
        .instantiate(&mut store, &module)
        .and_then(|instance| {
            instance
                .get_typed_func::<(), ()>(&mut store, "_start")?
                .call(&mut store, ())
        });
    let exit = store.data().exit_code();
    let error = match result {
        Ok(()) => None,
        Err(err) => {
            // The two ways to recognise an exit must agree.
            assert_eq!(I32Exit::from_error(&err).map(|e| e.0), exit, "{err}");
            exit.is_none().then_some(err)
        }
    };
    Outcome {
        stdout: String::from_utf8(stdout.contents()).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr.contents()).expect("utf-8 stderr"),
        exit,
        error,
    }
}

/// Runs test program `name` (`tests/programs/NAME.wasm`) with `argv[0]`
/// set to its name.
pub fn run_program(
    engine: &Engine,
    name: &str,
    configure: impl FnOnce(&mut WasiCtxBuilder),
) -> Outcome {
    let wasm = std::fs::read(fixtures::program(name)).expect("the test program exists");
    run_wasi(engine, &wasm, |b| {
        b.arg(format!("{name}.wasm"));
        configure(b);
    })
}
