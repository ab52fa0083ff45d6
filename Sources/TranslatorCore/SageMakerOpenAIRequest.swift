import AWSSigV4

/// A request to SageMaker's OpenAI-compatible route on an endpoint (the `sagemaker-openai` format):
/// `POST /endpoints/<endpoint>[/inference-components/<component>]/openai/v1/<operation>` on the SageMaker
/// Runtime endpoint (so `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME` applies as for `InvokeEndpoint`), with the OpenAI
/// body as is and `Authorization: Bearer <SageMakerBearerToken>` instead of a SigV4 signature. The answer is
/// OpenAI's: JSON, or plain `text/event-stream` (not the AWS event stream) when streaming.
/// https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
///
/// `target_variant` and `custom_attributes` are not sent: the route documents no header for them.
package enum SageMakerOpenAIRequest {
    /// The operations the route serves, as their path below `/openai/v1/`.
    package enum Operation: String, Sendable {
        case chatCompletions = "chat/completions"
        case completions
        case embeddings
    }

    /// The path below the endpoint's base path, each name percent-encoded as one segment.
    package static func path(route: ModelRoute, operation: Operation) -> String {
        var path = "/endpoints/\(percentEncodePathSegment(route.endpoint))"
        if let component = route.inferenceComponent {
            path += "/inference-components/\(percentEncodePathSegment(component))"
        }
        return path + "/openai/v1/" + operation.rawValue
    }

    /// `body` is the OpenAI request body (its `model` already the container's name or empty).
    package static func request(
        endpoint: ServiceEndpoint, route: ModelRoute, operation: Operation, body: [UInt8], stream: Bool,
        token: SageMakerBearerToken
    ) -> AWSHTTPRequest {
        AWSHTTPRequest(
            method: "POST", endpoint: endpoint, path: path(route: route, operation: operation),
            headers: [
                ("content-type", "application/json"),
                ("accept", stream ? "text/event-stream" : "application/json"),
                ("authorization", token.authorization),
            ],
            body: body)
    }
}
