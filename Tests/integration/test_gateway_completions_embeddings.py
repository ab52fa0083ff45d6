"""End to end: /v1/completions and /v1/embeddings through the openai SDK -> httpshim -> translator -> emulator.

Embedding vectors are compared bit for bit with the emulator's (recomputed by emulator_vectors.py), both as the
SDK decodes them (base64 by default) and as JSON floats read as text."""
from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request

import numpy as np
import openai
import pytest

from emulator_vectors import float32_bits, token_text, vector
from gateway_procs import models_env, running_gateway, module_emulator

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
MODELS = {
    "models": [
        {"id": "gen", "endpoint": "demo-endpoint", "format": "openai"},
        {"id": "gen-named", "endpoint": "demo-endpoint", "format": "openai", "container_model": "emulator-model"},
        {"id": "tei", "endpoint": "demo-endpoint", "format": "embeddings"},
        # Above the emulator's limit of 32 inputs per call: the container's 413 must reach the client as a 400.
        {"id": "tei-oversized", "endpoint": "demo-endpoint", "format": "embeddings", "max_batch_size": 64},
        {"id": "tei-small-batches", "endpoint": "demo-endpoint", "format": "embeddings", "max_batch_size": 3},
        {"id": "native-tgi", "endpoint": "demo-endpoint", "format": "tgi", "prompt_template": "mistral"},
    ]
}


emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    with running_gateway(emulator, translator_env=models_env(tmp_path_factory.mktemp("models"), MODELS["models"])) as gw:
        yield gw


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)


def post(gateway, path, body):
    """A plain request, to see the exact JSON text (float formatting) and error bodies."""
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


# MARK: completions


def test_completion_non_streaming(client):
    r = client.completions.create(model="gen", prompt="How are you?")
    assert r.object == "text_completion"
    assert r.id.startswith("cmpl-")
    assert r.model == "gen"
    assert len(r.choices) == 1
    choice = r.choices[0]
    assert (choice.index, choice.text, choice.finish_reason, choice.logprobs) == (0, GREETING + "How are you?", "stop", None)
    assert r.usage.prompt_tokens == 3
    assert r.usage.completion_tokens == len(choice.text.split(" "))
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_completion_streaming_with_usage(client):
    chunks = list(
        client.completions.create(
            model="gen-named", prompt="Stream this", stream=True, stream_options={"include_usage": True}
        )
    )
    assert all(c.object == "text_completion" and c.model == "gen-named" for c in chunks)
    assert len({c.id for c in chunks}) == 1 and chunks[0].id.startswith("cmpl-")
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    assert text == GREETING + "Stream this"
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(text.split(" "))
    assert chunks[-1].usage.prompt_tokens == 2


def test_completion_usage_is_estimated_when_the_container_sends_none(client):
    prompt = "Count me [no_usage]"
    chunks = list(
        client.completions.create(model="gen", prompt=prompt, stream=True, stream_options={"include_usage": True})
    )
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    assert text == GREETING + "Count me"
    usage = chunks[-1].usage
    # One token per streamed text chunk; the prompt at about four bytes per token.
    assert usage.completion_tokens == len(text.split(" "))
    assert usage.prompt_tokens == (len(prompt.encode()) + 3) // 4


def test_completion_streaming_without_include_usage_has_no_usage_chunk(client):
    chunks = list(client.completions.create(model="gen", prompt="x", stream=True))
    assert all(c.choices for c in chunks) and all(c.usage is None for c in chunks)


def test_completion_stop_and_max_tokens(client):
    r = client.completions.create(model="gen", prompt="alpha beta gamma", stop=[" beta", "zzz"])
    assert (r.choices[0].text, r.choices[0].finish_reason) == (GREETING + "alpha", "stop")
    r = client.completions.create(model="gen", prompt="alpha beta gamma", max_tokens=3)
    assert (r.choices[0].text, r.choices[0].finish_reason) == ("Hello from the", "length")
    chunks = list(client.completions.create(model="gen", prompt="one two", stop="two", stream=True))
    assert "".join(c.choices[0].text for c in chunks) == GREETING + "one "


def expected_logprobs(text_tokens, k):
    values = [-((i % 7) + 1) / 8 for i in range(len(text_tokens))]
    offsets, position = [], 0
    for token in text_tokens:
        offsets.append(position)
        position += len(token.encode())
    return values, offsets


