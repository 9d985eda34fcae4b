#!/usr/bin/env bash
# A minimal fake kubelet for a control plane without nodes, in bash + kubectl (reference for the Rust fixture):
#   - a pod bound to a node (spec.nodeName set) whose Ready condition is not True gets its status patched to
#     Running + Ready (pods/<p>/status, merge patch);
#   - a pod with a deletionTimestamp (graceful delete waiting for a kubelet) is deleted with gracePeriodSeconds=0.
# Without the second rule a rolling update stalls: the DaemonSet controller's deletes of bound pods only set
# deletionTimestamp, and the pod object stays until a kubelet confirms.
# Usage: harness/fake-kubelet.sh <kubeconfig>   (runs until killed; BIN=<bin dir> or kubectl from PATH)
#        FAKE_KUBELET_NODES="n1 n2"  only act on pods bound to these nodes (default: all nodes)
#        FAKE_KUBELET_INTERVAL=0.5   poll interval in seconds
set -uo pipefail
KC=${1:?usage: fake-kubelet.sh <kubeconfig>}
KUBECTL=${BIN:+$BIN/}kubectl
k() { "$KUBECTL" --kubeconfig="$KC" "$@"; }
only=" ${FAKE_KUBELET_NODES:-} "
trap 'exit 0' TERM INT
while :; do
  k get pods -A -o 'jsonpath={range .items[*]}{.metadata.namespace}|{.metadata.name}|{.spec.nodeName}|{.metadata.deletionTimestamp}|{.status.conditions[?(@.type=="Ready")].status}|{.spec.containers[0].name}|{.spec.containers[0].image}{"\n"}{end}' 2>/dev/null |
  while IFS='|' read -r ns name node del ready cname image; do
    [[ -n $name && -n $node ]] || continue                       # unbound pods are the scheduler's business
    [[ $only == "  " || $only == *" $node "* ]] || continue
    if [[ -n $del ]]; then
      k delete pod -n "$ns" "$name" --grace-period=0 --force --wait=false >/dev/null 2>&1 \
        && echo "fake-kubelet: deleted $ns/$name (had deletionTimestamp $del)"
    elif [[ $ready != True ]]; then
      ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
      k patch pod -n "$ns" "$name" --subresource=status --type=merge -p "{\"status\":{
        \"phase\":\"Running\",\"hostIP\":\"10.1.0.1\",\"podIP\":\"10.244.0.10\",\"podIPs\":[{\"ip\":\"10.244.0.10\"}],\"startTime\":\"$ts\",
        \"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":\"$ts\"},
          {\"type\":\"Initialized\",\"status\":\"True\",\"lastTransitionTime\":\"$ts\"},
          {\"type\":\"ContainersReady\",\"status\":\"True\",\"lastTransitionTime\":\"$ts\"},
          {\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$ts\"}],
        \"containerStatuses\":[{\"name\":\"$cname\",\"image\":\"$image\",\"imageID\":\"\",\"ready\":true,\"started\":true,
          \"restartCount\":0,\"state\":{\"running\":{\"startedAt\":\"$ts\"}}}]}}" >/dev/null 2>&1 \
        && echo "fake-kubelet: $ns/$name on $node Ready"
    fi
  done
  sleep "${FAKE_KUBELET_INTERVAL:-0.5}"
done
