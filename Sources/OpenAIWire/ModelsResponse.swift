import GatewayWire

/// `GET /v1/models` and `GET /v1/models/{id}` bodies.
/// https://platform.openai.com/docs/api-reference/models/object
package enum ModelsResponse {
    package static func list(_ models: [ModelInfo]) -> [UInt8] {
        JSONWriter.bytes(.object([("object", .string("list")), ("data", .array(models.map(object)))]))
    }

    package static func model(_ m: ModelInfo) -> [UInt8] {
        JSONWriter.bytes(object(m))
    }

    static func object(_ m: ModelInfo) -> JSONValue {
        .object([
            ("id", .string(m.id)),
            ("object", .string("model")),
            ("created", .int(m.created)),
            ("owned_by", .string(m.ownedBy)),
        ])
    }
}
