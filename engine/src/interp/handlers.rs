//! One handler per opcode, and the dispatch between them.
//!
//! Every handler has the same signature: the instruction pointer, the frame
//! pointer, memory 0's base and length, and the [`Exec`] with everything
//! else. Under the threaded dispatch (opt-level 2 or 3, `strata_threaded`)
//! a handler ends by calling the next instruction's handler, whose address
//! its slot holds (`ir::Slot`), in tail position, which LLVM compiles to a
//! jump: the state stays in argument registers, there is no shared dispatch
//! branch, and finding the next handler is one load (direct threading).
//! A handler that produces a value also passes it to the next handler as
//! the accumulator (`Acc`, in the fourth argument register); the
//! accumulator forms of instructions (`ir::acc`) read it instead of the
//! cell the value was just stored to.
//! Under the portable dispatch (unoptimised builds, where calls in tail
//! position are not turned into jumps, or the `portable-dispatch` feature)
//! a handler saves `ip` and `fp` and returns [`Flow::Next`] to the driver's
//! loop instead. The same handler bodies serve both.
//!
//! Every unsafe operation here relies on the invariants in `state.rs`: a
//! handler runs only for its own opcode, on a live store, with `ip`, `fp`
//! and memory as described there.

use core::hint::unreachable_unchecked;
use std::sync::atomic::Ordering;

use super::exceptions;
use super::state::{
    back_edge, call_func, call_wasm, push_frame, replace_frame, return_to_caller,
    stage_tail_arguments, tail_call_wasm, Exec, Flow, Ip, Slow,
};
use crate::error::TrapCode;
use crate::ir::{FuncBody, MemKind, Op, Opcode, Reg};
use crate::runtime::bulk;
use crate::simd::V128Bits;

/// An instruction's handler. Each instruction's [`Slot`](crate::ir::Slot)
/// holds the address of its own.
pub(crate) type Handler = unsafe fn(Ip, *mut u64, *mut u8, Acc, u64, *mut Exec) -> Flow;

/// The accumulator (`ir::acc`): the result of the instruction that ran
/// last, when it produces one, handed to the next handler in a register
/// (the fourth argument's). After any other instruction it is
/// uninitialised, so that no instruction sets it; only an accumulator form
/// reads it, and the translator gives that form only to an instruction
/// that a producing one always runs just before.
#[derive(Copy, Clone)]
pub(crate) struct Acc(core::mem::MaybeUninit<u64>);

impl Acc {
    /// The value the producing instruction before left.
    ///
    /// # Safety
    /// The instruction that ran just before produced one (`Op::passes_acc`).
    #[inline(always)]
    unsafe fn value(self) -> u64 {
        // SAFETY: as the caller guarantees.
        unsafe { self.0.assume_init() }
    }
}

/// No accumulator: after an instruction that produces none.
const NO_ACC: Acc = Acc(core::mem::MaybeUninit::uninit());

/// Runs the instruction at `ip`.
///
/// # Safety
/// The invariants of `state.rs` hold for the arguments.
#[inline(always)]
unsafe fn dispatch(ip: Ip, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec) -> Flow {
    #[cfg(strata_threaded)]
    // SAFETY: `ip` points at a slot, whose handler is its instruction's.
    // The caller upholds the rest.
    unsafe {
        #[cfg(feature = "pair-stats")]
        crate::pair_stats::record((*ip).op.opcode() as u16);
        ((*ip).handler)(ip, fp, mem, NO_ACC, len, cx)
    }
    #[cfg(not(strata_threaded))]
    // SAFETY: `cx` is live.
    unsafe {
        let _ = (mem, len);
        (*cx).ip = ip;
        (*cx).fp = fp;
        Flow::Next
    }
}

/// [`dispatch`] after an instruction that produced `v`: the accumulator.
///
/// # Safety
/// As [`dispatch`].
#[inline(always)]
unsafe fn dispatch_acc(
    ip: Ip,
    fp: *mut u64,
    mem: *mut u8,
    v: u64,
    len: u64,
    cx: *mut Exec,
) -> Flow {
    #[cfg(strata_threaded)]
    // SAFETY: as `dispatch`.
    unsafe {
        #[cfg(feature = "pair-stats")]
        crate::pair_stats::record((*ip).op.opcode() as u16);
        ((*ip).handler)(ip, fp, mem, Acc(core::mem::MaybeUninit::new(v)), len, cx)
    }
    #[cfg(not(strata_threaded))]
    // SAFETY: `cx` is live.
    unsafe {
        (*cx).acc = v;
        dispatch(ip, fp, mem, len, cx)
    }
}

/// Runs from the state saved in `cx`: until the next exit under the
/// threaded dispatch, one instruction under the portable one.
///
/// # Safety
/// The invariants of `state.rs` hold for the state in `cx`.
pub(super) unsafe fn resume(cx: *mut Exec) -> Flow {
    // SAFETY: the caller upholds the invariants.
    unsafe {
        let (ip, fp, mem, len) = ((*cx).ip, (*cx).fp, (*cx).mem, (*cx).mem_len);
        let acc = Acc(core::mem::MaybeUninit::new((*cx).acc));
        ((*ip).handler)(ip, fp, mem, acc, len, cx)
    }
}

/// Goes on from the state in `cx` after a call or return changed it.
///
/// # Safety
/// As [`resume`].
#[inline(always)]
unsafe fn go_on(cx: *mut Exec) -> Flow {
    #[cfg(strata_threaded)]
    // SAFETY: the caller upholds the invariants.
    unsafe {
        resume(cx)
    }
    #[cfg(not(strata_threaded))]
    {
        let _ = cx;
        Flow::Next
    }
}

/// A value written to a cell: integers zero-extended from their width,
/// floats as their bits.
trait Cell {
    fn cell(self) -> u64;
}

impl Cell for u64 {
    #[inline(always)]
    fn cell(self) -> u64 {
        self
    }
}
impl Cell for i64 {
    #[inline(always)]
    fn cell(self) -> u64 {
        self as u64
    }
}
impl Cell for u32 {
    #[inline(always)]
    fn cell(self) -> u64 {
        self as u64
    }
}
impl Cell for i32 {
    #[inline(always)]
    fn cell(self) -> u64 {
        self as u32 as u64
    }
}
impl Cell for bool {
    #[inline(always)]
    fn cell(self) -> u64 {
        self as u64
    }
}
impl Cell for f32 {
    #[inline(always)]
    fn cell(self) -> u64 {
        self.to_bits() as u64
    }
}
impl Cell for f64 {
    #[inline(always)]
    fn cell(self) -> u64 {
        self.to_bits()
    }
}

#[inline(always)]
unsafe fn put(fp: *mut u64, r: Reg, v: impl Cell) {
    // SAFETY: register operands are frame cells.
    unsafe { *fp.add(r as usize) = v.cell() }
}

/// [`put`], giving the cell's new contents.
#[inline(always)]
unsafe fn put_cell(fp: *mut u64, r: Reg, v: impl Cell) -> u64 {
    let v = v.cell();
    // SAFETY: register operands are frame cells.
    unsafe { *fp.add(r as usize) = v };
    v
}
#[inline(always)]
unsafe fn u64_(fp: *mut u64, r: Reg) -> u64 {
    // SAFETY: register operands are frame cells.
    unsafe { *fp.add(r as usize) }
}
#[inline(always)]
unsafe fn i64_(fp: *mut u64, r: Reg) -> i64 {
    unsafe { u64_(fp, r) as i64 }
}
#[inline(always)]
unsafe fn u32_(fp: *mut u64, r: Reg) -> u32 {
    unsafe { u64_(fp, r) as u32 }
}
#[inline(always)]
unsafe fn i32_(fp: *mut u64, r: Reg) -> i32 {
    unsafe { u64_(fp, r) as u32 as i32 }
}
#[inline(always)]
unsafe fn f32_(fp: *mut u64, r: Reg) -> f32 {
    unsafe { f32::from_bits(u64_(fp, r) as u32) }
}
#[inline(always)]
unsafe fn f64_(fp: *mut u64, r: Reg) -> f64 {
    unsafe { f64::from_bits(u64_(fp, r)) }
}

/// The vector of the 16 bytes at `p`, at any alignment: read as a byte
/// array, for the reason [`InMemory`] gives.
///
/// # Safety
/// `p` must point at 16 readable bytes.
#[inline(always)]
unsafe fn load_v128(p: *const u8) -> V128Bits {
    // SAFETY: as the function's contract; a byte array has alignment 1.
    crate::simd::v128(unsafe { *p.cast::<[u8; 16]>() })
}

/// Writes `v` to the 16 bytes at `p`, at any alignment, as
/// [`load_v128`] reads them.
///
/// # Safety
/// `p` must point at 16 writable bytes.
#[inline(always)]
unsafe fn store_v128(p: *mut u8, v: V128Bits) {
    // SAFETY: as the function's contract.
    unsafe { *p.cast::<[u8; 16]>() = crate::simd::lanes(v) }
}

/// The `v128` in cells `r` and `r + 1`.
#[inline(always)]
unsafe fn v128_(fp: *mut u64, r: Reg) -> V128Bits {
    // SAFETY: a v128 register's two cells are frame cells, consecutive, so
    // its 16 bytes are one object at the first. One 16-byte read puts the
    // vector in an SSE register, where the inlined lane operation works on
    // it; the SIMD handlers write a vector whole too (`put_v128`), so
    // reading one just written takes the stored value by forwarding.
    unsafe { load_v128(fp.add(r as usize).cast()) }
}

/// Writes a `v128` to cells `r` and `r + 1`, on x86_64 as one 16-byte
/// store: LLVM stores a vector the lane code built in a general register
/// (a splat) as two 8-byte halves, and the next instruction's 16-byte read
/// of it then misses store forwarding (it doubled `simd_gemm`'s time, whose
/// inner loop multiplies by a splat).
#[inline(always)]
unsafe fn put_v128(fp: *mut u64, r: Reg, v: V128Bits) {
    let p = unsafe { fp.add(r as usize) };
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{__m128i, _mm_storeu_si128};
        // SAFETY: as `v128_`; SSE2 is part of the x86_64 baseline, and
        // `__m128i` is 16 bytes as `V128Bits` is, any bits valid.
        unsafe { _mm_storeu_si128(p.cast(), core::mem::transmute::<V128Bits, __m128i>(v)) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        // SAFETY: as `v128_`.
        unsafe { store_v128(p.cast(), v) }
    }
}

/// The `V128Op` of the `imm` word at `ip`.
#[inline(always)]
unsafe fn v128_op(ip: Ip) -> crate::ir::V128Op {
    // SAFETY: the translator wrote an operation's index in the word.
    unsafe {
        let Op::Imm { value } = (*ip).op else {
            unreachable_unchecked()
        };
        *crate::ir::V128Op::ALL.get_unchecked(value as usize)
    }
}

/// The `size` bytes (1, 2, 4 or 8) at `p`, zero-extended: one load of
/// that width, where a byte copy of a variable length would go through a
/// buffer.
///
/// # Safety
/// `p` must point at `size` bytes of a memory.
#[inline(always)]
unsafe fn load_low(p: *mut u8, size: u64) -> u64 {
    // SAFETY: as the function's contract.
    unsafe {
        match size {
            8 => u64::load(p),
            4 => u64::from(u32::load(p)),
            2 => u64::from(u16::load(p)),
            _ => u64::from(u8::load(p)),
        }
    }
}

/// Stores the low `size` bytes (1, 2, 4 or 8) of `v` at `p`, as one
/// store of that width.
///
/// # Safety
/// `p` must point at `size` bytes of a memory.
#[inline(always)]
unsafe fn store_low(p: *mut u8, size: u64, v: u64) {
    // SAFETY: as the function's contract.
    unsafe {
        match size {
            8 => u64::store(p, v),
            4 => u32::store(p, v as u32),
            2 => u16::store(p, v as u16),
            _ => u8::store(p, v as u8),
        }
    }
}

/// Takes a branch by `off` instructions from the branch at `ip`. A
/// backward one costs a test of one flag, which is off unless back-edges
/// are counted or checked (tiering, epochs): a counter in memory would
/// put a store-to-load chain on every loop.
#[inline(always)]
unsafe fn branch(ip: Ip, off: isize, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec) -> Flow {
    // SAFETY: offsets were resolved inside the function's code.
    unsafe {
        let target = ip.offset(off);
        if off <= 0 && (*cx).watch_back_edges {
            return watched_back_edge(target, fp, mem, len, cx);
        }
        dispatch(target, fp, mem, len, cx)
    }
}

/// The slow path of a back-edge, entered by a tail call so that the
/// branch handlers themselves call nothing (and save no registers).
#[inline(never)]
unsafe fn watched_back_edge(
    target: Ip,
    fp: *mut u64,
    mem: *mut u8,
    len: u64,
    cx: *mut Exec,
) -> Flow {
    // SAFETY: as `branch`.
    unsafe {
        match back_edge(&mut *cx, target, fp) {
            Some(flow) => flow,
            None => dispatch(target, fp, mem, len, cx),
        }
    }
}

