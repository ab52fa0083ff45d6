"""End to end: Anthropic's Messages API (`POST /v1/messages`, `/v1/messages/count_tokens`) through the official
`anthropic` SDK and LangChain's `ChatAnthropic` -> httpshim -> translator -> SageMaker emulator, all real
processes. The shim maps each request onto the chat path, so the emulated vLLM container answers it; the
emulator's directives (`[tool_call=NAME]`, `[reasoning=N]`, `[part_bytes=N]`, ...) steer the answer."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import anthropic
import pytest

from gateway_procs import cleanup_dir, make_gateway, models_env, running_gateway, module_emulator

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
MODELS = [
    {"id": "vllm", "endpoint": "demo-endpoint"},
    {"id": "thinker", "endpoint": "demo-endpoint", "reasoning": "think-tags"},
]
WEATHER = {
    "name": "get_weather",
    "description": "Current weather in a city.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    with running_gateway(emulator, translator_env=models_env(tmp_path_factory.mktemp("models"), MODELS)) as gw:
        yield gw


@pytest.fixture
def client(gateway):
    return anthropic.Anthropic(base_url=gateway.root_url, api_key=KEY, max_retries=0, timeout=30)


def user(text):
    return [{"role": "user", "content": text}]


def raw_post(gateway, path, body, headers):
    request = urllib.request.Request(
        gateway.root_url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


# --- text ---------------------------------------------------------------------------------------------------------


def test_create_text(client):
    message = client.messages.create(
        model="vllm", max_tokens=64, system="Be brief.", messages=user("Bonjour 🚀"), metadata={"user_id": "u-1"},
        extra_body={"temperature": 0.5, "top_p": 0.9, "top_k": 5},  # the API takes them; this SDK types them no more
    )
    assert message.id.startswith("msg_")
    assert message.type == "message" and message.role == "assistant" and message.model == "vllm"
    assert [b.type for b in message.content] == ["text"]
    assert message.content[0].text == GREETING + "Bonjour 🚀"
    assert message.stop_reason == "end_turn" and message.stop_sequence is None
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0


def test_create_max_tokens_stop_reason(client):
    message = client.messages.create(model="vllm", max_tokens=2, messages=user("[tokens=5] go"))
    assert message.content[0].text == "t1 t2"
    assert message.stop_reason == "max_tokens"


def test_stream_text_events_in_order(client):
    with client.messages.stream(model="vllm", max_tokens=64, messages=user("Grüß dich [part_bytes=3]")) as stream:
        events = list(stream)
        final = stream.get_final_message()
    types = [e.type for e in events]
    assert types[0] == "message_start"
    assert types[-1] == "message_stop"
    assert types.count("content_block_start") == 1 and types.count("content_block_stop") == 1
    assert final.content[0].text == GREETING + "Grüß dich"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0


def test_stream_wire_format(gateway):
    """The raw bytes: every event named after its payload's type, `ping` never a comment."""
    status, headers, body = raw_post(
        gateway, "/v1/messages", {"model": "vllm", "max_tokens": 8, "stream": True, "messages": user("[tokens=2] x")},
        {"x-api-key": KEY, "anthropic-version": "2023-06-01", "anthropic-beta": "whatever-2025-01-01"},
    )
    assert status == 200 and headers["Content-Type"].startswith("text/event-stream")
    frames = body.decode().split("\n\n")
    assert frames[-1] == ""
    names = []
    for frame in frames[:-1]:
        event_line, data_line = frame.split("\n")
        name = event_line.removeprefix("event: ")
        assert json.loads(data_line.removeprefix("data: "))["type"] == name
        names.append(name)
    assert names == [
        "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop",
    ]


# --- tools ----------------------------------------------------------------------------------------------------------


def test_tool_use_round_trip_streamed(client):
    city = 'Paris "café" 🚀'
    request = user(f"[tool_call=get_weather] {city}")
    with client.messages.stream(model="vllm", max_tokens=256, messages=request, tools=[WEATHER]) as stream:
        events = list(stream)
        final = stream.get_final_message()
    deltas = [e for e in events if e.type == "content_block_delta" and e.delta.type == "input_json_delta"]
    assert len(deltas) > 3, "the input arrived as several input_json_delta fragments"
    tool_uses = [b for b in final.content if b.type == "tool_use"]
    assert len(tool_uses) == 1
    call = tool_uses[0]
    assert call.name == "get_weather" and call.input == {"city": city} and call.id
    assert final.stop_reason == "tool_use"

    # The client runs the tool and sends the result back, as Anthropic's tool-use loop does.
    followup = request + [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in final.content]},
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": call.id, "content": [{"type": "text", "text": "18 °C"}]},
                {"type": "text", "text": "thanks"},
            ],
        },
    ]
    answer = client.messages.create(model="vllm", max_tokens=256, messages=followup, tools=[WEATHER])
    assert answer.content[0].text == GREETING + "thanks"
    assert answer.stop_reason == "end_turn"


