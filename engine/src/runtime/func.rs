//! Functions: handles, host functions, and typed calls.

use super::store::{AsContext, AsContextMut, Caller, FuncEntity, Store};
use super::value::{assert_store, check_store, ExternRef, Val};
use crate::error::{Error, Result};
use crate::types::{FuncType, ValType};
use std::marker::PhantomData;
use std::sync::Arc;

/// A host function over cells: arguments in, results out, in one span of
/// `max(params, results)` cells.
pub(crate) type HostFn<T> =
    Arc<dyn Fn(Caller<'_, T>, &mut [u64]) -> Result<()> + Send + Sync + 'static>;

/// A handle to a function in a store (wasm or host).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Func {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Func {
    /// A host function taking and returning [`Val`]s.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func {
        let host = untyped_host(ty.clone(), f);
        Func::from_host(store.as_context_mut(), ty, host)
    }

    /// A host function from a Rust closure with wasm-typed parameters and results.
    pub fn wrap<T, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, host) = f.into_host();
        Func::from_host(store.as_context_mut(), ty, host)
    }

    pub(crate) fn from_host<T>(store: &mut Store<T>, ty: FuncType, host: HostFn<T>) -> Func {
        let type_id = store.inner.engine.intern_type(&ty);
        Func::from_interned_host(store, ty, type_id, host)
    }

    /// [`Func::from_host`] with `ty` already interned as `type_id`.
    pub(crate) fn from_interned_host<T>(
        store: &mut Store<T>,
        ty: FuncType,
        type_id: u32,
        host: HostFn<T>,
    ) -> Func {
        store.host_funcs.push(host);
        store.inner.funcs.push(FuncEntity::Host {
            host: store.host_funcs.len() as u32 - 1,
            type_id,
            ty,
        });
        Func {
            store: store.inner.id,
            index: store.inner.funcs.len() as u32 - 1,
        }
    }

    /// The function's signature.
    ///
    /// # Panics
    ///
    /// Panics with "Func used with another store" if used with a store other
    /// than its own.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let inner = &store.as_context().inner;
        assert_store("Func", self.store, inner.id);
        inner.func_type(self.index)
    }

    /// Calls the function with `params`, writing `results`; checks arity and types.
    ///
    /// # Errors
    ///
    /// Fails, without running anything, if the function is used with a store
    /// other than its own, if `params` or `results` do not match its
    /// signature, or if a reference in `params` belongs to another store;
    /// otherwise fails as the call does (a trap, a host error). A host
    /// function returning a reference of another store is an error too.
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let store = store.as_context_mut();
        check_store("Func", self.store, store.inner.id)?;
        let ty = self.ty(&*store);
        if params.len() != ty.params().len() || results.len() != ty.results().len() {
            return Err(Error::ty(format!(
                "{ty} called with {} params and room for {} results",
                params.len(),
                results.len()
            )));
        }
        let mut cells = vec![0u64; ty.span_cells()];
        let mut at = 0;
        for (i, (p, &want)) in params.iter().zip(ty.params()).enumerate() {
            if !p.matches(&store.inner, want) {
                return Err(Error::ty(format!(
                    "argument {i} of {ty} must be {want}, got {}",
                    p.ty()
                )));
            }
            p.write_cells(&mut cells[at..], store.inner.id)
                .ok_or_else(|| {
                    Error::ty(format!(
                        "argument {i} of {ty} is a reference from another store"
                    ))
                })?;
            at += want.cells();
        }
        crate::interp::invoke(store, self.index, &mut cells)?;
        let values = Val::read_all(&cells, ty.results(), store.inner.id);
        results.copy_from_slice(&values);
        Ok(())
    }

    /// A typed view of the function; fails if the signature differs.
    ///
    /// # Errors
    ///
    /// Fails if the signature is not `P -> R`, or if the function is used
    /// with a store other than its own.
    pub fn typed<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<P, R>> {
        let store = store.as_context();
        check_store("Func", self.store, store.inner.id)?;
        let ty = self.ty(store);
        if ty.params() != P::types().as_slice() || ty.results() != R::types().as_slice() {
            return Err(Error::ty(format!(
                "function is {ty}, not {}",
                FuncType::new(P::types(), R::types())
            )));
        }
        Ok(TypedFunc {
            func: *self,
            _marker: PhantomData,
        })
    }
}

impl super::store::StoreInner {
    pub(crate) fn func_type(&self, func: u32) -> FuncType {
        match &self.funcs[func as usize] {
            FuncEntity::Host { ty, .. } => ty.clone(),
            FuncEntity::Wasm { instance, def, .. } => {
                let module = &self.instances[*instance as usize].module.inner;
                module
                    .env
                    .func_type(module.env.num_imported_funcs + def)
                    .clone()
            }
        }
    }
}

