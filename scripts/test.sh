#!/usr/bin/env bash
# Runs every test of the project: unit, golden, property, UI (trybuild) and CLI snapshot tests with
# `cargo test --workspace`, then the cluster tests against a real control plane (scripts/cluster-tests.sh).
#
# Usage: scripts/test.sh                everything
#        scripts/test.sh --no-cluster   without the cluster tests (no Go toolchain needed)
set -euo pipefail
cd "$(dirname "$0")/.."

# The real consumers of the output formats and completions (xmllint, junitparser, jsonschema, sarif-tools, zsh,
# fish): installed here, and required by the tests that use them (no silent skip).
scripts/install-format-tools.sh
export DAEMONSET_REQUIRE_TOOLS=1

cargo test --workspace --locked

if [[ ${1:-} == --no-cluster ]]; then
  echo "cluster tests skipped (--no-cluster)"
  exit 0
fi
scripts/cluster-tests.sh
