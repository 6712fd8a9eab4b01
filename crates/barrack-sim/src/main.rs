//! Barrack sim binary.
fn main() {}
