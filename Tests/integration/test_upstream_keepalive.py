"""Issue 9: the translator reuses its connections to SageMaker (curl's multi-handle connection cache), so a
request costs no TCP (or, in AWS, TLS) handshake and no DNS lookup once the first one is made."""
from __future__ import annotations

import openai
import pytest

from gateway_procs import cleanup_dir, make_gateway, start_emulator

KEY = "sk-keepalive"


@pytest.fixture
def gateway(tmp_path):
    emulator = start_emulator(tmp_path, "--endpoint", "demo-endpoint")
    gw = make_gateway(emulator, api_keys=KEY)
    yield gw, emulator
    gw.stop()
    emulator.proc.stop()
    cleanup_dir(gw.workdir)


def test_sequential_requests_share_one_upstream_connection(gateway):
    gw, emulator = gateway
    client = openai.OpenAI(base_url=gw.base_url, api_key=KEY, max_retries=0)
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "[tokens=2]"}])  # warm
    before = emulator.stats()
    for i in range(10):
        answer = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "[tokens=3]"}])
        assert answer.choices[0].message.content
        stream = client.chat.completions.create(
            model="m", stream=True, messages=[{"role": "user", "content": "[tokens=3]"}])
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    after = emulator.stats()
    assert after["invocations"] - before["invocations"] == 20
    # Each stats() call is one connection of its own (urllib does not keep them): the second one counts itself.
    upstream = after["connections_accepted"] - before["connections_accepted"] - 1
    assert upstream == 0, f"{upstream} new upstream connection(s) for 20 sequential requests"
