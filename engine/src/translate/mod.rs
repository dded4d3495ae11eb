//! One-pass translation of a validated function body to the register IR.
//!
//! The translator keeps a compile-time operand stack of `Local | Temp | Const`
//! entries, so `local.get` and constants emit nothing; an instruction's
//! operands are the registers those entries name. Every result gets a fresh
//! virtual register, and `local.set` right after the producing instruction
//! retargets it to write the local directly. Control flow merges through
//! per-block merge registers; branch offsets are patched when labels bind.
//! After the body, [`alloc`] assigns frame cells to the virtual registers.

mod alloc;
mod control;
pub(crate) mod decode;

use crate::error::{Error, Result};
use crate::ir::{FuncBody, MemKind, Op, Shape, V128Mem, V128Op};
use crate::module::ModuleEnv;
use crate::types::ValType;
use control::{Control, ControlKind, LabelId, Labels};
use std::collections::HashMap;
use strata_regalloc::RegClass;
use wasmparser::{
    BlockType, FuncValidator, FuncValidatorAllocations, FunctionBody, MemArg, Operator,
    ValidatorResources,
};

/// Virtual registers with this bit set index the constant pool.
pub(crate) const CONST_BIT: u32 = 1 << 31;

/// Marks the second cell of a `v128` register in the operand words that
/// list cells rather than values (`args`, `results` and the values of
/// `return.n`): `r | HI_BIT` is the cell after `r`'s.
pub(crate) const HI_BIT: u32 = 1 << 30;

/// A compile-time operand stack entry.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Operand {
    /// The current value of a local (parameter or declared local).
    Local(u32),
    /// A value computed into a temporary register.
    Temp(u32),
    /// A constant-pool register.
    Const(u32),
}

#[derive(Copy, Clone, Debug)]
struct Entry {
    op: Operand,
    ty: ValType,
}

impl Entry {
    fn reg(self) -> u32 {
        match self.op {
            Operand::Local(r) | Operand::Temp(r) | Operand::Const(r) => r,
        }
    }
}

pub(crate) fn class_of(ty: ValType) -> Result<RegClass> {
    match ty {
        ValType::I32 | ValType::I64 | ValType::FuncRef | ValType::ExternRef | ValType::Ref(_) => {
            Ok(RegClass::Int)
        }
        // A v128 is of the float/vector class; it takes two cells.
        ValType::F32 | ValType::F64 | ValType::V128 => Ok(RegClass::Float),
    }
}

/// What translation needs to know besides the function: fuel metering,
/// whether the interpreter may run the code, and the target's registers.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Options {
    /// Charge fuel (`Config::consume_fuel`).
    pub fuel: bool,
    /// The interpreter may run the body: only then are fused pairs and
    /// accumulator forms made.
    pub interpreted: bool,
    /// The target's register budgets.
    pub budgets: crate::ir::RegisterBudgets,
}

