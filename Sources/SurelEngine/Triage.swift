// Triage: is an incoming mail an auto-reply, a bounce, bulk, or a message for a ticket?
// Pure functions of the parsed message: no store, no clock. Order matters: a bounce often carries
// `Auto-Submitted: auto-replied` too (RFC 3834 §5), so bounces are recognized first.
import Foundation
import SurelCore
import SurelMail
import SurelStore

public enum TriageVerdict: Equatable, Sendable {
    case bounce(DeliveryStatusSummary)
    case autoReply(reason: String)
    /// The mail our blasts' `List-Unsubscribe` mailto makes: subject `berhenti-<blast id>`.
    case unsubscribe(blast: Int64)
    /// For a ticket; `isBulk` mail is never answered automatically.
    case message(isBulk: Bool)
}

public enum Triage {
    /// `fromLayer2Unit`: the mail of a Layer 2 unit is an auto-reply by its headers or subject only, not by its
    /// text: "Email Bapak/Ibu telah kami terima. Jawaban: ..." is how a unit answers an escalation.
    public static func classify(_ m: ParsedMessage, fromLayer2Unit: Bool = false) -> TriageVerdict {
        if let b = bounce(m) { return .bounce(b) }
        if let blast = unsubscribeRequest(m) { return .unsubscribe(blast: blast) }
        if let reason = autoReplyReason(m, byText: !fromLayer2Unit) { return .autoReply(reason: reason) }
        return .message(isBulk: isBulk(m))
    }

    /// Sent with the null envelope sender (`Return-Path: <>`), which RFC 3834 reserves for bounces and other
    /// automatic mail.
    static func hasNullSender(_ m: ParsedMessage) -> Bool {
        m.header("Return-Path")?.trimmingCharacters(in: .whitespaces) == "<>"
    }

    // MARK: bounces

    private static let bounceSubject = try! NSRegularExpression(
        pattern:
            #"^\s*(undeliver(ed|able)|failure notice|delivery (status notification|failure|has failed)|returned mail|mail delivery (failed|failure|system)|non[- ]?delivery|pesan tidak terkirim|gagal terkirim)"#,
        options: [.caseInsensitive])

    static func bounce(_ m: ParsedMessage) -> DeliveryStatusSummary? {
        let isReport =
            m.contentType == "multipart/report"
            && (m.contentTypeParameters["report-type"]?.lowercased() ?? "delivery-status") == "delivery-status"
        if isReport, !m.deliveryStatuses.isEmpty || m.embeddedHeader("Message-ID") != nil {
            // The first failed recipient is the one to report; a delay warning is still a bounce record.
            let ds = m.deliveryStatuses.first { $0.action?.lowercased() == "failed" } ?? m.deliveryStatuses.first
            return DeliveryStatusSummary(
                recipient: ds?.finalRecipient ?? firstAddress(in: m.text, excluding: m),
                status: ds?.status ?? statusCode(in: m.text),
                diagnostic: ds?.diagnostic,
                originalMessageID: m.embeddedHeader("Message-ID").map(stripBrackets) ?? messageIDInText(m.text))
        }
        // The plain-text shapes (qmail "failure notice", sendmail/Postfix without multipart/report).
        let from = m.from?.email ?? ""
        let fromDaemon = from.hasPrefix("mailer-daemon@") || from.hasPrefix("postmaster@") || from == "mailer-daemon"
        let nullSender = hasNullSender(m)
        let subjectMatches =
            bounceSubject.firstMatch(in: m.subject, range: NSRange(m.subject.startIndex..., in: m.subject)) != nil
        guard subjectMatches && (fromDaemon || nullSender) else { return nil }
        return DeliveryStatusSummary(
            recipient: firstAddress(in: m.text, excluding: m), status: statusCode(in: m.text),
            diagnostic: diagnosticLine(in: m.text),
            originalMessageID: messageIDInText(m.text))
    }

    private static func stripBrackets(_ s: String) -> String {
        s.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
    }

    /// Compiled once per pattern: triage runs for every message.
    private static let compiled = NSCache<NSString, NSRegularExpression>()

