//! What hosting untrusted code costs: every execution workload on each of
//! Strata's strategies, unguarded, with fuel and with epoch checks, measured
//! in one interleaved run so the three configurations share the machine's
//! conditions. The `guards` binary prints the table; `benches/guards.rs`
//! measures the same with criterion.

use crate::engines::{strata_guarded, Guard, Runtime};
use crate::measure::{self, Plan, Samples};
use crate::report::{duration, geomean};
use crate::workloads;
use strata::Strategy;

/// Strata's strategies, in table order.
pub const STRATEGIES: [Strategy; 3] = [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered];

/// The medians of one workload on one strategy, per guard.
pub struct Measured {
    /// The workload.
    pub workload: String,
    /// The strategy.
    pub strategy: Strategy,
    /// Median run time per guard, in [`Guard::ALL`] order; `Err` when it failed.
    pub medians: Vec<Result<std::time::Duration, String>>,
}

impl Measured {
    /// Time with `guard` over time without, when both were measured.
    pub fn overhead(&self, guard: Guard) -> Option<f64> {
        let i = Guard::ALL.iter().position(|&g| g == guard)?;
        let base = self.medians[0].as_ref().ok()?.as_secs_f64();
        let with = self.medians[i].as_ref().ok()?.as_secs_f64();
        (base > 0.0).then(|| with / base)
    }
}

/// Measures every workload whose name contains `filter` on `strategies`;
/// progress goes to standard error.
pub fn measure_all(
    plan: Plan,
    filter: &str,
    strategies: &[Strategy],
) -> Result<Vec<Measured>, String> {
    let mut out = Vec::new();
    for w in workloads::execution(filter)? {
        for &strategy in strategies {
            let runtimes: Vec<Result<Box<dyn Runtime>, String>> = Guard::ALL
                .iter()
                .map(|&g| strata_guarded(strategy, g).map_err(|e| e.to_string()))
                .collect();
            let probes = runtimes
                .iter()
                .map(|rt| match rt {
                    Ok(rt) => measure::execution(rt.as_ref(), &w),
                    Err(e) => Err(e.clone()),
                })
                .collect();
            let results: Vec<Result<Samples, String>> = measure::interleaved(plan, probes);
            let medians: Vec<_> = results.into_iter().map(|r| r.map(|s| s.median())).collect();
            let shown: Vec<String> = medians
                .iter()
                .map(|m| {
                    m.as_ref()
                        .map_or_else(|e| format!("failed: {e}"), |d| duration(*d))
                })
                .collect();
            eprintln!(
                "{:<16} {:<12} {}",
                w.name,
                strategy.name(),
                shown.join("  ")
            );
            out.push(Measured {
                workload: w.name.clone(),
                strategy,
                medians,
            });
        }
    }
    Ok(out)
}

/// The geometric-mean overhead of `guard` on `strategy` over all workloads.
pub fn geomean_overhead(rows: &[Measured], strategy: Strategy, guard: Guard) -> Option<f64> {
    let v: Vec<f64> = rows
        .iter()
        .filter(|r| r.strategy == strategy)
        .filter_map(|r| r.overhead(guard))
        .collect();
    geomean(&v)
}

/// The summary table and the per-workload table, in markdown.
pub fn markdown(rows: &[Measured]) -> String {
    let pct =
        |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:+.1}%", (x - 1.0) * 100.0));
    let mut s = String::new();
    s.push_str("| strategy | fuel overhead | epoch overhead |\n| --- | ---: | ---: |\n");
    let measured = STRATEGIES
        .into_iter()
        .filter(|&st| rows.iter().any(|r| r.strategy == st));
    for strategy in measured {
        s.push_str(&format!(
            "| {} | {} | {} |\n",
            strategy.name(),
            pct(geomean_overhead(rows, strategy, Guard::Fuel)),
            pct(geomean_overhead(rows, strategy, Guard::Epochs)),
        ));
    }
    s.push_str("\nMedian time per `run` call:\n\n");
    s.push_str("| workload | strategy | none | fuel | epochs | fuel overhead | epoch overhead |\n");
    s.push_str("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for r in rows {
        let cell = |m: &Result<std::time::Duration, String>| {
            m.as_ref().map_or("failed".to_string(), |d| duration(*d))
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.workload,
            r.strategy.name(),
            cell(&r.medians[0]),
            cell(&r.medians[1]),
            cell(&r.medians[2]),
            pct(r.overhead(Guard::Fuel)),
            pct(r.overhead(Guard::Epochs)),
        ));
    }
    s
}
