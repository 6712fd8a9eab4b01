//! Why a rehearsal could not run (not why the plan would fail: that is its result).

/// A rehearsal that could not happen.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RehearseError {
    /// The emulator did not start.
    #[error("starting the rehearsal emulator: {0}")]
    Emulator(#[source] std::io::Error),
    /// The refreshed account does not fit the emulator (an id that is not a number, ...).
    #[error("seeding the rehearsal emulator from the account: {0}")]
    Seed(#[from] barrack_sim::SeedError),
    /// The temporary state could not be made.
    #[error("preparing the rehearsal's temporary state: {0}")]
    State(String),
    /// The engine failed (not a step: the run itself).
    #[error("rehearsing: {0}")]
    Engine(#[from] garrison_engine::EngineError),
    /// The emulator's client could not be built.
    #[error("the rehearsal's client: {0}")]
    Client(String),
}