/// Translates one function body. With a `validator`, validation runs in
/// the same pass (and its allocations are left in `reuse` for the next
/// body's); without one the body must have been validated already
/// (lazy translation: `Module::new` validated it), as `options` say.
pub(crate) fn translate_function(
    env: &ModuleEnv,
    func_index: u32,
    body: &FunctionBody<'_>,
    mut validator: Option<FuncValidator<ValidatorResources>>,
    reuse: &mut Scratch,
    options: Options,
) -> Result<FuncBody> {
    let Options {
        fuel,
        interpreted,
        budgets,
    } = options;
    let ty = env.func_type(func_index).clone();
    let err = |e| env.func_error(func_index, e);
    let mut local_types: Vec<ValType> = ty.params().to_vec();
    // The validator checks the declarations first (their count is bounded
    // only by validation).
    let validated = match validator.as_mut() {
        Some(validator) => {
            let mut reader = body.get_binary_reader();
            validator.read_locals(&mut reader).map_err(err)?;
            Some(reader)
        }
        None => None,
    };
    // The types as the body spells them (the validator keeps its own,
    // canonical form of typed references).
    let mut locals = body.get_locals_reader().map_err(err)?;
    let mut local_type = Ok(());
    for _ in 0..locals.get_count() {
        let (count, wty) = locals.read().map_err(err)?;
        // A type Strata cannot run (garbage collection's) is reported after
        // the body is validated, as the unsupported cases below.
        let t = ValType::from_wasm(wty, &env.type_ids).unwrap_or_else(|e| {
            if local_type.is_ok() {
                local_type = Err(e);
            }
            ValType::I32
        });
        local_types.extend(std::iter::repeat_n(t, count as usize));
    }
    let reader = validated.unwrap_or_else(|| locals.get_binary_reader());
    // After anything Strata cannot run (a garbage-collection type or operator), the rest
    // of the body is still validated: an invalid module must be reported as
    // invalid, not as unsupported.
    let mut unsupported = None;
    let translator = local_type.and_then(|()| {
        let params = ty.params().len() as u32;
        Translator::new(env, &local_types, params, ty.results(), reuse)
    });
    let mut t = match translator {
        Ok(mut t) => {
            t.fuel = fuel;
            t.interpreted = interpreted;
            t.budgets = budgets;
            Some(t)
        }
        Err(e) if matches!(e.kind(), crate::ErrorKind::Unsupported(_)) => {
            unsupported = Some(e);
            None
        }
        Err(e) => return Err(e),
    };
    if validator.is_none() && unsupported.is_some() {
        return Err(unsupported.take().expect("just checked"));
    }
    let validating = validator.is_some();
    decode::visit_body(reader, validator.as_mut(), err, |op| {
        // A third of all operators: pushed without `translate`'s dispatch
        // (where no fuel is charged for it).
        if let (&Operator::LocalGet { local_index }, Some(t)) = (op, t.as_mut()) {
            if t.reachable && !t.fuel && unsupported.is_none() {
                t.wasm_ops += 1;
                t.local_get(local_index);
                return Ok(());
            }
        }
        let skipping = t.as_ref().is_some_and(|t| !t.reachable);
        if skipping && unsupported.is_none() && crate::module::never_executed(op) {
            // In unreachable code, which is not translated, too (reachable
            // code gets the same error from `translate`): lazy translation
            // rejects the body in `Module::new` all the same.
            if !validating {
                return Err(unsupported_operator(op));
            }
            unsupported = Some(unsupported_operator(op));
        }
        if let (None, Some(t)) = (&unsupported, t.as_mut()) {
            t.wasm_ops += 1;
            match t.translate(op) {
                Ok(()) => {}
                Err(e) if matches!(e.kind(), crate::ErrorKind::Unsupported(_)) => {
                    if !validating {
                        return Err(e);
                    }
                    unsupported = Some(e)
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })?;
    if let Some(validator) = validator {
        reuse.validator = validator.into_allocations();
    }
    match (unsupported, t) {
        (None, Some(t)) => {
            let mut body = alloc::finish(t, reuse)?;
            body.def = func_index - env.num_imported_funcs;
            Ok(body)
        }
        (Some(e), Some(t)) => {
            t.give_back(reuse);
            Err(e)
        }
        (Some(e), None) => Err(e),
        (None, None) => Err(Error::unsupported("function could not be translated")),
    }
}

/// The constant pool's index hashes a constant's bits with one multiply:
/// keys are the function's own constants, so a hash that resists chosen
/// collisions (std's default) buys nothing for its cost.
#[derive(Default, Clone, Copy)]
struct BuildConstHasher;

impl std::hash::BuildHasher for BuildConstHasher {
    type Hasher = ConstHasher;
    fn build_hasher(&self) -> ConstHasher {
        ConstHasher(0)
    }
}

/// The hasher of [`BuildConstHasher`]: `u64` keys only.
struct ConstHasher(u64);

impl std::hash::Hasher for ConstHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        // An odd constant spreads the key's bits up; hashbrown takes its
        // bucket from the high bits and its tag from the top seven.
        self.0 = (self.0 ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 ^= self.0 >> 29;
    }
}

/// Constants found by scanning the pool, before it is indexed.
const SCANNED_CONSTS: usize = 16;

struct Translator<'a> {
    env: &'a ModuleEnv,
    code: Vec<Op<u32>>,
    consts: Vec<u64>,
    const_index: HashMap<u64, u32, BuildConstHasher>,
    num_params: u32,
    local_types: Vec<ValType>,
    /// Class of each allocatable vreg (locals, then temps), indexed from `num_params`.
    classes: Vec<RegClass>,
    /// Whether each allocatable vreg, indexed as `classes`, is a `v128`
    /// (two cells wide); empty until the function has one.
    wide: Vec<bool>,
    /// Whether any value of the function is a `v128` ([`FuncBody::uses_v128`]).
    uses_v128: bool,
    stack: Vec<Entry>,
    /// How many `Local(x)` entries the operand stack holds, per local.
    local_refs: Vec<u32>,
    controls: Vec<Control>,
    labels: Labels,
    reachable: bool,
    /// Blocks opened inside unreachable code, skipped until their `end`.
    dead_depth: u32,
    /// The last instruction, when its single def is the temp on top of the stack.
    last_def: Option<usize>,
    /// An `i32.eqz` just emitted (at `.0`) on the result of the compare
    /// emitted just before it (at `.1`): a branch on it becomes the
    /// compare's negated compare-and-branch.
    eqz_of_compare: Option<(usize, usize)>,
    /// Loop extents as (first body instruction, last instruction) indices.
    loops: Vec<(u32, u32)>,
    results: Vec<ValType>,
    far_branches: Vec<(u32, i32)>,
    wasm_ops: u32,
    /// The largest argument/result span of the function's calls.
    outgoing_cells: u32,
    /// Whether to charge fuel (`Config::consume_fuel`).
    fuel: bool,
    /// Registers the target ISA's compiled code allocates.
    budgets: crate::ir::RegisterBudgets,
    /// Whether the interpreter may run the body: only then are fused pairs
    /// and accumulator forms made (the JIT lowers their plain forms).
    interpreted: bool,
    /// The `ConsumeFuel` instruction of the straight-line run being
    /// translated, once the run has a costly operator.
    fuel_at: Option<usize>,
    /// The `try_table`s translated so far, inner before outer.
    handlers: Vec<crate::ir::Handler>,
}

impl<'a> Translator<'a> {
    fn new(
        env: &'a ModuleEnv,
        local_types: &[ValType],
        num_params: u32,
        results: &[ValType],
        scratch: &mut Scratch,
    ) -> Result<Self> {
        for &ty in results {
            class_of(ty)?;
        }
        let mut classes = reused(&mut scratch.classes);
        for &ty in &local_types[num_params as usize..] {
            classes.push(class_of(ty)?);
        }
        for &ty in &local_types[..num_params as usize] {
            class_of(ty)?;
        }
        let mut local_refs = reused(&mut scratch.local_refs);
        local_refs.resize(local_types.len(), 0);
        let mut labels = std::mem::take(&mut scratch.labels);
        labels.clear();
        let mut t = Translator {
            env,
            code: reused(&mut scratch.code),
            consts: Vec::new(),
            const_index: HashMap::default(),
            num_params,
            local_types: local_types.to_vec(),
            classes,
            wide: Vec::new(),
            uses_v128: local_types.contains(&ValType::V128) || results.contains(&ValType::V128),
            stack: reused(&mut scratch.stack),
            local_refs,
            controls: Vec::new(),
            labels,
            reachable: true,
            dead_depth: 0,
            last_def: None,
            eqz_of_compare: None,
            loops: reused(&mut scratch.loops),
            results: results.to_vec(),
            far_branches: Vec::new(),
            wasm_ops: 0,
            outgoing_cells: 0,
            fuel: false,
            budgets: crate::jit::NATIVE_BUDGETS,
            interpreted: true,
            fuel_at: None,
            handlers: Vec::new(),
        };
        for (i, &ty) in local_types[num_params as usize..].iter().enumerate() {
            if ty == ValType::V128 {
                t.mark_wide(num_params + i as u32);
            }
        }
        let label = t.labels.new_label();
        t.controls.push(Control {
            kind: ControlKind::Block,
            label,
            else_label: None,
            params: Vec::new(),
            results: results.to_vec(),
            height: 0,
            merge: None,
            if_params: Vec::new(),
            loop_id: 0,
            try_table: None,
        });
        Ok(t)
    }

    // ----- registers and the operand stack -----

    fn new_temp(&mut self, ty: ValType) -> Result<u32> {
        let class = class_of(ty)?;
        let v = self.num_params + self.classes.len() as u32;
        if v >= HI_BIT {
            return Err(Error::unsupported("function too large"));
        }
        self.classes.push(class);
        if ty == ValType::V128 {
            self.mark_wide(v);
        }
        Ok(v)
    }

    /// Records that allocatable vreg `v` holds a `v128`.
    fn mark_wide(&mut self, v: u32) {
        self.uses_v128 = true;
        let i = (v - self.num_params) as usize;
        if self.wide.len() <= i {
            self.wide.resize(i + 1, false);
        }
        self.wide[i] = true;
    }

    /// Whether vreg `v` (a parameter, local or temp, not a constant) holds
    /// a `v128`.
    fn is_wide(&self, v: u32) -> bool {
        if v < self.num_params {
            return self.local_types[v as usize] == ValType::V128;
        }
        self.wide
            .get((v - self.num_params) as usize)
            .copied()
            .unwrap_or(false)
    }

    /// `dst = src`, of either width.
    fn copy(&self, dst: u32, src: u32) -> Op<u32> {
        if self.is_wide(dst) {
            Op::CopyV128 { dst, src }
        } else {
            Op::Copy { dst, src }
        }
    }

    /// A `v128` constant: two consecutive cells of the pool, low half
    /// first.
    fn const_v128(&mut self, bits: u128) -> u32 {
        self.uses_v128 = true;
        let (lo, hi) = (bits as u64, (bits >> 64) as u64);
        if let Some(k) = self.consts.windows(2).position(|w| w == [lo, hi]) {
            return CONST_BIT | k as u32;
        }
        let k = self.consts.len() as u32;
        self.consts.extend([lo, hi]);
        if !self.const_index.is_empty() {
            self.const_index.entry(lo).or_insert(k);
            self.const_index.entry(hi).or_insert(k + 1);
        }
        CONST_BIT | k
    }

    fn const_reg(&mut self, bits: u64) -> u32 {
        let next = self.consts.len() as u32;
        // Most functions have a handful of constants: a scan of them beats
        // hashing; the index takes over once there are many.
        let k = if self.consts.len() < SCANNED_CONSTS {
            match self.consts.iter().position(|&c| c == bits) {
                Some(k) => k as u32,
                None => next,
            }
        } else {
            if self.const_index.is_empty() {
                self.const_index = self.consts.iter().zip(0..).map(|(&c, k)| (c, k)).collect();
            }
            *self.const_index.entry(bits).or_insert(next)
        };
        if k == next {
            self.consts.push(bits);
        }
        CONST_BIT | k
    }

    /// `local.get`: the local itself goes on the operand stack; nothing is
    /// emitted.
    fn local_get(&mut self, local_index: u32) {
        self.push(
            Operand::Local(local_index),
            self.local_types[local_index as usize],
        );
    }

    fn push(&mut self, op: Operand, ty: ValType) {
        if let Operand::Local(x) = op {
            self.local_refs[x as usize] += 1;
        }
        self.stack.push(Entry { op, ty });
    }

    fn pop(&mut self) -> Entry {
        let e = self.stack.pop().expect("validated operand stack");
        if let Operand::Local(x) = e.op {
            self.local_refs[x as usize] -= 1;
        }
        e
    }

    fn pop_n(&mut self, n: usize) -> Vec<Entry> {
        let at = self.stack.len() - n;
        let entries: Vec<Entry> = self.stack.drain(at..).collect();
        for e in &entries {
            if let Operand::Local(x) = e.op {
                self.local_refs[x as usize] -= 1;
            }
        }
        entries
    }

    fn truncate_stack(&mut self, height: usize) {
        while self.stack.len() > height {
            self.pop();
        }
    }

    fn emit(&mut self, op: Op<u32>) -> usize {
        self.code.push(op);
        self.last_def = None;
        self.eqz_of_compare = None;
        self.code.len() - 1
    }

    /// Emits an instruction defining `dst` and pushes `dst` as a temp.
    fn emit_def(&mut self, op: Op<u32>, dst: u32, ty: ValType) {
        let at = self.emit(op);
        self.push(Operand::Temp(dst), ty);
        self.last_def = Some(at);
    }

    /// Emits `args` words listing `regs` (padding repeats the first).
    fn emit_args(&mut self, regs: &[u32]) {
        for chunk in regs.chunks(3) {
            let r = |i: usize| *chunk.get(i).unwrap_or(&chunk[0]);
            self.emit(Op::Args {
                r0: r(0),
                r1: r(1),
                r2: r(2),
            });
        }
    }

    fn emit_results(&mut self, regs: &[u32]) {
        for chunk in regs.chunks(3) {
            let r = |i: usize| *chunk.get(i).unwrap_or(&chunk[0]);
            self.emit(Op::Results {
                r0: r(0),
                r1: r(1),
                r2: r(2),
            });
        }
    }

    /// Before local `x` is written, stack entries still naming its old value
    /// are copied to temps.
    fn preserve_local(&mut self, x: u32) -> Result<()> {
        if self.local_refs[x as usize] == 0 {
            return Ok(());
        }
        let ty = self.local_types[x as usize];
        for i in 0..self.stack.len() {
            if self.stack[i].op == Operand::Local(x) {
                let t = self.new_temp(ty)?;
                self.emit(self.copy(t, x));
                self.stack[i].op = Operand::Temp(t);
            }
        }
        self.local_refs[x as usize] = 0;
        Ok(())
    }

    /// Replaces every `Local` entry among the bottom `n` stack entries by a
    /// temp holding the local's current value.
    fn materialize_locals(&mut self, n: usize) -> Result<()> {
        for i in 0..n {
            if let Operand::Local(x) = self.stack[i].op {
                let t = self.new_temp(self.stack[i].ty)?;
                self.emit(self.copy(t, x));
                self.stack[i].op = Operand::Temp(t);
                self.local_refs[x as usize] -= 1;
            }
        }
        Ok(())
    }

    /// Writes `dst = src` for each pair, as one parallel move.
    fn emit_copies(&mut self, dsts: &[u32], srcs: &[u32]) -> Result<()> {
        let clobbers = dsts
            .iter()
            .enumerate()
            .any(|(i, d)| srcs[i + 1..].contains(d));
        if clobbers {
            let mut temps = Vec::with_capacity(srcs.len());
            for (i, &s) in srcs.iter().enumerate() {
                let ty = self.stack_ty_hint(dsts[i]);
                let t = self.new_temp(ty)?;
                self.emit(self.copy(t, s));
                temps.push(t);
            }
            for (i, &d) in dsts.iter().enumerate() {
                self.emit(self.copy(d, temps[i]));
            }
        } else {
            for (i, &d) in dsts.iter().enumerate() {
                if d != srcs[i] {
                    self.emit(self.copy(d, srcs[i]));
                }
            }
        }
        Ok(())
    }

    /// A type of the same register class as vreg `v` (for parallel-move temps).
    fn stack_ty_hint(&self, v: u32) -> ValType {
        if self.is_wide(v) {
            return ValType::V128;
        }
        match self.classes.get((v - self.num_params) as usize) {
            Some(RegClass::Float) => ValType::F64,
            _ => ValType::I64,
        }
    }

    // ----- labels and branches -----

    fn bind(&mut self, label: LabelId) {
        let pos = self.code.len() as u32;
        let mut waiting = self.labels.bind(label, pos);
        while let Some(site) = self.labels.next(&mut waiting) {
            self.patch(site, pos);
        }
        self.last_def = None;
        // Control can arrive here from elsewhere: a new run begins.
        self.fuel_at = None;
    }

    // ----- fuel -----

    /// Adds `cost` to the running straight-line run's charge, starting the
    /// run's `ConsumeFuel` instruction if this is its first costly operator.
    fn charge_fuel(&mut self, cost: u32) {
        let at = match self.fuel_at {
            Some(at) => at,
            None => {
                // Runs begin after labels, branches and calls, where no
                // instruction is waiting to be retargeted or fused.
                let (last_def, eqz) = (self.last_def, self.eqz_of_compare);
                let at = self.emit(Op::ConsumeFuel { amount: 0 });
                (self.last_def, self.eqz_of_compare) = (last_def, eqz);
                self.fuel_at = Some(at);
                at
            }
        };
        if let Op::ConsumeFuel { amount } = &mut self.code[at] {
            *amount += cost;
        }
    }

    fn patch(&mut self, site: u32, target: u32) {
        let offset = target as i64 - site as i64;
        let offset =
            i32::try_from(offset).expect("functions are far smaller than 2^31 instructions");
        let op = &mut self.code[site as usize];
        if !op.set_branch_offset(offset) {
            // A compare-and-branch too far for its 16 bits: the body's table
            // holds the real offset.
            match op.branch16_mut() {
                Some(o) => *o = FuncBody::FAR,
                None => unreachable!("patching a non-branch {op:?}"),
            }
            self.far_branches.push((site, offset));
        }
    }

    /// Records `site` as a branch to `label`, patching now if it is bound.
    fn link(&mut self, site: usize, label: LabelId) {
        if let Some(pos) = self.labels.use_label(label, site as u32) {
            self.patch(site as u32, pos);
        }
    }

    fn emit_br(&mut self, label: LabelId) {
        let site = self.emit(Op::Br { offset: 0 });
        self.link(site, label);
    }

    /// Branches to `label` when `cond` is non-zero (or zero, when `negate`),
    /// fusing a compare that produced `cond` just before.
    fn emit_cond_br(&mut self, cond: Entry, negate: bool, label: LabelId) {
        let fused = match (cond.op, self.last_def) {
            (Operand::Temp(v), Some(at)) => match (self.code[at], self.eqz_of_compare) {
                // `eqz(compare)`: the eqz goes, the compare branches on its
                // own negation.
                (Op::I32Eqz { dst, src }, Some((eqz, cmp))) if dst == v && eqz == at => {
                    fuse_compare(self.code[cmp], src, !negate).map(|op| {
                        self.code.pop();
                        (cmp, op)
                    })
                }
                (op, _) => fuse_compare(op, v, negate).map(|op| (at, op)),
            },
            _ => None,
        };
        let site = match fused {
            Some((at, op)) => {
                self.code[at] = op;
                self.last_def = None;
                at
            }
            None => {
                let c = cond.reg();
                if negate {
                    self.emit(Op::BrIfEqz { cond: c, offset: 0 })
                } else {
                    self.emit(Op::BrIfNez { cond: c, offset: 0 })
                }
            }
        };
        self.link(site, label);
        // The fallthrough is a run of its own: a taken branch does not pay for it.
        self.fuel_at = None;
    }

    /// The merge registers and value types a branch to `depth` writes.
    fn branch_target(&mut self, depth: u32) -> Result<(LabelId, Vec<u32>, bool)> {
        let idx = self.controls.len() - 1 - depth as usize;
        let c = &self.controls[idx];
        if idx == 0 {
            return Ok((c.label, Vec::new(), true));
        }
        let label = c.label;
        if c.kind == ControlKind::Loop {
            return Ok((label, c.merge.clone().unwrap_or_default(), false));
        }
        let tys = c.results.clone();
        let merge = match &self.controls[idx].merge {
            Some(m) => m.clone(),
            None => {
                let mut m = Vec::with_capacity(tys.len());
                for &ty in &tys {
                    m.push(self.new_temp(ty)?);
                }
                self.controls[idx].merge = Some(m.clone());
                m
            }
        };
        Ok((label, merge, false))
    }

    fn emit_return(&mut self) -> Result<()> {
        let n = self.results.len();
        let vals = self.pop_n(n);
        let regs: Vec<u32> = vals.iter().map(|e| e.reg()).collect();
        self.emit_return_of(&regs);
        Ok(())
    }

    /// Returns the values `regs` (of the function's result types).
    fn emit_return_of(&mut self, regs: &[u32]) {
        let cells = cells(regs.iter().copied().zip(self.results.iter().copied()));
        match cells.as_slice() {
            [] => {
                self.emit(Op::Return0 {});
            }
            [r] => {
                self.emit(Op::Return1 { src: *r });
            }
            _ => {
                self.emit(Op::ReturnN {
                    count: cells.len() as u32,
                });
                self.emit_args(&cells);
            }
        }
    }

    /// A branch to `depth` when `cond` is non-zero (or zero, when
    /// `negate`), leaving the stack as it was: straight to the label when
    /// the branch moves no values, else over a branch that moves them.
    fn cond_branch_to(&mut self, cond: Entry, negate: bool, depth: u32) -> Result<()> {
        let (label, merge, is_fn) = self.branch_target(depth)?;
        if merge.is_empty() && !is_fn {
            self.emit_cond_br(cond, negate, label);
        } else {
            let skip = self.labels.new_label();
            self.emit_cond_br(cond, !negate, skip);
            self.branch_to(depth)?;
            self.bind(skip);
        }
        Ok(())
    }

    /// An unconditional branch to `depth`, leaving the stack as it was.
    fn branch_to(&mut self, depth: u32) -> Result<()> {
        let (label, merge, is_fn) = self.branch_target(depth)?;
        if is_fn {
            let n = self.results.len();
            let vals: Vec<Entry> = self.stack[self.stack.len() - n..].to_vec();
            let regs: Vec<u32> = vals.iter().map(|e| e.reg()).collect();
            self.emit_return_of(&regs);
            return Ok(());
        }
        let n = merge.len();
        let srcs: Vec<u32> = self.stack[self.stack.len() - n..]
            .iter()
            .map(|e| e.reg())
            .collect();
        self.emit_copies(&merge, &srcs)?;
        self.emit_br(label);
        Ok(())
    }

    fn block_types(&self, bt: BlockType) -> Result<(Vec<ValType>, Vec<ValType>)> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), vec![ValType::from_wasm(t, &self.env.type_ids)?]),
            BlockType::FuncType(idx) => {
                let ft = self.env.type_at(idx);
                (ft.params().to_vec(), ft.results().to_vec())
            }
        })
    }

    fn push_control(&mut self, kind: ControlKind, bt: BlockType) -> Result<()> {
        let (params, results) = self.block_types(bt)?;
        for &t in params.iter().chain(&results) {
            class_of(t)?;
        }
        // A `local.set` inside the block may run conditionally or once per
        // iteration, so it cannot preserve an outer entry's old value: read
        // every local the stack names into a temp here, on entry.
        let cond = usize::from(kind == ControlKind::If);
        self.materialize_locals(self.stack.len() - cond)?;
        let label = self.labels.new_label();
        let height = self.stack.len() - params.len();
        let mut c = Control {
            kind,
            label,
            else_label: None,
            params,
            results,
            height,
            merge: None,
            if_params: Vec::new(),
            loop_id: 0,
            try_table: None,
        };
        match kind {
            ControlKind::Loop => {
                // Loop parameters live in fixed registers that back-edges write.
                let vals = self.pop_n(c.params.len());
                let mut merge = Vec::with_capacity(vals.len());
                for e in &vals {
                    merge.push(self.new_temp(e.ty)?);
                }
                let srcs: Vec<u32> = vals.iter().map(|e| e.reg()).collect();
                self.emit_copies(&merge, &srcs)?;
                for (i, e) in vals.iter().enumerate() {
                    self.push(Operand::Temp(merge[i]), e.ty);
                }
                let id = self.loops.len() as u32;
                self.emit(Op::LoopHeader { loop_id: id });
                self.bind(label);
                self.loops.push((self.code.len() as u32, u32::MAX));
                c.loop_id = id;
                c.merge = Some(merge);
            }
            ControlKind::If => {
                let cond = self.pop();
                let else_label = self.labels.new_label();
                self.emit_cond_br(cond, true, else_label);
                c.else_label = Some(else_label);
                c.height = self.stack.len() - c.params.len();
                c.if_params = self.stack[c.height..].to_vec();
            }
            ControlKind::Block | ControlKind::Else => {}
        }
        self.last_def = None;
        self.controls.push(c);
        Ok(())
    }

    /// Moves the fallthrough values of the innermost block into its merge registers.
    fn fallthrough_to_merge(&mut self, force: bool) -> Result<()> {
        let idx = self.controls.len() - 1;
        if self.controls[idx].merge.is_none() && !force {
            return Ok(());
        }
        if self.controls[idx].merge.is_none() {
            self.branch_target(0)?;
        }
        let merge = self.controls[idx].merge.clone().unwrap_or_default();
        let n = merge.len();
        let srcs: Vec<u32> = self.stack[self.stack.len() - n..]
            .iter()
            .map(|e| e.reg())
            .collect();
        self.emit_copies(&merge, &srcs)
    }

    fn end_control(&mut self) -> Result<()> {
        let c = self
            .controls
            .last()
            .expect("validated control stack")
            .clone();
        if self.controls.len() == 1 {
            // The function body's end: an implicit return.
            if self.reachable {
                self.emit_return()?;
            }
            self.controls.pop();
            self.bind(c.label);
            return Ok(());
        }
        let c = match &c.try_table {
            Some((start, catches)) => {
                self.landing_pad(&c, *start, catches)?;
                self.controls
                    .last()
                    .expect("validated control stack")
                    .clone()
            }
            None => c,
        };
        let n = c.results.len();
        match c.kind {
            ControlKind::Loop => {
                self.loops[c.loop_id as usize].1 = self.code.len() as u32;
                // Nothing branches to a loop's end: its values flow out as they are.
                self.finish_without_merge(&c);
            }
            ControlKind::If if n > 0 => {
                // An `if` without `else`: the implicit else passes its params through.
                if self.reachable {
                    self.fallthrough_to_merge(true)?;
                    self.emit_br(c.label);
                }
                self.bind(c.else_label.expect("if has an else label"));
                self.truncate_stack(c.height);
                for e in &c.if_params {
                    self.push(e.op, e.ty);
                }
                self.fallthrough_to_merge(true)?;
                self.reachable = true;
                self.finish_with_merge();
            }
            ControlKind::If => {
                self.bind(c.else_label.expect("if has an else label"));
                self.truncate_stack(c.height);
                self.controls.pop();
                self.bind(c.label);
                self.reachable = true;
            }
            ControlKind::Block | ControlKind::Else => {
                if self.reachable && c.merge.is_some() {
                    self.fallthrough_to_merge(false)?;
                }
                if c.merge.is_some() {
                    self.reachable |= self.labels.is_used(c.label);
                    self.finish_with_merge();
                } else {
                    self.finish_without_merge(&c);
                }
            }
        }
        Ok(())
    }

    /// Ends a `try_table`'s body: its values go to the end over the
    /// landing pad that follows, which runs `catches` in order against
    /// an exception raised in the body and throws it on when none
    /// matches. Each clause branches to its label with the exception's
    /// values (and reference) as a `br` moves values.
    fn landing_pad(
        &mut self,
        c: &control::Control,
        start: u32,
        catches: &[wasmparser::Catch],
    ) -> Result<()> {
        use wasmparser::Catch;
        if self.reachable {
            self.fallthrough_to_merge(true)?;
            self.emit_br(c.label);
        }
        let end = self.code.len() as u32;
        self.truncate_stack(c.height);
        self.reachable = true;
        self.last_def = None;
        self.fuel_at = None;
        let exnref = ValType::reference(crate::types::RefType::new(
            false,
            crate::types::HeapType::Exn,
        ));
        for catch in catches {
            let (tag, label, with_ref) = match *catch {
                Catch::One { tag, label } => (tag, label, false),
                Catch::OneRef { tag, label } => (tag, label, true),
                Catch::All { label } => (crate::ir::CATCH_ALL, label, false),
                Catch::AllRef { label } => (crate::ir::CATCH_ALL, label, true),
            };
            let mut tys = match tag {
                crate::ir::CATCH_ALL => Vec::new(),
                _ => self.env.tag_type(tag).params().to_vec(),
            };
            if with_ref {
                tys.push(exnref);
            }
            let at = self.emit(Op::Catch { tag });
            let imm = self.emit(Op::Imm { value: 0 });
            let mut regs = Vec::with_capacity(tys.len());
            for &ty in &tys {
                regs.push(self.new_temp(ty)?);
            }
            let cells = cells(regs.iter().copied().zip(tys.iter().copied()));
            self.outgoing_cells = self.outgoing_cells.max(cells.len() as u32);
            self.emit_results(&cells);
            for (i, &ty) in tys.iter().enumerate() {
                self.push(Operand::Temp(regs[i]), ty);
            }
            // The clause's label counts from outside the `try_table`,
            // which is still the innermost control.
            self.branch_to(label + 1)?;
            self.truncate_stack(c.height);
            let next = (self.code.len() - at) as u32;
            self.code[imm] = Op::Imm {
                value: (next << 1) | u32::from(with_ref),
            };
            self.last_def = None;
        }
        self.emit(Op::Rethrow {});
        self.handlers.push(crate::ir::Handler { start, end });
        self.reachable = false;
        Ok(())
    }

    /// Ends the innermost block whose values arrive in its merge registers.
    fn finish_with_merge(&mut self) {
        let c = self.controls.pop().expect("validated control stack");
        self.truncate_stack(c.height);
        self.bind(c.label);
        for (i, &r) in c.merge.as_deref().unwrap_or_default().iter().enumerate() {
            self.push(Operand::Temp(r), c.results[i]);
        }
    }

    /// Ends the innermost block reached only by falling through: its values
    /// stay the stack entries they are.
    fn finish_without_merge(&mut self, c: &Control) {
        let vals = if self.reachable {
            self.pop_n(c.results.len())
        } else {
            Vec::new()
        };
        self.truncate_stack(c.height);
        self.controls.pop();
        self.bind(c.label);
        for e in vals {
            self.push(e.op, e.ty);
        }
    }

    fn else_control(&mut self) -> Result<()> {
        let idx = self.controls.len() - 1;
        let c = self.controls[idx].clone();
        if self.reachable {
            self.fallthrough_to_merge(true)?;
            self.emit_br(c.label);
        }
        self.truncate_stack(c.height);
        self.bind(c.else_label.expect("if has an else label"));
        for e in &c.if_params {
            self.push(e.op, e.ty);
        }
        let ctl = &mut self.controls[idx];
        ctl.kind = ControlKind::Else;
        ctl.else_label = None;
        // Only reachable `if`s are translated, so the else arm is reachable.
        self.reachable = true;
        Ok(())
    }

    // ----- the operators -----

    fn unary(&mut self, make: fn(u32, u32) -> Op<u32>, ty: ValType) -> Result<()> {
        let src = self.pop().reg();
        let dst = self.new_temp(ty)?;
        self.emit_def(make(dst, src), dst, ty);
        Ok(())
    }

    fn binary(&mut self, make: fn(u32, u32, u32) -> Op<u32>, ty: ValType) -> Result<()> {
        let b = self.pop().reg();
        let a = self.pop().reg();
        let dst = self.new_temp(ty)?;
        self.emit_def(make(dst, a, b), dst, ty);
        Ok(())
    }

    /// The operands of the `i32.add` that just defined `ptr`, a temp, when
    /// a memory access at offset 0 can take its place.
    fn sum_before(&self, ptr: Entry, offset: u64) -> Option<(usize, u32, u32)> {
        match (ptr.op, self.last_def) {
            (Operand::Temp(v), Some(at)) if offset == 0 => match self.code[at] {
                Op::I32Add { dst, a, b } if dst == v => Some((at, a, b)),
                _ => None,
            },
            _ => None,
        }
    }

    fn load(&mut self, kind: MemKind, memarg: MemArg, ty: ValType) -> Result<()> {
        let offset = memarg.offset;
        if self.is_memory64(memarg)? {
            let ptr = self.pop().reg();
            let dst = self.new_temp(ty)?;
            self.emit(Op::LoadMem64 { dst, ptr, kind });
            self.emit_memarg64(memarg)?;
            self.push(Operand::Temp(dst), ty);
            return Ok(());
        }
        if memory_of(memarg)? != 0 {
            let ptr = self.pop().reg();
            let dst = self.new_temp(ty)?;
            self.emit(Op::LoadMem { dst, ptr, kind });
            self.emit_memarg(memarg)?;
            self.push(Operand::Temp(dst), ty);
            return Ok(());
        }
        let entry = self.pop();
        let ptr = entry.reg();
        let dst = self.new_temp(ty)?;
        if let Some((at, a, b)) = self.sum_before(entry, offset) {
            if let Some(op) = load_sum(kind, dst, a, b) {
                self.code[at] = op;
                self.push(Operand::Temp(dst), ty);
                self.last_def = Some(at);
                return Ok(());
            }
        }
        match u16::try_from(offset) {
            Ok(o) => {
                let op = narrow_load(kind, dst, ptr, o);
                self.emit_def(op, dst, ty);
            }
            Err(_) => {
                self.emit(Op::LoadWide { dst, ptr, kind });
                self.emit(Op::Imm {
                    value: offset as u32,
                });
                self.push(Operand::Temp(dst), ty);
            }
        }
        Ok(())
    }

    fn store(&mut self, kind: MemKind, memarg: MemArg) -> Result<()> {
        let offset = memarg.offset;
        let val = self.pop().reg();
        if self.is_memory64(memarg)? {
            let ptr = self.pop().reg();
            self.emit(Op::StoreMem64 { ptr, val, kind });
            self.emit_memarg64(memarg)?;
            return Ok(());
        }
        if memory_of(memarg)? != 0 {
            let ptr = self.pop().reg();
            self.emit(Op::StoreMem { ptr, val, kind });
            self.emit_memarg(memarg)?;
            return Ok(());
        }
        let entry = self.pop();
        let ptr = entry.reg();
        // The sum is the last instruction, so `val` was computed before it.
        if let Some((at, a, b)) = self.sum_before(entry, offset) {
            if let Some(op) = store_sum(kind, a, b, val) {
                self.code[at] = op;
                self.last_def = None;
                return Ok(());
            }
        }
        match u16::try_from(offset) {
            Ok(o) => {
                self.emit(narrow_store(kind, ptr, val, o));
            }
            Err(_) => {
                self.emit(Op::StoreWide { ptr, val, kind });
                self.emit(Op::Imm {
                    value: offset as u32,
                });
            }
        }
        Ok(())
    }

    /// The `imm` words of `load.mem` and `store.mem`: offset, then memory.
    fn emit_memarg(&mut self, memarg: MemArg) -> Result<()> {
        // 32-bit memories: validation keeps offsets below 2^32.
        self.emit(Op::Imm {
            value: memarg.offset as u32,
        });
        let memory = memory_of(memarg)?;
        self.emit(Op::Imm { value: memory });
        Ok(())
    }

    /// Whether a load or store accesses a 64-bit memory.
    fn is_memory64(&self, memarg: MemArg) -> Result<bool> {
        let memory = memory_of(memarg)?;
        Ok(self.env.memories[memory as usize].is_64())
    }

    /// The `imm` words of `load.mem64` and `store.mem64`: the offset's low
    /// and high halves, then the memory.
    fn emit_memarg64(&mut self, memarg: MemArg) -> Result<()> {
        self.emit(Op::Imm {
            value: memarg.offset as u32,
        });
        self.emit(Op::Imm {
            value: (memarg.offset >> 32) as u32,
        });
        let memory = memory_of(memarg)?;
        self.emit(Op::Imm { value: memory });
        Ok(())
    }

    fn local_set(&mut self, x: u32, tee: bool) -> Result<()> {
        let e = self.pop();
        self.preserve_local(x)?;
        let retarget = match (e.op, self.last_def) {
            (Operand::Temp(v), Some(at)) => set_single_def(&mut self.code[at], v, x),
            _ => false,
        };
        if !retarget && e.op != Operand::Local(x) {
            self.emit(self.copy(x, e.reg()));
        }
        self.last_def = None;
        if tee {
            self.push(Operand::Local(x), self.local_types[x as usize]);
        }
        Ok(())
    }

    fn call(&mut self, func: u32) -> Result<()> {
        let ty = self.env.func_type(func).clone();
        let args = self.pop_regs(ty.params().len());
        let op = if func < self.env.num_imported_funcs {
            Op::CallImported { func }
        } else {
            Op::CallInternal {
                func: func - self.env.num_imported_funcs,
            }
        };
        self.emit(op);
        self.finish_call(&args, ty.results())
    }

    /// `return_call`: the callee's frame replaces this function's.
    fn return_call(&mut self, func: u32) -> Result<()> {
        let ty = self.env.func_type(func).clone();
        let args = self.pop_regs(ty.params().len());
        let op = if func < self.env.num_imported_funcs {
            Op::ReturnCallImported { func }
        } else {
            Op::ReturnCallInternal {
                func: func - self.env.num_imported_funcs,
            }
        };
        self.emit(op);
        self.finish_return_call(&args);
        Ok(())
    }

    /// The arguments of a tail call, after its instruction (and its `imm`
    /// word): the interpreter stages them past the frame before moving them
    /// to its first cells, which they may be read from.
    fn finish_return_call(&mut self, args: &[u32]) {
        self.outgoing_cells = self.outgoing_cells.max(args.len() as u32);
        self.emit_args(args);
        self.reachable = false;
    }

    /// `call_indirect`, or with `tail` `return_call_indirect`: the
    /// instruction, an `imm` word with the table, then the operand words.
    fn call_indirect(&mut self, type_index: u32, table_index: u32, tail: bool) -> Result<()> {
        let mut index = self.pop().reg();
        if self.env.tables[table_index as usize].is_64() {
            let narrow = self.new_temp(ValType::I32)?;
            self.emit(Op::IndexSat {
                dst: narrow,
                src: index,
            });
            index = narrow;
        }
        self.emit_indirect(index, type_index, table_index, tail)
    }

    /// `call_ref`, or with `tail` `return_call_ref`: a `call_indirect` of
    /// table [`CALL_REF`](crate::ir::CALL_REF), whose index is the
    /// function reference.
    fn call_ref(&mut self, type_index: u32, tail: bool) -> Result<()> {
        let func = self.pop().reg();
        self.emit_indirect(func, type_index, crate::ir::CALL_REF, tail)
    }

    /// A call through `table` at `index` (popped) with the arguments of
    /// type `type_index` on the stack.
    fn emit_indirect(&mut self, index: u32, type_index: u32, table: u32, tail: bool) -> Result<()> {
        let ty = self.env.type_at(type_index).clone();
        let args = self.pop_regs(ty.params().len());
        self.emit(match tail {
            true => Op::ReturnCallIndirect {
                index,
                ty: type_index,
            },
            false => Op::CallIndirect {
                index,
                ty: type_index,
            },
        });
        self.emit(Op::Imm { value: table });
        if tail {
            self.finish_return_call(&args);
            Ok(())
        } else {
            self.finish_call(&args, ty.results())
        }
    }

    /// The cells of the top `n` operands, popped: one register each, and
    /// a `v128`'s second cell after its register ([`HI_BIT`]).
    fn pop_regs(&mut self, n: usize) -> Vec<u32> {
        let entries = self.pop_n(n);
        cells(entries.iter().map(|e| (e.reg(), e.ty)))
    }

    /// After a call's instruction: its argument cells `args`, then new
    /// values for its results, written in the same span.
    fn finish_call(&mut self, args: &[u32], results: &[ValType]) -> Result<()> {
        let span = args.len().max(crate::types::cells_of(results)) as u32;
        self.outgoing_cells = self.outgoing_cells.max(span);
        self.emit_args(args);
        let mut regs = Vec::with_capacity(results.len());
        for &ty in results {
            regs.push(self.new_temp(ty)?);
        }
        let cells = cells(regs.iter().copied().zip(results.iter().copied()));
        self.emit_results(&cells);
        for (i, &ty) in results.iter().enumerate() {
            self.push(Operand::Temp(regs[i]), ty);
        }
        // What follows a call is charged after it returns, so a host function
        // sees the fuel of exactly what ran before it.
        self.fuel_at = None;
        Ok(())
    }

    fn translate(&mut self, op: &Operator<'_>) -> Result<()> {
        use ValType::*;
        if !self.reachable {
            match op {
                Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. } => {
                    self.dead_depth += 1;
                    return Ok(());
                }
                Operator::Else if self.dead_depth > 0 => return Ok(()),
                Operator::End if self.dead_depth > 0 => {
                    self.dead_depth -= 1;
                    return Ok(());
                }
                Operator::Else | Operator::End => {}
                _ => return Ok(()),
            }
        }
        if self.fuel && self.reachable {
            let cost = fuel_cost(op);
            if cost > 0 {
                self.charge_fuel(cost);
            }
        }
        macro_rules! un {
            ($name:ident, $ty:expr) => {
                self.unary(|dst, src| Op::$name { dst, src }, $ty)?
            };
        }
        macro_rules! bin {
            ($name:ident, $ty:expr) => {
                self.binary(|dst, a, b| Op::$name { dst, a, b }, $ty)?
            };
        }
        match *op {
            Operator::Unreachable => {
                self.emit(Op::Unreachable {});
                self.reachable = false;
            }
            Operator::Nop => {}
            Operator::Block { blockty } => self.push_control(ControlKind::Block, blockty)?,
            Operator::Loop { blockty } => self.push_control(ControlKind::Loop, blockty)?,
            Operator::If { blockty } => self.push_control(ControlKind::If, blockty)?,
            Operator::Else => self.else_control()?,
            Operator::End => self.end_control()?,
            Operator::TryTable { ref try_table } => {
                self.push_control(ControlKind::Block, try_table.ty)?;
                let start = self.code.len() as u32;
                let c = self.controls.last_mut().expect("just pushed");
                c.try_table = Some((start, try_table.catches.clone()));
            }
            Operator::Throw { tag_index } => {
                let n = self.env.tag_type(tag_index).params().len();
                let args = self.pop_regs(n);
                self.emit(Op::Throw { tag: tag_index });
                self.outgoing_cells = self.outgoing_cells.max(args.len() as u32);
                self.emit_args(&args);
                self.reachable = false;
            }
            Operator::ThrowRef => {
                let exn = self.pop().reg();
                self.emit(Op::ThrowRef { exn });
                self.reachable = false;
            }
            Operator::Br { relative_depth } => {
                self.branch_to(relative_depth)?;
                self.reachable = false;
            }
            Operator::BrIf { relative_depth } => {
                let cond = self.pop();
                self.cond_branch_to(cond, false, relative_depth)?;
            }
            Operator::BrTable { ref targets } => {
                let index = self.pop().reg();
                let mut depths: Vec<u32> = Vec::with_capacity(targets.len() as usize + 1);
                for t in targets.targets() {
                    depths.push(t.map_err(Error::compile)?);
                }
                depths.push(targets.default());
                self.emit(Op::BrTable {
                    index,
                    len: depths.len() as u32 - 1,
                });
                let base = self.code.len();
                for _ in &depths {
                    self.emit(Op::Br { offset: 0 });
                }
                for (i, &d) in depths.iter().enumerate() {
                    let (label, merge, is_fn) = self.branch_target(d)?;
                    if merge.is_empty() && !is_fn {
                        self.link(base + i, label);
                    } else {
                        // Values to move: the entry jumps to a stub that moves and branches.
                        let stub = self.labels.new_label();
                        self.link(base + i, stub);
                        self.bind(stub);
                        self.branch_to(d)?;
                    }
                }
                self.reachable = false;
            }
            Operator::Return => {
                self.emit_return()?;
                self.reachable = false;
            }
            Operator::Call { function_index } => self.call(function_index)?,
            Operator::ReturnCall { function_index } => self.return_call(function_index)?,
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, true)?,
            Operator::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, false)?,
            Operator::CallRef { type_index } => self.call_ref(type_index, false)?,
            Operator::ReturnCallRef { type_index } => self.call_ref(type_index, true)?,
            Operator::RefAsNonNull => {
                let r = self.pop();
                self.emit(Op::RefAsNonNull { src: r.reg() });
                self.push(r.op, non_null(r.ty));
            }
            Operator::BrOnNull { relative_depth } => {
                let r = self.pop();
                self.cond_branch_to(r, true, relative_depth)?;
                self.push(r.op, non_null(r.ty));
            }
            Operator::BrOnNonNull { relative_depth } => {
                // The branch carries the reference; null falls through
                // without it.
                let r = self.pop();
                let skip = self.labels.new_label();
                self.emit_cond_br(r, true, skip);
                self.push(r.op, non_null(r.ty));
                self.branch_to(relative_depth)?;
                self.pop();
                self.bind(skip);
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop().reg();
                let b = self.pop();
                let a = self.pop();
                let dst = self.new_temp(a.ty)?;
                self.emit(match a.ty {
                    V128 => Op::SelectV128 {
                        dst,
                        a: a.reg(),
                        b: b.reg(),
                    },
                    _ => Op::Select {
                        dst,
                        a: a.reg(),
                        b: b.reg(),
                    },
                });
                self.emit(Op::Args {
                    r0: cond,
                    r1: cond,
                    r2: cond,
                });
                self.push(Operand::Temp(dst), a.ty);
            }
            Operator::LocalGet { local_index } => self.local_get(local_index),
            Operator::LocalSet { local_index } => self.local_set(local_index, false)?,
            Operator::LocalTee { local_index } => self.local_set(local_index, true)?,
            Operator::GlobalGet { global_index } => {
                let ty = self.env.global_type(global_index).content();
                let dst = self.new_temp(ty)?;
                let global = global_index;
                self.emit_def(
                    match ty {
                        V128 => Op::GlobalGetV128 { dst, global },
                        _ => Op::GlobalGet { dst, global },
                    },
                    dst,
                    ty,
                );
            }
            Operator::GlobalSet { global_index } => {
                let src = self.pop().reg();
                let global = global_index;
                self.emit(match self.env.global_type(global).content() {
                    V128 => Op::GlobalSetV128 { src, global },
                    _ => Op::GlobalSet { src, global },
                });
            }
            Operator::I32Load { memarg } => self.load(MemKind::I32Load, memarg, I32)?,
            Operator::I64Load { memarg } => self.load(MemKind::I64Load, memarg, I64)?,
            Operator::F32Load { memarg } => self.load(MemKind::F32Load, memarg, F32)?,
            Operator::F64Load { memarg } => self.load(MemKind::F64Load, memarg, F64)?,
            Operator::I32Load8S { memarg } => self.load(MemKind::I32Load8S, memarg, I32)?,
            Operator::I32Load8U { memarg } => self.load(MemKind::I32Load8U, memarg, I32)?,
            Operator::I32Load16S { memarg } => self.load(MemKind::I32Load16S, memarg, I32)?,
            Operator::I32Load16U { memarg } => self.load(MemKind::I32Load16U, memarg, I32)?,
            Operator::I64Load8S { memarg } => self.load(MemKind::I64Load8S, memarg, I64)?,
            Operator::I64Load8U { memarg } => self.load(MemKind::I64Load8U, memarg, I64)?,
            Operator::I64Load16S { memarg } => self.load(MemKind::I64Load16S, memarg, I64)?,
            Operator::I64Load16U { memarg } => self.load(MemKind::I64Load16U, memarg, I64)?,
            Operator::I64Load32S { memarg } => self.load(MemKind::I64Load32S, memarg, I64)?,
            Operator::I64Load32U { memarg } => self.load(MemKind::I64Load32U, memarg, I64)?,
            Operator::I32Store { memarg } => self.store(MemKind::I32Store, memarg)?,
            Operator::I64Store { memarg } => self.store(MemKind::I64Store, memarg)?,
            Operator::F32Store { memarg } => self.store(MemKind::F32Store, memarg)?,
            Operator::F64Store { memarg } => self.store(MemKind::F64Store, memarg)?,
            Operator::I32Store8 { memarg } => self.store(MemKind::I32Store8, memarg)?,
            Operator::I32Store16 { memarg } => self.store(MemKind::I32Store16, memarg)?,
            Operator::I64Store8 { memarg } => self.store(MemKind::I64Store8, memarg)?,
            Operator::I64Store16 { memarg } => self.store(MemKind::I64Store16, memarg)?,
            Operator::I64Store32 { memarg } => self.store(MemKind::I64Store32, memarg)?,
            Operator::MemorySize { mem } => {
                let dst = self.new_temp(I32)?;
                self.emit_def(Op::MemorySize { dst, memory: mem }, dst, I32);
            }
            Operator::MemoryGrow { mem } => {
                let memory = memory_index(mem)?;
                let delta = self.pop().reg();
                let dst = self.new_temp(I32)?;
                self.emit_def(Op::MemoryGrow { dst, delta, memory }, dst, I32);
            }
            Operator::MemoryFill { mem } => {
                let len = self.pop().reg();
                let val = self.pop().reg();
                let dst = self.pop().reg();
                self.emit(Op::MemoryFill { dst, val, len });
                self.emit(Op::Imm { value: mem });
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let len = self.pop().reg();
                let src = self.pop().reg();
                let dst = self.pop().reg();
                self.emit(Op::MemoryCopy { dst, src, len });
                let value = memory_index(dst_mem)? as u32 | (memory_index(src_mem)? as u32) << 16;
                self.emit(Op::Imm { value });
            }
            Operator::MemoryInit { data_index, mem } => {
                let args = self.pop_regs(3);
                let memory = memory_index(mem)?;
                self.emit(Op::MemoryInit {
                    memory,
                    data: data_index,
                });
                self.emit_args(&args);
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop { data: data_index });
            }
            Operator::TableInit { elem_index, table } => {
                let args: Vec<u32> = self.pop_n(3).iter().map(|e| e.reg()).collect();
                self.emit(Op::TableInit {
                    table: table_u16(table)?,
                    elem: elem_index,
                });
                self.emit_args(&args);
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop { elem: elem_index });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let len = self.pop().reg();
                let src = self.pop().reg();
                let dst = self.pop().reg();
                self.emit(Op::TableCopy { dst, src, len });
                self.emit(Op::Imm {
                    value: table_u16(dst_table)? as u32 | (table_u16(src_table)? as u32) << 16,
                });
            }
            Operator::TableGet { table } => {
                let ty = self.env.table_type(table).element();
                let index = self.pop().reg();
                let dst = self.new_temp(ty)?;
                self.emit_def(
                    Op::TableGet {
                        dst,
                        index,
                        table: table_u16(table)?,
                    },
                    dst,
                    ty,
                );
            }
            Operator::TableSet { table } => {
                let val = self.pop().reg();
                let index = self.pop().reg();
                self.emit(Op::TableSet {
                    index,
                    val,
                    table: table_u16(table)?,
                });
            }
            Operator::TableSize { table } => {
                let dst = self.new_temp(I32)?;
                self.emit_def(Op::TableSize { dst, table }, dst, I32);
            }
            Operator::TableGrow { table } => {
                let delta = self.pop().reg();
                let init = self.pop().reg();
                let dst = self.new_temp(I32)?;
                self.emit(Op::TableGrow { dst, init, delta });
                self.emit(Op::Imm { value: table });
                self.push(Operand::Temp(dst), I32);
            }
            Operator::TableFill { table } => {
                let len = self.pop().reg();
                let val = self.pop().reg();
                let index = self.pop().reg();
                self.emit(Op::TableFill { index, val, len });
                self.emit(Op::Imm { value: table });
            }
            Operator::RefNull { hty } => {
                let ty = match hty {
                    wasmparser::HeapType::Abstract {
                        ty: wasmparser::AbstractHeapType::Extern,
                        ..
                    } => ExternRef,
                    _ => FuncRef,
                };
                let c = self.const_reg(0);
                self.push(Operand::Const(c), ty);
            }
            Operator::RefIsNull => un!(I64Eqz, I32),
            Operator::RefFunc { function_index } => {
                let dst = self.new_temp(FuncRef)?;
                self.emit_def(
                    Op::RefFunc {
                        dst,
                        func: function_index,
                    },
                    dst,
                    FuncRef,
                );
            }
            Operator::I32Const { value } => {
                let c = self.const_reg(value as u32 as u64);
                self.push(Operand::Const(c), I32);
            }
            Operator::I64Const { value } => {
                let c = self.const_reg(value as u64);
                self.push(Operand::Const(c), I64);
            }
            Operator::F32Const { value } => {
                let c = self.const_reg(value.bits() as u64);
                self.push(Operand::Const(c), F32);
            }
            Operator::F64Const { value } => {
                let c = self.const_reg(value.bits());
                self.push(Operand::Const(c), F64);
            }
            Operator::I32Eqz => {
                let compare = match (self.stack.last().map(|e| e.op), self.last_def) {
                    (Some(Operand::Temp(w)), Some(at)) => {
                        fuse_compare(self.code[at], w, false).map(|_| at)
                    }
                    _ => None,
                };
                un!(I32Eqz, I32);
                self.eqz_of_compare = compare.zip(self.last_def).map(|(cmp, eqz)| (eqz, cmp));
            }
            Operator::I32Eq => bin!(I32Eq, I32),
            Operator::I32Ne => bin!(I32Ne, I32),
            Operator::I32LtS => bin!(I32LtS, I32),
            Operator::I32LtU => bin!(I32LtU, I32),
            Operator::I32GtS => bin!(I32GtS, I32),
            Operator::I32GtU => bin!(I32GtU, I32),
            Operator::I32LeS => bin!(I32LeS, I32),
            Operator::I32LeU => bin!(I32LeU, I32),
            Operator::I32GeS => bin!(I32GeS, I32),
            Operator::I32GeU => bin!(I32GeU, I32),
            Operator::I64Eqz => un!(I64Eqz, I32),
            Operator::I64Eq => bin!(I64Eq, I32),
            Operator::I64Ne => bin!(I64Ne, I32),
            Operator::I64LtS => bin!(I64LtS, I32),
            Operator::I64LtU => bin!(I64LtU, I32),
            Operator::I64GtS => bin!(I64GtS, I32),
            Operator::I64GtU => bin!(I64GtU, I32),
            Operator::I64LeS => bin!(I64LeS, I32),
            Operator::I64LeU => bin!(I64LeU, I32),
            Operator::I64GeS => bin!(I64GeS, I32),
            Operator::I64GeU => bin!(I64GeU, I32),
            Operator::F32Eq => bin!(F32Eq, I32),
            Operator::F32Ne => bin!(F32Ne, I32),
            Operator::F32Lt => bin!(F32Lt, I32),
            Operator::F32Gt => bin!(F32Gt, I32),
            Operator::F32Le => bin!(F32Le, I32),
            Operator::F32Ge => bin!(F32Ge, I32),
            Operator::F64Eq => bin!(F64Eq, I32),
            Operator::F64Ne => bin!(F64Ne, I32),
            Operator::F64Lt => bin!(F64Lt, I32),
            Operator::F64Gt => bin!(F64Gt, I32),
            Operator::F64Le => bin!(F64Le, I32),
            Operator::F64Ge => bin!(F64Ge, I32),
            Operator::I32Clz => un!(I32Clz, I32),
            Operator::I32Ctz => un!(I32Ctz, I32),
            Operator::I32Popcnt => un!(I32Popcnt, I32),
            Operator::I32Add => bin!(I32Add, I32),
            Operator::I32Sub => bin!(I32Sub, I32),
            Operator::I32Mul => bin!(I32Mul, I32),
            Operator::I32DivS => bin!(I32DivS, I32),
            Operator::I32DivU => bin!(I32DivU, I32),
            Operator::I32RemS => bin!(I32RemS, I32),
            Operator::I32RemU => bin!(I32RemU, I32),
            Operator::I32And => bin!(I32And, I32),
            Operator::I32Or => bin!(I32Or, I32),
            Operator::I32Xor => bin!(I32Xor, I32),
            Operator::I32Shl => bin!(I32Shl, I32),
            Operator::I32ShrS => bin!(I32ShrS, I32),
            Operator::I32ShrU => bin!(I32ShrU, I32),
            Operator::I32Rotl => bin!(I32Rotl, I32),
            Operator::I32Rotr => bin!(I32Rotr, I32),
            Operator::I64Clz => un!(I64Clz, I64),
            Operator::I64Ctz => un!(I64Ctz, I64),
            Operator::I64Popcnt => un!(I64Popcnt, I64),
            Operator::I64Add => bin!(I64Add, I64),
            Operator::I64Sub => bin!(I64Sub, I64),
            Operator::I64Mul => bin!(I64Mul, I64),
            Operator::I64DivS => bin!(I64DivS, I64),
            Operator::I64DivU => bin!(I64DivU, I64),
            Operator::I64RemS => bin!(I64RemS, I64),
            Operator::I64RemU => bin!(I64RemU, I64),
            Operator::I64And => bin!(I64And, I64),
            Operator::I64Or => bin!(I64Or, I64),
            Operator::I64Xor => bin!(I64Xor, I64),
            Operator::I64Shl => bin!(I64Shl, I64),
            Operator::I64ShrS => bin!(I64ShrS, I64),
            Operator::I64ShrU => bin!(I64ShrU, I64),
            Operator::I64Rotl => bin!(I64Rotl, I64),
            Operator::I64Rotr => bin!(I64Rotr, I64),
            Operator::F32Abs => un!(F32Abs, F32),
            Operator::F32Neg => un!(F32Neg, F32),
            Operator::F32Ceil => un!(F32Ceil, F32),
            Operator::F32Floor => un!(F32Floor, F32),
            Operator::F32Trunc => un!(F32Trunc, F32),
            Operator::F32Nearest => un!(F32Nearest, F32),
            Operator::F32Sqrt => un!(F32Sqrt, F32),
            Operator::F32Add => bin!(F32Add, F32),
            Operator::F32Sub => bin!(F32Sub, F32),
            Operator::F32Mul => bin!(F32Mul, F32),
            Operator::F32Div => bin!(F32Div, F32),
            Operator::F32Min => bin!(F32Min, F32),
            Operator::F32Max => bin!(F32Max, F32),
            Operator::F32Copysign => bin!(F32Copysign, F32),
            Operator::F64Abs => un!(F64Abs, F64),
            Operator::F64Neg => un!(F64Neg, F64),
            Operator::F64Ceil => un!(F64Ceil, F64),
            Operator::F64Floor => un!(F64Floor, F64),
            Operator::F64Trunc => un!(F64Trunc, F64),
            Operator::F64Nearest => un!(F64Nearest, F64),
            Operator::F64Sqrt => un!(F64Sqrt, F64),
            Operator::F64Add => bin!(F64Add, F64),
            Operator::F64Sub => bin!(F64Sub, F64),
            Operator::F64Mul => bin!(F64Mul, F64),
            Operator::F64Div => bin!(F64Div, F64),
            Operator::F64Min => bin!(F64Min, F64),
            Operator::F64Max => bin!(F64Max, F64),
            Operator::F64Copysign => bin!(F64Copysign, F64),
            Operator::I32WrapI64 => un!(I32WrapI64, I32),
            Operator::I32TruncF32S => un!(I32TruncF32S, I32),
            Operator::I32TruncF32U => un!(I32TruncF32U, I32),
            Operator::I32TruncF64S => un!(I32TruncF64S, I32),
            Operator::I32TruncF64U => un!(I32TruncF64U, I32),
            Operator::I64ExtendI32S => un!(I64ExtendI32S, I64),
            Operator::I64ExtendI32U => un!(I64ExtendI32U, I64),
            Operator::I64TruncF32S => un!(I64TruncF32S, I64),
            Operator::I64TruncF32U => un!(I64TruncF32U, I64),
            Operator::I64TruncF64S => un!(I64TruncF64S, I64),
            Operator::I64TruncF64U => un!(I64TruncF64U, I64),
            Operator::F32ConvertI32S => un!(F32ConvertI32S, F32),
            Operator::F32ConvertI32U => un!(F32ConvertI32U, F32),
            Operator::F32ConvertI64S => un!(F32ConvertI64S, F32),
            Operator::F32ConvertI64U => un!(F32ConvertI64U, F32),
            Operator::F32DemoteF64 => un!(F32DemoteF64, F32),
            Operator::F64ConvertI32S => un!(F64ConvertI32S, F64),
            Operator::F64ConvertI32U => un!(F64ConvertI32U, F64),
            Operator::F64ConvertI64S => un!(F64ConvertI64S, F64),
            Operator::F64ConvertI64U => un!(F64ConvertI64U, F64),
            Operator::F64PromoteF32 => un!(F64PromoteF32, F64),
            // Cells hold raw bits, so reinterpretation moves the value unchanged
            // into a register of the other class; an f32 moves only its 32 bits,
            // keeping an i32's upper half zero.
            Operator::I32ReinterpretF32 => un!(I32ReinterpretF32, I32),
            Operator::I64ReinterpretF64 => un!(Copy, I64),
            Operator::F32ReinterpretI32 => un!(Copy, F32),
            Operator::F64ReinterpretI64 => un!(Copy, F64),
            Operator::I32Extend8S => un!(I32Extend8S, I32),
            Operator::I32Extend16S => un!(I32Extend16S, I32),
            Operator::I64Extend8S => un!(I64Extend8S, I64),
            Operator::I64Extend16S => un!(I64Extend16S, I64),
            Operator::I64Extend32S => un!(I64Extend32S, I64),
            Operator::I32TruncSatF32S => un!(I32TruncSatF32S, I32),
            Operator::I32TruncSatF32U => un!(I32TruncSatF32U, I32),
            Operator::I32TruncSatF64S => un!(I32TruncSatF64S, I32),
            Operator::I32TruncSatF64U => un!(I32TruncSatF64U, I32),
            Operator::I64TruncSatF32S => un!(I64TruncSatF32S, I64),
            Operator::I64TruncSatF32U => un!(I64TruncSatF32U, I64),
            Operator::I64TruncSatF64S => un!(I64TruncSatF64S, I64),
            Operator::I64TruncSatF64U => un!(I64TruncSatF64U, I64),
            Operator::V128Const { value } => {
                let r = self.const_v128(u128::from_le_bytes(*value.bytes()));
                self.push(Operand::Const(r), V128);
            }
            ref other => {
                if let Some(op) = crate::ir::V128Op::of(other) {
                    return match lane_of(other) {
                        Some(lane) => self.v128_lane(op, lane),
                        None => self.v128_op(op),
                    };
                }
                if let Some((kind, memarg, lane)) = crate::ir::V128Mem::of(other) {
                    return self.v128_mem(kind, memarg, lane);
                }
                if let Operator::I8x16Shuffle { lanes } = *other {
                    let b = self.pop().reg();
                    let a = self.pop().reg();
                    let mask = self.const_v128(u128::from_le_bytes(lanes));
                    let dst = self.new_temp(V128)?;
                    self.emit(Op::V128Shuffle { dst, a, b });
                    self.emit_args(&[mask]);
                    self.push(Operand::Temp(dst), V128);
                    return Ok(());
                }
                return Err(unsupported_operator(other));
            }
        }
        Ok(())
    }

    /// A SIMD lane operation: its operands popped, its result pushed.
    fn v128_op(&mut self, op: V128Op) -> Result<()> {
        use ValType::{I32, V128};
        let imm = |op: V128Op| Op::Imm { value: op as u32 };
        match op.shape() {
            Shape::Unary => {
                let src = self.pop().reg();
                let dst = self.new_temp(V128)?;
                self.emit(Op::V128Unary { dst, src, op });
                self.push(Operand::Temp(dst), V128);
            }
            Shape::Binary | Shape::Shift => {
                let b = self.pop().reg();
                let a = self.pop().reg();
                let dst = self.new_temp(V128)?;
                self.emit(match op.shape() {
                    Shape::Binary => Op::V128Binary { dst, a, b },
                    _ => Op::V128Shift { dst, a, count: b },
                });
                self.emit(imm(op));
                self.push(Operand::Temp(dst), V128);
            }
            Shape::Ternary => {
                let c = self.pop().reg();
                let b = self.pop().reg();
                let a = self.pop().reg();
                let dst = self.new_temp(V128)?;
                self.emit(Op::V128Ternary { dst, a, b });
                self.emit_args(&[c]);
                self.emit(imm(op));
                self.push(Operand::Temp(dst), V128);
            }
            Shape::Splat => {
                let src = self.pop().reg();
                let dst = self.new_temp(V128)?;
                self.emit(Op::V128Splat { dst, src, op });
                self.push(Operand::Temp(dst), V128);
            }
            Shape::Test => {
                let src = self.pop().reg();
                let dst = self.new_temp(I32)?;
                self.emit(Op::V128Test { dst, src, op });
                self.push(Operand::Temp(dst), I32);
            }
            Shape::Extract | Shape::Replace => unreachable!("lane operations carry their lane"),
        }
        Ok(())
    }

    /// `extract_lane` and `replace_lane`, whose lane is an immediate.
    fn v128_lane(&mut self, op: V128Op, lane: u8) -> Result<()> {
        let ty = lane_type(op);
        if op.shape() == Shape::Extract {
            let src = self.pop().reg();
            let dst = self.new_temp(ty)?;
            self.emit(Op::V128Extract { dst, src, op });
            self.emit(Op::Imm { value: lane as u32 });
            self.push(Operand::Temp(dst), ty);
        } else {
            let x = self.pop().reg();
            let src = self.pop().reg();
            let dst = self.new_temp(ValType::V128)?;
            self.emit(Op::V128Replace { dst, src, x });
            self.emit(Op::Imm {
                value: op as u32 | (lane as u32) << 16,
            });
            self.push(Operand::Temp(dst), ValType::V128);
        }
        Ok(())
    }

    /// A SIMD load or store, in its one general form: any memory, 32 or
    /// 64-bit, any offset.
    fn v128_mem(&mut self, kind: V128Mem, memarg: MemArg, lane: u8) -> Result<()> {
        let memory = memory_of(memarg)?;
        let imms = |t: &mut Self| {
            t.emit(Op::Imm {
                value: memarg.offset as u32,
            });
            t.emit(Op::Imm {
                value: (memarg.offset >> 32) as u32,
            });
            t.emit(Op::Imm { value: memory });
        };
        if kind.is_store() {
            let val = self.pop().reg();
            let ptr = self.pop().reg();
            self.emit(Op::V128Store { ptr, val, kind });
            imms(self);
            self.emit(Op::Imm { value: lane as u32 });
        } else if kind.is_lane_load() {
            let vec = self.pop().reg();
            let ptr = self.pop().reg();
            let dst = self.new_temp(ValType::V128)?;
            self.emit(Op::V128LoadLane { dst, ptr, vec });
            imms(self);
            self.emit(Op::Imm {
                value: kind as u32 | (lane as u32) << 8,
            });
            self.push(Operand::Temp(dst), ValType::V128);
        } else {
            let ptr = self.pop().reg();
            let dst = self.new_temp(ValType::V128)?;
            self.emit(Op::V128Load { dst, ptr, kind });
            imms(self);
            self.push(Operand::Temp(dst), ValType::V128);
        }
        Ok(())
    }

    /// Hands the translator's buffers back to `scratch`, for the next
    /// function.
    fn give_back(self, scratch: &mut Scratch) {
        scratch.code = self.code;
        scratch.stack = self.stack;
        scratch.local_refs = self.local_refs;
        scratch.classes = self.classes;
        scratch.labels = self.labels;
        scratch.loops = self.loops;
    }
}

