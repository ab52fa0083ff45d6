#!/usr/bin/env bash
# The Swift unit tests and the integration suite under each sanitizer, every executable the suite starts
# instrumented too; fails on any test failure and on any sanitizer report.
#
#   scripts/sanitize.sh [asan|tsan|ubsan ...]        (default: all three)
#
# Each sanitizer has its own scratch path (.build-asan, .build-tsan, .build-ubsan). Every instrumented
# process (the xctest bundle, and each httpshim, translator and sagemaker-emulator the integration tests
# start) writes its reports to .build-<san>/reports/<kind>.<pid> (log_path), not to stderr, because the
# fixtures send children's stderr to temporary files nobody reads when the test passes: a report is
# found by the directory not being empty, whichever process made it and whatever its exit status.
#
# What each one covers here:
# - asan: AddressSanitizer + LeakSanitizer on all Swift code and the C shims; leaks at exit are reports,
#   except the ones scripts/sanitizers/lsan.supp names (runtime- and test-harness-owned, each with its reason).
# - tsan: ThreadSanitizer. The executables are one libevent loop each, so this mostly checks the unit tests'
#   threads, the Swift runtime's and libdispatch's use by the tests, and libcurl/libevent callbacks.
#   scripts/sanitizers/tsan.supp names the one false positive it knows (Synchronization.Mutex's futex).
# - ubsan: swiftc has no -sanitize=undefined on Linux ("unsupported option ... for target
#   x86_64-unknown-linux-gnu"); Swift code needs none (overflow, bounds, unwrap and exclusivity already
#   trap in debug builds). The C the build compiles is instrumented (-Xcc -fsanitize=undefined), with the
#   toolchain's UBSan runtime linked in: swift-crypto's BoringSSL (SigV4's hashes and HMACs in the
#   translator and emulator) and the static inline functions in Sources/C*/shim.h, though those are
#   plain forwarding calls with nothing for UBSan to check.
# libevent, libcurl and OpenSSL come from the system, uninstrumented, in every build.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(asan tsan ubsan)
for san in "${sanitizers[@]}"; do
  case "$san" in
    asan | tsan | ubsan) ;;
    *) echo "sanitize: unknown sanitizer '$san' (asan, tsan, ubsan)" >&2; exit 2 ;;
  esac
done

export AWS_EC2_METADATA_DISABLED=true
scripts/install-deps.sh --with-python >/dev/null

ubsan_runtime() {
  local resources
  resources="$(swiftc -print-target-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"]["runtimeResourcePath"])')"
  echo "$resources/clang/lib/linux/libclang_rt.ubsan_standalone-$(uname -m).a"
}

build_flags() {
  case "$1" in
    asan) echo "-Xswiftc -sanitize=address" ;;
    tsan) echo "-Xswiftc -sanitize=thread" ;;
    ubsan) echo "-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined -Xlinker $(ubsan_runtime)" ;;
  esac
}

# Options: stop at the first report, write it under $reports, exit non-zero. Only the one sanitizer's
# variables: ASan's runtime also reads UBSAN_OPTIONS, and its log_path would win.
sanitizer_env() {
  local san="$1" reports="$2"
  case "$san" in
    asan)
      export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$reports/asan:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
      export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0"
      ;;
    tsan)
      export TSAN_OPTIONS="halt_on_error=1:log_path=$reports/tsan:second_deadlock_stack=1:suppressions=$root/scripts/sanitizers/tsan.supp"
      ;;
    ubsan) export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan" ;;
  esac
}

declare -A summary
declare -A notes=(
  [tsan]="each executable does its work on one libevent loop thread; the unit tests run many threads"
  [ubsan]="C only, in effect swift-crypto's BoringSSL (translator, emulator): swiftc has no -sanitize=undefined on Linux, and the shim.h one-liners hold nothing UBSan checks"
)
status=0
for san in "${sanitizers[@]}"; do
  if [ "$san" = ubsan ] && [ ! -f "$(ubsan_runtime)" ]; then
    summary[$san]="not run: the toolchain has no UBSan runtime at $(ubsan_runtime)"
    echo "sanitize: ubsan: ${summary[$san]}" >&2
    continue
  fi
  scratch=".build-$san"
  reports="$root/$scratch/reports"
  logs="$root/$scratch/logs"
  read -r -a flags <<<"$(build_flags "$san")"
  build=(swift build --scratch-path "$scratch" "${flags[@]}")
  mkdir -p "$logs"
  rm -rf "$reports" && mkdir -p "$reports"

  echo "sanitize: $san: building (${flags[*]})"
  if ! "${build[@]}" --build-tests >"$logs/build.log" 2>&1; then
    echo "sanitize: $san: the build failed, see $logs/build.log:" >&2
    tail -n 20 "$logs/build.log" >&2
    summary[$san]="build failed"
    status=1
    continue
  fi
  bin="$("${build[@]}" --show-bin-path)"

  (
    sanitizer_env "$san" "$reports"
    echo "sanitize: $san: unit tests"
    swift test --skip-build --scratch-path "$scratch" >"$logs/unit.log" 2>&1
  ) && unit_rc=0 || unit_rc=$?
  unit="$(grep -Eo 'Test run with [0-9]+ tests?( in [0-9]+ suites?)? (passed|failed)( after [0-9.]+ seconds)?' "$logs/unit.log" | tail -n 1 || true)"
  [ -n "$unit" ] || unit="no result line (exit $unit_rc)"

  (
    sanitizer_env "$san" "$reports"
    echo "sanitize: $san: integration tests"
    GATEWAY_BIN_DIR="$bin" python3 -m pytest -q -p no:cacheprovider Tests/integration >"$logs/integration.log" 2>&1
  ) && integration_rc=0 || integration_rc=$?
  integration="$(grep -E '^=*.*[0-9]+ (passed|failed|error)' "$logs/integration.log" | tail -n 1 | tr -d '=' | sed 's/^ *//;s/ *$//' || true)"
  [ -n "$integration" ] || integration="no result line (exit $integration_rc)"

  report_files=("$reports"/*)
  [ -e "${report_files[0]}" ] || report_files=()
  summary[$san]="unit: $unit (exit $unit_rc); integration: $integration (exit $integration_rc); sanitizer reports: ${#report_files[@]}"
  if [ "$unit_rc" -ne 0 ] || [ "$integration_rc" -ne 0 ] || [ ${#report_files[@]} -gt 0 ]; then
    status=1
    for file in "${report_files[@]}"; do
      echo "sanitize: $san: report $file:" >&2
      head -n 60 "$file" >&2
    done
    [ "$unit_rc" -eq 0 ] || { echo "sanitize: $san: unit tests failed, see $logs/unit.log" >&2; tail -n 30 "$logs/unit.log" >&2; }
    [ "$integration_rc" -eq 0 ] || { echo "sanitize: $san: integration tests failed, see $logs/integration.log" >&2; tail -n 30 "$logs/integration.log" >&2; }
  fi
done

echo
echo "sanitize: summary"
for san in "${sanitizers[@]}"; do
  printf '  %-6s %s\n' "$san" "${summary[$san]:-not run}"
  [ -z "${notes[$san]:-}" ] || printf '  %-6s (%s)\n' "" "${notes[$san]}"
done
exit "$status"
