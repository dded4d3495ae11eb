//! An independent checker for allocations.

use crate::{crosses_call, sorted, Allocation, Budgets, Interval, Location, RegClass};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// Checks that `alloc` is a valid allocation of `intervals`:
///
/// - every interval has a location, and vregs without an interval have none;
/// - registers are of the interval's class, within the budget and wide
///   enough;
/// - intervals live across a call hold only callee-saved registers;
/// - cells lie in `first_cell..first_cell + alloc.cells`;
/// - no two conflicting intervals share a register or any cell;
/// - `alloc.regs_used` counts the distinct registers of each class in use.
///
/// Returns a description of the first violation found.
pub fn verify(
    intervals: &[Interval],
    calls: &[u32],
    budgets: Budgets,
    first_cell: u32,
    alloc: &Allocation,
) -> Result<(), String> {
    let calls = sorted(calls);
    let mut with_interval = HashSet::new();
    for iv in intervals {
        if !with_interval.insert(iv.vreg) {
            return Err(format!("v{} has more than one interval", iv.vreg));
        }
        match alloc.location(iv.vreg) {
            None => return Err(format!("v{} has no location", iv.vreg)),
            Some(Location::Reg(class, reg)) => {
                let (total, callee_saved) = budgets.of(class);
                if class != iv.class {
                    return Err(format!(
                        "v{} of class {:?} is in a {class:?} register",
                        iv.vreg, iv.class
                    ));
                }
                if reg >= total {
                    return Err(format!(
                        "v{} is in {class:?} register {reg}, beyond the budget of {total}",
                        iv.vreg
                    ));
                }
                if !budgets.holds(iv) {
                    return Err(format!(
                        "v{} of width {} is in {class:?} register {reg}, which holds less",
                        iv.vreg, iv.width
                    ));
                }
                if reg >= callee_saved && crosses_call(&calls, iv) {
                    return Err(format!(
                        "v{} lives across a call in caller-saved {class:?} register {reg}",
                        iv.vreg
                    ));
                }
            }
            Some(Location::Cell(cell)) => {
                let limit = u64::from(first_cell) + u64::from(alloc.cells);
                if cell < first_cell || u64::from(cell) + u64::from(iv.width.max(1)) > limit {
                    return Err(format!(
                        "v{} is in cell {cell}, outside {first_cell}..{limit}",
                        iv.vreg
                    ));
                }
            }
        }
    }
    for (vreg, loc) in alloc.locations.iter().enumerate() {
        if loc.is_some() && !with_interval.contains(&(vreg as u32)) {
            return Err(format!("v{vreg} has a location but no interval"));
        }
    }

    // Sweeping in start order, an interval conflicts with an earlier holder
    // of the same resource exactly when that holder is still live at its
    // start, so remembering the latest end per resource suffices.
    let mut order: Vec<&Interval> = intervals.iter().collect();
    order.sort_by_key(|iv| iv.start);
    let mut regs = HashMap::new();
    let mut cells = HashMap::new();
    for iv in order {
        match alloc.location(iv.vreg) {
            Some(Location::Reg(class, reg)) => claim(&mut regs, (class, reg), iv)?,
            Some(Location::Cell(cell)) => {
                for k in 0..u64::from(iv.width.max(1)) {
                    claim(&mut cells, u64::from(cell) + k, iv)?;
                }
            }
            None => unreachable!("checked above"),
        }
    }

    for class in [RegClass::Int, RegClass::Float] {
        let used = regs.keys().filter(|&&(c, _)| c == class).count();
        if used != usize::from(alloc.regs_used[class as usize]) {
            return Err(format!(
                "{used} {class:?} registers in use but regs_used says {}",
                alloc.regs_used[class as usize]
            ));
        }
    }
    Ok(())
}

/// Records that `iv` holds `resource`, failing if an earlier holder is still
/// live where `iv` starts.
fn claim<K: Hash + Eq + std::fmt::Debug + Copy>(
    holders: &mut HashMap<K, (u32, u32)>,
    resource: K,
    iv: &Interval,
) -> Result<(), String> {
    match holders.get(&resource) {
        Some(&(end, vreg)) if end >= iv.start => Err(format!(
            "v{vreg} and v{} both hold {resource:?} at position {}",
            iv.vreg, iv.start
        )),
        _ => {
            holders.insert(resource, (iv.end, iv.vreg));
            Ok(())
        }
    }
}
