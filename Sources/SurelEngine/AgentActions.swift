// What agents do with a ticket from the CLI: answer the citizen, escalate to a Layer 2 unit, record the unit's
// answer. Each is one store transaction with the mail it sends (see SurelDatabase.act); the acting person is named
// on every history event.
import Foundation
import SurelClassify
import SurelCore
import SurelDocuments
import SurelMail
import SurelStore

public struct AgentActions {
    let config: SurelConfig
    let database: SurelDatabase
    let templates: MailTemplates
    let calendar: WorkingCalendar
    let now: () -> Date
    /// The ticket version the agent acted on (SurelDatabase.ticketVersion); nil: act whatever changed since.
    var expectedVersion: Int64?

    public init(
        config: SurelConfig, database: SurelDatabase, templates: MailTemplates,
        calendar: WorkingCalendar = .indonesia, now: @escaping () -> Date = Date.init
    ) {
        self.config = config; self.database = database; self.templates = templates; self.calendar = calendar
        self.now = now
    }

    var smtp: SurelConfig.SMTP { get throws { try config.requireSMTP() } }

    /// The ticket with its messages, when `actor` may handle it (confidential tickets: see AccessPolicy).
    func detail(_ number: TicketNumber, actor: Actor) throws -> TicketDetail {
        guard let d = try database.ticketDetail(number: number) else {
            throw SurelError(.notFound, "no ticket \(number)")
        }
        try AccessPolicy(config).require(d.ticket, for: actor)
        return d
    }

    /// What the citizen (and colleagues writing for them) sent in the ticket: not a Layer 2 unit's mail, which
    /// threads into the ticket too but is no part of the question and not what the citizen's answer replies to.
    func citizenMessages(_ d: TicketDetail) -> [StoredMessage] {
        let units = Set(config.units.values.map { $0.email.lowercased() })
        return d.messages.filter { $0.kind == .ticket && !units.contains(($0.fromEmail ?? "").lowercased()) }
    }

    /// The thread's Message-IDs (incoming and ours), oldest first, and the citizen's last one.
    func thread(_ d: TicketDetail) -> (references: [String], replyTo: String?) {
        let ids = d.messages.compactMap(\.messageID)
        return (Array(ids.suffix(20)), citizenMessages(d).last?.messageID)
    }

    /// A mail to the ticket's citizen in its thread (In-Reply-To the last incoming mail, References the thread).
    func mailToCitizen(_ d: TicketDetail, _ text: (subject: String, body: String), smtp: SurelConfig.SMTP)
        -> OutgoingMail
    {
        let t = d.ticket
        let (references, replyTo) = thread(d)
        var mail = OutgoingMail(
            from: smtp.from, to: [MailAddress(name: t.senderName, email: t.senderEmail)],
            subject: text.subject, text: text.body)
        mail.inReplyTo = replyTo
        mail.references = references
        mail.replyTo = smtp.replyTo
        return mail
    }

    /// How the citizen is addressed: their name, else "Bapak/Ibu".
    static func salutation(_ t: Ticket) -> String { t.senderName?.isEmpty == false ? t.senderName! : "Bapak/Ibu" }

    /// Where the sender writes from: region and province, else their sender class.
    static func origin(_ t: Ticket) -> String {
        [t.region, t.province].compactMap { $0 }.joined(separator: ", ").nonEmpty ?? t.senderClass.rawValue
    }

    /// Answers the citizen: status `answered`, the answer mail queued with it.
    @discardableResult
    public func reply(_ number: TicketNumber, body: String, attachments: [OutgoingAttachment] = [], actor: Actor)
        throws -> Ticket
    {
        let d = try detail(number, actor: actor)
        let smtp = try smtp
        let t = d.ticket
        let text = try templates.render(
            "answer",
            [
                "ticket": number.description, "subject": SubjectNormalizer.stripped(t.subject),
                "sender_name": Self.salutation(t),
                "body": body.trimmingCharacters(in: .whitespacesAndNewlines), "agent": actor.name,
            ])
        var mail = mailToCitizen(d, text, smtp: smtp)
        mail.attachments = attachments
        let record = mail.record(ticketID: t.id, purpose: .answer, messageIDDomain: smtp.messageIDDomain, date: now())
        return try database.act(
            .answer, on: number, actor: actor.name, answer: body, at: now(), expectedVersion: expectedVersion
        ) { _ in record }
    }

