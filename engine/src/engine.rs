//! The engine: configuration shared by modules and stores.

use crate::error::{Error, Result};
use crate::runtime::pool::{InstanceAllocationStrategy, Pools};
use crate::types::FuncType;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How functions are executed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Run the register IR in the interpreter only.
    Interpreter,
    /// Compile every function to machine code before it first runs.
    Jit,
    /// Interpret, and compile functions that get hot.
    Tiered,
}

impl Default for Strategy {
    /// `Tiered` where this machine can run compiled code, else `Interpreter`.
    fn default() -> Strategy {
        if crate::jit::supported() {
            Strategy::Tiered
        } else {
            Strategy::Interpreter
        }
    }
}

impl Strategy {
    /// The lower-case name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Interpreter => "interpreter",
            Strategy::Jit => "jit",
            Strategy::Tiered => "tiered",
        }
    }
}

/// When a module's functions are translated to the register IR (and, under
/// `Strategy::Jit`, compiled to machine code).
///
/// Both modes validate the whole module in `Module::new`, so an invalid
/// module is rejected there whichever functions run.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompilationMode {
    /// Every function in `Module::new`.
    Eager,
    /// Each function on its first call (the first compiled or interpreted
    /// call of it in any store), once, whichever thread calls it: startup
    /// pays only for validation and for the functions that run. A function
    /// Strata cannot run for a reason validation does not see (a frame of
    /// more than 65,536 cells) fails its first call instead of `Module::new`.
    Lazy,
}

impl CompilationMode {
    /// The lower-case name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            CompilationMode::Eager => "eager",
            CompilationMode::Lazy => "lazy",
        }
    }
}

/// Engine configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) strategy: Strategy,
    /// `None`: the strategy's default (see [`Config::compilation_mode`]).
    pub(crate) compilation_mode: Option<CompilationMode>,
    pub(crate) max_call_depth: usize,
    pub(crate) max_value_stack: usize,
    pub(crate) tier_up_calls: u64,
    pub(crate) tier_up_back_edges: u64,
    pub(crate) memory_guard_size: u64,
    pub(crate) consume_fuel: bool,
    pub(crate) epoch_interruption: bool,
    pub(crate) max_wasm_stack: usize,
    pub(crate) allocation: InstanceAllocationStrategy,
    pub(crate) wasm_extended_const: bool,
    pub(crate) wasm_tail_call: bool,
    pub(crate) wasm_multi_memory: bool,
    pub(crate) wasm_memory64: bool,
    pub(crate) wasm_function_references: bool,
    pub(crate) wasm_exceptions: bool,
    pub(crate) wasm_simd: bool,
    pub(crate) wasm_relaxed_simd: bool,
    pub(crate) parallel_compilation: bool,
    /// Compile for AArch64 and run compiled code in this emulator.
    pub(crate) emulator: Option<crate::jit::emulation::EmulatorHandle>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            strategy: Strategy::default(),
            compilation_mode: None,
            max_call_depth: 10_000,
            max_value_stack: 1 << 20,
            tier_up_calls: 1000,
            tier_up_back_edges: 10_000,
            memory_guard_size: 2 << 30,
            consume_fuel: false,
            epoch_interruption: false,
            max_wasm_stack: 512 * 1024,
            allocation: InstanceAllocationStrategy::OnDemand,
            wasm_extended_const: true,
            wasm_tail_call: true,
            wasm_multi_memory: true,
            wasm_memory64: true,
            wasm_function_references: true,
            wasm_exceptions: true,
            wasm_simd: true,
            wasm_relaxed_simd: true,
            parallel_compilation: std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
            emulator: None,
        }
    }
}

impl Config {
    /// The default configuration.
    pub fn new() -> Config {
        Config::default()
    }

    /// Selects the execution strategy.
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Self {
        self.strategy = strategy;
        self
    }

    /// When functions are translated (and compiled, under `Strategy::Jit`):
    /// up front or on first call. The default is `Lazy` for the
    /// interpreter and tiered strategies, whose point is to start at once,
    /// and `Eager` for `Strategy::Jit`, whose point is to have compiled
    /// everything before anything runs.
    pub fn compilation_mode(&mut self, mode: CompilationMode) -> &mut Self {
        self.compilation_mode = Some(mode);
        self
    }

    /// The compilation mode in effect (the strategy's default unless set).
    pub fn get_compilation_mode(&self) -> CompilationMode {
        self.compilation_mode.unwrap_or(match self.strategy {
            Strategy::Jit => CompilationMode::Eager,
            Strategy::Interpreter | Strategy::Tiered => CompilationMode::Lazy,
        })
    }

    /// Whether functions are compiled to machine code on their first call
    /// (`Strategy::Jit` with lazy compilation).
    pub(crate) fn compiles_on_call(&self) -> bool {
        self.strategy == Strategy::Jit && self.get_compilation_mode() == CompilationMode::Lazy
    }

