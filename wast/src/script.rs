//! An owned, engine-independent form of a `.wast` script.
//!
//! Each file is parsed, and its modules encoded, once per spec version; the
//! resulting script is then replayed for every strategy. Owning the data also
//! frees the runner from the lifetimes of the `wast` parse buffer, and from
//! `wast`'s in-place name resolution, which must not run twice on one module.

use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{Span, F32, F64};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// A module's binary encoding, or why `wast` could not produce one.
pub type Encoded = Result<Vec<u8>, String>;

/// A parsed script, or the error that stopped the file from parsing.
pub enum Script {
    /// The file's directives, in order.
    Parsed(Vec<Directive>),
    /// The file could not be lexed or parsed.
    Unparsable {
        /// 1-based line of the parse error.
        line: usize,
        /// The parser's message.
        message: String,
    },
}

/// One directive with the location it came from.
pub struct Directive {
    /// 1-based source line of the directive.
    pub line: usize,
    /// The directive's keyword as written in the script, for reports.
    pub kind: &'static str,
    /// What to do.
    pub command: Command,
}

/// What a directive asks the runner to do.
pub enum Command {
    /// Compile and instantiate, making the instance current.
    Module {
        name: Option<String>,
        bytes: Encoded,
    },
    /// Compile only, for a later `module instance`.
    ModuleDefinition {
        name: Option<String>,
        bytes: Encoded,
    },
    /// Instantiate an earlier `module definition`.
    ModuleInstance {
        instance: Option<String>,
        module: Option<String>,
    },
    /// Make an instance's exports importable under `as_name`.
    Register {
        as_name: String,
        module: Option<String>,
    },
    /// Perform an action and ignore its results (but not its failure).
    Action(Action),
    /// The action must succeed with these results.
    AssertReturn {
        action: Action,
        expected: Vec<Expected>,
    },
    /// The action must trap with this message.
    AssertTrap { action: Action, message: String },
    /// The action must end with an uncaught wasm exception.
    AssertException { action: Action },
    /// The action must exhaust a resource (the call stack).
    AssertExhaustion { action: Action, message: String },
    /// The module must fail validation.
    AssertInvalid { bytes: Encoded, message: String },
    /// The module must fail decoding.
    AssertMalformed { bytes: Encoded, message: String },
    /// The module must compile but fail to instantiate.
    AssertUnlinkable { bytes: Encoded, message: String },
    /// A directive this runner does not implement; always a failure.
    Unsupported,
}

/// Something that runs code in the engine.
pub enum Action {
    /// Call an exported function.
    Invoke {
        module: Option<String>,
        name: String,
        args: Vec<Arg>,
    },
    /// Read an exported global.
    Get {
        module: Option<String>,
        global: String,
    },
    /// Compile and instantiate a module that is not kept afterwards.
    Instantiate { bytes: Encoded },
}

/// An argument of an invocation.
#[derive(Clone, Debug)]
pub enum Arg {
    I32(i32),
    I64(i64),
    /// Raw bits, so NaN payloads survive.
    F32(u32),
    /// Raw bits, so NaN payloads survive.
    F64(u64),
    V128(u128),
    /// `ref.null` of the given type.
    RefNull(RefType),
    /// `ref.extern N`: the host reference the script calls N.
    RefExtern(u32),
    /// An argument kind outside the core spec (described for the report).
    Unsupported(String),
}

/// The two reference types of the core spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefType {
    Func,
    Extern,
    Exn,
}

/// A float result: exact bits, or one of the NaN classes the spec allows.
#[derive(Clone, Copy, Debug)]
pub enum FloatPattern {
    /// Bit-exact comparison.
    Bits(u64),
    /// A quiet NaN whose payload is only the top mantissa bit, either sign.
    Canonical,
    /// Any NaN with the top mantissa bit set.
    Arithmetic,
}

/// A `v128` result, lane-wise where float lanes may be NaN patterns.
#[derive(Clone, Debug)]
pub enum V128Expected {
    /// Integer lanes compare the whole vector bitwise.
    Bits(u128),
    F32x4([FloatPattern; 4]),
    F64x2([FloatPattern; 2]),
}

