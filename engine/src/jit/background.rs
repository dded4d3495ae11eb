//! Background tier-up: a compiler thread per engine, so that a function
//! that gets hot under `Strategy::Tiered` is compiled while the interpreter
//! keeps running it, and no call waits for the compiler.
//!
//! A queued function is compiled once; publishing its code is the same
//! atomic store of its entry (and its loops' OSR entries) as a synchronous
//! tier-up, so the next call, or the next back-edge of a loop already
//! running, enters the compiled code. Jobs hold their module weakly: a
//! module dropped while queued is not compiled.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, Weak};

use crate::module::ModuleInner;

/// A function to compile.
struct Job {
    module: Weak<ModuleInner>,
    def: u32,
}

/// The engine's compiler thread, started with its first job. It ends when
/// the engine is dropped (the queue's sender with it).
pub(crate) struct Background {
    queue: Mutex<Option<Sender<Job>>>,
}

impl Background {
    pub fn new() -> Background {
        Background {
            queue: Mutex::new(None),
        }
    }

    /// Queues function `def` of `module`; false when no compiler thread
    /// could be started, and the caller must compile it.
    pub fn submit(&self, module: Weak<ModuleInner>, def: u32) -> bool {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if queue.is_none() {
            *queue = spawn();
        }
        match queue.as_ref() {
            Some(tx) => tx.send(Job { module, def }).is_ok(),
            None => false,
        }
    }
}

/// Starts a compiler thread; `None` when the system would not.
fn spawn() -> Option<Sender<Job>> {
    let (tx, rx) = channel::<Job>();
    std::thread::Builder::new()
        .name("strata-tier-up".into())
        .spawn(move || {
            for job in rx {
                let Some(module) = job.module.upgrade() else {
                    continue;
                };
                // A function that cannot be compiled stays interpreted,
                // which is correct, only slower; a panic in the compiler
                // must not end the thread and strand the queue.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    super::compile(&module, job.def)
                }));
            }
        })
        .ok()?;
    Some(tx)
}
