#!/usr/bin/env python3
"""Writes the seed corpus, Fuzz/Corpus/<target>/<sha1>: the request bodies the unit tests use (every
single-line #"{...}"# literal in their test targets) and small real streams, frames, event-stream
messages and HTTP requests built here. Run it again after adding test vectors; the output is checked in.
Split-testing targets read their first byte as the split offset, so their seeds start with one."""
import hashlib
import json
import pathlib
import re
import struct
import zlib

root = pathlib.Path(__file__).resolve().parent
corpus = root / "Corpus"


def write(target, seeds):
    directory = corpus / target
    directory.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        data = seed.encode() if isinstance(seed, str) else seed
        (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def test_bodies(*test_dirs):
    """JSON bodies written as single-line raw strings in the unit tests."""
    bodies = set()
    for test_dir in test_dirs:
        for path in (root.parent / "Tests" / test_dir).glob("*.swift"):
            for literal in re.findall(r'#"(\{.*?\})"#', path.read_text()):
                if "\\#(" not in literal:
                    bodies.add(literal)
    return sorted(bodies)


def split(data, at=None):
    """A seed for a target that splits its input: the selector byte, then the bytes."""
    data = data.encode() if isinstance(data, str) else data
    return bytes([(len(data) // 2 if at is None else at) % 256]) + data


def frame(kind, payload, stream=1):
    """A protocol-v2 frame (docs/protocol.md): length, version 2, kind, stream, payload."""
    payload = json.dumps(payload, separators=(",", ":")).encode() if not isinstance(payload, bytes) else payload
    return struct.pack(">IBBI", len(payload) + 6, 2, kind, stream) + payload


def text_event(type_, choice, text):
    """A binary `event` payload of type 1 (content) or 2 (reasoning); 4 (finish) has the same shape."""
    raw = text.encode()
    return struct.pack(">BII", type_, choice, len(raw)) + raw


def header(name, value):
    if isinstance(value, str):
        raw = value.encode()
        return bytes([len(name)]) + name.encode() + bytes([7]) + struct.pack(">H", len(raw)) + raw
    if isinstance(value, bool):
        return bytes([len(name)]) + name.encode() + bytes([0 if value else 1])
    return bytes([len(name)]) + name.encode() + bytes([4]) + struct.pack(">i", value)


def message(headers, payload):
    """One AWS event-stream message (prelude, prelude CRC, headers, payload, message CRC)."""
    encoded = b"".join(header(name, value) for name, value in headers)
    total = 16 + len(encoded) + len(payload)
    prelude = struct.pack(">II", total, len(encoded))
    body = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return body + struct.pack(">I", zlib.crc32(body))


chat_bodies = test_bodies("OpenAIWireTests") + [
    '{"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}',
    '{"model":"m","prompt":"Once","max_tokens":5,"logprobs":2,"echo":true}',
    '{"model":"m","input":["a","b"],"encoding_format":"base64","dimensions":8}',
]
write("FuzzOpenAIRequests", chat_bodies)
write("FuzzJSONParser", chat_bodies + ['[1,-2.5e+3,true,false,null,"\\u00e9\\ud83d\\ude00"]', '{"a":{"b":[[]]}}'])
write("FuzzAnthropicRequest", test_bodies("AnthropicWireTests"))
write("FuzzResponsesRequest", test_bodies("ResponsesWireTests"))

chunk = {"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "h\u00e9"}}]}
tool = {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "t", "function": {"name": "f", "arguments": "{}"}}]}}]}
done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}
lines = [json.dumps(c, ensure_ascii=False) for c in (chunk, tool, done)]
write("FuzzOpenAIStreamParser", [
    split("".join(f"data: {line}\n\n" for line in lines) + "data: [DONE]\n\n"),
    split("".join(f"data:{line}\r\n\r\n" for line in lines), at=7),
    split("\n".join(lines) + "\n"),
    split(": keep-alive\n\nevent: message\nid: 7\ndata: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"a\"}}]}\n\n"),
    split('data: {"error":{"message":"overloaded","code":503}}\n\n'),
    split('{"token":{"id":1,"text":"Hi","log_prob":-0.1,"special":false},"generated_text":null,"details":null}\n'),
    # Shapes the byte-level chunk reader handles or hands back: reasoning under both names, completions text.
    split('{"choices":[{"index":0,"delta":{"reasoning_content":null,"reasoning":"r\\u00e9"},"logprobs":null}]}\n'
          '{"object":"text_completion","choices":[{"index":1,"text":"t","logprobs":null,"finish_reason":"length"}]}\n'),
])
tgi = [
    {"index": 1, "token": {"id": 1001, "text": "Hel", "logprob": -0.25, "special": False}, "generated_text": None, "details": None},
    {"index": 2, "token": {"id": 1002, "text": "lo</s>", "logprob": -0.5, "special": False}, "generated_text": "Hello",
     "details": {"finish_reason": "eos_token", "generated_tokens": 2, "prompt_tokens": 4}},
]
write("FuzzTGIStreamParser", [
    split("".join(f"data:{json.dumps(t)}\n\n" for t in tgi)),
    split("\n".join(json.dumps(t) for t in tgi) + "\n", at=40),
    split('data:{"error":"Input validation error","error_type":"validation"}\n\n'),
])

