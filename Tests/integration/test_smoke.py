"""scripts/smoke.py, the check README's deployment steps end with, run as a subprocess against the stack
`make run` starts (scripts/run-local.sh, on this build's binaries): it passes there, and each way a
deployment can be wrong ends it with exit 1 and one line saying why."""
from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from gateway_procs import ROOT, bin_dir, free_port

SMOKE = ROOT / "scripts" / "smoke.py"


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory):
    """scripts/run-local.sh as `make run` runs it; yields the variables its banner tells the reader to export."""
    run_dir = tmp_path_factory.mktemp("run")
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "GATEWAY_BIN_DIR": str(bin_dir()),
           "RUN_DIR": str(run_dir), "PORT": "0", "EMULATOR_PORT": "0"}
    proc = subprocess.Popen([str(ROOT / "scripts" / "run-local.sh")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    output = b""
    exported = None
    deadline = time.monotonic() + 60
    try:
        # Raw reads: a buffered readline would hide bytes from select() once it has read ahead.
        while exported is None and time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                output += os.read(proc.stdout.fileno(), 65536)
                match = re.search(r"^export (OPENAI_BASE_URL=\S+) (OPENAI_API_KEY=\S+)\n.*Ctrl-C stops everything",
                                  output.decode(errors="replace"), re.M | re.S)
                if match:
                    exported = dict(part.split("=", 1) for part in match.groups())
        banner = output.decode(errors="replace")
        assert exported, "run-local.sh printed no export line:\n" + banner
        # The processes go on logging to the same pipe: keep it drained so they never block on a full one.
        threading.Thread(target=lambda: [None for _ in iter(lambda: os.read(proc.stdout.fileno(), 65536), b"")],
                         daemon=True).start()
        yield exported, banner
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def smoke(**env: str) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run([sys.executable, str(SMOKE)], env=base | env, capture_output=True, text=True, timeout=120)


def test_banner_says_single_endpoint_mode_and_prints_lines_to_paste(local_stack):
    exported, banner = local_stack
    assert "Single-endpoint mode" in banner
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", exported["OPENAI_BASE_URL"])
    assert exported["OPENAI_API_KEY"].startswith("sk-demo-")
    assert "MODEL=demo-endpoint make smoke" in banner


def test_smoke_passes_against_the_local_stack(local_stack):
    exported, _ = local_stack
    result = smoke(**exported, MODEL="demo-endpoint")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.rstrip().endswith("smoke: OK")
    assert re.search(r"^health +200 ", out, re.M)
    assert re.search(r"^models +.*demo-endpoint", out, re.M)
    timing = re.search(r"time to first token (\d+\.\d+) s, total (\d+\.\d+) s, finish_reason (\w+)", out)
    assert timing and 0 < float(timing.group(1)) <= float(timing.group(2)) and timing.group(3) in ("stop", "length")
    assert re.search(r"^complete +'.+' in \d+\.\d+ s, \d+\+\d+ tokens$", out, re.M)
    assert re.search(r"^wrong key +401 as expected$", out, re.M)
    assert result.stderr == ""


def test_smoke_picks_the_first_listed_model_without_model(local_stack):
    exported, _ = local_stack
    result = smoke(**exported)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stream      demo-endpoint: " in result.stdout


def assert_fails_with_one_line(result: subprocess.CompletedProcess, reason: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("smoke: FAIL: "), result.stderr
    assert re.search(reason, lines[0]), lines[0]
    assert "smoke: OK" not in result.stdout


def test_smoke_fails_on_a_wrong_key(local_stack):
    exported, _ = local_stack
    assert_fails_with_one_line(smoke(**exported | {"OPENAI_API_KEY": "sk-not-the-demo-key"}), r"^smoke: FAIL: 401 ")


def test_smoke_fails_on_a_model_the_gateway_does_not_list(local_stack):
    exported, _ = local_stack
    assert_fails_with_one_line(smoke(**exported, MODEL="gpt-4o"), r"'gpt-4o' is not in /v1/models")


def test_smoke_fails_when_nothing_answers():
    url = f"http://127.0.0.1:{free_port()}/v1"
    assert_fails_with_one_line(smoke(OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-x"), r"/health: .*refused")


def test_smoke_fails_without_settings():
    assert_fails_with_one_line(smoke(), r"set OPENAI_BASE_URL .* and OPENAI_API_KEY")


@pytest.mark.parametrize("taken", ["PORT", "EMULATOR_PORT"])
def test_run_local_stops_without_a_banner_when_a_port_is_taken(tmp_path, taken):
    # Someone else's listener on the port: a banner (and a readiness probe that any listener passes)
    # would send the reader to that program instead of this gateway.
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "GATEWAY_BIN_DIR": str(bin_dir()),
               "RUN_DIR": str(tmp_path), "PORT": "0", "EMULATOR_PORT": "0", taken: str(other.getsockname()[1])}
        proc = subprocess.Popen([str(ROOT / "scripts" / "run-local.sh")], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert proc.returncode == 1, (out, err)
    assert b"export OPENAI_BASE_URL" not in out
    reason = "The gateway did not start" if taken == "PORT" else "The SageMaker emulator did not start"
    assert reason in err.decode(), err
    assert b"addressInUse" in err, err
