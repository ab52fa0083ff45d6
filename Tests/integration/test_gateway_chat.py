"""End to end: the openai SDK -> httpshim -> translator -> SageMaker emulator, all real processes."""
from __future__ import annotations

import concurrent.futures
import json
import time
import urllib.error
import urllib.request

import openai
import pytest

from gateway_procs import cleanup_dir, make_gateway, module_emulator

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "


emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture(scope="module")
def gateway(emulator):
    gw = make_gateway(emulator, shim_env={"MAX_BODY_BYTES": "65536"})
    yield gw
    gw.stop()
    cleanup_dir(gw.workdir)


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)


def raw(gateway, method, path, body=None, headers=None):
    """A plain HTTP request, for what the SDK will not send (bad JSON, no key)."""
    req = urllib.request.Request(gateway.root_url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def user(text):
    return [{"role": "user", "content": text}]


def test_non_streaming_chat(client):
    r = client.chat.completions.create(model="my-alias", messages=user("How are you?"))
    assert r.object == "chat.completion"
    assert r.id.startswith("chatcmpl-")
    assert r.model == "my-alias"
    assert r.choices[0].message.role == "assistant"
    assert r.choices[0].message.content == GREETING + "How are you?"
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.completion_tokens > 0 and r.usage.prompt_tokens > 0
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_streaming_chat_with_usage(client):
    stream = client.chat.completions.create(
        model="my-alias", messages=user("Stream this please"), stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == GREETING + "Stream this please"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == len(text.split(" "))
    assert all(c.model == "my-alias" and c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1


def test_streaming_without_usage_has_no_usage_chunk(client):
    chunks = list(client.chat.completions.create(model="m", messages=user("hi"), stream=True))
    assert all(c.choices for c in chunks)
    assert all(c.usage is None for c in chunks)


@pytest.mark.parametrize("framing", ["", "[jsonlines]", "[part_bytes=1]", "[part_bytes=3]", "[jsonlines][part_bytes=2]"])
def test_utf8_split_across_payload_parts_is_byte_exact(client, framing):
    text = "café 🚀 日本語 — naïve ✓ " + framing
    stream = client.chat.completions.create(model="m", messages=user(text), stream=True)
    got = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert got == GREETING + "café 🚀 日本語 — naïve ✓"


def test_max_tokens_gives_length(client):
    r = client.chat.completions.create(model="m", messages=user("[tokens=20]"), max_tokens=5)
    assert r.choices[0].message.content == "t1 t2 t3 t4 t5"
    assert r.choices[0].finish_reason == "length"


def test_wrong_key_is_401(gateway):
    c = openai.OpenAI(base_url=gateway.base_url, api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e:
        c.chat.completions.create(model="m", messages=user("hi"))
    assert e.value.status_code == 401
    assert e.value.body["code"] == "invalid_api_key"
    assert "sk-wrong" not in json.dumps(e.value.body)
    assert "sk-wrong" not in gateway.logs()


def test_missing_key_is_401_json(gateway):
    body = json.dumps({"model": "m", "messages": user("hi")}).encode()
    status, headers, payload = raw(gateway, "POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    assert status == 401
    assert headers["Content-Type"].startswith("application/json")
    err = json.loads(payload)["error"]
    assert err["type"] == "invalid_request_error"
    assert "API key" in err["message"]


@pytest.mark.parametrize(
    "body,param",
    [
        (b"{not json", None),
        (b"[]", None),
        (json.dumps({"model": "m"}).encode(), "messages"),
        (json.dumps({"model": "m", "messages": []}).encode(), "messages"),
        (json.dumps({"model": "m", "messages": "hi"}).encode(), "messages"),
        (json.dumps({"messages": user("hi")}).encode(), "model"),
        (json.dumps({"model": "m", "messages": user("hi"), "temperature": "hot"}).encode(), "temperature"),
        (json.dumps({"model": "m", "messages": [{"role": "wizard", "content": "x"}]}).encode(), "messages[0].role"),
    ],
)
def test_bad_requests_are_400_with_param(gateway, body, param):
    status, _, payload = raw(
        gateway, "POST", "/v1/chat/completions", body, {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    )
    assert status == 400
    err = json.loads(payload)["error"]
    assert err["type"] == "invalid_request_error"
    assert err["message"]
    if param is not None:
        assert err["param"] == param


def test_body_over_limit_is_413_json(gateway):
    big = json.dumps({"model": "m", "messages": user("x" * 70000)}).encode()
    status, _, payload = raw(gateway, "POST", "/v1/chat/completions", big, {"Authorization": f"Bearer {KEY}"})
    assert status == 413
    assert json.loads(payload)["error"]["type"] == "invalid_request_error"


def test_unknown_route_is_openai_404(gateway):
    status, _, payload = raw(gateway, "GET", "/v1/nope", None, {"Authorization": f"Bearer {KEY}"})
    assert status == 404
    assert json.loads(payload)["error"]["message"] == "Invalid URL (GET /v1/nope)"


def test_mid_stream_model_error_reaches_client(client):
    stream = client.chat.completions.create(model="m", messages=user("[tokens=10][fail_after=3]"), stream=True)
    got = []
    with pytest.raises(openai.APIError) as e:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                got.append(chunk.choices[0].delta.content)
    assert "".join(got) == "t1 t2 t3"
    assert "mid-stream" in str(e.value) or "model" in str(e.value).lower()


@pytest.mark.parametrize(
    "directive,exc,status",
    [
        ("[throttle]", openai.RateLimitError, 429),
        ("[not_ready]", openai.RateLimitError, 429),
        ("[model_error=400]", openai.BadRequestError, 400),
        ("[model_error=500]", openai.InternalServerError, 502),
        ("[unavailable]", openai.InternalServerError, 503),
        ("[internal]", openai.InternalServerError, 502),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_upstream_errors_map_to_openai_statuses(client, directive, exc, status, stream):
    with pytest.raises(exc) as e:
        r = client.chat.completions.create(model="m", messages=user(directive), stream=stream)
        if stream:
            list(r)
    assert e.value.status_code == status
    if status == 429:
        assert int(e.value.response.headers["retry-after"]) >= 1


def test_models_list_and_retrieve(client):
    models = client.models.list()
    assert [m.id for m in models.data] == ["demo-endpoint"]
    assert client.models.retrieve("demo-endpoint").id == "demo-endpoint"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("nope")


def test_ping_and_health(gateway):
    assert raw(gateway, "GET", "/ping")[0] == 200
    status, _, body = raw(gateway, "GET", "/health")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_fifty_concurrent_streams_arrive_complete_and_in_order(gateway):
    c = openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=60)

    def one(i):
        n = 20 + i
        stream = c.chat.completions.create(model="m", messages=user(f"[tokens={n}][delay_ms=5]"), stream=True)
        return i, "".join(ch.choices[0].delta.content or "" for ch in stream if ch.choices)

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(one, range(50)))
    for i, text in results:
        assert text == " ".join(f"t{k}" for k in range(1, 21 + i)), f"stream {i} garbled"


def test_client_disconnect_cancels_the_sagemaker_stream(gateway, emulator):
    before = emulator.stats()["streams_cancelled"]
    c = openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0)
    stream = c.chat.completions.create(model="m", messages=user("[tokens=2000][delay_ms=20]"), stream=True)
    for i, _ in enumerate(stream):
        if i >= 3:
            break
    stream.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and emulator.stats()["streams_cancelled"] <= before:
        time.sleep(0.1)
    assert emulator.stats()["streams_cancelled"] == before + 1


def test_keep_alive_comments_while_waiting_for_first_token(emulator):
    gw = make_gateway(emulator, shim_env={"KEEPALIVE_SECONDS": "0.3"})
    try:
        body = json.dumps({"model": "m", "messages": user("[first_token_delay_ms=1200][tokens=2]"), "stream": True}).encode()
        req = urllib.request.Request(
            gw.root_url + "/v1/chat/completions", data=body, method="POST",
            headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
        assert text.startswith(": keep-alive\n\n")
        assert text.rstrip().endswith("data: [DONE]")
        assert '"content":"t1"' in text
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)
