//! Turning engine panics into ordinary directive failures.
//!
//! One panicking directive must not end the run, nor fill the output with
//! backtraces, so while a directive runs the panic hook only records the
//! message; outside of [`catch`] panics are reported as usual.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the recording hook; call once before running any directive.
pub fn install_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if CAPTURING.get() {
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = format!("{}{location}", payload_text(info.payload()));
            LAST_PANIC.set(Some(message));
        } else {
            default(info);
        }
    }));
}

/// Runs `f`, turning a panic into `Err` with the panic message and location.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    let was_capturing = CAPTURING.replace(true);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.set(was_capturing);
    result.map_err(|payload| {
        let message = LAST_PANIC
            .take()
            .unwrap_or_else(|| payload_text(payload.as_ref()));
        format!("panicked: {message}")
    })
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}
