//! `strata run`: instantiate a module with WASI and run it.

use std::time::Duration;

use strata::{
    CompilationMode, Engine, Error, Extern, ExternType, Func, Instance, Linker, Module, Store,
    StoreLimits, StoreLimitsBuilder, Strategy, Val,
};
use strata_wasi::{WasiCtx, WasiCtxBuilder};

use crate::args::{classify, parse_bytes, parse_duration, CliError, Token};
use crate::{load, output, value};

/// Usage of `strata run`.
pub const HELP: &str = "\
Run a WebAssembly module: a WASI program's `_start`, or the exported function
named by --invoke

Usage: strata run [OPTIONS] <FILE> [ARGS]...

Arguments:
  <FILE>     A binary .wasm module or a .wat text module
  [ARGS]...  The program's arguments (after its name, which is FILE), passed
             as written. With --invoke, the function's arguments instead,
             parsed by its parameter types: i32/i64 as decimal or 0x hex
             (negative allowed), f32/f64 as decimal, nan, inf or -inf,
             references as null

Options:
      --dir <HOST[::GUEST]>  Give the program host directory HOST, under the name
                             GUEST (default: HOST as written). Repeatable
      --env <KEY[=VALUE]>    Set an environment variable for the program; without
                             =VALUE, pass on the host's value. Repeatable
      --invoke <NAME>        Call the exported function NAME instead of `_start`
                             and print each result on its own line
      --strategy <KIND>      Execution strategy: interpreter, jit or tiered (default: tiered where supported)
      --compilation <MODE>   When functions are translated (and compiled, under jit):
                             lazy, at each one's first call, or eager, before the
                             program starts (default: lazy; eager under jit)
      --fuel <N>             Give the module N units of fuel: each wasm instruction
                             costs about one, and running out traps
      --timeout <DURATION>   Interrupt the module after DURATION of wall-clock time:
                             500ms, 2s, 1.5s, 1m (a plain number is seconds)
      --max-memory <BYTES>   Let each linear memory grow to at most BYTES (plain,
                             or with K/KiB, M/MiB, G/GiB); memory.grow beyond it
                             returns -1
  -W, --wasm <KEY=VALUE,...> The same limits in wasmtime's spelling: fuel=N,
                             timeout=DURATION, max-memory=BYTES (or
                             max-memory-size=BYTES). Repeatable
  -h, --help                 Print help

Options come before FILE. Everything after FILE goes to the program (with
--invoke, to the function) as written, even `--` and arguments starting
with `-`. A `--` before FILE ends the options.

The program gets WASI (wasi_snapshot_preview1): its arguments, the variables
given with --env, strata's stdin, stdout and stderr, and the --dir
directories. Nothing else of the host file system is reachable: paths that
leave a --dir directory, by `..`, absolute paths or symlinks, fail.

--fuel and --timeout count from instantiation, so they cover the module's
start function too. The timeout is noticed while wasm code runs: a program
waiting in a WASI call (reading stdin) stops when that call returns.

Exit status: the program's own (its proc_exit or exit() status; 0 when
`_start` returns); 134 if it traps, running out of fuel or time included (as
a native program that aborts; the trap's message and wasm backtrace are
printed); 1 if the module fails to load, link or run otherwise; 2 for a bad
command line or arguments.
";

/// The options `run` takes, for pointing out ones that were given after
/// FILE by mistake.
const OPTIONS: &[&str] = &[
    "--dir",
    "--env",
    "--invoke",
    "--strategy",
    "--compilation",
    "--fuel",
    "--timeout",
    "--max-memory",
    "-W",
    "--wasm",
];

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
struct Request<'a> {
    file: &'a str,
    invoke: Option<&'a str>,
    strategy: Strategy,
    /// The compilation mode, when not the strategy's default.
    compilation: Option<CompilationMode>,
    /// `(host, guest)` directory pairs.
    dirs: Vec<(&'a str, &'a str)>,
    /// Variables; `None` takes the host's value.
    env: Vec<(&'a str, Option<&'a str>)>,
    /// Fuel to run on, when fuel is limited.
    fuel: Option<u64>,
    /// Wall-clock time to run for, when limited.
    timeout: Option<Duration>,
    /// Bytes each linear memory may grow to, when limited.
    max_memory: Option<usize>,
    /// Everything after FILE: the program's or the function's arguments.
    args: Vec<String>,
}

/// The data of a `run` store: the program's WASI state and the limits on
/// what it may allocate.
struct Host {
    /// What `strata_wasi` works on.
    wasi: WasiCtx,
    /// The `--max-memory` limit, installed as the store's limiter when given.
    limits: StoreLimits,
}

