// E-mail blasts (issue 5): a blast is created from a list minus the suppression list, each recipient a durable row
// whose state only moves forward (pending -> sending -> sent | deferred | failed | bounced; pending or deferred ->
// suppressed when the address was suppressed after the blast was made), so a crash, a pause or
// a restart can lose and repeat no one but the few in flight.
import Foundation
import GRDB

public enum BlastStatus: String, Codable, Sendable { case draft, scheduled, sending, paused, done, cancelled }

public struct Blast: Sendable {
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
}

public struct BlastRecipient: Sendable {
    public var id: Int64
    public var email: String
    public var name: String?
    public var fields: [String: String]
    public var state: String
    public var messageID: String?
    public var attempts: Int
    public var lastError: String?
    public var possiblyDuplicated: Bool
    /// Soft (4.x.x) bounces returned for this recipient's mail.
    public var softBounces: Int
    /// When its first dialogue started: retries give up counting from here.
    public var firstAttemptAt: Date?

    init(_ r: Row) {
        id = r["id"]; email = r["email"]; name = r["name"]
        fields = ListMember.fields(r["fields"])
        state = r["state"]; messageID = r["messageID"]; attempts = r["attempts"]; lastError = r["lastError"]
        possiblyDuplicated = r["possiblyDuplicated"]; softBounces = r["softBounces"];
        firstAttemptAt = r["firstAttemptAt"]
    }
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
                    SELECT ?, email, name, fields, 'pending', 0, 0 FROM listMember
                    WHERE listID = ? AND email NOT IN (SELECT email FROM suppression) ORDER BY id
                    """, arguments: [id, listID])
            let recipients = db.changesCount
            let all =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM listMember WHERE listID = ?", arguments: [listID]) ?? 0
            if recipients == 0 { throw BlastError.emptyList(list) }
            return (id, recipients, all - recipients)
        }
    }

    static func blast(_ row: Row) -> Blast {
        Blast(
            id: row["id"], listName: row["listName"], subject: row["subject"], template: row["template"],
            html: row["html"], status: BlastStatus(rawValue: row["status"]) ?? .draft, scheduledAt: row["scheduledAt"],
            createdAt: row["createdAt"], startedAt: row["startedAt"], finishedAt: row["finishedAt"])
    }

    public func blast(_ id: Int64) throws -> Blast? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM blast WHERE id = ?", arguments: [id]).map(Self.blast)
        }
    }

    public func blasts() throws -> [Blast] {
        try writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM blast ORDER BY id").map(Self.blast) }
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
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(BlastRecipient.init)
        }
    }

    /// Recipients sent since `since` (for the rate).
    public func blastSentSince(_ id: Int64, since: Date) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM blastRecipient WHERE blastID = ? AND state = 'sent' AND sentAt > ?",
                arguments: [id, since]) ?? 0
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

    /// Recipients by state, e.g. ["pending": 540, "sent": 10].
    public func blastCounts(_ id: Int64) throws -> [String: Int] {
        try writer.read { db in
            var out: [String: Int] = [:]
            for r in try Row.fetchAll(
                db, sql: "SELECT state, count(*) AS n FROM blastRecipient WHERE blastID = ? GROUP BY state",
                arguments: [id])
            { out[r["state"]] = r["n"] }
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
                    UPDATE blast SET status = ?, scheduledAt = coalesce(?, scheduledAt, CASE WHEN ? = 'scheduled' THEN ? END)
                    WHERE id = ?
                    """, arguments: [status.rawValue, scheduled, status.rawValue, now, id])
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
                    SELECT id FROM blast WHERE status = 'sending' OR (status = 'scheduled' AND scheduledAt <= ?) ORDER BY id
                    """, arguments: [now])
        }
    }

    /// scheduled/draft -> sending (a foreground `blast send` may start a draft).
    public func startBlast(_ id: Int64, at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE blast SET status = 'sending', startedAt = coalesce(startedAt, ?)
                    WHERE id = ? AND status IN ('draft', 'scheduled', 'sending')
                    """, arguments: [now, id])
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
                    UPDATE blastRecipient SET state = 'pending', possiblyDuplicated = 1 WHERE blastID = ? AND state = 'sending'
                    """, arguments: [id])
            return db.changesCount
        }
    }

    /// The next recipients to try: pending ones, and deferred ones whose time has come; those a crash left in
    /// flight (possibly duplicated) last, so that a crash loop early in each run does not catch the same recipient
    /// in flight again and again (each time it may receive the mail once more).
    public func nextBlastRecipients(_ id: Int64, now: Date, limit: Int) throws -> [BlastRecipient] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM blastRecipient WHERE blastID = ?
                      AND (state = 'pending' OR (state = 'deferred' AND nextAttemptAt <= ?))
                    ORDER BY possiblyDuplicated, id LIMIT ?
                    """, arguments: [id, now, limit]
            ).map(BlastRecipient.init)
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
                        UPDATE blastRecipient SET state = ?, lastError = ?, nextAttemptAt = ?,
                          sentAt = CASE WHEN ? = 'sent' THEN ? ELSE sentAt END WHERE id = ?
                        """
                ).execute(arguments: [s.state, s.error, s.next, s.state, s.at, s.rowID])
            }
            guard let rowID else { return false }
            // Suppressed since the blast was made (an unsubscribe, a hard bounce, staff): never mailed.
            try db.cachedStatement(
                sql: """
                    UPDATE blastRecipient SET state = 'suppressed',
                      lastError = (SELECT 'suppressed: ' || reason FROM suppression WHERE suppression.email = blastRecipient.email)
                    WHERE id = ? AND state IN ('pending', 'deferred') AND email IN (SELECT email FROM suppression)
                    """
            ).execute(arguments: [rowID])
            if db.changesCount == 1 { return false }
            try db.cachedStatement(
                sql: """
                    UPDATE blastRecipient SET state = 'sending', attempts = attempts + 1, messageID = ?,
                      firstAttemptAt = coalesce(firstAttemptAt, ?)
                    WHERE id = ? AND state IN ('pending', 'deferred')
                    """
            ).execute(arguments: [messageID, now, rowID])
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
                        SELECT count(*) FROM blastRecipient WHERE blastID = ? AND state IN ('pending', 'deferred', 'sending')
                        """, arguments: [id]) ?? 0
            guard open == 0 else { return false }
            try db.execute(
                sql: "UPDATE blast SET status = 'done', finishedAt = ? WHERE id = ? AND status = 'sending'",
                arguments: [now, id])
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
                    db, sql: "SELECT 1 FROM message WHERE messageID = ? AND kind = 'outgoing' LIMIT 1",
                    arguments: [$0]) ?? false
            } ?? false
        if rowID == nil, !namesOtherMail, let rcpt = b.recipient?.lowercased() {
            rowID = try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM blastRecipient WHERE email = ? AND state = 'sent' ORDER BY sentAt DESC LIMIT 1
                    """, arguments: [rcpt])
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
            sql: "UPDATE blastRecipient SET state = 'bounced', lastError = ? WHERE id = ?", arguments: [reason, rowID])
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
    public var state: String
    public var error: String?
    public var next: Date?
    public var at: Date
    public init(rowID: Int64, state: String, error: String? = nil, next: Date? = nil, at: Date) {
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

/// An exclusive flock on `<store>.<name>.lock`, for work only one process may do at a time. The kernel releases
/// it when its holder ends, however it ends (kill -9 included), so holding it proves that no live process is
/// doing that work: what a crash left half-done may be taken up again.
public final class StoreLock {
    public enum Failure: Error, CustomStringConvertible {
        /// Another process has it; `holder` is what it wrote of itself.
        case held(holder: String)
        case failed(String)
        public var description: String {
            switch self {
            case .held(let who): return "held by another surel process (\(who))"
            case .failed(let m): return m
            }
        }
    }

    private let fd: Int32

    /// Takes the lock, writing `holder` (who we are) into the file for whoever finds it taken.
    public init(storePath: String, name: String, holder: String) throws {
        let path = "\(storePath).\(name).lock"
        // Readable and writable by whoever may write the store (the daemon's user, staff in its group).
        var st = stat()
        let mode = stat(storePath, &st) == 0 ? mode_t(st.st_mode & 0o666) : 0o600
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode)
        if fd < 0, errno == EACCES { fd = open(path, O_RDONLY | O_CLOEXEC) }  // still lockable, holder not written
        guard fd >= 0 else { throw Failure.failed("cannot open \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 200)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard code == EWOULDBLOCK else {
                throw Failure.failed("cannot lock \(path): \(String(cString: strerror(code)))")
            }
            throw Failure.held(holder: n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : "unknown")
        }
        let text = Array(holder.utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
    }

    deinit { close(fd) }  // releases the lock
}
