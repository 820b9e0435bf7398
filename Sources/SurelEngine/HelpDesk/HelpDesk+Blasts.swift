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
    /// Mails per second over the last minute (or since the blast started, when that is less).
    public var ratePerSecond = 0.0
    /// When the pending rest should be sent at that rate; deferred recipients wait for their retry time instead.
    public var estimatedFinish: Date?

    /// Recipients settled one way or another (the progress bar's numerator).
    public var done: Int { sent + failed + bounced + suppressed }

    init(
        _ b: Blast, counts: [BlastRecipientState: Int], marks: (possiblyDuplicated: Int, softBounced: Int),
        sentRecently: (count: Int, seconds: TimeInterval)?,
        now: Date
    ) {
        blast = b
        sent = counts[.sent] ?? 0; failed = counts[.failed] ?? 0; bounced = counts[.bounced] ?? 0
        pending = counts[.pending] ?? 0; deferred = counts[.deferred] ?? 0; sending = counts[.sending] ?? 0
        suppressed = counts[.suppressed] ?? 0
        total = counts.values.reduce(0, +)
        possiblyDuplicated = marks.possiblyDuplicated
        softBounced = marks.softBounced
        ratePerSecond = sentRecently.map { Double($0.count) / max($0.seconds, 1) } ?? 0
        let left = pending + sending
        estimatedFinish = ratePerSecond > 0 && left > 0 ? now.addingTimeInterval(Double(left) / ratePerSecond) : nil
    }
}

extension HelpDesk {
    /// Most recipients one page of a list or a blast's log shows.
    public static let recipientPageSize = 100

    // MARK: - Reads

    /// The lists with their sizes and columns.
    public func lists(as actor: Actor) throws -> [ListSummary] {
        try require(.blasts, actor)
        return try database.listSummaries()
    }

    /// Members of a list, each with whether its address is suppressed: all of them, or one page (`page` from 1)
    /// of those whose address or name contains `matching`; and how many match in all.
    public func members(of name: String, matching: String? = nil, page: Int? = nil, as actor: Actor) throws
        -> (items: [(member: ListMember, suppressed: Bool)], total: Int)
    {
        try require(.blasts, actor)
        let size = Self.recipientPageSize
        guard
            let found = try database.members(
                of: name, matching: matching, limit: page == nil ? Int.max : size,
                offset: page.map { (max(1, min($0, 1_000_000)) - 1) * size } ?? 0)
        else { throw SurelError(.notFound, "no list \(name)") }
        return found
    }

    /// The suppressed addresses, without a confidential ticket's sender for an actor who may not read it (a
    /// complainant who unsubscribed must not be named there).
    public func suppressions(as actor: Actor) throws -> Listing<Suppression> {
        try require(.blasts, actor)
        let all = try database.suppressions()
        let footprint = try footprint(for: actor)
        let shown = all.filter { !footprint.addresses.contains($0.email.lowercased()) }
        return Listing(items: shown, hidden: all.count - shown.count)
    }

    public func blast(_ id: Int64, as actor: Actor) throws -> Blast {
        try require(.blasts, actor)
        guard let b = try database.blast(id) else { throw SurelError(.notFound, "no blast \(id)") }
        return b
    }

    /// Where each blast stands, newest first (no rate: that is for one blast being watched).
    public func blasts(as actor: Actor) throws -> [BlastProgress] {
        try require(.blasts, actor)
        return try database.blasts().reversed().map { b in
            BlastProgress(
                b, counts: try database.blastCounts(b.id), marks: try database.blastMarks(b.id),
                sentRecently: nil, now: now())
        }
    }

    /// Where one blast stands, with its rate over the last minute and the estimated finish.
    public func blastProgress(_ id: Int64, as actor: Actor) throws -> BlastProgress {
        let b = try blast(id, as: actor), now = now()
        // A blast that started 10 s ago and sent 200 sends 20 a second, not 200 a minute.
        let since = max(now.addingTimeInterval(-60), b.startedAt ?? now)
        return BlastProgress(
            b, counts: try database.blastCounts(id), marks: try database.blastMarks(id),
            sentRecently: (try database.blastSentSince(id, since: since), now.timeIntervalSince(since)), now: now)
    }

