//! The valid modules that mutations start from.
//!
//! Between them they cover functions and calls, memory and data segments,
//! tables and element segments, globals, `br_table`, multi-value, the
//! 2.0 numeric extensions and a start function, so that damage lands in
//! every section kind and in most instruction encodings.

/// A named valid module.
pub struct Seed {
    /// Used in failure reports.
    pub name: &'static str,
    /// The binary encoding.
    pub wasm: Vec<u8>,
}

/// WAT sources of the seeds. Only `loops` contains a `loop`: see
/// `crate::fuzz::may_run_forever` for why the others avoid loop-like bytes.
const SOURCES: &[(&str, &str)] = &[
    (
        "calls_and_globals",
        r#"
(module
  (type $binop (func (param i32 i32) (result i32)))
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global $limit i64 (i64.const 100))
  (global $pi (export "pi") f64 (f64.const 3.14159))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $bump (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
  (func $pick (export "pick") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $add (local.get 0) (i32.const 10)))
      (else (select (i32.const 7) (i32.const 9) (call $bump))))
    (nop))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (if (result i32) (i32.gt_s (local.get 0) (i32.const 0))
      (then (call $recurse (i32.sub (local.get 0) (i32.const 1))))
      (else (call $bump))))
  (func (export "mix") (param i64 f32 f64) (result f64)
    (f64.add
      (f64.convert_i64_s (i64.add (local.get 0) (global.get $limit)))
      (f64.add (f64.promote_f32 (local.get 1)) (f64.mul (local.get 2) (global.get $pi))))
    (nop) (nop)))
"#,
    ),
    (
        "memory_and_data",
        r#"
(module
  (memory (export "mem") 1 2)
  (data (i32.const 16) "\01\02\04\08\10\20\40\80")
  (data $passive "strata")
  (func (export "sum") (result i64)
    (i64.add
      (i64.load align=4 (i32.const 16))
      (i64.extend_i32_u (i32.load16_u offset=4 (i32.const 16)))))
  (func (export "store") (param i32 i64)
    (i64.store offset=8 align=4 (local.get 0) (local.get 1))
    (i32.store8 (local.get 0) (i32.wrap_i64 (local.get 1))))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.grow (local.get 0)))
    (memory.size))
  (func (export "bulk") (param i32) (result i32)
    (memory.fill (i32.const 64) (i32.const 170) (i32.const 32))
    (memory.copy (i32.const 128) (i32.const 16) (i32.const 8))
    (memory.init $passive (i32.const 200) (i32.const 0) (i32.const 6))
    (data.drop $passive)
    (i32.load8_u (i32.add (local.get 0) (i32.const 200))))
  (func (export "oob") (result f32)
    (f32.load (i32.add (i32.const 32767) (i32.const 32767)))))
"#,
    ),
    (
        "tables_and_elements",
        r#"
(module
  (type $unary (func (param i32) (result i32)))
  (table $t (export "table") 4 8 funcref)
  (table $refs 2 externref)
  (elem (table $t) (i32.const 0) func $inc $dbl)
  (elem $later func $neg $inc)
  (elem declare func $dbl)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $unary) (i32.shl (local.get 0) (i32.const 1)))
  (func $neg (type $unary) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "dispatch") (param i32 i32) (result i32)
    (call_indirect (type $unary) (local.get 1) (local.get 0)))
  (func (export "setup") (result i32)
    (table.init $t $later (i32.const 2) (i32.const 0) (i32.const 2))
    (elem.drop $later)
    (table.copy $t $t (i32.const 1) (i32.const 2) (i32.const 1))
    (table.set $t (i32.const 0) (ref.func $dbl))
    (drop (table.grow $t (ref.null func) (i32.const 1)))
    (i32.add (table.size $t) (ref.is_null (table.get $refs (i32.const 1)))))
  (func (export "null_call") (result i32)
    (call_indirect (type $unary) (i32.const 5) (i32.const 2))))
"#,
    ),
    (
        "br_table_and_multi_value",
        r#"
(module
  ;; Unused types shift the block types' indices off 3 (see `may_run_forever`).
  (type (func (param f32)))
  (type (func (param f64)))
  (func $classify (export "classify") (param i32) (result i32)
    (block $e
      (block $d
        (block $c
          (block $b
            (block $a
              (br_table $a $b $c $e $a (local.get 0)))
            (return (i32.const 100)))
          (return (i32.const 101)))
        (return (i32.const 102)))
      (return (i32.const 104)))
    (i32.const 105))
  (func $pair (export "pair") (param i32) (result i32 i64)
    (local.get 0) (i64.extend_i32_s (local.get 0)))
  (func (export "swap") (param i32) (result i64 i32)
    (block (result i64 i32)
      (call $pair (local.get 0))
      (drop) (drop)
      (i64.const 7) (i32.const 8)))
  (func (export "nested") (param i32) (result i32)
    (block $out (result i32)
      (local.get 0)
      (block $in (param i32) (result i32)
        (local.get 0)
        (br_if $out (i32.const 1) (i32.eqz (local.get 0)))
        (br_table $in $out (i32.const 2)))
      (i32.add (call $classify (local.get 0)))))
  (func (export "trap") nop unreachable))
"#,
    ),
    (
        "numeric_extensions_and_start",
        r#"
(module
  (global $started (export "started") (mut i32) (i32.const 0))
  (start $init)
  (func $init (global.set $started (i32.const 1)))
  (func (export "sat") (param f64) (result i32 i64)
    (i32.trunc_sat_f64_s (local.get 0))
    (i64.trunc_sat_f64_u (local.get 0)))
  (func (export "trunc") (param f32) (result i32)
    (i32.trunc_f32_u (local.get 0)))
  (func (export "extend") (param i64) (result i64)
    (i64.add (i64.extend8_s (local.get 0)) (i64.extend32_s (local.get 0))))
  (func (export "bits") (param i64) (result i64)
    (i64.rotl (i64.popcnt (local.get 0)) (i64.ctz (local.get 0))))
  (func (export "floats") (param f32 f64) (result f64)
    (f64.copysign
      (f64.sqrt (f64.abs (local.get 1)))
      (f64.promote_f32 (f32.nearest (local.get 0)))))
  (func (export "rem") (param i64) (result i64)
    (i64.rem_u (i64.const 1) (local.get 0))))
"#,
    ),
    (
        "imports",
        r#"
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "mem" (memory 1))
  (import "env" "g" (global $g i32))
  (import "env" "tab" (table 1 funcref))
  (func (export "run") (call $log (i32.add (global.get $g) (i32.load (i32.const 0))))))
"#,
    ),
    (
        "loops",
        r#"
(module
  (func (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a)))
"#,
    ),
];

/// Assembles every seed.
pub fn all() -> Vec<Seed> {
    SOURCES
        .iter()
        .map(|&(name, wat)| Seed {
            name,
            wasm: wat::parse_str(wat).unwrap_or_else(|err| panic!("seed {name}: {err}")),
        })
        .collect()
}
