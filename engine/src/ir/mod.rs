//! The register IR: compact instructions over frame cells.
//!
//! A function body is a flat array of [`Op`]s whose register operands are
//! frame cells (after allocation). Frame layout: `[params | constants |
//! allocated cells]`; constants are copied in at entry, the allocated region
//! is zeroed (locals start at zero). Branch offsets are resolved, relative to
//! the branching instruction. Instructions are 8 bytes.

mod acc;
mod fused;
mod jumps;
mod ops;
mod simd;
pub(crate) mod wire;

pub use acc::forward_results;
pub use fused::fuse_pairs;
pub use jumps::{back_edge_header, thread_jumps};
pub use ops::{Op, Opcode, RegList, OPCODES};
pub(crate) use simd::for_each_v128_op;
pub use simd::{Shape, V128Mem, V128Op};

use core::fmt;

/// A frame-cell index: the register of the allocated IR.
pub type Reg = u16;

/// The memory access kind of a `load.wide` / `store.wide` instruction.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum MemKind {
    I32Load,
    I64Load,
    F32Load,
    F64Load,
    I32Load8S,
    I32Load8U,
    I32Load16S,
    I32Load16U,
    I64Load8S,
    I64Load8U,
    I64Load16S,
    I64Load16U,
    I64Load32S,
    I64Load32U,
    I32Store,
    I64Store,
    F32Store,
    F64Store,
    I32Store8,
    I32Store16,
    I64Store8,
    I64Store16,
    I64Store32,
}

impl MemKind {
    /// Every kind, in discriminant order.
    pub const ALL: [MemKind; 23] = {
        use MemKind::*;
        [
            I32Load, I64Load, F32Load, F64Load, I32Load8S, I32Load8U, I32Load16S, I32Load16U,
            I64Load8S, I64Load8U, I64Load16S, I64Load16U, I64Load32S, I64Load32U, I32Store,
            I64Store, F32Store, F64Store, I32Store8, I32Store16, I64Store8, I64Store16, I64Store32,
        ]
    };

    /// Bytes the access reads or writes.
    pub fn size(self) -> u64 {
        use MemKind::*;
        match self {
            I64Load | F64Load | I64Store | F64Store => 8,
            I32Load | F32Load | I64Load32S | I64Load32U | I32Store | F32Store | I64Store32 => 4,
            I32Load16S | I32Load16U | I64Load16S | I64Load16U | I32Store16 | I64Store16 => 2,
            I32Load8S | I32Load8U | I64Load8S | I64Load8U | I32Store8 | I64Store8 => 1,
        }
    }
}

impl fmt::Display for MemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

// An instruction is one 8-byte word; with its handler, a 16-byte slot.
const _: () = assert!(core::mem::size_of::<Op<Reg>>() == 8);
const _: () = assert!(core::mem::size_of::<Slot>() == 16);

/// An instruction as a function body stores it: the interpreter's handler
/// for it beside it, so that the interpreter finds the next handler with
/// one load (direct threading) instead of indexing a table by opcode. The
/// JIT and the disassembler read `op` only.
#[derive(Copy, Clone)]
#[repr(C)]
pub struct Slot {
    /// `interp::handler_of(op.opcode())`, or for a SIMD lane operation its
    /// own handler (`interp::specialize`).
    pub(crate) handler: crate::interp::Handler,
    /// The instruction.
    pub op: Op<Reg>,
}

impl Slot {
    /// The slot of `op`.
    pub fn new(op: Op<Reg>) -> Slot {
        Slot {
            handler: crate::interp::handler_of(op.opcode()),
            op,
        }
    }
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.op, f)
    }
}

