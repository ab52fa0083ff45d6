#!/usr/bin/env python3
"""Instructions per request and per streamed chunk for each gateway process, counted by callgrind (or, with
--syscalls, system calls counted by strace).

Seconds on this shared 2-core machine move with whatever else runs; valgrind's instruction counts do not
(the same binary, inputs and environment give the same total). So a profile-guided change is judged here:
the translator and the shim run under `valgrind --tool=callgrind` against the emulator, a client sends the
same requests one after another twice (a short and a long run), and the difference divided by the extra
requests is the cost of one request, startup and warm-up cancelled out. A streamed chunk's cost is the same
difference once more: streamed requests of two lengths, the longer one's extra cost over its extra tokens, so
the request each stream is part of (signing, headers, the reply's head) is not spread over its tokens.

  python3 scripts/callgrind.py                 # non-streamed requests; streams of 50 and 100 tokens, a chunk
  python3 scripts/callgrind.py --keep DIR      # keep the callgrind.out files for callgrind_annotate
  python3 scripts/callgrind.py --paced         # also tokens arriving alone, 2 ms apart
  python3 scripts/callgrind.py --syscalls      # system calls per request and chunk instead, by name (strace)
  python3 scripts/callgrind.py --session-token 1000  # signed with temporary credentials, as on ECS
  python3 scripts/callgrind.py --libraries-floor     # also bench/floor-libs.c's InvokeEndpoint request: what
                                                     # evhttp and libcurl cost with none of our work

Needs the release build (GATEWAY_BIN_DIR, or `swift build -c release --show-bin-path`) and valgrind (strace for
--syscalls).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "integration"))
import gateway_procs  # noqa: E402

KEY = "sk-callgrind"
PROCESSES = ("translator", "httpshim")
FLOOR_PROCESSES = ("back", "front")  # bench/floor-libs.c: libcurl's side, evhttp's side


def wrapped_bin_dir(real: Path, out: Path, syscalls: bool) -> Path:
    """A bin directory where translator and httpshim start under callgrind (or strace); the emulator runs bare.

    valgrind 3.19 cannot read the DWARF 5 that Swift 6.3 emits ("possibly corrupted debuginfo"), so the
    profiled copies lose their debug sections; symbols stay, and callgrind counts per function."""
    d = out / "bin"
    d.mkdir()
    (d / "sagemaker-emulator").symlink_to(real / "sagemaker-emulator")
    for name in PROCESSES:
        script = d / name
        if syscalls:
            # -D: the tracer runs apart, so the SIGTERM that stops the gateway reaches the gateway itself (strace
            # would take it and detach). -f: libcurl's resolver may run in a thread. -c counts calls by name.
            script.write_text(f"#!/bin/sh\nexec strace -D -f -qq -c -o {out}/{name}.$$.out {real / name} \"$@\"\n")
        else:
            stripped = out / f"{name}.nodebug"
            subprocess.run(["objcopy", "--strip-debug", str(real / name), str(stripped)], check=True)
            script.write_text(
                "#!/bin/sh\nexec valgrind --tool=callgrind --quiet "
                f"--callgrind-out-file={out}/{name}.%p.out {stripped} \"$@\"\n")
        script.chmod(0o755)
    return d


def send(port: int, body: dict, n: int) -> None:
    post(port, "/v1/chat/completions", json.dumps(body), {"Authorization": f"Bearer {KEY}",
                                                          "Content-Type": "application/json"}, n)


def post(port: int, path: str, payload: str, headers: dict[str, str], n: int) -> None:
    """`n` POSTs one after another on one connection, each of which must answer 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(n):
        conn.request("POST", path, payload, headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {data[:200]!r}")
    conn.close()


def total_instructions(path: Path) -> int:
    for line in path.read_text().splitlines():
        m = re.match(r"(?:summary|totals): (\d+)", line)
        if m:
            return int(m.group(1))
    raise RuntimeError(f"no totals in {path}")


def syscall_counts(path: Path) -> dict[str, int]:
    """`strace -c`'s table: calls per system call name."""
    counts = {}
    for line in path.read_text().splitlines():
        fields = line.split()
        # % time, seconds, usecs/call, calls, [errors,] syscall
        if len(fields) >= 5 and fields[3].isdigit() and fields[-1] != "total":
            counts[fields[-1]] = int(fields[3])
    return counts


def read_counts(out: Path, files: dict[str, str], n: int, keep: Path | None, syscalls: bool) -> dict:
    """Each process's count from its output file in `out` (`files`: process name to glob pattern), kept in `keep`
    as N-FILE when asked."""
    if syscalls:
        # The detached tracer writes its summary once its tracee has gone.
        gateway_procs.wait_for(lambda: all(any("total" in f.read_text() for f in out.glob(pattern))
                                           for pattern in files.values()))
    read = syscall_counts if syscalls else total_instructions
    counts = {name: read(next(out.glob(pattern))) for name, pattern in files.items()}
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        for pattern in files.values():
            for f in out.glob(pattern):
                shutil.copy(f, keep / f"{n}-{f.name}")
    return counts


def one_run(real: Path, body: dict, n: int, keep: Path | None, syscalls: bool = False,
            session_token: int | None = None) -> dict:
    # Under valgrind on a busy machine the translator can take longer than the tests' 15 s to open its socket.
    gateway_procs.wait_for.__defaults__ = (120.0, 0.05, "condition")
    out = Path(tempfile.mkdtemp(prefix="cg-", dir="/tmp"))
    os.environ["GATEWAY_BIN_DIR"] = str(wrapped_bin_dir(real, out, syscalls))
    token_flags = ["--session-token-length", str(session_token)] if session_token else []
    emu = gateway_procs.start_emulator(out, "--endpoint", "demo-endpoint", *token_flags)
    quiet = {"LOG_LEVEL": "warning", "TRANSLATOR_ACK_TIMEOUT_SECONDS": "60"}
    # "m" is the default route; "m-invoke" calls InvokeEndpoint (like make bench's per-request figure).
    models = out / "models.json"
    models.write_text(json.dumps({"models": [
        {"id": "m", "endpoint": "demo-endpoint"},
        {"id": "m-invoke", "endpoint": "demo-endpoint", "upstream_streaming": "never"},
    ]}))
    routes = {"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)}
    # Temporary credentials from the emulator's ECS-style endpoint, as an ECS task role gives production.
    temporary = gateway_procs.task_role_env(emu) if session_token else {}
    gw = gateway_procs.make_gateway(emu, api_keys=KEY, translator_env=quiet | routes | temporary, shim_env=quiet)
    try:
        send(gw.port, body, n)
    finally:
        for proc in (gw.shim, gw.translator):
            proc.stop(sig=signal.SIGTERM, timeout=120)
        emu.proc.stop()
    counts = read_counts(out, {name: f"{name}.*.out" for name in PROCESSES}, n, keep, syscalls)
    gateway_procs.cleanup_dir(gw.workdir)
    gateway_procs.cleanup_dir(out)
    return counts


def floor_run(real: Path, body: str, n: int, keep: Path | None, syscalls: bool) -> dict:
    """bench/floor-libs.c's two processes under callgrind (or strace), `n` signed InvokeEndpoint requests one
    after another on one connection, as the gateway's runs send theirs."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench  # the signed headers (botocore's) and the floor's build

    out = Path(tempfile.mkdtemp(prefix="cgf-", dir="/tmp"))
    binary = bench.build_floor(out, "floor-libs", "-levent", "-lcurl")
    os.environ["GATEWAY_BIN_DIR"] = str(real)  # the emulator, bare (one_run pointed it at its wrappers)
    emu = gateway_procs.start_emulator(out, "--endpoint", "demo-endpoint")

    def start(name: str, *args: str) -> subprocess.Popen:
        # strace -D: the tracer runs apart, so this pid is floor-libs itself (its port, its SIGTERM).
        tool = (["strace", "-D", "-f", "-qq", "-c", "-o", f"{out}/floor-{name}.out"] if syscalls
                else ["valgrind", "--tool=callgrind", "--quiet", f"--callgrind-out-file={out}/floor-{name}.out"])
        proc = subprocess.Popen([*tool, str(binary), *args], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"floor-libs {name} did not start")
        return proc

    link = f"unix:{out / 'link.sock'}"
    back = start("back", "back", link, f"http://127.0.0.1:{emu.port}")
    front = start("front", "front", link)
    try:
        (port,) = gateway_procs.listening_ports(front.pid)
        path = "/endpoints/demo-endpoint/invocations"
        headers = bench.signed_headers(emu.port, path, body) | {"Host": f"127.0.0.1:{emu.port}"}
        post(port, path, body, headers, n)
    finally:
        front.terminate()  # the back exits when the link closes
        front.wait(timeout=120)
        back.wait(timeout=120)
        emu.proc.stop()
    counts = read_counts(out, {name: f"floor-{name}.out" for name in FLOOR_PROCESSES}, n, keep, syscalls)
    gateway_procs.cleanup_dir(out)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", type=int, default=20)
    ap.add_argument("--long", type=int, default=120)
    ap.add_argument("--tokens", type=int, default=100, help="the longer stream's tokens (the shorter: half)")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--paced", action="store_true", help="also a paced stream (tokens 2 ms apart)")
    ap.add_argument("--syscalls", action="store_true", help="count system calls by name (strace), not instructions")
    ap.add_argument("--session-token", type=int, metavar="CHARS",
                    help="sign with temporary credentials from the emulator's ECS-style endpoint, whose session token "
                         "has CHARS characters (an ECS task role's run to about a thousand); default: static keys")
    ap.add_argument("--libraries-floor", action="store_true",
                    help="also bench/floor-libs.c (evhttp + libcurl in two processes, none of the gateway's work) "
                         "sending the InvokeEndpoint request's signed equivalent")
    args = ap.parse_args()
    tool = "strace" if args.syscalls else "valgrind"
    if shutil.which(tool) is None:
        sys.exit(f"callgrind.py: {tool} is missing (apt-get install -y {tool})")
    real = Path(os.environ.get("GATEWAY_BIN_DIR") or subprocess.run(
        ["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True,
        check=True).stdout.strip())
    scenarios = {
        "non-streamed request ([tokens=16])": {"model": "m", "messages": [
            {"role": "user", "content": "[tokens=16]"}]},
        "InvokeEndpoint request ([tokens=16])": {"model": "m-invoke", "messages": [
            {"role": "user", "content": "[tokens=16]"}]},
    }
    # A chunk's figure: (label, fewer tokens, more tokens, delay between tokens in ms), two streams' difference.
    few = max(1, args.tokens // 2)
    chunk_pairs = [(f"streamed chunk (back to back, {few} vs {args.tokens} tokens)", few, args.tokens, None)]
    if args.paced:
        # Each token alone (2 ms apart): what one wake-up of each process costs, as in make bench's paced row.
        chunk_pairs.append(("paced chunk (2 ms apart, 10 vs 30 tokens)", 10, 30, 2))
    for _, *lengths, delay_ms in chunk_pairs:
        for tokens in lengths:
            scenarios[stream_name(tokens, delay_ms)] = {"model": "m", "stream": True, "messages": [
                {"role": "user", "content": stream_content(tokens, delay_ms)}]}
    extra = args.long - args.short
    what = "system calls" if args.syscalls else "instructions"
    print(f"{what} per request, (run of {args.long} − run of {args.short}) / {extra} requests; "
          f"per chunk, (longer stream − shorter stream) / extra tokens")
    show = print_syscalls if args.syscalls else print_instructions
    per_request: dict[str, dict] = {}
    for name, body in scenarios.items():
        short = one_run(real, body, args.short, args.keep, args.syscalls, args.session_token)
        long = one_run(real, body, args.long, args.keep, args.syscalls, args.session_token)
        per_request[name] = difference(long, short, extra)
        show(name, per_request[name])
    for label, fewer, more, delay_ms in chunk_pairs:
        show(label, difference(per_request[stream_name(more, delay_ms)], per_request[stream_name(fewer, delay_ms)],
                               more - fewer))
    if args.libraries_floor:
        # The InvokeEndpoint row's request as the container receives it (single-endpoint mode sends no model).
        raw = json.dumps({"messages": [{"role": "user", "content": "[tokens=16]"}]})
        short = floor_run(real, raw, args.short, args.keep, args.syscalls)
        long = floor_run(real, raw, args.long, args.keep, args.syscalls)
        show("libraries' floor, bench/floor-libs.c", difference(long, short, extra), FLOOR_PROCESSES)


def stream_content(tokens: int, delay_ms: int | None) -> str:
    return f"[tokens={tokens}]" + (f"[delay_ms={delay_ms}]" if delay_ms else "")


def stream_name(tokens: int, delay_ms: int | None) -> str:
    return f"streamed request ({stream_content(tokens, delay_ms)})"


def difference(more, fewer, units: int):
    """(more − fewer) / units, key by key through nested counts (per process, and per system call name)."""
    if isinstance(more, dict):
        return {k: difference(more.get(k, 0), fewer.get(k, 0), units) for k in set(more) | set(fewer)}
    return (more - fewer) / units


def print_instructions(name: str, per: dict[str, float], processes: tuple[str, str] = PROCESSES) -> None:
    first, second = processes
    print(f"{name:48s} {first} {per[first]:>10,.0f}   {second} {per[second]:>10,.0f}   "
          f"both {per[first] + per[second]:>10,.0f}")


def print_syscalls(name: str, calls: dict[str, dict[str, float]], processes: tuple[str, str] = PROCESSES) -> None:
    print(name)
    for proc in processes:
        shown = ", ".join(f"{c} {v:.2f}" for c, v in sorted(calls[proc].items(), key=lambda kv: -kv[1]) if v >= 0.01)
        print(f"  {proc:10s} {sum(calls[proc].values()):6.2f}: {shown}")


if __name__ == "__main__":
    main()
