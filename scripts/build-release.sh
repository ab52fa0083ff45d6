#!/usr/bin/env bash
# The one release build of the executables, with the Swift runtime linked in statically so the
# runtime image needs only glibc, libstdc++, libevent and libcurl. The Dockerfile's build stage and
# `make build-static` (run by CI) both call this script, so the commands CI proves are the commands
# the image runs.
#
#   scripts/build-release.sh [--out DIR] [PRODUCT...]
#
# PRODUCT defaults to all three executables. --out copies the built binaries into DIR.
# SWIFT_SCRATCH_PATH, when set, is passed to swift build as --scratch-path.
set -euo pipefail
cd "$(dirname "$0")/.."

out=""
products=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) products+=("$1"); shift ;;
  esac
done
[ ${#products[@]} -gt 0 ] || products=(httpshim translator sagemaker-emulator)

scratch=()
[ -z "${SWIFT_SCRATCH_PATH:-}" ] || scratch=(--scratch-path "$SWIFT_SCRATCH_PATH")

# glibc marks mktemp with a link-time warning, and the static FoundationEssentials archive holds a
# reference to it (createTemporaryFile in Data+Writing.swift, for atomic Data.write: it opens the
# generated name with O_CREAT|O_EXCL, so the race the warning is about cannot happen there). Every
# product importing FoundationEssentials links that object, so gold prints the warning once per
# product. The gateway never writes files that way; the three warnings become one line saying so.
quiet_mktemp_warning() {
  awk '/warning: the use of .mktemp. is dangerous/ { seen = 1; next } { print; fflush() }
       END { if (seen) print "note: glibc'"'"'s mktemp link warning (from static FoundationEssentials, unused here) suppressed; see scripts/build-release.sh" }'
}

for product in "${products[@]}"; do
  swift build "${scratch[@]}" -c release --static-swift-stdlib --product "$product"
done 2>&1 | quiet_mktemp_warning

if [ -n "$out" ]; then
  bin="$(swift build "${scratch[@]}" -c release --static-swift-stdlib --show-bin-path)"
  mkdir -p "$out"
  for product in "${products[@]}"; do
    install -m 0755 "$bin/$product" "$out/$product"
    # DWARF is two fifths of a release binary (the translator: 40 MB with it, 27 MB without); the
    # symbol table stays, so crash backtraces still name functions (and the Foundation check can read it).
    strip --strip-debug "$out/$product"
  done
fi
