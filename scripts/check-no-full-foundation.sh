#!/usr/bin/env bash
# Fails if a gateway executable links full Foundation (Foundation, FoundationInternationalization,
# FoundationNetworking, FoundationXML, CoreFoundation or the ICU data behind them) instead of only
# FoundationEssentials: with the Swift runtime linked statically, full Foundation brings about 60 MB
# of ICU data into every binary (issue 9: the translator was 85 MB). Works on the debug build
# (dynamic: NEEDED entries and undefined symbols) and on the static release build (defined symbols).
#
#   scripts/check-no-full-foundation.sh DIR [BINARY...]   (BINARY defaults to the three executables)
set -euo pipefail
dir="${1:?usage: check-no-full-foundation.sh DIR [BINARY...]}"
shift
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=(httpshim translator sagemaker-emulator)

forbidden_libraries='^(libFoundation|libFoundationInternationalization|libFoundationNetworking|libFoundationXML|libCoreFoundation|lib_FoundationICU)\.so'
# Swift mangles a module name as its length then the name, at the start (`$s10Foundation4DataV`) or
# inside a symbol (`$sSy10FoundationE5range2of...` is Foundation's `StringProtocol.range(of:)`).
# FoundationEssentials' symbols carry `20FoundationEssentials` and do not match. `icudtNN_dat` is the
# ICU data blob that only FoundationInternationalization pulls in.
forbidden_symbols='(^|[^0-9])(10Foundation|30FoundationInternationalization|20FoundationNetworking|13FoundationXML)|^icudt[0-9]+_dat$'

status=0
for binary in "${binaries[@]}"; do
  path="$dir/$binary"
  if [ ! -f "$path" ]; then
    echo "$path: missing" >&2
    status=1
    continue
  fi
  libraries="$(readelf -d "$path" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -E "$forbidden_libraries" || true)"
  symbols="$(nm -P "$path" 2>/dev/null | cut -d' ' -f1)"
  if [ -z "$symbols" ]; then
    echo "$binary: no symbol table (stripped?), so full Foundation cannot be ruled out" >&2
    status=1
    continue
  fi
  matches="$(grep -E "$forbidden_symbols" <<<"$symbols" || true)"
  if [ -n "$libraries" ] || [ -n "$matches" ]; then
    echo "$binary links full Foundation; use FoundationEssentials (or plain Swift) instead:" >&2
    [ -z "$libraries" ] || echo "  needs $(tr '\n' ' ' <<<"$libraries")" >&2
    [ -z "$matches" ] || echo "  $(wc -l <<<"$matches") Foundation symbol(s), e.g. $(head -3 <<<"$matches" | tr '\n' ' ')" >&2
    status=1
  else
    echo "$binary: FoundationEssentials only ($(stat -c %s "$path") bytes)"
  fi
done
exit "$status"
