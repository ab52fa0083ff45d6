"""End to end: OpenAI's Responses API (`POST /v1/responses`, stateless) through the official `openai` SDK and
OpenAI's Agents SDK -> httpshim -> translator -> SageMaker emulator, all real processes.

The shim maps each request onto an ordinary chat request, so the emulated container sees chat messages; the
answer comes back as a `response` object or its SSE events. Every object and event is checked against OpenAI's
published OpenAPI spec (see `openai_spec.py`). Directives in the last user message steer the emulated model:
`[tool_call=NAME]`, `[reasoning=N]`, `[tokens=N]`, `[part_bytes=N]`, `[fail_after=N]`, `[echo_request]`."""
from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import openai
import pydantic
import pytest

from gateway_procs import cleanup_dir, make_gateway, models_env, running_gateway, module_emulator
from openai_spec import validate, validate_stream_event

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
MODELS = [
    {"id": "vllm", "endpoint": "demo-endpoint"},
    {"id": "route", "endpoint": "demo-endpoint", "format": "sagemaker-openai"},
    {"id": "chatml-tgi", "endpoint": "tgi-endpoint", "format": "tgi", "prompt_template": "chatml"},
]
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    "strict": True,
}
IMAGE = "data:image/png;base64,AA=="
TIME = {
    "type": "function",
    "name": "get_time",
    "parameters": {"type": "object", "properties": {"tz": {"type": "string", "enum": ["CET", "UTC"]}}},
}


class Weather(pydantic.BaseModel):
    city: str
    celsius: int


emulator = module_emulator("--endpoint", "demo-endpoint", "--tgi-endpoint", "tgi-endpoint")


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    with running_gateway(emulator, translator_env=models_env(tmp_path_factory.mktemp("models"), MODELS)) as gw:
        yield gw


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)


def raw_post(gateway, body: dict, method="POST", path="/responses"):
    """The gateway's bytes, unparsed by any SDK: (status, content type, body text)."""
    request = urllib.request.Request(
        gateway.base_url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def raw_events(gateway, body: dict) -> list[dict]:
    """A streamed response's events, parsed from the SSE text: each `event:` line must name its data's `type`,
    every event must match its schema in the spec, and `sequence_number` counts from 0 without gaps."""
    status, content_type, text = raw_post(gateway, body | {"stream": True})
    assert status == 200, text
    assert content_type.startswith("text/event-stream")
    events = []
    for block in text.split("\n\n"):
        if not block.strip() or block.startswith(":"):
            continue
        lines = block.split("\n")
        assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), block
        event = json.loads(lines[1][len("data: "):])
        assert event["type"] == lines[0][len("event: "):]
        validate_stream_event(event)
        events.append(event)
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    return events


def check_lifecycle(events: list[dict], terminal="response.completed") -> dict:
    """created, in_progress, ..., one terminal event; every item added and done in order. Returns the final response."""
    types = [e["type"] for e in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] == terminal and types.count(terminal) == 1
    ids = {e["response"]["id"] for e in events if "response" in e}
    assert len(ids) == 1 and ids.pop().startswith("resp_")
    added = [e["output_index"] for e in events if e["type"] == "response.output_item.added"]
    done = [e["output_index"] for e in events if e["type"] == "response.output_item.done"]
    assert added == done == list(range(len(added)))
    final = events[-1]["response"]
    assert [e["item"] for e in events if e["type"] == "response.output_item.done"] == final["output"]
    return final


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


# --- text ----------------------------------------------------------------------------------------------------


