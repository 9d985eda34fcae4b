#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (cargo-fuzz, libFuzzer) one after the other, SECONDS each (default 30), starting
# from the committed seed corpus, and prints per target: executions, coverage (libFuzzer's `cov:` edges and
# `ft:` features), corpus size and crashes.
#
# Usage: scripts/fuzz.sh [seconds-per-target]
#        FUZZ_TARGETS="parse quantity" scripts/fuzz.sh 600
#
# Targets: parse (manifest reading, validation, lint), spec_values (spec templates with values and --set, then
# render and read back), emit_roundtrip (the YAML emitter: render then parse must give the same value), quantity
# (the quantity parser and its canonical form), yaml_fast (the fast YAML reader against the parser-based one: the same
# tree, lines and columns, or a decline). Their checks are fuzz/checks.rs.
#
# Needs a nightly toolchain (`rustup toolchain list`) and cargo-fuzz (installed from crates.io with `cargo install
# cargo-fuzz --locked` when missing). Without a nightly it says so and exits 0: CI does not rely on one, and the
# normal test suite replays the corpus and every crash input on stable instead (`cargo test --test fuzz_corpus`).
#
# New inputs the fuzzer finds go to target/fuzz/corpus/<target> (not committed; copy the interesting ones to
# fuzz/corpus/<target>); a crash is saved to fuzz/artifacts/<target>/ and the script exits 1 after the remaining
# targets: commit the input to fuzz/regressions/<target>/ (replayed by tests/fuzz_corpus.rs) and fix the fault.
# Builds go to target/fuzz inside this worktree; runs at `nice` priority. Every target is built first and the built
# binaries are run, so editing the sources during a long run does not change what is fuzzed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
targets=${FUZZ_TARGETS:-"parse spec_values emit_roundtrip quantity yaml_fast"}

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz.sh: no nightly toolchain here; skipped (tests/fuzz_corpus.rs replays the corpus on stable)"
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

# Debug assertions on (overflow checks), AddressSanitizer (the default; serde_yaml's libyaml port is unsafe code).
build=(--fuzz-dir fuzz --target-dir target/fuzz --debug-assertions)
status=0
# One build of every target: one compilation of the library, whatever is edited meanwhile.
nice -n 10 cargo +nightly fuzz build "${build[@]}" >&2
host=$(rustc -vV | sed -n 's/^host: //p')
for t in $targets; do
  bin=target/fuzz/$host/release/$t
  work=target/fuzz/corpus/$t
  mkdir -p "$work" "fuzz/artifacts/$t"
  log=target/fuzz/$t.log
  set +e
  # -rss_limit_mb bounds memory; -timeout flags an input taking over 10 s as a hang (a crash of its own kind).
  nice -n 10 "$bin" "$work" "fuzz/corpus/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  corpus=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  crashes=$(find "fuzz/artifacts/$t" -type f | wc -l)
  echo "fuzz $t: ${seconds}s, executions ${execs:-?}, coverage cov ${cov:-?} ft ${ft:-?}, corpus ${corpus:-?}, crash files ${crashes}, exit ${rc}"
  if [[ $rc -ne 0 ]]; then
    status=1
    grep -E 'ERROR|panicked|SUMMARY|Test unit written' "$log" | head -20 || true
  fi
done
exit $status
