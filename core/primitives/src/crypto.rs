//! Keys and signatures in nearcore's wire and text forms.
//!
//! Borsh: a one-byte key type (0 = ed25519, 1 = secp256k1, 2 = ML-DSA-65) followed by the raw
//! key or signature bytes. Text: `ed25519:<base58>` / `secp256k1:<base58>` / `ml-dsa-65:<base58>`.
//! Ed25519 and ML-DSA-65 (post-quantum, protocol 85; aws-lc) sign and verify here; secp256k1
//! keys are carried (contracts may add them as access keys) but never verify. Access keys are
//! stored by [`KeyHandle`]: an ML-DSA-65 key by the hash of its 1,952 bytes.

use borsh::{BorshDeserialize, BorshSerialize};
use ed25519_dalek::{Signer, Verifier};
use std::fmt;
use std::io;
use std::str::FromStr;

/// Bytes of an ML-DSA-65 public key.
pub const ML_DSA_65_PUBLIC_KEY_LEN: usize = 1952;
/// Bytes of an ML-DSA-65 signature.
pub const ML_DSA_65_SIGNATURE_LEN: usize = 3309;
/// The domain an ML-DSA-65 key is hashed under to make its [`KeyHandle`] (nearcore's
/// `HashDomainTag::MlDsa65PubkeyV1`).
const ML_DSA_65_HANDLE_DOMAIN: &[u8] = b"near:ml-dsa-65-pubkey-hash:v1";

/// The kind of a key, as its borsh tag.
#[derive(Debug, Copy, Clone, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyType {
    /// Ed25519, tag 0.
    ED25519 = 0,
    /// Secp256k1, tag 1.
    SECP256K1 = 1,
    /// ML-DSA-65 (FIPS 204), tag 2.
    MLDSA65 = 2,
}

impl KeyType {
    fn prefix(self) -> &'static str {
        match self {
            KeyType::ED25519 => "ed25519",
            KeyType::SECP256K1 => "secp256k1",
            KeyType::MLDSA65 => "ml-dsa-65",
        }
    }

    fn from_tag(tag: u8) -> io::Result<KeyType> {
        match tag {
            0 => Ok(KeyType::ED25519),
            1 => Ok(KeyType::SECP256K1),
            2 => Ok(KeyType::MLDSA65),
            other => Err(io::Error::new(io::ErrorKind::InvalidData, format!("unknown key type {other}"))),
        }
    }

    fn from_prefix(prefix: &str) -> Result<KeyType, ParseKeyError> {
        match prefix.to_ascii_lowercase().as_str() {
            "ed25519" => Ok(KeyType::ED25519),
            "secp256k1" => Ok(KeyType::SECP256K1),
            "ml-dsa-65" => Ok(KeyType::MLDSA65),
            other => Err(ParseKeyError::UnknownKeyType(other.to_string())),
        }
    }
}

/// Why a key or signature could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseKeyError {
    /// The prefix before `:` names no known key type.
    #[error("unknown key type `{0}`")]
    UnknownKeyType(String),
    /// The payload is not base58.
    #[error("invalid base58: {0}")]
    Base58(String),
    /// The payload has the wrong number of bytes for its key type.
    #[error("expected {expected} bytes, got {actual}")]
    Length {
        /// Bytes the key type needs.
        expected: usize,
        /// Bytes found.
        actual: usize,
    },
    /// The bytes are not a valid key of that type.
    #[error("invalid key data")]
    InvalidData,
}

/// Splits `type:base58` (the type defaults to ed25519 when absent, as in nearcore) and decodes.
fn split_key_text(s: &str) -> Result<(KeyType, Vec<u8>), ParseKeyError> {
    let (key_type, data) = match s.split_once(':') {
        Some((prefix, data)) => (KeyType::from_prefix(prefix)?, data),
        None => (KeyType::ED25519, s),
    };
    let bytes = bs58::decode(data).into_vec().map_err(|e| ParseKeyError::Base58(e.to_string()))?;
    Ok((key_type, bytes))
}

fn fixed<const N: usize>(bytes: &[u8]) -> Result<[u8; N], ParseKeyError> {
    bytes.try_into().map_err(|_| ParseKeyError::Length { expected: N, actual: bytes.len() })
}

/// `N` bytes on the heap (ML-DSA-65's keys and signatures are kilobytes).
fn boxed<const N: usize>(bytes: &[u8]) -> Result<Box<[u8; N]>, ParseKeyError> {
    bytes.to_vec().into_boxed_slice().try_into().map_err(|_| ParseKeyError::Length { expected: N, actual: bytes.len() })
}

