#!/usr/bin/env bash
# Regenerate the pinned wrapper modules harness/go/{kube,etcd,kwok}/go.{mod,sum} from the Go module proxy.
# Only needed to change versions; build-bins.sh builds from the committed files.
#
# Usage: [KVER=v1.34.12] [ETCDVER=<auto: the one k8s go.mod names>] [KWOKVER=v0.7.0] harness/gen-gomod.sh
#
# Why a wrapper module: k8s.io/kubernetes cannot be `go install`ed, its go.mod replaces every staging module
# (k8s.io/api, k8s.io/client-go, ...) with ./staging at v0.0.0. The wrapper requires k8s.io/kubernetes and replaces each
# staging module with its published v0.<minor>.<patch>. etcd's server module has replaces too, so it gets a wrapper.
# The checksum database is not reachable from this workplace (GOSUMDB=off here); the committed go.sum pins every
# module hash, so later builds verify what the proxy serves against it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KVER=${KVER:-v1.34.12}
KWOKVER=${KWOKVER:-v0.7.0}
MINOR=${KVER#v1.}   # "34.12"
export GOFLAGS="-mod=mod -modcacherw" GOTOOLCHAIN=local GOSUMDB=${GOSUMDB:-off} GOPROXY=${GOPROXY:-https://proxy.golang.org}
log() { echo "gen-gomod: $*" >&2; }

# ---- kube: derive the staging list, the go line and godebug from k/k's own go.mod
D=$HERE/go/kube; rm -rf "$D"; mkdir -p "$D"; cd "$D"
go mod init daemonset-harness/kube >/dev/null 2>&1
KMOD=$(go mod download -json "k8s.io/kubernetes@$KVER" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
[[ -f $KMOD ]] || { log "cannot download k8s.io/kubernetes@$KVER go.mod"; exit 1; }
KGO=$(awk '$1=="go"{print $2; exit}' "$KMOD")
go mod edit -go="$KGO"
awk '$1=="godebug" && $2!="(" {print $2}' "$KMOD" | while read -r g; do go mod edit -godebug="$g"; done
STAGING=$(awk '/^require \(/{r=1;next} r&&/^\)/{r=0} r&&$1~/^k8s\.io\//&&$2=="v0.0.0"{print $1}' "$KMOD")
ETCDVER=${ETCDVER:-$(awk '$1=="go.etcd.io/etcd/server/v3"{print $2; exit}' "$KMOD")}
n=0
for m in $STAGING; do
  v=v0.$MINOR
  if ! go list -m "$m@$v" >/dev/null 2>&1; then
    v=$(go list -m -f '{{.Version}}' "$m@kubernetes-${KVER#v}")   # fallback: tag kubernetes-1.X.Y -> pseudo-version
  fi
  go mod edit -replace="$m=$m@$v"; n=$((n+1))
done
log "kube $KVER: go $KGO, $n staging modules replaced, etcd named by k/k: $ETCDVER"
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$KVER" "k8s.io/kubernetes/cmd/kube-controller-manager@$KVER" \
  "k8s.io/kubernetes/cmd/kube-scheduler@$KVER" "k8s.io/kubernetes/cmd/kubectl@$KVER"
go mod tidy

# ---- etcd server (module root is package main)
D=$HERE/go/etcd; rm -rf "$D"; mkdir -p "$D"; cd "$D"
go mod init daemonset-harness/etcd >/dev/null 2>&1
EGO=$(go mod download -json "go.etcd.io/etcd/server/v3@$ETCDVER" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p' | xargs awk '$1=="go"{print $2; exit}')
go mod edit -go="$EGO"
go get -tool "go.etcd.io/etcd/server/v3@$ETCDVER"
go mod tidy
log "etcd $ETCDVER"

# ---- kwok (optional fake kubelet); no replaces, but a wrapper gives the same pinning
D=$HERE/go/kwok; rm -rf "$D"
if [[ $KWOKVER != none ]]; then
  mkdir -p "$D"; cd "$D"
  go mod init daemonset-harness/kwok >/dev/null 2>&1
  KWGO=$(go mod download -json "sigs.k8s.io/kwok@$KWOKVER" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p' | xargs awk '$1=="go"{print $2; exit}')
  go mod edit -go="$KWGO"
  go get -tool "sigs.k8s.io/kwok/cmd/kwok@$KWOKVER"
  go mod tidy
  log "kwok $KWOKVER (go $KWGO)"
fi
log "done; commit harness/go/*/go.mod and go.sum"
