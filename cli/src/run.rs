//! `strata run`: instantiate a module with WASI and run it.

use strata::{Error, Extern, ExternType, Func, Instance, Linker, Module, Store, Strategy, Val};
use strata_wasi::{WasiCtx, WasiCtxBuilder};

use crate::args::{option_value, tokenize, CliError, Token};
use crate::{load, output, value};

/// Usage of `strata run`.
pub const HELP: &str = "\
Run a WebAssembly module: a WASI program's `_start`, or the exported function
named by --invoke

Usage: strata run [OPTIONS] <FILE> [ARGS]...

Arguments:
  <FILE>     A binary .wasm module or a .wat text module
  [ARGS]...  The program's arguments (after its name, which is FILE). With
             --invoke, the function's arguments instead, parsed by its
             parameter types: i32/i64 as decimal or 0x hex (negative
             allowed), f32/f64 as decimal, nan, inf or -inf, references as null

Options:
      --dir <HOST[::GUEST]>  Give the program host directory HOST, under the name
                             GUEST (default: HOST as written). Repeatable
      --env <KEY[=VALUE]>    Set an environment variable for the program; without
                             =VALUE, pass on the host's value. Repeatable
      --invoke <NAME>        Call the exported function NAME instead of `_start`
                             and print each result on its own line
      --strategy <KIND>      Execution strategy: interpreter, jit or tiered (default: tiered where supported)
  -h, --help                 Print help

Options may come before or after FILE. Any other argument after FILE goes to
the program, even one starting with `-`; put `--` before program arguments
that strata would take as its own options.

The program gets WASI (wasi_snapshot_preview1): its arguments, the variables
given with --env, strata's stdin, stdout and stderr, and the --dir
directories. Nothing else of the host file system is reachable: paths that
leave a --dir directory, by `..`, absolute paths or symlinks, fail.

Exit status: the program's own (its proc_exit or exit() status; 0 when
`_start` returns); 134 if it traps (as a native program that aborts; the trap's
message and wasm backtrace are printed); 1 if the module fails to load, link
or run otherwise; 2 for a bad command line or arguments.
";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
struct Request<'a> {
    file: &'a str,
    invoke: Option<&'a str>,
    strategy: Strategy,
    /// `(host, guest)` directory pairs.
    dirs: Vec<(&'a str, &'a str)>,
    /// Variables; `None` takes the host's value.
    env: Vec<(&'a str, Option<&'a str>)>,
    args: Vec<String>,
}

/// Runs `strata run` with the arguments after the command name.
pub fn main(argv: &[String]) -> Result<(), CliError> {
    let Some(req) = parse(argv)? else {
        return output::print(HELP);
    };
    let engine = load::engine(req.strategy)?;
    let module = load::module(&engine, req.file)?;
    reject_foreign_imports(&module, req.file)?;

    let mut store = Store::new(&engine, wasi_context(&req)?);
    let mut linker = Linker::new(&engine);
    strata_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)
        .map_err(|err| CliError::Failed(err.to_string()))?;
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(err) => return finish(&store, Err(err)),
    };

    let name = match req.invoke {
        Some(name) => {
            // A reactor expects its initializer before any other export.
            if let Some(init) = instance.get_func(&mut store, "_initialize") {
                let result = init.call(&mut store, &[], &mut []);
                if result.is_err() {
                    return finish(&store, result);
                }
            }
            name
        }
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
    let params = if req.invoke.is_some() {
        parse_params(&func, &store, name, &req.args)?
    } else {
        // `_start` takes nothing: the arguments went to the program.
        parse_params(&func, &store, name, &[])?
    };
    let mut results: Vec<Val> = func
        .ty(&store)
        .results()
        .iter()
        .map(|&ty| Val::default_for(ty))
        .collect();
    let result = func.call(&mut store, &params, &mut results);
    finish(&store, result)?;

    let text: String = results.iter().map(|v| value::format(v) + "\n").collect();
    output::print(&text)
}

/// Parses the command line; `None` means help was requested.
fn parse(argv: &[String]) -> Result<Option<Request<'_>>, CliError> {
    let mut file = None;
    let mut req = Request {
        file: "",
        invoke: None,
        strategy: Strategy::default(),
        dirs: Vec::new(),
        env: Vec::new(),
        args: Vec::new(),
    };
    let mut tokens = tokenize(argv).into_iter();
    while let Some(token) = tokens.next() {
        match token {
            Token::Opt("-h" | "--help", None) => return Ok(None),
            Token::Opt(name @ "--invoke", inline) => {
                req.invoke = Some(option_value(name, inline, &mut tokens)?)
            }
            Token::Opt(name @ "--strategy", inline) => {
                req.strategy = load::parse_strategy(option_value(name, inline, &mut tokens)?)?
            }
            Token::Opt(name @ "--dir", inline) => {
                let spec = option_value(name, inline, &mut tokens)?;
                req.dirs.push(parse_dir(spec)?);
            }
            Token::Opt(name @ "--env", inline) => {
                let spec = option_value(name, inline, &mut tokens)?;
                req.env.push(parse_env(spec)?);
            }
            // After FILE, an option strata does not know is the program's.
            Token::Opt(name, inline) if file.is_some() => req.args.push(match inline {
                Some(value) => format!("{name}={value}"),
                None => name.to_string(),
            }),
            Token::Opt(name, _) => {
                return Err(CliError::Usage(format!(
                    "unknown option `{name}` for `run` (see `strata run --help`)"
                )))
            }
            Token::Positional(path) if file.is_none() => file = Some(path),
            Token::Positional(arg) => req.args.push(arg.to_string()),
        }
    }
    req.file = file.ok_or_else(|| CliError::Usage("`run` needs a FILE".into()))?;
    Ok(Some(req))
}

