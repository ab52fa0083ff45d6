/// An HTTP request as it will go on the wire, which is all SigV4 looks at.
///
/// `path` is the raw request path exactly as sent (it may contain `%XX` escapes), `query` the raw query string
/// without the `?` (may be empty). Header names are case-insensitive and may repeat; their order is kept because
/// repeated values are signed in the order they are sent.
package struct SigV4Request: Sendable {
    package var method: String
    package var path: String
    package var query: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(
        method: String,
        path: String,
        query: String = "",
        headers: [(name: String, value: String)],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// All values of the header `name` (case-insensitive), in order.
    package func values(of name: String) -> [String] {
        let lowered = name.lowercased()
        return headers.filter { $0.name.lowercased() == lowered }.map(\.value)
    }

    /// The first value of the header `name` (case-insensitive), if any.
    package func value(of name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
