// HelpDesk: recipient lists, the suppression list and blasts, as blast staff read and work them.
import Foundation
import Logging
import SurelCore
import SurelMail
import SurelStore

/// Where a blast stands: recipients by state, the marks, the current rate and the estimated finish.
public struct BlastProgress: Sendable {
    public var blast: Blast
    public var total = 0, sent = 0, failed = 0, bounced = 0, pending = 0, deferred = 0, sending = 0
    /// Recipients whose address was suppressed after the blast was made (unsubscribed, hard-bounced): not mailed.
    public var suppressed = 0
    /// Recipients in flight at a crash, who may have received it twice.
    public var possiblyDuplicated = 0
    /// Recipients whose mail came back with a soft (4.x.x) bounce; still counted as sent.
    public var softBounced = 0
    /// Mails per second over the last minute.
    public var ratePerSecond = 0.0
    /// When the rest should be sent at that rate.
    public var estimatedFinish: Date?

    /// Recipients settled one way or another (the progress bar's numerator).
    public var done: Int { sent + failed + bounced + suppressed }

    init(
        _ b: Blast, counts: [BlastRecipientState: Int], marks: (possiblyDuplicated: Int, softBounced: Int),
        sentLastMinute: Int?,
        now: Date
    ) {
        blast = b
        sent = counts[.sent] ?? 0; failed = counts[.failed] ?? 0; bounced = counts[.bounced] ?? 0
        pending = counts[.pending] ?? 0; deferred = counts[.deferred] ?? 0; sending = counts[.sending] ?? 0
        suppressed = counts[.suppressed] ?? 0
        total = counts.values.reduce(0, +)
        possiblyDuplicated = marks.possiblyDuplicated
        softBounced = marks.softBounced
        ratePerSecond = Double(sentLastMinute ?? 0) / 60
        let left = pending + deferred + sending
        estimatedFinish = ratePerSecond > 0 && left > 0 ? now.addingTimeInterval(Double(left) / ratePerSecond) : nil
    }
}

extension HelpDesk {
    // MARK: - Reads

    public func listNames() throws -> [String] { try database.listNames() }

    /// The members of a list, each with whether its address is suppressed.
    public func members(of name: String) throws -> [(member: ListMember, suppressed: Bool)] {
        guard let members = try database.members(of: name) else { throw SurelError(.notFound, "no list \(name)") }
        let suppressed = Set(try database.suppressions().map(\.email))
        return members.map { ($0, suppressed.contains($0.email)) }
    }

    /// The suppressed addresses, without a confidential ticket's sender for an actor who may not read it (a
    /// complainant who unsubscribed must not be named there).
    public func suppressions(as actor: Actor) throws -> Listing<Suppression> {
        let all = try database.suppressions()
        let footprint = try footprint(for: actor)
        let shown = all.filter { !footprint.addresses.contains($0.email.lowercased()) }
        return Listing(items: shown, hidden: all.count - shown.count)
    }

    public func blast(_ id: Int64) throws -> Blast {
        guard let b = try database.blast(id) else { throw SurelError(.notFound, "no blast \(id)") }
        return b
    }

    /// Where each blast stands (no rate: that is for one blast being watched).
    public func blasts() throws -> [BlastProgress] {
        try database.blasts().map { b in
            BlastProgress(
                b, counts: try database.blastCounts(b.id), marks: try database.blastMarks(b.id),
                sentLastMinute: nil, now: now())
        }
    }

    /// Where one blast stands, with its rate over the last minute and the estimated finish.
    public func blastProgress(_ id: Int64) throws -> BlastProgress {
        let b = try blast(id), now = now()
        return BlastProgress(
            b, counts: try database.blastCounts(id), marks: try database.blastMarks(id),
            sentLastMinute: try database.blastSentSince(id, since: now.addingTimeInterval(-60)), now: now)
    }

    /// The recipients a blast did not reach (failed, bounced, still deferred) and those that soft-bounced.
    public func blastFailures(_ id: Int64) throws -> [BlastRecipient] {
        _ = try blast(id)
        return try database.blastRecipients(id).filter {
            [.failed, .bounced, .deferred].contains($0.state) || $0.softBounces > 0
        }
    }

