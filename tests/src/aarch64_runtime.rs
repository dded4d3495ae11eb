//! The engine's AArch64 code run in Unicorn: an [`Emulator`] for
//! [`Config::emulate_aarch64`](strata::Config::emulate_aarch64), which makes
//! the spec suite's `jit-aarch64-emulated` strategy.
//!
//! Emulated code shares this process's memory: a page it touches is mapped
//! into the emulator at its own address, on first touch, with this
//! process's protection (so a linear memory's guard pages, which this
//! process cannot read, stay faults, found as traps by the PC). Calls of
//! native helpers stop at their address, where a code hook calls them
//! natively and returns to the code. A helper may call wasm again: that
//! call runs in the next of a stack of emulators, on the same emulated
//! stack below the caller's frames.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};

use crate::aarch64_emu::{cpu, xreg, Seen, Stops};
use strata::{EmulatedCall, EmulatedTrap, Emulator};
use unicorn_engine::{Prot, RegisterARM64, Unicorn};

const PAGE: u64 = 0x1000;
/// The emulated stack of each thread.
const STACK_SIZE: usize = 8 << 20;
/// Bytes below the stack's end compiled code must leave (its check).
const STACK_RESERVE: usize = 64 << 10;
/// Identity mappings are made at most this far around a touched address.
const WINDOW: u64 = 1 << 20;

/// What the hooks of one emulator record and need.
#[derive(Default)]
struct State {
    /// Identity-mapped ranges, start to end.
    mapped: BTreeMap<u64, u64>,
    /// Pages of helper stops (not identity mapped).
    helper_pages: HashSet<u64>,
    /// Helper addresses with a hook.
    hooked: HashSet<u64>,
    /// The call's `brk` or refused access.
    seen: Seen,
}

impl Stops for State {
    fn seen(&mut self) -> &mut Seen {
        &mut self.seen
    }
}

/// Where calls return to: a page that is neither this process's memory
/// nor a helper's.
fn return_page() -> u64 {
    thread_local!(static PAGE_: u64 = {
        // A page of this process's own, never mapped into the emulator as
        // memory, so its address cannot be anything else there.
        let m = memmap2::MmapMut::map_anon(PAGE as usize).expect("maps a page");
        let addr = m.as_ptr() as u64;
        std::mem::forget(m);
        addr
    });
    PAGE_.with(|p| *p)
}

thread_local! {
    /// This thread's emulated stack.
    static STACK: (u64, u64) = {
        let m = memmap2::MmapMut::map_anon(STACK_SIZE).expect("maps a stack");
        let base = m.as_ptr() as u64;
        std::mem::forget(m);
        (base, base + STACK_SIZE as u64)
    };
    /// Emulators by nesting depth; the running ones are taken out.
    static MACHINES: RefCell<Vec<Option<Box<Unicorn<'static, State>>>>> = const { RefCell::new(Vec::new()) };
    /// Calls running on this thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Where the next (nested) call's stack starts.
    static NEXT_SP: Cell<u64> = const { Cell::new(0) };
}

/// Maps the pages of this process around `addr` that are readable here
/// and not mapped yet; false when `addr`'s page is not readable.
fn map_identity(uc: &mut Unicorn<'_, State>, addr: u64) -> bool {
    let page = addr & !(PAGE - 1);
    let Ok(r) = region::query(page as *const u8) else {
        return false;
    };
    let p = r.protection();
    if !p.contains(region::Protection::READ) {
        return false;
    }
    let range = r.as_range();
    let lo = (range.start as u64).max(page.saturating_sub(WINDOW));
    let hi = (range.end as u64).min(page + WINDOW);
    // Only the gaps between what is mapped already.
    let mut gaps = Vec::new();
    let mut at = lo;
    let state = uc.get_data();
    for (&s, &e) in state.mapped.range(..hi) {
        if e <= at {
            continue;
        }
        if s > at {
            gaps.push((at, s.min(hi)));
        }
        at = at.max(e);
        if at >= hi {
            break;
        }
    }
    if at < hi {
        gaps.push((at, hi));
    }
    let mut perms = Prot::READ;
    if p.contains(region::Protection::WRITE) {
        perms |= Prot::WRITE;
    }
    if p.contains(region::Protection::EXECUTE) {
        perms |= Prot::EXEC;
    }
    let mut any = false;
    for (s, e) in gaps {
        // Helper stops are not this process's memory.
        let (s, e) = (s.max(lo), e.min(hi));
        if s >= e
            || (s..e)
                .step_by(PAGE as usize)
                .any(|p| uc.get_data().helper_pages.contains(&p))
        {
            continue;
        }
        // SAFETY: the range is readable memory of this process, which the
        // emulator reads and writes only while the code runs (the mapping
        // is dropped before the next call: see `reset`).
        let ok = unsafe { uc.mem_map_ptr(s, e - s, perms, s as *mut _) };
        if ok.is_ok() {
            uc.get_data_mut().mapped.insert(s, e);
            any |= (s..e).contains(&page);
        }
    }
    any || uc
        .get_data()
        .mapped
        .range(..=page)
        .next_back()
        .is_some_and(|(_, &e)| e > page)
}

/// A fresh emulator: stops at traps and faults, maps identity on first
/// touch.
fn machine() -> Box<Unicorn<'static, State>> {
    let ret = return_page();
    let mut uc = cpu(State::default(), ret, map_identity);
    uc.get_data_mut().helper_pages.insert(ret);
    Box::new(uc)
}

/// Drops the identity mappings and translated code of earlier calls:
/// this process's memory may have changed under them since.
fn reset(uc: &mut Unicorn<'static, State>) {
    let mapped = std::mem::take(&mut uc.get_data_mut().mapped);
    for (s, e) in mapped {
        let _ = uc.mem_unmap(s, e - s);
    }
    let _ = uc.ctl_flush_tb();
}

