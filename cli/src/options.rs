//! Options every command that makes an engine shares: the strategy, when
//! functions are translated, and wasmtime-style `-C` (engine) and `-W`
//! (wasm) settings, which are `KEY=VALUE` lists.

use std::time::Duration;

use clap::Args;
use strata::{CompilationMode, Config, Engine, Strategy};

use crate::args::{parse_bytes, parse_duration, CliError};

/// How to build the engine.
#[derive(Args, Debug, Default)]
pub struct EngineOptions {
    /// Execution strategy: interpreter, jit or tiered [default: tiered
    /// where supported]
    #[arg(long, value_name = "KIND", value_parser = parse_strategy)]
    pub strategy: Option<Strategy>,
    /// When functions are translated (and compiled, under jit): lazy, at
    /// each one's first call, or eager, before the program starts [default:
    /// lazy; eager under jit]
    #[arg(long, value_name = "MODE", value_parser = parse_compilation)]
    pub compilation: Option<CompilationMode>,
    /// Engine settings, comma-separated, repeatable: strategy=KIND,
    /// compilation=MODE, tier-up-calls=N, tier-up-back-edges=N,
    /// parallel-compilation=y|n
    #[arg(short = 'C', long = "codegen", value_name = "KEY=VALUE,...")]
    pub codegen: Vec<String>,
}

/// Wasm features and limits given with `-W` (and the long options that
/// `run` has for the limits).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WasmSettings {
    /// Fuel to run on, when fuel is limited.
    pub fuel: Option<u64>,
    /// Wall-clock time to run for, when limited.
    pub timeout: Option<Duration>,
    /// Bytes each linear memory may grow to, when limited.
    pub max_memory: Option<usize>,
    /// `tail-call=y|n`.
    pub tail_call: Option<bool>,
    /// `extended-const=y|n`.
    pub extended_const: Option<bool>,
    /// `multi-memory=y|n`.
    pub multi_memory: Option<bool>,
    /// `memory64=y|n`.
    pub memory64: Option<bool>,
    /// `function-references=y|n`.
    pub function_references: Option<bool>,
    /// `exceptions=y|n`.
    pub exceptions: Option<bool>,
}

/// The `-W` keys, for errors.
const WASM_KEYS: &str = "fuel=N, timeout=DURATION, max-memory=BYTES, tail-call=y|n, \
                         extended-const=y|n, multi-memory=y|n, memory64=y|n, \
                         function-references=y|n or exceptions=y|n";

/// The `-C` keys, for errors.
const CODEGEN_KEYS: &str = "strategy=KIND, compilation=MODE, tier-up-calls=N, \
                            tier-up-back-edges=N or parallel-compilation=y|n";

impl EngineOptions {
    /// The configuration these options describe, before `configure` adds
    /// what the command itself needs.
    pub fn config(&self) -> Result<Config, CliError> {
        let mut config = Config::new();
        config.strategy(self.strategy.unwrap_or_default());
        if let Some(mode) = self.compilation {
            config.compilation_mode(mode);
        }
        for (key, value, shown) in pairs(&self.codegen, "-C")? {
            let bad = |expected: &str| CliError::Usage(format!("`{shown}`: expected {expected}"));
            match key {
                "strategy" => {
                    config.strategy(parse_strategy(value).map_err(CliError::Usage)?);
                }
                "compilation" => {
                    config.compilation_mode(parse_compilation(value).map_err(CliError::Usage)?);
                }
                "tier-up-calls" => {
                    config.tier_up_calls(value.parse().map_err(|_| bad("a whole number"))?);
                }
                "tier-up-back-edges" => {
                    config.tier_up_back_edges(value.parse().map_err(|_| bad("a whole number"))?);
                }
                "parallel-compilation" => {
                    config.parallel_compilation(parse_flag(value).ok_or_else(|| bad("y or n"))?);
                }
                _ => {
                    return Err(CliError::Usage(format!(
                        "unknown -C setting `{key}` (expected {CODEGEN_KEYS})"
                    )))
                }
            }
        }
        Ok(config)
    }

    /// The engine for these options, `wasm` settings and whatever else
    /// `configure` sets.
    pub fn engine(
        &self,
        wasm: &WasmSettings,
        configure: impl FnOnce(&mut Config),
    ) -> Result<Engine, CliError> {
        let mut config = self.config()?;
        if let Some(on) = wasm.tail_call {
            config.wasm_tail_call(on);
        }
        if let Some(on) = wasm.extended_const {
            config.wasm_extended_const(on);
        }
        if let Some(on) = wasm.multi_memory {
            config.wasm_multi_memory(on);
        }
        if let Some(on) = wasm.memory64 {
            config.wasm_memory64(on);
        }
        if let Some(on) = wasm.function_references {
            config.wasm_function_references(on);
        }
        if let Some(on) = wasm.exceptions {
            config.wasm_exceptions(on);
        }
        configure(&mut config);
        Engine::new(&config).map_err(|err| CliError::Failed(err.to_string()))
    }
}

