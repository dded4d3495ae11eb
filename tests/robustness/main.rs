//! Robustness of the public API: malformed input and misuse must produce
//! errors of the documented kinds, never panics, and a trap must leave the
//! store usable.

mod api;
mod fuzz;
mod mutate;
mod prng;
mod seeds;

use strata::{Config, Engine, Strategy};

/// Runs `f` once for every execution strategy this build supports.
///
/// A strategy is skipped only when `Engine::new` refuses it, so a strategy
/// that starts working is tested without changes here.
pub fn for_each_strategy(f: impl Fn(Strategy)) {
    let mut ran = 0;
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        match Engine::new(Config::new().strategy(strategy)) {
            Ok(_) => {
                f(strategy);
                ran += 1;
            }
            Err(err) => eprintln!("skipping strategy `{}`: {err}", strategy.name()),
        }
    }
    assert!(ran > 0, "Engine::new accepted no strategy at all");
}

/// An engine for `strategy` with default limits.
pub fn engine(strategy: Strategy) -> Engine {
    Engine::new(Config::new().strategy(strategy)).expect("strategy was accepted a moment ago")
}
