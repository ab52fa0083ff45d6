"""Issue 12, end to end: the METRICS_PORT page after traffic of every kind, and JSON logs that carry one request
id through both processes beside SageMaker's x-amzn-RequestId, with no secret in any line.

One gateway (container credentials, keys from Secrets Manager, LOG_FORMAT=json) serves chat, completions,
embeddings, Responses and Anthropic requests, streamed and not, errors of each upstream kind, then a request
while the emulator is down; the page is scraped and parsed with prometheus_client's own text parser."""
from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request

import anthropic
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway_procs import METRICS_HOST, cleanup_dir, make_gateway, start_emulator

KEY = "sk-observability-key"
SECRET_NAME = "obs-keys"
CONTAINER_TOKEN = "ecs-token-obs-123"
CLIENT_ID = "client-trace-0f8fad5b-d9cb-469f"
MODELS = {"models": [
    {"id": "chat", "endpoint": "demo-endpoint"},
    {"id": "emb", "endpoint": "demo-endpoint", "format": "embeddings"},
]}


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    """Runs all the traffic once; yields (gateway, page text, families by name, metrics port)."""
    emulator = start_emulator(tmp_path_factory.mktemp("emu"), "--endpoint", "demo-endpoint",
                              "--secret", SECRET_NAME + "=" + json.dumps({"api_keys": [KEY]}),
                              "--container-credentials-token", CONTAINER_TOKEN)
    models = tmp_path_factory.mktemp("models") / "models.json"
    models.write_text(json.dumps(MODELS))
    gw = make_gateway(
        emulator, api_keys=None,
        translator_env={
            "AUTH_SECRET_ID": SECRET_NAME, "SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models),
            "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": emulator.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN,
            "INVOKE_TIMEOUT_SECONDS": "2", "LOG_FORMAT": "json",
        },
        shim_env={"METRICS_PORT": "0", "METRICS_HOST": METRICS_HOST, "LOG_FORMAT": "json"})
    metrics_port = gw.metrics_port
    try:
        run_traffic(gw, emulator)
        page = scrape(metrics_port)
        families = {f.name: f for f in text_string_to_metric_families(page)}
        yield gw, page, families, metrics_port
    finally:
        gw.stop()
        emulator.proc.stop()
        cleanup_dir(gw.workdir)


def run_traffic(gw, emulator):
    client = openai.OpenAI(base_url=gw.base_url, api_key=KEY, max_retries=0, timeout=30)
    user = lambda text: [{"role": "user", "content": text}]  # noqa: E731
    # Chat, streamed with usage and not; the client's own request id on one.
    with client.chat.completions.with_streaming_response.create(
            model="chat", messages=user("Hi [tokens=5]"), stream=True, stream_options={"include_usage": True},
            extra_headers={"x-request-id": CLIENT_ID}) as r:
        assert r.headers["x-request-id"] == CLIENT_ID
        assert "data: [DONE]" in r.read().decode()
    assert client.chat.completions.create(model="chat", messages=user("Hello")).usage.prompt_tokens > 0
    list(client.completions.create(model="chat", prompt="Once", stream=True))
    client.completions.create(model="chat", prompt="Once")
    client.embeddings.create(model="emb", input=["one", "two"])
    client.responses.create(model="chat", input="Hi")
    list(client.responses.create(model="chat", input="Hi", stream=True))
    claude = anthropic.Anthropic(base_url=gw.root_url, api_key=KEY, max_retries=0)
    claude.messages.create(model="chat", max_tokens=32, messages=user("Hi"))
    with claude.messages.stream(model="chat", max_tokens=32, messages=user("Hi")) as s:
        "".join(s.text_stream)
    claude.messages.count_tokens(model="chat", messages=user("Hi"))
    client.models.list()
    client.models.retrieve("chat")
    for path in ("/ping", "/health"):
        urllib.request.urlopen(gw.root_url + path, timeout=10).read()
    # Refusals and every upstream outcome.
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=gw.base_url, api_key="sk-not-a-key", max_retries=0).models.list()
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="no-such-model", messages=user("x"))
    with pytest.raises(openai.NotFoundError):
        client.get("/nowhere", cast_to=object)
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="chat", messages=user("[throttle]"))
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="chat", messages=user("[model_error=500]"))
    with pytest.raises(openai.APIStatusError) as e:
        client.chat.completions.create(model="chat", messages=user("[first_token_delay_ms=5000]"))
    assert e.value.status_code == 504
    # SageMaker gone: the next call cannot connect (keys and credentials stay cached).
    emulator.proc.stop()
    with pytest.raises(openai.APIStatusError) as e:
        client.chat.completions.create(model="chat", messages=user("x"))
    assert e.value.status_code == 502


