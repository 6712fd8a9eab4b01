//! The reliability suite (R1-R9) lives in `tests/tests/`; its helpers (an emulator per
//! test, the engine's flows, the audit of the emulator's view against the state, synthetic
//! configs, the child-process apply and the `garrison` binary) are in `garrison-testkit`.
