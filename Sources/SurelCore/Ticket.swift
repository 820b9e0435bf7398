// Domain types of a consultation ticket. No I/O here.
import Foundation

/// A ticket number: the year and a counter within that year, written `2025-000123`
/// and shown to citizens in subjects as `[DJPK#2025-000123]`.
public struct TicketNumber: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let year: Int
    public let sequence: Int
    public init(year: Int, sequence: Int) { self.year = year; self.sequence = sequence }

    public var description: String { String(format: "%04d-%06d", year, sequence) }
    /// The tag put into subjects of mail we send, and recognized in subjects of mail we receive.
    public var subjectTag: String { "[DJPK#\(description)]" }

    /// Parses `2025-000123` (also accepts a leading `DJPK#`).
    public init?(_ text: String) {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        if t.uppercased().hasPrefix("DJPK#") { t = t.dropFirst(5) }
        let parts = t.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), let s = Int(parts[1]), s > 0 else {
            return nil
        }
        self.init(year: y, sequence: s)
    }

    /// The first `[DJPK#YYYY-NNNNNN]` tag in a subject, if any (case-insensitive, tolerant of spaces).
    public static func find(inSubject subject: String) -> TicketNumber? {
        // Most subjects carry no tag: skip the expression (compiled anew by range(of:) each call) unless a '#' is there.
        guard subject.utf8.contains(UInt8(ascii: "#")),
            let r = subject.range(
                of: #"\[\s*DJPK\s*#\s*\d{4}-\d{1,9}\s*\]"#, options: [.regularExpression, .caseInsensitive])
        else { return nil }
        let inner = subject[r].dropFirst().dropLast().replacingOccurrences(of: " ", with: "")
        return TicketNumber(String(inner))
    }

    public static func < (a: TicketNumber, b: TicketNumber) -> Bool { (a.year, a.sequence) < (b.year, b.sequence) }
}

public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new, open, escalated, answered, closed
}

/// What an incoming message became. Every message fetched from the mailbox becomes exactly one of these.
public enum MessageKind: String, Codable, Sendable, CaseIterable {
    /// Opened a ticket or joined one.
    case ticket
    case autoreply
    case bounce
    /// Could not be parsed; raw bytes kept with the reason, retryable.
    case quarantined
    /// Sent by us (acknowledgements, answers): kept so replies to them thread.
    case outgoing
    /// A blast recipient's request to receive no more (the `List-Unsubscribe` mailto): the sender is suppressed.
    case unsubscribe
}

/// The category of a ticket before a classifier has looked at it.
public let unclassifiedCategory = "unclassified"
