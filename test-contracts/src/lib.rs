//! Test contracts, built from source by this crate's build script (see `build.rs`) for
//! wasm32-unknown-unknown as `cargo near build` does (`RUSTFLAGS="-C link-arg=-s --cfg near"`,
//! release); a contract that fails to build fails the build, never skipped:
//!
//! - [`sdk_status`]: near-sdk 5.30 status messages — storage (`LookupMap`), logs, JSON
//!   arguments, a panic, promises with callbacks, a gas-burning loop;
//! - [`raw_nostd`]: `no_std`, host functions called directly (input, registers, sha256,
//!   storage, logs, a xorshift loop for exact-gas checks, a compute loop for benchmarks,
//!   unbounded recursion);
//! - [`yield_nostd`]: `no_std` NEP-519 yields and resumes, every edge case's entry point;
//! - [`sdk_signer`]: near-sdk chain-signatures-style contract (`sign` yields, `respond` resumes);
//! - [`sdk_app_os`]: near-sdk NEP-481 parent ("OS") serving a submodule's requests;
//! - [`sdk_global`]: near-sdk factory deploying and using global contracts, creating a
//!   deterministic and a universal account, setting `refund_to` and adding a gas key;
//! - [`submodule_nostd`]: `no_std` NEP-481 "app" submodule (asks its parent to read, write, log);
//! - [`bench_interp`], [`bench_child`]: NEP-481's benchmark, the same workloads interpreted by a
//!   stack machine inside the contract and as a compiled submodule (`scripts/nep481-bench.sh`);
//! - [`hv_handler`]: RFC-003 wasm account handlers written with `near-hypervisor-guest`
//!   (`hv_counter`, `hv_caller`, `hv_trapper`, `hv_looper`, `hv_readonly_writer`, `hv_module`,
//!   `hv_vesting`).

/// The near-sdk status-message contract.
pub fn sdk_status() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/sdk-status.wasm"))
}

/// The near-sdk global-contract factory (global contracts, state init, refund_to, gas keys).
pub fn sdk_global() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/sdk-global.wasm"))
}

/// The raw `no_std` contract.
pub fn raw_nostd() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/raw-nostd.wasm"))
}

/// The NEP-519 `no_std` test contract (yields and resumes through the host functions).
pub fn yield_nostd() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/yield-nostd.wasm"))
}

/// The near-sdk chain-signatures-style contract (`sign` yields, `respond` resumes).
pub fn sdk_signer() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/sdk-signer.wasm"))
}

/// The NEP-481 `no_std` "app" submodule (asks its parent to read, write and log).
pub fn submodule_nostd() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/submodule-nostd.wasm"))
}

/// The near-sdk NEP-481 "OS" parent that serves the app's requests.
pub fn sdk_app_os() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/sdk-app-os.wasm"))
}

/// NEP-481 benchmark parent: the same workloads interpreted (`interpret`) and as the compiled
/// submodule `child` (`run_child`).
pub fn bench_interp() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/bench-interp.wasm"))
}

/// NEP-481 benchmark submodule: the workloads of [`bench_interp`] compiled.
pub fn bench_child() -> &'static [u8] {
    include_bytes!(concat!(env!("OUT_DIR"), "/bench-child.wasm"))
}

/// The RFC-003 wasm handler `name` (see the crate docs), if there is one.
pub fn hv_handler(name: &str) -> Option<&'static [u8]> {
    Some(match name {
        "hv_counter" => include_bytes!(concat!(env!("OUT_DIR"), "/hv_counter.wasm")),
        "hv_caller" => include_bytes!(concat!(env!("OUT_DIR"), "/hv_caller.wasm")),
        "hv_trapper" => include_bytes!(concat!(env!("OUT_DIR"), "/hv_trapper.wasm")),
        "hv_looper" => include_bytes!(concat!(env!("OUT_DIR"), "/hv_looper.wasm")),
        "hv_readonly_writer" => include_bytes!(concat!(env!("OUT_DIR"), "/hv_readonly_writer.wasm")),
        "hv_module" => include_bytes!(concat!(env!("OUT_DIR"), "/hv_module.wasm")),
        "hv_vesting" => include_bytes!(concat!(env!("OUT_DIR"), "/hv_vesting.wasm")),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn contracts_are_wasm() {
        for code in [
            super::sdk_status(),
            super::raw_nostd(),
            super::yield_nostd(),
            super::sdk_signer(),
            super::submodule_nostd(),
            super::sdk_app_os(),
            super::hv_handler("hv_counter").unwrap(),
            super::hv_handler("hv_caller").unwrap(),
            super::hv_handler("hv_trapper").unwrap(),
            super::hv_handler("hv_looper").unwrap(),
            super::hv_handler("hv_readonly_writer").unwrap(),
            super::hv_handler("hv_module").unwrap(),
            super::hv_handler("hv_vesting").unwrap(),
        ] {
            assert!(code.len() > 100);
            assert_eq!(&code[..4], b"\0asm");
        }
    }
}
