//! The runtime: stores and the items living in them.

pub(crate) mod bulk;
pub(crate) mod call_targets;
pub(crate) mod exception;
pub(crate) mod func;
pub(crate) mod growth;
pub(crate) mod instance;
pub(crate) mod limits;
pub(crate) mod linker;
pub(crate) mod memory;
pub(crate) mod native_stack;
pub(crate) mod pool;
pub(crate) mod spare;
pub(crate) mod stack;
pub(crate) mod store;
pub(crate) mod table;
pub(crate) mod value;

pub use exception::{Exn, Tag};
pub use func::{Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy};
pub use instance::{Extern, FuncStats, Instance};
pub use limits::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
pub use linker::{InstancePre, Linker};
pub use memory::{Memory, MAX_PAGES_64};
pub use pool::{InstanceAllocationStrategy, PoolingAllocationConfig};
pub use store::{AsContext, AsContextMut, Caller, Store, StoreContextMut, UpdateDeadline};
pub use table::{Global, Table};
pub use value::{ExternRef, Val};