    /// Whether a function with no machine code yet is compiled at its call
    /// number `calls` (counting this one): at its first under lazy `Jit`,
    /// once it is hot under `Tiered`.
    pub(crate) fn compiles_at_call(&self, calls: u64) -> bool {
        self.compiles_on_call() || self.strategy == Strategy::Tiered && calls >= self.tier_up_calls
    }

    /// Maximum number of nested wasm calls before "call stack exhausted".
    pub fn max_call_depth(&mut self, frames: usize) -> &mut Self {
        self.max_call_depth = frames.max(1);
        self
    }

    /// Size of each store's value stack, in 8-byte cells.
    pub fn max_value_stack(&mut self, cells: usize) -> &mut Self {
        self.max_value_stack = cells.max(16);
        self
    }

    /// Under `Strategy::Tiered`, calls after which a function is compiled.
    pub fn tier_up_calls(&mut self, calls: u64) -> &mut Self {
        self.tier_up_calls = calls.max(1);
        self
    }

    /// Under `Strategy::Tiered`, whether a function that gets hot is compiled
    /// on a background thread (one per engine) while the interpreter keeps
    /// running it, instead of by the call or back-edge that found it hot,
    /// which then waits. Compiled code is entered by the first call, or the
    /// first back-edge of a running loop, after it is ready. On by default
    /// where the machine has more than one core; off, tier-up happens at
    /// exactly the thresholds, which makes runs repeatable.
    pub fn parallel_compilation(&mut self, enable: bool) -> &mut Self {
        self.parallel_compilation = enable;
        self
    }

    /// Compiles for AArch64 and runs compiled code in `emulator`: how the
    /// AArch64 backend is tested on other machines. Not for production.
    #[doc(hidden)]
    pub fn emulate_aarch64(
        &mut self,
        emulator: std::sync::Arc<dyn crate::jit::emulation::Emulator>,
    ) -> &mut Self {
        self.emulator = Some(crate::jit::emulation::EmulatorHandle(emulator));
        self
    }

    /// Under `Strategy::Tiered`, back-edges after which a loop's function is
    /// compiled and the running loop continues in compiled code (OSR).
    pub fn tier_up_back_edges(&mut self, back_edges: u64) -> &mut Self {
        self.tier_up_back_edges = back_edges.max(1);
        self
    }

    /// Bytes of inaccessible address space reserved past the 4 GiB a 32-bit
    /// memory can index, when functions are compiled. Compiled loads and
    /// stores whose static offset (plus access size) fits in the guard need no
    /// bounds check; larger offsets are checked explicitly.
    pub fn memory_guard_size(&mut self, bytes: u64) -> &mut Self {
        self.memory_guard_size = bytes.clamp(64 * 1024, 1 << 36).next_multiple_of(64 * 1024);
        self
    }

    /// Whether execution consumes fuel: each store starts with none (set it
    /// with `Store::set_fuel`), every wasm operator costs one unit except
    /// `nop`, `drop`, `block`, `loop`, `if`'s `else`, `end`, `unreachable`
    /// and `return`, which cost nothing; bulk operations (`memory.fill`,
    /// `memory.copy`, `memory.init`, `table.fill`, `table.copy`,
    /// `table.init`) cost one more unit per 64 bytes or 8 elements, charged
    /// before they run. Running out traps with
    /// [`TrapCode::OutOfFuel`](crate::TrapCode::OutOfFuel). Fuel is charged
    /// when a straight-line run of operators begins (at function entry,
    /// branch targets, after a conditional branch and after a call), so a
    /// trap in the middle of a run has paid for the whole run. Every
    /// strategy charges exactly the same amounts at the same points.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }

    /// Whether constant expressions (global initializers, segment offsets
    /// and items) may use `i32`/`i64` `add`, `sub` and `mul`: the extended
    /// constant expressions of WebAssembly 3.0 (default on). Off, a module
    /// that uses them is rejected as invalid.
    pub fn wasm_extended_const(&mut self, enable: bool) -> &mut Self {
        self.wasm_extended_const = enable;
        self
    }

    /// Whether a module may have more than one memory, and instructions name
    /// the memory they access: the multiple memories of WebAssembly 3.0
    /// (default on). Memory 0 keeps the fastest paths in every tier; the
    /// others are reached through the instance, with the same guard-page
    /// bounds checks in compiled code. Off, such a module is invalid.
    pub fn wasm_multi_memory(&mut self, enable: bool) -> &mut Self {
        self.wasm_multi_memory = enable;
        self
    }

