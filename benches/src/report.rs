//! Results and their rendering as markdown tables.
//!
//! Ratios are speedups: a peer's time divided by Strata's, so above 1 means
//! Strata is faster and below 1 means it is slower. Geometric means are
//! taken over the rows where both engines have a figure.

use crate::engines::{EngineId, Unavailable};
use crate::measure::Samples;
use crate::memory::Footprint;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

/// What one engine produced on one input.
#[derive(Clone, Debug)]
pub enum Outcome<T> {
    /// A measurement.
    Measured(T),
    /// The engine configuration does not exist yet or failed to start.
    Unavailable(Unavailable),
    /// The engine rejected the input, trapped, or returned a wrong result.
    Failed(String),
}

impl<T> Outcome<T> {
    /// The measurement, if there is one.
    pub fn measured(&self) -> Option<&T> {
        match self {
            Outcome::Measured(t) => Some(t),
            _ => None,
        }
    }
}

/// One input's results across engines.
#[derive(Clone, Debug)]
pub struct Row<T> {
    /// The input's name.
    pub name: String,
    /// A second column, such as the module's size (may be empty).
    pub detail: String,
    /// Results by engine.
    pub cells: BTreeMap<EngineId, Outcome<T>>,
}

/// Where and how the figures were taken.
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// The command that produced the report.
    pub command: String,
    /// `quick` or `full`, with its sampling plan.
    pub mode: String,
    /// CPU, cores, memory, OS.
    pub machine: String,
    /// The compiler that built the benchmark.
    pub rustc: String,
    /// UTC date of the run.
    pub date: String,
    /// The commit measured.
    pub revision: String,
    /// Load averages at the start and the end of the run.
    pub load: String,
}

/// Everything one run of `compare` measured.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Context of the run.
    pub header: Header,
    /// The engines measured, in column order.
    pub engines: Vec<EngineId>,
    /// Engines that could not be created, and why.
    pub unavailable: BTreeMap<EngineId, Unavailable>,
    /// Median time per `run` call.
    pub execution: Vec<Row<Samples>>,
    /// Median time to validate and compile (or translate) a module.
    pub compilation: Vec<Row<Samples>>,
    /// Median time to instantiate a compiled module in a new store.
    pub instantiation: Vec<Row<Samples>>,
    /// Median time from module bytes to the first result, each engine in
    /// its startup configuration.
    pub startup: Vec<Row<Samples>>,
    /// Median time per request (new store, instantiate, call, drop) of
    /// the request module, per allocation strategy and thread count.
    pub requests: Vec<Row<Samples>>,
    /// Resident memory of compiling and holding a module.
    pub memory: Vec<Row<Footprint>>,
    /// Failures and other remarks, one per line.
    pub notes: Vec<String>,
}

/// Formats a duration with three significant digits and a fitting unit.
pub fn duration(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    let (v, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$} {unit}")
}

/// Formats a byte count in KiB or MiB.
pub fn bytes(b: u64) -> String {
    if b >= 1 << 20 {
        format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.0} KiB", b as f64 / 1024.0)
    }
}

fn ratio(r: Option<f64>) -> String {
    r.map_or("–".into(), |r| format!("{r:.2}x"))
}

/// Geometric mean, or `None` for no values.
pub fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let log_sum: f64 = values.iter().map(|v| v.ln()).sum();
    Some((log_sum / values.len() as f64).exp())
}

/// The speedup of `strata` over `peer` on one row.
fn speedup(row: &Row<Samples>, strata: EngineId, peer: EngineId) -> Option<f64> {
    let s = row.cells.get(&strata)?.measured()?.median().as_secs_f64();
    let p = row.cells.get(&peer)?.measured()?.median().as_secs_f64();
    (s > 0.0).then(|| p / s)
}

