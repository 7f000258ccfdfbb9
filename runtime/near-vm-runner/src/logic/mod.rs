//! The host side of contract execution. So far: gas accounting ([`GasCounter`]).

mod gas_counter;

pub use gas_counter::{GasCounter, GasLimits, ProfileData};