fn read_boxed<const N: usize, R: io::Read>(reader: &mut R) -> io::Result<Box<[u8; N]>> {
    let mut bytes = vec![0; N];
    reader.read_exact(&mut bytes)?;
    bytes.into_boxed_slice().try_into().map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "length"))
}

macro_rules! text_serde {
    ($ty:ty) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A public key: borsh `tag ‖ bytes` (32 bytes for ed25519, 64 for secp256k1, 1,952 for
/// ML-DSA-65).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PublicKey {
    /// An ed25519 public key.
    ED25519([u8; 32]),
    /// An uncompressed secp256k1 public key without the 0x04 prefix.
    SECP256K1([u8; 64]),
    /// An ML-DSA-65 public key.
    MLDSA65(Box<[u8; ML_DSA_65_PUBLIC_KEY_LEN]>),
}

impl PublicKey {
    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKey::ED25519(_) => KeyType::ED25519,
            PublicKey::SECP256K1(_) => KeyType::SECP256K1,
            PublicKey::MLDSA65(_) => KeyType::MLDSA65,
        }
    }

    /// The raw key bytes, without the type tag.
    pub fn key_data(&self) -> &[u8] {
        match self {
            PublicKey::ED25519(bytes) => bytes,
            PublicKey::SECP256K1(bytes) => bytes,
            PublicKey::MLDSA65(bytes) => &bytes[..],
        }
    }

    /// Number of bytes of the borsh form (tag included): what sending the key costs.
    pub fn len(&self) -> usize {
        1 + self.key_data().len()
    }

    /// Number of bytes of its [`KeyHandle`] (tag included): what storing it costs (33 for an
    /// ML-DSA-65 key, whose handle is a hash).
    pub fn trie_id_len(&self) -> usize {
        match self {
            PublicKey::MLDSA65(_) => 33,
            PublicKey::ED25519(_) | PublicKey::SECP256K1(_) => self.len(),
        }
    }

    /// Always false: a key has at least its tag byte. Present for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl BorshSerialize for PublicKey {
    fn serialize<W: io::Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(&[self.key_type() as u8])?;
        writer.write_all(self.key_data())
    }
}

impl BorshDeserialize for PublicKey {
    fn deserialize_reader<R: io::Read>(reader: &mut R) -> io::Result<Self> {
        Ok(match KeyType::from_tag(u8::deserialize_reader(reader)?)? {
            KeyType::ED25519 => PublicKey::ED25519(<[u8; 32]>::deserialize_reader(reader)?),
            KeyType::SECP256K1 => PublicKey::SECP256K1(<[u8; 64]>::deserialize_reader(reader)?),
            KeyType::MLDSA65 => PublicKey::MLDSA65(read_boxed(reader)?),
        })
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.key_type().prefix(), bs58::encode(self.key_data()).into_string())
    }
}

impl FromStr for PublicKey {
    type Err = ParseKeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (key_type, bytes) = split_key_text(s)?;
        match key_type {
            KeyType::ED25519 => Ok(PublicKey::ED25519(fixed(&bytes)?)),
            KeyType::SECP256K1 => Ok(PublicKey::SECP256K1(fixed(&bytes)?)),
            KeyType::MLDSA65 => Ok(PublicKey::MLDSA65(boxed(&bytes)?)),
        }
    }
}

text_serde!(PublicKey);

/// A key as its compact on-trie handle (nearcore's `PublicKeyHandle`): what access-key trie keys
/// and a universal state init's keys hold. Borsh: tag (0 ed25519, 1 secp256k1, 3 the 32-byte
/// hash of an ML-DSA-65 key), then the bytes; an ed25519 or secp256k1 handle is byte for byte
/// the borsh of its [`PublicKey`]. Ordered by tag, then bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyHandle {
    /// An ed25519 key.
    Ed25519([u8; 32]),
    /// An uncompressed secp256k1 key without its 0x04 prefix.
    Secp256k1([u8; 64]),
    /// The hash of an ML-DSA-65 key.
    MlDsa65Hash([u8; 32]),
}

