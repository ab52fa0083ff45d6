/// What a key that passed may do, and how logs name it. Keys from `API_KEYS`, plain secret strings
/// and `ALLOW_UNAUTHENTICATED` reach every model.
package struct APIKeyGrant: Equatable, Sendable {
    /// The `name` the secret gave the key, shown in logs instead of its fingerprint.
    package var name: String?
    /// The models this key reaches and lists; nil: all of them.
    package var models: Set<String>?
    /// `APIKeySet.fingerprint` of the key (empty without a key).
    package var fingerprint: String

    package init(name: String? = nil, models: Set<String>? = nil, fingerprint: String = "") {
        self.name = name
        self.models = models
        self.fingerprint = fingerprint
    }

    package static let unrestricted = APIKeyGrant()

    package func allows(model: String) -> Bool {
        models.map { $0.contains(model) } ?? true
    }

    /// How logs name the key: its name, else its fingerprint; never the key.
    package var label: String {
        if let name { return name }
        return fingerprint.isEmpty ? "none" : "sha256:\(fingerprint)"
    }
}
