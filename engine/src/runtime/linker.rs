//! The linker: named definitions that satisfy modules' imports.

use super::func::{untyped, Func, HostFn, IntoFunc};
use super::instance::{import_matches, instantiate, Extern, Instance};
use super::store::{AsContext, AsContextMut, Caller, Store};
use super::value::Val;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::module::{ImportDecl, Module};
use crate::types::{ExternType, FuncType};
use std::collections::HashMap;
use std::sync::Arc;

/// A definition: an item of some store, or a host function to create per store.
enum Definition<T> {
    Extern(Extern),
    /// A host function, its type and that type's engine-wide id (interned
    /// once here, not per instantiation: interning takes the engine's lock).
    HostFunc(FuncType, u32, HostFn<T>),
}

impl<T> Definition<T> {
    /// The item this definition gives in `store`: a store's item as it is,
    /// a host function as a new function of `store`.
    fn to_extern(&self, store: &mut Store<T>) -> Extern {
        match self {
            Definition::Extern(e) => *e,
            Definition::HostFunc(ty, type_id, f) => Extern::Func(Func::from_interned_host(
                store,
                ty.clone(),
                *type_id,
                f.clone(),
            )),
        }
    }
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc(ty, id, f) => Definition::HostFunc(ty.clone(), *id, f.clone()),
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
        let id = self.engine.intern_type(&ty);
        self.insert(module, name, Definition::HostFunc(ty, id, host));
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
        let id = self.engine.intern_type(&ty);
        self.insert(module, name, Definition::HostFunc(ty, id, host));
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
        Some(self.definition(module, name)?.to_extern(store))
    }

    fn definition(&self, module: &str, name: &str) -> Option<&Definition<T>> {
        self.defs.get(&(module.to_string(), name.to_string()))
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
        let imports: Vec<Extern> = self
            .import_definitions(module)?
            .into_iter()
            .map(|(_, def)| def.to_extern(store))
            .collect();
        instantiate(store, module, &imports)
    }

    /// The definition of each of `module`'s imports, in order, beside the
    /// import's type.
    fn import_definitions<'a>(
        &'a self,
        module: &'a Module,
    ) -> Result<Vec<(&'a ImportDecl, &'a Definition<T>)>> {
        module
            .inner
            .imports
            .iter()
            .map(|decl| {
                let def = self.definition(&decl.module, &decl.name).ok_or_else(|| {
                    Error::link(format!(
                        "unknown import: `{}`.`{}` ({}) is not defined",
                        decl.module,
                        decl.name,
                        decl.ty.kind_name()
                    ))
                })?;
                Ok((decl, def))
            })
            .collect()
    }

    /// Resolves `module`'s imports once, for any number of instantiations:
    /// [`InstancePre::instantiate`] then does only the per-instance work.
    /// Host functions defined here are checked against their imports now;
    /// a definition that is an item of a store can only be instantiated in
    /// that store.
    ///
    /// # Errors
    ///
    /// Fails if `module` belongs to another engine, if an import is not
    /// defined, or if a host function does not match its import's type.
    pub fn instantiate_pre(&self, module: &Module) -> Result<InstancePre<T>> {
        if !Engine::same(&self.engine, module.engine()) {
            return Err(Error::link("module and linker belong to different engines"));
        }
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for (decl, def) in self.import_definitions(module)? {
            if let Definition::HostFunc(ty, _, _) = def {
                let actual = ExternType::Func(ty.clone());
                if !import_matches(&actual, &decl.ty) {
                    return Err(Error::link(format!(
                        "incompatible import type for `{}`.`{}`: expected {:?}, found {:?}",
                        decl.module, decl.name, decl.ty, actual
                    )));
                }
            }
            imports.push(def.clone());
        }
        Ok(InstancePre {
            module: module.clone(),
            imports: imports.into(),
        })
    }

    /// Makes `module`'s exports available to later links under the module
    /// name `name`, as wasmtime's `Linker::module` does:
    ///
    /// - a *command* (a module exporting `_start`) is instantiated afresh
    ///   for each call of one of its exported functions, which are defined
    ///   here as host functions doing that;
    /// - any other module (a *reactor*) is instantiated once in `store`,
    ///   its `_initialize` export run if it has one, and its exports
    ///   defined as [`Linker::instance`] would.
    ///
    /// # Errors
    ///
    /// Fails as [`Linker::instantiate_pre`] and, for a reactor, as
    /// [`Linker::instantiate`] and its `_initialize` do.
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        name: &str,
        module: &Module,
    ) -> Result<&mut Self>
    where
        T: 'static,
    {
        let store = store.as_context_mut();
        let is_command = module.exports().any(|e| e.name() == "_start");
        if !is_command {
            let instance = self.instantiate(&mut *store, module)?;
            if let Some(init) = instance.get_func(&mut *store, "_initialize") {
                init.call(&mut *store, &[], &mut [])?;
            }
            return self.instance(store, name, instance);
        }
        let pre = self.instantiate_pre(module)?;
        let exports: Vec<(String, FuncType)> = module
            .exports()
            .filter_map(|e| match e.ty() {
                ExternType::Func(ty) => Some((e.name().to_string(), ty)),
                _ => None,
            })
            .collect();
        for (export, ty) in exports {
            let pre = pre.clone();
            let export_name = export.clone();
            self.func_new(name, &export, ty, move |mut caller, params, results| {
                let instance = pre.instantiate(&mut caller)?;
                let func = instance
                    .get_func(&mut caller, &export_name)
                    .ok_or_else(|| Error::link(format!("no function export `{export_name}`")))?;
                func.call(&mut caller, params, results)
            })?;
        }
        Ok(self)
    }
}

/// A module whose imports a [`Linker`] has resolved, ready to be
/// instantiated cheaply and often: a server that runs a request per
/// instance resolves once and instantiates per request.
pub struct InstancePre<T> {
    module: Module,
    imports: Arc<[Definition<T>]>,
}

impl<T> Clone for InstancePre<T> {
    fn clone(&self) -> Self {
        InstancePre {
            module: self.module.clone(),
            imports: self.imports.clone(),
        }
    }
}

impl<T> InstancePre<T> {
    /// The module this instantiates.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Instantiates the module in `store` with the resolved imports, running
    /// its start function.
    ///
    /// # Errors
    ///
    /// Fails if `store` belongs to another engine, if a resolved import is
    /// an item of another store, or as [`Instance::new`] does.
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>) -> Result<Instance> {
        let store = store.as_context_mut();
        let imports: Vec<Extern> = self.imports.iter().map(|d| d.to_extern(store)).collect();
        instantiate(store, &self.module, &imports)
    }
}
