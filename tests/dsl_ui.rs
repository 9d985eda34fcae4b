//! UI tests of the `daemonset!` macro: `tests/ui/fail/*.rs` must fail to compile with exactly the reviewed
//! `.stderr` beside them, `tests/ui/pass/*.rs` must compile and run.
//!
//! Compiler output changes between Rust releases, so the expectations are pinned to the toolchain they were
//! reviewed with (rustc 1.95, `rust-toolchain.toml`). On another compiler the test fails loudly instead of
//! skipping: regenerate with `TRYBUILD=overwrite cargo test --test dsl_ui`, review the diff and move the pin.

/// The toolchain the `.stderr` files were written with.
const PINNED_RUSTC: &str = "rustc 1.95.";

fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default()
}

#[test]
fn ui() {
    let version = rustc_version();
    assert!(
        version.starts_with(PINNED_RUSTC),
        "the UI tests' .stderr files are pinned to {PINNED_RUSTC}x (rust-toolchain.toml), this is {version:?}: \
         regenerate them with TRYBUILD=overwrite and move the pin"
    );
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