/// Runs `strata run` with the arguments after the command name.
pub fn main(argv: &[String]) -> Result<(), CliError> {
    let Some(req) = parse(argv)? else {
        return output::print(HELP);
    };
    let engine = load::engine(req.strategy, |config| {
        config
            .consume_fuel(req.fuel.is_some())
            .epoch_interruption(req.timeout.is_some());
        if let Some(mode) = req.compilation {
            config.compilation_mode(mode);
        }
    })?;
    let module = load::module(&engine, req.file)?;
    reject_foreign_imports(&module, req.file)?;

    let mut limits = StoreLimitsBuilder::new();
    if let Some(bytes) = req.max_memory {
        limits = limits.memory_size(bytes);
    }
    let host = Host {
        wasi: wasi_context(&req)?,
        limits: limits.build(),
    };
    let mut store = Store::new(&engine, host);
    if req.max_memory.is_some() {
        store.limiter(|host: &mut Host| &mut host.limits);
    }
    if let Some(fuel) = req.fuel {
        store
            .set_fuel(fuel)
            .map_err(|err| CliError::Failed(err.to_string()))?;
    }
    let mut linker = Linker::new(&engine);
    strata_wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)
        .map_err(|err| CliError::Failed(err.to_string()))?;
    if let Some(timeout) = req.timeout {
        store.set_epoch_deadline(1);
        start_timer(&engine, timeout)?;
    }
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
            return Err(CliError::Usage(format!(
                "arguments were given but the module exports no `_start`; \
                 name the function to call with --invoke{}",
                misplaced_options_note(&req.args)
            )))
        }
    };
    let func = find_func(&instance, &mut store, name)?;
    let params = if req.invoke.is_some() {
        parse_params(&func, &store, name, &req.args).map_err(|err| match err {
            CliError::Usage(msg) => CliError::Usage(msg + &misplaced_options_note(&req.args)),
            other => other,
        })?
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

/// Advances `engine`'s epoch once `timeout` has passed, which interrupts
/// wasm running in a store whose deadline is one tick away.
///
/// The timer thread is detached: a program that finishes sooner ends the
/// process at once, without waiting for it.
fn start_timer(engine: &Engine, timeout: Duration) -> Result<(), CliError> {
    let engine = engine.clone();
    std::thread::Builder::new()
        .name("strata-timeout".into())
        .spawn(move || {
            std::thread::sleep(timeout);
            engine.increment_epoch();
        })
        .map(drop)
        .map_err(|err| CliError::Failed(format!("cannot start the --timeout timer: {err}")))
}

/// A note for a usage error about the arguments after FILE when some of
/// them are `run`'s own options, which must come before FILE.
fn misplaced_options_note(args: &[String]) -> String {
    let misplaced = args.iter().find(|arg| {
        let name = arg.split_once('=').map_or(arg.as_str(), |(name, _)| name);
        OPTIONS.contains(&name) || (name.starts_with("-W") && name.len() > 2)
    });
    match misplaced {
        Some(arg) => format!(
            "\nnote: `{arg}` came after FILE, so it was passed to the module; \
             options for strata go before FILE"
        ),
        None => String::new(),
    }
}

/// Parses the command line; `None` means help was requested.
///
/// Options come first; the first argument that is not an option (or the
/// one after a bare `--`) is FILE, and everything after it is left to the
/// program uninterpreted.
fn parse(argv: &[String]) -> Result<Option<Request<'_>>, CliError> {
    let mut req = Request {
        file: "",
        invoke: None,
        strategy: Strategy::default(),
        compilation: None,
        dirs: Vec::new(),
        env: Vec::new(),
        fuel: None,
        timeout: None,
        max_memory: None,
        args: Vec::new(),
    };
    let no_file = || CliError::Usage("`run` needs a FILE".into());
    let mut rest = argv.iter();
    req.file = loop {
        let arg = rest.next().ok_or_else(no_file)?;
        if arg == "--" {
            break rest.next().ok_or_else(no_file)?;
        }
        let (name, inline) = match classify(arg) {
            Token::Positional(file) => break file,
            Token::Opt(name, inline) => (name, inline),
        };
        match name {
            "-h" | "--help" if inline.is_none() => return Ok(None),
            "--invoke" => req.invoke = Some(value_of(name, inline, &mut rest)?),
            "--strategy" => {
                req.strategy = load::parse_strategy(value_of(name, inline, &mut rest)?)?
            }
            "--compilation" => {
                req.compilation = Some(match value_of(name, inline, &mut rest)? {
                    "lazy" => CompilationMode::Lazy,
                    "eager" => CompilationMode::Eager,
                    other => {
                        return Err(CliError::Usage(format!(
                            "unknown compilation mode `{other}` (expected lazy or eager)"
                        )))
                    }
                })
            }
            "--dir" => req
                .dirs
                .push(parse_dir(value_of(name, inline, &mut rest)?)?),
            "--env" => req.env.push(parse_env(value_of(name, inline, &mut rest)?)?),
            "--fuel" | "--timeout" | "--max-memory" => {
                let value = value_of(name, inline, &mut rest)?;
                set_limit(&mut req, &name[2..], value, &format!("{name} {value}"))?
            }
            "-W" | "--wasm" => parse_wasm_options(&mut req, value_of(name, inline, &mut rest)?)?,
            // `-Wfuel=N`, or `-W=fuel=N`.
            _ if name.starts_with("-W") && !name.starts_with("--") => {
                let attached = &name[2..];
                parse_wasm_options(&mut req, attached.strip_prefix('=').unwrap_or(attached))?
            }
            _ => {
                return Err(CliError::Usage(format!(
                    "unknown option `{name}` for `run` (see `strata run --help`; \
                     the program's own options go after FILE)"
                )))
            }
        }
    };
    req.args = rest.cloned().collect();
    Ok(Some(req))
}

