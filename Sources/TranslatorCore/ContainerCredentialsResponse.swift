import AWSSigV4
import FoundationEssentials
import GatewayWire

/// The container credentials endpoint's answer:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration": "2026-11-25T20:00:00Z"}`.
package enum ContainerCredentialsResponse {
    package static func parse(_ body: [UInt8]) -> Result<(AWSCredentials, expiration: Double?), ConfigError> {
        guard let json = try? JSONParser.parse(body) else {
            return .failure(ConfigError("container credentials endpoint answered with something that is not JSON"))
        }
        guard let keyId = json["AccessKeyId"]?.stringValue, let secret = json["SecretAccessKey"]?.stringValue,
            !keyId.isEmpty, !secret.isEmpty
        else {
            let message =
                json["message"]?.stringValue ?? json["Message"]?.stringValue ?? "no AccessKeyId/SecretAccessKey"
            return .failure(ConfigError("container credentials endpoint: \(message)"))
        }
        var expiration: Double?
        if let text = json["Expiration"]?.stringValue {
            guard let date = ISO8601.parse(text) else {
                return .failure(ConfigError("container credentials endpoint: unreadable Expiration \(text)"))
            }
            expiration = date
        }
        let token = json["Token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return .success((AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token), expiration))
    }
}

/// ISO 8601 timestamps as AWS writes them (`2026-11-25T20:00:00Z`, optionally with fractional seconds
/// or an offset), as seconds since the epoch. Parsed by hand, like `AMZDate`: it is arithmetic, needs no
/// locale or calendar, and keeps full Foundation (and its ICU data) out of the binaries.
package enum ISO8601 {
    package static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for i in at..<(at + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        func byte(_ at: Int, _ expected: Character) -> Bool {
            at < b.count && Character(Unicode.Scalar(b[at])) == expected
        }
        guard let year = digits(0, 4), byte(4, "-"), let month = digits(5, 2), byte(7, "-"), let day = digits(8, 2),
            byte(10, "T") || byte(10, "t"), let hour = digits(11, 2), byte(13, ":"), let minute = digits(14, 2),
            byte(16, ":"), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index, ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                fraction += Double(b[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if byte(index, "Z") || byte(index, "z") {
            index += 1
        } else if byte(index, "+") || byte(index, "-") {
            guard let h = digits(index + 1, 2), byte(index + 3, ":"), let m = digits(index + 4, 2) else { return nil }
            offset = (h * 3600 + m * 60) * (byte(index, "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let days = Int(CivilDate.days(year: Int64(year), month: Int64(month), day: Int64(day)))
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }
}
