//! Import tables for any host: one declarative list of host functions (name, typed
//! parameters, result, optional config gate, body) turns into the names it defines and a
//! function linking them into a `Linker<Host>`. Contracts (`crate::imports`, over `VMLogic`)
//! and the RFC-003 wasm VM (over its own call state) both use it.
//!
//! Bodies get the host state and the instance's memory (`|host, memory| …`) and return
//! `Result<Ret, E>`; the host's gas is brought in step with the module's inline gas before each
//! body and the module's after it (`crate::engine::metering`); the table names a function turning `E` into a `wasmtime::Error` (a trap,
//! or a node fault that must not be recorded as the guest's error).

use wasmtime::Memory;

/// A host type and the wasm type it travels as (bit for bit: `u64` is `i64`, `u32` is `i32`).
pub trait WasmTy {
    /// The wasm-side type.
    type Wasm;
    /// Host value to wasm value.
    fn to_wasm(self) -> Self::Wasm;
    /// Wasm value to host value.
    fn from_wasm(wasm: Self::Wasm) -> Self;
}

macro_rules! reinterpret {
    ($($host:ty => $wasm:ty),*) => {
        $(
            impl WasmTy for $host {
                type Wasm = $wasm;
                fn to_wasm(self) -> $wasm {
                    self as $wasm
                }
                fn from_wasm(wasm: $wasm) -> $host {
                    wasm as $host
                }
            }
        )*
    };
}

reinterpret!(u64 => i64, u32 => i32, i64 => i64, i32 => i32);

impl WasmTy for () {
    type Wasm = ();
    fn to_wasm(self) {}
    fn from_wasm((): ()) {}
}

/// What an import table needs from its host state: the instance's memory, once it exists, and
/// the instrumentation's gas (kept in step around every host function).
pub trait ImportHost: crate::engine::InstrumentationHost + 'static {
    /// The memory host functions read and write.
    fn memory(&self) -> Option<Memory>;
}

/// Error of a host function called before the memory exists (a node fault, not the guest's).
#[derive(Debug)]
pub struct NoMemory;

impl std::fmt::Display for NoMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("host memory not set")
    }
}

impl std::error::Error for NoMemory {}

/// Declares an import table. See the module docs; `crate::imports` has the contract table.
///
/// ```ignore
/// import_table! {
///     host: MyState, module: "env", config: MyConfig, error: my_error_to_wasmtime,
///     names: MY_IMPORTS, link: link_my_imports;
///     #[some_config_flag]
///     answer(x: u64) -> u64 => |state, memory| Ok(x + state.offset);
/// }
/// ```
#[macro_export]
macro_rules! import_table {
    (
        host: $host:ty, module: $module:expr, config: $config:ty, error: $to_error:path,
        names: $names:ident, link: $link:ident;
        $( $(#[$gate:ident])? $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty => |$state:ident, $mem:ident| $body:expr ; )*
    ) => {
        /// Names of the functions in this import table, in table order.
        pub const $names: &[&str] = &[$(stringify!($name)),*];

        #[allow(unused_variables, reason = "tables without gates ignore the config")]
        fn $link(linker: &mut ::wasmtime::Linker<$host>, config: &$config) -> ::wasmtime::Result<()> {
            use $crate::engine::import_table::{ImportHost, NoMemory, WasmTy};
            $(
                if true $(&& config.$gate)? {
                    linker.func_wrap(
                        $module,
                        stringify!($name),
                        |mut caller: ::wasmtime::Caller<'_, $host>, $($arg: <$ty as WasmTy>::Wasm),*|
                            -> ::wasmtime::Result<<$ret as WasmTy>::Wasm> {
                            $(let $arg = <$ty as WasmTy>::from_wasm($arg);)*
                            let memory = caller.data().memory().ok_or_else(|| ::wasmtime::Error::new(NoMemory))?;
                            $crate::engine::sync_gas_in(&mut caller)
                                .map_err(|e| ::wasmtime::Error::new($crate::engine::HostTrap(e)))?;
                            let ($mem, $state) = memory.data_and_store_mut(&mut caller);
                            let result: Result<$ret, _> = $body;
                            let value = result.map(WasmTy::to_wasm).map_err($to_error)?;
                            $crate::engine::sync_gas_out(&mut caller)?;
                            Ok(value)
                        },
                    )?;
                }
            )*
            Ok(())
        }
    };
}