/// Buffers one function's translation leaves to the next, so that a
/// module's functions do not each allocate them anew: the validator's,
/// the translator's, and the allocator's.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The validator's allocations.
    pub validator: FuncValidatorAllocations,
    code: Vec<Op<u32>>,
    stack: Vec<Entry>,
    local_refs: Vec<u32>,
    classes: Vec<RegClass>,
    labels: Labels,
    loops: Vec<(u32, u32)>,
    alloc: alloc::Buffers,
}

impl Scratch {
    /// Drops the buffers a very large function grew, so that a thread that
    /// keeps a scratch between translations does not hold them for good.
    pub fn trim(&mut self) {
        /// Instructions (and values) that a function of ordinary size stays
        /// within.
        const KEPT: usize = 1 << 14;
        if self.code.capacity() > KEPT || self.classes.capacity() > KEPT {
            *self = Scratch::default();
        }
    }
}

/// An emptied buffer taken from a scratch slot.
fn reused<T>(slot: &mut Vec<T>) -> Vec<T> {
    let mut v = std::mem::take(slot);
    v.clear();
    v
}

/// The type of a reference known not to be null: its class is the same,
/// which is all the translator keeps of it.
fn non_null(ty: ValType) -> ValType {
    match ty.as_ref_type() {
        Some(r) => ValType::reference(crate::types::RefType::new(false, r.heap_type())),
        None => ty,
    }
}

