// Rules before statistics: regular expressions over a mail's fields that either decide its category or add weight
// to one. Shipped defaults cover what a word model sees badly (letter numbers, upstream spam verdicts, failed sender
// authentication, impersonation of DJPK) and are the file Defaults/rules.tsv, compiled into the binary; a deployment
// can replace them with its own file, same format:
//   name <TAB> field <TAB> pattern [<TAB> field <TAB> pattern ...] <TAB> action
// A rule fires when every one of its field/pattern conditions matches.
// field: subject | body | from | fromname | attachment | header:NAME (case-insensitive name); pattern: a
// case-insensitive regular expression; action: `decide:SLUG`, `score:SLUG:WEIGHT` (WEIGHT added to the category's
// log score, or to the spam score's log-odds for `spam`; a negative weight is allowed) or `hold` (the mail may be a
// complaint: its ticket is held confidential for a reader's look, whatever the category). `from` is the sender
// address, `fromname` the sender's display name, `attachment` each attachment file name.
import Foundation
import SurelCore

public struct Rule: Sendable {
    public enum Field: Sendable, Equatable { case subject, body, from, fromName, attachment, header(String) }
    public enum Action: Sendable, Equatable { case decide(String), score(String, Double), hold }
    public struct Condition: Sendable {
        public var field: Field
        public var pattern: NSRegularExpression
        /// The literals every match contains (see RequiredLiterals); nil: always run the pattern.
        var required: RequiredLiterals.Test?
        init(field: Field, pattern: NSRegularExpression) {
            self.field = field; self.pattern = pattern
            required = RequiredLiterals.requirement(pattern.pattern).map(RequiredLiterals.Test.init)
        }
    }
    public var name: String
    public var conditions: [Condition]
    public var action: Action

    /// `text` holds the mail's fields lowercased (see `LowercasedFields`). `prefiltered: false` runs every
    /// expression, skipping none by its required literals (for tests that check the prefilter changes nothing).
    func matches(_ text: LowercasedFields, prefiltered: Bool = true) -> Bool {
        conditions.allSatisfy { c in
            func hit(_ f: LowercasedFields.Field) -> Bool {
                if prefiltered, let required = c.required, !required.isMet(by: f.bytes) { return false }
                return c.pattern.firstMatch(in: f.text, range: NSRange(location: 0, length: f.utf16Count)) != nil
            }
            switch c.field {
            case .subject: return hit(text.subject)
            case .body: return hit(text.body)
            case .from: return hit(text.from)
            case .fromName: return hit(text.fromName)
            case .attachment: return text.attachments.contains(where: hit)
            case .header(let name):
                let n = name.lowercased()
                return text.headers.contains { $0.name == n && hit(LowercasedFields.Field($0.value)) }
            }
        }
    }
}

/// A mail's fields lowercased once, so that the rules' expressions run without ICU's case folding (which made
/// them several times slower); the patterns are lowercased outside their escapes to match.
struct LowercasedFields {
    /// A field with what every rule's test needs of it, computed once per mail (not once per rule).
    struct Field {
        let text: String
        let bytes: [UInt8]
        let utf16Count: Int
        init(_ s: String) {
            text = s.lowercased()
            bytes = Array(text.utf8)
            utf16Count = text.utf16.count
        }
    }
    var subject, body, from, fromName: Field
    var attachments: [Field]
    /// Names lowercased; a value becomes a Field only when a rule looks at its header (few rules, many headers).
    var headers: [(name: String, value: String)]

    init(_ input: ClassificationInput) {
        subject = Field(input.subject)
        // Letter numbers, letter phrasing and login prompts sit near the top; the rest of a long thread only costs.
        // (Characters never outnumber bytes: a text of at most 8,000 bytes is its own prefix.)
        body = Field(input.text.utf8.count <= 8_000 ? input.text : String(input.text.prefix(8_000)))
        from = Field(input.senderEmail)
        fromName = Field(input.senderName)
        attachments = input.attachmentNames.map(Field.init)
        headers = input.headers.map { (name: $0.name.lowercased(), value: $0.value) }
    }

    /// `pattern` with its literal letters lowercased; escapes (`\S`, `\B`, `\D`, `\p{Lu}` ...) are left alone.
    static func lowercasedPattern(_ pattern: String) -> String {
        var out = ""
        var escaped = false
        for ch in pattern {
            if escaped {
                out.append(ch)
                escaped = false
            } else if ch == "\\" {
                out.append(ch)
                escaped = true
            } else {
                out += ch.lowercased()
            }
        }
        return out
    }
}

extension NSRegularExpression: @retroactive @unchecked Sendable {}

public struct RuleSet: Sendable {
    public let rules: [Rule]

    public typealias Problem = DataFileProblem

    public init(tsv: String) throws {
        var out: [Rule] = []
        for (n, c) in dataFileRecords(tsv) {
            guard c.count >= 4, c.count % 2 == 0 else {
                throw Problem(
                    line: n, message: "expected name, field, pattern [, field, pattern ...], action separated by tabs")
            }
            var conditions: [Rule.Condition] = []
            for i in stride(from: 1, to: c.count - 1, by: 2) {
                let field: Rule.Field
                switch c[i].lowercased() {
                case "subject": field = .subject
                case "body": field = .body
                case "from": field = .from
                case "fromname": field = .fromName
                case "attachment": field = .attachment
                case let h where h.hasPrefix("header:") && h.count > 7: field = .header(String(c[i].dropFirst(7)))
                default:
                    throw Problem(
                        line: n,
                        message: "unknown field \"\(c[i])\" (subject, body, from, fromname, attachment, header:NAME)")
                }
                guard let re = try? NSRegularExpression(pattern: LowercasedFields.lowercasedPattern(c[i + 1])) else {
                    throw Problem(line: n, message: "not a regular expression: \(c[i + 1])")
                }
                conditions.append(Rule.Condition(field: field, pattern: re))
            }
            let last = c[c.count - 1]
            let a = last.split(separator: ":").map(String.init)
            let action: Rule.Action
            if a.count == 2, a[0] == "decide" {
                action = .decide(a[1])
            } else if a.count == 3, a[0] == "score", let w = Double(a[2]) {
                action = .score(a[1], w)
            } else if last == "hold" {
                action = .hold
            } else {
                throw Problem(
                    line: n, message: "action must be decide:SLUG, score:SLUG:WEIGHT or hold (got \"\(last)\")")
            }
            out.append(Rule(name: c[0], conditions: conditions, action: action))
        }
        rules = out
    }

    /// The rules that fire on a mail.
    public func fired(_ input: ClassificationInput) -> [Rule] {
        let text = LowercasedFields(input)
        return rules.filter { $0.matches(text) }
    }

    public static let standard: RuleSet = try! RuleSet(tsv: String(decoding: PackageResources.rules_tsv, as: UTF8.self))
}
