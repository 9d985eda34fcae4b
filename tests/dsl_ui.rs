//! UI tests of the `daemonset!` macro: `tests/ui/fail/*.rs` must fail to compile with exactly the reviewed
//! `.stderr` beside them, `tests/ui/pass/*.rs` must compile and run.
//!
//! Compiler output changes between Rust releases, so the expectations are pinned to the toolchain they were
//! reviewed with (rustc 1.95); on another one the compile-fail half is skipped with a note (regenerate with
//! `TRYBUILD=overwrite cargo test --test dsl_ui` and review the diff).

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
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    let version = rustc_version();
    if version.starts_with(PINNED_RUSTC) {
        cases.compile_fail("tests/ui/fail/*.rs");
    } else {
        eprintln!(
            "skipping the compile-fail UI tests: they are pinned to {PINNED_RUSTC}x, this is {version}"
        );
    }
}
