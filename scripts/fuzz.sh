#!/usr/bin/env bash
# Run svcsim's fuzz targets with the settings that make a run count (issue 11, item 10), and log
# each run to fuzz/runs.log: the record of executions across sessions.
#
#   scripts/fuzz.sh [target…] [--runs N | --time S]   fuzz (default: every target, 300 s each)
#   scripts/fuzz.sh --min [target…]                   rebuild fuzz/corpus-min/<target>
#   scripts/fuzz.sh --total                           executions per target in fuzz/runs.log
#
# Each target runs with its dictionary and seeds, its corpus in fuzz/corpus/<target> (new
# inputs are written there; the committed fuzz/corpus-min/<target> and fuzz/seeds/<target> are
# read too), and a budget per execution, so a slow or huge input is a failure, not a slow run:
#   -timeout=5            an execution over 5 s fails (an input of at most 64 KiB; the page
#                         must answer in 200 ms, 5 s leaves room for a busy shared machine);
#   -rss_limit_mb=1024    the process's resident size, polled once a second;
#   -malloc_limit_mb=512  one allocation, in sanitizer builds; the targets are built without a
#                         sanitizer (-s none: safe Rust, and 2–6× more executions per second),
#                         so fuzz/fuzz_targets/budget.rs enforces 512 MiB of live heap itself.
# One fuzzer process at a time, at nice 10 (the machine is shared). A timeout whose input needs
# under 1 s of CPU alone was starvation, not slowness: it is logged as timeout-starved, the input
# kept as a seed, and fuzzing goes on for the time left.
#
# --min merges fuzz/corpus/<target> into an empty fuzz/corpus-min/<target> (libFuzzer
# -merge=1: only inputs that add coverage), the small corpus the repository keeps.
set -uo pipefail

cd "$(dirname "$0")/.."

ALL=(parse_dest share_decode manifest_structured apply_manifest console_line)

# The longest input each target is given (-max_len), large enough for the shapes of issue 11.
max_len() {
  case "$1" in
    # DNS names stop at 253 characters; destinations add a port, origins a namespace.
    parse_dest) echo 1024 ;;
    # A DEFLATE bomb that reaches the 2 MiB inflate limit packs into ~2 KB; the issue's
    # alias-bomb link had 1,571 characters.
    share_decode) echo 16384 ;;
    # Bytes of choices, not text: 16 KiB generates documents with many anchors, fan-outs of
    # aliases up to 64 wide and long scalars, enough to reach every manifest bound.
    manifest_structured) echo 16384 ;;
    # 64 KiB reaches the alias byte budget (a 4 KB anchor aliased 10,000 times copies more than
    # 32 MiB), billion laughs (< 1 KB), merges of a few thousand keys and deep nesting. The
    # issue's 1.1 MB alias file and 100k-key merges are not: one execution would take seconds;
    # their linear cost is measured by `cargo bench --bench parse` (merge_keys) instead.
    apply_manifest) echo 65536 ;;
    # Eight typed lines.
    console_line) echo 4096 ;;
    *) echo 4096 ;;
  esac
}

# The dictionary of each target (the structured target's strings come from the same tokens).
dict() {
  case "$1" in
    manifest_structured) echo fuzz/apply_manifest.dict ;;
    *) [[ -f "fuzz/$1.dict" ]] && echo "fuzz/$1.dict" ;;
  esac
}

mode=fuzz
limit=(-max_total_time=300)
targets=()
while (($#)); do
  case "$1" in
    --runs) limit=("-runs=$2"); shift 2 ;;
    --time) limit=("-max_total_time=$2"); total_time=$2; shift 2 ;;
    --min) mode=min; shift ;;
    --total)
      awk '!/^#/ { split($4, e, "="); n[$2] += e[2]; r[$2]++ }
        END { for (t in n) printf "%-20s %12d executions in %d runs\n", t, n[t], r[t] }' \
        fuzz/runs.log | sort
      exit 0
      ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=("${ALL[@]}")

fuzz() {
  RUSTC_BOOTSTRAP=1 nice -n 10 cargo fuzz run -O -s none "$@"
}

# The CPU seconds (user + system) target $1 spends on input $2 alone, run by the built fuzzer.
replay_cpu() {
  local bin
  bin="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release/$1"
  /usr/bin/time -f '%U %S' "$bin" "$2" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.2f", $1 + $2 }'
}

