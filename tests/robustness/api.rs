//! API behaviour the engine promises: error kinds for misuse, traps that
//! leave the store usable, and host functions that reach back into the guest.

use strata::{
    Caller, Config, Engine, Error, ErrorKind, Extern, Func, Instance, Linker, Memory, Module,
    Store, TrapCode, Val,
};

use crate::{engine, for_each_strategy};

/// Compiles `wat`, panicking with the engine's message if it is rejected.
fn module(engine: &Engine, wat: &str) -> Module {
    Module::new(engine, wat).unwrap_or_else(|err| panic!("test module rejected: {err}"))
}

/// Instantiates an import-free module into a fresh store.
fn instantiate(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = module(engine, wat);
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[])
        .unwrap_or_else(|err| panic!("instantiation failed: {err}"));
    (store, instance)
}

/// Calls the export `name` of `instance` that takes and returns one i32.
fn call_i32(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    arg: i32,
) -> Result<i32, Error> {
    let func = instance.get_typed_func::<i32, i32>(&mut *store, name)?;
    func.call(&mut *store, arg)
}

/// Asserts `result` is a trap with `code` and the spec's `message`.
fn assert_trap<R>(result: Result<R, Error>, code: TrapCode, message: &str) {
    let err = match result {
        Ok(_) => panic!("expected the trap `{message}`, got success"),
        Err(err) => err,
    };
    let trap = err
        .as_trap()
        .unwrap_or_else(|| panic!("expected the trap `{message}`, got: {err}"));
    assert_eq!(trap.message(), message);
    assert!(
        std::mem::discriminant(&trap.code()) == std::mem::discriminant(&code),
        "wrong trap code for `{message}`"
    );
    assert!(err.to_string().starts_with(message), "Display: {err}");
}

#[test]
fn missing_import_is_a_link_error_naming_the_import() {
    for_each_strategy(|strategy| {
        let engine = engine(strategy);
        let module = module(
            &engine,
            r#"(module
                 (import "env" "forgotten_fn" (func (param i32)))
                 (func (export "f")))"#,
        );
        let mut store = Store::new(&engine, ());
        let err = match Linker::new(&engine).instantiate(&mut store, &module) {
            Ok(_) => panic!("instantiated without its import"),
            Err(err) => err,
        };
        match err.kind() {
            ErrorKind::Link(msg) => {
                assert!(
                    msg.contains("forgotten_fn"),
                    "link error does not name the import: {msg}"
                )
            }
            _ => panic!("expected a link error, got: {err}"),
        }
        assert!(err.to_string().contains("forgotten_fn"), "Display: {err}");

        let err = Instance::new(&mut store, &module, &[]).expect_err("no imports given");
        assert!(
            matches!(err.kind(), ErrorKind::Link(_)),
            "Instance::new: {err}"
        );
    });
}

#[test]
fn import_of_the_wrong_type_is_a_link_error() {
    for_each_strategy(|strategy| {
        let engine = engine(strategy);
        let module = module(
            &engine,
            r#"(module (import "env" "f" (func (param i32) (result i32))))"#,
        );
        let mut linker = Linker::new(&engine);
        linker.func_wrap("env", "f", |x: i64| x).unwrap();
        let mut store = Store::new(&engine, ());
        let err = linker
            .instantiate(&mut store, &module)
            .expect_err("mismatched import");
        assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
    });
}

