"""End to end for `format: tgi` models: the openai SDK -> httpshim -> translator -> the emulator's TGI container
(native `{"inputs", "parameters"}` bodies, TGI's token stream), all real processes on loopback.

The emulated TGI answers with the chat script's greeting followed by the `inputs` it received, so each test sees
the exact prompt the gateway's template rendered."""
from __future__ import annotations

import json

import openai
import pytest
from botocore.exceptions import ClientError

from conftest import aws_client
from gateway_procs import make_gateway, models_env, running_gateway, module_emulator

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
ENDPOINT = "old-tgi-endpoint"
SYSTEM_AND_USER = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "How are you?"}]

# What each built-in template renders for SYSTEM_AND_USER (no BOS: TGI's tokenizer adds it).
RENDERED = {
    "mistral": " [INST] Be brief.\n\nHow are you? [/INST]",
    "chatml": "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n<|im_start|>assistant\n",
    "llama3": "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
    "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    "gemma": "<start_of_turn>user\nBe brief.\n\nHow are you?<end_of_turn>\n<start_of_turn>model\n",
    "deepseek": "Be brief.<｜User｜>How are you?<｜Assistant｜>",
}
CUSTOM = {
    "user": "### User:\n{content}\n",
    "assistant": "### Assistant:\n{content}\n",
    "generation_prompt": "### Assistant:\n",
    "system_separator": "\n",
}
CUSTOM_RENDERED = "### User:\nBe brief.\nHow are you?\n### Assistant:\n"


def answer(prompt: str) -> str:
    return GREETING + prompt.strip()


def estimate(prompt: str) -> int:
    """The translator's prompt-token estimate when TGI reports none: about four UTF-8 bytes a token."""
    return (len(prompt.encode()) + 3) // 4


emulator = module_emulator("--endpoint", "demo-endpoint", "--tgi-endpoint", ENDPOINT)


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    models = [
        {"id": f"{name}-tgi", "endpoint": ENDPOINT, "format": "tgi", "prompt_template": name} for name in RENDERED
    ] + [{"id": "custom-tgi", "endpoint": ENDPOINT, "format": "tgi", "prompt_template": CUSTOM}]
    with running_gateway(emulator, translator_env=models_env(tmp_path_factory.mktemp("models"), models)) as gw:
        yield gw


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)


