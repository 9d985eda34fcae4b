#!/usr/bin/env bash
# The cluster tests, against a real control plane built from the Go module proxy (harness/build-bins.sh, cached under
# ~/.cache/daemonset; about 11 minutes the first time on 2 cores, instant afterwards).
#
# - tests/cluster_*.rs: each test binary starts its own control plane (etcd, kube-apiserver,
#   kube-controller-manager, kube-scheduler on loopback, via harness/up.sh); a watchdog tears it down when the test
#   process ends, also when a test fails or the process is killed.
# - cli/tests/cli_cluster*.rs: the `daemonset` command against a plane this script starts and stops.
# The tests are #[ignore]d so that a plain `cargo test` stays fast; this script runs them with --ignored.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bin=$(bash harness/build-bins.sh)
echo "control-plane binaries: $bin (ready after $(( $(date +%s) - start ))s)"

tests=()
for t in tests/cluster_*.rs; do tests+=(--test "$(basename "$t" .rs)"); done
cargo test --locked -p daemonset --features cluster "${tests[@]}" -- --ignored --nocapture

plane=$(mktemp -d "${TMPDIR:-/tmp}/daemonset-cli-plane.XXXXXX")
trap 'bash harness/down.sh "$plane" >/dev/null 2>&1 || true; rm -rf "$plane"' EXIT
kubeconfig=$(BIN=$bin HARNESS_OWNER_PID=$$ bash harness/up.sh "$plane")
cli_tests=()
for t in cli/tests/cli_cluster*.rs; do cli_tests+=(--test "$(basename "$t" .rs)"); done
DAEMONSET_TEST_KUBECONFIG=$kubeconfig cargo test --locked -p daemonset-cli "${cli_tests[@]}" -- --ignored
