//! The fuzz targets' checks, shared with the stable corpus replay (`tests/fuzz_corpus.rs`).

#[path = "checks.rs"]
pub mod checks;
