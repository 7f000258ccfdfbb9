//! Builds every contract under `contracts/` for wasm32-unknown-unknown the way `cargo near build`
//! does (release, `RUSTFLAGS="-C link-arg=-s --cfg near"`), into `target/test-contracts`, and
//! copies the wasm into OUT_DIR. A failed build fails the whole build with the reason: test
//! contracts are never silently skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

const CONTRACTS: &[&str] = &[
    "sdk-status",
    "raw-nostd",
    "yield-nostd",
    "sdk-signer",
    "submodule-nostd",
    "sdk-app-os",
    "sdk-global",
    "bench-interp",
    "bench-child",
];

/// RFC-003 wasm handlers: the examples of `contracts/hv-handlers`, one cdylib each, written
/// with `runtime/hypervisor-guest`.
const HANDLERS: &[&str] =
    &["hv_counter", "hv_caller", "hv_trapper", "hv_looper", "hv_readonly_writer", "hv_module", "hv_vesting"];

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let workspace_root = manifest_dir.parent().expect("test-contracts lives inside the workspace");
    let target_dir = workspace_root.join("target").join("test-contracts");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    for name in CONTRACTS {
        let contract_dir = manifest_dir.join("contracts").join(name);
        for watched in ["src", "Cargo.toml", "Cargo.lock"] {
            println!("cargo:rerun-if-changed={}", contract_dir.join(watched).display());
        }
        build_contract(&cargo, &contract_dir, &target_dir, false);
        let artifact =
            target_dir.join("wasm32-unknown-unknown").join("release").join(format!("{}.wasm", name.replace('-', "_")));
        let destination = out_dir.join(format!("{name}.wasm"));
        if let Err(error) = std::fs::copy(&artifact, &destination) {
            panic!("test contract {name}: cannot copy {}: {error}", artifact.display());
        }
    }
    let handlers_dir = manifest_dir.join("contracts").join("hv-handlers");
    for watched in ["src", "examples", "build.rs", "Cargo.toml", "Cargo.lock", "../../../runtime/hypervisor-guest/src"]
    {
        println!("cargo:rerun-if-changed={}", handlers_dir.join(watched).display());
    }
    build_contract(&cargo, &handlers_dir, &target_dir, true);
    for name in HANDLERS {
        let artifact =
            target_dir.join("wasm32-unknown-unknown").join("release").join("examples").join(format!("{name}.wasm"));
        if let Err(error) = std::fs::copy(&artifact, out_dir.join(format!("{name}.wasm"))) {
            panic!("handler {name}: cannot copy {}: {error}", artifact.display());
        }
    }
}

fn build_contract(cargo: &str, contract_dir: &Path, target_dir: &Path, examples: bool) {
    let manifest = contract_dir.join("Cargo.toml");
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "--target", "wasm32-unknown-unknown", "--manifest-path"])
        .arg(&manifest)
        .args(if examples { &["--examples"][..] } else { &[] })
        .env("CARGO_TARGET_DIR", target_dir)
        // As `cargo near build`: strip, and `--cfg near` so near-sdk calls the host's hashes.
        .env("CARGO_ENCODED_RUSTFLAGS", "-C\u{1f}link-arg=-s\u{1f}--cfg\u{1f}near")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => panic!(
            "building test contract {} failed ({status}); is the wasm32-unknown-unknown target installed? \
             (`rustup target add wasm32-unknown-unknown`)",
            manifest.display()
        ),
        Err(error) => panic!("cannot run cargo to build {}: {error}", manifest.display()),
    }
}
