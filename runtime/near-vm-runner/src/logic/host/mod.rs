//! Host functions, grouped by area. Each is a `VMLogic` method named exactly as its import,
//! documenting `# Errors` and `# Cost`.

mod context;
mod curves;
pub mod gas_keys;
pub mod global_contracts;
mod math;
mod misc;
pub mod promises;
mod storage;
pub mod submodules;
mod universal;
pub mod yield_resume;