fn untyped_host<T>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
) -> HostFn<T> {
    Arc::new(
        move |Caller { store, instance }: Caller<'_, T>, cells: &mut [u64]| {
            let id = store.inner.id;
            let params = Val::read_all(cells, ty.params(), id);
            let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_for(t)).collect();
            f(Caller { store, instance }, &params, &mut results)?;
            let mut at = 0;
            for (i, (r, &want)) in results.iter().zip(ty.results()).enumerate() {
                if !r.matches(&store.inner, want) {
                    return Err(Error::ty(format!(
                        "host function returned {} for result {i}, expected {want}",
                        r.ty()
                    )));
                }
                r.write_cells(&mut cells[at..], id).ok_or_else(|| {
                    Error::ty("host function returned a reference from another store")
                })?;
                at += want.cells();
            }
            Ok(())
        },
    )
}

/// A function whose signature was checked once, called with Rust values.
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// Calls the function.
    ///
    /// # Errors
    ///
    /// Fails, without running anything, if the function is used with a store
    /// other than its own or a reference in `params` belongs to another
    /// store; otherwise fails as the call does (a trap, a host error).
    pub fn call(&self, mut store: impl AsContextMut, params: P) -> Result<R> {
        let store = store.as_context_mut();
        check_store("Func", self.func.store, store.inner.id)?;
        let n = crate::types::cells_of(&P::types()).max(crate::types::cells_of(&R::types()));
        let mut cells = [0u64; 16];
        let mut heap;
        let cells: &mut [u64] = if n <= cells.len() {
            &mut cells[..n]
        } else {
            heap = vec![0u64; n];
            &mut heap
        };
        params.write_cells(cells, store.inner.id)?;
        crate::interp::invoke(store, self.func.index, cells)?;
        Ok(R::read_cells(cells, store.inner.id))
    }

    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
}

/// A Rust type that is a wasm value type.
pub trait WasmTy: Sized {
    /// The wasm type.
    fn val_type() -> ValType;
    #[doc(hidden)]
    fn to_cells(self, cells: &mut [u64], store: u64) -> Result<()>;
    #[doc(hidden)]
    fn from_cells(cells: &[u64], store: u64) -> Self;
}

macro_rules! wasm_ty_num {
    ($($t:ty => $vt:ident, |$v:ident| $to:expr, |$c:ident| $from:expr;)*) => {$(
        impl WasmTy for $t {
            fn val_type() -> ValType { ValType::$vt }
            fn to_cells(self, cells: &mut [u64], _store: u64) -> Result<()> {
                let $v = self;
                cells[0] = $to;
                Ok(())
            }
            fn from_cells(cells: &[u64], _store: u64) -> Self { let $c = cells[0]; $from }
        }
    )*};
}

wasm_ty_num! {
    i32 => I32, |v| v as u32 as u64, |c| c as u32 as i32;
    u32 => I32, |v| v as u64, |c| c as u32;
    i64 => I64, |v| v as u64, |c| c as i64;
    u64 => I64, |v| v, |c| c;
    f32 => F32, |v| v.to_bits() as u64, |c| f32::from_bits(c as u32);
    f64 => F64, |v| v.to_bits(), |c| f64::from_bits(c);
}

/// A `v128`: lane 0 in the least significant bits.
impl WasmTy for u128 {
    fn val_type() -> ValType {
        ValType::V128
    }
    fn to_cells(self, cells: &mut [u64], _store: u64) -> Result<()> {
        cells[0] = self as u64;
        cells[1] = (self >> 64) as u64;
        Ok(())
    }
    fn from_cells(cells: &[u64], _store: u64) -> Self {
        cells[0] as u128 | (cells[1] as u128) << 64
    }
}

impl WasmTy for Option<Func> {
    fn val_type() -> ValType {
        ValType::FuncRef
    }
    fn to_cells(self, cells: &mut [u64], store: u64) -> Result<()> {
        cells[0] = Val::FuncRef(self)
            .to_cell(store)
            .ok_or_else(|| Error::ty("reference from another store"))?;
        Ok(())
    }
    fn from_cells(cells: &[u64], store: u64) -> Self {
        Val::from_cell(cells[0], ValType::FuncRef, store)
            .funcref()
            .flatten()
    }
}

impl WasmTy for Option<ExternRef> {
    fn val_type() -> ValType {
        ValType::ExternRef
    }
    fn to_cells(self, cells: &mut [u64], store: u64) -> Result<()> {
        cells[0] = Val::ExternRef(self)
            .to_cell(store)
            .ok_or_else(|| Error::ty("reference from another store"))?;
        Ok(())
    }
    fn from_cells(cells: &[u64], store: u64) -> Self {
        Val::from_cell(cells[0], ValType::ExternRef, store)
            .externref()
            .flatten()
    }
}

/// Parameters of a typed call: a wasm type, or a tuple of them.
pub trait WasmParams: Sized {
    /// The parameter types.
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn write_cells(self, cells: &mut [u64], store: u64) -> Result<()>;
}

