//! A module's function bodies, translated up front or on first call.
//!
//! Under [`CompilationMode::Lazy`](crate::CompilationMode::Lazy)
//! `Module::new` validates every body (counting its loops, which size the
//! instances' back-edge counters and the OSR table) and keeps the binary;
//! a body is translated the first time anything needs it, once, whichever
//! thread asks first: the others wait for that translation and share it.

use crate::error::{Error, Result};
use crate::ir::FuncBody;
use crate::module::ModuleEnv;
use crate::translate::decode::visit_body;
use crate::translate::{class_of, translate_function, unsupported_operator};
use crate::types::ValType;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, OnceLock};
use wasmparser::{
    BinaryReader, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    ValidatorResources,
};

/// Every defined function's body, by defined index.
pub(crate) struct Bodies {
    /// The translation of each body, or why it cannot run; set once.
    slots: Box<[OnceLock<Result<FuncBody>>]>,
    /// Each translated body's address (null until then), published after
    /// its slot is set: a call finds its callee in one indexed load.
    ready: Box<[AtomicPtr<FuncBody>]>,
    /// The module's binary, kept while any body is untranslated.
    wasm: Option<Arc<[u8]>>,
    /// Where each body lies in `wasm` (empty when eager).
    sources: Box<[(usize, usize)]>,
    /// What translation needs to know.
    options: Option<crate::translate::Options>,
}

impl Bodies {
    /// Bodies translated up front.
    pub fn eager(bodies: Vec<Result<FuncBody>>) -> Bodies {
        let slots: Box<[OnceLock<Result<FuncBody>>]> =
            bodies.into_iter().map(OnceLock::from).collect();
        let ready = slots.iter().map(|s| AtomicPtr::new(body_ptr(s))).collect();
        Bodies {
            slots,
            ready,
            wasm: None,
            sources: Box::new([]),
            options: None,
        }
    }

    /// Bodies to translate on first use, from `sources` in `wasm`.
    pub fn lazy(
        wasm: Arc<[u8]>,
        sources: Vec<(usize, usize)>,
        options: crate::translate::Options,
    ) -> Bodies {
        Bodies {
            slots: sources.iter().map(|_| OnceLock::new()).collect(),
            ready: sources
                .iter()
                .map(|_| AtomicPtr::new(std::ptr::null_mut()))
                .collect(),
            wasm: Some(wasm),
            sources: sources.into_boxed_slice(),
            options: Some(options),
        }
    }

    /// How many functions the module defines.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// The translated bodies' addresses by defined index, null where a
    /// body is not translated (yet, or ever: its translation failed). An
    /// address, once set, stays valid as long as the module.
    pub fn ready_table(&self) -> *const AtomicPtr<FuncBody> {
        self.ready.as_ptr()
    }

    /// Function `def`'s body, translated now if it is not yet; `env` is
    /// the module's.
    pub fn get(&self, env: &ModuleEnv, def: u32) -> Result<&FuncBody> {
        let slot = &self.slots[def as usize];
        match slot.get_or_init(|| self.translate(env, def)) {
            Ok(body) => {
                // Published by whichever caller finds it unpublished (a
                // load, not a store, on the calls that find it done: the
                // table's lines stay shared between threads). Release: a
                // thread that reads the address sees the body.
                let ready = &self.ready[def as usize];
                if ready.load(Ordering::Relaxed).is_null() {
                    ready.store(body_ptr(slot), Ordering::Release);
                }
                Ok(body)
            }
            Err(e) => Err(e.clone()),
        }
    }

    /// The bodies translated so far.
    pub fn translated(&self) -> impl Iterator<Item = &FuncBody> {
        self.slots.iter().filter_map(|s| match s.get() {
            Some(Ok(body)) => Some(body),
            _ => None,
        })
    }

    #[cold]
    fn translate(&self, env: &ModuleEnv, def: u32) -> Result<FuncBody> {
        let (Some(wasm), Some(&(start, end)), Some(options)) =
            (&self.wasm, self.sources.get(def as usize), self.options)
        else {
            // Eager bodies are all set when the module is made.
            return Err(Error::unsupported("function body missing"));
        };
        let body = FunctionBody::new(BinaryReader::new(&wasm[start..end], start as u64));
        let index = env.num_imported_funcs + def;
        // Each thread keeps its own buffers for the functions it translates.
        thread_local! {
            static SCRATCH: std::cell::RefCell<crate::translate::Scratch> = Default::default();
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let body = translate_function(env, index, &body, None, &mut scratch, options);
            scratch.trim();
            body
        })
    }
}

/// The address of a slot's body, null unless it holds one.
fn body_ptr(slot: &OnceLock<Result<FuncBody>>) -> *mut FuncBody {
    match slot.get() {
        Some(Ok(body)) => (body as *const FuncBody).cast_mut(),
        _ => std::ptr::null_mut(),
    }
}

/// Validates one function body without translating it, reusing `allocs`
/// (handed back for the next body); gives the number of loops it has.
/// What a translation would reject as unsupported whatever the body's
/// size (a garbage-collection operator or type) is an error here too, so both
/// modes reject the same modules; the rest of the body is still validated
/// first, so an invalid module is reported as invalid.
pub(crate) fn validate_body(
    env: &ModuleEnv,
    index: u32,
    body: &FunctionBody<'_>,
    mut validator: FuncValidator<ValidatorResources>,
) -> (Result<u32>, FuncValidatorAllocations) {
    let err = |e| env.func_error(index, e);
    let mut unsupported = None;
    let mut check = || -> Result<u32> {
        let mut reader = body.get_binary_reader();
        validator.read_locals(&mut reader).map_err(err)?;
        // As the translator rejects them (`translate_function`), from the
        // types as the body spells them.
        let mut locals = body.get_locals_reader().map_err(err)?;
        for _ in 0..locals.get_count() {
            let (_, wty) = locals.read().map_err(err)?;
            let rejected = ValType::from_wasm(wty, &env.type_ids)
                .and_then(class_of)
                .err();
            if unsupported.is_none() {
                unsupported = rejected;
            }
        }
        let mut loops = 0;
        visit_body(reader, Some(&mut validator), err, |op| {
            match op {
                Operator::Loop { .. } => loops += 1,
                op if never_executed(op) => {
                    unsupported.get_or_insert_with(|| unsupported_operator(op));
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(loops)
    };
    let result = check();
    let result = match (result, unsupported) {
        (Ok(_), Some(e)) => Err(e),
        (result, _) => result,
    };
    (result, validator.into_allocations())
}

/// Whether `op` is an instruction Strata validates but does not run
/// (garbage collection's): a body with one is unsupported wherever it is,
/// unreachable code included, in both translation modes.
pub(crate) fn never_executed(op: &Operator<'_>) -> bool {
    is_gc(op)
}

/// Whether `op` is one of garbage collection's instructions, which Strata
/// validates (with typed function references) but does not run.
fn is_gc(op: &Operator<'_>) -> bool {
    macro_rules! gc_ops {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match op {
                $(Operator::$op { .. } => gc_ops!(@is $proposal),)*
                _ => false,
            }
        };
        (@is gc) => { true };
        (@is $other:ident) => { false };
    }
    wasmparser::for_each_visit_operator!(gc_ops)
}
