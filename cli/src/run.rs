//! `strata run`: instantiate a module and call into it.

use strata::{Error, Extern, ExternType, Func, Instance, Module, Store, Strategy, Val};

use crate::args::{option_value, tokenize, CliError, Token};
use crate::{load, output, value};

/// Usage of `strata run`.
pub const HELP: &str = "\
Instantiate a module (running its start function), then call `_start` if it is
exported, or the function named by --invoke

Usage: strata run [OPTIONS] <FILE> [ARGS]...

Arguments:
  <FILE>     A binary .wasm module or a .wat text module
  [ARGS]...  Arguments for the invoked function, parsed by its parameter types:
             i32/i64 as decimal or 0x hex (negative allowed), f32/f64 as
             decimal, nan, inf or -inf, references as null

Options:
      --invoke <NAME>      Call the exported function NAME and print each result on its own line
      --strategy <KIND>    Execution strategy: interpreter (default), jit or tiered
  -h, --help               Print help

The module may not have imports: no host functions are provided yet.
Exit status: 0 on success, 1 if the module fails to load, link or run
(a trap), 2 for a bad command line or bad arguments.
";

/// What the command line asked for.
struct Request<'a> {
    file: &'a str,
    invoke: Option<&'a str>,
    strategy: Strategy,
    args: Vec<&'a str>,
}

/// Runs `strata run` with the arguments after the command name.
pub fn main(argv: &[String]) -> Result<(), CliError> {
    let Some(req) = parse(argv)? else {
        return output::print(HELP);
    };
    let engine = load::engine(req.strategy)?;
    let module = load::module(&engine, req.file)?;
    reject_imports(&module, req.file)?;

    let mut store = Store::new(&engine, ());
    let instance =
        Instance::new(&mut store, &module, &[]).map_err(|err| CliError::Failed(describe(&err)))?;

    let name = match req.invoke {
        Some(name) => name,
        None if instance.get_func(&mut store, "_start").is_some() => "_start",
        None if req.args.is_empty() => return Ok(()),
        None => {
            return Err(CliError::Usage(
                "arguments were given but the module exports no `_start`; \
                 name the function to call with --invoke"
                    .into(),
            ))
        }
    };
    let func = find_func(&instance, &mut store, name)?;
    let params = parse_params(&func, &store, name, &req.args)?;
    let mut results: Vec<Val> = func
        .ty(&store)
        .results()
        .iter()
        .map(|&ty| Val::default_for(ty))
        .collect();
    func.call(&mut store, &params, &mut results)
        .map_err(|err| CliError::Failed(describe(&err)))?;

    let text: String = results.iter().map(|v| value::format(v) + "\n").collect();
    output::print(&text)
}

/// Parses the command line; `None` means help was requested.
fn parse(argv: &[String]) -> Result<Option<Request<'_>>, CliError> {
    let mut file = None;
    let mut invoke = None;
    let mut strategy = Strategy::Interpreter;
    let mut args = Vec::new();
    let mut tokens = tokenize(argv).into_iter();
    while let Some(token) = tokens.next() {
        match token {
            Token::Opt("-h" | "--help", None) => return Ok(None),
            Token::Opt(name @ "--invoke", inline) => {
                invoke = Some(option_value(name, inline, &mut tokens)?)
            }
            Token::Opt(name @ "--strategy", inline) => {
                strategy = load::parse_strategy(option_value(name, inline, &mut tokens)?)?
            }
            Token::Opt(name, _) => {
                return Err(CliError::Usage(format!(
                "unknown option `{name}` for `run` (use `--` before arguments that start with `-`)"
            )))
            }
            Token::Positional(path) if file.is_none() => file = Some(path),
            Token::Positional(arg) => args.push(arg),
        }
    }
    let file = file.ok_or_else(|| CliError::Usage("`run` needs a FILE".into()))?;
    Ok(Some(Request {
        file,
        invoke,
        strategy,
        args,
    }))
}

/// Fails with a link error naming the first import, since `run` defines none.
///
/// Checked here rather than left to instantiation so the message can say why
/// nothing was provided.
fn reject_imports(module: &Module, file: &str) -> Result<(), CliError> {
    let Some(import) = module.imports().next() else {
        return Ok(());
    };
    let kind = match import.ty() {
        ExternType::Func(_) => "function",
        ExternType::Memory(_) => "memory",
        ExternType::Table(_) => "table",
        ExternType::Global(_) => "global",
    };
    Err(CliError::Failed(format!(
        "link error: {file}: unknown import `{}`.`{}` ({kind}): `strata run` provides no imports",
        import.module(),
        import.name()
    )))
}

/// Looks up the exported function `name`, listing the exported functions if
/// there is none by that name.
fn find_func(instance: &Instance, store: &mut Store<()>, name: &str) -> Result<Func, CliError> {
    if let Some(func) = instance.get_func(&mut *store, name) {
        return Ok(func);
    }
    let funcs: Vec<String> = instance
        .exports(&mut *store)
        .into_iter()
        .filter(|(_, ext)| matches!(ext, Extern::Func(_)))
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    let known = if funcs.is_empty() {
        "the module exports no functions".to_string()
    } else {
        format!("exported functions: {}", funcs.join(", "))
    };
    Err(CliError::Usage(format!(
        "no exported function `{name}` ({known})"
    )))
}

/// Converts the textual arguments to the parameter types of `func`.
fn parse_params(
    func: &Func,
    store: &Store<()>,
    name: &str,
    args: &[&str],
) -> Result<Vec<Val>, CliError> {
    let ty = func.ty(store);
    let params = ty.params();
    if params.len() != args.len() {
        let signature: Vec<String> = params.iter().map(ToString::to_string).collect();
        return Err(CliError::Usage(format!(
            "`{name}` takes {} argument{} ({}) but {} {} given",
            params.len(),
            if params.len() == 1 { "" } else { "s" },
            signature.join(", "),
            args.len(),
            if args.len() == 1 { "was" } else { "were" },
        )));
    }
    params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (&ty, text))| {
            value::parse(text, ty)
                .map_err(|msg| CliError::Usage(format!("argument {} of `{name}`: {msg}", i + 1)))
        })
        .collect()
}

/// Frames of a backtrace printed before the rest is summarized.
const FRAMES_SHOWN: usize = 20;

/// Formats an error; a trap gets its message and a readable backtrace.
///
/// A runaway recursion has thousands of identical frames, so runs of the
/// same function are folded into one line and very long traces are cut.
fn describe(err: &Error) -> String {
    let Some(trap) = err.as_trap() else {
        return err.to_string();
    };
    let mut out = trap.message().to_string();
    let frames = trap.backtrace();
    if frames.is_empty() {
        return out;
    }
    out.push_str("\nwasm backtrace:");
    let mut shown = 0;
    let mut i = 0;
    while i < frames.len() {
        if shown == FRAMES_SHOWN {
            out.push_str(&format!("\n  ... {} more frames", frames.len() - i));
            break;
        }
        let run = frames[i..].iter().take_while(|f| **f == frames[i]).count();
        out.push_str(&format!("\n  {i}: {}", frames[i]));
        if run > 1 {
            out.push_str(&format!(" (and {} more times)", run - 1));
        }
        shown += 1;
        i += run;
    }
    out
}
