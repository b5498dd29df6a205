#!/usr/bin/env bash
# make sandbox-up / sandbox-down: `admissionguard-playground sandbox` (sandbox API server + simulated cluster + the guard)
# in the background. State in .sandbox/ (SANDBOX_DIR): kubeconfig, sandbox.pid, sandbox.log.
#   scripts/sandbox.sh up [--no-build] [sandbox options, e.g. --seed --mode warn --Reconciler:MinPodAge=00:00:05]
#   scripts/sandbox.sh down
# `up` returns once kubectl reaches the API server and both webhook configurations are registered; after
# SANDBOX_TIMEOUT seconds (default 90) it stops what it started and prints the end of the log.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${SANDBOX_DIR:-.sandbox}
pidfile=$dir/sandbox.pid
log=$dir/sandbox.log
kubeconfig=$dir/kubeconfig
DOTNET=${DOTNET:-dotnet}
CONFIGURATION=${CONFIGURATION:-Debug}
timeout=${SANDBOX_TIMEOUT:-90}
playground=src/AdmissionGuard.Playground/bin/$CONFIGURATION/net10.0/admissionguard-playground.dll

# The pid in the pid file, if that process is still our sandbox (a pid can be reused after a reboot).
running_pid() {
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'admissionguard-playground.dll sandbox' || return 1
  echo "$pid"
}

ready() {
  if command -v kubectl >/dev/null; then
    local k=(kubectl --kubeconfig "$kubeconfig" --cache-dir "$dir/kube-cache" --request-timeout=5s)
    "${k[@]}" get --raw /readyz >/dev/null 2>&1 &&
      "${k[@]}" get mutatingwebhookconfiguration admissionguard >/dev/null 2>&1 &&
      "${k[@]}" get validatingwebhookconfiguration admissionguard >/dev/null 2>&1
  else
    # Without kubectl: the command prints this line once the webhooks are registered.
    grep -q '^Ready\.' "$log" 2>/dev/null
  fi
}

stop() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "sandbox (pid $pid) did not stop within 10s: killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

up() {
  local build=1
  if [[ ${1:-} == --no-build ]]; then
    build=0
    shift
  fi
  if pid=$(running_pid); then
    echo "sandbox already running (pid $pid); kubeconfig $kubeconfig"
    return 0
  fi
  mkdir -p "$dir"
  if ((build)); then
    "$DOTNET" build src/AdmissionGuard.Playground -c "$CONFIGURATION" -nologo -clp:ErrorsOnly >/dev/null
  fi
  [[ -f $playground ]] || { echo "sandbox: $playground not found (build first, or drop --no-build)" >&2; return 1; }
  rm -f "$kubeconfig" "$pidfile"
  nohup "$DOTNET" "$playground" sandbox --kubeconfig-out "$kubeconfig" "$@" >"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pidfile"
  local deadline=$((SECONDS + timeout))
  until [[ -f $kubeconfig ]] && ready; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "sandbox exited before it was ready; end of $log:" >&2
      tail -n 20 "$log" >&2
      rm -f "$pidfile"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "sandbox not ready after ${timeout}s; end of $log:" >&2
      tail -n 20 "$log" >&2
      stop "$pid"
      rm -f "$pidfile"
      return 1
    fi
    sleep 0.2
  done
  echo "sandbox running (pid $pid, log $log)"
  echo "  kubectl --kubeconfig $kubeconfig get pods -A -o wide"
  echo "  make sandbox-down    # to stop it"
}

down() {
  if pid=$(running_pid); then
    stop "$pid"
    echo "sandbox stopped (pid $pid)"
  else
    echo "sandbox not running"
  fi
  rm -f "$pidfile" "$kubeconfig"
}

case ${1:-} in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: scripts/sandbox.sh up [--no-build] [sandbox options] | down" >&2; exit 2 ;;
esac
