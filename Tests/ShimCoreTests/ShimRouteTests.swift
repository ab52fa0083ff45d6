import ShimCore
import Testing

@Suite("ShimRoute")
struct ShimRouteTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var method: String
        var path: String
        var route: ShimRoute
        var testDescription: String { "\(method) \(path)" }
    }

    @Test(arguments: [
        Case(method: "GET", path: "/ping", route: .ping),
        Case(method: "HEAD", path: "/ping", route: .ping),
        Case(method: "GET", path: "/health", route: .health),
        Case(method: "GET", path: "/v1/models", route: .listModels),
        Case(method: "GET", path: "/v1/models/llama-3-8b", route: .retrieveModel("llama-3-8b")),
        Case(method: "GET", path: "/v1/models/org%2Fmodel", route: .retrieveModel("org/model")),
        // A malformed escape is kept as sent: the translator answers 404 for a model it does not know.
        Case(method: "GET", path: "/v1/models/100%", route: .retrieveModel("100%")),
        Case(method: "GET", path: "/v1/models/", route: .unknown),
        Case(method: "POST", path: "/v1/chat/completions", route: .chatCompletions),
        Case(method: "POST", path: "/v1/completions", route: .completions),
        Case(method: "POST", path: "/v1/embeddings", route: .embeddings),
        Case(method: "POST", path: "/v1/responses", route: .responses),
        Case(method: "GET", path: "/v1/responses/resp_1", route: .storedResponse),
        Case(method: "DELETE", path: "/v1/responses/resp_1", route: .storedResponse),
        Case(method: "POST", path: "/v1/messages", route: .anthropic),
        Case(method: "GET", path: "/v1/messages", route: .anthropic),
        Case(method: "POST", path: "/v1/messages/count_tokens", route: .anthropic),
        Case(method: "POST", path: "/v1/messages/batches", route: .anthropic),
        Case(method: "GET", path: "/v1/chat/completions", route: .methodNotAllowed(allowed: ["POST"])),
        Case(method: "PUT", path: "/v1/completions", route: .methodNotAllowed(allowed: ["POST"])),
        Case(method: "GET", path: "/v1/embeddings", route: .methodNotAllowed(allowed: ["POST"])),
        Case(method: "GET", path: "/v1/responses", route: .methodNotAllowed(allowed: ["POST"])),
        Case(method: "POST", path: "/v1/models", route: .methodNotAllowed(allowed: ["GET"])),
        Case(method: "POST", path: "/ping", route: .methodNotAllowed(allowed: ["GET"])),
        Case(method: "DELETE", path: "/health", route: .methodNotAllowed(allowed: ["GET"])),
        Case(method: "HEAD", path: "/v1/models/x", route: .unknown),
        Case(method: "GET", path: "/v1/messagesx", route: .unknown),
        Case(method: "GET", path: "/", route: .unknown),
        Case(method: "POST", path: "/v1/chat/completions/", route: .unknown),
    ])
    func routes(_ c: Case) {
        #expect(ShimRoute.match(method: c.method, path: c.path) == c.route)
    }
}