impl BorshSerialize for KeyHandle {
    fn serialize<W: io::Write>(&self, writer: &mut W) -> io::Result<()> {
        let (tag, bytes): (u8, &[u8]) = match self {
            KeyHandle::Ed25519(key) => (0, key),
            KeyHandle::Secp256k1(key) => (1, key),
            KeyHandle::MlDsa65Hash(hash) => (3, hash),
        };
        writer.write_all(&[tag])?;
        writer.write_all(bytes)
    }
}

impl BorshDeserialize for KeyHandle {
    fn deserialize_reader<R: io::Read>(reader: &mut R) -> io::Result<Self> {
        Ok(match u8::deserialize_reader(reader)? {
            0 => KeyHandle::Ed25519(BorshDeserialize::deserialize_reader(reader)?),
            1 => KeyHandle::Secp256k1(BorshDeserialize::deserialize_reader(reader)?),
            3 => KeyHandle::MlDsa65Hash(BorshDeserialize::deserialize_reader(reader)?),
            tag => return Err(io::Error::new(io::ErrorKind::InvalidData, format!("unknown key handle tag {tag}"))),
        })
    }
}

impl KeyHandle {
    /// Bytes of the borsh form (tag included): what an access key's trie key holds.
    pub fn trie_id_len(&self) -> usize {
        1 + match self {
            KeyHandle::Ed25519(key) => key.len(),
            KeyHandle::Secp256k1(key) => key.len(),
            KeyHandle::MlDsa65Hash(hash) => hash.len(),
        }
    }
}

impl From<&PublicKey> for KeyHandle {
    fn from(key: &PublicKey) -> KeyHandle {
        match key {
            PublicKey::ED25519(bytes) => KeyHandle::Ed25519(*bytes),
            PublicKey::SECP256K1(bytes) => KeyHandle::Secp256k1(*bytes),
            PublicKey::MLDSA65(bytes) => {
                use sha3::Digest;
                let mut hasher = sha3::Sha3_256::new();
                hasher.update(ML_DSA_65_HANDLE_DOMAIN);
                hasher.update(&bytes[..]);
                KeyHandle::MlDsa65Hash(hasher.finalize().into())
            }
        }
    }
}

/// A signature: borsh `tag ‖ bytes` (64 bytes for ed25519, 65 for secp256k1, 3,309 for
/// ML-DSA-65).
#[derive(Clone, PartialEq, Eq)]
pub enum Signature {
    /// An ed25519 signature.
    ED25519([u8; 64]),
    /// A recoverable secp256k1 signature (r ‖ s ‖ v). Carried but never verified here.
    SECP256K1([u8; 65]),
    /// An ML-DSA-65 signature.
    MLDSA65(Box<[u8; ML_DSA_65_SIGNATURE_LEN]>),
}

impl Signature {
    /// Whether this signature signs `message` under `public_key`. Ed25519 and ML-DSA-65
    /// verify; secp256k1 signatures and mismatched key types are rejected.
    pub fn verify(&self, message: &[u8], public_key: &PublicKey) -> bool {
        match (self, public_key) {
            (Signature::ED25519(sig), PublicKey::ED25519(pk)) => {
                let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(pk) else {
                    return false;
                };
                key.verify(message, &ed25519_dalek::Signature::from_bytes(sig)).is_ok()
            }
            (Signature::MLDSA65(sig), PublicKey::MLDSA65(pk)) => {
                let key = aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::ML_DSA_65, &pk[..]);
                key.verify(message, &sig[..]).is_ok()
            }
            _ => false,
        }
    }

    fn key_type(&self) -> KeyType {
        match self {
            Signature::ED25519(_) => KeyType::ED25519,
            Signature::SECP256K1(_) => KeyType::SECP256K1,
            Signature::MLDSA65(_) => KeyType::MLDSA65,
        }
    }

    fn data(&self) -> &[u8] {
        match self {
            Signature::ED25519(bytes) => bytes,
            Signature::SECP256K1(bytes) => bytes,
            Signature::MLDSA65(bytes) => &bytes[..],
        }
    }
}

impl BorshSerialize for Signature {
    fn serialize<W: io::Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(&[self.key_type() as u8])?;
        writer.write_all(self.data())
    }
}

impl BorshDeserialize for Signature {
    fn deserialize_reader<R: io::Read>(reader: &mut R) -> io::Result<Self> {
        Ok(match KeyType::from_tag(u8::deserialize_reader(reader)?)? {
            KeyType::ED25519 => Signature::ED25519(<[u8; 64]>::deserialize_reader(reader)?),
            KeyType::SECP256K1 => Signature::SECP256K1(<[u8; 65]>::deserialize_reader(reader)?),
            KeyType::MLDSA65 => Signature::MLDSA65(read_boxed(reader)?),
        })
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.key_type().prefix(), bs58::encode(self.data()).into_string())
    }
}

