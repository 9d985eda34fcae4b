//! UI tests of the `daemonset!` macro: `tests/ui/fail/*.rs` must fail to compile with exactly the reviewed
//! `.stderr` beside them (trybuild), `tests/ui/pass/*.rs` must compile and run (paths relative to this crate, `ui/`).
//!
//! The pass cases are test targets of this crate (`[[test]]` with `harness = false` in `Cargo.toml`, run by
//! `cargo test`), not trybuild cases: one pass case makes trybuild build every case and the library with codegen
//! instead of only checking them, in its non-incremental target dir (57 s instead of 14 s after a change to the
//! library, README). [`every_pass_case_is_a_test_target`] makes sure none is left out.
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
    cases.compile_fail("tests/ui/fail/*.rs");
}

/// Every `tests/ui/pass/*.rs` has its `[[test]]` entry in this crate's `Cargo.toml`, so cargo compiles and runs it:
/// a new pass case cannot be skipped silently.
#[test]
fn every_pass_case_is_a_test_target() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let mut cases: Vec<String> = std::fs::read_dir(dir.join("tests/ui/pass"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "pass cases: {cases:?}");
    let missing: Vec<&String> = cases
        .iter()
        .filter(|name| {
            let stem = name.trim_end_matches(".rs");
            let entry = format!(
                "[[test]]\nname = \"pass_{stem}\"\npath = \"tests/ui/pass/{name}\"\nharness = false\n"
            );
            !manifest.contains(&entry)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "pass cases without a `[[test]] name = \"pass_<file>\" path = \"tests/ui/pass/<file>\" harness = false` \
         entry in ui/Cargo.toml: {missing:?}"
    );
}
