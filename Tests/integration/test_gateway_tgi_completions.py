"""End to end for `/v1/completions` on `format: tgi` models: the openai SDK -> httpshim -> translator -> the
emulator's TGI container. The prompt is TGI's `inputs` as written (no template); the emulated TGI answers with
the chat script's greeting followed by the `inputs` it received."""
from __future__ import annotations


import openai
import pytest

from gateway_procs import models_env, running_gateway, module_emulator

KEY = "sk-test-key"
GREETING = "Hello from the SageMaker emulator. You said: "
ENDPOINT = "old-tgi-endpoint"
MODELS = [
    {"id": "tgi-gen", "endpoint": ENDPOINT, "format": "tgi", "prompt_template": "mistral"},
    {"id": "tei", "endpoint": "demo-endpoint", "format": "embeddings"},
]


def estimate(prompt: str) -> int:
    """The translator's prompt-token estimate when TGI reports none: about four UTF-8 bytes a token."""
    return (len(prompt.encode()) + 3) // 4


emulator = module_emulator("--endpoint", "demo-endpoint", "--tgi-endpoint", ENDPOINT)


@pytest.fixture(scope="module")
def gateway(emulator, tmp_path_factory):
    with running_gateway(emulator, translator_env=models_env(tmp_path_factory.mktemp("models"), MODELS)) as gw:
        yield gw


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway.base_url, api_key=KEY, max_retries=0, timeout=30)


