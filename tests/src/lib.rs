//! Helpers of the reliability suite (R1-R7): an emulator per test, the engine's flows, an
//! audit of the emulator's view against the state, synthetic configs and the child-process
//! apply used by the SIGKILL and lock tests, and the `garrison` binary for the tests that
//! run it. The tests live in `tests/tests/`.

pub mod admin;
pub mod audit;
pub mod bin;
pub mod budget;
pub mod child;
pub mod synth;
pub mod world;

pub use admin::admin;
pub use audit::{audit, Audit};
pub use budget::{soak, Budget};
pub use world::{collector, World};