/// A fused branch's 16-bit offset, or its far offset from the body.
#[inline(always)]
unsafe fn branch16(ip: Ip, off: i16, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec) -> Flow {
    // SAFETY: as `branch`.
    unsafe {
        if off == FuncBody::FAR {
            return far_branch(ip, fp, mem, len, cx);
        }
        branch(ip, off as isize, fp, mem, len, cx)
    }
}

/// A fused branch whose offset is in the body's far table; entered by a
/// tail call, as [`watched_back_edge`].
#[inline(never)]
unsafe fn far_branch(ip: Ip, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec) -> Flow {
    // SAFETY: as `branch`; the body is the running function's.
    unsafe {
        let body = &*(*cx).body;
        let off = body.far_offset(ip.offset_from(body.code.as_ptr()) as usize);
        branch(ip, off as isize, fp, mem, len, cx)
    }
}

/// A value in linear memory: little-endian, at any alignment.
///
/// Read and written as byte arrays rather than with `read_unaligned`,
/// whose temporary, in builds that do not optimise it away, is a local
/// whose address escapes and keeps the handler's tail call a call.
trait InMemory: Sized {
    unsafe fn load(p: *const u8) -> Self;
    unsafe fn store(p: *mut u8, v: Self);
}

macro_rules! in_memory {
    ($($t:ty),*) => {$(
        impl InMemory for $t {
            #[inline(always)]
            unsafe fn load(p: *const u8) -> $t {
                // SAFETY: the caller checked `size_of::<$t>()` bytes at `p`.
                <$t>::from_le_bytes(unsafe { *p.cast::<[u8; size_of::<$t>()]>() })
            }
            #[inline(always)]
            unsafe fn store(p: *mut u8, v: $t) {
                // SAFETY: as `load`.
                unsafe { *p.cast::<[u8; size_of::<$t>()]>() = v.to_le_bytes() }
            }
        }
    )*};
}

in_memory!(u8, i8, u16, i16, u32, i32, u64);

/// The address of `size` bytes at `ptr + offset` in memory 0, if in bounds.
#[inline(always)]
unsafe fn addr(
    fp: *mut u64,
    ptr: Reg,
    offset: u32,
    size: u64,
    mem: *mut u8,
    len: u64,
) -> Option<*mut u8> {
    // SAFETY: register operands are frame cells; the range is checked.
    unsafe {
        let ea = u32_(fp, ptr) as u64 + offset as u64;
        if ea + size > len {
            None
        } else {
            Some(mem.add(ea as usize))
        }
    }
}

/// The address of `size` bytes at `ptr + offset` in the 64-bit memory of a
/// `load.mem64` or `store.mem64` at `ip` (whose `imm` words give the offset
/// and memory), if in bounds: checked in 64 bits, overflow included.
#[inline(always)]
unsafe fn addr64(
    ip: Ip,
    fp: *mut u64,
    ptr: Reg,
    size: u64,
    mem: *mut u8,
    len: u64,
    cx: *mut Exec,
) -> Option<*mut u8> {
    // SAFETY: the `imm` words follow the instruction; register operands
    // are frame cells; the range is checked.
    unsafe {
        let Op::Imm { value: lo } = (*ip.add(1)).op else {
            unreachable_unchecked()
        };
        let Op::Imm { value: hi } = (*ip.add(2)).op else {
            unreachable_unchecked()
        };
        let Op::Imm { value: memory } = (*ip.add(3)).op else {
            unreachable_unchecked()
        };
        let offset = (hi as u64) << 32 | lo as u64;
        let (base, bytes) = if memory == 0 {
            (mem, len)
        } else {
            memory_view(cx, memory)
        };
        let ea = u64_(fp, ptr).checked_add(offset)?;
        if ea > bytes.checked_sub(size)? {
            return None;
        }
        Some(base.add(ea as usize))
    }
}

/// The defined function a function reference `cell` names, when it is one
/// of the running instance (a `call_ref` the interpreter enters directly).
#[inline(always)]
unsafe fn same_instance_callee(cx: &Exec, cell: u64) -> Option<u32> {
    // SAFETY: the store is live while wasm runs; a non-null reference is a
    // store function's index plus one.
    unsafe {
        let f = cell.checked_sub(1)?;
        match (&*cx.inner).funcs.get(f as usize)? {
            crate::runtime::store::FuncEntity::Wasm { instance, def, .. }
                if *instance == cx.instance =>
            {
                Some(*def)
            }
            _ => None,
        }
    }
}

/// The base and length of the running instance's memory `memory`, looked
/// up in the store (memory 0's are kept in the handlers' registers).
#[inline(never)]
unsafe fn memory_view(cx: *mut Exec, memory: u32) -> (*mut u8, u64) {
    // SAFETY: the store is live while wasm runs; validation keeps `memory`
    // below the instance's memory count.
    unsafe {
        let inner = &*(*cx).inner;
        let m = inner.instances[(*cx).instance as usize].memories[memory as usize];
        let m = &inner.memories[m as usize];
        (m.base(), m.len() as u64)
    }
}

/// The value of kind `kind` (a load) at `p`, as a cell.
///
/// # Safety
/// `p` must point at `kind.size()` bytes of a memory.
#[inline(always)]
unsafe fn load_kind(p: *mut u8, kind: MemKind) -> u64 {
    // SAFETY: as the function's contract.
    unsafe {
        match kind {
            MemKind::I32Load | MemKind::F32Load | MemKind::I64Load32U => u32::load(p) as u64,
            MemKind::I64Load | MemKind::F64Load => u64::load(p),
            MemKind::I32Load8S => i8::load(p) as i32 as u32 as u64,
            MemKind::I32Load16S => i16::load(p) as i32 as u32 as u64,
            MemKind::I64Load8S => i8::load(p) as i64 as u64,
            MemKind::I64Load16S => i16::load(p) as i64 as u64,
            MemKind::I64Load32S => i32::load(p) as i64 as u64,
            MemKind::I32Load16U | MemKind::I64Load16U => u16::load(p) as u64,
            // The 8-bit unsigned loads; the translator emits no store kinds here.
            _ => u8::load(p) as u64,
        }
    }
}

/// Stores `v` with kind `kind` (a store) at `p`.
///
/// # Safety
/// As [`load_kind`].
#[inline(always)]
unsafe fn store_kind(p: *mut u8, kind: MemKind, v: u64) {
    // SAFETY: as the function's contract: `kind.size()` bytes at `p`.
    unsafe { store_low(p, kind.size(), v) }
}

#[inline(always)]
unsafe fn trap(cx: *mut Exec, code: TrapCode) -> Flow {
    // SAFETY: `cx` is live.
    unsafe { (*cx).trap(code) }
}

/// `if cond != 0 { x } else { y }` by a conditional move of two values
/// already loaded. Written as a `select`, LLVM moves the choice before the
/// loads (one load from a chosen cell), which puts the condition on the
/// load's path.
#[inline(always)]
fn select(cond: u32, x: u64, y: u64) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let mut v = y;
        // SAFETY: register-only instructions.
        unsafe {
            core::arch::asm!(
                "test {c:e}, {c:e}",
                "cmovne {v}, {x}",
                c = in(reg) cond,
                x = in(reg) x,
                v = inout(reg) v,
                options(pure, nomem, nostack),
            );
        }
        v
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        core::hint::select_unpredictable(cond != 0, x, y)
    }
}

/// Defines a handler with its state arguments named by the caller.
macro_rules! handler {
    ($($name:ident($ip:ident, $fp:ident, $mem:ident, $len:ident, $cx:ident) $body:block)*) => {$(
        #[allow(non_snake_case, unused_variables, unused_mut)]
        #[inline]
        unsafe fn $name(mut $ip: Ip, mut $fp: *mut u64, mut $mem: *mut u8, _: Acc, mut $len: u64, $cx: *mut Exec) -> Flow {
            // SAFETY: see the module documentation.
            unsafe { $body }
        }
    )*};
}

/// A handler of an accumulator form, which names the accumulator `$acc`:
/// its value (the translator gave the form only where one is passed).
macro_rules! handler_acc {
    ($($name:ident($ip:ident, $fp:ident, $mem:ident, $acc:ident, $len:ident, $cx:ident) $body:block)*) => {$(
        #[allow(non_snake_case, unused_variables, unused_mut)]
        #[inline]
        unsafe fn $name(mut $ip: Ip, mut $fp: *mut u64, mut $mem: *mut u8, $acc: Acc, mut $len: u64, $cx: *mut Exec) -> Flow {
            // SAFETY: see the module documentation; `ir::acc` gives the
            // form only after an instruction that passes the accumulator.
            unsafe {
                let $acc = $acc.value();
                $body
            }
        }
    )*};
}

/// Reads the running instruction's operands; the table sends each opcode
/// to its own handler only, so the other variants cannot occur.
macro_rules! operands {
    ($ip:expr, $name:ident { $($f:ident $(: $b:tt)?),* }) => {
        let Op::$name { $($f $(: $b)?),* } = (*$ip).op else { unreachable_unchecked() };
    };
}

// An operator named with `[step]` also gets `step(fp, dst, a, b)`: its
// effect alone, giving the cell it wrote, for the fused pairs it starts
// (unary ones ignore `b`). One named with `{fwd}` also gets `fwd(..., v)`:
// its handler, for when it ends a forwarding pair, with its first operand
// given as `v`, the cell the instruction before it just wrote: reading it
// back from the frame would wait for the store.
macro_rules! unary {
    ($($name:ident $([$step:ident])? <$acc:ident> ($get:ident) |$x:ident| $e:expr;)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { dst, src });
            let $x = $get(fp, src);
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        handler_acc! { $acc(ip, fp, mem, acc, len, cx) {
            operands!(ip, $acc { dst, src: _ });
            let $x = given!($get, acc);
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        $(
            #[inline(always)]
            unsafe fn $step(fp: *mut u64, dst: Reg, src: Reg, _: Reg) -> u64 {
                // SAFETY: register operands are frame cells.
                unsafe {
                    let $x = $get(fp, src);
                    put_cell(fp, dst, $e)
                }
            }
        )?
    )*};
}

macro_rules! binary {
    ($($name:ident $([$step:ident])? $({$fwd:ident})? <$acc:ident> ($get:ident) |$x:ident, $y:ident| $e:expr;)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { dst, a, b });
            let $x = $get(fp, a);
            let $y = $get(fp, b);
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        handler_acc! { $acc(ip, fp, mem, acc, len, cx) {
            operands!(ip, $acc { dst, a: _, b });
            let $x = given!($get, acc);
            let $y = $get(fp, b);
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        $(
            #[inline(always)]
            unsafe fn $step(fp: *mut u64, dst: Reg, a: Reg, b: Reg) -> u64 {
                // SAFETY: register operands are frame cells.
                unsafe {
                    let $x = $get(fp, a);
                    let $y = $get(fp, b);
                    put_cell(fp, dst, $e)
                }
            }
        )?
        $(
            #[inline(always)]
            unsafe fn $fwd(ip: Ip, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec, v: u64) -> Flow {
                // SAFETY: as the handler.
                unsafe {
                    operands!(ip, $name { dst, a: _, b });
                    let $x = given!($get, v);
                    let $y = $get(fp, b);
                    let v = put_cell(fp, dst, $e);
                    dispatch_acc(ip.add(1), fp, mem, v, len, cx)
                }
            }
        )?
    )*};
}

/// The value of type `$get` reads from a cell holding `v`.
macro_rules! given {
    ($get:ident, $v:expr) => {{
        let mut cell: u64 = $v;
        $get(&raw mut cell, 0)
    }};
}

/// The first word of a fused pair (`ir::fused`): the first instruction's
/// effect, then the second's handler, reached by a direct jump instead of
/// a dispatch. The fused word has the first instruction's layout, whose
/// register operands are at bytes 2, 4 and 6; the second word is the
/// second instruction itself.
///
/// A forwarding pair (`$into`, where the second reads what the first wrote
/// as its forwarded operand) hands the written cell to the second's `fwd`
/// function instead of letting it load the cell back.
macro_rules! fused {
    ($($fused:ident $(/ $into:ident via $fwd:ident)? = $step:ident then $second:ident;)*) => {$(
        handler! { $fused(ip, fp, mem, len, cx) {
            let r = (&raw const (*ip).op).cast::<Reg>();
            $step(fp, *r.add(1), *r.add(2), *r.add(3));
            $second(ip.add(1), fp, mem, NO_ACC, len, cx)
        } }
        $(
            handler! { $into(ip, fp, mem, len, cx) {
                let r = (&raw const (*ip).op).cast::<Reg>();
                let v = $step(fp, *r.add(1), *r.add(2), *r.add(3));
                $fwd(ip.add(1), fp, mem, len, cx, v)
            } }
        )?
    )*};
}