impl WasmSettings {
    /// Applies `-W` lists (`KEY=VALUE[,KEY=VALUE...]`, each repeatable).
    pub fn apply(&mut self, lists: &[String]) -> Result<(), CliError> {
        for (key, value, shown) in pairs(lists, "-W")? {
            match key {
                "fuel" | "timeout" | "max-memory" | "max-memory-size" => {
                    self.set_limit(key, value, &shown)?
                }
                "tail-call"
                | "extended-const"
                | "multi-memory"
                | "memory64"
                | "function-references"
                | "exceptions" => {
                    let on = parse_flag(value)
                        .ok_or_else(|| CliError::Usage(format!("`{shown}`: expected y or n")))?;
                    match key {
                        "tail-call" => self.tail_call = Some(on),
                        "extended-const" => self.extended_const = Some(on),
                        "multi-memory" => self.multi_memory = Some(on),
                        "memory64" => self.memory64 = Some(on),
                        "exceptions" => self.exceptions = Some(on),
                        _ => self.function_references = Some(on),
                    }
                }
                _ => {
                    return Err(CliError::Usage(format!(
                        "unknown -W option `{key}` (expected {WASM_KEYS})"
                    )))
                }
            }
        }
        Ok(())
    }

    /// Fails unless only features were given: the limits apply to `run`.
    pub fn features_only(&self, command: &str) -> Result<(), CliError> {
        if self.fuel.is_some() || self.timeout.is_some() || self.max_memory.is_some() {
            return Err(CliError::Usage(format!(
                "`-W` limits (fuel, timeout, max-memory) apply to `run`, not `{command}`"
            )));
        }
        Ok(())
    }

    /// Sets limit `key` (`fuel`, `timeout`, `max-memory` or
    /// `max-memory-size`) from `value`; `shown` is how the command line
    /// spelled it, for errors.
    pub fn set_limit(&mut self, key: &str, value: &str, shown: &str) -> Result<(), CliError> {
        let bad = |expected: &str| CliError::Usage(format!("`{shown}`: expected {expected}"));
        match key {
            "fuel" => {
                self.fuel = Some(
                    value
                        .parse()
                        .map_err(|_| bad("a whole number of fuel units"))?,
                )
            }
            "timeout" => {
                self.timeout = Some(parse_duration(value).ok_or_else(|| {
                    bad("a duration such as 500ms, 2s, 1.5s or 1m (a plain number is seconds)")
                })?)
            }
            _ => {
                self.max_memory =
                    Some(parse_bytes(value).ok_or_else(|| {
                        bad("a size in bytes, optionally with K/KiB, M/MiB or G/GiB")
                    })?)
            }
        }
        Ok(())
    }
}

/// The `KEY=VALUE` items of `lists` given to `flag`, with how each was
/// spelled.
fn pairs<'a>(lists: &'a [String], flag: &str) -> Result<Vec<(&'a str, &'a str, String)>, CliError> {
    let mut out = Vec::new();
    for list in lists {
        for item in list.split(',') {
            let Some((key, value)) = item.split_once('=') else {
                return Err(CliError::Usage(format!(
                    "`{flag} {item}` needs a value: `{flag} {item}=VALUE`"
                )));
            };
            out.push((key, value, format!("{flag} {item}")));
        }
    }
    Ok(out)
}

/// Parses a strategy name.
pub fn parse_strategy(name: &str) -> Result<Strategy, String> {
    match name {
        "interpreter" => Ok(Strategy::Interpreter),
        "jit" => Ok(Strategy::Jit),
        "tiered" => Ok(Strategy::Tiered),
        other => Err(format!(
            "unknown strategy `{other}` (expected interpreter, jit or tiered)"
        )),
    }
}

/// Parses a compilation mode.
fn parse_compilation(name: &str) -> Result<CompilationMode, String> {
    match name {
        "lazy" => Ok(CompilationMode::Lazy),
        "eager" => Ok(CompilationMode::Eager),
        other => Err(format!(
            "unknown compilation mode `{other}` (expected lazy or eager)"
        )),
    }
}

/// `y`/`yes`/`true` or `n`/`no`/`false`, as wasmtime spells its switches.
fn parse_flag(value: &str) -> Option<bool> {
    match value {
        "y" | "yes" | "true" => Some(true),
        "n" | "no" | "false" => Some(false),
        _ => None,
    }
}
