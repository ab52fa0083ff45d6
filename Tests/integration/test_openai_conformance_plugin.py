"""The conformance checks themselves (openai_conformance.py): they see what each kind of client reads from the real
gateway, and they do catch an answer that is not OpenAI's shape (else every other test's pass would mean nothing)."""
from __future__ import annotations

import http.client
import json
import urllib.request

import openai
import pytest

import openai_conformance
import openai_spec
from gateway_procs import cleanup_dir, make_gateway, start_emulator

KEY = "sk-test-key"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    openai_spec.require_spec()
    emulator = start_emulator(tmp_path_factory.mktemp("emu"), "--endpoint", "demo-endpoint")
    gw = make_gateway(emulator)
    yield gw
    gw.stop()
    emulator.proc.stop()
    cleanup_dir(gw.workdir)


def counts() -> dict:
    return dict(openai_conformance.TALLY.counts)


def test_every_client_kind_is_checked(gateway):
    before = counts()
    client = openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)
    client.models.list()
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "a b"}], stream=True)
    chunks = list(stream)
    request = urllib.request.Request(gateway.base_url + "/models", headers={"Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
    connection.request("POST", "/v1/chat/completions", body=b"{", headers={"Authorization": f"Bearer {KEY}"})
    error = connection.getresponse()
    assert error.status == 400
    error.read()
    connection.close()
    after = counts()
    # models via httpx, the stream, models via urllib, the 400 via http.client.
    assert after["responses"] - before["responses"] == 4
    assert after["events"] - before["events"] == len(chunks) + 1  # and [DONE]


def test_a_wrong_answer_is_caught():
    openai_spec.require_spec()
    openai_conformance.TALLY.take()
    # A chat completion without `choices`, a libevent-style HTML error, an error object missing `param` and `code`.
    route = openai_conformance.route_for("POST", "/v1/chat/completions", 200, "application/json")
    check = openai_conformance.BodyCheck(route)
    check.feed(json.dumps({"id": "x", "object": "chat.completion", "created": 1, "model": "m"}).encode())
    check.finish(True)
    openai_conformance.check_raw_response(400, {"Content-Type": "text/html"}, b"<html>Bad Request</html>")
    openai_conformance.check_raw_response(
        413, {"Content-Type": "application/json"}, json.dumps({"error": {"message": "big", "type": "x"}}).encode())
    found = openai_conformance.TALLY.take()
    assert len(found) == 3, found
    assert "'choices' is a required property" in found[0]
    assert "must be an OpenAI error object" in found[1]
    assert "'param' is a required property" in found[2]


def test_a_stream_is_checked_event_by_event_and_partial_bodies_are_not():
    openai_spec.require_spec()
    openai_conformance.TALLY.take()
    route = openai_conformance.route_for("POST", "/v1/chat/completions", 200, "text/event-stream")
    check = openai_conformance.BodyCheck(route)
    good = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}]}
    check.feed(b"data: " + json.dumps(good).encode() + b"\n\n: keep-alive\n\ndata: {\"object\": \"chat.compl")
    assert openai_conformance.TALLY.take() == []
    check.feed(b"etion.chunk\"}\n\n")
    [bad] = openai_conformance.TALLY.take()
    assert "stream event 1" in bad
    check.feed(b"data: {\"error\": {\"message\": \"m\", \"type\": \"t\", \"param\": null, \"code\": null}}\n\n")
    assert openai_conformance.TALLY.take() == []
    # A JSON body the client stopped reading halfway is not judged.
    half = openai_conformance.BodyCheck(openai_conformance.route_for("GET", "/v1/models", 200, "application/json"))
    half.feed(b'{"object": "li')
    half.finish(False)
    assert openai_conformance.TALLY.take() == []


def test_anthropic_and_probe_answers_are_not_checked_as_openai():
    openai_spec.require_spec()
    assert openai_conformance.route_for("POST", "/v1/messages", 200, "application/json") is None
    assert openai_conformance.route_for("POST", "/v1/messages/count_tokens", 400, "application/json") is None
    assert openai_conformance.route_for("GET", "/ping", 200, "application/json") is None
    assert openai_conformance.route_for("GET", "/health", 503, "application/json") is None
    # ...but a wrong method there is still an OpenAI error.
    assert openai_conformance.route_for("POST", "/health", 405, "application/json").schema == "ErrorResponse"
    assert openai_conformance.route_for("GET", "/v1/models/a%2Fb", 200, "application/json").schema == "Model"
