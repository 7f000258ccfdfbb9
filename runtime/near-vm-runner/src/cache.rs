//! The compiled-contract cache: in memory, and optionally on disk.
//!
//! Key: sha256 of `code hash ‖ VM config hash ‖ compiler ‖ wasmtime's precompile compatibility
//! hash ‖ preparation fingerprint` (the preparation version and a hash of its sources). Every
//! part is derived — a change of parameters, compiler, wasmtime version, engine settings or
//! preparation gives a new key, so a stale artifact can never be loaded. Compilation errors are
//! cached too. On disk each entry is one file named by the key in hex: a tag byte (0 = compiled
//! module, 1 = borsh `CompilationError`) and the payload, written to a temporary file and renamed.
//! An unreadable or rejected entry is ignored and recompiled.

use crate::engine::WasmEngine;
use near_primitives::errors::CompilationError;
use near_primitives::hash::CryptoHash;
use sha2::Digest;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use wasmtime::Module;

const TAG_MODULE: u8 = 0;
const TAG_ERROR: u8 = 1;

/// Hits and misses, for tests and tools.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Served from memory.
    pub memory_hits: u64,
    /// Served from disk.
    pub disk_hits: u64,
    /// Prepared and compiled.
    pub compilations: u64,
}

/// Compiled modules and compilation errors by key.
pub struct ModuleCache {
    memory: Mutex<HashMap<CryptoHash, Result<Module, CompilationError>>>,
    disk: Option<PathBuf>,
    stats: Mutex<CacheStats>,
}

impl ModuleCache {
    /// A cache in memory, and on disk under `disk` when given.
    pub fn new(disk: Option<PathBuf>) -> ModuleCache {
        ModuleCache { memory: Mutex::new(HashMap::new()), disk, stats: Mutex::new(CacheStats::default()) }
    }

    /// The counters so far.
    pub fn stats(&self) -> CacheStats {
        *self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cache key of `code` under a VM config hash on `engine`.
    pub fn key(engine: &WasmEngine, code: &[u8], vm_config_hash: [u8; 32]) -> CryptoHash {
        ModuleCache::key_of_hash(engine, CryptoHash::hash_bytes(code), vm_config_hash)
    }

    /// As [`ModuleCache::key`], from the code's hash (`sha256(code)`).
    pub fn key_of_hash(engine: &WasmEngine, code_hash: CryptoHash, vm_config_hash: [u8; 32]) -> CryptoHash {
        let mut hasher = sha2::Sha256::new();
        hasher.update(code_hash.as_bytes());
        hasher.update(vm_config_hash);
        hasher.update([engine.compiler() as u8]);
        hasher.update(engine.compatibility_hash().to_le_bytes());
        hasher.update(crate::prepare::preparation_fingerprint().as_bytes());
        CryptoHash(hasher.finalize().into())
    }

    fn count(&self, update: impl FnOnce(&mut CacheStats)) {
        update(&mut self.stats.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// The cached result for `key`, or `compile()`'s, which is then cached.
    pub fn get_or_compile(
        &self,
        engine: &WasmEngine,
        key: CryptoHash,
        compile: impl FnOnce() -> Result<Module, CompilationError>,
    ) -> Result<Module, CompilationError> {
        if let Some(hit) = self.memory.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            self.count(|s| s.memory_hits += 1);
            return hit.clone();
        }
        let result = match self.load(engine, &key) {
            Some(loaded) => {
                self.count(|s| s.disk_hits += 1);
                loaded
            }
            None => {
                self.count(|s| s.compilations += 1);
                let compiled = compile();
                self.store(&key, &compiled);
                compiled
            }
        };
        self.memory.lock().unwrap_or_else(|p| p.into_inner()).insert(key, result.clone());
        result
    }

    fn path(&self, key: &CryptoHash) -> Option<PathBuf> {
        let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        self.disk.as_ref().map(|dir| dir.join(hex))
    }

    fn load(&self, engine: &WasmEngine, key: &CryptoHash) -> Option<Result<Module, CompilationError>> {
        let bytes = std::fs::read(self.path(key)?).ok()?;
        let (&tag, payload) = bytes.split_first()?;
        match tag {
            // SAFETY: the file was written by `store` from `Module::serialize` of an engine with
            // the same compatibility hash (part of the key), in a directory owned by the node.
            // wasmtime still checks the header and version and rejects a mismatch.
            TAG_MODULE => unsafe { Module::deserialize(engine.inner(), payload) }.ok().map(Ok),
            TAG_ERROR => borsh::from_slice::<CompilationError>(payload).ok().map(Err),
            _ => None,
        }
    }

    fn store(&self, key: &CryptoHash, result: &Result<Module, CompilationError>) {
        let Some(path) = self.path(key) else { return };
        let mut bytes = Vec::new();
        match result {
            Ok(module) => match module.serialize() {
                Ok(serialized) => {
                    bytes.push(TAG_MODULE);
                    bytes.extend(serialized);
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot serialize a compiled module; not caching it on disk");
                    return;
                }
            },
            Err(error) => {
                bytes.push(TAG_ERROR);
                bytes.extend(borsh::to_vec(error).expect("serializing into a Vec cannot fail"));
            }
        }
        // A failed write only costs a recompilation later.
        let temporary = path.with_extension("tmp");
        let written = std::fs::create_dir_all(path.parent().unwrap_or(&path))
            .and_then(|()| std::fs::write(&temporary, &bytes))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(error) = written {
            tracing::warn!(%error, path = %path.display(), "cannot write the compiled-contract cache");
        }
    }
}
