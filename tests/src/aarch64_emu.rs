//! AArch64 machine code run in an emulator (Unicorn), in process: how code
//! for an ISA this machine does not have is run and checked.
//!
//! One [`Machine`] holds a code region, a data region and a stack, at fixed
//! addresses. A call starts at the code's first instruction with the link
//! register at a sentinel return address, and ends when the code returns
//! there, reaches a `brk`, or touches memory that is not mapped: the same
//! three outcomes as native code, its return, a trap instruction and a
//! fault, each found by the PC, as a signal handler would find them.

use unicorn_engine::{Arch, HookType, MemType, Mode, Prot, RegisterARM64, Unicorn};

/// Where the code is mapped.
pub const CODE: u64 = 0x10_0000;
/// Where the data region is mapped.
pub const DATA: u64 = 0x1000_0000;
/// The initial stack pointer (the stack lies below it).
pub const STACK_TOP: u64 = 0x2000_0000;
/// The stack's size.
pub const STACK_SIZE: u64 = 1 << 20;
/// The return address calls start with: the call is over when the PC
/// reaches it.
pub const RETURN: u64 = 0x3000_0000;

const PAGE: u64 = 0x1000;
const CODE_SIZE: u64 = 16 << 20;

/// How a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// It returned to its caller.
    Returned,
    /// A `brk` at this code offset.
    Brk(u32),
    /// A load or store of an unmapped address at this code offset.
    Fault { offset: u32, address: u64 },
    /// The instruction limit was reached.
    Limit,
    /// Anything else the emulator reported.
    Other(String),
}

/// What a CPU's hooks record during a call.
#[derive(Default)]
pub(crate) struct Seen {
    /// The PC of the `brk` the call reached.
    pub brk_pc: Option<u64>,
    /// The address of an access refused.
    pub fault: Option<u64>,
}

/// A CPU's data, which holds what its hooks record.
pub(crate) trait Stops {
    /// Where the hooks record.
    fn seen(&mut self) -> &mut Seen;
}

impl Stops for Seen {
    fn seen(&mut self) -> &mut Seen {
        self
    }
}

/// An AArch64 CPU with FP and SIMD on and an executable page at `ret`
/// (where calls return), that stops at a `brk`. An access of an unmapped
/// address goes on when `unmapped` maps it (and says so), else faults.
pub(crate) fn cpu<D: Stops + 'static>(
    data: D,
    ret: u64,
    unmapped: fn(&mut Unicorn<'_, D>, u64) -> bool,
) -> Unicorn<'static, D> {
    let mut uc = Unicorn::new_with_data(Arch::ARM64, Mode::LITTLE_ENDIAN, data)
        .expect("creates the emulator");
    // FP and SIMD on at EL0 and EL1.
    uc.reg_write(RegisterARM64::CPACR_EL1, 3 << 20)
        .expect("enables FP");
    uc.mem_map(ret, PAGE, Prot::READ | Prot::EXEC)
        .expect("maps the return page");
    uc.add_intr_hook(|uc, _intno| {
        let pc = uc.pc_read().unwrap_or(0);
        uc.get_data_mut().seen().brk_pc = Some(pc);
        let _ = uc.emu_stop();
    })
    .expect("hooks interrupts");
    uc.add_mem_hook(
        HookType::MEM_UNMAPPED,
        0,
        u64::MAX,
        move |uc, _kind: MemType, address, _size, _value| {
            if unmapped(uc, address) {
                return true;
            }
            uc.get_data_mut().seen().fault = Some(address);
            false
        },
    )
    .expect("hooks faults");
    uc
}

/// An emulated AArch64 CPU with code, data and a stack.
pub struct Machine {
    uc: Unicorn<'static, Seen>,
    code_len: u64,
    data_len: u64,
}

/// The emulator's identifier of `Xn` (x0 to x30).
pub(crate) fn xreg(n: u8) -> i32 {
    match n {
        0..=28 => RegisterARM64::X0 as i32 + n as i32,
        29 => RegisterARM64::X29 as i32,
        30 => RegisterARM64::X30 as i32,
        _ => panic!("no register x{n}"),
    }
}

