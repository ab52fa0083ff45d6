"""scripts/build-release.sh's output: glibc's mktemp link warning (one per product, from the static
FoundationEssentials archive) becomes one explanatory line, everything else passes through, and a failed
build still fails the script. A stand-in `swift` on PATH prints what the real link prints."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WARNING = ("/opt/swift/usr/lib/swift_static/linux/libFoundationEssentials.a(Data+Writing.swift.o):_ThreadLocal.swift.o:"
           "function $s20FoundationEssentials19createTemporaryFile: warning: the use of `mktemp' is dangerous, "
           "better use `mkstemp' or `mkdtemp'")


def build_with_stub(tmp_path: Path, exit_code: int) -> subprocess.CompletedProcess:
    stub = tmp_path / "swift"
    (tmp_path / "warning.txt").write_text(WARNING + "\n")
    stub.write_text(f"""#!/usr/bin/env bash
echo "[1/2] Compiling $*"
cat "{tmp_path / 'warning.txt'}" >&2
echo "Build complete!"
exit {exit_code}
""")
    stub.chmod(0o755)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run([str(ROOT / "scripts" / "build-release.sh")], env=env, capture_output=True, text=True,
                          timeout=60)


def test_three_mktemp_warnings_become_one_note(tmp_path):
    result = build_with_stub(tmp_path, 0)
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert "mktemp' is dangerous" not in out
    assert out.count("note: glibc's mktemp link warning") == 1
    for product in ("httpshim", "translator", "sagemaker-emulator"):
        assert f"--product {product}" in out
    assert out.count("Build complete!") == 3


def test_a_failed_build_still_fails(tmp_path):
    result = build_with_stub(tmp_path, 1)
    assert result.returncode != 0
    assert "--product httpshim" in result.stdout and "--product translator" not in result.stdout
