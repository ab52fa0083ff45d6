"""Tools scripts/install-deploy-tools.sh put outside PATH (a kubectl where the machine has none) are found
by the tests and by the tools they start (checkov's kustomize framework runs `kubectl kustomize`)."""
import os
from pathlib import Path

_TOOLS_BIN = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sagemaker-openai-gateway" / "bin"
if _TOOLS_BIN.is_dir():
    os.environ["PATH"] = f"{os.environ.get('PATH', '')}{os.pathsep}{_TOOLS_BIN}"
