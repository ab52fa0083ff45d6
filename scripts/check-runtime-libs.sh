#!/usr/bin/env bash
# Proves the Dockerfile's runtime stage has every shared library the release binaries load: each
# binary's NEEDED entries (what it links directly; libcurl4's own dependencies come with that
# package) must be in the list below: what the runtime stage installs (libevent-2.1-7, libcurl4,
# libstdc++6) or what debian:bookworm-slim already has (libc6, libgcc-s1).
# A Foundation that still wanted libxml2 or ICU, say, would fail here rather than in ECS.
#
#   scripts/check-runtime-libs.sh DIR      (DIR holds httpshim, translator, sagemaker-emulator)
set -euo pipefail
dir="${1:?usage: check-runtime-libs.sh DIR}"

allowed=(libevent-2.1.so.7 libcurl.so.4 libc.so.6 libm.so.6 libstdc++.so.6 libgcc_s.so.1
         ld-linux-x86-64.so.2 ld-linux-aarch64.so.1)
status=0
for binary in httpshim translator sagemaker-emulator; do
  needed="$(readelf -d "$dir/$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
  for library in $needed; do
    if [[ " ${allowed[*]} " != *" $library "* ]]; then
      echo "$binary needs $library, which the runtime image does not install" >&2
      status=1
    fi
  done
  echo "$binary: $(echo "$needed" | tr '\n' ' ')"
done
exit "$status"
