#!/usr/bin/env bash
# Build kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (Kubernetes v1.34.x), etcd (v3.6.x) and,
# optionally, kwok from the Go module proxy, using the pinned wrapper modules in harness/go/*/go.{mod,sum}.
#
# Usage: harness/build-bins.sh            -> prints the bin dir on stdout (all logs go to stderr)
# Env:   DAEMONSET_CACHE  cache root (default $HOME/.cache/daemonset); binaries in $DAEMONSET_CACHE/k8s/<key>,
#                         module cache in .../k8s/gomod, Go build cache in .../k8s/gocache
#        KWOK=0           do not build kwok (default 1: build it; a kwok build failure is only a warning)
#        NICE=10          niceness of the Go build (default 10)
#
# The cache key covers the versions (through go.mod/go.sum), the Go version, GOOS/GOARCH, this script and KWOK.
# A build runs in a temp dir beside the final one, under flock, and is renamed into place when complete, so a rerun
# is instant and an interrupted build leaves nothing that looks complete.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { echo "build-bins: $*" >&2; }

# ---- host tools (fresh Debian machine): openssl + curl are used by up.sh, flock/setsid come from util-linux
need=()
for t in openssl:openssl curl:curl flock:util-linux setsid:util-linux awk:gawk sha256sum:coreutils; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
  log "installing missing Debian packages: ${need[*]}"
  if [[ $(id -u) == 0 ]]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}" >&2
fi
command -v go >/dev/null 2>&1 || { log "Go >= 1.25 is required (go not found in PATH)"; exit 1; }
GOV=$(go env GOVERSION)                                   # e.g. go1.26.8
gomin=$(awk '$1=="go"{print $2; exit}' "$HERE/go/kube/go.mod")
if [[ $(printf '%s\n' "${gomin}" "${GOV#go}" | sort -V | head -1) != "$gomin" ]]; then
  log "Go $gomin or newer is required by k8s.io/kubernetes (found $GOV); GOTOOLCHAIN=local is set on purpose"; exit 1
fi

KVER=$(awk '$1=="k8s.io/kubernetes"{print $2; exit}' "$HERE/go/kube/go.mod")
EVER=$(awk '$1=="go.etcd.io/etcd/server/v3"{print $2; exit}' "$HERE/go/etcd/go.mod")
KWOK=${KWOK:-1}; [[ -f $HERE/go/kwok/go.mod ]] || KWOK=0
WVER=none; ((KWOK)) && WVER=$(awk '$1=="sigs.k8s.io/kwok"{print $2; exit}' "$HERE/go/kwok/go.mod")
HASH=$(cat "${BASH_SOURCE[0]}" "$HERE"/go/*/go.mod "$HERE"/go/*/go.sum | sha256sum | cut -c1-10)
KEY="k$KVER-etcd$EVER-kwok$WVER-$GOV-$(go env GOOS)-$(go env GOARCH)-$HASH"

CACHE=${DAEMONSET_CACHE:-$HOME/.cache/daemonset}
ROOT=$CACHE/k8s; OUT=$ROOT/$KEY
[[ -f $OUT/.complete ]] && { log "cached: $OUT"; echo "$OUT"; exit 0; }
mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
log "waiting for lock $ROOT/.lock"; flock 9
[[ -f $OUT/.complete ]] && { log "cached (built by another run): $OUT"; echo "$OUT"; exit 0; }

export GOMODCACHE=$ROOT/gomod GOCACHE=$ROOT/gocache GOFLAGS="-mod=readonly -modcacherw -trimpath -buildvcs=false" \
       CGO_ENABLED=0 GOTOOLCHAIN=local GOWORK=off
W=$(mktemp -d "$ROOT/.tmp-XXXXXX"); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bin"; cp -r "$HERE/go" "$W/src"
NICE=${NICE:-10}
INFO=$W/bin/BUILDINFO
printf 'key=%s\ngo=%s\nkubernetes=%s\netcd=%s\nkwok=%s\nbuilt=%s\n' "$KEY" "$GOV" "$KVER" "$EVER" "$WVER" \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$INFO"

# build <name> <module dir> <package> [ldflags]: timed with /usr/bin/time -v (elapsed + peak RSS into BUILDINFO)
build() {
  local name=$1 dir=$2 pkg=$3 ldf=${4:-} t0 t1
  log "building $name ($pkg)"; t0=$(date +%s)
  ( cd "$W/src/$dir" && /usr/bin/time -v -o "$W/$name.time" nice -n "$NICE" \
      go build -ldflags "-s -w $ldf" -o "$W/bin/$name" "$pkg" ) >&2 || return 1
  t1=$(date +%s)
  local rss; rss=$(awk -F': ' '/Maximum resident set size/{printf "%d MiB", $2/1024}' "$W/$name.time")
  printf 'build.%s=%ss peak-rss-single-process=%s\n' "$name" "$((t1 - t0))" "$rss" >> "$INFO"
  log "built $name in $((t1 - t0))s (largest single process $rss)"
}

# --- kube binaries: version ldflags, otherwise --version prints v0.0.0-master
MINOR=${KVER#v1.}; MINOR=${MINOR%%.*}
X() { for k in "$@"; do printf -- "-X 'k8s.io/component-base/version.%s' -X 'k8s.io/client-go/pkg/version.%s' " "$k" "$k"; done; }
KLDF="$(X gitVersion="$KVER" gitMajor=1 gitMinor="$MINOR" gitTreeState=clean buildDate=1970-01-01T00:00:00Z)"
log "downloading modules (kube) into $GOMODCACHE"
( cd "$W/src/kube" && go mod download ) >&2
for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build "$c" kube "k8s.io/kubernetes/cmd/$c" "$KLDF"
done
log "downloading modules (etcd)"
( cd "$W/src/etcd" && go mod download ) >&2
build etcd etcd go.etcd.io/etcd/server/v3

if ((KWOK)); then
  if ( cd "$W/src/kwok" && go mod download ) >&2 && \
     build kwok kwok sigs.k8s.io/kwok/cmd/kwok; then
    :
  else
    log "WARNING: kwok build failed; continuing without it (tests fall back to a fake kubelet)"; rm -f "$W/bin/kwok"
  fi
fi

"$W/bin/kube-apiserver" --version >&2
"$W/bin/kubectl" version --client >&2
"$W/bin/etcd" --version | head -1 >&2
[[ -x $W/bin/kwok ]] && { "$W/bin/kwok" --version >&2 || true; }
printf 'modcache=%s\n' "$(du -sh "$GOMODCACHE" | cut -f1)" >> "$INFO"
echo "$KEY" > "$W/bin/.complete"
rm -rf "$OUT"; mv "$W/bin" "$OUT"
log "done: $OUT"
# keep the 3 most recent builds (other branches may use other keys); each is ~400 MB
ls -1dt "$ROOT"/k*-etcd*/ 2>/dev/null | tail -n +4 | while read -r old; do log "pruning old build $old"; rm -rf "$old"; done
echo "$OUT"
