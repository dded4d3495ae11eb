//! The hand-written WAT kernels, each with a Rust model of the same
//! computation that supplies the expected checksum.

use super::Workload;

/// One kernel: its source, its argument and its native model.
struct Kernel {
    name: &'static str,
    wat: &'static str,
    arg: i32,
    model: fn(i32) -> i64,
}

macro_rules! wat {
    ($file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/workloads/wat/",
            $file
        ))
    };
}

const KERNELS: &[Kernel] = &[
    Kernel {
        name: "fib_recursive",
        wat: wat!("fib_recursive.wat"),
        arg: 30,
        model: fib_recursive,
    },
    Kernel {
        name: "fib_iterative",
        wat: wat!("fib_iterative.wat"),
        arg: 20_000_000,
        model: fib_iterative,
    },
    Kernel {
        name: "count_loop",
        wat: wat!("count_loop.wat"),
        arg: 30_000_000,
        model: count_loop,
    },
    Kernel {
        name: "sieve",
        wat: wat!("sieve.wat"),
        arg: 4_000_000,
        model: sieve,
    },
    Kernel {
        name: "matmul",
        wat: wat!("matmul.wat"),
        arg: 128,
        model: matmul,
    },
    Kernel {
        name: "bulk_memory",
        wat: wat!("bulk_memory.wat"),
        arg: 4_000,
        model: bulk_memory,
    },
    Kernel {
        name: "call_indirect",
        wat: wat!("call_indirect.wat"),
        arg: 3_000_000,
        model: call_indirect,
    },
    Kernel {
        name: "br_table",
        wat: wat!("br_table.wat"),
        arg: 5_000_000,
        model: br_table,
    },
];

/// The kernels whose name contains `filter`, assembled once to binary so
/// every engine gets the same bytes.
/// The request module of the requests table: `run(n)` in a fresh
/// instance returns `n + 42 + 1`.
pub(super) fn request() -> Result<Workload, String> {
    const ARG: i32 = 7;
    let wasm = wat::parse_str(wat!("request.wat")).map_err(|e| format!("request: {e}"))?;
    Ok(Workload {
        name: "request".into(),
        wasm: wasm.into(),
        arg: ARG,
        expected: ARG as i64 + 42 + 1,
    })
}

pub(super) fn matching(filter: &str) -> Result<Vec<Workload>, String> {
    KERNELS
        .iter()
        .filter(|k| k.name.contains(filter))
        .map(|k| {
            let wasm = wat::parse_str(k.wat).map_err(|e| format!("{}: {e}", k.name))?;
            Ok(Workload {
                name: k.name.to_string(),
                wasm: wasm.into(),
                arg: k.arg,
                expected: (k.model)(k.arg),
            })
        })
        .collect()
}

fn fib_recursive(n: i32) -> i64 {
    // The closed loop gives the same value as the doubly recursive definition.
    fib_iterative(n)
}

fn fib_iterative(n: i32) -> i64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n as u32 {
        (a, b) = (b, a.wrapping_add(b));
    }
    a as i64
}

fn count_loop(n: i32) -> i64 {
    // The wasm loop runs its body once even for n == 0.
    let n = (n as u32).max(1) as u64;
    (n * (n - 1) / 2) as i64
}

fn sieve(n: i32) -> i64 {
    let n = n as usize;
    let mut flags = vec![1u8; n];
    let mut i = 2;
    while i * i <= n {
        if flags[i] != 0 {
            let mut j = i * i;
            while j < n {
                flags[j] = 0;
                j += i;
            }
        }
        i += 1;
    }
    flags.iter().skip(2).map(|&f| f as i64).sum()
}

fn matmul(n: i32) -> i64 {
    let n = n as usize;
    let a: Vec<f64> = (0..n * n).map(|i| (i % 7) as f64).collect();
    let b: Vec<f64> = (0..n * n).map(|i| (i % 5) as f64 - 2.0).collect();
    let mut sum = 0.0;
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            let mut acc = 0.0;
            for k in 0..n {
                acc += a[i * n + k] * b[k * n + j];
            }
            c[i * n + j] = acc;
        }
    }
    for v in c {
        sum += v;
    }
    sum as i64
}

fn bulk_memory(n: i32) -> i64 {
    let mut mem = vec![0u8; 131_072];
    let mut sum = 0i64;
    for r in 0..n as u32 {
        mem[..65_536].fill((r & 255) as u8);
        let at = (r.wrapping_mul(97) & 32_767) as usize;
        mem[at..at + 1000].fill(7);
        mem.copy_within(0..40_000, 1);
        mem.copy_within(4000..34_000, 100);
        mem.copy_within(0..65_536, 65_536);
        let byte = mem[(r.wrapping_mul(131) & 65_535) as usize] as i64;
        let word = i64::from_le_bytes(mem[70_000..70_008].try_into().unwrap());
        sum = sum.wrapping_add(byte.wrapping_add(word));
    }
    sum
}

fn call_indirect(n: i32) -> i64 {
    let mut acc = 1u64;
    for i in 0..(n as u32).max(1) {
        let x = i as u64;
        acc = match (i ^ (i >> 3)) & 7 {
            0 => acc.wrapping_add(x),
            1 => acc ^ x,
            2 => acc.wrapping_mul(3),
            3 => acc.wrapping_sub(x),
            4 => acc.rotate_left(7),
            5 => acc.wrapping_add(0x9e37_79b9),
            6 => acc >> 1,
            _ => acc | x,
        };
    }
    acc as i64
}

fn br_table(n: i32) -> i64 {
    let (mut state, mut x, mut acc) = (0u32, 0x1234_5678u32, 0u64);
    for _ in 0..(n as u32).max(1) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        match state {
            0 => {
                acc = acc.wrapping_add(1);
                state = x & 3;
            }
            1 => {
                acc ^= x as u64;
                state = if x & 16 != 0 { 2 } else { 4 };
            }
            2 => {
                acc = acc.wrapping_mul(5);
                state = x % 5;
            }
            3 => {
                acc = acc.rotate_left(9);
                state = 0;
            }
            _ => {}
        }
        if state == 4 {
            acc = acc.wrapping_sub((x & 0xff) as u64);
            state = (x >> 8) & 3;
        }
    }
    acc as i64
}

#[cfg(test)]
mod tests {
    use super::KERNELS;
    use crate::engines::EngineId;

    /// The native models must describe the WAT exactly; small arguments keep
    /// this quick, and a second engine guards against judging by one.
    #[test]
    fn models_match_the_kernels_for_small_arguments() {
        for id in [EngineId::StrataInterp, EngineId::Wasmi] {
            let runtime = id.create().expect("engine starts");
            for k in KERNELS {
                let wasm = wat::parse_str(k.wat).expect("kernel assembles");
                let mut instance = runtime
                    .compile(&wasm)
                    .and_then(|m| m.instantiate())
                    .expect("kernel instantiates");
                // Small, because recursive fib is exponential in its argument;
                // at least 1, because matmul's loops run their body once.
                for arg in [1, 2, 3, 10, 17, 24] {
                    let got = instance.run(arg).expect("kernel runs");
                    assert_eq!(got, (k.model)(arg), "{} run({arg}) on {id}", k.name);
                }
            }
        }
    }
}
