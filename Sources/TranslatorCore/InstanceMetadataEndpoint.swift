import GatewayWire

/// IMDS's base URL: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, or the IPv4 / IPv6 link-local address by
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`; none at all when `AWS_EC2_METADATA_DISABLED=true`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-credentials.html
package struct InstanceMetadataEndpoint: Equatable, Sendable {
    package var endpoint: ServiceEndpoint

    package init(endpoint: ServiceEndpoint) {
        self.endpoint = endpoint
    }

    package static let ipv4 = ServiceEndpoint(scheme: "http", host: "169.254.169.254")
    package static let ipv6 = ServiceEndpoint(scheme: "http", host: "[fd00:ec2::254]")

    package static func resolve(environment env: [String: String]) -> Result<InstanceMetadataEndpoint?, ConfigError> {
        if env["AWS_EC2_METADATA_DISABLED"]?.trimmed(of: " \t").lowercased() == "true" { return .success(nil) }
        if let url = env["AWS_EC2_METADATA_SERVICE_ENDPOINT"], !url.isEmpty {
            guard let endpoint = ServiceEndpoint(url: url) else {
                return .failure(ConfigError("AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL: \(url)"))
            }
            return .success(InstanceMetadataEndpoint(endpoint: endpoint))
        }
        switch env["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() ?? "ipv4" {
        case "ipv4", "": return .success(InstanceMetadataEndpoint(endpoint: ipv4))
        case "ipv6": return .success(InstanceMetadataEndpoint(endpoint: ipv6))
        case let other:
            return .failure(ConfigError("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6, got \(other)"))
        }
    }
}
