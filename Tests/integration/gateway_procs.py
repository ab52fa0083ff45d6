"""Start the real executables (emulator, translator, httpshim) on loopback for end-to-end tests."""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACCESS_KEY = "AKIDEMULATOR"
SECRET_KEY = "emulator-secret-key"
REGION = "us-east-1"
# The ports httpshims of these tests listen on: openai_conformance.py checks what they answer against OpenAI's spec.
GATEWAY_PORTS: set[int] = set()


_scratch: list[Path] = []


def scratch_dir(prefix: str) -> Path:
    """A directory under /tmp (Unix socket paths must stay short) that is removed when the test process exits,
    whether or not the test cleaned up; GATEWAY_KEEP_TMP=1 keeps them for a post-mortem."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    _scratch.append(path)
    return path


@atexit.register
def _remove_scratch() -> None:
    if not os.environ.get("GATEWAY_KEEP_TMP"):
        for path in _scratch:
            shutil.rmtree(path, ignore_errors=True)


def bin_dir() -> Path:
    env = os.environ.get("GATEWAY_BIN_DIR")
    if env:
        return Path(env)
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def free_port() -> int:
    """A port free now, for a process started later: someone else may bind it in between. Where the process can
    take port 0 and be asked afterwards (`listening_ports`), do that instead."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Tests that start a shim with METRICS_PORT=0 put its metrics listener here: /proc shows each listener's address, so
# the two ports the kernel picks are told apart without a request (one would count in the metrics under test).
METRICS_HOST = "127.0.0.2"


def listening_sockets(pid: int) -> set[tuple[str, int]]:
    """The (address, port) pairs process `pid` listens on over TCP, read from /proc: its socket inodes matched
    against the kernel's table of listening sockets. Needs no log line (a quiet LOG_LEVEL hides the shim's) and no
    connection. IPv4 addresses are dotted; IPv6 ones are left as the kernel's hex."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                # local_address is ADDR:PORT in hex (an IPv4 address in host byte order); state 0A is LISTEN;
                # the inode is the tenth field.
                if fields[3] == "0A" and fields[9] in inodes:
                    address, port = fields[1].rsplit(":", 1)
                    if len(address) == 8:
                        address = socket.inet_ntoa(bytes.fromhex(address)[::-1])
                    found.add((address, int(port, 16)))
    return found


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process `pid` listens on (`listening_sockets` without the addresses)."""
    return {port for _, port in listening_sockets(pid)}


def wait_for_listener(proc: subprocess.Popen, env: dict[str, str], what: str) -> int | None:
    """The port an httpshim started with `env` serves on, once it listens (PORT=0 lets the kernel pick one, so no
    other process can take it between choosing and binding); None if the process exited first. With PORT=0 and
    METRICS_PORT=0 the metrics listener must be on another address (METRICS_HOST) to be told apart."""
    wanted = int(env.get("PORT") or 8080)
    metrics = int(env.get("METRICS_PORT") or 0)
    both_picked = wanted == 0 and env.get("METRICS_PORT") == "0"
    host = env.get("HOST", "0.0.0.0")
    if both_picked and env.get("METRICS_HOST", "127.0.0.1") == host:
        raise ValueError("PORT=0 and METRICS_PORT=0 on one address: the two ports cannot be told apart")
    found: list[int] = []

    def listening() -> bool:
        if proc.poll() is not None:
            return True
        sockets = {(a, p) for a, p in listening_sockets(proc.pid) if p != metrics}
        if wanted:
            ports = {p for _, p in sockets if p == wanted}
        elif both_picked:
            ports = {p for a, p in sockets if a == host}
        else:
            ports = {p for _, p in sockets}
        found[:] = sorted(ports)
        return bool(found)

    wait_for(listening, what=what)
    return found[0] if proc.poll() is None else None