impl FromStr for Signature {
    type Err = ParseKeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (key_type, bytes) = split_key_text(s)?;
        match key_type {
            KeyType::ED25519 => Ok(Signature::ED25519(fixed(&bytes)?)),
            KeyType::SECP256K1 => Ok(Signature::SECP256K1(fixed(&bytes)?)),
            KeyType::MLDSA65 => Ok(Signature::MLDSA65(boxed(&bytes)?)),
        }
    }
}

text_serde!(Signature);

/// A secret key: ed25519 (text `ed25519:<base58 of seed ‖ public key>`, 64 bytes, as nearcore) or
/// ML-DSA-65 (text `ml-dsa-65:<base58 of its 32-byte seed>`; the key pair is expanded from the
/// seed when it signs).
#[derive(Clone)]
pub struct SecretKey(SecretInner);

#[derive(Clone)]
enum SecretInner {
    Ed25519(ed25519_dalek::SigningKey),
    MlDsa65 { seed: [u8; 32], public: Box<[u8; ML_DSA_65_PUBLIC_KEY_LEN]> },
}

/// A text seed as 32 bytes, the way nearcore's test signers use it: truncated or padded with
/// spaces.
fn seed_bytes(seed: &str) -> [u8; 32] {
    let mut bytes = [b' '; 32];
    let len = seed.len().min(32);
    bytes[..len].copy_from_slice(&seed.as_bytes()[..len]);
    bytes
}

fn ml_dsa_65_pair(seed: &[u8; 32]) -> Option<aws_lc_rs::signature::PqdsaKeyPair> {
    aws_lc_rs::signature::PqdsaKeyPair::from_seed(&aws_lc_rs::signature::ML_DSA_65_SIGNING, seed).ok()
}

impl SecretKey {
    /// Deterministic ed25519 key from a text seed, the way nearcore's test signers derive keys:
    /// the seed's bytes, truncated or padded with spaces to 32, are the ed25519 seed.
    pub fn from_seed(seed: &str) -> SecretKey {
        SecretKey(SecretInner::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed_bytes(seed))))
    }

    /// Deterministic ML-DSA-65 key from a text seed (its bytes, truncated or padded with spaces
    /// to 32, are the FIPS 204 seed).
    pub fn ml_dsa_65_from_seed(seed: &str) -> SecretKey {
        let seed = seed_bytes(seed);
        let public = ml_dsa_65_pair(&seed)
            .and_then(|pair| {
                use aws_lc_rs::signature::KeyPair;
                boxed(pair.public_key().as_ref()).ok()
            })
            .unwrap_or_else(|| unreachable!("every 32-byte seed is an ML-DSA-65 key"));
        SecretKey(SecretInner::MlDsa65 { seed, public })
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match &self.0 {
            SecretInner::Ed25519(key) => PublicKey::ED25519(key.verifying_key().to_bytes()),
            SecretInner::MlDsa65 { public, .. } => PublicKey::MLDSA65(public.clone()),
        }
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        match &self.0 {
            SecretInner::Ed25519(key) => Signature::ED25519(key.sign(message).to_bytes()),
            SecretInner::MlDsa65 { seed, .. } => {
                let mut signature = Box::new([0u8; ML_DSA_65_SIGNATURE_LEN]);
                let signed = ml_dsa_65_pair(seed).and_then(|pair| pair.sign(message, &mut signature[..]).ok());
                signed.unwrap_or_else(|| unreachable!("an ML-DSA-65 key signs any message"));
                Signature::MLDSA65(signature)
            }
        }
    }

    fn secret_bytes(&self) -> Vec<u8> {
        match &self.0 {
            SecretInner::Ed25519(key) => key.to_keypair_bytes().to_vec(),
            SecretInner::MlDsa65 { seed, .. } => seed.to_vec(),
        }
    }

    fn key_type(&self) -> KeyType {
        match &self.0 {
            SecretInner::Ed25519(_) => KeyType::ED25519,
            SecretInner::MlDsa65 { .. } => KeyType::MLDSA65,
        }
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.key_type() == other.key_type() && self.secret_bytes() == other.secret_bytes()
    }
}

impl Eq for SecretKey {}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.key_type().prefix(), bs58::encode(self.secret_bytes()).into_string())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print secret material in logs or panics.
        write!(f, "SecretKey({})", self.public_key())
    }
}

