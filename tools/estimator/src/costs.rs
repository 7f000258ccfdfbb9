//! What the estimator measures: each cost is a parameter of `parameters.yaml`, an operation and
//! a baseline that differ only by that parameter's unit of work, and the number of units the
//! difference contains.

use near_parameters::RuntimeConfig;
use near_parameters::cost::{ActionCosts, ExtCosts};

/// Whether a cost checks the estimator against a value nearcore set, or proposes a new value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A protocol 88 parameter (the value in `parameters.yaml` is nearcore's, proven equal by
    /// `nearcore-diff`): the estimate is compared with it.
    Validation,
    /// A protocol 88 parameter whose nearcore value prices more than the CPU work measured
    /// here (see docs/estimator.md): the estimate is shown next to it, not validated.
    Comparison,
    /// A NEP-481 parameter: the estimate, with nearcore's safety margin, becomes its value.
    Proposal,
}

/// A call of the parent contract's `method` with input (n, flag, a, b).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallArgs {
    /// Iterations.
    pub n: u64,
    /// 1 to perform the operation in each iteration, 0 for the bare loop.
    pub flag: u64,
    /// First operand (payload bytes, or which submodule).
    pub a: u64,
    /// Second operand (bytes the echo submodule answers with, or whether to store yield ids).
    pub b: u64,
}

impl CallArgs {
    /// The 32-byte input.
    pub fn input(&self) -> Vec<u8> {
        [self.n, self.flag, self.a, self.b].iter().flat_map(|v| v.to_le_bytes()).collect()
    }
}

/// A transaction's actions, all on the estimator account (sender is receiver).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionSet {
    /// DeployContract actions of the small (or big) module, each a new code.
    DeployContracts {
        /// Actions.
        count: u64,
        /// The big module instead of the small one.
        big: bool,
    },
    /// DeploySubmodule actions under keys `k0`.., each a new code.
    DeploySubmodules {
        /// Actions.
        count: u64,
        /// The big module instead of the small one.
        big: bool,
    },
    /// RemoveSubmodule actions of keys `k0`.. (deployed by the preparation).
    RemoveSubmodules {
        /// Actions.
        count: u64,
    },
}

/// The measured transaction of one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A function call of the parent.
    Call {
        /// The parent's method.
        method: &'static str,
        /// Its input.
        args: CallArgs,
        /// The count it must return.
        expect: u64,
    },
    /// A transaction of actions.
    Actions(ActionSet),
}

/// What runs, unmeasured, before each measured transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prepare {
    /// Nothing.
    Nothing,
    /// Yields whose data ids are stored under keys 0..n (for resumes).
    StoreYields {
        /// Yields.
        n: u64,
    },
    /// Small submodules under keys `k0`.. (for removals).
    DeploySubmodules {
        /// Submodules.
        count: u64,
    },
}

/// How many units of the parameter the operation does beyond the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// A fixed count (calls, actions, bytes).
    Fixed(u64),
    /// Bytes: `count` times the size difference between the big and the small submodule.
    CodeBytes {
        /// Modules deployed or started.
        count: u64,
    },
    /// Wasm operations: the difference in burnt gas divided by `regular_op_cost`.
    WasmOps,
}

/// One estimated cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// The parameter's name in `parameters.yaml`.
    pub name: &'static str,
    /// Validation or proposal.
    pub role: Role,
    /// Before each measured transaction.
    pub prepare: Prepare,
    /// The operation.
    pub op: Work,
    /// The baseline.
    pub base: Work,
    /// Units of the parameter in `op` minus `base`.
    pub units: Units,
}

