#!/usr/bin/env bash
# libFuzzer on the code that reads untrusted bytes: request validators and the JSON parser, the
# Unix-socket frame decoder, the event-stream decoder, the SSE/JSON-lines stream parsers and the HTTP
# head/chunked-body rules (Fuzz/Sources, one executable each).
#
#   scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]
#
# SECONDS-PER-TARGET defaults to 60; TARGET defaults to every Fuzz/Sources/Fuzz*/main.swift. Each target
# starts from its checked-in seeds (Fuzz/Corpus/<target>, only read) plus what earlier runs found
# (.build-fuzz/corpus/<target>). A crashing input is kept as Fuzz/Crashes/<target>/crash-* (gitignored)
# and the script fails; reproduce with `.build-fuzz/debug/<target> Fuzz/Crashes/<target>/crash-...`.
# The build is separate from `swift build`'s: its own scratch path, the fuzz targets declared only
# under GATEWAY_FUZZ (Package.swift), everything instrumented with -sanitize=fuzzer,address.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
[ $# -eq 0 ] || shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for main in Fuzz/Sources/Fuzz*/main.swift; do targets+=("$(basename "$(dirname "$main")")"); done
fi

export GATEWAY_FUZZ=1
scratch=.build-fuzz
# lld, not gold: gold warns about every ASan helper symbol it cannot export.
build=(swift build -c debug --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
for target in "${targets[@]}"; do
  "${build[@]}" --product "$target"
done
bin="$("${build[@]}" --show-bin-path)"

failed=()
for target in "${targets[@]}"; do
  found="$scratch/corpus/$target"
  crashes="Fuzz/Crashes/$target"
  log="$scratch/logs/$target.log"
  mkdir -p "$found" "$crashes" "$(dirname "$log")"
  # -timeout: an input taking 10 s is a hang worth a file; -rss_limit_mb: the machine is shared.
  if "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$found" "Fuzz/Corpus/$target" >"$log" 2>&1; then
    echo "fuzz: $target: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs" \
      "in ${seconds}s, $(grep -c . <(ls "$found")) inputs found so far, no crash"
  else
    echo "fuzz: $target FAILED; the input is in $crashes/, the log in $log:" >&2
    tail -n 40 "$log" >&2
    failed+=("$target")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: crashed: ${failed[*]}" >&2; exit 1; }
