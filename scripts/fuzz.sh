#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a given number of seconds each.
#
#   scripts/fuzz.sh SECONDS [TARGET...]      (default: every target, one after another)
#
# For each target: replays fuzz/regressions/<target>/ (committed crash inputs,
# which must no longer crash), then fuzzes from fuzz/corpus/<target>/ (seeded
# from tests/vectors by scripts/fuzz-seeds.py; grows while fuzzing) for
# SECONDS, and prints libFuzzer's final executions and coverage. A summary
# table (Markdown, as in docs/security.md) closes the run. Exits non-zero if
# any target crashed, leaked, timed out or failed to build; the crashing input
# is in fuzz/artifacts/<target>/ and the log in fuzz/logs/<target>.log.
#
# Toolchain: cargo-fuzz normally wants nightly Rust, because its default
# AddressSanitizer build passes `-Zsanitizer=address`. This project (and its
# machines) only have stable Rust, so the default here is
# `cargo fuzz run --sanitizer none`: every other flag cargo-fuzz passes
# (`-Cpasses=sancov-module`, `-Cllvm-args=-sanitizer-coverage-*`,
# `--cfg fuzzing`) is a stable `-C` option, so libFuzzer's coverage-guided
# fuzzing works on stable without RUSTC_BOOTSTRAP. What is lost is ASan, which
# matters little here: the core and these targets are `unsafe`-free safe Rust
# (panics, overflows -- debug assertions and overflow checks are on in
# fuzz/Cargo.toml's release profile -- hangs and out-of-memory are still
# caught). To get ASan anyway (for the dependencies' unsafe code), set
# FUZZ_SANITIZER=address: the script then sets RUSTC_BOOTSTRAP=1 so stable
# rustc accepts `-Zsanitizer` (the ASan runtime ships with the stable
# toolchain on x86_64 Linux; checked: it builds and runs, several times
# slower). That is an unsupported use of a stable compiler, so it is opt-in,
# not the default; switching sanitizers rebuilds everything.
#
# Environment: FUZZ_SANITIZER (none | address; default none),
# FUZZ_TIMEOUT (seconds for one input before it counts as a hang; default 10),
# FUZZ_ARGS (extra libFuzzer flags, e.g. "-max_len=8192"),
# FUZZ_SKIP_KNOWN (1, or a comma list of names from
# fuzz/fuzz_targets/known_bugs.rs: let bugs that are reported but not yet
# fixed in the core pass, to keep fuzzing for other ones; default: strict).
set -euo pipefail

usage() { echo "usage: scripts/fuzz.sh SECONDS [TARGET...]" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
run_seconds=$1
shift

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fuzz_dir="$root/fuzz"
sanitizer=${FUZZ_SANITIZER:-none}
timeout_s=${FUZZ_TIMEOUT:-10}
read -r -a extra_args <<<"${FUZZ_ARGS:-}"

case "$sanitizer" in
  none) ;;
  address) export RUSTC_BOOTSTRAP=1 ;;
  *) echo "fuzz: FUZZ_SANITIZER must be none or address, not '$sanitizer'" >&2; exit 2 ;;
esac

# cargo-fuzz itself (a cargo subcommand from crates.io), and a C++ compiler
# for libfuzzer-sys's build of libFuzzer.
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked
fi
if ! command -v c++ >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing a C++ compiler for libFuzzer (apt-get install g++)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
  else
    echo "fuzz: libFuzzer needs a C++ compiler (c++); install g++ or clang" >&2
    exit 1
  fi
fi

echo "== seed corpora from tests/vectors and tests/keys"
python3 "$root/scripts/fuzz-seeds.py" --out "$fuzz_dir/corpus"

cd "$fuzz_dir"
if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

# One build for every target (-O: release profile, which fuzz/Cargo.toml gives
# debug assertions, overflow checks and line tables; -a says the same to cargo-fuzz).
build=(-O -a --sanitizer "$sanitizer")
echo "== building the fuzz targets (cargo fuzz build ${build[*]})"
cargo fuzz build "${build[@]}"

mkdir -p "$fuzz_dir/logs"
summary=()
failed=()
for t in "${targets[@]}"; do
  log="$fuzz_dir/logs/$t.log"
  dirs=("corpus/$t")
  mkdir -p "corpus/$t"

  if [[ -d "regressions/$t" ]] && compgen -G "regressions/$t/*" >/dev/null; then
    echo "== $t: replaying fuzz/regressions/$t"
    if ! cargo fuzz run "${build[@]}" "$t" "regressions/$t" -- -runs=0 >"$log.regressions" 2>&1; then
      tail -n 30 "$log.regressions" >&2
      echo "fuzz: $t: a regression input crashes again (log: fuzz/logs/$t.log.regressions)" >&2
      failed+=("$t (regression)")
    fi
  fi

  echo "== $t: fuzzing for ${run_seconds}s"
  rc=0
  cargo fuzz run "${build[@]}" "$t" "${dirs[@]}" -- \
    -max_total_time="$run_seconds" -print_final_stats=1 -timeout="$timeout_s" \
    "${extra_args[@]}" >"$log" 2>&1 || rc=$?

  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  if [[ -z $execs ]]; then
    # No final stats (a crash stops libFuzzer first): take the last status line.
    execs=$(grep -oE '^#[0-9]+' <<<"$last" | tr -d '#' || true)
  fi
  if [[ $rc -eq 0 ]]; then
    result="none"
  else
    artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
    result="CRASH (exit $rc${artifact:+, $artifact})"
    if [[ -z $artifact ]] && grep -q 'signal: 11 (SIGSEGV)' "$log"; then
      # A stack overflow also overflows libFuzzer's handler: no input is saved.
      echo "fuzz: $t died of SIGSEGV with no input saved (likely a stack overflow); to see where:" >&2
      echo "  (cd fuzz && gdb -batch -ex run -ex 'bt 30' --args target/x86_64-unknown-linux-gnu/release/$t corpus/$t)" >&2
    fi
    failed+=("$t")
    grep -m 1 -E 'panicked at|ERROR: libFuzzer|deadly signal|SUMMARY' "$log" >&2 || true
    echo "fuzz: $t failed; log: fuzz/logs/$t.log" >&2
  fi
  printf '   %s: executions %s (%s/s), cov %s, ft %s, corpus %s, crashes: %s\n' \
    "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
  summary+=("| \`$t\` | $run_seconds | ${execs:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $result |")
done

echo
echo "== summary (sanitizer: $sanitizer; known bugs skipped: ${FUZZ_SKIP_KNOWN:-none}; $(rustc --version))"
echo "| target | seconds | executions | cov | ft | corpus | crashes |"
echo "|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${run_seconds}s each, no crash"
