/// SageMaker Runtime `InvokeEndpoint` and `InvokeEndpointWithResponseStream` requests
/// (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html).
package enum SageMakerInvocation {
    package static func request(
        endpoint: ServiceEndpoint, route: ModelRoute, body: [UInt8], stream: Bool,
        contentType: String = "application/json"
    ) -> AWSHTTPRequest {
        // Appended rather than interpolated, into room for all of it: every model call builds this path, and
        // grown a part at a time it was allocated twice.
        let name = percentEncodePathSegment(route.endpoint)
        let operation = stream ? "/invocations-response-stream" : "/invocations"
        var path = "/endpoints/"
        path.reserveCapacity(path.utf8.count + name.utf8.count + operation.utf8.count)
        path += name
        path += operation
        // Room for every header this may add and those signing adds: grown from a one-element literal, the array
        // was allocated twice, and signing made a bigger one.
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(5 + AWSHTTPRequest.signingRoom)
        headers.append(("content-type", contentType))
        // The streaming call names the container's Accept differently: a plain Accept would describe the
        // event-stream envelope, not the payload.
        if stream {
            headers.append(("x-amzn-sagemaker-accept", "text/event-stream"))
        } else {
            headers.append(("accept", "application/json"))
        }
        if let ic = route.inferenceComponent { headers.append(("x-amzn-sagemaker-inference-component", ic)) }
        if let variant = route.targetVariant { headers.append(("x-amzn-sagemaker-target-variant", variant)) }
        if let attributes = route.customAttributes {
            headers.append(("x-amzn-sagemaker-custom-attributes", attributes))
        }
        return AWSHTTPRequest(method: "POST", endpoint: endpoint, path: path, headers: headers, body: body)
    }
}
