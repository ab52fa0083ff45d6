"""The gateway executables link FoundationEssentials, never full Foundation (issue 9).

Full Foundation brings ICU's data (about 60 MB) into every statically linked binary; one `import Foundation`
anywhere, in our code or a dependency's, brings it back. scripts/check-no-full-foundation.sh inspects the
built executables; `make build-static` runs it on the static release binaries, this test on the build under
test (the debug build in `make test`), and also proves that the check does catch a binary that links
Foundation, dynamically and statically.
"""

import os
import subprocess

import pytest

from conftest import REPO, bin_dir

CHECK = os.path.join(REPO, "scripts", "check-no-full-foundation.sh")
EXECUTABLES = ["httpshim", "translator", "sagemaker-emulator"]


def run_check(directory, *binaries):
    return subprocess.run([CHECK, directory, *binaries], capture_output=True, text=True, timeout=120)


def test_gateway_executables_link_only_foundation_essentials():
    result = run_check(bin_dir(), *EXECUTABLES)
    assert result.returncode == 0, result.stderr
    for name in EXECUTABLES:
        assert f"{name}: FoundationEssentials only" in result.stdout


@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
def test_check_refuses_a_binary_that_links_foundation(tmp_path, static):
    source = tmp_path / "main.swift"
    # `range(of:)` on a String is one of the full-Foundation APIs that once came in unnoticed.
    source.write_text('import Foundation\nprint("gateway".range(of: "way") != nil)\n')
    binary = tmp_path / "uses-foundation"
    command = ["swiftc", "-Onone", str(source), "-o", str(binary)]
    if static:
        command.insert(1, "-static-stdlib")
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    result = run_check(str(tmp_path), "uses-foundation")
    assert result.returncode == 1
    assert "uses-foundation links full Foundation" in result.stderr
    assert "10Foundation" in result.stderr


def test_check_refuses_a_missing_binary(tmp_path):
    result = run_check(str(tmp_path), "translator")
    assert result.returncode == 1
    assert "missing" in result.stderr
