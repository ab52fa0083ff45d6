"""End to end for `/v1/completions` and `/v1/embeddings` on `format: sagemaker-openai` models: the openai SDK ->
httpshim -> translator -> the emulator's OpenAI-compatible route (`…/openai/v1/completions`,
`…/openai/v1/embeddings`, on the endpoint or an inference component), authorised with the bearer token the
translator mints; plain JSON and SSE, no event stream, no ModelError wrapping.

Embedding vectors are compared bit for bit with the emulator's (recomputed by emulator_vectors.py)."""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import numpy as np
import openai
import pytest

from emulator_vectors import float32_bits, token_text, vector
from gateway_procs import ACCESS_KEY, cleanup_dir, make_gateway, models_env, running_emulator, running_gateway, module_emulator

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
MODELS = [
    {"id": "route-gen", "endpoint": "demo-endpoint", "format": "sagemaker-openai"},
    {"id": "route-named", "endpoint": "demo-endpoint", "format": "sagemaker-openai", "container_model": "emulator-model"},
    {"id": "route-wrong-model", "endpoint": "demo-endpoint", "format": "sagemaker-openai", "container_model": "gpt-9"},
    {"id": "route-small-batches", "endpoint": "demo-endpoint", "format": "sagemaker-openai", "max_batch_size": 3},
    {"id": "route-missing", "endpoint": "no-such-endpoint", "format": "sagemaker-openai"},
    {"id": "tei", "endpoint": "demo-endpoint", "format": "embeddings"},
]
IC_MODELS = [
    {"id": "ic-gen", "endpoint": "shared-endpoint", "inference_component": "llama-ic", "format": "sagemaker-openai"},
    {"id": "ic-missing", "endpoint": "shared-endpoint", "inference_component": "other-ic", "format": "sagemaker-openai"},
]



emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    with running_gateway(emulator, translator_env=models_env(tmp_path_factory.mktemp("models"), MODELS)) as gw:
        yield gw


@pytest.fixture(scope="module")
def ic_emulator(tmp_path_factory):
    with running_emulator(
        tmp_path_factory.mktemp("emu-ic"), "--endpoint", "shared-endpoint", "--inference-component", "llama-ic"
    ) as emu:
        yield emu


@pytest.fixture(scope="module")
def ic_gateway(ic_emulator, tmp_path_factory):
    gw = make_gateway(ic_emulator, translator_env=models_env(tmp_path_factory.mktemp("models-ic"), IC_MODELS))
    yield gw
    gw.stop()
    cleanup_dir(gw.workdir)


def client_for(gw):
    return openai.OpenAI(base_url=gw.base_url, api_key=KEY, max_retries=0, timeout=30)


@pytest.fixture
def client(gateway):
    return client_for(gateway)


