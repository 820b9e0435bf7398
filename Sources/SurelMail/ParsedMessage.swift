// What the MIME parser (MIMEParser) makes of one raw RFC 5322 message.
// Everything here is already decoded: header values (RFC 2047, unfolded), bodies as UTF-8 Swift strings,
// attachment names (RFC 2047/2231). Nothing here points into C memory.
import Foundation

public struct MailAddress: Equatable, Sendable, Codable {
    public var name: String?
    /// Lowercased addr-spec, e.g. "bpkad@kedirikab.go.id".
    public var email: String
    public init(name: String?, email: String) { self.name = name; self.email = email }
}

public struct ParsedAttachment: Sendable {
    /// Decoded file name as the sender gave it (RFC 2231/2047). Display only: never used as a path.
    public var filename: String?
    /// Lowercased MIME type, e.g. "application/pdf".
    public var contentType: String
    /// Transfer-decoded bytes.
    public var data: Data
    /// True for parts with Content-Disposition: inline (e.g. images in HTML mail).
    public var isInline: Bool
    public init(filename: String?, contentType: String, data: Data, isInline: Bool) {
        self.filename = filename; self.contentType = contentType; self.data = data; self.isInline = isInline
    }
}

/// One per-recipient block of a delivery status notification (RFC 3464), for bounces.
public struct DeliveryStatus: Sendable, Equatable {
    public var finalRecipient: String?  // addr-spec only, lowercased
    public var action: String?  // failed, delayed, delivered, ...
    public var status: String?  // e.g. "5.1.1"
    public var diagnostic: String?  // Diagnostic-Code text
    public init(finalRecipient: String?, action: String?, status: String?, diagnostic: String?) {
        self.finalRecipient = finalRecipient; self.action = action; self.status = status; self.diagnostic = diagnostic
    }
}

public struct ParsedMessage: Sendable {
    /// Message-ID without angle brackets, nil when absent or empty.
    public var messageID: String?
    /// Message-IDs without angle brackets.
    public var inReplyTo: [String] = []
    public var references: [String] = []
    public var subject: String = ""
    public var from: MailAddress?
    public var to: [MailAddress] = []
    public var cc: [MailAddress] = []
    public var replyTo: [MailAddress] = []
    public var date: Date?
    /// All header fields in order, names as written, values unfolded and RFC 2047-decoded.
    public var headers: [(name: String, value: String)] = []
    /// Lowercased top-level media type, e.g. "multipart/report" or "text/plain".
    public var contentType: String = "text/plain"
    /// Parameters of the top-level Content-Type (lowercased names), e.g. ["report-type": "delivery-status"].
    public var contentTypeParameters: [String: String] = [:]
    /// The readable text of the mail as UTF-8: the first text/plain body, else the HTML body turned into text.
    public var text: String = ""
    /// The first text/html body, decoded to UTF-8, if any.
    public var html: String?
    public var attachments: [ParsedAttachment] = []
    /// For multipart/report; report-type=delivery-status: the per-recipient fields.
    public var deliveryStatuses: [DeliveryStatus] = []
    /// Headers of a returned or forwarded message (message/rfc822 or text/rfc822-headers part), if any.
    public var embeddedHeaders: [(name: String, value: String)] = []
    /// Why no automatic mail may answer this message's sender: a From with several entries, a Reply-To with
    /// none or several valid addresses (Indonesian, shown on the ticket). Empty when the sender is one address.
    public var addressProblems: [String] = []
    /// Things the parser had to work around (unknown charset, broken base64, ...), for the agent to see.
    public var warnings: [String] = []

    public init() {}

    /// When the last hop, normally our own mail server, received the mail: the date of the topmost Received
    /// header (after its last `;`). nil without one, or when it does not scan.
    public var arrivedAt: Date? {
        guard let received = header("Received"), let semicolon = received.lastIndex(of: ";") else { return nil }
        return Mailutils.parseDate(received[received.index(after: semicolon)...].trimmingCharacters(in: .whitespaces))
    }

    /// The first header with this name (case-insensitive), decoded.
    public func header(_ name: String) -> String? {
        headers.first { Self.sameFieldName($0.name, name) }?.value
    }
    public func embeddedHeader(_ name: String) -> String? {
        embeddedHeaders.first { Self.sameFieldName($0.name, name) }?.value
    }

    /// Field names are ASCII and compared without regard to case (RFC 5322 §1.2.2); byte by byte, because
    /// Foundation's caseInsensitiveCompare made header lookups a noticeable part of ingest.
    static func sameFieldName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        return zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }
}

public enum MIMEParseError: Error, CustomStringConvertible {
    /// Not thrown by the Swift parser today; kept so callers keep handling a parser failure.
    case unparseable(String)
    public var description: String {
        switch self {
        case .unparseable(let why): return "message could not be parsed: \(why)"
        }
    }
}
