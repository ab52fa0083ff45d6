"""The SageMaker emulator checked against the real AWS SDK (botocore), an independent reading of AWS's wire
protocols: if botocore decodes our answers, signing errors and event streams, so will any AWS client."""

import json
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError, EventStreamError

from conftest import aws_client

GREETING = "Hello from the SageMaker emulator. You said: "


def chat(text, **fields):
    return json.dumps({"messages": [{"role": "user", "content": text}], **fields}).encode()


def runtime(emulator, **kwargs):
    return aws_client("sagemaker-runtime", emulator.url, **kwargs)


def stream_parts(response):
    return [event["PayloadPart"]["Bytes"] for event in response["Body"]]


def sse_events(data):
    """Splits SSE text into the `data:` payloads, checking the framing on the way."""
    text = data.decode("utf-8")
    assert text.endswith("\n\n"), text[-40:]
    blocks = text[:-2].split("\n\n")
    payloads = []
    for block in blocks:
        assert block.startswith("data: "), block
        payloads.append(block[len("data: "):])
    return payloads


def test_invoke_endpoint_returns_a_chat_completion(emulator):
    response = runtime(emulator).invoke_endpoint(
        EndpointName="demo-endpoint",
        Body=chat("how are you"),
        ContentType="application/json",
        CustomAttributes="trace=1",
    )
    assert response["ContentType"] == "application/json"
    assert response["InvokedProductionVariant"] == "AllTraffic"
    assert response["CustomAttributes"] == "trace=1"
    completion = json.loads(response["Body"].read())
    assert completion["object"] == "chat.completion"
    assert completion["model"] == "emulator-model"
    choice = completion["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": GREETING + "how are you"}
    assert choice["finish_reason"] == "stop"
    words = len((GREETING + "how are you").split())
    assert completion["usage"] == {"prompt_tokens": 3, "total_tokens": 3 + words, "completion_tokens": words}


def test_max_tokens_truncates_with_finish_reason_length(emulator):
    response = runtime(emulator).invoke_endpoint(
        EndpointName="demo-endpoint", Body=chat("[tokens=10]", max_tokens=4, model="emulator-model")
    )
    completion = json.loads(response["Body"].read())
    assert completion["choices"][0]["message"]["content"] == "t1 t2 t3 t4"
    assert completion["choices"][0]["finish_reason"] == "length"
    assert completion["usage"]["completion_tokens"] == 4


def test_stream_payload_parts_form_sse_with_the_answer(emulator):
    response = runtime(emulator).invoke_endpoint_with_response_stream(
        EndpointName="demo-endpoint",
        Body=chat("héllo wörld", stream=True, stream_options={"include_usage": True}),
        ContentType="application/json",
    )
    assert response["ContentType"] == "text/event-stream"
    assert response["InvokedProductionVariant"] == "AllTraffic"
    parts = stream_parts(response)
    # Parts are not message boundaries: some end inside a UTF-8 character, so they must be joined as bytes.
    assert any(not _decodes(part) for part in parts)
    payloads = sse_events(b"".join(parts))
    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert content == GREETING + "héllo wörld"
    tokens = [c["choices"][0]["delta"]["content"] for c in chunks[1:-2]]
    assert tokens[:3] == ["Hello", " from", " the"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] == len(tokens)
    assert chunks[-1]["usage"]["prompt_tokens"] == 2


