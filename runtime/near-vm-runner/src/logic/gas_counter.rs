//! `GasCounter`: burnt and used gas of one contract execution, with a per-cost profile.
//!
//! *Burnt* gas is spent for good (wasm operations, host functions, send fees of new receipts).
//! *Used* gas is burnt gas plus gas set aside for receipts the contract creates (their prepaid
//! gas and execution fees), which is not burnt here. A charge that would push burnt gas over
//! `max_gas_burnt` fails with `GasLimitExceeded`; one that would push used gas over the prepaid
//! gas fails with `GasExceeded` (view calls have no prepaid gas and only the burnt limit). On
//! either failure the counters are clamped to the limit, so the outcome never reports more gas
//! than could be paid.

use near_parameters::{ActionCosts, ExtCosts, ExtCostsConfig};
use near_primitives::errors::HostError;

/// Why the counter refused a charge. Small and `Copy`, so the counter's results travel in a
/// register (every host function pays several times); it becomes the [`HostError`] of the same
/// name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GasError {
    /// Prepaid gas ran out.
    GasExceeded,
    /// The burnt-gas limit was reached.
    GasLimitExceeded,
    /// A charge overflowed `u64`.
    IntegerOverflow,
}

impl From<GasError> for HostError {
    fn from(error: GasError) -> HostError {
        match error {
            GasError::GasExceeded => HostError::GasExceeded,
            GasError::GasLimitExceeded => HostError::GasLimitExceeded,
            GasError::IntegerOverflow => HostError::IntegerOverflow,
        }
    }
}
use near_primitives::types::Gas;

/// Gas charged per cost, for outcomes' gas profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileData {
    /// Gas per host-function cost.
    pub ext: [Gas; ExtCosts::COUNT],
    /// Gas per action fee.
    pub actions: [Gas; ActionCosts::COUNT],
    /// Gas of wasm operations (the instrumentation's charges).
    pub wasm: Gas,
}

impl Default for ProfileData {
    fn default() -> Self {
        ProfileData { ext: [0; ExtCosts::COUNT], actions: [0; ActionCosts::COUNT], wasm: 0 }
    }
}

impl ProfileData {
    /// Non-zero entries as `(name, gas)`, wasm first, for display.
    pub fn nonzero_entries(&self) -> Vec<(&'static str, Gas)> {
        let mut entries = Vec::new();
        if self.wasm > 0 {
            entries.push(("WASM_INSTRUCTION", self.wasm));
        }
        entries.extend(
            ExtCosts::ALL.iter().filter(|c| self.ext[**c as usize] > 0).map(|c| (c.name(), self.ext[*c as usize])),
        );
        entries.extend(
            ActionCosts::ALL
                .iter()
                .filter(|c| self.actions[**c as usize] > 0)
                .map(|c| (c.name(), self.actions[*c as usize])),
        );
        entries
    }
}

/// What an execution may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasLimits {
    /// Gas attached to the call (ignored for view calls).
    pub prepaid_gas: Gas,
    /// `max_gas_burnt` (or `max_gas_burnt_view`).
    pub max_gas_burnt: Gas,
    /// Whether this is a view call.
    pub is_view: bool,
}

/// Counts the gas of one execution.
#[derive(Debug, Clone)]
pub struct GasCounter {
    burnt_gas: Gas,
    promises_gas: Gas,
    limits: GasLimits,
    /// The limit on used gas: `max_gas_burnt` for view calls, the prepaid gas otherwise
    /// (derived from `limits` once; every charge compares with it).
    used_limit: Gas,
    costs: ExtCostsConfig,
    profile: ProfileData,
}

impl GasCounter {
    /// A counter with nothing spent.
    pub fn new(costs: ExtCostsConfig, limits: GasLimits) -> GasCounter {
        let used_limit = if limits.is_view { limits.max_gas_burnt } else { limits.prepaid_gas };
        GasCounter { burnt_gas: 0, promises_gas: 0, limits, used_limit, costs, profile: ProfileData::default() }
    }

    /// Gas burnt so far.
    pub fn burnt_gas(&self) -> Gas {
        self.burnt_gas
    }

