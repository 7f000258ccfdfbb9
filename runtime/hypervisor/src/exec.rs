//! One session's execution: the call stack of frames, context and state tokens, gas, and the
//! [`Host`] functions handlers call. Every nested call runs in its own state level: it commits
//! into its caller's level on success and leaves nothing behind on any error.

use crate::hypervisor::Hypervisor;
use crate::modules::{Hooks, hooks_for, route_key};
use crate::state::{AccountRecord, NestedState, account_key, code_key, state_prefix};
use crate::types::{Address, ErrorCode, MessageName, Token, Volatility};
use crate::vm::{CodeSource, Host, Invoke, MessageRequest, ResolvedHandler};
use near_store::StorageError;
use rand::{RngCore, SeedableRng};
use std::sync::Arc;

/// Messages the hypervisor handles itself (the lifecycle module), plugged in by the session
/// so that this module does not depend on their implementation.
pub(crate) trait SystemMessages: Sync {
    /// Whether `name` is one of them.
    fn handles(&self, name: &MessageName) -> bool;
    /// Handles one, sent as `caller` (already authorized) from the running frame.
    fn handle(&self, exec: &mut Exec<'_>, caller: Option<&Address>, invoke: &Invoke) -> Result<Vec<u8>, ErrorCode>;
}

/// A map keyed by addresses or names handlers choose: foldhash, seeded per map.
type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// An account's handler as cached for the session: its id and its code.
pub(crate) struct BoundHandler {
    pub(crate) handler_id: String,
    pub(crate) resolved: ResolvedHandler,
}

/// A running call.
struct Frame {
    /// The account running (`None`: an external query).
    address: Option<Address>,
    volatility: Volatility,
    context_token: Token,
    /// All zeroes for pure frames (no state access).
    state_token: Token,
    gas_limit: u64,
    gas_used: u64,
    out_of_gas: bool,
}

/// A call about to run: who, as whom, what.
pub(crate) struct Call<'a> {
    pub(crate) address: &'a Address,
    pub(crate) caller: Option<&'a Address>,
    pub(crate) name: &'a MessageName,
    pub(crate) data: &'a [u8],
    pub(crate) gas_limit: u64,
}

/// The execution state of a session.
pub(crate) struct Exec<'h> {
    pub(crate) hv: &'h Hypervisor,
    system: &'h dyn SystemMessages,
    pub(crate) state: NestedState,
    frames: Vec<Frame>,
    /// Tokens: a ChaCha8 stream seeded from the OS per session, never exposed.
    tokens: rand_chacha::ChaCha8Rng,
    /// Pre/post handlers by message name; they change only when a module is loaded.
    pub(crate) hooks: Map<MessageName, Arc<Hooks>>,
    /// Whether no module has pre/post handlers (`None`: not looked yet); reset with `hooks`.
    pub(crate) no_hooks: Option<bool>,
    /// Resolved handlers by account. Account records change only through lifecycle messages
    /// and module loading, which clear it, as does every rollback (a rolled-back level may
    /// have created or migrated an account).
    pub(crate) handlers: Map<Address, Arc<BoundHandler>>,
    /// A node fault seen during the current top-level call.
    pub(crate) fault: Option<StorageError>,
}