def test_non_streamed_response_object(client, gateway):
    r = client.responses.create(model="vllm", input="Zürich 🚀", instructions="Be brief.", metadata={"k": "v"})
    assert r.object == "response" and r.id.startswith("resp_")
    assert r.status == "completed" and r.model == "vllm"
    assert r.output_text == GREETING + "Zürich 🚀"
    [message] = r.output
    assert message.type == "message" and message.role == "assistant" and message.status == "completed"
    assert message.content[0].annotations == []
    assert r.instructions == "Be brief." and r.metadata == {"k": "v"}
    assert r.usage.input_tokens > 0 and r.usage.output_tokens > 0
    assert r.usage.total_tokens == r.usage.input_tokens + r.usage.output_tokens
    assert r.usage.output_tokens_details.reasoning_tokens == 0
    status, content_type, text = raw_post(gateway, {"model": "vllm", "input": "hi", "temperature": 0.5})
    assert status == 200 and content_type == "application/json"
    body = json.loads(text)
    validate(body, "Response")
    assert body["temperature"] == 0.5 and body["store"] is False


def test_streamed_text_events(client, gateway):
    events = raw_events(gateway, {"model": "vllm", "input": user("one two three")})
    final = check_lifecycle(events)
    types = [e["type"] for e in events]
    assert types[2:5] == ["response.output_item.added", "response.content_part.added", "response.output_text.delta"]
    assert types[-5:-1] == [
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
    ]
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert deltas == GREETING + "one two three"
    assert final["output"][0]["content"][0]["text"] == deltas and final["usage"]["output_tokens"] > 0
    # The SDK reads the same stream.
    sdk_events = list(client.responses.create(model="vllm", input="one two three", stream=True))
    assert [e.type for e in sdk_events] == types
    assert sdk_events[-1].response.output_text == deltas


def test_stream_helper_reaches_the_final_response(client):
    tools = [openai.pydantic_function_tool(Weather)]
    with client.responses.stream(model="vllm", input="[tool_call=Weather] Quito", tools=tools) as stream:
        deltas = [e.delta for e in stream if e.type == "response.function_call_arguments.delta"]
        final = stream.get_final_response()
    [call] = final.output
    assert call.type == "function_call" and call.name == "Weather"
    assert "".join(deltas) == call.arguments
    assert json.loads(call.arguments) == {"city": "Quito", "celsius": 42}
    with client.responses.stream(model="vllm", input="hello") as stream:
        text = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert text == final.output_text == GREETING + "hello"


