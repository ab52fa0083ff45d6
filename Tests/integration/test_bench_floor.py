"""The bench's floor instrument (bench/floor-relay.c, two relays chained like the gateway's processes) must
forward every byte both ways, or the floor it reports would be cheaper than the work it stands for."""
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
