#!/usr/bin/env python3
"""Throughput and memory of the gateway on loopback (release build), against the SageMaker emulator.

Scenarios:
  streams   100 concurrent streamed chat completions of 200 tokens each
  requests  non-streamed completions back to back from 32 connections for a fixed time
  slow      one client reading a 100k-token stream slowly: the processes' memory must stay flat
            (backpressure pauses the SageMaker transfer instead of buffering)
  metrics   the cost of metrics: 50 scrapes of METRICS_PORT after the traffic above (latency, page size,
            CPU both processes spend per scrape). Per request the counters cost a few dictionary updates
            when the request ends and an integer increment per token, always on, so they are inside the
            figures of the scenarios above.

Prints peak RSS (VmHWM) and CPU seconds of each process. The machine is shared and noisy:
compare figures as ratios, and note the machine when quoting them.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "integration"))
from gateway_procs import cleanup_dir, free_port, make_gateway, start_emulator  # noqa: E402

KEY = "sk-bench"


def proc_stats(pid: int) -> dict:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return {
        "rss_mib": int(fields["VmRSS"].split()[0]) / 1024,
        "peak_rss_mib": int(fields["VmHWM"].split()[0]) / 1024,
        "cpu_s": (int(stat[11]) + int(stat[12])) / ticks,
    }


async def http_post(port: int, body: dict, on_chunk=None) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = json.dumps(body).encode()
    writer.write(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {KEY}\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
        + payload
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    chunked = b"transfer-encoding: chunked" in head.lower()
    data = bytearray()
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:
                break
            chunk = await reader.readexactly(size + 2)
            if on_chunk:
                await on_chunk(chunk)
            data += chunk[:-2]
    else:
        data += await reader.read()
    writer.close()
    return status, bytes(data)


async def streams(port: int, n: int, tokens: int) -> dict:
    async def one(i):
        status, data = await http_post(port, {
            "model": "m", "stream": True, "messages": [{"role": "user", "content": f"[tokens={tokens}][delay_ms=5]"}]})
        text = "".join(
            json.loads(line[6:])["choices"][0]["delta"].get("content", "")
            for line in data.decode().split("\n")
            if line.startswith("data: {") and json.loads(line[6:])["choices"]
        )
        return status == 200 and text == " ".join(f"t{k}" for k in range(1, tokens + 1))

    start = time.monotonic()
    ok = await asyncio.gather(*(one(i) for i in range(n)))
    elapsed = time.monotonic() - start
    return {"streams": n, "complete": sum(ok), "seconds": round(elapsed, 2),
            "tokens_per_s": round(n * tokens / elapsed)}


async def requests(port: int, seconds: float, conns: int) -> dict:
    done = 0
    failed = 0
    deadline = time.monotonic() + seconds

    async def worker():
        nonlocal done, failed
        while time.monotonic() < deadline:
            status, _ = await http_post(port, {"model": "m", "messages": [{"role": "user", "content": "[tokens=16]"}]})
            if status == 200:
                done += 1
            else:
                failed += 1

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(conns)))
    return {"requests": done, "failed": failed, "per_s": round(done / (time.monotonic() - start), 1)}


async def slow_reader(port: int, gw) -> dict:
    samples = []
    received = 0

    async def on_chunk(chunk):
        nonlocal received
        received += len(chunk)
        if received // 65536 != (received - len(chunk)) // 65536:
            samples.append((proc_stats(gw.translator.proc.pid)["rss_mib"], proc_stats(gw.shim.proc.pid)["rss_mib"]))
            await asyncio.sleep(0.05)

    status, _ = await http_post(port, {"model": "m", "stream": True,
                                        "messages": [{"role": "user", "content": "[tokens=100000]"}]}, on_chunk)
    return {"status": status, "bytes": received,
            "translator_rss_mib_first_last": [round(samples[0][0], 1), round(samples[-1][0], 1)],
            "shim_rss_mib_first_last": [round(samples[0][1], 1), round(samples[-1][1], 1)]}


def scrapes(port: int, gw, n: int = 50) -> dict:
    import urllib.request

    pids = (gw.translator.proc.pid, gw.shim.proc.pid)
    cpu_before = sum(proc_stats(pid)["cpu_s"] for pid in pids)
    times, size, series = [], 0, 0
    for _ in range(n):
        start = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            page = r.read()
        times.append(time.monotonic() - start)
        size = len(page)
        series = sum(1 for line in page.splitlines() if line and not line.startswith(b"#"))
    cpu = sum(proc_stats(pid)["cpu_s"] for pid in pids) - cpu_before
    times.sort()
    return {"scrapes": n, "median_ms": round(times[n // 2] * 1000, 2), "max_ms": round(times[-1] * 1000, 2),
            "page_bytes": size, "series": series, "cpu_ms_per_scrape_both_processes": round(cpu * 1000 / n, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=100)
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    emu = start_emulator(workdir, "--endpoint", "demo-endpoint")
    metrics_port = free_port()
    gw = make_gateway(emu, api_keys=KEY, translator_env={"LOG_LEVEL": "warning"},
                      shim_env={"LOG_LEVEL": "warning", "METRICS_PORT": str(metrics_port), "METRICS_HOST": "127.0.0.1"})
    try:
        results = {"machine": f"{os.cpu_count()} cores, {os.uname().machine}"}
        results["idle"] = {"translator": proc_stats(gw.translator.proc.pid), "shim": proc_stats(gw.shim.proc.pid)}
        results["streams"] = asyncio.run(streams(gw.port, args.streams, args.tokens))
        results["after_streams"] = {"translator": proc_stats(gw.translator.proc.pid), "shim": proc_stats(gw.shim.proc.pid),
                                    "emulator": proc_stats(emu.proc.proc.pid)}
        results["requests"] = asyncio.run(requests(gw.port, args.seconds, args.connections))
        results["after_requests"] = {"translator": proc_stats(gw.translator.proc.pid), "shim": proc_stats(gw.shim.proc.pid),
                                     "emulator": proc_stats(emu.proc.proc.pid)}
        results["slow_reader"] = asyncio.run(slow_reader(gw.port, gw))
        results["metrics"] = scrapes(metrics_port, gw)
        print(json.dumps(results, indent=2))
    finally:
        gw.stop()
        emu.proc.stop()
        cleanup_dir(gw.workdir)


if __name__ == "__main__":
    main()