def test_tool_choice_forced_non_streamed(client):
    message = client.messages.create(
        model="vllm", max_tokens=256, messages=user("Oslo"), tools=[WEATHER],
        tool_choice={"type": "tool", "name": "get_weather", "disable_parallel_tool_use": True},
    )
    assert [b.type for b in message.content] == ["tool_use"]
    assert message.content[0].input == {"city": "Oslo"}
    assert message.stop_reason == "tool_use"


def test_container_receives_the_mapped_chat_request(client):
    """`[echo_request]`: the emulated container answers with the body it received."""
    messages = [
        {"role": "user", "content": [
            {"type": "text", "text": "[echo_request] Look"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
        ]},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Nice"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "21C", "is_error": False}]},
        {"role": "assistant", "content": "{"},
    ]
    message = client.messages.create(
        model="vllm", max_tokens=300, system=[{"type": "text", "text": "Be brief."}], messages=messages,
        tools=[WEATHER], tool_choice={"type": "auto", "disable_parallel_tool_use": True}, stop_sequences=["###"],
        metadata={"user_id": "u-7"}, extra_body={"top_k": 3},
    )
    received = json.loads(message.content[0].text)
    assert received["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [
            {"type": "text", "text": "[echo_request] Look"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        ]},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "toolu_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Nice"}'}}
        ]},
        {"role": "tool", "tool_call_id": "toolu_1", "content": "21C"},
        {"role": "assistant", "content": "{"},
    ]
    assert received["tools"] == [{"type": "function", "function": {
        "name": "get_weather", "description": WEATHER["description"], "parameters": WEATHER["input_schema"]}}]
    assert received["tool_choice"] == "auto" and received["parallel_tool_calls"] is False
    assert received["max_tokens"] == 300 and received["stop"] == ["###"] and received["user"] == "u-7"
    assert received["top_k"] == 3
    assert received["continue_final_message"] is True and received["add_generation_prompt"] is False
    assert "metadata" not in received and "system" not in received


# --- thinking -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_thinking_block_from_reasoning(client, stream):
    fields = dict(model="vllm", max_tokens=256, messages=user("[reasoning=3] why?"),
                  thinking={"type": "enabled", "budget_tokens": 1024})
    if stream:
        with client.messages.stream(**fields) as s:
            message = s.get_final_message()
    else:
        message = client.messages.create(**fields)
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].thinking == "r1 r2 r3"
    assert message.content[0].signature == ""
    assert message.content[1].text == GREETING + "why?"


def test_thinking_blocks_passed_back_are_accepted(client):
    history = user("hi") + [
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "hm", "signature": ""},
            {"type": "redacted_thinking", "data": "opaque"},
            {"type": "text", "text": "Hello."},
        ]},
        {"role": "user", "content": "again"},
    ]
    message = client.messages.create(model="vllm", max_tokens=64, messages=history)
    assert message.content[0].text == GREETING + "again"


# --- count_tokens ---------------------------------------------------------------------------------------------------


def test_count_tokens(client):
    short = client.messages.count_tokens(model="vllm", messages=user("Hi"))
    long = client.messages.count_tokens(model="vllm", system="Be brief.", messages=user("Hi " * 100), tools=[WEATHER])
    assert short.input_tokens > 0
    assert long.input_tokens > short.input_tokens


