//! The RFC's value types, validated on construction: addresses (1..=63 bytes, a 64-byte slot
//! with the length first), message names (1..=127 ASCII characters of `[A-Za-z0-9:_/.]`, a
//! 128-byte slot), volatility, 32-byte tokens, and the error codes every call can end with.

/// Bytes in an address slot: a length byte and up to 63 bytes.
pub const ADDRESS_SLOT: usize = 64;
/// Bytes in a message-name slot: a length byte and up to 127 characters.
pub const NAME_SLOT: usize = 128;
/// The prefix of module messages (routed by name, without a receiver).
pub const MODULE_PREFIX: &str = "module:";

/// How a call ended when it did not return a response. Codes 1..=127 are the hypervisor's
/// own (a handler cannot return them), 128..=255 are shared, `256 + n` are the handler's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ErrorCode {
    /// A node fault (storage failed); the whole top-level call fails.
    #[error("fatal: the node failed")]
    Fatal,
    /// No account at the address.
    #[error("account not found")]
    AccountNotFound,
    /// The account's handler id names no handler any VM can run.
    #[error("handler not found")]
    HandlerNotFound,
    /// The caller is not the real caller and no middleware allowed it, or the context token
    /// is forged or stale.
    #[error("unauthorized caller")]
    UnauthorizedCaller,
    /// A handler id or module configuration is malformed, or a handler misses a required
    /// lifecycle message.
    #[error("invalid handler")]
    InvalidHandler,
    /// The call or state access breaks the volatility rules.
    #[error("volatility violation")]
    VolatilityViolation,
    /// The call stack is deeper than the limit.
    #[error("call stack overflow")]
    CallStackOverflow,
    /// An account already exists at the address a create derived.
    #[error("account exists")]
    AccountExists,
    /// Any other failure.
    #[error("other error")]
    Other,
    /// The handler has no handler for the message name.
    #[error("message not handled")]
    MessageNotHandled,
    /// Malformed address, name, token or message data.
    #[error("encoding error")]
    Encoding,
    /// The call ran out of gas.
    #[error("out of gas")]
    OutOfGas,
    /// A handler-defined error.
    #[error("handler error {0}")]
    Handler(u8),
}

impl ErrorCode {
    /// The numeric code: system 1..=8, shared 128..=131, handler `256 + n`.
    pub fn code(self) -> u16 {
        match self {
            ErrorCode::Fatal => 1,
            ErrorCode::AccountNotFound => 2,
            ErrorCode::HandlerNotFound => 3,
            ErrorCode::UnauthorizedCaller => 4,
            ErrorCode::InvalidHandler => 5,
            ErrorCode::VolatilityViolation => 6,
            ErrorCode::CallStackOverflow => 7,
            ErrorCode::AccountExists => 8,
            ErrorCode::Other => 128,
            ErrorCode::MessageNotHandled => 129,
            ErrorCode::Encoding => 130,
            ErrorCode::OutOfGas => 131,
            ErrorCode::Handler(n) => 256 + u16::from(n),
        }
    }

    /// The code for a number, if it is one.
    pub fn from_code(code: u16) -> Option<ErrorCode> {
        Some(match code {
            1 => ErrorCode::Fatal,
            2 => ErrorCode::AccountNotFound,
            3 => ErrorCode::HandlerNotFound,
            4 => ErrorCode::UnauthorizedCaller,
            5 => ErrorCode::InvalidHandler,
            6 => ErrorCode::VolatilityViolation,
            7 => ErrorCode::CallStackOverflow,
            8 => ErrorCode::AccountExists,
            128 => ErrorCode::Other,
            129 => ErrorCode::MessageNotHandled,
            130 => ErrorCode::Encoding,
            131 => ErrorCode::OutOfGas,
            256..=511 => ErrorCode::Handler(u8::try_from(code - 256).ok()?),
            _ => return None,
        })
    }
}

/// An account address: 1 to 63 bytes.
/// Shared (`Arc`): the hypervisor copies addresses into every frame and request, and a copy is
/// a reference count, not an allocation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(std::sync::Arc<[u8]>);