def post(gateway, path, body):
    """A plain request, to see the exact JSON text of the vectors."""
    req = urllib.request.Request(
        gateway.root_url + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def bits(values) -> bytes:
    return np.asarray(values, dtype=np.float32).tobytes()


def operations(emulator) -> dict:
    return emulator.stats()["openai_route"]["operations"]


def stream(client, model, prompt, include_usage=True, **fields):
    options = {"stream_options": {"include_usage": True}} if include_usage else {}
    chunks = list(client.completions.create(model=model, prompt=prompt, stream=True, **options, **fields))
    assert all(c.object == "text_completion" and c.model == model for c in chunks)
    assert len({c.id for c in chunks}) == 1
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    return text, finishes, chunks


# MARK: completions


def test_completion_goes_to_the_openai_route_with_a_bearer_token(client, emulator):
    before = emulator.stats()
    r = client.completions.create(model="route-gen", prompt="How are you?")
    assert r.object == "text_completion" and r.model == "route-gen" and r.id.startswith("cmpl-")
    [choice] = r.choices
    assert (choice.index, choice.text, choice.finish_reason, choice.logprobs) == (0, GREETING + "How are you?", "stop", None)
    assert r.usage.prompt_tokens == 3
    assert r.usage.completion_tokens == len(choice.text.split(" "))
    after = emulator.stats()
    route_before, route_after = before["openai_route"], after["openai_route"]
    assert route_after["requests"] == route_before["requests"] + 1
    assert route_after["operations"].get("completions", 0) == route_before["operations"].get("completions", 0) + 1
    assert after["invocations"] == before["invocations"], "not InvokeEndpoint"
    assert after["signature_failures"] == before["signature_failures"]
    assert route_after["access_key_ids"] == [ACCESS_KEY]
    assert route_after["distinct_tokens"] == 1, "one token for the same credentials, whatever the operation"


def test_completion_streamed_is_plain_sse_through(client, emulator):
    before = operations(emulator).get("completions", 0)
    text, finishes, chunks = stream(client, "route-named", "Stream this")
    assert text == GREETING + "Stream this"
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(text.split(" "))
    assert chunks[-1].usage.prompt_tokens == 2
    assert operations(emulator)["completions"] == before + 1


def test_completion_streamed_without_include_usage_has_no_usage_chunk(client):
    text, _, chunks = stream(client, "route-gen", "x", include_usage=False)
    assert text == GREETING + "x"
    assert all(c.choices and c.usage is None for c in chunks)


def test_completion_parameters_pass_through(client):
    r = client.completions.create(model="route-gen", prompt="alpha beta gamma", stop=[" beta", "zzz"])
    assert (r.choices[0].text, r.choices[0].finish_reason) == (GREETING + "alpha", "stop")
    r = client.completions.create(model="route-gen", prompt="alpha beta gamma", max_tokens=3)
    assert (r.choices[0].text, r.choices[0].finish_reason) == ("Hello from the", "length")
    r = client.completions.create(model="route-gen", prompt=["first", "second"], n=2)
    assert [c.text for c in r.choices] == [GREETING + "first"] * 2 + [GREETING + "second"] * 2
    r = client.completions.create(model="route-gen", prompt=[[7, 8]])
    assert [c.text for c in r.choices] == [GREETING + token_text([7, 8])]
    r = client.completions.create(model="route-gen", prompt="Hi there", logprobs=2)
    assert "".join(r.choices[0].logprobs.tokens) == r.choices[0].text


@pytest.mark.parametrize("framing", ["[part_bytes=1]", "[jsonlines][part_bytes=2]"])
def test_completion_utf8_split_across_http_chunks(client, framing):
    # [jsonlines] asks an /invocations container for JSON lines; the OpenAI route streams SSE whatever it says.
    text, finishes, _ = stream(client, "route-gen", "café 🚀 日本語 ✓ " + framing)
    assert text == GREETING + "café 🚀 日本語 ✓"
    assert finishes == ["stop"]


def test_completion_mid_stream_failure_reaches_the_client(client):
    got = []
    with pytest.raises(openai.APIError):
        for chunk in client.completions.create(model="route-gen", prompt="[tokens=6][fail_after=2]", stream=True):
            got.append(chunk.choices[0].text)
    assert "".join(got) == "t1 t2"


@pytest.mark.parametrize(
    "model, prompt, error, status",
    [
        ("route-gen", "x [model_error=400]", openai.BadRequestError, 400),
        ("route-gen", "x [model_error=500]", openai.APIStatusError, 502),
        ("route-gen", "x [throttle]", openai.RateLimitError, 429),
        ("route-missing", "x", openai.NotFoundError, 404),
        ("route-wrong-model", "x", openai.NotFoundError, 404),
    ],
)
def test_completion_errors_are_mapped_like_chat(client, model, prompt, error, status):
    for streamed in (False, True):
        with pytest.raises(error) as e:
            r = client.completions.create(model=model, prompt=prompt, stream=streamed)
            if streamed:
                list(r)
        assert e.value.status_code == status


# MARK: embeddings


def test_embeddings_go_to_the_openai_route_and_are_bit_exact(gateway, emulator):
    texts = ["hello", "wörld 🚀", "a longer sentence to embed"]
    before = emulator.stats()
    status, body = post(gateway, "/v1/embeddings", {"model": "route-gen", "input": texts, "encoding_format": "float"})
    assert status == 200, body
    answer = json.loads(body, parse_float=str)
    assert answer["object"] == "list" and answer["model"] == "route-gen"
    assert [d["index"] for d in answer["data"]] == [0, 1, 2]
    for text, item in zip(texts, answer["data"]):
        assert bits([float(n) for n in item["embedding"]]) == float32_bits(vector(text))
    # The container's usage (the emulator counts words), not an estimate.
    assert answer["usage"] == {"prompt_tokens": 8, "total_tokens": 8}
    after = emulator.stats()
    assert after["openai_route"]["operations"].get("embeddings", 0) == (
        before["openai_route"]["operations"].get("embeddings", 0) + 1
    )
    assert after["invocations"] == before["invocations"]
    assert after["openai_route"]["access_key_ids"] == [ACCESS_KEY]


def test_embeddings_base64_is_little_endian_float32(gateway, client):
    status, body = post(gateway, "/v1/embeddings", {"model": "route-named", "input": "hello", "encoding_format": "base64"})
    assert status == 200, body
    assert base64.b64decode(json.loads(body)["data"][0]["embedding"]) == float32_bits(vector("hello"))
    # The SDK asks for base64 by default and decodes it.
    r = client.embeddings.create(model="route-gen", input=["hello", "again"])
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector("hello")), float32_bits(vector("again"))]


@pytest.mark.parametrize(
    "value, texts",
    [
        ("one string", ["one string"]),
        ([101, 2023, 102], [token_text([101, 2023, 102])]),
        ([[1, 2], [3]], [token_text([1, 2]), token_text([3])]),
    ],
)
def test_embeddings_input_shapes(client, value, texts):
    r = client.embeddings.create(model="route-gen", input=value)
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector(t)) for t in texts]