/// The emulator's identifier of `Qn`.
fn qreg(n: u8) -> i32 {
    assert!(n < 32, "no register q{n}");
    RegisterARM64::Q0 as i32 + n as i32
}

impl Machine {
    /// A machine with `data_len` bytes of zeroed data (rounded up to pages).
    pub fn new(data_len: usize) -> Machine {
        let mut uc = cpu(Seen::default(), RETURN, |_, _| false);
        let data_len = (data_len as u64).max(1).div_ceil(PAGE) * PAGE;
        uc.mem_map(CODE, CODE_SIZE, Prot::READ | Prot::EXEC)
            .expect("maps code");
        uc.mem_map(DATA, data_len, Prot::READ | Prot::WRITE)
            .expect("maps data");
        uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE, Prot::READ | Prot::WRITE)
            .expect("maps the stack");
        Machine {
            uc,
            code_len: 0,
            data_len,
        }
    }

    /// Replaces the code.
    pub fn load_code(&mut self, code: &[u8]) {
        assert!((code.len() as u64) < CODE_SIZE, "code too large");
        self.uc.mem_write(CODE, code).expect("writes code");
        let end = CODE + self.code_len.max(code.len() as u64);
        // Translated blocks of the previous code must not run again.
        self.uc
            .ctl_remove_cache(CODE, end.max(CODE + 4))
            .expect("flushes");
        self.code_len = code.len() as u64;
    }

    /// Sets `Xn`.
    pub fn set_x(&mut self, n: u8, v: u64) {
        self.uc.reg_write(xreg(n), v).expect("writes a register");
    }

    /// `Xn`.
    pub fn x(&self, n: u8) -> u64 {
        self.uc.reg_read(xreg(n)).expect("reads a register")
    }

    /// Sets `Qn`.
    pub fn set_q(&mut self, n: u8, v: u128) {
        self.uc
            .reg_write_long(qreg(n), &v.to_le_bytes())
            .expect("writes a vector register");
    }

    /// `Qn`.
    pub fn q(&self, n: u8) -> u128 {
        let bytes = self
            .uc
            .reg_read_long(qreg(n))
            .expect("reads a vector register");
        let mut b = [0u8; 16];
        b.copy_from_slice(&bytes[..16]);
        u128::from_le_bytes(b)
    }

    /// Writes `bytes` at `offset` in the data region.
    pub fn write_data(&mut self, offset: u64, bytes: &[u8]) {
        assert!(offset + bytes.len() as u64 <= self.data_len);
        self.uc
            .mem_write(DATA + offset, bytes)
            .expect("writes data");
    }

    /// Reads `len` bytes at `offset` in the data region.
    pub fn read_data(&self, offset: u64, len: usize) -> Vec<u8> {
        self.uc
            .mem_read_as_vec(DATA + offset, len)
            .expect("reads data")
    }

    /// Runs the code from its start for at most `limit` instructions.
    pub fn call(&mut self, limit: usize) -> Exit {
        *self.uc.get_data_mut() = Seen::default();
        self.set_x(30, RETURN);
        self.uc
            .reg_write(RegisterARM64::SP, STACK_TOP)
            .expect("sets sp");
        let result = self.uc.emu_start(CODE, RETURN, 0, limit);
        let pc = self.uc.pc_read().unwrap_or(0);
        let offset = |pc: u64| pc.wrapping_sub(CODE) as u32;
        let seen = std::mem::take(self.uc.get_data_mut());
        if let Some(pc) = seen.brk_pc {
            return Exit::Brk(offset(pc));
        }
        match result {
            Ok(()) if pc == RETURN => Exit::Returned,
            Ok(()) => Exit::Limit,
            Err(e) => match seen.fault {
                Some(address) => Exit::Fault {
                    offset: offset(pc),
                    address,
                },
                None => Exit::Other(format!("{e:?} at pc {pc:#x}")),
            },
        }
    }
}
