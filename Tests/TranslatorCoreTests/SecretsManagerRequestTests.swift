import Foundation
import GatewayWire
import Testing

@testable import TranslatorCore

@Suite("SecretsManagerRequest")
struct SecretsManagerRequestTests {
    @Test func getSecretValueShape() throws {
        let endpoint = ServiceEndpoint(scheme: "https", host: "secretsmanager.us-east-1.amazonaws.com")
        let request = SecretsManagerRequest.getSecretValue(endpoint: endpoint, secretId: "prod/gateway \"keys\"")
        #expect(request.method == "POST")
        #expect(request.path == "/")
        #expect(request.url == "https://secretsmanager.us-east-1.amazonaws.com/")
        #expect(
            request.headers.map { "\($0.name): \($0.value)" } == [
                "content-type: application/x-amz-json-1.1", "x-amz-target: secretsmanager.GetSecretValue",
            ])
        let body = try JSONParser.parse(request.body)
        #expect(body == .object([("SecretId", .string("prod/gateway \"keys\""))]))
    }

    static func parse(_ status: Int, _ body: String) -> Result<String, ConfigError> {
        SecretsManagerRequest.parseResponse(status: status, body: Array(body.utf8))
    }

    @Test func secretString() {
        #expect(
            Self.parse(200, #"{"ARN":"arn","Name":"keys","SecretString":"{\"api_key\":\"k\"}","VersionId":"v"}"#)
                == .success(#"{"api_key":"k"}"#))
    }

    @Test func secretBinary() {
        let encoded = Data("sk-binary-key".utf8).base64EncodedString()
        #expect(Self.parse(200, #"{"Name":"keys","SecretBinary":"\#(encoded)"}"#) == .success("sk-binary-key"))
        #expect(
            Self.parse(200, #"{"SecretBinary":"!!!"}"#)
                == .failure(ConfigError("GetSecretValue answered without SecretString")))
    }

    @Test func failures() {
        #expect(
            Self.parse(
                400,
                #"{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}"#)
                == .failure(
                    ConfigError(
                        "GetSecretValue failed: ResourceNotFoundException: Secrets Manager can't find the specified secret."
                    )))
        #expect(
            Self.parse(400, #"{"__type":"com.amazonaws.secretsmanager#AccessDeniedException","message":"denied"}"#)
                == .failure(ConfigError("GetSecretValue failed: AccessDeniedException: denied")))
        #expect(Self.parse(503, "<html>") == .failure(ConfigError("GetSecretValue failed: HTTP 503")))
        #expect(Self.parse(200, "{}") == .failure(ConfigError("GetSecretValue answered without SecretString")))
        #expect(Self.parse(200, "") == .failure(ConfigError("GetSecretValue answered without SecretString")))
    }
}
