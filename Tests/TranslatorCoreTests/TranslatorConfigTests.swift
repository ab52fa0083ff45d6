import AWSSigV4
import Testing

@testable import TranslatorCore

@Suite("TranslatorConfig.load")
struct TranslatorConfigTests {
    /// The smallest environment the translator starts with.
    static let base = [
        "AWS_REGION": "us-east-1", "SAGEMAKER_ENDPOINT_NAME": "my-endpoint", "API_KEYS": "k1",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
    ]

    static func load(
        _ env: [String: String], files: [String: String] = [:]
    ) -> Result<TranslatorConfig, ConfigError> {
        TranslatorConfig.load(environment: env, now: 1_700_000_000, readFile: { files[$0].map { Array($0.utf8) } })
    }

    static func with(_ changes: [String: String?]) -> [String: String] {
        var env = base
        for (k, v) in changes { env[k] = v }
        return env
    }

    static func failure(_ result: Result<TranslatorConfig, ConfigError>) -> String? {
        if case .failure(let e) = result { return e.message }
        return nil
    }

    @Test func defaults() throws {
        let config = try Self.load(Self.base).get()
        #expect(config.region == "us-east-1")
        #expect(config.socketPath == "/run/gateway/translator.sock")
        #expect(config.socketPath == TranslatorConfig.defaultSocketPath)
        #expect(config.logLevel == nil)
        #expect(config.apiKeyCacheTTL == 3600)
        #expect(config.authSecretId == nil)
        #expect(!config.allowUnauthenticated)
        #expect(config.catalog == ModelCatalog(mode: .singleEndpoint("my-endpoint"), created: 1_700_000_000))
        #expect(
            config.sagemakerEndpoint
                == ServiceEndpoint(scheme: "https", host: "runtime.sagemaker.us-east-1.amazonaws.com"))
        #expect(
            config.secretsManagerEndpoint
                == ServiceEndpoint(scheme: "https", host: "secretsmanager.us-east-1.amazonaws.com"))
        #expect(config.stsEndpoint == ServiceEndpoint(scheme: "https", host: "sts.us-east-1.amazonaws.com"))
        #expect(
            config.credentialSource
                == .environment(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")))
        #expect(config.invokeTimeout == 600)
        #expect(config.streamIdleTimeout == 300)
        #expect(config.maxRequestFrameBytes == (17 << 20))
        #expect(config.frameTimeout == 10)
    }

    @Test func requestFrameLimitFollowsTheBodyLimit() throws {
        let config = try Self.load(Self.with(["MAX_BODY_BYTES": "1048576", "FRAME_TIMEOUT_SECONDS": "2.5"])).get()
        #expect(config.maxRequestFrameBytes == 3 << 20)
        #expect(config.frameTimeout == 2.5)
        #expect(
            Self.failure(Self.load(Self.with(["MAX_BODY_BYTES": "-1"])))
                == "MAX_BODY_BYTES must be a positive number of bytes, got -1")
    }

    @Test func stsEndpointAndProfileFromFiles() throws {
        let config = try Self.load(
            Self.with([
                "AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil, "AWS_REGION": "cn-north-1", "AWS_PROFILE": "p",
                "AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/sts",
            ]),
            files: ["/c": "[p]\naws_access_key_id = AKIDP\naws_secret_access_key = sp\n"]
        ).get()
        #expect(
            config.credentialSource
                == .sharedFiles(profile: "p", AWSCredentials(accessKeyId: "AKIDP", secretAccessKey: "sp")))
        #expect(config.stsEndpoint == ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9, basePath: "/sts"))
        let regional = try Self.load(Self.with(["AWS_REGION": "us-gov-west-1", "AWS_USE_FIPS_ENDPOINT": "true"])).get()
        #expect(regional.stsEndpoint == ServiceEndpoint(scheme: "https", host: "sts-fips.us-gov-west-1.amazonaws.com"))
    }

    @Test func explicitValues() throws {
        let config = try Self.load(
            Self.with([
                "TRANSLATOR_SOCKET": "/tmp/t.sock", "LOG_LEVEL": "debug", "API_KEY_CACHE_TTL": "60.5",
                "AUTH_SECRET_ID": "arn:aws:secretsmanager:us-east-1:123:secret:keys", "AWS_REGION": "cn-north-1",
                "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": "http://localhost:8081", "INVOKE_TIMEOUT_SECONDS": "10",
                "STREAM_IDLE_TIMEOUT_SECONDS": "20",
            ])
        ).get()
        #expect(config.socketPath == "/tmp/t.sock")
        #expect(config.logLevel == "debug")
        #expect(config.apiKeyCacheTTL == 60.5)
        #expect(config.authSecretId == "arn:aws:secretsmanager:us-east-1:123:secret:keys")
        #expect(config.sagemakerEndpoint == ServiceEndpoint(scheme: "http", host: "localhost", port: 8081))
        #expect(config.secretsManagerEndpoint.host == "secretsmanager.cn-north-1.amazonaws.com.cn")
        #expect(config.invokeTimeout == 10)
        #expect(config.streamIdleTimeout == 20)
    }

    @Test func regionFallsBackToDefaultRegion() throws {
        let config = try Self.load(Self.with(["AWS_REGION": nil, "AWS_DEFAULT_REGION": "eu-west-1"])).get()
        #expect(config.region == "eu-west-1")
        let both = try Self.load(Self.with(["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"])).get()
        #expect(both.region == "us-west-2")
        let newline = try Self.load(Self.with(["AWS_REGION": "eu-central-1\n"])).get()
        #expect(newline.region == "eu-central-1")
        let blank = try Self.load(Self.with(["AWS_REGION": "  ", "AWS_DEFAULT_REGION": "eu-west-1"])).get()
        #expect(blank.region == "eu-west-1")
    }

    @Test func modelIsAnAliasForEndpointName() throws {
        let config = try Self.load(Self.with(["SAGEMAKER_ENDPOINT_NAME": nil, "MODEL": "aliased"])).get()
        #expect(config.catalog.mode == .singleEndpoint("aliased"))
        let both = try Self.load(Self.with(["MODEL": "aliased"])).get()
        #expect(both.catalog.mode == .singleEndpoint("my-endpoint"))
    }

    @Test func modelsFileWinsOverEndpointName() throws {
        let file = #"{"models":[{"id":"a","endpoint":"ep-a"}]}"#
        let config = try Self.load(Self.with(["MODELS_FILE": "/etc/models.json"]), files: ["/etc/models.json": file])
            .get()
        #expect(config.catalog.mode == .table([ModelRoute(id: "a", endpoint: "ep-a")]))
        #expect(config.catalog.created == 1_700_000_000)
    }

    @Test func apiKeysAreSplitAndTrimmed() throws {
        let config = try Self.load(Self.with(["API_KEYS": " alpha , beta,,\tgamma\t, "])).get()
        #expect(config.staticAPIKeys.count == 3)
        for key in ["alpha", "beta", "gamma"] { #expect(config.staticAPIKeys.contains(key)) }
        #expect(!config.staticAPIKeys.contains(" alpha "))
        #expect(!config.staticAPIKeys.contains(""))
        let multiline = try Self.load(Self.with(["API_KEYS": "alpha,\nbeta\r\n,gamma\n"])).get()
        #expect(multiline.staticAPIKeys.count == 3)
        for key in ["alpha", "beta", "gamma"] { #expect(multiline.staticAPIKeys.contains(key)) }
    }

    @Test func authAlternatives() throws {
        let secretOnly = try Self.load(Self.with(["API_KEYS": nil, "AUTH_SECRET_ID": "keys"])).get()
        #expect(secretOnly.staticAPIKeys.isEmpty)
        #expect(secretOnly.authSecretId == "keys")
        let open = try Self.load(Self.with(["API_KEYS": nil, "ALLOW_UNAUTHENTICATED": "1"])).get()
        #expect(open.allowUnauthenticated)
    }

    static let authRefusal =
        "refusing to start without authentication: set AUTH_SECRET_ID (a Secrets Manager secret holding the API keys) "
        + "or API_KEYS (comma-separated keys), or ALLOW_UNAUTHENTICATED=1 to accept every request"

    struct Refusal: Sendable, CustomTestStringConvertible {
        var label: String
        var changes: [String: String?]
        var files: [String: String] = [:]
        var message: String
        var testDescription: String { label }
    }

    static let refusals: [Refusal] = [
        Refusal(
            label: "no region", changes: ["AWS_REGION": nil],
            message: "set AWS_REGION (or AWS_DEFAULT_REGION) to the region of the SageMaker endpoint"),
        Refusal(
            label: "blank region", changes: ["AWS_REGION": " ", "AWS_DEFAULT_REGION": ""],
            message: "set AWS_REGION (or AWS_DEFAULT_REGION) to the region of the SageMaker endpoint"),
        Refusal(
            label: "no endpoint or models file", changes: ["SAGEMAKER_ENDPOINT_NAME": nil],
            message: "set SAGEMAKER_ENDPOINT_NAME (or MODEL) to an endpoint name, or MODELS_FILE to a routing table"),
        Refusal(label: "no auth", changes: ["API_KEYS": nil], message: authRefusal),
        Refusal(label: "API_KEYS only commas", changes: ["API_KEYS": " , ,"], message: authRefusal),
        Refusal(
            label: "ALLOW_UNAUTHENTICATED=true is not 1", changes: ["API_KEYS": nil, "ALLOW_UNAUTHENTICATED": "true"],
            message: authRefusal),
        Refusal(
            label: "ALLOW_UNAUTHENTICATED=0", changes: ["API_KEYS": nil, "ALLOW_UNAUTHENTICATED": "0"],
            message: authRefusal),
        Refusal(
            label: "TTL not a number", changes: ["API_KEY_CACHE_TTL": "1h"],
            message: "API_KEY_CACHE_TTL must be a number of seconds, got 1h"),
        Refusal(
            label: "negative TTL", changes: ["API_KEY_CACHE_TTL": "-5"],
            message: "API_KEY_CACHE_TTL must be a number of seconds, got -5"),
        Refusal(
            label: "infinite TTL", changes: ["API_KEY_CACHE_TTL": "inf"],
            message: "API_KEY_CACHE_TTL must be a number of seconds, got inf"),
        Refusal(
            label: "NaN TTL", changes: ["API_KEY_CACHE_TTL": "nan"],
            message: "API_KEY_CACHE_TTL must be a number of seconds, got nan"),
        Refusal(
            label: "zero invoke timeout", changes: ["INVOKE_TIMEOUT_SECONDS": "0"],
            message: "INVOKE_TIMEOUT_SECONDS must be a number of seconds, got 0"),
        Refusal(
            label: "stream idle timeout not a number", changes: ["STREAM_IDLE_TIMEOUT_SECONDS": "5m"],
            message: "STREAM_IDLE_TIMEOUT_SECONDS must be a number of seconds, got 5m"),
        Refusal(
            label: "access key without secret", changes: ["AWS_SECRET_ACCESS_KEY": nil],
            message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"),
        Refusal(
            label: "secret without access key", changes: ["AWS_ACCESS_KEY_ID": ""],
            message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"),
        Refusal(
            label: "unreadable MODELS_FILE", changes: ["MODELS_FILE": "/missing.json"],
            message: "MODELS_FILE /missing.json cannot be read"),
        Refusal(
            label: "MODELS_FILE without models", changes: ["MODELS_FILE": "/m.json"],
            files: ["/m.json": #"{"models":[]}"#],
            message: "MODELS_FILE lists no models"),
        Refusal(
            label: "bad endpoint override", changes: ["AWS_ENDPOINT_URL": "nope"],
            message: "AWS_ENDPOINT_URL is not an http(s) URL: nope"),
        Refusal(
            label: "no credentials",
            changes: ["AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil, "AWS_EC2_METADATA_DISABLED": "true"],
            message:
                "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, "
                + "or AWS_PROFILE with the shared credentials file, or run where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or "
                + "AWS_CONTAINER_CREDENTIALS_FULL_URI is set (ECS, EKS Pod Identity); instance metadata is off "
                + "(AWS_EC2_METADATA_DISABLED=true)"),
        Refusal(
            label: "missing profile",
            changes: ["AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil, "AWS_PROFILE": "p", "HOME": "/h"],
            message: "AWS_PROFILE names profile p, which neither /h/.aws/credentials nor /h/.aws/config defines"),
    ]

    @Test("refuses", arguments: refusals)
    func refuses(_ r: Refusal) {
        #expect(Self.failure(Self.load(Self.with(r.changes), files: r.files)) == r.message)
    }
}
