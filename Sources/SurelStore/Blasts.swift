// E-mail blasts (issue 5): a blast is created from a list minus the suppression list, each recipient a durable row
// whose state only moves forward (pending -> sending -> sent | deferred | failed | bounced; pending or deferred ->
// suppressed when the address was suppressed after the blast was made), so a crash, a pause or
// a restart can lose and repeat no one but the few in flight.
import Foundation
import GRDB
import SurelCore

public enum BlastStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case draft, scheduled, sending, paused, done, cancelled
}

public struct Blast: Sendable, FetchableRecord {
    public var id: Int64
    public var listName: String
    public var subject: String
    public var template: String
    public var html: String?
    public var status: BlastStatus
    public var scheduledAt: Date?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(row: Row) {
        id = row["id"]; listName = row["listName"]; subject = row["subject"]; template = row["template"]
        html = row["html"]; status = BlastStatus(rawValue: row["status"]) ?? .draft; scheduledAt = row["scheduledAt"]
        createdAt = row["createdAt"]; startedAt = row["startedAt"]; finishedAt = row["finishedAt"]
    }
}

public struct BlastRecipient: Sendable, FetchableRecord {
    public var id: Int64
    public var email: String
    public var name: String?
    public var fields: [String: String]
    public var state: BlastRecipientState
    public var messageID: String?
    public var attempts: Int
    public var lastError: String?
    public var possiblyDuplicated: Bool
    /// Soft (4.x.x) bounces returned for this recipient's mail.
    public var softBounces: Int
    /// When its first dialogue started: retries give up counting from here.
    public var firstAttemptAt: Date?

    public init(row r: Row) {
        id = r["id"]; email = r["email"]; name = r["name"]
        fields = ListMember.fields(r["fields"])
        // Every state is written from the enum; an unknown one is never sent again.
        state = BlastRecipientState(rawValue: r["state"]) ?? .failed
        messageID = r["messageID"]; attempts = r["attempts"]; lastError = r["lastError"]
        possiblyDuplicated = r["possiblyDuplicated"]; softBounces = r["softBounces"];
        firstAttemptAt = r["firstAttemptAt"]
    }
}

/// Which recipients a blast's log shows: one state, or one of the marks.
public enum RecipientFilter: String, Sendable, CaseIterable {
    case pending, sending, sent, deferred, failed, bounced, suppressed
    case softBounced = "soft-bounced"
    case possiblyDuplicated = "possibly-duplicated"
}

public enum BlastError: Error, CustomStringConvertible {
    case noSuchList(String)
    case noSuchBlast(Int64)
    case emptyList(String)
    case cannot(String)
    /// Another live process holds the blast's send lock (its own description of itself).
    case sendingElsewhere(Int64, holder: String)
    public var description: String {
        switch self {
        case .sendingElsewhere(let id, let holder):
            return "blast \(id) is being sent by another surel process (\(holder)); it goes on there: "
                + "follow it with `surel blast status \(id)`"
        case .noSuchList(let n): return "no list \(n)"
        case .noSuchBlast(let id): return "no blast \(id)"
        case .emptyList(let n): return "list \(n) has no address that is not suppressed"
        case .cannot(let m): return m
        }
    }
}