    /// `blastFailures` as CSV (email, state, attempts, reason); a soft-bounced recipient's state is `soft-bounced`.
    public func blastFailuresCSV(_ id: Int64) throws -> String {
        func field(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "email,state,attempts,reason\n"
        for r in try blastFailures(id) {
            let state = r.state == .sent ? "soft-bounced" : r.state.rawValue
            out += [r.email, state, String(r.attempts), r.lastError ?? ""].map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The mail of one recipient (default: the first) exactly as it will be sent.
    public func blastPreview(_ id: Int64, recipient: String?) throws -> Data {
        let smtp = try config.requireSMTP()
        let b = try blast(id)
        guard let r = try database.blastRecipients(id, email: recipient, limit: 1).first else {
            throw SurelError(
                .notFound,
                recipient.map { "\($0) is not a recipient of blast \(id)" } ?? "blast \(id) has no recipients")
        }
        return try BlastMail.compose(
            b, to: r, attachments: try database.blastMailAttachments(id), smtp: smtp,
            unsubscribeURL: config.blastUnsubscribeURL
        ).raw
    }

    // MARK: - Actions

    /// Loads a CSV into a list (created if new). Bad rows are named by line in `problems`; nothing is added when
    /// every row is bad.
    public func importList(_ name: String, csv: String) throws -> (added: Int, updated: Int, problems: [String]) {
        let parsed = RecipientImport.parse(csv)
        guard !parsed.members.isEmpty || parsed.problems.isEmpty else {
            throw SurelError(
                .invalid, "no usable row in the CSV:\n" + parsed.problems.map { "  " + $0 }.joined(separator: "\n"))
        }
        let r = try database.importMembers(parsed.members, into: name, at: now())
        return (r.added, r.updated, parsed.problems)
    }

    public func removeMember(_ address: String, from name: String) throws {
        guard try database.removeMember(address, from: name) else {
            throw SurelError(.notFound, "\(address) is not in list \(name)")
        }
    }

    /// Suppresses an address by hand; false when it already was.
    public func suppress(_ address: String, reason: String) throws -> Bool {
        try database.suppress(address, reason: reason, source: "manual", at: now())
    }

    public func unsuppress(_ address: String) throws {
        guard try database.unsuppress(address) else { throw SurelError(.notFound, "\(address) is not suppressed") }
    }

    /// Prepares a blast for a list, minus suppressed addresses; a broken template creates nothing.
    public func createBlast(
        list: String, subject: String, text: String, html: String?,
        attachments: [OutgoingAttachment], at: Date?
    )
        throws -> (id: Int64, recipients: Int, suppressed: Int)
    {
        do { _ = try BlastMail.Templates(subject: subject, text: text, html: html) } catch let e as BlastMail.Failure {
            throw SurelError(.invalid, "\(e.message): nothing was created")
        }
        return try database.createBlast(
            list: list, subject: subject, template: text, html: html,
            attachments: attachments.map { ($0.filename, $0.contentType, $0.data) }, at: at,
            now: now())
    }

    /// Queues the first recipient's mail to a test address; returns the outbox id and the address.
    public func queueBlastTest(_ id: Int64, to address: String) throws -> (outboxID: Int64, to: String) {
        let smtp = try config.requireSMTP()
        guard let rcpt = MailAddress.parse(address) else { throw SurelError(.invalid, "not an address: \(address)") }
        let b = try blast(id)
        guard var r = try database.blastRecipients(id, limit: 1).first else {
            throw SurelError(.conflict, "blast \(id) has no recipients")
        }
        r.email = rcpt.email
        let mail = try BlastMail.compose(
            b, to: r, attachments: try database.blastMailAttachments(id), smtp: smtp,
            unsubscribeURL: config.blastUnsubscribeURL)
        let item = try database.enqueue(
            OutgoingRecord(
                ticketID: nil, purpose: .blastTest, messageID: mail.messageID,
                raw: mail.raw, subject: b.subject, text: "", fromName: smtp.from.name,
                fromEmail: smtp.from.email, recipients: [rcpt.email],
                inReplyTo: [], references: []), at: now())
        return (item.id!, rcpt.email)
    }

    /// Sets or moves the sending time (a draft, scheduled or paused blast).
    public func scheduleBlast(_ id: Int64, at: Date) throws {
        try database.setBlastStatus(id, to: .scheduled, at: at, allowedFrom: [.draft, .scheduled, .paused], now: now())
    }

    public func pauseBlast(_ id: Int64) throws {
        try database.setBlastStatus(id, to: .paused, allowedFrom: [.scheduled, .sending], now: now())
    }

    public func resumeBlast(_ id: Int64) throws {
        try database.setBlastStatus(id, to: .scheduled, allowedFrom: [.paused], now: now())
    }

    public func cancelBlast(_ id: Int64) throws {
        try database.setBlastStatus(
            id, to: .cancelled, allowedFrom: [.draft, .scheduled, .sending, .paused], now: now())
    }

    /// Sends a blast now, in this process, until every recipient is settled (or it is paused or cancelled).
    public func sendBlast(_ id: Int64, logger: Logger) throws -> BlastRunReport {
        let smtp = try config.requireSMTP()
        let sender = try BlastSender(
            database: database, config: config,
            makeSender: { CurlSMTPSender(endpoint: smtp.endpoint) }, logger: logger)
        return try sender.run(id)
    }
}
