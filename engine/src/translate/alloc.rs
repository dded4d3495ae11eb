//! From virtual registers to frame cells: live intervals, linear scan, rewrite.
//!
//! Positions are half-steps: an instruction at index `i` reads its operands at
//! `2i + 2` and writes its result at `2i + 3`, so a result may reuse the cell
//! of an operand that dies at the same instruction. Locals are defined at
//! entry (position 0), before any instruction, so a call at the first
//! instruction is inside their intervals. A value live into a loop from before it stays live to the
//! loop's end, since a back-edge may read it again.

use super::{reused, Scratch, Translator, CONST_BIT, HI_BIT};
use crate::error::{Error, Result};
use crate::ir::{CallSave, FuncBody, Handler, Op, Reg, Slot};
use strata_regalloc::{allocate, Allocation, Budgets, Interval, Location, RegClass};

/// The allocator's buffers, kept across functions in [`Scratch`].
#[derive(Default)]
pub(super) struct Buffers {
    ranges: Vec<(u32, u32)>,
    costs: Vec<u32>,
    weights: Vec<u32>,
    intervals: Vec<Interval>,
    code: Vec<Op<Reg>>,
    homes: Vec<Reg>,
}

/// Allocates `t`'s values and makes its body; its buffers, and this step's,
/// go back to `scratch`.
pub(super) fn finish(mut t: Translator<'_>, scratch: &mut Scratch) -> Result<FuncBody> {
    let result = finish_with(&mut t, &mut scratch.alloc);
    t.give_back(scratch);
    result
}

