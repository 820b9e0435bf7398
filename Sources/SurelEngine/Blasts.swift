// Blasts as staff prepare them: the mail of one recipient (Mustache personalization with the list's columns, bulk
// headers, an unsubscribe address), and the times staff write ("2025-02-07 09:00 WIB", WITA, WIT, or ISO 8601).
import Foundation
import Mustache
import SurelCore
import SurelMail
import SurelStore

extension SurelDatabase {
    /// A blast's attachments as they go into each of its mails.
    public func blastMailAttachments(_ id: Int64) throws -> [OutgoingAttachment] {
        try blastAttachments(id).map {
            OutgoingAttachment(filename: $0.filename, contentType: $0.contentType, data: $0.data)
        }
    }
}

public enum BlastMail {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The values a blast template can use: `name`, `email`, and every extra column of the list.
    public static func values(_ r: BlastRecipient) -> [String: Any] {
        var v: [String: Any] = r.fields
        v["email"] = r.email
        v["name"] = r.name ?? ""
        return v
    }

    /// A blast's subject and text templates, parsed once for all its recipients.
    public struct Templates: Sendable {
        let subject: MustacheTemplate
        let text: MustacheTemplate
        /// HTML-escapes the values it inserts (Mustache's default), unlike the text ones.
        let html: MustacheTemplate?
        public init(_ b: Blast) throws {
            do { try self.init(subject: b.subject, text: b.template, html: b.html) } catch let e as Failure {
                throw Failure(message: "blast \(b.id): \(e.message)")
            }
        }

        /// Parses the templates; `blast create` does so first, so that a broken one is refused there rather than
        /// found when the blast starts.
        public init(subject: String, text: String, html: String?) throws {
            func parse(_ what: String, _ make: () throws -> MustacheTemplate) throws -> MustacheTemplate {
                do { return try make() } catch { throw Failure(message: "\(what) template: \(error)") }
            }
            self.subject = try parse("subject") { try .plainText(subject) }
            self.text = try parse("text") { try .plainText(text) }
            self.html = try html.map { h in try parse("HTML") { try MustacheTemplate(string: h) } }
        }
    }

    /// The mail for one recipient: subject, text (and HTML) rendered from the blast's templates, sent as bulk
    /// (`Precedence: bulk`, `Auto-Submitted: auto-generated`) with `List-Unsubscribe`.
    public static func compose(
        _ b: Blast, to r: BlastRecipient, attachments: [OutgoingAttachment],
        smtp: SurelConfig.SMTP, unsubscribeURL: String?, date: Date = Date(),
        templates: Templates? = nil
    ) throws -> (messageID: String, raw: Data) {
        let values = values(r)
        let t = try templates ?? Templates(b)
        let subject = t.subject.render(values), text = t.text.render(values)
        var mail = OutgoingMail(
            from: smtp.from, to: [MailAddress(name: r.name, email: r.email)], subject: subject, text: text)
        mail.html = t.html?.render(values)
        mail.replyTo = smtp.replyTo
        mail.attachments = attachments
        var unsubscribe = "<mailto:\(smtp.from.email)?subject=berhenti-\(b.id)>"
        if let url = unsubscribeURL {
            let personal = url.replacingOccurrences(
                of: "{email}", with: r.email.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? r.email
            )
            .replacingOccurrences(of: "{blast}", with: String(b.id))
            unsubscribe += ", <\(personal)>"
            mail.extraHeaders.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        mail.extraHeaders += [
            ("Precedence", "bulk"), ("Auto-Submitted", "auto-generated"), ("List-Unsubscribe", unsubscribe),
        ]
        return MailComposer.compose(mail, messageIDDomain: smtp.messageIDDomain, date: date)
    }

    /// "2025-02-07 09:00 WIB" (also WITA, WIT; seconds optional) or ISO 8601 ("2025-02-07T09:00:00+07:00").
    public static func parseTime(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = ISO8601DateFormatter().date(from: t) { return d }
        let zones = ["WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"]
        let parts = t.split(separator: " ").map(String.init)
        guard parts.count == 3, let zone = zones[parts[2].uppercased()] else { return nil }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: zone)
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH.mm"] {
            f.dateFormat = format
            if let d = f.date(from: parts[0] + " " + parts[1]) { return d }
        }
        return nil
    }
}
