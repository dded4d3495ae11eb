//! Ends the run with a clear message when one directive runs for too long.
//!
//! A miscompiled branch can turn a spec test into an infinite loop; without
//! this the test would hang silently. A thread cannot be interrupted, so the
//! only way out is to report where it hung and exit the whole process.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest a single directive may run; spec directives take milliseconds.
const LIMIT: Duration = Duration::from_secs(120);

/// (file label, directive line, start time) of the directive running now.
static CURRENT: Mutex<Option<(String, usize, Instant)>> = Mutex::new(None);

/// Starts the watching thread.
pub fn start() {
    std::thread::spawn(|| loop {
        std::thread::sleep(Duration::from_secs(1));
        let current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((file, line, started)) = &*current {
            if started.elapsed() > LIMIT {
                println!(
                    "\nspec: FAILED: {file}:{line} still running after {}s; giving up",
                    LIMIT.as_secs()
                );
                std::process::exit(1);
            }
        }
    });
}

/// Records that the directive at `line` of `file` starts now.
pub fn begin(file: &str, line: usize) {
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    match &mut *current {
        Some((f, l, started)) if f == file => {
            *l = line;
            *started = Instant::now();
        }
        _ => *current = Some((file.to_string(), line, Instant::now())),
    }
}

/// Records that no directive is running.
pub fn end() {
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = None;
}
