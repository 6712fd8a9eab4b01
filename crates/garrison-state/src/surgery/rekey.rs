//! `garrison state rekey`: seal the state and its backup again with the current key (the
//! last step of a key rotation, or the first of turning encryption on), or write them as
//! plaintext (`--decrypt`). Every key given opens; only the first seals.

use crate::backend::Backend;
use crate::error::Error;
use crate::surgery::{open, Before, Written};

/// What [`rekey`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Rekeyed {
    /// The key that now seals the state and its backup (`None`: written as plaintext).
    pub key_id: Option<String>,
    /// The write.
    pub written: Written,
}

/// Lock, bring the state up to date with any interrupted run's journal (read with any of
/// the backend's keys, then cleared), and write the document twice under one new serial,
/// so that the backup (the document each write keeps) is sealed with the current key too.
/// `key_id` is the backend's sealing key, for the report. A backend with no state is
/// refused: there is nothing to seal.
pub fn rekey(backend: Box<dyn Backend>, key_id: Option<String>) -> Result<Rekeyed, Error> {
    let mut store = open(backend, "garrison state rekey")?;
    if !store.stored() {
        return Err(Error::NothingStored {
            location: store.backend().location(),
        });
    }
    let before = Before::of(&store);
    let mut doc = store.state().clone();
    doc.serial = doc.serial.saturating_add(1);
    store.replace(doc.clone())?;
    store.replace(doc)?;
    let written = before.commit(store)?;
    Ok(Rekeyed { key_id, written })
}
