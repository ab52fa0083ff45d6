"""The bench's floor instruments must do the whole of the work they stand for, or the floors they report would
be cheaper than it: the relays (bench/floor-relay.c, chained like the gateway's processes) forward every byte
both ways; the libraries' floor (bench/floor-libs.c, evhttp + one framed link + libcurl) delivers each signed
request upstream and each answer, with its status, to the client that asked."""
from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest

from gateway_procs import module_emulator

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench  # noqa: E402

pytest.importorskip("botocore")

ENDPOINT = "demo-endpoint"
emulator = module_emulator("--endpoint", ENDPOINT)
INVOKE = f"/endpoints/{ENDPOINT}/invocations"
STREAM = f"/endpoints/{ENDPOINT}/invocations-response-stream"


@pytest.fixture(scope="module")
def relays(emulator, tmp_path_factory):
    chain = bench.FloorRelays(tmp_path_factory.mktemp("floor"), emulator.port)
    yield chain
    chain.stop()


@pytest.fixture(scope="module")
def libs(emulator, tmp_path_factory):
    pair = bench.FloorLibs(tmp_path_factory.mktemp("floor-libs"), emulator.port)
    yield pair
    pair.stop()


def signed(emulator, path: str, body: str) -> dict[str, str]:
    return bench.signed_headers(emulator.port, path, body) | {"Host": f"127.0.0.1:{emulator.port}"}


