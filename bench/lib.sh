# Shared by bench/run.sh and bench/org.sh (sourced, from the repository root): the venvs both
# tools need, and the network namespace with loopback only that each run goes on in.

# Installs what is missing, while the network is there: Prowler $2 into bench/.prowler-venv
# (unless $1 is "rampart"), and moto into localstack/.venv (localstack/start.sh installs it on
# first use: it is started and stopped once). Prowler's version is read from its package
# metadata: `prowler --version` asks api.github.com for the latest release.
bench_venvs() {
  local only="$1" prowler_version="$2"
  if [ "$only" != "rampart" ]; then
    if [ "$(bench/.prowler-venv/bin/python -c 'import importlib.metadata as m; print(m.version("prowler"))' 2>/dev/null)" != "$prowler_version" ]; then
      echo "installing prowler==$prowler_version into bench/.prowler-venv (several minutes)" >&2
      "${PYTHON:-python3}" -m venv bench/.prowler-venv >&2
      bench/.prowler-venv/bin/pip install --quiet --disable-pip-version-check "prowler==$prowler_version" >&2
    fi
  fi
  if ! localstack/.venv/bin/python -c "import moto, cbor2, boto3, sys; sys.exit(moto.__version__ != '5.2.5')" 2>/dev/null; then
    local tmp_emu
    tmp_emu="$(mktemp -d)"
    RAMPART_EMULATOR_DIR="$tmp_emu" localstack/start.sh >/dev/null
    RAMPART_EMULATOR_DIR="$tmp_emu" localstack/stop.sh
    rm -rf "$tmp_emu"
  fi
}

# Runs SCRIPT again with ARGS, from the directory DIR, in a network namespace of its own that
# has only loopback (unshare -n; as root, or with -r in a user namespace), unless this already
# is that run. Against a custom endpoint, S3 Control requests go to <account>.127.0.0.1
# (botocore's endpoint rules), which the resolver would look up in DNS: there the lookup fails
# at once and nothing at all leaves the machine.
# Usage: bench_loopback_only DIR SCRIPT ARGS...
bench_loopback_only() {
  [ -z "${RAMPART_BENCH_NETNS:-}" ] || return 0
  local userns=()
  [ "$(id -u)" = 0 ] || userns=(-r)
  if ! unshare "${userns[@]}" -n true 2>/dev/null; then
    echo "$(basename "$2"): cannot create a network namespace (unshare -n); run as root or enable user namespaces" >&2
    exit 1
  fi
  exec unshare "${userns[@]}" -n -- env RAMPART_BENCH_NETNS=1 bash -c 'ip link set lo up && cd "$1" && shift && exec "$0" "$@"' "$2" "$1" "${@:3}"
}
