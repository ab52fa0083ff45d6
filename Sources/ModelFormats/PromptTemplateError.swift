/// Why a `prompt_template` in the models file cannot be used, naming the field at fault so the operator
/// fixes the right line at startup rather than finding out from the first request.
package struct PromptTemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The custom template's field (`user`, `generation_prompt`, ...), or `nil` for the value as a whole.
    package var field: String?
    package var reason: String

    package init(field: String? = nil, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    package var description: String {
        "prompt_template\(field.map { ".\($0)" } ?? ""): \(reason)"
    }
}
