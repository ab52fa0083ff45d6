"""Answers longer than InvokeEndpoint's 60 seconds (issue 7): a client's non-streamed request is streamed upstream
(InvokeEndpointWithResponseStream) and assembled, per model `upstream_streaming: auto|always|never`. The emulator
fails InvokeEndpoint calls slower than its limit with SageMaker's timeout ModelError, as SageMaker does at 60 s."""
from __future__ import annotations

import json

import openai
import pytest

from gateway_procs import cleanup_dir, make_gateway, start_emulator, module_emulator

GREETING = "Hello from the SageMaker emulator. You said: "
KEY = "sk-test-key"


def client(gw, timeout=60):
    return openai.OpenAI(base_url=gw.base_url, api_key=KEY, max_retries=0, timeout=timeout)


def ask(gw, model, text, timeout=60, **kw):
    return client(gw, timeout).chat.completions.create(
        model=model, messages=[{"role": "user", "content": text}], **kw)


# A 2-second InvokeEndpoint limit stands in for SageMaker's 60 s, so the slow answers here take 3 s.
emulator = module_emulator(
    "--endpoint", "demo-endpoint", "--no-stream-endpoint", "plain-endpoint", "--tgi-endpoint", "tgi-endpoint",
    "--invoke-timeout", "2",
)


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    models = tmp_path_factory.mktemp("models") / "models.json"
    models.write_text(json.dumps({"models": [
        {"id": "auto", "endpoint": "demo-endpoint"},
        {"id": "always", "endpoint": "demo-endpoint", "upstream_streaming": "always"},
        {"id": "never", "endpoint": "demo-endpoint", "upstream_streaming": "never"},
        {"id": "plain-auto", "endpoint": "plain-endpoint"},
        {"id": "plain-always", "endpoint": "plain-endpoint", "upstream_streaming": "always"},
        {"id": "tgi", "endpoint": "tgi-endpoint", "format": "tgi", "prompt_template": "chatml"},
    ]}))
    gw = make_gateway(emulator, translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    yield gw
    gw.stop()
    cleanup_dir(gw.workdir)


SLOW = "[tokens=6] [delay_ms=500] slow"  # about 3 s of generation


def test_a_slow_non_streamed_answer_succeeds_streamed_upstream(gateway, emulator):
    before = emulator.stats()
    r = ask(gateway, "auto", SLOW)
    after = emulator.stats()
    assert r.choices[0].message.content.split() == [f"t{i}" for i in range(1, 7)]
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.completion_tokens == 6 and r.usage.prompt_tokens > 0
    assert r.object == "chat.completion" and r.model == "auto"
    assert after["streams_started"] == before["streams_started"] + 1
    assert after["invoke_timeouts"] == before["invoke_timeouts"]


def test_always_streams_upstream_too(gateway, emulator):
    before = emulator.stats()
    assert ask(gateway, "always", SLOW).choices[0].message.content.split()[-1] == "t6"
    assert emulator.stats()["streams_started"] == before["streams_started"] + 1


def test_never_uses_invoke_endpoint_and_meets_its_limit(gateway, emulator):
    before = emulator.stats()
    # A quick answer is fine without streaming...
    assert ask(gateway, "never", "quick").choices[0].message.content == GREETING + "quick"
    # ...a slow one fails as SageMaker fails it.
    with pytest.raises(openai.APIStatusError) as e:
        ask(gateway, "never", SLOW)
    assert e.value.status_code == 502
    after = emulator.stats()
    assert after["invoke_timeouts"] == before["invoke_timeouts"] + 1
    assert after["streams_started"] == before["streams_started"]


def test_streamed_clients_are_unchanged(gateway):
    chunks = list(client(gateway).chat.completions.create(
        model="never", stream=True, messages=[{"role": "user", "content": SLOW}]))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).split()[-1] == "t6"


def test_auto_falls_back_to_invoke_endpoint_when_the_container_cannot_stream(gateway, emulator):
    r = ask(gateway, "plain-auto", "fallback")
    assert r.choices[0].message.content == GREETING + "fallback"
    assert "asking again with InvokeEndpoint" in gateway.translator.log()


def test_always_does_not_fall_back(gateway):
    with pytest.raises(openai.BadRequestError) as e:
        ask(gateway, "plain-always", "no fallback")
    assert "does not support streaming" in e.value.body["message"]


def test_tgi_non_streamed_answers_are_streamed_upstream(gateway, emulator):
    before = emulator.stats()
    r = ask(gateway, "tgi", "[tokens=4] [delay_ms=800] slow tgi", max_tokens=4)
    assert r.choices[0].message.content
    assert r.usage.completion_tokens > 0 and r.usage.prompt_tokens > 0
    after = emulator.stats()
    assert after["streams_started"] == before["streams_started"] + 1
    assert after["invoke_timeouts"] == before["invoke_timeouts"]


def test_a_70_second_generation_succeeds_without_streaming(tmp_path):
    """The issue's own case, against the emulator's real 60-second InvokeEndpoint limit."""
    emu = start_emulator(tmp_path, "--endpoint", "demo-endpoint")
    gw = make_gateway(emu)
    try:
        r = ask(gw, "any", "[tokens=2] [first_token_delay_ms=70000] patience", timeout=120)
        assert r.choices[0].message.content.split() == ["t1", "t2"]
        assert r.usage.total_tokens > 0
        assert emu.stats()["invoke_timeouts"] == 0
    finally:
        gw.stop()
        emu.proc.stop()
        cleanup_dir(gw.workdir)
