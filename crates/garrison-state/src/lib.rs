//! Garrison state document, backends, locking and journal.