/// An expected result of `assert_return`.
#[derive(Clone, Debug)]
pub enum Expected {
    I32(i32),
    I64(i64),
    F32(FloatPattern),
    F64(FloatPattern),
    V128(V128Expected),
    /// A null reference, of the given type when one is written.
    RefNull(Option<RefType>),
    /// A non-null externref, holding N when N is written.
    RefExtern(Option<u32>),
    /// Any non-null funcref.
    RefFunc,
    /// Any one of the alternatives.
    Either(Vec<Expected>),
    /// A pattern outside the core spec (described for the report).
    Unsupported(String),
}

/// Parses and encodes one `.wast` file.
pub fn parse(contents: &str) -> Script {
    let line_of = |span: Span| span.linecol_in(contents).0 + 1;
    let unparsable = |e: wast::Error| Script::Unparsable {
        line: line_of(e.span()),
        message: e.message(),
    };
    let mut lexer = wast::lexer::Lexer::new(contents);
    // Some spec files deliberately contain bidi and other look-alike characters.
    lexer.allow_confusing_unicode(true);
    let buffer = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
        Ok(buffer) => buffer,
        Err(e) => return unparsable(e),
    };
    let wast = match wast::parser::parse::<wast::Wast>(&buffer) {
        Ok(wast) => wast,
        Err(e) => return unparsable(e),
    };
    let directives = wast
        .directives
        .into_iter()
        .map(|d| Directive {
            line: line_of(d.span()),
            kind: kind_of(&d),
            command: convert(d),
        })
        .collect();
    Script::Parsed(directives)
}

/// The directive's keyword, as the script spells it.
fn kind_of(d: &WastDirective) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

fn convert(d: WastDirective) -> Command {
    match d {
        WastDirective::Module(mut m) => Command::Module {
            name: m.name().map(|id| id.name().to_string()),
            bytes: encode_quote(&mut m),
        },
        WastDirective::ModuleDefinition(mut m) => Command::ModuleDefinition {
            name: m.name().map(|id| id.name().to_string()),
            bytes: encode_quote(&mut m),
        },
        WastDirective::ModuleInstance {
            instance, module, ..
        } => Command::ModuleInstance {
            instance: instance.map(|id| id.name().to_string()),
            module: module.map(|id| id.name().to_string()),
        },
        WastDirective::AssertMalformed {
            mut module,
            message,
            ..
        } => Command::AssertMalformed {
            bytes: encode_quote(&mut module),
            message: message.to_string(),
        },
        WastDirective::AssertInvalid {
            mut module,
            message,
            ..
        } => Command::AssertInvalid {
            bytes: encode_quote(&mut module),
            message: message.to_string(),
        },
        WastDirective::Register { name, module, .. } => Command::Register {
            as_name: name.to_string(),
            module: module.map(|id| id.name().to_string()),
        },
        WastDirective::Invoke(invoke) => Command::Action(invoke_action(invoke)),
        WastDirective::AssertTrap { exec, message, .. } => Command::AssertTrap {
            action: exec_action(exec),
            message: message.to_string(),
        },
        WastDirective::AssertReturn { exec, results, .. } => Command::AssertReturn {
            action: exec_action(exec),
            expected: results.into_iter().map(expected).collect(),
        },
        WastDirective::AssertException { exec, .. } => Command::AssertException {
            action: exec_action(exec),
        },
        WastDirective::AssertExhaustion { call, message, .. } => Command::AssertExhaustion {
            action: invoke_action(call),
            message: message.to_string(),
        },
        WastDirective::AssertUnlinkable {
            mut module,
            message,
            ..
        } => Command::AssertUnlinkable {
            bytes: encode_wat(&mut module),
            message: message.to_string(),
        },
        WastDirective::AssertInvalidCustom { .. }
        | WastDirective::AssertMalformedCustom { .. }
        | WastDirective::AssertSuspension { .. }
        | WastDirective::Thread(_)
        | WastDirective::Wait { .. } => Command::Unsupported,
    }
}

fn encode_quote(module: &mut QuoteWat) -> Encoded {
    module.encode().map_err(|e| e.message())
}

fn encode_wat(module: &mut Wat) -> Encoded {
    module.encode().map_err(|e| e.message())
}

fn exec_action(exec: WastExecute) -> Action {
    match exec {
        WastExecute::Invoke(invoke) => invoke_action(invoke),
        WastExecute::Wat(mut module) => Action::Instantiate {
            bytes: encode_wat(&mut module),
        },
        WastExecute::Get { module, global, .. } => Action::Get {
            module: module.map(|id| id.name().to_string()),
            global: global.to_string(),
        },
    }
}