@pytest.mark.parametrize("stream", [False, True])
def test_every_chat_container_format_answers(client, gateway, stream):
    """The translator sees a chat request, so `sagemaker-openai` routes and `tgi` containers (through the
    model's prompt template) answer the Responses API too."""
    tgi_prompt = (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    for model, expected in [("route", GREETING + "How are you?"), ("chatml-tgi", GREETING + tgi_prompt.strip())]:
        body = {"model": model, "instructions": "Be brief.", "input": "How are you?"}
        if stream:
            final = check_lifecycle(raw_events(gateway, body))
        else:
            final = json.loads(raw_post(gateway, body)[2])
            validate(final, "Response")
        assert final["model"] == model and final["status"] == "completed"
        assert final["output"][0]["content"][0]["text"] == expected


def test_structured_output_parses_with_the_sdk(client):
    r = client.responses.parse(model="vllm", input="Lisbon", text_format=Weather)
    assert r.output_parsed == Weather(city="Lisbon", celsius=42)


# --- tools ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_function_call_loop(client, stream):
    """The agent loop: the model calls a function, the client runs it and sends the whole conversation back
    with a `function_call_output`, and the model answers in text."""
    conversation = user("[tool_call=get_weather] Oslo")
    if stream:
        with client.responses.stream(model="vllm", input=conversation, tools=[WEATHER, TIME]) as s:
            first = s.get_final_response()
    else:
        first = client.responses.create(model="vllm", input=conversation, tools=[WEATHER, TIME])
    [call] = [item for item in first.output if item.type == "function_call"]
    assert call.name == "get_weather" and call.status == "completed" and call.call_id
    assert call.id.startswith("fc_") and json.loads(call.arguments) == {"city": "Oslo"}
    assert first.tools[0].name == "get_weather" and first.tool_choice == "auto"
    conversation += [item.model_dump(exclude_none=True) for item in first.output]
    conversation.append({"type": "function_call_output", "call_id": call.call_id, "output": "12C and windy"})
    second = client.responses.create(model="vllm", input=conversation, tools=[WEATHER, TIME])
    assert [item.type for item in second.output] == ["message"]
    assert second.output_text == GREETING + "Oslo"


def test_forced_function_is_called(client):
    r = client.responses.create(
        model="vllm", input="what time?", tools=[WEATHER, TIME], tool_choice={"type": "function", "name": "get_time"}
    )
    assert [(i.type, i.name) for i in r.output] == [("function_call", "get_time")]
    assert r.tool_choice.name == "get_time"


def test_parallel_calls_each_become_an_item(gateway):
    body = {"model": "vllm", "input": "[tool_call=get_time] [tool_call=get_weather] Rome", "tools": [WEATHER, TIME]}
    final = check_lifecycle(raw_events(gateway, body))
    calls = [(i["name"], json.loads(i["arguments"])) for i in final["output"]]
    assert calls == [("get_time", {"tz": "CET"}), ("get_weather", {"city": "Rome"})]
    assert len({i["call_id"] for i in final["output"]}) == 2
    status, _, text = raw_post(gateway, body | {"parallel_tool_calls": False, "tool_choice": "required"})
    body_json = json.loads(text)
    validate(body_json, "Response")
    assert [i["name"] for i in body_json["output"]] == ["get_time"]
    assert body_json["parallel_tool_calls"] is False and body_json["tool_choice"] == "required"


def test_request_reaches_the_container_as_chat(client):
    """What the container receives (`[echo_request]`): instructions first, roles and parts in chat's shape,
    function calls as an assistant turn, `text.format` as `response_format`, `max_output_tokens` as `max_tokens`."""
    conversation = [
        {"role": "developer", "content": "Answer in JSON."},
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "What is this?"},
                {"type": "input_image", "image_url": IMAGE, "detail": "low"},
            ],
        },
        {"type": "reasoning", "id": "rs_1", "summary": [], "content": [{"type": "reasoning_text", "text": "hm"}]},
        {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": '{"city":"Nice"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "21C"},
        {"role": "user", "content": "[echo_request] and now?"},
    ]
    r = client.responses.create(
        model="vllm", input=conversation, instructions="Be brief.", tools=[WEATHER], tool_choice="auto",
        parallel_tool_calls=True,
        text={"format": {"type": "json_object"}}, max_output_tokens=4000, temperature=0.3, metadata={"not": "sent"},
        reasoning={"effort": "low"}, store=False,
    )
    received = json.loads(r.output_text)
    assert received["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "developer", "content": "Answer in JSON."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": IMAGE, "detail": "low"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Nice"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "21C"},
        {"role": "user", "content": "[echo_request] and now?"},
    ]
    assert received["tools"] == [{"type": "function", "function": {k: v for k, v in WEATHER.items() if k != "type"}}]
    assert received["tool_choice"] == "auto" and received["parallel_tool_calls"] is True
    assert received["response_format"] == {"type": "json_object"}
    assert received["max_tokens"] == 4000 and received["temperature"] == 0.3
    for absent in ("metadata", "reasoning", "store", "input", "instructions", "text", "max_output_tokens"):
        assert absent not in received