/// Takes the value of option `name`: inline (`--name=v`) or the next
/// argument, which must not itself be an option.
fn value_of<'a>(
    name: &str,
    inline: Option<&'a str>,
    rest: &mut impl Iterator<Item = &'a String>,
) -> Result<&'a str, CliError> {
    if let Some(value) = inline {
        return Ok(value);
    }
    match rest.next().map(|arg| (arg.as_str(), classify(arg))) {
        Some((value, Token::Positional(_))) if value != "--" => Ok(value),
        _ => Err(CliError::Usage(format!("option `{name}` needs a value"))),
    }
}

/// Applies `-W KEY=VALUE[,KEY=VALUE...]`.
fn parse_wasm_options(req: &mut Request<'_>, spec: &str) -> Result<(), CliError> {
    for item in spec.split(',') {
        let Some((key, value)) = item.split_once('=') else {
            return Err(CliError::Usage(match key_name(item) {
                Some(_) => format!("`-W {item}` needs a value: `-W {item}=VALUE`"),
                None => unknown_wasm_option(item),
            }));
        };
        let key = key_name(key).ok_or_else(|| CliError::Usage(unknown_wasm_option(key)))?;
        set_limit(req, key, value, &format!("-W {item}"))?;
    }
    Ok(())
}

/// The limit a `-W` key names: `fuel`, `timeout` or `max-memory`
/// (wasmtime's `max-memory-size` too).
fn key_name(key: &str) -> Option<&'static str> {
    match key {
        "fuel" => Some("fuel"),
        "timeout" => Some("timeout"),
        "max-memory" | "max-memory-size" => Some("max-memory"),
        _ => None,
    }
}

/// The usage error for a `-W` key that is not known.
fn unknown_wasm_option(key: &str) -> String {
    format!("unknown -W option `{key}` (expected fuel=N, timeout=DURATION or max-memory=BYTES)")
}

