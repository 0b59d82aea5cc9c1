#!/usr/bin/env bash
# Fuzzes the check crate's harnesses (rampart_checks::fuzzing) with cargo-fuzz.
#
#   scripts/fuzz.sh [TARGET] [SECONDS]
#
# TARGET is one of the files in checks/fuzz/fuzz_targets/ (default: every target, one
# after another); SECONDS is the time per target (default 60). Needs the nightly
# toolchain; installs cargo-fuzz when it is missing. Uses one core (libFuzzer's default
# single process; no -jobs/-workers) and no network.
#
# New inputs go to checks/fuzz/work/TARGET/ (gitignored); the committed seed corpus
# checks/fuzz/corpus/TARGET/ is read, never written. A crash stops the run: the script
# prints the artifact path (checks/fuzz/artifacts/TARGET/...) and exits non-zero.
# Each target's libFuzzer log is kept in checks/fuzz/work/TARGET.log.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$here/checks/fuzz"
seconds="${2:-60}"
max_len="${FUZZ_MAX_LEN:-16384}"
rss_mb="${FUZZ_RSS_LIMIT_MB:-2048}"

if [[ $# -ge 1 && "$1" != "all" ]]; then
    targets=("$1")
    if [[ ! -f "$fuzz/fuzz_targets/$1.rs" ]]; then
        echo "fuzz.sh: no target '$1' (have: $(cd "$fuzz/fuzz_targets" && ls | sed 's/\.rs$//' | tr '\n' ' '))" >&2
        exit 2
    fi
else
    mapfile -t targets < <(cd "$fuzz/fuzz_targets" && ls | sed 's/\.rs$//')
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
    echo "fuzz.sh: SECONDS must be a positive whole number, not '$seconds'" >&2
    exit 2
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

cd "$fuzz"
status=0
for target in "${targets[@]}"; do
    work="$fuzz/work/$target"
    log="$fuzz/work/$target.log"
    mkdir -p "$work" "$fuzz/artifacts/$target"
    echo "== $target: ${seconds}s (log: $log)"
    set +e
    cargo +nightly fuzz run "$target" "$work" "$fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb="$rss_mb" \
        -timeout=10 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    grep -E '^#[0-9]+ +DONE|^Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb' "$log" || true
    if [[ $rc -ne 0 ]]; then
        status=1
        echo "== $target: FAILED (exit $rc)"
        grep -E 'panicked at|^thread|SUMMARY|ERROR: libFuzzer' "$log" | head -5 || true
        artifact="$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //')"
        if [[ -n "$artifact" ]]; then
            echo "== $target: crashing input: $artifact"
            echo "   reproduce: cd checks/fuzz && cargo +nightly fuzz run $target $artifact"
        fi
    else
        echo "== $target: ok"
    fi
done
exit $status