def test_embeddings_dimensions(client):
    r = client.embeddings.create(model="route-gen", input="short", dimensions=4)
    assert bits(r.data[0].embedding) == float32_bits(vector("short", 4))


def test_embeddings_are_batched_and_answered_in_order(client, emulator):
    texts = [f"slow {i} [delay_ms={400 - 100 * (i // 3)}]" for i in range(7)]
    before = operations(emulator).get("embeddings", 0)
    r = client.embeddings.create(model="route-small-batches", input=texts)
    assert operations(emulator)["embeddings"] - before == 3  # 3 + 3 + 1
    assert [d.index for d in r.data] == list(range(7))
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector(t)) for t in texts]
    assert r.usage.prompt_tokens == 3 * 7  # the container's word counts, summed over the calls


def test_embeddings_errors_are_mapped(client):
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="route-wrong-model", input="x")
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="route-missing", input="x")


# MARK: inference components


def test_inference_component_route(ic_gateway, ic_emulator):
    c = client_for(ic_gateway)
    before = ic_emulator.stats()["openai_route"]
    r = c.completions.create(model="ic-gen", prompt="component")
    assert r.choices[0].text == GREETING + "component"
    text, finishes, _ = stream(c, "ic-gen", "component stream")
    assert (text, finishes) == (GREETING + "component stream", ["stop"])
    r = c.embeddings.create(model="ic-gen", input=["a", "b"])
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector("a")), float32_bits(vector("b"))]
    after = ic_emulator.stats()["openai_route"]
    assert after["inference_component_requests"] == before["inference_component_requests"] + 3
    assert after["operations"]["completions"] == before["operations"].get("completions", 0) + 2
    assert after["operations"]["embeddings"] == before["operations"].get("embeddings", 0) + 1
    for call in (
        lambda: c.completions.create(model="ic-missing", prompt="x"),
        lambda: c.embeddings.create(model="ic-missing", input="x"),
    ):
        with pytest.raises(openai.NotFoundError):
            call()


# MARK: routes


def test_every_endpoint_is_served_and_wrong_formats_still_400(client):
    r = client.chat.completions.create(model="route-gen", messages=[{"role": "user", "content": "chat too"}])
    assert r.choices[0].message.content == GREETING + "chat too"
    with pytest.raises(openai.BadRequestError) as info:
        client.completions.create(model="tei", prompt="hi")
    assert info.value.param == "model"
    assert info.value.body["message"] == (
        "The model `tei` is configured with format `embeddings`, which does not serve `/v1/completions`; "
        "it serves `/v1/embeddings`."
    )


# MARK: the emulator's route itself, with a token minted as botocore mints it


def post_route(emulator, operation, body, component=None):
    from test_gateway_openai_route import mint

    path = "/endpoints/demo-endpoint" + (f"/inference-components/{component}" if component else "")
    req = urllib.request.Request(
        emulator.url + path + "/openai/v1/" + operation, data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + mint()},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def test_emulated_route_streams_completions_as_plain_sse(emulator):
    status, content_type, body = post_route(
        emulator, "completions", {"model": "", "prompt": "direct", "stream": True}
    )
    assert (status, content_type) == (200, "text/event-stream")
    events = body.decode().split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    chunks = [json.loads(e[len("data: "):]) for e in events[:-2]]
    assert "".join(c["choices"][0]["text"] for c in chunks) == GREETING + "direct"


def test_emulated_route_answers_embeddings_and_completions_as_json(emulator):
    status, content_type, body = post_route(emulator, "embeddings", {"model": "", "input": ["a"]})
    assert (status, content_type) == (200, "application/json")
    assert bits(json.loads(body)["data"][0]["embedding"]) == float32_bits(vector("a"))
    status, _, body = post_route(emulator, "completions", {"model": "", "prompt": "direct"})
    assert status == 200 and json.loads(body)["choices"][0]["text"] == GREETING + "direct"


def test_emulated_route_passes_container_errors_through_unwrapped(emulator):
    status, _, body = post_route(emulator, "completions", {"model": "", "prompt": "x [model_error=422]"})
    assert status == 422
    error = json.loads(body)
    assert error["object"] == "error" and error["code"] == 422, "vLLM's own error, not a ModelError"
    status, _, body = post_route(emulator, "embeddings", {"model": "gpt-9", "input": "x"})
    assert status == 404 and json.loads(body)["type"] == "NotFoundError"


def test_emulated_route_refuses_other_paths_and_components(emulator):
    status, _, _ = post_route(emulator, "models", {})
    assert status == 404
    status, _, body = post_route(emulator, "embeddings", {"model": "", "input": "x"}, component="some-ic")
    assert status == 400 and b"Inference Component Name header is not allowed" in body