/// A translated and allocated function body, ready for the interpreter.
#[derive(Debug, Clone)]
pub struct FuncBody {
    /// The function's defined index in its module.
    pub def: u32,
    /// The instructions, each with its interpreter handler.
    pub code: Box<[Slot]>,
    /// Constant pool, copied to cells `num_params..num_params + consts.len()` at entry.
    pub consts: Box<[u64]>,
    /// Number of parameters (cells `0..num_params`).
    pub num_params: u32,
    /// Number of results (returned in cells `0..num_results`).
    pub num_results: u32,
    /// Cells the frame needs, at least `max(num_params, num_results)`.
    pub frame_size: u32,
    /// Number of loops (back-edge counters).
    pub num_loops: u32,
    /// First home cell of register-allocated values: integer register `i`
    /// lives in cell `reg_base + i`, float register `j` in
    /// [`FuncBody::float_home`]`(j)` (two cells per float register where
    /// values may be v128s, which float registers then hold). The JIT keeps
    /// these cells in machine registers; the interpreter reads them as
    /// ordinary cells.
    pub reg_base: u32,
    /// Integer registers the allocation uses.
    pub int_regs: u32,
    /// Float registers the allocation uses.
    pub float_regs: u32,
    /// Cells holding declared locals: the only cells the interpreter zeroes
    /// on entry (every other value is written before it is read).
    pub local_cells: Box<[Reg]>,
    /// Fused branches whose offset does not fit 16 bits: (instruction index, offset).
    pub far_branches: Box<[(u32, i32)]>,
    /// Number of wasm operators translated, for statistics.
    pub wasm_ops: u32,
    /// Cells past the frame that the function's calls write arguments to
    /// and read results from: entering the function checks that the frame
    /// and these fit in the value stack, in both tiers alike.
    pub outgoing_cells: u32,
    /// For each call (and each instruction the JIT lowers to one) with
    /// values live across it in registers, which registers: compiled code
    /// stores them to their home cells before it and reloads them after.
    /// Sorted by instruction.
    pub call_saves: Box<[CallSave]>,
    /// The function's `try_table`s, inner before outer.
    pub handlers: Box<[Handler]>,
    /// Whether any value is a `v128` (two cells: a register `r` and
    /// `r + 1`; in the JIT perhaps one float register, whose home is then
    /// two cells). Such a body's frame has a spare last cell, so that
    /// `r + 1` is in the frame for every register `r`.
    pub uses_v128: bool,
}

/// The registers holding values live across the call at instruction `at`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CallSave {
    /// The call's instruction index.
    pub at: u32,
    /// Integer registers (bit `i` for register `i`).
    pub ints: u32,
    /// Float registers (bit `j` for register `j`).
    pub floats: u32,
}

/// The tag of a [`Op::Catch`] that catches every exception.
pub const CATCH_ALL: u32 = u32::MAX;

/// A `try_table`'s body: an exception raised by the instruction at index
/// `start <= i < end` (or by a call it makes) goes on at the landing pad
/// that follows the body, at `end`, which runs the catch clauses.
/// Handlers are listed inner before outer, so the first that covers an
/// instruction is its innermost.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    /// First instruction of the body.
    pub start: u32,
    /// The instruction after the body: the landing pad's first.
    pub end: u32,
}

impl Handler {
    /// Whether the body holds instruction `at`.
    pub fn covers(&self, at: u32) -> bool {
        self.start <= at && at < self.end
    }
}

impl FuncBody {
    /// The landing pad of the innermost `try_table` covering instruction `at`.
    pub fn landing_for(&self, at: u32) -> Option<u32> {
        self.handlers.iter().find(|h| h.covers(at)).map(|h| h.end)
    }
}

/// The table index of a `call_indirect` or `return_call_indirect` that is
/// a `call_ref` or `return_call_ref`: no table has it (a module has far
/// fewer than 2^32 - 1).
pub const CALL_REF: u32 = u32::MAX;

/// Register budgets of the allocation both tiers share: how many values the
/// target ISA's compiled code keeps in machine registers of each class
/// (`jit::register_budgets`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RegisterBudgets {
    /// Integer registers.
    pub ints: u16,
    /// Float (and vector) registers.
    pub floats: u16,
}

