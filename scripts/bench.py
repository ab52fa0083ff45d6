#!/usr/bin/env python3
"""`make bench`: what the gateway costs, measured from outside, beside issue 9's targets.

The release executables run on loopback against the SageMaker emulator (no artificial delay unless a
scenario paces it with `[delay_ms=N]`); wrk (Debian's package) is the load generator for request rates and
latency, a small asyncio client for time to first byte and for holding thousands of streams open. CPU is
read from /proc for the translator and the shim over each measured window, so the load generator's and the
emulator's own CPU never count against the gateway.

Scenarios (each beside its target from issue 9; the last line is `N passed, M failed`):
  non-streamed   requests/s at 1, 64 and 256 connections (closed loop); p50/p99 through the gateway and
                 straight to the emulator with a SigV4-signed request, same run: the difference is our latency.
                 The latency targets are judged at 64 connections offering both the same load below
                 saturation (open loop, --open-loop-rate), the gateway, the emulator straight and both floors
                 turn about (--rounds): closed loop, each side runs saturated at its own rate and latency is
                 queueing
  cpu            CPU µs per non-streamed request (64 connections, and one request at a time), per streamed
                 chunk back to back and paced 5 ms apart. At 64 connections the gateway, the same gateway
                 signing with ECS task-role credentials, and the relays run turn about (--rounds), each
                 figure the median of its rounds
  floor          the same signed requests through two C relays chained like the gateway's processes
                 (bench/floor-relay.c: TCP in, Unix socket, TCP out; bytes forwarded, nothing else), and one
                 relay straight to the emulator (a one-process design). For tokens arriving alone, which no
                 design batches, a lower bound; per request at 64 connections not one (a relay pair has a
                 Unix connection per client, the gateway one link carrying many requests' frames per call).
                 And the design's libraries alone (bench/floor-libs.c): evhttp in front, one framed Unix-socket
                 link, libcurl's multi interface behind, batched per loop turn like the gateway, the request
                 already signed; its CPU per request and added latency are what evhttp + libcurl + two
                 processes cost before any of the gateway's own work
  ttfb           added time to first streamed byte (gateway minus direct), sequential requests
  open streams   RSS of both processes idle, at 1,000 and at 10,000 open slowly-paced streams
  slow reader    a 100k-token stream read slowly: memory stays flat (backpressure, not buffering)
  size           the executables' sizes (the static ones if `make build-static` left them)
  metrics        50 scrapes of METRICS_PORT after all that traffic: latency, page size, CPU of both
                 processes per scrape (the per-request counters are always on, so they are inside every
                 figure above)

The machine is shared and noisy: quote ratios measured in one run, and the machine beside any figure.
`--write-results` keeps the table in bench/RESULTS.md with the machine and commit.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "integration"))
from gateway_procs import (  # noqa: E402
    ACCESS_KEY, METRICS_HOST, REGION, SECRET_KEY, bin_dir, cleanup_dir, listening_ports, make_gateway,
    start_emulator, task_role_env)

KEY = "sk-bench"
ENDPOINT = "demo-endpoint"


# ---------------------------------------------------------------- process figures

def proc_stats(pid: int) -> dict:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return {
        "rss_kib": int(fields["VmRSS"].split()[0]),
        "cpu_s": (int(stat[11]) + int(stat[12])) / ticks,
        "user_s": int(stat[11]) / ticks,
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
    }


class CPUWindow:
    """CPU seconds the watched processes spend between `__enter__` and `__exit__`, together and each."""

    def __init__(self, *pids: int):
        self.pids = pids
        self.seconds = 0.0
        self.user_seconds = 0.0  # of `seconds`; the rest is the kernel's work for them
        self.each: list[float] = []  # `seconds` by process, in the order of `pids`

    def _sample(self) -> list[dict]:
        return [proc_stats(p) for p in self.pids]

    def __enter__(self):
        self.start = self._sample()
        return self

    def __exit__(self, *exc):
        end = self._sample()
        self.each = [e["cpu_s"] - s["cpu_s"] for s, e in zip(self.start, end)]
        self.seconds = sum(self.each)
        self.user_seconds = sum(e["user_s"] - s["user_s"] for s, e in zip(self.start, end))


def turn_about(names: list[str], rounds: int):
    """Each name once per round, the order rotating round by round, so none always runs first or last."""
    for r in range(rounds):
        yield from names[r % len(names):] + names[:r % len(names)]


def by_process(each: list[float], digits: int = 0) -> str:
    """The gateway's figure split by process, `each` in the order of its pids (translator, shim)."""
    translator, shim = each
    return f"translator {translator:.{digits}f} + shim {shim:.{digits}f} µs"


# ---------------------------------------------------------------- wrk

WRK_DONE = r'''
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKJSON {\"requests\":%d,\"errors\":%d,\"p50_us\":%d,\"p99_us\":%d,\"duration_us\":%d,\"bytes\":%d}\n",
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration, summary.bytes))
end
'''


def lua_string(s: str) -> str:
    return "[==[" + s + "]==]"


