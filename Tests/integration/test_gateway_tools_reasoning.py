"""End to end: tool calling, structured output, multi-part content, reasoning and `n` through the official
`openai` SDK and LangChain's `ChatOpenAI` -> httpshim -> translator -> SageMaker emulator, all real processes.

The emulated model calls tools when asked by a directive (`[tool_call=name]`) or forced by `tool_choice`, and
streams each call vLLM-style: a first delta with index, id, type and name, then the arguments JSON in small
fragments. `[reasoning=N]` streams N reasoning tokens first, in the field `[reasoning_field=...]` names
(`reasoning_content`, `reasoning`, or `both`); the model's `reasoning_output` decides what the client sees.
`[echo_request]` answers with the body the container received, to check what the gateway passed through."""
from __future__ import annotations

import json

import openai
import pydantic
import pytest

from gateway_procs import make_gateway, models_env, running_gateway, module_emulator

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
MODELS = [
    {"id": "vllm", "endpoint": "demo-endpoint"},
    {"id": "vllm-reasoning", "endpoint": "demo-endpoint", "reasoning_output": "reasoning"},
    {"id": "thinker-reasoning", "endpoint": "demo-endpoint", "reasoning": "think-tags", "reasoning_output": "reasoning"},
    {"id": "route", "endpoint": "demo-endpoint", "format": "sagemaker-openai", "reasoning_output": "reasoning"},
]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {
            "type": "object",
            "properties": {"tz": {"type": "string", "enum": ["CET", "UTC"]}, "precise": {"type": "boolean"}},
        },
    },
}
TOOLS = [WEATHER, TIME]


class Weather(pydantic.BaseModel):
    """A weather report, for the SDK's structured-output and tool helpers."""

    city: str
    celsius: int


emulator = module_emulator("--endpoint", "demo-endpoint")


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    with running_gateway(emulator, translator_env=models_env(tmp_path_factory.mktemp("models"), MODELS)) as gw:
        yield gw


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)


def user(text):
    return [{"role": "user", "content": text}]


def stream_chunks(client, **fields):
    return list(client.chat.completions.create(stream=True, stream_options={"include_usage": True}, **fields))


def streamed_tool_calls(chunks, choice=0):
    """Reassembles tool calls as a client does, checking the deltas' shape on the way: id, type and name only
    in a call's first delta, arguments fragments after it, calls in index order."""
    calls: list[dict] = []
    for chunk in chunks:
        for c in chunk.choices:
            if c.index != choice or not c.delta.tool_calls:
                continue
            for delta in c.delta.tool_calls:
                if delta.index == len(calls):
                    assert delta.id and delta.type == "function" and delta.function.name
                    calls.append({"id": delta.id, "name": delta.function.name, "arguments": "", "fragments": 0})
                else:
                    assert delta.index == len(calls) - 1, "a call's deltas are contiguous and in index order"
                    assert delta.id is None and delta.function.name is None
                call = calls[delta.index]
                if delta.function.arguments:
                    call["arguments"] += delta.function.arguments
                    call["fragments"] += 1
    return calls


def finish_reasons(chunks):
    return {c.index: c.finish_reason for chunk in chunks for c in chunk.choices if c.finish_reason}


# --- tool calls -------------------------------------------------------------------------------------------------


def test_streamed_tool_call_arrives_intact_in_fragments(client):
    text = 'Paris "café" 🚀'
    chunks = stream_chunks(client, model="vllm", messages=user(f"[tool_call=get_weather] {text}"), tools=TOOLS)
    calls = streamed_tool_calls(chunks)
    assert [c["name"] for c in calls] == ["get_weather"]
    assert json.loads(calls[0]["arguments"]) == {"city": text}
    assert calls[0]["fragments"] > 3, "the arguments came in several chunks"
    assert finish_reasons(chunks) == {0: "tool_calls"}
    assert all(not (c.delta.content or "") for chunk in chunks for c in chunk.choices)
    assert chunks[-1].usage.completion_tokens > 0


def test_non_streamed_tool_calls_are_assembled(client):
    r = client.chat.completions.create(model="vllm", messages=user("[tool_call=get_weather] Oslo"), tools=TOOLS)
    choice = r.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    [call] = choice.message.tool_calls
    assert call.type == "function" and call.id.startswith("chatcmpl-tool-")
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Oslo"}


