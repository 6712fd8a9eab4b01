//! Helpers of the reliability suite (R1-R6): an emulator per test, the engine's flows, an
//! audit of the emulator's view against the state, synthetic configs and the child-process
//! apply used by the SIGKILL and lock tests. The tests live in `tests/tests/`.

pub mod admin;
pub mod audit;
pub mod budget;
pub mod child;
pub mod synth;
pub mod world;

pub use admin::admin;
pub use audit::{audit, Audit};
pub use budget::{soak, Budget};
pub use world::{collector, World};