    /// Whether memories and tables may be indexed by `i64`: the 64-bit
    /// memories and tables (`memory64`, `table64`) of WebAssembly 3.0
    /// (default on). Accesses to a 64-bit memory are bounds-checked
    /// explicitly in every tier (no guard region covers a 64-bit address),
    /// and such a memory grows to at most
    /// [`MAX_PAGES_64`](crate::MAX_PAGES_64) pages. Off, a module that
    /// declares one is invalid.
    pub fn wasm_memory64(&mut self, enable: bool) -> &mut Self {
        self.wasm_memory64 = enable;
        self
    }

    /// Whether types may name references to functions of a given type, or
    /// exclude null (`(ref null? $t)`, `(ref func)`), and functions may use
    /// `call_ref`, `return_call_ref`, `ref.as_non_null`, `br_on_null` and
    /// `br_on_non_null`: the typed function references of WebAssembly 3.0
    /// (default on). Tables may then have an initializer expression. Off,
    /// a module that uses them is invalid.
    pub fn wasm_function_references(&mut self, enable: bool) -> &mut Self {
        self.wasm_function_references = enable;
        self
    }

    /// Whether modules may define, import and export exception tags and
    /// use `throw`, `throw_ref` and `try_table` with `exnref` values: the
    /// exception handling of WebAssembly 3.0 (default on). An exception
    /// crosses interpreted and compiled frames and host functions alike;
    /// one that no wasm frame catches ends the call with an error whose
    /// [`Error::exception`](crate::Error::exception) gives it to the
    /// embedder. Off, a module that uses them is invalid. The legacy
    /// `try`/`catch`/`delegate` form is not accepted.
    pub fn wasm_exceptions(&mut self, enable: bool) -> &mut Self {
        self.wasm_exceptions = enable;
        self
    }

    /// Whether modules may use 128-bit SIMD (`v128`, Wasm 2.0; default on).
    /// Off, a module that uses it is invalid.
    pub fn wasm_simd(&mut self, enable: bool) -> &mut Self {
        self.wasm_simd = enable;
        self
    }

    /// Whether modules may use relaxed SIMD (Wasm 3.0; default on; it needs
    /// SIMD on too). Each relaxed instruction has one result in every tier
    /// and on every host: the first the specification allows (its
    /// deterministic profile), listed in the README.
    pub fn wasm_relaxed_simd(&mut self, enable: bool) -> &mut Self {
        self.wasm_relaxed_simd = enable;
        self
    }

    /// Whether functions may use `return_call` and `return_call_indirect`:
    /// the tail calls of WebAssembly 3.0 (default on). A tail call's callee
    /// replaces its caller, so a chain of them runs in constant stack in
    /// every strategy. Off, a module that uses them is rejected as invalid.
    pub fn wasm_tail_call(&mut self, enable: bool) -> &mut Self {
        self.wasm_tail_call = enable;
        self
    }

    /// Whether execution checks the store's epoch deadline at every function
    /// entry, loop entry and loop back-edge (see `Engine::increment_epoch` and
    /// `Store::set_epoch_deadline`). Reaching it traps with
    /// [`TrapCode::Interrupt`](crate::TrapCode::Interrupt) unless the store
    /// has a deadline callback. A new store's deadline is 0: it is reached at
    /// once until `Store::set_epoch_deadline` is called.
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Self {
        self.epoch_interruption = enable;
        self
    }

    /// Bytes of native stack the wasm activations of one call from the
    /// embedder may use, all nested interpreter activations, compiled
    /// frames and host re-entries included (default 512 KiB). The limit is
    /// also kept inside the running thread's real stack, so runaway
    /// recursion traps with "call stack exhausted" on small threads too.
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_wasm_stack = bytes.max(16 * 1024);
        self
    }

    /// How stores' linear memories and value stacks are allocated: on
    /// demand (the default) or from pools reserved when the engine is
    /// created, whose limits bound how many can live at once.
    pub fn allocation_strategy(&mut self, strategy: InstanceAllocationStrategy) -> &mut Self {
        self.allocation = strategy;
        self
    }

    /// The guard a memory gets: none when nothing is compiled.
    pub(crate) fn memory_guard(&self) -> Option<u64> {
        match self.strategy {
            Strategy::Interpreter => None,
            Strategy::Jit | Strategy::Tiered => Some(self.memory_guard_size),
        }
    }

    /// The selected strategy.
    pub fn get_strategy(&self) -> Strategy {
        self.strategy
    }
}

/// The engine's function types, each with its id.
#[derive(Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    /// By id.
    types: Vec<FuncType>,
    /// Recursion groups of several types or of one that refers to itself,
    /// as written (members referring to each other by index in the group,
    /// see `types::IN_GROUP`), and their members' first id: equal groups
    /// are the same types.
    groups: HashMap<Vec<FuncType>, u32>,
}