@pytest.mark.parametrize("stream", [False, True])
def test_parallel_tool_calls_in_order(client, stream):
    messages = user("[tool_call=get_time] [tool_call=get_weather] [tool_call=get_time] Rome")
    expected = [
        ("get_time", {"tz": "CET", "precise": True}),
        ("get_weather", {"city": "Rome"}),
        ("get_time", {"tz": "CET", "precise": True}),
    ]
    if stream:
        chunks = stream_chunks(client, model="vllm", messages=messages, tools=TOOLS)
        calls = [(c["name"], json.loads(c["arguments"])) for c in streamed_tool_calls(chunks)]
        ids = [c["id"] for c in streamed_tool_calls(chunks)]
        assert finish_reasons(chunks) == {0: "tool_calls"}
    else:
        r = client.chat.completions.create(model="vllm", messages=messages, tools=TOOLS)
        calls = [(c.function.name, json.loads(c.function.arguments)) for c in r.choices[0].message.tool_calls]
        ids = [c.id for c in r.choices[0].message.tool_calls]
        assert r.choices[0].finish_reason == "tool_calls"
    assert calls == expected
    assert len(set(ids)) == 3


def test_parallel_tool_calls_false_keeps_one_call(client):
    r = client.chat.completions.create(
        model="vllm", messages=user("[tool_call=get_time] [tool_call=get_weather] x"), tools=TOOLS,
        parallel_tool_calls=False,
    )
    assert [c.function.name for c in r.choices[0].message.tool_calls] == ["get_time"]


def test_tool_choice_forces_required_and_none(client):
    forced = {"type": "function", "function": {"name": "get_time"}}
    r = client.chat.completions.create(model="vllm", messages=user("what time?"), tools=TOOLS, tool_choice=forced)
    assert [c.function.name for c in r.choices[0].message.tool_calls] == ["get_time"]
    chunks = stream_chunks(client, model="vllm", messages=user("what time?"), tools=TOOLS, tool_choice="required")
    assert [c["name"] for c in streamed_tool_calls(chunks)] == ["get_weather"]
    r = client.chat.completions.create(
        model="vllm", messages=user("[tool_call=get_time] no"), tools=TOOLS, tool_choice="none"
    )
    assert r.choices[0].message.tool_calls is None
    assert r.choices[0].message.content == GREETING + "no"
    assert r.choices[0].finish_reason == "stop"


def test_tool_turn_round_trip_with_the_sdk(client):
    """The usual agent loop: the model calls a tool, the client answers with a `tool` message, the model replies."""
    messages = user("[tool_call=get_weather] Lima")
    first = client.chat.completions.create(model="vllm", messages=messages, tools=TOOLS)
    call = first.choices[0].message.tool_calls[0]
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "19C and sunny"},
        {"role": "user", "content": "thanks"},
    ]
    second = client.chat.completions.create(model="vllm", messages=messages, tools=TOOLS)
    assert second.choices[0].message.content == GREETING + "thanks"
    assert second.choices[0].finish_reason == "stop"


@pytest.mark.parametrize(
    "fields, param",
    [
        ({"tool_choice": "auto"}, "tool_choice"),
        ({"tools": TOOLS, "tool_choice": {"type": "function", "function": {"name": "nope"}}}, "tool_choice"),
        ({"tools": [{"type": "function", "function": {"name": "bad name"}}]}, "tools[0].function.name"),
        ({"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}}, "response_format.json_schema.name"),
    ],
)
def test_invalid_tool_and_format_fields_are_openai_400s(client, fields, param):
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="vllm", messages=user("hi"), **fields)
    assert e.value.body["param"] == param


def test_unknown_tool_named_by_the_model_is_the_containers_400(client):
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="vllm", messages=user("[tool_call=launch] go"), tools=TOOLS)


