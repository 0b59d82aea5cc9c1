#!/usr/bin/env bash
# Stop the emulator that start.sh started (and only that process).
set -euo pipefail
run="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.run"
if [ -f "$run/moto.pid" ]; then
  pid="$(cat "$run/moto.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$run/moto.pid" "$run/endpoint"
fi