/// The linear memory a load or store accesses.
fn memory_of(memarg: MemArg) -> Result<u32> {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => Ok(m),
        wasmparser::MemArgTarget::Array(_) => Err(Error::unsupported("array access")),
    }
}

/// A memory index as the IR holds it: 16 bits, far more memories than a
/// module may declare.
fn memory_index(memory: u32) -> Result<u16> {
    u16::try_from(memory).map_err(|_| Error::unsupported("memory index above 65535"))
}

/// The cells of values (register, type), as operand words list them: a
/// `v128` as its register and then its second cell. (A function with a
/// `v128` value has `uses_v128` set by then: the value is a parameter, a
/// local, a constant or a new temp of that type.)
fn cells(vals: impl IntoIterator<Item = (u32, ValType)>) -> Vec<u32> {
    let mut out = Vec::new();
    for (r, ty) in vals {
        out.push(r);
        if ty == ValType::V128 {
            out.push(r | HI_BIT);
        }
    }
    out
}

/// The lane immediate of an `extract_lane` or `replace_lane` operator.
fn lane_of(op: &Operator<'_>) -> Option<u8> {
    match *op {
        Operator::I8x16ExtractLaneS { lane }
        | Operator::I8x16ExtractLaneU { lane }
        | Operator::I8x16ReplaceLane { lane }
        | Operator::I16x8ExtractLaneS { lane }
        | Operator::I16x8ExtractLaneU { lane }
        | Operator::I16x8ReplaceLane { lane }
        | Operator::I32x4ExtractLane { lane }
        | Operator::I32x4ReplaceLane { lane }
        | Operator::I64x2ExtractLane { lane }
        | Operator::I64x2ReplaceLane { lane }
        | Operator::F32x4ExtractLane { lane }
        | Operator::F32x4ReplaceLane { lane }
        | Operator::F64x2ExtractLane { lane }
        | Operator::F64x2ReplaceLane { lane } => Some(lane),
        _ => None,
    }
}