    /// Escalates to a Layer 2 unit: status `escalated`, the notice (with the question and the 3-working-day
    /// deadline) queued to the unit's configured address.
    @discardableResult
    public func escalate(_ number: TicketNumber, unit: String, note: String?, actor: Actor) throws -> Ticket {
        let d = try detail(number, actor: actor)
        let smtp = try smtp
        guard let address = config.units[unit] else {
            let known = config.units.keys.sorted()
            throw SurelError(
                .invalid,
                "no unit \"\(unit)\" in the configuration ([units.\(unit)] email = ...)"
                    + (known.isEmpty ? "" : "; known: " + known.joined(separator: ", ")))
        }
        let t = d.ticket
        guard !t.held else {
            throw SurelError(
                .conflict,
                "tiket \(number) ditahan sebagai kemungkinan pengaduan: sebelum eskalasi, petugas yang berwenang "
                    + "menjadikannya tiket biasa (`surel review clear`) atau menetapkannya sebagai pengaduan "
                    + "(`surel review confirm`)")
        }
        let question = citizenMessages(d)
        // A complaint's question goes to the unit, not who made it: the unit may be the one complained about.
        let hidden = t.confidential ? "(dirahasiakan: pengaduan)" : nil
        let subject = SubjectNormalizer.stripped(t.subject)
        var values: [String: Any] = [
            "ticket": number.description,
            "subject": t.confidential ? ComplaintRedaction.scrubbed(subject, of: t) : subject, "unit": unit,
            "unit_name": address.name ?? unit, "sender_name": hidden ?? t.senderName ?? "-",
            "sender_email": hidden ?? t.senderEmail, "origin": hidden ?? Self.origin(t),
            "category": config.taxonomy.name(of: t.category),
            "received_at": Acknowledger.indonesian(t.createdAt),
            "question": question.map { t.confidential ? ComplaintRedaction.anonymized($0.text, of: t) : $0.text }
                .joined(separator: "\n\n---\n\n"),
            "agent": actor.name,
        ]
        values["deadline"] =
            (try? calendar.deadline(received: t.createdAt, workingDays: 3, hours: config.sla.hours))
            .map(Acknowledger.indonesian) ?? "3 hari kerja"
        if let note, !note.isEmpty { values["note"] = note }
        if let url = config.outbox.ticketURL {
            values["ticket_url"] = url.replacingOccurrences(of: "{ticket}", with: number.description)
        }
        let text = try templates.render("escalation", values)
        var mail = OutgoingMail(from: smtp.from, to: [address], subject: text.subject, text: text.body)
        // The SOP routes escalations through the supervisor (Kasubbag): a copy keeps them in the loop, and the
        // unit's reply-all reaches them too.
        if let supervisor = config.supervisor { mail.cc = [supervisor] }
        // The complainant's Message-IDs name their mail server (often their office's domain): a complaint's
        // notice starts a thread of its own, found again by the ticket tag in the subject.
        if !t.confidential {
            mail.references = thread(d).references
            mail.inReplyTo = question.first?.messageID
        }
        let record = mail.record(
            ticketID: t.id, purpose: .escalation, messageIDDomain: smtp.messageIDDomain, date: now())
        return try database.act(
            .escalate(unit: unit), on: number, actor: actor.name, note: note, at: now(),
            expectedVersion: expectedVersion
        ) { _ in
            record
        }
    }

    /// The sender's office as far as the address tells it: "BPKAD Kabupaten Kediri" for bpkad.kedirikab.go.id,
    /// else the region, else the mail domain.
    static func office(_ t: Ticket) -> String {
        let domain = String(t.senderEmail.split(separator: "@").last ?? "")
        let labels = domain.split(separator: ".")
        if let region = t.region, labels.count >= 4, domain.hasSuffix(".go.id") {
            return labels[0].uppercased() + " " + region
        }
        return t.region ?? domain
    }

    /// Records the unit's answer received outside mail (by phone, in a meeting): the note keeps its text.
    @discardableResult
    public func layer2Answer(_ number: TicketNumber, body: String, actor: Actor) throws -> Ticket {
        _ = try detail(number, actor: actor)
        return try database.act(
            .layer2Answer, on: number, actor: actor.name, answer: body, at: now(), expectedVersion: expectedVersion)
    }

    /// Categories closed without a BAK: a letter is registered, not consulted on, and spam is counted, not
    /// answered (DOMAIN.md); a record of consultation mailed to either would be wrong, or go to a phisher.
    static let closedWithoutBAK: Set<String> = [spamCategory, "surat-masuk"]

