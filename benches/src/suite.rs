//! The whole comparison: every engine on every workload, compile input and
//! instantiation input, collected into a [`Report`].

use crate::engines::{EngineId, Runtime, Unavailable};
use crate::measure::{self, Plan, Probe, Samples};
use crate::memory;
use crate::report::{size_detail, Header, Outcome, Report, Row};
use crate::workloads::{self, CompileInput, Workload};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What to measure.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long to measure each input.
    pub plan: Plan,
    /// Engines to measure, in column order.
    pub engines: Vec<EngineId>,
    /// Only inputs whose name contains this.
    pub filter: String,
    /// Measure execution.
    pub execution: bool,
    /// Measure compilation and instantiation.
    pub compilation: bool,
    /// The binary to start as the memory probe; no memory table without it.
    pub probe_exe: Option<PathBuf>,
}

/// The engines that could be created, and why the others could not.
struct Engines {
    ready: Vec<(EngineId, Box<dyn Runtime>)>,
    unavailable: BTreeMap<EngineId, Unavailable>,
}

impl Engines {
    fn create(ids: &[EngineId]) -> Engines {
        let mut ready = Vec::new();
        let mut unavailable = BTreeMap::new();
        for &id in ids {
            match id.create() {
                Ok(rt) => ready.push((id, rt)),
                Err(why) => {
                    unavailable.insert(id, why);
                }
            }
        }
        Engines { ready, unavailable }
    }

    /// A row with an `Unavailable` cell for each engine that is.
    fn row<T>(&self, name: &str, detail: String) -> Row<T> {
        let cells = self
            .unavailable
            .iter()
            .map(|(&id, why)| (id, Outcome::Unavailable(why.clone())))
            .collect();
        Row {
            name: name.to_string(),
            detail,
            cells,
        }
    }
}

/// Records a measurement, or a failure both in the cell and in the notes.
fn record<T>(
    row: &mut Row<T>,
    notes: &mut Vec<String>,
    id: EngineId,
    section: &str,
    result: Result<T, String>,
) {
    let outcome = match result {
        Ok(t) => Outcome::Measured(t),
        Err(e) => {
            notes.push(format!(
                "{} failed ({section}) on `{}`: {e}",
                id.label(),
                row.name
            ));
            Outcome::Failed(e)
        }
    };
    row.cells.insert(id, outcome);
}

fn progress(section: &str, name: &str, id: EngineId, result: &Result<Samples, String>) {
    match result {
        Ok(s) => eprintln!(
            "{section:>11} {name:<22} {:<14} {:>10}  ({} samples)",
            id.label(),
            crate::report::duration(s.median()),
            s.len()
        ),
        Err(e) => eprintln!("{section:>11} {name:<22} {:<14} FAILED: {e}", id.label()),
    }
}

/// Runs the comparison; progress goes to standard error.
pub fn run(options: &Options, header: Header) -> Result<Report, String> {
    let engines = Engines::create(&options.engines);
    for (id, why) in &engines.unavailable {
        eprintln!("{} unavailable: {why}", id.label());
    }
    let exec = match options.execution {
        true => workloads::execution(&options.filter)?,
        false => Vec::new(),
    };
    let inputs = match options.compilation {
        true => workloads::compile_inputs(&options.filter)?,
        false => Vec::new(),
    };
    let mut report = Report {
        header,
        engines: options.engines.clone(),
        unavailable: engines.unavailable.clone(),
        ..Report::default()
    };
    for w in &exec {
        report
            .execution
            .push(execution_row(&engines, w, options.plan, &mut report.notes));
    }
    for input in &inputs {
        report.compilation.push(compile_row(
            &engines,
            input,
            options.plan,
            &mut report.notes,
        ));
    }
    for input in inputs.iter().filter(|i| i.instantiable) {
        check_agreement(&engines, input, &mut report.notes);
        report.instantiation.push(instantiate_row(
            &engines,
            input,
            options.plan,
            &mut report.notes,
        ));
    }
    for input in inputs.iter().filter(|i| i.instantiable) {
        let detail = size_detail(input.wasm.len());
        report.startup.push(measured_row(
            &engines,
            &input.name,
            detail,
            options.plan,
            "startup",
            &mut report.notes,
            |rt| measure::startup(rt, input, AGREEMENT_ARG),
        ));
    }
    if options.compilation && "request".contains(options.filter.as_str()) {
        let request = workloads::request()?;
        for pooling in [false, true] {
            for threads in [1, 2] {
                report.requests.push(requests_row(
                    &engines,
                    &request,
                    pooling,
                    threads,
                    options.plan,
                    &mut report.notes,
                ));
            }
        }
    }
    if let Some(exe) = &options.probe_exe {
        for input in &inputs {
            report
                .memory
                .push(memory_row(&engines, input, exe, &mut report.notes));
        }
    }
    Ok(report)
}

/// Measures every ready engine on one input, interleaved, into a row.
fn measured_row<'a>(
    e: &'a Engines,
    name: &str,
    detail: String,
    plan: Plan,
    section: &str,
    notes: &mut Vec<String>,
    probe: impl Fn(&'a dyn Runtime) -> Result<Probe<'a>, String>,
) -> Row<Samples> {
    let mut row = e.row(name, detail);
    let probes = e.ready.iter().map(|(_, rt)| probe(rt.as_ref())).collect();
    let results = measure::interleaved(plan, probes);
    for ((id, _), result) in e.ready.iter().zip(results) {
        progress(section, name, *id, &result);
        record(&mut row, notes, *id, section, result);
    }
    row
}

