//! Replays one parsed script against one engine, through the public API only.

use std::collections::HashMap;

use strata::{Engine, ExternRef, Instance, Linker, Module, Store, Val};

use crate::panics;
use crate::script::{Action, Arg, Command, Directive, Encoded, Expected, RefType};
use crate::spectest;
use crate::values;
use crate::watchdog;

/// A directive that did not do what the script asserts.
pub struct Failure {
    /// 1-based line of the directive.
    pub line: usize,
    /// The directive keyword.
    pub kind: &'static str,
    /// What happened instead, on one line.
    pub reason: String,
}

/// The result of running one script.
#[derive(Default)]
pub struct Outcome {
    /// Directives that behaved as asserted.
    pub passed: usize,
    /// Directives that did not, in script order.
    pub failures: Vec<Failure>,
    /// Extra detail for verbose runs: (line, text).
    pub notes: Vec<(usize, String)>,
    /// Under an engine that consumes fuel: (line, fuel consumed) of every
    /// `invoke`, returned or trapped, in script order.
    pub fuel: Vec<(usize, u64)>,
}

/// Fuel a store is given before every directive when fuel is on: far more
/// than any spec test runs on, so running out is never what is tested.
const FUEL_BUDGET: u64 = 1 << 60;

/// How scripts are run.
#[derive(Copy, Clone, Debug, Default)]
pub struct Options {
    /// Take every module through a precompiled-module round trip
    /// (`Module::serialize`, then `Module::deserialize`) before using it.
    pub serialize: bool,
}

/// Runs every directive of `script` in a fresh store; `label` names the
/// file and strategy if the watchdog has to give up on a directive.
pub fn run(engine: &Engine, script: &[Directive], label: &str) -> Outcome {
    run_with(engine, script, label, Options::default())
}

/// [`run`] with `options`.
pub fn run_with(engine: &Engine, script: &[Directive], label: &str, options: Options) -> Outcome {
    let mut outcome = Outcome::default();
    watchdog::begin(label, 0);
    let mut state = match panics::catch(|| State::new(engine, options)) {
        Ok(Ok(state)) => state,
        Ok(Err(reason)) | Err(reason) => {
            outcome.failures.push(Failure {
                line: 0,
                kind: "spectest",
                reason,
            });
            watchdog::end();
            return outcome;
        }
    };
    for directive in script {
        watchdog::begin(label, directive.line);
        state.line = directive.line;
        // A panic is just another way for the directive to fail.
        let result = panics::catch(|| state.execute(&directive.command)).unwrap_or_else(Err);
        match result {
            Ok(note) => {
                outcome.passed += 1;
                if let Some(note) = note {
                    outcome.notes.push((directive.line, note));
                }
            }
            Err(reason) => outcome.failures.push(Failure {
                line: directive.line,
                kind: directive.kind,
                reason: one_line(&reason),
            }),
        }
    }
    watchdog::end();
    outcome.fuel = std::mem::take(&mut state.fuel_used);
    outcome
}

/// Why an action did not produce values.
enum ActionError {
    /// The script itself could not be carried out (missing export, bad
    /// module, ...): never what an assertion expects.
    Setup(String),
    /// The engine reported an error while running code.
    Engine(strata::Error),
}

impl ActionError {
    fn describe(&self) -> String {
        match self {
            ActionError::Setup(why) => why.clone(),
            ActionError::Engine(e) => format!("error: {}", first_line(e)),
        }
    }
}

/// The per-file world a script runs in.
struct State {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recent successfully instantiated module.
    current: Option<Instance>,
    /// Instances by their `$name`.
    instances: HashMap<String, Instance>,
    /// Modules from `module definition`, by name.
    definitions: HashMap<String, Module>,
    /// The most recent `module definition`.
    last_definition: Option<Module>,
    /// `ref.extern N` of the script, so the same N is the same reference.
    externs: HashMap<u32, ExternRef>,
    /// Whether the engine consumes fuel.
    fuel: bool,
    /// (line, fuel consumed) of every invoke so far.
    fuel_used: Vec<(usize, u64)>,
    /// The line of the directive being executed.
    line: usize,
    options: Options,
}

