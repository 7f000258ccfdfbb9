//! Import tables for any host: one declarative list of host functions (name, typed
//! parameters, result, optional config gate, body) turns into the names it defines and a
//! function linking them into a `Linker<Host>`. Contracts (`crate::imports`, over `VMLogic`)
//! and the RFC-003 wasm VM (over its own call state) both use it.
//!
//! Bodies get the host state and the instance's memory (`|host, memory| …`) and return
//! `Result<Ret, E>`; the host's gas is brought in step with the module's inline gas before each
//! body and the module's after it (`crate::engine::metering`): through an extra argument and
//! result for inline-metered modules, through the gas global for modules metered with host
//! calls, so the link function takes the [`crate::prepare::Metering`] the modules were prepared
//! with. The table names a function turning `E` into a `wasmtime::Error` (a trap, or a node
//! fault that must not be recorded as the guest's error).

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

/// A host function's wasm result with the gas left appended (the form inline-metered modules
/// import host functions in: `crate::prepare` adds an `i64` parameter and result).
pub trait PassGas {
    /// The results as wasm sees them.
    type Out;
    /// Appends `gas_left`.
    fn with_gas(self, gas_left: i64) -> Self::Out;
}

impl PassGas for () {
    type Out = i64;
    fn with_gas(self, gas_left: i64) -> i64 {
        gas_left
    }
}

impl PassGas for i64 {
    type Out = (i64, i64);
    fn with_gas(self, gas_left: i64) -> (i64, i64) {
        (self, gas_left)
    }
}

impl PassGas for i32 {
    type Out = (i32, i64);
    fn with_gas(self, gas_left: i64) -> (i32, i64) {
        (self, gas_left)
    }
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
        fn $link(
            linker: &mut ::wasmtime::Linker<$host>,
            config: &$config,
            metering: $crate::prepare::Metering,
        ) -> ::wasmtime::Result<()> {
            use $crate::engine::import_table::{ImportHost, NoMemory, PassGas, WasmTy};
            let passing = metering == $crate::prepare::Metering::Inline;
            $(
                if passing $(&& config.$gate)? {
                    linker.func_wrap(
                        $module,
                        stringify!($name),
                        |mut caller: ::wasmtime::Caller<'_, $host>, $($arg: <$ty as WasmTy>::Wasm,)* __gas_left: i64|
                            -> ::wasmtime::Result<<<$ret as WasmTy>::Wasm as PassGas>::Out> {
                            $(let $arg = <$ty as WasmTy>::from_wasm($arg);)*
                            let memory = caller.data().memory().ok_or_else(|| ::wasmtime::Error::new(NoMemory))?;
                            $crate::engine::gas_from_wasm(caller.data_mut(), __gas_left)
                                .map_err(|e| ::wasmtime::Error::new($crate::engine::HostTrap(e)))?;
                            let ($mem, $state) = memory.data_and_store_mut(&mut caller);
                            let result: Result<$ret, _> = $body;
                            let value = result.map(WasmTy::to_wasm).map_err($to_error)?;
                            Ok(value.with_gas($crate::engine::gas_to_wasm(caller.data_mut())))
                        },
                    )?;
                } else if !passing $(&& config.$gate)? {
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