/// Hooks the native helpers not hooked yet: a stop page at each one's
/// address, where a code hook calls it with `x0`..`x4` and returns `x0`.
fn hook_helpers(uc: &mut Unicorn<'static, State>, helpers: &[usize]) {
    for &h in helpers {
        let h = h as u64;
        if !uc.get_data_mut().hooked.insert(h) {
            continue;
        }
        let page = h & !(PAGE - 1);
        if uc.get_data_mut().helper_pages.insert(page) {
            uc.mem_map(page, PAGE, Prot::READ | Prot::EXEC)
                .expect("maps a helper stop");
        }
        uc.add_code_hook(h, h, move |uc, _addr, _size| {
            let args: Vec<u64> = (0..5).map(|n| uc.reg_read(xreg(n)).unwrap_or(0)).collect();
            let lr = uc.reg_read(xreg(30)).unwrap_or(0);
            let sp = uc.reg_read(RegisterARM64::SP).unwrap_or(0);
            // A nested call's frames go below this one's.
            let outer = NEXT_SP.replace((sp - 256) & !15);
            // SAFETY: `h` is one of the engine's helpers, which take five
            // 64-bit arguments at most (System V) and return one; the
            // emulated code passed them as compiled code passes them.
            let f: unsafe extern "sysv64" fn(u64, u64, u64, u64, u64) -> u64 =
                unsafe { std::mem::transmute(h as usize) };
            let r = unsafe { f(args[0], args[1], args[2], args[3], args[4]) };
            NEXT_SP.set(outer);
            let _ = uc.reg_write(xreg(0), r);
            let _ = uc.set_pc(lr);
        })
        .expect("hooks a helper");
    }
}

/// The emulator of this process's AArch64 code.
#[derive(Default)]
pub struct Aarch64Emulator;

impl Emulator for Aarch64Emulator {
    fn call(&self, call: EmulatedCall<'_>) -> Result<(), EmulatedTrap> {
        let depth = DEPTH.get();
        let mut uc = MACHINES
            .with(|m| {
                let mut m = m.borrow_mut();
                if m.len() <= depth {
                    m.resize_with(depth + 1, || None);
                }
                m[depth].take()
            })
            .unwrap_or_else(machine);
        reset(&mut uc);
        hook_helpers(&mut uc, call.helpers);
        let top = if depth == 0 {
            STACK.with(|s| s.1)
        } else {
            NEXT_SP.get()
        };
        let ret = return_page();
        let _ = uc.reg_write(xreg(28), call.ctx as u64);
        let _ = uc.reg_write(xreg(27), call.fp as u64);
        let _ = uc.reg_write(xreg(30), ret);
        let _ = uc.reg_write(RegisterARM64::SP, top);
        let state = uc.get_data_mut();
        state.seen = Seen::default();
        DEPTH.set(depth + 1);
        let mut result = uc.emu_start(call.entry as u64, ret, 0, 0);
        // A catchable raise (an exception) below a call inside a
        // `try_table` resumes at its landing site, found as the native
        // raise finds it.
        while let Some(pc) = uc.get_data().seen.brk_pc {
            let x16 = uc.reg_read(xreg(16)).unwrap_or(0) as u32;
            let catchable = x16 == strata_jit::CATCHABLE
                && strata_jit::signals::trap_code_at(pc as usize)
                    == Some(strata_jit::signals::DYNAMIC_TRAP);
            let sp = uc.reg_read(RegisterARM64::SP).unwrap_or(0);
            // SAFETY: the emulated stack from `sp` to `top` holds this
            // call's compiled frames.
            let landing = catchable
                .then(|| unsafe {
                    strata_jit::signals::landing_for(pc as usize, sp as usize, top as usize)
                })
                .flatten();
            let Some((resume, resume_sp, frames)) = landing else {
                break;
            };
            let _ = uc.reg_write(RegisterARM64::SP, resume_sp as u64);
            // Target::RESUME_FRAMES of AArch64.
            let _ = uc.reg_write(xreg(9), frames as u64);
            uc.get_data_mut().seen.brk_pc = None;
            result = uc.emu_start(resume as u64, ret, 0, 0);
        }
        DEPTH.set(depth);
        let pc = uc.pc_read().unwrap_or(0);
        let fuel = uc.reg_read(xreg(25)).unwrap_or(0);
        let Seen { brk_pc: brk, fault } = std::mem::take(&mut uc.get_data_mut().seen);
        let x16 = uc.reg_read(xreg(16)).unwrap_or(0);
        MACHINES.with(|m| m.borrow_mut()[depth] = Some(uc));
        let trap = |pc: u64| {
            let code = match strata_jit::signals::trap_code_at(pc as usize) {
                Some(strata_jit::signals::DYNAMIC_TRAP) => x16 as u32,
                Some(code) => code,
                None => {
                    eprintln!("emulated code stopped at {pc:#x}, no trap site ({result:?})");
                    // No trap's code: the engine reports it as unreachable.
                    0xdead
                }
            };
            Err(EmulatedTrap { code, fuel })
        };
        match (brk, fault, result) {
            (Some(pc), _, _) => trap(pc),
            (None, Some(_), Err(_)) => trap(pc),
            (None, None, Ok(())) if pc == ret => Ok(()),
            (_, _, r) => {
                eprintln!("emulated code ended at {pc:#x}: {r:?}");
                trap(pc)
            }
        }
    }

    fn stack_limit(&self) -> usize {
        STACK.with(|s| s.0) as usize + STACK_RESERVE
    }
}
