//! [`TestEnv`]: a single-shard chain in process. Each block applies the transactions given to
//! it and the receipts the previous block sent, through [`node_runtime::Runtime::apply`]
//! (which runs the balance checker on every chunk), and stores the new state root.

use crate::HarnessError;
use crate::genesis::{GenesisAccount, signer_key, write_genesis};
use crate::head::ChainHead;
use crate::result::TxResult;
use near_parameters::RuntimeConfig;
use near_primitives::account::{AccessKey, Account};
use near_primitives::action::Action;
use near_primitives::crypto::{PublicKey, SecretKey};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::Receipt;
use near_primitives::transaction::{
    ExecutionOutcome, ExecutionOutcomeWithId, NonceMode, SignedTransaction, Transaction, TransactionVersion,
};
use near_primitives::types::{AccountId, Balance, BlockHeight, Gas, Nonce, StateRoot};
use near_store::{EMPTY_ROOT, Store, Trie, TrieUpdate};
use node_runtime::state_viewer::{self, ViewResult};
use node_runtime::{ApplyState, ApplyStats, DEFAULT_CHUNK_GAS_LIMIT, DEFAULT_GAS_PRICE, Runtime};
use std::collections::HashMap;
use std::sync::Arc;

/// What one block did.
#[derive(Debug, Clone)]
pub struct BlockResult {
    /// The block's height.
    pub height: BlockHeight,
    /// The state root after it.
    pub state_root: StateRoot,
    /// Outcomes of its transactions and executed receipts, in execution order.
    pub outcomes: Vec<ExecutionOutcomeWithId>,
    /// Receipts it sent to the next block.
    pub outgoing_receipts: usize,
    /// Receipts waiting in the delayed queue after it.
    pub delayed_receipts: u64,
    /// The chunk's counters.
    pub stats: ApplyStats,
}

/// How to build a [`TestEnv`].
pub struct TestEnvBuilder {
    accounts: Vec<GenesisAccount>,
    config: RuntimeConfig,
    store: Option<Store>,
    gas_limit: Gas,
    gas_price: Balance,
    runtime: Option<Runtime>,
}

impl TestEnvBuilder {
    /// Adds a genesis account.
    pub fn account(mut self, account: GenesisAccount) -> Self {
        self.accounts.push(account);
        self
    }

    /// Uses `config` (default: [`RuntimeConfig::test`], mainnet values with a 10-block yield
    /// timeout).
    pub fn config(mut self, config: RuntimeConfig) -> Self {
        self.config = config;
        self
    }

    /// Uses `store` (default: in memory).
    pub fn store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// The compute each chunk may spend before delaying receipts.
    pub fn gas_limit(mut self, gas_limit: Gas) -> Self {
        self.gas_limit = gas_limit;
        self
    }

    /// The gas price of every block.
    pub fn gas_price(mut self, gas_price: Balance) -> Self {
        self.gas_price = gas_price;
        self
    }

    /// Applies blocks with `runtime` (default: [`Runtime::new`]), e.g. one whose runner has
    /// smaller instance pools.
    pub fn runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// Writes genesis and returns the chain at height 0.
    ///
    /// # Errors
    /// The engine or the store failed.
    pub fn build(self) -> Result<TestEnv, HarnessError> {
        let store = self.store.unwrap_or_else(Store::memory);
        let mut state = TrieUpdate::new(store.trie(EMPTY_ROOT));
        write_genesis(&self.config, &mut state, &self.accounts);
        let changes = state.finalize()?;
        let head = ChainHead { height: 0, state_root: changes.new_root, pending_receipts: Vec::new() };
        head.commit_with(&store, &changes)?;
        let runtime = match self.runtime {
            Some(runtime) => runtime,
            None => Runtime::new()?,
        };
        Ok(TestEnv {
            runtime,
            store,
            state_root: changes.new_root,
            height: 0,
            config: Arc::new(self.config),
            gas_limit: self.gas_limit,
            gas_price: self.gas_price,
            pending_receipts: Vec::new(),
            outcomes: HashMap::new(),
            last_nonce: HashMap::new(),
        })
    }
}

/// A chain in process, for tests and the scenario runner.
pub struct TestEnv {
    runtime: Runtime,
    store: Store,
    state_root: StateRoot,
    height: BlockHeight,
    config: Arc<RuntimeConfig>,
    gas_limit: Gas,
    gas_price: Balance,
    pending_receipts: Vec<Receipt>,
    outcomes: HashMap<CryptoHash, ExecutionOutcome>,
    last_nonce: HashMap<(AccountId, PublicKey), Nonce>,
}

