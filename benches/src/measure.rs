//! Timing: how many samples to take, the three measurements made of every
//! engine (a run, a compile, an instantiation), and taking them in rounds.

use crate::engines::{Compiled, Instance, Runtime};
use crate::workloads::{CompileInput, Workload};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// How long to measure each input: engines take turns in rounds (see
/// [`interleaved`]).
#[derive(Copy, Clone, Debug)]
pub struct Plan {
    /// Rounds taken even if they exceed the budget.
    pub min_rounds: usize,
    /// Rounds after which measuring stops even within the budget.
    pub max_rounds: usize,
    /// Time per engine after which measuring stops once `min_rounds` are taken.
    pub budget: Duration,
}

impl Plan {
    /// A few samples each: the whole comparison in a few minutes.
    pub const QUICK: Plan = Plan {
        min_rounds: 3,
        max_rounds: 50,
        budget: Duration::from_millis(300),
    };

    /// Enough samples for a stable median.
    pub const FULL: Plan = Plan {
        min_rounds: 10,
        max_rounds: 500,
        budget: Duration::from_secs(3),
    };
}

/// The measured durations of one engine on one input.
#[derive(Clone, Debug)]
pub struct Samples {
    sorted: Vec<Duration>,
}

impl From<Vec<Duration>> for Samples {
    /// The samples `durations`, in any order; there must be at least one.
    fn from(mut durations: Vec<Duration>) -> Samples {
        durations.sort_unstable();
        Samples { sorted: durations }
    }
}

impl Samples {
    /// The median, the figure the tables report: unlike the mean it ignores
    /// the occasional sample slowed by the rest of the machine.
    pub fn median(&self) -> Duration {
        let n = self.sorted.len();
        if n % 2 == 1 {
            self.sorted[n / 2]
        } else {
            (self.sorted[n / 2 - 1] + self.sorted[n / 2]) / 2
        }
    }

    /// The fastest sample.
    pub fn min(&self) -> Duration {
        self.sorted[0]
    }

    /// The slowest sample.
    pub fn max(&self) -> Duration {
        self.sorted[self.sorted.len() - 1]
    }

    /// The sample at quantile `q` (0 the fastest, 1 the slowest), the
    /// nearest rank.
    pub fn quantile(&self, q: f64) -> Duration {
        self.sorted[((self.sorted.len() - 1) as f64 * q).round() as usize]
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether there are no samples (never true of collected samples).
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
}

/// Times one call to `f`.
pub fn time<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let r = f();
    (r, start.elapsed())
}

/// One engine's repeatable measurement of one input: each call takes one
/// sample, or fails (a trap, a wrong result).
pub type Probe<'a> = Box<dyn FnMut() -> Result<Duration, String> + 'a>;

/// An instance of `workload` that has run once and answered correctly, so
/// later runs measure steady state (a tiering engine has had its first call).
pub fn warmed_instance(
    runtime: &dyn Runtime,
    workload: &Workload,
) -> Result<Box<dyn Instance>, String> {
    let module = runtime.compile(&workload.wasm)?;
    let mut instance = module.instantiate()?;
    workload.check(instance.run(workload.arg)?)?;
    Ok(instance)
}

/// Runs `workload` on one warmed instance, checking every result.
pub fn execution<'a>(runtime: &dyn Runtime, workload: &'a Workload) -> Result<Probe<'a>, String> {
    let mut instance = warmed_instance(runtime, workload)?;
    Ok(Box::new(move || {
        let (got, t) = time(|| instance.run(workload.arg));
        workload.check(got?)?;
        Ok(t)
    }))
}

/// Compiles `input`; each compiled module is dropped untimed.
pub fn compilation<'a>(
    runtime: &'a dyn Runtime,
    input: &'a CompileInput,
) -> Result<Probe<'a>, String> {
    drop(runtime.compile(&input.wasm)?);
    Ok(Box::new(move || {
        let (module, t) = time(|| runtime.compile(&input.wasm));
        drop(module?);
        Ok(t)
    }))
}

/// Instantiates an already compiled `input`, each time in a new store; each
/// instance is dropped untimed.
pub fn instantiation<'a>(runtime: &dyn Runtime, input: &CompileInput) -> Result<Probe<'a>, String> {
    let module: Box<dyn Compiled> = runtime.compile(&input.wasm)?;
    drop(module.instantiate()?);
    Ok(Box::new(move || {
        let (instance, t) = time(|| module.instantiate());
        drop(instance?);
        Ok(t)
    }))
}

