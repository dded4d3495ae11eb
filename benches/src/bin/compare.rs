//! Runs every engine on every workload in one process and prints markdown
//! tables of the results; writes them to `benches/RESULTS.md`, and with
//! `--readme` also into the README's benchmark section.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use strata_benches::engines::EngineId;
use strata_benches::measure::Plan;
use strata_benches::report::Header;
use strata_benches::{machine, memory, suite, workloads};

const USAGE: &str = "\
usage: compare [--quick | --full] [--filter TEXT] [--engines KEY,KEY...]
               [--only execution|compilation] [--no-memory] [--no-write] [--readme]
       compare --save-modules DIR

  --quick      a few samples per cell, under five minutes (the default)
  --full       enough samples for stable medians
  --filter     only workloads and modules whose name contains TEXT
  --engines    a subset of: strata-interp strata-jit strata-tiered wasmi
               cranelift winch tinywasm
  --only       measure only execution, or only compilation, instantiation
               and memory (for profiling one kind of work)
  --no-memory  skip the memory probes (one child process per cell)
  --no-write   print only; do not write benches/RESULTS.md
  --readme     also replace the README's table between its bench markers
  --save-modules DIR
               write every workload and compile input as DIR/NAME.wasm (to
               inspect them, for example with `strata compile --emit-ir`)";

/// Marks around the generated part of the README's benchmark section.
const README_START: &str = "<!-- compare:start -->";
const README_END: &str = "<!-- compare:end -->";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(memory::PROBE_FLAG) {
        return probe(&args[1..]);
    }
    if let [flag, dir] = &args[..] {
        if flag == "--save-modules" {
            return match save_modules(Path::new(dir)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("compare: {e}");
                    ExitCode::FAILURE
                }
            };
        }
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}

fn probe(args: &[String]) -> ExitCode {
    let [engine, input] = args else {
        eprintln!("usage: compare {} ENGINE INPUT", memory::PROBE_FLAG);
        return ExitCode::from(2);
    };
    match suite::probe(engine, input) {
        Ok(f) => {
            println!("{}", memory::encode(&f));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut plan = (Plan::QUICK, "quick");
    let mut options = suite::Options {
        plan: plan.0,
        engines: EngineId::ALL.to_vec(),
        filter: String::new(),
        execution: true,
        compilation: true,
        probe_exe: std::env::current_exe().ok(),
    };
    let (mut write, mut readme) = (true, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => plan = (Plan::QUICK, "quick"),
            "--full" => plan = (Plan::FULL, "full"),
            "--filter" => options.filter = it.next().ok_or(USAGE)?.clone(),
            "--engines" => {
                let keys = it.next().ok_or(USAGE)?;
                options.engines = keys
                    .split(',')
                    .map(|k| EngineId::from_key(k).ok_or(format!("unknown engine {k}\n{USAGE}")))
                    .collect::<Result<_, _>>()?;
            }
            "--only" => match it.next().map(String::as_str) {
                Some("execution") => options.compilation = false,
                Some("compilation") => options.execution = false,
                _ => return Err(USAGE.into()),
            },
            "--no-memory" => options.probe_exe = None,
            "--no-write" => write = false,
            "--readme" => readme = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    options.plan = plan.0;
    let load_start = machine::load();
    let mut command = String::from("cargo run --release -p strata-benches --bin compare");
    if !args.is_empty() {
        command.push_str(" -- ");
        command.push_str(&args.join(" "));
    }
    let header = Header {
        command,
        mode: format!(
            "{} (engines take turns; at least {} rounds and {:.1} s per engine, at most {} rounds; medians)",
            plan.1,
            plan.0.min_rounds,
            plan.0.budget.as_secs_f64(),
            plan.0.max_rounds
        ),
        machine: machine::describe(),
        rustc: machine::rustc(),
        date: machine::date(),
        revision: machine::revision(),
        load: String::new(),
    };
    let mut report = suite::run(&options, header)?;
    report.header.load = format!("{load_start} / {}", machine::load());
    let markdown = report.markdown();
    println!("{markdown}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if write {
        let path = root.join("RESULTS.md");
        std::fs::write(&path, &markdown).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if readme {
        update_readme(&root.join("../README.md"), &report.headline())?;
    }
    Ok(())
}

/// Writes every module the benchmarks use into `dir`.
fn save_modules(dir: &Path) -> Result<(), String> {
    let mut modules: Vec<(String, std::sync::Arc<[u8]>)> = workloads::execution("")?
        .into_iter()
        .map(|w| (w.name, w.wasm))
        .collect();
    modules.extend(
        workloads::compile_inputs("")?
            .into_iter()
            .map(|i| (i.name, i.wasm)),
    );
    for (name, wasm) in modules {
        let path = dir.join(format!("{}.wasm", name.replace('/', "_")));
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        std::fs::write(&path, &wasm[..]).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Replaces the text between the README's markers with `table`.
fn update_readme(path: &PathBuf, table: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (Some(start), Some(end)) = (text.find(README_START), text.find(README_END)) else {
        return Err(format!(
            "{} lacks the {README_START} / {README_END} markers",
            path.display()
        ));
    };
    let updated = format!("{}{README_START}\n{table}{}", &text[..start], &text[end..]);
    std::fs::write(path, updated).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("updated {}", path.display());
    Ok(())
}
