#!/usr/bin/env bash
# End-to-end smoke test of the harness: build (cached) -> up -> fake nodes -> DaemonSet placed, bound, Ready ->
# rollout status -> rolling image update -> history -> undo -> down -> no process left. Exit non-zero on any failure.
# Usage: harness/smoke.sh [workdir]   (default: a fresh temp dir, removed on success)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { echo "smoke: $*" >&2; }
die() { echo "smoke: FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

t=$(now); BIN=$(bash "$HERE/build-bins.sh"); export BIN
log "binaries: $BIN (build-bins.sh took $(since "$t")s)"
W=${1:-$(mktemp -d "${TMPDIR:-/tmp}/daemonset-smoke.XXXXXX")}; W=$(realpath -m "$W")
KUBELET_PID=
cleanup() {
  local rc=$?
  [[ -n $KUBELET_PID ]] && { kill -- "-$KUBELET_PID" 2>/dev/null; wait "$KUBELET_PID" 2>/dev/null; }
  if ((rc != 0)); then
    log "failure; pods and logs for diagnosis:"
    "$BIN/kubectl" --kubeconfig="$W/kubeconfig" get nodes,ds,pods,controllerrevisions -o wide >&2 2>/dev/null || true
    tail -n 20 "$W"/kcm.log "$W"/scheduler.log >&2 2>/dev/null || true
  fi
  bash "$HERE/down.sh" "$W" || rc=1
  exit $rc
}
trap cleanup EXIT

# SMOKE_KUBELET=bash (default): harness/fake-kubelet.sh plays kubelet; SMOKE_KUBELET=kwok: kwok started by up.sh
SMOKE_KUBELET=${SMOKE_KUBELET:-bash}
[[ $SMOKE_KUBELET == kwok ]] && export KWOK=1
t=$(now); HARNESS_OWNER_PID=$$ bash "$HERE/up.sh" "$W" >/dev/null
log "control plane up in $(since "$t")s"
k() { "$BIN/kubectl" --kubeconfig="$W/kubeconfig" "$@"; }
jp() { k get "$@"; }

# ---- fake nodes: status in the create body; node-c tainted dedicated=infra:NoSchedule
node() { # name extra-labels taints-json
  cat <<N
{"apiVersion":"v1","kind":"Node","metadata":{"name":"$1","annotations":{"kwok.x-k8s.io/node":"fake"},"labels":{"kubernetes.io/hostname":"$1","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","pool":"edge"$2}},
 "spec":{"taints":$3},
 "status":{"capacity":{"cpu":"8","memory":"32Gi","pods":"110"},"allocatable":{"cpu":"8","memory":"32Gi","pods":"110"},
  "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"fake kubelet"}]}}
N
}
{ node node-a ',"disk":"ssd"' '[]'; node node-b '' '[]'
  node node-c '' '[{"key":"dedicated","value":"infra","effect":"NoSchedule"}]'; } | k create -f - >&2
[[ $(jp node node-a -o 'jsonpath={.status.allocatable.pods}/{.status.conditions[?(@.type=="Ready")].status}') == 110/True ]] \
  || die "node status given in the create body was not kept"
[[ -z $(jp node node-a -o 'jsonpath={.spec.taints}') ]] || die "node-a got taints: $(jp node node-a -o 'jsonpath={.spec.taints}')"
log "3 nodes created, status kept, no automatic taints"

# ---- fake kubelet (own process group): Ready-patch bound pods; force-delete pods that have a deletionTimestamp
if [[ $SMOKE_KUBELET == bash ]]; then
  setsid bash "$HERE/fake-kubelet.sh" "$W/kubeconfig" </dev/null >"$W/fake-kubelet.log" 2>&1 &
  KUBELET_PID=$!
fi

# ---- DaemonSet, server-side apply
ds() { # image
  cat <<D
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: x
  annotations: {kubernetes.io/change-cause: "image $1"}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      nodeSelector: {pool: edge}
      containers:
      - name: agent
        image: $1
D
}
t=$(now)
ds registry.example/agent:1.0 | k apply --server-side --field-manager=smoke -f - >&2
pods_on() { jp pods -l app=x -o 'jsonpath={range .items[*]}{.spec.nodeName}{" "}{end}' | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' '; }
end=$(( $(date +%s) + 60 ))
until [[ $(pods_on) == 'node-a node-b ' ]]; do (( $(date +%s) < end )) || die "pods on: '$(pods_on)'"; sleep 0.3; done
log "DaemonSet pods created and bound to: $(pods_on)(node-c with the untolerated taint skipped) in $(since "$t")s"
# the controller pins each pod by required node affinity (matchFields metadata.name); the scheduler sets nodeName
aff=$(jp pods -l app=x -o 'jsonpath={range .items[*]}{.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]}={.spec.nodeName} {end}')
for p in $aff; do [[ ${p%%=*} == "${p#*=}" ]] || die "affinity/nodeName mismatch: $aff"; done
[[ $(jp ds x -o 'jsonpath={.status.desiredNumberScheduled}') == 2 ]] || die "desiredNumberScheduled != 2"

k rollout status daemonset/x --timeout=90s | tee "$W/rollout1.txt" >&2
grep -q 'daemon set "x" successfully rolled out' "$W/rollout1.txt" || die "rollout status did not succeed"
log "rollout 1 complete in $(since "$t")s"

# ---- server defaulting (daemonset-rules.md E)
[[ $(jp ds x -o 'jsonpath={.spec.updateStrategy.type}/{.spec.updateStrategy.rollingUpdate.maxUnavailable}/{.spec.updateStrategy.rollingUpdate.maxSurge}/{.spec.revisionHistoryLimit}') == RollingUpdate/1/0/10 ]] \
  || die "unexpected defaulting: $(jp ds x -o 'jsonpath={.spec.updateStrategy}')"
[[ $(jp ds x -o 'jsonpath={.metadata.annotations.deprecated\.daemonset\.template\.generation}') == 1 ]] || die "template generation annotation"

# ---- rolling image update
old=$(jp pods -l app=x -o 'jsonpath={.items[*].metadata.name}')
t=$(now)
ds registry.example/agent:2.0 | k apply --server-side --field-manager=smoke -f - >&2
k rollout status daemonset/x --timeout=120s | tee "$W/rollout2.txt" >&2
grep -q 'daemon set "x" successfully rolled out' "$W/rollout2.txt" || die "rollout 2 did not succeed"
grep -qE 'out of 2 new pods have been updated|updated pods are available' "$W/rollout2.txt" \
  || log "note: rollout status saw no intermediate state"
log "rollout 2 (image update) complete in $(since "$t")s"
imgs=$(jp pods -l app=x -o 'jsonpath={range .items[*]}{.spec.containers[0].image}{" "}{end}')
[[ $imgs == 'registry.example/agent:2.0 registry.example/agent:2.0 ' ]] || die "images after update: $imgs"
for p in $old; do k get pod "$p" >/dev/null 2>&1 && die "old pod $p still exists"; done
if [[ $SMOKE_KUBELET == bash ]]; then grep -q 'deleted' "$W/fake-kubelet.log" || die "the fake kubelet deleted nothing"
else grep -q '"msg":"Delete pod"' "$W/kwok.log" || die "kwok deleted no pod"; fi
[[ $(jp ds x -o 'jsonpath={.status.updatedNumberScheduled}/{.status.numberAvailable}') == 2/2 ]] || die "status after update"
[[ $(jp controllerrevisions -l app=x -o 'jsonpath={.items[*].revision}' | tr ' ' '\n' | sort -n | tr '\n' ' ') == '1 2 ' ]] \
  || die "controller revisions: $(jp controllerrevisions -o wide)"

k rollout history daemonset/x | tee "$W/history.txt" >&2
grep -qE '^1 +image registry.example/agent:1.0' "$W/history.txt" && grep -qE '^2 +image registry.example/agent:2.0' "$W/history.txt" \
  || die "rollout history"
k rollout history daemonset/x --revision=1 | grep -q 'registry.example/agent:1.0' || die "history --revision=1"

# ---- undo -> revision 3 with the old template
t=$(now)
k rollout undo daemonset/x >&2
k rollout status daemonset/x --timeout=120s | tee "$W/rollout3.txt" >&2
grep -q 'successfully rolled out' "$W/rollout3.txt" || die "rollout after undo"
imgs=$(jp pods -l app=x -o 'jsonpath={range .items[*]}{.spec.containers[0].image}{" "}{end}')
[[ $imgs == 'registry.example/agent:1.0 registry.example/agent:1.0 ' ]] || die "images after undo: $imgs"
[[ $(jp controllerrevisions -l app=x -o 'jsonpath={.items[*].revision}' | tr ' ' '\n' | sort -n | tr '\n' ' ') == '2 3 ' ]] \
  || die "revisions after undo: $(jp controllerrevisions -l app=x -o 'jsonpath={.items[*].revision}')"
log "undo rolled back to agent:1.0 as revision 3 in $(since "$t")s"

# ---- down and verify
if [[ -n $KUBELET_PID ]]; then kill -- "-$KUBELET_PID" 2>/dev/null; wait "$KUBELET_PID" 2>/dev/null || true; KUBELET_PID=; fi
trap - EXIT
bash "$HERE/down.sh" "$W" || die "down.sh reported leftovers"
for f in /proc/[0-9]*/cmdline; do
  c=$(tr '\0' ' ' 2>/dev/null < "$f") || continue
  [[ $c == *"$W"* && $c != *smoke.sh* ]] && die "process left: ${f%/cmdline} $c"
done
[[ -z ${1:-} ]] && rm -rf "$W"
echo "smoke: PASS"