#[test]
fn func_call_with_wrong_types_or_arity_is_a_type_error() {
    for_each_strategy(|strategy| {
        let (mut store, instance) = instantiate(
            &engine(strategy),
            r#"(module (func (export "add") (param i32 i32) (result i32)
                 (i32.add (local.get 0) (local.get 1))))"#,
        );
        let add = instance.get_func(&mut store, "add").unwrap();
        let mut out = [Val::I32(0)];
        for (params, what) in [
            (vec![Val::I32(1), Val::I64(2)], "wrong param type"),
            (vec![Val::I32(1)], "too few params"),
            (
                vec![Val::I32(1), Val::I32(2), Val::I32(3)],
                "too many params",
            ),
            (vec![Val::F32(0), Val::I32(2)], "float for int"),
        ] {
            let err = add.call(&mut store, &params, &mut out).expect_err(what);
            assert!(matches!(err.kind(), ErrorKind::Type(_)), "{what}: {err}");
        }
        let err = add
            .call(&mut store, &[Val::I32(1), Val::I32(2)], &mut [])
            .expect_err("no room for the result");
        assert!(matches!(err.kind(), ErrorKind::Type(_)), "results: {err}");

        add.call(&mut store, &[Val::I32(40), Val::I32(2)], &mut out)
            .unwrap();
        assert_eq!(out[0].i32(), Some(42));
    });
}

#[test]
fn get_typed_func_with_the_wrong_signature_fails() {
    for_each_strategy(|strategy| {
        let (mut store, instance) = instantiate(
            &engine(strategy),
            r#"(module (func (export "add") (param i32 i32) (result i32)
                 (i32.add (local.get 0) (local.get 1))))"#,
        );
        let is_type_error =
            |err: Option<Error>| matches!(err.as_ref().map(Error::kind), Some(ErrorKind::Type(_)));
        let wrong_params = instance.get_typed_func::<(i64, i32), i32>(&mut store, "add");
        assert!(
            is_type_error(wrong_params.err()),
            "wrong param types accepted"
        );
        let wrong_results = instance.get_typed_func::<(i32, i32), i64>(&mut store, "add");
        assert!(
            is_type_error(wrong_results.err()),
            "wrong result type accepted"
        );
        let too_few = instance.get_typed_func::<i32, i32>(&mut store, "add");
        assert!(is_type_error(too_few.err()), "wrong param count accepted");
        let missing = instance.get_typed_func::<(i32, i32), i32>(&mut store, "sub");
        assert!(missing.is_err());

        let add = instance
            .get_typed_func::<(i32, i32), i32>(&mut store, "add")
            .unwrap();
        assert_eq!(add.call(&mut store, (2, 3)).unwrap(), 5);
    });
}

/// A function that never stops calling itself, next to one that works.
const RECURSION: &str = r#"(module
  (func $down (export "down") (param i64 i64 i64) (result i64)
    (local f64 f64 f64 f64)
    (call $down (local.get 0) (local.get 1) (local.get 2)))
  (func (export "id") (param i32) (result i32) (local.get 0)))"#;

#[test]
fn runaway_recursion_traps_with_stack_overflow_and_store_stays_usable() {
    for_each_strategy(|strategy| {
        // The default limits, as a user gets them: the host stack of a test
        // thread must not overflow before the wasm call depth limit does.
        let (mut store, instance) = instantiate(&engine(strategy), RECURSION);
        let down = instance
            .get_typed_func::<(i64, i64, i64), i64>(&mut store, "down")
            .unwrap();
        for _ in 0..2 {
            assert_trap(
                down.call(&mut store, (1, 2, 3)),
                TrapCode::StackOverflow,
                "call stack exhausted",
            );
            assert_eq!(call_i32(&mut store, &instance, "id", 7).unwrap(), 7);
        }

        // A small value stack runs out before the depth limit does.
        let mut config = Config::new();
        config.strategy(strategy).max_value_stack(4096);
        let engine = Engine::new(&config).unwrap();
        let (mut store, instance) = instantiate(&engine, RECURSION);
        let down = instance
            .get_typed_func::<(i64, i64, i64), i64>(&mut store, "down")
            .unwrap();
        assert_trap(
            down.call(&mut store, (1, 2, 3)),
            TrapCode::StackOverflow,
            "call stack exhausted",
        );
        assert_eq!(call_i32(&mut store, &instance, "id", 9).unwrap(), 9);
    });
}

