/// What the translator needs from a container format's stream parser, so it can hold whichever the
/// model's `format` names: single-step, bytes in as SageMaker's PayloadParts arrive (split anywhere),
/// `ParsedItem`s out for everything completed so far.
package protocol ModelStreamParser {
    mutating func append(_ bytes: [UInt8]) -> [ParsedItem]
    /// End of input: whatever was held back waiting for more bytes.
    mutating func finish() -> [ParsedItem]
}
