//! The comparison itself: Strata's strategies against each other exactly,
//! then Strata against wasmi with the allowances documented here.
//!
//! Half of all modules run with fuel on (see [`run_strata::fuel_for`]); the
//! fuel each call consumed is then compared exactly between Strata's
//! strategies (wasmi's fuel model is its own, so not against wasmi). Half
//! of those get a small budget per call ([`run_strata::fuel_budget`]), so
//! calls run out of fuel mid-run; the comparison with wasmi stops at the
//! first such call, while the strategies keep being compared exactly.
//!
//! Allowances against wasmi (never between Strata's strategies):
//! - error messages are not compared, only "failed" and trap codes, with
//!   Strata's `UndefinedElement` equal to wasmi's table-out-of-bounds code;
//! - both failing to instantiate agrees unless both report differing traps;
//! - a call that ends in a stack-overflow trap in both engines agrees, and
//!   the comparison goes on: with the same `MAX_CALL_DEPTH` both engines stop
//!   at the same depth (no case of 120 000 generated modules differed after
//!   such a trap). If only one engine overflows, the comparison with wasmi
//!   stops there: its frame accounting can differ from Strata's in ways the
//!   specification leaves open, and the side effects and fuel left after the
//!   call then differ legitimately. Strata's strategies share one limit and
//!   must agree exactly, overflow included;
//! - a difference in a module containing the shape of a known wasmi bug
//!   (see [`super::oracle_bugs`]) is attributed to wasmi;
//! - a module on which wasmi panics (its translator has internal assertions
//!   that fire in builds with debug assertions, such as fuzzing builds) is
//!   compared among Strata's strategies only.

use super::observe::{Outcome, Run, Snapshot};
use super::plan::Plan;
use super::report;
use super::{known_bugs, oracle_bugs, run_strata, run_wasmi};
use std::fmt;
use strata::TrapCode;

/// A case on which every engine agreed (or the difference is explained).
#[derive(Clone, Debug, Default)]
pub struct Verdict {
    /// Calls made on each engine.
    pub calls: usize,
    /// Calls whose outcome and effects were compared with wasmi.
    pub calls_checked_against_wasmi: usize,
    /// Calls compared with wasmtime (modules wasmi cannot run, with the
    /// `wasmtime-oracle` feature).
    pub calls_checked_against_wasmtime: usize,
    /// Set when wasmi differed in a way a known wasmi bug explains.
    pub oracle_bug: Option<&'static str>,
    /// Set when Strata reported the module as valid but unsupported.
    pub unsupported: bool,
    /// Set when the module uses a feature wasmi lacks (typed function
    /// references): only Strata's strategies were compared.
    pub beyond_wasmi: bool,
    /// Calls that returned, in Strata.
    pub returned: usize,
    /// Calls that trapped, in Strata.
    pub trapped: usize,
    /// Calls that ended with an uncaught exception, in Strata.
    pub thrown: usize,
    /// Functions the tiered strategy compiled while running.
    pub tier_ups: u64,
    /// Loops the tiered strategy entered in compiled code by OSR.
    pub osr_entries: u64,
    /// Calls whose fuel consumption was compared between strategies.
    pub fuel_calls: usize,
    /// Of those, calls that ran out of fuel.
    pub out_of_fuel: usize,
}

/// Engines disagreed; `Display` gives the full readable report.
#[derive(Clone, Debug)]
pub struct Disagreement {
    /// One line saying who disagreed where.
    pub summary: String,
    /// The full report: the calls, every engine's outcomes, the module.
    pub report: String,
    /// The module.
    pub wasm: Vec<u8>,
    /// The bytes the arguments were drawn from.
    pub arg_bytes: Vec<u8>,
    /// Set when Strata's strategies disagree on a module whose shape matches
    /// an open Strata bug ([`super::known_bugs`]).
    pub known_issue: Option<&'static str>,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

/// Where two runs first differ.
#[derive(Clone, Debug)]
pub struct Difference {
    /// `None` before any call (compile or instantiation), else the call index.
    pub call: Option<usize>,
    /// What differed.
    pub detail: String,
}

/// How strictly two runs are compared.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Mode {
    /// Between Strata's strategies: everything, exactly.
    Exact,
    /// Against wasmi: with the allowances in the module documentation.
    Oracle,
}

