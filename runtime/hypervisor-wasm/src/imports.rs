//! The `hypervisor` imports and the per-call state they work on.
//!
//! Handlers reach the hypervisor's [`Host`] through [`HOST`], a scoped thread-local set for
//! exactly the length of one `hv_handle` call (a wasmtime store's data must be `'static`; the
//! host is borrowed). Nested calls set it again for the callee and restore it after. Wasm gas is
//! burnt locally by the instrumentation and handed to the host before every import that reaches
//! it, and at the end of the call: the host's accounting is exact wherever it is observed.

use crate::abi::IMPORT_MODULE;
use near_hypervisor::packet::{self, DATA_CAPACITY, DATA_OFFSET, FLAG_EXTERNAL_REQUEST, PACKET_SIZE, offsets};
use near_hypervisor::{Address, ErrorCode, Host, Invoke, MessageName, Token};
use near_primitives::errors::HostError;
use near_vm_runner::engine::import_table::ImportHost;
use near_vm_runner::engine::{InstrumentationHost, MeteringState};
use scoped_tls_hkt::scoped_thread_local;
use wasmtime::{Linker, Memory};

scoped_thread_local!(pub(crate) static mut HOST: for<'a> &'a mut (dyn Host + 'a));

/// What one call's instance keeps.
pub(crate) struct WasmState {
    pub(crate) memory: Option<Memory>,
    /// Gas the call could still use when last synchronised with the host.
    pub(crate) budget: u64,
    /// Wasm gas burnt since then.
    pub(crate) pending: u64,
    /// The instance's gas global and stack budget.
    pub(crate) metering: MeteringState,
    /// The last bytes handed back (see `read_return`).
    pub(crate) returned: Vec<u8>,
    /// The response set by `respond`.
    pub(crate) response: Option<Vec<u8>>,
    /// Which imports may be called now.
    pub(crate) access: Access,
    /// Byte ranges of the memory the host wrote during the call (for an instance's reset).
    pub(crate) host_writes: Vec<std::ops::Range<usize>>,
}

/// Which imports a handler may call at a given point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// During setup (a start function, `hv_packet`): none, so setup is the same for every
    /// instance whatever its budget (instances can be reused).
    None,
    /// In `hv_metadata`: those that need no host.
    Local,
    /// In `hv_handle`: all.
    Host,
}

impl WasmState {
    fn local(&self) -> wasmtime::Result<()> {
        if self.access == Access::None { Err(stop("import during setup")) } else { Ok(()) }
    }

    /// Records that the host wrote `range` of the memory (merged with the last range when they
    /// overlap: a loop of `invoke`s writes the same packet header every time).
    pub(crate) fn wrote(&mut self, range: std::ops::Range<usize>) {
        match self.host_writes.last_mut() {
            Some(last) if range.start <= last.end && last.start <= range.end => {
                *last = last.start.min(range.start)..last.end.max(range.end);
            }
            _ => self.host_writes.push(range),
        }
    }
}

impl InstrumentationHost for WasmState {
    fn burn_wasm_gas(&mut self, gas: u64) -> Result<(), HostError> {
        self.pending = self.pending.saturating_add(gas);
        if self.pending > self.budget { Err(HostError::GasExceeded) } else { Ok(()) }
    }

    fn wasm_gas_allowance(&self) -> u64 {
        self.budget.saturating_sub(self.pending)
    }

    fn metering(&mut self) -> &mut MeteringState {
        &mut self.metering
    }
}

/// Why a handler's call stopped inside an import.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Out of gas when handing burnt gas to the host.
    OutOfGas,
    /// A pointer or length outside the handler's memory, or an import called where no host is.
    Fault(&'static str),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::OutOfGas => f.write_str("out of gas"),
            Stop::Fault(what) => write!(f, "handler fault: {what}"),
        }
    }
}

impl std::error::Error for Stop {}

fn stop(what: &'static str) -> wasmtime::Error {
    wasmtime::Error::new(Stop::Fault(what))
}

/// Hands the burnt gas to the host, runs `f` with the host, the memory and the state, and takes
/// the host's remaining gas as the new budget.
fn with_host<R>(
    state: &mut WasmState,
    mem: &mut [u8],
    f: impl FnOnce(&mut dyn Host, &mut [u8], &mut WasmState) -> wasmtime::Result<R>,
) -> wasmtime::Result<R> {
    if state.access != Access::Host || !HOST.is_set() {
        return Err(stop("no host"));
    }
    HOST.with(|host| {
        let pending = std::mem::take(&mut state.pending);
        host.consume_gas(pending).map_err(|_| wasmtime::Error::new(Stop::OutOfGas))?;
        let result = f(&mut *host, mem, state);
        state.budget = host.gas_left();
        result
    })
}

