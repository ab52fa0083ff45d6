"""Process lifecycle and AWS identity end to end: restarts, refusals, container credentials, Secrets Manager keys."""
from __future__ import annotations

import json
import signal
import subprocess

import openai
import pytest

from gateway_procs import bin_dir, cleanup_dir, make_gateway, module_emulator

GREETING = "Hello from the SageMaker emulator. You said: "


emulator = module_emulator(
    "--endpoint", "demo-endpoint",
    "--endpoint", "other-endpoint",
    "--secret", 'gateway-keys={"api_keys": ["sk-rotating-1", "sk-second"]}',
    "--secret", "plain-key=sk-plain",
    "--secret", 'legacy={"bedrock-access-gateway-apikey": "sk-legacy"}',
    "--container-credentials-token", "ecs-token-123",
)


def chat(gw, key, text="hi", **kw):
    c = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=30)
    return c.chat.completions.create(model="m", messages=[{"role": "user", "content": text}], **kw)


def test_translator_restart_gives_503_then_recovers(emulator):
    gw = make_gateway(emulator)
    try:
        assert chat(gw, "sk-test-key").choices[0].message.content == GREETING + "hi"
        assert gw.translator.stop() == 0
        with pytest.raises(openai.InternalServerError) as e:
            chat(gw, "sk-test-key")
        assert e.value.status_code == 503
        assert e.value.body["code"] == "translator_unavailable"
        gw.start_translator()
        assert chat(gw, "sk-test-key", "back").choices[0].message.content == GREETING + "back"
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_shim_starts_before_translator(emulator):
    gw = make_gateway(emulator, start=False)
    try:
        gw.start_shim()
        with pytest.raises(openai.InternalServerError):
            chat(gw, "sk-test-key")
        gw.start_translator()
        assert chat(gw, "sk-test-key").choices[0].message.content == GREETING + "hi"
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_the_shim_port_is_the_one_the_kernel_gave_it(emulator):
    # The fixtures start every shim with PORT=0 and read the port back from /proc: a port chosen in advance can be
    # taken by another process before the shim binds it. The shim's own log line must name the same port, after
    # a restart too (which may bind elsewhere).
    gw = make_gateway(emulator)
    try:
        assert gw.shim_env["PORT"] == "0" and gw.port > 0
        assert f"listening on http://127.0.0.1:{gw.port};" in gw.shim.log()
        assert chat(gw, "sk-test-key").choices[0].message.content == GREETING + "hi"
        gw.shim.stop()
        gw.start_shim()
        # The log is appended across restarts: the last line of its kind is the new shim's.
        assert gw.shim.log().rsplit("listening on ", 1)[1].startswith(f"http://127.0.0.1:{gw.port};")
        assert chat(gw, "sk-test-key", "again").choices[0].message.content == GREETING + "again"
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_sigterm_drains_an_in_flight_stream(emulator):
    gw = make_gateway(emulator)
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="sk-test-key", max_retries=0, timeout=30)
        stream = c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "[tokens=30][delay_ms=50]"}], stream=True
        )
        it = iter(stream)
        first = next(it)
        assert first.choices[0].delta.role == "assistant"
        gw.translator.proc.send_signal(signal.SIGTERM)
        gw.shim.proc.send_signal(signal.SIGTERM)
        text = "".join(ch.choices[0].delta.content or "" for ch in it if ch.choices)
        assert text == " ".join(f"t{k}" for k in range(1, 31))
        assert gw.translator.proc.wait(timeout=10) == 0
        assert gw.shim.proc.wait(timeout=10) == 0
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


