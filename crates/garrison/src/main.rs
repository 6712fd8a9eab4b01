//! The garrison CLI.
fn main() {}
