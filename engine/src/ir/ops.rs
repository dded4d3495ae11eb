//! The instruction table: one description of every IR instruction, from which
//! the enum, register mapping, register visiting and disassembly are generated.
//!
//! Each entry lists the registers an instruction defines (`def`), the registers
//! it reads (`use`) and its immediates (`imm`). Tiers match on [`Op`]
//! exhaustively, so an instruction added here and forgotten by a tier is a
//! compile error there.

/// Writes `name d0, d1 <- u0, u1` for the generated `Display`.
fn write_instr<R: core::fmt::Display>(
    f: &mut core::fmt::Formatter<'_>,
    name: &str,
    defs: &[R],
    uses: &[R],
) -> core::fmt::Result {
    f.write_str(name)?;
    for (i, d) in defs.iter().enumerate() {
        write!(f, "{}r{d}", if i == 0 { " " } else { ", " })?;
    }
    for (i, u) in uses.iter().enumerate() {
        let sep = match (i, defs.is_empty()) {
            (0, true) => " ",
            (0, false) => " <- ",
            _ => ", ",
        };
        write!(f, "{sep}r{u}")?;
    }
    Ok(())
}

use super::{MemKind, V128Mem, V128Op};

/// An instruction's register operands ([`Op::reg_list`]): no instruction
/// has more than three.
#[derive(Copy, Clone, Debug)]
pub struct RegList<R> {
    regs: [R; 3],
    uses: u8,
    len: u8,
}

impl<R: Copy + Default> RegList<R> {
    #[inline(always)]
    fn new(uses: &[R], defs: &[R]) -> RegList<R> {
        let mut regs = [R::default(); 3];
        regs[..uses.len()].copy_from_slice(uses);
        regs[uses.len()..uses.len() + defs.len()].copy_from_slice(defs);
        RegList {
            regs,
            uses: uses.len() as u8,
            len: (uses.len() + defs.len()) as u8,
        }
    }

    /// Every operand, uses first.
    #[inline]
    pub fn all(&self) -> &[R] {
        &self.regs[..self.len as usize]
    }

    /// How many of [`RegList::all`] are uses.
    #[inline]
    pub fn num_uses(&self) -> usize {
        self.uses as usize
    }

    /// The registers written.
    #[inline]
    pub fn defs(&self) -> &[R] {
        &self.regs[self.uses as usize..self.len as usize]
    }
}

macro_rules! define_ops {
    ($(
        $(#[$doc:meta])*
        $name:ident $text:literal { def [$($d:ident),*] use [$($u:ident),*] imm [$($i:ident : $t:ty),*] }
    )*) => {
        /// One register-IR instruction over registers of type `R`.
        ///
        /// The translator emits `Op<u32>` over virtual registers; register
        /// allocation maps them to `Op<Reg>` over frame cells, which tiers run.
        /// Variants named after a wasm operator implement it; operand fields are
        /// `dst` (written), sources, then immediates.
        ///
        /// The layout is `repr(u16)`: the first two bytes of an instruction
        /// are its [`Opcode`], which the interpreter dispatches on; operands
        /// follow from byte 2.
        #[allow(missing_docs)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub enum Op<R> {
            $(
                $(#[$doc])*
                $name { $($d: R,)* $($u: R,)* $($i: $t,)* },
            )*
        }

        /// The kind of an [`Op`], without operands: its discriminant.
        #[allow(missing_docs)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub enum Opcode {
            $($name,)*
        }

        /// Every opcode, in discriminant order.
        pub const OPCODES: &[Opcode] = &[$(Opcode::$name,)*];

        impl<R: Copy> Op<R> {
            /// The instruction's opcode: the same value as its first two bytes.
            pub fn opcode(&self) -> Opcode {
                match self {
                    $(Op::$name { .. } => Opcode::$name,)*
                }
            }

            /// Rewrites every register operand through `f`, keeping immediates.
            pub fn map_regs<S>(self, mut f: impl FnMut(R) -> S) -> Op<S> {
                #[allow(unused_mut, unused_variables)]
                match self {
                    $(
                        Op::$name { $($d,)* $($u,)* $($i,)* } => Op::$name {
                            $($d: f($d),)* $($u: f($u),)* $($i,)*
                        },
                    )*
                }
            }

            /// Calls `f(reg, is_def)` for every register operand: uses first, then defs.
            pub fn visit_regs(&self, mut f: impl FnMut(R, bool)) {
                #[allow(unused_variables)]
                match *self {
                    $(
                        Op::$name { $($d,)* $($u,)* .. } => {
                            $(f($u, false);)*
                            $(f($d, true);)*
                        }
                    )*
                }
            }

            /// The register operands, uses then defs, as [`Op::visit_regs`]
            /// gives them, without a callback per operand.
            #[inline]
            pub fn reg_list(&self) -> RegList<R>
            where
                R: Default,
            {
                #[allow(unused_variables)]
                match *self {
                    $(
                        Op::$name { $($d,)* $($u,)* .. } => RegList::new(&[$($u),*], &[$($d),*]),
                    )*
                }
            }

            /// The instruction's mnemonic.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Op::$name { .. } => $text,)*
                }
            }
        }

        impl Op<super::Reg> {
            /// Appends the instruction's encoding (`ir::wire`): its opcode,
            /// then its operands in field order.
            pub(crate) fn encode(&self, out: &mut Vec<u8>) {
                use super::wire::Wire;
                (self.opcode() as u16).put(out);
                #[allow(unused_variables)]
                match *self {
                    $(
                        Op::$name { $($d,)* $($u,)* $($i,)* } => {
                            $($d.put(out);)* $($u.put(out);)* $($i.put(out);)*
                        }
                    )*
                }
            }

            /// Takes an instruction's encoding from the front of `input`.
            pub(crate) fn decode(input: &mut &[u8]) -> Option<Self> {
                use super::wire::Wire;
                let opcode = *OPCODES.get(u16::get(input)? as usize)?;
                Some(match opcode {
                    $(
                        Opcode::$name => Op::$name {
                            $($d: Wire::get(input)?,)*
                            $($u: Wire::get(input)?,)*
                            $($i: Wire::get(input)?,)*
                        },
                    )*
                })
            }
        }

        impl<R: Copy + core::fmt::Display> core::fmt::Display for Op<R> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                #[allow(unused_variables)]
                match *self {
                    $(
                        Op::$name { $($d,)* $($u,)* $($i,)* } => {
                            let defs: &[R] = &[$($d),*];
                            let uses: &[R] = &[$($u),*];
                            write_instr(f, $text, defs, uses)?;
                            $( write!(f, " {}={}", stringify!($i), $i)?; )*
                            Ok(())
                        }
                    )*
                }
            }
        }
    };
}

