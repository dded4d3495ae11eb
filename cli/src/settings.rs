//! `strata settings`: what this build and machine run, and the engine's
//! defaults.

use strata::{Config, Engine, Strategy};

use crate::args::CliError;
use crate::output;

/// Runs `strata settings`.
pub fn main() -> Result<(), CliError> {
    let jit = match Engine::new(Config::new().strategy(Strategy::Jit)) {
        Ok(_) => "supported (x86_64 with SSE4.2, POPCNT, LZCNT and BMI1)".to_string(),
        Err(err) => format!("not available: {err}"),
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let text = format!(
        "strata {}\ntarget: {}-{}\ncores: {cores}\njit: {jit}\ndefault strategy: {}\n\
         default configuration: {:#?}\n",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH,
        std::env::consts::OS,
        Strategy::default().name(),
        Config::new(),
    );
    output::print(&text)
}
