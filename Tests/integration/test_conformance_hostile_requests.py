"""Hostile but well-typed requests (issue 10, conformance): bodies generated from OpenAI's own request schemas
(openai_request_strategies.py) sent to the real gateway (emulator + translator + shim). Whatever OpenAI's spec allows
must never get a 5xx from a healthy gateway, never hang, and every refusal must be an OpenAI error object (checked by
openai_conformance.py as for every test, here after each request so that hypothesis can shrink a failing body).

Deterministic by default (`derandomize`), so CI sees the same bodies each run; HOSTILE_REQUESTS_SEED=random explores
new ones and HOSTILE_REQUESTS_SCALE=10 sends ten times as many."""
from __future__ import annotations

import json
import os
import time

import httpx
import pytest

import openai_conformance
import openai_spec
from gateway_procs import cleanup_dir, make_gateway, start_emulator

KEY = "sk-test-key"
# Per request: the emulator answers in milliseconds, so this is a hang, not a slow model.
REQUEST_TIMEOUT = 15.0
SCALE = float(os.environ.get("HOSTILE_REQUESTS_SCALE", "1"))

# (path, request schema, members always sent, examples): the chat and Responses schemas are the largest, so they
# get the most. CreateResponse requires nothing (a stored `prompt` can stand for model and input), but without them
# this gateway can only refuse.
OPERATIONS = [
    ("/v1/chat/completions", "CreateChatCompletionRequest", (), 100),
    ("/v1/responses", "CreateResponse", ("model", "input"), 80),
    ("/v1/completions", "CreateCompletionRequest", (), 120),
    ("/v1/embeddings", "CreateEmbeddingRequest", (), 100),
]


# One model of each container format, so the bodies reach each path through the translator and the emulator's
# containers; `None` keeps the generated model name (an unknown model: 404).
MODELS = [
    {"id": "hostile-openai", "endpoint": "demo-endpoint"},
    {"id": "hostile-route", "endpoint": "demo-endpoint", "format": "sagemaker-openai"},
    {"id": "hostile-tgi", "endpoint": "tgi-endpoint", "format": "tgi", "prompt_template": "chatml"},
    {"id": "hostile-tei", "endpoint": "demo-endpoint", "format": "embeddings"},
]
MODEL_CHOICES = [model["id"] for model in MODELS] + [None]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    openai_spec.require_spec()
    emulator = start_emulator(
        tmp_path_factory.mktemp("emu"), "--endpoint", "demo-endpoint", "--tgi-endpoint", "tgi-endpoint")
    models = tmp_path_factory.mktemp("models") / "models.json"
    models.write_text(json.dumps({"models": MODELS}))
    gw = make_gateway(emulator, translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    yield gw
    gw.stop()
    emulator.proc.stop()
    cleanup_dir(gw.workdir)


def send(client: httpx.Client, path: str, body: dict) -> tuple[int, bytes]:
    """POSTs `body`, reading a stream to its end; raises on a timeout (a hang)."""
    # ensure_ascii: lone surrogates the schema's strings may hold go out as \\u escapes, still valid JSON text.
    data = json.dumps(body, ensure_ascii=True).encode()
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    with client.stream("POST", path, content=data, headers=headers) as response:
        return response.status_code, response.read()


@pytest.mark.parametrize("path,schema,required,examples", OPERATIONS, ids=[op[1] for op in OPERATIONS])
def test_well_typed_requests_never_get_a_5xx_or_hang(gateway, path, schema, required, examples):
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from openai_request_strategies import request_strategy

    seen: dict[int, int] = {}
    slowest = [0.0]

    with httpx.Client(base_url=gateway.root_url, timeout=REQUEST_TIMEOUT) as client:

        @settings(
            max_examples=max(1, int(examples * SCALE)), deadline=None, database=None,
            derandomize=os.environ.get("HOSTILE_REQUESTS_SEED") != "random",
            phases=(Phase.explicit, Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck))
        @given(request_strategy(schema, required), st.sampled_from(MODEL_CHOICES))
        def check(body, model):
            if model is not None:
                body = {**body, "model": model}
            started = time.monotonic()
            try:
                status, payload = send(client, path, body)
            except httpx.TimeoutException as error:
                raise AssertionError(f"no answer within {REQUEST_TIMEOUT} s ({error!r})") from None
            slowest[0] = max(slowest[0], time.monotonic() - started)
            seen[status] = seen.get(status, 0) + 1
            assert status < 500, f"{status} for a well-typed request: {payload[:500]!r}"
            found = openai_conformance.TALLY.take()
            assert not found, "\n".join(found)

        check()

    print(f"\n{schema}: statuses {dict(sorted(seen.items()))}, slowest {slowest[0]:.2f} s")
    # Something got through: the generated bodies are not all refused at the door.
    assert any(200 <= status < 300 for status in seen), seen
    for process in (gateway.shim, gateway.translator, gateway.emulator.proc):
        assert process.alive(), f"{process.name} died:\n{process.log()[-3000:]}"
    with httpx.Client(base_url=gateway.root_url, timeout=10) as client:
        status, payload = send(client, "/v1/chat/completions",
                               {"model": "hostile-openai", "messages": [{"role": "user", "content": "still here"}]})
    assert status == 200, payload
    assert json.loads(payload)["choices"][0]["message"]["content"]