impl TestEnv {
    /// A builder with no accounts, the test config, an in-memory store.
    pub fn builder() -> TestEnvBuilder {
        TestEnvBuilder {
            accounts: Vec::new(),
            config: RuntimeConfig::test(),
            store: None,
            gas_limit: DEFAULT_CHUNK_GAS_LIMIT,
            gas_price: DEFAULT_GAS_PRICE,
            runtime: None,
        }
    }

    /// The height of the last block.
    pub fn height(&self) -> BlockHeight {
        self.height
    }

    /// The current state root.
    pub fn state_root(&self) -> StateRoot {
        self.state_root
    }

    /// The parameters.
    pub fn config(&self) -> &Arc<RuntimeConfig> {
        &self.config
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The trie at the current root.
    pub fn trie(&self) -> Trie {
        self.store.trie(self.state_root)
    }

    /// Receipts waiting for the next block.
    pub fn pending_receipts(&self) -> &[Receipt] {
        &self.pending_receipts
    }

    /// Adds `receipts` to those the next block applies, as if another shard had sent them
    /// (fuzzing and tests of incoming receipts).
    pub fn queue_receipts(&mut self, receipts: impl IntoIterator<Item = Receipt>) {
        self.pending_receipts.extend(receipts);
    }

    /// Forgets the outcomes recorded so far (their transactions' results can no longer be
    /// looked up): long runs call it so the harness's memory stays flat.
    pub fn clear_outcomes(&mut self) {
        self.outcomes.clear();
    }

    /// Keeps only the receipts for the next block that `keep` accepts (e.g. dropping one a
    /// fuzz test forged after the node refused it).
    pub fn retain_pending_receipts(&mut self, keep: impl FnMut(&Receipt) -> bool) {
        self.pending_receipts.retain(keep);
    }

    /// Whether anything is still in flight: receipts for the next block, receipts in the
    /// delayed queue, or yielded receipts waiting for a resume or their timeout.
    ///
    /// # Errors
    /// Storage faults.
    pub fn has_pending_work(&self) -> Result<bool, HarnessError> {
        if !self.pending_receipts.is_empty() {
            return Ok(true);
        }
        let state = TrieUpdate::new(self.trie());
        let indices: Option<near_primitives::receipt::DelayedReceiptIndices> =
            near_store::utils::get(&state, &near_primitives::trie_key::TrieKey::DelayedReceiptIndices)?;
        if indices.is_some_and(|i| !i.is_empty()) {
            return Ok(true);
        }
        let yields = state.trie().iter_prefix(&[near_primitives::trie_key::col::PROMISE_YIELD_RECEIPT])?;
        Ok(yields.into_iter().next().is_some())
    }

    /// The apply state of block `height`.
    pub fn apply_state(&self, height: BlockHeight) -> ApplyState {
        let mut apply_state = ApplyState::new(height, self.config.clone());
        apply_state.gas_limit = self.gas_limit;
        apply_state.gas_price = self.gas_price;
        apply_state
    }

    /// Signs a transaction from `signer_id` (with its derived key) with the next nonce.
    ///
    /// # Errors
    /// Storage faults.
    pub fn sign(
        &mut self,
        signer_id: &AccountId,
        receiver_id: &AccountId,
        actions: Vec<Action>,
    ) -> Result<SignedTransaction, HarnessError> {
        self.sign_with_key(&signer_key(signer_id), signer_id, receiver_id, actions)
    }

    /// Signs a transaction from `signer_id` with `secret` (any key, e.g. a function-call key
    /// the test added) and the key's next nonce.
    ///
    /// # Errors
    /// Storage faults.
    pub fn sign_with_key(
        &mut self,
        secret: &SecretKey,
        signer_id: &AccountId,
        receiver_id: &AccountId,
        actions: Vec<Action>,
    ) -> Result<SignedTransaction, HarnessError> {
        let public_key = secret.public_key();
        let stored = self.access_key(signer_id, &public_key)?.map_or(0, |key| key.nonce);
        let slot = self.last_nonce.entry((signer_id.clone(), public_key.clone())).or_insert(0);
        let nonce = stored.max(*slot) + 1;
        *slot = nonce;
        Ok(self.signed(secret, (signer_id, receiver_id), actions, nonce, TransactionVersion::V0))
    }

    /// `actions` from `signer_id` to `receiver_id` with `nonce` and `version`, on the current
    /// block, signed with `secret`.
    fn signed(
        &self,
        secret: &SecretKey,
        (signer_id, receiver_id): (&AccountId, &AccountId),
        actions: Vec<Action>,
        nonce: u64,
        version: TransactionVersion,
    ) -> SignedTransaction {
        let transaction = Transaction {
            signer_id: signer_id.clone(),
            public_key: secret.public_key(),
            nonce,
            receiver_id: receiver_id.clone(),
            block_hash: CryptoHash::hash_bytes(&self.height.to_le_bytes()),
            actions,
            version,
        };
        transaction.sign(secret)
    }

    /// Signs a transaction from the uninitialized universal account `account_id` to itself
    /// with `secret` (a key its state init commits to) at the account's next bootstrap nonce (1
    /// if it has none).
    ///
    /// # Errors
    /// Storage faults.
    pub fn sign_bootstrap(
        &mut self,
        secret: &SecretKey,
        account_id: &AccountId,
        actions: Vec<Action>,
    ) -> Result<SignedTransaction, HarnessError> {
        let nonce = self.view_account(account_id)?.and_then(|account| account.bootstrap_nonce).unwrap_or(0) + 1;
        Ok(self.signed(secret, (account_id, account_id), actions, nonce, TransactionVersion::V0))
    }

    /// Signs a V1 transaction from `signer_id` with the gas key `secret` at nonce `nonce_index`
    /// (the next nonce there; 1 if the key has no such nonce).
    ///
    /// # Errors
    /// Storage faults.
    pub fn sign_with_gas_key(
        &mut self,
        secret: &SecretKey,
        nonce_index: u16,
        signer_id: &AccountId,
        receiver_id: &AccountId,
        actions: Vec<Action>,
    ) -> Result<SignedTransaction, HarnessError> {
        let update = near_store::TrieUpdate::new(self.trie());
        let stored =
            near_store::utils::get_gas_key_nonce(&update, signer_id, &secret.public_key(), nonce_index)?.unwrap_or(0);
        let version = TransactionVersion::V1 { nonce_index: Some(nonce_index), nonce_mode: NonceMode::Strict };
        Ok(self.signed(secret, (signer_id, receiver_id), actions, stored + 1, version))
    }

    /// Produces the next block with `transactions` and the pending receipts.
    ///
    /// # Errors
    /// A node fault (including a balance mismatch) or a store failure.
    pub fn produce_block(&mut self, transactions: &[SignedTransaction]) -> Result<BlockResult, HarnessError> {
        let height = self.height + 1;
        let apply_state = self.apply_state(height);
        let incoming = std::mem::take(&mut self.pending_receipts);
        let result = match self.runtime.apply(self.trie(), &apply_state, transactions, &incoming) {
            Ok(result) => result,
            Err(error) => {
                // Nothing was committed: the receipts wait for the next attempt.
                self.pending_receipts = incoming;
                return Err(error.into());
            }
        };
        let head =
            ChainHead { height, state_root: result.state_root, pending_receipts: result.outgoing_receipts.clone() };
        head.commit_with(&self.store, &result.trie_changes)?;
        self.state_root = result.state_root;
        self.height = height;
        for outcome in &result.outcomes {
            self.outcomes.insert(outcome.id, outcome.outcome.clone());
        }
        let outgoing_receipts = result.outgoing_receipts.len();
        self.pending_receipts = result.outgoing_receipts;
        Ok(BlockResult {
            height,
            state_root: result.state_root,
            outcomes: result.outcomes,
            outgoing_receipts,
            delayed_receipts: result.delayed_receipts_count,
            stats: result.stats,
        })
    }

    /// Continues this chain on `store`, which holds the same chain up to this env's head (a
    /// RocksDB store written by an earlier process that this env replayed in memory): later
    /// blocks are written there. Outcomes, nonces and pending receipts stay this env's.
    ///
    /// # Errors
    /// [`HarnessError::HeadMismatch`] if `store`'s head is not this env's height and root.
    pub fn switch_store(&mut self, store: Store) -> Result<(), HarnessError> {
        let head = ChainHead::read(&store)?;
        match head {
            Some(head) if head.height == self.height && head.state_root == self.state_root => {
                self.store = store;
                Ok(())
            }
            other => Err(HarnessError::HeadMismatch {
                expected: format!("height {} root {}", self.height, self.state_root),
                found: other.map_or("no head".into(), |h| format!("height {} root {}", h.height, h.state_root)),
            }),
        }
    }

    /// Produces `count` blocks without transactions.
    ///
    /// # Errors
    /// As [`TestEnv::produce_block`].
    pub fn produce_blocks(&mut self, count: u64) -> Result<Vec<BlockResult>, HarnessError> {
        (0..count).map(|_| self.produce_block(&[])).collect()
    }

    /// The result so far of the transaction with `hash`.
    pub fn tx_result(&self, hash: &CryptoHash) -> Option<TxResult> {
        let outcome = self.outcomes.get(hash)?;
        Some(TxResult::collect(ExecutionOutcomeWithId { id: *hash, outcome: outcome.clone() }, &self.outcomes))
    }

    /// The outcome of a transaction or receipt.
    pub fn outcome(&self, id: &CryptoHash) -> Option<&ExecutionOutcome> {
        self.outcomes.get(id)
    }

    /// Submits `transaction` in the next block and produces blocks until every receipt it
    /// caused has executed (at most `max_blocks`).
    ///
    /// # Errors
    /// A node fault, or `NotFinal` if receipts are still pending after `max_blocks`.
    pub fn execute(&mut self, transaction: SignedTransaction, max_blocks: u64) -> Result<TxResult, HarnessError> {
        let hash = transaction.get_hash();
        self.produce_block(&[transaction])?;
        for _ in 0..max_blocks {
            let result = self.tx_result(&hash).ok_or(HarnessError::NotFinal { blocks: 0 })?;
            if result.complete {
                return Ok(result);
            }
            self.produce_block(&[])?;
        }
        match self.tx_result(&hash) {
            Some(result) if result.complete => Ok(result),
            _ => Err(HarnessError::NotFinal { blocks: max_blocks }),
        }
    }

    /// Signs and executes `actions` from `signer_id` to `receiver_id` (up to 100 blocks).
    ///
    /// # Errors
    /// As [`TestEnv::execute`].
    pub fn transact(
        &mut self,
        signer_id: &AccountId,
        receiver_id: &AccountId,
        actions: Vec<Action>,
    ) -> Result<TxResult, HarnessError> {
        let transaction = self.sign(signer_id, receiver_id, actions)?;
        self.execute(transaction, 100)
    }

    /// An account record.
    ///
    /// # Errors
    /// Storage faults.
    pub fn view_account(&self, account_id: &AccountId) -> Result<Option<Account>, HarnessError> {
        Ok(state_viewer::view_account(&self.trie(), account_id)?)
    }

    /// An account's liquid balance (0 if it does not exist).
    ///
    /// # Errors
    /// Storage faults.
    pub fn balance(&self, account_id: &AccountId) -> Result<Balance, HarnessError> {
        Ok(self.view_account(account_id)?.map_or(0, |account| account.amount))
    }

    /// An access key.
    ///
    /// # Errors
    /// Storage faults.
    pub fn access_key(
        &self,
        account_id: &AccountId,
        public_key: &PublicKey,
    ) -> Result<Option<AccessKey>, HarnessError> {
        Ok(state_viewer::view_access_key(&self.trie(), account_id, public_key)?)
    }

    /// Contract storage of `account_id` under `prefix`.
    ///
    /// # Errors
    /// Storage faults.
    pub fn view_state(&self, account_id: &AccountId, prefix: &[u8]) -> Result<Vec<near_store::KeyValue>, HarnessError> {
        Ok(state_viewer::view_state(&self.trie(), account_id, prefix)?)
    }

    /// Runs a view call at the current state.
    ///
    /// # Errors
    /// The call failed, or a node fault.
    pub fn view(&self, account_id: &AccountId, method_name: &str, args: &[u8]) -> Result<ViewResult, HarnessError> {
        let apply_state = self.apply_state(self.height);
        Ok(self.runtime.view_call(&self.trie(), &apply_state, account_id, method_name, args)?)
    }

    /// A view call with JSON arguments and a JSON result.
    ///
    /// # Errors
    /// As [`TestEnv::view`], or the result is not JSON of type `T`.
    pub fn view_json<T: serde::de::DeserializeOwned>(
        &self,
        account_id: &AccountId,
        method_name: &str,
        args: serde_json::Value,
    ) -> Result<T, HarnessError> {
        let result = self.view(account_id, method_name, args.to_string().as_bytes())?;
        Ok(serde_json::from_slice(&result.result)?)
    }
}