impl<'h> Exec<'h> {
    pub(crate) fn new(hv: &'h Hypervisor, state: NestedState, system: &'h dyn SystemMessages) -> Exec<'h> {
        let tokens = rand_chacha::ChaCha8Rng::from_entropy();
        let (hooks, handlers) = (Map::default(), Map::default());
        Exec { hv, system, state, frames: Vec::new(), tokens, hooks, no_hooks: None, handlers, fault: None }
    }

    /// A fresh token nobody can predict: the next 32 bytes of the session's CSPRNG (drawn as
    /// bytes: `Rng::gen` of a byte array would draw a whole word per byte).
    fn mint(&mut self) -> Token {
        let mut token = [0; 32];
        self.tokens.fill_bytes(&mut token);
        token
    }

    /// Runs `invoke` as an external call: a root frame for `caller` (`None`: a query) whose
    /// context token the message carries. Returns the result and the gas used.
    pub(crate) fn external(
        &mut self,
        caller: Option<Address>,
        volatility: Volatility,
        mut invoke: Invoke,
    ) -> (Result<Vec<u8>, ErrorCode>, u64) {
        let context_token = self.mint();
        invoke.context_token = context_token;
        self.frames.push(Frame {
            address: caller,
            volatility,
            context_token,
            state_token: [0; 32],
            gas_limit: invoke.gas_limit,
            gas_used: 0,
            out_of_gas: false,
        });
        let result = self.invoke(invoke);
        let root = self.frames.pop();
        let gas_used = root.map_or(0, |f| f.gas_used);
        (result, gas_used)
    }

    fn top(&mut self) -> Result<&mut Frame, ErrorCode> {
        self.frames.last_mut().ok_or(ErrorCode::Fatal)
    }

    /// Charges the running frame.
    pub(crate) fn charge(&mut self, gas: u64) -> Result<(), ErrorCode> {
        let frame = self.top()?;
        match frame.gas_used.checked_add(gas) {
            Some(total) if total <= frame.gas_limit => {
                frame.gas_used = total;
                Ok(())
            }
            _ => {
                frame.gas_used = frame.gas_limit;
                frame.out_of_gas = true;
                Err(ErrorCode::OutOfGas)
            }
        }
    }

    pub(crate) fn storage<T>(&mut self, result: Result<T, StorageError>) -> Result<T, ErrorCode> {
        result.map_err(|error| {
            self.fault.get_or_insert(error);
            ErrorCode::Fatal
        })
    }

    pub(crate) fn read<T: borsh::BorshDeserialize>(&mut self, key: &[u8]) -> Result<Option<T>, ErrorCode> {
        let bytes = self.state.get(key);
        match self.storage(bytes)? {
            None => Ok(None),
            Some(bytes) => match borsh::from_slice(&bytes) {
                Ok(value) => Ok(Some(value)),
                Err(_) => {
                    let what = format!("undecodable record under {key:?}");
                    self.fault.get_or_insert(StorageError::StorageInconsistentState(what));
                    Err(ErrorCode::Fatal)
                }
            },
        }
    }

    /// The running frame's account and volatility (the real caller of what it sends).
    pub(crate) fn current(&self) -> Option<(Option<&Address>, Volatility)> {
        self.frames.last().map(|f| (f.address.as_ref(), f.volatility))
    }

    /// Who `invoke` is sent as: the running account, or another one a middleware allows.
    fn claimed_caller(&self, invoke: &Invoke) -> Result<Option<Address>, ErrorCode> {
        let frame = self.frames.last().ok_or(ErrorCode::Fatal)?;
        if frame.context_token != invoke.context_token {
            return Err(ErrorCode::UnauthorizedCaller);
        }
        match (&invoke.caller, &frame.address) {
            (None, real) => Ok(real.clone()),
            (Some(claimed), Some(real)) if claimed == real => Ok(Some(real.clone())),
            (Some(_), Some(real)) => match &self.hv.middleware {
                Some(middleware) if middleware.authorize(real, invoke) => Ok(invoke.caller.clone()),
                _ => Err(ErrorCode::UnauthorizedCaller),
            },
            (Some(_), None) => Err(ErrorCode::UnauthorizedCaller),
        }
    }

    fn route_module_message(&mut self, name: &MessageName) -> Result<Address, ErrorCode> {
        let routed: Option<Vec<u8>> = self.read(&route_key(name.as_str()))?;
        let address = routed.ok_or(ErrorCode::MessageNotHandled)?;
        Address::new(address)
    }

    /// The handler of the account at `address`.
    pub(crate) fn handler_of(&mut self, address: &Address) -> Result<Arc<BoundHandler>, ErrorCode> {
        if let Some(cached) = self.handlers.get(address) {
            return Ok(cached.clone());
        }
        let record: AccountRecord = self.read(&account_key(address.as_bytes()))?.ok_or(ErrorCode::AccountNotFound)?;
        let hv = self.hv;
        let resolved = hv.resolve(&record.handler_id, self)?;
        let bound = Arc::new(BoundHandler { handler_id: record.handler_id, resolved });
        self.handlers.insert(address.clone(), bound.clone());
        Ok(bound)
    }

    /// Drops the newest state level and every cached account handler.
    pub(crate) fn rollback(&mut self) {
        self.state.rollback();
        self.handlers.clear();
    }

    /// Sends a message from the running frame.
    fn send(&mut self, invoke: Invoke) -> Result<Vec<u8>, ErrorCode> {
        let caller = self.claimed_caller(&invoke)?;
        self.charge(self.hv.config.gas.invoke_base)?;
        if self.system.handles(&invoke.name) {
            let system = self.system;
            return system.handle(self, caller.as_ref(), &invoke);
        }
        let Invoke { receiver, name, data, gas_limit, .. } = invoke;
        let target = match (receiver, name.is_module_message()) {
            (Some(address), _) => address,
            (None, true) => self.route_module_message(&name)?,
            (None, false) => return Err(ErrorCode::Encoding),
        };
        let call = Call { address: &target, caller: caller.as_ref(), name: &name, data: &data, gas_limit };
        self.dispatch(&call)
    }

    /// Runs a message on an account with the modules' pre and post handlers around it, in one
    /// state level.
    pub(crate) fn dispatch(&mut self, call: &Call<'_>) -> Result<Vec<u8>, ErrorCode> {
        let bound = self.handler_of(call.address)?;
        let hooks = self.hooks(call.name)?;
        self.state.begin();
        let result = match &hooks {
            None => self.run(call, &bound.resolved),
            Some(hooks) => self.dispatch_in_level(call, &bound.resolved, hooks),
        };
        match result {
            Ok(_) => self.state.commit(),
            Err(_) => self.rollback(),
        }
        result
    }

    fn dispatch_in_level(
        &mut self,
        call: &Call<'_>,
        resolved: &ResolvedHandler,
        hooks: &Hooks,
    ) -> Result<Vec<u8>, ErrorCode> {
        for (module, name) in &hooks.pre {
            self.hook(module, name, call)?;
        }
        let response = self.run(call, resolved)?;
        for (module, name) in &hooks.post {
            self.hook(module, name, call)?;
        }
        Ok(response)
    }

    fn hook(&mut self, module: &Address, name: &MessageName, call: &Call<'_>) -> Result<(), ErrorCode> {
        let bound = self.handler_of(module)?;
        let hook = Call { address: module, caller: call.caller, name, data: call.data, gas_limit: call.gas_limit };
        self.run(&hook, &bound.resolved).map(drop)
    }

    /// The pre and post handlers of `name` (`None`: no module has any).
    fn hooks(&mut self, name: &MessageName) -> Result<Option<Arc<Hooks>>, ErrorCode> {
        if self.no_hooks.is_none() {
            let any = crate::modules::any_hooks(&mut self.state);
            self.no_hooks = Some(!self.storage(any)?);
        }
        if self.no_hooks == Some(true) {
            return Ok(None);
        }
        if let Some(hooks) = self.hooks.get(name) {
            return Ok(Some(hooks.clone()));
        }
        let hooks = hooks_for(&mut self.state, name);
        let hooks = Arc::new(self.storage(hooks)?);
        self.hooks.insert(name.clone(), hooks.clone());
        Ok(Some(hooks))
    }

    /// Runs one handler in a new frame: checks volatility and depth, caps gas, mints tokens.
    pub(crate) fn run(&mut self, call: &Call<'_>, resolved: &ResolvedHandler) -> Result<Vec<u8>, ErrorCode> {
        let meta = resolved.metadata.message(call.name).ok_or(ErrorCode::MessageNotHandled)?;
        let volatility = meta.volatility;
        let (caller_volatility, remaining) = {
            let top = self.frames.last().ok_or(ErrorCode::Fatal)?;
            (top.volatility, top.gas_limit - top.gas_used)
        };
        if !caller_volatility.may_call(volatility) {
            return Err(ErrorCode::VolatilityViolation);
        }
        if self.frames.len() > self.hv.config.max_call_depth {
            return Err(ErrorCode::CallStackOverflow);
        }
        let gas_limit = call.gas_limit.min(remaining);
        let context_token = self.mint();
        let state_token = if volatility == Volatility::Pure { [0; 32] } else { self.mint() };
        let request = MessageRequest {
            address: call.address,
            caller: if volatility == Volatility::Pure { None } else { call.caller },
            name: call.name,
            data: call.data,
            state_token,
            context_token,
            gas_limit,
        };
        self.frames.push(Frame {
            address: Some(call.address.clone()),
            volatility,
            context_token,
            state_token,
            gas_limit,
            gas_used: 0,
            out_of_gas: false,
        });
        let handler = &resolved.handler;
        let (frames, levels) = (self.frames.len(), self.state.depth());
        let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.handle(&request, self)));
        let mut result = handled.unwrap_or_else(|_| {
            // A panicking native handler is a failed call: unwind what it left open.
            self.frames.truncate(frames);
            while self.state.depth() > levels {
                self.rollback();
            }
            Err(ErrorCode::Other)
        });
        let frame = self.frames.pop().ok_or(ErrorCode::Fatal)?;
        if frame.out_of_gas {
            result = Err(ErrorCode::OutOfGas);
        }
        if self.fault.is_some() {
            result = Err(ErrorCode::Fatal);
        }
        self.charge(frame.gas_used)?;
        result
    }

    /// The running frame's state, if `token` grants it and `write` is allowed.
    fn state_access(&mut self, token: &Token, write: bool) -> Result<Vec<u8>, ErrorCode> {
        let frame = self.frames.last().ok_or(ErrorCode::Fatal)?;
        if frame.volatility == Volatility::Pure || (write && frame.volatility != Volatility::Volatile) {
            return Err(ErrorCode::VolatilityViolation);
        }
        match &frame.address {
            Some(address) if &frame.state_token == token => Ok(state_prefix(address.as_bytes())),
            _ => Err(ErrorCode::UnauthorizedCaller),
        }
    }
}