/// The scalar type of an `extract_lane` or `replace_lane` operation's lane.
fn lane_type(op: V128Op) -> ValType {
    match op {
        V128Op::I64x2ExtractLane | V128Op::I64x2ReplaceLane => ValType::I64,
        V128Op::F32x4ExtractLane | V128Op::F32x4ReplaceLane => ValType::F32,
        V128Op::F64x2ExtractLane | V128Op::F64x2ReplaceLane => ValType::F64,
        _ => ValType::I32,
    }
}

/// The fuel an operator costs: operators that only structure code or
/// discard a value cost nothing, every other operator one unit.
fn fuel_cost(op: &Operator<'_>) -> u32 {
    match op {
        Operator::Nop
        | Operator::Drop
        | Operator::Block { .. }
        | Operator::Loop { .. }
        | Operator::TryTable { .. }
        | Operator::Else
        | Operator::End
        | Operator::Unreachable
        | Operator::Return => 0,
        _ => 1,
    }
}

/// The error for a valid operator Strata does not execute.
pub(crate) fn unsupported_operator(op: &Operator<'_>) -> Error {
    Error::unsupported(format!(
        "operator {} is validated but not executed yet",
        operator_name(op)
    ))
}

fn operator_name(op: &Operator<'_>) -> String {
    let dbg = format!("{op:?}");
    dbg.split([' ', '{', '(']).next().unwrap_or("?").to_string()
}