async def exchange(port: int, path: str, body: bytes, headers: dict[str, str], pause_every: int = 0) -> bytes:
    """One request on a fresh connection; the whole answer, head included (Content-Length or chunked). With
    `pause_every`, the reader sleeps after every that many bytes so the relay's writes toward it fill the
    socket buffer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST {path} HTTP/1.1\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    writer.write(head.encode() + body)
    await writer.drain()
    answer = await reader.readuntil(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in answer.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    since_pause = 0
    while (len(answer.split(b"\r\n\r\n", 1)[1]) < length) if length is not None else \
            not answer.endswith(b"\r\n0\r\n\r\n"):
        chunk = await reader.read(65536)
        assert chunk, f"connection closed after {len(answer)} bytes"
        answer += chunk
        since_pause += len(chunk)
        if pause_every and since_pause >= pause_every:
            since_pause = 0
            await asyncio.sleep(0.01)
    writer.close()
    await writer.wait_closed()
    return answer


def body_of(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1]


def test_a_request_and_its_answer_pass_unchanged(emulator, relays):
    raw = bench.chat_body("[tokens=16]", False, model=None)
    via = asyncio.run(exchange(relays.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw)))
    direct = asyncio.run(exchange(emulator.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw)))
    assert via.startswith(b"HTTP/1.1 200 ")

    def answer(raw_answer: bytes) -> dict:  # the emulator numbers its answers; the rest must be the same
        return {k: v for k, v in json.loads(body_of(raw_answer)).items() if k not in ("id", "created")}

    assert answer(via) == answer(direct)
    assert answer(via)["choices"][0]["message"]["content"]


def test_a_stream_read_slowly_arrives_whole(emulator, relays):
    # ~4 MB read with pauses: the relay's writes toward the client hit a full socket buffer and must keep the
    # rest until it drains, in order.
    raw = bench.chat_body("[tokens=40000]", True, model=None)
    start = time.monotonic()
    via = asyncio.run(exchange(relays.port, STREAM, raw.encode(), signed(emulator, STREAM, raw), pause_every=1 << 20))
    direct = asyncio.run(exchange(emulator.port, STREAM, raw.encode(), signed(emulator, STREAM, raw)))
    assert via.startswith(b"HTTP/1.1 200 ")
    assert len(body_of(via)) == len(body_of(direct)) > 1_000_000
    assert time.monotonic() - start < 60
    # Whole answers' bytes, the unit the bench counts paced tokens in, agree through the relays and direct.
    assert asyncio.run(bench.response_bytes(relays.port, STREAM, raw.encode(), signed(emulator, STREAM, raw))) == len(via)


def open_fds(pids) -> int:
    return sum(len(list(Path(f"/proc/{pid}/fd").iterdir())) for pid in pids)


def test_a_closed_client_closes_its_upstream_too(emulator, relays):
    before_fds = open_fds(relays.pids)
    before = emulator.stats()["connections_accepted"]
    raw = bench.chat_body("[tokens=2]", False, model=None)
    for _ in range(5):
        assert asyncio.run(exchange(relays.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw))).startswith(
            b"HTTP/1.1 200 ")
    # One upstream connection per client connection (the stats call is one more)...
    assert emulator.stats()["connections_accepted"] - before == 6
    # ...and each closed with its client: both relays hold what they held before.
    deadline = time.monotonic() + 5
    while open_fds(relays.pids) != before_fds and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_fds(relays.pids) == before_fds


def answer_fields(raw_answer: bytes) -> dict:
    """The emulator numbers its answers; the rest must be the same however they travelled."""
    return {k: v for k, v in json.loads(body_of(raw_answer)).items() if k not in ("id", "created")}


def test_the_libraries_floor_delivers_signed_requests_and_their_answers(emulator, libs):
    raw = bench.chat_body("[tokens=16]", False, model=None)
    via = asyncio.run(exchange(libs.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw)))
    direct = asyncio.run(exchange(emulator.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw)))
    assert via.startswith(b"HTTP/1.1 200 ")
    assert answer_fields(via) == answer_fields(direct)
    assert answer_fields(via)["choices"][0]["message"]["content"].split()[-1] == "t16"


def test_the_libraries_floor_passes_the_upstream_status_through(emulator, libs):
    # A broken signature reaches the emulator as sent (the floor forwards the client's signed headers) and its
    # 403 comes back: the floor really calls upstream rather than answering for it.
    raw = bench.chat_body("[tokens=2]", False, model=None)
    headers = signed(emulator, INVOKE, raw)
    headers["Authorization"] = headers["Authorization"][:-8] + "00000000"
    via = asyncio.run(exchange(libs.port, INVOKE, raw.encode(), headers))
    assert via.startswith(b"HTTP/1.1 403 ")
    assert b"signature" in body_of(via).lower()


def test_the_libraries_floor_answers_concurrent_requests_each_with_its_own(emulator, libs):
    # Many requests in flight at once share the one link: each frame's id must bring each answer to its client.
    async def one(tokens: int) -> tuple[int, bytes]:
        raw = bench.chat_body(f"[tokens={tokens}]", False, model=None)
        return tokens, await exchange(libs.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw))

    async def many():
        return await asyncio.gather(*(one(n) for n in range(1, 101)))

    for tokens, answer in asyncio.run(many()):
        assert answer.startswith(b"HTTP/1.1 200 ")
        assert answer_fields(answer)["choices"][0]["message"]["content"].split()[-1] == f"t{tokens}"


def test_the_libraries_floor_keeps_its_upstream_connections(emulator, libs):
    # Like the gateway, it must not pay a TCP handshake per request: after the first, requests one at a time
    # reuse libcurl's connection (the stats call is the one connection the emulator accepts meanwhile).
    raw = bench.chat_body("[tokens=2]", False, model=None)
    asyncio.run(exchange(libs.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw)))
    before = emulator.stats()["connections_accepted"]
    for _ in range(10):
        assert asyncio.run(exchange(libs.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw))).startswith(
            b"HTTP/1.1 200 ")
    assert emulator.stats()["connections_accepted"] - before == 1


def test_the_libraries_floor_outlives_a_client_that_hangs_up_before_its_answer(emulator, libs):
    # wrk closes its connections with requests in flight at the end of every run: the answer that comes back
    # for a client already gone must be dropped, and the next client served as before.
    async def hang_up():
        slow = bench.chat_body("[tokens=4][delay_ms=100]", False, model=None).encode()
        headers = signed(emulator, INVOKE, slow.decode())
        _, writer = await asyncio.open_connection("127.0.0.1", libs.port)
        head = f"POST {INVOKE} HTTP/1.1\r\nContent-Length: {len(slow)}\r\n"
        writer.write((head + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode() + slow)
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        await asyncio.sleep(0.7)  # the answer (4 tokens 100 ms apart) arrives meanwhile, for nobody

    for _ in range(3):
        asyncio.run(hang_up())
    raw = bench.chat_body("[tokens=3]", False, model=None)
    answer = asyncio.run(exchange(libs.port, INVOKE, raw.encode(), signed(emulator, INVOKE, raw)))
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer_fields(answer)["choices"][0]["message"]["content"].split()[-1] == "t3"
    assert all(proc.poll() is None for proc in libs.procs)
