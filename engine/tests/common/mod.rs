//! Helpers shared by the engine's integration tests.
#![allow(dead_code)]

use strata::{Config, Engine, Instance, Linker, Module, Store, Strategy};

/// Every strategy; each test body runs under all of them.
pub const STRATEGIES: [Strategy; 3] = [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered];

/// Runs `f` once per strategy that this machine supports, with an engine
/// configured by `configure` on top of that strategy. Tier-up is
/// synchronous (at exactly the thresholds) unless `configure` says
/// otherwise, so that runs are repeatable.
pub fn for_each_strategy(configure: impl Fn(&mut Config), f: impl Fn(Strategy, Engine)) {
    for strategy in STRATEGIES {
        let mut config = Config::new();
        config.strategy(strategy).parallel_compilation(false);
        configure(&mut config);
        match Engine::new(&config) {
            Ok(engine) => f(strategy, engine),
            // Only a CPU without the JIT's instruction set extensions gets here.
            Err(e) => eprintln!("skipping {strategy:?}: {e}"),
        }
    }
}

/// Compiles and instantiates `wat` with no imports.
pub fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).expect("module compiles");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, instance)
}

/// Runs `body` in a child process: the test binary runs again with only the
/// test `name` (its full path, e.g. `"host_panic_unwinds"`), and a crash or
/// an abort there fails this test instead of killing the test runner.
pub fn in_child_process(name: &str, body: impl FnOnce()) {
    const MARK: &str = "STRATA_TEST_IN_CHILD";
    if std::env::var_os(MARK).is_some() {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(MARK, "1")
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child process for {name} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}
