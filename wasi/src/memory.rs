//! Guest pointers: bounds-checked access to the calling instance's memory.
//!
//! Every pointer the guest passes is an offset into its exported `memory`.
//! A range that does not fit is `EFAULT`, the guest's bug to handle, never
//! a host panic. Values are little-endian, as wasm's are.

use crate::errno::{Errno, Fail, WasiResult};

/// The calling instance's linear memory, for the duration of one call.
pub(crate) struct GuestMemory<'a> {
    bytes: Option<&'a mut [u8]>,
}

impl<'a> GuestMemory<'a> {
    /// Wraps the instance's memory; `None` if it exports none.
    pub fn new(bytes: Option<&'a mut [u8]>) -> GuestMemory<'a> {
        GuestMemory { bytes }
    }

    fn all(&mut self) -> WasiResult<&mut [u8]> {
        match &mut self.bytes {
            Some(bytes) => Ok(bytes),
            None => Err(Fail::Host(strata::Error::msg(
                "WASI needs the module to export its linear memory as `memory`",
            ))),
        }
    }

    /// The `len` bytes at `ptr`.
    pub fn slice(&mut self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        Ok(self.slice_mut(ptr, len)?)
    }

    /// The `len` bytes at `ptr`, writable.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let bytes = self.all()?;
        let start = ptr as usize;
        let end = start
            .checked_add(len as usize)
            .filter(|&end| end <= bytes.len())
            .ok_or(Errno::Fault)?;
        Ok(&mut bytes[start..end])
    }

    /// Copies `data` to `ptr`.
    pub fn write(&mut self, ptr: u32, data: &[u8]) -> WasiResult<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    /// Reads a `u16`.
    pub fn read_u16(&mut self, ptr: u32) -> WasiResult<u16> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }

    /// Reads a `u32`.
    pub fn read_u32(&mut self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }

    /// Reads a `u64`.
    pub fn read_u64(&mut self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    /// Reads a `u8`.
    pub fn read_u8(&mut self, ptr: u32) -> WasiResult<u8> {
        Ok(self.slice(ptr, 1)?[0])
    }

    fn array<const N: usize>(&mut self, ptr: u32) -> WasiResult<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.slice(ptr, N as u32)?);
        Ok(out)
    }

    /// Writes a `u32`.
    pub fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    /// Writes a `u64`.
    pub fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    /// Reads an array of `iovec`s: `(buf, buf_len)` pairs.
    pub fn iovecs(&mut self, ptr: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        let size = count
            .checked_mul(crate::abi::layout::IOVEC_SIZE)
            .ok_or(Errno::Fault)?;
        let raw = self.slice(ptr, size)?;
        Ok(raw
            .chunks_exact(8)
            .map(|c| {
                (
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
                )
            })
            .collect())
    }
}

/// Builds a record of a fixed layout in host memory before it is copied
/// to the guest in one piece.
pub(crate) struct Record<const N: usize>(pub [u8; N]);

impl<const N: usize> Record<N> {
    /// A zeroed record (padding must be zero, not stale host bytes).
    pub fn new() -> Record<N> {
        Record([0; N])
    }

    /// Stores a `u8` at `offset`.
    pub fn u8(&mut self, offset: usize, value: u8) -> &mut Self {
        self.0[offset] = value;
        self
    }

    /// Stores a `u16` at `offset`.
    pub fn u16(&mut self, offset: usize, value: u16) -> &mut Self {
        self.0[offset..offset + 2].copy_from_slice(&value.to_le_bytes());
        self
    }

    /// Stores a `u32` at `offset`.
    pub fn u32(&mut self, offset: usize, value: u32) -> &mut Self {
        self.0[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
        self
    }

    /// Stores a `u64` at `offset`.
    pub fn u64(&mut self, offset: usize, value: u64) -> &mut Self {
        self.0[offset..offset + 8].copy_from_slice(&value.to_le_bytes());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_is_efault_not_a_panic() {
        let mut bytes = vec![0u8; 16];
        let mut mem = GuestMemory::new(Some(&mut bytes));
        assert!(mem.write_u64(8, 7).is_ok());
        assert_eq!(mem.read_u64(8).unwrap(), 7);
        for (ptr, len) in [(9, 8), (16, 1), (u32::MAX, 2), (0, u32::MAX)] {
            assert!(matches!(
                mem.slice(ptr, len),
                Err(Fail::Errno(Errno::Fault))
            ));
        }
        assert!(mem.slice(16, 0).is_ok());
        assert!(matches!(
            mem.iovecs(0, u32::MAX),
            Err(Fail::Errno(Errno::Fault))
        ));
    }

    #[test]
    fn missing_memory_is_a_host_error() {
        let mut mem = GuestMemory::new(None);
        assert!(matches!(mem.read_u32(0), Err(Fail::Host(_))));
    }
}
