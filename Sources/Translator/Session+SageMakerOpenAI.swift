import GatewayLog
import GatewayWire
import TranslatorCore

/// Errors from SageMaker's OpenAI-compatible route (`sagemaker-openai` models, called by `modelRequest`): the
/// container's OpenAI error passed through, or SageMaker's own refusal of the bearer token or the endpoint.
/// https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
extension Session {
    /// A refused bearer token is the operator's to fix (the role lacks `sagemaker:CallWithBearerToken`, or the
    /// credentials are wrong): logged as an error, without the token, and a 502 for the client.
    func openAIRouteError(status: Int, headers: [(String, String)], body: [UInt8], route: ModelRoute)
        -> GatewayError
    {
        let error = SageMakerOpenAIErrorMapper.map(
            status: status, headers: headers, body: body, endpointName: route.endpoint)
        if SageMakerErrorMapper.isCredentialError(error) {
            let type = headers.first(where: { $0.0.lowercased() == "x-amzn-errortype" })?.1 ?? "HTTP \(status)"
            Log.error(
                "SageMaker refused the gateway's bearer token for \(route.endpoint)'s OpenAI route (\(type)); "
                    + "the task role needs sagemaker:CallWithBearerToken and valid credentials",
                ["request_id": requestId]
            )
        } else {
            Log.info(
                "SageMaker OpenAI route error HTTP \(status) from \(route.endpoint): \(error.kind.rawValue)",
                ["request_id": requestId]
            )
        }
        return error
    }
}