fn finish_with(t: &mut Translator<'_>, buffers: &mut Buffers) -> Result<FuncBody> {
    written_params_to_values(t)?;
    let np = t.num_params;
    let nc = t.consts.len() as u32;
    let num_locals = t.local_types.len() as u32 - np;
    let nv = t.classes.len();
    const NONE: (u32, u32) = (u32::MAX, 0);
    let mut ranges = reused(&mut buffers.ranges);
    ranges.resize(nv, NONE);
    let mut costs = reused(&mut buffers.costs);
    costs.resize(nv, 0);
    let mut weights = reused(&mut buffers.weights);
    access_weights(t.code.len(), &t.loops, &mut weights);
    let mut calls = Vec::new();
    let mut seen = Marks::new(nv);
    for (i, op) in t.code.iter().enumerate() {
        if op.is_call() {
            // The call reads its arguments and writes its results in the
            // operand words after it: values live across it are those live
            // from before it to after its last word.
            let words = t.code[i + 1..]
                .iter()
                .take_while(|w| matches!(w, Op::Args { .. } | Op::Results { .. } | Op::Imm { .. }))
                .count();
            // What the call itself writes is not kept across it: a local
            // written by it lives from entry, across the call.
            let mut defs = Vec::new();
            for w in &t.code[i..=i + words] {
                w.visit_regs(|r, def| {
                    let r = r & !HI_BIT;
                    if def && r & CONST_BIT == 0 && r >= np {
                        defs.push(r - np);
                    }
                });
            }
            // An exception may leave a call for a landing pad instead,
            // where every value live across it is read as it was (what
            // the call writes is a result, which it never writes then).
            // A catch clause that does not match goes on to the next
            // clause, not to the writes its own path makes.
            let at = i as u32;
            let catching = (op.may_throw() && t.handlers.iter().any(|h| h.covers(at)))
                || matches!(op, Op::Catch { .. });
            if !catching {
                defs.extend(dead_after(&t.code[i + words + 1..], np, &mut seen));
            }
            calls.push((2 * i as u32 + 2, 2 * (i + words) as u32 + 3, defs));
        }
        let weight = weights[i];
        let read_at = 2 * i as u32 + 2;
        let regs = op.reg_list();
        for (k, &r) in regs.all().iter().enumerate() {
            // The second cell of a v128 in an operand word: its register.
            let r = r & !HI_BIT;
            if r & CONST_BIT != 0 || r < np {
                continue;
            }
            let pos = read_at + u32::from(k >= regs.num_uses());
            let v = (r - np) as usize;
            let range = &mut ranges[v];
            range.0 = range.0.min(pos);
            range.1 = range.1.max(pos);
            costs[v] = costs[v].saturating_add(weight);
        }
    }
    // A declared local lives from entry, where it is zero, unless the
    // straight-line code that starts the function writes it before any
    // read: then it needs no zeroing, and lives from that write.
    let prefix = 2 * straight_prefix(&t.code, &t.far_branches, &t.handlers) as u32 + 2;
    let mut zeroed = vec![false; num_locals as usize];
    for (range, zeroed) in ranges.iter_mut().zip(zeroed.iter_mut()) {
        let written_first = range.0 % 2 == 1 && range.0 < prefix;
        if range.0 != u32::MAX && !written_first {
            range.0 = 0;
            *zeroed = true;
        }
    }
    for &(start, end) in &t.loops {
        let (ls, le) = (2 * start + 2, 2 * end + 3);
        for range in ranges.iter_mut() {
            if range.0 < ls && range.1 >= ls && range.1 < le {
                range.1 = le;
            }
        }
    }
    let mut intervals = reused(&mut buffers.intervals);
    intervals.extend(
        ranges
            .iter()
            .enumerate()
            .filter(|(_, r)| r.0 != u32::MAX)
            .map(|(v, &(start, end))| Interval {
                vreg: v as u32,
                class: t.classes[v],
                start,
                end,
                width: if t.is_wide(np + v as u32) { 2 } else { 1 },
                cost: costs[v],
            }),
    );
    // One allocation serves both tiers: registers for the JIT, each with a
    // home cell the interpreter uses. Values live across calls take
    // registers too: compiled code stores them to their home cells before
    // each call and reloads them after (`FuncBody::call_saves`), so a loop
    // after a call keeps its values in registers.
    // With fuel on, compiled code keeps the fuel counter in the last
    // integer register (`Target::FUEL`).
    // Float registers are vector registers, which hold a v128 whole.
    let budgets = Budgets {
        int: t.budgets.ints - u16::from(t.fuel),
        float: t.budgets.floats,
        int_callee_saved: 0,
        float_callee_saved: 0,
        wide_float: true,
    };
    let allocation = allocate(nv as u32, &intervals, &[], budgets, 0);
    let call_saves = call_saves(&intervals, &allocation, &calls);
    let mut regs_used = [0u32; 2];
    for loc in allocation.locations.iter().flatten() {
        if let Location::Reg(class, r) = *loc {
            let n = &mut regs_used[class as usize];
            *n = (*n).max(r as u32 + 1);
        }
    }
    let [int_regs, float_regs] = regs_used;
    // A parameter's cell: the cells of those before it (a v128 takes two).
    let param_cells: Vec<u32> = t.local_types[..np as usize]
        .iter()
        .scan(0, |at, ty| {
            let cell = *at;
            *at += ty.cells() as u32;
            Some(cell)
        })
        .collect();
    let np_cells = crate::types::cells_of(&t.local_types[..np as usize]) as u32;
    let result_cells = crate::types::cells_of(&t.results) as u32;
    // A float register's home is two cells where it may hold a v128.
    let float_stride = 1 + u32::from(t.uses_v128);
    let reg_base = np_cells + nc;
    let base = reg_base + int_regs + float_stride * float_regs;
    // A spare last cell where any value is a v128, so that every register
    // `r` of such a body has `r + 1` in the frame, as a v128's second cell
    // needs (and `FuncBody::uses_v128`'s check of an artifact expects).
    let spare = u32::from(t.uses_v128);
    let frame_size = (base + allocation.cells).max(result_cells).max(1) + spare;
    if frame_size > Reg::MAX as u32 + 1 {
        return Err(Error::unsupported(format!(
            "function needs {frame_size} frame cells; at most 65536 are supported"
        )));
    }
    // Each value's cell, looked up once per value rather than per operand.
    let mut homes = reused(&mut buffers.homes);
    homes.extend(allocation.locations.iter().take(nv).map(|loc| match *loc {
        Some(Location::Cell(c)) => (base + c) as Reg,
        Some(Location::Reg(RegClass::Int, i)) => (reg_base + i as u32) as Reg,
        Some(Location::Reg(RegClass::Float, j)) => {
            (reg_base + int_regs + float_stride * j as u32) as Reg
        }
        // Every vreg that occurs in the code has an interval.
        None => 0,
    }));
    homes.resize(nv, 0);
    let cell_of = |r: u32| -> Reg {
        let hi = (r & HI_BIT != 0) as Reg;
        let r = r & !HI_BIT;
        hi + if r & CONST_BIT != 0 {
            (np_cells + (r & !CONST_BIT)) as Reg
        } else if r < np {
            param_cells[r as usize] as Reg
        } else {
            homes[(r - np) as usize]
        }
    };
    let mut far = std::mem::take(&mut t.far_branches);
    far.sort_unstable();
    let mut code = reused(&mut buffers.code);
    code.extend(t.code.iter().map(|op| op.map_regs(cell_of)));
    crate::ir::thread_jumps(&mut code, &far);
    if t.interpreted {
        crate::ir::fuse_pairs(&mut code);
        crate::ir::forward_results(&mut code, &far);
    }
    let mut slots: Box<[Slot]> = code.iter().map(|&op| Slot::new(op)).collect();
    if t.uses_v128 {
        crate::interp::specialize(&mut slots);
    }
    let mut local_cells: Vec<Reg> = (np..np + num_locals)
        .filter(|&v| zeroed[(v - np) as usize] && allocation.location(v - np).is_some())
        .flat_map(|v| {
            let wide = t.is_wide(v);
            let cell = cell_of(v);
            [Some(cell), wide.then_some(cell + 1)]
        })
        .flatten()
        .collect();
    local_cells.sort_unstable();
    local_cells.dedup();
    *buffers = Buffers {
        ranges,
        costs,
        weights,
        intervals,
        code,
        homes,
    };
    Ok(FuncBody {
        def: 0, // set by `translate_function`, which knows the index
        code: slots,
        consts: std::mem::take(&mut t.consts).into_boxed_slice(),
        num_params: np_cells,
        num_results: result_cells,
        frame_size,
        num_loops: t.loops.len() as u32,
        reg_base,
        int_regs,
        float_regs,
        local_cells: local_cells.into_boxed_slice(),
        far_branches: far.into_boxed_slice(),
        wasm_ops: t.wasm_ops,
        call_saves,
        outgoing_cells: t.outgoing_cells,
        handlers: std::mem::take(&mut t.handlers).into_boxed_slice(),
        uses_v128: t.uses_v128,
    })
}

