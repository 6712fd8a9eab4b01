//! `garrison state pull`: the current state document, as the backend stores it.

use crate::backend::Backend;
use crate::codec::encode;
use crate::error::Error;
use crate::store::Store;

/// The state as [`Store::peek`] sees it (the journal of an interrupted run replayed, in
/// memory), encoded exactly as a backend stores it (`state.json`'s bytes, checksum
/// included), so `state push` takes it back. `None` when the backend holds nothing. Takes no
/// lock and writes nothing.
pub fn pull(backend: &dyn Backend) -> Result<Option<Vec<u8>>, Error> {
    Store::peek_stored(backend)?
        .map(|replay| encode(&replay.state))
        .transpose()
}
