"""The executables' `--check` modes, which the Dockerfile's HEALTHCHECKs and the ECS task's health
checks run: exit 0 while the probed process serves, 1 once it is gone or does not answer."""
from __future__ import annotations

import socket
import subprocess
import threading
import time

from gateway_procs import base_env, bin_dir, cleanup_dir, make_gateway, start_emulator


def check(executable: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_dir() / executable), "--check", *args], env=base_env() | env,
        capture_output=True, text=True, timeout=20,
    )


def test_emulator_check_follows_the_emulator(tmp_path):
    emu = start_emulator(tmp_path)
    try:
        up = check("sagemaker-emulator", {}, "--port", str(emu.port))
        assert up.returncode == 0, up.stderr
        # The same variables the emulator reads configure the probe (docker-compose sets them).
        assert check("sagemaker-emulator", {"EMULATOR_PORT": str(emu.port)}).returncode == 0
    finally:
        emu.proc.stop()
    down = check("sagemaker-emulator", {}, "--port", str(emu.port))
    assert down.returncode == 1
    assert "unhealthy" in down.stderr


def test_translator_and_shim_checks_follow_their_process(tmp_path):
    emu = start_emulator(tmp_path)
    gw = make_gateway(emu)
    shim_env = {"PORT": str(gw.port), "HOST": "0.0.0.0"}
    translator_env = {"TRANSLATOR_SOCKET": str(gw.socket_path)}
    try:
        result = check("translator", translator_env)
        assert result.returncode == 0, result.stderr
        assert "healthy" in result.stdout
        result = check("httpshim", shim_env)
        assert result.returncode == 0, result.stderr

        gw.translator.stop()
        down = check("translator", translator_env)
        assert down.returncode == 1
        assert str(gw.socket_path) in down.stderr
        # /ping is the shim's own liveness: it stays healthy while the translator restarts.
        assert check("httpshim", shim_env).returncode == 0

        gw.start_translator()
        assert check("translator", translator_env).returncode == 0

        gw.shim.stop()
        assert check("httpshim", shim_env).returncode == 1
    finally:
        gw.stop()
        emu.proc.stop()
        cleanup_dir(gw.workdir)


def test_translator_check_times_out_on_a_silent_listener(tmp_path):
    """A socket that accepts and never answers (a wedged translator) is unhealthy within the 2 s budget."""
    path = tmp_path / "silent.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    try:
        started = time.monotonic()
        result = check("translator", {"TRANSLATOR_SOCKET": str(path)})
        elapsed = time.monotonic() - started
        assert result.returncode == 1
        assert "timed out" in result.stderr or "deadline" in result.stderr, result.stderr
        assert 1.5 < elapsed < 6, elapsed
    finally:
        server.close()


def test_shim_check_rejects_a_non_http_peer(tmp_path):
    """Something else on the port (not answering HTTP) is not a healthy shim."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]

    def answer_garbage():
        conn, _ = server.accept()
        conn.recv(1024)
        conn.sendall(b"SSH-2.0-OpenSSH\r\n")
        conn.close()

    threading.Thread(target=answer_garbage, daemon=True).start()
    try:
        result = check("httpshim", {"PORT": str(port)})
        assert result.returncode == 1
        assert "status line" in result.stderr, result.stderr
    finally:
        server.close()