def stream(client, model, messages, **fields):
    chunks = list(
        client.chat.completions.create(
            model=model, messages=messages, stream=True, stream_options={"include_usage": True}, **fields
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None, "include_usage gives a last usage chunk"
    assert all(c.model == model for c in chunks)
    return text, finishes, chunks[-1].usage


@pytest.mark.parametrize("name", list(RENDERED))
def test_each_built_in_template_streamed(client, name):
    prompt = RENDERED[name]
    text, finishes, usage = stream(client, f"{name}-tgi", SYSTEM_AND_USER)
    assert text == answer(prompt)
    assert "</s>" not in text  # the end-of-sequence token is special: not text
    assert finishes == ["stop"]  # TGI's eos_token
    # Streamed details carry TGI's input_length (the emulator counts words) and generated_tokens (+1 for </s>).
    assert usage.prompt_tokens == len(prompt.split())
    assert usage.completion_tokens == len(text.split()) + 1
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


@pytest.mark.parametrize("name", list(RENDERED))
def test_each_built_in_template_not_streamed(client, name):
    prompt = RENDERED[name]
    r = client.chat.completions.create(model=f"{name}-tgi", messages=SYSTEM_AND_USER)
    assert r.model == f"{name}-tgi"
    assert r.choices[0].message.content == answer(prompt)
    assert r.choices[0].finish_reason == "stop"
    # Non-streamed requests are streamed upstream (upstream_streaming: auto), whose last event's details carry
    # TGI's own input_length (generate's details do not, which is why that is not the path taken).
    assert r.usage.prompt_tokens == len(prompt.split())
    assert r.usage.completion_tokens == len(answer(prompt).split()) + 1


def test_custom_template(client):
    text, finishes, _ = stream(client, "custom-tgi", SYSTEM_AND_USER)
    assert text == answer(CUSTOM_RENDERED)
    assert finishes == ["stop"]
    r = client.chat.completions.create(model="custom-tgi", messages=SYSTEM_AND_USER)
    assert r.choices[0].message.content == answer(CUSTOM_RENDERED)


def test_multi_turn_conversation(client):
    messages = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Again"},
    ]
    r = client.chat.completions.create(model="chatml-tgi", messages=messages)
    assert r.choices[0].message.content == answer(
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
        "<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\n"
    )


def test_stop_sequences_are_not_in_the_output(client):
    messages = [{"role": "user", "content": "alpha beta STOP gamma delta"}]
    r = client.chat.completions.create(model="gemma-tgi", messages=messages, stop=["STOP", "never"])
    content = r.choices[0].message.content
    assert "STOP" not in content and "gamma" not in content
    assert content == GREETING + "<start_of_turn>user\nalpha beta "
    assert r.choices[0].finish_reason == "stop"
    text, finishes, usage = stream(client, "gemma-tgi", messages, stop="STOP")
    assert text == GREETING + "<start_of_turn>user\nalpha beta "
    assert finishes == ["stop"]
    assert usage.completion_tokens == len((text + "STOP").split())  # no </s>: the stop sequence ended it


def test_max_tokens_is_length(client):
    r = client.chat.completions.create(model="mistral-tgi", messages=SYSTEM_AND_USER, max_tokens=3)
    assert r.choices[0].message.content == "Hello from the"
    assert r.choices[0].finish_reason == "length"
    assert r.usage.completion_tokens == 3
    text, finishes, usage = stream(client, "mistral-tgi", SYSTEM_AND_USER, max_completion_tokens=4)
    assert text == "Hello from the SageMaker"
    assert finishes == ["length"]
    assert usage.completion_tokens == 4


def test_usage_estimated_when_the_stream_reports_no_input_length(client):
    # [no_usage] makes the emulated TGI answer like TGI before 2.x: stream details without input_length.
    messages = [{"role": "user", "content": "old container [no_usage]"}]
    prompt = " [INST] old container [no_usage] [/INST]"
    text, _, usage = stream(client, "mistral-tgi", messages)
    assert text == answer("[INST] old container [/INST]")
    assert usage.prompt_tokens == estimate(prompt)
    assert usage.completion_tokens == len(text.split()) + 1


def test_sampling_parameters_within_tgi_limits_are_accepted(client):
    # temperature 0 (greedy), top_p 1 (off), seed: all valid in OpenAI, all refused by TGI if sent as is.
    r = client.chat.completions.create(
        model="llama3-tgi", messages=SYSTEM_AND_USER, temperature=0, top_p=1, seed=-3, frequency_penalty=0.5
    )
    assert r.choices[0].message.content == answer(RENDERED["llama3"])
    r = client.chat.completions.create(model="llama3-tgi", messages=SYSTEM_AND_USER, temperature=0.7, top_p=0.9)
    assert r.choices[0].finish_reason == "stop"


def test_tgi_validation_error_is_a_400_with_tgis_message(client):
    for streamed in (False, True):
        with pytest.raises(openai.BadRequestError) as e:
            r = client.chat.completions.create(
                model="mistral-tgi", messages=SYSTEM_AND_USER, max_tokens=5000, stream=streamed
            )
            if streamed:
                list(r)
        assert e.value.status_code == 400
        assert "`inputs` tokens + `max_new_tokens` must be <= 4096" in e.value.message


def test_gateway_refuses_what_tgi_cannot_do(client):
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="mistral-tgi", messages=SYSTEM_AND_USER, n=2)
    assert e.value.body["param"] == "n"
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(
            model="chatml-tgi", messages=[{"role": "tool", "content": "42", "tool_call_id": "c1"}]
        )
    assert "no role for tool results" in e.value.message


def test_utf8_split_across_payload_parts(client):
    messages = [{"role": "user", "content": "héllo wörld 日本語 🎉 [part_bytes=1]"}]
    text, finishes, _ = stream(client, "mistral-tgi", messages)
    assert text == answer("[INST] héllo wörld 日本語 🎉 [/INST]")
    assert finishes == ["stop"]