impl<R: Copy> Op<R> {
    /// Whether the JIT lowers this instruction to a call, after which no
    /// register keeps its value: the allocator keeps values live across it
    /// in cells.
    pub fn is_call(&self) -> bool {
        matches!(
            self,
            Op::CallInternal { .. }
                | Op::CallImported { .. }
                | Op::CallIndirect { .. }
                | Op::MemoryGrow { .. }
                | Op::MemoryFill { .. }
                | Op::MemoryCopy { .. }
                | Op::MemoryInit { .. }
                | Op::DataDrop { .. }
                | Op::TableGet { .. }
                | Op::TableSet { .. }
                | Op::TableSize { .. }
                | Op::TableGrow { .. }
                | Op::TableFill { .. }
                | Op::TableCopy { .. }
                | Op::TableInit { .. }
                | Op::ElemDrop { .. }
                | Op::RefFunc { .. }
                | Op::MemorySize { .. }
                | Op::Throw { .. }
                | Op::ThrowRef { .. }
                | Op::Rethrow { .. }
                | Op::Catch { .. }
        )
    }
}

impl<R: Copy> Op<R> {
    /// Whether the instruction is one of SIMD's (`ir::simd`).
    pub fn is_v128(&self) -> bool {
        matches!(
            self,
            Op::CopyV128 { .. }
                | Op::SelectV128 { .. }
                | Op::GlobalGetV128 { .. }
                | Op::GlobalSetV128 { .. }
                | Op::V128Unary { .. }
                | Op::V128Binary { .. }
                | Op::V128Ternary { .. }
                | Op::V128Shift { .. }
                | Op::V128Splat { .. }
                | Op::V128Test { .. }
                | Op::V128Extract { .. }
                | Op::V128Replace { .. }
                | Op::V128Shuffle { .. }
                | Op::V128Load { .. }
                | Op::V128LoadLane { .. }
                | Op::V128Store { .. }
        )
    }

    /// Whether the instruction may raise a wasm exception: a call, or a
    /// throw. (Runtime helpers trap, they never throw.)
    pub fn may_throw(&self) -> bool {
        matches!(
            self,
            Op::CallInternal { .. }
                | Op::CallImported { .. }
                | Op::CallIndirect { .. }
                | Op::Throw { .. }
                | Op::ThrowRef { .. }
                | Op::Rethrow { .. }
        )
    }

    /// Whether control may leave this instruction other than by falling
    /// through to the next one (a branch, a return or a trap that always
    /// happens). Calls fall through.
    pub fn may_branch(&self) -> bool {
        matches!(
            self,
            Op::Unreachable { .. }
                | Op::Throw { .. }
                | Op::ThrowRef { .. }
                | Op::Rethrow { .. }
                | Op::Catch { .. }
                | Op::Br { .. }
                | Op::BrTable { .. }
                | Op::Return0 { .. }
                | Op::Return1 { .. }
                | Op::ReturnN { .. }
                | Op::ReturnCallInternal { .. }
                | Op::ReturnCallImported { .. }
                | Op::ReturnCallIndirect { .. }
                | Op::BrIfNez { .. }
                | Op::BrIfEqz { .. }
        ) || self.branch16().is_some()
    }
}

impl<R: Copy> Op<R> {
    /// The 16-bit offset of a fused compare-and-branch (`FuncBody::FAR` when
    /// the real one is in `FuncBody::far_branches`).
    pub fn branch16(&self) -> Option<i16> {
        let mut op = *self;
        op.branch16_mut().copied()
    }

    /// Sets the offset of `self`, a plain branch (`br`, `br_if`, or a
    /// compare-and-branch); false, leaving it unchanged, when `self` is no
    /// branch or a compare-and-branch whose 16 bits cannot hold `offset`
    /// (the sentinel [`FuncBody::FAR`] included).
    pub fn set_branch_offset(&mut self, offset: i32) -> bool {
        match self {
            Op::Br { offset: o }
            | Op::BrIfNez { offset: o, .. }
            | Op::BrIfEqz { offset: o, .. } => {
                *o = offset;
                true
            }
            other => match (other.branch16_mut(), i16::try_from(offset)) {
                (Some(o), Ok(short)) if short != FuncBody::FAR => {
                    *o = short;
                    true
                }
                _ => false,
            },
        }
    }