    /// Compute usage so far, as nearcore derives it from the profile: burnt gas, with the gas of
    /// each host cost replaced by its compute cost in proportion (`gas × compute / gas cost`,
    /// rounded down): storage operations have a compute cost of their own, above their gas for
    /// most and below it for some (`storage_read_key_byte`).
    pub fn compute_usage(&self) -> u64 {
        let mut usage = self.burnt_gas;
        for &cost in ExtCosts::ALL {
            let (charged, gas_cost) = (self.profile.ext[cost as usize], self.costs.gas_cost(cost));
            if charged == 0 || gas_cost == 0 {
                continue;
            }
            let compute = u128::from(charged) * u128::from(self.costs.compute_cost(cost)) / u128::from(gas_cost);
            usage = usage.saturating_sub(charged).saturating_add(u64::try_from(compute).unwrap_or(u64::MAX));
        }
        usage
    }

    /// Gas used so far (burnt plus set aside for new receipts).
    pub fn used_gas(&self) -> Gas {
        self.burnt_gas + self.promises_gas
    }

    /// Gas still available to use.
    pub fn remaining_gas(&self) -> Gas {
        self.used_limit.saturating_sub(self.used_gas())
    }

    /// The most gas [`GasCounter::burn_wasm_gas`] would burn now without failing: what is left
    /// under both the burnt-gas limit and the used-gas limit.
    pub fn wasm_gas_allowance(&self) -> Gas {
        let under_burnt = self.limits.max_gas_burnt.saturating_sub(self.burnt_gas);
        under_burnt.min(self.used_limit.saturating_sub(self.used_gas()))
    }

    /// The limits.
    pub fn limits(&self) -> GasLimits {
        self.limits
    }

    /// The profile.
    pub fn profile(&self) -> &ProfileData {
        &self.profile
    }

    /// The host-function cost table.
    pub fn ext_costs(&self) -> &ExtCostsConfig {
        &self.costs
    }

    /// Burns `burn` and uses `use_gas` (≥ `burn`).
    fn deduct(&mut self, burn: Gas, use_gas: Gas) -> Result<(), GasError> {
        debug_assert!(burn <= use_gas);
        let new_promises = self.promises_gas.checked_add(use_gas - burn).ok_or(GasError::IntegerOverflow)?;
        let new_burnt = self.burnt_gas.checked_add(burn).ok_or(GasError::IntegerOverflow)?;
        let new_used = new_burnt.checked_add(new_promises).ok_or(GasError::IntegerOverflow)?;
        let used_limit = self.used_limit;
        if new_burnt <= self.limits.max_gas_burnt && new_used <= used_limit {
            self.burnt_gas = new_burnt;
            self.promises_gas = new_promises;
            return Ok(());
        }
        // Clamp: never report more than the limits allow.
        self.burnt_gas = new_burnt.min(self.limits.max_gas_burnt).min(used_limit);
        self.promises_gas = new_used.min(used_limit).saturating_sub(self.burnt_gas);
        if new_burnt > self.limits.max_gas_burnt { Err(GasError::GasLimitExceeded) } else { Err(GasError::GasExceeded) }
    }

    /// Burns gas of wasm operations (the instrumentation's `finite_wasm_gas`).
    ///
    /// # Errors
    /// `GasExceeded` / `GasLimitExceeded` / `IntegerOverflow`.
    pub fn burn_wasm_gas(&mut self, gas: Gas) -> Result<(), GasError> {
        let (result, burnt) = self.deduct_recorded(gas, gas);
        self.profile.wasm = self.profile.wasm.saturating_add(burnt);
        result
    }

    /// [`GasCounter::deduct`], and the gas it actually burnt (all of `burn`, or up to the limit
    /// when it failed): what profiles record, as nearcore's do.
    fn deduct_recorded(&mut self, burn: Gas, use_gas: Gas) -> (Result<(), GasError>, Gas) {
        let before = self.burnt_gas;
        let result = self.deduct(burn, use_gas);
        (result, self.burnt_gas.saturating_sub(before))
    }

    /// Pays one unit of `cost`.
    ///
    /// # Errors
    /// As [`GasCounter::burn_wasm_gas`].
    pub fn pay_base(&mut self, cost: ExtCosts) -> Result<(), GasError> {
        self.pay_ext(cost, self.costs.gas_cost(cost))
    }

    /// Pays `count` units of `cost`.
    ///
    /// # Errors
    /// As [`GasCounter::burn_wasm_gas`]; `IntegerOverflow` if the product overflows.
    pub fn pay_per(&mut self, cost: ExtCosts, count: u64) -> Result<(), GasError> {
        let gas = self.costs.gas_cost(cost).checked_mul(count).ok_or(GasError::IntegerOverflow)?;
        self.pay_ext(cost, gas)
    }