fn table_u16(table: u32) -> Result<u16> {
    u16::try_from(table).map_err(|_| Error::unsupported("more than 65536 tables"))
}

/// If `op` is a compare defining `v`, the fused branch on it (or its negation).
fn fuse_compare(op: Op<u32>, v: u32, negate: bool) -> Option<Op<u32>> {
    macro_rules! fuse {
        ($($cmp:ident => $br:ident),* $(,)?) => {
            match op {
                Op::I32Eqz { dst, src } if dst == v => Some(Op::BrIfEqz { cond: src, offset: 0 }),
                $(Op::$cmp { dst, a, b } if dst == v => Some(Op::$br { a, b, offset: 0 }),)*
                _ => None,
            }
        };
    }
    let branch = fuse! {
        I32Eq => BrIfI32Eq,
        I32Ne => BrIfI32Ne,
        I32LtS => BrIfI32LtS,
        I32LtU => BrIfI32LtU,
        I32GtS => BrIfI32GtS,
        I32GtU => BrIfI32GtU,
        I32LeS => BrIfI32LeS,
        I32LeU => BrIfI32LeU,
        I32GeS => BrIfI32GeS,
        I32GeU => BrIfI32GeU,
        I64Eq => BrIfI64Eq,
        I64Ne => BrIfI64Ne,
        I64LtS => BrIfI64LtS,
        I64LtU => BrIfI64LtU,
        I64GtS => BrIfI64GtS,
        I64GtU => BrIfI64GtU,
        I64LeS => BrIfI64LeS,
        I64LeU => BrIfI64LeU,
        I64GeS => BrIfI64GeS,
        I64GeU => BrIfI64GeU,
        F32Eq => BrIfF32Eq,
        F32Ne => BrIfF32Ne,
        F32Lt => BrIfF32Lt,
        F32Gt => BrIfF32Gt,
        F32Le => BrIfF32Le,
        F32Ge => BrIfF32Ge,
        F64Eq => BrIfF64Eq,
        F64Ne => BrIfF64Ne,
        F64Lt => BrIfF64Lt,
        F64Gt => BrIfF64Gt,
        F64Le => BrIfF64Le,
        F64Ge => BrIfF64Ge,
    }?;
    if negate {
        branch.negated()
    } else {
        Some(branch)
    }
}