request = {"id": "r1", "key": "k", "op": "chat", "model": "m", "messages": [{"role": "user", "content": "Hi"}],
           "stream": True, "include_usage": False, "parameters": {"temperature": 0.5}}


def event_str(text):
    """An `event` payload's length-prefixed UTF-8 string."""
    raw = text.encode()
    return struct.pack(">I", len(raw)) + raw


replies = (frame(2, b"") + frame(9, b"", stream=0) + frame(3, text_event(1, 0, "Hi"))
           + frame(3, text_event(2, 0, "hmm"), stream=2)
           + frame(3, b"\x03" + struct.pack(">IIB", 0, 0, 3) + event_str("c") + event_str("f") + event_str("{}"))
           + frame(3, text_event(4, 0, "stop"))
           + frame(3, struct.pack(">BIII", 5, 1, 1, 2)) + frame(5, b"") + frame(11, b"", stream=2))
write("FuzzFrameDecoder", [
    split(frame(1, request)),
    split(frame(1, {"id": "r2", "op": "models"}) + frame(1, {"id": "r3", "op": "health"})),
    split(replies, at=9),
    split(frame(4, {"kind": "invalid_request", "message": "no", "param": "model", "retry_after": 1})),
    split(frame(6, [{"id": "m", "created": 1, "owned_by": "o"}]) + frame(7, {"ready": True, "detail": ""})),
    split(frame(1, {"id": "metrics", "op": "metrics"}) + frame(10, [
        {"name": "g", "type": "histogram", "help": "h", "samples": [
            {"suffix": "_bucket", "labels": {"le": "+Inf"}, "value": 1}, {"labels": {}, "value": "NaN"}]}])),
])

event = [(":event-type", "PayloadPart"), (":content-type", "application/json"), (":message-type", "event")]
exception = [(":exception-type", "ModelStreamError"), (":message-type", "exception"), ("ErrorCode", 424)]
write("FuzzEventStreamDecoder", [
    split(message(event, json.dumps({"Bytes": "ZGF0YQ=="}).encode()) + message(event, b"data: [DONE]\n\n")),
    split(message(exception, b'{"message":"boom"}'), at=13),
    split(message([("flag", True), ("off", False)], b"")),
])

write("FuzzHTTPRequestRules", [
    "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
    "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "POST / HTTP/1.1\nTransfer-Encoding: chunked\n\na \r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nGET",
    "GET /health HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n",
    "\r\nBREW /pot HTTP/1.1\r\n\r\n",
])
