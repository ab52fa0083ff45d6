"""The emulator's completions and embeddings bodies, straight through botocore (no gateway): what the gateway
tests rely on, checked against the AWS SDK's own reading of the wire."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import aws_client
from emulator_vectors import float32_bits, token_text, vector

GREETING = "Hello from the SageMaker emulator. You said: "


def runtime(emulator):
    return aws_client("sagemaker-runtime", emulator.url)


def invoke(emulator, body):
    response = runtime(emulator).invoke_endpoint(EndpointName="demo-endpoint", Body=json.dumps(body).encode())
    return json.loads(response["Body"].read())


def test_tei_inputs_give_a_bare_array_of_the_documented_vectors(emulator):
    answer = invoke(emulator, {"inputs": ["hello", [1, 2, 3]]})
    assert isinstance(answer, list) and len(answer) == 2
    assert float32_bits(answer[0]) == float32_bits(vector("hello"))
    assert float32_bits(answer[1]) == float32_bits(vector(token_text([1, 2, 3])))
    # Shortest float32 text: read back as float32 it is the emulator's value exactly.
    (solo,) = invoke(emulator, {"inputs": "solo", "dimensions": 3})
    assert float32_bits(solo) == float32_bits(vector("solo", 3))


def test_tei_refuses_more_inputs_than_max_batch_with_413(start_emulator):
    emulator = start_emulator(env={"EMULATOR_MAX_BATCH": "4"})
    assert len(invoke(emulator, {"inputs": ["x"] * 4})) == 4
    with pytest.raises(ClientError) as info:
        invoke(emulator, {"inputs": ["x"] * 5})
    error = info.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["OriginalStatusCode"] == 413
    assert json.loads(error["OriginalMessage"]) == {
        "error": "batch size 5 > maximum allowed batch size 4", "error_type": "Validation"
    }


def test_openai_embeddings_body(emulator):
    answer = invoke(emulator, {"model": "", "input": ["two words", "three more words"], "encoding_format": "float"})
    assert answer["object"] == "list"
    assert [d["index"] for d in answer["data"]] == [0, 1]
    assert float32_bits(answer["data"][1]["embedding"]) == float32_bits(vector("three more words"))
    assert answer["usage"]["prompt_tokens"] == 5
    with pytest.raises(ClientError) as info:
        invoke(emulator, {"model": "other-model", "input": "x"})
    assert info.value.response["OriginalStatusCode"] == 404


def test_completions_body_whole_and_streamed(emulator):
    answer = invoke(emulator, {"model": "", "prompt": "Hi [tokens=3]", "logprobs": 1})
    assert answer["object"] == "text_completion"
    assert answer["choices"][0]["text"] == "t1 t2 t3"
    assert answer["choices"][0]["logprobs"]["tokens"] == ["t1", " t2", " t3"]
    response = runtime(emulator).invoke_endpoint_with_response_stream(
        EndpointName="demo-endpoint", Body=json.dumps({"prompt": "héllo", "stream": True}).encode()
    )
    data = b"".join(e["PayloadPart"]["Bytes"] for e in response["Body"]).decode()
    events = [block[len("data: "):] for block in data.strip().split("\n\n")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "text_completion" for c in chunks)
    assert "".join(c["choices"][0]["text"] for c in chunks) == GREETING + "héllo"