/// The geometric-mean speedup of `strata` over `peer` across `rows`.
pub fn mean_speedup(rows: &[Row<Samples>], strata: EngineId, peer: EngineId) -> Option<f64> {
    let v: Vec<f64> = rows
        .iter()
        .filter_map(|r| speedup(r, strata, peer))
        .collect();
    geomean(&v)
}

impl Report {
    fn stratas(&self) -> Vec<EngineId> {
        self.engines
            .iter()
            .copied()
            .filter(|e| e.is_strata())
            .collect()
    }

    fn peers(&self) -> Vec<EngineId> {
        self.engines
            .iter()
            .copied()
            .filter(|e| !e.is_strata())
            .collect()
    }

    fn cell<T>(&self, outcome: Option<&Outcome<T>>, show: impl Fn(&T) -> String) -> String {
        match outcome {
            Some(Outcome::Measured(t)) => show(t),
            Some(Outcome::Unavailable(u)) => u.cell().into(),
            Some(Outcome::Failed(_)) => "**failed**".into(),
            None => "–".into(),
        }
    }

    /// A table of durations: one column per engine, then one column per
    /// Strata strategy with its speedups over each peer, then a row of
    /// geometric means.
    fn time_table(&self, out: &mut String, rows: &[Row<Samples>], first: &str, detail: &str) {
        if rows.is_empty() {
            out.push_str("(nothing selected)\n");
            return;
        }
        let stratas = self.stratas();
        let peers = self.peers();
        let peer_names: Vec<&str> = peers.iter().map(|p| p.label()).collect();
        let mut head = format!("| {first} |{}", if detail.is_empty() { "" } else { " " });
        head.push_str(detail);
        if !detail.is_empty() {
            head.push_str(" |");
        }
        let mut rule = String::from("| --- |");
        if !detail.is_empty() {
            rule.push_str(" ---: |");
        }
        for e in &self.engines {
            let _ = write!(head, " {} |", e.label());
            rule.push_str(" ---: |");
        }
        for s in &stratas {
            let _ = write!(
                head,
                " {} speedup vs {} |",
                s.label(),
                peer_names.join(" / ")
            );
            rule.push_str(" ---: |");
        }
        let _ = writeln!(out, "{head}\n{rule}");
        for row in rows {
            let mut line = format!("| {} |", row.name);
            if !detail.is_empty() {
                let _ = write!(line, " {} |", row.detail);
            }
            for e in &self.engines {
                let c = self.cell(row.cells.get(e), |s| duration(s.median()));
                let _ = write!(line, " {c} |");
            }
            for &s in &stratas {
                let c = match self.unavailable.get(&s) {
                    Some(_) => "n/a".to_string(),
                    None => peers
                        .iter()
                        .map(|&p| ratio(speedup(row, s, p)))
                        .collect::<Vec<_>>()
                        .join(" / "),
                };
                let _ = write!(line, " {c} |");
            }
            let _ = writeln!(out, "{line}");
        }
        let mut line = String::from("| **geometric mean** |");
        if !detail.is_empty() {
            line.push_str(" |");
        }
        line.push_str(&" |".repeat(self.engines.len()));
        for &s in &stratas {
            let c = match self.unavailable.get(&s) {
                Some(_) => "n/a".to_string(),
                None => peers
                    .iter()
                    .map(|&p| ratio(mean_speedup(rows, s, p)))
                    .collect::<Vec<_>>()
                    .join(" / "),
            };
            let _ = write!(line, " **{c}** |");
        }
        let _ = writeln!(out, "{line}");
    }

    /// Geometric-mean speedups: a row per Strata strategy, a column per peer.
    fn summary(&self, out: &mut String, rows: &[Row<Samples>], what: &str) {
        let peers = self.peers();
        let mut head = format!("| {what} |");
        let mut rule = String::from("| --- |");
        for p in &peers {
            let _ = write!(head, " vs {} |", p.label());
            rule.push_str(" ---: |");
        }
        let _ = writeln!(out, "{head}\n{rule}");
        for s in self.stratas() {
            let mut line = format!("| {} |", s.label());
            for &p in &peers {
                let c = match self.unavailable.get(&s) {
                    Some(u) => u.cell().to_string(),
                    None => ratio(mean_speedup(rows, s, p)),
                };
                let _ = write!(line, " {c} |");
            }
            let _ = writeln!(out, "{line}");
        }
    }

