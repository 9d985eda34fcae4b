#!/usr/bin/env bash
# Stop a control plane started by up.sh and verify that no process of it is left.
# Usage: harness/down.sh <workdir>      (idempotent; exit 1 only if some process survived SIGKILL)
#
# Each component is the leader of its own process group (up.sh starts it with setsid), so the whole group is
# signalled: SIGTERM, up to ${DOWN_GRACE:-10}s, then SIGKILL. A pid file is only acted on when a member of that
# group has <workdir> on its command line (protects against pid reuse after a reboot). Finally any control-plane
# binary (or bash, e.g. fake-kubelet.sh) whose command line still mentions <workdir> is killed as a leftover.
set -uo pipefail
W=$(realpath -m "${1:?usage: down.sh <workdir>}")
GRACE=${DOWN_GRACE:-10}
log() { echo "down: $*" >&2; }

members() { # pgid -> pids in that process group
  local pg=$1 f rest
  for f in /proc/[0-9]*/stat; do
    read -r rest 2>/dev/null < "$f" || continue
    rest=${rest##*) }                        # after "pid (comm) ": state ppid pgrp ...
    set -- $rest
    [[ ${3:-} == "$pg" ]] && { f=${f#/proc/}; echo "${f%/stat}"; }
  done
}
ours() { # pid -> 0 when its command line mentions the workdir
  tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -qF -- "$W"
}
group_is_ours() { local p; for p in $(members "$1"); do ours "$p" && return 0; done; return 1; }
mentioning() { # pids (not us, not our parents' shell) whose command line mentions the workdir
  local f p
  for f in /proc/[0-9]*/cmdline; do
    p=${f#/proc/}; p=${p%/cmdline}
    [[ $p == "$$" || $p == "$PPID" || $p == "$BASHPID" ]] && continue
    tr '\0' ' ' 2>/dev/null < "$f" | grep -qF -- "$W" || continue
    # skip this script's own invocations (down.sh <workdir>) and the caller's shells
    tr '\0' ' ' 2>/dev/null < "$f" | grep -qE 'down\.sh|smoke\.sh|up\.sh' && continue
    echo "$p"
  done
}

order=(kwok scheduler kcm apiserver etcd)
[[ -z ${HARNESS_FROM_WATCHDOG:-} ]] && order=(watchdog "${order[@]}")
declare -a groups=()
for c in "${order[@]}"; do
  pf=$W/$c.pid; [[ -f $pf ]] || continue
  pg=$(cat "$pf" 2>/dev/null); [[ $pg =~ ^[0-9]+$ ]] || { rm -f "$pf"; continue; }
  if group_is_ours "$pg"; then
    kill -TERM -- "-$pg" 2>/dev/null && log "SIGTERM $c (pgid $pg)"; groups+=("$c:$pg")
  fi
  # a stale pid file whose group is gone or not ours is simply dropped
done

end=$(( $(date +%s) + GRACE ))
for cg in "${groups[@]}"; do
  c=${cg%%:*}; pg=${cg#*:}
  while [[ -n $(members "$pg") ]] && (( $(date +%s) < end )); do sleep 0.1; done
  if [[ -n $(members "$pg") ]]; then log "SIGKILL $c (pgid $pg)"; kill -KILL -- "-$pg" 2>/dev/null; fi
done
for cg in "${groups[@]}"; do
  pg=${cg#*:}; for _ in $(seq 50); do [[ -z $(members "$pg") ]] && break; sleep 0.1; done
done

rc=0
for cg in "${groups[@]}"; do
  c=${cg%%:*}; pg=${cg#*:}
  if [[ -n $(members "$pg") ]]; then log "still running: $c (pgid $pg): $(members "$pg" | tr '\n' ' ')"; rc=1
  else rm -f "$W/$c.pid"; fi
done
for c in "${order[@]}"; do [[ -f $W/$c.pid ]] && ! group_is_ours "$(cat "$W/$c.pid")" && rm -f "$W/$c.pid"; done

# safety net: processes of ours (by executable name) that still mention the workdir are killed; anything else that
# mentions it (an editor, tail -f on a log) is only reported
left=; other=
for p in $(mentioning); do
  case $(basename "$(readlink "/proc/$p/exe" 2>/dev/null)") in
    etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kubectl|kwok) left+=" $p";;
    bash) if tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" | grep -qE 'fake-kubelet\.sh|^bash -c .* watchdog '; then
            left+=" $p"; else other+=" $p"; fi;;
    *) other+=" $p";;
  esac
done
[[ -n $other ]] && log "note: other processes mention $W (not touched):$other"
if [[ -n $left ]]; then
  log "leftover processes mentioning $W:$left"; kill -KILL $left 2>/dev/null; sleep 0.5
  left=$(for p in $left; do [[ -d /proc/$p ]] && echo "$p"; done)
  [[ -n $left ]] && { log "could not kill: $(echo $left)"; rc=1; }
fi
((rc == 0)) && log "stopped; no control-plane process of $W is left"
exit $rc
