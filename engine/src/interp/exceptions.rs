//! Exceptions in the interpreter: raising them from `throw`, `throw_ref`
//! and a landing pad's `rethrow`, finding the `try_table` that takes one,
//! and running catch clauses.
//!
//! A raised exception travels as an error (`runtime::exception`): the
//! driver gives every error it sees to [`unwind`], which walks the frames
//! of this run from the failing instruction outwards and resumes at the
//! landing pad of the innermost `try_table` covering it. What no frame of
//! this run takes goes on to the caller of the run, compiled or host code
//! or the embedder, as any error does.

use super::state::{for_each_operand, operand, Exec, Flow, Ip};
use crate::error::{Error, TrapCode};
use crate::ir::Op;
use crate::runtime::exception::{caught, clause_match, clause_took, throw_new, thrown};

/// Raises the store's exception `exn` from the instruction at `ip`.
///
/// # Safety
/// `cx` must describe a live run; `ip` and `fp` the running instruction
/// and frame.
unsafe fn raise(cx: &mut Exec, ip: Ip, fp: *mut u64, exn: u32) -> Flow {
    // Past the instruction, as a call leaves `ip` past its operand words:
    // `unwind` looks the instruction up one word back.
    // SAFETY: at most one past the body's last instruction.
    cx.ip = unsafe { ip.add(1) };
    cx.fp = fp;
    // SAFETY: the store is live while its wasm runs.
    let e = thrown(unsafe { &*cx.inner }, exn);
    cx.fail(e)
}

/// `throw` of the module's tag `tag`, whose values the `args` words after
/// `ip` name.
///
/// # Safety
/// As [`raise`]; `ip` must be a `throw` of a tag of the running instance.
pub(super) unsafe fn throw(cx: &mut Exec, ip: Ip, fp: *mut u64, tag: u32) -> Flow {
    // SAFETY: as the function's contract: the store is live, the args
    // words follow the instruction and name frame cells.
    unsafe {
        let field = |k| *fp.add(operand(ip.add(1), k) as usize);
        let exn = throw_new(&mut *cx.inner, cx.instance as usize, tag, field);
        raise(cx, ip, fp, exn)
    }
}

/// `throw_ref` of the reference cell `exn`.
///
/// # Safety
/// As [`raise`].
pub(super) unsafe fn throw_ref(cx: &mut Exec, ip: Ip, fp: *mut u64, exn: u64) -> Flow {
    match exn.checked_sub(1) {
        // SAFETY: forwarded.
        Some(index) => unsafe { raise(cx, ip, fp, index as u32) },
        None => cx.trap(TrapCode::NullReference),
    }
}

/// A landing pad's `rethrow`: no clause took the exception.
///
/// # Safety
/// As [`raise`].
pub(super) unsafe fn rethrow(cx: &mut Exec, ip: Ip, fp: *mut u64) -> Flow {
    // SAFETY: the store is live.
    match unsafe { (*cx.inner).in_flight.take() } {
        // SAFETY: forwarded.
        Some(exn) => unsafe { raise(cx, ip, fp, exn) },
        None => cx.fail(Error::trap(TrapCode::Unreachable)),
    }
}

/// The catch clause at `ip` for the module's tag `tag`: when it takes
/// the exception its landing pad holds, writes the exception's values
/// (and reference) to its `results` registers and gives the instruction
/// after them; otherwise gives the next clause.
///
/// # Safety
/// As [`raise`]; `ip` must be a `catch` with its words.
pub(super) unsafe fn catch(cx: &mut Exec, ip: Ip, fp: *mut u64, tag: u32) -> Option<Ip> {
    // SAFETY: as the function's contract.
    unsafe {
        let Op::Imm { value } = (*ip.add(1)).op else {
            return None;
        };
        let inner = &mut *cx.inner;
        inner.in_flight?;
        let Some((exn, fields)) = clause_match(inner, cx.instance as usize, tag) else {
            return Some(ip.add((value >> 1) as usize));
        };
        let n = fields.len();
        let with_ref = (value & 1) as usize;
        let next = for_each_operand(ip.add(2), n + with_ref, |k, r| {
            *fp.add(r as usize) = if k < n { fields[k] } else { exn as u64 + 1 };
        });
        clause_took(inner, exn, with_ref != 0);
        Some(next)
    }
}

/// Looks for the `try_table` that takes error `e` (only an exception of
/// this store is taken), from the running instruction outwards through
/// the frames of this run; when one does, makes its landing pad the
/// running instruction, with the exception in flight. `skip_running`: the
/// error came from a call that had left the running function already (a
/// tail call, or compiled code continuing it after OSR).
///
/// # Safety
/// `cx` must describe a live run whose running instruction failed with `e`.
pub(super) unsafe fn unwind(cx: &mut Exec, e: &Error, skip_running: bool) -> bool {
    // SAFETY: as the function's contract.
    unsafe {
        let Some(exn) = caught(&*cx.inner, e) else {
            return false;
        };
        if skip_running && !pop_frame(cx) {
            return false;
        }
        loop {
            let body = &*cx.body;
            let code = body.code.as_ptr();
            // `ip` is past the failing instruction: past a throw, or past
            // a call's `args` words (its `results` words, or the next
            // instruction when it has none), so the word before it
            // belongs to the failing instruction.
            let at = (cx.ip.offset_from(code) as u32).saturating_sub(1);
            if let Some(landing) = body.landing_for(at) {
                cx.ip = code.add(landing as usize);
                (*cx.inner).in_flight = Some(exn);
                cx.refresh_memory();
                return true;
            }
            if !pop_frame(cx) {
                return false;
            }
        }
    }
}

/// Leaves the running frame for its caller's call site, without results.
///
/// # Safety
/// As [`unwind`].
unsafe fn pop_frame(cx: &mut Exec) -> bool {
    let Some(caller) = cx.frames.pop() else {
        return false;
    };
    if caller.instance != cx.instance {
        // SAFETY: the store is live; the caller's instance is one of its.
        unsafe { cx.switch_back(caller.instance) };
    }
    cx.body = caller.body;
    cx.fp = caller.fp;
    cx.ip = caller.ip;
    true
}
