import EventLoop
import FoundationEssentials
import GatewayLog

extension Emulator {
    static let stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

    /// STS's query protocol: a form-encoded POST to `/` names its `Action`. Secrets Manager shares the path
    /// but speaks JSON with `X-Amz-Target`, so the content type tells them apart.
    static func isQueryProtocol(_ exchange: HTTPExchange) -> Bool {
        (exchange.header("Content-Type") ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded")
    }

    /// AssumeRoleWithWebIdentity (unsigned; the token must equal `--web-identity-token`) and AssumeRole (signed
    /// with known credentials), both minting temporary credentials that live `--credentials-lifetime` seconds.
    /// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
    func sts(_ exchange: HTTPExchange, requestId: String) {
        let form = FormURLEncoded.parse(exchange.body)
        let action = form["Action"] ?? ""
        if action == "AssumeRole", let failure = authenticate(exchange, service: "sts") {
            return stsError(exchange, failure, requestId: requestId)
        }
        guard action == "AssumeRoleWithWebIdentity" || action == "AssumeRole" else {
            return stsError(
                exchange,
                AWSError(
                    code: "InvalidAction", status: 400,
                    message: "Could not find operation \(action) for version \(form["Version"] ?? "")"),
                requestId: requestId)
        }
        guard form["Version"] == "2011-06-15" else {
            return stsError(
                exchange, AWSError(code: "InvalidAction", status: 400, message: "Unsupported Version"),
                requestId: requestId)
        }
        for field in action == "AssumeRole"
            ? ["RoleArn", "RoleSessionName"] : ["RoleArn", "RoleSessionName", "WebIdentityToken"]
        {
            guard let value = form[field], !value.isEmpty else {
                let member = field.prefix(1).lowercased() + field.dropFirst()
                return stsError(
                    exchange,
                    AWSError(
                        code: "ValidationError", status: 400,
                        message:
                            "1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null"
                    ),
                    requestId: requestId)
            }
        }
        let roleArn = form["RoleArn"] ?? "", session = form["RoleSessionName"] ?? ""
        let sessionCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-")
        guard (2...64).contains(session.count), session.allSatisfy({ sessionCharacters.contains($0) }) else {
            return stsError(
                exchange,
                AWSError(
                    code: "ValidationError", status: 400,
                    message:
                        "1 validation error detected: Value '\(session)' at 'roleSessionName' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
                requestId: requestId)
        }
        guard roleArn.hasPrefix("arn:aws"), roleArn.contains(":role/") else {
            return stsError(
                exchange, AWSError(code: "ValidationError", status: 400, message: "\(roleArn) is invalid"),
                requestId: requestId)
        }
        if action == "AssumeRoleWithWebIdentity" {
            guard let expected = config.webIdentityToken else {
                return stsError(
                    exchange,
                    AWSError(
                        code: "InvalidIdentityToken", status: 400,
                        message: "No OpenIDConnect provider found in your account"),
                    requestId: requestId)
            }
            guard form["WebIdentityToken"] == expected else {
                Log.info("AssumeRoleWithWebIdentity refused: wrong web identity token")
                return stsError(
                    exchange, AWSError(code: "InvalidIdentityToken", status: 400, message: "Incorrect token audience"),
                    requestId: requestId)
            }
            stats.webIdentityFetches += 1
        } else {
            stats.assumeRoleFetches += 1
        }
        let minted = credentials.mint(now: Date())
        let roleName = roleArn.split(separator: "/").last.map(String.init) ?? "role"
        let account =
            roleArn.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init)
            ?? EmulatorIdentity.account
        var result = """
            <Credentials>
              <AccessKeyId>\(xmlEscaped(minted.credentials.accessKeyId))</AccessKeyId>
              <SecretAccessKey>\(xmlEscaped(minted.credentials.secretAccessKey))</SecretAccessKey>
              <SessionToken>\(xmlEscaped(minted.credentials.sessionToken ?? ""))</SessionToken>
              <Expiration>\(minted.expiration.iso8601)</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::\(xmlEscaped(account)):assumed-role/\(xmlEscaped(roleName))/\(xmlEscaped(session))</Arn>
              <AssumedRoleId>AROAEMULATOR:\(xmlEscaped(session))</AssumedRoleId>
            </AssumedRoleUser>
            """
        if action == "AssumeRoleWithWebIdentity" {
            result += """

                <SubjectFromWebIdentityToken>system:serviceaccount:default:emulator</SubjectFromWebIdentityToken>
                <Provider>arn:aws:iam::\(EmulatorIdentity.account):oidc-provider/oidc.emulator.local</Provider>
                <Audience>sts.amazonaws.com</Audience>
                """
        }
        let xml = """
            <\(action)Response xmlns="\(Self.stsNamespace)">
              <\(action)Result>
            \(result)
              </\(action)Result>
              <ResponseMetadata>
                <RequestId>\(requestId)</RequestId>
              </ResponseMetadata>
            </\(action)Response>

            """
        exchange.respond(
            status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(xml.utf8)
        )
    }

    /// `ErrorResponse/Error/{Type,Code,Message}`, as botocore's query parser reads it.
    func stsError(_ exchange: HTTPExchange, _ error: AWSError, requestId: String) {
        let xml = """
            <ErrorResponse xmlns="\(Self.stsNamespace)">
              <Error>
                <Type>Sender</Type>
                <Code>\(xmlEscaped(error.code))</Code>
                <Message>\(xmlEscaped(error.message))</Message>
              </Error>
              <RequestId>\(requestId)</RequestId>
            </ErrorResponse>

            """
        exchange.respond(
            status: error.status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)],
            body: Array(xml.utf8))
    }
}
