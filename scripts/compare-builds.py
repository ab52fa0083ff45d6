#!/usr/bin/env python3
"""CPU per non-streamed request of two builds of the gateway, measured in the same run, turn about.

`make bench` measures one build; two `make bench` runs minutes apart on this shared machine differ by more than
most changes do. This script runs both builds at once against one emulator and alternates short wrk runs
between them (A B, then B A, ...), so both see the same load from whatever else the machine runs, and reports
each build's median and the ratio B / A. CPU is read from /proc for each build's translator and shim, as in
`make bench` (the InvokeEndpoint route, `upstream_streaming: never`, like its per-request figure).

  python3 scripts/compare-builds.py OLD_BIN_DIR NEW_BIN_DIR            # 64 connections, 8 rounds of 4 s
  python3 scripts/compare-builds.py A B --connections 1,64 --rounds 10  # also one request at a time
  python3 scripts/compare-builds.py A B --rate 2000                     # open loop: latency at that load

A bin directory holds `translator`, `httpshim` and `sagemaker-emulator` (e.g. `.build-static/bin` after
`make build-static`, or `swift build -c release --show-bin-path`; build the other commit in a git worktree).
The emulator runs from A. Quote the ratio, not the microseconds: they move with the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "Tests" / "integration"))
import bench  # noqa: E402
from gateway_procs import cleanup_dir, make_gateway, start_emulator  # noqa: E402


def start_gateway(bin_dir: Path, emu, workdir: Path):
    # make_gateway finds the executables through GATEWAY_BIN_DIR when it starts them.
    os.environ["GATEWAY_BIN_DIR"] = str(bin_dir)
    models = workdir / f"models-{len(list(workdir.glob('models-*')))}.json"
    models.write_text(json.dumps({"models": [
        {"id": "m-invoke", "endpoint": bench.ENDPOINT, "upstream_streaming": "never"}]}))
    quiet = {"LOG_LEVEL": "warning"}
    return make_gateway(emu, api_keys=bench.KEY, shim_env=quiet,
                        translator_env=quiet | {"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", type=Path, help="bin directory of build A (the reference)")
    ap.add_argument("b", type=Path, help="bin directory of build B")
    ap.add_argument("--connections", default="64")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=4, help="length of each wrk run")
    ap.add_argument("--rate", type=int, help="open loop: requests/s the connections offer (latency below saturation)")
    args = ap.parse_args()
    for d in (args.a, args.b):
        missing = [n for n in ("translator", "httpshim", "sagemaker-emulator") if not (d / n).exists()]
        if missing:
            sys.exit(f"compare-builds: {d} lacks {', '.join(missing)}")

    bench.raise_nofile(65536)
    workdir = Path(tempfile.mkdtemp(prefix="compare-", dir="/tmp"))
    os.environ["GATEWAY_BIN_DIR"] = str(args.a.resolve())
    emu = start_emulator(workdir, "--endpoint", bench.ENDPOINT, "--invoke-timeout", "3600")
    gateways = {}
    try:
        gateways = {name: start_gateway(d.resolve(), emu, workdir) for name, d in (("A", args.a), ("B", args.b))}
        body = bench.chat_body("[tokens=16]", False, model="m-invoke")
        headers = {"Authorization": f"Bearer {bench.KEY}", "Content-Type": "application/json"}
        conns = [int(c) for c in args.connections.split(",")]
        runs: dict[tuple[str, int], list[dict]] = {(n, c): [] for n in gateways for c in conns}
        for r in range(args.rounds):
            for c in conns:
                for name in ("A", "B") if r % 2 == 0 else ("B", "A"):
                    gw = gateways[name]
                    with bench.CPUWindow(gw.translator.proc.pid, gw.shim.proc.pid) as cpu:
                        out = bench.run_wrk(f"http://127.0.0.1:{gw.port}/v1/chat/completions", body, headers, c,
                                            args.seconds, workdir, rate=args.rate)
                    if out["errors"] > out["requests"] // 100:
                        raise RuntimeError(f"build {name}: {out['errors']} errors in {out['requests']} requests")
                    n = max(out["requests"], 1)
                    runs[(name, c)].append({"cpu": cpu.seconds * 1e6 / n, "user": cpu.user_seconds * 1e6 / n,
                                            "p50": out["p50_us"] / 1000, "p99": out["p99_us"] / 1000})
                    print(f"round {r + 1}/{args.rounds}, {c} conn, {name}: {runs[(name, c)][-1]['cpu']:.1f} µs "
                          f"per request", file=sys.stderr, flush=True)
    finally:
        for gw in gateways.values():
            for proc in (gw.shim, gw.translator):
                proc.stop(sig=signal.SIGTERM, timeout=10)
        emu.proc.stop()
        cleanup_dir(workdir)

    load = f"{args.rate:,} requests/s offered" if args.rate else "closed loop"
    print(f"{bench.machine()}; {args.rounds} rounds of {args.seconds:g} s each, turn about, {load}")
    print("| connections | figure | A median (min) | B median (min) | B / A |")
    print("|---|---|---|---|---|")
    for c in conns:
        for key, label, unit in (("cpu", "CPU per request", "µs"), ("user", "of which user", "µs"),
                                 ("p50", "latency p50", "ms"), ("p99", "latency p99", "ms")):
            a = [x[key] for x in runs[("A", c)]]
            b = [x[key] for x in runs[("B", c)]]
            print(f"| {c} | {label} | {cell(a, unit)} | {cell(b, unit)} | "
                  f"{statistics.median(b) / statistics.median(a):.3f} |")


def cell(values: list[float], unit: str) -> str:
    fmt = "{:.1f}" if unit == "µs" else "{:.2f}"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}) {unit}"


if __name__ == "__main__":
    main()
