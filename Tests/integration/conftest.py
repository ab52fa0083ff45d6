"""Shared fixtures for the end-to-end tests: they run the built executables as real processes.

Binaries come from $GATEWAY_BIN_DIR, else from `swift build --show-bin-path` (with $SWIFT_SCRATCH_PATH as the
scratch path when set). Every process announces its port with a first stdout line `LISTENING <port>`.
"""

import json
import os
import select
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STARTUP_TIMEOUT = 30.0

# The emulator's defaults; tests sign with these unless they test other credentials.
ACCESS_KEY = "AKIDEMULATOR"
SECRET_KEY = "emulator-secret-key"
REGION = "us-east-1"

# Nothing in these tests may reach a real AWS credential source.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for _name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ.pop(_name, None)


def bin_dir():
    explicit = os.environ.get("GATEWAY_BIN_DIR")
    if explicit:
        return explicit
    command = ["swift", "build", "--show-bin-path"]
    scratch = os.environ.get("SWIFT_SCRATCH_PATH")
    if scratch:
        command[2:2] = ["--scratch-path", scratch]
    return subprocess.check_output(command, cwd=REPO, text=True).strip()


_logs = []


def _log_dir():
    """One directory for this run's process logs, removed at exit with the gateways' (gateway_procs)."""
    if not _logs:
        from gateway_procs import scratch_dir

        _logs.append(str(scratch_dir("test-logs-")))
    return _logs[0]


class RunningProcess:
    """A started executable, its port, and its stderr log (shown when a test fails)."""

    def __init__(self, name, args, env=None):
        path = os.path.join(bin_dir(), name)
        if not os.path.exists(path):
            pytest.fail(f"{path} is not built (swift build --product {name})")
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False, dir=_log_dir())
        self.process = subprocess.Popen(
            [path, *args],
            stdout=subprocess.PIPE,
            stderr=self.log,
            env={**os.environ, **(env or {})},
            cwd=REPO,
        )
        self.port = self._read_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def _read_port(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                self.stop()
                pytest.fail(f"{self.name} did not print LISTENING: {line!r}\n{self.stderr()}")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                # os.read, not the buffered file: a buffered read would pull bytes select() no longer sees.
                chunk = os.read(self.process.stdout.fileno(), 1)
                if not chunk:
                    continue
                line += chunk
        words = line.decode().split()
        assert words[0] == "LISTENING", line
        return int(words[1])

    def stderr(self):
        self.log.flush()
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

    def get_json(self, path, headers=None):
        request = urllib.request.Request(self.url + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def post_json(self, path, value):
        request = urllib.request.Request(
            self.url + path, data=json.dumps(value).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture
def start_process(request):
    """Factory: start_process(executable, args, env) -> RunningProcess, stopped at teardown.

    The process's stderr is printed when the test fails, to see why."""
    started = []

    def start(name, args=(), env=None):
        process = RunningProcess(name, list(args), env)
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        for process in started:
            print(f"--- {process.name} stderr ---\n{process.stderr()}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


@pytest.fixture
def start_emulator(start_process):
    """Factory: start_emulator(*extra_flags) -> the SageMaker emulator on an ephemeral port."""

    def start(*flags, env=None):
        return start_process("sagemaker-emulator", ["--port", "0", *flags], env)

    return start


@pytest.fixture
def emulator(start_emulator):
    """The emulator with its defaults (endpoint demo-endpoint, model emulator-model) and one secret `gateway/api-keys`."""
    return start_emulator("--secret", 'gateway/api-keys={"api_keys": ["sk-test"]}')


def aws_client(service, endpoint_url, access_key=ACCESS_KEY, secret_key=SECRET_KEY, session_token=None, region=REGION):
    """A boto3 client pointed at a local endpoint, with explicit credentials and no retries."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        config=Config(retries={"total_max_attempts": 1}, read_timeout=30, connect_timeout=5),
    )


def pytest_configure(config):
    # Every answer the gateway gives a test is checked against OpenAI's OpenAPI spec (see openai_conformance.py).
    # Registered here rather than with `pytest_plugins`, which pytest refuses in a conftest below the rootdir.
    import openai_conformance

    if not config.pluginmanager.is_registered(openai_conformance):
        config.pluginmanager.register(openai_conformance, "openai_conformance")
