#!/usr/bin/env bash
# Start an AWS emulator (moto server, pinned) on a free loopback port, without Docker.
#
# Installs moto into localstack/.venv the first time, starts it in the background, and
# in front of it cbor_bridge.py, which forwards everything to moto and also answers the
# Smithy RPC v2 CBOR protocol that the Rust CloudWatch client speaks (moto does not).
# Waits until both answer and prints the endpoint (http://127.0.0.1:PORT) on stdout.
# The process ids and endpoint are kept in localstack/.run/ so that stop.sh ends exactly
# those processes. Logs go to localstack/.run/moto.log and bridge.log.
#
# Environment:
#   RAMPART_MOTO_PORT   port to use (default: a free port chosen by the OS)
#   PYTHON              interpreter used to create the venv (default: python3)
#   RAMPART_EMULATOR_DIR  where pids, endpoint and logs are kept (default: localstack/.run),
#                       so that several emulators can run side by side
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
run="${RAMPART_EMULATOR_DIR:-$here/.run}"
moto_version="5.2.5"
cbor2_version="5.7.1"
python="${PYTHON:-python3}"

mkdir -p "$run"

if [ -f "$run/bridge.pid" ] && kill -0 "$(cat "$run/bridge.pid")" 2>/dev/null \
  && [ -f "$run/moto.pid" ] && kill -0 "$(cat "$run/moto.pid")" 2>/dev/null; then
  cat "$run/endpoint"
  exit 0
fi

if ! "$venv/bin/python" -c "import moto, cbor2, sys; sys.exit(moto.__version__ != '$moto_version')" 2>/dev/null; then
  echo "installing moto[server]==$moto_version into $venv" >&2
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$moto_version" "cbor2==$cbor2_version" >&2
fi

free_port() {
  "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
moto_port="$(free_port)"
port="${RAMPART_MOTO_PORT:-$(free_port)}"

# AWS managed policies exist (AdministratorAccess, …); no foreign default AMIs and snapshots.
MOTO_IAM_LOAD_MANAGED_POLICIES=true \
MOTO_EC2_LOAD_DEFAULT_AMIS=false \
  nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$run/moto.log" 2>&1 &
echo $! > "$run/moto.pid"
nohup "$venv/bin/python" "$here/cbor_bridge.py" --listen "$port" --moto "http://127.0.0.1:$moto_port" >"$run/bridge.log" 2>&1 &
echo $! > "$run/bridge.pid"
endpoint="http://127.0.0.1:$port"
echo "$endpoint" > "$run/endpoint"

for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "$endpoint/moto-api/" 2>/dev/null; then
    echo "$endpoint"
    exit 0
  fi
  for name in moto bridge; do
    if ! kill -0 "$(cat "$run/$name.pid")" 2>/dev/null; then
      echo "$name exited during start; log follows:" >&2
      cat "$run/$name.log" >&2
      "$here/stop.sh"
      exit 1
    fi
  done
  sleep 0.2
done
echo "the emulator did not answer on $endpoint within 30 s" >&2
"$here/stop.sh"
exit 1
