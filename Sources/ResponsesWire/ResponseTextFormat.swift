import GatewayWire
import OpenAIWire

/// `text.format` → chat's `response_format`: `text` (the default, sent as nothing), `json_object`, and
/// `json_schema` with its fields one level up (`{"type", "name", "schema", "strict"}` in Responses,
/// `{"type", "json_schema": {"name", "schema", "strict"}}` in chat). `text.verbosity` has no chat
/// counterpart and is ignored.
/// https://platform.openai.com/docs/api-reference/responses/create#responses-create-text
enum ResponseTextFormat {
    static func responseFormat(_ text: JSONValue) throws(GatewayError) -> JSONValue? {
        try ParameterRules.object("text", text)
        guard let format = text["format"], !format.isNull else { return nil }
        try ParameterRules.object("text.format", format)
        try ParameterRules.requiredString(format, "type", at: "text.format")
        let type = format["type"]?.stringValue ?? ""
        switch type {
        case "text":
            return nil
        case "json_object":
            return .object([("type", .string("json_object"))])
        case "json_schema":
            try ParameterRules.requiredString(format, "name", at: "text.format")
            try ToolRules.checkName(format["name"], at: "text.format.name")
            guard let schema = format["schema"], !schema.isNull else {
                throw ValidationMessage.missing("text.format.schema")
            }
            try ParameterRules.object("text.format.schema", schema)
            var jsonSchema: [(String, JSONValue)] = [("name", format["name"] ?? .null)]
            if let description = format["description"], !description.isNull {
                try ParameterRules.string("text.format.description", description)
                jsonSchema.append(("description", description))
            }
            jsonSchema.append(("schema", schema))
            if let strict = format["strict"], !strict.isNull {
                try ParameterRules.bool("text.format.strict", strict)
                jsonSchema.append(("strict", strict))
            }
            return .object([("type", .string("json_schema")), ("json_schema", .object(jsonSchema))])
        default:
            throw ValidationMessage.invalidValue(
                "text.format.type", type, supported: ["text", "json_object", "json_schema"])
        }
    }
}