/// The trie key of `key` under an account's state `prefix` (reusing the prefix's buffer).
fn state_key(mut prefix: Vec<u8>, key: &[u8]) -> Vec<u8> {
    prefix.extend_from_slice(key);
    prefix
}

impl CodeSource for Exec<'_> {
    fn code(&mut self, handler_id: &str) -> Result<Option<Vec<u8>>, ErrorCode> {
        let code = self.state.get(&code_key(handler_id));
        self.storage(code)
    }
}

impl Host for Exec<'_> {
    fn invoke(&mut self, invoke: Invoke) -> Result<Vec<u8>, ErrorCode> {
        self.send(invoke)
    }

    fn state_get(&mut self, state_token: &Token, key: &[u8]) -> Result<Option<Vec<u8>>, ErrorCode> {
        let prefix = self.state_access(state_token, false)?;
        let gas = self.hv.config.gas;
        self.charge(gas.state_read_base.saturating_add(gas.state_byte.saturating_mul(key.len() as u64)))?;
        let value = self.state.get(&state_key(prefix, key));
        let value = self.storage(value)?;
        let len = value.as_ref().map_or(0, Vec::len) as u64;
        self.charge(gas.state_byte.saturating_mul(len))?;
        Ok(value)
    }

    fn state_set(&mut self, state_token: &Token, key: &[u8], value: &[u8]) -> Result<(), ErrorCode> {
        let prefix = self.state_access(state_token, true)?;
        let gas = self.hv.config.gas;
        let bytes = (key.len() + value.len()) as u64;
        self.charge(gas.state_write_base.saturating_add(gas.state_byte.saturating_mul(bytes)))?;
        self.state.set(state_key(prefix, key), value.to_vec());
        Ok(())
    }

    fn state_remove(&mut self, state_token: &Token, key: &[u8]) -> Result<(), ErrorCode> {
        let prefix = self.state_access(state_token, true)?;
        let gas = self.hv.config.gas;
        self.charge(gas.state_write_base.saturating_add(gas.state_byte.saturating_mul(key.len() as u64)))?;
        self.state.remove(state_key(prefix, key));
        Ok(())
    }

    fn gas_left(&self) -> u64 {
        self.frames.last().map_or(0, |f| f.gas_limit - f.gas_used)
    }

    fn consume_gas(&mut self, gas: u64) -> Result<(), ErrorCode> {
        self.charge(gas)
    }
}