status=0
for t in "${targets[@]}"; do
  if [[ ! -f fuzz/fuzz_targets/$t.rs ]]; then
    echo "fuzz.sh: no target $t" >&2
    status=2
    continue
  fi
  mkdir -p "fuzz/corpus/$t" "fuzz/corpus-min/$t" "fuzz/artifacts/$t" fuzz/artifacts/logs
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  log="fuzz/artifacts/logs/$t-$stamp.log"

  if [[ $mode == min ]]; then
    tmp=$(mktemp -d)
    fuzz "$t" "$tmp" "fuzz/corpus/$t" "fuzz/corpus-min/$t" -- -merge=1 \
      "-max_len=$(max_len "$t")" -timeout=5 -rss_limit_mb=1024 >"$log" 2>&1
    rc=$?
    if ((rc == 0)); then
      rm -rf "fuzz/corpus-min/$t"
      mv "$tmp" "fuzz/corpus-min/$t"
      echo "$t: $(find "fuzz/corpus-min/$t" -type f | wc -l) inputs," \
        "$(du -sk --apparent-size "fuzz/corpus-min/$t" | cut -f1) KB in fuzz/corpus-min/$t"
    else
      rm -rf "$tmp"
      echo "$t: merge failed (exit $rc), see $log" >&2
      status=1
    fi
    continue
  fi

  d=$(dict "$t")
  seeds=("fuzz/corpus-min/$t")
  [[ -d fuzz/seeds/$t ]] && seeds+=("fuzz/seeds/$t")
  # The code fuzzed: the commit, and whether the engine, the scene or the targets differ from it.
  rev=$(git rev-parse --short HEAD)
  git diff --quiet HEAD -- crates fuzz/fuzz_targets fuzz/Cargo.toml || rev+="+dirty"
  remaining=${total_time:-}
  while :; do
  [[ -n $remaining ]] && limit=("-max_total_time=$remaining")
  start=$SECONDS
  fuzz "$t" "fuzz/corpus/$t" "${seeds[@]}" -- \
    ${d:+"-dict=$d"} "-max_len=$(max_len "$t")" \
    -timeout=5 -rss_limit_mb=1024 -malloc_limit_mb=512 \
    -print_final_stats=1 "${limit[@]}" 2>&1 |
    tee "$log" | grep --line-buffered -E 'pulse|ERROR|SUMMARY' # the whole output is in $log
  rc=${PIPESTATUS[0]}
  elapsed=$((SECONDS - start))

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  files=$(find "fuzz/corpus/$t" -type f | wc -l)
  kb=$(find "fuzz/corpus/$t" -type f -printf '%s\n' | awk '{ s += $1 } END { print int(s / 1024) }')
  if ((rc == 0)); then
    result=ok
  elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
    result=timeout
  elif grep -qE 'ERROR: libFuzzer: out-of-memory|svcsim-fuzz: out-of-memory' "$log"; then
    result=oom
  elif grep -q 'panicked at' "$log"; then
    result=panic
  elif grep -qE 'ERROR: libFuzzer: (deadly signal|fuzz target exited)' "$log"; then
    result=crash
  else
    result="error(exit $rc)"
  fi
  artifact=$(sed -n 's/.*Test unit written to \(\S*\).*/\1/p' "$log" | tail -1)
  # libFuzzer's timeout is wall time: on a shared machine an input can pass it starved of CPU.
  # Re-run the input alone; if it needs under a fifth of the budget (1 s of CPU), the timeout
  # was the neighbours': say so, keep the input as a seed (every later run starts with it), and
  # go on with the time left. A really slow input still ends the run as a timeout.
  if [[ $result == timeout && -n $artifact ]]; then
    cpu=$(replay_cpu "$t" "$artifact")
    if awk -v c="$cpu" 'BEGIN { exit !(c != "" && c < 1.0) }'; then
      result="timeout-starved(cpu=${cpu}s)"
      mkdir -p "fuzz/seeds/$t"
      cp "$artifact" "fuzz/seeds/$t/starved-$(basename "$artifact")"
    fi
  fi
  line="$(date -u +%FT%TZ) $t rev=$rev execs=${execs:-0}"
  line+=" rate=${rate:-0}/s time=${elapsed}s corpus=${files}/${kb}KB result=$result"
  [[ -n $artifact ]] && line+=" artifact=$artifact"
  echo "$line" | tee -a fuzz/runs.log
  if [[ $result == timeout-starved* && -n $remaining ]]; then
    remaining=$((remaining - elapsed))
    ((remaining > 60)) && continue
  fi
  [[ $result == ok || $result == timeout-starved* ]] || status=1
  break
  done
done
exit $status
