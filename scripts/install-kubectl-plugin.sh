#!/usr/bin/env bash
# Makes `daemonset` usable as a kubectl plugin: `kubectl daemonset check deploy/`.
# kubectl runs any executable named `kubectl-<name>` found on PATH; this links `kubectl-daemonset` to the
# `daemonset` binary (the binary names itself `kubectl daemonset` in its help when started under that name).
#
# Usage: scripts/install-kubectl-plugin.sh [DAEMONSET_BINARY] [DIR]
#        DAEMONSET_BINARY defaults to the `daemonset` on PATH, DIR to the directory of that binary.
set -euo pipefail
binary=${1:-$(command -v daemonset || true)}
if [[ -z $binary || ! -x $binary ]]; then
  echo "install-kubectl-plugin: no daemonset binary (cargo install --path cli, or pass its path)" >&2
  exit 1
fi
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
dir=${2:-$(dirname "$binary")}
mkdir -p "$dir"
ln -sf "$binary" "$dir/kubectl-daemonset"
echo "$dir/kubectl-daemonset -> $binary"
if ! command -v kubectl-daemonset >/dev/null 2>&1; then
  echo "note: $dir is not on PATH; kubectl finds plugins on PATH only" >&2
fi
