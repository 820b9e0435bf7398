// The one owner of the SQLite database. Its public methods are whole transactions that keep the invariants:
// an incoming message, its ticket change and the mailbox cursor are committed together or not at all.
import Foundation
import GRDB
import SurelCore

public final class SurelDatabase: @unchecked Sendable {
    public let writer: any DatabaseWriter
    /// Held while the store is open here: a restore refuses to replace it meanwhile.
    private var useLock: StoreUseLock?

    /// Opens (creating if needed) the database at `path` in WAL mode and migrates it.
    public init(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(10)  // the CLI and the daemon share the file
        // NORMAL in WAL mode survives a crash of the process (kill -9) without an fsync per transaction;
        // durability against power loss is made explicit by DurabilityBarrier before any server-side action.
        // Checkpoints every 64 MB of WAL instead of 4 MB: raw messages are large, and each checkpoint syncs.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 16384")
        }
        // Two processes opening a new or older store at once (`surel run` and a CLI command, two units starting
        // together) would both see a migration missing and the second would fail on it ("duplicate column"), and
        // on a new file both switch it to WAL, which SQLite refuses the loser without waiting ("database is
        // locked"): opening and migrating run under an exclusive lock on a file beside the store.
        useLock = StoreUseLock.shared(storePath: path)
        let lock = open(path + ".migrate.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        // A store a newer surel migrated (a downgrade, or a restore of a newer backup) is refused before it is
        // opened for writing (which alone would change its file): this version would read and write tables whose
        // meaning it does not know.
        if FileManager.default.fileExists(atPath: path) {
            let unknown = try Self.migrations(storeFile: path).subtracting(Schema.migrator.migrations)
            guard unknown.isEmpty else {
                throw StoreError.newerThanThisSurel(path: path, migrations: unknown.sorted())
            }
        }
        writer = try DatabasePool(path: path, configuration: config)  // DatabasePool = WAL mode
        try Schema.migrator.migrate(writer)
    }

    /// Refreshes SQLite's statistics of the ticket table (ANALYZE, ~40 ms for 100,000 tickets), so that a list
    /// filtered by several columns is read through the most selective index; run when the console and the daemon
    /// start. Without them SQLite guesses, and may read every closed ticket to show a page of one category.
    public func refreshStatistics() throws {
        try writer.write { try $0.execute(sql: "ANALYZE ticket") }
    }

    /// Copies the store as it is at one moment into a new SQLite file at `path` (SQLite's online backup, in one
    /// step: writers wait, readers go on), while the daemon and the console keep working on it.
    public func backup(to path: String) throws {
        let copy = try DatabaseQueue(path: path)
        try writer.backup(to: copy)
        // The copy is one file: reading it later (even read-only) must not leave a -wal and -shm beside it.
        try copy.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        try copy.close()
    }