def task_role_env(emulator: "Emulator") -> dict[str, str | None]:
    """Translator settings that sign with the emulator's ECS-style temporary credentials (a session token on every
    call, as an ECS task role's) instead of the static keys; for make_gateway's translator_env."""
    return {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": emulator.url + "/creds"}


def base_env() -> dict[str, str]:
    """A minimal environment: nothing from the developer's shell may point a test at real AWS."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_EC2_METADATA_DISABLED": "true",
        # Never the developer's ~/.aws files: a test that removes the static keys must not find a real profile.
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
        "AWS_CONFIG_FILE": "/nonexistent/aws-config",
        "LOG_LEVEL": os.environ.get("GATEWAY_TEST_LOG_LEVEL", "info"),
    } | sanitizer_env()


def sanitizer_env() -> dict[str, str]:
    """scripts/sanitize.sh's options (where reports go, halt on error) for the instrumented executables."""
    names = ("ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS")
    return {name: os.environ[name] for name in names if name in os.environ}


@dataclass
class Proc:
    name: str
    proc: subprocess.Popen
    log_path: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        return self.proc.returncode

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def _spawn(name: str, argv: list[str], env: dict[str, str], workdir: Path, stdout=None) -> Proc:
    log_path = workdir / f"{name}.log"
    log = open(log_path, "ab")
    proc = subprocess.Popen(argv, env=env, stdout=stdout or log, stderr=log, stdin=subprocess.DEVNULL)
    return Proc(name, proc, log_path)


def wait_for(predicate, timeout=15.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


@dataclass
class Emulator:
    proc: Proc
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stats(self) -> dict:
        import json

        with urllib.request.urlopen(self.url + "/_emulator/stats", timeout=5) as r:
            return json.loads(r.read())

    def set_secret(self, name: str, value: str) -> None:
        import json

        req = urllib.request.Request(
            self.url + "/_emulator/secrets", data=json.dumps({"name": name, "value": value}).encode(), method="POST"
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            r.read()


def start_emulator(workdir: Path, *args: str) -> Emulator:
    argv = [str(bin_dir() / "sagemaker-emulator"), "--port", "0", *args]
    proc = subprocess.Popen(
        argv, env=base_env(), stdout=subprocess.PIPE, stderr=open(workdir / "emulator.log", "ab"), stdin=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("LISTENING "):
        proc.kill()
        raise RuntimeError(f"emulator did not start: {line!r}\n{(workdir / 'emulator.log').read_text()}")
    port = int(line.split()[1])
    # Whatever gateway had this port before is gone (two cannot listen on it at once): a stale entry, from a gateway
    # a test never stopped, would have the conformance check judge the emulator's own routes as a gateway's.
    GATEWAY_PORTS.discard(port)
    return Emulator(Proc("emulator", proc, workdir / "emulator.log"), port)


@dataclass
class Gateway:
    workdir: Path
    emulator: Emulator
    socket_path: Path
    port: int
    translator_env: dict[str, str]
    shim_env: dict[str, str]
    translator: Proc | None = None
    shim: Proc | None = None
    extra: dict = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_translator(self) -> Proc:
        self.translator = _spawn("translator", [str(bin_dir() / "translator")], self.translator_env, self.workdir)
        wait_for(lambda: self.socket_path.exists() or not self.translator.alive(), what="translator socket")
        if not self.translator.alive():
            raise RuntimeError("translator exited:\n" + self.translator.log())
        return self.translator

    def start_shim(self) -> Proc:
        self.shim = _spawn("httpshim", [str(bin_dir() / "httpshim")], self.shim_env, self.workdir)
        port = wait_for_listener(self.shim.proc, self.shim_env, "httpshim port")
        if port is None:
            raise RuntimeError("httpshim exited:\n" + self.shim.log())
        self.listens_on(port)
        return self.shim

    def listens_on(self, port: int) -> None:
        """Points the gateway's URLs at `port`, where its shim (this one's, or one a test started itself) listens,
        and has the conformance check judge what it answers there. A restarted shim (PORT=0) may listen elsewhere
        than its predecessor."""
        GATEWAY_PORTS.discard(self.port)
        self.port = port
        GATEWAY_PORTS.add(port)

    @property
    def metrics_port(self) -> int:
        """The port of the shim's metrics listener: METRICS_PORT, or the one the kernel picked for METRICS_PORT=0."""
        assert self.shim is not None and "METRICS_PORT" in self.shim_env, "this shim has no metrics listener"
        configured = int(self.shim_env["METRICS_PORT"])
        if configured:
            return configured
        host = self.shim_env.get("METRICS_HOST", "127.0.0.1")
        ports = {p for a, p in listening_sockets(self.shim.proc.pid) if a == host and p != self.port}
        assert len(ports) == 1, f"metrics listeners on {host}: {sorted(ports)}"
        return ports.pop()

    def stop(self) -> None:
        GATEWAY_PORTS.discard(self.port)
        for p in (self.shim, self.translator):
            if p is not None:
                p.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.log()}" for p in (self.translator, self.shim) if p is not None)


def make_gateway(emulator: Emulator, api_keys: str | None = "sk-test-key", translator_env=None, shim_env=None,
                 start=True) -> Gateway:
    # Unix socket paths are limited to 108 bytes: keep the directory short.
    workdir = scratch_dir("gw-")
    sock = workdir / "t.sock"
    t_env = base_env() | {
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_ENDPOINT_URL": emulator.url,
        "SAGEMAKER_ENDPOINT_NAME": "demo-endpoint",
        "TRANSLATOR_SOCKET": str(sock),
    }
    if api_keys is not None:
        t_env["API_KEYS"] = api_keys
    for k, v in (translator_env or {}).items():
        if v is None:
            t_env.pop(k, None)
        else:
            t_env[k] = v
    # PORT=0: the kernel picks the shim's port as it binds; start_shim reads it back. The port is 0 until then.
    s_env = base_env() | {"HOST": "127.0.0.1", "PORT": "0", "TRANSLATOR_SOCKET": str(sock)} | (shim_env or {})
    gw = Gateway(workdir, emulator, sock, 0, t_env, s_env)
    if start:
        try:
            gw.start_translator()
            gw.start_shim()
        except BaseException:
            # The caller gets no gateway to stop: stop what started here, and free the port's entry.
            gw.stop()
            raise
    return gw


def cleanup_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def models_env(directory: Path, models: list[dict]) -> dict[str, str | None]:
    """Translator settings for a MODELS_FILE routing table written to `directory` (no single endpoint)."""
    path = directory / "models.json"
    path.write_text(json.dumps({"models": models}))
    return {"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(path)}


@contextlib.contextmanager
def running_emulator(workdir: Path, *args: str):
    """`start_emulator` for a `with` block (or a yield fixture): stopped however the block ends."""
    emulator = start_emulator(workdir, *args)
    try:
        yield emulator
    finally:
        emulator.proc.stop()


def read_frame(sock: socket.socket) -> tuple[int, int, bytes]:
    """One protocol-v2 frame off a connection to the translator's socket: (kind, stream, payload)."""
    import struct

    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            more = sock.recv(n - len(data))
            assert more, "the translator closed the connection mid-frame"
            data += more
        return data

    length, version, kind, stream = struct.unpack(">IBBI", exactly(10))
    assert version == 2
    return kind, stream, exactly(length - 6)


def module_emulator(*args: str):
    """A module-scoped `emulator` fixture: `emulator = module_emulator("--endpoint", "demo-endpoint")` in a test
    file starts one emulator with these arguments for all its tests."""
    import pytest

    @pytest.fixture(scope="module")
    def emulator(tmp_path_factory):
        with running_emulator(tmp_path_factory.mktemp("emu"), *args) as emu:
            yield emu

    return emulator


@contextlib.contextmanager
def running_gateway(emulator: Emulator, **kwargs):
    """`make_gateway` for a `with` block (or a yield fixture): stopped and its directory removed however the
    block ends."""
    gateway = make_gateway(emulator, **kwargs)
    try:
        yield gateway
    finally:
        gateway.stop()
        cleanup_dir(gateway.workdir)