def scrape(port) -> str:
    with urllib.request.urlopen(f"http://{METRICS_HOST}:{port}/metrics", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return r.read().decode()


def samples(families, name, suffix=""):
    return [s for s in families[name].samples if s.name == name + suffix]


def value(families, name, **labels):
    found = [s.value for s in families[name].samples if all(s.labels.get(k) == v for k, v in labels.items())
             and s.name in (name, name + "_total")]
    assert found, f"no {name} sample with {labels}"
    return sum(found)


def test_every_family_is_on_the_page(observed):
    _, _, families, _ = observed
    expected = {
        "gateway_requests": "counter", "gateway_request_duration_seconds": "histogram",
        "gateway_time_to_first_token_seconds": "histogram", "gateway_streamed_tokens": "counter",
        "gateway_usage_tokens": "counter", "gateway_upstream_requests": "counter",
        "gateway_upstream_response_seconds": "histogram", "gateway_open_streams": "gauge",
        "gateway_requests_in_flight": "gauge", "gateway_translator_up": "gauge", "gateway_translator_errors": "counter",
        "gateway_translator_sessions": "gauge", "gateway_api_keys_cache_age_seconds": "gauge",
        "gateway_api_keys_loaded": "gauge", "gateway_api_keys_refreshes": "counter",
        "gateway_api_keys_refresh_failures": "counter", "gateway_aws_credentials_info": "gauge",
        "gateway_aws_credentials_expiry_seconds": "gauge", "gateway_aws_credentials_refresh_failures": "counter",
        "process_resident_memory_bytes": "gauge", "process_cpu_seconds": "counter", "process_open_fds": "gauge",
        "process_max_fds": "gauge",
    }
    assert {name: families[name].type for name in expected if name in families} == expected


def test_requests_by_route_model_and_status(observed):
    _, _, f, _ = observed
    assert value(f, "gateway_requests", route="/v1/chat/completions", model="chat", status="200") >= 2
    for route in ("/v1/completions", "/v1/responses", "/v1/messages"):
        assert value(f, "gateway_requests", route=route, model="chat", status="200") == 2
    assert value(f, "gateway_requests", route="/v1/embeddings", model="emb", status="200") == 1
    assert value(f, "gateway_requests", route="/v1/messages/count_tokens", model="none", status="200") == 1
    assert value(f, "gateway_requests", route="/v1/models/{id}", model="none", status="200") == 1
    assert value(f, "gateway_requests", route="/ping", status="200") == 1
    assert value(f, "gateway_requests", route="/v1/models", status="401") == 1
    # An unknown model never becomes a label: clients cannot grow the page.
    assert value(f, "gateway_requests", route="/v1/chat/completions", model="none", status="404") == 1
    assert not any(s.labels.get("model") == "no-such-model" for s in f["gateway_requests"].samples)
    assert value(f, "gateway_requests", route="other", status="404") == 1
    for status in ("429", "502", "504"):
        assert value(f, "gateway_requests", route="/v1/chat/completions", model="chat", status=status) >= 1


def test_framing_rejections_carry_an_id_and_are_counted(observed):
    """Answers evhttp never sees (two Content-Lengths: smuggling) still get a request id and a count."""
    gw, _, _, metrics_port = observed
    with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as s:
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode()
    assert head.startswith("HTTP/1.1 400 ")
    ids = [line.split(":", 1)[1].strip() for line in head.split("\r\n") if line.lower().startswith("x-request-id:")]
    assert len(ids) == 1 and re.fullmatch(r"req_[A-Za-z0-9]{20}", ids[0]), head
    families = {f.name: f for f in text_string_to_metric_families(scrape(metrics_port))}
    assert value(families, "gateway_requests", route="other", model="none", status="400") >= 1


def test_histograms_and_tokens_by_model(observed):
    _, _, f, _ = observed
    durations = {s.labels["model"]: s.value for s in samples(f, "gateway_request_duration_seconds", "_count")}
    assert durations["chat"] >= 12 and durations["emb"] == 1
    ttft = {s.labels["model"]: s.value for s in samples(f, "gateway_time_to_first_token_seconds", "_count")}
    assert ttft["chat"] >= 8
    inf = [s for s in samples(f, "gateway_time_to_first_token_seconds", "_bucket") if s.labels["le"] == "+Inf"]
    assert inf[0].value == ttft["chat"]
    sums = {s.labels["model"]: s.value for s in samples(f, "gateway_time_to_first_token_seconds", "_sum")}
    assert 0 < sums["chat"] < 30
    assert value(f, "gateway_streamed_tokens", model="chat") >= 20
    assert value(f, "gateway_usage_tokens", model="chat", type="prompt") > 0
    assert value(f, "gateway_usage_tokens", model="chat", type="completion") >= 5


def test_upstream_calls_by_outcome_with_latency(observed):
    _, _, f, _ = observed
    for outcome in ("ok", "throttled", "model_error", "timeout", "connection_failure"):
        assert value(f, "gateway_upstream_requests", endpoint="demo-endpoint", outcome=outcome) >= 1, outcome
    assert value(f, "gateway_upstream_requests", endpoint="demo-endpoint", outcome="ok",
                 operation="InvokeEndpointWithResponseStream") >= 8
    assert value(f, "gateway_upstream_requests", endpoint="demo-endpoint", outcome="ok",
                 operation="InvokeEndpoint") == 1
    calls = sum(s.value for s in f["gateway_upstream_requests"].samples)
    count = samples(f, "gateway_upstream_response_seconds", "_count")[0]
    assert count.labels["endpoint"] == "demo-endpoint" and count.value == calls


def test_state_gauges_keys_credentials_and_processes(observed):
    _, _, f, _ = observed
    assert value(f, "gateway_open_streams") == 0
    assert value(f, "gateway_requests_in_flight") == 0
    assert value(f, "gateway_translator_up") == 1
    assert value(f, "gateway_translator_sessions") == 0
    assert value(f, "gateway_translator_errors", reason="unreachable") == 0
    assert 0 <= value(f, "gateway_api_keys_cache_age_seconds") < 120
    assert value(f, "gateway_api_keys_loaded") == 1
    assert value(f, "gateway_api_keys_refreshes") >= 1
    assert value(f, "gateway_aws_credentials_info", source="container") == 1
    # The emulator's container credentials live an hour.
    assert 600 < value(f, "gateway_aws_credentials_expiry_seconds") <= 3600
    for process in ("httpshim", "translator"):
        assert value(f, "process_resident_memory_bytes", process=process) > 1 << 20
        assert value(f, "process_cpu_seconds", process=process) > 0
        assert 3 <= value(f, "process_open_fds", process=process) <= value(f, "process_max_fds", process=process)


def test_the_page_is_only_on_metrics_port(observed):
    gw, page, _, port = observed
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(gw.root_url + "/metrics", timeout=10)
    assert e.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"http://{METRICS_HOST}:{port}/v1/models", timeout=10)
    assert e.value.code == 404
    # Each family's HELP and TYPE once, though both processes report process_*.
    assert page.count("# TYPE process_open_fds gauge") == 1


