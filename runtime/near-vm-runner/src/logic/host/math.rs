//! Hashing and signature host functions.

use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::MemSlice;
use near_parameters::ExtCosts;
use near_primitives::errors::HostError;
use sha2::Digest;

impl VMLogic {
    /// Hashes input (memory, or a register when `value_len == u64::MAX`) and writes the digest.
    fn hash_into_register<D: Digest>(
        &mut self,
        mem: &[u8],
        (value_len, value_ptr, register_id): (u64, u64, u64),
        (base_cost, per_byte): (ExtCosts, ExtCosts),
    ) -> Result<()> {
        self.gas_counter.pay_base(base_cost)?;
        let digest = self.with_memory_or_register(mem, MemSlice::new(value_len, value_ptr), |gas, value| {
            gas.pay_per(per_byte, value.len() as u64)?;
            Ok(D::digest(value))
        })?;
        self.internal_write_register(register_id, &digest)
    }

    /// sha256 of the input into a register.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `sha256_base + input cost + sha256_byte × len + write_register_base + write_register_byte × 32`
    pub fn sha256(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64, register_id: u64) -> Result<()> {
        self.hash_into_register::<sha2::Sha256>(
            mem,
            (value_len, value_ptr, register_id),
            (ExtCosts::sha256_base, ExtCosts::sha256_byte),
        )
    }

    /// keccak256 of the input into a register.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `keccak256_base + input cost + keccak256_byte × len + register write of 32 bytes`
    pub fn keccak256(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64, register_id: u64) -> Result<()> {
        self.hash_into_register::<sha3::Keccak256>(
            mem,
            (value_len, value_ptr, register_id),
            (ExtCosts::keccak256_base, ExtCosts::keccak256_byte),
        )
    }

    /// keccak512 of the input into a register.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `keccak512_base + input cost + keccak512_byte × len + register write of 64 bytes`
    pub fn keccak512(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64, register_id: u64) -> Result<()> {
        self.hash_into_register::<sha3::Keccak512>(
            mem,
            (value_len, value_ptr, register_id),
            (ExtCosts::keccak512_base, ExtCosts::keccak512_byte),
        )
    }

    /// sha3-256 of the input into a register (gated by `sha3_host_fns`).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `sha3_256_base + input cost + sha3_256_byte × len + register write of 32 bytes`
    pub fn sha3_256(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64, register_id: u64) -> Result<()> {
        self.hash_into_register::<sha3::Sha3_256>(
            mem,
            (value_len, value_ptr, register_id),
            (ExtCosts::sha3_256_base, ExtCosts::sha3_256_byte),
        )
    }

    /// sha3-384 of the input into a register (gated by `sha3_host_fns`).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `sha3_384_base + input cost + sha3_384_byte × len + register write of 48 bytes`
    pub fn sha3_384(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64, register_id: u64) -> Result<()> {
        self.hash_into_register::<sha3::Sha3_384>(
            mem,
            (value_len, value_ptr, register_id),
            (ExtCosts::sha3_384_base, ExtCosts::sha3_384_byte),
        )
    }

    /// sha3-512 of the input into a register (gated by `sha3_host_fns`).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `sha3_512_base + input cost + sha3_512_byte × len + register write of 64 bytes`
    pub fn sha3_512(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64, register_id: u64) -> Result<()> {
        self.hash_into_register::<sha3::Sha3_512>(
            mem,
            (value_len, value_ptr, register_id),
            (ExtCosts::sha3_512_base, ExtCosts::sha3_512_byte),
        )
    }

