//! The errors every command reports, and the value formats of its options.

use std::process::ExitCode;
use std::time::Duration;

/// The exit status of a run that trapped: 128 + SIGABRT, as a shell
/// reports a native program killed by `abort()`.
pub const TRAP_EXIT_STATUS: u8 = 134;

/// Why a command failed; decides the message and the exit status.
#[derive(Debug)]
pub enum CliError {
    /// The command line itself is wrong (exit status 2).
    Usage(String),
    /// The module could not be loaded, linked or run (exit status 1).
    Failed(String),
    /// The module trapped (exit status 134, what a native program that
    /// calls `abort()` ends with, as wasmtime also reports traps).
    Trapped(String),
    /// Already reported; exit with this status.
    Silent(u8),
}

impl CliError {
    /// Prints the error to stderr and returns the process exit status.
    pub fn report(self) -> ExitCode {
        match self {
            CliError::Usage(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(2)
            }
            CliError::Failed(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(1)
            }
            CliError::Trapped(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(TRAP_EXIT_STATUS)
            }
            CliError::Silent(code) => ExitCode::from(code),
        }
    }
}

/// Parses a duration: a decimal number (fractions allowed) followed by a
/// unit, `ns`, `us`, `ms`, `s`, `m` or `h`; a plain number is seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    // Units per second or seconds per unit, whichever is whole, so that
    // `500ms` and `10us` come out exact.
    let (per_second, seconds_per) = match unit {
        "ns" => (1e9, 1.0),
        "us" | "\u{b5}s" => (1e6, 1.0),
        "ms" => (1e3, 1.0),
        "" | "s" => (1.0, 1.0),
        "m" | "min" => (1.0, 60.0),
        "h" => (1.0, 3600.0),
        _ => return None,
    };
    // `f64::from_str` also takes `inf` and exponents; the split above has
    // already limited `number` to digits and dots.
    let value: f64 = number.parse().ok()?;
    Duration::try_from_secs_f64(value / per_second * seconds_per).ok()
}

/// Parses a size in bytes: a whole number, optionally followed by `K` or
/// `KiB` (1024), `M` or `MiB` (1024²), `G` or `GiB` (1024³), in any case.
pub fn parse_bytes(text: &str) -> Option<usize> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        _ => return None,
    };
    let n: usize = number.parse().ok()?;
    n.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, want) in [
            ("500ms", Duration::from_millis(500)),
            ("2s", Duration::from_secs(2)),
            ("1.5s", Duration::from_millis(1500)),
            ("1m", Duration::from_secs(60)),
            ("3", Duration::from_secs(3)),
            ("0.25", Duration::from_millis(250)),
            ("10us", Duration::from_micros(10)),
            ("1h", Duration::from_secs(3600)),
            ("0", Duration::ZERO),
        ] {
            assert_eq!(parse_duration(text), Some(want), "{text:?}");
        }
        for bad in [
            "", "s", "-1s", "1.5.1s", "2 s", "2sec", "inf", "1e3", "ms5", ".",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn byte_sizes() {
        for (text, want) in [
            ("4096", 4096),
            ("64K", 64 << 10),
            ("64KiB", 64 << 10),
            ("1MiB", 1 << 20),
            ("1m", 1 << 20),
            ("2G", 2 << 30),
            ("2gib", 2 << 30),
            ("0", 0),
        ] {
            assert_eq!(parse_bytes(text), Some(want), "{text:?}");
        }
        for bad in [
            "",
            "K",
            "1.5M",
            "-1",
            "1MB",
            "1 M",
            "1T",
            "99999999999999999999",
        ] {
            assert_eq!(parse_bytes(bad), None, "{bad:?}");
        }
    }
}
