#!/usr/bin/env bash
# Start a real Kubernetes control plane on loopback: etcd + kube-apiserver (+ kube-controller-manager + kube-scheduler).
#
# Usage: harness/up.sh <workdir>            -> prints <workdir>/kubeconfig on stdout (logs on stderr)
# Env:   BIN=<dir>            binaries (default: the output of harness/build-bins.sh, cached after the first build)
#        TIER=full|api        api = etcd + kube-apiserver only (server-side validation/dry-run tests); default full
#        HARNESS_OWNER_PID=N  start a watchdog that runs down.sh as soon as process N is gone (a crashed or killed
#                             test cannot leave the control plane behind); HARNESS_TTL=S also tears down after S seconds
#        KWOK=1               also start kwok as the fake kubelet for nodes annotated kwok.x-k8s.io/node=fake
#                             (needs $BIN/kwok; default 0: the caller plays kubelet itself, see fake-kubelet.sh)
#        KCM_CONTROLLERS      override the controller list of kube-controller-manager
#        UP_TIMEOUT=120       seconds to wait for each component
#
# Files in <workdir>: kubeconfig, env (sourceable: KUBECONFIG, BIN, ports), pki/, etcd-data/, <component>.log,
# <component>.pid. Each component runs in its own session/process group (setsid, pid == pgid), with stdin from
# /dev/null and stdout/stderr to its log file, so a caller that captures up.sh's output is not kept waiting by it.
# down.sh <workdir> kills the process groups and verifies nothing is left. Rerunning up.sh on a used workdir first
# stops whatever a previous run left and deletes its state.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=$(realpath -m "${1:?usage: up.sh <workdir>}")
TIER=${TIER:-full}; UP_TIMEOUT=${UP_TIMEOUT:-120}
log() { echo "up: [$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%5.1fs", b-a}')] $*" >&2; }
T0=$(date +%s.%N)

BIN=${BIN:-$(bash "$HERE/build-bins.sh")}
for b in etcd kube-apiserver kubectl; do [[ -x $BIN/$b ]] || { log "missing $BIN/$b"; exit 1; }; done

# ---- stale workdir: stop what a previous run left, remove only our own files
mkdir -p "$W"
if compgen -G "$W/*.pid" >/dev/null; then log "stopping leftovers of a previous run in $W"; bash "$HERE/down.sh" "$W" >&2; fi
rm -rf "$W/pki" "$W/etcd-data" "$W/kcm-certs" "$W/scheduler-certs" "$W/kwok-home"
rm -f "$W"/{etcd,apiserver,kcm,scheduler,kwok,watchdog}.{log,pid} "$W/kubeconfig" "$W/env" "$W/pki.log"