/// Parses `HOST[::GUEST]`.
fn parse_dir(spec: &str) -> Result<(&str, &str), CliError> {
    let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
    if host.is_empty() || guest.is_empty() {
        return Err(CliError::Usage(format!(
            "`--dir {spec}`: expected HOST or HOST::GUEST"
        )));
    }
    Ok((host, guest))
}

/// Parses `KEY[=VALUE]`.
fn parse_env(spec: &str) -> Result<(&str, Option<&str>), CliError> {
    let (key, value) = match spec.split_once('=') {
        Some((key, value)) => (key, Some(value)),
        None => (spec, None),
    };
    if key.is_empty() {
        return Err(CliError::Usage(format!(
            "`--env {spec}`: expected KEY=VALUE or KEY"
        )));
    }
    Ok((key, value))
}

/// The WASI context the request describes: strata's own stdio, the
/// program's arguments and environment, and the preopened directories.
fn wasi_context(req: &Request<'_>) -> Result<WasiCtx, CliError> {
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdio().arg(req.file);
    if req.invoke.is_none() {
        builder.args(&req.args);
    }
    for &(key, value) in &req.env {
        match value {
            Some(value) => {
                builder.env(key, value);
            }
            None => {
                if let Ok(value) = std::env::var(key) {
                    builder.env(key, value);
                }
            }
        }
    }
    for &(host, guest) in &req.dirs {
        builder
            .preopened_dir(host, guest)
            .map_err(|err| CliError::Failed(format!("--dir {host}: {err}")))?;
    }
    Ok(builder.build())
}

/// Turns the outcome of running guest code into the command's result: an
/// exit through `proc_exit` becomes that exit status, silently, as if the
/// program were a native one.
fn finish<T>(store: &Store<WasiCtx>, result: Result<T, Error>) -> Result<T, CliError> {
    result.map_err(|err| match store.data().exit_code() {
        Some(status) => CliError::Silent(status as u8),
        None if err.as_trap().is_some() => CliError::Trapped(describe(&err)),
        None => CliError::Failed(describe(&err)),
    })
}

/// Fails with a link error naming the first import that WASI does not
/// provide.
///
/// Checked here rather than left to instantiation so the message can say
/// what is provided.
fn reject_foreign_imports(module: &Module, file: &str) -> Result<(), CliError> {
    let Some(import) = module
        .imports()
        .find(|import| import.module() != strata_wasi::MODULE)
    else {
        return Ok(());
    };
    let kind = match import.ty() {
        ExternType::Func(_) => "function",
        ExternType::Memory(_) => "memory",
        ExternType::Table(_) => "table",
        ExternType::Global(_) => "global",
    };
    Err(CliError::Failed(format!(
        "link error: {file}: unknown import `{}`.`{}` ({kind}): `strata run` provides only WASI (`{}`)",
        import.module(),
        import.name(),
        strata_wasi::MODULE,
    )))
}

/// Looks up the exported function `name`, listing the exported functions if
/// there is none by that name.
fn find_func<T>(instance: &Instance, store: &mut Store<T>, name: &str) -> Result<Func, CliError> {
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
fn parse_params<T>(
    func: &Func,
    store: &Store<T>,
    name: &str,
    args: &[String],
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

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_before_file_and_program_arguments_after() {
        let a = argv(&[
            "--dir",
            ".",
            "--dir=/tmp::tmp",
            "--env",
            "A=1",
            "--env=B",
            "p.wasm",
            "x",
            "-v",
            "--color=auto",
            "--env",
            "C=2",
            "--",
            "--dir",
            "-h",
        ]);
        let req = parse(&a).unwrap().unwrap();
        assert_eq!(req.file, "p.wasm");
        assert_eq!(req.dirs, vec![(".", "."), ("/tmp", "tmp")]);
        assert_eq!(
            req.env,
            vec![("A", Some("1")), ("B", None), ("C", Some("2"))]
        );
        assert_eq!(req.args, vec!["x", "-v", "--color=auto", "--dir", "-h"]);
    }

    #[test]
    fn bad_specs_are_usage_errors() {
        for args in [
            &["--dir", "::g", "p.wasm"][..],
            &["--env", "=v", "p.wasm"],
            &["--bogus", "p.wasm"],
            &["--dir"],
            &[],
        ] {
            assert!(
                matches!(parse(&argv(args)), Err(CliError::Usage(_))),
                "{args:?}"
            );
        }
        assert!(parse(&argv(&["p.wasm", "--help"])).unwrap().is_none());
    }
}
