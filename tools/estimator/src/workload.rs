//! A chain to measure on: the estimator account with the parent contract and its submodules,
//! and the transactions of each variant. Only the block that applies the measured transaction
//! is measured; preparation and the blocks that drain what it left (callbacks, yield
//! timeouts) are not.

use crate::EstimatorError;
use crate::contracts;
use crate::costs::{ActionSet, BIG_UNITS, Prepare, Work};
use integration_tests::{GenesisAccount, NEAR, TestEnv};
use near_parameters::RuntimeConfig;
use near_primitives::action::{
    Action, DeployContractAction, DeploySubmoduleAction, FunctionCallAction, RemoveSubmoduleAction,
};
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::{ExecutionStatus, SignedTransaction};
use near_primitives::types::{AccountId, Gas};
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::{Compiler, PoolLimits};
use near_vm_runner::runner::{CHILD_POOL, CONTRACT_POOL};
use node_runtime::Runtime;

/// Gas attached to every measured call.
const CALL_GAS: Gas = 300_000_000_000_000;
/// Blocks allowed for draining what a measured block left behind.
const DRAIN_BLOCKS: u64 = 400;
/// Instance pool slots for contracts and for submodules: the production pools' settings
/// (static bounds, so the same compiled code) with fewer slots, because valgrind cannot map
/// the address space of 64 + 128 slots. The estimator runs one call at a time with at most
/// 8 live submodules.
const ESTIMATOR_POOLS: (PoolLimits, PoolLimits) =
    (PoolLimits { instances: 4, ..CONTRACT_POOL }, PoolLimits { instances: 12, ..CHILD_POOL });

/// The chain and the estimator account on it.
pub struct Bench {
    env: TestEnv,
    account: AccountId,
    salt: u64,
}

/// What a measured transaction did, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Gas burnt by the transaction and its first receipt (the measured block's work).
    pub gas_burnt: Gas,
}

impl Bench {
    /// A fresh chain with `config`: the estimator account holds the parent contract and the
    /// submodules `s` (small), `b` (big) and `e` (echo).
    ///
    /// # Errors
    /// A node fault or a failed setup transaction.
    pub fn new(config: RuntimeConfig) -> Result<Bench, EstimatorError> {
        let account: AccountId = "estimator.near".parse().map_err(|_| EstimatorError::Setup("account id".into()))?;
        let runner = ContractRunner::with_pools(Compiler::Winch, None, ESTIMATOR_POOLS.0, ESTIMATOR_POOLS.1)
            .map_err(|e| EstimatorError::Setup(e.to_string()))?;
        let env = TestEnv::builder()
            .runtime(Runtime::with_runner(runner))
            .config(config)
            .account(GenesisAccount::new(account.clone(), 1_000_000 * NEAR))
            .build()?;
        let mut bench = Bench { env, account, salt: 1 };
        bench.transact_ok(vec![Action::DeployContract(DeployContractAction { code: contracts::parent() })])?;
        let children = [
            (contracts::SMALL_KEY, contracts::small_child(0)),
            (contracts::BIG_KEY, contracts::big_child(BIG_UNITS, 0)),
            (contracts::ECHO_KEY, contracts::echo_child()),
        ];
        let actions = children
            .into_iter()
            .map(|(key, code)| Action::DeploySubmodule(DeploySubmoduleAction { key: key.to_vec(), code }))
            .collect();
        bench.transact_ok(actions)?;
        Ok(bench)
    }

    /// Runs `prepare`, unmeasured, and drains the chain.
    ///
    /// # Errors
    /// A node fault or a failed preparation.
    pub fn prepare(&mut self, prepare: Prepare) -> Result<(), EstimatorError> {
        match prepare {
            Prepare::Nothing => {}
            Prepare::StoreYields { n } => {
                let args = crate::costs::CallArgs { n, flag: 1, a: 0, b: 1 };
                let tx = self.sign(vec![function_call("yield_create", args.input())])?;
                let hash = tx.get_hash();
                self.env.produce_block(&[tx])?;
                self.check(&hash, &Work::Call { method: "yield_create", args, expect: n })?;
            }
            Prepare::DeploySubmodules { count } => {
                let actions = (0..count).map(|i| deploy_submodule(i, contracts::small_child(i))).collect();
                self.transact_ok(actions)?;
            }
        }
        Ok(())
    }