    /// The conditional branch taken exactly when `self` (a plain `br_if`
    /// or compare-and-branch) is not, with the same offset. A float
    /// comparison's negation is its `Not` form, never the opposite
    /// comparison, which NaN operands would make differ.
    pub fn negated(self) -> Option<Op<R>> {
        macro_rules! negate {
            ($($x:ident <=> $y:ident),* $(,)?) => {
                match self {
                    Op::BrIfNez { cond, offset } => Some(Op::BrIfEqz { cond, offset }),
                    Op::BrIfEqz { cond, offset } => Some(Op::BrIfNez { cond, offset }),
                    $(
                        Op::$x { a, b, offset } => Some(Op::$y { a, b, offset }),
                        Op::$y { a, b, offset } => Some(Op::$x { a, b, offset }),
                    )*
                    _ => None,
                }
            };
        }
        negate! {
            BrIfI32Eq <=> BrIfI32Ne,
            BrIfI32LtS <=> BrIfI32GeS,
            BrIfI32LtU <=> BrIfI32GeU,
            BrIfI32GtS <=> BrIfI32LeS,
            BrIfI32GtU <=> BrIfI32LeU,
            BrIfI64Eq <=> BrIfI64Ne,
            BrIfI64LtS <=> BrIfI64GeS,
            BrIfI64LtU <=> BrIfI64GeU,
            BrIfI64GtS <=> BrIfI64LeS,
            BrIfI64GtU <=> BrIfI64LeU,
            BrIfF32Eq <=> BrIfF32Ne,
            BrIfF32Lt <=> BrIfF32NotLt,
            BrIfF32Gt <=> BrIfF32NotGt,
            BrIfF32Le <=> BrIfF32NotLe,
            BrIfF32Ge <=> BrIfF32NotGe,
            BrIfF64Eq <=> BrIfF64Ne,
            BrIfF64Lt <=> BrIfF64NotLt,
            BrIfF64Gt <=> BrIfF64NotGt,
            BrIfF64Le <=> BrIfF64NotLe,
            BrIfF64Ge <=> BrIfF64NotGe,
        }
    }

    /// The 16-bit offset of a fused compare-and-branch, to be set.
    pub fn branch16_mut(&mut self) -> Option<&mut i16> {
        match self {
            Op::BrIfI32Eq { offset, .. }
            | Op::BrIfI32Ne { offset, .. }
            | Op::BrIfI32LtS { offset, .. }
            | Op::BrIfI32LtU { offset, .. }
            | Op::BrIfI32GtS { offset, .. }
            | Op::BrIfI32GtU { offset, .. }
            | Op::BrIfI32LeS { offset, .. }
            | Op::BrIfI32LeU { offset, .. }
            | Op::BrIfI32GeS { offset, .. }
            | Op::BrIfI32GeU { offset, .. }
            | Op::BrIfI64Eq { offset, .. }
            | Op::BrIfI64Ne { offset, .. }
            | Op::BrIfI64LtS { offset, .. }
            | Op::BrIfI64LtU { offset, .. }
            | Op::BrIfI64GtS { offset, .. }
            | Op::BrIfI64GtU { offset, .. }
            | Op::BrIfI64LeS { offset, .. }
            | Op::BrIfI64LeU { offset, .. }
            | Op::BrIfI64GeS { offset, .. }
            | Op::BrIfI64GeU { offset, .. }
            | Op::BrIfF32Eq { offset, .. }
            | Op::BrIfF32Ne { offset, .. }
            | Op::BrIfF32Lt { offset, .. }
            | Op::BrIfF32Gt { offset, .. }
            | Op::BrIfF32Le { offset, .. }
            | Op::BrIfF32Ge { offset, .. }
            | Op::BrIfF32NotLt { offset, .. }
            | Op::BrIfF32NotGt { offset, .. }
            | Op::BrIfF32NotLe { offset, .. }
            | Op::BrIfF32NotGe { offset, .. }
            | Op::BrIfF64Eq { offset, .. }
            | Op::BrIfF64Ne { offset, .. }
            | Op::BrIfF64Lt { offset, .. }
            | Op::BrIfF64Gt { offset, .. }
            | Op::BrIfF64Le { offset, .. }
            | Op::BrIfF64Ge { offset, .. }
            | Op::BrIfF64NotLt { offset, .. }
            | Op::BrIfF64NotGt { offset, .. }
            | Op::BrIfF64NotLe { offset, .. }
            | Op::BrIfF64NotGe { offset, .. } => Some(offset),
            _ => None,
        }
    }
}

