//! The native Rust VM: handlers are Rust values registered under a handler id.

use crate::types::ErrorCode;
use crate::vm::{AccountHandler, CodeSource, HandlerMetadata, ResolvedHandler, VirtualMachine};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The machine id of the native VM.
pub const NATIVE_MACHINE_ID: &str = "native";

/// Rust handlers by id: account handlers as `native:<id>`, module handlers as
/// `module:<config name>`.
#[derive(Default)]
pub struct NativeVm {
    handlers: BTreeMap<String, ResolvedHandler>,
}

impl NativeVm {
    /// An empty VM.
    pub fn new() -> NativeVm {
        NativeVm::default()
    }

    /// Registers an account handler under `native:<id>`; returns the full handler id.
    ///
    /// # Errors
    /// `InvalidHandler` when `id` is empty, contains `:` or is taken.
    pub fn register(
        &mut self,
        id: &str,
        handler: impl AccountHandler + 'static,
        metadata: HandlerMetadata,
    ) -> Result<String, ErrorCode> {
        if id.is_empty() || id.contains(':') {
            return Err(ErrorCode::InvalidHandler);
        }
        self.insert(format!("{NATIVE_MACHINE_ID}:{id}"), handler, metadata)
    }

    /// Registers a module handler under `module:<config name>`; returns the handler id.
    ///
    /// # Errors
    /// `InvalidHandler` when the name is empty or taken.
    pub fn register_module(
        &mut self,
        config_name: &str,
        handler: impl AccountHandler + 'static,
        metadata: HandlerMetadata,
    ) -> Result<String, ErrorCode> {
        if config_name.is_empty() {
            return Err(ErrorCode::InvalidHandler);
        }
        self.insert(format!("module:{config_name}"), handler, metadata)
    }

    fn insert(
        &mut self,
        handler_id: String,
        handler: impl AccountHandler + 'static,
        metadata: HandlerMetadata,
    ) -> Result<String, ErrorCode> {
        if self.handlers.contains_key(&handler_id) {
            return Err(ErrorCode::InvalidHandler);
        }
        let resolved = ResolvedHandler { handler: Arc::new(handler), metadata: Arc::new(metadata) };
        self.handlers.insert(handler_id.clone(), resolved);
        Ok(handler_id)
    }
}

impl VirtualMachine for NativeVm {
    fn machine_id(&self) -> &str {
        NATIVE_MACHINE_ID
    }

    fn module_handlers(&self) -> Vec<String> {
        self.handlers.keys().filter(|id| id.starts_with("module:")).cloned().collect()
    }

    fn resolve(&self, handler_id: &str, _: &mut dyn CodeSource) -> Result<Option<ResolvedHandler>, ErrorCode> {
        Ok(self.handlers.get(handler_id).cloned())
    }
}
