//! Measures what fuel and epoch checks cost each of Strata's strategies on
//! every execution workload and prints the tables (geometric means first);
//! writes them to `benches/GUARDS.md` unless given `--no-write`.
//!
//! `cargo run --release -p strata-benches --bin guards [-- --full] [--filter TEXT]`

use std::process::ExitCode;
use strata_benches::measure::Plan;
use strata_benches::{guards, machine};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut plan = Plan::QUICK;
    let mut filter = String::new();
    let mut write = true;
    let mut strategies = guards::STRATEGIES.to_vec();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--full" => plan = Plan::FULL,
            "--quick" => plan = Plan::QUICK,
            "--no-write" => write = false,
            "--filter" => filter = it.next().cloned().unwrap_or_default(),
            "--strategy" => {
                let name = it.next().cloned().unwrap_or_default();
                match guards::STRATEGIES.iter().find(|s| s.name() == name) {
                    Some(&s) => strategies = vec![s],
                    None => {
                        eprintln!("guards: unknown strategy {name:?}");
                        return ExitCode::from(2);
                    }
                }
            }
            other => {
                eprintln!(
                    "usage: guards [--quick | --full] [--filter TEXT] [--strategy NAME] [--no-write] (not {other:?})"
                );
                return ExitCode::from(2);
            }
        }
    }
    let rows = match guards::measure_all(plan, &filter, &strategies) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("guards: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = format!(
        "# What fuel and epoch checks cost\n\n\
         Command: `cargo run --release -p strata-benches --bin guards{}`  \n\
         Machine: {}  \n\
         Revision: {}; {}; date: {}\n\n\
         Overhead = median time with the check ÷ median time without, minus one; \
         geometric means over every execution workload. The three configurations \
         of a strategy take turns on the machine.\n\n{}",
        if plan.min_rounds == Plan::FULL.min_rounds {
            " -- --full"
        } else {
            ""
        },
        machine::describe(),
        machine::revision(),
        machine::rustc(),
        machine::date(),
        guards::markdown(&rows)
    );
    println!("{text}");
    if write && filter.is_empty() && strategies.len() == guards::STRATEGIES.len() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/GUARDS.md");
        if let Err(e) = std::fs::write(path, &text) {
            eprintln!("guards: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