impl<R: Copy + PartialEq> Op<R> {
    /// The offset, relative to instruction `pc`, by which the word `self`
    /// branches when it does (`br`, `br_if`, compare-and-branch, in any
    /// fused or accumulator form), with a far offset looked up in `far`
    /// ([`FuncBody::far_branches`]).
    #[inline]
    pub fn branch_offset(&self, pc: usize, far: &[(u32, i32)]) -> Option<i32> {
        // Most instructions are no branch: one load answers them.
        if !traits::has(self, traits::BRANCHES) {
            return None;
        }
        self.branch_offset_of_any(pc, far)
    }

    /// [`Op::branch_offset`] found from the instruction's form alone (out
    /// of line: the table's answer is enough for most instructions).
    #[inline(never)]
    fn branch_offset_of_any(&self, pc: usize, far: &[(u32, i32)]) -> Option<i32> {
        match self.plain() {
            Op::Br { offset } | Op::BrIfNez { offset, .. } | Op::BrIfEqz { offset, .. } => {
                Some(offset)
            }
            plain => plain.branch16().map(|off| {
                if off == FuncBody::FAR {
                    far_offset(far, pc)
                } else {
                    off as i32
                }
            }),
        }
    }
}

/// What every instruction of an opcode is, whatever its operands: found
/// once by decoding a zeroed instance of each opcode (a far sentinel is not
/// zero), so that the passes over a body answer most instructions with one
/// load instead of a match over every form.
pub(crate) mod traits {
    use super::{Op, Opcode, Reg, OPCODES};

    /// It branches by an offset in some form ([`Op::branch_offset`] is `Some`).
    pub const BRANCHES: u8 = 1;
    /// It hands its result to the next instruction ([`Op::passes_acc`]).
    pub const PASSES_ACC: u8 = 2;
    /// It is the first word of a fused pair ([`Op::unfused`] changes it).
    pub const FUSED: u8 = 4;
    /// It can be the first of a fused pair ([`Op::fuse_with`] may fuse it).
    pub const STARTS_PAIR: u8 = 8;

    static TABLE: std::sync::LazyLock<Box<[u8]>> = std::sync::LazyLock::new(|| {
        let mut table: Vec<u8> = OPCODES
            .iter()
            .map(|&opcode| {
                // Every opcode decodes from zeros (tested).
                let Some(op) = zeroed(opcode) else { return 0 };
                let mut bits = 0;
                if op.branch_offset_of_any(0, &[]).is_some() {
                    bits |= BRANCHES;
                }
                if op.passes_acc() {
                    bits |= PASSES_ACC;
                }
                if op.unfused() != op {
                    bits |= FUSED;
                }
                bits
            })
            .collect();
        for opcode in 0..table.len() {
            if table[opcode] & FUSED != 0 {
                if let Some(fused) = zeroed(OPCODES[opcode]) {
                    table[fused.unfused().opcode() as usize] |= STARTS_PAIR;
                }
            }
        }
        table.into_boxed_slice()
    });

    /// An instruction of `opcode` with every operand zero, if its operands
    /// decode from zeros.
    pub(super) fn zeroed(opcode: Opcode) -> Option<Op<Reg>> {
        let mut bytes = [0u8; 64];
        bytes[..2].copy_from_slice(&(opcode as u16).to_le_bytes());
        Op::<Reg>::decode(&mut &bytes[..])
    }

    /// Whether instructions of `op`'s opcode have trait `bit`.
    #[inline]
    pub fn has<R: Copy>(op: &Op<R>, bit: u8) -> bool {
        TABLE[op.opcode() as usize] & bit != 0
    }
}

/// The real offset of the far fused branch at instruction `pc`, in `far`
/// sorted by instruction.
fn far_offset(far: &[(u32, i32)], pc: usize) -> i32 {
    match far.binary_search_by_key(&(pc as u32), |&(at, _)| at) {
        Ok(i) => far[i].1,
        // Translation records every far branch; unreachable for valid IR.
        Err(_) => 0,
    }
}