handler_acc! {
    GlobalSetAcc(ip, fp, mem, acc, len, cx) {
        operands!(ip, GlobalSetAcc { src: _, global });
        **(*cx).globals.add(global as usize) = acc;
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    Return1Acc(ip, fp, mem, acc, len, cx) {
        return_value(acc, fp, mem, len, cx)
    }
    CopyAcc(ip, fp, mem, acc, len, cx) {
        operands!(ip, CopyAcc { dst, src: _ });
        put(fp, dst, acc);
        dispatch_acc(ip.add(1), fp, mem, acc, len, cx)
    }
    BrIfNezAcc(ip, fp, mem, acc, len, cx) {
        operands!(ip, BrIfNezAcc { cond: _, offset });
        if acc as u32 != 0 {
            return branch(ip, offset as isize, fp, mem, len, cx);
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    BrIfEqzAcc(ip, fp, mem, acc, len, cx) {
        operands!(ip, BrIfEqzAcc { cond: _, offset });
        if acc as u32 == 0 {
            return branch(ip, offset as isize, fp, mem, len, cx);
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
}

/// `copy`'s effect, for the fused pairs it starts.
#[inline(always)]
unsafe fn copy(fp: *mut u64, dst: Reg, src: Reg, _: Reg) -> u64 {
    // SAFETY: register operands are frame cells.
    unsafe { put_cell(fp, dst, u64_(fp, src)) }
}

/// `copy` ending a forwarding pair: its source is `v`.
#[inline(always)]
unsafe fn fwd_copy(ip: Ip, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec, v: u64) -> Flow {
    // SAFETY: as the handlers.
    unsafe {
        operands!(ip, Copy { dst, src: _ });
        put(fp, dst, v);
        dispatch_acc(ip.add(1), fp, mem, v, len, cx)
    }
}

// Division and remainder: a zero divisor traps, and so does a quotient that
// does not fit (`MIN / -1`), which the expression reports as `None`.
macro_rules! division {
    ($($name:ident($get:ident) |$x:ident, $y:ident| $e:expr;)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { dst, a, b });
            let $x = $get(fp, a);
            let $y = $get(fp, b);
            if $y == 0 {
                return trap(cx, TrapCode::IntegerDivideByZero);
            }
            let v = match $e {
                Some(v) => put_cell(fp, dst, v),
                None => return trap(cx, TrapCode::IntegerOverflow),
            };
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
    )*};
}

macro_rules! truncation {
    ($($name:ident($get:ident, $lo:expr, $hi:expr, $t:ty);)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { dst, src });
            match trunc_check($get(fp, src) as f64, $lo, $hi) {
                Ok(t) => put(fp, dst, t as $t),
                Err(code) => return trap(cx, code),
            }
            dispatch(ip.add(1), fp, mem, len, cx)
        } }
    )*};
}

macro_rules! compare_branch {
    ($($name:ident $({$fwd:ident})? <$acc:ident> ($get:ident) |$x:ident, $y:ident| $e:expr;)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { a, b, offset });
            let $x = $get(fp, a);
            let $y = $get(fp, b);
            if $e {
                return branch16(ip, offset, fp, mem, len, cx);
            }
            dispatch(ip.add(1), fp, mem, len, cx)
        } }
        handler_acc! { $acc(ip, fp, mem, acc, len, cx) {
            operands!(ip, $acc { a: _, b, offset });
            let $x = given!($get, acc);
            let $y = $get(fp, b);
            if $e {
                return branch16(ip, offset, fp, mem, len, cx);
            }
            dispatch(ip.add(1), fp, mem, len, cx)
        } }
        $(
            #[inline(always)]
            unsafe fn $fwd(ip: Ip, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec, v: u64) -> Flow {
                // SAFETY: as the handler.
                unsafe {
                    operands!(ip, $name { a: _, b, offset });
                    let $x = given!($get, v);
                    let $y = $get(fp, b);
                    if $e {
                        return branch16(ip, offset, fp, mem, len, cx);
                    }
                    dispatch(ip.add(1), fp, mem, len, cx)
                }
            }
        )?
    )*};
}

macro_rules! load {
    ($($name:ident $({$fwd:ident})? <$acc:ident> ($t:ty) |$v:ident| $e:expr;)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { dst, ptr, offset });
            let Some(p) = addr(fp, ptr, offset as u32, size_of::<$t>() as u64, mem, len) else {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            };
            let $v = <$t>::load(p);
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        handler_acc! { $acc(ip, fp, mem, acc, len, cx) {
            operands!(ip, $acc { dst, ptr: _, offset });
            let ea = acc as u32 as u64 + offset as u64;
            if ea + size_of::<$t>() as u64 > len {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            }
            let $v = <$t>::load(mem.add(ea as usize));
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        $(
            #[inline(always)]
            unsafe fn $fwd(ip: Ip, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec, v: u64) -> Flow {
                // SAFETY: as the handler.
                unsafe {
                    operands!(ip, $name { dst, ptr: _, offset });
                    let ea = v as u32 as u64 + offset as u64;
                    if ea + size_of::<$t>() as u64 > len {
                        return trap(cx, TrapCode::MemoryOutOfBounds);
                    }
                    let $v = <$t>::load(mem.add(ea as usize));
                    let v = put_cell(fp, dst, $e);
                    dispatch_acc(ip.add(1), fp, mem, v, len, cx)
                }
            }
        )?
    )*};
}

macro_rules! store {
    ($($name:ident <$acc:ident> ($t:ty);)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { ptr, val, offset });
            let Some(p) = addr(fp, ptr, offset as u32, size_of::<$t>() as u64, mem, len) else {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            };
            <$t>::store(p, u64_(fp, val) as $t);
            dispatch(ip.add(1), fp, mem, len, cx)
        } }
        handler_acc! { $acc(ip, fp, mem, acc, len, cx) {
            operands!(ip, $acc { ptr, val: _, offset });
            let Some(p) = addr(fp, ptr, offset as u32, size_of::<$t>() as u64, mem, len) else {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            };
            <$t>::store(p, acc as $t);
            dispatch(ip.add(1), fp, mem, len, cx)
        } }
    )*};
}

macro_rules! load_sum {
    ($($name:ident $({$fwd:ident})? <$acc:ident> ($t:ty) |$v:ident| $e:expr;)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { dst, a, b });
            let ea = u32_(fp, a).wrapping_add(u32_(fp, b)) as u64;
            if ea + size_of::<$t>() as u64 > len {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            }
            let $v = <$t>::load(mem.add(ea as usize));
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        handler_acc! { $acc(ip, fp, mem, acc, len, cx) {
            operands!(ip, $acc { dst, a: _, b });
            let ea = (acc as u32).wrapping_add(u32_(fp, b)) as u64;
            if ea + size_of::<$t>() as u64 > len {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            }
            let $v = <$t>::load(mem.add(ea as usize));
            let v = put_cell(fp, dst, $e);
            dispatch_acc(ip.add(1), fp, mem, v, len, cx)
        } }
        $(
            #[inline(always)]
            unsafe fn $fwd(ip: Ip, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec, v: u64) -> Flow {
                // SAFETY: as the handler.
                unsafe {
                    operands!(ip, $name { dst, a: _, b });
                    let ea = (v as u32).wrapping_add(u32_(fp, b)) as u64;
                    if ea + size_of::<$t>() as u64 > len {
                        return trap(cx, TrapCode::MemoryOutOfBounds);
                    }
                    let $v = <$t>::load(mem.add(ea as usize));
                    let v = put_cell(fp, dst, $e);
                    dispatch_acc(ip.add(1), fp, mem, v, len, cx)
                }
            }
        )?
    )*};
}

macro_rules! store_sum {
    ($($name:ident <$acc:ident> ($t:ty);)*) => {$(
        handler! { $name(ip, fp, mem, len, cx) {
            operands!(ip, $name { a, b, val });
            let ea = u32_(fp, a).wrapping_add(u32_(fp, b)) as u64;
            if ea + size_of::<$t>() as u64 > len {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            }
            <$t>::store(mem.add(ea as usize), u64_(fp, val) as $t);
            dispatch(ip.add(1), fp, mem, len, cx)
        } }
        handler_acc! { $acc(ip, fp, mem, acc, len, cx) {
            operands!(ip, $acc { a, b, val: _ });
            let ea = u32_(fp, a).wrapping_add(u32_(fp, b)) as u64;
            if ea + size_of::<$t>() as u64 > len {
                return trap(cx, TrapCode::MemoryOutOfBounds);
            }
            <$t>::store(mem.add(ea as usize), acc as $t);
            dispatch(ip.add(1), fp, mem, len, cx)
        } }
    )*};
}

/// A bulk or table operation on the store that may trap.
macro_rules! on_store {
    ($ip:ident, $fp:ident, $mem:ident, $len:ident, $cx:ident, $skip:expr, $e:expr) => {{
        match $e {
            Ok(()) => dispatch($ip.add($skip), $fp, $mem, $len, $cx),
            Err(code) => trap($cx, code),
        }
    }};
}

