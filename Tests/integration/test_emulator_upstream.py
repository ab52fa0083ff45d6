"""The emulator in front of a real OpenAI-compatible server (`--upstream`, issue 7): `make run` can serve a real
model. A small OpenAI-compatible server in this test stands in for Ollama or llama-server."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openai
import pytest

from gateway_procs import cleanup_dir, make_gateway, start_emulator

WORDS = ["Real", " model", " says", " héllo"]


class Upstream(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Upstream.seen.append((self.path, body))
        if self.path == "/v1/chat/completions" and body.get("model") == "missing":
            return self.answer(404, {"error": {"message": "model 'missing' not found", "type": "not_found"}})
        if self.path == "/v1/chat/completions" and body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i, word in enumerate(WORDS):
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": word} | ({"role": "assistant"} if i == 0 else {}),
                                      "finish_reason": None}]}
                self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                self.wfile.flush()
            last = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": body["model"],
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 7, "completion_tokens": 4, "total_tokens": 11}}
            self.wfile.write(b"data: " + json.dumps(last).encode() + b"\n\ndata: [DONE]\n\n")
            return
        if self.path == "/v1/chat/completions":
            return self.answer(200, {
                "id": "c2", "object": "chat.completion", "created": 1, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(WORDS)},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 7, "completion_tokens": 4, "total_tokens": 11}})
        if self.path == "/v1/embeddings":
            return self.answer(200, {"object": "list", "model": body["model"], "usage": {"prompt_tokens": 2, "total_tokens": 2},
                                     "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.25, 1.0]}]})
        self.answer(404, {"error": {"message": "no route"}})

    def answer(self, status, value):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture(scope="module")
def gateway(upstream, tmp_path_factory):
    emu = start_emulator(tmp_path_factory.mktemp("emu"), "--endpoint", "demo-endpoint",
                         "--upstream", upstream, "--upstream-model", "tiny-llm")
    models = tmp_path_factory.mktemp("models") / "models.json"
    models.write_text(json.dumps({"models": [
        {"id": "local", "endpoint": "demo-endpoint"},
        {"id": "named", "endpoint": "demo-endpoint", "container_model": "missing"},
    ]}))
    gw = make_gateway(emu, translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    yield gw
    gw.stop()
    emu.proc.stop()
    cleanup_dir(gw.workdir)


def client(gw):
    return openai.OpenAI(base_url=gw.base_url, api_key="sk-test-key", max_retries=0, timeout=30)


def test_streamed_chat_comes_from_the_upstream_server(gateway):
    Upstream.seen.clear()
    chunks = list(client(gateway).chat.completions.create(
        model="local", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "hi"}]))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "".join(WORDS)
    assert chunks[-1].usage.total_tokens == 11
    path, body = Upstream.seen[-1]
    assert path == "/v1/chat/completions"
    assert body["model"] == "tiny-llm" and body["messages"] == [{"role": "user", "content": "hi"}]


def test_non_streamed_chat_and_embeddings_too(gateway):
    r = client(gateway).chat.completions.create(model="local", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == "".join(WORDS)
    e = client(gateway).embeddings.create(model="local", input="hi", encoding_format="float")
    assert e.data[0].embedding == [0.5, -0.25, 1.0]
    assert Upstream.seen[-1][0] == "/v1/embeddings"


def test_an_upstream_error_comes_back_as_sagemaker_would_carry_it(gateway):
    # SageMaker wraps a container's 4xx in a ModelError, which the gateway answers as 400.
    with pytest.raises(openai.BadRequestError) as e:
        client(gateway).chat.completions.create(model="named", messages=[{"role": "user", "content": "hi"}])
    assert "missing" in e.value.body["message"]