    /// Whether each of the project's targets is met, as list items.
    fn targets(&self, out: &mut String) {
        let check = |rows: &[Row<Samples>], s, p, goal: f64| -> String {
            if let Some(u) = self.unavailable.get(&s) {
                return u.cell().to_string();
            }
            match mean_speedup(rows, s, p) {
                Some(r) if r >= goal => format!("**met** ({r:.2}x)"),
                Some(r) => format!("**not met** ({r:.2}x)"),
                None => "not measured".into(),
            }
        };
        use EngineId::*;
        let lines = [
            (
                "Interpreter execution at least as fast as wasmi (speedup ≥ 1.00x; aim 1.30x)",
                check(&self.execution, StrataInterp, Wasmi, 1.0),
            ),
            (
                "JIT execution within 1.5x of Cranelift (speedup ≥ 0.67x)",
                check(&self.execution, StrataJit, Cranelift, 1.0 / 1.5),
            ),
            (
                "JIT compiles at least 10x faster than Cranelift",
                check(&self.compilation, StrataJit, Cranelift, 10.0),
            ),
            (
                "Translation (validate + predecode) at least as fast as wasmi's eager compilation",
                check(&self.compilation, StrataInterp, Wasmi, 1.0),
            ),
        ];
        for (goal, status) in lines {
            let _ = writeln!(out, "- {goal}: {status}");
        }
    }

    /// The heading lines: how, where and when the figures were taken.
    fn context(&self, out: &mut String) {
        let h = &self.header;
        let _ = writeln!(out, "Command: `{}`  ", h.command);
        let _ = writeln!(out, "Mode: {}  ", h.mode);
        let _ = writeln!(out, "Machine: {}  ", h.machine);
        let _ = writeln!(
            out,
            "Revision: {}; {}; date: {}  ",
            h.revision, h.rustc, h.date
        );
        let _ = writeln!(out, "Load average (1 min) at start / end: {}", h.load);
    }

    /// The summary and the execution table: what the README shows.
    pub fn headline(&self) -> String {
        let mut out = String::new();
        self.context(&mut out);
        out.push_str(
            "\nSpeedup = peer's median time ÷ Strata's: above 1 Strata is faster, \
             below 1 it is slower. Geometric means over all workloads.\n\n",
        );
        self.summary(&mut out, &self.execution, "execution");
        out.push('\n');
        self.summary(&mut out, &self.compilation, "compilation");
        out.push_str("\nTargets:\n\n");
        self.targets(&mut out);
        out.push_str("\nExecution, median time per `run` call:\n\n");
        self.time_table(&mut out, &self.execution, "workload", "");
        out
    }

