//! garrison-bench.
fn main() {}