extension SurelDatabase {
    /// Creates a blast for every member of the list not on the suppression list (a snapshot: later list changes do
    /// not change it). Returns its id and how many were left out as suppressed.
    public func createBlast(
        list: String, subject: String, template: String, html: String?,
        attachments: [(filename: String, contentType: String, data: Data)], at scheduled: Date?,
        now: Date = Date()
    ) throws -> (id: Int64, recipients: Int, suppressed: Int) {
        try writer.write { db in
            guard
                let listID = try Int64.fetchOne(
                    db, sql: "SELECT id FROM recipientList WHERE name = ?", arguments: [list])
            else { throw BlastError.noSuchList(list) }
            try db.execute(
                sql: """
                    INSERT INTO blast(listName, subject, template, html, status, scheduledAt, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    list, subject, template, html, (scheduled == nil ? BlastStatus.draft : .scheduled).rawValue,
                    scheduled, now,
                ])
            let id = db.lastInsertedRowID
            for a in attachments {
                try db.execute(
                    sql: "INSERT INTO blastAttachment(blastID, filename, contentType, data) VALUES (?, ?, ?, ?)",
                    arguments: [id, a.filename, a.contentType, a.data])
            }
            try db.execute(
                sql: """
                    INSERT INTO blastRecipient(blastID, email, name, fields, state, attempts, possiblyDuplicated)
                    SELECT ?, email, name, fields, ?, 0, 0 FROM listMember
                    WHERE listID = ? AND email NOT IN (SELECT email FROM suppression) ORDER BY id
                    """, arguments: [id, BlastRecipientState.pending, listID])
            let recipients = db.changesCount
            let all =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM listMember WHERE listID = ?", arguments: [listID]) ?? 0
            if recipients == 0 { throw BlastError.emptyList(list) }
            return (id, recipients, all - recipients)
        }
    }

    public func blast(_ id: Int64) throws -> Blast? {
        try writer.read { db in
            try Blast.fetchOne(db, sql: "SELECT * FROM blast WHERE id = ?", arguments: [id])
        }
    }

    public func blasts() throws -> [Blast] {
        try writer.read { db in try Blast.fetchAll(db, sql: "SELECT * FROM blast ORDER BY id") }
    }

    public func blastAttachments(_ id: Int64) throws -> [(filename: String, contentType: String, data: Data)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT filename, contentType, data FROM blastAttachment WHERE blastID = ? ORDER BY id",
                arguments: [id]
            ).map { ($0["filename"], $0["contentType"], $0["data"]) }
        }
    }

    public func blastRecipients(_ id: Int64, email: String? = nil, limit: Int = Int.max) throws -> [BlastRecipient] {
        try writer.read { db in
            var sql = "SELECT * FROM blastRecipient WHERE blastID = ?"
            var args: [DatabaseValueConvertible] = [id]
            if let email { sql += " AND email = ?"; args.append(email.lowercased()) }
            sql += " ORDER BY id LIMIT ?"
            args.append(limit)
            return try BlastRecipient.fetchAll(db, sql: sql, arguments: StatementArguments(args))
        }
    }

    /// One page of a blast's recipient log: those in `filter`'s state (or mark) whose address or name contains
    /// `matching`, in the blast's order, and how many match in all.
    public func blastRecipients(
        _ id: Int64, filter: RecipientFilter?, matching: String?, limit: Int, offset: Int
    ) throws -> (items: [BlastRecipient], total: Int) {
        try writer.read { db in
            var condition = "blastID = ?"
            var args: [DatabaseValueConvertible] = [id]
            switch filter {
            case nil: break
            case .softBounced?: condition += " AND softBounces > 0"
            case .possiblyDuplicated?: condition += " AND possiblyDuplicated"
            case let f?:
                condition += " AND state = ?"
                args.append(f.rawValue)
            }
            if let matching, !matching.isEmpty {
                condition += " AND (instr(email, ?) > 0 OR instr(lower(coalesce(name, '')), ?) > 0)"
                args += [matching.lowercased(), matching.lowercased()]
            }
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM blastRecipient WHERE \(condition)",
                    arguments: StatementArguments(args)) ?? 0
            let items = try BlastRecipient.fetchAll(
                db, sql: "SELECT * FROM blastRecipient WHERE \(condition) ORDER BY id LIMIT ? OFFSET ?",
                arguments: StatementArguments(args + [limit, offset]))
            return (items, total)
        }
    }

    /// Recipients sent since `since` (for the rate).
    public func blastSentSince(_ id: Int64, since: Date) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM blastRecipient WHERE blastID = ? AND state = ? AND sentAt > ?",
                arguments: [id, BlastRecipientState.sent, since]) ?? 0
        }
    }

    /// Recipients that may have received the mail twice (in flight at a crash), and those with soft bounces.
    public func blastMarks(_ id: Int64) throws -> (possiblyDuplicated: Int, softBounced: Int) {
        try writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(possiblyDuplicated), 0) AS d, coalesce(sum(softBounces > 0), 0) AS s
                    FROM blastRecipient WHERE blastID = ?
                    """, arguments: [id])
            return (row?["d"] ?? 0, row?["s"] ?? 0)
        }
    }

