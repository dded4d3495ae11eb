//! `strata run`: instantiate a module with WASI and run it.

use std::time::Duration;

use clap::Args;
use strata::{
    Engine, Error, Extern, Func, Instance, Linker, Module, Store, StoreLimits, StoreLimitsBuilder,
    Val,
};
use strata_wasi::{WasiCtx, WasiCtxBuilder};

use crate::args::CliError;
use crate::options::{EngineOptions, WasmSettings};
use crate::{load, output, value};

/// Text after the options in `strata run --help`.
const AFTER_HELP: &str = "\
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
`_start` returns); 134 if it traps, running out of fuel or time included, or
ends with an uncaught exception (as a native program that aborts; the trap's
message and wasm backtrace, or the exception's values, are printed); 1 if the module fails to load, link or run otherwise; 2 for a bad
command line or arguments.";

/// `strata run`'s command line.
#[derive(Args, Debug)]
#[command(
    after_help = AFTER_HELP,
    override_usage = "strata run [OPTIONS] <FILE> [ARGS]..."
)]
pub struct RunArgs {
    /// Give the program host directory HOST, under the name GUEST (default:
    /// HOST as written). Repeatable
    #[arg(long, value_name = "HOST[::GUEST]", value_parser = parse_dir)]
    dir: Vec<(String, String)>,
    /// Set an environment variable for the program; without =VALUE, pass on
    /// the host's value. Repeatable
    #[arg(long, value_name = "KEY[=VALUE]", value_parser = parse_env)]
    env: Vec<(String, Option<String>)>,
    /// Call the exported function NAME instead of `_start` and print each
    /// result on its own line
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Accept a precompiled module (`strata compile -o`) as FILE
    #[arg(long)]
    allow_precompiled: bool,
    #[command(flatten)]
    engine: EngineOptions,
    /// Give the module N units of fuel: each wasm instruction costs about
    /// one, and running out traps
    #[arg(long, value_name = "N")]
    fuel: Option<String>,
    /// Interrupt the module after DURATION of wall-clock time: 500ms, 2s,
    /// 1.5s, 1m (a plain number is seconds)
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Let each linear memory grow to at most BYTES (plain, or with K/KiB,
    /// M/MiB, G/GiB); memory.grow beyond it returns -1
    #[arg(long, value_name = "BYTES")]
    max_memory: Option<String>,
    /// WASI settings, comma-separated, repeatable: inherit-env=y|n (give the
    /// program the whole host environment; --env still adds and overrides)
    #[arg(short = 'S', long = "wasi", value_name = "KEY=VALUE,...")]
    wasi: Vec<String>,
    /// Wasm limits and features, comma-separated, repeatable: fuel=N,
    /// timeout=DURATION, max-memory=BYTES (or max-memory-size=BYTES),
    /// tail-call=y|n, extended-const=y|n, multi-memory=y|n, memory64=y|n,
    /// function-references=y|n, exceptions=y|n
    #[arg(short = 'W', long = "wasm", value_name = "KEY=VALUE,...")]
    wasm: Vec<String>,
    /// A binary .wasm module or a .wat text module, then the program's
    /// arguments (after its name, which is FILE), passed as written. With
    /// --invoke, the function's arguments instead, parsed by its parameter
    /// types: i32/i64 as decimal or 0x hex (negative allowed), f32/f64 as
    /// decimal, nan, inf or -inf, references as null
    #[arg(
        value_name = "FILE",
        required = true,
        num_args = 1..,
        trailing_var_arg = true
    )]
    module_and_args: Vec<String>,
}

/// The options `run` takes, for pointing out ones that were given after
/// FILE by mistake.
const OPTIONS: &[&str] = &[
    "--dir",
    "--env",
    "--invoke",
    "--allow-precompiled",
    "--strategy",
    "--compilation",
    "-C",
    "--codegen",
    "--fuel",
    "--timeout",
    "--max-memory",
    "-W",
    "--wasm",
    "-S",
    "--wasi",
];

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
struct Request<'a> {
    file: &'a str,
    invoke: Option<&'a str>,
    /// `(host, guest)` directory pairs.
    dirs: Vec<(&'a str, &'a str)>,
    /// Variables; `None` takes the host's value.
    env: Vec<(&'a str, Option<&'a str>)>,
    /// Limits and features.
    wasm: WasmSettings,
    /// Whether the program gets the host's whole environment.
    inherit_env: bool,
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

