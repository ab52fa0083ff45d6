import AWSEventStream

/// Frames produced by the Python reference (``ReferenceScript``, verified by botocore) and checked in, so the
/// decoder is tested against bytes it did not write even where python3 is missing.
enum FixedVectors {
    struct Vector {
        var name: String
        var frame: [UInt8]
        var message: EventStreamMessage
    }

    static let all: [Vector] = [
        Vector(
            name: "empty-message",  // also the empty-message vector of aws-c-event-stream's test suite
            frame: hex("000000100000000005c248eb7d98c8ff"),
            message: EventStreamMessage()
        ),
        Vector(
            name: "all-ten-types",
            frame: hex(
                "0000009c00000087020803fb0474727565000566616c736501046279746502f90573686f727403cfc707696e7465676572"
                    + "047fffffff046c6f6e6705800000000000000005627974657306000400ff10e006737472696e6707000f68c3a96c6c"
                    + "6f20e29c9320f09f98800974696d657374616d70080000018bcfe5687b04757569640900112233445566778899aabb"
                    + "ccddeeff68656c6c6fd949c8de"
            ),
            message: EventStreamMessage(
                headers: [
                    EventStreamHeader(name: "true", value: .bool(true)),
                    EventStreamHeader(name: "false", value: .bool(false)),
                    EventStreamHeader(name: "byte", value: .byte(-7)),
                    EventStreamHeader(name: "short", value: .int16(-12345)),
                    EventStreamHeader(name: "integer", value: .int32(.max)),
                    EventStreamHeader(name: "long", value: .int64(.min)),
                    EventStreamHeader(name: "bytes", value: .byteArray([0x00, 0xFF, 0x10, 0xE0])),
                    EventStreamHeader(name: "string", value: .string("héllo ✓ 😀")),
                    EventStreamHeader(name: "timestamp", value: .timestamp(1_700_000_000_123)),
                    EventStreamHeader(name: "uuid", value: .uuid(Array(hex("00112233445566778899aabbccddeeff")))),
                ],
                payload: Array("hello".utf8)
            )
        ),
        Vector(
            name: "empty-payload",
            frame: hex("0000002600000016df77b09c0d3a6d6573736167652d747970650700056576656e740807c704"),
            message: EventStreamMessage(headers: [EventStreamHeader(name: ":message-type", value: .string("event"))])
        ),
        Vector(
            name: "empty-headers",
            frame: hex("0000001700000000b7e294fb7b2261223a317d7a7ed137"),
            message: EventStreamMessage(payload: Array(#"{"a":1}"#.utf8))
        ),
        Vector(
            name: "payload-part",
            frame: hex(
                "0000009900000059ab8373580b3a6576656e742d7479706507000b5061796c6f6164506172740d3a636f6e74656e742d74"
                    + "7970650700186170706c69636174696f6e2f6f637465742d73747265616d0d3a6d6573736167652d747970650700"
                    + "056576656e74646174613a207b2263686f69636573223a5b7b2264656c7461223a7b22636f6e74656e74223a2248"
                    + "69227d7d5d7d0a0ac8427a8c"
            ),
            message: EventStreamMessage(
                headers: [
                    EventStreamHeader(name: ":event-type", value: .string("PayloadPart")),
                    EventStreamHeader(name: ":content-type", value: .string("application/octet-stream")),
                    EventStreamHeader(name: ":message-type", value: .string("event")),
                ],
                payload: Array("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n".utf8)
            )
        ),
        Vector(
            name: "model-stream-error",
            frame: hex(
                "000000c00000005e00e44b410f3a657863657074696f6e2d747970650700104d6f64656c53747265616d4572726f720d3a"
                    + "636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d7479706507"
                    + "0009657863657074696f6e7b224d657373616765223a2022526563656976656420636c69656e74206572726f7220"
                    + "28343234292066726f6d207072696d617279222c20224572726f72436f6465223a20224d6f64656c4572726f7222"
                    + "7d8391db08"
            ),
            message: EventStreamMessage(
                headers: [
                    EventStreamHeader(name: ":exception-type", value: .string("ModelStreamError")),
                    EventStreamHeader(name: ":content-type", value: .string("application/json")),
                    EventStreamHeader(name: ":message-type", value: .string("exception")),
                ],
                payload: Array(
                    #"{"Message": "Received client error (424) from primary", "ErrorCode": "ModelError"}"#.utf8
                )
            )
        ),
    ]

    private static func hex(_ text: String) -> [UInt8] {
        (try? Hex.decode(text)) ?? []
    }
}
