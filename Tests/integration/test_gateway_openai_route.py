"""End to end for `format: sagemaker-openai` models: the openai SDK -> httpshim -> translator -> the emulator's
OpenAI-compatible route (`/endpoints/<ep>[/inference-components/<ic>]/openai/v1/chat/completions`), authorised
with a bearer token the translator mints from its AWS credentials; plain JSON and SSE, no event stream.

The route's bearer token is also checked at the emulator directly, with tokens minted by botocore the way the
SageMaker Python SDK mints them, valid, tampered and expired."""
from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request

import openai
import pytest

from gateway_procs import (
    ACCESS_KEY, REGION, SECRET_KEY, cleanup_dir, make_gateway, models_env, running_emulator, running_gateway, module_emulator)

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
CONTAINER_TOKEN = "ecs-token-123"
MODELS = [
    {"id": "route-chat", "endpoint": "demo-endpoint", "format": "sagemaker-openai"},
    {"id": "route-served", "endpoint": "demo-endpoint", "format": "sagemaker-openai", "container_model": "emulator-model"},
    {"id": "route-wrong-model", "endpoint": "demo-endpoint", "format": "sagemaker-openai", "container_model": "gpt-9"},
    {"id": "route-missing", "endpoint": "no-such-endpoint", "format": "sagemaker-openai"},
]
IC_MODELS = [
    {"id": "ic-chat", "endpoint": "shared-endpoint", "inference_component": "llama-ic", "format": "sagemaker-openai"},
    {"id": "ic-missing", "endpoint": "shared-endpoint", "inference_component": "other-ic", "format": "sagemaker-openai"},
]



def run(emulator, translator_env, body):
    gw = make_gateway(emulator, translator_env=translator_env)
    try:
        body(gw)
    except BaseException:
        print(gw.logs())
        raise
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)
    return gw


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


def user(text):
    return [{"role": "user", "content": text}]


def stream(client, model, text, **fields):
    chunks = list(
        client.chat.completions.create(
            model=model, messages=user(text), stream=True, stream_options={"include_usage": True}, **fields
        )
    )
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert all(c.model == model for c in chunks)
    return content, finishes, chunks[-1].usage


def route_stats(emulator):
    return emulator.stats()["openai_route"]


def test_non_streamed_goes_to_the_openai_route_with_a_bearer_token(client, emulator):
    before = emulator.stats()
    r = client.chat.completions.create(model="route-chat", messages=user("How are you?"))
    assert r.model == "route-chat"
    assert r.choices[0].message.content == GREETING + "How are you?"
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens > 0
    after = emulator.stats()
    assert after["openai_route"]["requests"] == before["openai_route"]["requests"] + 1
    assert after["invocations"] == before["invocations"], "not InvokeEndpoint"
    assert after["signature_failures"] == before["signature_failures"]
    assert after["openai_route"]["access_key_ids"] == [ACCESS_KEY]
    # The same credentials keep the same token: it is minted once, not per request.
    assert after["openai_route"]["distinct_tokens"] == 1


def test_streamed_is_plain_sse_through(client, emulator):
    before = route_stats(emulator)
    content, finishes, usage = stream(client, "route-served", "Stream this please")
    assert content == GREETING + "Stream this please"
    assert finishes == ["stop"]
    assert usage.completion_tokens == len(content.split())
    assert route_stats(emulator)["requests"] == before["requests"] + 1


def test_utf8_split_across_http_chunks(client):
    content, finishes, _ = stream(client, "route-chat", "héllo wörld 日本語 🎉 [part_bytes=1]")
    assert content == GREETING + "héllo wörld 日本語 🎉"
    assert finishes == ["stop"]


def test_max_tokens_and_stop_pass_through(client):
    r = client.chat.completions.create(model="route-chat", messages=user("one two three"), max_tokens=2)
    assert r.choices[0].message.content == "Hello from"
    assert r.choices[0].finish_reason == "length"


@pytest.mark.parametrize(
    "model, text, error, status",
    [
        ("route-chat", "x [model_error=400]", openai.BadRequestError, 400),
        ("route-chat", "x [model_error=500]", openai.APIStatusError, 502),
        ("route-chat", "x [throttle]", openai.RateLimitError, 429),
        ("route-missing", "x", openai.NotFoundError, 404),
        ("route-wrong-model", "x", openai.NotFoundError, 404),
    ],
)
def test_errors_are_mapped(client, model, text, error, status):
    for streamed in (False, True):
        with pytest.raises(error) as e:
            r = client.chat.completions.create(model=model, messages=user(text), stream=streamed)
            if streamed:
                list(r)
        assert e.value.status_code == status
        if status == 429:
            assert e.value.response.headers.get("retry-after")


def test_inference_component_route(ic_gateway, ic_emulator):
    c = client_for(ic_gateway)
    before = route_stats(ic_emulator)
    r = c.chat.completions.create(model="ic-chat", messages=user("component"))
    assert r.choices[0].message.content == GREETING + "component"
    content, finishes, _ = stream(c, "ic-chat", "component stream")
    assert content == GREETING + "component stream"
    after = route_stats(ic_emulator)
    assert after["inference_component_requests"] == before["inference_component_requests"] + 2
    with pytest.raises(openai.NotFoundError):
        c.chat.completions.create(model="ic-missing", messages=user("x"))


