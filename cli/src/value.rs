//! Conversions between command-line text and wasm values.

use strata::{Val, ValType};

/// Parses `text` as a wasm value of type `ty`.
///
/// Integers are decimal or `0x` hex with an optional sign; the unsigned range
/// is accepted too (`0xffffffff` is the i32 `-1`) because bit patterns are
/// often easier to write that way. Floats take Rust's syntax plus `nan`,
/// `inf` and `-inf`. References accept only `null`: there is no way to name
/// a function or host object on the command line.
pub fn parse(text: &str, ty: ValType) -> Result<Val, String> {
    let bad = |what: &str| format!("`{text}` is not a valid {what}");
    match ty {
        ValType::I32 => parse_int(text, 32)
            .map(|bits| Val::I32(bits as u32 as i32))
            .ok_or_else(|| bad("i32")),
        ValType::I64 => parse_int(text, 64)
            .map(|bits| Val::I64(bits as i64))
            .ok_or_else(|| bad("i64")),
        ValType::F32 => text
            .parse::<f32>()
            .map(|f| Val::F32(f.to_bits()))
            .map_err(|_| bad("f32")),
        ValType::F64 => text
            .parse::<f64>()
            .map(|f| Val::F64(f.to_bits()))
            .map_err(|_| bad("f64")),
        ValType::V128 => parse_v128(text).map(Val::V128).ok_or_else(|| bad("v128")),
        ValType::FuncRef if text == "null" => Ok(Val::FuncRef(None)),
        ValType::ExternRef if text == "null" => Ok(Val::ExternRef(None)),
        ValType::FuncRef => Err(bad("funcref (only `null` can be passed)")),
        ValType::ExternRef => Err(bad("externref (only `null` can be passed)")),
        ValType::Ref(r) if r.is_nullable() && text == "null" => Ok(Val::default_for(ty)),
        ValType::Ref(_) => Err(bad(&format!(
            "{ty} (only `null`, where the type allows it, can be passed)"
        ))),
    }
}

/// Parses a signed or unsigned integer of `bits` width, returning its bit
/// pattern in the low bits, or `None` if it is malformed or out of range.
fn parse_int(text: &str, bits: u32) -> Option<u64> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude: u128 = match unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        Some(hex) => u128::from_str_radix(hex, 16).ok()?,
        None => unsigned.parse().ok()?,
    };
    // `from_str_radix` tolerates a second sign ("--5", "0x-5"); reject those.
    if !unsigned
        .trim_start_matches("0x")
        .trim_start_matches("0X")
        .starts_with(|c: char| c.is_ascii_hexdigit())
    {
        return None;
    }
    let mask = (1u128 << bits) - 1;
    if negative {
        if magnitude > 1u128 << (bits - 1) {
            return None;
        }
        Some((magnitude.wrapping_neg() & mask) as u64)
    } else {
        if magnitude > mask {
            return None;
        }
        Some(magnitude as u64)
    }
}

/// Parses a v128 as one 128-bit decimal or `0x` hex integer.
fn parse_v128(text: &str) -> Option<u128> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) if hex.starts_with(|c: char| c.is_ascii_hexdigit()) => {
            u128::from_str_radix(hex, 16).ok()
        }
        Some(_) => None,
        None if text.starts_with(|c: char| c.is_ascii_digit()) => text.parse().ok(),
        None => None,
    }
}

/// Formats a result the way `strata run` prints it.
pub fn format(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(v) => format!("0x{v:032x}"),
        Val::FuncRef(r) => if r.is_some() { "ref" } else { "null" }.to_string(),
        Val::ExternRef(r) => if r.is_some() { "ref" } else { "null" }.to_string(),
        Val::ExnRef(r) => if r.is_some() { "ref" } else { "null" }.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_int("20", 32), Some(20));
        assert_eq!(parse_int("-1", 32), Some(0xffff_ffff));
        assert_eq!(parse_int("0xffffffff", 32), Some(0xffff_ffff));
        assert_eq!(parse_int("-0x80000000", 32), Some(0x8000_0000));
        assert_eq!(parse_int("-0x80000001", 32), None);
        assert_eq!(parse_int("0x100000000", 32), None);
        assert_eq!(parse_int("-9223372036854775808", 64), Some(1 << 63));
        assert_eq!(parse_int("18446744073709551615", 64), Some(u64::MAX));
        for bad in ["", "-", "0x", "--5", "0x-5", "+-1", "1.5", "five", "0x+5"] {
            assert_eq!(parse_int(bad, 32), None, "{bad:?}");
        }
    }

    #[test]
    fn floats_and_formatting() {
        for (text, shown) in [
            ("1.5", "1.5"),
            ("-inf", "-inf"),
            ("inf", "inf"),
            ("nan", "NaN"),
        ] {
            let v = parse(text, ValType::F64).unwrap();
            assert_eq!(format(&v), shown);
            let v = parse(text, ValType::F32).unwrap();
            assert_eq!(format(&v), shown);
        }
        assert!(parse("1.5.1", ValType::F32).is_err());
        assert_eq!(format(&parse("-7", ValType::I64).unwrap()), "-7");
    }
}