impl FromStr for SecretKey {
    type Err = ParseKeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (key_type, bytes) = split_key_text(s)?;
        match key_type {
            KeyType::ED25519 => {
                let keypair: [u8; 64] = fixed(&bytes)?;
                let key =
                    ed25519_dalek::SigningKey::from_keypair_bytes(&keypair).map_err(|_| ParseKeyError::InvalidData)?;
                Ok(SecretKey(SecretInner::Ed25519(key)))
            }
            KeyType::MLDSA65 => {
                let seed: [u8; 32] = fixed(&bytes)?;
                let pair = ml_dsa_65_pair(&seed).ok_or(ParseKeyError::InvalidData)?;
                use aws_lc_rs::signature::KeyPair;
                let public = boxed(pair.public_key().as_ref())?;
                Ok(SecretKey(SecretInner::MlDsa65 { seed, public }))
            }
            KeyType::SECP256K1 => Err(ParseKeyError::UnknownKeyType(key_type.prefix().to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_text_round_trips() {
        let sk = SecretKey::from_seed("alice.near");
        let pk = sk.public_key();
        let sig = sk.sign(b"message");
        assert!(sig.verify(b"message", &pk));
        assert!(!sig.verify(b"other", &pk));
        assert!(!sig.verify(b"message", &SecretKey::from_seed("bob.near").public_key()));

        assert!(pk.to_string().starts_with("ed25519:"));
        assert_eq!(pk.to_string().parse::<PublicKey>().unwrap(), pk);
        assert_eq!(sig.to_string().parse::<Signature>().unwrap(), sig);
        assert_eq!(sk.to_string().parse::<SecretKey>().unwrap(), sk);
        assert_eq!(serde_json::from_value::<PublicKey>(serde_json::to_value(&pk).unwrap()).unwrap(), pk);
    }

    #[test]
    fn borsh_layout_is_tag_then_bytes() {
        let pk = PublicKey::ED25519([7; 32]);
        let bytes = borsh::to_vec(&pk).unwrap();
        assert_eq!(bytes.len(), 33);
        assert_eq!(bytes[0], 0);
        assert_eq!(PublicKey::try_from_slice(&bytes).unwrap(), pk);
        let secp = PublicKey::SECP256K1([1; 64]);
        assert_eq!(borsh::to_vec(&secp).unwrap()[0], 1);
        assert!(PublicKey::try_from_slice(&[9; 33]).is_err());
    }

    #[test]
    fn ml_dsa_65_keys_sign_verify_and_hash_to_their_handle() {
        let sk = SecretKey::ml_dsa_65_from_seed("post-quantum");
        let pk = sk.public_key();
        assert_eq!((pk.len(), pk.trie_id_len()), (1 + ML_DSA_65_PUBLIC_KEY_LEN, 33));
        let sig = sk.sign(b"message");
        assert!(sig.verify(b"message", &pk));
        assert!(!sig.verify(b"other", &pk));
        assert!(!sig.verify(b"message", &SecretKey::from_seed("alice.near").public_key()));
        let bytes = borsh::to_vec(&pk).unwrap();
        assert_eq!((bytes.len(), bytes[0]), (1953, 2));
        assert_eq!(PublicKey::try_from_slice(&bytes).unwrap(), pk);
        assert_eq!(Signature::try_from_slice(&borsh::to_vec(&sig).unwrap()).unwrap(), sig);
        assert!(pk.to_string().starts_with("ml-dsa-65:"));
        assert_eq!(pk.to_string().parse::<PublicKey>().unwrap(), pk);
        assert_eq!(sk.to_string().parse::<SecretKey>().unwrap(), sk);
        let KeyHandle::MlDsa65Hash(hash) = KeyHandle::from(&pk) else { panic!("a hash handle") };
        use sha3::Digest;
        let expected: [u8; 32] = sha3::Sha3_256::digest([ML_DSA_65_HANDLE_DOMAIN, pk.key_data()].concat()).into();
        assert_eq!(hash, expected);
    }

    #[test]
    fn bad_text_is_a_clear_error() {
        assert_eq!("rsa:abc".parse::<PublicKey>(), Err(ParseKeyError::UnknownKeyType("rsa".into())));
        assert!(matches!("ed25519:abc".parse::<PublicKey>(), Err(ParseKeyError::Length { expected: 32, .. })));
    }
}