/// Runs `strata run`.
pub fn main(args: &RunArgs) -> Result<(), CliError> {
    let req = request(args)?;
    let engine = args.engine.engine(&req.wasm, |config| {
        config
            .consume_fuel(req.wasm.fuel.is_some())
            .epoch_interruption(req.wasm.timeout.is_some());
    })?;
    let module = load::module(&engine, req.file, args.allow_precompiled)?;
    reject_foreign_imports(&module, req.file)?;

    let mut limits = StoreLimitsBuilder::new();
    if let Some(bytes) = req.wasm.max_memory {
        limits = limits.memory_size(bytes);
    }
    let host = Host {
        wasi: wasi_context(&req)?,
        limits: limits.build(),
    };
    let mut store = Store::new(&engine, host);
    if req.wasm.max_memory.is_some() {
        store.limiter(|host: &mut Host| &mut host.limits);
    }
    if let Some(fuel) = req.wasm.fuel {
        store
            .set_fuel(fuel)
            .map_err(|err| CliError::Failed(err.to_string()))?;
    }
    let mut linker = Linker::new(&engine);
    strata_wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)
        .map_err(|err| CliError::Failed(err.to_string()))?;
    if let Some(timeout) = req.wasm.timeout {
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
        OPTIONS.contains(&name)
            || (name.len() > 2 && (name.starts_with("-W") || name.starts_with("-C")))
    });
    match misplaced {
        Some(arg) => format!(
            "\nnote: `{arg}` came after FILE, so it was passed to the module; \
             options for strata go before FILE"
        ),
        None => String::new(),
    }
}

/// What `args` ask for, with the limits of the long options and of `-W`
/// merged.
fn request(args: &RunArgs) -> Result<Request<'_>, CliError> {
    let (file, rest) = args
        .module_and_args
        .split_first()
        .ok_or_else(|| CliError::Usage("`run` needs a FILE".into()))?;
    let mut wasm = WasmSettings::default();
    for (key, value) in [
        ("fuel", &args.fuel),
        ("timeout", &args.timeout),
        ("max-memory", &args.max_memory),
    ] {
        if let Some(value) = value {
            wasm.set_limit(key, value, &format!("--{key} {value}"))?;
        }
    }
    wasm.apply(&args.wasm)?;
    let mut inherit_env = false;
    for item in args.wasi.iter().flat_map(|list| list.split(',')) {
        inherit_env = match item {
            "inherit-env" | "inherit-env=y" | "inherit-env=yes" | "inherit-env=true" => true,
            "inherit-env=n" | "inherit-env=no" | "inherit-env=false" => false,
            _ => {
                return Err(CliError::Usage(format!(
                    "unknown -S setting `{item}` (expected inherit-env=y|n)"
                )))
            }
        };
    }
    Ok(Request {
        file,
        invoke: args.invoke.as_deref(),
        dirs: args
            .dir
            .iter()
            .map(|(h, g)| (h.as_str(), g.as_str()))
            .collect(),
        env: args
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect(),
        wasm,
        inherit_env,
        args: rest.to_vec(),
    })
}

/// Parses `HOST[::GUEST]`.
fn parse_dir(spec: &str) -> Result<(String, String), String> {
    let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
    if host.is_empty() || guest.is_empty() {
        return Err(format!("`{spec}`: expected HOST or HOST::GUEST"));
    }
    Ok((host.to_string(), guest.to_string()))
}

/// Parses `KEY[=VALUE]`.
fn parse_env(spec: &str) -> Result<(String, Option<String>), String> {
    let (key, value) = match spec.split_once('=') {
        Some((key, value)) => (key, Some(value.to_string())),
        None => (spec, None),
    };
    if key.is_empty() {
        return Err(format!("`{spec}`: expected KEY=VALUE or KEY"));
    }
    Ok((key.to_string(), value))
}