    /// Recipients by state, e.g. [.pending: 540, .sent: 10].
    public func blastCounts(_ id: Int64) throws -> [BlastRecipientState: Int] {
        try writer.read { db in
            var out: [BlastRecipientState: Int] = [:]
            for r in try Row.fetchAll(
                db, sql: "SELECT state, count(*) AS n FROM blastRecipient WHERE blastID = ? GROUP BY state",
                arguments: [id])
            { out[BlastRecipientState(rawValue: r["state"]) ?? .failed, default: 0] += r["n"] }
            return out
        }
    }

    /// Moves a blast between statuses the way staff may (schedule, pause, resume, cancel); throws when the move
    /// makes no sense from where it is.
    /// A blast made `scheduled` without a time of its own (one started with `blast send`, then paused and resumed)
    /// is due from `now`.
    public func setBlastStatus(
        _ id: Int64, to status: BlastStatus, at scheduled: Date? = nil,
        allowedFrom: Set<BlastStatus>, now: Date = Date()
    ) throws {
        try writer.write { db in
            guard
                let current = try String.fetchOne(db, sql: "SELECT status FROM blast WHERE id = ?", arguments: [id])
                    .flatMap(BlastStatus.init(rawValue:))
            else { throw BlastError.noSuchBlast(id) }
            guard allowedFrom.contains(current) else {
                throw BlastError.cannot("blast \(id) is \(current.rawValue): cannot make it \(status.rawValue)")
            }
            try db.execute(
                sql: """
                    UPDATE blast SET status = ?, scheduledAt = coalesce(?, scheduledAt, ?) WHERE id = ?
                    """, arguments: [status, scheduled, status == .scheduled ? now : nil, id])
        }
    }
}

// MARK: sending