    /// The whole report as markdown, for `benches/RESULTS.md`.
    pub fn markdown(&self) -> String {
        let mut out = String::from("# Benchmark results\n\n");
        out.push_str(&self.headline());
        out.push_str(
            "\n## Compilation\n\nMedian time to validate and compile (for \
             the interpreters: translate) a module, on one thread.\n\n",
        );
        self.time_table(&mut out, &self.compilation, "module", "size");
        if let Some(large) = self.compilation.first() {
            let _ = write!(out, "\nThroughput on `{}`:", large.name);
            let mb = large.detail_bytes() as f64 / 1e6;
            for e in &self.engines {
                if let Some(s) = large.cells.get(e).and_then(|c| c.measured()) {
                    let _ = write!(
                        out,
                        " {} {:.1} MB/s;",
                        e.label(),
                        mb / s.median().as_secs_f64()
                    );
                }
            }
            out.push('\n');
        }
        out.push_str(
            "\n## Instantiation\n\nMedian time to instantiate an already \
             compiled module in a new store (and look up its `run` export).\n\n",
        );
        self.time_table(&mut out, &self.instantiation, "module", "size");
        out.push_str(
            "\n## Startup\n\nMedian time from a module's bytes to its first \
             result: create the module, instantiate it in a new store, call \
             `run(7)` once. Each engine in the configuration that starts \
             soonest: Strata and wasmi translate lazily (their defaults, \
             except Strata's JIT, which this table runs lazily too), the \
             others as in the compilation table.\n\n",
        );
        self.time_table(&mut out, &self.startup, "module", "size");
        out.push_str(
            "\n## Requests\n\nMedian time per request of a server that runs \
             each request in a fresh instance: a new store, instantiation of a \
             small module (`benches/workloads/wat/request.wat`: a memory page, \
             a global, a table), one call, dropping it all. Instances come \
             from the engine's default allocator or from its pooling one; on \
             two threads the figure is wall time per request of both together \
             (half the one-thread figure is perfect scaling).\n\n",
        );
        self.time_table(&mut out, &self.requests, "threads", "allocation");
        out.push_str(
            "\n## Memory\n\nResident memory, measured in a fresh process per cell: \
             peak growth while compiling / kept while the compiled module is alive / \
             added by one instance.\n\n",
        );
        self.memory_table(&mut out);
        out.push_str("\n## Engines\n\n");
        for e in &self.engines {
            let _ = writeln!(out, "- **{}**: {}", e.label(), e.describe());
        }
        for (e, u) in &self.unavailable {
            let _ = writeln!(out, "- {} is unavailable: {u}", e.label());
        }
        if !self.notes.is_empty() {
            out.push_str("\n## Failures and notes\n\n");
            for n in &self.notes {
                let _ = writeln!(out, "- {n}");
            }
        }
        out
    }

    fn memory_table(&self, out: &mut String) {
        if self.memory.is_empty() {
            out.push_str("(not measured)\n");
            return;
        }
        let mut head = String::from("| module | size |");
        let mut rule = String::from("| --- | ---: |");
        for e in &self.engines {
            let _ = write!(head, " {} |", e.label());
            rule.push_str(" ---: |");
        }
        let _ = writeln!(out, "{head}\n{rule}");
        for row in &self.memory {
            let mut line = format!("| {} | {} |", row.name, row.detail);
            for e in &self.engines {
                let c = self.cell(row.cells.get(e), |f| {
                    let inst = f.instance.map_or("–".into(), bytes);
                    format!("{} / {} / {}", bytes(f.compile_peak), bytes(f.module), inst)
                });
                let _ = write!(line, " {c} |");
            }
            let _ = writeln!(out, "{line}");
        }
    }
}

impl<T> Row<T> {
    /// The module size recorded in `detail` by [`size_detail`], in bytes.
    fn detail_bytes(&self) -> u64 {
        self.detail
            .split_whitespace()
            .next()
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap_or(0)
    }
}

/// The `detail` text for a module of `len` bytes.
pub fn size_detail(len: usize) -> String {
    let digits = len.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_keep_three_significant_digits() {
        assert_eq!(duration(Duration::from_nanos(512)), "512 ns");
        assert_eq!(duration(Duration::from_micros(1234)), "1.23 ms");
        assert_eq!(duration(Duration::from_millis(45_678)), "45.7 s");
    }

    #[test]
    fn geomean_of_reciprocals_is_one() {
        let g = geomean(&[2.0, 0.5, 4.0, 0.25]).unwrap();
        assert!((g - 1.0).abs() < 1e-12);
        assert_eq!(geomean(&[]), None);
    }

    #[test]
    fn sizes_group_thousands() {
        assert_eq!(size_detail(3_293_712), "3,293,712 B");
        assert_eq!(size_detail(999), "999 B");
    }
}