impl Cost {
    /// The parameter's current value in `config` (for action fees: send plus execution, the
    /// total a sender-is-receiver action pays, which is what a measured block contains).
    pub fn current_value(&self, config: &RuntimeConfig) -> u64 {
        let ext = |cost: ExtCosts| config.wasm_config.ext_costs.gas_cost(cost);
        let action = |cost: ActionCosts| {
            let fee = config.fees.fee(cost);
            fee.send_sir + fee.execution
        };
        match self.name {
            "wasm_regular_op_cost" => u64::from(config.wasm_config.regular_op_cost),
            "wasm_sha256_base" => ext(ExtCosts::sha256_base),
            "wasm_sha256_byte" => ext(ExtCosts::sha256_byte),
            "wasm_yield_create_base" => ext(ExtCosts::yield_create_base),
            "wasm_yield_create_byte" => ext(ExtCosts::yield_create_byte),
            "wasm_yield_resume_base" => ext(ExtCosts::yield_resume_base),
            "wasm_yield_resume_byte" => ext(ExtCosts::yield_resume_byte),
            "wasm_submodule_start_base" => ext(ExtCosts::submodule_start_base),
            "wasm_submodule_start_byte" => ext(ExtCosts::submodule_start_byte),
            "wasm_submodule_resume_base" => ext(ExtCosts::submodule_resume_base),
            "wasm_submodule_resume_byte" => ext(ExtCosts::submodule_resume_byte),
            "wasm_submodule_callback_byte" => ext(ExtCosts::submodule_callback_byte),
            "action_deploy_contract" => action(ActionCosts::deploy_contract_base),
            "action_deploy_contract_per_byte" => action(ActionCosts::deploy_contract_byte),
            "action_deploy_submodule" => action(ActionCosts::deploy_submodule_base),
            "action_deploy_submodule_per_byte" => action(ActionCosts::deploy_submodule_byte),
            "action_remove_submodule" => action(ActionCosts::remove_submodule_base),
            other => unreachable!("every cost in COSTS has a parameter: {other}"),
        }
    }
}

const fn call(method: &'static str, n: u64, flag: u64, a: u64, b: u64, expect: u64) -> Work {
    Work::Call { method, args: CallArgs { n, flag, a, b }, expect }
}

/// Payload size of the per-byte host-function costs (16 KiB).
pub const BIG_PAYLOAD: u64 = 16_384;
/// NEP-519's payload limit, the size of the resume per-byte cost.
pub const YIELD_PAYLOAD: u64 = 1_024;
/// Size units (≈ 1 KiB of code plus 1 KiB of data each) of the big submodule.
pub const BIG_UNITS: usize = 64;