/// How many instructions at the start of `code` run, whenever the
/// function is entered, one after the other from the first: up to the
/// first that may branch, that a branch targets, or that may leave for a
/// landing pad of `handlers`.
fn straight_prefix(code: &[Op<u32>], far: &[(u32, i32)], handlers: &[Handler]) -> usize {
    let mut end = code.len();
    if let Some(first) = handlers.iter().map(|h| h.start).min() {
        end = first as usize;
    }
    for (i, op) in code.iter().enumerate() {
        if let Some(off) = op.branch_offset(i, far) {
            end = end.min((i as i64 + off as i64).max(0) as usize);
        }
        if op.may_branch() || matches!(op, Op::LoopHeader { .. }) {
            end = end.min(i);
        }
    }
    end
}

/// How much one access at each instruction costs when its value is in
/// memory, as the allocator's spill cost: 8 per enclosing loop (up to four
/// levels), since a loop body runs many times for each run of the code
/// around it.
fn access_weights(len: usize, loops: &[(u32, u32)], weights: &mut Vec<u32>) {
    // Loop depth by a difference array over the loops' spans.
    let mut delta = vec![0i32; len + 1];
    for &(start, end) in loops {
        let (start, end) = (start as usize, (end as usize).min(len.saturating_sub(1)));
        if start <= end {
            delta[start] += 1;
            delta[end + 1] -= 1;
        }
    }
    let mut depth = 0;
    weights.extend(delta[..len].iter().map(|d| {
        depth += d;
        8u32.pow(depth.clamp(0, 4) as u32)
    }));
}

/// Values (vreg numbers without the parameters) whose interval may cover
/// the start of `code` but whose value there is never read: the straight
/// line of code from there writes them before any read. Intervals have no
/// holes, so a value written on both arms of an `if` looks live between;
/// a call there need not keep it. The look-ahead is bounded, which keeps
/// the cost linear in the number of calls.
fn dead_after(code: &[Op<u32>], np: u32, seen: &mut Marks) -> Vec<u32> {
    const LOOK_AHEAD: usize = 64;
    // Values mentioned so far; `visit_regs` gives an instruction's reads
    // before its writes, so a value an instruction both reads and writes
    // is seen as read.
    seen.clear();
    let mut dead = Vec::new();
    for op in code.iter().take(LOOK_AHEAD) {
        op.visit_regs(|r, def| {
            let r = r & !HI_BIT;
            if r & CONST_BIT != 0 || r < np || !seen.mark(r - np) {
                return;
            }
            if def {
                dead.push(r - np);
            }
        });
        if op.may_branch() {
            break;
        }
    }
    dead
}

