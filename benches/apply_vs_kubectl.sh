#!/usr/bin/env bash
# Benchmark (not a test): server-side apply of 100 DaemonSets with `daemonset apply` versus
# `kubectl apply --server-side` (kubectl built from the same Kubernetes module as the control plane), against the
# same local control plane, from the same rendered YAML. Each round applies into fresh namespaces (100 creates),
# then applies again (100 no-ops). Prints every timing and the median ratios.
#
# Usage: benches/apply_vs_kubectl.sh [ROUNDS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
bin=$(bash harness/build-bins.sh)
cargo build --quiet --release -p daemonset-cli
daemonset=target/release/daemonset
work=$(mktemp -d "${TMPDIR:-/tmp}/daemonset-apply-bench.XXXXXX")
trap 'bash harness/down.sh "$work/plane" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
kubeconfig=$(BIN=$bin TIER=api HARNESS_OWNER_PID=$$ bash harness/up.sh "$work/plane" 2>/dev/null)
kubectl() { "$bin/kubectl" --kubeconfig="$kubeconfig" "$@"; }

# 100 DaemonSets: the log collector under 100 names, rendered once to one YAML stream.
for i in $(seq -w 1 100); do
  sed "s/log-collector/log-collector-$i/g" tests/fixtures/seeds/log-collector.yaml
  echo ---
done > "$work/all.yaml"
"$daemonset" check "$work/all.yaml" >/dev/null

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
declare -a ours_create kubectl_create ours_noop kubectl_noop
for r in $(seq 1 "$rounds"); do
  kubectl create namespace "k$r" >/dev/null; kubectl create namespace "o$r" >/dev/null
  t=$(now); kubectl apply --server-side -n "k$r" -f "$work/all.yaml" >/dev/null; kubectl_create+=("$(elapsed "$t")")
  t=$(now); "$daemonset" apply --kubeconfig "$kubeconfig" -n "o$r" -f "$work/all.yaml" >/dev/null; ours_create+=("$(elapsed "$t")")
  t=$(now); kubectl apply --server-side -n "k$r" -f "$work/all.yaml" >/dev/null; kubectl_noop+=("$(elapsed "$t")")
  t=$(now); "$daemonset" apply --kubeconfig "$kubeconfig" -n "o$r" -f "$work/all.yaml" >/dev/null; ours_noop+=("$(elapsed "$t")")
  echo "round $r: create kubectl ${kubectl_create[-1]}s ours ${ours_create[-1]}s; no-op kubectl ${kubectl_noop[-1]}s ours ${ours_noop[-1]}s"
done
[[ $(kubectl get daemonsets -n "o1" --no-headers | wc -l) == 100 ]] || { echo "ours did not create 100 DaemonSets" >&2; exit 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mk=$(median "${kubectl_create[@]}"); mo=$(median "${ours_create[@]}")
nk=$(median "${kubectl_noop[@]}"); no=$(median "${ours_noop[@]}")
awk -v mk="$mk" -v mo="$mo" -v nk="$nk" -v no="$no" 'BEGIN {
  printf "median over rounds: create 100: kubectl %.3fs, daemonset %.3fs, ratio ours/kubectl %.2f\n", mk, mo, mo / mk
  printf "                    no-op 100:  kubectl %.3fs, daemonset %.3fs, ratio ours/kubectl %.2f\n", nk, no, no / nk }'
