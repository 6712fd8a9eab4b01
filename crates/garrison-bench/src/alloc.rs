//! The allocator: the same as the `garrison` binary's, so B1 measures what users run.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