struct EngineInner {
    config: Config,
    /// The pools of `InstanceAllocationStrategy::Pooling`.
    pools: Option<Pools>,
    /// Interned function types: equal signatures get equal ids engine-wide,
    /// which is what `call_indirect` compares and what typed references
    /// name (`HeapType::ConcreteFunc`).
    types: Mutex<TypeRegistry>,
    /// The epoch counter stores' deadlines are compared with.
    epoch: AtomicU64,
    /// The compiler thread of background tier-up.
    background: crate::jit::background::Background,
}

/// Compilation and runtime settings shared by modules and stores.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::build(Config::default(), None)
    }
}

impl Engine {
    /// An engine with the given configuration.
    pub fn new(config: &Config) -> Result<Engine> {
        if config.strategy != Strategy::Interpreter
            && !crate::jit::supported()
            && config.emulator.is_none()
        {
            return Err(Error::unsupported(format!(
                "the {} strategy needs an x86_64 CPU with SSE4.2, POPCNT, LZCNT and BMI1",
                config.strategy.name()
            )));
        }
        let pools = match &config.allocation {
            InstanceAllocationStrategy::OnDemand => None,
            InstanceAllocationStrategy::Pooling(pooling) => Some(Pools::new(
                pooling,
                config.memory_guard(),
                config.max_value_stack * 8,
            )?),
        };
        Ok(Engine::build(config.clone(), pools))
    }

    fn build(config: Config, pools: Option<Pools>) -> Engine {
        Engine {
            inner: Arc::new(EngineInner {
                config,
                pools,
                types: Mutex::new(TypeRegistry::default()),
                epoch: AtomicU64::new(0),
                background: crate::jit::background::Background::new(),
            }),
        }
    }

    /// Compiles `bytes` (binary or WAT) and returns its precompiled form,
    /// as [`Module::serialize`](crate::Module::serialize) of the module.
    ///
    /// # Errors
    ///
    /// As [`Module::new`](crate::Module::new).
    pub fn precompile_module(&self, bytes: impl AsRef<[u8]>) -> Result<Vec<u8>> {
        crate::Module::new(self, bytes)?.serialize()
    }

    /// The compiler thread of background tier-up.
    pub(crate) fn background(&self) -> &crate::jit::background::Background {
        &self.inner.background
    }

    /// The pools stores allocate from, under the pooling strategy.
    pub(crate) fn pools(&self) -> Option<&Pools> {
        self.inner.pools.as_ref()
    }

    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Whether two handles name the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// Advances the epoch by one tick. Any thread may call it, for example a
    /// timer thread; running wasm in stores whose deadline this reaches
    /// notices at its next function entry, loop entry or loop back-edge.
    pub fn increment_epoch(&self) {
        self.inner.epoch.fetch_add(1, Ordering::Release);
    }

    /// The current epoch.
    pub(crate) fn current_epoch(&self) -> u64 {
        self.inner.epoch.load(Ordering::Acquire)
    }

    /// The epoch counter, for compiled code and the interpreter to read.
    pub(crate) fn epoch_counter(&self) -> &AtomicU64 {
        &self.inner.epoch
    }

    pub(crate) fn intern_type(&self, ty: &FuncType) -> u32 {
        let mut types = self.inner.types.lock().unwrap_or_else(|p| p.into_inner());
        let TypeRegistry { ids, types, .. } = &mut *types;
        *ids.entry(ty.clone()).or_insert_with(|| {
            types.push(ty.clone());
            types.len() as u32 - 1
        })
    }

    /// The ids of a recursion group's members (consecutive, from the one
    /// returned), `members` as written: referring to each other by index
    /// ([`crate::types::IN_GROUP`]).
    pub(crate) fn intern_group(&self, members: &[FuncType]) -> u32 {
        let mut types = self.inner.types.lock().unwrap_or_else(|p| p.into_inner());
        let TypeRegistry { ids, types, groups } = &mut *types;
        if let Some(&base) = groups.get(members) {
            return base;
        }
        let base = types.len() as u32;
        for (i, m) in members.iter().enumerate() {
            let ty = m.in_group(base, i as u32);
            ids.insert(ty.clone(), base + i as u32);
            types.push(ty);
        }
        groups.insert(members.to_vec(), base);
        base
    }

    /// The engine's id of function type `ty`, as a
    /// [`HeapType::ConcreteFunc`](crate::HeapType::ConcreteFunc) names it:
    /// how a host function or global spells a typed reference to functions
    /// of that type. Every module of the engine gives the same signature
    /// the same id.
    pub fn func_type_id(&self, ty: &FuncType) -> u32 {
        self.intern_type(ty)
    }

    /// The function type with engine id `id` (as a
    /// [`HeapType::ConcreteFunc`](crate::HeapType::ConcreteFunc) names it),
    /// if this engine has one.
    pub fn func_type_of(&self, id: u32) -> Option<FuncType> {
        let types = self.inner.types.lock().unwrap_or_else(|p| p.into_inner());
        types.types.get(id as usize).cloned()
    }
}