def run_wrk(url: str, body: str, headers: dict[str, str], connections: int, seconds: float, workdir: Path,
            rate: float | None = None) -> dict:
    """Closed loop (each connection sends its next request as the last answer arrives) unless `rate`: then
    each connection waits an exponentially distributed pause (mean connections ÷ rate) after every answer,
    so the offered load is about `rate` requests/s whatever the latency, a Poisson arrival per connection.
    wrk times a request from its send, so the pause is not in the latency."""
    script = workdir / "bench.lua"
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_string(body)}"]
    lines += [f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items()]
    if rate:
        lines += ["math.randomseed(os.time())", f"local mean_ms = {connections * 1000.0 / rate!r}",
                  "function delay() return math.floor(-mean_ms * math.log(1 - math.random())) end"]
    script.write_text("\n".join(lines) + "\n" + WRK_DONE)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s", "-s", str(script), url],
        capture_output=True, text=True, check=True)
    line = next((l for l in out.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out.stdout}\n{out.stderr}")
    return json.loads(line[len("WRKJSON "):])


def signed_headers(emulator_port: int, path: str, body: str) -> dict[str, str]:
    """A SigV4-signed InvokeEndpoint as botocore would send it, good for the few minutes of one wrk run."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{emulator_port}{path}", data=body.encode(),
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "sagemaker", REGION).add_auth(request)
    return {k: v for k, v in request.headers.items() if k.lower() != "host"}


def chat_body(content: str, stream: bool, model: str | None = "m") -> str:
    """`model=None` for the container itself: in single-endpoint mode the translator sends no model name."""
    body = {"messages": [{"role": "user", "content": content}]}
    if model is not None:
        body["model"] = model
    if stream:
        body["stream"] = True
    return json.dumps(body)


# ---------------------------------------------------------------- the floor

def build_floor(workdir: Path, name: str, *flags: str) -> Path:
    """Compiles bench/NAME.c into workdir (with `flags`, the libraries it links) and returns the executable."""
    compiler = shutil.which("cc") or shutil.which("clang")
    if compiler is None:
        raise RuntimeError(f"bench: no C compiler for bench/{name}.c (apt-get install -y gcc)")
    binary = workdir / name
    subprocess.run([compiler, "-O2", "-o", str(binary), str(ROOT / "bench" / f"{name}.c"), *flags], check=True)
    return binary


class FloorProcesses:
    """C floor processes this bench started: each prints "ready" once listening, and all stop together."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def _start(self, binary: Path, *args: str) -> subprocess.Popen:
        proc = subprocess.Popen([str(binary), *args], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"{binary.name} {' '.join(args)} did not start")
        return proc

    @staticmethod
    def _port(pid: int) -> int:
        ports = listening_ports(pid)  # it printed "ready" after listen(): the port is there
        if len(ports) != 1:
            raise RuntimeError(f"floor process {pid} listens on {sorted(ports)}, not one port")
        return ports.pop()

    def stop(self) -> None:
        # Last started first: a floor-libs front before the back it links to (the back exits when the link closes).
        for proc in reversed(self.procs):
            proc.terminate()
            proc.wait(timeout=10)


class FloorRelays(FloorProcesses):
    """Two bench/floor-relay.c processes chained like the gateway's (TCP in, Unix socket between, TCP out to
    the emulator), forwarding the client's signed request bytes unchanged: the system calls and wakeups of the
    two-process design with none of its work. Their CPU per request and per token is the floor the gateway's
    figures sit on, on this machine, in this run."""

    def __init__(self, workdir: Path, emulator_port: int):
        super().__init__()
        binary = build_floor(workdir, "floor-relay")
        link = f"unix:{workdir / 'floor.sock'}"
        try:
            # tcp:0: the kernel picks each front relay's port as it binds (read back from /proc), so nothing else
            # can take it between choosing and binding.
            self.pids = (self._start(binary, link, f"tcp:{emulator_port}").pid,
                         self._start(binary, "tcp:0", link).pid)
            self.port = self._port(self.pids[1])
            # And one relay straight from the client to the emulator: the floor of a one-process design.
            self.single_pid = self._start(binary, "tcp:0", f"tcp:{emulator_port}").pid
            self.single_port = self._port(self.single_pid)
        except BaseException:
            self.stop()  # the caller gets no relays to stop
            raise


class FloorLibs(FloorProcesses):
    """bench/floor-libs.c: the design's two processes doing the least its fixed libraries allow. A front serves
    HTTP with evhttp and passes each request over one Unix-socket link, framed, to a back that sends it on with
    libcurl's multi interface on the same kind of libevent loop, batching per loop turn as the gateway does;
    the client's request comes signed, so nothing is validated, signed or translated. What evhttp, libcurl and
    two processes cost before any of the gateway's own work, per request and in added latency."""

    def __init__(self, workdir: Path, emulator_port: int):
        super().__init__()
        binary = build_floor(workdir, "floor-libs", "-levent", "-lcurl")
        link = f"unix:{workdir / 'floor-libs.sock'}"
        try:
            back = self._start(binary, "back", link, f"http://127.0.0.1:{emulator_port}")
            front = self._start(binary, "front", link)
            self.pids = (front.pid, back.pid)
            self.port = self._port(front.pid)
        except BaseException:
            self.stop()
            raise


# ---------------------------------------------------------------- asyncio clients

async def open_stream(port: int, path: str, body: bytes, headers: dict[str, str]):
    """Sends one request; returns (reader, writer, seconds to the first body byte)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    start = time.perf_counter()
    writer.write(head.encode() + body)
    await writer.drain()
    response_head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in response_head.split(b"\r\n", 1)[0]:
        raise RuntimeError(response_head.split(b"\r\n", 1)[0].decode(errors="replace"))
    await reader.readexactly(1)
    return reader, writer, time.perf_counter() - start


async def response_bytes(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    """Bytes of one whole chunked response, head included: what wrk's `bytes` counts per answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    host = headers.get("Host", f"127.0.0.1:{port}")
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k != "Host") + "\r\n"
    writer.write(head.encode() + body)
    await writer.drain()
    received = b""
    while not received.endswith(b"\r\n0\r\n\r\n"):
        chunk = await reader.read(65536)
        if not chunk:
            raise RuntimeError(f"connection closed after {len(received)} bytes of a chunked answer")
        received += chunk
    writer.close()
    return len(received)