def test_completion_logprobs(client):
    r = client.completions.create(model="gen", prompt="Hi there", logprobs=2)
    lp = r.choices[0].logprobs
    assert "".join(lp.tokens) == r.choices[0].text == GREETING + "Hi there"
    values, offsets = expected_logprobs(lp.tokens, 2)
    assert lp.token_logprobs == values and lp.text_offset == offsets
    assert [list(t.keys())[0] for t in lp.top_logprobs] == lp.tokens
    assert all(len(t) == 2 for t in lp.top_logprobs)


def test_completion_logprobs_streamed_ride_on_their_text(client):
    chunks = list(client.completions.create(model="gen", prompt="Hi there", logprobs=1, stream=True))
    with_text = [c.choices[0] for c in chunks if c.choices[0].text]
    assert all(c.logprobs is not None and "".join(c.logprobs.tokens) == c.text for c in with_text)
    tokens = [t for c in with_text for t in c.logprobs.tokens]
    values, offsets = expected_logprobs(tokens, 1)
    assert [v for c in with_text for v in c.logprobs.token_logprobs] == values
    assert [o for c in with_text for o in c.logprobs.text_offset] == offsets


@pytest.mark.parametrize("framing", ["", "[jsonlines]", "[part_bytes=1]", "[jsonlines][part_bytes=2]"])
def test_completion_utf8_split_across_payload_parts_is_byte_exact(client, framing):
    chunks = list(client.completions.create(model="gen", prompt="café 🚀 日本語 ✓ " + framing, stream=True, logprobs=1))
    assert "".join(c.choices[0].text for c in chunks) == GREETING + "café 🚀 日本語 ✓"
    assert "".join(t for c in chunks if c.choices[0].logprobs for t in c.choices[0].logprobs.tokens) == (
        GREETING + "café 🚀 日本語 ✓"
    )


def test_completion_mid_stream_failure_reaches_the_client(client):
    stream = client.completions.create(model="gen", prompt="[tokens=6][fail_after=2]", stream=True)
    got = []
    with pytest.raises(openai.APIError):
        for chunk in stream:
            got.append(chunk.choices[0].text)
    assert "".join(got) == "t1 t2"


@pytest.mark.parametrize(
    "prompt, texts",
    [
        (["first", "second"], [GREETING + "first", GREETING + "second"]),
        ([1, 2, 3], [GREETING + "tokens:1 2 3"]),
        ([[7], [8, 9]], [GREETING + "tokens:7", GREETING + "tokens:8 9"]),
    ],
)
def test_completion_prompt_shapes(client, prompt, texts):
    r = client.completions.create(model="gen", prompt=prompt)
    assert [(c.index, c.text) for c in r.choices] == list(enumerate(texts))
    chunks = list(client.completions.create(model="gen", prompt=prompt, stream=True))
    for index, text in enumerate(texts):
        assert "".join(c.choices[0].text for c in chunks if c.choices[0].index == index) == text


def test_completion_n_gives_several_choices(client):
    r = client.completions.create(model="gen", prompt="twice", n=2)
    assert [(c.index, c.text) for c in r.choices] == [(0, GREETING + "twice"), (1, GREETING + "twice")]


@pytest.mark.parametrize(
    "fields, param, words",
    [
        ({"echo": True}, "echo", "'echo' parameter is not supported"),
        ({"best_of": 3}, "best_of", "'best_of' parameter is not supported"),
        ({"logprobs": 6}, "logprobs", "Expected a value <= 5"),
        ({"prompt": []}, "prompt", "empty array"),
        ({"prompt": [1, "a"]}, "prompt[1]", "expected an integer"),
        ({"prompt": None}, "prompt", "Missing required parameter: 'prompt'"),
        ({"suffix": 1}, "suffix", "expected a string"),
        ({"stream_options": {"include_usage": True}}, "stream_options", "only allowed when 'stream' is enabled"),
    ],
)
def test_completion_bad_requests_are_400_with_param(client, fields, param, words):
    body = {"model": "gen", "prompt": "x"} | fields
    with pytest.raises(openai.BadRequestError) as info:
        client.completions.create(**body)
    assert info.value.status_code == 400
    assert info.value.param == param
    assert words in info.value.message


