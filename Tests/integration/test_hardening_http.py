"""Hostile HTTP clients against the real httpshim (issue 10, items 1 and 2): request heads bounded in
size and time, idle keep-alive connections closed, descriptor exhaustion and the connection cap
without spinning or flooding the log. Loopback only."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import time
import weakref
from pathlib import Path

import openai
import pytest

import openai_conformance
from gateway_procs import bin_dir, make_gateway, module_emulator, read_frame, wait_for, wait_for_listener

KEY = "sk-test-key"


emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture
def gateway(emulator, request):
    shim_env = getattr(request, "param", None) or {}
    gw = make_gateway(emulator, shim_env=shim_env)
    yield gw
    gw.stop()


# Keyed by the socket object itself: a file descriptor number is reused as soon as a socket closes.
_leftover: "weakref.WeakKeyDictionary[socket.socket, bytes]" = weakref.WeakKeyDictionary()


def read_response(sock: socket.socket, timeout=10.0) -> tuple[int, dict[str, str], bytes]:
    """Reads one HTTP/1.1 response with a Content-Length body; returns status, headers, body. Bytes past
    it (a pipelined answer) are kept for the next call on the same socket."""
    sock.settimeout(timeout)
    data = _leftover.pop(sock, b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response head: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside the body"
        rest += chunk
    if len(rest) > length:
        _leftover[sock] = rest[length:]
    # No client library read this answer: check it against OpenAI's spec here (errors must be OpenAI error objects).
    openai_conformance.check_raw_response(status, headers, rest[:length])
    return status, headers, rest[:length]


def assert_closed(sock: socket.socket, timeout=10.0) -> None:
    """The server closed the connection: EOF (or a reset) and no further bytes."""
    sock.settimeout(timeout)
    try:
        extra = sock.recv(65536)
    except ConnectionResetError:
        return
    assert extra == b"", f"unexpected bytes after the answer: {extra[:200]!r}"


def connect(gw) -> socket.socket:
    return socket.create_connection(("127.0.0.1", gw.port), timeout=10)


def ping_ok(gw) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        conn.request("GET", "/ping")
        return conn.getresponse().status == 200
    finally:
        conn.close()


def assert_openai_error(body: bytes, status_word: str) -> dict:
    error = json.loads(body)["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error"
    assert status_word in error["message"]
    return error


def test_oversized_headers_get_a_json_431_and_the_connection_closes(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (100 << 10) + b"\r\n\r\n")
    status, headers, body = read_response(sock)
    assert status == 431
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert_openai_error(body, "65536 bytes")
    assert_closed(sock)
    assert ping_ok(gateway)


def test_many_header_lines_count_toward_the_limit(gateway):
    sock = connect(gateway)
    lines = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(1000))
    sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n" + lines + b"\r\n")
    status, _, body = read_response(sock)
    assert status == 431
    assert_openai_error(body, "too large")
    assert_closed(sock)


def test_an_endless_header_line_is_cut_off_and_the_shim_stays_responsive(gateway):
    """The probe's attack: a header line that never ends. The shim answers 431 after the limit and closes,
    instead of buffering and re-scanning megabytes; /ping keeps answering meanwhile."""
    sock = connect(gateway)
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Endless: ")
    sent = 0
    chunk = b"z" * 65536
    closed_after = None
    for _ in range(32 << 20 // len(chunk)):
        try:
            sock.sendall(chunk)
            sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            closed_after = sent
            break
    # Either the server's close stopped us, or everything fit in socket buffers: the answer is there.
    try:
        status, _, body = read_response(sock)
        assert status == 431
        assert_openai_error(body, "too large")
    except (ConnectionResetError, AssertionError) as e:
        # A reset may discard the answer before we read it; then sending must have failed early.
        assert closed_after is not None and closed_after < (16 << 20), f"no 431 and no early close: {e}"
    if closed_after is not None:
        assert closed_after < (16 << 20)
    assert ping_ok(gateway)


def test_headers_under_the_limit_and_keep_alive_requests_still_work(gateway):
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    conn.request("GET", "/ping", headers={"X-Large": "b" * (32 << 10)})
    r = conn.getresponse()
    assert r.status == 200 and json.loads(r.read()) == {"status": "ok"}
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "again"}]})
    for i in range(5):
        # The same connection: a POST with a body, then a GET, over and over.
        conn.request("POST", "/v1/chat/completions", body=body,
                     headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
        r = conn.getresponse()
        assert r.status == 200, r.read()
        assert "again" in json.loads(r.read())["choices"][0]["message"]["content"]
        conn.request("GET", "/ping")
        r = conn.getresponse()
        assert r.status == 200
        r.read()
    conn.close()


def test_pipelined_requests_are_answered_in_order(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
    first = read_response(sock)
    second = read_response(sock)
    assert first[0] == 200
    assert second[0] == 404


def test_bare_lf_line_endings_are_accepted(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /ping HTTP/1.1\nHost: x\n\n")
    status, _, body = read_response(sock)
    assert status == 200 and json.loads(body) == {"status": "ok"}


@pytest.mark.parametrize("gateway", [{"HEADER_TIMEOUT_SECONDS": "1"}], indirect=True)
def test_a_slow_request_head_gets_a_json_408(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    status, headers, body = read_response(sock, timeout=15)
    assert status == 408
    assert headers["connection"] == "close"
    assert_openai_error(body, "1 seconds")
    assert time.monotonic() - started < 10
    assert_closed(sock)


@pytest.mark.parametrize("gateway", [{"HEADER_TIMEOUT_SECONDS": "1"}], indirect=True)
def test_slowloris_trickling_header_bytes_still_gets_408(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /ping HTTP/1.1\r\n")
    deadline = time.monotonic() + 8
    answered = False
    while time.monotonic() < deadline:
        try:
            sock.sendall(b"X-A: b\r\n")
        except (BrokenPipeError, ConnectionResetError):
            break
        sock.settimeout(0.3)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        assert data.startswith(b"HTTP/1.1 408 "), data
        answered = True
        break
    assert answered, "a head trickled in one line at a time was never cut off"


@pytest.mark.parametrize("gateway", [{"IDLE_TIMEOUT_SECONDS": "1"}], indirect=True)
def test_idle_keep_alive_connections_are_closed_silently(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    assert read_response(sock)[0] == 200
    started = time.monotonic()
    assert_closed(sock, timeout=15)
    assert time.monotonic() - started < 10
    # A connection that never sends anything is closed the same way.
    fresh = connect(gateway)
    assert_closed(fresh, timeout=15)


@pytest.mark.parametrize("gateway", [{"IDLE_TIMEOUT_SECONDS": "1"}], indirect=True)
def test_a_stream_is_not_idle(gateway):
    """The idle timeout is for connections between requests, not for a request being answered."""
    client = openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)
    text = "".join(
        c.choices[0].delta.content or ""
        for c in client.chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": "[first_token_delay_ms=2500] slow"}])
        if c.choices)
    assert text.endswith("slow")


def spawn_shim(gw, env_extra: dict[str, str], nofile: int) -> subprocess.Popen:
    """httpshim under a low open-file limit (soft = hard, so raising it changes nothing)."""
    env = gw.shim_env | env_extra
    log = open(gw.workdir / "limited-shim.log", "ab")
    proc = subprocess.Popen(
        ["prlimit", f"--nofile={nofile}:{nofile}", str(bin_dir() / "httpshim")],
        env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)

    listening(gw, proc, env, gw.workdir / "limited-shim.log")
    return proc


def listening(gw, proc: subprocess.Popen, env: dict[str, str], log: Path) -> None:
    """Waits for a shim a test started itself to listen, and points `gw` at its port."""
    port = wait_for_listener(proc, env, "httpshim port")
    assert port is not None, log.read_text()
    gw.listens_on(port)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def stopped_gateway(emulator):
    gw = make_gateway(emulator, start=False)
    gw.start_translator()
    yield gw
    gw.stop()


def test_out_of_descriptors_the_shim_backs_off_instead_of_spinning(stopped_gateway):
    gw = stopped_gateway
    proc = spawn_shim(gw, {"MAX_CONNECTIONS": "1000"}, nofile=48)
    socks = []
    try:
        for _ in range(120):
            socks.append(socket.create_connection(("127.0.0.1", gw.port), timeout=5))
        time.sleep(0.5)
        before = cpu_seconds(proc.pid)
        time.sleep(3)
        used = cpu_seconds(proc.pid) - before
        # Spinning on accept() burns a whole core (the probe saw 7.7 s of CPU in 8 s).
        assert used < 1.0, f"{used:.2f} s of CPU in 3 s while out of descriptors"
        log = (gw.workdir / "limited-shim.log").read_text()
        failures = [line for line in log.splitlines() if "accept() failed" in line]
        assert 1 <= len(failures) <= 3, log[-2000:]
        assert "Too many open files" in failures[0]
        assert "Error from accept() call" not in log
    finally:
        for s in socks:
            s.close()
    # Descriptors free again: the shim accepts and answers.
    wait_for(lambda: ping_ok(gw), timeout=10, what="ping after the descriptors came back")
    proc.terminate()
    proc.wait(timeout=10)


def test_at_max_connections_new_connections_wait_until_one_closes(stopped_gateway):
    gw = stopped_gateway
    proc = spawn_shim(gw, {"MAX_CONNECTIONS": "4"}, nofile=1024)
    try:
        held = [socket.create_connection(("127.0.0.1", gw.port), timeout=5) for _ in range(4)]
        time.sleep(0.3)
        waiting = socket.create_connection(("127.0.0.1", gw.port), timeout=5)
        waiting.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        waiting.settimeout(1.0)
        with pytest.raises(socket.timeout):
            waiting.recv(1)
        held.pop().close()
        status, _, _ = read_response(waiting, timeout=10)
        assert status == 200
        log = (gw.workdir / "limited-shim.log").read_text()
        assert "MAX_CONNECTIONS" in log
        for s in held:
            s.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_soft_descriptor_limit_is_raised_to_the_hard_one(stopped_gateway):
    gw = stopped_gateway
    env = gw.shim_env
    log = open(gw.workdir / "raised.log", "ab")
    proc = subprocess.Popen(["prlimit", "--nofile=256:4096", str(bin_dir() / "httpshim")], env=env,
                            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        listening(gw, proc, env, gw.workdir / "raised.log")
        wait_for(lambda: ping_ok_safe(gw), what="shim")
        with open(f"/proc/{proc.pid}/limits") as f:
            line = next(l for l in f if l.startswith("Max open files"))
        assert line.split()[3:5] == ["4096", "4096"], line
        assert "open-file limit 4096" in (gw.workdir / "raised.log").read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def ping_ok_safe(gw) -> bool:
    try:
        return ping_ok(gw)
    except OSError:
        return False


def test_the_listen_backlog_is_not_libevents_128(gateway):
    out = subprocess.run(["ss", "-ltnH", f"sport = :{gateway.port}"], capture_output=True, text=True, check=True)
    fields = out.stdout.split()
    assert fields, out
    backlog = int(fields[2])  # Send-Q of a listening socket is its backlog
    with open("/proc/sys/net/core/somaxconn") as f:
        somaxconn = int(f.read())
    assert backlog == somaxconn and backlog > 128


def test_bytes_sent_during_a_stream_are_not_buffered_without_limit(gateway):
    """evhttp keeps reading while a request is answered (to notice a close); a client that pours bytes in
    meanwhile must meet a full socket, not a growing buffer in the shim."""
    sock = connect(gateway)
    body = json.dumps({"model": "m", "stream": True,
                       "messages": [{"role": "user", "content": "[first_token_delay_ms=3000] wait"}]}).encode()
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY.encode()
                 + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    time.sleep(0.3)
    sock.setblocking(False)
    sent = 0
    chunk = b"g" * 65536
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline and sent < (256 << 20):
        try:
            sent += sock.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
    # Socket buffers on both sides hold a few MiB at most; an unbounded reader would take it all.
    assert sent < (64 << 20), f"the shim accepted {sent >> 20} MiB while answering one request"
    sock.close()
    assert ping_ok(gateway)


@pytest.mark.parametrize("head,needle", [
    (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", b"two different Content-Length"),
    (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", b"both Content-Length and Transfer-Encoding"),
    (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", b"non-negative"),
    (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", b"chunked"),
    (b"GARBAGE\r\n\r\n", b"request line"),
    (b"GET /ping HTTP/1.1\r\nHost: x\r\nX-A: b\r\n folded\r\n\r\n", b"folding"),
])
def test_ambiguous_or_malformed_framing_gets_a_json_400_and_close(gateway, head, needle):
    """Request smuggling starts where two parsers disagree on where a body ends (RFC 9112 §6.3)."""
    sock = connect(gateway)
    sock.sendall(head)
    status, headers, body = read_response(sock)
    assert status == 400
    assert headers["content-type"] == "application/json" and headers["connection"] == "close"
    error = json.loads(body)["error"]
    assert error["type"] == "invalid_request_error" and needle.decode() in error["message"]
    assert_closed(sock)


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(gateway):
    sock = connect(gateway)
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n\r\n")
    status, headers, body = read_response(sock)
    assert status == 413 and headers["content-type"] == "application/json"
    assert "8388608 bytes" in json.loads(body)["error"]["message"]
    assert_closed(sock)


def test_pipelined_requests_are_checked_too(gateway):
    sock = connect(gateway)
    sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
                 b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab")
    assert read_response(sock)[0] == 200
    status, _, body = read_response(sock)
    assert status == 400 and b"two different" in body
    assert_closed(sock)


def test_the_translator_drops_a_connection_whose_frame_never_completes(emulator):
    """Issue 10 item 8: 5 bytes and silence closes the connection; a frame header claiming more than the limit
    is answered on its own stream (its bytes skipped as they come) and the connection serves on."""
    import struct
    gw = make_gateway(emulator, translator_env={"FRAME_TIMEOUT_SECONDS": "1", "MAX_BODY_BYTES": "1048576"})
    try:
        trickle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        trickle.connect(str(gw.socket_path))
        trickle.sendall(b"\x00\x00\x01\x00\x02")
        started = time.monotonic()
        assert_closed(trickle, timeout=10)
        assert time.monotonic() - started < 5
        assert "no whole frame in 1.0 s" in gw.translator.log()

        huge = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        huge.connect(str(gw.socket_path))
        huge.settimeout(10)
        # 1 MiB body limit: frames are capped at 3 MiB; this one claims 4 MiB and sends it.
        length = 4 << 20
        huge.sendall(struct.pack(">IBBI", length, 2, 1, 7) + b"x" * (length - 6))
        kind, stream, payload = read_frame(huge)
        while kind == 9:  # heartbeats
            kind, stream, payload = read_frame(huge)
        assert (kind, stream) == (4, 7) and b"too large" in payload
        health = b'{"id":"req_h","op":"health"}'
        huge.sendall(struct.pack(">IBBI", len(health) + 6, 2, 1, 8) + health)
        kind, stream, payload = read_frame(huge)
        while kind == 9:
            kind, stream, payload = read_frame(huge)
        assert (kind, stream) == (7, 8) and json.loads(payload)["ready"] is True

        # A frame of another protocol version means the byte stream is not ours: answered on stream 0, closed.
        huge.sendall(struct.pack(">IBBI", 6, 1, 1, 9))
        kind, stream, payload = read_frame(huge)
        while kind == 9:
            kind, stream, payload = read_frame(huge)
        assert (kind, stream) == (4, 0) and json.loads(payload)["kind"] == "internal_error"
        assert_closed(huge)
        assert ping_ok(gw)
    finally:
        gw.stop()


def post_raw(gw, path, body: bytes, key: str | None):
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    conn.request("POST", path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, json.loads(r.read())


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"])
def test_the_key_is_judged_before_the_body(gateway, path):
    """Issue 10 item 4: OpenAI answers 401 for a wrong key whatever the body; so does the gateway."""
    for body in (b"{not json", b'{"model": 5}'):
        status, answer = post_raw(gateway, path, body, "sk-wrong")
        assert status == 401 and answer["error"]["code"] == "invalid_api_key"
        status, answer = post_raw(gateway, path, body, None)
        assert status == 401
        status, answer = post_raw(gateway, path, body, KEY)
        assert status == 400 and answer["error"]["type"] == "invalid_request_error"


def test_a_key_in_the_url_is_not_echoed_or_logged(gateway):
    secret = "sk-live-0123456789abcdefSECRET"
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    conn.request("POST", f"/v1/{secret}/chat/completions", body=b"{}", headers={"Authorization": f"Bearer {KEY}"})
    r = conn.getresponse()
    body = r.read().decode()
    assert r.status == 404 and secret not in body and "<redacted>" in body
    conn.request("GET", f"/v1/models/{secret}", headers={"Authorization": f"Bearer {KEY}"})
    r = conn.getresponse()
    r.read()
    time.sleep(0.2)
    assert secret not in gateway.shim.log()
    assert "/v1/models/<redacted>" in gateway.shim.log()


@pytest.mark.parametrize("gateway", [{"MAX_BODY_BYTES": "60000", "MAX_PENDING_BODY_BYTES": "100000"}], indirect=True)
def test_bodies_still_arriving_share_one_budget(gateway):
    """Issue 10 item 4, second half: a client without a key cannot make the shim hold a body per connection."""
    head = b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n"
    first = connect(gateway)
    first.sendall(head + b"{")  # declared, not yet sent: 60000 bytes of the budget are held
    time.sleep(0.3)
    second = connect(gateway)
    second.sendall(head)
    status, headers, body = read_response(second)
    assert status == 503 and headers["retry-after"] == "1"
    assert "too many request bodies" in json.loads(body)["error"]["message"]
    assert_closed(second)
    first.close()
    time.sleep(0.3)
    # The budget is back: a whole small request goes through (401: no key, but its body was accepted).
    third = connect(gateway)
    third.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
    assert read_response(third)[0] == 401


@pytest.mark.parametrize("body,status,needle", [
    (b"zz\r\nhello\r\n0\r\n\r\n", 400, b"hexadecimal"),
    (b"3\r\nhello\r\n0\r\n\r\n", 400, b"longer than its size"),
    (b"5;ext=1\r\nhello\r\n0\r\n\r\n", 400, b"extensions are not supported"),
    (b"800001\r\n" + b"a" * 1000, 413, b"8388608 bytes"),
])
def test_chunked_framing_errors_are_json(gateway, body, status, needle):
    """Issue 10 item 5: evhttp answers these with HTML (and 413 where 400 is right)."""
    sock = connect(gateway)
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    got, headers, answer = read_response(sock)
    assert got == status and headers["content-type"] == "application/json"
    assert needle in answer
    assert_closed(sock)


def test_a_good_chunked_body_goes_through(gateway):
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "chunky"}]}).encode()
    half = len(body) // 2
    chunks = b"%x\r\n%s\r\n%x \r\n%s\r\n0\r\n\r\n" % (half, body[:half], len(body) - half, body[half:])
    sock = connect(gateway)
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY.encode()
                 + b"\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n" + chunks)
    status, _, answer = read_response(sock)
    assert status == 200 and "chunky" in json.loads(answer)["choices"][0]["message"]["content"]


def test_an_unserved_method_is_a_json_405(gateway):
    sock = connect(gateway)
    sock.sendall(b"TRACE /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers, body = read_response(sock)
    assert status == 405 and headers["content-type"] == "application/json" and "POST" in headers["allow"]
    assert "TRACE" in json.loads(body)["error"]["message"]
