import AWSSigV4
import Foundation

/// One case folder of the AWS SigV4 test suite (the aws-c-auth layout: `context.json`, `request.txt`, and for
/// header and query signing each the canonical request, string to sign, signature and signed request).
/// The suite is read at test time from outside the repository; nothing of it is copied in.
struct SuiteCase {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var accessKeyId: String
            var secretAccessKey: String
            var token: String?
        }
        var credentials: Credentials
        var expirationInSeconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var signBody: Bool
        var timestamp: String
        var omitSessionToken: Bool?
    }

    struct LoadError: Error, CustomStringConvertible { var description: String }

    let name: String
    let directory: URL
    let context: Context
    let date: Date
    let request: SigV4Request

    /// `SIGV4_TEST_SUITE` if set, else `<package root>/../shared/testdata/aws-sigv4-test-suite`, the package root
    /// being three levels above this file.
    static var suiteDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["SIGV4_TEST_SUITE"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent("../shared/testdata/aws-sigv4-test-suite").standardizedFileURL
    }

    static var suiteExists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: suiteDirectory.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Relative paths of every folder (at any depth) holding a `request.txt` and a `context.json`, sorted.
    static func discover() -> [String] {
        let root = suiteDirectory.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var names: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard (relative as NSString).lastPathComponent == "request.txt" else { continue }
            let folder = (relative as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: root + "/" + folder + "/context.json") { names.append(folder) }
        }
        return names.sorted()
    }

    init(name: String) throws {
        self.name = name
        directory = Self.suiteDirectory.appendingPathComponent(name, isDirectory: true)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        context = try decoder.decode(
            Context.self, from: Data(contentsOf: directory.appendingPathComponent("context.json")))
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: context.timestamp) else {
            throw LoadError(description: "\(name): bad timestamp \(context.timestamp)")
        }
        self.date = date
        request = try HTTPText.parse(try Self.read(directory.appendingPathComponent("request.txt")))
    }

    var signer: SigV4Signer {
        SigV4Signer(
            credentials: AWSCredentials(
                accessKeyId: context.credentials.accessKeyId,
                secretAccessKey: context.credentials.secretAccessKey,
                sessionToken: context.credentials.token),
            region: context.region, service: context.service,
            normalizePath: context.normalize, doubleURIEncode: true)
    }

    var signsSecurityToken: Bool { !(context.omitSessionToken ?? false) }

    func expected(_ file: String) throws -> String {
        try Self.read(directory.appendingPathComponent(file))
    }

    private static func read(_ url: URL) throws -> String {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "\(url.path) is not UTF-8")
        }
        return text
    }
}

/// The suite's plain-text HTTP/1.1 requests: `METHOD target HTTP/1.1`, `Name:value` lines (a line starting with
/// whitespace continues the previous value), a blank line, the body.
enum HTTPText {
    static func parse(_ text: String) throws -> SigV4Request {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        // The target may hold spaces (`get-space-*`), so the method ends at the first space and the version
        // starts after the last.
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "),
            firstSpace < lastSpace
        else { throw SuiteCase.LoadError(description: "bad request line: \(requestLine)") }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        let (path, query) = splitTarget(target)

        var headers: [(name: String, value: String)] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody {
                bodyLines.append(line)
            } else if line.isEmpty {
                inBody = true
            } else if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else { throw SuiteCase.LoadError(description: "continuation before any header") }
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            } else {
                throw SuiteCase.LoadError(description: "bad header line: \(line)")
            }
        }
        return SigV4Request(
            method: method, path: path, query: query, headers: headers,
            body: Array(bodyLines.joined(separator: "\n").utf8))
    }

    static func splitTarget(_ target: String) -> (path: String, query: String) {
        guard let question = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<question]), String(target[target.index(after: question)...]))
    }

    /// The inverse of `parse`, in the suite's signed-request form.
    static func render(_ request: SigV4Request) -> String {
        var text = "\(request.method) \(request.path)\(request.query.isEmpty ? "" : "?" + request.query) HTTP/1.1\n"
        for header in request.headers { text += "\(header.name):\(header.value)\n" }
        return text + "\n" + String(decoding: request.body, as: UTF8.self)
    }
}