def test_completion_container_errors_map_like_chat(client):
    with pytest.raises(openai.RateLimitError):
        client.completions.create(model="gen", prompt="[throttle]")
    with pytest.raises(openai.BadRequestError):
        client.completions.create(model="gen", prompt="[model_error=422]")


# MARK: embeddings


def test_embeddings_float_are_bit_exact_and_shortest(gateway):
    texts = ["hello", "wörld 🚀", "a longer sentence to embed"]
    status, body = post(gateway, "/v1/embeddings", {"model": "tei", "input": texts, "encoding_format": "float"})
    assert status == 200, body
    answer = json.loads(body, parse_float=str)
    assert answer["object"] == "list" and answer["model"] == "tei"
    assert [d["index"] for d in answer["data"]] == [0, 1, 2]
    for text, item in zip(texts, answer["data"]):
        assert item["object"] == "embedding"
        numbers = item["embedding"]
        assert bits([float(n) for n in numbers]) == float32_bits(vector(text))
        for n in numbers:
            # The shortest decimal that reads back as this float32: as many digits as numpy's unique repr.
            shortest = np.format_float_scientific(np.float32(n), unique=True, trim="-")
            digits = lambda s: len(s.split("e")[0].replace("-", "").replace(".", "").lstrip("0"))
            assert digits(n) == digits(shortest), (n, shortest)
    estimated = sum(max(1, (len(t.encode()) + 3) // 4) for t in texts)
    assert answer["usage"] == {"prompt_tokens": estimated, "total_tokens": estimated}


def test_embeddings_base64_is_little_endian_float32(gateway):
    status, body = post(gateway, "/v1/embeddings", {"model": "tei", "input": "hello", "encoding_format": "base64"})
    assert status == 200, body
    data = json.loads(body)["data"]
    assert base64.b64decode(data[0]["embedding"]) == float32_bits(vector("hello"))


def test_sdk_default_base64_decodes_to_the_same_vectors(client):
    r = client.embeddings.create(model="tei", input=["hello", "again"])
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector("hello")), float32_bits(vector("again"))]
    r = client.embeddings.create(model="tei", input=["hello"], encoding_format="float")
    assert bits(r.data[0].embedding) == float32_bits(vector("hello"))


@pytest.mark.parametrize("model", ["tei", "gen"])
@pytest.mark.parametrize(
    "value, texts",
    [
        ("one string", ["one string"]),
        (["a", "b", "c"], ["a", "b", "c"]),
        ([101, 2023, 102], [token_text([101, 2023, 102])]),
        ([[1, 2], [3]], [token_text([1, 2]), token_text([3])]),
    ],
)
def test_embeddings_every_input_shape(client, model, value, texts):
    r = client.embeddings.create(model=model, input=value)
    assert r.model == model
    assert [d.index for d in r.data] == list(range(len(texts)))
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector(t)) for t in texts]


def test_embeddings_openai_format_reports_the_containers_usage(client):
    r = client.embeddings.create(model="gen-named", input=["three words here", "two words"])
    # The emulator counts words; an estimate would have said 4 + 3.
    assert (r.usage.prompt_tokens, r.usage.total_tokens) == (5, 5)


def test_embeddings_dimensions(client):
    for model in ("tei", "gen"):
        r = client.embeddings.create(model=model, input="short", dimensions=4)
        assert bits(r.data[0].embedding) == float32_bits(vector("short", 4))


def test_embeddings_more_inputs_than_the_batch_limit_answer_in_order(client, emulator):
    texts = [f"input number {i}" for i in range(70)]
    before = emulator.stats()["invocations"]
    r = client.embeddings.create(model="tei", input=texts)
    assert emulator.stats()["invocations"] - before == 3  # 32 + 32 + 6
    assert [d.index for d in r.data] == list(range(70))
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector(t)) for t in texts]
    before = emulator.stats()["invocations"]
    r = client.embeddings.create(model="tei-small-batches", input=texts[:7])
    assert emulator.stats()["invocations"] - before == 3  # 3 + 3 + 1
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector(t)) for t in texts[:7]]


