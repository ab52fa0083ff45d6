import GatewayWire

/// The AWS shared `credentials` and `config` files: INI sections of `key = value`, read the way botocore's
/// `raw_config_parse` reads them (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html).
///
/// In `credentials` a section is the profile name (`[dev]`); in `config` it is `[default]` or `[profile dev]`,
/// and other section kinds (`[sso-session x]`, `[services x]`) are not profiles. Keys are case-insensitive;
/// `#` and `;` start comment lines; indented lines continue a nested value and are not profile settings.
package struct SharedConfigFile: Equatable, Sendable {
    package enum Kind: Sendable {
        case credentials
        case config
    }

    /// Settings by profile name; a later section of the same profile adds to (and overrides) an earlier one.
    package var profiles: [String: [String: String]]

    package init(profiles: [String: [String: String]] = [:]) {
        self.profiles = profiles
    }

    package init(parsing text: String, kind: Kind) {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        {
            let indented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmed(of: " \t\r")
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    current = nil
                    continue
                }
                current = Self.profileName(section: line.dropFirst().dropLast().trimmed(of: " \t"), kind: kind)
                if let current, profiles[current] == nil { profiles[current] = [:] }
                continue
            }
            // A nested block's lines (`s3 =` then indented `max_concurrent_requests = 10`) belong to that key.
            guard !indented, let name = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmed(of: " \t").lowercased()
            let value = line[line.index(after: eq)...].trimmed(of: " \t")
            guard !key.isEmpty else { continue }
            profiles[name, default: [:]][key] = value
        }
        self.profiles = profiles
    }

    private static func profileName(section: String, kind: Kind) -> String? {
        switch kind {
        case .credentials:
            return section.isEmpty ? nil : section
        case .config:
            if section == "default" { return "default" }
            let words = section.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 2, words[0] == "profile" else { return nil }
            let name = words[1].trimmed(of: " \t")
            return name.isEmpty ? nil : name
        }
    }

    /// `credentials` settings win over `config` settings for the same key, as in the SDKs.
    package static func merged(credentials: SharedConfigFile, config: SharedConfigFile, profile: String) -> [String:
        String]?
    {
        let fromConfig = config.profiles[profile]
        let fromCredentials = credentials.profiles[profile]
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }
}