    /// One page (`page` from 1) of a blast's recipient log, in one state or mark (nil: all) and whose address or
    /// name contains `matching`; and how many match in all.
    public func blastRecipients(
        _ id: Int64, filter: RecipientFilter?, matching: String?, page: Int, as actor: Actor
    ) throws -> (items: [BlastRecipient], total: Int) {
        _ = try blast(id, as: actor)
        let size = Self.recipientPageSize
        return try database.blastRecipients(
            id, filter: filter, matching: matching, limit: size, offset: (max(1, min(page, 1_000_000)) - 1) * size)
    }

    /// The recipients a blast did not reach (failed, bounced, still deferred) and those that soft-bounced.
    public func blastFailures(_ id: Int64, as actor: Actor) throws -> [BlastRecipient] {
        _ = try blast(id, as: actor)
        return try database.blastRecipients(id).filter {
            [.failed, .bounced, .deferred].contains($0.state) || $0.softBounces > 0
        }
    }

    /// `blastFailures` as CSV (email, state, attempts, reason); a soft-bounced recipient's state is `soft-bounced`.
    public func blastFailuresCSV(_ id: Int64, as actor: Actor) throws -> String {
        func field(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "email,state,attempts,reason\n"
        for r in try blastFailures(id, as: actor) {
            let state = r.state == .sent ? "soft-bounced" : r.state.rawValue
            out += [r.email, state, String(r.attempts), r.lastError ?? ""].map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The mail of one recipient (default: the first) exactly as it will be sent.
    public func blastPreview(_ id: Int64, recipient: String?, as actor: Actor) throws -> Data {
        let smtp = try config.requireSMTP()
        let b = try blast(id, as: actor)
        return try BlastMail.compose(
            b, to: try blastRecipient(id, recipient), attachments: try database.blastMailAttachments(id), smtp: smtp,
            unsubscribeURL: config.blastUnsubscribeURL
        ).raw
    }

    // MARK: - Actions

    /// Loads a CSV into a list (created if new). Bad rows are named by line in `problems`; nothing is added when
    /// every row is bad.
    public func importList(_ name: String, csv: String, as actor: Actor) throws -> (
        added: Int, updated: Int, problems: [String]
    ) {
        try require(.blasts, actor)
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100, !name.contains(where: \.isNewline) else {
            throw SurelError(.invalid, "a list needs a name of 1 to 100 characters on one line")
        }
        let parsed = RecipientImport.parse(csv)
        guard !parsed.members.isEmpty || parsed.problems.isEmpty else {
            throw SurelError(
                .invalid, "no usable row in the CSV:\n" + parsed.problems.map { "  " + $0 }.joined(separator: "\n"))
        }
        let r = try database.importMembers(parsed.members, into: name, at: now())
        return (r.added, r.updated, parsed.problems)
    }

    public func removeMember(_ address: String, from name: String, as actor: Actor) throws {
        try require(.blasts, actor)
        guard try database.removeMember(address, from: name) else {
            throw SurelError(.notFound, "\(address) is not in list \(name)")
        }
    }

    /// Suppresses an address by hand; false when it already was.
    public func suppress(_ address: String, reason: String, as actor: Actor) throws -> Bool {
        try require(.blasts, actor)
        let written = address.trimmingCharacters(in: .whitespaces)
        guard let a = MailAddress.parse(written), a.email.lowercased() == written.lowercased() else {
            throw SurelError(.invalid, "not an address: \(address)")
        }
        return try database.suppress(a.email, reason: reason, source: "manual", at: now())
    }

    public func unsuppress(_ address: String, as actor: Actor) throws {
        try require(.blasts, actor)
        guard try database.unsuppress(address) else { throw SurelError(.notFound, "\(address) is not suppressed") }
    }

    /// Prepares a blast for a list, minus suppressed addresses. A template that does not parse, or names a
    /// variable the list's members do not have, creates nothing.
    public func createBlast(
        list: String, subject: String, text: String, html: String?,
        attachments: [OutgoingAttachment], at: Date?, as actor: Actor
    )
        throws -> (id: Int64, recipients: Int, suppressed: Int)
    {
        try require(.blasts, actor)
        guard let columns = try database.listColumns(list) else { throw SurelError(.notFound, "no list \(list)") }
        guard !subject.trimmingCharacters(in: .whitespaces).isEmpty, !subject.contains(where: \.isNewline) else {
            throw SurelError(.invalid, "the subject is empty or has a line break: nothing was created")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SurelError(.invalid, "the text is empty: nothing was created")
        }
        let known = Set(["email", "name"] + columns)
        for (what, template) in [("subject", subject), ("text", text), ("HTML", html ?? "")] {
            if let name = MustacheTags.unknown(in: template, known: known) {
                throw SurelError(
                    .invalid,
                    "\(what) template: {{\(name)}} is not a column of list \(list) (it has "
                        + known.sorted().map { "{{\($0)}}" }.joined(separator: ", ") + "): nothing was created")
            }
        }
        do { _ = try BlastMail.Templates(subject: subject, text: text, html: html) } catch let e as BlastMail.Failure {
            throw SurelError(.invalid, "\(e.message): nothing was created")
        }
        return try database.createBlast(
            list: list, subject: subject, template: text, html: html,
            attachments: attachments.map { ($0.filename, $0.contentType, $0.data) }, at: at,
            now: now())
    }

    /// Queues one recipient's mail (default: the first) to a test address; returns the outbox id and the address.
    public func queueBlastTest(_ id: Int64, to address: String, recipient: String? = nil, as actor: Actor) throws
        -> (outboxID: Int64, to: String)
    {
        let smtp = try config.requireSMTP()
        // One address, as written: a list ("a@x, b@y") or a name with it is not a test address.
        let written = address.trimmingCharacters(in: .whitespaces)
        guard let rcpt = MailAddress.parse(written), rcpt.email.lowercased() == written.lowercased() else {
            throw SurelError(.invalid, "not one address: \(address)")
        }
        let b = try blast(id, as: actor)
        var r = try blastRecipient(id, recipient)
        r.email = rcpt.email.lowercased()
        let mail = try BlastMail.compose(
            b, to: r, attachments: try database.blastMailAttachments(id), smtp: smtp,
            unsubscribeURL: config.blastUnsubscribeURL)
        let item = try database.enqueue(
            OutgoingRecord(
                ticketID: nil, purpose: .blastTest, messageID: mail.messageID,
                raw: mail.raw, subject: b.subject, text: "", fromName: smtp.from.name,
                fromEmail: smtp.from.email, recipients: [r.email],
                inReplyTo: [], references: []), at: now())
        return (item.id!, r.email)
    }

    /// Sets or moves the sending time (a draft, scheduled or paused blast).
    public func scheduleBlast(_ id: Int64, at: Date, as actor: Actor) throws {
        try require(.blasts, actor)
        try database.setBlastStatus(id, to: .scheduled, at: at, allowedFrom: [.draft, .scheduled, .paused], now: now())
    }

    public func pauseBlast(_ id: Int64, as actor: Actor) throws {
        try require(.blasts, actor)
        try database.setBlastStatus(id, to: .paused, allowedFrom: [.scheduled, .sending], now: now())
    }

    public func resumeBlast(_ id: Int64, as actor: Actor) throws {
        try require(.blasts, actor)
        try database.setBlastStatus(id, to: .scheduled, allowedFrom: [.paused], now: now())
    }

    public func cancelBlast(_ id: Int64, as actor: Actor) throws {
        try require(.blasts, actor)
        try database.setBlastStatus(
            id, to: .cancelled, allowedFrom: [.draft, .scheduled, .sending, .paused], now: now())
    }

    /// Sends a blast now, in this process, until every recipient is settled (or it is paused or cancelled).
    public func sendBlast(_ id: Int64, logger: Logger, as actor: Actor) throws -> BlastRunReport {
        try require(.blasts, actor)
        let smtp = try config.requireSMTP()
        let sender = try BlastSender(
            database: database, config: config,
            makeSender: { CurlSMTPSender(endpoint: smtp.endpoint) }, logger: logger)
        return try sender.run(id)
    }

    /// The recipient `email` of the blast, or its first.
    private func blastRecipient(_ id: Int64, _ email: String?) throws -> BlastRecipient {
        guard let r = try database.blastRecipients(id, email: email, limit: 1).first else {
            throw SurelError(
                .notFound,
                email.map { "\($0) is not a recipient of blast \(id)" } ?? "blast \(id) has no recipients")
        }
        return r
    }
}