/// The WASI context the request describes: strata's own stdio, the
/// program's arguments and environment, and the preopened directories.
fn wasi_context(req: &Request<'_>) -> Result<WasiCtx, CliError> {
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdio().arg(req.file);
    if req.invoke.is_none() {
        builder.args(&req.args);
    }
    if req.inherit_env {
        // --env adds to the host's variables and overrides them.
        let given = |key: &str| req.env.iter().any(|&(k, _)| k == key);
        for (key, value) in std::env::vars().filter(|(key, _)| !given(key)) {
            builder.env(key, value);
        }
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
/// program were a native one; an uncaught exception ends it as a trap
/// does (as a native program's uncaught exception aborts it), with the
/// values it carries.
fn finish<T>(store: &Store<Host>, result: Result<T, Error>) -> Result<T, CliError> {
    result.map_err(|err| match store.data().wasi.exit_code() {
        Some(status) => CliError::Silent(status as u8),
        None if err.as_trap().is_some() => CliError::Trapped(describe(&err)),
        None => match err.exception() {
            Some(exn) => {
                let values: Vec<String> = exn.fields(store).iter().map(value::format).collect();
                CliError::Trapped(format!(
                    "uncaught wasm exception carrying [{}]",
                    values.join(", ")
                ))
            }
            None => CliError::Failed(describe(&err)),
        },
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
    let kind = import.ty().kind_name();
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
    use clap::Parser;

    /// `strata run ARGS` as the command line parses it.
    fn parse(args: &[&str]) -> Result<Request<'static>, String> {
        let argv = ["strata", "run"].iter().chain(args);
        let cli = crate::Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        let crate::Command::Run(run) = cli.command else {
            unreachable!("parsed as `run`")
        };
        // Leaked: the request borrows from the arguments, which a test
        // keeps for its whole run anyway.
        let run: &'static RunArgs = Box::leak(Box::new(run));
        request(run).map_err(|e| format!("{e:?}"))
    }

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_before_file_and_everything_after_goes_to_the_program() {
        let req = parse(&[
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
            "-5",
        ])
        .unwrap();
        assert_eq!(req.file, "p.wasm");
        assert_eq!(req.dirs, vec![(".", "."), ("/tmp", "tmp")]);
        assert_eq!(req.env, vec![("A", Some("1")), ("B", None)]);
        assert_eq!(req.wasm.fuel, Some(1000));
        assert_eq!(
            req.args,
            strings(&[
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
                "-5"
            ])
        );
        assert_eq!(
            parse(&["p.wasm", "--help"]).unwrap().args,
            strings(&["--help"])
        );
        let help = parse(&["--help", "p.wasm"]).unwrap_err();
        assert!(help.contains("Usage: strata run"), "{help}");
    }

    #[test]
    fn double_dash_before_file_ends_the_options() {
        let req = parse(&["--invoke", "f", "--", "-odd.wat", "-5", "--"]).unwrap();
        assert_eq!(req.invoke, Some("f"));
        assert_eq!(req.file, "-odd.wat");
        assert_eq!(req.args, strings(&["-5", "--"]));
    }

    #[test]
    fn limits_and_features_in_both_spellings() {
        let req = parse(&[
            "--fuel=5",
            "--timeout",
            "1.5s",
            "--max-memory",
            "1MiB",
            "p.wasm",
        ])
        .unwrap();
        assert_eq!(req.wasm.fuel, Some(5));
        assert_eq!(req.wasm.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(req.wasm.max_memory, Some(1 << 20));

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
            let req = parse(spelling).unwrap();
            assert_eq!(req.wasm.fuel, Some(7), "{spelling:?}");
            assert_eq!(
                req.wasm.timeout,
                Some(Duration::from_millis(500)),
                "{spelling:?}"
            );
            assert_eq!(req.wasm.max_memory, Some(64 << 10), "{spelling:?}");
            assert_eq!(req.file, "p.wasm");
        }
        let req = parse(&["-W", "tail-call=n,extended-const=y", "p.wasm"]).unwrap();
        assert_eq!(req.wasm.tail_call, Some(false));
        assert_eq!(req.wasm.extended_const, Some(true));
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
            &["-W", "tail-call=maybe", "p.wasm"],
            &["-Wbogus", "p.wasm"],
            &["-W"],
            &["--fuel=1"],
            &["--"],
            &[],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn options_after_file_are_pointed_out_in_errors() {
        let note = misplaced_options_note(&strings(&["20", "--fuel", "5"]));
        assert!(
            note.contains("`--fuel`") && note.contains("before FILE"),
            "{note}"
        );
        assert!(misplaced_options_note(&strings(&["--invoke=f"])).contains("`--invoke=f`"));
        assert!(misplaced_options_note(&strings(&["-Wfuel=1"])).contains("before FILE"));
        assert!(misplaced_options_note(&strings(&["-Cstrategy=jit"])).contains("before FILE"));
        assert_eq!(misplaced_options_note(&strings(&["-5", "--color"])), "");
    }
}