def test_refused_token_is_a_502_logged_without_the_token(emulator, tmp_path):
    env = models_env(tmp_path, MODELS) | {"AWS_SECRET_ACCESS_KEY": "not-the-secret"}

    def body(gw):
        with pytest.raises(openai.APIStatusError) as e:
            client_for(gw).chat.completions.create(model="route-chat", messages=user("x"))
        assert e.value.status_code == 502
        assert "sagemaker-api-key" not in json.dumps(e.value.body)
        time.sleep(0.2)
        log = gw.logs()
        assert "bearer token" in log and "sagemaker:CallWithBearerToken" in log
        assert "sagemaker-api-key-" not in log

    run(emulator, env, body)


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory):
    with running_emulator(
        tmp_path_factory.mktemp("emu20"), "--credentials-lifetime", "20",
        "--container-credentials-token", CONTAINER_TOKEN,
    ) as emu:
        yield emu


def test_token_is_minted_again_when_credentials_rotate(short_lived, tmp_path):
    """Container credentials that live 20 s are refreshed about every 10 s; each new set must bring a new token
    (a token signed with the old session stops working with it), so every request keeps succeeding."""
    emulator = short_lived
    env = models_env(tmp_path, MODELS) | {
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "HOME": str(tmp_path),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": emulator.url + "/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN,
    }
    before = emulator.stats()

    def body(gw):
        c = client_for(gw)
        deadline = time.monotonic() + 25
        n = 0
        while time.monotonic() < deadline:
            if n % 2:
                assert stream(c, "route-chat", f"n{n}")[0] == GREETING + f"n{n}"
            else:
                r = c.chat.completions.create(model="route-chat", messages=user(f"n{n}"))
                assert r.choices[0].message.content == GREETING + f"n{n}"
            n += 1
            time.sleep(0.25)
        after = emulator.stats()
        assert after["signature_failures"] == before["signature_failures"]
        keys = after["openai_route"]["access_key_ids"]
        assert len(keys) >= 2 and all(k.startswith("ASIA") for k in keys), keys
        assert after["openai_route"]["distinct_tokens"] >= len(keys)
        assert after["openai_route"]["requests"] - before["openai_route"]["requests"] == n

    run(emulator, env, body)


# --- the emulator's check of the token, with tokens botocore mints ---------------------------------------------


def mint(access_key=ACCESS_KEY, secret_key=SECRET_KEY, expires=3600, region=REGION) -> str:
    """A token as the SageMaker Python SDK's generator makes it: botocore's SigV4QueryAuth on CallWithBearerToken."""
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    host = "sagemaker.amazonaws.com"
    request = AWSRequest(
        method="POST", url=f"https://{host}/", headers={"host": host}, params={"Action": "CallWithBearerToken"}
    )
    SigV4QueryAuth(Credentials(access_key, secret_key), "sagemaker", region, expires=expires).add_auth(request)
    url = request.url.replace("https://", "") + "&Version=1"
    return "sagemaker-api-key-" + base64.b64encode(url.encode()).decode()


def post_route(emulator, authorization: str | None):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    body = json.dumps({"model": "", "messages": user("direct")}).encode()
    req = urllib.request.Request(
        emulator.url + "/endpoints/demo-endpoint/openai/v1/chat/completions", data=body, headers=headers
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def tampered(token: str) -> str:
    url = base64.b64decode(token[len("sagemaker-api-key-"):]).decode()
    head, signature = url.split("X-Amz-Signature=")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    return "sagemaker-api-key-" + base64.b64encode((head + "X-Amz-Signature=" + flipped).encode()).decode()


def test_emulator_accepts_a_botocore_minted_token(emulator):
    status, body = post_route(emulator, "Bearer " + mint())
    assert status == 200, body
    assert body["choices"][0]["message"]["content"] == GREETING + "direct"


@pytest.mark.parametrize(
    "authorization, message",
    [
        (None, "Missing Authentication Token"),
        ("Bearer not-a-key", "Invalid API Key format: Must start with pre-defined prefix"),
        ("tampered", "Authentication failed: Please make sure your API Key is valid."),
        ("wrong-secret", "Authentication failed: Please make sure your API Key is valid."),
        ("expired", "Bearer Token has expired"),
    ],
)
def test_emulator_refuses_bad_tokens(emulator, authorization, message):
    if authorization == "tampered":
        authorization = "Bearer " + tampered(mint())
    elif authorization == "wrong-secret":
        authorization = "Bearer " + mint(secret_key="wrong")
    elif authorization == "expired":
        token = mint(expires=1)
        time.sleep(2.1)
        authorization = "Bearer " + token
    before = emulator.stats()["signature_failures"]
    status, body = post_route(emulator, authorization)
    assert status == 403
    assert body["message"] == message
    assert emulator.stats()["signature_failures"] == before + 1