/// Retargets the single def `v` of `op` to `x`; false when `op` has another shape.
fn set_single_def(op: &mut Op<u32>, v: u32, x: u32) -> bool {
    let mut defs = 0;
    let mut defines_v = false;
    op.visit_regs(|r, def| {
        if def {
            defs += 1;
            defines_v = r == v;
        }
    });
    if defs != 1 || !defines_v {
        return false;
    }
    // `map_regs` maps the defs first; reads happen before the write at run
    // time, so `x` may also be an operand.
    let mut first = true;
    *op = op.map_regs(|r| if std::mem::take(&mut first) { x } else { r });
    true
}

/// The fused form of a load at `a + b`, for the kinds that have one.
fn load_sum(kind: MemKind, dst: u32, a: u32, b: u32) -> Option<Op<u32>> {
    Some(match kind {
        MemKind::I32Load => Op::I32LoadSum { dst, a, b },
        MemKind::I64Load => Op::I64LoadSum { dst, a, b },
        MemKind::F32Load => Op::F32LoadSum { dst, a, b },
        MemKind::F64Load => Op::F64LoadSum { dst, a, b },
        MemKind::I32Load8S => Op::I32Load8SSum { dst, a, b },
        MemKind::I32Load8U => Op::I32Load8USum { dst, a, b },
        MemKind::I32Load16S => Op::I32Load16SSum { dst, a, b },
        MemKind::I32Load16U => Op::I32Load16USum { dst, a, b },
        _ => return None,
    })
}