def test_tool_fields_roles_images_and_response_format_reach_the_container_unchanged(client):
    messages = [
        {"role": "developer", "content": "Answer in JSON."},
        {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture? [echo_request]"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Nice"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "21C"},
        {"role": "user", "content": [{"type": "text", "text": "[echo_request] and now?"}]},
    ]
    schema = {
        "name": "weather_report",
        "strict": True,
        "schema": {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]},
    }
    fields = {
        "tools": TOOLS,
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "response_format": {"type": "json_schema", "json_schema": schema},
    }
    for stream in (False, True):
        if stream:
            chunks = stream_chunks(client, model="vllm", messages=messages, **fields)
            text = "".join(c.delta.content or "" for chunk in chunks for c in chunk.choices)
        else:
            text = client.chat.completions.create(model="vllm", messages=messages, **fields).choices[0].message.content
        received = json.loads(text)
        assert received["messages"] == messages
        for key, value in fields.items():
            assert received[key] == value, key
        assert received["model"] == "", "the client's alias never reaches the container"
        # Non-streamed requests are streamed upstream too (upstream_streaming: auto), with usage asked for.
        assert received["stream"] is True
        assert received["stream_options"] == {"include_usage": True}
    received = json.loads(
        client.chat.completions.create(
            model="vllm", messages=user("[echo_request]"), response_format={"type": "json_object"}
        ).choices[0].message.content
    )
    assert received["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize("framing", ["", "[jsonlines]", "[part_bytes=3]", "[jsonlines] [part_bytes=1]"])
def test_tool_calls_and_reasoning_survive_any_container_framing(client, framing):
    text = f"{framing} [reasoning=2] [tool_call=get_weather] [tool_call=get_time] Zürich 🚀"
    chunks = stream_chunks(client, model="vllm", messages=user(text), tools=TOOLS)
    calls = [(c["name"], json.loads(c["arguments"])) for c in streamed_tool_calls(chunks)]
    assert calls == [("get_weather", {"city": "Zürich 🚀"}), ("get_time", {"tz": "CET", "precise": True})]
    reasoning = "".join((c.delta.model_extra or {}).get("reasoning_content") or "" for ch in chunks for c in ch.choices)
    assert reasoning == "r1 r2"


def test_sdk_stream_helper_accumulates_tool_calls(client):
    with client.chat.completions.stream(
        model="vllm", messages=user("[tool_call=Weather] Quito"), tools=[openai.pydantic_function_tool(Weather)]
    ) as stream:
        final = stream.get_final_completion()
    call = final.choices[0].message.tool_calls[0]
    assert call.function.name == "Weather"
    assert call.function.parsed_arguments == Weather(city="Quito", celsius=42)


def test_structured_output_parses_with_the_sdk(client):
    r = client.chat.completions.parse(model="vllm", messages=user("Lisbon"), response_format=Weather)
    assert r.choices[0].message.parsed == Weather(city="Lisbon", celsius=42)
    content = "".join(
        c.delta.content or ""
        for ch in stream_chunks(client, model="vllm", messages=user("hi"), response_format={"type": "json_object"})
        for c in ch.choices
    )
    assert json.loads(content) == {"answer": "hi"}


def test_bad_reasoning_output_is_refused_at_start(emulator, tmp_path):
    path = tmp_path / "models.json"
    path.write_text(json.dumps({"models": [{"id": "r1", "endpoint": "demo-endpoint", "reasoning_output": "thoughts"}]}))
    with pytest.raises(RuntimeError) as e:
        make_gateway(emulator, translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(path)})
    assert 'model r1: "reasoning_output" must be one of reasoning_content, reasoning' in str(e.value)


# --- reasoning --------------------------------------------------------------------------------------------------


def stream_text(client, model, text):
    chunks = stream_chunks(client, model=model, messages=user(text))
    fields: dict[str, str] = {}
    content = ""
    for chunk in chunks:
        for c in chunk.choices:
            content += c.delta.content or ""
            for name in ("reasoning_content", "reasoning"):
                value = (c.delta.model_extra or {}).get(name)
                if value:
                    fields[name] = fields.get(name, "") + value
    return fields, content, chunks[-1].usage


@pytest.mark.parametrize("container_field", ["reasoning_content", "reasoning", "both"])
@pytest.mark.parametrize("model, output", [("vllm", "reasoning_content"), ("vllm-reasoning", "reasoning")])
@pytest.mark.parametrize("stream", [False, True])
def test_reasoning_from_either_container_field_in_the_configured_field(client, container_field, model, output, stream):
    text = f"[reasoning=3] [reasoning_field={container_field}] why?"
    if stream:
        fields, content, usage = stream_text(client, model, text)
        assert usage.completion_tokens > 3
    else:
        message = client.chat.completions.create(model=model, messages=user(text)).choices[0].message
        fields = {k: v for k, v in (message.model_extra or {}).items() if k in ("reasoning_content", "reasoning")}
        content = message.content
    assert fields == {output: "r1 r2 r3"}, "once, in the configured field only"
    assert content == GREETING + "why?"


