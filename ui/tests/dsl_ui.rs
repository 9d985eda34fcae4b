//! UI tests of the `daemonset!` macro: `tests/ui/fail/*.rs` must fail to compile with exactly the reviewed
//! `.stderr` beside them, `tests/ui/pass/*.rs` must compile and run (paths relative to this crate, `ui/`).
//!
//! They live in their own crate because trybuild builds the cases as a project that depends on all the
//! dependencies and dev-dependencies of the crate under test, with `--cfg trybuild` (which changes every
//! dependency's fingerprint, so none is shared with `target/debug`): here that is only `daemonset` and
//! `k8s-openapi`, not the root crate's kube, tokio, proptest, insta and criterion.
//!
//! Compiler output changes between Rust releases, so the expectations are pinned to the toolchain they were
//! reviewed with (rustc 1.95, `rust-toolchain.toml`). On another compiler the test fails loudly instead of
//! skipping: regenerate with `TRYBUILD=overwrite cargo test -p daemonset-ui-tests`, review the diff and move the pin.

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