fn range(mem: &[u8], ptr: u32, len: u64) -> wasmtime::Result<std::ops::Range<usize>> {
    let start = ptr as usize;
    let end = usize::try_from(len).ok().and_then(|len| start.checked_add(len)).ok_or_else(|| stop("length"))?;
    if end > mem.len() {
        return Err(stop("out of bounds"));
    }
    Ok(start..end)
}

fn token(mem: &[u8], ptr: u32) -> wasmtime::Result<Token> {
    let mut token = [0; 32];
    token.copy_from_slice(&mem[range(mem, ptr, 32)?]);
    Ok(token)
}

/// The packet at `ptr` in `mem`.
pub(crate) fn packet_at(mem: &mut [u8], ptr: u32) -> wasmtime::Result<&mut packet::PacketBytes> {
    let range = range(mem, ptr, PACKET_SIZE as u64)?;
    <&mut packet::PacketBytes>::try_from(&mut mem[range]).map_err(|_| stop("packet"))
}

fn slot<const N: usize>(bytes: &[u8], offset: usize) -> [u8; N] {
    let mut slot = [0; N];
    slot.copy_from_slice(&bytes[offset..offset + N]);
    slot
}

/// The message a handler wrote into its packet.
fn outgoing(mem: &[u8], bytes: &packet::PacketBytes) -> wasmtime::Result<Result<Invoke, ErrorCode>> {
    let data = if bytes[offsets::FLAGS] & FLAG_EXTERNAL_REQUEST != 0 {
        let ptr = u32::try_from(packet::u64_at(bytes, offsets::REQUEST_BUFFER)).map_err(|_| stop("buffer"))?;
        mem[range(mem, ptr, packet::u64_at(bytes, offsets::REQUEST_BUFFER_LEN))?].to_vec()
    } else {
        let len = packet::u32_at(bytes, offsets::DATA_LEN);
        match bytes.get(DATA_OFFSET..DATA_OFFSET.saturating_add(len)) {
            Some(data) if len <= DATA_CAPACITY => data.to_vec(),
            _ => return Ok(Err(ErrorCode::Encoding)),
        }
    };
    let parsed = (|| {
        Ok(Invoke {
            receiver: Address::from_slot(&slot(bytes, offsets::ADDRESS))?,
            caller: Address::from_slot(&slot(bytes, offsets::CALLER))?,
            name: MessageName::from_slot(&slot(bytes, offsets::NAME))?,
            data,
            context_token: slot(bytes, offsets::CONTEXT_TOKEN),
            gas_limit: packet::u64_at(bytes, offsets::GAS_LIMIT),
        })
    })();
    Ok(parsed)
}

fn invoke(state: &mut WasmState, mem: &mut [u8], ptr: u32) -> wasmtime::Result<u32> {
    with_host(state, mem, |host, mem, state| {
        let invoke = {
            let memory: &[u8] = mem;
            let bytes: &packet::PacketBytes =
                memory[range(memory, ptr, PACKET_SIZE as u64)?].try_into().map_err(|_| stop("packet"))?;
            outgoing(memory, bytes)?
        };
        let before = host.gas_left();
        let result = invoke.and_then(|invoke| host.invoke(invoke));
        let gas_used = before.saturating_sub(host.gas_left());
        let bytes = packet_at(mem, ptr)?;
        let inline_len = packet::u32_at(bytes, offsets::DATA_LEN).min(DATA_CAPACITY);
        let fits = result.as_ref().map_or(true, |response| response.len() <= DATA_CAPACITY - inline_len);
        let start = ptr as usize;
        if fits {
            packet::write_response(bytes, &result, gas_used, None);
            let response_len = result.as_ref().map_or(0, Vec::len);
            state.wrote(start..start + DATA_OFFSET + inline_len + response_len);
        } else {
            state.wrote(start..start + DATA_OFFSET);
            packet::write_response(bytes, &result, gas_used, Some(0));
            state.returned = result.clone().unwrap_or_default();
        }
        Ok(result.err().map_or(0, |code| u32::from(code.code())))
    })
}