    /// ripemd160 of the input into a register.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `IntegerOverflow`, gas.
    ///
    /// # Cost
    /// `ripemd160_base + input cost + ripemd160_block × ((len + 9).div_ceil(64)) + register write of 20 bytes`
    pub fn ripemd160(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64, register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::ripemd160_base)?;
        let digest = self.with_memory_or_register(mem, MemSlice::new(value_len, value_ptr), |gas, value| {
            // Padding adds a 0x80 byte and an 8-byte length: the number of 64-byte blocks hashed.
            let blocks = (value.len() as u64).checked_add(9).ok_or(HostError::IntegerOverflow)?.div_ceil(64);
            gas.pay_per(ExtCosts::ripemd160_block, blocks)?;
            Ok(ripemd::Ripemd160::digest(value))
        })?;
        self.internal_write_register(register_id, &digest)
    }

    /// The message of a signature check, charged `per_byte` per byte, then the public key: the
    /// order every verification reads them in, after its signature (each checks that itself).
    fn message_and_key(
        &mut self,
        mem: &[u8],
        message: MemSlice,
        per_byte: ExtCosts,
        public_key: MemSlice,
    ) -> Result<(Vec<u8>, Vec<u8>)> {
        let message = self.get_memory_or_register(mem, message)?;
        self.gas_counter.pay_per(per_byte, message.len() as u64)?;
        Ok((message, self.get_memory_or_register(mem, public_key)?))
    }

    /// Verifies a P-256 (secp256r1) ECDSA signature over a caller-computed prehash: 1 if valid,
    /// 0 if not. The signature is raw `r ‖ s` (64 bytes), the key compressed SEC1 (33 bytes);
    /// low-S is not required. A signature whose `r` or `s` is out of range is 0 before the
    /// message and key are read.
    ///
    /// # Errors
    /// `P256VerifyInvalidInput` for a signature not 64 bytes or a key not 33 bytes;
    /// `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `p256_verify_base + input costs + p256_verify_byte × message length`
    pub fn p256_verify(
        &mut self,
        mem: &mut [u8],
        signature: MemSlice,
        message: MemSlice,
        public_key: MemSlice,
    ) -> Result<u64> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let invalid = |msg: &str| HostError::P256VerifyInvalidInput { msg: msg.to_string() };
        self.gas_counter.pay_base(ExtCosts::p256_verify_base)?;
        let signature = self.get_memory_or_register(mem, signature)?;
        if signature.len() != 64 {
            return Err(invalid("invalid signature length").into());
        }
        let Ok(signature) = p256::ecdsa::Signature::from_slice(&signature) else { return Ok(0) };
        let (message, public_key) = self.message_and_key(mem, message, ExtCosts::p256_verify_byte, public_key)?;
        if public_key.len() != 33 {
            return Err(invalid("invalid public key length").into());
        }
        let Ok(key) = p256::ecdsa::VerifyingKey::from_sec1_bytes(&public_key) else { return Ok(0) };
        Ok(u64::from(key.verify_prehash(&message, &signature).is_ok()))
    }

    /// Verifies an ML-DSA-65 (FIPS 204) signature of a message (not pre-hashed, empty context)
    /// under a raw 1952-byte public key: 1 if valid, 0 if not. Verification is aws-lc's, as in
    /// nearcore.
    ///
    /// # Errors
    /// `MlDsaVerifyInvalidInput` for a signature not 3309 bytes (checked when read, before the
    /// message) or a key not 1952 bytes; `MemoryAccessViolation`, `InvalidRegisterId`, gas.
    ///
    /// # Cost
    /// `ml_dsa_verify_base + input costs + ml_dsa_verify_byte × message length`
    pub fn ml_dsa_verify(
        &mut self,
        mem: &mut [u8],
        signature: MemSlice,
        message: MemSlice,
        public_key: MemSlice,
    ) -> Result<u64> {
        const SIGNATURE: usize = 3309;
        const PUBLIC_KEY: usize = 1952;
        let invalid = |what: &str, expected: usize, received: usize| HostError::MlDsaVerifyInvalidInput {
            msg: format!("invalid {what} length: expected the input of {expected} bytes, but {received} was given"),
        };
        self.gas_counter.pay_base(ExtCosts::ml_dsa_verify_base)?;
        let signature = self.get_memory_or_register(mem, signature)?;
        if signature.len() != SIGNATURE {
            return Err(invalid("signature", SIGNATURE, signature.len()).into());
        }
        let (message, public_key) = self.message_and_key(mem, message, ExtCosts::ml_dsa_verify_byte, public_key)?;
        if public_key.len() != PUBLIC_KEY {
            return Err(invalid("key", PUBLIC_KEY, public_key.len()).into());
        }
        let key = aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::ML_DSA_65, &public_key);
        Ok(u64::from(key.verify(&message, &signature).is_ok()))
    }

    /// Verifies an ed25519 signature: 1 if valid, 0 if not.
    ///
    /// # Errors
    /// `Ed25519VerifyInvalidInput` for a signature not 64 bytes or a key not 32 bytes;
    /// `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `ed25519_verify_base + input costs + ed25519_verify_byte × message length`
    pub fn ed25519_verify(
        &mut self,
        mem: &mut [u8],
        signature: MemSlice,
        message: MemSlice,
        public_key: MemSlice,
    ) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::ed25519_verify_base)?;
        let invalid = |msg: &str| HostError::Ed25519VerifyInvalidInput { msg: msg.to_string() };
        let signature = self.get_memory_or_register(mem, signature)?;
        let signature: [u8; 64] = signature.try_into().map_err(|_| invalid("invalid signature length"))?;
        let (message, public_key) = self.message_and_key(mem, message, ExtCosts::ed25519_verify_byte, public_key)?;
        let public_key: [u8; 32] = public_key.try_into().map_err(|_| invalid("invalid public key length"))?;
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&public_key) else { return Ok(0) };
        let signature = ed25519_dalek::Signature::from_bytes(&signature);
        Ok(u64::from(key.verify_strict(&message, &signature).is_ok()))
    }
}