    /// Closes the consultation: the BAK PDF is made from `bak.mustache`, stored with the ticket and mailed to the
    /// citizen (`bak-mail.mustache`), all in the transaction that closes the ticket. A letter or spam is closed
    /// without one.
    @discardableResult
    public func close(_ number: TicketNumber, actor: Actor) throws -> Ticket {
        let d = try detail(number, actor: actor)
        let t = d.ticket
        guard t.status != .closed else { throw SurelError(.conflict, "tiket \(number) sudah ditutup") }
        if Self.closedWithoutBAK.contains(t.category) {
            return try database.act(
                .close, on: number, actor: actor.name, note: "tanpa BAK (\(config.taxonomy.name(of: t.category)))",
                at: now(), expectedVersion: expectedVersion)
        }
        let smtp = try smtp
        let closedAt = now()
        let (bakNumber, values) = try bakValues(d, closedAt: closedAt, actor: actor)
        let document = try templates.render("bak", values)
        let pdf = try PDFWriter.render(BAKText.blocks(document.body), title: document.subject)
        // The survey link goes in the BAK mail only (not in the document, which is kept and may be forwarded).
        var mailValues = values
        if let link = try config.surveyLink(for: t.number, now: closedAt) { mailValues["survey_url"] = link }
        let text = try templates.render("bak-mail", mailValues)
        var mail = mailToCitizen(d, text, smtp: smtp)
        mail.attachments = [OutgoingAttachment(filename: bakNumber + ".pdf", contentType: "application/pdf", data: pdf)]
        let record = mail.record(ticketID: t.id, purpose: .bak, messageIDDomain: smtp.messageIDDomain, date: closedAt)
        return try database.act(
            .close, on: number, actor: actor.name, bak: (bakNumber, pdf), at: closedAt, expectedVersion: expectedVersion
        ) { _ in record }
    }

    /// The BAK's text as closing now would make it (the console shows it before the agent confirms); nil for a
    /// ticket closed without one.
    public func bakPreview(_ number: TicketNumber, actor: Actor) throws -> (subject: String, body: String)? {
        let d = try detail(number, actor: actor)
        guard !Self.closedWithoutBAK.contains(d.ticket.category) else { return nil }
        return try templates.render("bak", try bakValues(d, closedAt: now(), actor: actor).values)
    }

    /// The BAK's number and the values of its templates.
    private func bakValues(_ d: TicketDetail, closedAt: Date, actor: Actor) throws
        -> (number: String, values: [String: Any])
    {
        let t = d.ticket
        // A ticket reopened and closed again gets a BAK of its own: BAK-<ticket>-2, -3 ...
        let earlier = try database.bakCount(ticketID: t.id!)
        let bakNumber = "BAK-\(t.number)" + (earlier == 0 ? "" : "-\(earlier + 1)")
        let answers = try database.answers(ticketID: t.id!).filter { $0.source == "agent" }.map(\.text)
        var values: [String: Any] = [
            "bak_number": bakNumber, "closed_at": Acknowledger.indonesian(closedAt), "ticket": t.number.description,
            "subject": SubjectNormalizer.stripped(t.subject),
            "sender_name": Self.salutation(t), "sender_email": t.senderEmail, "origin": Self.origin(t),
            "office": Self.office(t),
            "category": config.taxonomy.name(of: t.category),
            "received_at": Acknowledger.indonesian(t.createdAt),
            "question": citizenMessages(d).map(\.text).joined(separator: "\n\n"),
            "answers": answers, "agent": actor.name,
        ]
        if let unit = t.escalatedTo { values["unit"] = config.units[unit]?.name.map { "\(unit) — \($0)" } ?? unit }
        return (bakNumber, values)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// The BAK template's text as document blocks: `# ` title, `## ` heading, `~ ` small print, other lines body text
/// (consecutive lines form one paragraph, line breaks kept).
enum BAKText {
    static func blocks(_ text: String) -> [DocumentBlock] {
        var out: [DocumentBlock] = []
        var paragraph: [String] = []
        func flush() {
            if !paragraph.isEmpty { out.append(DocumentBlock(.body, paragraph.joined(separator: "\n"))) }
            paragraph = []
        }
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("## ") {
                flush(); out.append(DocumentBlock(.heading, String(line.dropFirst(3))))
            } else if line.hasPrefix("# ") {
                flush(); out.append(DocumentBlock(.title, String(line.dropFirst(2))))
            } else if line.hasPrefix("~ ") {
                flush(); out.append(DocumentBlock(.small, String(line.dropFirst(2))))
            } else if line.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
            } else {
                paragraph.append(line)
            }
        }
        flush()
        return out
    }
}