/// How long one probe runs before the next one's turn.
/// Module creation to first result, in the engine's startup
/// configuration: compile, instantiate in a new store, call `run(arg)`.
pub fn startup<'a>(
    runtime: &'a dyn Runtime,
    input: &'a CompileInput,
    arg: i32,
) -> Result<Probe<'a>, String> {
    let once = move || -> Result<i64, String> {
        let module = runtime.compile_for_startup(&input.wasm)?;
        let mut instance = module.instantiate()?;
        instance.run(arg)
    };
    once()?;
    Ok(Box::new(move || {
        let (result, t) = time(once);
        result?;
        Ok(t)
    }))
}

/// Requests per thread in one sample of [`requests`]: enough that waking
/// the second thread is a small part of the sample.
const REQUESTS_PER_SAMPLE: u32 = 1024;

/// A server's request on `module`: a new store, instantiation, one call of
/// `run`, dropping it all, on `threads` threads at once (1 or 2); each
/// sample is the wall time per request (of all threads together: half of
/// the one-thread figure is perfect scaling). The second thread lives as
/// long as the probe, as a server's worker does.
pub fn requests(
    module: Arc<dyn Compiled>,
    request: &Workload,
    threads: u32,
) -> Result<Probe<'static>, String> {
    let (arg, expected) = (request.arg, request.expected);
    let serve = move |module: &dyn Compiled, n: u32| -> Result<(), String> {
        for _ in 0..n {
            let got = module.instantiate()?.run(arg)?;
            if got != expected {
                return Err(format!("request returned {got}, expected {expected}"));
            }
        }
        Ok(())
    };
    serve(&*module, 1)?;
    let worker = match threads {
        1 => None,
        _ => {
            let (go, jobs) = mpsc::channel::<u32>();
            let (done, finished) = mpsc::channel::<Result<(), String>>();
            let module = module.clone();
            std::thread::spawn(move || {
                for n in jobs {
                    if done.send(serve(&*module, n)).is_err() {
                        break;
                    }
                }
            });
            Some((go, finished))
        }
    };
    Ok(Box::new(move || {
        let start = Instant::now();
        if let Some((go, _)) = &worker {
            go.send(REQUESTS_PER_SAMPLE)
                .map_err(|_| "the request worker stopped")?;
        }
        serve(&*module, REQUESTS_PER_SAMPLE)?;
        if let Some((_, finished)) = &worker {
            finished
                .recv()
                .map_err(|_| "the request worker stopped".to_string())??;
        }
        Ok(start.elapsed() / (REQUESTS_PER_SAMPLE * threads))
    }))
}

const SLICE: Duration = Duration::from_millis(20);

/// Samples `probe` for one turn: once, or for as many short samples as fit
/// in [`SLICE`], dropping the first of those because it ran in caches the
/// previous engine left behind.
fn batch(probe: &mut Probe<'_>) -> Result<Vec<Duration>, String> {
    let start = Instant::now();
    let mut b = vec![probe()?];
    while start.elapsed() < SLICE {
        b.push(probe()?);
    }
    if b.len() > 1 {
        b.remove(0);
    }
    Ok(b)
}

/// Samples several probes in rounds, one turn of each per round, so that a
/// slow spell of a shared machine falls on every engine alike rather than
/// on whichever happened to be measured at the time. Rounds continue until
/// `plan` is met, its time budget multiplied by the number of probes; a
/// probe that fails drops out with its error.
pub fn interleaved(
    plan: Plan,
    probes: Vec<Result<Probe<'_>, String>>,
) -> Vec<Result<Samples, String>> {
    let mut taken: Vec<Result<Vec<Duration>, String>> = Vec::new();
    let mut live: Vec<Option<Probe<'_>>> = Vec::new();
    for p in probes {
        match p {
            Ok(p) => {
                taken.push(Ok(Vec::new()));
                live.push(Some(p));
            }
            Err(e) => {
                taken.push(Err(e));
                live.push(None);
            }
        }
    }
    let budget = plan.budget * live.iter().flatten().count() as u32;
    let start = Instant::now();
    let mut rounds = 0;
    while rounds < plan.max_rounds
        && (rounds < plan.min_rounds || start.elapsed() < budget)
        && live.iter().any(Option::is_some)
    {
        for (probe, samples) in live.iter_mut().zip(&mut taken) {
            let Some(p) = probe else { continue };
            match (batch(p), samples.as_mut()) {
                (Ok(b), Ok(v)) => v.extend(b),
                (Err(e), _) => {
                    *samples = Err(e);
                    *probe = None;
                }
                (Ok(_), Err(_)) => {}
            }
        }
        rounds += 1;
    }
    taken.into_iter().map(|t| t.map(Samples::from)).collect()
}