async def ttfb_samples(port: int, path: str, body: bytes, headers: dict[str, str], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        reader, writer, seconds = await open_stream(port, path, body, headers)
        samples.append(seconds)
        writer.close()
    return samples


async def hold_streams(port: int, n: int, on_open) -> tuple[int, list[str]]:
    """Opens n slowly paced streams, calls on_open() while all are open, then closes them."""
    body = chat_body("[tokens=600][delay_ms=1000]", True).encode()
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    held, errors = [], []
    batch = 250

    async def one():
        try:
            reader, writer, _ = await open_stream(port, "/v1/chat/completions", body, headers)
            held.append(writer)
        except Exception as e:  # noqa: BLE001 - every failure is a figure, whatever its kind
            errors.append(type(e).__name__ + ": " + str(e)[:80])

    for start in range(0, n, batch):
        await asyncio.gather(*(one() for _ in range(min(batch, n - start))))
    await asyncio.sleep(2)
    on_open()
    for w in held:
        w.close()
    return len(held), errors


async def slow_reader(port: int, pids: tuple[int, int]) -> dict:
    body = chat_body("[tokens=100000]", True).encode()
    reader, writer, _ = await open_stream(
        port, "/v1/chat/completions", body, {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    samples, received = [], 0
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            break
        received += len(chunk)
        samples.append(sum(proc_stats(p)["rss_kib"] for p in pids))
        if chunk.endswith(b"0\r\n\r\n"):
            break
        await asyncio.sleep(0.02)
    writer.close()
    return {"bytes": received, "rss_first_kib": samples[0], "rss_last_kib": samples[-1], "rss_max_kib": max(samples)}


def scrapes(port: int, pids: tuple[int, int], n: int = 50) -> dict:
    import urllib.request

    with CPUWindow(*pids) as cpu:
        times, size, series = [], 0, 0
        for _ in range(n):
            start = time.perf_counter()
            with urllib.request.urlopen(f"http://{METRICS_HOST}:{port}/metrics", timeout=10) as r:
                page = r.read()
            times.append(time.perf_counter() - start)
            size = len(page)
            series = sum(1 for line in page.splitlines() if line and not line.startswith(b"#"))
    return {"median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000, "page_bytes": size,
            "series": series, "cpu_ms": cpu.seconds * 1000 / n}


# ---------------------------------------------------------------- the table

@dataclass
class Row:
    figure: str
    value: float | None
    unit: str
    target: float | None = None  # None: reported, not judged
    at_most: bool = True
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.value is None:
            return "FAIL"
        ok = self.value <= self.target if self.at_most else self.value >= self.target
        return "pass" if ok else "FAIL"

    def cells(self) -> list[str]:
        value = "n/a" if self.value is None else f"{self.value:,.1f}" if self.value < 100 else f"{self.value:,.0f}"
        target = "" if self.target is None else ("≤ " if self.at_most else "≥ ") + f"{self.target:,g}"
        return [self.figure, f"{value} {self.unit}".strip(), target, self.verdict, self.note]


def table(rows: list[Row]) -> str:
    out = ["| figure | measured | target | | note |", "|---|---|---|---|---|"]
    out += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    judged = [r for r in rows if r.target is not None]
    passed = sum(r.verdict == "pass" for r in judged)
    out.append("")
    out.append(f"{passed} passed, {len(judged) - passed} failed")
    return "\n".join(out)


def machine() -> str:
    model = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                  if l.startswith("model name")), "unknown CPU")
    return f"{os.cpu_count()} cores ({model}), {os.uname().machine}, load {os.getloadavg()[0]:.1f} at start"


def raise_nofile(wanted: int) -> int:
    """10,000 streams need ~20,000 fds in each gateway process today; children inherit this limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limit in (wanted, hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, max(limit, hard) if limit > hard else hard))
            return limit
        except (ValueError, OSError):
            continue
    return soft


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=8, help="length of each wrk run")
    ap.add_argument("--connections", default="1,64,256")
    ap.add_argument("--rounds", type=int, default=4,
                    help="turn-about rounds (each --seconds/2 long) for CPU per request at 64 connections")
    ap.add_argument("--open-loop-rate", type=int, default=2000,
                    help="requests/s the 64 connections offer for the latency targets (open loop)")
    ap.add_argument("--stream-tokens", type=int, default=500)
    ap.add_argument("--ttfb-samples", type=int, default=200)
    ap.add_argument("--open-streams", default="1000,10000")
    ap.add_argument("--write-results", action="store_true", help="write the table to bench/RESULTS.md")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is missing (apt-get install -y wrk, or scripts/install-deps.sh --with-bench)")

    nofile = raise_nofile(65536)
    workdir = Path(tempfile.mkdtemp(prefix="bench-", dir="/tmp"))
    # Minted session tokens as long as an ECS task role's, for the production-credentials row.
    emu = start_emulator(workdir, "--endpoint", ENDPOINT, "--invoke-timeout", "3600", "--session-token-length", "1000")
    quiet = {"LOG_LEVEL": "warning"}
    # "m" is the default route (a non-streamed request is streamed upstream and assembled, so answers may
    # pass InvokeEndpoint's 60 s); "m-invoke" calls InvokeEndpoint like the direct request it is compared with.
    models = workdir / "models.json"
    models.write_text(json.dumps({"models": [
        {"id": "m", "endpoint": ENDPOINT},
        {"id": "m-invoke", "endpoint": ENDPOINT, "upstream_streaming": "never"},
    ]}))
    gw = make_gateway(emu, api_keys=KEY,
                      translator_env=quiet | {"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)},
                      shim_env=quiet | {"METRICS_PORT": "0", "METRICS_HOST": METRICS_HOST})
    metrics_port = gw.metrics_port
    pids = (gw.translator.proc.pid, gw.shim.proc.pid)
    floor: FloorRelays | None = None
    libs: FloorLibs | None = None
    rows: list[Row] = []
    details: dict = {"machine": machine(), "nofile": nofile}
    try:
        idle = {name: proc_stats(pid)["rss_kib"] for name, pid in zip(("translator", "shim"), pids)}
        floor = FloorRelays(workdir, emu.port)
        floor_url = f"http://127.0.0.1:{floor.port}"
        libs = FloorLibs(workdir, emu.port)
        libs_url = f"http://127.0.0.1:{libs.port}"
        gw_url = f"http://127.0.0.1:{gw.port}/v1/chat/completions"
        gw_headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        invoke = f"/endpoints/{ENDPOINT}/invocations"
        stream_invoke = f"/endpoints/{ENDPOINT}/invocations-response-stream"

        # Non-streamed: rate and latency through the gateway (InvokeEndpoint, like for like) and straight to
        # the emulator.
        body = chat_body("[tokens=16]", False, model="m-invoke")
        raw = chat_body("[tokens=16]", False, model=None)
        cpu_sequential: tuple[float, str] | None = None
        for conns in (int(c) for c in args.connections.split(",")):
            accepted = emu.stats()["connections_accepted"]
            with CPUWindow(*pids) as cpu:
                via = run_wrk(gw_url, body, gw_headers, conns, args.seconds, workdir)
            # Minus the stats call's own connection: what the translator opened toward "SageMaker".
            upstream_connections = emu.stats()["connections_accepted"] - accepted - 1
            direct = run_wrk(emu.url + invoke, raw, signed_headers(emu.port, invoke, raw), conns, args.seconds, workdir)
            details[f"nonstream_c{conns}"] = {"gateway": via, "direct": direct, "cpu_s": cpu.seconds}
            per_s = via["requests"] / (via["duration_us"] / 1e6)
            errors = via["errors"]
            if errors > via["requests"] // 100 or direct["errors"] > direct["requests"] // 100:
                raise RuntimeError(f"too many errors at {conns} connections: {via} / direct {direct}")
            rows.append(Row(f"non-streamed requests/s, {conns} conn", per_s, "/s",
                            note=f"direct {direct['requests'] / (direct['duration_us'] / 1e6):,.0f}/s; "
                                 f"{upstream_connections} upstream connections opened for {via['requests']:,} "
                                 "requests" + (f"; {errors} errors" if errors else "")))
            cpu_us = cpu.seconds * 1e6 / max(via["requests"], 1)
            if conns == 1:
                user_1 = cpu.user_seconds * 1e6 / max(via["requests"], 1)
                cpu_sequential = (cpu_us, f"user {user_1:.0f} + kernel {cpu_us - user_1:.0f} µs; "
                                          + by_process([c * 1e6 / max(via["requests"], 1) for c in cpu.each]))
            added50 = (via["p50_us"] - direct["p50_us"]) / 1000
            added99 = (via["p99_us"] - direct["p99_us"]) / 1000
            rows.append(Row(f"added latency p50, {conns} conn", added50, "ms",
                            note=f"{via['p50_us'] / 1000:.2f} vs {direct['p50_us'] / 1000:.2f} ms direct"
                                 + ("; closed loop, saturated" if conns > 1 else "")))
            rows.append(Row(f"added latency p99, {conns} conn", added99, "ms",
                            note=f"{via['p99_us'] / 1000:.2f} vs {direct['p99_us'] / 1000:.2f} ms direct"))
        # The floor: the same signed request through two relays that only forward bytes.
        def floor_headers(path: str, request_body: str) -> dict[str, str]:
            return signed_headers(emu.port, path, request_body) | {"Host": f"127.0.0.1:{emu.port}"}

        # What production pays: an ECS task role's temporary credentials, whose session token (about a thousand
        # characters) rides in a header on every call; static keys send none.
        task_role = make_gateway(emu, api_keys=KEY, shim_env=quiet, translator_env=quiet | {
            "SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)} | task_role_env(emu))
        task_role_url = f"http://127.0.0.1:{task_role.port}/v1/chat/completions"
        # CPU per request at 64 connections, taken turn about: the gateway, the same with task-role credentials,
        # and the relays, in rounds whose order rotates. This host's speed swings by more than a third within a
        # minute, so one run of each would compare different machines; the median round of each compares the
        # same one.
        contenders = {
            "gateway": (pids, lambda: run_wrk(gw_url, body, gw_headers, 64, args.seconds / 2, workdir)),
            "task role": ((task_role.translator.proc.pid, task_role.shim.proc.pid),
                          lambda: run_wrk(task_role_url, body, gw_headers, 64, args.seconds / 2, workdir)),
            "relays": (floor.pids,
                       lambda: run_wrk(floor_url + invoke, raw, floor_headers(invoke, raw), 64, args.seconds / 2,
                                       workdir)),
            "libraries": (libs.pids,
                          lambda: run_wrk(libs_url + invoke, raw, floor_headers(invoke, raw), 64, args.seconds / 2,
                                          workdir)),
        }
        each_round: dict[str, list[list[float]]] = {name: [] for name in contenders}  # µs per request, by process
        user_share: dict[str, list[float]] = {name: [] for name in contenders}
        rates: dict[str, list[float]] = {name: [] for name in contenders}
        try:
            run_wrk(task_role_url, body, gw_headers, 64, 1, workdir)
            for name in turn_about(list(contenders), args.rounds):
                watched, run = contenders[name]
                with CPUWindow(*watched) as cpu:
                    result = run()
                if result["errors"] > result["requests"] // 100:
                    raise RuntimeError(f"too many errors ({name}): {result}")
                each_round[name].append([c * 1e6 / max(result["requests"], 1) for c in cpu.each])
                user_share[name].append(cpu.user_seconds / max(cpu.seconds, 1e-9))
                rates[name].append(result["requests"] / (result["duration_us"] / 1e6))
        finally:
            task_role.stop()
        per_round = {name: [sum(each) for each in rounds] for name, rounds in each_round.items()}
        details["cpu_rounds_64"] = per_round
        median = statistics.median
        cpu_per_request = median(per_round["gateway"])
        floor_per_request = median(per_round["relays"])
        libs_per_request = median(per_round["libraries"])
        task_role_per_request = median(per_round["task role"])
        # The gateway's per-request CPU by process (translator, shim): the per-chunk rows take each one's away.
        gw_each = [median(r[i] for r in each_round["gateway"]) for i in range(2)]

        def split(name: str, per_request: float) -> str:
            user = per_request * median(user_share[name])
            return f"user {user:.0f} + kernel {per_request - user:.0f} µs"

        def spread(name: str) -> str:
            return f"median of {len(per_round[name])} rounds, {min(per_round[name]):.1f} to {max(per_round[name]):.1f}"

        rows.append(Row("CPU per non-streamed request (64 conn)", cpu_per_request, "µs", 60,
                        note=f"InvokeEndpoint (`upstream_streaming: never`); {split('gateway', cpu_per_request)}; "
                             f"{by_process(gw_each)}; "
                             f"{spread('gateway')}, turn about with the relays "
                             f"({cpu_per_request / floor_per_request:.2f}×), the libraries alone "
                             f"({cpu_per_request / libs_per_request:.2f}×) and the row below"))
        rows.append(Row("CPU per non-streamed request, ECS task-role credentials (64 conn)", task_role_per_request,
                        "µs", note=f"{task_role_per_request / cpu_per_request:.2f}× the row above ({spread('task role')}): "
                                   "a 1,000-character session token in every request's headers, which libcurl 7.88 "
                                   "formats a byte at a time"))
        # Not a bound at 64 connections: each relay pair has a Unix connection per client connection, so every
        # request costs each relay its own reads and writes, where the gateway's one multiplexed connection
        # carries many requests' frames per read and write.
        rows.append(Row("floor: CPU per request, two relays forwarding the same bytes (64 conn)", floor_per_request,
                        "µs", note="bench/floor-relay.c, no work but a Unix connection per client connection "
                                   "(no batching, unlike the gateway's one link): not a bound here; "
                                   f"{spread('relays')}; {median(rates['relays']):,.0f} requests/s"))
        with CPUWindow(floor.single_pid) as cpu:
            fl1 = run_wrk(f"http://127.0.0.1:{floor.single_port}{invoke}", raw, floor_headers(invoke, raw), 64,
                          args.seconds, workdir)
        single_per_request = cpu.seconds * 1e6 / max(fl1["requests"], 1)
        rows.append(Row("floor: CPU per request, one relay (64 conn)", single_per_request, "µs",
                        note="what a one-process design would start from"))
        rows.append(Row("floor: CPU per request, evhttp + libcurl in two processes (64 conn)", libs_per_request, "µs",
                        note=f"bench/floor-libs.c: the design's libraries and one multiplexed link, none of the "
                             f"gateway's work; {split('libraries', libs_per_request)}; {spread('libraries')}; "
                             f"{median(rates['libraries']):,.0f} requests/s"))
        # One request at a time, nothing is batched and every process wakes alone twice per request, with the
        # caches the others left: the cost the latency targets pay on the request's path.
        if cpu_sequential is not None:
            with CPUWindow(*floor.pids) as cpu:
                fl_seq = run_wrk(floor_url + invoke, raw, floor_headers(invoke, raw), 1, args.seconds, workdir)
            floor_sequential = cpu.seconds * 1e6 / max(fl_seq["requests"], 1)
            rows.append(Row("CPU per non-streamed request, 1 conn (one at a time)", cpu_sequential[0], "µs",
                            note=f"{cpu_sequential[1]}; {cpu_sequential[0] / floor_sequential:.1f}× the relays below"))
            rows.append(Row("floor: CPU per request, two relays, 1 conn", floor_sequential, "µs",
                            note=f"p50 {fl_seq['p50_us'] / 1000:.2f} ms through the relays"))
            with CPUWindow(*libs.pids) as cpu:
                libs_seq = run_wrk(libs_url + invoke, raw, floor_headers(invoke, raw), 1, args.seconds, workdir)
            rows.append(Row("floor: CPU per request, evhttp + libcurl, 1 conn",
                            cpu.seconds * 1e6 / max(libs_seq["requests"], 1), "µs",
                            note=f"p50 {libs_seq['p50_us'] / 1000:.2f} ms through bench/floor-libs.c"))

        # The latency targets: 64 connections offering the same load to both (open loop, below saturation).
        # Closed loop, wrk's 64 connections keep both saturated, each at its own rate, and a request's
        # latency there is the queue ahead of it: connections ÷ throughput, whatever one request costs.
        # Taken turn about like CPU per request, in rotating rounds: the gateway, the emulator straight, the
        # relays and the libraries' floor; each added figure is the median over rounds of that round's run minus
        # the same round's direct one, so a minute of this host's drift moves both sides.
        rate = args.open_loop_rate
        direct_headers = signed_headers(emu.port, invoke, raw)
        open_loop = {
            "gateway": lambda: run_wrk(gw_url, body, gw_headers, 64, args.seconds / 2, workdir, rate=rate),
            "direct": lambda: run_wrk(emu.url + invoke, raw, direct_headers, 64, args.seconds / 2, workdir, rate=rate),
            "relays": lambda: run_wrk(floor_url + invoke, raw, floor_headers(invoke, raw), 64, args.seconds / 2,
                                      workdir, rate=rate),
            "libraries": lambda: run_wrk(libs_url + invoke, raw, floor_headers(invoke, raw), 64, args.seconds / 2,
                                         workdir, rate=rate),
        }
        runs: dict[str, list[dict]] = {name: [] for name in open_loop}
        for name in turn_about(list(open_loop), args.rounds):
            result = open_loop[name]()
            if result["errors"]:
                raise RuntimeError(f"errors at {rate}/s offered ({name}): {result}")
            runs[name].append(result)
        details["nonstream_open_loop"] = {"rate": rate} | runs

        def added(name: str, q: str) -> tuple[float, str]:
            """Median added ms over the rounds, and a note: the median latency beside direct's, and the spread."""
            each = [(run[f"{q}_us"] - direct[f"{q}_us"]) / 1000 for run, direct in zip(runs[name], runs["direct"])]
            return median(each), (f"{median(run[f'{q}_us'] for run in runs[name]) / 1000:.2f} vs "
                                  f"{median(run[f'{q}_us'] for run in runs['direct']) / 1000:.2f} ms direct; "
                                  f"median of {len(each)} rounds, {min(each):.2f} to {max(each):.2f}")

        achieved = median(run["requests"] / (run["duration_us"] / 1e6) for run in runs["gateway"])
        gw50, note50 = added("gateway", "p50")
        gw99, note99 = added("gateway", "p99")
        rows.append(Row(f"added latency p50, 64 conn, {rate:,} requests/s offered", gw50, "ms", 0.2,
                        note=f"{note50}; open loop, {achieved:,.0f}/s through the gateway; evhttp + libcurl alone "
                             f"add {added('libraries', 'p50')[0]:.2f} (below)"))
        rows.append(Row(f"added latency p99, 64 conn, {rate:,} requests/s offered", gw99, "ms", 1.0, note=note99))
        for name, label, what in (("relays", "", "two relays"),
                                  ("libraries", "evhttp + libcurl, ", "bench/floor-libs.c")):
            for q in ("p50", "p99"):
                value, note = added(name, q)
                rows.append(Row(f"floor: added latency {q}, {label}64 conn, {rate:,} requests/s offered", value, "ms",
                                note=f"{note}; {what}"))

        # The default route streams a non-streamed request upstream and assembles it: 16 event-stream chunks.
        with CPUWindow(*pids) as cpu:
            default = run_wrk(gw_url, chat_body("[tokens=16]", False), gw_headers, 64, args.seconds, workdir)
        direct = details["nonstream_c64"]["direct"]
        rows.append(Row("CPU per non-streamed request, streamed upstream (64 conn)",
                        cpu.seconds * 1e6 / max(default["requests"], 1), "µs",
                        note="default `upstream_streaming: auto`: 16 chunks decoded and assembled"))
        rows.append(Row("added latency p50, streamed upstream, 64 conn", (default["p50_us"] - direct["p50_us"]) / 1000,
                        "ms", note=f"{default['p50_us'] / 1000:.2f} vs {direct['p50_us'] / 1000:.2f} ms direct "
                                   "InvokeEndpoint"))

        # Streamed, back to back: per-chunk CPU after taking away the per-request share.
        n = args.stream_tokens
        sbody = chat_body(f"[tokens={n}]", True)
        with CPUWindow(*pids) as cpu:
            s = run_wrk(gw_url, sbody, gw_headers, 16, args.seconds, workdir)
        chunks = s["requests"] * n
        per_chunk = max(cpu.seconds * 1e6 - s["requests"] * (cpu_per_request), 0) / max(chunks, 1)
        chunk_each = [max(c * 1e6 - s["requests"] * r, 0) / max(chunks, 1) for c, r in zip(cpu.each, gw_each)]
        rows.append(Row("streamed chunks/s, back to back (16 conn)", chunks / (s["duration_us"] / 1e6), "/s"))
        rows.append(Row("CPU per streamed chunk, back to back", per_chunk, "µs", 4, note=by_process(chunk_each, 1)))
        sraw = chat_body(f"[tokens={n}]", True, model=None)
        with CPUWindow(*floor.pids) as cpu:
            fs = run_wrk(floor_url + stream_invoke, sraw, floor_headers(stream_invoke, sraw), 16, args.seconds, workdir)
        floor_chunk = max(cpu.seconds * 1e6 - fs["requests"] * floor_per_request, 0) / max(fs["requests"] * n, 1)
        rows.append(Row("floor: CPU per streamed chunk, back to back, two relays", floor_chunk, "µs"))

        # Streamed, paced 5 ms apart: each chunk wakes both processes alone.
        # A stream takes a second, so the ones wrk leaves unfinished at the end are a good part of the run:
        # count tokens by the bytes received (whole answers' worth), and every started stream's request.
        def per_paced_chunk(cpu_s: float, run: dict, whole_answer: int, per_request: float) -> float:
            tokens = run["bytes"] / whole_answer * 200
            return max(cpu_s * 1e6 - (run["requests"] + 32) * per_request, 0) / max(tokens, 1)

        pbody = chat_body("[tokens=200][delay_ms=5]", True)
        whole = asyncio.run(response_bytes(gw.port, "/v1/chat/completions", pbody.encode(), gw_headers))
        with CPUWindow(*pids) as cpu:
            p = run_wrk(gw_url, pbody, gw_headers, 32, args.seconds, workdir)
        per_paced = per_paced_chunk(cpu.seconds, p, whole, cpu_per_request)
        paced_each = [per_paced_chunk(c, p, whole, r) for c, r in zip(cpu.each, gw_each)]
        paced_kernel = per_paced_chunk(cpu.seconds - cpu.user_seconds, p, whole, 0)
        praw = chat_body("[tokens=200][delay_ms=5]", True, model=None)
        pheaders = floor_headers(stream_invoke, praw)
        whole = asyncio.run(response_bytes(floor.port, stream_invoke, praw.encode(), pheaders))
        with CPUWindow(*floor.pids) as cpu:
            fp = run_wrk(floor_url + stream_invoke, praw, pheaders, 32, args.seconds, workdir)
        floor_paced = per_paced_chunk(cpu.seconds, fp, whole, floor_per_request)
        rows.append(Row("CPU per streamed chunk, paced 5 ms", per_paced, "µs", 10,
                        note=f"{per_paced / max(floor_paced, 1e-9):.1f}× the floor below; kernel about "
                             f"{paced_kernel:.0f} µs; {by_process(paced_each, 1)}"))
        rows.append(Row("floor: CPU per streamed chunk, paced 5 ms, two relays", floor_paced, "µs",
                        note="each token wakes each relay alone: epoll_wait, read, write"))
        single_url = f"http://127.0.0.1:{floor.single_port}{stream_invoke}"
        whole = asyncio.run(response_bytes(floor.single_port, stream_invoke, praw.encode(), pheaders))
        with CPUWindow(floor.single_pid) as cpu:
            fp1 = run_wrk(single_url, praw, pheaders, 32, args.seconds, workdir)
        rows.append(Row("floor: CPU per streamed chunk, paced 5 ms, one relay",
                        per_paced_chunk(cpu.seconds, fp1, whole, single_per_request), "µs",
                        note="what a one-process design would start from"))

        # Time to first byte, gateway minus direct.
        tbody = chat_body("[tokens=4]", True).encode()
        via_t = asyncio.run(ttfb_samples(gw.port, "/v1/chat/completions", tbody, gw_headers, args.ttfb_samples))
        traw = chat_body("[tokens=4]", True, model=None)
        direct_t = asyncio.run(ttfb_samples(emu.port, stream_invoke, traw.encode(),
                                            signed_headers(emu.port, stream_invoke, traw), args.ttfb_samples))
        added_ttfb = (statistics.median(via_t) - statistics.median(direct_t)) * 1000
        rows.append(Row("added time to first byte, p50", added_ttfb, "ms",
                        note=f"{statistics.median(via_t) * 1000:.2f} vs {statistics.median(direct_t) * 1000:.2f} ms"))

        # Memory: idle, then with many slowly paced streams open.
        rows.append(Row("translator RSS idle", idle["translator"] / 1024, "MiB", 20))
        rows.append(Row("shim RSS idle", idle["shim"] / 1024, "MiB", 20))
        for count in (int(c) for c in args.open_streams.split(",") if c):
            each_before = {name: proc_stats(pid)["rss_kib"] for name, pid in zip(("translator", "shim"), pids)}
            before = sum(each_before.values())
            snapshot = {}

            def sample():
                snapshot.update({name: proc_stats(pid) for name, pid in zip(("translator", "shim"), pids)})

            held, errors = asyncio.run(hold_streams(gw.port, count, sample))
            total = sum(v["rss_kib"] for v in snapshot.values()) if snapshot else None
            per_stream = (total - before) / max(held, 1) if total else None
            details[f"open_{count}"] = {"held": held, "errors": sorted(set(errors))[:5], "error_count": len(errors),
                                        "processes": snapshot}
            split = ", ".join(f"{name} {(snapshot[name]['rss_kib'] - each_before[name]) / max(held, 1):.1f} "
                              f"(RSS {snapshot[name]['rss_kib'] / 1024:.1f} MiB)"
                              for name in ("translator", "shim") if name in snapshot)
            rows.append(Row(f"RSS per open stream at {count:,}", per_stream, "KiB", 40,
                            note=f"{held:,} open, {len(errors):,} failed"
                                 + (f" ({sorted(set(errors))[0]})" if errors else "") + (f"; {split}" if split else "")))
            rows.append(Row(f"streams open without error at {count:,}", held, "", count, at_most=False))
            time.sleep(3)  # let the closes drain before the next figure

        slow = asyncio.run(slow_reader(gw.port, pids))
        rows.append(Row("slow reader: RSS growth over a 100k-token stream", (slow["rss_last_kib"] - slow["rss_first_kib"])
                        / 1024, "MiB", 5, note=f"max {slow['rss_max_kib'] / 1024:.1f} MiB both processes"))

        m = scrapes(metrics_port, pids)
        rows.append(Row("metrics scrape, median", m["median_ms"], "ms",
                        note=f"max {m['max_ms']:.1f} ms, {m['page_bytes']:,} bytes, {m['series']} series, "
                             f"{m['cpu_ms']:.2f} ms CPU per scrape"))

        for name in ("translator", "httpshim"):
            static = ROOT / ".build-static" / "bin" / name
            release = bin_dir() / name
            # A static binary older than the release build measured here would be a stale figure.
            if static.exists() and static.stat().st_mtime < release.stat().st_mtime:
                static = ROOT / ".build-static" / "missing" / name
            path = static if static.exists() else release
            size = path.stat().st_size / 1e6
            judged = name == "translator" and static.exists()
            rows.append(Row(f"{name} binary size ({'static' if static.exists() else 'dynamic release'})", size, "MB",
                            30 if judged else None))
    finally:
        if floor is not None:
            floor.stop()
        if libs is not None:
            libs.stop()
        gw.stop()
        emu.proc.stop()
        cleanup_dir(gw.workdir)
        cleanup_dir(workdir)

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    header = f"Measured on {details['machine']}, commit {commit.strip() or 'unknown'}, {time.strftime('%Y-%m-%d')}."
    text = table(rows)
    print(header)
    print(text)
    if os.environ.get("BENCH_DETAILS"):
        print(json.dumps(details, indent=2))
    if args.write_results:
        write_results(ROOT / "bench" / "RESULTS.md", header + " Figures from one run; compare ratios only.\n\n" + text)


BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"


def write_results(path: Path, table: str) -> None:
    """Replaces the latest table in `path` (between the markers), keeping the history written around it."""
    block = f"{BEGIN}\n{table}\n{END}"
    old = path.read_text() if path.exists() else ""
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = "# `make bench` results\n\n" + block + "\n" + old
    path.parent.mkdir(exist_ok=True)
    path.write_text(new)


if __name__ == "__main__":
    main()