#[test]
fn out_of_bounds_load_traps_and_store_stays_usable() {
    for_each_strategy(|strategy| {
        let (mut store, instance) = instantiate(
            &engine(strategy),
            r#"(module
                 (memory 1)
                 (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
                 (func (export "store") (param i32) (result i32)
                   (i32.store (local.get 0) (i32.const 0x5eed))
                   (i32.const 0)))"#,
        );
        for addr in [65536, 65533, -1, i32::MIN] {
            assert_trap(
                call_i32(&mut store, &instance, "load", addr),
                TrapCode::MemoryOutOfBounds,
                "out of bounds memory access",
            );
        }
        assert_trap(
            call_i32(&mut store, &instance, "store", 65535),
            TrapCode::MemoryOutOfBounds,
            "out of bounds memory access",
        );
        // The partial store above must not have written its in-bounds bytes.
        assert_eq!(call_i32(&mut store, &instance, "load", 65532).unwrap(), 0);
        assert_eq!(call_i32(&mut store, &instance, "store", 65532).unwrap(), 0);
        assert_eq!(
            call_i32(&mut store, &instance, "load", 65532).unwrap(),
            0x5eed
        );
    });
}

#[test]
fn trapping_start_function_fails_instantiation_with_the_trap() {
    for_each_strategy(|strategy| {
        let engine = engine(strategy);
        let module = module(&engine, r#"(module (func $s unreachable) (start $s))"#);
        let mut store = Store::new(&engine, ());
        assert_trap(
            Instance::new(&mut store, &module, &[]),
            TrapCode::Unreachable,
            "unreachable",
        );
    });
}

/// State a host function keeps in its store.
#[derive(Default)]
struct HostLog {
    seen: Vec<u8>,
}

#[test]
fn host_function_reads_guest_memory_and_calls_back_into_wasm() {
    for_each_strategy(|strategy| {
        let engine = engine(strategy);
        let module = module(
            &engine,
            r#"(module
                 (import "host" "sum_doubled" (func $sum_doubled (param i32 i32) (result i32)))
                 (memory (export "memory") 1)
                 (data (i32.const 100) "\01\02\03\04\05")
                 (func (export "double") (param i32) (result i32)
                   (i32.mul (local.get 0) (i32.const 2)))
                 (func (export "run") (result i32)
                   (i32.add (call $sum_doubled (i32.const 100) (i32.const 5)) (i32.const 1000))))"#,
        );
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                "host",
                "sum_doubled",
                |mut caller: Caller<'_, HostLog>, ptr: i32, len: i32| -> Result<i32, Error> {
                    let memory = caller
                        .get_export("memory")
                        .and_then(Extern::into_memory)
                        .ok_or_else(|| Error::msg("no memory export"))?;
                    let mut buf = vec![0u8; len as usize];
                    memory.read(&mut caller, ptr as usize, &mut buf)?;
                    caller.data_mut().seen.extend_from_slice(&buf);
                    let sum: i32 = buf.iter().map(|&b| i32::from(b)).sum();

                    let double = caller
                        .get_export("double")
                        .and_then(Extern::into_func)
                        .ok_or_else(|| Error::msg("no double export"))?;
                    let mut out = [Val::I32(0)];
                    double.call(&mut caller, &[Val::I32(sum)], &mut out)?;
                    Ok(out[0].i32().expect("double returns i32"))
                },
            )
            .unwrap();
        let mut store = Store::new(&engine, HostLog::default());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance
            .get_typed_func::<(), i32>(&mut store, "run")
            .unwrap();
        assert_eq!(run.call(&mut store, ()).unwrap(), 1030);
        assert_eq!(store.data().seen, [1, 2, 3, 4, 5]);
    });
}

