#!/usr/bin/env bash
# Stop the emulator and bridge that start.sh started (and only those processes).
set -euo pipefail
run="${RAMPART_EMULATOR_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.run}"
for name in bridge moto; do
  if [ -f "$run/$name.pid" ]; then
    pid="$(cat "$run/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$run/$name.pid"
  fi
done
rm -f "$run/endpoint"
