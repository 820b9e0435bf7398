// Subject normalization for threading by subject: reply/forward prefixes in the languages our users write
// (Re, Fwd, FW, Balas, Bls, TR, AW, WG, Antw) and our own ticket tag are removed, whitespace collapsed, lowercased.
import Foundation

public enum SubjectNormalizer {
    // "Re:", "RE :", "Re[2]:", "Fwd:", "FW:", "Balas:", "Bls:", "TR:", "AW:", "WG:", "Antw:", "Sv:", also repeated.
    private static let prefix = try! NSRegularExpression(
        pattern: #"^\s*(?:(?:re|fwd?|balas|bls|tr|aw|wg|antw|sv|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+"#,
        options: [.caseInsensitive])
    private static let ticketTag = try! NSRegularExpression(
        pattern: #"\[\s*DJPK\s*#\s*\d{4}-\d{1,9}\s*\]"#, options: [.caseInsensitive])

    /// True when the subject starts with a reply prefix (Re:, Balas:, ...).
    public static func isReply(_ subject: String) -> Bool {
        let s = subject.trimmingCharacters(in: .whitespaces).lowercased()
        return ["re:", "re :", "balas:", "bls:", "aw:", "antw:", "sv:"].contains { s.hasPrefix($0) }
            || (s.hasPrefix("re") && s.range(of: #"^re\s*\[\d+\]\s*:"#, options: .regularExpression) != nil)
    }

    public static func normalize(_ subject: String) -> String { stripped(subject).lowercased() }

    /// The subject without our ticket tag and reply/forward prefixes, case kept (for our own replies).
    public static func stripped(_ subject: String) -> String {
        var s = subject
        // Alternate: strip tag, then prefixes, until stable ("Re: [DJPK#..] Re: Fwd: x").
        for _ in 0..<8 {
            let before = s
            if s.utf8.contains(UInt8(ascii: "#")) {  // no tag without one: spare the expression
                s = ticketTag.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: " ")
            }
            s = prefix.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "")
            s = s.trimmingCharacters(in: .whitespacesAndNewlines)
            if s == before { break }
        }
        return s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