def _decodes(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_stream_tokens_in_order_and_fixed_part_size(emulator):
    response = runtime(emulator).invoke_endpoint_with_response_stream(
        EndpointName="demo-endpoint", Body=chat("[tokens=50] [part_bytes=7] [no_usage]", stream=True,
                                                stream_options={"include_usage": True})
    )
    parts = stream_parts(response)
    assert all(len(p) == 7 for p in parts[:-1]) and 1 <= len(parts[-1]) <= 7
    chunks = [json.loads(p) for p in sse_events(b"".join(parts))[:-1]]
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert content == " ".join(f"t{i}" for i in range(1, 51))
    assert all(c["choices"] for c in chunks), "no usage chunk with [no_usage]"


def test_stream_jsonlines(emulator):
    response = runtime(emulator).invoke_endpoint_with_response_stream(
        EndpointName="demo-endpoint", Body=chat("[jsonlines] [tokens=3]", stream=True)
    )
    assert response["ContentType"] == "application/jsonlines"
    text = b"".join(stream_parts(response)).decode()
    assert "data:" not in text and "[DONE]" not in text
    lines = text.splitlines()
    assert text.endswith("\n")
    chunks = [json.loads(line) for line in lines]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == "t1 t2 t3"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_model_stream_error_reaches_botocore_as_an_error_event(emulator):
    response = runtime(emulator).invoke_endpoint_with_response_stream(
        EndpointName="demo-endpoint", Body=chat("[tokens=5] [fail_after=2]", stream=True)
    )
    received = []
    with pytest.raises(EventStreamError) as caught:
        for event in response["Body"]:
            received.append(event["PayloadPart"]["Bytes"])
    assert caught.value.response["Error"]["Code"] == "ModelStreamError"
    chunks = [json.loads(p) for p in sse_events(b"".join(received))]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == "t1 t2"


def test_model_errors_carry_the_containers_status(emulator):
    client = runtime(emulator)
    with pytest.raises(ClientError) as caught:
        client.invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi", model="gpt-4o"))
    error = caught.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert error["OriginalStatusCode"] == 404
    assert json.loads(error["OriginalMessage"])["message"] == "The model `gpt-4o` does not exist."

    with pytest.raises(ClientError) as caught:
        client.invoke_endpoint(EndpointName="demo-endpoint", Body=b"not json")
    assert caught.value.response["OriginalStatusCode"] == 400

    with pytest.raises(ClientError) as caught:
        client.invoke_endpoint_with_response_stream(EndpointName="demo-endpoint", Body=chat("[model_error=503]", stream=True))
    assert caught.value.response["Error"]["Code"] == "ModelError"
    assert caught.value.response["OriginalStatusCode"] == 503


def test_unknown_endpoint_is_a_validation_error(emulator):
    with pytest.raises(ClientError) as caught:
        runtime(emulator).invoke_endpoint(EndpointName="no-such-endpoint", Body=chat("hi"))
    error = caught.value.response
    assert error["Error"]["Code"] == "ValidationError"
    assert error["Error"]["Message"] == "Endpoint no-such-endpoint of account 123456789012 not found."
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(
    "directive,code,status",
    [
        ("[throttle]", "ThrottlingException", 400),
        ("[not_ready]", "ModelNotReadyException", 429),
        ("[unavailable]", "ServiceUnavailable", 503),
        ("[internal]", "InternalFailure", 500),
    ],
)
def test_service_errors(emulator, directive, code, status):
    with pytest.raises(ClientError) as caught:
        runtime(emulator).invoke_endpoint(EndpointName="demo-endpoint", Body=chat(directive))
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_signature_failures(emulator):
    with pytest.raises(ClientError) as caught:
        runtime(emulator, secret_key="wrong-secret").invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    with pytest.raises(ClientError) as caught:
        runtime(emulator, access_key="AKIDUNKNOWN").invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"

    with pytest.raises(ClientError) as caught:
        runtime(emulator, region="eu-west-1").invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"

    with pytest.raises(ClientError) as caught:
        aws_client("secretsmanager", emulator.url, secret_key="wrong").get_secret_value(SecretId="gateway/api-keys")
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"

    request = urllib.request.Request(emulator.url + "/endpoints/demo-endpoint/invocations", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(request, timeout=10)
    assert unsigned.value.code == 403
    assert unsigned.value.headers["x-amzn-ErrorType"].startswith("MissingAuthenticationTokenException")

    assert emulator.get_json("/_emulator/stats")["signature_failures"] == 5


def test_get_secret_value_and_rotation(emulator):
    client = aws_client("secretsmanager", emulator.url)
    secret = client.get_secret_value(SecretId="gateway/api-keys")
    assert json.loads(secret["SecretString"]) == {"api_keys": ["sk-test"]}
    assert secret["Name"] == "gateway/api-keys"
    assert secret["VersionStages"] == ["AWSCURRENT"]
    assert secret["ARN"] == "arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-keys-AbCdEf"
    assert client.get_secret_value(SecretId=secret["ARN"])["SecretString"] == secret["SecretString"]

    emulator.post_json("/_emulator/secrets", {"name": "gateway/api-keys", "value": "sk-rotated"})
    rotated = client.get_secret_value(SecretId="gateway/api-keys")
    assert rotated["SecretString"] == "sk-rotated"
    assert rotated["VersionId"] != secret["VersionId"]

    with pytest.raises(ClientError) as caught:
        client.get_secret_value(SecretId="missing")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["Error"]["Message"] == "Secrets Manager can't find the specified secret."
    assert emulator.get_json("/_emulator/stats")["secret_fetches"] == 4


def test_container_credentials_are_accepted_then_expire(start_emulator):
    emulator = start_emulator("--credentials-lifetime", "2", "--container-credentials-token", "ecs-token")
    with pytest.raises(urllib.error.HTTPError) as missing:
        emulator.get_json("/v2/credentials/task-role")
    assert missing.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as wrong:
        emulator.get_json("/v2/credentials/task-role", headers={"Authorization": "nope"})
    assert wrong.value.code == 403

    creds = emulator.get_json("/v2/credentials/task-role", headers={"Authorization": "ecs-token"})
    assert creds["AccessKeyId"].startswith("ASIA")
    assert creds["Expiration"].endswith("Z") and creds["RoleArn"].startswith("arn:aws:iam::")
    client = runtime(emulator, access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                     session_token=creds["Token"])
    assert json.loads(client.invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))["Body"].read())

    # The key without its token, or with another token, is not accepted.
    for token in (None, "someone-elses-token"):
        with pytest.raises(ClientError) as caught:
            runtime(emulator, access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                    session_token=token).invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))
        assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"

    time.sleep(2.5)
    with pytest.raises(ClientError) as caught:
        client.invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))
    assert caught.value.response["Error"]["Code"] == "ExpiredTokenException"
    assert caught.value.response["Error"]["Message"] == "The security token included in the request is expired"
    assert emulator.get_json("/_emulator/stats")["credential_fetches"] == 1