def test_embeddings_batches_run_concurrently_and_answer_in_input_order(client, emulator):
    # Batch 0 (inputs 0-2) answers last, batch 3 first: the answer must still be in input order, and the four
    # batches run at once, so the whole takes about the slowest one, not the sum.
    texts = [f"slow {i} [delay_ms={600 - 150 * (i // 3)}]" for i in range(12)]
    before = emulator.stats()["invocations"]
    started = time.monotonic()
    r = client.embeddings.create(model="tei-small-batches", input=texts)
    elapsed = time.monotonic() - started
    assert emulator.stats()["invocations"] - before == 4
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector(t)) for t in texts]
    assert elapsed < 1.2, elapsed  # sequential would be 0.6 + 0.45 + 0.3 + 0.15 = 1.5 s


def test_abandoned_batched_embeddings_leave_the_gateway_healthy(gateway):
    texts = [f"stalled {i} [delay_ms=1500]" for i in range(9)]
    c = openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=0.3)
    with pytest.raises(openai.APITimeoutError):
        c.embeddings.create(model="tei-small-batches", input=texts)
    # The gateway is still healthy and answers the next request at once.
    assert client_for(gateway).embeddings.create(model="tei", input="after").data[0].index == 0


def client_for(gateway):
    return openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)


def test_openai_format_embeddings_are_batched_too_and_usage_summed(client, emulator):
    texts = [f"openai input {i}" for i in range(40)]
    before = emulator.stats()["invocations"]
    r = client.embeddings.create(model="gen", input=texts)
    assert emulator.stats()["invocations"] - before == 2  # 32 + 8
    assert [bits(d.embedding) for d in r.data] == [float32_bits(vector(t)) for t in texts]
    assert r.usage.prompt_tokens == 3 * 40  # the container's word counts, summed over both calls


def test_embeddings_batch_over_the_containers_limit_is_a_400(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="tei-oversized", input=[f"x{i}" for i in range(40)])
    assert "maximum allowed batch size 32" in info.value.message


@pytest.mark.parametrize(
    "fields, param",
    [
        ({"input": ""}, "input"),
        ({"input": []}, "input"),
        ({"input": ["ok", 3]}, "input[1]"),
        ({"input": [[1], []]}, "input[1]"),
        ({"encoding_format": "binary"}, "encoding_format"),
        ({"dimensions": 0}, "dimensions"),
        ({"input": ["x"] * 2049}, "input"),
    ],
)
def test_embeddings_bad_requests_are_400_with_param(client, fields, param):
    body = {"model": "tei", "input": "x"} | fields
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(**body)
    assert info.value.param == param


# MARK: routes


def test_wrong_format_routes_are_400_naming_model_and_format(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.completions.create(model="tei", prompt="hi")
    assert "`tei`" in info.value.message and "`embeddings`" in info.value.message and info.value.param == "model"
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="tei", messages=[{"role": "user", "content": "hi"}])
    assert "`tei`" in info.value.message and "`embeddings`" in info.value.message
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="native-tgi", input="hi")
    assert "`native-tgi`" in info.value.message and "`tgi`" in info.value.message


def test_unknown_model_is_404(client):
    with pytest.raises(openai.NotFoundError) as info:
        client.embeddings.create(model="nope", input="hi")
    assert info.value.code == "model_not_found"
    with pytest.raises(openai.NotFoundError):
        client.completions.create(model="nope", prompt="hi")


def test_wrong_method_is_405(gateway):
    req = urllib.request.Request(gateway.root_url + "/v1/embeddings", headers={"Authorization": f"Bearer {KEY}"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 405


def test_langchain_openai_embeddings(gateway):
    langchain_openai = pytest.importorskip("langchain_openai")
    # No tiktoken model exists for our ids, so LangChain must not try to count tokens itself.
    embeddings = langchain_openai.OpenAIEmbeddings(
        model="tei", base_url=gateway.base_url, api_key=KEY, check_embedding_ctx_length=False, max_retries=0
    )
    docs = embeddings.embed_documents(["first doc", "second doc"])
    assert [bits(v) for v in docs] == [float32_bits(vector("first doc")), float32_bits(vector("second doc"))]
    assert bits(embeddings.embed_query("a query")) == float32_bits(vector("a query"))