def stream(client, prompt, include_usage=True, **fields):
    options = {"stream_options": {"include_usage": True}} if include_usage else {}
    chunks = list(client.completions.create(model="tgi-gen", prompt=prompt, stream=True, **options, **fields))
    assert all(c.object == "text_completion" and c.model == "tgi-gen" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    return text, finishes, chunks


def test_non_streamed_prompt_is_the_inputs_unchanged(client, emulator):
    prompt = "Once upon a time, [INST] not a template"
    before = emulator.stats()["invocations"]
    r = client.completions.create(model="tgi-gen", prompt=prompt)
    assert emulator.stats()["invocations"] == before + 1
    assert r.object == "text_completion" and r.model == "tgi-gen" and r.id.startswith("cmpl-")
    [choice] = r.choices
    # No template around it: chat on this model would have rendered " [INST] ... [/INST]".
    assert (choice.index, choice.text, choice.finish_reason, choice.logprobs) == (0, GREETING + prompt, "stop", None)
    # Streamed upstream (upstream_streaming: auto), so TGI's own input_length counts the prompt.
    assert r.usage.prompt_tokens == len(prompt.split())
    assert r.usage.completion_tokens == len(choice.text.split()) + 1  # + </s>
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_a_list_of_one_prompt_is_that_prompt(client):
    r = client.completions.create(model="tgi-gen", prompt=["just one"])
    assert [c.text for c in r.choices] == [GREETING + "just one"]


def test_streamed_with_include_usage(client):
    text, finishes, chunks = stream(client, "Stream this please")
    assert text == GREETING + "Stream this please"
    assert "</s>" not in text
    assert finishes == ["stop"]
    usage = chunks[-1].usage
    assert chunks[-1].choices == [] and usage is not None
    # Streamed details carry TGI's input_length (the emulator counts words).
    assert usage.prompt_tokens == 3
    assert usage.completion_tokens == len(text.split()) + 1
    assert all(c.usage is None for c in chunks[:-1])


def test_streamed_without_include_usage_has_no_usage_chunk(client):
    text, _, chunks = stream(client, "x", include_usage=False)
    assert text == GREETING + "x"
    assert all(c.choices and c.usage is None for c in chunks)


def test_usage_estimated_when_the_stream_reports_no_input_length(client):
    prompt = "old container [no_usage]"
    text, _, chunks = stream(client, prompt)
    assert text == GREETING + "old container"
    assert chunks[-1].usage.prompt_tokens == estimate(prompt)


def test_stop_sequences_are_taken_out(client):
    prompt = "alpha beta STOP gamma delta"
    r = client.completions.create(model="tgi-gen", prompt=prompt, stop=["STOP", "never"])
    assert (r.choices[0].text, r.choices[0].finish_reason) == (GREETING + "alpha beta ", "stop")
    text, finishes, chunks = stream(client, prompt, stop="STOP")
    assert text == GREETING + "alpha beta "
    assert finishes == ["stop"]
    assert chunks[-1].usage.completion_tokens == len((text + "STOP").split())  # no </s>: the stop ended it


def test_max_tokens_is_length(client):
    r = client.completions.create(model="tgi-gen", prompt="one two three", max_tokens=3)
    assert (r.choices[0].text, r.choices[0].finish_reason) == ("Hello from the", "length")
    assert r.usage.completion_tokens == 3
    text, finishes, _ = stream(client, "one two three", max_tokens=4)
    assert (text, finishes) == ("Hello from the SageMaker", ["length"])


def test_sampling_parameters_within_tgi_limits_are_accepted(client):
    r = client.completions.create(
        model="tgi-gen", prompt="greedy", temperature=0, top_p=1, seed=-3, frequency_penalty=0.5, n=1, echo=False
    )
    assert r.choices[0].text == GREETING + "greedy"


def test_utf8_split_across_payload_parts(client):
    text, finishes, _ = stream(client, "héllo wörld 日本語 🎉 [part_bytes=1]")
    assert text == GREETING + "héllo wörld 日本語 🎉"
    assert finishes == ["stop"]


def test_model_failure_mid_stream_is_an_error_event(client):
    got = []
    with pytest.raises(openai.APIError) as e:
        for chunk in client.completions.create(model="tgi-gen", prompt="x [fail_after=2]", stream=True):
            got.append(chunk.choices[0].text)
    assert "fail_after" in str(e.value)
    assert "".join(got) == "Hello from"


def test_tgi_validation_error_is_a_400_with_tgis_message(client):
    for streamed in (False, True):
        with pytest.raises(openai.BadRequestError) as e:
            r = client.completions.create(model="tgi-gen", prompt="x", max_tokens=5000, stream=streamed)
            if streamed:
                list(r)
        assert "`inputs` tokens + `max_new_tokens` must be <= 4096" in e.value.message


@pytest.mark.parametrize(
    "fields, param, words",
    [
        ({"prompt": ["one", "two"]}, "prompt", "one prompt per request"),
        ({"prompt": [1, 2, 3]}, "prompt", "not as token ids"),
        ({"prompt": [[1, 2], [3]]}, "prompt", "not as token ids"),
        ({"prompt": ""}, "prompt", "empty prompt"),
        ({"suffix": "the end"}, "suffix", "`suffix` is not supported by this model"),
        ({"logprobs": 1}, "logprobs", "`logprobs` is not supported by this model"),
        ({"logprobs": 0}, "logprobs", "`logprobs` is not supported by this model"),
        ({"echo": True}, "echo", "'echo' parameter is not supported"),
        ({"n": 2}, "n", "`n` must be 1"),
        ({"best_of": 3}, "best_of", "'best_of' parameter is not supported"),
        ({"max_tokens": 0}, "max_tokens", "must be an integer ≥ 1"),
    ],
)
def test_what_tgi_cannot_do_is_a_400_naming_the_param(client, emulator, fields, param, words):
    before = emulator.stats()["invocations"]
    for streamed in (False, True):
        body = {"model": "tgi-gen", "prompt": "x"} | fields
        with pytest.raises(openai.BadRequestError) as info:
            client.completions.create(stream=streamed, **body)
        assert info.value.status_code == 400
        assert info.value.param == param
        assert words in info.value.message
    assert emulator.stats()["invocations"] == before, "refused before reaching SageMaker"


def test_wrong_format_endpoints_still_name_model_and_format(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="tgi-gen", input="hi")
    assert info.value.param == "model"
    assert info.value.body["message"] == (
        "The model `tgi-gen` is configured with format `tgi`, which does not serve `/v1/embeddings`; "
        "it serves `/v1/chat/completions`, `/v1/completions`."
    )
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="tei", messages=[{"role": "user", "content": "hi"}])
    assert info.value.param == "model"
    assert info.value.body["message"] == (
        "The model `tei` is configured with format `embeddings`, which does not serve `/v1/chat/completions`; "
        "it serves `/v1/embeddings`."
    )


def test_chat_on_the_same_model_still_renders_the_template(client):
    r = client.chat.completions.create(model="tgi-gen", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == GREETING + "[INST] hi [/INST]"