impl FuncBody {
    /// The sentinel a fused branch carries when its real offset is in `far_branches`.
    pub const FAR: i16 = i16::MIN;

    /// The real offset of the far fused branch at instruction `pc`.
    pub fn far_offset(&self, pc: usize) -> i32 {
        far_offset(&self.far_branches, pc)
    }

    /// Home cells per float register: two where a float register may hold
    /// a v128, one otherwise.
    pub fn float_stride(&self) -> u32 {
        1 + u32::from(self.uses_v128)
    }

    /// The home cell of float register `j`.
    pub fn float_home(&self, j: u32) -> u32 {
        self.reg_base + self.int_regs + self.float_stride() * j
    }

    /// The float register whose home covers cell `r`, and whether `r` is
    /// the second cell of that home (a v128's upper half).
    pub fn float_register_at(&self, r: u32) -> Option<(u32, bool)> {
        let k = r.checked_sub(self.reg_base + self.int_regs)?;
        let j = k / self.float_stride();
        (j < self.float_regs).then_some((j, k % self.float_stride() == 1))
    }

    /// Cells of the value stack a call of the function needs from its
    /// frame's base: the frame and its calls' argument cells. Both tiers
    /// check it on entry, alike.
    pub fn stack_cells(&self) -> u32 {
        self.frame_size + self.outgoing_cells
    }

    /// Bytes of IR (instructions and constants).
    pub fn ir_bytes(&self) -> usize {
        self.code.len() * core::mem::size_of::<Slot>() + self.consts.len() * 8
    }
}

impl fmt::Display for FuncBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  ; params={} results={} frame={} consts={}",
            self.num_params,
            self.num_results,
            self.frame_size,
            self.consts.len()
        )?;
        for (i, c) in self.consts.iter().enumerate() {
            writeln!(f, "  ; r{} = const {:#x}", self.num_params as usize + i, c)?;
        }
        for (pc, slot) in self.code.iter().enumerate() {
            writeln!(f, "  {pc:5}: {}", slot.op)?;
        }
        for h in self.handlers.iter() {
            writeln!(f, "  ; try {}..{} -> {}", h.start, h.end, h.end)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_two_bytes_of_an_instruction_are_its_opcode() {
        let ops: [Op<Reg>; 4] = [
            Op::Unreachable {},
            Op::I32Add { dst: 1, a: 2, b: 3 },
            Op::BrIfI64GeU {
                a: 7,
                b: 9,
                offset: -4,
            },
            Op::I64TruncSatF64U { dst: 5, src: 6 },
        ];
        for op in ops {
            // SAFETY: `Op` is `repr(u16)`: its first two bytes are the discriminant.
            let tag = unsafe { *(&op as *const Op<Reg>).cast::<u16>() };
            assert_eq!(tag, op.opcode() as u16);
            assert_eq!(OPCODES[tag as usize], op.opcode());
        }
    }

    #[test]
    fn the_traits_table_knows_every_opcode() {
        // The table is built from a zeroed instance of each opcode: each
        // must decode, or its traits would go unseen.
        for &opcode in OPCODES {
            let op = traits::zeroed(opcode).expect("decodes");
            assert_eq!(
                traits::has(&op, traits::BRANCHES),
                op.branch_offset_of_any(0, &[]).is_some()
            );
            assert_eq!(traits::has(&op, traits::PASSES_ACC), op.passes_acc());
            assert_eq!(traits::has(&op, traits::FUSED), op.unfused() != op);
        }
        let br = Op::<Reg>::BrIfI64GeU {
            a: 7,
            b: 9,
            offset: -4,
        };
        assert_eq!(br.branch_offset(0, &[]), Some(-4));
        assert_eq!(
            Op::<Reg>::I32Add { dst: 1, a: 2, b: 3 }.branch_offset(0, &[]),
            None
        );
        let add = Op::<Reg>::I32Add { dst: 1, a: 2, b: 3 };
        assert!(traits::has(&add, traits::STARTS_PAIR));
        assert!(!traits::has(
            &Op::<Reg>::I32DivS { dst: 1, a: 2, b: 3 },
            traits::STARTS_PAIR
        ));
    }
}
