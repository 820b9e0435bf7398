// The variables a Mustache text names, so that a text naming one its values will not have is refused when it is
// written (a knowledge base entry, a blast) instead of sent with a hole where the value should be.
import Foundation

enum MustacheTags {
    /// The names of the text's tags in order (sections and inverted sections by their name; comments left out).
    static func names(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let tag = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !tag.hasPrefix("!") { names.append(tag.trimmingCharacters(in: CharacterSet(charactersIn: "#^/&{} "))) }
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// The first name of the text that is not in `known`, as written between the braces.
    static func unknown(in text: String, known: Set<String>) -> String? {
        names(in: text).first { !known.contains($0) }
    }
}