# --- reasoning, limits, framing, failures --------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_reasoning_becomes_a_reasoning_item(client, gateway, stream):
    body = {"model": "vllm", "input": "[reasoning=3] why?"}
    if stream:
        events = raw_events(gateway, body)
        final = check_lifecycle(events)
        assert "".join(e["delta"] for e in events if e["type"] == "response.reasoning_text.delta") == "r1 r2 r3"
        done = [e["text"] for e in events if e["type"] == "response.reasoning_text.done"]
        assert done == ["r1 r2 r3"]
    else:
        status, _, text = raw_post(gateway, body)
        final = json.loads(text)
        validate(final, "Response")
    reasoning, message = final["output"]
    assert reasoning["type"] == "reasoning" and reasoning["summary"] == []
    assert reasoning["content"] == [{"type": "reasoning_text", "text": "r1 r2 r3"}]
    assert message["content"][0]["text"] == GREETING + "why?"
    assert final["usage"]["output_tokens_details"]["reasoning_tokens"] == 3
    r = client.responses.create(model="vllm", input="[reasoning=2] again")
    assert r.output[0].type == "reasoning" and r.output[0].content[0].text == "r1 r2"
    assert r.output_text == GREETING + "again"


@pytest.mark.parametrize("stream", [False, True])
def test_max_output_tokens_makes_it_incomplete(client, gateway, stream):
    body = {"model": "vllm", "input": "[tokens=40] go", "max_output_tokens": 16}
    if stream:
        final = check_lifecycle(raw_events(gateway, body), terminal="response.incomplete")
    else:
        final = json.loads(raw_post(gateway, body)[2])
        validate(final, "Response")
        r = client.responses.create(**body)
        assert r.status == "incomplete" and r.incomplete_details.reason == "max_output_tokens"
    assert final["status"] == "incomplete" and final["incomplete_details"] == {"reason": "max_output_tokens"}
    assert final["output"][0]["status"] == "incomplete" and final["completed_at"] is None
    assert final["output"][0]["content"][0]["text"] == "t1" + "".join(f" t{i}" for i in range(2, 17))
    assert final["max_output_tokens"] == 16


@pytest.mark.parametrize("framing", ["[part_bytes=3]", "[jsonlines] [part_bytes=1]"])
def test_events_survive_any_container_framing(gateway, framing):
    text = f"{framing} [reasoning=2] [tool_call=get_weather] Zürich 🚀"
    events = raw_events(gateway, {"model": "vllm", "input": text, "tools": [WEATHER]})
    final = check_lifecycle(events)
    assert [i["type"] for i in final["output"]] == ["reasoning", "function_call"]
    assert final["output"][0]["content"][0]["text"] == "r1 r2"
    assert json.loads(final["output"][1]["arguments"]) == {"city": "Zürich 🚀"}
    plain = check_lifecycle(raw_events(gateway, {"model": "vllm", "input": f"{framing} héllo wörld 🚀"}))
    assert plain["output"][0]["content"][0]["text"] == GREETING + "héllo wörld 🚀"


def test_failure_after_the_start_is_an_error_event_then_response_failed(client, gateway):
    events = raw_events(gateway, {"model": "vllm", "input": "[fail_after=3] a b c d e f"})
    types = [e["type"] for e in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-2:] == ["error", "response.failed"]
    failed = events[-1]["response"]
    assert failed["status"] == "failed" and failed["error"]["code"] == "server_error"
    assert events[-2]["message"] == failed["error"]["message"]
    sdk_types = [e.type for e in client.responses.create(model="vllm", input="[fail_after=3] a b c d e f", stream=True)]
    assert sdk_types[-2:] == ["error", "response.failed"]


def test_keep_alive_comments_while_waiting_for_the_first_token(emulator):
    gw = make_gateway(emulator, shim_env={"KEEPALIVE_SECONDS": "0.3"})
    try:
        body = {"model": "m", "input": "[first_token_delay_ms=1200] [tokens=2]", "stream": True}
        status, _, text = raw_post(gw, body)
        assert status == 200 and ": keep-alive\n\n" in text
        final = check_lifecycle(raw_events(gw, body))
        assert final["output"][0]["content"][0]["text"] == "t1 t2"
        client = openai.OpenAI(base_url=gw.base_url, api_key=KEY, max_retries=0, timeout=30)
        with client.responses.stream(model="m", input="[first_token_delay_ms=1200] [tokens=2]") as stream:
            assert stream.get_final_response().output_text == "t1 t2"
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


