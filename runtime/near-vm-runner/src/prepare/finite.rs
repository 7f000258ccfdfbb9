//! The cost model handed to `finite-wasm`: gas per operator and stack size per value and frame.
//!
//! Every operator costs `regular_op_cost` except `block`, `end` and `else`, which are free as on
//! nearcore (finite-wasm requires `end` and `else` to be; `block` only opens a label). Bulk
//! memory and table operators (`memory.copy`, `memory.fill`, `memory.init`, `table.copy`,
//! `table.fill`, `table.init`) cost `linear_op_base_cost` plus `linear_op_unit_cost` per element,
//! charged at run time by the instrumentation's `finite_wasm_{memory,table}_*` imports; so do
//! `memory.grow` and `table.grow` per page or element asked for (their charge is added by
//! `inline.rs`). Values take their natural size (i32/f32 4 bytes, i64/f64/references 8, v128
//! 16); a function activation takes 64 bytes of bookkeeping plus its locals' sizes.

use finite_wasm::prefix_sum_vec::PrefixSumVec;
use finite_wasm::{Fee, wasmparser as wp};

/// Gas per operator, as a `finite-wasm` gas visitor.
pub(crate) struct GasCostModel {
    pub(crate) regular_op_cost: u64,
    pub(crate) linear_op_base_cost: u64,
    pub(crate) linear_op_unit_cost: u64,
}

impl GasCostModel {
    fn linear(&self) -> Fee {
        Fee { constant: self.linear_op_base_cost, linear: self.linear_op_unit_cost }
    }
}

macro_rules! operator_fee {
    // finite-wasm accounts for block ends itself and requires them to be free; `block` is free
    // as on nearcore (it only opens a label).
    (@fee $model:ident Block) => { Fee::ZERO };
    (@fee $model:ident End) => { Fee::ZERO };
    (@fee $model:ident Else) => { Fee::ZERO };
    // Charged linearly in the pages or elements asked for by `inline.rs`, which can emit that
    // charge (finite-wasm's instrumentation cannot): free here.
    (@fee $model:ident MemoryGrow) => { Fee::ZERO };
    (@fee $model:ident TableGrow) => { Fee::ZERO };
    (@fee $model:ident MemoryCopy) => { $model.linear() };
    (@fee $model:ident MemoryFill) => { $model.linear() };
    (@fee $model:ident MemoryInit) => { $model.linear() };
    (@fee $model:ident TableCopy) => { $model.linear() };
    (@fee $model:ident TableFill) => { $model.linear() };
    (@fee $model:ident TableInit) => { $model.linear() };
    (@fee $model:ident $other:ident) => { Fee::constant($model.regular_op_cost) };
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Fee {
                operator_fee!(@fee self $op)
            }
        )*
    };
}

#[allow(unused_variables, reason = "operator immediates do not change the fee")]
impl<'a> wp::VisitOperator<'a> for GasCostModel {
    type Output = Fee;

    wp::for_each_visit_operator!(operator_fee);

    fn simd_visitor(&mut self) -> Option<&mut dyn wp::VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }
}

#[allow(unused_variables, reason = "operator immediates do not change the fee")]
impl<'a> wp::VisitSimdOperator<'a> for GasCostModel {
    wp::for_each_visit_simd_operator!(operator_fee);
}

/// Stack sizes, as a `finite-wasm` size configuration.
pub(crate) struct StackSizeModel;

/// Bytes of bookkeeping per function activation (return address, frame pointer, spills).
pub const FRAME_OVERHEAD_BYTES: u64 = 64;

impl finite_wasm::max_stack::SizeConfig for StackSizeModel {
    fn size_of_value(&self, ty: wp::ValType) -> u8 {
        match ty {
            wp::ValType::I32 | wp::ValType::F32 => 4,
            wp::ValType::I64 | wp::ValType::F64 | wp::ValType::Ref(_) => 8,
            wp::ValType::V128 => 16,
        }
    }

    fn size_of_function_activation(&self, locals: &PrefixSumVec<wp::ValType, u32>) -> u64 {
        // `locals` maps the last index of each run of same-typed locals to the type.
        let mut size = FRAME_OVERHEAD_BYTES;
        let mut next_index = 0u64;
        for (&last_index, &ty) in locals {
            let run = (u64::from(last_index) + 1).saturating_sub(next_index);
            size = size.saturating_add(run.saturating_mul(u64::from(self.size_of_value(ty))));
            next_index = u64::from(last_index) + 1;
        }
        size
    }
}