    /// The attachment files a store's rows refer to (their SHA-256), read from a store file without migrating it
    /// (a backup's copy).
    public static func attachmentHashes(storeFile path: String) throws -> [String] {
        let db = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? db.close() }
        return try db.read { try String.fetchAll($0, sql: "SELECT DISTINCT sha256 FROM attachment ORDER BY sha256") }
    }

    /// The migrations a store file has had, without opening it as a store.
    public static func migrations(storeFile path: String) throws -> Set<String> {
        let db = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? db.close() }
        return try db.read { try Schema.migrator.appliedIdentifiers($0) }
    }

    /// A look at a store file without writing it; it waits, as the store's own connections do, for another
    /// process that is closing or checkpointing the file.
    private static var readOnly: Configuration {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        return config
    }

    /// The migrations this version knows, in order.
    public static var knownMigrations: [String] { Schema.migrator.migrations }

    /// An in-memory database, for tests of pure store logic.
    public init(inMemory: Void = ()) throws {
        writer = try DatabaseQueue()
        try Schema.migrator.migrate(writer)
    }

    public func journalMode() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    // MARK: cursor

    public func cursor(mailbox: String) throws -> MailboxCursor? {
        try writer.read { db in try MailboxCursor.fetchOne(db, key: mailbox) }
    }

    /// Records a new UIDVALIDITY for a mailbox: the mailbox will be read again from UID 1 (dedupe keeps it idempotent).
    public func resetCursor(mailbox: String, uidValidity: Int64, now: Date = Date()) throws {
        try writer.write { db in
            try MailboxCursor(mailbox: mailbox, uidValidity: uidValidity, lastUID: 0, updatedAt: now).save(db)
        }
    }

    // MARK: ingest

    public func isStored(sha256: String) throws -> Bool {
        try writer.read { db in try isStored(sha256: sha256, db) }
    }

    /// Stores one incoming message in one transaction, together with its ticket change and the cursor advance.
    /// A message whose raw bytes are already stored only advances the cursor (re-reads after a UIDVALIDITY
    /// change, or a crash between commit and the server-side flag, duplicate nothing).
    public func storeIncoming(
        _ incoming: IncomingMessage, ticket intent: TicketIntent?,
        cursor: CursorAdvance?, replacingQuarantined quarantinedRowID: Int64? = nil
    )
        throws -> IngestOutcome
    {
        try writer.write { db in
            if let cursor { try advance(cursor, db) }
            if quarantinedRowID == nil, let match = try storedCopy(of: incoming, db) {
                var record = DuplicateRecord(
                    id: nil, matchedMessageRowID: match.rowID, sameBytes: match.sameBytes,
                    mailbox: incoming.mailbox, uidValidity: incoming.uidValidity,
                    uid: incoming.uid, rawSHA256: incoming.rawSHA256,
                    raw: match.sameBytes ? nil : incoming.raw, receivedAt: incoming.receivedAt)
                try record.insert(db)
                return .duplicate
            }
            var outcome: IngestOutcome = .recorded(incoming.kind)
            var ticketID: Int64?
            if incoming.kind == .ticket, let intent {
                (ticketID, outcome) = try applyTicketIntent(intent, message: incoming, db)
            } else if incoming.kind == .autoreply || incoming.kind == .bounce {
                ticketID = try attachToTicket(incoming, db)
            }
            var row = incoming.record(ticketID: ticketID)
            if let quarantinedRowID {
                row.id = quarantinedRowID
                try row.update(db)
                try db.execute(sql: "DELETE FROM attachment WHERE messageRowID = ?", arguments: [quarantinedRowID])
            } else {
                try row.insert(db)
            }
            if incoming.kind == .bounce, let b = incoming.bounce {
                try Self.matchBlastBounce(b, at: incoming.receivedAt, db)
            }
            if incoming.kind == .unsubscribe, let sender = incoming.fromEmail {
                // Honoured in the message's own transaction: no later blast mails this address.
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO suppression(email, reason, source, createdAt) VALUES (?, ?, 'unsubscribe', ?)
                        """,
                    arguments: [sender.lowercased(), incoming.note ?? "permintaan berhenti", incoming.receivedAt])
            }
            for a in incoming.attachments {
                var rec = StoredAttachment(
                    id: nil, messageRowID: row.id!, filename: a.filename,
                    contentType: a.contentType, size: a.size, sha256: a.sha256,
                    isInline: a.isInline)
                try rec.insert(db)
            }
            return outcome
        }
    }

    /// Counts one more failed fetch of `uid` and returns how many there were, and since when; failures of
    /// messages the cursor has passed since are forgotten.
    public func countFetchFailure(mailbox: String, uidValidity: Int64, uid: Int64, error: String, at: Date)
        throws -> (failures: Int, since: Date)
    {
        try writer.write { db in
            try db.execute(
                sql: """
                    DELETE FROM fetchFailure WHERE mailbox = ? AND (uidValidity != ? OR uid <=
                      (SELECT lastUID FROM mailboxCursor WHERE mailbox = ? AND uidValidity = ?))
                    """, arguments: [mailbox, uidValidity, mailbox, uidValidity])
            try db.execute(
                sql: """
                    INSERT INTO fetchFailure(mailbox, uidValidity, uid, failures, lastError, firstAt, lastAt)
                    VALUES (?, ?, ?, 1, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET failures = failures + 1, lastError = excluded.lastError, lastAt = excluded.lastAt
                    """, arguments: [mailbox, uidValidity, uid, error, at, at])
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT failures, firstAt FROM fetchFailure WHERE mailbox = ? AND uidValidity = ? AND uid = ?
                    """, arguments: [mailbox, uidValidity, uid])
            return (row?["failures"] ?? 1, row?["firstAt"] ?? at)
        }
    }

    /// The UIDs of messages the server never delivered (recorded by `IncomingMessage.unfetched`): no server-side
    /// action may touch them, the mail exists only there.
    public func unfetchedUIDs(mailbox: String, uidValidity: Int64) throws -> Set<Int64> {
        try writer.read { db in
            // `kind NOT IN ('ticket', 'outgoing')` as in the partial index message_uncommon_kind.
            Set(
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT uid FROM message WHERE kind = 'quarantined' AND kind NOT IN ('ticket', 'outgoing')
                          AND mailbox = ? AND uidValidity = ? AND rawSHA256 LIKE ? AND uid IS NOT NULL
                        """, arguments: [mailbox, uidValidity, IncomingMessage.unfetchedMarker + "%"]))
        }
    }

    /// Replaces the note of a quarantined message (e.g. why retrying it is refused).
    public func noteQuarantined(rowID: Int64, note: String) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE message SET note = ? WHERE id = ? AND kind = 'quarantined'", arguments: [note, rowID])
        }
    }

    /// Advances only the cursor (a message vanished between SEARCH and FETCH, for example).
    public func advanceCursor(_ cursor: CursorAdvance) throws {
        try writer.write { db in try advance(cursor, db) }
    }

    /// Records that every UID through `uid` had its server-side action (under this UIDVALIDITY; never backwards).
    public func markServerActionsDone(mailbox: String, uidValidity: Int64, through uid: Int64) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE mailboxCursor SET actionedUID = max(actionedUID, ?) WHERE mailbox = ? AND uidValidity = ?
                    """, arguments: [uid, mailbox, uidValidity])
        }
    }

    /// The cursor only moves forward under one UIDVALIDITY; a new UIDVALIDITY starts it again. One statement:
    /// it runs once per message. (In an UPDATE, SQLite evaluates every expression against the old row.)
    private func advance(_ c: CursorAdvance, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO mailboxCursor(mailbox, uidValidity, lastUID, updatedAt) VALUES (?, ?, ?, ?)
                ON CONFLICT(mailbox) DO UPDATE SET
                  lastUID = CASE WHEN uidValidity = excluded.uidValidity THEN max(lastUID, excluded.lastUID)
                                 ELSE excluded.lastUID END,
                  actionedUID = CASE WHEN uidValidity = excluded.uidValidity THEN actionedUID ELSE 0 END,
                  uidValidity = excluded.uidValidity, updatedAt = excluded.updatedAt
                """
        ).execute(arguments: [c.mailbox, c.uidValidity, c.uid, StoredDate.value(c.at)])
    }

    /// The stored message this one is a copy of: the same raw bytes, or the same mail delivered twice (its
    /// sender's server retried after a lost reply, or a Cc to an alias that forwards here), which differs in its
    /// Received lines only: the same Message-ID, sender, subject and date, and the same bytes after the header
    /// block. A mailer that reuses one Message-ID for different mails loses none of them. The bytes are compared
    /// only for the rare mail whose four fields match a stored one's: nothing is hashed for the others.
    private func storedCopy(of m: IncomingMessage, _ db: Database) throws -> (rowID: Int64, sameBytes: Bool)? {
        if let row = try storedRow(sha256: m.rawSHA256, db) { return (row, true) }
        guard let id = m.messageID, let from = m.fromEmail, let sent = m.sentAt, let offset = m.bodyOffset,
            m.kind != .quarantined
        else { return nil }
        let candidates = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, raw, bodyOffset FROM message WHERE messageID = ? AND kind NOT IN ('outgoing', 'quarantined')
                      AND fromEmail = ? AND subject = ? AND sentAt = ? AND bodyOffset IS NOT NULL
                    """), arguments: [id, from, m.subject, StoredDate.value(sent)])
        let body = m.raw.dropFirst(offset)
        for c in candidates {
            let raw: Data = c["raw"], start: Int = c["bodyOffset"]
            if raw.dropFirst(start) == body { return (c["id"], false) }
        }
        return nil
    }

    private func isStored(sha256: String, _ db: Database) throws -> Bool {
        try storedRow(sha256: sha256, db) != nil
    }

    private func storedRow(sha256: String, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id FROM message WHERE rawSHA256 = ? AND kind != 'outgoing' LIMIT 1
                    """), arguments: [sha256])
    }

    private func applyTicketIntent(_ intent: TicketIntent, message m: IncomingMessage, _ db: Database)
        throws -> (Int64, IngestOutcome)
    {
        if var t = try findThread(intent, db) {
            // A unit's mail about a ticket escalated to it is that ticket's (Layer 2) answer, however late.
            let unit = intent.layer2Units[intent.senderEmail.lowercased()]
            let unitAnswer = t.escalatedTo != nil && unit != nil
            // A late follow-up already opened a ticket continuing this one: the thread goes on there (else every
            // later mail carrying the old tag or reference would open yet another ticket and acknowledgement).
            while !unitAnswer,
                let next = try Ticket.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT * FROM ticket WHERE previousTicketID = ? ORDER BY id DESC LIMIT 1
                            """), arguments: [t.id])
            {
                t = next
            }
            let withinReopen =
                unitAnswer || t.status != .closed
                || (t.closedAt.map { m.receivedAt.timeIntervalSince($0) <= intent.reopenWindow } ?? true)
            if withinReopen {
                if let unit {
                    try Self.recordLayer2Answer(
                        &t, unit: unit, from: intent.senderEmail, text: m.text, at: m.receivedAt, db)
                }
                let reopened = t.status == .closed || t.status == .answered
                if reopened { t.status = .open; t.closedAt = nil }
                t.updatedAt = m.receivedAt
                try t.update(db)
                try event(t.id!, reopened ? .reopened : .followup, "message \(m.messageID ?? "-")", m.receivedAt, db)
                return (t.id!, .joined(t.number, reopened: reopened))
            }
            let new = try openTicket(intent, m, previous: t, created: "continues closed ticket \(t.number)", db)
            try acknowledge(new, intent, at: m.receivedAt, db)
            return (new.id!, .newLinked(new.number, previous: t.number))
        }
        let new = try openTicket(intent, m, previous: nil, created: "message \(m.messageID ?? "-")", db)
        try acknowledge(new, intent, at: m.receivedAt, db)
        return (new.id!, .newTicket(new.number))
    }

    /// An auto-reply or a bounce about a ticket's mail is shown in that ticket (the agent learns that the answer
    /// bounced, or that the official is away, or reads a human reply that looked automatic) without changing its
    /// status or acknowledging anything. Found by strong evidence only: our tag in the subject, or the Message-ID
    /// it answers or returns; never by subject and sender.
    private func attachToTicket(_ m: IncomingMessage, _ db: Database) throws -> Int64? {
        let ticket =
            m.kind == .bounce
            ? try m.bounce?.originalMessageID.flatMap { try ticketOfMessage($0, db) }
            : try ticketByStrongEvidence(
                tag: TicketNumber.find(inSubject: m.subject),
                references: m.references + m.inReplyTo.filter { !m.references.contains($0) }, db)
        guard let ticket, let id = ticket.id else { return nil }
        let detail: String
        if m.kind == .bounce, let b = m.bounce {
            detail = "bounce: \(b.recipient ?? "?") \(b.status ?? "") \(b.diagnostic ?? "")".trimmingCharacters(
                in: .whitespaces)
        } else {
            detail = "auto-reply from \(m.fromEmail ?? "?"): \(m.note ?? m.subject)"
        }
        try event(id, m.kind == .bounce ? .bounce : .autoreply, detail, m.receivedAt, db)
        return id
    }

    /// Our ticket tag in the subject, else the most recent of `references` (oldest first) that names a message of
    /// a ticket: the message replied to is the best evidence.
    private func ticketByStrongEvidence(tag: TicketNumber?, references: [String], _ db: Database) throws -> Ticket? {
        if let tag, let t = try Ticket.fetchOne(db, number: tag) { return t }
        for id in references.reversed() {
            if let t = try ticketOfMessage(id, db) { return t }
        }
        return nil
    }

    private func ticketOfMessage(_ messageID: String, _ db: Database) throws -> Ticket? {
        guard
            let tid = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT ticketID FROM message WHERE messageID = ? AND ticketID IS NOT NULL ORDER BY id DESC LIMIT 1
                        """), arguments: [messageID])
        else { return nil }
        return try Ticket.fetchOne(db, key: tid)
    }

    /// Threading, strongest evidence first: our ticket tag in the subject, then In-Reply-To/References naming any
    /// message of a ticket (incoming or sent by us), then the same normalized subject from the same sender recently.
    private func findThread(_ intent: TicketIntent, _ db: Database) throws -> Ticket? {
        if let t = try ticketByStrongEvidence(
            tag: intent.ticketNumberInSubject, references: intent.referencedMessageIDs, db)
        {
            return t
        }
        if !intent.normalizedSubject.isEmpty {
            let since = intent.threadTime.addingTimeInterval(-intent.subjectWindow)
            let until = intent.threadTime.addingTimeInterval(intent.subjectWindow)
            return try Ticket.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT ticket.* FROM ticket
                        WHERE senderEmail = ? AND normalizedSubject = ?
                          AND EXISTS (SELECT 1 FROM message m WHERE m.ticketID = ticket.id
                                      AND m.threadTime BETWEEN ? AND ?)
                        ORDER BY id DESC LIMIT 1
                        """),
                arguments: [
                    intent.senderEmail, intent.normalizedSubject, StoredDate.value(since),
                    StoredDate.value(until),
                ])
        }
        return nil
    }

    /// Purposes of the mail the system sends by itself (counted against the per-address hourly cap).
    public static let automaticPurposes = ["acknowledgement", "receipt"]

    /// Queues the ticket's automatic mail in the ticket's transaction, unless the address had its hourly share.
    private func acknowledge(_ ticket: Ticket, _ intent: TicketIntent, at now: Date, _ db: Database) throws {
        // Automatic mail goes to one address, and the cap counts that address (rows queued before the JSON form
        // of the recipients hold it bare).
        guard let make = intent.acknowledge, let record = make(ticket), record.recipients.count == 1 else { return }
        let address = record.recipients[0]
        let recent =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM outbox WHERE recipients IN (?, ?) AND purpose IN ('acknowledgement', 'receipt')
                      AND createdAt > ?
                    """, arguments: [OutboxItem.encodeRecipients([address]), address, now.addingTimeInterval(-3600)])
            ?? 0
        if recent >= intent.automaticMailsPerHour {
            try event(
                ticket.id!, .autoMailSuppressed, "\(recent) automatic mails to \(address) in the last hour", now, db)
            return
        }
        try Self.enqueue(record, at: now, db)
    }

    /// A ticket continuing `previous` (a follow-up after the reopen window) stays confidential when that one was:
    /// a complainant's late reply quotes the complaint, and its own words may not look like one. `created`: the
    /// detail of its `created` event.
    private func openTicket(
        _ i: TicketIntent, _ m: IncomingMessage, previous: Ticket?, created: String, _ db: Database
    ) throws -> Ticket {
        let year = i.year
        let last =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT last FROM ticketCounter WHERE year = ?"),
                arguments: [year]) ?? 0
        try db.cachedStatement(
            sql: """
                INSERT INTO ticketCounter(year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last
                """
        ).execute(arguments: [year, last + 1])
        let c = i.classify()
        // Whatever made the classifier think of a complaint (the category itself, its ranking, the rules).
        let hold = c.hold ?? (i.confidentialCategories.contains(c.category) ? c.category : nil)
        let held = hold != nil
        var t = Ticket(
            id: nil, year: year, sequence: last + 1, status: .new, category: c.category,
            confidence: c.confidence,
            classificationNote: hold.map { c.explanation + "; held: " + $0 } ?? c.explanation,
            confidential: held || i.confidentialCategories.contains(c.category) || previous?.confidential == true,
            subject: m.subject, normalizedSubject: i.normalizedSubject, senderName: m.fromName,
            senderEmail: i.senderEmail, senderClass: i.senderProfile.senderClass,
            region: i.senderProfile.region?.name, province: i.senderProfile.region?.province,
            timeZone: i.senderProfile.region?.timeZone.rawValue, previousTicketID: previous?.id,
            createdAt: m.receivedAt, updatedAt: m.receivedAt, closedAt: nil,
            needsReview: c.confidence < i.reviewThreshold)
        t.held = held
        try t.insert(db)
        try event(t.id!, .created, created, m.receivedAt, db)
        if let hold { try event(t.id!, .held, hold, m.receivedAt, db) }
        return t
    }

    private func event(_ ticketID: Int64, _ kind: TicketEvent.Kind, _ detail: String, _ at: Date, _ db: Database) throws
    {
        var e = TicketEvent(ticketID: ticketID, at: at, kind: kind, detail: detail)
        try e.insert(db)
    }
}
