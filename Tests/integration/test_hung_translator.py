"""A translator that hangs (SIGSTOP) is timed out by the shim (issue 10, item 3): /health and requests get
503 within the acknowledgement timeout, a stream without data or heartbeats ends with an SSE error, and all
recovers when the translator runs again."""
from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request

import openai
import pytest

from gateway_procs import cleanup_dir, make_gateway, module_emulator

KEY = "sk-test-key"


emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture
def gateway(emulator):
    gw = make_gateway(emulator, shim_env={"TRANSLATOR_ACK_TIMEOUT_SECONDS": "1", "STREAM_IDLE_TIMEOUT_SECONDS": "3"})
    yield gw
    if gw.translator and gw.translator.alive():
        gw.translator.proc.send_signal(signal.SIGCONT)
    gw.stop()
    cleanup_dir(gw.workdir)


def client(gw):
    return openai.OpenAI(base_url=gw.base_url, api_key=KEY, max_retries=0, timeout=30)


def health(gw):
    try:
        with urllib.request.urlopen(gw.root_url + "/health", timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_a_stopped_translator_gives_503_quickly_and_recovers(gateway):
    assert health(gateway)[0] == 200
    gateway.translator.proc.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        status, body = health(gateway)
        assert status == 503 and body["status"] != "ok"
        assert time.monotonic() - started < 5
        for stream in (False, True):
            started = time.monotonic()
            with pytest.raises(openai.APIStatusError) as e:
                r = client(gateway).chat.completions.create(
                    model="m", stream=stream, messages=[{"role": "user", "content": "hi"}])
                if stream:
                    list(r)
            assert e.value.status_code == 503
            assert e.value.body["code"] == "translator_unavailable"
            assert time.monotonic() - started < 5
    finally:
        gateway.translator.proc.send_signal(signal.SIGCONT)
    assert health(gateway)[0] == 200
    assert client(gateway).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "back"}]).choices[0].message.content.endswith("back")


def test_a_stream_whose_translator_hangs_ends_with_an_sse_error(gateway):
    stream = client(gateway).chat.completions.create(
        model="m", stream=True, messages=[{"role": "user", "content": "[tokens=50] [delay_ms=200] long"}])
    chunks = iter(stream)
    first = next(chunks)
    assert first.choices
    gateway.translator.proc.send_signal(signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(openai.APIError) as e:
        for _ in chunks:
            pass
    assert "translator" in str(e.value).lower()
    assert time.monotonic() - started < 10


def test_a_slow_model_is_not_a_hung_translator(gateway):
    """Heartbeats keep a stream whose first token takes longer than the idle timeout alive."""
    text = "".join(
        c.choices[0].delta.content or ""
        for c in client(gateway).chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": "[first_token_delay_ms=5000] patient"}])
        if c.choices)
    assert text.endswith("patient")
    r = client(gateway).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "[first_token_delay_ms=5000] patient"}])
    assert r.choices[0].message.content.endswith("patient")