define_ops! {
    /// Traps with `unreachable`.
    Unreachable "unreachable" { def [] use [] imm [] }
    /// Charges `amount` fuel for the straight-line run of wasm operators it
    /// starts, and traps with `OutOfFuel` if that leaves less than none.
    ConsumeFuel "fuel" { def [] use [] imm [amount: u32] }
    /// `dst = src`, all 64 bits of the cell.
    Copy "copy" { def [dst] use [src] imm [] }
    /// `dst = low 32 bits of src`: an f32's bits as an i32.
    I32ReinterpretF32 "i32.reinterpret_f32" { def [dst] use [src] imm [] }
    /// Unconditional branch by `offset` instructions, relative to this one.
    Br "br" { def [] use [] imm [offset: i32] }
    /// Marks a loop; back-edges target the instruction after it and count
    /// `loop_id` by reading this marker.
    LoopHeader "loop" { def [] use [] imm [loop_id: u32] }
    /// Branches when `cond` (i32) is non-zero.
    BrIfNez "br_if.nez" { def [] use [cond] imm [offset: i32] }
    /// Branches when `cond` (i32) is zero.
    BrIfEqz "br_if.eqz" { def [] use [cond] imm [offset: i32] }
    /// Jump table: the next `len + 1` instructions are `br`s, the last the default.
    BrTable "br_table" { def [] use [index] imm [len: u32] }
    /// Returns no values.
    Return0 "return" { def [] use [] imm [] }
    /// Returns one value.
    Return1 "return" { def [] use [src] imm [] }
    /// Returns `count` values listed by the following `args` words.
    ReturnN "return.n" { def [] use [] imm [count: u32] }
    /// Operand word: up to three more registers read by the instruction before it.
    Args "args" { def [] use [r0, r1, r2] imm [] }
    /// Operand word: up to three registers written by the instruction before it.
    Results "results" { def [r0, r1, r2] use [] imm [] }
    /// Operand word: a 32-bit immediate of the instruction before it.
    Imm "imm" { def [] use [] imm [value: u32] }
    /// Calls a function defined in this module (index among defined functions).
    CallInternal "call" { def [] use [] imm [func: u32] }
    /// Calls an imported function.
    CallImported "call.import" { def [] use [] imm [func: u32] }
    /// Calls through a table entry; an `imm` word with the table index
    /// follows. Table [`CALL_REF`](crate::ir::CALL_REF) is `call_ref`:
    /// `index` is the function reference itself, whose type validation
    /// checked.
    CallIndirect "call_indirect" { def [] use [index] imm [ty: u32] }
    /// Tail-calls a function defined in this module: its frame replaces the
    /// running one (`args` words follow).
    ReturnCallInternal "return_call" { def [] use [] imm [func: u32] }
    /// Tail-calls an imported function (`args` words follow).
    ReturnCallImported "return_call.import" { def [] use [] imm [func: u32] }
    /// Tail-calls through a table entry (or, as `call_indirect`, a function
    /// reference); an `imm` word with the table index follows, then the
    /// `args` words.
    ReturnCallIndirect "return_call_indirect" { def [] use [index] imm [ty: u32] }
    /// `dst = cond != 0 ? a : b`; an `args` word with `cond` follows.
    Select "select" { def [dst] use [a, b] imm [] }
    /// Reads a global.
    GlobalGet "global.get" { def [dst] use [] imm [global: u32] }
    /// Writes a global.
    GlobalSet "global.set" { def [] use [src] imm [global: u32] }

    // SIMD (`ir::simd`): a `v128` takes two cells, its register's and the
    // next; every handler reads all of its operands before it writes.
    /// `dst = src`, a `v128`.
    CopyV128 "copy.v128" { def [dst] use [src] imm [] }
    /// `select` of `v128`s; an `args` word with `cond` follows.
    SelectV128 "select.v128" { def [dst] use [a, b] imm [] }
    /// Reads a `v128` global.
    GlobalGetV128 "global.get.v128" { def [dst] use [] imm [global: u32] }
    /// Writes a `v128` global.
    GlobalSetV128 "global.set.v128" { def [] use [src] imm [global: u32] }
    /// `dst = op(src)`, a [`Shape::Unary`](super::Shape) operation.
    V128Unary "v128.unary" { def [dst] use [src] imm [op: V128Op] }
    /// `dst = op(a, b)`; an `imm` word with the `V128Op` follows.
    V128Binary "v128.binary" { def [dst] use [a, b] imm [] }
    /// `dst = op(a, b, c)`; an `args` word with `c`, then an `imm` word
    /// with the `V128Op`, follow.
    V128Ternary "v128.ternary" { def [dst] use [a, b] imm [] }
    /// `dst = op(a, count)`, a lane-wise shift by the i32 `count`; an `imm`
    /// word with the `V128Op` follows.
    V128Shift "v128.shift" { def [dst] use [a, count] imm [] }
    /// `dst` = the scalar `src` in every lane.
    V128Splat "v128.splat" { def [dst] use [src] imm [op: V128Op] }
    /// `dst` = an i32 test of `src` (`any_true`, `all_true`, `bitmask`).
    V128Test "v128.test" { def [dst] use [src] imm [op: V128Op] }
    /// `dst` = a lane of `src`, as a scalar; an `imm` word with the lane follows.
    V128Extract "v128.extract" { def [dst] use [src] imm [op: V128Op] }
    /// `dst` = `src` with a lane replaced by the scalar `x`; an `imm` word
    /// with the `V128Op` and, shifted left 16, the lane follows.
    V128Replace "v128.replace" { def [dst] use [src, x] imm [] }
    /// `i8x16.shuffle`: an `args` word with the register of a `v128`
    /// constant holding the 16 lane indices follows.
    V128Shuffle "i8x16.shuffle" { def [dst] use [a, b] imm [] }
    /// A SIMD load from any memory, bounds-checked explicitly; three `imm`
    /// words follow: the offset's low and high 32 bits, then the memory.
    V128Load "v128.load" { def [dst] use [ptr] imm [kind: V128Mem] }
    /// A load of one lane into `vec`; four `imm` words follow: as
    /// `v128.load`'s, then the `V128Mem` and, shifted left 8, the lane.
    V128LoadLane "v128.load_lane" { def [dst] use [ptr, vec] imm [] }
    /// A SIMD store (whole, or one lane); four `imm` words follow: as
    /// `v128.load`'s, then the lane.
    V128Store "v128.store" { def [] use [ptr, val] imm [kind: V128Mem] }

    I32Load "i32.load" { def [dst] use [ptr] imm [offset: u16] }
    I64Load "i64.load" { def [dst] use [ptr] imm [offset: u16] }
    F32Load "f32.load" { def [dst] use [ptr] imm [offset: u16] }
    F64Load "f64.load" { def [dst] use [ptr] imm [offset: u16] }
    I32Load8S "i32.load8_s" { def [dst] use [ptr] imm [offset: u16] }
    I32Load8U "i32.load8_u" { def [dst] use [ptr] imm [offset: u16] }
    I32Load16S "i32.load16_s" { def [dst] use [ptr] imm [offset: u16] }
    I32Load16U "i32.load16_u" { def [dst] use [ptr] imm [offset: u16] }
    I64Load8S "i64.load8_s" { def [dst] use [ptr] imm [offset: u16] }
    I64Load8U "i64.load8_u" { def [dst] use [ptr] imm [offset: u16] }
    I64Load16S "i64.load16_s" { def [dst] use [ptr] imm [offset: u16] }
    I64Load16U "i64.load16_u" { def [dst] use [ptr] imm [offset: u16] }
    I64Load32S "i64.load32_s" { def [dst] use [ptr] imm [offset: u16] }
    I64Load32U "i64.load32_u" { def [dst] use [ptr] imm [offset: u16] }
    I32Store "i32.store" { def [] use [ptr, val] imm [offset: u16] }
    I64Store "i64.store" { def [] use [ptr, val] imm [offset: u16] }
    F32Store "f32.store" { def [] use [ptr, val] imm [offset: u16] }
    F64Store "f64.store" { def [] use [ptr, val] imm [offset: u16] }
    I32Store8 "i32.store8" { def [] use [ptr, val] imm [offset: u16] }
    I32Store16 "i32.store16" { def [] use [ptr, val] imm [offset: u16] }
    I64Store8 "i64.store8" { def [] use [ptr, val] imm [offset: u16] }
    I64Store16 "i64.store16" { def [] use [ptr, val] imm [offset: u16] }
    I64Store32 "i64.store32" { def [] use [ptr, val] imm [offset: u16] }
    /// `i32.load` at `a + b`: an `i32.add` (wrapping) fused with the load
    /// of offset 0 that alone used its sum. So are the other `*Sum` forms.
    I32LoadSum "i32.load.sum" { def [dst] use [a, b] imm [] }
    I64LoadSum "i64.load.sum" { def [dst] use [a, b] imm [] }
    F32LoadSum "f32.load.sum" { def [dst] use [a, b] imm [] }
    F64LoadSum "f64.load.sum" { def [dst] use [a, b] imm [] }
    I32Load8SSum "i32.load8_s.sum" { def [dst] use [a, b] imm [] }
    I32Load8USum "i32.load8_u.sum" { def [dst] use [a, b] imm [] }
    I32Load16SSum "i32.load16_s.sum" { def [dst] use [a, b] imm [] }
    I32Load16USum "i32.load16_u.sum" { def [dst] use [a, b] imm [] }
    I32StoreSum "i32.store.sum" { def [] use [a, b, val] imm [] }
    I64StoreSum "i64.store.sum" { def [] use [a, b, val] imm [] }
    F32StoreSum "f32.store.sum" { def [] use [a, b, val] imm [] }
    F64StoreSum "f64.store.sum" { def [] use [a, b, val] imm [] }
    I32Store8Sum "i32.store8.sum" { def [] use [a, b, val] imm [] }
    I32Store16Sum "i32.store16.sum" { def [] use [a, b, val] imm [] }
    /// A load whose offset does not fit 16 bits; an `imm` word holds it.
    LoadWide "load.wide" { def [dst] use [ptr] imm [kind: MemKind] }
    /// A store whose offset does not fit 16 bits; an `imm` word holds it.
    StoreWide "store.wide" { def [] use [ptr, val] imm [kind: MemKind] }
    /// A load from a memory other than memory 0; two `imm` words follow:
    /// the offset, then the memory index.
    LoadMem "load.mem" { def [dst] use [ptr] imm [kind: MemKind] }
    /// A store to a memory other than memory 0; `imm` words as `load.mem`.
    StoreMem "store.mem" { def [] use [ptr, val] imm [kind: MemKind] }
    /// A load from a 64-bit memory (`memory64`), any index, bounds-checked
    /// explicitly; three `imm` words follow: the offset's low and high 32
    /// bits, then the memory index.
    LoadMem64 "load.mem64" { def [dst] use [ptr] imm [kind: MemKind] }
    /// A store to a 64-bit memory; `imm` words as `load.mem64`.
    StoreMem64 "store.mem64" { def [] use [ptr, val] imm [kind: MemKind] }
    /// `dst = min(src, 2^32 - 1)` (i64 to i32, saturating): a 64-bit
    /// table's element index, narrowed for `call_indirect`. Tables never
    /// reach 2^32 - 1 elements (`MAX_TABLE_ELEMS`), so an index that does
    /// not fit stays out of bounds.
    IndexSat "index.sat" { def [dst] use [src] imm [] }
    /// Traps with "null reference" when `src` (a reference) is null.
    RefAsNonNull "ref.as_non_null" { def [] use [src] imm [] }
    /// Throws a new exception of the module's tag `tag`; `args` words with
    /// the values it carries follow.
    Throw "throw" { def [] use [] imm [tag: u32] }
    /// Throws the exception `exn` refers to; traps when it is null.
    ThrowRef "throw_ref" { def [] use [exn] imm [] }
    /// Throws again the exception a landing pad took: no catch clause of
    /// its `try_table` matched it.
    Rethrow "rethrow" { def [] use [] imm [] }
    /// A catch clause of a landing pad, run against the exception the pad
    /// took: when it has the module's tag `tag` (any tag when
    /// [`CATCH_ALL`](crate::ir::CATCH_ALL)), writes its values (and, for a
    /// `_ref` clause, the exception itself last) to the registers of the
    /// `results` words that follow and goes on after them; otherwise
    /// branches to the next clause. An `imm` word follows first: the
    /// offset of the next clause, relative to this instruction, shifted
    /// left by one, with bit 0 set for a `_ref` clause.
    Catch "catch" { def [] use [] imm [tag: u32] }

    MemorySize "memory.size" { def [dst] use [] imm [memory: u32] }
    MemoryGrow "memory.grow" { def [dst] use [delta] imm [memory: u16] }
    /// An `imm` word with the memory index follows.
    MemoryFill "memory.fill" { def [] use [dst, val, len] imm [] }
    /// An `imm` word follows: the destination memory's index in its low 16
    /// bits, the source memory's in its high 16.
    MemoryCopy "memory.copy" { def [] use [dst, src, len] imm [] }
    /// An `args` word with destination, source and length follows.
    MemoryInit "memory.init" { def [] use [] imm [memory: u16, data: u32] }
    DataDrop "data.drop" { def [] use [] imm [data: u32] }
    TableGet "table.get" { def [dst] use [index] imm [table: u16] }
    TableSet "table.set" { def [] use [index, val] imm [table: u16] }
    TableSize "table.size" { def [dst] use [] imm [table: u32] }
    /// An `imm` word with the table index follows.
    TableGrow "table.grow" { def [dst] use [init, delta] imm [] }
    /// An `imm` word with the table index follows.
    TableFill "table.fill" { def [] use [index, val, len] imm [] }
    /// An `imm` word follows: destination table in the low 16 bits, source above.
    TableCopy "table.copy" { def [] use [dst, src, len] imm [] }
    /// An `args` word with destination, source and length follows.
    TableInit "table.init" { def [] use [] imm [table: u16, elem: u32] }
    ElemDrop "elem.drop" { def [] use [] imm [elem: u32] }
    RefFunc "ref.func" { def [dst] use [] imm [func: u32] }

    I32Eqz "i32.eqz" { def [dst] use [src] imm [] }
    I32Eq "i32.eq" { def [dst] use [a, b] imm [] }
    I32Ne "i32.ne" { def [dst] use [a, b] imm [] }
    I32LtS "i32.lt_s" { def [dst] use [a, b] imm [] }
    I32LtU "i32.lt_u" { def [dst] use [a, b] imm [] }
    I32GtS "i32.gt_s" { def [dst] use [a, b] imm [] }
    I32GtU "i32.gt_u" { def [dst] use [a, b] imm [] }
    I32LeS "i32.le_s" { def [dst] use [a, b] imm [] }
    I32LeU "i32.le_u" { def [dst] use [a, b] imm [] }
    I32GeS "i32.ge_s" { def [dst] use [a, b] imm [] }
    I32GeU "i32.ge_u" { def [dst] use [a, b] imm [] }
    I64Eqz "i64.eqz" { def [dst] use [src] imm [] }
    I64Eq "i64.eq" { def [dst] use [a, b] imm [] }
    I64Ne "i64.ne" { def [dst] use [a, b] imm [] }
    I64LtS "i64.lt_s" { def [dst] use [a, b] imm [] }
    I64LtU "i64.lt_u" { def [dst] use [a, b] imm [] }
    I64GtS "i64.gt_s" { def [dst] use [a, b] imm [] }
    I64GtU "i64.gt_u" { def [dst] use [a, b] imm [] }
    I64LeS "i64.le_s" { def [dst] use [a, b] imm [] }
    I64LeU "i64.le_u" { def [dst] use [a, b] imm [] }
    I64GeS "i64.ge_s" { def [dst] use [a, b] imm [] }
    I64GeU "i64.ge_u" { def [dst] use [a, b] imm [] }
    F32Eq "f32.eq" { def [dst] use [a, b] imm [] }
    F32Ne "f32.ne" { def [dst] use [a, b] imm [] }
    F32Lt "f32.lt" { def [dst] use [a, b] imm [] }
    F32Gt "f32.gt" { def [dst] use [a, b] imm [] }
    F32Le "f32.le" { def [dst] use [a, b] imm [] }
    F32Ge "f32.ge" { def [dst] use [a, b] imm [] }
    F64Eq "f64.eq" { def [dst] use [a, b] imm [] }
    F64Ne "f64.ne" { def [dst] use [a, b] imm [] }
    F64Lt "f64.lt" { def [dst] use [a, b] imm [] }
    F64Gt "f64.gt" { def [dst] use [a, b] imm [] }
    F64Le "f64.le" { def [dst] use [a, b] imm [] }
    F64Ge "f64.ge" { def [dst] use [a, b] imm [] }

    BrIfI32Eq "br_if.i32.eq" { def [] use [a, b] imm [offset: i16] }
    BrIfI32Ne "br_if.i32.ne" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LtS "br_if.i32.lt_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LtU "br_if.i32.lt_u" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GtS "br_if.i32.gt_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GtU "br_if.i32.gt_u" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LeS "br_if.i32.le_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LeU "br_if.i32.le_u" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GeS "br_if.i32.ge_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GeU "br_if.i32.ge_u" { def [] use [a, b] imm [offset: i16] }
    BrIfI64Eq "br_if.i64.eq" { def [] use [a, b] imm [offset: i16] }
    BrIfI64Ne "br_if.i64.ne" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LtS "br_if.i64.lt_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LtU "br_if.i64.lt_u" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GtS "br_if.i64.gt_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GtU "br_if.i64.gt_u" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LeS "br_if.i64.le_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LeU "br_if.i64.le_u" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GeS "br_if.i64.ge_s" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GeU "br_if.i64.ge_u" { def [] use [a, b] imm [offset: i16] }
    // Float compare-and-branch. A `Not` form branches when the comparison
    // is false (NaN operands included): the exact negation of its plain
    // form, which `if` and loop rotation need.
    BrIfF32Eq "br_if.f32.eq" { def [] use [a, b] imm [offset: i16] }
    BrIfF32Ne "br_if.f32.ne" { def [] use [a, b] imm [offset: i16] }
    BrIfF32Lt "br_if.f32.lt" { def [] use [a, b] imm [offset: i16] }
    BrIfF32Gt "br_if.f32.gt" { def [] use [a, b] imm [offset: i16] }
    BrIfF32Le "br_if.f32.le" { def [] use [a, b] imm [offset: i16] }
    BrIfF32Ge "br_if.f32.ge" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotLt "br_if.f32.not_lt" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotGt "br_if.f32.not_gt" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotLe "br_if.f32.not_le" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotGe "br_if.f32.not_ge" { def [] use [a, b] imm [offset: i16] }
    BrIfF64Eq "br_if.f64.eq" { def [] use [a, b] imm [offset: i16] }
    BrIfF64Ne "br_if.f64.ne" { def [] use [a, b] imm [offset: i16] }
    BrIfF64Lt "br_if.f64.lt" { def [] use [a, b] imm [offset: i16] }
    BrIfF64Gt "br_if.f64.gt" { def [] use [a, b] imm [offset: i16] }
    BrIfF64Le "br_if.f64.le" { def [] use [a, b] imm [offset: i16] }
    BrIfF64Ge "br_if.f64.ge" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotLt "br_if.f64.not_lt" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotGt "br_if.f64.not_gt" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotLe "br_if.f64.not_le" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotGe "br_if.f64.not_ge" { def [] use [a, b] imm [offset: i16] }

    I32Clz "i32.clz" { def [dst] use [src] imm [] }
    I32Ctz "i32.ctz" { def [dst] use [src] imm [] }
    I32Popcnt "i32.popcnt" { def [dst] use [src] imm [] }
    I32Add "i32.add" { def [dst] use [a, b] imm [] }
    I32Sub "i32.sub" { def [dst] use [a, b] imm [] }
    I32Mul "i32.mul" { def [dst] use [a, b] imm [] }
    I32DivS "i32.div_s" { def [dst] use [a, b] imm [] }
    I32DivU "i32.div_u" { def [dst] use [a, b] imm [] }
    I32RemS "i32.rem_s" { def [dst] use [a, b] imm [] }
    I32RemU "i32.rem_u" { def [dst] use [a, b] imm [] }
    I32And "i32.and" { def [dst] use [a, b] imm [] }
    I32Or "i32.or" { def [dst] use [a, b] imm [] }
    I32Xor "i32.xor" { def [dst] use [a, b] imm [] }
    I32Shl "i32.shl" { def [dst] use [a, b] imm [] }
    I32ShrS "i32.shr_s" { def [dst] use [a, b] imm [] }
    I32ShrU "i32.shr_u" { def [dst] use [a, b] imm [] }
    I32Rotl "i32.rotl" { def [dst] use [a, b] imm [] }
    I32Rotr "i32.rotr" { def [dst] use [a, b] imm [] }
    I64Clz "i64.clz" { def [dst] use [src] imm [] }
    I64Ctz "i64.ctz" { def [dst] use [src] imm [] }
    I64Popcnt "i64.popcnt" { def [dst] use [src] imm [] }
    I64Add "i64.add" { def [dst] use [a, b] imm [] }
    I64Sub "i64.sub" { def [dst] use [a, b] imm [] }
    I64Mul "i64.mul" { def [dst] use [a, b] imm [] }
    I64DivS "i64.div_s" { def [dst] use [a, b] imm [] }
    I64DivU "i64.div_u" { def [dst] use [a, b] imm [] }
    I64RemS "i64.rem_s" { def [dst] use [a, b] imm [] }
    I64RemU "i64.rem_u" { def [dst] use [a, b] imm [] }
    I64And "i64.and" { def [dst] use [a, b] imm [] }
    I64Or "i64.or" { def [dst] use [a, b] imm [] }
    I64Xor "i64.xor" { def [dst] use [a, b] imm [] }
    I64Shl "i64.shl" { def [dst] use [a, b] imm [] }
    I64ShrS "i64.shr_s" { def [dst] use [a, b] imm [] }
    I64ShrU "i64.shr_u" { def [dst] use [a, b] imm [] }
    I64Rotl "i64.rotl" { def [dst] use [a, b] imm [] }
    I64Rotr "i64.rotr" { def [dst] use [a, b] imm [] }

    F32Abs "f32.abs" { def [dst] use [src] imm [] }
    F32Neg "f32.neg" { def [dst] use [src] imm [] }
    F32Ceil "f32.ceil" { def [dst] use [src] imm [] }
    F32Floor "f32.floor" { def [dst] use [src] imm [] }
    F32Trunc "f32.trunc" { def [dst] use [src] imm [] }
    F32Nearest "f32.nearest" { def [dst] use [src] imm [] }
    F32Sqrt "f32.sqrt" { def [dst] use [src] imm [] }
    F32Add "f32.add" { def [dst] use [a, b] imm [] }
    F32Sub "f32.sub" { def [dst] use [a, b] imm [] }
    F32Mul "f32.mul" { def [dst] use [a, b] imm [] }
    F32Div "f32.div" { def [dst] use [a, b] imm [] }
    F32Min "f32.min" { def [dst] use [a, b] imm [] }
    F32Max "f32.max" { def [dst] use [a, b] imm [] }
    F32Copysign "f32.copysign" { def [dst] use [a, b] imm [] }
    F64Abs "f64.abs" { def [dst] use [src] imm [] }
    F64Neg "f64.neg" { def [dst] use [src] imm [] }
    F64Ceil "f64.ceil" { def [dst] use [src] imm [] }
    F64Floor "f64.floor" { def [dst] use [src] imm [] }
    F64Trunc "f64.trunc" { def [dst] use [src] imm [] }
    F64Nearest "f64.nearest" { def [dst] use [src] imm [] }
    F64Sqrt "f64.sqrt" { def [dst] use [src] imm [] }
    F64Add "f64.add" { def [dst] use [a, b] imm [] }
    F64Sub "f64.sub" { def [dst] use [a, b] imm [] }
    F64Mul "f64.mul" { def [dst] use [a, b] imm [] }
    F64Div "f64.div" { def [dst] use [a, b] imm [] }
    F64Min "f64.min" { def [dst] use [a, b] imm [] }
    F64Max "f64.max" { def [dst] use [a, b] imm [] }
    F64Copysign "f64.copysign" { def [dst] use [a, b] imm [] }

    I32WrapI64 "i32.wrap_i64" { def [dst] use [src] imm [] }
    I32TruncF32S "i32.trunc_f32_s" { def [dst] use [src] imm [] }
    I32TruncF32U "i32.trunc_f32_u" { def [dst] use [src] imm [] }
    I32TruncF64S "i32.trunc_f64_s" { def [dst] use [src] imm [] }
    I32TruncF64U "i32.trunc_f64_u" { def [dst] use [src] imm [] }
    I64ExtendI32S "i64.extend_i32_s" { def [dst] use [src] imm [] }
    I64ExtendI32U "i64.extend_i32_u" { def [dst] use [src] imm [] }
    I64TruncF32S "i64.trunc_f32_s" { def [dst] use [src] imm [] }
    I64TruncF32U "i64.trunc_f32_u" { def [dst] use [src] imm [] }
    I64TruncF64S "i64.trunc_f64_s" { def [dst] use [src] imm [] }
    I64TruncF64U "i64.trunc_f64_u" { def [dst] use [src] imm [] }
    F32ConvertI32S "f32.convert_i32_s" { def [dst] use [src] imm [] }
    F32ConvertI32U "f32.convert_i32_u" { def [dst] use [src] imm [] }
    F32ConvertI64S "f32.convert_i64_s" { def [dst] use [src] imm [] }
    F32ConvertI64U "f32.convert_i64_u" { def [dst] use [src] imm [] }
    F32DemoteF64 "f32.demote_f64" { def [dst] use [src] imm [] }
    F64ConvertI32S "f64.convert_i32_s" { def [dst] use [src] imm [] }
    F64ConvertI32U "f64.convert_i32_u" { def [dst] use [src] imm [] }
    F64ConvertI64S "f64.convert_i64_s" { def [dst] use [src] imm [] }
    F64ConvertI64U "f64.convert_i64_u" { def [dst] use [src] imm [] }
    F64PromoteF32 "f64.promote_f32" { def [dst] use [src] imm [] }
    I32Extend8S "i32.extend8_s" { def [dst] use [src] imm [] }
    I32Extend16S "i32.extend16_s" { def [dst] use [src] imm [] }
    I64Extend8S "i64.extend8_s" { def [dst] use [src] imm [] }
    I64Extend16S "i64.extend16_s" { def [dst] use [src] imm [] }
    I64Extend32S "i64.extend32_s" { def [dst] use [src] imm [] }
    I32TruncSatF32S "i32.trunc_sat_f32_s" { def [dst] use [src] imm [] }
    I32TruncSatF32U "i32.trunc_sat_f32_u" { def [dst] use [src] imm [] }
    I32TruncSatF64S "i32.trunc_sat_f64_s" { def [dst] use [src] imm [] }
    I32TruncSatF64U "i32.trunc_sat_f64_u" { def [dst] use [src] imm [] }
    I64TruncSatF32S "i64.trunc_sat_f32_s" { def [dst] use [src] imm [] }
    I64TruncSatF32U "i64.trunc_sat_f32_u" { def [dst] use [src] imm [] }
    I64TruncSatF64S "i64.trunc_sat_f64_s" { def [dst] use [src] imm [] }
    I64TruncSatF64U "i64.trunc_sat_f64_u" { def [dst] use [src] imm [] }

    // Fused pairs: the first instruction of a pair that often runs
    // followed by the second, which stays in place as its own word. The
    // interpreter runs the first's effect and goes straight to the second's
    // handler without a dispatch; the JIT lowers the first as itself
    // (`Op::unfused`). Chosen by measured pair frequency over `benches/`.
    /// `i32.add`, then the `br_if.i32.lt_u` after it: a fused pair (see `ir::fused`).
    I32AddThenBrIfI32LtU "i32.add+br_if.i32.lt_u" { def [dst] use [a, b] imm [] }
    I32AddIntoBrIfI32LtU "i32.add>br_if.i32.lt_u" { def [dst] use [a, b] imm [] }
    I64AddThenI32Add "i64.add+i32.add" { def [dst] use [a, b] imm [] }
    I64AddIntoI32Add "i64.add>i32.add" { def [dst] use [a, b] imm [] }
    CopyThenCopy "copy+copy" { def [dst] use [src] imm [] }
    CopyIntoCopy "copy>copy" { def [dst] use [src] imm [] }
    I32AddThenI32Shl "i32.add+i32.shl" { def [dst] use [a, b] imm [] }
    I32AddIntoI32Shl "i32.add>i32.shl" { def [dst] use [a, b] imm [] }
    I32AddThenI32Add "i32.add+i32.add" { def [dst] use [a, b] imm [] }
    I32AddIntoI32Add "i32.add>i32.add" { def [dst] use [a, b] imm [] }
    I32AddThenBr "i32.add+br" { def [dst] use [a, b] imm [] }
    I32ShrUThenI32Xor "i32.shr_u+i32.xor" { def [dst] use [a, b] imm [] }
    I32ShrUIntoI32Xor "i32.shr_u>i32.xor" { def [dst] use [a, b] imm [] }
    F64MulThenF64Add "f64.mul+f64.add" { def [dst] use [a, b] imm [] }
    F64MulIntoF64Add "f64.mul>f64.add" { def [dst] use [a, b] imm [] }
    I64ExtendI32UThenI64Add "i64.extend_i32_u+i64.add" { def [dst] use [src] imm [] }
    I64ExtendI32UIntoI64Add "i64.extend_i32_u>i64.add" { def [dst] use [src] imm [] }
    I64AddThenCopy "i64.add+copy" { def [dst] use [a, b] imm [] }
    I64AddIntoCopy "i64.add>copy" { def [dst] use [a, b] imm [] }
    I32XorThenI32And "i32.xor+i32.and" { def [dst] use [a, b] imm [] }
    I32XorIntoI32And "i32.xor>i32.and" { def [dst] use [a, b] imm [] }
    I32ShlThenI32LoadSum "i32.shl+i32.load.sum" { def [dst] use [a, b] imm [] }
    I32ShlIntoI32LoadSum "i32.shl>i32.load.sum" { def [dst] use [a, b] imm [] }
    I32ShlThenI32Xor "i32.shl+i32.xor" { def [dst] use [a, b] imm [] }
    I32ShlIntoI32Xor "i32.shl>i32.xor" { def [dst] use [a, b] imm [] }
    I32MulThenI32Add "i32.mul+i32.add" { def [dst] use [a, b] imm [] }
    I32MulIntoI32Add "i32.mul>i32.add" { def [dst] use [a, b] imm [] }
    I32AddThenCopy "i32.add+copy" { def [dst] use [a, b] imm [] }
    I32AddIntoCopy "i32.add>copy" { def [dst] use [a, b] imm [] }
    CopyThenI32Sub "copy+i32.sub" { def [dst] use [src] imm [] }
    CopyIntoI32Sub "copy>i32.sub" { def [dst] use [src] imm [] }
    I32SubThenBr "i32.sub+br" { def [dst] use [a, b] imm [] }
    F64MulThenF64Mul "f64.mul+f64.mul" { def [dst] use [a, b] imm [] }
    F64MulIntoF64Mul "f64.mul>f64.mul" { def [dst] use [a, b] imm [] }
    CopyThenI32Add "copy+i32.add" { def [dst] use [src] imm [] }
    CopyIntoI32Add "copy>i32.add" { def [dst] use [src] imm [] }
    CopyThenBr "copy+br" { def [dst] use [src] imm [] }
    I32AddThenI32Load "i32.add+i32.load" { def [dst] use [a, b] imm [] }
    I32AddIntoI32Load "i32.add>i32.load" { def [dst] use [a, b] imm [] }
    F64AddThenCopy "f64.add+copy" { def [dst] use [a, b] imm [] }
    F64AddIntoCopy "f64.add>copy" { def [dst] use [a, b] imm [] }
    I32XorThenI32Shl "i32.xor+i32.shl" { def [dst] use [a, b] imm [] }
    I32XorIntoI32Shl "i32.xor>i32.shl" { def [dst] use [a, b] imm [] }
    I32XorThenI32ShrU "i32.xor+i32.shr_u" { def [dst] use [a, b] imm [] }
    I32XorIntoI32ShrU "i32.xor>i32.shr_u" { def [dst] use [a, b] imm [] }
    I32ShlThenI32Add "i32.shl+i32.add" { def [dst] use [a, b] imm [] }
    I32ShlIntoI32Add "i32.shl>i32.add" { def [dst] use [a, b] imm [] }

    // Accumulator forms (`ir::acc`): the instruction with one operand taken
    // from the register the instruction before it left its result in,
    // instead of from that result's cell. Interpreter only; the JIT lowers
    // each as its plain form (`Op::plain`).
    I32ReinterpretF32Acc "i32.reinterpret_f32<acc" { def [dst] use [src] imm [] }
    I32EqzAcc "i32.eqz<acc" { def [dst] use [src] imm [] }
    I64EqzAcc "i64.eqz<acc" { def [dst] use [src] imm [] }
    I32ClzAcc "i32.clz<acc" { def [dst] use [src] imm [] }
    I32CtzAcc "i32.ctz<acc" { def [dst] use [src] imm [] }
    I32PopcntAcc "i32.popcnt<acc" { def [dst] use [src] imm [] }
    I64ClzAcc "i64.clz<acc" { def [dst] use [src] imm [] }
    I64CtzAcc "i64.ctz<acc" { def [dst] use [src] imm [] }
    I64PopcntAcc "i64.popcnt<acc" { def [dst] use [src] imm [] }
    F32AbsAcc "f32.abs<acc" { def [dst] use [src] imm [] }
    F32NegAcc "f32.neg<acc" { def [dst] use [src] imm [] }
    F32CeilAcc "f32.ceil<acc" { def [dst] use [src] imm [] }
    F32FloorAcc "f32.floor<acc" { def [dst] use [src] imm [] }
    F32TruncAcc "f32.trunc<acc" { def [dst] use [src] imm [] }
    F32NearestAcc "f32.nearest<acc" { def [dst] use [src] imm [] }
    F32SqrtAcc "f32.sqrt<acc" { def [dst] use [src] imm [] }
    F64AbsAcc "f64.abs<acc" { def [dst] use [src] imm [] }
    F64NegAcc "f64.neg<acc" { def [dst] use [src] imm [] }
    F64CeilAcc "f64.ceil<acc" { def [dst] use [src] imm [] }
    F64FloorAcc "f64.floor<acc" { def [dst] use [src] imm [] }
    F64TruncAcc "f64.trunc<acc" { def [dst] use [src] imm [] }
    F64NearestAcc "f64.nearest<acc" { def [dst] use [src] imm [] }
    F64SqrtAcc "f64.sqrt<acc" { def [dst] use [src] imm [] }
    I32WrapI64Acc "i32.wrap_i64<acc" { def [dst] use [src] imm [] }
    I64ExtendI32SAcc "i64.extend_i32_s<acc" { def [dst] use [src] imm [] }
    I64ExtendI32UAcc "i64.extend_i32_u<acc" { def [dst] use [src] imm [] }
    F32ConvertI32SAcc "f32.convert_i32_s<acc" { def [dst] use [src] imm [] }
    F32ConvertI32UAcc "f32.convert_i32_u<acc" { def [dst] use [src] imm [] }
    F32ConvertI64SAcc "f32.convert_i64_s<acc" { def [dst] use [src] imm [] }
    F32ConvertI64UAcc "f32.convert_i64_u<acc" { def [dst] use [src] imm [] }
    F32DemoteF64Acc "f32.demote_f64<acc" { def [dst] use [src] imm [] }
    F64ConvertI32SAcc "f64.convert_i32_s<acc" { def [dst] use [src] imm [] }
    F64ConvertI32UAcc "f64.convert_i32_u<acc" { def [dst] use [src] imm [] }
    F64ConvertI64SAcc "f64.convert_i64_s<acc" { def [dst] use [src] imm [] }
    F64ConvertI64UAcc "f64.convert_i64_u<acc" { def [dst] use [src] imm [] }
    F64PromoteF32Acc "f64.promote_f32<acc" { def [dst] use [src] imm [] }
    I32Extend8SAcc "i32.extend8_s<acc" { def [dst] use [src] imm [] }
    I32Extend16SAcc "i32.extend16_s<acc" { def [dst] use [src] imm [] }
    I64Extend8SAcc "i64.extend8_s<acc" { def [dst] use [src] imm [] }
    I64Extend16SAcc "i64.extend16_s<acc" { def [dst] use [src] imm [] }
    I64Extend32SAcc "i64.extend32_s<acc" { def [dst] use [src] imm [] }
    I32TruncSatF32SAcc "i32.trunc_sat_f32_s<acc" { def [dst] use [src] imm [] }
    I32TruncSatF32UAcc "i32.trunc_sat_f32_u<acc" { def [dst] use [src] imm [] }
    I32TruncSatF64SAcc "i32.trunc_sat_f64_s<acc" { def [dst] use [src] imm [] }
    I32TruncSatF64UAcc "i32.trunc_sat_f64_u<acc" { def [dst] use [src] imm [] }
    I64TruncSatF32SAcc "i64.trunc_sat_f32_s<acc" { def [dst] use [src] imm [] }
    I64TruncSatF32UAcc "i64.trunc_sat_f32_u<acc" { def [dst] use [src] imm [] }
    I64TruncSatF64SAcc "i64.trunc_sat_f64_s<acc" { def [dst] use [src] imm [] }
    I64TruncSatF64UAcc "i64.trunc_sat_f64_u<acc" { def [dst] use [src] imm [] }
    I32EqAcc "i32.eq<acc" { def [dst] use [a, b] imm [] }
    I32NeAcc "i32.ne<acc" { def [dst] use [a, b] imm [] }
    I32LtSAcc "i32.lt_s<acc" { def [dst] use [a, b] imm [] }
    I32LtUAcc "i32.lt_u<acc" { def [dst] use [a, b] imm [] }
    I32GtSAcc "i32.gt_s<acc" { def [dst] use [a, b] imm [] }
    I32GtUAcc "i32.gt_u<acc" { def [dst] use [a, b] imm [] }
    I32LeSAcc "i32.le_s<acc" { def [dst] use [a, b] imm [] }
    I32LeUAcc "i32.le_u<acc" { def [dst] use [a, b] imm [] }
    I32GeSAcc "i32.ge_s<acc" { def [dst] use [a, b] imm [] }
    I32GeUAcc "i32.ge_u<acc" { def [dst] use [a, b] imm [] }
    I64EqAcc "i64.eq<acc" { def [dst] use [a, b] imm [] }
    I64NeAcc "i64.ne<acc" { def [dst] use [a, b] imm [] }
    I64LtSAcc "i64.lt_s<acc" { def [dst] use [a, b] imm [] }
    I64LtUAcc "i64.lt_u<acc" { def [dst] use [a, b] imm [] }
    I64GtSAcc "i64.gt_s<acc" { def [dst] use [a, b] imm [] }
    I64GtUAcc "i64.gt_u<acc" { def [dst] use [a, b] imm [] }
    I64LeSAcc "i64.le_s<acc" { def [dst] use [a, b] imm [] }
    I64LeUAcc "i64.le_u<acc" { def [dst] use [a, b] imm [] }
    I64GeSAcc "i64.ge_s<acc" { def [dst] use [a, b] imm [] }
    I64GeUAcc "i64.ge_u<acc" { def [dst] use [a, b] imm [] }
    F32EqAcc "f32.eq<acc" { def [dst] use [a, b] imm [] }
    F32NeAcc "f32.ne<acc" { def [dst] use [a, b] imm [] }
    F32LtAcc "f32.lt<acc" { def [dst] use [a, b] imm [] }
    F32GtAcc "f32.gt<acc" { def [dst] use [a, b] imm [] }
    F32LeAcc "f32.le<acc" { def [dst] use [a, b] imm [] }
    F32GeAcc "f32.ge<acc" { def [dst] use [a, b] imm [] }
    F64EqAcc "f64.eq<acc" { def [dst] use [a, b] imm [] }
    F64NeAcc "f64.ne<acc" { def [dst] use [a, b] imm [] }
    F64LtAcc "f64.lt<acc" { def [dst] use [a, b] imm [] }
    F64GtAcc "f64.gt<acc" { def [dst] use [a, b] imm [] }
    F64LeAcc "f64.le<acc" { def [dst] use [a, b] imm [] }
    F64GeAcc "f64.ge<acc" { def [dst] use [a, b] imm [] }
    I32AddAcc "i32.add<acc" { def [dst] use [a, b] imm [] }
    I32SubAcc "i32.sub<acc" { def [dst] use [a, b] imm [] }
    I32MulAcc "i32.mul<acc" { def [dst] use [a, b] imm [] }
    I32AndAcc "i32.and<acc" { def [dst] use [a, b] imm [] }
    I32OrAcc "i32.or<acc" { def [dst] use [a, b] imm [] }
    I32XorAcc "i32.xor<acc" { def [dst] use [a, b] imm [] }
    I32ShlAcc "i32.shl<acc" { def [dst] use [a, b] imm [] }
    I32ShrSAcc "i32.shr_s<acc" { def [dst] use [a, b] imm [] }
    I32ShrUAcc "i32.shr_u<acc" { def [dst] use [a, b] imm [] }
    I32RotlAcc "i32.rotl<acc" { def [dst] use [a, b] imm [] }
    I32RotrAcc "i32.rotr<acc" { def [dst] use [a, b] imm [] }
    I64AddAcc "i64.add<acc" { def [dst] use [a, b] imm [] }
    I64SubAcc "i64.sub<acc" { def [dst] use [a, b] imm [] }
    I64MulAcc "i64.mul<acc" { def [dst] use [a, b] imm [] }
    I64AndAcc "i64.and<acc" { def [dst] use [a, b] imm [] }
    I64OrAcc "i64.or<acc" { def [dst] use [a, b] imm [] }
    I64XorAcc "i64.xor<acc" { def [dst] use [a, b] imm [] }
    I64ShlAcc "i64.shl<acc" { def [dst] use [a, b] imm [] }
    I64ShrSAcc "i64.shr_s<acc" { def [dst] use [a, b] imm [] }
    I64ShrUAcc "i64.shr_u<acc" { def [dst] use [a, b] imm [] }
    I64RotlAcc "i64.rotl<acc" { def [dst] use [a, b] imm [] }
    I64RotrAcc "i64.rotr<acc" { def [dst] use [a, b] imm [] }
    F32AddAcc "f32.add<acc" { def [dst] use [a, b] imm [] }
    F32SubAcc "f32.sub<acc" { def [dst] use [a, b] imm [] }
    F32MulAcc "f32.mul<acc" { def [dst] use [a, b] imm [] }
    F32DivAcc "f32.div<acc" { def [dst] use [a, b] imm [] }
    F32MinAcc "f32.min<acc" { def [dst] use [a, b] imm [] }
    F32MaxAcc "f32.max<acc" { def [dst] use [a, b] imm [] }
    F32CopysignAcc "f32.copysign<acc" { def [dst] use [a, b] imm [] }
    F64AddAcc "f64.add<acc" { def [dst] use [a, b] imm [] }
    F64SubAcc "f64.sub<acc" { def [dst] use [a, b] imm [] }
    F64MulAcc "f64.mul<acc" { def [dst] use [a, b] imm [] }
    F64DivAcc "f64.div<acc" { def [dst] use [a, b] imm [] }
    F64MinAcc "f64.min<acc" { def [dst] use [a, b] imm [] }
    F64MaxAcc "f64.max<acc" { def [dst] use [a, b] imm [] }
    F64CopysignAcc "f64.copysign<acc" { def [dst] use [a, b] imm [] }
    BrIfI32EqAcc "br_if.i32.eq<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32NeAcc "br_if.i32.ne<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LtSAcc "br_if.i32.lt_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LtUAcc "br_if.i32.lt_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GtSAcc "br_if.i32.gt_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GtUAcc "br_if.i32.gt_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LeSAcc "br_if.i32.le_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32LeUAcc "br_if.i32.le_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GeSAcc "br_if.i32.ge_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI32GeUAcc "br_if.i32.ge_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64EqAcc "br_if.i64.eq<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64NeAcc "br_if.i64.ne<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LtSAcc "br_if.i64.lt_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LtUAcc "br_if.i64.lt_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GtSAcc "br_if.i64.gt_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GtUAcc "br_if.i64.gt_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LeSAcc "br_if.i64.le_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64LeUAcc "br_if.i64.le_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GeSAcc "br_if.i64.ge_s<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfI64GeUAcc "br_if.i64.ge_u<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32EqAcc "br_if.f32.eq<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NeAcc "br_if.f32.ne<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32LtAcc "br_if.f32.lt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32GtAcc "br_if.f32.gt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32LeAcc "br_if.f32.le<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32GeAcc "br_if.f32.ge<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotLtAcc "br_if.f32.not_lt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotGtAcc "br_if.f32.not_gt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotLeAcc "br_if.f32.not_le<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF32NotGeAcc "br_if.f32.not_ge<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64EqAcc "br_if.f64.eq<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NeAcc "br_if.f64.ne<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64LtAcc "br_if.f64.lt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64GtAcc "br_if.f64.gt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64LeAcc "br_if.f64.le<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64GeAcc "br_if.f64.ge<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotLtAcc "br_if.f64.not_lt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotGtAcc "br_if.f64.not_gt<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotLeAcc "br_if.f64.not_le<acc" { def [] use [a, b] imm [offset: i16] }
    BrIfF64NotGeAcc "br_if.f64.not_ge<acc" { def [] use [a, b] imm [offset: i16] }
    I32LoadAcc "i32.load<acc" { def [dst] use [ptr] imm [offset: u16] }
    I64LoadAcc "i64.load<acc" { def [dst] use [ptr] imm [offset: u16] }
    F32LoadAcc "f32.load<acc" { def [dst] use [ptr] imm [offset: u16] }
    F64LoadAcc "f64.load<acc" { def [dst] use [ptr] imm [offset: u16] }
    I32Load8SAcc "i32.load8_s<acc" { def [dst] use [ptr] imm [offset: u16] }
    I32Load8UAcc "i32.load8_u<acc" { def [dst] use [ptr] imm [offset: u16] }
    I32Load16SAcc "i32.load16_s<acc" { def [dst] use [ptr] imm [offset: u16] }
    I32Load16UAcc "i32.load16_u<acc" { def [dst] use [ptr] imm [offset: u16] }
    I64Load8SAcc "i64.load8_s<acc" { def [dst] use [ptr] imm [offset: u16] }
    I64Load8UAcc "i64.load8_u<acc" { def [dst] use [ptr] imm [offset: u16] }
    I64Load16SAcc "i64.load16_s<acc" { def [dst] use [ptr] imm [offset: u16] }
    I64Load16UAcc "i64.load16_u<acc" { def [dst] use [ptr] imm [offset: u16] }
    I64Load32SAcc "i64.load32_s<acc" { def [dst] use [ptr] imm [offset: u16] }
    I64Load32UAcc "i64.load32_u<acc" { def [dst] use [ptr] imm [offset: u16] }
    I32LoadSumAcc "i32.load.sum<acc" { def [dst] use [a, b] imm [] }
    I64LoadSumAcc "i64.load.sum<acc" { def [dst] use [a, b] imm [] }
    F32LoadSumAcc "f32.load.sum<acc" { def [dst] use [a, b] imm [] }
    F64LoadSumAcc "f64.load.sum<acc" { def [dst] use [a, b] imm [] }
    I32Load8SSumAcc "i32.load8_s.sum<acc" { def [dst] use [a, b] imm [] }
    I32Load8USumAcc "i32.load8_u.sum<acc" { def [dst] use [a, b] imm [] }
    I32Load16SSumAcc "i32.load16_s.sum<acc" { def [dst] use [a, b] imm [] }
    I32Load16USumAcc "i32.load16_u.sum<acc" { def [dst] use [a, b] imm [] }
    CopyAcc "copy<acc" { def [dst] use [src] imm [] }
    BrIfNezAcc "br_if.nez<acc" { def [] use [cond] imm [offset: i32] }
    BrIfEqzAcc "br_if.eqz<acc" { def [] use [cond] imm [offset: i32] }
    I32StoreAcc "i32.store<acc" { def [] use [ptr, val] imm [offset: u16] }
    I64StoreAcc "i64.store<acc" { def [] use [ptr, val] imm [offset: u16] }
    F32StoreAcc "f32.store<acc" { def [] use [ptr, val] imm [offset: u16] }
    F64StoreAcc "f64.store<acc" { def [] use [ptr, val] imm [offset: u16] }
    I32Store8Acc "i32.store8<acc" { def [] use [ptr, val] imm [offset: u16] }
    I32Store16Acc "i32.store16<acc" { def [] use [ptr, val] imm [offset: u16] }
    I64Store8Acc "i64.store8<acc" { def [] use [ptr, val] imm [offset: u16] }
    I64Store16Acc "i64.store16<acc" { def [] use [ptr, val] imm [offset: u16] }
    I64Store32Acc "i64.store32<acc" { def [] use [ptr, val] imm [offset: u16] }
    I32StoreSumAcc "i32.store.sum<acc" { def [] use [a, b, val] imm [] }
    I64StoreSumAcc "i64.store.sum<acc" { def [] use [a, b, val] imm [] }
    F32StoreSumAcc "f32.store.sum<acc" { def [] use [a, b, val] imm [] }
    F64StoreSumAcc "f64.store.sum<acc" { def [] use [a, b, val] imm [] }
    I32Store8SumAcc "i32.store8.sum<acc" { def [] use [a, b, val] imm [] }
    I32Store16SumAcc "i32.store16.sum<acc" { def [] use [a, b, val] imm [] }
    GlobalSetAcc "global.set<acc" { def [] use [src] imm [global: u32] }
    Return1Acc "return<acc" { def [] use [src] imm [] }
}
