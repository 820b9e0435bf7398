// The automatic mail a new ticket gets: an acknowledgement with its number, what happens next and the deadline,
// or a receipt for an official letter (Surat Masuk). Built on the ingest thread, called inside the ticket's
// transaction (SurelDatabase caps it per address and hour). Never to spam, bulk mail, noreply/mailer-daemon
// addresses, our own addresses, a Layer 2 unit, nor mail with a null Return-Path or an X-Loop: auto-reply loops
// cannot start here.
import Foundation
import SurelClassify
import SurelCore
import SurelMail
import SurelStore

public struct Acknowledger: Sendable {
    let templates: MailTemplates
    let from: MailAddress
    let replyTo: MailAddress?
    let messageIDDomain: String
    let calendar: WorkingCalendar
    let hours: ServiceHours
    let taxonomy: Taxonomy
    /// Addresses that never get automatic mail: ours, the units', the supervisor's.
    let ownAddresses: Set<String>

    public init(
        templates: MailTemplates, config: SurelConfig, calendar: WorkingCalendar = .indonesia,
        hours: ServiceHours = ServiceHours()
    ) throws {
        let smtp = try config.requireSMTP()
        self.templates = templates
        from = smtp.from
        replyTo = smtp.replyTo
        messageIDDomain = smtp.messageIDDomain
        self.calendar = calendar
        self.hours = hours
        taxonomy = config.taxonomy
        var own: Set<String> = [smtp.from.email, config.mailbox.endpoint.user.lowercased()]
        own.formUnion(config.units.values.map(\.email))
        if let s = config.supervisor { own.insert(s.email) }
        ownAddresses = own
    }

    /// Local parts of addresses that are machines, not people.
    static let machineSender = try! NSRegularExpression(
        pattern:
            #"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?|auto[-_.]?reply|notifications?)([-+._].*)?@"#,
        options: [.caseInsensitive])

    /// Whether `sender` may get automatic mail at all (bulk mail never does).
    public func mayAutoReply(to sender: String, isBulk: Bool) -> Bool {
        let s = sender.lowercased()
        guard !isBulk, s.contains("@"), !ownAddresses.contains(s) else { return false }
        return Self.machineSender.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil
    }

    /// The mail to queue for the ticket a parsed message opens, decided when the ticket exists (its number and
    /// category are known only then); nil when it gets none.
    public func mail(for p: ParsedMessage, sender: String, isBulk: Bool, received: Date)
        -> (@Sendable (Ticket) -> OutgoingRecord?)?
    {
        // A From or Reply-To naming several addresses, or none usable, gets nothing: surel mails one address only.
        guard p.addressProblems.isEmpty, mayAutoReply(to: sender, isBulk: isBulk), !Self.isLoopSuspect(p) else {
            return nil
        }
        let name = p.from?.name, subject = SubjectNormalizer.stripped(p.subject)
        let originalID = p.messageID, references = p.references
        return { [self] ticket in
            guard ticket.category != spamCategory else { return nil }
            // The receipt wording only for a letter the classifier is sure of; anything in doubt gets the
            // general acknowledgement.
            let letter = ticket.category == "surat-masuk" && !ticket.needsReview
            var values: [String: Any] = [
                "ticket": ticket.number.description,
                "subject": subject.isEmpty ? "(tanpa subjek)" : subject,
                "sender_name": AgentActions.salutation(ticket),
                "received_at": Self.indonesian(received),
                "category": taxonomy.name(of: ticket.category),
            ]
            if let due = try? calendar.deadline(received: received, workingDays: 1, hours: hours) {
                values["deadline"] = Self.indonesian(due)
            }
            guard let text = try? templates.render(letter ? "receipt" : "acknowledgement", values) else { return nil }
            var mail = OutgoingMail(
                from: from, to: [MailAddress(name: name, email: sender)], subject: text.subject,
                text: text.body)
            mail.inReplyTo = originalID
            mail.references = references + (originalID.map { [$0] } ?? [])
            mail.replyTo = replyTo
            mail.automatic = true
            return mail.record(
                ticketID: ticket.id, purpose: letter ? .receipt : .acknowledgement,
                messageIDDomain: messageIDDomain)
        }
    }

    /// Mail never to answer automatically, whatever its From says: sent with the null envelope sender, or
    /// carrying `X-Loop` (a responder or list manager marking mail that already went round once).
    static func isLoopSuspect(_ p: ParsedMessage) -> Bool {
        Triage.hasNullSender(p) || p.header("X-Loop") != nil
    }

    /// "Selasa, 4 Februari 2025 pukul 10.00 WIB".
    static func indonesian(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "id_ID")
        f.timeZone = TimeZone(identifier: "Asia/Jakarta")
        f.dateFormat = "EEEE, d MMMM yyyy 'pukul' HH.mm 'WIB'"
        return f.string(from: d)
    }
}