@pytest.mark.parametrize(
    "env,needle",
    [
        ({"API_KEYS": None}, "AUTH_SECRET_ID"),
        ({"AWS_REGION": None}, "AWS_REGION"),
        ({"SAGEMAKER_ENDPOINT_NAME": None}, "SAGEMAKER_ENDPOINT_NAME"),
        ({"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}, "credentials"),
    ],
)
def test_translator_refuses_to_start_and_says_why(emulator, env, needle):
    gw = make_gateway(emulator, translator_env=env, start=False)
    try:
        p = subprocess.run([str(bin_dir() / "translator")], env=gw.translator_env, capture_output=True, text=True, timeout=10)
        assert p.returncode == 2
        assert needle in p.stderr
    finally:
        cleanup_dir(gw.workdir)


def test_allow_unauthenticated_is_explicit(emulator):
    gw = make_gateway(emulator, api_keys=None, translator_env={"ALLOW_UNAUTHENTICATED": "1"})
    try:
        assert chat(gw, "anything").choices[0].message.content == GREETING + "hi"
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_ecs_container_credentials(emulator):
    before = emulator.stats()["credential_fetches"]
    gw = make_gateway(
        emulator,
        translator_env={
            "AWS_ACCESS_KEY_ID": None,
            "AWS_SECRET_ACCESS_KEY": None,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": emulator.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ecs-token-123",
        },
    )
    try:
        assert chat(gw, "sk-test-key").choices[0].message.content == GREETING + "hi"
        stream = chat(gw, "sk-test-key", "streamed", stream=True)
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == GREETING + "streamed"
        assert emulator.stats()["credential_fetches"] == before + 1
        assert "ecs-token-123" not in gw.logs()
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_wrong_container_token_fails_as_502_without_leaking(emulator):
    gw = make_gateway(
        emulator,
        translator_env={
            "AWS_ACCESS_KEY_ID": None,
            "AWS_SECRET_ACCESS_KEY": None,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": emulator.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong-token",
        },
    )
    try:
        with pytest.raises(openai.APIStatusError) as e:
            chat(gw, "sk-test-key")
        assert e.value.status_code == 502
        assert "wrong-token" not in gw.logs()
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_bad_aws_secret_is_502_and_logged_loudly(emulator):
    gw = make_gateway(emulator, translator_env={"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
    try:
        with pytest.raises(openai.APIStatusError) as e:
            chat(gw, "sk-test-key")
        assert e.value.status_code == 502
        assert "not-the-secret" not in json.dumps(e.value.body)
        logs = gw.logs()
        assert "ERROR" in logs and "credentials" in logs
        assert "not-the-secret" not in logs
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


@pytest.mark.parametrize(
    "secret,good,bad",
    [
        ("gateway-keys", ["sk-rotating-1", "sk-second"], "sk-nope"),
        ("plain-key", ["sk-plain"], "sk-rotating-1"),
        ("legacy", ["sk-legacy"], "sk-plain"),
    ],
)
def test_keys_from_secrets_manager(emulator, secret, good, bad):
    gw = make_gateway(emulator, api_keys=None, translator_env={"AUTH_SECRET_ID": secret})
    try:
        for key in good:
            assert chat(gw, key).choices[0].message.content == GREETING + "hi"
        with pytest.raises(openai.AuthenticationError):
            chat(gw, bad)
        logs = gw.logs()
        for key in good + [bad]:
            assert key not in logs
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_unknown_secret_gives_503_not_401(emulator):
    gw = make_gateway(emulator, api_keys=None, translator_env={"AUTH_SECRET_ID": "does-not-exist"})
    try:
        with pytest.raises(openai.InternalServerError) as e:
            chat(gw, "sk-anything")
        assert e.value.status_code == 503
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_models_file_routes_and_404s_unknown_models(emulator, tmp_path):
    models = tmp_path / "models.json"
    models.write_text(json.dumps({"models": [
        {"id": "alpha", "endpoint": "demo-endpoint"},
        {"id": "beta", "endpoint": "other-endpoint", "container_model": "emulator-model"},
        {"id": "ghost", "endpoint": "no-such-endpoint"},
        {"id": "wrong-name", "endpoint": "demo-endpoint", "container_model": "not-served"},
    ]}))
    gw = make_gateway(emulator, translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="sk-test-key", max_retries=0)
        assert [m.id for m in c.models.list().data] == ["alpha", "beta", "ghost", "wrong-name"]
        for model in ("alpha", "beta"):
            r = c.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])
            assert r.model == model and r.choices[0].message.content == GREETING + "x"
        with pytest.raises(openai.NotFoundError) as e:
            c.chat.completions.create(model="gamma", messages=[{"role": "user", "content": "x"}])
        assert e.value.body["code"] == "model_not_found"
        with pytest.raises(openai.NotFoundError):
            c.chat.completions.create(model="ghost", messages=[{"role": "user", "content": "x"}])
        with pytest.raises(openai.BadRequestError):
            c.chat.completions.create(model="wrong-name", messages=[{"role": "user", "content": "x"}])
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_think_tags_become_reasoning_content(emulator, tmp_path):
    models = tmp_path / "models.json"
    models.write_text(json.dumps({"models": [{"id": "thinker", "endpoint": "demo-endpoint", "reasoning": "think-tags"}]}))
    gw = make_gateway(emulator, translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="sk-test-key", max_retries=0)
        prompt = [{"role": "user", "content": "<think>weighing options</think> the answer"}]
        r = c.chat.completions.create(model="thinker", messages=prompt)
        assert r.choices[0].message.model_extra["reasoning_content"] == "weighing options"
        assert "<think>" not in r.choices[0].message.content
        assert r.choices[0].message.content.endswith(" the answer")
        reasoning, content = "", ""
        for chunk in c.chat.completions.create(model="thinker", messages=prompt, stream=True):
            if chunk.choices:
                reasoning += (chunk.choices[0].delta.model_extra or {}).get("reasoning_content") or ""
                content += chunk.choices[0].delta.content or ""
        assert reasoning == "weighing options"
        assert content == r.choices[0].message.content
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)
