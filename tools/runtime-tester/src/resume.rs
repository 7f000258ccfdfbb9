//! `--resume`: continuing a run whose process died. A RocksDB store holds the chain up to its
//! [`ChainHead`] (committed with the block's nodes in one batch). The scenario is replayed in
//! memory, silently, up to that height (blocks are deterministic, so the replay reaches the
//! same root, which is checked); then the chain moves onto the store and the run goes on from
//! the next block, reporting as usual.

use crate::error::RunError;
use crate::scenario::ScenarioError;
use integration_tests::{ChainHead, TestEnv};
use near_store::Store;

/// Where a resumed run switches from the replay to the stored chain.
pub(crate) struct Resume {
    height: u64,
    store: Option<Store>,
    file: String,
}

impl Resume {
    /// The store to build the chain on, and the switch if `store` already holds a chain and
    /// `resume` is asked for (otherwise the run starts from genesis on `store`).
    ///
    /// # Errors
    /// A head that cannot be read.
    pub(crate) fn plan(store: Store, resume: bool, file: &str) -> Result<(Store, Option<Resume>), RunError> {
        if !resume {
            return Ok((store, None));
        }
        match ChainHead::read(&store)? {
            None => Ok((store, None)),
            Some(head) => {
                Ok((Store::memory(), Some(Resume { height: head.height, store: Some(store), file: file.into() })))
            }
        }
    }

    /// Called after genesis and after every block: whether the block at `env`'s height is to
    /// be reported (false during the replay, including the stored head's own block).
    ///
    /// # Errors
    /// The stored chain is not this scenario's (its root at that height differs).
    pub(crate) fn report(&mut self, env: &mut TestEnv) -> Result<bool, RunError> {
        if env.height() < self.height {
            return Ok(false);
        }
        if let Some(store) = self.store.take() {
            env.switch_store(store).map_err(|e| self.error(format!("the database holds another chain: {e}")))?;
            return Ok(false);
        }
        Ok(true)
    }

    /// After the scenario's last block: the stored head must have been reached.
    ///
    /// # Errors
    /// The stored chain is longer than this scenario.
    pub(crate) fn finish(&self, env: &TestEnv) -> Result<(), RunError> {
        if self.store.is_some() {
            let problem = format!(
                "the database's head is at height {}, past this scenario's end (height {})",
                self.height,
                env.height()
            );
            return Err(self.error(problem));
        }
        Ok(())
    }

    fn error(&self, problem: String) -> RunError {
        RunError::Scenario(ScenarioError { file: self.file.clone(), path: "--resume".into(), problem })
    }
}
