//! Hashes the preparation sources (`src/prepare.rs`, `src/prepare/*.rs` but its tests) into
//! `NEAR_VM_RUNNER_PREPARE_SOURCE_HASH`, part of the compiled-module cache key: any change to
//! how contracts are validated, normalised or instrumented gives new keys, so an on-disk cache
//! written by an older build is never loaded.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn main() {
    let mut files: Vec<PathBuf> = vec![PathBuf::from("src/prepare.rs")];
    let dir = Path::new("src/prepare");
    let entries = std::fs::read_dir(dir).expect("src/prepare is readable");
    for entry in entries {
        let path = entry.expect("src/prepare entry").path();
        let is_source = path.extension().is_some_and(|e| e == "rs");
        let is_tests = path.file_stem().is_some_and(|s| s == "tests");
        if is_source && !is_tests {
            files.push(path);
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(file).expect("preparation source is readable"));
    }
    println!("cargo:rerun-if-changed=src/prepare");
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=NEAR_VM_RUNNER_PREPARE_SOURCE_HASH={hex}");
}