/// Runs `wasm` with arguments drawn from `arg_bytes` on every Strata strategy
/// and on wasmi, and compares everything observable.
pub fn check(wasm: &[u8], arg_bytes: &[u8]) -> Result<Verdict, Disagreement> {
    let plan = Plan::new(wasm, arg_bytes).unwrap_or_default();
    let runs: Vec<Run> = run_strata::engines(run_strata::fuel_for(wasm))
        .iter()
        .map(|e| run_strata::run(e.name, &e.engine, wasm, &plan))
        .collect();
    let mut verdict = Verdict {
        calls: plan.calls.len(),
        ..Verdict::default()
    };
    let Some(reference) = runs.first() else {
        return Ok(verdict);
    };
    verdict.fuel_calls = reference.steps.iter().filter(|s| s.fuel.is_some()).count();
    verdict.out_of_fuel = reference
        .steps
        .iter()
        .filter(|s| s.outcome.is_out_of_fuel())
        .count();
    for step in &reference.steps {
        match step.outcome {
            Outcome::Returned(_) => verdict.returned += 1,
            Outcome::Trapped(_) => verdict.trapped += 1,
            Outcome::Thrown(_) => verdict.thrown += 1,
            Outcome::Failed(_) => {}
        }
    }
    if let Some(tiered) = runs
        .iter()
        .find(|r| r.engine == strata::Strategy::Tiered.name())
    {
        (verdict.tier_ups, verdict.osr_entries) = tiered.tier_ups;
    }
    for other in &runs[1..] {
        if let Some(diff) = first_difference(reference, other, Mode::Exact) {
            let summary = format!(
                "Strata strategies disagree: `{}` vs `{}` {}",
                reference.engine,
                other.engine,
                report::location(&diff)
            );
            let mut disagreement =
                report::disagreement(summary, &diff, &plan, &runs, wasm, arg_bytes);
            disagreement.known_issue = known_bugs::strata_bug_in(wasm);
            return Err(disagreement);
        }
    }
    if run_strata::is_unsupported(reference) {
        verdict.unsupported = true;
        return Ok(verdict);
    }
    let (oracle_name, oracle) = if run_wasmi::beyond_wasmi(wasm) {
        verdict.beyond_wasmi = true;
        #[cfg(not(feature = "wasmtime-oracle"))]
        return Ok(verdict);
        #[cfg(feature = "wasmtime-oracle")]
        ("wasmtime", super::run_wasmtime::run_contained(wasm, &plan))
    } else {
        ("wasmi", run_wasmi::run_contained(wasm, &plan))
    };
    let oracle = match oracle {
        Ok(run) => run,
        Err(panic) => {
            verdict.oracle_bug = Some(panic);
            return Ok(verdict);
        }
    };
    let checked = checked_calls(reference, &oracle);
    match oracle_name {
        "wasmi" => verdict.calls_checked_against_wasmi = checked,
        _ => verdict.calls_checked_against_wasmtime = checked,
    }
    if let Some(diff) = first_difference(reference, &oracle, Mode::Oracle) {
        if oracle_name == "wasmi" {
            if let Some(bug) = oracle_bugs::wasmi_bug_in(wasm) {
                verdict.oracle_bug = Some(bug);
                return Ok(verdict);
            }
        }
        let summary = format!(
            "Strata (all strategies agree) vs {oracle_name} {}",
            report::location(&diff)
        );
        let mut all = runs.clone();
        all.push(oracle);
        return Err(report::disagreement(
            summary, &diff, &plan, &all, wasm, arg_bytes,
        ));
    }
    Ok(verdict)
}

/// Calls before the first call that overflowed the stack in one run only.
fn checked_calls(a: &Run, b: &Run) -> usize {
    a.steps
        .iter()
        .zip(&b.steps)
        .take_while(|(x, y)| {
            x.outcome.is_stack_overflow() == y.outcome.is_stack_overflow()
                && !x.outcome.is_out_of_fuel()
                && !y.outcome.is_out_of_fuel()
        })
        .count()
}