extension SurelDatabase {
    /// Blasts whose time has come (scheduled and due) or that were sending when the daemon stopped.
    public func dueBlasts(now: Date) throws -> [Int64] {
        try writer.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM blast WHERE status = ? OR (status = ? AND scheduledAt <= ?) ORDER BY id
                    """, arguments: [BlastStatus.sending, BlastStatus.scheduled, now])
        }
    }

    /// scheduled/draft -> sending (a foreground `blast send` may start a draft).
    public func startBlast(_ id: Int64, at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE blast SET status = ?, startedAt = coalesce(startedAt, ?) WHERE id = ? AND status IN (?, ?, ?)
                    """,
                arguments: [
                    BlastStatus.sending, now, id, BlastStatus.draft, BlastStatus.scheduled, BlastStatus.sending,
                ])
            guard db.changesCount == 1 else {
                let s = try String.fetchOne(db, sql: "SELECT status FROM blast WHERE id = ?", arguments: [id])
                throw s == nil
                    ? BlastError.noSuchBlast(id) : BlastError.cannot("blast \(id) is \(s!): it does not send")
            }
        }
    }

    /// Recipients of the blast left `sending` by a sender that died (its mail may have gone out) go back to
    /// `pending`, marked as possibly sent twice. Call it holding the blast's BlastSendLock: then no live process
    /// has a dialogue with them in flight. Returns how many.
    @discardableResult
    public func recoverBlastSends(blast id: Int64) throws -> Int {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE blastRecipient SET state = ?, possiblyDuplicated = 1 WHERE blastID = ? AND state = ?
                    """, arguments: [BlastRecipientState.pending, id, BlastRecipientState.sending])
            return db.changesCount
        }
    }

    /// The next recipients to try: pending ones, and deferred ones whose time has come; those a crash left in
    /// flight (possibly duplicated) last, so that a crash loop early in each run does not catch the same recipient
    /// in flight again and again (each time it may receive the mail once more).
    public func nextBlastRecipients(_ id: Int64, now: Date, limit: Int) throws -> [BlastRecipient] {
        try writer.read { db in
            try BlastRecipient.fetchAll(
                db,
                sql: """
                    SELECT * FROM blastRecipient WHERE blastID = ?
                      AND (state = ? OR (state = ? AND nextAttemptAt <= ?))
                    ORDER BY possiblyDuplicated, id LIMIT ?
                    """, arguments: [id, BlastRecipientState.pending, BlastRecipientState.deferred, now, limit])
        }
    }

    /// In one transaction: records how the previous recipient's dialogue ended (if any) and claims the next one
    /// (if any) for sending with the Message-ID its mail will carry. A claim commits before its SMTP dialogue
    /// starts. Returns false when the one to claim is no longer pending/deferred.
    @discardableResult
    public func settleAndClaimBlastRecipient(
        settle: BlastSettlement?, claim rowID: Int64?, messageID: String? = nil,
        now: Date = Date()
    ) throws -> Bool {
        try writer.write { db in
            // Cached statements: this runs once per mail, and parsing the SQL each time showed in profiles.
            if let s = settle {
                try db.cachedStatement(
                    sql: """
                        UPDATE blastRecipient SET state = ?, lastError = ?, nextAttemptAt = ?, sentAt = coalesce(?, sentAt)
                        WHERE id = ?
                        """
                ).execute(arguments: [s.state, s.error, s.next, s.state == .sent ? s.at : nil, s.rowID])
            }
            guard let rowID else { return false }
            // Suppressed since the blast was made (an unsubscribe, a hard bounce, staff): never mailed.
            try db.cachedStatement(
                sql: """
                    UPDATE blastRecipient SET state = ?,
                      lastError = (SELECT 'suppressed: ' || reason FROM suppression WHERE suppression.email = blastRecipient.email)
                    WHERE id = ? AND state IN (?, ?) AND email IN (SELECT email FROM suppression)
                    """
            ).execute(arguments: [
                BlastRecipientState.suppressed, rowID, BlastRecipientState.pending, BlastRecipientState.deferred,
            ])
            if db.changesCount == 1 { return false }
            try db.cachedStatement(
                sql: """
                    UPDATE blastRecipient SET state = ?, attempts = attempts + 1, messageID = ?,
                      firstAttemptAt = coalesce(firstAttemptAt, ?)
                    WHERE id = ? AND state IN (?, ?)
                    """
            ).execute(arguments: [
                BlastRecipientState.sending, messageID, now, rowID, BlastRecipientState.pending,
                BlastRecipientState.deferred,
            ])
            return db.changesCount == 1
        }
    }

    /// The blast's status now (pause and cancel are staff's, checked between recipients).
    public func blastStatus(_ id: Int64) throws -> BlastStatus? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM blast WHERE id = ?", arguments: [id]).flatMap(
                BlastStatus.init(rawValue:))
        }
    }

    /// Marks a sending blast done when no recipient is left to try; true when it did.
    public func finishBlastIfDone(_ id: Int64, at now: Date) throws -> Bool {
        try writer.write { db in
            let open =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM blastRecipient WHERE blastID = ? AND state IN (?, ?, ?)
                        """,
                    arguments: [
                        id, BlastRecipientState.pending, BlastRecipientState.deferred, BlastRecipientState.sending,
                    ])
                ?? 0
            guard open == 0 else { return false }
            try db.execute(
                sql: "UPDATE blast SET status = ?, finishedAt = ? WHERE id = ? AND status = ?",
                arguments: [BlastStatus.done, now, id, BlastStatus.sending])
            return db.changesCount == 1
        }
    }
}