/// Every cost the estimator knows, validation costs first.
pub const COSTS: &[Cost] = &[
    Cost {
        name: "wasm_regular_op_cost",
        role: Role::Validation,
        prepare: Prepare::Nothing,
        op: call("ops", 20_000, 1, 0, 0, 20_000),
        base: call("ops", 20_000, 0, 0, 0, 20_000),
        units: Units::WasmOps,
    },
    Cost {
        name: "wasm_sha256_base",
        role: Role::Validation,
        prepare: Prepare::Nothing,
        op: call("sha256", 100, 1, 0, 0, 100),
        base: call("sha256", 100, 0, 0, 0, 0),
        units: Units::Fixed(100),
    },
    Cost {
        name: "wasm_sha256_byte",
        role: Role::Validation,
        prepare: Prepare::Nothing,
        op: call("sha256", 20, 1, BIG_PAYLOAD, 0, 20),
        base: call("sha256", 20, 1, 0, 0, 20),
        units: Units::Fixed(20 * BIG_PAYLOAD),
    },
    Cost {
        name: "wasm_yield_create_base",
        role: Role::Validation,
        prepare: Prepare::Nothing,
        op: call("yield_create", 20, 1, 0, 0, 20),
        base: call("yield_create", 20, 0, 0, 0, 0),
        units: Units::Fixed(20),
    },
    Cost {
        name: "wasm_yield_create_byte",
        role: Role::Validation,
        prepare: Prepare::Nothing,
        op: call("yield_create", 20, 1, BIG_PAYLOAD, 0, 20),
        base: call("yield_create", 20, 1, 0, 0, 20),
        units: Units::Fixed(20 * BIG_PAYLOAD),
    },
    Cost {
        name: "wasm_yield_resume_base",
        role: Role::Comparison,
        prepare: Prepare::StoreYields { n: 100 },
        op: call("yield_resume", 100, 1, 0, 0, 100),
        base: call("yield_resume", 100, 0, 0, 0, 0),
        units: Units::Fixed(100),
    },
    Cost {
        name: "wasm_yield_resume_byte",
        role: Role::Comparison,
        prepare: Prepare::StoreYields { n: 100 },
        op: call("yield_resume", 100, 1, YIELD_PAYLOAD, 0, 100),
        base: call("yield_resume", 100, 1, 0, 0, 100),
        units: Units::Fixed(100 * YIELD_PAYLOAD),
    },
    Cost {
        name: "action_deploy_contract",
        role: Role::Comparison,
        prepare: Prepare::Nothing,
        op: Work::Actions(ActionSet::DeployContracts { count: 5, big: false }),
        base: Work::Actions(ActionSet::DeployContracts { count: 1, big: false }),
        units: Units::Fixed(4),
    },
    Cost {
        name: "action_deploy_contract_per_byte",
        role: Role::Validation,
        prepare: Prepare::Nothing,
        op: Work::Actions(ActionSet::DeployContracts { count: 2, big: true }),
        base: Work::Actions(ActionSet::DeployContracts { count: 2, big: false }),
        units: Units::CodeBytes { count: 2 },
    },
    Cost {
        name: "wasm_submodule_start_base",
        role: Role::Proposal,
        prepare: Prepare::Nothing,
        op: call("start", 20, 1, 0, 0, 20),
        base: call("start", 20, 0, 0, 0, 0),
        units: Units::Fixed(20),
    },
    Cost {
        name: "wasm_submodule_start_byte",
        role: Role::Proposal,
        prepare: Prepare::Nothing,
        op: call("start", 20, 1, 1, 0, 20),
        base: call("start", 20, 1, 0, 0, 20),
        units: Units::CodeBytes { count: 20 },
    },
    Cost {
        name: "wasm_submodule_resume_base",
        role: Role::Proposal,
        prepare: Prepare::Nothing,
        op: call("resume", 100, 1, 0, 0, 100),
        base: call("resume", 100, 0, 0, 0, 0),
        units: Units::Fixed(100),
    },
    Cost {
        name: "wasm_submodule_resume_byte",
        role: Role::Proposal,
        prepare: Prepare::Nothing,
        op: call("resume", 50, 1, BIG_PAYLOAD, 0, 50),
        base: call("resume", 50, 1, 0, 0, 50),
        units: Units::Fixed(50 * BIG_PAYLOAD),
    },
    Cost {
        name: "wasm_submodule_callback_byte",
        role: Role::Proposal,
        prepare: Prepare::Nothing,
        op: call("resume", 50, 1, 8, BIG_PAYLOAD, 50),
        base: call("resume", 50, 1, 8, 0, 50),
        units: Units::Fixed(50 * BIG_PAYLOAD),
    },
    Cost {
        name: "action_deploy_submodule",
        role: Role::Proposal,
        prepare: Prepare::Nothing,
        op: Work::Actions(ActionSet::DeploySubmodules { count: 5, big: false }),
        base: Work::Actions(ActionSet::DeploySubmodules { count: 1, big: false }),
        units: Units::Fixed(4),
    },
    Cost {
        name: "action_deploy_submodule_per_byte",
        role: Role::Proposal,
        prepare: Prepare::Nothing,
        op: Work::Actions(ActionSet::DeploySubmodules { count: 2, big: true }),
        base: Work::Actions(ActionSet::DeploySubmodules { count: 2, big: false }),
        units: Units::CodeBytes { count: 2 },
    },
    Cost {
        name: "action_remove_submodule",
        role: Role::Proposal,
        prepare: Prepare::DeploySubmodules { count: 5 },
        op: Work::Actions(ActionSet::RemoveSubmodules { count: 5 }),
        base: Work::Actions(ActionSet::RemoveSubmodules { count: 1 }),
        units: Units::Fixed(4),
    },
];

/// The cost named `name`.
pub fn find(name: &str) -> Option<&'static Cost> {
    COSTS.iter().find(|cost| cost.name == name)
}