impl borsh::BorshSerialize for Address {
    fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        borsh::BorshSerialize::serialize(&self.0[..], writer)
    }
}

impl borsh::BorshDeserialize for Address {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        let bytes = Vec::<u8>::deserialize_reader(reader)?;
        Address::new(bytes).map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "address length"))
    }
}

impl Address {
    /// An address from bytes.
    ///
    /// # Errors
    /// `Encoding` when empty or longer than 63 bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Address, ErrorCode> {
        let bytes = bytes.into();
        if bytes.is_empty() || bytes.len() >= ADDRESS_SLOT {
            return Err(ErrorCode::Encoding);
        }
        Ok(Address(bytes.into()))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The 64-byte slot: the length, then the bytes, then zeroes.
    pub fn to_slot(&self) -> [u8; ADDRESS_SLOT] {
        let mut slot = [0u8; ADDRESS_SLOT];
        slot[0] = u8::try_from(self.0.len()).expect("an address is at most 63 bytes");
        slot[1..=self.0.len()].copy_from_slice(&self.0);
        slot
    }

    /// Reads a slot; a zero length is no address (the empty caller).
    ///
    /// # Errors
    /// `Encoding` for a length above 63.
    pub fn from_slot(slot: &[u8; ADDRESS_SLOT]) -> Result<Option<Address>, ErrorCode> {
        match usize::from(slot[0]) {
            0 => Ok(None),
            len if len < ADDRESS_SLOT => Ok(Some(Address(slot[1..=len].into()))),
            _ => Err(ErrorCode::Encoding),
        }
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(text) if text.chars().all(|c| c.is_ascii_graphic()) => f.write_str(text),
            _ => self.0.iter().try_for_each(|b| write!(f, "{b:02x}")),
        }
    }
}

/// A message name: 1 to 127 characters of `[A-Za-z0-9:_/.]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageName(std::sync::Arc<str>);

impl MessageName {
    /// A name from text.
    ///
    /// # Errors
    /// `Encoding` when empty, longer than 127 characters, or with another character.
    pub fn new(name: impl Into<String>) -> Result<MessageName, ErrorCode> {
        let name = name.into();
        let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'/' | b'.');
        if name.is_empty() || name.len() >= NAME_SLOT || !name.bytes().all(allowed) {
            return Err(ErrorCode::Encoding);
        }
        Ok(MessageName(name.into()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is a module message (`module:` prefix).
    pub fn is_module_message(&self) -> bool {
        self.0.starts_with(MODULE_PREFIX)
    }

    /// The 128-byte slot: the length, then the characters, then zeroes.
    pub fn to_slot(&self) -> [u8; NAME_SLOT] {
        let mut slot = [0u8; NAME_SLOT];
        slot[0] = u8::try_from(self.0.len()).expect("a name is at most 127 characters");
        slot[1..=self.0.len()].copy_from_slice(self.0.as_bytes());
        slot
    }

    /// Reads a slot.
    ///
    /// # Errors
    /// `Encoding` for a malformed slot or name.
    pub fn from_slot(slot: &[u8; NAME_SLOT]) -> Result<MessageName, ErrorCode> {
        let len = usize::from(slot[0]);
        let bytes = slot.get(1..=len).ok_or(ErrorCode::Encoding)?;
        MessageName::new(String::from_utf8(bytes.to_vec()).map_err(|_| ErrorCode::Encoding)?)
    }
}

impl std::fmt::Display for MessageName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a message handler may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, borsh::BorshSerialize, borsh::BorshDeserialize)]
pub enum Volatility {
    /// May write state and call any message.
    Volatile,
    /// May read state; may call readonly and pure messages only.
    Readonly,
    /// May touch no state; may call pure messages only.
    Pure,
}

impl Volatility {
    /// Whether a handler of this volatility may call a message of volatility `callee`.
    pub fn may_call(self, callee: Volatility) -> bool {
        match self {
            Volatility::Volatile => true,
            Volatility::Readonly => callee != Volatility::Volatile,
            Volatility::Pure => callee == Volatility::Pure,
        }
    }
}

/// A 32-byte token (state or context), opaque to handlers.
pub type Token = [u8; 32];
