//! The `daemonset` command.
fn main() {}
