import Testing

@testable import TranslatorCore

@Suite("EndpointResolver and Partition")
struct EndpointResolverTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var service: AWSService
        var region: String
        var fips: Bool
        var host: String
        var testDescription: String { "\(service) \(region)\(fips ? " fips" : "")" }
    }

    static let regional: [Case] = [
        Case(
            service: .sagemakerRuntime, region: "us-east-1", fips: false,
            host: "runtime.sagemaker.us-east-1.amazonaws.com"),
        Case(
            service: .secretsManager, region: "eu-west-1", fips: false, host: "secretsmanager.eu-west-1.amazonaws.com"),
        Case(service: .sts, region: "ap-southeast-2", fips: false, host: "sts.ap-southeast-2.amazonaws.com"),
        Case(
            service: .sagemakerRuntime, region: "cn-north-1", fips: false,
            host: "runtime.sagemaker.cn-north-1.amazonaws.com.cn"),
        Case(
            service: .secretsManager, region: "cn-northwest-1", fips: false,
            host: "secretsmanager.cn-northwest-1.amazonaws.com.cn"),
        Case(service: .sts, region: "cn-north-1", fips: false, host: "sts.cn-north-1.amazonaws.com.cn"),
        Case(
            service: .sagemakerRuntime, region: "us-gov-west-1", fips: false,
            host: "runtime.sagemaker.us-gov-west-1.amazonaws.com"),
        Case(
            service: .secretsManager, region: "us-gov-east-1", fips: false,
            host: "secretsmanager.us-gov-east-1.amazonaws.com"),
        Case(service: .sts, region: "us-gov-west-1", fips: false, host: "sts.us-gov-west-1.amazonaws.com"),
        Case(
            service: .sagemakerRuntime, region: "us-iso-east-1", fips: false,
            host: "runtime.sagemaker.us-iso-east-1.c2s.ic.gov"),
        Case(
            service: .secretsManager, region: "us-isob-east-1", fips: false,
            host: "secretsmanager.us-isob-east-1.sc2s.sgov.gov"),
        Case(service: .sts, region: "eu-isoe-west-1", fips: false, host: "sts.eu-isoe-west-1.cloud.adc-e.uk"),
        Case(
            service: .sagemakerRuntime, region: "us-east-1", fips: true,
            host: "runtime-fips.sagemaker.us-east-1.amazonaws.com"),
        Case(
            service: .secretsManager, region: "us-west-2", fips: true,
            host: "secretsmanager-fips.us-west-2.amazonaws.com"),
        Case(service: .sts, region: "us-east-2", fips: true, host: "sts-fips.us-east-2.amazonaws.com"),
        Case(
            service: .sagemakerRuntime, region: "us-gov-west-1", fips: true,
            host: "runtime-fips.sagemaker.us-gov-west-1.amazonaws.com"),
    ]

    @Test("regional endpoint", arguments: regional)
    func regionalEndpoint(_ c: Case) throws {
        let env = c.fips ? ["AWS_USE_FIPS_ENDPOINT": "true"] : [:]
        let endpoint = try EndpointResolver.endpoint(for: c.service, region: c.region, environment: env).get()
        #expect(endpoint == ServiceEndpoint(scheme: "https", host: c.host))
        #expect(endpoint.hostHeader == c.host)
    }

    @Test(arguments: ["TRUE", "True"])
    func fipsFlagIsCaseInsensitive(_ value: String) throws {
        let endpoint = try EndpointResolver.endpoint(
            for: .sts, region: "us-east-1", environment: ["AWS_USE_FIPS_ENDPOINT": value]
        ).get()
        #expect(endpoint.host == "sts-fips.us-east-1.amazonaws.com")
    }

    @Test(arguments: ["false", "1", "yes", ""])
    func fipsOnlyWhenTrue(_ value: String) throws {
        let endpoint = try EndpointResolver.endpoint(
            for: .sts, region: "us-east-1", environment: ["AWS_USE_FIPS_ENDPOINT": value]
        ).get()
        #expect(endpoint.host == "sts.us-east-1.amazonaws.com")
    }

    @Test(
        "partition by region prefix",
        arguments: [
            ("us-east-1", "aws", "amazonaws.com"), ("eu-central-2", "aws", "amazonaws.com"),
            ("cn-north-1", "aws-cn", "amazonaws.com.cn"), ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
            ("us-iso-west-1", "aws-iso", "c2s.ic.gov"), ("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"),
            ("eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk"),
        ])
    func partition(region: String, name: String, suffix: String) {
        #expect(Partition.forRegion(region) == Partition(name: name, dnsSuffix: suffix))
    }

    @Test func serviceSpecificOverrideBeatsGlobalBeatsRegional() throws {
        let env = [
            "AWS_ENDPOINT_URL": "http://localhost:4566",
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": "http://emulator:8081/base",
            "AWS_USE_FIPS_ENDPOINT": "true",
        ]
        #expect(
            try EndpointResolver.endpoint(for: .sagemakerRuntime, region: "us-east-1", environment: env).get()
                == ServiceEndpoint(scheme: "http", host: "emulator", port: 8081, basePath: "/base"))
        #expect(
            try EndpointResolver.endpoint(for: .secretsManager, region: "us-east-1", environment: env).get()
                == ServiceEndpoint(scheme: "http", host: "localhost", port: 4566))
        #expect(
            try EndpointResolver.endpoint(
                for: .sts, region: "us-east-1", environment: ["AWS_ENDPOINT_URL_STS": "https://sts.local"]
            )
            .get() == ServiceEndpoint(scheme: "https", host: "sts.local"))
        #expect(
            try EndpointResolver.endpoint(
                for: .secretsManager, region: "us-east-1",
                environment: ["AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm:1"]
            ).get() == ServiceEndpoint(scheme: "http", host: "sm", port: 1))
    }

    @Test func emptyOverrideFallsThrough() throws {
        let env = ["AWS_ENDPOINT_URL_STS": "", "AWS_ENDPOINT_URL": "http://localhost:4566"]
        #expect(try EndpointResolver.endpoint(for: .sts, region: "us-east-1", environment: env).get().port == 4566)
        #expect(
            try EndpointResolver.endpoint(for: .sts, region: "us-east-1", environment: ["AWS_ENDPOINT_URL": ""]).get()
                .host
                == "sts.us-east-1.amazonaws.com")
    }

    @Test func invalidOverrideIsAConfigError() {
        let specific = EndpointResolver.endpoint(
            for: .sagemakerRuntime, region: "us-east-1",
            environment: ["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": "localhost:8080", "AWS_ENDPOINT_URL": "http://ok:1"])
        #expect(
            specific
                == .failure(ConfigError("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME is not an http(s) URL: localhost:8080")))
        let global = EndpointResolver.endpoint(
            for: .sts, region: "us-east-1", environment: ["AWS_ENDPOINT_URL": "ftp://x"])
        #expect(global == .failure(ConfigError("AWS_ENDPOINT_URL is not an http(s) URL: ftp://x")))
    }

    @Test func serviceNames() {
        #expect(AWSService.allCases.map(\.signingName) == ["sagemaker", "secretsmanager", "sts"])
        #expect(AWSService.allCases.map(\.environmentSuffix) == ["SAGEMAKER_RUNTIME", "SECRETS_MANAGER", "STS"])
    }
}