@pytest.mark.parametrize("stream", [False, True])
def test_think_tags_feed_the_configured_field(client, stream):
    text = "<think>weighing options</think> the answer"
    if stream:
        fields, content, _ = stream_text(client, "thinker-reasoning", text)
    else:
        message = client.chat.completions.create(model="thinker-reasoning", messages=user(text)).choices[0].message
        fields = {k: v for k, v in (message.model_extra or {}).items() if k in ("reasoning_content", "reasoning")}
        content = message.content
    assert fields == {"reasoning": "weighing options"}
    assert content.endswith(" the answer") and "<think>" not in content


def test_reasoning_and_tools_through_the_sagemaker_openai_route(client):
    chunks = stream_chunks(
        client, model="route", messages=user("[reasoning=2] [tool_call=get_weather] Bern"), tools=TOOLS
    )
    reasoning = "".join((c.delta.model_extra or {}).get("reasoning") or "" for ch in chunks for c in ch.choices)
    assert reasoning == "r1 r2"
    calls = streamed_tool_calls(chunks)
    assert [(c["name"], json.loads(c["arguments"])) for c in calls] == [("get_weather", {"city": "Bern"})]
    assert finish_reasons(chunks) == {0: "tool_calls"}


# --- n ----------------------------------------------------------------------------------------------------------


def test_n_choices_non_streamed(client):
    r = client.chat.completions.create(model="vllm", messages=user("[reasoning=1] hi"), n=3)
    assert [c.index for c in r.choices] == [0, 1, 2]
    assert all(c.message.content == GREETING + "hi" and c.finish_reason == "stop" for c in r.choices)
    assert all(c.message.model_extra["reasoning_content"] == "r1" for c in r.choices)


def test_n_choices_streamed_with_tool_calls(client):
    chunks = stream_chunks(client, model="vllm", messages=user("[tool_call=get_weather] Kyiv"), tools=TOOLS, n=2)
    per_choice = [streamed_tool_calls(chunks, choice=i) for i in range(2)]
    for calls in per_choice:
        assert [(c["name"], json.loads(c["arguments"])) for c in calls] == [("get_weather", {"city": "Kyiv"})]
    assert per_choice[0][0]["id"] != per_choice[1][0]["id"]
    assert finish_reasons(chunks) == {0: "tool_calls", 1: "tool_calls"}
    roles = [c.index for ch in chunks for c in ch.choices if c.delta.role == "assistant"]
    assert sorted(roles) == [0, 1]


def test_n_choices_streamed_text(client):
    chunks = stream_chunks(client, model="vllm", messages=user("two answers"), n=2)
    texts = {0: "", 1: ""}
    for chunk in chunks:
        for c in chunk.choices:
            texts[c.index] += c.delta.content or ""
    assert texts == {0: GREETING + "two answers", 1: GREETING + "two answers"}
    assert finish_reasons(chunks) == {0: "stop", 1: "stop"}


def test_n_the_container_refuses_is_a_400(client):
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="vllm", messages=user("hi"), n=20)
    assert "n must be" in e.value.message


# --- LangChain --------------------------------------------------------------------------------------------------


def test_langchain_chat_openai_streams_a_bound_tool(gateway):
    """Application code written for OpenAI, unchanged but for `base_url` and `api_key`."""
    from langchain_core.messages import AIMessageChunk
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI

    @tool
    def get_weather(city: str) -> str:
        """Current weather in a city."""
        return f"sunny in {city}"

    llm = ChatOpenAI(model="vllm", base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)
    bound = llm.bind_tools([get_weather])
    full: AIMessageChunk | None = None
    count = 0
    for chunk in bound.stream("What is the weather in Zürich? [tool_call=get_weather]"):
        full = chunk if full is None else full + chunk
        count += 1
    assert full is not None and count > 3
    assert len(full.tool_calls) == 1
    call = full.tool_calls[0]
    assert call["name"] == "get_weather"
    assert call["args"] == {"city": "What is the weather in Zürich?"}
    assert call["id"].startswith("chatcmpl-tool-")
    assert full.response_metadata.get("finish_reason") == "tool_calls"
    # The agent loop's next step: the tool's answer goes back and the model replies in text.
    reply = bound.invoke(
        [
            ("human", "What is the weather in Zürich? [tool_call=get_weather]"),
            full,
            {"role": "tool", "tool_call_id": call["id"], "content": get_weather.invoke(call["args"])},
            ("human", "thanks"),
        ]
    )
    assert reply.content == GREETING + "thanks"
