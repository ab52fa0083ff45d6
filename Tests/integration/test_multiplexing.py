"""Issue 9, protocol version 2: the shim carries every exchange over one Unix-socket connection to the
translator (stream ids, an explicit cancel frame, per-stream pause and resume). Checked from outside: the
descriptors each process holds, a slow client that holds up nobody else, and nothing lost either way."""
from __future__ import annotations

import json
import os
import socket
import threading
import time

import openai
import pytest

from gateway_procs import cleanup_dir, make_gateway, module_emulator, read_frame

KEY = "sk-mux"


emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture
def gateway(emulator):
    gw = make_gateway(emulator, api_keys=KEY)
    yield gw
    gw.stop()
    cleanup_dir(gw.workdir)


def client(gw, timeout=30):
    return openai.OpenAI(base_url=gw.base_url, api_key=KEY, max_retries=0, timeout=timeout)


def unix_socket_fds(pid: int) -> int:
    """Descriptors of `pid` that are Unix-domain sockets (TCP ones to SageMaker or clients are not counted)."""
    with open("/proc/net/unix") as f:
        unix_inodes = {line.split()[6] for line in f.readlines()[1:] if len(line.split()) > 6}
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in unix_inodes:
            count += 1
    return count


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_concurrent_streams_share_one_connection(gateway):
    """40 streams at once add no Unix socket to either process (the connection the warm-up request opened carries
    them all), where protocol version 1 needed 40 of each; and every stream still gets its whole answer."""
    client(gateway).chat.completions.create(model="m", messages=[{"role": "user", "content": "warm"}])
    shim_pid, translator_pid = gateway.shim.proc.pid, gateway.translator.proc.pid
    idle = (unix_socket_fds(shim_pid), unix_socket_fds(translator_pid))
    results: dict[int, str] = {}
    counts: list[tuple[int, int]] = []
    started = threading.Barrier(41)

    def one(i: int) -> None:
        stream = client(gateway).chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": f"[tokens={20 + i}] [delay_ms=40] s{i}"}])
        started.wait(timeout=30)
        results[i] = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    started.wait(timeout=30)
    for _ in range(5):
        counts.append((unix_socket_fds(shim_pid), unix_socket_fds(translator_pid)))
        time.sleep(0.1)
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 40
    for i, text in results.items():
        assert text == " ".join(f"t{n}" for n in range(1, 21 + i)), text
    assert set(counts) == {idle}, f"idle {idle}, under load {counts}"


def test_a_slow_client_holds_up_no_other_stream_and_loses_nothing(gateway):
    """A client that stops reading a long stream: its stream pauses (memory stays flat), other requests on the
    same translator connection are answered at once, and the slow stream, read at last, is complete."""
    prompt = "[tokens=60000] slow"
    whole = client(gateway, timeout=120).chat.completions.create(
        model="m", messages=[{"role": "user", "content": prompt}]).choices[0].message.content
    pids = (gateway.shim.proc.pid, gateway.translator.proc.pid)
    before = sum(rss_kib(p) for p in pids)

    slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", gateway.port))
    body = json.dumps({"model": "m", "stream": True, "messages": [{"role": "user", "content": prompt}]}).encode()
    slow.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY.encode()
                 + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
                 + body)
    received = slow.recv(4096)
    assert received.startswith(b"HTTP/1.1 200")
    time.sleep(2)  # the stream fills every buffer on its way and pauses

    # Held up behind the paused stream, a request would wait for the slow client forever. Not held up, it still
    # shares the translator's CPU with the stream filling the buffers on its way: under AddressSanitizer on a
    # loaded 2-core machine that took 7 s once, so the bound there is looser.
    bound = 15 if "ASAN_OPTIONS" in os.environ else 5
    for i in range(5):
        started = time.monotonic()
        answer = client(gateway, timeout=2 * bound).chat.completions.create(
            model="m", messages=[{"role": "user", "content": f"[tokens=3] quick {i}"}])
        assert answer.choices[0].message.content == "t1 t2 t3"
        assert time.monotonic() - started < bound
    stream = client(gateway, timeout=10).chat.completions.create(
        model="m", stream=True, messages=[{"role": "user", "content": "[tokens=3] quick stream"}])
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == "t1 t2 t3"
    paused = sum(rss_kib(p) for p in pids)
    # The answer is about 9 MB of SSE; paused, the gateway holds a few hundred KiB of it at most. Not under
    # AddressSanitizer (`make sanitize`): it keeps freed memory in quarantine (up to 256 MiB), so RSS follows
    # what was allocated, not what is held.
    if "ASAN_OPTIONS" not in os.environ:
        assert paused - before < 6 * 1024, f"RSS grew {paused - before} KiB while the client was not reading"

    slow.settimeout(30)
    chunks = [received]
    while True:
        data = slow.recv(1 << 16)
        if not data:
            break
        chunks.append(data)
        if b"data: [DONE]" in data[-64:]:
            break
    slow.close()
    raw = b"".join(chunks)
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert b"chunked" in head.lower()
    text = []
    for line in dechunk(payload).split(b"\n"):
        if line.startswith(b"data: {"):
            event = json.loads(line[6:])
            assert "error" not in event
            text.extend(c["delta"].get("content") or "" for c in event["choices"])
    assert "".join(text) == whole


