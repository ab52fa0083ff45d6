#!/usr/bin/env python3
"""Soak: mixed traffic with faults injected against the real emulator + translator + shim, for N minutes.

    python3 scripts/soak.py [--minutes 10] [--workers 8] [--bin-dir DIR] [--seed N]

Traffic (each worker thread draws one scenario at a time, by weight): chat, completions and Responses API,
each streamed and not, embeddings, the model list and Anthropic messages through the official SDKs; raw
sockets for what SDKs cannot do. Faults: clients that disconnect mid-stream (FIN or RST), slow readers of
long streams, SIGKILL of the translator and a restart (the shim must answer 503 while it is gone, then
recover), emulator failures asked for with directives (throttling, model errors, unavailable, internal
errors, a stream failing part way), oversized bodies and headers, malformed JSON and malformed HTTP.

Every request's outcome is `ok`, an expected failure of a named kind (the fault it asked for, or a request
in flight while the translator was being killed), or unexpected. RSS and open fds of each process are
sampled from /proc; baselines are taken after a warm-up with traffic paused and client connections closed,
and again at the end the same way. Exit status 1 on any unexpected failure, any process that died without
being killed, or growth past the tolerances (printed with the table).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "integration"))

KEY = "sk-soak-key"
GREETING = "Hello from the SageMaker emulator. You said: "
MAX_BODY = 1 << 20
MODELS = {
    "models": [
        {"id": "gen", "endpoint": "demo-endpoint", "format": "openai"},
        {"id": "tei", "endpoint": "demo-endpoint", "format": "embeddings"},
        {"id": "route", "endpoint": "demo-endpoint", "format": "sagemaker-openai"},
    ]
}
# Emulator directive -> the status the gateway must answer (as tests/test_gateway_chat.py pins them).
EMULATOR_FAULTS = {
    "[throttle]": 429,
    "[not_ready]": 429,
    "[model_error=400]": 400,
    "[model_error=500]": 502,
    "[unavailable]": 503,
    "[internal]": 502,
}
# RSS may end this much above its post-warm-up baseline (allocator caches, arenas settling); fds this many
# (the translator's libcurl keeps a few keep-alive connections to the emulator, more or fewer at any time).
RSS_TOLERANCE_FRACTION = 0.05
RSS_TOLERANCE_KIB = 4 * 1024
FD_TOLERANCE = 4


class Expected(Exception):
    """The request failed the way the fault it carried (or one in force) says it must."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