def test_creds_path_without_token_requirement(emulator):
    creds = emulator.get_json("/creds")
    client = aws_client("secretsmanager", emulator.url, access_key=creds["AccessKeyId"],
                        secret_key=creds["SecretAccessKey"], session_token=creds["Token"])
    assert client.get_secret_value(SecretId="gateway/api-keys")["Name"] == "gateway/api-keys"


def test_minted_session_tokens_take_the_length_asked_for(start_emulator):
    # As long as an ECS task role's: scripts/callgrind.py --session-token signs with these.
    emulator = start_emulator("--session-token-length", "1000")
    creds = emulator.get_json("/creds")
    assert len(creds["Token"]) == 1000 and creds["Token"].startswith("IQoJb3JpZ2lu")
    client = runtime(emulator, access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                     session_token=creds["Token"])
    assert json.loads(client.invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))["Body"].read())


def test_a_session_token_shorter_than_its_prefix_is_refused(start_emulator):
    with pytest.raises(pytest.fail.Exception) as refused:
        start_emulator("--session-token-length", "10")
    assert "at least 24" in str(refused.value)


def test_reader_disconnect_cancels_the_stream(emulator):
    response = runtime(emulator).invoke_endpoint_with_response_stream(
        EndpointName="demo-endpoint", Body=chat("[tokens=200] [delay_ms=20]", stream=True)
    )
    events = iter(response["Body"])
    for _ in range(3):
        next(events)
    stats = emulator.get_json("/_emulator/stats")
    assert stats["active_streams"] == 1 and stats["streams_started"] == 1
    response["Body"].close()

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        stats = emulator.get_json("/_emulator/stats")
        if stats["streams_cancelled"] == 1:
            break
        time.sleep(0.05)
    assert stats["streams_cancelled"] == 1
    assert stats["active_streams"] == 0
    assert stats["streams_completed"] == 0


def test_stats_count_invocations_and_streams(emulator):
    client = runtime(emulator)
    client.invoke_endpoint(EndpointName="demo-endpoint", Body=chat("one"))
    stream_parts(client.invoke_endpoint_with_response_stream(EndpointName="demo-endpoint", Body=chat("two", stream=True)))
    stats = emulator.get_json("/_emulator/stats")
    assert stats["invocations"] == 2
    assert stats["streams_started"] == 1 and stats["streams_completed"] == 1 and stats["active_streams"] == 0
    with urllib.request.urlopen(emulator.url + "/ping", timeout=5) as ping:
        assert ping.status == 200


def test_clock_skew_is_refused_like_aws(emulator, monkeypatch):
    import datetime

    import botocore.auth

    skewed = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: skewed)
    with pytest.raises(ClientError) as caught:
        runtime(emulator).invoke_endpoint(EndpointName="demo-endpoint", Body=chat("hi"))
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert caught.value.response["Error"]["Message"].startswith("Signature expired: ")


def test_slow_reader_gets_every_byte(emulator):
    """Enough output to fill the socket buffers while the reader sleeps: the emulator must wait for the
    connection to drain and resume, not drop or reorder anything."""
    count = 40000
    response = runtime(emulator).invoke_endpoint_with_response_stream(
        EndpointName="demo-endpoint", Body=chat(f"[tokens={count}] [part_bytes=16384]", stream=True)
    )
    time.sleep(1.5)
    assert emulator.get_json("/_emulator/stats")["active_streams"] == 1
    chunks = [json.loads(p) for p in sse_events(b"".join(stream_parts(response)))[:-1]]
    tokens = [c["choices"][0]["delta"].get("content", "") for c in chunks[1:-1]]
    assert tokens == ["t1"] + [f" t{i}" for i in range(2, count + 1)]
    assert emulator.get_json("/_emulator/stats")["streams_completed"] == 1