/// Sets limit `key` (`fuel`, `timeout` or `max-memory`) from `value`;
/// `shown` is how the command line spelled it, for errors.
fn set_limit(req: &mut Request<'_>, key: &str, value: &str, shown: &str) -> Result<(), CliError> {
    let bad = |expected: &str| CliError::Usage(format!("`{shown}`: expected {expected}"));
    match key {
        "fuel" => {
            req.fuel = Some(
                value
                    .parse()
                    .map_err(|_| bad("a whole number of fuel units"))?,
            )
        }
        "timeout" => {
            req.timeout = Some(parse_duration(value).ok_or_else(|| {
                bad("a duration such as 500ms, 2s, 1.5s or 1m (a plain number is seconds)")
            })?)
        }
        "max-memory" => {
            req.max_memory = Some(
                parse_bytes(value)
                    .ok_or_else(|| bad("a size in bytes, optionally with K/KiB, M/MiB or G/GiB"))?,
            )
        }
        _ => unreachable!("limit keys are checked by the caller"),
    }
    Ok(())
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
fn finish<T>(store: &Store<Host>, result: Result<T, Error>) -> Result<T, CliError> {
    result.map_err(|err| match store.data().wasi.exit_code() {
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
    fn options_before_file_and_everything_after_goes_to_the_program() {
        let a = argv(&[
            "--dir",
            ".",
            "--dir=/tmp::tmp",
            "--env",
            "A=1",
            "--env=B",
            "--fuel",
            "1000",
            "p.wasm",
            "x",
            "-v",
            "--color=auto",
            "--env",
            "C=2",
            "--",
            "--dir",
            "-h",
            "-W",
            "fuel=1",
        ]);
        let req = parse(&a).unwrap().unwrap();
        assert_eq!(req.file, "p.wasm");
        assert_eq!(req.dirs, vec![(".", "."), ("/tmp", "tmp")]);
        assert_eq!(req.env, vec![("A", Some("1")), ("B", None)]);
        assert_eq!(req.fuel, Some(1000));
        assert_eq!(
            req.args,
            vec![
                "x",
                "-v",
                "--color=auto",
                "--env",
                "C=2",
                "--",
                "--dir",
                "-h",
                "-W",
                "fuel=1"
            ]
        );
        assert!(parse(&argv(&["p.wasm", "--help"])).unwrap().is_some());
        assert!(parse(&argv(&["--help", "p.wasm"])).unwrap().is_none());
    }

    #[test]
    fn double_dash_before_file_ends_the_options() {
        let a = argv(&["--invoke", "f", "--", "-odd.wat", "-5", "--"]);
        let req = parse(&a).unwrap().unwrap();
        assert_eq!(req.invoke, Some("f"));
        assert_eq!(req.file, "-odd.wat");
        assert_eq!(req.args, vec!["-5", "--"]);
    }

    #[test]
    fn limits_in_both_spellings() {
        let a = argv(&[
            "--fuel=5",
            "--timeout",
            "1.5s",
            "--max-memory",
            "1MiB",
            "p.wasm",
        ]);
        let req = parse(&a).unwrap().unwrap();
        assert_eq!(req.fuel, Some(5));
        assert_eq!(req.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(req.max_memory, Some(1 << 20));

        for spelling in [
            &["-W", "fuel=7,timeout=500ms,max-memory=64K", "p.wasm"][..],
            &[
                "-Wfuel=7,timeout=500ms",
                "-Wmax-memory-size=65536",
                "p.wasm",
            ],
            &[
                "-W=fuel=7",
                "--wasm",
                "timeout=0.5",
                "--wasm=max-memory=64KiB",
                "p.wasm",
            ],
        ] {
            let a = argv(spelling);
            let req = parse(&a).unwrap().unwrap();
            assert_eq!(req.fuel, Some(7), "{spelling:?}");
            assert_eq!(
                req.timeout,
                Some(Duration::from_millis(500)),
                "{spelling:?}"
            );
            assert_eq!(req.max_memory, Some(64 << 10), "{spelling:?}");
            assert_eq!(req.file, "p.wasm");
        }
    }

    #[test]
    fn bad_specs_are_usage_errors() {
        for args in [
            &["--dir", "::g", "p.wasm"][..],
            &["--env", "=v", "p.wasm"],
            &["--bogus", "p.wasm"],
            &["--dir"],
            &["--dir", "--env", "A=1", "p.wasm"],
            &["--fuel", "-1", "p.wasm"],
            &["--fuel", "lots", "p.wasm"],
            &["--timeout", "soon", "p.wasm"],
            &["--max-memory", "1MB", "p.wasm"],
            &["-W", "fuel", "p.wasm"],
            &["-W", "bogus=1", "p.wasm"],
            &["-W", "fuel=1,", "p.wasm"],
            &["-Wbogus", "p.wasm"],
            &["-W"],
            &["--fuel=1"],
            &["--"],
            &[],
        ] {
            assert!(
                matches!(parse(&argv(args)), Err(CliError::Usage(_))),
                "{args:?}"
            );
        }
    }

    #[test]
    fn options_after_file_are_pointed_out_in_errors() {
        let note = misplaced_options_note(&argv(&["20", "--fuel", "5"]));
        assert!(
            note.contains("`--fuel`") && note.contains("before FILE"),
            "{note}"
        );
        assert!(misplaced_options_note(&argv(&["--invoke=f"])).contains("`--invoke=f`"));
        assert!(misplaced_options_note(&argv(&["-Wfuel=1"])).contains("before FILE"));
        assert_eq!(misplaced_options_note(&argv(&["-5", "--color"])), "");
    }
}
