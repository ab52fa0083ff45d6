import FoundationEssentials
import GatewayMetrics

extension TranslatorServer {
    /// Everything the translator puts on the shim's page: its calls, its sessions, the key cache, the AWS
    /// credentials and the process itself.
    func metricFamilies() -> [MetricFamily] {
        var families = metrics.families()
        families.append(
            MetricFamily(
                name: "gateway_translator_sessions", kind: .gauge,
                help: "Exchanges with the shim the translator is serving (requests in flight; not this scrape).",
                samples: [MetricSample([:], Double(max(0, sessionCount - 1)))]))
        families += keyFamilies() + credentialFamilies()
        families += ProcessStats.current().families(process: "translator")
        return families
    }

    private func keyFamilies() -> [MetricFamily] {
        var age: [MetricSample] = []
        if let loadedAt = keys.loadedAt { age.append(MetricSample([:], clock.monotonic() - loadedAt)) }
        return [
            MetricFamily(
                name: "gateway_api_keys_cache_age_seconds", kind: .gauge,
                help: "Seconds since the API keys were last loaded from Secrets Manager (absent before the first load "
                    + "and without AUTH_SECRET_ID).",
                samples: age),
            MetricFamily(
                name: "gateway_api_keys_loaded", kind: .gauge,
                help: "API keys in the last key set loaded from Secrets Manager.",
                samples: keys.usesSecret ? [MetricSample([:], Double(keys.loadedKeyCount))] : []),
            MetricFamily(
                name: "gateway_api_keys_refreshes_total", kind: .counter,
                help: "Secrets Manager fetches that loaded a key set.",
                samples: [MetricSample([:], Double(keys.refreshes))]),
            MetricFamily(
                name: "gateway_api_keys_refresh_failures_total", kind: .counter,
                help: "Secrets Manager fetches that failed (the last good key set keeps serving).",
                samples: [MetricSample([:], Double(keys.refreshFailures))]),
        ]
    }

    /// Expiry is on the wall clock, as AWS states it; static credentials never expire (`+Inf`).
    private func credentialFamilies() -> [MetricFamily] {
        var expiry: [MetricSample] = []
        if credentials.haveCredentials {
            let seconds = credentials.expiresAt.map { $0 - Date().timeIntervalSince1970 } ?? .infinity
            expiry.append(MetricSample([:], seconds))
        }
        return [
            MetricFamily(
                name: "gateway_aws_credentials_info", kind: .gauge,
                help: "The AWS credential source in use (value always 1).",
                samples: [MetricSample(["source": credentials.sourceLabel], 1)]),
            MetricFamily(
                name: "gateway_aws_credentials_expiry_seconds", kind: .gauge,
                help: "Seconds until the current AWS credentials expire (+Inf for static credentials).",
                samples: expiry),
            MetricFamily(
                name: "gateway_aws_credentials_refresh_failures_total", kind: .counter,
                help: "Failed AWS credential refreshes.",
                samples: [MetricSample([:], Double(credentials.refreshFailures))]),
        ]
    }
}
