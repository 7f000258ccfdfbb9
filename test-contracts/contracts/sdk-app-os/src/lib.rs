//! A near-sdk 5.x NEP-481 parent: an "OS" that runs an "app" submodule and serves its
//! requests (`R key` read, `W key=value` write, `L text` log) from its own storage, resuming
//! it with each answer until it returns.

use near_sdk::{env, near, require};

extern "C" {
    fn start_submodule(key_len: u64, key_ptr: u64, gas_limit: u64, register_id: u64) -> u64;
    fn resume_submodule(key_len: u64, key_ptr: u64, data_len: u64, data_ptr: u64, register_id: u64) -> u64;
}

const REGISTER: u64 = 7;
const RETURNED: u64 = 0;
const YIELDED: u64 = 1;

#[near(contract_state)]
#[derive(Default)]
pub struct Os {}

#[near]
impl Os {
    /// Runs the submodule under `key` to completion, serving its requests. Returns what it
    /// returned; panics with the status if it fails.
    pub fn run_app(&mut self, key: String, gas_tgas: Option<u64>) -> String {
        let gas = gas_tgas.unwrap_or(50) * 1_000_000_000_000;
        let mut status = unsafe { start_submodule(key.len() as u64, key.as_ptr() as u64, gas, REGISTER) };
        let mut served = 0u32;
        while status == YIELDED {
            require!(served < 1000, "the app asks too much");
            served += 1;
            let request = env::read_register(REGISTER).unwrap_or_default();
            let answer = self.serve(&request);
            status = unsafe {
                resume_submodule(
                    key.len() as u64,
                    key.as_ptr() as u64,
                    answer.len() as u64,
                    answer.as_ptr() as u64,
                    REGISTER,
                )
            };
        }
        let output = env::read_register(REGISTER).unwrap_or_default();
        if status != RETURNED {
            env::panic_str(&format!("app {key} ended with status {status}: {}", String::from_utf8_lossy(&output)));
        }
        String::from_utf8_lossy(&output).into_owned()
    }

    /// Starts the submodule and leaves it suspended (the OS abandons it).
    pub fn start_and_abandon(&mut self, key: String) -> u64 {
        unsafe { start_submodule(key.len() as u64, key.as_ptr() as u64, 10_000_000_000_000, REGISTER) }
    }

    fn serve(&mut self, request: &[u8]) -> Vec<u8> {
        match request.split_first() {
            Some((b'R', rest)) => env::storage_read(trim(rest)).unwrap_or_default(),
            Some((b'W', rest)) => {
                let rest = trim(rest);
                let split = rest.iter().position(|&b| b == b'=').unwrap_or(rest.len());
                let value = rest.get(split + 1..).unwrap_or_default();
                env::storage_write(&rest[..split], value);
                b"ok".to_vec()
            }
            Some((b'L', rest)) => {
                env::log_str(&String::from_utf8_lossy(trim(rest)));
                Vec::new()
            }
            _ => b"unknown request".to_vec(),
        }
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b" ").unwrap_or(bytes)
}