def test_errors_before_the_stream_are_openai_errors(client):
    with pytest.raises(openai.RateLimitError):
        client.responses.create(model="vllm", input="[throttle] hi", stream=True)
    with pytest.raises(openai.NotFoundError) as e:
        client.responses.create(model="nope", input="hi")
    assert e.value.body["code"] == "model_not_found"


# --- what a stateless gateway refuses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, param, words",
    [
        ({"previous_response_id": "resp_123"}, "previous_response_id", "send the whole conversation in 'input'"),
        ({"store": True}, "store", "Stored responses are not supported"),
        ({"tools": [{"type": "web_search"}]}, "tools[0].type", "'web_search'"),
        ({"tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]}, "tools[0].type", "'file_search'"),
        ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "input[0].type", "keeps no responses"),
        ({"tool_choice": {"type": "web_search_preview"}}, "tool_choice.type", "'web_search_preview'"),
    ],
)
def test_stateful_and_built_in_features_are_400s(client, gateway, fields, param, words):
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(**({"model": "vllm", "input": "hi"} | fields))
    assert e.value.body["param"] == param
    assert words in e.value.body["message"]
    status, _, text = raw_post(gateway, {"model": "vllm", "input": "hi"} | fields)
    assert status == 400
    validate(json.loads(text), "ErrorResponse")


def test_stored_response_lookups_are_400s_that_say_what_to_do(client, gateway):
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.retrieve("resp_123")
    assert "keeps no responses" in e.value.body["message"] and "whole conversation" in e.value.body["message"]
    with pytest.raises(openai.BadRequestError):
        client.responses.delete("resp_123")
    with pytest.raises(openai.BadRequestError):
        client.responses.input_items.list("resp_123")
    status, _, _ = raw_post(gateway, None, method="PUT", path="/responses")
    assert status == 405


# --- OpenAI's Agents SDK -------------------------------------------------------------------------------------


def test_agents_sdk_runs_a_function_tool_to_its_answer(gateway, monkeypatch):
    """An `Agent` with one function tool, run by `Runner.run_sync` on `OpenAIResponsesModel`: the model calls the
    tool, the SDK runs it and sends the whole conversation back, and the model answers. Tracing is off so nothing
    leaves the machine."""
    monkeypatch.setenv("OPENAI_AGENTS_DISABLE_TRACING", "1")
    agents = pytest.importorskip("agents")
    agents.set_tracing_disabled(True)
    calls = []

    @agents.function_tool
    def get_weather(city: str) -> str:
        """Current weather in a city."""
        calls.append(city)
        return f"sunny in {city}"

    client = openai.AsyncOpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)
    agent = agents.Agent(
        name="weather",
        instructions="Answer with the tool's help.",
        tools=[get_weather],
        model=agents.OpenAIResponsesModel(model="vllm", openai_client=client),
    )
    result = agents.Runner.run_sync(
        agent, "[tool_call=get_weather] Oslo", max_turns=4, run_config=agents.RunConfig(tracing_disabled=True)
    )
    assert calls == ["Oslo"]
    assert result.final_output == GREETING + "Oslo"

    async def streamed():
        # A new client: the first one's connections belong to `run_sync`'s event loop.
        client = openai.AsyncOpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)
        model = agents.OpenAIResponsesModel(model="vllm", openai_client=client)
        run = agents.Runner.run_streamed(
            agent.clone(model=model),
            "[tool_call=get_weather] Bergen",
            max_turns=4,
            run_config=agents.RunConfig(tracing_disabled=True),
        )
        kinds = [event.type async for event in run.stream_events()]
        return run.final_output, kinds

    final_output, kinds = asyncio.run(streamed())
    assert calls == ["Oslo", "Bergen"]
    assert final_output == GREETING + "Bergen"
    assert "raw_response_event" in kinds and "run_item_stream_event" in kinds