/// The fused form of a store at `a + b`, for the kinds that have one.
fn store_sum(kind: MemKind, a: u32, b: u32, val: u32) -> Option<Op<u32>> {
    Some(match kind {
        MemKind::I32Store => Op::I32StoreSum { a, b, val },
        MemKind::I64Store => Op::I64StoreSum { a, b, val },
        MemKind::F32Store => Op::F32StoreSum { a, b, val },
        MemKind::F64Store => Op::F64StoreSum { a, b, val },
        MemKind::I32Store8 => Op::I32Store8Sum { a, b, val },
        MemKind::I32Store16 => Op::I32Store16Sum { a, b, val },
        _ => return None,
    })
}

fn narrow_load(kind: MemKind, dst: u32, ptr: u32, offset: u16) -> Op<u32> {
    match kind {
        MemKind::I32Load => Op::I32Load { dst, ptr, offset },
        MemKind::I64Load => Op::I64Load { dst, ptr, offset },
        MemKind::F32Load => Op::F32Load { dst, ptr, offset },
        MemKind::F64Load => Op::F64Load { dst, ptr, offset },
        MemKind::I32Load8S => Op::I32Load8S { dst, ptr, offset },
        MemKind::I32Load8U => Op::I32Load8U { dst, ptr, offset },
        MemKind::I32Load16S => Op::I32Load16S { dst, ptr, offset },
        MemKind::I32Load16U => Op::I32Load16U { dst, ptr, offset },
        MemKind::I64Load8S => Op::I64Load8S { dst, ptr, offset },
        MemKind::I64Load8U => Op::I64Load8U { dst, ptr, offset },
        MemKind::I64Load16S => Op::I64Load16S { dst, ptr, offset },
        MemKind::I64Load16U => Op::I64Load16U { dst, ptr, offset },
        MemKind::I64Load32S => Op::I64Load32S { dst, ptr, offset },
        MemKind::I64Load32U => Op::I64Load32U { dst, ptr, offset },
        _ => unreachable!("store kind {kind:?} used as a load"),
    }
}

fn narrow_store(kind: MemKind, ptr: u32, val: u32, offset: u16) -> Op<u32> {
    match kind {
        MemKind::I32Store => Op::I32Store { ptr, val, offset },
        MemKind::I64Store => Op::I64Store { ptr, val, offset },
        MemKind::F32Store => Op::F32Store { ptr, val, offset },
        MemKind::F64Store => Op::F64Store { ptr, val, offset },
        MemKind::I32Store8 => Op::I32Store8 { ptr, val, offset },
        MemKind::I32Store16 => Op::I32Store16 { ptr, val, offset },
        MemKind::I64Store8 => Op::I64Store8 { ptr, val, offset },
        MemKind::I64Store16 => Op::I64Store16 { ptr, val, offset },
        MemKind::I64Store32 => Op::I64Store32 { ptr, val, offset },
        _ => unreachable!("load kind {kind:?} used as a store"),
    }
}