def test_count_tokens_needs_a_valid_key(gateway):
    bad = anthropic.Anthropic(base_url=gateway.root_url, api_key="sk-wrong", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as e:
        bad.messages.count_tokens(model="vllm", messages=user("Hi"))
    assert e.value.status_code == 401


# --- errors ---------------------------------------------------------------------------------------------------------


def test_bad_key_via_x_api_key_is_401_in_anthropics_shape(gateway):
    status, _, body = raw_post(
        gateway, "/v1/messages", {"model": "vllm", "max_tokens": 8, "messages": user("x")}, {"x-api-key": "sk-wrong"}
    )
    assert status == 401
    error = json.loads(body)
    assert error["type"] == "error" and error["error"]["type"] == "authentication_error"
    assert "sk-wrong" not in body.decode()
    bad = anthropic.Anthropic(base_url=gateway.root_url, api_key="sk-wrong", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError):
        bad.messages.create(model="vllm", max_tokens=8, messages=user("x"))


def test_bearer_key_works_too(gateway):
    status, _, body = raw_post(
        gateway, "/v1/messages", {"model": "vllm", "max_tokens": 8, "messages": user("x")},
        {"Authorization": f"Bearer {KEY}"},
    )
    assert status == 200 and json.loads(body)["type"] == "message"


def test_unknown_model_is_404(client):
    with pytest.raises(anthropic.NotFoundError) as e:
        client.messages.create(model="no-such-model", max_tokens=8, messages=user("x"))
    assert e.value.body["error"]["type"] == "not_found_error"


def test_missing_max_tokens_is_400(gateway):
    status, _, body = raw_post(gateway, "/v1/messages", {"model": "vllm", "messages": user("x")}, {"x-api-key": KEY})
    assert status == 400
    assert json.loads(body) == {
        "type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"}
    }


def test_bad_block_is_400_through_the_sdk(client):
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model="vllm", max_tokens=8, messages=[{"role": "user", "content": [{"type": "video"}]}])
    assert e.value.body["error"]["message"].startswith("messages.0.content.0.type:")


def test_error_after_stream_started_is_an_error_event(client):
    with pytest.raises(anthropic.APIStatusError) as e:
        with client.messages.stream(model="vllm", max_tokens=64, messages=user("[tokens=10] [fail_after=3] go")) as s:
            for _ in s:
                pass
    assert e.value.body["type"] == "error"


def test_wrong_method_is_405(gateway):
    request = urllib.request.Request(gateway.root_url + "/v1/messages", method="GET", headers={"x-api-key": KEY})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request, timeout=10)
    assert e.value.code == 405
    assert json.loads(e.value.read())["error"]["type"] == "invalid_request_error"


def test_unserved_messages_path_is_anthropic_404(gateway):
    status, _, body = raw_post(gateway, "/v1/messages/batches", {"requests": []}, {"x-api-key": KEY})
    assert status == 404
    assert json.loads(body)["error"]["type"] == "not_found_error"


# --- LangChain ------------------------------------------------------------------------------------------------------


def test_langchain_chat_anthropic_streams(gateway):
    langchain_anthropic = pytest.importorskip("langchain_anthropic")
    chat = langchain_anthropic.ChatAnthropic(
        model="vllm", base_url=gateway.root_url, api_key=KEY, max_tokens=64, max_retries=0, timeout=30
    )
    chunks = list(chat.stream("Hallo 🚀"))
    text = "".join(c.text if isinstance(c.text, str) else c.text() for c in chunks)
    assert text == GREETING + "Hallo 🚀"
    answer = chat.bind_tools([WEATHER]).invoke("[tool_call=get_weather] Rome")
    assert answer.tool_calls[0]["name"] == "get_weather" and answer.tool_calls[0]["args"] == {"city": "Rome"}


def test_keep_alive_is_a_ping_event_after_message_start(emulator):
    gw = make_gateway(emulator, shim_env={"KEEPALIVE_SECONDS": "0.3"})
    try:
        status, _, body = raw_post(
            gw, "/v1/messages",
            {"model": "m", "max_tokens": 8, "stream": True, "messages": user("[first_token_delay_ms=1200] [tokens=2]")},
            {"x-api-key": KEY},
        )
        text = body.decode()
        assert status == 200
        assert text.startswith("event: message_start\n")
        assert 'event: ping\ndata: {"type":"ping"}\n\n' in text
        assert ": keep-alive" not in text
        assert text.endswith('event: message_stop\ndata: {"type":"message_stop"}\n\n')
        client = anthropic.Anthropic(base_url=gw.root_url, api_key=KEY, max_retries=0)
        with client.messages.stream(model="m", max_tokens=8, messages=user("[first_token_delay_ms=800] [tokens=2]")) as s:
            assert s.get_final_message().content[0].text == "t1 t2"
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_structured_output_via_output_config(client):
    schema = {"type": "object", "properties": {"city": {"type": "string"}, "celsius": {"type": "integer"}},
              "required": ["city", "celsius"], "additionalProperties": False}
    message = client.messages.create(
        model="vllm", max_tokens=256, messages=user("Weather in Oslo?"),
        output_config={"effort": "low", "format": {"type": "json_schema", "schema": schema}},
    )
    answer = json.loads(message.content[0].text)
    assert set(answer) == {"city", "celsius"} and isinstance(answer["celsius"], int)