/// Results of a typed call: a wasm type, or a tuple of them.
pub trait WasmResults: Sized {
    /// The result types.
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn read_cells(cells: &[u64], store: u64) -> Self;
}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        vec![A::val_type()]
    }
    fn write_cells(self, cells: &mut [u64], store: u64) -> Result<()> {
        self.to_cells(cells, store)
    }
}

impl<A: WasmTy> WasmResults for A {
    fn types() -> Vec<ValType> {
        vec![A::val_type()]
    }
    fn read_cells(cells: &[u64], store: u64) -> Self {
        A::from_cells(cells, store)
    }
}

macro_rules! tuple_impls {
    ($($n:tt $t:ident),*) => {
        impl<$($t: WasmTy),*> WasmParams for ($($t,)*) {
            fn types() -> Vec<ValType> { vec![$($t::val_type()),*] }
            #[allow(unused_variables)]
            #[allow(unused_mut)]
            fn write_cells(self, cells: &mut [u64], store: u64) -> Result<()> {
                let mut at = 0;
                $(
                    self.$n.to_cells(&mut cells[at..], store)?;
                    at += $t::val_type().cells();
                )*
                let _ = at;
                Ok(())
            }
        }
        impl<$($t: WasmTy),*> WasmResults for ($($t,)*) {
            fn types() -> Vec<ValType> { vec![$($t::val_type()),*] }
            #[allow(unused_variables, clippy::unused_unit)]
            #[allow(unused_mut)]
            fn read_cells(cells: &[u64], store: u64) -> Self {
                let mut at = 0;
                ($({
                    at += $t::val_type().cells();
                    $t::from_cells(&cells[at - $t::val_type().cells()..], store)
                },)*)
            }
        }
    };
}

tuple_impls!();
tuple_impls!(0 A0);
tuple_impls!(0 A0, 1 A1);
tuple_impls!(0 A0, 1 A1, 2 A2);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12, 13 A13);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12, 13 A13, 14 A14);
tuple_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12, 13 A13, 14 A14, 15 A15);

/// What a host closure may return: results, or a `Result` of them.
pub trait WasmRet {
    #[doc(hidden)]
    fn types() -> Vec<ValType>;
    #[doc(hidden)]
    fn write_ret(self, cells: &mut [u64], store: u64) -> Result<()>;
}

impl<R: WasmParams> WasmRet for R {
    fn types() -> Vec<ValType> {
        R::types()
    }
    fn write_ret(self, cells: &mut [u64], store: u64) -> Result<()> {
        self.write_cells(cells, store)
    }
}

impl<R: WasmParams> WasmRet for Result<R> {
    fn types() -> Vec<ValType> {
        R::types()
    }
    fn write_ret(self, cells: &mut [u64], store: u64) -> Result<()> {
        self?.write_cells(cells, store)
    }
}

/// A Rust closure usable as a host function.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host(self) -> (FuncType, HostFn<T>);
}

macro_rules! into_func_impls {
    ($($n:tt $a:ident),*) => {
        impl<T, F, $($a: WasmTy,)* R: WasmRet> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
        {
            fn into_host(self) -> (FuncType, HostFn<T>) {
                let ty = FuncType::new(vec![$($a::val_type()),*], R::types());
                #[allow(unused_variables)]
                let host: HostFn<T> = Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
                    let id = caller.store.inner.id;
                    let args = <($($a,)*) as WasmResults>::read_cells(cells, id);
                    let r = (self)($(args.$n),*);
                    r.write_ret(cells, id)
                });
                (ty, host)
            }
        }

        impl<T, F, $($a: WasmTy,)* R: WasmRet> IntoFunc<T, (Caller<'_, T>, $($a,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
        {
            fn into_host(self) -> (FuncType, HostFn<T>) {
                let ty = FuncType::new(vec![$($a::val_type()),*], R::types());
                #[allow(unused_variables)]
                let host: HostFn<T> = Arc::new(move |caller: Caller<'_, T>, cells: &mut [u64]| {
                    let id = caller.store.inner.id;
                    let args = <($($a,)*) as WasmResults>::read_cells(cells, id);
                    let r = (self)(caller, $(args.$n),*);
                    r.write_ret(cells, id)
                });
                (ty, host)
            }
        }
    };
}

into_func_impls!();
into_func_impls!(0 A0);
into_func_impls!(0 A0, 1 A1);
into_func_impls!(0 A0, 1 A1, 2 A2);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12, 13 A13);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12, 13 A13, 14 A14);
into_func_impls!(0 A0, 1 A1, 2 A2, 3 A3, 4 A4, 5 A5, 6 A6, 7 A7, 8 A8, 9 A9, 10 A10, 11 A11, 12 A12, 13 A13, 14 A14, 15 A15);

pub(crate) fn untyped<T>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
) -> HostFn<T> {
    untyped_host(ty, f)
}