fn execution_row(e: &Engines, w: &Workload, plan: Plan, notes: &mut Vec<String>) -> Row<Samples> {
    measured_row(e, &w.name, String::new(), plan, "execution", notes, |rt| {
        measure::execution(rt, w)
    })
}

fn compile_row(
    e: &Engines,
    input: &CompileInput,
    plan: Plan,
    notes: &mut Vec<String>,
) -> Row<Samples> {
    let detail = size_detail(input.wasm.len());
    measured_row(e, &input.name, detail, plan, "compile", notes, |rt| {
        measure::compilation(rt, input)
    })
}

fn instantiate_row(
    e: &Engines,
    input: &CompileInput,
    plan: Plan,
    notes: &mut Vec<String>,
) -> Row<Samples> {
    let detail = size_detail(input.wasm.len());
    measured_row(e, &input.name, detail, plan, "instantiate", notes, |rt| {
        measure::instantiation(rt, input)
    })
}

/// Requests on `threads` threads, each engine allocating instances on
/// demand or from its pool (a cell that says so where it has none).
fn requests_row(
    e: &Engines,
    request: &Workload,
    pooling: bool,
    threads: u32,
    plan: Plan,
    notes: &mut Vec<String>,
) -> Row<Samples> {
    let name = match threads {
        1 => "1 thread".to_string(),
        n => format!("{n} threads"),
    };
    let allocation = if pooling { "pooling" } else { "on demand" };
    let mut row = e.row(&name, allocation.to_string());
    let mut measured = Vec::new();
    let mut probes = Vec::new();
    for (id, rt) in &e.ready {
        let runtime = match pooling {
            false => Ok(None),
            true => rt.pooling().map(Some),
        };
        match runtime {
            Ok(pooled) => {
                let rt = pooled.as_deref().unwrap_or(rt.as_ref());
                let probe = rt
                    .compile(&request.wasm)
                    .and_then(|m| measure::requests(Arc::from(m), request, threads));
                measured.push(*id);
                probes.push(probe);
            }
            Err(why) => {
                row.cells.insert(*id, Outcome::Unavailable(why));
            }
        }
    }
    let section = format!("requests ({allocation})");
    for (id, result) in measured.into_iter().zip(measure::interleaved(plan, probes)) {
        progress(&section, &name, id, &result);
        record(&mut row, notes, id, &section, result);
    }
    row
}

/// The argument compile inputs are run with.
const AGREEMENT_ARG: i32 = 7;

/// Runs a compile input once on every engine; the generated modules have no
/// native model, so the engines must at least agree with each other.
fn check_agreement(e: &Engines, input: &CompileInput, notes: &mut Vec<String>) {
    const ARG: i32 = AGREEMENT_ARG;
    let mut answers: Vec<(EngineId, Result<i64, String>)> = Vec::new();
    for (id, rt) in &e.ready {
        let answer = rt
            .compile(&input.wasm)
            .and_then(|m| m.instantiate())
            .and_then(|mut i| i.run(ARG));
        answers.push((*id, answer));
    }
    let values: Vec<i64> = answers.iter().filter_map(|(_, a)| a.clone().ok()).collect();
    let agreed = values.windows(2).all(|w| w[0] == w[1]);
    if !agreed || values.len() != answers.len() {
        let listed: Vec<String> = answers
            .iter()
            .map(|(id, a)| match a {
                Ok(v) => format!("{} {v}", id.label()),
                Err(err) => format!("{} error: {err}", id.label()),
            })
            .collect();
        notes.push(format!(
            "engines disagree on `{}` run({ARG}): {}",
            input.name,
            listed.join("; ")
        ));
    }
}

fn memory_row(
    e: &Engines,
    input: &CompileInput,
    exe: &std::path::Path,
    notes: &mut Vec<String>,
) -> Row<memory::Footprint> {
    let mut row = e.row(&input.name, size_detail(input.wasm.len()));
    for (id, _) in &e.ready {
        let result = memory::measure_in_child(exe, *id, &input.name);
        match &result {
            Ok(f) => eprintln!(
                "{:>11} {:<22} {:<14} peak {} module {}",
                "memory",
                input.name,
                id.label(),
                crate::report::bytes(f.compile_peak),
                crate::report::bytes(f.module)
            ),
            Err(err) => eprintln!(
                "{:>11} {:<22} {:<14} FAILED: {err}",
                "memory",
                input.name,
                id.label()
            ),
        }
        record(&mut row, notes, *id, "memory", result);
    }
    row
}

/// The probe child's work: measures `engine` on the compile input `name`.
pub fn probe(engine: &str, name: &str) -> Result<memory::Footprint, String> {
    let id = EngineId::from_key(engine).ok_or_else(|| format!("unknown engine {engine}"))?;
    let input = workloads::compile_inputs(name)?
        .into_iter()
        .find(|i| i.name == name)
        .ok_or_else(|| format!("unknown compile input {name}"))?;
    memory::measure_here(id, &input.wasm)
}