    fn pay_ext(&mut self, cost: ExtCosts, gas: Gas) -> Result<(), GasError> {
        let (result, burnt) = self.deduct_recorded(gas, gas);
        self.profile.ext[cost as usize] = self.profile.ext[cost as usize].saturating_add(burnt);
        result
    }

    /// Pays an action fee: `burn` now (the send fee) and `use_gas` in total (plus execution).
    ///
    /// # Errors
    /// As [`GasCounter::burn_wasm_gas`].
    pub fn pay_action_fee(&mut self, cost: ActionCosts, burn: Gas, use_gas: Gas) -> Result<(), GasError> {
        let (result, burnt) = self.deduct_recorded(burn, use_gas);
        self.profile.actions[cost as usize] = self.profile.actions[cost as usize].saturating_add(burnt);
        result
    }

    /// Sets aside gas attached to a new receipt: used, not burnt.
    ///
    /// # Errors
    /// As [`GasCounter::burn_wasm_gas`].
    pub fn prepay_gas(&mut self, gas: Gas) -> Result<(), GasError> {
        self.deduct(0, gas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_parameters::RuntimeConfig;

    fn counter(prepaid_gas: Gas, max_gas_burnt: Gas, is_view: bool) -> GasCounter {
        let costs = RuntimeConfig::mainnet().wasm_config.ext_costs.clone();
        GasCounter::new(costs, GasLimits { prepaid_gas, max_gas_burnt, is_view })
    }

    #[test]
    fn burnt_and_used_gas_and_profile() {
        let mut gas = counter(1_000_000_000_000, 10_000_000_000_000, false);
        gas.pay_base(ExtCosts::base).unwrap();
        gas.pay_per(ExtCosts::read_memory_byte, 10).unwrap();
        gas.burn_wasm_gas(822_756).unwrap();
        gas.prepay_gas(5_000).unwrap();
        let burnt = 264_768_111 + 10 * 3_801_333 + 822_756;
        assert_eq!(gas.burnt_gas(), burnt);
        assert_eq!(gas.used_gas(), burnt + 5_000);
        assert_eq!(gas.profile().ext[ExtCosts::base as usize], 264_768_111);
        assert_eq!(gas.profile().wasm, 822_756);
        assert_eq!(gas.profile().nonzero_entries()[0], ("WASM_INSTRUCTION", 822_756));
    }

    #[test]
    fn exceeding_prepaid_gas_clamps_to_it() {
        let mut gas = counter(1_000, 10_000, false);
        gas.burn_wasm_gas(600).unwrap();
        assert_eq!(gas.burn_wasm_gas(600), Err(GasError::GasExceeded));
        assert_eq!(gas.burnt_gas(), 1_000);
        assert_eq!(gas.used_gas(), 1_000);
        assert_eq!(gas.remaining_gas(), 0);
    }

    #[test]
    fn exceeding_the_burnt_limit_is_gas_limit_exceeded() {
        let mut gas = counter(10_000, 1_000, false);
        assert_eq!(gas.burn_wasm_gas(1_001), Err(GasError::GasLimitExceeded));
        assert_eq!(gas.burnt_gas(), 1_000);
    }

    #[test]
    fn prepaid_gas_counts_as_used_not_burnt() {
        let mut gas = counter(1_000, 10_000, false);
        gas.prepay_gas(900).unwrap();
        assert_eq!(gas.burnt_gas(), 0);
        assert_eq!(gas.prepay_gas(200), Err(GasError::GasExceeded));
        assert_eq!(gas.used_gas(), 1_000);
        assert_eq!(gas.burnt_gas(), 0);
    }

    #[test]
    fn view_calls_are_bounded_by_the_burnt_limit_only() {
        let mut gas = counter(0, 5_000, true);
        gas.burn_wasm_gas(4_000).unwrap();
        assert_eq!(gas.burn_wasm_gas(2_000), Err(GasError::GasLimitExceeded));
        assert_eq!(gas.burnt_gas(), 5_000);
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let mut gas = counter(u64::MAX, u64::MAX, false);
        assert_eq!(gas.pay_per(ExtCosts::base, u64::MAX), Err(GasError::IntegerOverflow));
        assert_eq!(gas.burnt_gas(), 0);
    }
}