def test_model_failure_mid_stream_is_an_error_event(client):
    with pytest.raises(openai.APIError) as e:
        list(client.chat.completions.create(
            model="mistral-tgi", messages=[{"role": "user", "content": "x [fail_after=2]"}], stream=True
        ))
    assert "fail_after" in str(e.value)


@pytest.mark.parametrize(
    "models, needle",
    [
        ([{"id": "mistral-tgi", "endpoint": ENDPOINT, "format": "tgi"}], "model mistral-tgi: prompt_template: is required"),
        (
            [{"id": "bad-tgi", "endpoint": ENDPOINT, "format": "tgi", "prompt_template": "vicuna"}],
            "model bad-tgi: prompt_template: unknown template `vicuna`",
        ),
        (
            [{"id": "bad-custom", "endpoint": ENDPOINT, "format": "tgi",
              "prompt_template": {"user": "no placeholder", "assistant": "{content}", "generation_prompt": ""}}],
            "model bad-custom: prompt_template.user: must contain {content} exactly once",
        ),
    ],
)
def test_bad_or_missing_template_is_refused_at_start(emulator, tmp_path, models, needle):
    with pytest.raises(RuntimeError) as e:
        make_gateway(emulator, translator_env=models_env(tmp_path, models))
    assert needle in str(e.value)


# --- the emulated TGI container itself, through botocore ------------------------------------------------------


def tgi_body(inputs="hello there", stream=False, **parameters):
    return json.dumps({"inputs": inputs, "parameters": parameters, "stream": stream}).encode()


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"temperature": 0}, "`temperature` must be strictly positive"),
        ({"top_p": 1.0}, "`top_p` must be > 0.0 and < 1.0"),
        ({"max_new_tokens": 0}, "`max_new_tokens` must be strictly positive"),
        ({"best_of": 3}, "`best_of` must be > 0 and <= 2. Given: 3"),
        ({"best_of": 2, "do_sample": True, "seed": 1}, "`seed` must not be set when `best_of` > 1"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "`stop` supports up to 4 stop sequences. Given: 5"),
    ],
)
def test_emulated_tgi_validates_like_tgi(emulator, parameters, message):
    runtime = aws_client("sagemaker-runtime", emulator.url)
    with pytest.raises(ClientError) as e:
        runtime.invoke_endpoint(EndpointName=ENDPOINT, Body=tgi_body(**parameters), ContentType="application/json")
    error = e.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["OriginalStatusCode"] == 422
    assert json.loads(error["OriginalMessage"]) == {
        "error": "Input validation error: " + message, "error_type": "validation"
    }


def test_emulated_tgi_stream_has_a_special_eos_token_and_details(emulator):
    runtime = aws_client("sagemaker-runtime", emulator.url)
    response = runtime.invoke_endpoint_with_response_stream(
        EndpointName=ENDPOINT, Body=tgi_body("say hi", stream=True, details=True), ContentType="application/json"
    )
    data = b"".join(event["PayloadPart"]["Bytes"] for event in response["Body"]).decode()
    events = [json.loads(block[len("data:"):]) for block in data.strip().split("\n\n")]
    assert all(not e["token"]["special"] for e in events[:-1])
    last = events[-1]
    assert last["token"]["text"] == "</s>" and last["token"]["special"] is True
    assert last["generated_text"] == GREETING + "say hi"
    assert last["details"] == {
        "finish_reason": "eos_token", "generated_tokens": len(events), "seed": None, "input_length": 2
    }
    assert "".join(e["token"]["text"] for e in events[:-1]) == GREETING + "say hi"

    plain = runtime.invoke_endpoint(
        EndpointName=ENDPOINT, Body=tgi_body("say hi", stop=[" SageMaker"], details=True), ContentType="application/json"
    )
    [generated] = json.loads(plain["Body"].read())
    assert generated["generated_text"] == "Hello from the SageMaker"  # TGI leaves the stop sequence in
    assert generated["details"]["finish_reason"] == "stop_sequence"
    assert generated["details"]["generated_tokens"] == 4