/// The first observable difference between `a` and `b`, if any.
fn first_difference(a: &Run, b: &Run, mode: Mode) -> Option<Difference> {
    let before = |detail: String| Some(Difference { call: None, detail });
    if a.compiled.is_ok() != b.compiled.is_ok() {
        return before(format!(
            "compilation: {} vs {}",
            describe_compile(&a.compiled),
            describe_compile(&b.compiled)
        ));
    }
    if a.compiled.is_err() {
        return None;
    }
    let (ia, ib) = (
        normalize(&a.instantiated, mode),
        normalize(&b.instantiated, mode),
    );
    if ia != ib {
        let both_failed =
            !matches!(ia, Outcome::Returned(_)) && !matches!(ib, Outcome::Returned(_));
        let both_trapped = matches!(ia, Outcome::Trapped(_)) && matches!(ib, Outcome::Trapped(_));
        let overflow = ia.is_stack_overflow() || ib.is_stack_overflow();
        let out_of_fuel = ia.is_out_of_fuel() || ib.is_out_of_fuel();
        let tolerated =
            mode == Mode::Oracle && ((both_failed && !both_trapped) || overflow || out_of_fuel);
        if !tolerated {
            return before(format!(
                "instantiation: {} vs {}",
                a.instantiated, b.instantiated
            ));
        }
    }
    if !matches!(ia, Outcome::Returned(_)) {
        return None;
    }
    if let Some(detail) = state_difference(&a.initial, &b.initial) {
        return before(format!("state after instantiation: {detail}"));
    }
    for (i, (sa, sb)) in a.steps.iter().zip(&b.steps).enumerate() {
        if mode == Mode::Oracle
            && (sa.outcome.is_stack_overflow() != sb.outcome.is_stack_overflow()
                || sa.outcome.is_out_of_fuel()
                || sb.outcome.is_out_of_fuel())
        {
            return None;
        }
        if normalize(&sa.outcome, mode) != normalize(&sb.outcome, mode) {
            return Some(Difference {
                call: Some(i),
                detail: format!("{} vs {}", sa.outcome, sb.outcome),
            });
        }
        if let Some(detail) = state_difference(&sa.state, &sb.state) {
            return Some(Difference {
                call: Some(i),
                detail: format!("state after the call: {detail}"),
            });
        }
        if mode == Mode::Exact && sa.fuel != sb.fuel {
            return Some(Difference {
                call: Some(i),
                detail: format!("fuel consumed: {:?} vs {:?}", sa.fuel, sb.fuel),
            });
        }
    }
    if a.steps.len() != b.steps.len() {
        return before(format!("{} vs {} calls made", a.steps.len(), b.steps.len()));
    }
    None
}

fn describe_compile(result: &Result<(), String>) -> String {
    match result {
        Ok(()) => "accepted".to_string(),
        Err(message) => format!("rejected ({message})"),
    }
}

/// `outcome` with the differences `mode` tolerates erased.
fn normalize(outcome: &Outcome, mode: Mode) -> Outcome {
    match (outcome, mode) {
        (Outcome::Trapped(TrapCode::UndefinedElement), Mode::Oracle) => {
            Outcome::Trapped(TrapCode::TableOutOfBounds)
        }
        (Outcome::Failed(_), Mode::Oracle) => Outcome::Failed(String::new()),
        (other, _) => other.clone(),
    }
}

fn state_difference(a: &Snapshot, b: &Snapshot) -> Option<String> {
    if a.len() != b.len() {
        return Some(format!("{} vs {} exported items", a.len(), b.len()));
    }
    a.iter().zip(b).find_map(|((name_a, sa), (name_b, sb))| {
        if name_a != name_b {
            Some(format!("export `{name_a}` vs `{name_b}`"))
        } else if sa != sb {
            Some(format!("export `{name_a}`: {}", sa.describe_difference(sb)))
        } else {
            None
        }
    })
}
