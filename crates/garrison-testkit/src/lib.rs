//! Test support shared by every test suite and the benchmarks (a dev-dependency only, and
//! `garrison-bench`'s): emulators on 127.0.0.1 on a free port, in this process ([`sim`]) or
//! as a child process ([`sim_process`]); a fast-polling client ([`client`]); the emulator's
//! `/_sim` admin surface ([`admin`]); the `garrison` binary ([`bin`], [`run`]); temporary
//! config directories ([`dir`]); synthetic configs ([`synth`]); the PostgreSQL server
//! ([`pg`]); and the reliability suite's world, audit, budgets and child-process apply
//! ([`world`], [`audit`], [`budget`], [`child`]).

pub mod admin;
pub mod audit;
pub mod bin;
pub mod budget;
pub mod child;
pub mod client;
pub mod dir;
pub mod events;
pub mod lsp;
pub mod pg;
pub mod run;
pub mod sim;
pub mod sim_process;
pub mod synth;
pub mod world;

pub use admin::admin;
pub use audit::{audit, Audit};
pub use budget::{soak, Budget};
pub use events::collector;
pub use world::World;