impl VMLogic {
    /// Recovers the secp256k1 public key (64 bytes, uncompressed without the 0x04 prefix) that
    /// signed a 32-byte hash; returns 1 with the key in the register, or 0 if it cannot be
    /// recovered (or the signature is malleable while `malleability_flag` is 1).
    ///
    /// # Errors
    /// `ECRecoverError` for a signature not 64 bytes, a hash not 32 bytes, `v` above 3 or a
    /// malleability flag other than 0 or 1; `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `ecrecover_base + input costs + register write of 64 bytes on success`
    pub fn ecrecover(
        &mut self,
        mem: &mut [u8],
        hash: MemSlice,
        sig: MemSlice,
        (v, malleability_flag): (u64, u64),
        register_id: u64,
    ) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::ecrecover_base)?;
        let error = |msg: String| HostError::ECRecoverError { msg };
        let signature = self.get_memory_or_register(mem, sig)?;
        if signature.len() != 64 {
            return Err(error(format!(
                "The length of the signature: {}, exceeds the limit of 64 bytes",
                signature.len()
            ))
            .into());
        }
        if v > 3 {
            return Err(error(format!("V recovery byte 0 through 3 are valid but was provided {v}")).into());
        }
        let hash = self.get_memory_or_register(mem, hash)?;
        if hash.len() != 32 {
            return Err(error(format!("The length of the hash: {}, exceeds the limit of 32 bytes", hash.len())).into());
        }
        if malleability_flag > 1 {
            return Err(
                error(format!("Malleability flag needs to be 0 or 1, but is instead {malleability_flag}")).into()
            );
        }
        let Ok(parsed) = k256::ecdsa::Signature::from_slice(&signature) else { return Ok(0) };
        if malleability_flag == 1 && parsed.normalize_s().is_some() {
            // A high `s` is the malleable twin of a valid signature.
            return Ok(0);
        }
        let recovery_byte = u8::try_from(v)
            .map_err(|_| error(format!("V recovery byte 0 through 3 are valid but was provided {v}")))?;
        let Some(recovery_id) = k256::ecdsa::RecoveryId::from_byte(recovery_byte) else { return Ok(0) };
        let Ok(key) = k256::ecdsa::VerifyingKey::recover_from_prehash(&hash, &parsed, recovery_id) else {
            return Ok(0);
        };
        let encoded = key.to_encoded_point(false);
        self.internal_write_register(register_id, &encoded.as_bytes()[1..])?;
        Ok(1)
    }
}