fn state_get(state: &mut WasmState, mem: &mut [u8], token_ptr: u32, key: u32, key_len: u32) -> wasmtime::Result<i64> {
    state_read(state, mem, token_ptr, key, key_len, 0, 0)
}

/// `state_get` that copies a value of at most `out_cap` bytes to `out` at once (a larger one is
/// fetched with `read_return`, as `state_get`'s always is).
fn state_read(
    state: &mut WasmState,
    mem: &mut [u8],
    token_ptr: u32,
    key: u32,
    key_len: u32,
    out: u32,
    out_cap: u32,
) -> wasmtime::Result<i64> {
    let out = range(mem, out, u64::from(out_cap))?;
    with_host(state, mem, |host, mem, state| {
        let token = token(mem, token_ptr)?;
        let key = &mem[range(mem, key, u64::from(key_len))?];
        Ok(match host.state_get(&token, key) {
            Ok(Some(value)) => {
                let len = value.len() as i64;
                if value.len() <= out.len() {
                    let written = out.start..out.start + value.len();
                    mem[written.clone()].copy_from_slice(&value);
                    state.wrote(written);
                } else {
                    state.returned = value;
                }
                len
            }
            Ok(None) => -1,
            Err(code) => -1 - i64::from(code.code()),
        })
    })
}

fn state_set(
    state: &mut WasmState,
    mem: &mut [u8],
    token_ptr: u32,
    key: u32,
    key_len: u32,
    value: u32,
    value_len: u32,
) -> wasmtime::Result<u32> {
    with_host(state, mem, |host, mem, _| {
        let token = token(mem, token_ptr)?;
        let key = &mem[range(mem, key, u64::from(key_len))?];
        let value = &mem[range(mem, value, u64::from(value_len))?];
        Ok(host.state_set(&token, key, value).err().map_or(0, |code| u32::from(code.code())))
    })
}

fn state_remove(
    state: &mut WasmState,
    mem: &mut [u8],
    token_ptr: u32,
    key: u32,
    key_len: u32,
) -> wasmtime::Result<u32> {
    with_host(state, mem, |host, mem, _| {
        let token = token(mem, token_ptr)?;
        let key = &mem[range(mem, key, u64::from(key_len))?];
        Ok(host.state_remove(&token, key).err().map_or(0, |code| u32::from(code.code())))
    })
}

fn read_return(state: &mut WasmState, mem: &mut [u8], ptr: u32) -> wasmtime::Result<()> {
    state.local()?;
    let range = range(mem, ptr, state.returned.len() as u64)?;
    mem[range.clone()].copy_from_slice(&state.returned);
    state.wrote(range);
    Ok(())
}

fn respond(state: &mut WasmState, mem: &mut [u8], ptr: u32, len: u32) -> wasmtime::Result<()> {
    state.local()?;
    state.response = Some(mem[range(mem, ptr, u64::from(len))?].to_vec());
    Ok(())
}

impl ImportHost for WasmState {
    fn memory(&self) -> Option<Memory> {
        self.memory
    }
}

fn same(error: wasmtime::Error) -> wasmtime::Error {
    error
}

near_vm_runner::import_table! {
    host: WasmState, module: IMPORT_MODULE, config: (), error: same, names: IMPORT_TABLE, link: link_table;
    invoke(packet: u32) -> u32 => |s, m| invoke(s, m, packet);
    state_get(token: u32, key: u32, key_len: u32) -> i64 => |s, m| state_get(s, m, token, key, key_len);
    state_read(token: u32, key: u32, key_len: u32, out: u32, out_cap: u32) -> i64
        => |s, m| state_read(s, m, token, key, key_len, out, out_cap);
    state_set(token: u32, key: u32, key_len: u32, value: u32, value_len: u32) -> u32
        => |s, m| state_set(s, m, token, key, key_len, value, value_len);
    state_remove(token: u32, key: u32, key_len: u32) -> u32 => |s, m| state_remove(s, m, token, key, key_len);
    read_return(ptr: u32) -> () => |s, m| read_return(s, m, ptr);
    respond(ptr: u32, len: u32) -> () => |s, m| respond(s, m, ptr, len);
    gas_left() -> u64 => |s, _m| s.local().map(|()| s.budget.saturating_sub(s.pending));
}

/// Adds the `hypervisor` imports.
///
/// # Errors
/// When wasmtime refuses a definition (a node fault).
pub(crate) fn link(linker: &mut Linker<WasmState>) -> wasmtime::Result<()> {
    link_table(linker, &(), near_vm_runner::prepare::Metering::Inline)
}
