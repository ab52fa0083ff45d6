/// The independent reference the interop tests run with `python3 -c`: an event-stream encoder written with
/// `struct` and `zlib.crc32` only, whose frames are checked by botocore's own decoder (`EventStreamBuffer`).
/// Kept as a Swift string because a `.py` file in the target would be an undeclared resource.
///
/// Modes: `generate` prints `{"vectors": [...]}` (name, hex frame, header descriptions, payload hex);
/// `verify` reads that shape on stdin, re-encodes each vector and requires byte equality with the given frame,
/// then requires botocore to decode every frame alone and all of them as one stream. Exit 77: botocore missing.
enum ReferenceScript {
    static let source = #"""
        # Independent event-stream reference for AWSEventStreamTests (struct + zlib.crc32, checked by botocore).
        # "generate": print {"vectors": [...]} frames built here and verified by botocore's decoder.
        # "verify": read the same JSON shape on stdin (frames from the Swift encoder) and check botocore decodes them.
        import json, random, struct, sys, zlib
        try:
            from botocore.eventstream import EventStreamBuffer
        except ImportError as error:
            print(f"botocore unavailable: {error}", file=sys.stderr, end="")
            sys.exit(77)

        PACK = {"byte": (2, ">b"), "short": (3, ">h"), "integer": (4, ">i"), "long": (5, ">q"), "timestamp": (8, ">q")}

        def value_of(header):  # JSON description -> the Python value botocore produces
            kind, text = header["type"], header["value"]
            if kind == "bool": return text == "true"
            if kind in PACK: return int(text)
            if kind in ("bytes", "uuid"): return bytes.fromhex(text)
            return text

        def encode_header(header):
            name, kind, value = header["name"].encode(), header["type"], value_of(header)
            out = struct.pack(">B", len(name)) + name
            if kind == "bool": return out + struct.pack(">B", 0 if value else 1)
            if kind in PACK:
                code, fmt = PACK[kind]
                return out + struct.pack(">B", code) + struct.pack(fmt, value)
            if kind == "bytes": return out + struct.pack(">BH", 6, len(value)) + value
            if kind == "string":
                raw = value.encode()
                return out + struct.pack(">BH", 7, len(raw)) + raw
            if kind == "uuid": return out + struct.pack(">B", 9) + value
            raise ValueError(kind)

        def encode(vector):
            headers = b"".join(encode_header(h) for h in vector["headers"])
            payload = bytes.fromhex(vector["payload"])
            prelude = struct.pack(">II", 16 + len(headers) + len(payload), len(headers))
            prelude += struct.pack(">I", zlib.crc32(prelude))
            body = prelude + headers + payload
            return body + struct.pack(">I", zlib.crc32(body))

        def check_with_botocore(vectors):
            # Each frame as its own stream, then all of them as one stream.
            for stream in [[vector] for vector in vectors] + [vectors]:
                buffer = EventStreamBuffer()
                buffer.add_data(b"".join(bytes.fromhex(vector["hex"]) for vector in stream))
                messages = list(buffer)
                assert len(messages) == len(stream), (len(messages), len(stream))
                for message, vector in zip(messages, stream):
                    want = {header["name"]: value_of(header) for header in vector["headers"]}
                    assert message.headers == want, (vector["name"], message.headers, want)
                    assert message.payload == bytes.fromhex(vector["payload"]), vector["name"]

        def h(name, kind, value): return {"name": name, "type": kind, "value": value}

        def fixed_vectors():
            json_error = json.dumps({"Message": "Received client error (424) from primary", "ErrorCode": "ModelError"})
            return [
                {"name": "all-ten-types", "headers": [
                    h("true", "bool", "true"), h("false", "bool", "false"), h("byte", "byte", "-7"),
                    h("short", "short", "-12345"), h("integer", "integer", "2147483647"),
                    h("long", "long", "-9223372036854775808"), h("bytes", "bytes", "00ff10e0"),
                    h("string", "string", "h\u00e9llo \u2713 \U0001F600"), h("timestamp", "timestamp", "1700000000123"),
                    h("uuid", "uuid", "00112233445566778899aabbccddeeff")], "payload": b"hello".hex()},
                {"name": "empty-payload", "headers": [h(":message-type", "string", "event")], "payload": ""},
                {"name": "empty-headers", "headers": [], "payload": b"{\"a\":1}".hex()},
                {"name": "empty-message", "headers": [], "payload": ""},
                {"name": "payload-part", "headers": [
                    h(":event-type", "string", "PayloadPart"), h(":content-type", "string", "application/octet-stream"),
                    h(":message-type", "string", "event")],
                 "payload": b'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n'.hex()},
                {"name": "model-stream-error", "headers": [
                    h(":exception-type", "string", "ModelStreamError"), h(":content-type", "string", "application/json"),
                    h(":message-type", "string", "exception")], "payload": json_error.encode().hex()},
                {"name": "extremes", "headers": [
                    h("b-min", "byte", "-128"), h("b-max", "byte", "127"), h("s-min", "short", "-32768"),
                    h("s-max", "short", "32767"), h("i-min", "integer", "-2147483648"),
                    h("l-max", "long", "9223372036854775807"), h("t-neg", "timestamp", "-1"), h("empty-bytes", "bytes", ""),
                    h("empty-string", "string", ""), h("n" * 255, "string", "x" * 1000)], "payload": "00"},
                {"name": "large-payload", "headers": [h(":message-type", "string", "event")],
                 "payload": bytes(i * 7 % 251 for i in range(70000)).hex()},
            ]

        def random_vectors(count, seed):
            rng = random.Random(seed)
            alphabet = "abcxyz:-_ \u00e9\u00df\u4e2d\U0001F680"
            vectors = []
            for index in range(count):
                headers = []
                for position in range(rng.randrange(0, 8)):
                    kind = rng.choice(["bool", "byte", "short", "integer", "long", "bytes", "string", "timestamp", "uuid"])
                    bits = {"byte": 8, "short": 16, "integer": 32, "long": 64, "timestamp": 64}.get(kind)
                    if kind == "bool": value = rng.choice(["true", "false"])
                    elif bits: value = str(rng.randrange(-(1 << (bits - 1)), 1 << (bits - 1)))
                    elif kind == "bytes": value = rng.randbytes(rng.randrange(0, 40)).hex()
                    elif kind == "uuid": value = rng.randbytes(16).hex()
                    else: value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
                    suffix = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 6)))
                    headers.append(h(f"h{position}-{suffix}", kind, value))
                vectors.append({"name": f"random-{index}", "headers": headers,
                                "payload": rng.randbytes(rng.randrange(0, 300)).hex()})
            return vectors

        def main():
            mode = sys.argv[1] if len(sys.argv) > 1 else "generate"
            if mode == "generate":
                vectors = fixed_vectors() + random_vectors(20, seed=20240611)
                for vector in vectors:
                    vector["hex"] = encode(vector).hex()
                check_with_botocore(vectors)
                print(json.dumps({"vectors": vectors}))
            elif mode == "verify":
                vectors = json.load(sys.stdin)["vectors"]
                for vector in vectors:  # our encoder and the Swift one must agree byte for byte, too
                    assert encode(vector).hex() == vector["hex"], vector["name"]
                check_with_botocore(vectors)
                print(f"verified {len(vectors)} frames")
            else:
                sys.exit(f"unknown mode {mode}")

        main()
        """#
}
