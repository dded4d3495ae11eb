//! Writing to stdout without panicking when the reader goes away.

use std::io::{self, Write};

use crate::args::CliError;

/// Writes `text` to stdout.
///
/// `println!` panics on a closed pipe (`strata compile --emit-ir x | head`);
/// a broken pipe here just means nobody wants the rest of the output.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(CliError::Failed(format!("cannot write to stdout: {err}"))),
    }
}
