#!/usr/bin/env bash
# The cluster tests: each test binary starts its own control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler on loopback, via harness/up.sh) and a watchdog tears it down when the test process ends, also when a
# test fails or the process is killed.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
bin=$(bash harness/build-bins.sh)
echo "control-plane binaries: $bin ($(( $(date +%s) - start ))s)"

tests=()
for t in tests/cluster_*.rs; do tests+=(--test "$(basename "$t" .rs)"); done
cargo test --locked --features cluster "${tests[@]}" -- --test-threads=4