/// A set of values (vreg numbers without the parameters), emptied in
/// constant time: a value is in it when its stamp is the current one.
struct Marks {
    stamps: Vec<u32>,
    current: u32,
}

impl Marks {
    fn new(values: usize) -> Marks {
        Marks {
            stamps: vec![0; values],
            current: 1,
        }
    }

    fn clear(&mut self) {
        self.current += 1;
    }

    /// Adds `v`; whether it was not in the set yet.
    fn mark(&mut self, v: u32) -> bool {
        match self.stamps.get_mut(v as usize) {
            Some(stamp) if *stamp != self.current => {
                *stamp = self.current;
                true
            }
            _ => false,
        }
    }
}

/// The registers holding values live across each call: from before the
/// call instruction (`start < first`) to after its last operand word
/// (`end > last`), for each call's `(first, last, not_saved)` positions
/// and the values it writes or that are dead after it, which are not
/// saved.
fn call_saves(
    intervals: &[Interval],
    allocation: &Allocation,
    calls: &[(u32, u32, Vec<u32>)],
) -> Box<[CallSave]> {
    let mut saves: Vec<CallSave> = calls
        .iter()
        .map(|&(first, _, _)| CallSave {
            at: (first - 2) / 2,
            ints: 0,
            floats: 0,
        })
        .collect();
    for iv in intervals {
        let Some(Location::Reg(class, r)) = allocation.location(iv.vreg) else {
            continue;
        };
        let from = calls.partition_point(|c| c.0 <= iv.start);
        for (k, (first, last, defined)) in calls.iter().enumerate().skip(from) {
            if *first >= iv.end {
                break;
            }
            if iv.end > *last && !defined.contains(&iv.vreg) {
                match class {
                    RegClass::Int => saves[k].ints |= 1 << r,
                    RegClass::Float => saves[k].floats |= 1 << r,
                }
            }
        }
    }
    saves.retain(|s| s.ints != 0 || s.floats != 0);
    saves.into_boxed_slice()
}

/// Parameters live in the cells the caller wrote them to, which take no
/// register. A parameter the function writes (a loop counter, say) is
/// copied at entry to a value of its own, which can: every other mention
/// of it names that value.
fn written_params_to_values(t: &mut Translator<'_>) -> Result<()> {
    let np = t.num_params;
    let mut written = vec![false; np as usize];
    for op in &t.code {
        op.visit_regs(|r, def| {
            // A call's result cells (`results` words, perhaps with
            // `HI_BIT`) are never parameters: results are new values.
            if def && r < np {
                written[r as usize] = true;
            }
        });
    }
    if !written.contains(&true) {
        return Ok(());
    }
    let mut renamed: Vec<u32> = (0..np).collect();
    let mut copies = Vec::new();
    for p in (0..np).filter(|&p| written[p as usize]) {
        let v = np + t.classes.len() as u32;
        if v >= CONST_BIT {
            return Err(Error::unsupported("function too large"));
        }
        t.classes.push(super::class_of(t.local_types[p as usize])?);
        if t.local_types[p as usize] == crate::ValType::V128 {
            t.mark_wide(v);
        }
        renamed[p as usize] = v;
        copies.push(t.copy(v, p));
    }
    for op in &mut t.code {
        // Constants have `CONST_BIT` set, so only parameters (perhaps
        // naming a v128's second cell, with `HI_BIT`) are below `np`.
        *op = op.map_regs(|r| match r & !HI_BIT {
            p if p < np => renamed[p as usize] | (r & HI_BIT),
            _ => r,
        });
    }
    // Branch offsets are relative; what names instructions by index moves.
    let n = copies.len() as u32;
    t.code.splice(0..0, copies);
    for l in &mut t.loops {
        l.0 += n;
        l.1 += n;
    }
    for f in &mut t.far_branches {
        f.0 += n;
    }
    for h in &mut t.handlers {
        h.start += n;
        h.end += n;
    }
    Ok(())
}