class Unexpected(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status_code = status


# ---------------------------------------------------------------------------------------------------------
# Raw HTTP over a socket: for what the SDKs will not send or cannot do (disconnects, slow reads, bad framing).


def connect(port: int, timeout: float = 30.0, rcvbuf: int | None = None) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def request_bytes(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_all(s: socket.socket, limit: int = 8 << 20) -> bytes:
    out = bytearray()
    while len(out) < limit:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        out += chunk
    return bytes(out)


def parse_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise Unexpected(f"no complete response head: {raw[:200]!r}")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise Unexpected(f"bad status line {lines[0]!r}")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(parts[1]), headers, body


def raw_exchange(port: int, data: bytes, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    with connect(port, timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything; the answer is still there.
        return parse_response(read_all(s))


def expect_json_error(status: int, headers: dict[str, str], body: bytes, want: set[int], kind: str) -> None:
    if status not in want:
        raise Unexpected(f"{kind}: status {status}, wanted {sorted(want)}: {body[:200]!r}", status)
    if not headers.get("content-type", "").startswith("application/json"):
        raise Unexpected(f"{kind}: {status} with content-type {headers.get('content-type')!r}")
    if headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    try:
        error = json.loads(body)["error"]
        assert isinstance(error["message"], str)
    except Exception as e:
        raise Unexpected(f"{kind}: {status} body is not an OpenAI error object: {body[:200]!r} ({e})")
    raise Expected(kind)


# ---------------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    t: float
    name: str
    pid: int
    rss_kib: int
    fds: int


def proc_sample(name: str, pid: int, t0: float) -> Sample | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, StopIteration):
        return None
    return Sample(time.monotonic() - t0, name, pid, rss, fds)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: collections.Counter = field(default_factory=collections.Counter)
    ok: collections.Counter = field(default_factory=collections.Counter)
    expected: collections.Counter = field(default_factory=collections.Counter)
    unexpected: list = field(default_factory=list)

    def add(self, scenario: str, outcome: str, detail: str = "") -> None:
        with self.lock:
            self.requests[scenario] += 1
            if outcome == "ok":
                self.ok[scenario] += 1
            elif outcome == "unexpected":
                self.unexpected.append((scenario, detail))
            else:
                self.expected[outcome] += 1


class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.tally = Tally()
        self.t0 = time.monotonic()
        self.stop = threading.Event()
        self.gate = threading.Event()  # set: workers may run; cleared for the quiet baseline samples
        self.gate.set()
        self.in_flight_lock = threading.Lock()
        self.parked = 0
        # (kill time, time the translator answered again) of each restart; end None while it is down.
        self.restarts: list[list[float | None]] = []
        self.samples: list[Sample] = []
        self.marks: dict[str, dict[str, Sample]] = {}
        self.deaths: list[str] = []

    # --- processes -----------------------------------------------------------------------------------------

    def start(self) -> None:
        from gateway_procs import make_gateway, start_emulator

        self.workdir = Path(tempfile.mkdtemp(prefix="soak-", dir="/tmp"))
        self.emulator = start_emulator(self.workdir, "--endpoint", "demo-endpoint")
        models = self.workdir / "models.json"
        models.write_text(json.dumps(MODELS))
        limits = {"MAX_BODY_BYTES": str(MAX_BODY), "LOG_LEVEL": "warning"}
        self.gw = make_gateway(
            self.emulator, api_keys=KEY,
            translator_env={"MODELS_FILE": str(models), "SAGEMAKER_ENDPOINT_NAME": None} | limits,
            shim_env=limits | {"MAX_HEADER_BYTES": "16384"},
        )
        self.port = self.gw.port

    def processes(self) -> dict[str, int]:
        out = {"emulator": self.emulator.proc.proc.pid, "httpshim": self.gw.shim.proc.pid}
        if self.gw.translator is not None and self.gw.translator.alive():
            out["translator"] = self.gw.translator.proc.pid
        return out

    def translator_down(self, t0: float, t1: float) -> bool:
        """Whether [t0, t1] overlaps a translator restart (with a second's margin either side)."""
        for start, end in self.restarts:
            if t0 <= (end if end is not None else float("inf")) + 1.0 and t1 >= start - 1.0:
                return True
        return False

    def health(self) -> int:
        try:
            with urllib.request.urlopen(self.gw.root_url + "/health", timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return 0

    def restart_translator(self) -> None:
        """SIGKILL (no drain, no socket cleanup), check the shim says 503, start a new one, wait for health."""
        t = self.gw.translator
        entry: list[float | None] = [time.monotonic(), None]
        self.restarts.append(entry)
        t.proc.send_signal(signal.SIGKILL)
        t.proc.wait(timeout=10)
        # While it is gone, the shim must answer at once, 503 translator_unavailable.
        status, headers, body = raw_exchange(self.port, request_bytes(
            "POST", "/v1/chat/completions", json.dumps(chat_body("gen", "down?")).encode(),
            {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}), timeout=10)
        if status == 503 and b"translator_unavailable" in body:
            self.tally.add("translator_restart", "translator_restart: 503 while down")
        else:
            self.tally.add("translator_restart", "unexpected", f"while down: {status} {body[:200]!r}")
        self.gw.socket_path.unlink(missing_ok=True)  # SIGKILL left it behind; start_translator waits for it
        self.gw.start_translator()
        deadline = time.monotonic() + 20
        while self.health() != 200:
            if time.monotonic() > deadline:
                self.tally.add("translator_restart", "unexpected", "/health not 200 20 s after restart")
                break
            time.sleep(0.1)
        entry[1] = time.monotonic()

    # --- sampling and quiet points -------------------------------------------------------------------------

    def sample(self) -> dict[str, Sample]:
        out = {}
        for name, pid in self.processes().items():
            s = proc_sample(name, pid, self.t0)
            if s:
                out[name] = s
                self.samples.append(s)
        return out

    def quiet_mark(self, label: str, resume: bool = True) -> None:
        """Pause traffic, let every connection close, sample: a comparable point for RSS and fds."""
        self.gate.clear()
        deadline = time.monotonic() + 60
        while self.parked < self.args.workers and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(2.0)  # closed client connections reach the shim, the shim's reach the translator
        self.marks[label] = self.sample()
        if not resume:
            self.stop.set()
        self.gate.set()

    def watch(self) -> None:
        while not self.stop.wait(self.args.sample_seconds):
            self.sample()
            for name, p in (("emulator", self.emulator.proc), ("httpshim", self.gw.shim)):
                if not p.alive() and name not in self.deaths:
                    self.deaths.append(name)
                    self.tally.add(name, "unexpected", f"{name} exited with {p.proc.returncode}")
            t = self.gw.translator
            restarting = self.restarts and self.restarts[-1][1] is None
            if t is not None and not t.alive() and not restarting and "translator" not in self.deaths:
                self.deaths.append("translator")
                self.tally.add("translator", "unexpected", f"translator exited with {t.proc.returncode}")

    # --- traffic --------------------------------------------------------------------------------------------

    def worker(self, index: int) -> None:
        import anthropic
        import openai

        rng = random.Random(self.args.seed * 1000 + index)
        scenarios = list(SCENARIOS.items())
        weights = [w for _, (w, _) in scenarios]
        clients = None
        while not self.stop.is_set():
            if not self.gate.is_set():
                # Quiet point: no request, and no pooled keep-alive connection either.
                if clients:
                    clients[0].close()
                    clients[1].close()
                    clients = None
                with self.in_flight_lock:
                    self.parked += 1
                self.gate.wait()
                with self.in_flight_lock:
                    self.parked -= 1
                continue
            if clients is None:
                clients = (
                    openai.OpenAI(base_url=self.gw.base_url, api_key=KEY, max_retries=0, timeout=30),
                    anthropic.Anthropic(base_url=self.gw.root_url, api_key=KEY, max_retries=0, timeout=30),
                )
            name, (_, run) = rng.choices(scenarios, weights)[0]
            t0 = time.monotonic()
            try:
                run(self, clients, rng)
                self.tally.add(name, "ok")
            except Expected as e:
                self.tally.add(name, e.kind)
            except Exception as e:  # classified below: a fault in force explains it, or nothing does
                t1 = time.monotonic()
                if self.translator_down(t0, t1) and explained_by_restart(e):
                    self.tally.add(name, "translator_restart: in flight")
                else:
                    self.tally.add(name, "unexpected", f"{type(e).__name__}: {str(e)[:300]}")
        if clients:
            clients[0].close()
            clients[1].close()

    def run(self) -> int:
        args = self.args
        duration = args.minutes * 60
        warmup = min(max(30.0, duration * 0.2), 120.0)
        # Restarts through the middle of the run; the last translator then lives long enough to be measured.
        restart_at = [duration * f for f in (0.25, 0.35, 0.45, 0.55)] if duration >= 120 else [duration * 0.5]
        self.start()
        self.marks["start"] = self.sample()
        threads = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(args.workers)]
        watcher = threading.Thread(target=self.watch, daemon=True)
        for th in threads + [watcher]:
            th.start()
        print(f"soak: {args.minutes} min, {args.workers} workers, seed {args.seed}, binaries {os.environ['GATEWAY_BIN_DIR']}",
              flush=True)
        deadline = self.t0 + duration
        warm_done = False
        translator_baseline_due = None  # 30 s after the last restart: the last translator's own warm-up
        while time.monotonic() < deadline and not self.deaths:
            elapsed = time.monotonic() - self.t0
            if not warm_done and elapsed >= warmup:
                self.quiet_mark("baseline")
                warm_done = True
                print(f"soak: baseline at {elapsed:.0f}s", flush=True)
            if restart_at and elapsed >= restart_at[0]:
                restart_at.pop(0)
                self.restart_translator()
                print(f"soak: translator restarted at {elapsed:.0f}s", flush=True)
                translator_baseline_due = time.monotonic() - self.t0 + 30
            if translator_baseline_due is not None and elapsed >= translator_baseline_due and not restart_at:
                self.quiet_mark("translator-baseline")
                translator_baseline_due = None
            time.sleep(0.2)
        if not warm_done:
            self.quiet_mark("baseline")
        self.quiet_mark("end", resume=False)
        for th in threads:
            th.join(timeout=40)
        watcher.join(timeout=10)
        codes = {}
        for name, p in (("httpshim", self.gw.shim), ("translator", self.gw.translator), ("emulator", self.emulator.proc)):
            codes[name] = p.stop(signal.SIGTERM, timeout=40)
        for name, code in codes.items():
            if code != 0:
                self.tally.add(name, "unexpected", f"{name} exited {code} on SIGTERM at the end")
        return self.report(codes)

    # --- report ---------------------------------------------------------------------------------------------

    def report(self, codes: dict[str, int | None]) -> int:
        t = self.tally
        total = sum(t.requests.values())
        failed = False
        print(f"\nsoak: {total} requests in {time.monotonic() - self.t0:.0f}s")
        print(f"\n{'scenario':<28}{'requests':>10}{'ok':>10}{'expected':>10}{'unexpected':>12}")
        unexpected_by = collections.Counter(s for s, _ in t.unexpected)
        for name in sorted(t.requests):
            n, ok, bad = t.requests[name], t.ok[name], unexpected_by[name]
            print(f"{name:<28}{n:>10}{ok:>10}{n - ok - bad:>10}{bad:>12}")
        print(f"\n{'expected failures by kind':<50}{'count':>8}")
        for kind, n in sorted(t.expected.items()):
            print(f"{kind:<50}{n:>8}")
        print(f"\nunexpected failures: {len(t.unexpected)}")
        for scenario, detail in t.unexpected[:30]:
            print(f"  {scenario}: {detail}")
        failed |= bool(t.unexpected)

        print(f"\n{'process':<12}{'mark':<28}{'pid':>8}{'RSS MiB':>10}{'fds':>6}")
        for name in ("httpshim", "translator", "emulator"):
            for label in ("start", "baseline", "translator-baseline", "end"):
                s = self.marks.get(label, {}).get(name)
                if s:
                    print(f"{name:<12}{label + f' ({s.t:.0f}s)':<28}{s.pid:>8}{s.rss_kib / 1024:>10.1f}{s.fds:>6}")
        print(f"\ntolerance after warm-up: RSS +{RSS_TOLERANCE_FRACTION:.0%} + {RSS_TOLERANCE_KIB // 1024} MiB, "
              f"fds +{FD_TOLERANCE}; the translator is compared from its last restart")
        for name in ("httpshim", "translator", "emulator"):
            label = "translator-baseline" if name == "translator" and "translator-baseline" in self.marks else "baseline"
            base, end = self.marks.get(label, {}).get(name), self.marks.get("end", {}).get(name)
            if not base or not end or base.pid != end.pid:
                print(f"  {name}: no comparable baseline")
                continue
            rss_limit = base.rss_kib * (1 + RSS_TOLERANCE_FRACTION) + RSS_TOLERANCE_KIB
            rss_ok, fd_ok = end.rss_kib <= rss_limit, end.fds <= base.fds + FD_TOLERANCE
            slope = rss_slope([s for s in self.samples if s.pid == base.pid and s.t >= base.t])
            print(f"  {name}: RSS {base.rss_kib / 1024:.1f} -> {end.rss_kib / 1024:.1f} MiB "
                  f"({'ok' if rss_ok else 'GROWTH'}; trend {slope:+.2f} MiB/min), "
                  f"fds {base.fds} -> {end.fds} ({'ok' if fd_ok else 'GROWTH'})")
            failed |= not (rss_ok and fd_ok)
        print(f"\nexit on SIGTERM: {codes}")
        if failed:
            print(f"\nsoak: FAILED; logs in {self.workdir} and {self.gw.workdir}")
        else:
            cleanup_dir(self.workdir)
            cleanup_dir(self.gw.workdir)
            print("\nsoak: passed")
        return 1 if failed else 0


def cleanup_dir(path: Path) -> None:
    from gateway_procs import cleanup_dir as remove

    remove(path)


def rss_slope(samples: list[Sample]) -> float:
    if len(samples) < 3:
        return 0.0
    xs = [s.t / 60 for s in samples]
    ys = [s.rss_kib / 1024 for s in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def explained_by_restart(e: Exception) -> bool:
    """What a request made while the translator is SIGKILLed and restarted may see: 502/503 (529, Anthropic's
    name for 503; and a shim that cannot reach the translator cannot check a key either), or a stream cut short."""
    import anthropic
    import openai

    status = getattr(e, "status_code", None)
    if status in (502, 503, 529):
        return True
    lost = (openai.APIConnectionError, anthropic.APIConnectionError)
    if isinstance(e, (openai.APIError, anthropic.APIError)) and status is None and not isinstance(e, lost):
        return True  # an SSE error event in the middle of a stream
    return isinstance(e, Unexpected) and "stream" in str(e)


# ---------------------------------------------------------------------------------------------------------
# Scenarios: run(soak, (openai_client, anthropic_client), rng); return = ok, raise Expected / anything else.


def chat_body(model: str, text: str, **extra) -> dict:
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


def words(rng: random.Random) -> str:
    return " ".join(rng.choice(["alpha", "beta", "gamma", "Zürich", "🚀", "delta", "x" * 40]) for _ in range(rng.randint(1, 8)))


def sdk_chat(soak, clients, rng):
    text = words(rng)
    r = clients[0].chat.completions.create(model="gen", messages=[{"role": "user", "content": text}])
    if r.choices[0].message.content != GREETING + text:
        raise Unexpected(f"chat content {r.choices[0].message.content!r}")


def sdk_chat_stream(soak, clients, rng):
    text = words(rng)
    got = "".join(
        c.choices[0].delta.content or ""
        for c in clients[0].chat.completions.create(
            model=rng.choice(["gen", "route"]), messages=[{"role": "user", "content": text}], stream=True)
        if c.choices)
    if got != GREETING + text:
        raise Unexpected(f"stream content {got!r}")


def sdk_completion(soak, clients, rng):
    text = words(rng)
    if rng.random() < 0.5:
        got = clients[0].completions.create(model="gen", prompt=text).choices[0].text
    else:
        got = "".join(c.choices[0].text for c in clients[0].completions.create(model="gen", prompt=text, stream=True)
                      if c.choices)
    if got != GREETING + text:
        raise Unexpected(f"completion text {got!r}")


def sdk_embeddings(soak, clients, rng):
    inputs = [words(rng) for _ in range(rng.randint(1, 5))]
    r = clients[0].embeddings.create(model="tei", input=inputs)
    if len(r.data) != len(inputs) or len({len(d.embedding) for d in r.data}) != 1:
        raise Unexpected(f"embeddings: {len(r.data)} vectors for {len(inputs)} inputs")


def sdk_models(soak, clients, rng):
    ids = sorted(m.id for m in clients[0].models.list().data)
    if ids != sorted(m["id"] for m in MODELS["models"]):
        raise Unexpected(f"models {ids}")


def sdk_responses(soak, clients, rng):
    text = words(rng)
    if rng.random() < 0.5:
        got = clients[0].responses.create(model="gen", input=text).output_text
    else:
        got = "".join(e.delta for e in clients[0].responses.create(model="gen", input=text, stream=True)
                      if e.type == "response.output_text.delta")
    if got != GREETING + text:
        raise Unexpected(f"responses text {got!r}")


def sdk_anthropic(soak, clients, rng):
    text = words(rng)
    messages = [{"role": "user", "content": text}]
    if rng.random() < 0.5:
        got = clients[1].messages.create(model="gen", max_tokens=256, messages=messages).content[0].text
    else:
        with clients[1].messages.stream(model="gen", max_tokens=256, messages=messages) as stream:
            got = "".join(stream.text_stream)
    if got != GREETING + text:
        raise Unexpected(f"anthropic text {got!r}")


def emulator_fault(soak, clients, rng):
    import openai

    directive, status = rng.choice(list(EMULATOR_FAULTS.items()))
    stream = rng.random() < 0.5
    try:
        r = clients[0].chat.completions.create(model="gen", messages=[{"role": "user", "content": directive}],
                                               stream=stream)
        if stream:
            list(r)
    except openai.APIStatusError as e:
        if e.status_code == status:
            raise Expected(f"emulator {directive}: {status}")
        raise
    raise Unexpected(f"{directive} succeeded")


def emulator_mid_stream(soak, clients, rng):
    import openai

    got = []
    try:
        for c in clients[0].chat.completions.create(
                model="gen", messages=[{"role": "user", "content": "[tokens=10][fail_after=3]"}], stream=True):
            if c.choices and c.choices[0].delta.content:
                got.append(c.choices[0].delta.content)
    except openai.APIError as e:
        if "".join(got) == "t1 t2 t3" and getattr(e, "status_code", None) is None:
            raise Expected("emulator [fail_after=3]: SSE error after 3 tokens")
        raise
    raise Unexpected("stream with [fail_after=3] ended without an error")


def client_disconnect(soak, clients, rng):
    """Start a long stream, read its first bytes, then go away: with FIN, or with RST (SO_LINGER 0)."""
    body = json.dumps(chat_body("gen", "[tokens=400][delay_ms=5]", stream=True)).encode()
    s = connect(soak.port)
    try:
        s.sendall(request_bytes("POST", "/v1/chat/completions", body,
                                {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}))
        first = s.recv(4096)
        if not first.startswith(b"HTTP/1.1 200"):
            raise Unexpected(f"stream did not start: {first[:200]!r}", int(first[9:12]) if first[9:12].isdigit() else None)
        time.sleep(rng.random() * 0.3)
        if rng.random() < 0.5:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    finally:
        s.close()
    raise Expected("client disconnect mid-stream (injected)")


def slow_reader(soak, clients, rng):
    """A long stream read a little at a time through a small receive buffer: it must arrive whole."""
    tokens = rng.choice([500, 1500, 3000])
    body = json.dumps(chat_body("gen", f"[tokens={tokens}]", stream=True)).encode()
    with connect(soak.port, timeout=60, rcvbuf=4096) as s:
        s.sendall(request_bytes("POST", "/v1/chat/completions", body,
                                {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}))
        out = bytearray()
        while True:
            chunk = s.recv(1024)
            if not chunk:
                break
            out += chunk
            time.sleep(0.002)
    status, headers, raw = parse_response(bytes(out))
    if headers.get("transfer-encoding") == "chunked":
        raw = dechunk(raw)
    if status != 200:
        raise Unexpected(f"slow reader: {status} {raw[:200]!r}", status)
    error_at = raw.find(b'data: {"error"')
    if error_at >= 0:
        raise Unexpected(f"slow reader: the stream ended with an error event: {raw[error_at:][:200]!r}")
    if not raw.rstrip().endswith(b"data: [DONE]"):
        raise Unexpected(f"slow reader: stream incomplete ({len(raw)} bytes, tail {raw[-120:]!r})")
    text = "".join(
        (json.loads(line[6:])["choices"] or [{"delta": {}}])[0]["delta"].get("content") or ""
        for line in raw.decode().split("\n") if line.startswith("data: {"))
    if text != " ".join(f"t{i}" for i in range(1, tokens + 1)):
        raise Unexpected(f"slow reader: {len(text.split())} of {tokens} tokens")


def dechunk(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while True:
        end = raw.find(b"\r\n", i)
        if end < 0:
            raise Unexpected("stream: chunked body cut short")
        size = int(raw[i:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += raw[end + 2:end + 2 + size]
        i = end + 2 + size + 2


def oversized_body(soak, clients, rng):
    body = json.dumps(chat_body("gen", "x" * (MAX_BODY + rng.randint(1, MAX_BODY)))).encode()
    status, headers, raw = raw_exchange(soak.port, request_bytes(
        "POST", "/v1/chat/completions", body, {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}))
    expect_json_error(status, headers, raw, {413}, "oversized body: 413")


def oversized_headers(soak, clients, rng):
    data = request_bytes("GET", "/v1/models", headers={"Authorization": f"Bearer {KEY}", "X-Pad": "p" * 40000})
    status, headers, raw = raw_exchange(soak.port, data)
    expect_json_error(status, headers, raw, {431}, "oversized headers: 431")


def malformed_json(soak, clients, rng):
    body = rng.choice([b'{"model": "gen", "messages": [', b"\xff\xfe{}", b"[1,2", b'{"model": 1e999999}', b""])
    status, headers, raw = raw_exchange(soak.port, request_bytes(
        "POST", "/v1/chat/completions", body, {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}))
    expect_json_error(status, headers, raw, {400}, "malformed JSON: 400")


def malformed_http(soak, clients, rng):
    auth = f"Authorization: Bearer {KEY}\r\n".encode()
    data = rng.choice([
        b"GARBAGE\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: -5\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: 4\r\nContent-Length: 5\r\n\r\n{}{}",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
    ])
    with connect(soak.port) as s:
        s.sendall(data)
        raw = read_all(s)
    status, headers, body = parse_response(raw)
    if not 400 <= status < 500:
        raise Unexpected(f"malformed HTTP {data[:40]!r}: {status}", status)
    raise Expected(f"malformed HTTP: {status}")


def wrong_key(soak, clients, rng):
    status, headers, raw = raw_exchange(soak.port, request_bytes(
        "POST", "/v1/chat/completions", b'{"not": "even valid"', {"Authorization": "Bearer sk-wrong"}))
    expect_json_error(status, headers, raw, {401}, "wrong key: 401")


SCENARIOS = {
    "chat": (12, sdk_chat),
    "chat_stream": (12, sdk_chat_stream),
    "completion": (6, sdk_completion),
    "embeddings": (6, sdk_embeddings),
    "models": (3, sdk_models),
    "responses": (6, sdk_responses),
    "anthropic": (6, sdk_anthropic),
    "emulator_fault": (6, emulator_fault),
    "emulator_mid_stream": (3, emulator_mid_stream),
    "client_disconnect": (5, client_disconnect),
    "slow_reader": (2, slow_reader),
    "oversized_body": (2, oversized_body),
    "oversized_headers": (2, oversized_headers),
    "malformed_json": (3, malformed_json),
    "malformed_http": (3, malformed_http),
    "wrong_key": (2, wrong_key),
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "10")))
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--bin-dir", default=os.environ.get("GATEWAY_BIN_DIR"))
    p.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    p.add_argument("--sample-seconds", type=float, default=5.0)
    args = p.parse_args()
    if not args.bin_dir:
        args.bin_dir = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                                               text=True).strip()
    os.environ["GATEWAY_BIN_DIR"] = args.bin_dir
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    soak = Soak(args)
    try:
        return soak.run()
    finally:
        for p in (getattr(getattr(soak, "gw", None), "shim", None), getattr(getattr(soak, "gw", None), "translator", None),
                  getattr(getattr(soak, "emulator", None), "proc", None)):
            if p is not None and p.alive():
                p.stop(signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