#[test]
fn host_function_error_reaches_the_caller_as_a_host_error() {
    for_each_strategy(|strategy| {
        let engine = engine(strategy);
        let module = module(
            &engine,
            r#"(module
                 (import "host" "fail" (func $fail))
                 (func (export "run") (result i32) (call $fail) (i32.const 1)))"#,
        );
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "fail", || -> Result<(), Error> {
                Err(Error::msg("no can do"))
            })
            .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance.get_func(&mut store, "run").unwrap();
        let err = run
            .call(&mut store, &[], &mut [Val::I32(0)])
            .expect_err("host failed");
        assert!(matches!(err.kind(), ErrorKind::Host(_)), "{err}");
        assert!(err.to_string().contains("no can do"), "{err}");
    });
}

#[test]
fn memory_grow_from_the_host_is_visible_to_the_guest() {
    for_each_strategy(|strategy| {
        let (mut store, instance) = instantiate(
            &engine(strategy),
            r#"(module
                 (memory (export "memory") 1 4)
                 (func (export "size") (param i32) (result i32) (memory.size))
                 (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
                 (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#,
        );
        let memory: Memory = instance.get_memory(&mut store, "memory").unwrap();
        let far = 2 * 65536 + 8;
        assert_trap(
            call_i32(&mut store, &instance, "load", far),
            TrapCode::MemoryOutOfBounds,
            "out of bounds memory access",
        );

        assert_eq!(memory.grow(&mut store, 2).unwrap(), 1);
        assert_eq!(memory.size(&store), 3);
        assert_eq!(memory.data_size(&store), 3 * 65536);
        assert_eq!(call_i32(&mut store, &instance, "size", 0).unwrap(), 3);
        memory
            .write(&mut store, far as usize, &0x0102_0304i32.to_le_bytes())
            .unwrap();
        assert_eq!(
            call_i32(&mut store, &instance, "load", far).unwrap(),
            0x0102_0304
        );

        // Past the maximum: refused, and nothing changes.
        assert!(memory.grow(&mut store, 2).is_err());
        assert_eq!(call_i32(&mut store, &instance, "size", 0).unwrap(), 3);

        // And the other direction: the guest grows, the host sees it.
        assert_eq!(call_i32(&mut store, &instance, "grow", 1).unwrap(), 3);
        assert_eq!(memory.size(&store), 4);
        assert_eq!(memory.data(&store).len(), 4 * 65536);
        assert_eq!(call_i32(&mut store, &instance, "grow", 1).unwrap(), -1);
    });
}

#[test]
fn simd_module_runs() {
    for_each_strategy(|strategy| {
        let engine = engine(strategy);
        let wat = r#"(module (func (export "lane") (result i32)
            (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4))))"#;
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let lane = instance.get_func(&mut store, "lane").unwrap();
        let mut out = [Val::I32(0)];
        lane.call(&mut store, &[], &mut out).unwrap();
        assert_eq!(out[0].i32(), Some(2), "{strategy:?}");
    });
}

#[test]
fn invalid_simd_module_is_a_compile_error() {
    for_each_strategy(|strategy| {
        let err = Module::new(
            &engine(strategy),
            r#"(module (func (result i32) (v128.const i32x4 1 2 3 4)))"#,
        )
        .expect_err("a v128 is not an i32");
        assert!(matches!(err.kind(), ErrorKind::Compile(_)), "{err}");
    });
}

/// `Func::wrap` and the typed call path agree with the untyped one.
#[test]
fn wrapped_host_function_can_be_passed_as_an_import() {
    for_each_strategy(|strategy| {
        let engine = engine(strategy);
        let module = module(
            &engine,
            r#"(module (import "m" "add" (func $add (param i32 i32) (result i32)))
                 (func (export "run") (param i32) (result i32) (call $add (local.get 0) (i32.const 5))))"#,
        );
        let mut store = Store::new(&engine, ());
        let add = Func::wrap(&mut store, |a: i32, b: i32| a.wrapping_add(b));
        let instance = Instance::new(&mut store, &module, &[add.into()]).unwrap();
        assert_eq!(call_i32(&mut store, &instance, "run", 37).unwrap(), 42);
        assert_eq!(
            call_i32(&mut store, &instance, "run", i32::MAX).unwrap(),
            i32::MIN + 4
        );
    });
}
