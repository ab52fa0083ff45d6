"""Keys scoped to models (issue 7): a key object in the secret with `models` reaches and lists only those,
and its `name` stands in the log for the key's fingerprint. Every earlier secret format keeps working."""
from __future__ import annotations

import json

import openai
import pytest

from gateway_procs import cleanup_dir, make_gateway, module_emulator

GREETING = "Hello from the SageMaker emulator. You said: "
SECRET = {"api_keys": [
    "sk-everything",
    {"key": "sk-search", "name": "team-search", "models": ["alpha", "beta"]},
    {"key": "sk-named", "name": "ops"},
]}


emulator = module_emulator("--endpoint", "demo-endpoint", "--endpoint", "other-endpoint",
                         "--secret", "scoped-keys=" + json.dumps(SECRET))


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    models = tmp_path_factory.mktemp("models") / "models.json"
    models.write_text(json.dumps({"models": [
        {"id": "alpha", "endpoint": "demo-endpoint"},
        {"id": "beta", "endpoint": "other-endpoint"},
        {"id": "gamma", "endpoint": "demo-endpoint"},
    ]}))
    gw = make_gateway(emulator, api_keys=None, translator_env={
        "AUTH_SECRET_ID": "scoped-keys", "SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    yield gw
    gw.stop()
    cleanup_dir(gw.workdir)


def client(gw, key):
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=30)


def ask(gw, key, model, **kw):
    return client(gw, key).chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}], **kw)


def test_a_scoped_key_lists_only_its_models(gateway):
    assert [m.id for m in client(gateway, "sk-search").models.list().data] == ["alpha", "beta"]
    assert [m.id for m in client(gateway, "sk-everything").models.list().data] == ["alpha", "beta", "gamma"]
    assert [m.id for m in client(gateway, "sk-named").models.list().data] == ["alpha", "beta", "gamma"]


def test_a_scoped_key_reaches_only_its_models(gateway):
    for model in ("alpha", "beta"):
        assert ask(gateway, "sk-search", model).choices[0].message.content == GREETING + "x"
    for stream in (False, True):
        with pytest.raises(openai.NotFoundError) as e:
            r = ask(gateway, "sk-search", "gamma", stream=stream)
            if stream:
                list(r)
        assert e.value.body["code"] == "model_not_found"
        assert e.value.body["param"] == "model"
        # The same answer as for a model that does not exist: nothing tells the key gamma exists.
        assert "gamma" in e.value.body["message"]
    with pytest.raises(openai.NotFoundError) as e:
        client(gateway, "sk-search").models.retrieve("gamma")
    assert e.value.body["code"] == "model_not_found"
    assert client(gateway, "sk-search").models.retrieve("beta").id == "beta"
    assert ask(gateway, "sk-everything", "gamma").choices[0].message.content == GREETING + "x"


def test_the_key_name_stands_in_the_log_for_the_fingerprint(gateway):
    ask(gateway, "sk-search", "alpha")
    ask(gateway, "sk-everything", "alpha")
    log = gateway.translator.log()
    assert " key team-search" in log
    assert " key sha256:" in log
    for key in ("sk-search", "sk-everything", "sk-named"):
        assert key not in log + gateway.shim.log()


def test_wrong_keys_are_still_401(gateway):
    with pytest.raises(openai.AuthenticationError):
        ask(gateway, "sk-nope", "alpha")