    private static func firstMatch(_ pattern: String, in text: String, group: Int = 1) -> String? {
        let re: NSRegularExpression
        if let cached = compiled.object(forKey: pattern as NSString) {
            re = cached
        } else {
            guard let new = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive, .anchorsMatchLines])
            else { return nil }
            compiled.setObject(new, forKey: pattern as NSString)
            re = new
        }
        guard let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let r = Range(m.range(at: group), in: text)
        else { return nil }
        return String(text[r])
    }

    /// The first `<addr>` of the notice that is not the sender of the bounce.
    private static func firstAddress(in text: String, excluding m: ParsedMessage) -> String? {
        let re = try! NSRegularExpression(pattern: #"<([^<>@\s]+@[^<>\s]+)>"#)
        // Message-IDs look like addresses: drop the lines that carry them.
        let idLines = try! NSRegularExpression(
            pattern: #"^\s*(message-id|in-reply-to|references)\s*:.*$"#,
            options: [.caseInsensitive, .anchorsMatchLines])
        let text = idLines.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        let own = Set(([m.from] + m.to).compactMap { $0?.email })
        // Bracketed addresses first (Postfix, qmail, sendmail), then bare ones (Exchange NDRs).
        let bare = try! NSRegularExpression(pattern: #"(?<![\w.+-])([\w.+-]+@[\w-]+(\.[\w-]+)+)"#)
        for pattern in [re, bare] {
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(match.range(at: 1), in: text) else { continue }
                let a = text[r].lowercased()
                if !own.contains(a) && !a.hasPrefix("mailer-daemon@") && !a.hasPrefix("postmaster@") { return a }
            }
        }
        return nil
    }

    private static func statusCode(in text: String) -> String? {
        firstMatch(#"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])"#, in: text)
    }

    private static func diagnosticLine(in text: String) -> String? {
        firstMatch(
            #"^[ \t(]*((?:reason: )?[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^\n]*)"#,
            in: text.replacingOccurrences(of: "\r", with: "")
        )
        .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " )")) }
            ?? firstMatch(#"^([^\n]*\(#[245]\.\d{1,3}\.\d{1,3}\)[^\n]*)"#, in: text)
    }

    private static func messageIDInText(_ text: String) -> String? {
        firstMatch(#"^\s*Message-ID:\s*<([^>\s]+)>"#, in: text.replacingOccurrences(of: "\r", with: ""))
    }

    // MARK: auto-replies

    private static func alternatives(_ patterns: [String], _ options: NSRegularExpression.Options = [.caseInsensitive])
        -> NSRegularExpression
    {
        try! NSRegularExpression(pattern: patterns.joined(separator: "|"), options: options)
    }
    private static let autoSubject = alternatives([
        #"^\s*\[?(auto[- ]?reply|automatic reply|autoreply|auto[- ]?response|out of (the )?office)"#,
        #"^\s*\[?(balasan|jawaban|respons?|pesan) otomatis"#,
        #"^\s*(otomatis|cuti)\s*:|^\s*sedang cuti|^\s*(abwesenheitsnotiz|r[ée]ponse automatique)"#,
        #"(email|e-mail|surel|pesan|surat)\s+(anda|bapak/ibu|bapak|ibu)\s+(telah|sudah)\s+(kami\s+)?(di)?terima"#,
    ])
    private static let autoBody = alternatives([
        #"(dibalas|dijawab)\s+secara\s+otomatis|\[?balasan otomatis\]?|pesan otomatis"#,
        #"(email|e-mail|surel|pesan|surat)\s+(anda|bapak/ibu|bapak|ibu)\s+(telah|sudah)\s+(kami\s+)?(di)?terima"#,
        #"out of (the )?office|automatic reply|auto-?reply"#,
        #"(saya|kami)\s+sedang\s+(cuti|tidak berada di kantor|bertugas|dinas luar|di luar kantor)"#,
    ])
    private static let quoteStart = alternatives(
        [
            #"^>"#,
            #"^-{2,}\s*(original message|pesan asli|forwarded message|pesan yang diteruskan)"#,
            #"^(on|pada)\s.{0,120}(wrote|menulis)\s*:"#,
            #"^(from|dari):\s"#,
            #"^_{10,}"#,
        ], [.caseInsensitive, .anchorsMatchLines])

    static func autoReplyReason(_ m: ParsedMessage, byText: Bool = true) -> String? {
        if let v = m.header("Auto-Submitted"), !v.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("no") {
            return "Auto-Submitted: \(v)"
        }
        for h in ["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation"] where m.header(h) != nil {
            return "\(h) header"
        }
        if m.header("Precedence")?.lowercased().contains("auto_reply") == true { return "Precedence: auto_reply" }
        if m.header("X-Auto-Response-Suppress") != nil, m.subject.lowercased().contains("reply") {
            return "X-Auto-Response-Suppress with a reply subject"
        }
        let s = m.subject
        if autoSubject.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil { return "subject \"\(s)\"" }
        // Acknowledgements other offices' servers send back without any header: a reply (so not a phishing
        // mail that says "sent automatically") whose short, unquoted text says so.
        let isReply = !m.inReplyTo.isEmpty || SubjectNormalizer.isReply(m.subject)
        guard byText, isReply else { return nil }
        // Only the start matters: own text longer than 1,200 characters is no auto-reply, so a long mail need
        // not be scanned whole.
        let own = ownText(String(m.text.prefix(4000)))
        if own.count <= 1200, let match = autoBody.firstMatch(in: own, range: NSRange(own.startIndex..., in: own)),
            let r = Range(match.range, in: own)
        {
            return "automatic text \"\(own[r])\""
        }
        return nil
    }

    /// The text a sender wrote, without what they quote (so a citizen quoting our own acknowledgement is not an
    /// auto-reply): cut at the first quote header or quoted line.
    static func ownText(_ text: String) -> String {
        guard let m = quoteStart.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let r = Range(m.range, in: text)
        else { return text }
        return String(text[..<r.lowerBound])
    }

    // MARK: unsubscribe requests

    /// The blast id of an unsubscribe request: a subject that is exactly `berhenti-<id>` (what BlastMail puts in
    /// the mailto of `List-Unsubscribe`), whatever the case and surrounding spaces.
    static func unsubscribeRequest(_ m: ParsedMessage) -> Int64? {
        let s = m.subject.trimmingCharacters(in: .whitespaces).lowercased()
        guard s.hasPrefix("berhenti-"), let id = Int64(s.dropFirst("berhenti-".count)), id > 0 else { return nil }
        return id
    }

    // MARK: bulk

    static func isBulk(_ m: ParsedMessage) -> Bool {
        if let p = m.header("Precedence")?.lowercased(), ["bulk", "junk", "list"].contains(where: p.contains) {
            return true
        }
        return m.header("List-Id") != nil || m.header("List-Unsubscribe") != nil
    }
}
