/// The AWS services the translator calls, with the names each one is known by in endpoints,
/// signing and the `AWS_ENDPOINT_URL_<SERVICE>` variables.
package enum AWSService: String, CaseIterable, Sendable {
    case sagemakerRuntime
    case secretsManager
    case sts

    /// SigV4's service name in the credential scope.
    package var signingName: String {
        switch self {
        case .sagemakerRuntime: return "sagemaker"
        case .secretsManager: return "secretsmanager"
        case .sts: return "sts"
        }
    }

    /// The suffix of `AWS_ENDPOINT_URL_<SERVICE>`: the service id upper-cased, spaces as underscores.
    package var environmentSuffix: String {
        switch self {
        case .sagemakerRuntime: return "SAGEMAKER_RUNTIME"
        case .secretsManager: return "SECRETS_MANAGER"
        case .sts: return "STS"
        }
    }

    var hostPrefix: String {
        switch self {
        case .sagemakerRuntime: return "runtime.sagemaker"
        case .secretsManager: return "secretsmanager"
        case .sts: return "sts"
        }
    }

    var fipsHostPrefix: String {
        switch self {
        case .sagemakerRuntime: return "runtime-fips.sagemaker"
        case .secretsManager: return "secretsmanager-fips"
        case .sts: return "sts-fips"
        }
    }
}

/// An AWS partition: which DNS suffix a region's endpoints live under.
package struct Partition: Equatable, Sendable {
    package var name: String
    package var dnsSuffix: String

    /// Partition by region prefix, as the SDKs' partitions.json matches them.
    package static func forRegion(_ region: String) -> Partition {
        if region.hasPrefix("cn-") { return Partition(name: "aws-cn", dnsSuffix: "amazonaws.com.cn") }
        if region.hasPrefix("us-gov-") { return Partition(name: "aws-us-gov", dnsSuffix: "amazonaws.com") }
        if region.hasPrefix("us-isob-") { return Partition(name: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov") }
        if region.hasPrefix("us-iso-") { return Partition(name: "aws-iso", dnsSuffix: "c2s.ic.gov") }
        if region.hasPrefix("eu-isoe-") { return Partition(name: "aws-iso-e", dnsSuffix: "cloud.adc-e.uk") }
        return Partition(name: "aws", dnsSuffix: "amazonaws.com")
    }
}

package enum EndpointResolver {
    /// `AWS_ENDPOINT_URL_<SERVICE>` wins over `AWS_ENDPOINT_URL`, which wins over the regional endpoint.
    package static func endpoint(
        for service: AWSService, region: String, environment: [String: String]
    ) -> Result<ServiceEndpoint, ConfigError> {
        for name in ["AWS_ENDPOINT_URL_\(service.environmentSuffix)", "AWS_ENDPOINT_URL"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard let endpoint = ServiceEndpoint(url: value) else {
                return .failure(ConfigError("\(name) is not an http(s) URL: \(value)"))
            }
            return .success(endpoint)
        }
        let fips = environment["AWS_USE_FIPS_ENDPOINT"]?.lowercased() == "true"
        let prefix = fips ? service.fipsHostPrefix : service.hostPrefix
        let suffix = Partition.forRegion(region).dnsSuffix
        return .success(ServiceEndpoint(scheme: "https", host: "\(prefix).\(region).\(suffix)"))
    }
}