handler! {
    Unreachable(ip, fp, mem, len, cx) {
        trap(cx, TrapCode::Unreachable)
    }
    ConsumeFuel(ip, fp, mem, len, cx) {
        operands!(ip, ConsumeFuel { amount });
        let fuel = &mut (*(*cx).inner).fuel;
        *fuel -= amount as i64;
        if *fuel < 0 {
            return trap(cx, TrapCode::OutOfFuel);
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    Copy(ip, fp, mem, len, cx) {
        operands!(ip, Copy { dst, src });
        let v = put_cell(fp, dst, u64_(fp, src));
        dispatch_acc(ip.add(1), fp, mem, v, len, cx)
    }
    Br(ip, fp, mem, len, cx) {
        operands!(ip, Br { offset });
        branch(ip, offset as isize, fp, mem, len, cx)
    }
    // Entering a loop; its back-edges check in `branch`.
    LoopHeader(ip, fp, mem, len, cx) {
        if (*cx).epoch_reached() {
            return (*cx).slow(Slow::Epoch, ip.add(1), fp);
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    BrIfNez(ip, fp, mem, len, cx) {
        operands!(ip, BrIfNez { cond, offset });
        if u32_(fp, cond) != 0 {
            return branch(ip, offset as isize, fp, mem, len, cx);
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    BrIfEqz(ip, fp, mem, len, cx) {
        operands!(ip, BrIfEqz { cond, offset });
        if u32_(fp, cond) == 0 {
            return branch(ip, offset as isize, fp, mem, len, cx);
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    // One dispatch: the selected `br` word's offset is taken from here.
    BrTable(ip, fp, mem, len, cx) {
        operands!(ip, BrTable { index, len: n });
        let at = ip.add(1 + u32_(fp, index).min(n) as usize);
        match (*at).op {
            Op::Br { offset } => branch(at, offset as isize, fp, mem, len, cx),
            _ => dispatch(at, fp, mem, len, cx),
        }
    }
    // Returns to an interpreted caller of the same instance take no call.
    Return0(ip, fp, mem, len, cx) {
        let c = &mut *cx;
        match c.frames.last() {
            Some(caller) if caller.instance == c.instance => {
                let (caller_ip, caller_fp) = pop_frame(c);
                dispatch(caller_ip, caller_fp, mem, len, cx)
            }
            _ => return_elsewhere(fp, cx),
        }
    }
    Return1(ip, fp, mem, len, cx) {
        operands!(ip, Return1 { src });
        return_value(u64_(fp, src), fp, mem, len, cx)
    }
    ReturnN(ip, fp, mem, len, cx) {
        operands!(ip, ReturnN { count });
        move_results(ip.add(1), fp, count as usize);
        finish_return(fp, cx)
    }
    // Operand words are consumed by their instruction and never run.
    Args(ip, fp, mem, len, cx) {
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    Results(ip, fp, mem, len, cx) {
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    Imm(ip, fp, mem, len, cx) {
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    // Interpreted callees of this instance are entered here, with no call
    // on the way; compiled code and tier-up take `call_tiered`.
    CallInternal(ip, fp, mem, len, cx) {
        operands!(ip, CallInternal { func });
        if (*cx).jit_enabled {
            return call_tiered(ip, fp, mem, len, cx);
        }
        call_interpreted(ip.add(1), fp, func, mem, len, cx)
    }
    CallImported(ip, fp, mem, len, cx) {
        operands!(ip, CallImported { func });
        let c = &mut *cx;
        let f = (&*c.inner).instances[c.instance as usize].funcs[func as usize];
        match call_func(c, ip.add(1), fp, f, false) {
            Flow::Next => go_on(cx),
            flow => flow,
        }
    }
    // A function of this instance through table 0 is entered here, as by
    // `call`, checked against the table's call targets; anything else
    // (compiled code, other tables, instances and host functions, traps)
    // takes the store's resolver.
    CallIndirect(ip, fp, mem, len, cx) {
        operands!(ip, CallIndirect { index, ty });
        let Op::Imm { value: table } = (*ip.add(1)).op else { unreachable_unchecked() };
        let c = &mut *cx;
        let i = u32_(fp, index) as u64;
        if table == 0 && !c.jit_enabled {
            let type_id = (&*c.module).env.type_ids[ty as usize];
            if let Some(def) = (*c.table0).direct_callee(i, c.instance, type_id) {
                return call_interpreted(ip.add(2), fp, def, mem, len, cx);
            }
        }
        // `call_ref` of a function of this instance: entered here too.
        if table == crate::ir::CALL_REF && !c.jit_enabled {
            if let Some(def) = same_instance_callee(c, u64_(fp, index)) {
                return call_interpreted(ip.add(2), fp, def, mem, len, cx);
            }
        }
        let f = match bulk::indirect_callee(&*c.inner, c.instance, table, i as u32, ty) {
            Ok(f) => f,
            Err(code) => return trap(cx, code),
        };
        match call_func(c, ip.add(2), fp, f, false) {
            Flow::Next => go_on(cx),
            flow => flow,
        }
    }
    // Tail calls replace the running frame; an interpreted callee of this
    // instance is entered here, anything else takes `tail_call_wasm`.
    ReturnCallInternal(ip, fp, mem, len, cx) {
        operands!(ip, ReturnCallInternal { func });
        let c = &mut *cx;
        let callee = (*c.ready.add(func as usize)).load(Ordering::Acquire);
        if c.jit_enabled || callee.is_null() {
            return tail_call_elsewhere(ip, fp, mem, len, cx);
        }
        let callee = &*callee;
        stage_tail_arguments(c, ip.add(1), fp, callee.num_params as usize);
        if let Err(code) = replace_frame(c, fp, func, callee) {
            return trap(cx, code);
        }
        let code = callee.code.as_ptr();
        if c.epoch_reached() {
            (c.ip, c.fp) = (code, fp);
            return epoch_on_entry(cx);
        }
        dispatch(code, fp, mem, len, cx)
    }
    ReturnCallImported(ip, fp, mem, len, cx) {
        operands!(ip, ReturnCallImported { func });
        let c = &mut *cx;
        let f = (&*c.inner).instances[c.instance as usize].funcs[func as usize];
        match call_func(c, ip.add(1), fp, f, true) {
            Flow::Next => go_on(cx),
            flow => flow,
        }
    }
    ReturnCallIndirect(ip, fp, mem, len, cx) {
        operands!(ip, ReturnCallIndirect { index, ty });
        let Op::Imm { value: table } = (*ip.add(1)).op else { unreachable_unchecked() };
        let c = &mut *cx;
        let i = u32_(fp, index);
        let f = match bulk::indirect_callee(&*c.inner, c.instance, table, i, ty) {
            Ok(f) => f,
            Err(code) => return trap(cx, code),
        };
        match call_func(c, ip.add(2), fp, f, true) {
            Flow::Next => go_on(cx),
            flow => flow,
        }
    }
    Select(ip, fp, mem, len, cx) {
        operands!(ip, Select { dst, a, b });
        let cond = super::state::operand(ip.add(1), 0);
        // Both values are read and one kept by a conditional move: the
        // condition is often data (a min, a clamp), and picking which cell
        // to read would put it on the path of the load.
        let v = select(u32_(fp, cond), u64_(fp, a), u64_(fp, b));
        put(fp, dst, v);
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    GlobalGet(ip, fp, mem, len, cx) {
        operands!(ip, GlobalGet { dst, global });
        // Global pointers of the instance are stable and valid.
        let v = put_cell(fp, dst, **(*cx).globals.add(global as usize));
        dispatch_acc(ip.add(1), fp, mem, v, len, cx)
    }
    // SIMD: a `v128` is two cells; each handler reads all of its operands
    // before it writes (a result may share a cell with an operand that
    // dies there). The lane operation, named by a `V128Op`, is `crate::simd`'s.
    CopyV128(ip, fp, mem, len, cx) {
        operands!(ip, CopyV128 { dst, src });
        put_v128(fp, dst, v128_(fp, src));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    SelectV128(ip, fp, mem, len, cx) {
        operands!(ip, SelectV128 { dst, a, b });
        let cond = super::state::operand(ip.add(1), 0);
        let v = if u32_(fp, cond) != 0 { v128_(fp, a) } else { v128_(fp, b) };
        put_v128(fp, dst, v);
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    GlobalGetV128(ip, fp, mem, len, cx) {
        operands!(ip, GlobalGetV128 { dst, global });
        // A v128 global's pointer is to all 128 bits (`GlobalEntity`), a
        // `u128`: read at any alignment so as not to rely on its alignment
        // being `V128Bits`'s.
        let p = *(*cx).globals.add(global as usize);
        put_v128(fp, dst, load_v128(p.cast()));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    GlobalSetV128(ip, fp, mem, len, cx) {
        operands!(ip, GlobalSetV128 { src, global });
        let p = *(*cx).globals.add(global as usize);
        store_v128(p.cast(), v128_(fp, src));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    V128Unary(ip, fp, mem, len, cx) {
        operands!(ip, V128Unary { dst, src, op });
        put_v128(fp, dst, op.unary(v128_(fp, src)));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    V128Binary(ip, fp, mem, len, cx) {
        operands!(ip, V128Binary { dst, a, b });
        let op = v128_op(ip.add(1));
        put_v128(fp, dst, op.binary(v128_(fp, a), v128_(fp, b)));
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    V128Ternary(ip, fp, mem, len, cx) {
        operands!(ip, V128Ternary { dst, a, b });
        let c = super::state::operand(ip.add(1), 0);
        let op = v128_op(ip.add(2));
        put_v128(fp, dst, op.ternary(v128_(fp, a), v128_(fp, b), v128_(fp, c)));
        dispatch(ip.add(3), fp, mem, len, cx)
    }
    V128Shift(ip, fp, mem, len, cx) {
        operands!(ip, V128Shift { dst, a, count });
        let op = v128_op(ip.add(1));
        put_v128(fp, dst, op.shift(v128_(fp, a), u32_(fp, count)));
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    V128Splat(ip, fp, mem, len, cx) {
        operands!(ip, V128Splat { dst, src, op });
        put_v128(fp, dst, op.splat(u64_(fp, src)));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    V128Test(ip, fp, mem, len, cx) {
        operands!(ip, V128Test { dst, src, op });
        put(fp, dst, op.test(v128_(fp, src)));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    V128Extract(ip, fp, mem, len, cx) {
        operands!(ip, V128Extract { dst, src, op });
        let Op::Imm { value: lane } = (*ip.add(1)).op else { unreachable_unchecked() };
        put(fp, dst, op.extract(v128_(fp, src), lane as u8));
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    V128Replace(ip, fp, mem, len, cx) {
        operands!(ip, V128Replace { dst, src, x });
        let Op::Imm { value } = (*ip.add(1)).op else { unreachable_unchecked() };
        // SAFETY of the index: the translator wrote an operation's index.
        let op = *crate::ir::V128Op::ALL.get_unchecked((value & 0xffff) as usize);
        put_v128(fp, dst, op.replace(v128_(fp, src), u64_(fp, x), (value >> 16) as u8));
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    V128Shuffle(ip, fp, mem, len, cx) {
        operands!(ip, V128Shuffle { dst, a, b });
        let lanes = super::state::operand(ip.add(1), 0);
        let lanes: [u8; 16] = crate::simd::lanes(v128_(fp, lanes));
        put_v128(fp, dst, crate::simd::i8x16_shuffle(v128_(fp, a), v128_(fp, b), lanes));
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    V128Load(ip, fp, mem, len, cx) {
        operands!(ip, V128Load { dst, ptr, kind });
        let Some(p) = addr64(ip, fp, ptr, kind.size(), mem, len, cx) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        let v = match kind.size() {
            16 => load_v128(p),
            size => kind.loaded(load_low(p, size)),
        };
        put_v128(fp, dst, v);
        dispatch(ip.add(4), fp, mem, len, cx)
    }
    V128LoadLane(ip, fp, mem, len, cx) {
        operands!(ip, V128LoadLane { dst, ptr, vec });
        let Op::Imm { value } = (*ip.add(4)).op else { unreachable_unchecked() };
        let kind = *crate::ir::V128Mem::ALL.get_unchecked((value & 0xff) as usize);
        let Some(p) = addr64(ip, fp, ptr, kind.size(), mem, len, cx) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        let bits = load_low(p, kind.size());
        put_v128(fp, dst, kind.load_lane(v128_(fp, vec), bits, (value >> 8) as u8));
        dispatch(ip.add(5), fp, mem, len, cx)
    }
    V128Store(ip, fp, mem, len, cx) {
        operands!(ip, V128Store { ptr, val, kind });
        let Op::Imm { value: lane } = (*ip.add(4)).op else { unreachable_unchecked() };
        let Some(p) = addr64(ip, fp, ptr, kind.size(), mem, len, cx) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        let v = v128_(fp, val);
        match kind.size() {
            16 => store_v128(p, v),
            size => {
                let [low, _]: [u64; 2] = crate::simd::lanes(kind.stored(v, lane as u8));
                store_low(p, size, low);
            }
        }
        dispatch(ip.add(5), fp, mem, len, cx)
    }
    GlobalSet(ip, fp, mem, len, cx) {
        operands!(ip, GlobalSet { src, global });
        **(*cx).globals.add(global as usize) = u64_(fp, src);
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    LoadWide(ip, fp, mem, len, cx) {
        operands!(ip, LoadWide { dst, ptr, kind });
        let Op::Imm { value: offset } = (*ip.add(1)).op else { unreachable_unchecked() };
        let Some(p) = addr(fp, ptr, offset, kind.size(), mem, len) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        put(fp, dst, load_kind(p, kind));
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    StoreWide(ip, fp, mem, len, cx) {
        operands!(ip, StoreWide { ptr, val, kind });
        let Op::Imm { value: offset } = (*ip.add(1)).op else { unreachable_unchecked() };
        let Some(p) = addr(fp, ptr, offset, kind.size(), mem, len) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        store_kind(p, kind, u64_(fp, val));
        dispatch(ip.add(2), fp, mem, len, cx)
    }
    LoadMem(ip, fp, mem, len, cx) {
        operands!(ip, LoadMem { dst, ptr, kind });
        let Op::Imm { value: offset } = (*ip.add(1)).op else { unreachable_unchecked() };
        let Op::Imm { value: memory } = (*ip.add(2)).op else { unreachable_unchecked() };
        let (base, size) = memory_view(cx, memory);
        let Some(p) = addr(fp, ptr, offset, kind.size(), base, size) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        put(fp, dst, load_kind(p, kind));
        dispatch(ip.add(3), fp, mem, len, cx)
    }
    StoreMem(ip, fp, mem, len, cx) {
        operands!(ip, StoreMem { ptr, val, kind });
        let Op::Imm { value: offset } = (*ip.add(1)).op else { unreachable_unchecked() };
        let Op::Imm { value: memory } = (*ip.add(2)).op else { unreachable_unchecked() };
        let (base, size) = memory_view(cx, memory);
        let Some(p) = addr(fp, ptr, offset, kind.size(), base, size) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        store_kind(p, kind, u64_(fp, val));
        dispatch(ip.add(3), fp, mem, len, cx)
    }
    LoadMem64(ip, fp, mem, len, cx) {
        operands!(ip, LoadMem64 { dst, ptr, kind });
        let Some(p) = addr64(ip, fp, ptr, kind.size(), mem, len, cx) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        put(fp, dst, load_kind(p, kind));
        dispatch(ip.add(4), fp, mem, len, cx)
    }
    StoreMem64(ip, fp, mem, len, cx) {
        operands!(ip, StoreMem64 { ptr, val, kind });
        let Some(p) = addr64(ip, fp, ptr, kind.size(), mem, len, cx) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        store_kind(p, kind, u64_(fp, val));
        dispatch(ip.add(4), fp, mem, len, cx)
    }
    IndexSat(ip, fp, mem, len, cx) {
        operands!(ip, IndexSat { dst, src });
        put(fp, dst, u64_(fp, src).min(u32::MAX as u64));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    RefAsNonNull(ip, fp, mem, len, cx) {
        operands!(ip, RefAsNonNull { src });
        if u64_(fp, src) == 0 {
            return trap(cx, TrapCode::NullReference);
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    MemorySize(ip, fp, mem, len, cx) {
        operands!(ip, MemorySize { dst, memory });
        let bytes = if memory == 0 { len } else { memory_view(cx, memory).1 };
        put(fp, dst, bytes / crate::runtime::memory::PAGE_SIZE);
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    MemoryGrow(ip, fp, mem, len, cx) {
        operands!(ip, MemoryGrow { dst, delta, memory });
        let delta = u64_(fp, delta);
        (*cx).slow(Slow::MemoryGrow { dst, delta, memory }, ip.add(1), fp)
    }
    MemoryFill(ip, fp, mem, len, cx) {
        operands!(ip, MemoryFill { dst, val, len: n });
        let Op::Imm { value: memory } = (*ip.add(1)).op else { unreachable_unchecked() };
        let (d, v, n) = (u64_(fp, dst), u64_(fp, val) as u8, u64_(fp, n));
        on_store!(ip, fp, mem, len, cx, 2, bulk::memory_fill(&mut *(*cx).inner, (*cx).instance, memory, d, v, n))
    }
    MemoryCopy(ip, fp, mem, len, cx) {
        operands!(ip, MemoryCopy { dst, src, len: n });
        let Op::Imm { value: memories } = (*ip.add(1)).op else { unreachable_unchecked() };
        let (d, s, n) = (u64_(fp, dst), u64_(fp, src), u64_(fp, n));
        on_store!(ip, fp, mem, len, cx, 2, bulk::memory_copy(&mut *(*cx).inner, (*cx).instance, memories, d, s, n))
    }
    MemoryInit(ip, fp, mem, len, cx) {
        operands!(ip, MemoryInit { memory, data });
        let args = ip.add(1);
        let d = u64_(fp, super::state::operand(args, 0));
        let s = u64_(fp, super::state::operand(args, 1));
        let n = u64_(fp, super::state::operand(args, 2));
        on_store!(ip, fp, mem, len, cx, 2, bulk::memory_init(&mut *(*cx).inner, (*cx).instance, memory as u32, data, d, s, n))
    }
    DataDrop(ip, fp, mem, len, cx) {
        operands!(ip, DataDrop { data });
        bulk::data_drop(&mut *(*cx).inner, (*cx).instance, data);
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    TableGet(ip, fp, mem, len, cx) {
        operands!(ip, TableGet { dst, index, table });
        match bulk::table_get(&*(*cx).inner, (*cx).instance, table as u32, u64_(fp, index)) {
            Ok(v) => put(fp, dst, v),
            Err(code) => return trap(cx, code),
        }
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    TableSet(ip, fp, mem, len, cx) {
        operands!(ip, TableSet { index, val, table });
        let (i, v) = (u64_(fp, index), u64_(fp, val));
        on_store!(ip, fp, mem, len, cx, 1, bulk::table_set(&mut *(*cx).inner, (*cx).instance, table as u32, i, v))
    }
    TableSize(ip, fp, mem, len, cx) {
        operands!(ip, TableSize { dst, table });
        put(fp, dst, bulk::table_size(&*(*cx).inner, (*cx).instance, table));
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    TableGrow(ip, fp, mem, len, cx) {
        operands!(ip, TableGrow { dst, init, delta });
        let Op::Imm { value: table } = (*ip.add(1)).op else { unreachable_unchecked() };
        let (init, delta) = (u64_(fp, init), u64_(fp, delta));
        (*cx).slow(Slow::TableGrow { dst, table, init, delta }, ip.add(2), fp)
    }
    TableFill(ip, fp, mem, len, cx) {
        operands!(ip, TableFill { index, val, len: n });
        let Op::Imm { value: table } = (*ip.add(1)).op else { unreachable_unchecked() };
        let (i, v, n) = (u64_(fp, index), u64_(fp, val), u64_(fp, n));
        on_store!(ip, fp, mem, len, cx, 2, bulk::table_fill(&mut *(*cx).inner, (*cx).instance, table, i, v, n))
    }
    TableCopy(ip, fp, mem, len, cx) {
        operands!(ip, TableCopy { dst, src, len: n });
        let Op::Imm { value: tables } = (*ip.add(1)).op else { unreachable_unchecked() };
        let (d, s, n) = (u64_(fp, dst), u64_(fp, src), u64_(fp, n));
        let (td, ts) = (tables & 0xffff, tables >> 16);
        on_store!(ip, fp, mem, len, cx, 2, bulk::table_copy(&mut *(*cx).inner, (*cx).instance, td, ts, d, s, n))
    }
    TableInit(ip, fp, mem, len, cx) {
        operands!(ip, TableInit { table, elem });
        let args = ip.add(1);
        let d = u64_(fp, super::state::operand(args, 0));
        let s = u64_(fp, super::state::operand(args, 1));
        let n = u64_(fp, super::state::operand(args, 2));
        let inner = &mut *(*cx).inner;
        on_store!(ip, fp, mem, len, cx, 2, bulk::table_init(inner, (*cx).instance, table as u32, elem, d, s, n))
    }
    ElemDrop(ip, fp, mem, len, cx) {
        operands!(ip, ElemDrop { elem });
        bulk::elem_drop(&mut *(*cx).inner, (*cx).instance, elem);
        dispatch(ip.add(1), fp, mem, len, cx)
    }
    Throw(ip, fp, mem, len, cx) {
        operands!(ip, Throw { tag });
        exceptions::throw(&mut *cx, ip, fp, tag)
    }
    ThrowRef(ip, fp, mem, len, cx) {
        operands!(ip, ThrowRef { exn });
        exceptions::throw_ref(&mut *cx, ip, fp, u64_(fp, exn))
    }
    Rethrow(ip, fp, mem, len, cx) {
        exceptions::rethrow(&mut *cx, ip, fp)
    }
    Catch(ip, fp, mem, len, cx) {
        operands!(ip, Catch { tag });
        match exceptions::catch(&mut *cx, ip, fp, tag) {
            Some(next) => dispatch(next, fp, mem, len, cx),
            None => trap(cx, TrapCode::Unreachable),
        }
    }
    RefFunc(ip, fp, mem, len, cx) {
        operands!(ip, RefFunc { dst, func });
        let c = &*cx;
        let f = (&*c.inner).instances[c.instance as usize].funcs[func as usize];
        put(fp, dst, f as u64 + 1);
        dispatch(ip.add(1), fp, mem, len, cx)
    }
}

/// Moves `n` results, read from the registers in the `args` words at
/// `args`, to cells `0..n`. Out of line: its buffer would otherwise be a
/// local of the handler, whose address escaping keeps its tail call a call.
#[inline(never)]
unsafe fn move_results(args: Ip, fp: *mut u64, n: usize) {
    // Results may be read from cells that earlier results overwrite.
    let mut tmp = [0u64; 16];
    let mut heap;
    let vals: &mut [u64] = if n <= 16 {
        &mut tmp[..n]
    } else {
        heap = vec![0u64; n];
        &mut heap
    };
    // SAFETY: `n` registers follow in args words; they and cells `0..n`
    // are frame cells.
    unsafe {
        for (k, v) in vals.iter_mut().enumerate() {
            *v = u64_(fp, super::state::operand(args, k));
        }
        for (k, &v) in vals.iter().enumerate() {
            *fp.add(k) = v;
        }
    }
}

/// Pops the running frame for a return to its caller in the same
/// instance; gives the caller's results words and frame.
#[inline(always)]
unsafe fn pop_frame(cx: &mut Exec) -> (Ip, *mut u64) {
    // SAFETY: the caller checked there is a frame.
    unsafe {
        let caller = cx.frames.pop().unwrap_unchecked();
        cx.body = caller.body;
        (caller.ip, caller.fp)
    }
}

/// Enters interpreted function `def` of the running instance, called by
/// the running function with its operand words at `args`.
#[inline(always)]
unsafe fn call_interpreted(
    args: Ip,
    fp: *mut u64,
    def: u32,
    mem: *mut u8,
    len: u64,
    cx: *mut Exec,
) -> Flow {
    // SAFETY: as the handlers; `ready` covers the module's functions, and
    // a body it points to lives as long as the module.
    unsafe {
        let c = &mut *cx;
        let callee = (*c.ready.add(def as usize)).load(Ordering::Acquire);
        if callee.is_null() {
            return call_untranslated(args, fp, def, mem, len, cx);
        }
        if c.frames.len() >= c.frame_limit {
            return call_needs_room(args, fp, def, mem, len, cx);
        }
        let callee = &*callee;
        let new_fp = match push_frame(c, c.instance, args, fp, def, callee) {
            Ok(new_fp) => new_fp,
            Err(code) => return trap(cx, code),
        };
        let code = callee.code.as_ptr();
        if c.epoch_reached() {
            (c.ip, c.fp) = (code, new_fp);
            return epoch_on_entry(cx);
        }
        dispatch(code, new_fp, mem, len, cx)
    }
}

/// [`call_interpreted`] when `frames` is full: grows it, or traps at the
/// call depth limit.
#[cold]
#[inline(never)]
unsafe fn call_needs_room(
    args: Ip,
    fp: *mut u64,
    def: u32,
    mem: *mut u8,
    len: u64,
    cx: *mut Exec,
) -> Flow {
    // SAFETY: as the handlers.
    unsafe {
        if let Err(code) = (*cx).make_room() {
            return trap(cx, code);
        }
        call_interpreted(args, fp, def, mem, len, cx)
    }
}

/// Returns `v` from the running frame at `fp`: into the caller's result
/// register when the caller is interpreted in this instance.
///
/// # Safety
/// As the handlers.
#[inline(always)]
unsafe fn return_value(v: u64, fp: *mut u64, mem: *mut u8, len: u64, cx: *mut Exec) -> Flow {
    // SAFETY: as the handlers.
    unsafe {
        let c = &mut *cx;
        match c.frames.last() {
            Some(caller) if caller.instance == c.instance => {
                let (results, caller_fp) = pop_frame(c);
                put(caller_fp, super::state::operand(results, 0), v);
                dispatch(results.add(1), caller_fp, mem, len, cx)
            }
            _ => {
                *fp = v;
                return_elsewhere(fp, cx)
            }
        }
    }
}

/// [`call_interpreted`] of a function not translated yet (lazy
/// compilation): translates it, out of the calls' line.
#[cold]
#[inline(never)]
unsafe fn call_untranslated(
    args: Ip,
    fp: *mut u64,
    def: u32,
    mem: *mut u8,
    len: u64,
    cx: *mut Exec,
) -> Flow {
    // SAFETY: as the handlers.
    unsafe {
        match (*(*cx).module).body(def) {
            Ok(_) => call_interpreted(args, fp, def, mem, len, cx),
            Err(e) => (*cx).fail(e),
        }
    }
}

/// A return to another instance or out of the entry frame, out of line
/// so that the handlers' fast paths save no registers.
#[inline(never)]
unsafe fn return_elsewhere(fp: *mut u64, cx: *mut Exec) -> Flow {
    // SAFETY: as the handlers.
    unsafe { finish_return(fp, cx) }
}

/// `call` when the callee may be compiled or due to be.
#[inline(never)]
unsafe fn call_tiered(ip: Ip, fp: *mut u64, _: *mut u8, _: u64, cx: *mut Exec) -> Flow {
    // SAFETY: as the handlers.
    unsafe {
        let Op::CallInternal { func } = (*ip).op else {
            unreachable_unchecked()
        };
        let c = &mut *cx;
        let instance = c.instance;
        match call_wasm(c, ip.add(1), fp, instance, func) {
            Flow::Next => go_on(cx),
            flow => flow,
        }
    }
}

/// `return_call` when the callee may be compiled or due to be, or is not
/// translated yet.
#[inline(never)]
unsafe fn tail_call_elsewhere(ip: Ip, fp: *mut u64, _: *mut u8, _: u64, cx: *mut Exec) -> Flow {
    // SAFETY: as the handlers.
    unsafe {
        let Op::ReturnCallInternal { func } = (*ip).op else {
            unreachable_unchecked()
        };
        let c = &mut *cx;
        let instance = c.instance;
        match tail_call_wasm(c, ip.add(1), fp, instance, func) {
            Flow::Next => go_on(cx),
            flow => flow,
        }
    }
}

/// A call found the epoch deadline reached on entering its callee.
#[inline(never)]
unsafe fn epoch_on_entry(cx: *mut Exec) -> Flow {
    // SAFETY: `cx` is live.
    unsafe { (*cx).epoch_on_entry() }
}

/// Returns from the running function at `fp`, whose results are in place.
#[inline(always)]
unsafe fn finish_return(fp: *mut u64, cx: *mut Exec) -> Flow {
    // SAFETY: see the module documentation.
    unsafe {
        match return_to_caller(&mut *cx, fp) {
            Flow::Next => go_on(cx),
            flow => flow,
        }
    }
}

load! {
    I32Load {fwd_i32_load} <I32LoadAcc> (u32) |v| v;
    I64Load <I64LoadAcc> (u64) |v| v;
    F32Load <F32LoadAcc> (u32) |v| v;
    F64Load <F64LoadAcc> (u64) |v| v;
    I32Load8S <I32Load8SAcc> (i8) |v| v as i32;
    I32Load8U <I32Load8UAcc> (u8) |v| v as u32;
    I32Load16S <I32Load16SAcc> (i16) |v| v as i32;
    I32Load16U <I32Load16UAcc> (u16) |v| v as u32;
    I64Load8S <I64Load8SAcc> (i8) |v| v as i64;
    I64Load8U <I64Load8UAcc> (u8) |v| v as u64;
    I64Load16S <I64Load16SAcc> (i16) |v| v as i64;
    I64Load16U <I64Load16UAcc> (u16) |v| v as u64;
    I64Load32S <I64Load32SAcc> (i32) |v| v as i64;
    I64Load32U <I64Load32UAcc> (u32) |v| v as u64;
}

load_sum! {
    I32LoadSum {fwd_i32_load_sum} <I32LoadSumAcc> (u32) |v| v;
    I64LoadSum <I64LoadSumAcc> (u64) |v| v;
    F32LoadSum <F32LoadSumAcc> (u32) |v| v;
    F64LoadSum <F64LoadSumAcc> (u64) |v| v;
    I32Load8SSum <I32Load8SSumAcc> (i8) |v| v as i32;
    I32Load8USum <I32Load8USumAcc> (u8) |v| v as u32;
    I32Load16SSum <I32Load16SSumAcc> (i16) |v| v as i32;
    I32Load16USum <I32Load16USumAcc> (u16) |v| v as u32;
}

store_sum! {
    I32StoreSum <I32StoreSumAcc> (u32);
    I64StoreSum <I64StoreSumAcc> (u64);
    F32StoreSum <F32StoreSumAcc> (u32);
    F64StoreSum <F64StoreSumAcc> (u64);
    I32Store8Sum <I32Store8SumAcc> (u8);
    I32Store16Sum <I32Store16SumAcc> (u16);
}

store! {
    I32Store <I32StoreAcc> (u32);
    I64Store <I64StoreAcc> (u64);
    F32Store <F32StoreAcc> (u32);
    F64Store <F64StoreAcc> (u64);
    I32Store8 <I32Store8Acc> (u8);
    I32Store16 <I32Store16Acc> (u16);
    I64Store8 <I64Store8Acc> (u8);
    I64Store16 <I64Store16Acc> (u16);
    I64Store32 <I64Store32Acc> (u32);
}

unary! {
    I32ReinterpretF32 <I32ReinterpretF32Acc> (u32_) |x| x;
    I32Eqz <I32EqzAcc> (u32_) |x| x == 0;
    I64Eqz <I64EqzAcc> (u64_) |x| x == 0;
    I32Clz <I32ClzAcc> (u32_) |x| x.leading_zeros();
    I32Ctz <I32CtzAcc> (u32_) |x| x.trailing_zeros();
    I32Popcnt <I32PopcntAcc> (u32_) |x| x.count_ones();
    I64Clz <I64ClzAcc> (u64_) |x| x.leading_zeros();
    I64Ctz <I64CtzAcc> (u64_) |x| x.trailing_zeros();
    I64Popcnt <I64PopcntAcc> (u64_) |x| x.count_ones();
    F32Abs <F32AbsAcc> (u32_) |x| x & 0x7fff_ffff;
    F32Neg <F32NegAcc> (u32_) |x| x ^ 0x8000_0000;
    F32Ceil <F32CeilAcc> (f32_) |x| quiet32(x.ceil());
    F32Floor <F32FloorAcc> (f32_) |x| quiet32(x.floor());
    F32Trunc <F32TruncAcc> (f32_) |x| quiet32(x.trunc());
    F32Nearest <F32NearestAcc> (f32_) |x| quiet32(x.round_ties_even());
    F32Sqrt <F32SqrtAcc> (f32_) |x| x.sqrt();
    F64Abs <F64AbsAcc> (u64_) |x| x & 0x7fff_ffff_ffff_ffff;
    F64Neg <F64NegAcc> (u64_) |x| x ^ 0x8000_0000_0000_0000;
    F64Ceil <F64CeilAcc> (f64_) |x| quiet64(x.ceil());
    F64Floor <F64FloorAcc> (f64_) |x| quiet64(x.floor());
    F64Trunc <F64TruncAcc> (f64_) |x| quiet64(x.trunc());
    F64Nearest <F64NearestAcc> (f64_) |x| quiet64(x.round_ties_even());
    F64Sqrt <F64SqrtAcc> (f64_) |x| x.sqrt();
    I32WrapI64 <I32WrapI64Acc> (u64_) |x| x as u32;
    I64ExtendI32S <I64ExtendI32SAcc> (i32_) |x| x as i64;
    I64ExtendI32U [i64_extend_i32_u] <I64ExtendI32UAcc> (u32_) |x| x as u64;
    F32ConvertI32S <F32ConvertI32SAcc> (i32_) |x| x as f32;
    F32ConvertI32U <F32ConvertI32UAcc> (u32_) |x| x as f32;
    F32ConvertI64S <F32ConvertI64SAcc> (i64_) |x| x as f32;
    F32ConvertI64U <F32ConvertI64UAcc> (u64_) |x| x as f32;
    F32DemoteF64 <F32DemoteF64Acc> (f64_) |x| x as f32;
    F64ConvertI32S <F64ConvertI32SAcc> (i32_) |x| x as f64;
    F64ConvertI32U <F64ConvertI32UAcc> (u32_) |x| x as f64;
    F64ConvertI64S <F64ConvertI64SAcc> (i64_) |x| x as f64;
    F64ConvertI64U <F64ConvertI64UAcc> (u64_) |x| x as f64;
    F64PromoteF32 <F64PromoteF32Acc> (f32_) |x| x as f64;
    I32Extend8S <I32Extend8SAcc> (u64_) |x| x as i8 as i32;
    I32Extend16S <I32Extend16SAcc> (u64_) |x| x as i16 as i32;
    I64Extend8S <I64Extend8SAcc> (u64_) |x| x as i8 as i64;
    I64Extend16S <I64Extend16SAcc> (u64_) |x| x as i16 as i64;
    I64Extend32S <I64Extend32SAcc> (u64_) |x| x as i32 as i64;
    // `as` from float to int saturates and maps NaN to zero, as these require.
    I32TruncSatF32S <I32TruncSatF32SAcc> (f32_) |x| x as i32;
    I32TruncSatF32U <I32TruncSatF32UAcc> (f32_) |x| x as u32;
    I32TruncSatF64S <I32TruncSatF64SAcc> (f64_) |x| x as i32;
    I32TruncSatF64U <I32TruncSatF64UAcc> (f64_) |x| x as u32;
    I64TruncSatF32S <I64TruncSatF32SAcc> (f32_) |x| x as i64;
    I64TruncSatF32U <I64TruncSatF32UAcc> (f32_) |x| x as u64;
    I64TruncSatF64S <I64TruncSatF64SAcc> (f64_) |x| x as i64;
    I64TruncSatF64U <I64TruncSatF64UAcc> (f64_) |x| x as u64;
}

binary! {
    I32Eq <I32EqAcc> (u32_) |x, y| x == y;
    I32Ne <I32NeAcc> (u32_) |x, y| x != y;
    I32LtS <I32LtSAcc> (i32_) |x, y| x < y;
    I32LtU <I32LtUAcc> (u32_) |x, y| x < y;
    I32GtS <I32GtSAcc> (i32_) |x, y| x > y;
    I32GtU <I32GtUAcc> (u32_) |x, y| x > y;
    I32LeS <I32LeSAcc> (i32_) |x, y| x <= y;
    I32LeU <I32LeUAcc> (u32_) |x, y| x <= y;
    I32GeS <I32GeSAcc> (i32_) |x, y| x >= y;
    I32GeU <I32GeUAcc> (u32_) |x, y| x >= y;
    I64Eq <I64EqAcc> (u64_) |x, y| x == y;
    I64Ne <I64NeAcc> (u64_) |x, y| x != y;
    I64LtS <I64LtSAcc> (i64_) |x, y| x < y;
    I64LtU <I64LtUAcc> (u64_) |x, y| x < y;
    I64GtS <I64GtSAcc> (i64_) |x, y| x > y;
    I64GtU <I64GtUAcc> (u64_) |x, y| x > y;
    I64LeS <I64LeSAcc> (i64_) |x, y| x <= y;
    I64LeU <I64LeUAcc> (u64_) |x, y| x <= y;
    I64GeS <I64GeSAcc> (i64_) |x, y| x >= y;
    I64GeU <I64GeUAcc> (u64_) |x, y| x >= y;
    F32Eq <F32EqAcc> (f32_) |x, y| x == y;
    F32Ne <F32NeAcc> (f32_) |x, y| x != y;
    F32Lt <F32LtAcc> (f32_) |x, y| x < y;
    F32Gt <F32GtAcc> (f32_) |x, y| x > y;
    F32Le <F32LeAcc> (f32_) |x, y| x <= y;
    F32Ge <F32GeAcc> (f32_) |x, y| x >= y;
    F64Eq <F64EqAcc> (f64_) |x, y| x == y;
    F64Ne <F64NeAcc> (f64_) |x, y| x != y;
    F64Lt <F64LtAcc> (f64_) |x, y| x < y;
    F64Gt <F64GtAcc> (f64_) |x, y| x > y;
    F64Le <F64LeAcc> (f64_) |x, y| x <= y;
    F64Ge <F64GeAcc> (f64_) |x, y| x >= y;
    I32Add [i32_add] {fwd_i32_add} <I32AddAcc> (u32_) |x, y| x.wrapping_add(y);
    I32Sub [i32_sub] {fwd_i32_sub} <I32SubAcc> (u32_) |x, y| x.wrapping_sub(y);
    I32Mul [i32_mul] <I32MulAcc> (u32_) |x, y| x.wrapping_mul(y);
    I32And {fwd_i32_and} <I32AndAcc> (u32_) |x, y| x & y;
    I32Or <I32OrAcc> (u32_) |x, y| x | y;
    I32Xor [i32_xor] {fwd_i32_xor} <I32XorAcc> (u32_) |x, y| x ^ y;
    I32Shl [i32_shl] {fwd_i32_shl} <I32ShlAcc> (u32_) |x, y| x.wrapping_shl(y);
    I32ShrS <I32ShrSAcc> (i32_) |x, y| x.wrapping_shr(y as u32);
    I32ShrU [i32_shr_u] {fwd_i32_shr_u} <I32ShrUAcc> (u32_) |x, y| x.wrapping_shr(y);
    I32Rotl <I32RotlAcc> (u32_) |x, y| x.rotate_left(y);
    I32Rotr <I32RotrAcc> (u32_) |x, y| x.rotate_right(y);
    I64Add [i64_add] {fwd_i64_add} <I64AddAcc> (u64_) |x, y| x.wrapping_add(y);
    I64Sub <I64SubAcc> (u64_) |x, y| x.wrapping_sub(y);
    I64Mul <I64MulAcc> (u64_) |x, y| x.wrapping_mul(y);
    I64And <I64AndAcc> (u64_) |x, y| x & y;
    I64Or <I64OrAcc> (u64_) |x, y| x | y;
    I64Xor <I64XorAcc> (u64_) |x, y| x ^ y;
    I64Shl <I64ShlAcc> (u64_) |x, y| x.wrapping_shl(y as u32);
    I64ShrS <I64ShrSAcc> (i64_) |x, y| x.wrapping_shr(y as u32);
    I64ShrU <I64ShrUAcc> (u64_) |x, y| x.wrapping_shr(y as u32);
    I64Rotl <I64RotlAcc> (u64_) |x, y| x.rotate_left((y & 63) as u32);
    I64Rotr <I64RotrAcc> (u64_) |x, y| x.rotate_right((y & 63) as u32);
    F32Add <F32AddAcc> (f32_) |x, y| x + y;
    F32Sub <F32SubAcc> (f32_) |x, y| x - y;
    F32Mul <F32MulAcc> (f32_) |x, y| x * y;
    F32Div <F32DivAcc> (f32_) |x, y| x / y;
    F32Min <F32MinAcc> (f32_) |x, y| fmin32(x, y);
    F32Max <F32MaxAcc> (f32_) |x, y| fmax32(x, y);
    F32Copysign <F32CopysignAcc> (u32_) |x, y| (x & 0x7fff_ffff) | (y & 0x8000_0000);
    F64Add [f64_add] {fwd_f64_add} <F64AddAcc> (f64_) |x, y| x + y;
    F64Sub <F64SubAcc> (f64_) |x, y| x - y;
    F64Mul [f64_mul] {fwd_f64_mul} <F64MulAcc> (f64_) |x, y| x * y;
    F64Div <F64DivAcc> (f64_) |x, y| x / y;
    F64Min <F64MinAcc> (f64_) |x, y| fmin64(x, y);
    F64Max <F64MaxAcc> (f64_) |x, y| fmax64(x, y);
    F64Copysign <F64CopysignAcc> (u64_) |x, y| (x & 0x7fff_ffff_ffff_ffff) | (y & 0x8000_0000_0000_0000);
}

division! {
    I32DivS(i32_) |x, y| x.checked_div(y);
    I32DivU(u32_) |x, y| x.checked_div(y);
    I32RemS(i32_) |x, y| Some(x.wrapping_rem(y));
    I32RemU(u32_) |x, y| Some(x % y);
    I64DivS(i64_) |x, y| x.checked_div(y);
    I64DivU(u64_) |x, y| x.checked_div(y);
    I64RemS(i64_) |x, y| Some(x.wrapping_rem(y));
    I64RemU(u64_) |x, y| Some(x % y);
}

// The lower bounds: -2^31 - 1; -1; and for i64 the f64 just below -2^63
// (-2^63 - 2^11), as -2^63 - 1 has no f64.
truncation! {
    I32TruncF32S(f32_, -2147483649.0, 2147483648.0, i32);
    I32TruncF32U(f32_, -1.0, 4294967296.0, u32);
    I32TruncF64S(f64_, -2147483649.0, 2147483648.0, i32);
    I32TruncF64U(f64_, -1.0, 4294967296.0, u32);
    I64TruncF32S(f32_, -9223372036854777856.0, 9223372036854775808.0, i64);
    I64TruncF32U(f32_, -1.0, 18446744073709551616.0, u64);
    I64TruncF64S(f64_, -9223372036854777856.0, 9223372036854775808.0, i64);
    I64TruncF64U(f64_, -1.0, 18446744073709551616.0, u64);
}

fused! {
    I32AddThenBrIfI32LtU / I32AddIntoBrIfI32LtU via fwd_br_if_i32_lt_u = i32_add then BrIfI32LtU;
    I64AddThenI32Add / I64AddIntoI32Add via fwd_i32_add = i64_add then I32Add;
    CopyThenCopy / CopyIntoCopy via fwd_copy = copy then Copy;
    I32AddThenI32Shl / I32AddIntoI32Shl via fwd_i32_shl = i32_add then I32Shl;
    I32AddThenI32Add / I32AddIntoI32Add via fwd_i32_add = i32_add then I32Add;
    I32AddThenBr = i32_add then Br;
    I32ShrUThenI32Xor / I32ShrUIntoI32Xor via fwd_i32_xor = i32_shr_u then I32Xor;
    F64MulThenF64Add / F64MulIntoF64Add via fwd_f64_add = f64_mul then F64Add;
    I64ExtendI32UThenI64Add / I64ExtendI32UIntoI64Add via fwd_i64_add = i64_extend_i32_u then I64Add;
    I64AddThenCopy / I64AddIntoCopy via fwd_copy = i64_add then Copy;
    I32XorThenI32And / I32XorIntoI32And via fwd_i32_and = i32_xor then I32And;
    I32ShlThenI32LoadSum / I32ShlIntoI32LoadSum via fwd_i32_load_sum = i32_shl then I32LoadSum;
    I32ShlThenI32Xor / I32ShlIntoI32Xor via fwd_i32_xor = i32_shl then I32Xor;
    I32MulThenI32Add / I32MulIntoI32Add via fwd_i32_add = i32_mul then I32Add;
    I32AddThenCopy / I32AddIntoCopy via fwd_copy = i32_add then Copy;
    CopyThenI32Sub / CopyIntoI32Sub via fwd_i32_sub = copy then I32Sub;
    I32SubThenBr = i32_sub then Br;
    F64MulThenF64Mul / F64MulIntoF64Mul via fwd_f64_mul = f64_mul then F64Mul;
    CopyThenI32Add / CopyIntoI32Add via fwd_i32_add = copy then I32Add;
    CopyThenBr = copy then Br;
    I32AddThenI32Load / I32AddIntoI32Load via fwd_i32_load = i32_add then I32Load;
    F64AddThenCopy / F64AddIntoCopy via fwd_copy = f64_add then Copy;
    I32XorThenI32Shl / I32XorIntoI32Shl via fwd_i32_shl = i32_xor then I32Shl;
    I32XorThenI32ShrU / I32XorIntoI32ShrU via fwd_i32_shr_u = i32_xor then I32ShrU;
    I32ShlThenI32Add / I32ShlIntoI32Add via fwd_i32_add = i32_shl then I32Add;
}

compare_branch! {
    BrIfI32Eq <BrIfI32EqAcc> (u32_) |x, y| x == y;
    BrIfI32Ne <BrIfI32NeAcc> (u32_) |x, y| x != y;
    BrIfI32LtS <BrIfI32LtSAcc> (i32_) |x, y| x < y;
    BrIfI32LtU {fwd_br_if_i32_lt_u} <BrIfI32LtUAcc> (u32_) |x, y| x < y;
    BrIfI32GtS <BrIfI32GtSAcc> (i32_) |x, y| x > y;
    BrIfI32GtU <BrIfI32GtUAcc> (u32_) |x, y| x > y;
    BrIfI32LeS <BrIfI32LeSAcc> (i32_) |x, y| x <= y;
    BrIfI32LeU <BrIfI32LeUAcc> (u32_) |x, y| x <= y;
    BrIfI32GeS <BrIfI32GeSAcc> (i32_) |x, y| x >= y;
    BrIfI32GeU <BrIfI32GeUAcc> (u32_) |x, y| x >= y;
    BrIfI64Eq <BrIfI64EqAcc> (u64_) |x, y| x == y;
    BrIfI64Ne <BrIfI64NeAcc> (u64_) |x, y| x != y;
    BrIfI64LtS <BrIfI64LtSAcc> (i64_) |x, y| x < y;
    BrIfI64LtU <BrIfI64LtUAcc> (u64_) |x, y| x < y;
    BrIfI64GtS <BrIfI64GtSAcc> (i64_) |x, y| x > y;
    BrIfI64GtU <BrIfI64GtUAcc> (u64_) |x, y| x > y;
    BrIfI64LeS <BrIfI64LeSAcc> (i64_) |x, y| x <= y;
    BrIfI64LeU <BrIfI64LeUAcc> (u64_) |x, y| x <= y;
    BrIfI64GeS <BrIfI64GeSAcc> (i64_) |x, y| x >= y;
    BrIfI64GeU <BrIfI64GeUAcc> (u64_) |x, y| x >= y;
    BrIfF32Eq <BrIfF32EqAcc> (f32_) |x, y| x == y;
    BrIfF32Ne <BrIfF32NeAcc> (f32_) |x, y| x != y;
    BrIfF32Lt <BrIfF32LtAcc> (f32_) |x, y| x < y;
    BrIfF32Gt <BrIfF32GtAcc> (f32_) |x, y| x > y;
    BrIfF32Le <BrIfF32LeAcc> (f32_) |x, y| x <= y;
    BrIfF32Ge <BrIfF32GeAcc> (f32_) |x, y| x >= y;
    BrIfF32NotLt <BrIfF32NotLtAcc> (f32_) |x, y| !x.lt(&y);
    BrIfF32NotGt <BrIfF32NotGtAcc> (f32_) |x, y| !x.gt(&y);
    BrIfF32NotLe <BrIfF32NotLeAcc> (f32_) |x, y| !x.le(&y);
    BrIfF32NotGe <BrIfF32NotGeAcc> (f32_) |x, y| !x.ge(&y);
    BrIfF64Eq <BrIfF64EqAcc> (f64_) |x, y| x == y;
    BrIfF64Ne <BrIfF64NeAcc> (f64_) |x, y| x != y;
    BrIfF64Lt <BrIfF64LtAcc> (f64_) |x, y| x < y;
    BrIfF64Gt <BrIfF64GtAcc> (f64_) |x, y| x > y;
    BrIfF64Le <BrIfF64LeAcc> (f64_) |x, y| x <= y;
    BrIfF64Ge <BrIfF64GeAcc> (f64_) |x, y| x >= y;
    BrIfF64NotLt <BrIfF64NotLtAcc> (f64_) |x, y| !x.lt(&y);
    BrIfF64NotGt <BrIfF64NotGtAcc> (f64_) |x, y| !x.gt(&y);
    BrIfF64NotLe <BrIfF64NotLeAcc> (f64_) |x, y| !x.le(&y);
    BrIfF64NotGe <BrIfF64NotGeAcc> (f64_) |x, y| !x.ge(&y);
}

/// A handler per SIMD lane operation, of every shape, so that the
/// operation costs no second dispatch: the shape's own handler
/// (`V128Binary`, ...) reads the operation and matches on it, which is one
/// shared indirect jump for all of them (and, in one function, keeps LLVM
/// from vectorising the lane code). `specialize` points each such
/// instruction's slot at its operation's.
macro_rules! v128_op_handlers {
    (Unary { $($u:ident => $uf:ident,)* }
     Binary { $($b:ident => $bf:ident,)* }
     Ternary { $($t:ident => $tf:ident,)* }
     Shift { $($s:ident => $sf:ident,)* }
     Splat { $($p:ident => $pf:ident,)* }
     Test { $($q:ident => $qf:ident,)* }
     Extract { $($e:ident => $ef:ident,)* }
     Replace { $($r:ident => $rf:ident,)* }) => {
        #[allow(non_snake_case)]
        mod v128_op_handlers {
            use super::*;
            use crate::ir::V128Op;

            $(
                pub(super) unsafe fn $u(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Unary { dst, src, op: _ });
                        put_v128(fp, dst, crate::simd::$uf(v128_(fp, src)));
                        dispatch(ip.add(1), fp, mem, len, cx)
                    }
                }
            )*
            $(
                pub(super) unsafe fn $b(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Binary { dst, a, b });
                        put_v128(fp, dst, crate::simd::$bf(v128_(fp, a), v128_(fp, b)));
                        dispatch(ip.add(2), fp, mem, len, cx)
                    }
                }
            )*
            $(
                pub(super) unsafe fn $s(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Shift { dst, a, count });
                        put_v128(fp, dst, crate::simd::$sf(v128_(fp, a), u32_(fp, count)));
                        dispatch(ip.add(2), fp, mem, len, cx)
                    }
                }
            )*

            $(
                pub(super) unsafe fn $t(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Ternary { dst, a, b });
                        let c = crate::interp::state::operand(ip.add(1), 0);
                        let v = crate::simd::$tf(v128_(fp, a), v128_(fp, b), v128_(fp, c));
                        put_v128(fp, dst, v);
                        dispatch(ip.add(3), fp, mem, len, cx)
                    }
                }
            )*
            $(
                pub(super) unsafe fn $p(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Splat { dst, src, op: _ });
                        put_v128(fp, dst, crate::simd::$pf(u64_(fp, src)));
                        dispatch(ip.add(1), fp, mem, len, cx)
                    }
                }
            )*
            $(
                pub(super) unsafe fn $q(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Test { dst, src, op: _ });
                        put(fp, dst, crate::simd::$qf(v128_(fp, src)));
                        dispatch(ip.add(1), fp, mem, len, cx)
                    }
                }
            )*
            $(
                pub(super) unsafe fn $e(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Extract { dst, src, op: _ });
                        let Op::Imm { value: lane } = (*ip.add(1)).op else { unreachable_unchecked() };
                        put(fp, dst, crate::simd::$ef(v128_(fp, src), lane as u8));
                        dispatch(ip.add(2), fp, mem, len, cx)
                    }
                }
            )*
            $(
                pub(super) unsafe fn $r(ip: Ip, fp: *mut u64, mem: *mut u8, _: Acc, len: u64, cx: *mut Exec) -> Flow {
                    // SAFETY: as the shape's handler.
                    unsafe {
                        operands!(ip, V128Replace { dst, src, x });
                        let Op::Imm { value } = (*ip.add(1)).op else { unreachable_unchecked() };
                        let v = crate::simd::$rf(v128_(fp, src), u64_(fp, x), (value >> 16) as u8);
                        put_v128(fp, dst, v);
                        dispatch(ip.add(2), fp, mem, len, cx)
                    }
                }
            )*

            /// The handler of operation `op` of an instruction of shape
            /// `shape`, if it has its own.
            pub(super) fn of(shape: Opcode, op: V128Op) -> Option<Handler> {
                Some(match (shape, op) {
                    $((Opcode::V128Unary, V128Op::$u) => $u,)*
                    $((Opcode::V128Binary, V128Op::$b) => $b,)*
                    $((Opcode::V128Ternary, V128Op::$t) => $t,)*
                    $((Opcode::V128Shift, V128Op::$s) => $s,)*
                    $((Opcode::V128Splat, V128Op::$p) => $p,)*
                    $((Opcode::V128Test, V128Op::$q) => $q,)*
                    $((Opcode::V128Extract, V128Op::$e) => $e,)*
                    $((Opcode::V128Replace, V128Op::$r) => $r,)*
                    _ => return None,
                })
            }
        }
    };
}

crate::ir::for_each_v128_op!(v128_op_handlers);

/// `v128.load` of the one kind `V128Mem::ALL[K]`, whose size and lane
/// conversion are then fixed where the generic handler branches on them.
unsafe fn v128_load_of<const K: usize>(
    ip: Ip,
    fp: *mut u64,
    mem: *mut u8,
    _: Acc,
    len: u64,
    cx: *mut Exec,
) -> Flow {
    // SAFETY: as `V128Load`'s handler; `specialize` gives this handler to
    // loads of kind `K` only.
    unsafe {
        operands!(ip, V128Load { dst, ptr, kind: _ });
        let kind = crate::ir::V128Mem::ALL[K];
        let Some(p) = addr64(ip, fp, ptr, kind.size(), mem, len, cx) else {
            return trap(cx, TrapCode::MemoryOutOfBounds);
        };
        let v = match kind.size() {
            16 => load_v128(p),
            size => kind.loaded(load_low(p, size)),
        };
        put_v128(fp, dst, v);
        dispatch(ip.add(4), fp, mem, len, cx)
    }
}

/// [`v128_load_of`] for each kind of `v128.load` (the `V128Mem`s before the
/// lane loads).
const V128_LOADS: [Handler; 13] = [
    v128_load_of::<0>,
    v128_load_of::<1>,
    v128_load_of::<2>,
    v128_load_of::<3>,
    v128_load_of::<4>,
    v128_load_of::<5>,
    v128_load_of::<6>,
    v128_load_of::<7>,
    v128_load_of::<8>,
    v128_load_of::<9>,
    v128_load_of::<10>,
    v128_load_of::<11>,
    v128_load_of::<12>,
];
const _: () = assert!(
    crate::ir::V128Mem::ALL[12] as u8 == crate::ir::V128Mem::Load64Zero as u8
        && crate::ir::V128Mem::ALL[13] as u8 == crate::ir::V128Mem::Load8Lane as u8,
    "V128_LOADS covers the kinds of v128.load"
);

/// Points the slot of each SIMD lane operation (and each `v128.load`) at
/// its operation's (or kind's) own handler (under the threaded dispatch,
/// where a slot's handler is what runs), so that the operation costs no
/// second dispatch and its lane code is compiled on its own, where it
/// vectorises.
pub(crate) fn specialize(code: &mut [crate::ir::Slot]) {
    // The operation in the `imm` word at `at` (its low bits, by `mask`).
    let op_at = |code: &[crate::ir::Slot], at: usize, mask: u32| match code.get(at).map(|s| s.op) {
        Some(Op::Imm { value }) => crate::ir::V128Op::ALL.get((value & mask) as usize).copied(),
        _ => None,
    };
    for i in 0..code.len() {
        let shape = code[i].op.opcode();
        let of = |op: Option<crate::ir::V128Op>| op.and_then(|op| v128_op_handlers::of(shape, op));
        let handler = match code[i].op {
            Op::V128Unary { op, .. }
            | Op::V128Splat { op, .. }
            | Op::V128Test { op, .. }
            | Op::V128Extract { op, .. } => of(Some(op)),
            Op::V128Binary { .. } | Op::V128Shift { .. } => of(op_at(code, i + 1, u32::MAX)),
            Op::V128Ternary { .. } => of(op_at(code, i + 2, u32::MAX)),
            Op::V128Replace { .. } => of(op_at(code, i + 1, 0xffff)),
            Op::V128Load { kind, .. } => V128_LOADS.get(kind as usize).copied(),
            _ => None,
        };
        if let Some(handler) = handler {
            code[i].handler = handler;
        }
    }
}

/// Lists every opcode's handler; the match is exhaustive, so an opcode
/// added to the IR without a handler does not compile.
macro_rules! handler_table {
    ($($name:ident)*) => {
        /// The handler of `op`, for the slot of an instruction with that opcode.
        pub(crate) const fn handler_of(op: Opcode) -> Handler {
            match op {
                $(Opcode::$name => $name,)*
            }
        }
    };
}

handler_table! {
    Unreachable ConsumeFuel Copy I32ReinterpretF32 Br LoopHeader BrIfNez BrIfEqz BrTable Return0
    Return1 ReturnN Args Results Imm CallInternal CallImported CallIndirect ReturnCallInternal
    ReturnCallImported ReturnCallIndirect Select GlobalGet
    CopyV128 SelectV128 GlobalGetV128 GlobalSetV128 V128Unary V128Binary V128Ternary V128Shift
    V128Splat V128Test V128Extract V128Replace V128Shuffle V128Load V128LoadLane V128Store
    GlobalSet I32Load I64Load F32Load F64Load I32Load8S I32Load8U I32Load16S I32Load16U I64Load8S
    I64Load8U I64Load16S I64Load16U I64Load32S I64Load32U I32Store I64Store F32Store F64Store
    I32Store8 I32Store16 I64Store8 I64Store16 I64Store32
    I32LoadSum I64LoadSum F32LoadSum F64LoadSum I32Load8SSum I32Load8USum I32Load16SSum
    I32Load16USum I32StoreSum I64StoreSum F32StoreSum F64StoreSum I32Store8Sum I32Store16Sum
    LoadWide StoreWide LoadMem StoreMem LoadMem64 StoreMem64 IndexSat RefAsNonNull
    Throw ThrowRef Rethrow Catch MemorySize MemoryGrow
    MemoryFill MemoryCopy MemoryInit DataDrop TableGet TableSet TableSize TableGrow TableFill
    TableCopy TableInit ElemDrop RefFunc I32Eqz I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS
    I32LeU I32GeS I32GeU I64Eqz I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS
    I64GeU F32Eq F32Ne F32Lt F32Gt F32Le F32Ge F64Eq F64Ne F64Lt F64Gt F64Le F64Ge BrIfI32Eq
    BrIfI32Ne BrIfI32LtS BrIfI32LtU BrIfI32GtS BrIfI32GtU BrIfI32LeS BrIfI32LeU BrIfI32GeS
    BrIfI32GeU BrIfI64Eq BrIfI64Ne BrIfI64LtS BrIfI64LtU BrIfI64GtS BrIfI64GtU BrIfI64LeS
    BrIfI64LeU BrIfI64GeS BrIfI64GeU BrIfF32Eq BrIfF32Ne BrIfF32Lt BrIfF32Gt BrIfF32Le BrIfF32Ge BrIfF32NotLt BrIfF32NotGt BrIfF32NotLe BrIfF32NotGe BrIfF64Eq BrIfF64Ne BrIfF64Lt BrIfF64Gt BrIfF64Le BrIfF64Ge BrIfF64NotLt BrIfF64NotGt BrIfF64NotLe BrIfF64NotGe
    I32Clz I32Ctz I32Popcnt I32Add I32Sub I32Mul I32DivS I32DivU
    I32RemS I32RemU I32And I32Or I32Xor I32Shl I32ShrS I32ShrU I32Rotl I32Rotr I64Clz I64Ctz
    I64Popcnt I64Add I64Sub I64Mul I64DivS I64DivU I64RemS I64RemU I64And I64Or I64Xor I64Shl
    I64ShrS I64ShrU I64Rotl I64Rotr F32Abs F32Neg F32Ceil F32Floor F32Trunc F32Nearest F32Sqrt
    F32Add F32Sub F32Mul F32Div F32Min F32Max F32Copysign F64Abs F64Neg F64Ceil F64Floor F64Trunc
    F64Nearest F64Sqrt F64Add F64Sub F64Mul F64Div F64Min F64Max F64Copysign I32WrapI64
    I32TruncF32S I32TruncF32U I32TruncF64S I32TruncF64U I64ExtendI32S I64ExtendI32U I64TruncF32S
    I64TruncF32U I64TruncF64S I64TruncF64U F32ConvertI32S F32ConvertI32U F32ConvertI64S
    F32ConvertI64U F32DemoteF64 F64ConvertI32S F64ConvertI32U F64ConvertI64S F64ConvertI64U
    F64PromoteF32 I32Extend8S I32Extend16S I64Extend8S I64Extend16S I64Extend32S I32TruncSatF32S
    I32TruncSatF32U I32TruncSatF64S I32TruncSatF64U I64TruncSatF32S I64TruncSatF32U
    I64TruncSatF64S I64TruncSatF64U
    I32AddThenBrIfI32LtU I64AddThenI32Add CopyThenCopy I32AddThenI32Shl I32AddThenI32Add
    I32AddThenBr I32ShrUThenI32Xor F64MulThenF64Add I64ExtendI32UThenI64Add I64AddThenCopy
    I32XorThenI32And I32ShlThenI32LoadSum I32ShlThenI32Xor I32MulThenI32Add I32AddThenCopy
    CopyThenI32Sub I32SubThenBr F64MulThenF64Mul CopyThenI32Add CopyThenBr I32AddThenI32Load
    F64AddThenCopy I32XorThenI32Shl I32XorThenI32ShrU I32ShlThenI32Add
    I32AddIntoBrIfI32LtU I64AddIntoI32Add CopyIntoCopy I32AddIntoI32Shl I32AddIntoI32Add I32ShrUIntoI32Xor F64MulIntoF64Add I64ExtendI32UIntoI64Add I64AddIntoCopy I32XorIntoI32And I32ShlIntoI32LoadSum I32ShlIntoI32Xor I32MulIntoI32Add I32AddIntoCopy CopyIntoI32Sub F64MulIntoF64Mul CopyIntoI32Add I32AddIntoI32Load F64AddIntoCopy I32XorIntoI32Shl I32XorIntoI32ShrU I32ShlIntoI32Add
    I32ReinterpretF32Acc I32EqzAcc I64EqzAcc I32ClzAcc I32CtzAcc I32PopcntAcc I64ClzAcc
    I64CtzAcc I64PopcntAcc F32AbsAcc F32NegAcc F32CeilAcc F32FloorAcc F32TruncAcc F32NearestAcc
    F32SqrtAcc F64AbsAcc F64NegAcc F64CeilAcc F64FloorAcc F64TruncAcc F64NearestAcc F64SqrtAcc
    I32WrapI64Acc I64ExtendI32SAcc I64ExtendI32UAcc F32ConvertI32SAcc F32ConvertI32UAcc
    F32ConvertI64SAcc F32ConvertI64UAcc F32DemoteF64Acc F64ConvertI32SAcc F64ConvertI32UAcc
    F64ConvertI64SAcc F64ConvertI64UAcc F64PromoteF32Acc I32Extend8SAcc I32Extend16SAcc
    I64Extend8SAcc I64Extend16SAcc I64Extend32SAcc I32TruncSatF32SAcc I32TruncSatF32UAcc
    I32TruncSatF64SAcc I32TruncSatF64UAcc I64TruncSatF32SAcc I64TruncSatF32UAcc
    I64TruncSatF64SAcc I64TruncSatF64UAcc I32EqAcc I32NeAcc I32LtSAcc I32LtUAcc I32GtSAcc
    I32GtUAcc I32LeSAcc I32LeUAcc I32GeSAcc I32GeUAcc I64EqAcc I64NeAcc I64LtSAcc I64LtUAcc
    I64GtSAcc I64GtUAcc I64LeSAcc I64LeUAcc I64GeSAcc I64GeUAcc F32EqAcc F32NeAcc F32LtAcc
    F32GtAcc F32LeAcc F32GeAcc F64EqAcc F64NeAcc F64LtAcc F64GtAcc F64LeAcc F64GeAcc I32AddAcc
    I32SubAcc I32MulAcc I32AndAcc I32OrAcc I32XorAcc I32ShlAcc I32ShrSAcc I32ShrUAcc I32RotlAcc
    I32RotrAcc I64AddAcc I64SubAcc I64MulAcc I64AndAcc I64OrAcc I64XorAcc I64ShlAcc I64ShrSAcc
    I64ShrUAcc I64RotlAcc I64RotrAcc F32AddAcc F32SubAcc F32MulAcc F32DivAcc F32MinAcc F32MaxAcc
    F32CopysignAcc F64AddAcc F64SubAcc F64MulAcc F64DivAcc F64MinAcc F64MaxAcc F64CopysignAcc
    BrIfI32EqAcc BrIfI32NeAcc BrIfI32LtSAcc BrIfI32LtUAcc BrIfI32GtSAcc BrIfI32GtUAcc
    BrIfI32LeSAcc BrIfI32LeUAcc BrIfI32GeSAcc BrIfI32GeUAcc BrIfI64EqAcc BrIfI64NeAcc
    BrIfI64LtSAcc BrIfI64LtUAcc BrIfI64GtSAcc BrIfI64GtUAcc BrIfI64LeSAcc BrIfI64LeUAcc
    BrIfI64GeSAcc BrIfI64GeUAcc BrIfF32EqAcc BrIfF32NeAcc BrIfF32LtAcc BrIfF32GtAcc BrIfF32LeAcc BrIfF32GeAcc BrIfF32NotLtAcc BrIfF32NotGtAcc BrIfF32NotLeAcc BrIfF32NotGeAcc BrIfF64EqAcc BrIfF64NeAcc BrIfF64LtAcc BrIfF64GtAcc BrIfF64LeAcc BrIfF64GeAcc BrIfF64NotLtAcc BrIfF64NotGtAcc BrIfF64NotLeAcc BrIfF64NotGeAcc
    I32LoadAcc I64LoadAcc F32LoadAcc F64LoadAcc I32Load8SAcc
    I32Load8UAcc I32Load16SAcc I32Load16UAcc I64Load8SAcc I64Load8UAcc I64Load16SAcc
    I64Load16UAcc I64Load32SAcc I64Load32UAcc I32LoadSumAcc I64LoadSumAcc F32LoadSumAcc
    F64LoadSumAcc I32Load8SSumAcc I32Load8USumAcc I32Load16SSumAcc I32Load16USumAcc CopyAcc
    BrIfNezAcc BrIfEqzAcc
    I32StoreAcc I64StoreAcc F32StoreAcc F64StoreAcc I32Store8Acc I32Store16Acc I64Store8Acc
    I64Store16Acc I64Store32Acc I32StoreSumAcc I64StoreSumAcc F32StoreSumAcc F64StoreSumAcc
    I32Store8SumAcc I32Store16SumAcc GlobalSetAcc Return1Acc
}

/// Checks a float-to-integer truncation: `x` must lie strictly between
/// `below` (the largest float under the target's range, after truncation
/// toward zero) and `hi` (one past it). No rounding call is needed: `as`
/// truncates once the range is known.
#[inline(always)]
fn trunc_check(x: f64, below: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::InvalidConversionToInteger);
    }
    if !(x > below && x < hi) {
        return Err(TrapCode::IntegerOverflow);
    }
    Ok(x)
}

/// Rounding must return a quiet NaN for a NaN input; software rounding
/// passes signalling NaNs through unchanged.
fn quiet32(x: f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(x.to_bits() | 0x0040_0000)
    } else {
        x
    }
}

fn quiet64(x: f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000)
    } else {
        x
    }
}

fn fmin32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f32::from_bits(a.to_bits() | b.to_bits())
    } else {
        a.min(b)
    }
}

fn fmax32(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f32::from_bits(a.to_bits() & b.to_bits())
    } else {
        a.max(b)
    }
}

fn fmin64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else {
        a.min(b)
    }
}

fn fmax64(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else {
        a.max(b)
    }
}
