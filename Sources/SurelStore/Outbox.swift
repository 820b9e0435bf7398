// The durable outbox: an outgoing mail is a row (queued -> sending -> sent | failed) committed together with the
// ticket change that caused it, and its bytes are an `outgoing` message of the ticket. A sender marks a row
// `sending` in its own transaction before the SMTP dialogue and `sent` after it, so a crash in between is visible
// at the next start (the row is queued again and flagged as possibly sent twice).
import Foundation
import GRDB
import SurelCore

public enum OutboxStatus: String, Codable, Sendable, DatabaseValueConvertible { case queued, sending, sent, failed }

public struct OutboxItem: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "outbox"
    public var id: Int64?
    public var messageRowID: Int64
    public var ticketID: Int64?
    /// Why it is sent: acknowledgement, receipt, answer, escalation, reminder, bak, test.
    public var purpose: OutboxPurpose
    public var envelopeFrom: String
    /// The addresses, as a JSON array (rows queued before it were comma-separated): read it with `recipientList`.
    public var recipients: String
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var possiblyDuplicated: Bool
    public var createdAt: Date
    public var sentAt: Date?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The envelope recipients, exactly as they were chosen when the mail was queued.
    public var recipientList: [String] {
        if recipients.hasPrefix("["), let list = try? JSONDecoder().decode([String].self, from: Data(recipients.utf8)) {
            return list
        }
        return recipients.split(separator: ",").map(String.init)  // rows queued before the JSON form
    }

    static func encodeRecipients(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

/// An outgoing mail ready to queue: composed bytes and what the store needs to know of them.
public struct OutgoingRecord: Sendable {
    public var ticketID: Int64?
    public var purpose: OutboxPurpose
    public var messageID: String
    public var raw: Data
    public var subject: String
    public var text: String
    public var fromName: String?
    public var fromEmail: String
    public var recipients: [String]
    public var inReplyTo: [String]
    public var references: [String]
    public init(
        ticketID: Int64?, purpose: OutboxPurpose, messageID: String, raw: Data, subject: String, text: String,
        fromName: String?, fromEmail: String, recipients: [String], inReplyTo: [String], references: [String]
    ) {
        self.ticketID = ticketID; self.purpose = purpose; self.messageID = messageID; self.raw = raw
        self.subject = subject; self.text = text; self.fromName = fromName; self.fromEmail = fromEmail
        self.recipients = recipients; self.inReplyTo = inReplyTo; self.references = references
    }
}

extension SurelDatabase {
    /// Queues a mail inside the caller's transaction (the one that changes the ticket).
    @discardableResult
    public static func enqueue(_ r: OutgoingRecord, at now: Date, _ db: Database) throws -> OutboxItem {
        var m = StoredMessage(
            id: nil, kind: .outgoing, ticketID: r.ticketID, messageID: r.messageID,
            rawSHA256: SHA256.hexString(SHA256.hash(r.raw)), raw: r.raw, size: r.raw.count,
            mailbox: nil, uidValidity: nil, uid: nil, subject: r.subject, fromName: r.fromName,
            fromEmail: r.fromEmail, sentAt: nil, receivedAt: now, threadTime: now, text: r.text,
            html: nil, inReplyTo: r.inReplyTo.joined(separator: " "),
            references: r.references.joined(separator: " "), note: nil, bounceRecipient: nil,
            bounceStatus: nil, bounceDiagnostic: nil, bounceOriginalMessageID: nil, isBulk: false)
        try m.insert(db)
        var o = OutboxItem(
            id: nil, messageRowID: m.id!, ticketID: r.ticketID, purpose: r.purpose,
            envelopeFrom: r.fromEmail, recipients: OutboxItem.encodeRecipients(r.recipients), status: .queued,
            attempts: 0, nextAttemptAt: now, lastError: nil, possiblyDuplicated: false, createdAt: now,
            sentAt: nil)
        try o.insert(db)
        return o
    }

    /// Queues a mail in its own transaction.
    @discardableResult
    public func enqueue(_ r: OutgoingRecord, at now: Date = Date()) throws -> OutboxItem {
        try writer.write { db in try Self.enqueue(r, at: now, db) }
    }

    /// Rows left `sending` by a crash: queued again, flagged as possibly sent twice. Returns how many. Call it
    /// holding the outbox's StoreLock (see Daemon): then no live process has their dialogue in flight.
    @discardableResult
    public func recoverInterruptedSends() throws -> Int {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET status = ?, possiblyDuplicated = 1 WHERE status = ?
                    """, arguments: [OutboxStatus.queued, OutboxStatus.sending])
            return db.changesCount
        }
    }

    /// Queued rows whose time has come, oldest first.
    public func dueOutbox(now: Date, limit: Int = 100) throws -> [OutboxItem] {
        try writer.read { db in
            try OutboxItem.filter(Column("status") == OutboxStatus.queued.rawValue && Column("nextAttemptAt") <= now)
                .order(Column("nextAttemptAt"), Column("id")).limit(limit).fetchAll(db)
        }
    }

    /// The raw bytes to send.
    public func outgoingRaw(messageRowID: Int64) throws -> Data? {
        try writer.read { db in
            try Data.fetchOne(db, sql: "SELECT raw FROM message WHERE id = ?", arguments: [messageRowID])
        }
    }

    /// Claims a queued row for sending; false when another sender took it or it is no longer queued.
    public func markSending(_ id: Int64) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = ?, attempts = attempts + 1 WHERE id = ? AND status = ?",
                arguments: [OutboxStatus.sending, id, OutboxStatus.queued])
            return db.changesCount == 1
        }
    }

    public func markSent(_ id: Int64, at: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = ?, sentAt = ?, lastError = NULL WHERE id = ?",
                arguments: [OutboxStatus.sent, at, id])
            try db.execute(
                sql: "UPDATE message SET sentAt = ? WHERE id = (SELECT messageRowID FROM outbox WHERE id = ?)",
                arguments: [at, id])
        }
    }

    /// A transient failure: queued again for `next`, the reason kept.
    public func markRetry(_ id: Int64, error: String, next: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = ?, lastError = ?, nextAttemptAt = ? WHERE id = ?",
                arguments: [OutboxStatus.queued, error, next, id])
        }
    }

    /// A permanent failure: kept with the server's reply, and the reason is written in the ticket's history.
    public func markFailed(_ id: Int64, error: String, at: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = ?, lastError = ? WHERE id = ?",
                arguments: [OutboxStatus.failed, error, id])
            if let ticketID = try Int64.fetchOne(db, sql: "SELECT ticketID FROM outbox WHERE id = ?", arguments: [id]) {
                var e = TicketEvent(
                    ticketID: ticketID, at: at, kind: .mailFailed,
                    detail: "outbox \(id): \(error)")
                try e.insert(db)
            }
        }
    }

    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxItem] {
        try writer.read { db in
            var q = OutboxItem.order(Column("id"))
            if let status { q = q.filter(Column("status") == status.rawValue) }
            return try q.fetchAll(db)
        }
    }

    /// An agent's retry of a failed (or waiting) mail: queued for now. False when there is no such row or it was sent.
    public func retryOutbox(_ id: Int64, now: Date = Date()) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET status = ?, nextAttemptAt = ? WHERE id = ? AND status IN (?, ?)
                    """, arguments: [OutboxStatus.queued, now, id, OutboxStatus.failed, OutboxStatus.queued])
            return db.changesCount == 1
        }
    }
}
