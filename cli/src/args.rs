//! Command-line tokens and the errors every command reports.

use std::process::ExitCode;

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

/// One classified command-line token.
#[derive(Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// `--name` or `-n`, with the value given inline as `--name=value`.
    Opt(&'a str, Option<&'a str>),
    /// Anything else, including negative numbers.
    Positional(&'a str),
}

/// Splits `argv` into options and positionals.
///
/// Everything after a bare `--` is positional. A token that starts with `-`
/// but reads as a number (`-5`, `-0x10`, `-1.5`, `-inf`, `-nan`) is
/// positional too, so guest arguments can be negative without `--`.
pub fn tokenize(argv: &[String]) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(argv.len());
    let mut only_positionals = false;
    for arg in argv {
        let arg = arg.as_str();
        if only_positionals || !arg.starts_with('-') || arg == "-" || looks_numeric(arg) {
            tokens.push(Token::Positional(arg));
        } else if arg == "--" {
            only_positionals = true;
        } else {
            match arg.split_once('=') {
                Some((name, value)) if arg.starts_with("--") => {
                    tokens.push(Token::Opt(name, Some(value)))
                }
                _ => tokens.push(Token::Opt(arg, None)),
            }
        }
    }
    tokens
}

/// Whether a token beginning with `-` is a negative number rather than a flag.
fn looks_numeric(arg: &str) -> bool {
    let body = &arg[1..];
    body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || ["inf", "infinity", "nan"]
            .iter()
            .any(|word| body.eq_ignore_ascii_case(word))
}

/// Takes the value of option `name`: inline (`--name=v`) or the next token.
pub fn option_value<'a>(
    name: &str,
    inline: Option<&'a str>,
    rest: &mut impl Iterator<Item = Token<'a>>,
) -> Result<&'a str, CliError> {
    if let Some(value) = inline {
        return Ok(value);
    }
    match rest.next() {
        Some(Token::Positional(value)) => Ok(value),
        _ => Err(CliError::Usage(format!("option `{name}` needs a value"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn negative_numbers_are_positional() {
        let argv = toks(&["-5", "-0x1f", "-inf", "-NaN", "-.5", "--invoke=f", "-h"]);
        assert_eq!(
            tokenize(&argv),
            vec![
                Token::Positional("-5"),
                Token::Positional("-0x1f"),
                Token::Positional("-inf"),
                Token::Positional("-NaN"),
                Token::Positional("-.5"),
                Token::Opt("--invoke", Some("f")),
                Token::Opt("-h", None),
            ]
        );
    }

    #[test]
    fn double_dash_ends_options() {
        let argv = toks(&["--", "--help", "-x"]);
        assert_eq!(
            tokenize(&argv),
            vec![Token::Positional("--help"), Token::Positional("-x")]
        );
    }
}