    /// Signs the transaction of `work` (each deployment gets new code).
    ///
    /// # Errors
    /// A storage fault.
    pub fn transaction(&mut self, work: &Work) -> Result<SignedTransaction, EstimatorError> {
        let actions = match *work {
            Work::Call { method, args, .. } => vec![function_call(method, args.input())],
            Work::Actions(set) => self.actions(set),
        };
        self.sign(actions)
    }

    /// Applies the next block with `tx` in it: the measured step.
    ///
    /// # Errors
    /// A node fault.
    pub fn apply(&mut self, tx: SignedTransaction) -> Result<(), EstimatorError> {
        self.env.produce_block(&[tx])?;
        Ok(())
    }

    /// Checks that the transaction `hash` executed in the last block and did `work`: its
    /// receipt succeeded, and a call returned the expected count.
    ///
    /// # Errors
    /// [`EstimatorError::Check`] saying what differs.
    pub fn check(&self, hash: &CryptoHash, work: &Work) -> Result<Checked, EstimatorError> {
        let result = self.env.tx_result(hash).ok_or_else(|| EstimatorError::Check("transaction not applied".into()))?;
        let receipt = result
            .receipts
            .first()
            .ok_or_else(|| EstimatorError::Check("receipt not executed in the measured block".into()))?;
        let gas_burnt = result.transaction.outcome.gas_burnt + receipt.outcome.gas_burnt;
        match (&receipt.outcome.status, work) {
            (ExecutionStatus::SuccessValue(value), Work::Call { expect, method, .. }) => {
                let count = <[u8; 8]>::try_from(value.as_slice()).ok().map(u64::from_le_bytes);
                if count != Some(*expect) {
                    return Err(EstimatorError::Check(format!("{method} returned {value:?}, expected count {expect}")));
                }
            }
            (ExecutionStatus::SuccessValue(_), Work::Actions(_)) => {}
            (status, _) => return Err(EstimatorError::Check(format!("receipt status {status:?}"))),
        }
        Ok(Checked { gas_burnt })
    }

    /// Produces empty blocks until nothing is in flight (callbacks, yields waiting for their
    /// timeout).
    ///
    /// # Errors
    /// A node fault, or work still pending after the limit.
    pub fn drain(&mut self) -> Result<(), EstimatorError> {
        for _ in 0..DRAIN_BLOCKS {
            if !self.env.has_pending_work()? {
                return Ok(());
            }
            self.env.produce_block(&[])?;
        }
        Err(EstimatorError::Check(format!("work still pending after {DRAIN_BLOCKS} blocks")))
    }

    fn actions(&mut self, set: ActionSet) -> Vec<Action> {
        let mut code = |big: bool| {
            self.salt += 1;
            if big { contracts::big_child(BIG_UNITS, self.salt) } else { contracts::small_child(self.salt) }
        };
        match set {
            ActionSet::DeployContracts { count, big } => {
                (0..count).map(|_| Action::DeployContract(DeployContractAction { code: code(big) })).collect()
            }
            ActionSet::DeploySubmodules { count, big } => (0..count).map(|i| deploy_submodule(i, code(big))).collect(),
            ActionSet::RemoveSubmodules { count } => {
                (0..count).map(|i| Action::RemoveSubmodule(RemoveSubmoduleAction { key: key(i) })).collect()
            }
        }
    }

    fn sign(&mut self, actions: Vec<Action>) -> Result<SignedTransaction, EstimatorError> {
        let account = self.account.clone();
        Ok(self.env.sign(&account, &account, actions)?)
    }

    fn transact_ok(&mut self, actions: Vec<Action>) -> Result<(), EstimatorError> {
        let account = self.account.clone();
        let result = self.env.transact(&account, &account, actions)?;
        if !result.is_success() {
            return Err(EstimatorError::Setup(format!("{:?}", result.status)));
        }
        self.drain()
    }
}

/// Key `k<i>` of the deployment and removal workloads.
fn key(i: u64) -> Vec<u8> {
    format!("k{i}").into_bytes()
}

fn deploy_submodule(i: u64, code: Vec<u8>) -> Action {
    Action::DeploySubmodule(DeploySubmoduleAction { key: key(i), code })
}

fn function_call(method: &str, args: Vec<u8>) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction { method_name: method.into(), args, gas: CALL_GAS, deposit: 0 }))
}
