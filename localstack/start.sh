#!/usr/bin/env bash
# Start an AWS emulator (moto server, pinned) on a free loopback port, without Docker.
#
# Installs moto into localstack/.venv the first time, starts it in the background,
# waits until it answers and prints its endpoint (http://127.0.0.1:PORT) on stdout.
# The process id and endpoint are kept in localstack/.run/ so that stop.sh ends
# exactly that process. Logs go to localstack/.run/moto.log.
#
# Environment:
#   RAMPART_MOTO_PORT   port to use (default: a free port chosen by the OS)
#   PYTHON              interpreter used to create the venv (default: python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
run="$here/.run"
moto_version="5.2.5"
python="${PYTHON:-python3}"

mkdir -p "$run"

if [ -f "$run/moto.pid" ] && kill -0 "$(cat "$run/moto.pid")" 2>/dev/null; then
  cat "$run/endpoint"
  exit 0
fi

if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$moto_version')" 2>/dev/null; then
  echo "installing moto[server]==$moto_version into $venv" >&2
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$moto_version" >&2
fi

port="${RAMPART_MOTO_PORT:-}"
if [ -z "$port" ]; then
  port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
fi

# AWS managed policies exist (AdministratorAccess, …); no foreign default AMIs and snapshots.
MOTO_IAM_LOAD_MANAGED_POLICIES=true \
MOTO_EC2_LOAD_DEFAULT_AMIS=false \
  nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$run/moto.log" 2>&1 &
pid=$!
echo "$pid" > "$run/moto.pid"
endpoint="http://127.0.0.1:$port"
echo "$endpoint" > "$run/endpoint"

for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "$endpoint/moto-api/" 2>/dev/null; then
    echo "$endpoint"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "moto exited during start; log follows:" >&2
    cat "$run/moto.log" >&2
    rm -f "$run/moto.pid" "$run/endpoint"
    exit 1
  fi
  sleep 0.2
done
echo "moto did not answer on $endpoint within 30 s" >&2
kill "$pid" 2>/dev/null || true
rm -f "$run/moto.pid" "$run/endpoint"
exit 1
