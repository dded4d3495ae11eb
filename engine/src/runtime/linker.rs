//! The linker: named definitions that satisfy modules' imports.

use super::func::{untyped, Func, HostFn, IntoFunc};
use super::instance::{instantiate, Extern, Instance};
use super::store::{AsContext, AsContextMut, Caller, Store};
use super::value::Val;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::types::FuncType;
use std::collections::HashMap;

/// A definition: an item of some store, or a host function to create per store.
enum Definition<T> {
    Extern(Extern),
    HostFunc(FuncType, HostFn<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc(ty, f) => Definition::HostFunc(ty.clone(), f.clone()),
        }
    }
}

/// Resolves imports by `(module, name)` and instantiates modules.
pub struct Linker<T> {
    engine: Engine,
    defs: HashMap<(String, String), Definition<T>>,
}

impl<T> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            defs: HashMap::new(),
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) {
        // Later definitions shadow earlier ones, as spec scripts re-register names.
        self.defs
            .insert((module.to_string(), name.to_string()), def);
    }

    /// Defines a host function from a Rust closure.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let (ty, host) = f.into_host();
        self.insert(module, name, Definition::HostFunc(ty, host));
        Ok(self)
    }

    /// Defines a host function over [`Val`]s.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let host = untyped(ty.clone(), f);
        self.insert(module, name, Definition::HostFunc(ty, host));
        Ok(self)
    }

    /// Defines an item of a store.
    ///
    /// # Errors
    ///
    /// Fails, defining nothing, if `item` belongs to a store other than
    /// `store`.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let item = item.into();
        if item.store_id() != store.as_context().inner.id {
            return Err(Error::link(format!(
                "cannot define `{module}`.`{name}`: the item is used with another store"
            )));
        }
        self.insert(module, name, Definition::Extern(item));
        Ok(self)
    }

    /// Defines every export of `instance` under the module name `module`.
    ///
    /// # Errors
    ///
    /// Fails, defining nothing, if `instance` belongs to a store other than
    /// `store`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        let store = store.as_context_mut();
        if instance.store != store.inner.id {
            return Err(Error::link(format!(
                "cannot define the exports of `{module}`: Instance used with another store"
            )));
        }
        for (name, ext) in instance.exports(store) {
            self.insert(module, &name, Definition::Extern(ext));
        }
        Ok(self)
    }

    fn resolve(&self, store: &mut Store<T>, module: &str, name: &str) -> Option<Extern> {
        match self.defs.get(&(module.to_string(), name.to_string()))? {
            Definition::Extern(e) => Some(*e),
            Definition::HostFunc(ty, f) => {
                Some(Extern::Func(Func::from_host(store, ty.clone(), f.clone())))
            }
        }
    }

    /// The definition of `module`.`name`, if any.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        self.resolve(store.as_context_mut(), module, name)
    }

    /// Resolves `module`'s imports and instantiates it, running its start function.
    ///
    /// # Errors
    ///
    /// Fails if an import is not defined, if a definition is an item of a
    /// store other than `store` or does not match its import, or as
    /// [`Instance::new`] does.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let store = store.as_context_mut();
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for decl in &module.inner.imports {
            let ext = self
                .resolve(store, &decl.module, &decl.name)
                .ok_or_else(|| {
                    Error::link(format!(
                        "unknown import: `{}`.`{}` ({}) is not defined",
                        decl.module,
                        decl.name,
                        decl.ty.kind_name()
                    ))
                })?;
            imports.push(ext);
        }
        instantiate(store, module, &imports)
    }
}