fn invoke_action(invoke: WastInvoke) -> Action {
    Action::Invoke {
        module: invoke.module.map(|id| id.name().to_string()),
        name: invoke.name.to_string(),
        args: invoke.args.iter().map(arg).collect(),
    }
}

fn arg(a: &WastArg) -> Arg {
    let WastArg::Core(core) = a else {
        return Arg::Unsupported(format!("{a:?}"));
    };
    match core {
        WastArgCore::I32(v) => Arg::I32(*v),
        WastArgCore::I64(v) => Arg::I64(*v),
        WastArgCore::F32(v) => Arg::F32(v.bits),
        WastArgCore::F64(v) => Arg::F64(v.bits),
        WastArgCore::V128(v) => Arg::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(heap) => match ref_type(heap) {
            Some(ty) => Arg::RefNull(ty),
            None => Arg::Unsupported(format!("ref.null {heap:?}")),
        },
        WastArgCore::RefExtern(n) => Arg::RefExtern(*n),
        WastArgCore::RefHost(n) => Arg::Unsupported(format!("ref.host {n}")),
    }
}

fn ref_type(heap: &HeapType) -> Option<RefType> {
    match heap {
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Func,
        } => Some(RefType::Func),
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Extern,
        } => Some(RefType::Extern),
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Exn,
        } => Some(RefType::Exn),
        _ => None,
    }
}

fn expected(r: WastRet) -> Expected {
    match r {
        WastRet::Core(core) => expected_core(core),
        #[allow(unreachable_patterns)]
        other => Expected::Unsupported(format!("{other:?}")),
    }
}

fn expected_core(r: WastRetCore) -> Expected {
    match r {
        WastRetCore::I32(v) => Expected::I32(v),
        WastRetCore::I64(v) => Expected::I64(v),
        WastRetCore::F32(p) => Expected::F32(float_pattern(&p, |f: &F32| f.bits.into())),
        WastRetCore::F64(p) => Expected::F64(float_pattern(&p, |f: &F64| f.bits)),
        WastRetCore::V128(p) => Expected::V128(v128_pattern(&p)),
        WastRetCore::RefNull(None) => Expected::RefNull(None),
        WastRetCore::RefNull(Some(heap)) => match ref_type(&heap) {
            Some(ty) => Expected::RefNull(Some(ty)),
            None => Expected::Unsupported(format!("ref.null {heap:?}")),
        },
        WastRetCore::RefExtern(n) => Expected::RefExtern(n),
        WastRetCore::RefFunc(_) => Expected::RefFunc,
        WastRetCore::Either(alternatives) => {
            Expected::Either(alternatives.into_iter().map(expected_core).collect())
        }
        other => Expected::Unsupported(format!("{other:?}")),
    }
}

fn float_pattern<T>(p: &NanPattern<T>, bits: impl Fn(&T) -> u64) -> FloatPattern {
    match p {
        NanPattern::CanonicalNan => FloatPattern::Canonical,
        NanPattern::ArithmeticNan => FloatPattern::Arithmetic,
        NanPattern::Value(v) => FloatPattern::Bits(bits(v)),
    }
}

fn v128_pattern(p: &V128Pattern) -> V128Expected {
    // Integer lanes are packed little-endian, lane 0 lowest, as in memory.
    fn pack<const N: usize>(lanes: &[i64; N], width: u32) -> u128 {
        let mask = if width == 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        };
        lanes.iter().enumerate().fold(0, |acc, (i, &lane)| {
            acc | ((lane as u128 & mask) << (i as u32 * width))
        })
    }
    match p {
        V128Pattern::I8x16(l) => V128Expected::Bits(pack(&l.map(i64::from), 8)),
        V128Pattern::I16x8(l) => V128Expected::Bits(pack(&l.map(i64::from), 16)),
        V128Pattern::I32x4(l) => V128Expected::Bits(pack(&l.map(i64::from), 32)),
        V128Pattern::I64x2(l) => V128Expected::Bits(pack(l, 64)),
        V128Pattern::F32x4(l) => {
            V128Expected::F32x4(l.each_ref().map(|p| float_pattern(p, |f| f.bits.into())))
        }
        V128Pattern::F64x2(l) => {
            V128Expected::F64x2(l.each_ref().map(|p| float_pattern(p, |f| f.bits)))
        }
    }
}