/// `Ok(Some(note))` passes with detail for verbose output.
type Verdict = Result<Option<String>, String>;

impl State {
    fn new(engine: &Engine, options: Options) -> Result<State, String> {
        let mut store = Store::new(engine, ());
        let fuel = store.set_fuel(FUEL_BUDGET).is_ok();
        let mut linker = Linker::new(engine);
        spectest::define(&mut linker, &mut store)
            .map_err(|e| format!("defining spectest failed: {}", first_line(&e)))?;
        Ok(State {
            engine: engine.clone(),
            store,
            linker,
            current: None,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            externs: HashMap::new(),
            fuel,
            fuel_used: Vec::new(),
            line: 0,
            options,
        })
    }

    fn execute(&mut self, command: &Command) -> Verdict {
        if self.fuel {
            // Start functions run on it too.
            self.store
                .set_fuel(FUEL_BUDGET)
                .map_err(|e| format!("set_fuel failed: {e}"))?;
        }
        match command {
            Command::Module { name, bytes } => {
                // A failed module must not leave its predecessor current, or
                // later assertions would silently test the wrong instance.
                self.current = None;
                let module = self.compile(bytes)?;
                let instance = self
                    .linker
                    .instantiate(&mut self.store, &module)
                    .map_err(|e| format!("instantiation failed: {}", first_line(&e)))?;
                self.set_current(name.as_deref(), instance);
                Ok(None)
            }
            Command::ModuleDefinition { name, bytes } => {
                let module = self.compile(bytes)?;
                if let Some(name) = name {
                    self.definitions.insert(name.clone(), module.clone());
                }
                self.last_definition = Some(module);
                Ok(None)
            }
            Command::ModuleInstance { instance, module } => {
                self.current = None;
                let definition = match module {
                    Some(name) => self.definitions.get(name),
                    None => self.last_definition.as_ref(),
                }
                .ok_or_else(|| format!("no module definition {module:?}"))?
                .clone();
                let inst = self
                    .linker
                    .instantiate(&mut self.store, &definition)
                    .map_err(|e| format!("instantiation failed: {}", first_line(&e)))?;
                self.set_current(instance.as_deref(), inst);
                Ok(None)
            }
            Command::Register { as_name, module } => {
                let instance = self.instance(module.as_deref())?;
                self.linker
                    .instance(&mut self.store, as_name, instance)
                    .map_err(|e| format!("register failed: {}", first_line(&e)))?;
                Ok(None)
            }
            Command::Action(action) => match self.perform(action) {
                Ok(_) => Ok(None),
                Err(e) => Err(e.describe()),
            },
            Command::AssertReturn { action, expected } => self.assert_return(action, expected),
            Command::AssertTrap { action, message } => self.assert_trap(action, message, "trap"),
            Command::AssertException { action } => self.assert_exception(action),
            Command::AssertExhaustion { action, message } => {
                self.assert_trap(action, message, "exhaustion")
            }
            Command::AssertInvalid { bytes, message } => {
                let Ok(bytes) = bytes else {
                    // Validation is what is under test, so the module has to
                    // reach the engine.
                    return Err(format!("wast could not encode the module: {bytes:?}"));
                };
                self.assert_rejected(bytes, message)
            }
            Command::AssertMalformed { bytes, message } => match bytes {
                // Text that does not even parse is malformed by definition.
                Err(e) => Ok(Some(format!("rejected by the text parser: {e}"))),
                Ok(bytes) => self.assert_rejected(bytes, message),
            },
            Command::AssertUnlinkable { bytes, message } => {
                let module = self.compile(bytes)?;
                match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => Err(format!("expected unlinkable ({message:?}), instantiated")),
                    Err(e) => Ok(Some(format!(
                        "expected {message:?}, got {:?}",
                        first_line(&e)
                    ))),
                }
            }
            Command::Unsupported => Err("directive not supported by the runner".to_string()),
        }
    }

    fn set_current(&mut self, name: Option<&str>, instance: Instance) {
        self.current = Some(instance);
        if let Some(name) = name {
            self.instances.insert(name.to_string(), instance);
        }
    }

    fn compile(&self, bytes: &Encoded) -> Result<Module, String> {
        let bytes = bytes
            .as_ref()
            .map_err(|e| format!("wast could not encode the module: {e}"))?;
        let module = Module::from_binary(&self.engine, bytes)
            .map_err(|e| format!("compilation failed: {}", first_line(&e)))?;
        crate::ir_stats::record(&module);
        if !self.options.serialize {
            return Ok(module);
        }
        let artifact = module
            .serialize()
            .map_err(|e| format!("serialization failed: {}", first_line(&e)))?;
        // SAFETY: the artifact was just made by this engine.
        unsafe { Module::deserialize(&self.engine, artifact) }
            .map_err(|e| format!("deserialization failed: {}", first_line(&e)))
    }

    fn instance(&self, name: Option<&str>) -> Result<Instance, String> {
        match name {
            None => self.current.ok_or_else(|| "no current module".to_string()),
            Some(name) => self
                .instances
                .get(name)
                .copied()
                .ok_or_else(|| format!("no module named ${name}")),
        }
    }

    fn assert_return(&mut self, action: &Action, expected: &[Expected]) -> Verdict {
        if let Some(e) = expected
            .iter()
            .find(|e| matches!(e, Expected::Unsupported(_)))
        {
            return Err(format!("result pattern not supported by the runner: {e}"));
        }
        let actual = self.perform(action).map_err(|e| e.describe())?;
        let ok = actual.len() == expected.len()
            && expected
                .iter()
                .zip(&actual)
                .all(|(e, a)| values::matches(&self.store, e, a));
        if ok {
            Ok(None)
        } else {
            Err(format!(
                "{}: expected {}, got {}",
                describe_action(action),
                values::show_expected(expected),
                values::show_all(&self.store, &actual)
            ))
        }
    }

    /// Shared by `assert_trap` and `assert_exhaustion`: the engine must fail
    /// with the spec's message.
    fn assert_trap(&mut self, action: &Action, message: &str, what: &str) -> Verdict {
        match self.perform(action) {
            Ok(values) => Err(format!(
                "{}: expected {what} {message:?}, got {}",
                describe_action(action),
                values::show_all(&self.store, &values)
            )),
            Err(ActionError::Setup(why)) => Err(why),
            Err(ActionError::Engine(e)) if trap_matches(&e, message) => Ok(None),
            Err(ActionError::Engine(e)) => Err(format!(
                "{}: expected {what} {message:?}, got error {:?}",
                describe_action(action),
                first_line(&e)
            )),
        }
    }

    /// `assert_exception`: the action must end with an uncaught exception.
    fn assert_exception(&mut self, action: &Action) -> Verdict {
        match self.perform(action) {
            Ok(values) => Err(format!(
                "{}: expected an exception, got {}",
                describe_action(action),
                values::show_all(&self.store, &values)
            )),
            Err(ActionError::Setup(why)) => Err(why),
            Err(ActionError::Engine(e)) if e.exception().is_some() => Ok(None),
            Err(ActionError::Engine(e)) => Err(format!(
                "{}: expected an exception, got error {:?}",
                describe_action(action),
                first_line(&e)
            )),
        }
    }

    /// `assert_invalid` / `assert_malformed`: any compile error passes; the
    /// messages are kept only as a note because engines word them freely.
    fn assert_rejected(&mut self, bytes: &[u8], message: &str) -> Verdict {
        match Module::from_binary(&self.engine, bytes) {
            Ok(_) => Err(format!("expected rejection ({message:?}), module compiled")),
            Err(e) => Ok(Some(format!(
                "expected {message:?}, got {:?}",
                first_line(&e)
            ))),
        }
    }

    fn perform(&mut self, action: &Action) -> Result<Vec<Val>, ActionError> {
        match action {
            Action::Invoke { module, name, args } => {
                let instance = self
                    .instance(module.as_deref())
                    .map_err(ActionError::Setup)?;
                let func = instance
                    .get_func(&mut self.store, name)
                    .ok_or_else(|| ActionError::Setup(format!("no exported function {name:?}")))?;
                let params = args
                    .iter()
                    .map(|a| self.arg(a))
                    .collect::<Result<Vec<Val>, String>>()
                    .map_err(ActionError::Setup)?;
                let ty = func.ty(&self.store);
                let mut results: Vec<Val> =
                    ty.results().iter().map(|t| Val::default_for(*t)).collect();
                let outcome = func.call(&mut self.store, &params, &mut results);
                if self.fuel {
                    let left = self.store.get_fuel().unwrap_or(FUEL_BUDGET);
                    self.fuel_used.push((self.line, FUEL_BUDGET - left));
                }
                outcome.map_err(ActionError::Engine)?;
                Ok(results)
            }
            Action::Get { module, global } => {
                let instance = self
                    .instance(module.as_deref())
                    .map_err(ActionError::Setup)?;
                let global = instance
                    .get_global(&mut self.store, global)
                    .ok_or_else(|| ActionError::Setup(format!("no exported global {global:?}")))?;
                Ok(vec![global.get(&mut self.store)])
            }
            Action::Instantiate { bytes } => {
                let module = self.compile(bytes).map_err(ActionError::Setup)?;
                self.linker
                    .instantiate(&mut self.store, &module)
                    .map_err(ActionError::Engine)?;
                Ok(Vec::new())
            }
        }
    }

    fn arg(&mut self, arg: &Arg) -> Result<Val, String> {
        Ok(match arg {
            Arg::I32(v) => Val::I32(*v),
            Arg::I64(v) => Val::I64(*v),
            Arg::F32(bits) => Val::F32(*bits),
            Arg::F64(bits) => Val::F64(*bits),
            Arg::V128(bits) => Val::V128(*bits),
            Arg::RefNull(RefType::Func) => Val::FuncRef(None),
            Arg::RefNull(RefType::Extern) => Val::ExternRef(None),
            Arg::RefNull(RefType::Exn) => Val::ExnRef(None),
            Arg::RefExtern(n) => {
                let store = &mut self.store;
                let r = *self
                    .externs
                    .entry(*n)
                    .or_insert_with(|| ExternRef::new(store, *n));
                Val::ExternRef(Some(r))
            }
            Arg::Unsupported(what) => {
                return Err(format!("argument not supported by the runner: {what}"))
            }
        })
    }
}

/// The spec's trap messages are matched by substring; the engine may also
/// report a shorter form of a message the script spells with extra detail
/// (e.g. "uninitialized element 2").
fn trap_matches(error: &strata::Error, expected: &str) -> bool {
    error.to_string().contains(expected)
        || error
            .as_trap()
            .is_some_and(|t| !t.message().is_empty() && expected.starts_with(t.message()))
}

fn describe_action(action: &Action) -> String {
    match action {
        Action::Invoke { module, name, .. } => match module {
            Some(m) => format!("invoke ${m} {name:?}"),
            None => format!("invoke {name:?}"),
        },
        Action::Get { module, global } => match module {
            Some(m) => format!("get ${m} {global:?}"),
            None => format!("get {global:?}"),
        },
        Action::Instantiate { .. } => "instantiate".to_string(),
    }
}

/// Trap errors append a backtrace; reports want only the message.
fn first_line(e: &strata::Error) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

fn one_line(text: &str) -> String {
    const LIMIT: usize = 400;
    let flat = text.replace('\n', " | ");
    match flat.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}...", &flat[..cut]),
        None => flat,
    }
}
