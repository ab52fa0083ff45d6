import GatewayWire

/// Counters the integration tests read from `GET /_emulator/stats` to see what reached the "AWS" side.
struct EmulatorStats {
    var invocations = 0
    /// InvokeEndpoint calls failed for taking longer than `--invoke-timeout`.
    var invokeTimeouts = 0
    var streamsStarted = 0
    var streamsCompleted = 0
    var streamsCancelled = 0
    var signatureFailures = 0
    var activeStreams = 0
    var secretFetches = 0
    var credentialFetches = 0
    var webIdentityFetches = 0
    var assumeRoleFetches = 0
    var imdsTokens = 0
    var imdsCredentialFetches = 0
    var openAIRoute = OpenAIRouteStats()

    var json: JSONValue {
        .object([
            ("invocations", .int(invocations)),
            ("streams_started", .int(streamsStarted)),
            ("streams_completed", .int(streamsCompleted)),
            ("streams_cancelled", .int(streamsCancelled)),
            ("signature_failures", .int(signatureFailures)),
            ("active_streams", .int(activeStreams)),
            ("secret_fetches", .int(secretFetches)),
            ("credential_fetches", .int(credentialFetches)),
            ("web_identity_fetches", .int(webIdentityFetches)),
            ("assume_role_fetches", .int(assumeRoleFetches)),
            ("imds_tokens", .int(imdsTokens)),
            ("imds_credential_fetches", .int(imdsCredentialFetches)),
            ("openai_route", openAIRoute.json),
            ("invoke_timeouts", .int(invokeTimeouts)),
        ])
    }
}