# ---- free loopback ports: random, not LISTENing (from /proc/net/tcp*), not handed out twice; a clash at bind time
# is caught below by the process exiting, and the start is retried with new ports.
declare -A TAKEN=()
port_listening() { local h; h=$(printf ':%04X' "$1")
  awk -v h="$h" 'FNR>1 && $4=="0A" && substr($2, length($2)-4)==h {f=1} END{exit !f}' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
free_port() { local p
  while :; do p=$((20000 + RANDOM % 40000)); [[ -z ${TAKEN[$p]:-} ]] && ! port_listening "$p" && break; done
  TAKEN[$p]=1; echo "$p"; }

start() { # name cmd... : own session + process group (setsid execs in place: $! is the pid and the pgid)
  local name=$1; shift
  setsid "$@" </dev/null >"$W/$name.log" 2>&1 &
  echo $! > "$W/$name.pid"
}
alive() { kill -0 "$(cat "$W/$1.pid")" 2>/dev/null; }
# wait_until name timeout cmd...: 0 when cmd succeeds, 1 if the component died, 2 on timeout
wait_until() { local name=$1 t=$2 end; shift 2; end=$(( $(date +%s) + t ))
  while (( $(date +%s) < end )); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$name" || return 1
    sleep 0.2
  done; return 2; }
fail() { log "$1 failed to start; last lines of $W/$1.log:"; tail -n 40 "$W/$1.log" >&2 || true
  bash "$HERE/down.sh" "$W" >&2 || true; exit 1; }

# PKI (RSA keys, ~1-2 s) is generated while etcd starts
bash "$HERE/gen-pki.sh" "$W/pki" >"$W/pki.log" 2>&1 &
PKI_PID=$!
PKI=$W/pki
CURL=(curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key")

# ---- etcd
for try in 1 2 3; do
  EP=$(free_port); EPP=$(free_port)
  rm -rf "$W/etcd-data"
  start etcd "$BIN/etcd" --name=test --data-dir="$W/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$EP" --advertise-client-urls="http://127.0.0.1:$EP" \
    --listen-peer-urls="http://127.0.0.1:$EPP" --initial-advertise-peer-urls="http://127.0.0.1:$EPP" \
    --initial-cluster="test=http://127.0.0.1:$EPP" \
    --unsafe-no-fsync --log-level=warn
  rc=0; wait_until etcd "$UP_TIMEOUT" curl -fsS --max-time 2 "http://127.0.0.1:$EP/health" || rc=$?
  ((rc == 0)) && break
  ((rc == 1 && try < 3)) && { log "etcd exited (port clash?), retrying"; continue; }
  fail etcd
done
log "etcd ready on 127.0.0.1:$EP"
wait "$PKI_PID" || { log "gen-pki.sh failed:"; cat "$W/pki.log" >&2; bash "$HERE/down.sh" "$W" >&2; exit 1; }

# ---- kube-apiserver
for try in 1 2 3; do
  AP=$(free_port)
  start apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$EP" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$AP" --cert-dir="$PKI" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true \
    --disable-admission-plugins="${DISABLE_ADMISSION-TaintNodesByCondition}" \
    --endpoint-reconciler-type=none --profiling=false
  rc=0; wait_until apiserver "$UP_TIMEOUT" "${CURL[@]}" "https://127.0.0.1:$AP/readyz" || rc=$?
  ((rc == 0)) && break
  ((rc == 1 && try < 3)) && { log "kube-apiserver exited (port clash?), retrying"; continue; }
  fail apiserver
done
log "kube-apiserver ready on https://127.0.0.1:$AP"

b64() { base64 -w0 < "$1"; }
cat > "$W/kubeconfig" <<K
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$AP
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$PKI/admin.crt")
    client-key-data: $(b64 "$PKI/admin.key")
contexts:
- name: test
  context: {cluster: test, user: admin, namespace: default}
current-context: test
K
chmod 600 "$W/kubeconfig"

if [[ $TIER == full ]]; then
  KCM_CONTROLLERS=${KCM_CONTROLLERS:-daemonset-controller,garbage-collector-controller,namespace-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller}
  for try in 1 2 3; do
    KP=$(free_port)
    start kcm "$BIN/kube-controller-manager" --kubeconfig="$W/kubeconfig" \
      --authentication-kubeconfig="$W/kubeconfig" --authorization-kubeconfig="$W/kubeconfig" --authentication-skip-lookup \
      --bind-address=127.0.0.1 --secure-port="$KP" --cert-dir="$W/kcm-certs" \
      --leader-elect=false --controllers="$KCM_CONTROLLERS" \
      --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
      --use-service-account-credentials=false --profiling=false
    rc=0; wait_until kcm "$UP_TIMEOUT" curl -kfsS --max-time 2 "https://127.0.0.1:$KP/healthz" || rc=$?
    ((rc == 0)) && break
    ((rc == 1 && try < 3)) && { log "kube-controller-manager exited (port clash?), retrying"; continue; }
    fail kcm
  done
  # /healthz can pass before the controllers are started; each started controller adds its own check
  ctl_started() { local v c; v=$(curl -kfsS --max-time 2 "https://127.0.0.1:$KP/healthz?verbose") || return 1
    for c in ${KCM_CONTROLLERS//,/ }; do [[ $c == -* || $c == '*' ]] && continue
      grep -qxF "[+]$c ok" <<<"$v" || return 1; done; }
  wait_until kcm "$UP_TIMEOUT" ctl_started || fail kcm
  log "kube-controller-manager healthy on 127.0.0.1:$KP, controllers started: $KCM_CONTROLLERS"
  for try in 1 2 3; do
    SP=$(free_port)
    start scheduler "$BIN/kube-scheduler" --kubeconfig="$W/kubeconfig" \
      --authentication-kubeconfig="$W/kubeconfig" --authorization-kubeconfig="$W/kubeconfig" --authentication-skip-lookup \
      --bind-address=127.0.0.1 --secure-port="$SP" --cert-dir="$W/scheduler-certs" \
      --leader-elect=false --profiling=false
    rc=0; wait_until scheduler "$UP_TIMEOUT" curl -kfsS --max-time 2 "https://127.0.0.1:$SP/readyz" || rc=$?
    ((rc == 0)) && break
    ((rc == 1 && try < 3)) && { log "kube-scheduler exited (port clash?), retrying"; continue; }
    fail scheduler
  done
  log "kube-scheduler ready on 127.0.0.1:$SP"
  # The ServiceAccount admission plugin rejects pods in a namespace without the "default" ServiceAccount, which
  # the serviceaccount-controller creates: wait for it so the DaemonSet controller's first pod creates succeed.
  wait_until kcm "$UP_TIMEOUT" "$BIN/kubectl" --kubeconfig="$W/kubeconfig" get serviceaccount default -n default \
    || fail kcm
  log "ServiceAccount default/default exists"
fi

if [[ ${KWOK:-0} == 1 ]]; then
  [[ -x $BIN/kwok ]] || { log "KWOK=1 but $BIN/kwok was not built"; bash "$HERE/down.sh" "$W" >&2; exit 1; }
  mkdir -p "$W/kwok-home"   # kwok reads ~/.kwok/kwok.yaml: give it an empty HOME so the defaults (default stages) apply
  start kwok env HOME="$W/kwok-home" "$BIN/kwok" --kubeconfig="$W/kubeconfig" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake --node-lease-duration-seconds=40
  wait_until kwok "$UP_TIMEOUT" grep -q '"msg":"Watch nodes"' "$W/kwok.log" || fail kwok
  log "kwok watching nodes annotated kwok.x-k8s.io/node=fake"
fi

cat > "$W/env" <<E
export KUBECONFIG=$W/kubeconfig
export BIN=$BIN
export HARNESS_WORKDIR=$W
export ETCD_PORT=$EP APISERVER_PORT=$AP KCM_PORT=${KP:-} SCHEDULER_PORT=${SP:-}
E

if [[ -n ${HARNESS_OWNER_PID:-} || -n ${HARNESS_TTL:-} ]]; then
  # watchdog in its own session: tears the plane down when the owner process is gone (or after HARNESS_TTL s)
  start watchdog bash -c 'W=$1; owner=$2; ttl=$3; end=$(( $(date +%s) + ${ttl:-999999999} ))
    while { [[ -z $owner ]] || kill -0 "$owner" 2>/dev/null; } && (( $(date +%s) < end )); do sleep 1; done
    HARNESS_FROM_WATCHDOG=1 bash "$4/down.sh" "$W"; rm -f "$W/watchdog.pid"' watchdog "$W" "${HARNESS_OWNER_PID:-}" "${HARNESS_TTL:-}" "$HERE"
  log "watchdog started (owner pid ${HARNESS_OWNER_PID:-none}, ttl ${HARNESS_TTL:-none})"
fi

T1=$(date +%s.%N)
log "control plane ($TIER) up in $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}')s; kubeconfig: $W/kubeconfig"
echo "$W/kubeconfig"
