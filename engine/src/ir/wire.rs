//! The byte encoding of precompiled modules (`module::artifact`): fixed-
//! width little-endian integers, read back with every length and value
//! checked, so that a damaged artifact is an error, never a bad read.

use super::MemKind;

/// A value with a byte encoding.
pub(crate) trait Wire: Sized {
    /// Appends the encoding to `out`.
    fn put(self, out: &mut Vec<u8>);
    /// Takes an encoding from the front of `input`; `None` when it is cut
    /// short or names no value.
    fn get(input: &mut &[u8]) -> Option<Self>;
}

macro_rules! wire_int {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(input: &mut &[u8]) -> Option<Self> {
                const N: usize = core::mem::size_of::<$t>();
                let (bytes, rest) = input.split_first_chunk::<N>()?;
                *input = rest;
                Some(<$t>::from_le_bytes(*bytes))
            }
        }
    )*};
}

wire_int!(u8, u16, i16, u32, i32, u64);

impl Wire for MemKind {
    fn put(self, out: &mut Vec<u8>) {
        (self as u8).put(out);
    }
    fn get(input: &mut &[u8]) -> Option<Self> {
        let b = u8::get(input)?;
        MemKind::ALL.get(b as usize).copied()
    }
}
