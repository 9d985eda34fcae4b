#!/usr/bin/env bash
# Runs every test of the project: unit, golden, property, UI and CLI tests (`cargo test --workspace`), then the
# cluster tests against a real control plane built from the Go module proxy (harness/, cached under
# ~/.cache/daemonset; the first build takes about 11 minutes on 2 cores, later runs reuse it).
#
# Usage: scripts/test.sh            everything
#        scripts/test.sh --no-cluster   skip the cluster tests (no Go needed)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

if [[ ${1:-} == --no-cluster ]]; then
  echo "cluster tests skipped (--no-cluster)"
  exit 0
fi
scripts/cluster-tests.sh