// MARK: bounces

extension SurelDatabase {
    /// A bounce that returns a blast mail: found by the returned Message-ID, else (when that names no outgoing mail
    /// of ours) by the failed recipient among the blasts' recipients. A hard bounce (5.x.x, or no status) marks the
    /// recipient bounced and suppresses the address for every later blast; a soft one (4.x.x) is counted. Runs in
    /// the bounce's own store transaction.
    static func matchBlastBounce(_ b: DeliveryStatusSummary, at now: Date, _ db: Database) throws {
        var rowID: Int64?
        if let id = b.originalMessageID {
            rowID = try Int64.fetchOne(db, sql: "SELECT id FROM blastRecipient WHERE messageID = ?", arguments: [id])
        }
        // By address when the bounce names no mail we know (none, or one a relay rewrote): one that names another
        // mail of ours (an answer to a citizen who once got a blast) must not mark, or suppress, a blast recipient.
        let namesOtherMail =
            try rowID == nil
            && b.originalMessageID.map {
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM message WHERE messageID = ? AND kind = ? LIMIT 1",
                    arguments: [$0, MessageKind.outgoing.rawValue]) ?? false
            } ?? false
        if rowID == nil, !namesOtherMail, let rcpt = b.recipient?.lowercased() {
            rowID = try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM blastRecipient WHERE email = ? AND state = ? ORDER BY sentAt DESC LIMIT 1
                    """, arguments: [rcpt, BlastRecipientState.sent])
        }
        guard let rowID else { return }
        let soft = b.status?.hasPrefix("4") == true
        let reason = ([b.status, b.diagnostic].compactMap { $0 }.joined(separator: " ")).nonEmptyOr("bounced")
        if soft {
            try db.execute(
                sql: "UPDATE blastRecipient SET softBounces = softBounces + 1, lastError = ? WHERE id = ?",
                arguments: [reason, rowID])
            return
        }
        try db.execute(
            sql: "UPDATE blastRecipient SET state = ?, lastError = ? WHERE id = ?",
            arguments: [BlastRecipientState.bounced, reason, rowID])
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO suppression(email, reason, source, createdAt)
                SELECT email, ?, 'hard-bounce', ? FROM blastRecipient WHERE id = ?
                """, arguments: [reason, now, rowID])
    }
}

extension String {
    func nonEmptyOr(_ fallback: String) -> String { isEmpty ? fallback : self }
}

/// How one recipient's SMTP dialogue ended: `sent`, `failed` or `deferred` (with its error and next attempt).
public struct BlastSettlement: Sendable {
    public var rowID: Int64
    public var state: BlastRecipientState
    public var error: String?
    public var next: Date?
    public var at: Date
    public init(rowID: Int64, state: BlastRecipientState, error: String? = nil, next: Date? = nil, at: Date) {
        self.rowID = rowID; self.state = state; self.error = error; self.next = next; self.at = at
    }
}

/// One sender per blast at a time, across processes (the daemon's blast thread, `surel blast send`): a
/// StoreLock on `<store>.blast-<id>.lock`. Holding it proves that the blast's recipients left `sending` belong to no
/// live sender and may be queued again. (Two senders of one blast would also add up their paces.)
public final class BlastSendLock {
    private let lock: StoreLock

    /// Throws BlastError.sendingElsewhere, naming the holder, when another process has it.
    public init(storePath: String, blast id: Int64, holder: String) throws {
        do { lock = try StoreLock(storePath: storePath, name: "blast-\(id)", holder: holder) } catch let e
            as StoreLock.Failure
        {
            switch e {
            case .held(let who): throw BlastError.sendingElsewhere(id, holder: who)
            case .failed(let message): throw BlastError.cannot(message)
            }
        }
    }
}
