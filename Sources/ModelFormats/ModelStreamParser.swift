/// What the translator needs from a container format's stream parser, so it can hold whichever the
/// model's `format` names: single-step, bytes in as SageMaker's PayloadParts arrive (split anywhere),
/// `ParsedItem`s out for everything completed so far.
package protocol ModelStreamParser {
    /// Adds the items `bytes` complete to the end of `items`: the caller's array, so one allocation serves the
    /// whole stream instead of one per chunk. A slice, so a PayloadPart is read in the frame it arrived in
    /// rather than copied into an array of its own first (the parser copies what it keeps).
    mutating func append(_ bytes: ArraySlice<UInt8>, into items: inout [ParsedItem])
    /// End of input: whatever was held back waiting for more bytes.
    mutating func finish() -> [ParsedItem]
}

extension ModelStreamParser {
    /// What `bytes` complete, in a new array.
    package mutating func append(_ bytes: [UInt8]) -> [ParsedItem] {
        var items: [ParsedItem] = []
        append(bytes[...], into: &items)
        return items
    }
}