def test_a_stopped_translator_leaves_the_shims_figures(observed):
    gw, _, _, port = observed
    gw.translator.stop()
    families = {f.name: f for f in text_string_to_metric_families(scrape(port))}
    assert value(families, "gateway_translator_up") == 0
    assert "gateway_upstream_requests" not in families
    assert value(families, "process_open_fds", process="httpshim") >= 3
    assert not any(s.labels.get("process") == "translator" for s in families["process_open_fds"].samples)


def log_lines(proc) -> list[dict]:
    lines = [line for line in proc.log().splitlines() if line.strip()]
    assert lines
    parsed = [json.loads(line) for line in lines]
    for entry in parsed:
        assert {"ts", "level", "component", "msg"} <= entry.keys()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["ts"])
    return parsed


def test_json_logs_carry_one_request_id_through_both_processes(observed):
    gw, _, _, _ = observed
    shim, translator = log_lines(gw.shim), log_lines(gw.translator)
    assert {e["component"] for e in shim} == {"httpshim"} and {e["component"] for e in translator} == {"translator"}
    shim_lines = [e for e in shim if e.get("request_id") == CLIENT_ID]
    translator_lines = [e for e in translator if e.get("request_id") == CLIENT_ID]
    assert any("POST /v1/chat/completions 200" in e["msg"] for e in shim_lines)
    assert any(e["msg"].startswith("key ") for e in translator_lines)
    upstream = [e for e in translator_lines if e.get("upstream_request_id")]
    assert len(upstream) == 1 and upstream[0]["endpoint"] == "demo-endpoint"
    assert re.fullmatch(r"[0-9a-f-]{36}", upstream[0]["upstream_request_id"])
    # Every request the shim logged has an id, and every id the translator logged for a request is the shim's.
    access = [e for e in shim if re.match(r"(GET|POST) /", e["msg"])]
    assert len(access) >= 18 and all(e.get("request_id") for e in access)
    shim_ids = {e["request_id"] for e in access}
    assert {e["request_id"] for e in translator if e.get("request_id") not in (None, "metrics")} <= shim_ids
    # Each failed upstream call is logged with its outcome beside the request id.
    outcomes = {e["msg"].split(": ")[1].split(",")[0] for e in translator if e.get("upstream_request_id")}
    assert {"ok", "throttled", "model_error", "timeout", "connection_failure"} <= outcomes


def test_no_secret_in_any_log_line(observed):
    gw, _, _, _ = observed
    text = gw.shim.log() + gw.translator.log()
    for secret in (KEY, "sk-not-a-key", CONTAINER_TOKEN, "IQoJb3JpZ2luX2VtdWxhdG9y", "emulator-secret-key"):
        assert secret not in text
    # The minted secret access key is 40 random alphanumerics: nothing that long appears.
    assert not re.search(r"[A-Za-z0-9+/]{40}", text)
    assert "rejected API key with fingerprint" in text


def test_bad_settings_refuse_to_start():
    import subprocess

    from gateway_procs import base_env, bin_dir
    out = subprocess.run([str(bin_dir() / "httpshim")], env=base_env() | {"LOG_FORMAT": "xml", "PORT": "0"},
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 2 and "LOG_FORMAT must be json or text, got xml" in out.stderr
    out = subprocess.run([str(bin_dir() / "httpshim")], env=base_env() | {"METRICS_PORT": "8080"},
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 2 and "METRICS_PORT must differ from PORT" in out.stderr
