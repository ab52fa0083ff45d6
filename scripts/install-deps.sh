#!/usr/bin/env bash
# Installs what building and testing need, only when it is missing: libevent and libcurl headers
# from Debian's packages, the openai and anthropic SDKs, pytest, numpy, langchain-openai, langchain-anthropic,
# openai-agents, jsonschema and pyyaml (end-to-end tests; the last two check answers against OpenAI's
# OpenAPI spec), hypothesis-jsonschema (requests generated from that spec) from PyPI.
set -euo pipefail

need_apt=()
pkg-config --exists libevent 2>/dev/null || need_apt+=(libevent-dev)
pkg-config --exists libcurl 2>/dev/null || need_apt+=(libcurl4-openssl-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
# ss (listen backlog) and prlimit (low descriptor limits) for the HTTP hardening tests.
command -v ss >/dev/null || need_apt+=(iproute2)
command -v prlimit >/dev/null || need_apt+=(util-linux)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "${1:-}" = "--with-python" ]; then
  python3 - <<'PY' || python3 -m pip install -q --disable-pip-version-check "openai>=1.40" "pytest>=7" botocore numpy langchain-openai \
    anthropic langchain-anthropic openai-agents jsonschema pyyaml prometheus-client hypothesis-jsonschema
import importlib, sys
for name in ("openai", "pytest", "botocore", "numpy", "langchain_openai", "anthropic", "langchain_anthropic",
             "agents", "jsonschema", "yaml", "prometheus_client", "hypothesis_jsonschema"):
    importlib.import_module(name)
PY
fi