def dechunk(body: bytes) -> bytes:
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return bytes(out)


def test_a_client_that_leaves_cancels_only_its_own_stream(gateway, emulator):
    """The cancel frame: one client leaving mid-stream ends that SageMaker call; a stream beside it on the same
    connection runs on to its end."""
    keep = client(gateway).chat.completions.create(
        model="m", stream=True, messages=[{"role": "user", "content": "[tokens=40] [delay_ms=50] stays"}])
    kept = iter(keep)
    next(kept)
    leaving = client(gateway).chat.completions.create(
        model="m", stream=True, messages=[{"role": "user", "content": "[tokens=200] [delay_ms=50] leaves"}])
    next(iter(leaving))
    leaving.response.close()
    deadline = time.monotonic() + 10
    while "cancelling the SageMaker transfer" not in gateway.translator.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "cancelling the SageMaker transfer" in gateway.translator.log()
    rest = "".join(c.choices[0].delta.content or "" for c in kept if c.choices)
    assert rest.endswith(" t40")


def test_a_translator_restart_fails_open_streams_and_the_next_request_reconnects(gateway):
    streams = [
        client(gateway).chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": f"[tokens=100] [delay_ms=50] r{i}"}])
        for i in range(3)
    ]
    iterators = [iter(s) for s in streams]
    for it in iterators:
        next(it)
    gateway.translator.stop(timeout=1, sig=9)
    for it in iterators:
        with pytest.raises(openai.APIError) as e:
            for _ in it:
                pass
        assert "translator" in str(e.value).lower()
    with pytest.raises(openai.APIStatusError) as e:
        client(gateway).chat.completions.create(model="m", messages=[{"role": "user", "content": "down"}])
    assert e.value.status_code == 503
    gateway.socket_path.unlink(missing_ok=True)
    gateway.start_translator()
    answer = client(gateway).chat.completions.create(model="m", messages=[{"role": "user", "content": "back"}])
    assert answer.choices[0].message.content.endswith("back")


def test_the_first_frame_on_a_stream_is_its_acknowledgement(emulator, tmp_path):
    """An answer that comes at once acknowledges its request (no heartbeat frame of its own per request); one
    that takes longer is acknowledged with a heartbeat on its stream within the 50 ms acknowledgement delay,
    long before the answer, so the shim's `TRANSLATOR_ACK_TIMEOUT_SECONDS` still tells a hung translator."""
    import struct

    def frame(stream: int, payload: dict) -> bytes:
        body = json.dumps(payload).encode()
        return struct.pack(">IBBI", len(body) + 6, 2, 1, stream) + body

    def next_on(sock, stream):
        while True:
            kind, s, payload = read_frame(sock)
            if s == stream:
                return kind, payload

    # InvokeEndpoint: SageMaker says nothing, not even its status, until the whole answer is ready.
    models = tmp_path / "models.json"
    models.write_text(json.dumps({"models": [{"id": "m", "endpoint": "demo-endpoint", "upstream_streaming": "never"}]}))
    gateway = make_gateway(emulator, api_keys=KEY,
                           translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(str(gateway.socket_path))
    try:
        for stream in (1, 2, 3):
            sock.sendall(frame(stream, {"id": f"req_h{stream}", "op": "health"}))
            kind, payload = next_on(sock, stream)
            assert kind == 7 and json.loads(payload)["ready"] is True  # the answer, no heartbeat before it

        # Two tokens 400 ms apart, assembled into one answer: nothing to say for 400 ms.
        chat = {"id": "req_slow", "key": KEY, "op": "chat", "model": "m",
                "messages": [{"role": "user", "content": "[tokens=2][delay_ms=400]"}], "stream": False,
                "include_usage": False, "parameters": {}}
        sent = time.monotonic()
        sock.sendall(frame(4, chat))
        kind, _ = next_on(sock, 4)
        acknowledged = time.monotonic() - sent
        assert kind == 9 and acknowledged < 0.35, acknowledged
        kinds = []
        while not kinds or kinds[-1] not in (4, 5):  # error or end
            kinds.append(next_on(sock, 4)[0])
        assert kinds[0] == 2 and kinds[-1] == 5 and 9 not in kinds, kinds  # accepted, events, end
        # The answer came long after the acknowledgement. Not ">= 0.4": the emulator times its 400 ms from its loop's
        # cached clock, which can read a little before the request arrived (399.5 ms was seen in CI).
        answered = time.monotonic() - sent
        assert answered >= acknowledged + 0.25, (acknowledged, answered)
    finally:
        sock.close()
        gateway.stop()
        cleanup_dir(gateway.workdir)
