// Read side for the CLI, and the few agent actions ingest needs to be tested (closing a ticket).
import Foundation
import GRDB
import SurelCore

public struct TicketDetail: Sendable {
    public var ticket: Ticket
    public var messages: [StoredMessage]
    public var attachments: [Int64: [StoredAttachment]]
    public var events: [TicketEvent]
}

/// Which tickets a list shows, and in which order; every condition given must hold.
public struct TicketQuery: Sendable {
    public var status: TicketStatus?
    public var category: String?
    public var senderClass: SenderClass?
    /// WIB, WITA or WIT; `TicketQuery.unplaced` for tickets whose region was not recognised.
    public var timeZone: String?
    /// Part of the region's or the province's name.
    public var region: String?
    /// A Layer 2 unit the ticket was escalated to (at any time).
    public var unit: String?
    /// Received from `from` and before `to`.
    public var from: Date?
    public var to: Date?
    /// Words every found ticket has in its number, subject, sender or mail text (the last may be the start of a
    /// word).
    public var search: String?
    /// Only these tickets (row ids).
    public var ids: [Int64]?
    /// Leave confidential tickets out.
    public var withoutConfidential = false
    public var newestFirst = false
    public var limit: Int?
    public var offset = 0
    public static let unplaced = "none"
    public init() {}
}

extension SurelDatabase {
    /// Tickets in number order; who may read the confidential ones is AccessPolicy's business.
    /// `withoutConfidential`: leave confidential tickets out (a search for someone who may not read them: even a
    /// redacted hit would tell that a complaint holds those words).
    public func tickets(
        status: TicketStatus? = nil, category: String? = nil, search: String? = nil,
        withoutConfidential: Bool = false, limit: Int? = nil, offset: Int = 0
    ) throws -> [Ticket] {
        var q = TicketQuery()
        q.status = status; q.category = category; q.search = search; q.withoutConfidential = withoutConfidential
        q.limit = limit; q.offset = offset
        return try tickets(q)
    }

    public func tickets(_ query: TicketQuery) throws -> [Ticket] {
        try writer.read { db in
            var q =
                query.newestFirst
                ? Ticket.order(Column("year").desc, Column("sequence").desc)
                : Ticket.order(Column("year"), Column("sequence"))
            if let status = query.status { q = q.filter(Column("status") == status.rawValue) }
            if let category = query.category { q = q.filter(Column("category") == category) }
            if let c = query.senderClass { q = q.filter(Column("senderClass") == c.rawValue) }
            if let tz = query.timeZone {
                q = q.filter(tz == TicketQuery.unplaced ? Column("timeZone") == nil : Column("timeZone") == tz)
            }
            if let region = query.region {
                let like =
                    "%" + region.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
                    + "%"
                q = q.filter(sql: "(region LIKE ? OR province LIKE ?)", arguments: [like, like])
            }
            if let unit = query.unit {
                q = q.filter(sql: "id IN (SELECT ticketID FROM escalation WHERE unit = ?)", arguments: [unit])
            }
            if let from = query.from { q = q.filter(Column("createdAt") >= from) }
            if let to = query.to { q = q.filter(Column("createdAt") < to) }
            if let ids = query.ids { q = q.filter(ids.contains(Column("id"))) }
            if query.withoutConfidential { q = q.filter(Column("confidential") == false) }
            if let search = query.search {
                guard let match = Self.ftsQuery(search) else { return [] }
                q = q.filter(
                    sql: "id IN (SELECT rowid FROM ticketSearch WHERE ticketSearch MATCH ?)", arguments: [match])
            }
            if let limit = query.limit {
                q = q.limit(limit, offset: query.offset)
            } else if query.offset > 0 {
                q = q.limit(-1, offset: query.offset)
            }
            return try q.fetchAll(db)
        }
    }

    /// What a person typed as an FTS5 query: each word a quoted string (no operator or column filter can be
    /// smuggled in), all of them required, the last also as a prefix. nil when nothing searchable is left.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { $0.replacingOccurrences(of: "\"", with: "") }
            .filter { !$0.isEmpty }.prefix(12)
        guard !words.isEmpty else { return nil }
        var parts = words.map { "\"\($0)\"" }
        parts[parts.count - 1] += " *"
        return parts.joined(separator: " ")
    }

    public func ticket(number: TicketNumber) throws -> Ticket? {
        try writer.read { db in
            try Ticket.fetchOne(db, number: number)
        }
    }

    /// Incoming Message-IDs per ticket row id, in arrival order.
    public func incomingMessageIDs(ticketIDs: [Int64]) throws -> [Int64: [String]] {
        guard !ticketIDs.isEmpty else { return [:] }
        return try writer.read { db in
            var out: [Int64: [String]] = [:]
            // By the ticketID index, a page's tickets at a time (SQLite's variable limit is far above a page).
            for chunk in stride(from: 0, to: ticketIDs.count, by: 500).map({
                ticketIDs[$0..<min($0 + 500, ticketIDs.count)]
            }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT ticketID, messageID FROM message
                        WHERE ticketID IN (\(marks)) AND kind = 'ticket' AND messageID IS NOT NULL ORDER BY id
                        """, arguments: StatementArguments(Array(chunk)))
                for r in rows { out[r["ticketID"], default: []].append(r["messageID"]) }
            }
            return out
        }
    }

    /// Ticket numbers by row id (to show links between tickets).
    public func ticketNumbers(ids: [Int64]) throws -> [Int64: TicketNumber] {
        guard !ids.isEmpty else { return [:] }
        return try writer.read { db in
            var out: [Int64: TicketNumber] = [:]
            for t in try Ticket.filter(ids.contains(Column("id"))).fetchAll(db) { out[t.id!] = t.number }
            return out
        }
    }

    public func ticketDetail(number: TicketNumber) throws -> TicketDetail? {
        try writer.read { db in
            guard let t = try Ticket.fetchOne(db, number: number) else { return nil }
            let msgs = try StoredMessage.filter(Column("ticketID") == t.id!).order(Column("id")).fetchAll(db)
            var atts: [Int64: [StoredAttachment]] = [:]
            for a in try StoredAttachment.filter(msgs.compactMap(\.id).contains(Column("messageRowID"))).fetchAll(db) {
                atts[a.messageRowID, default: []].append(a)
            }
            let events = try TicketEvent.filter(Column("ticketID") == t.id!).order(Column("id")).fetchAll(db)
            return TicketDetail(ticket: t, messages: msgs, attachments: atts, events: events)
        }
    }

    /// What could tell who filed a confidential ticket (see ConfidentialFootprint).
    public func confidentialFootprint() throws -> ConfidentialFootprint {
        try writer.read { db in
            var f = ConfidentialFootprint()
            // `WHERE confidential` as in the partial index ticket_confidential (no scan of every ticket).
            for r in try Row.fetchAll(db, sql: "SELECT id, senderEmail FROM ticket WHERE confidential") {
                f.ticketIDs.insert(r["id"])
                f.addresses.insert((r["senderEmail"] as String).lowercased())
            }
            guard !f.ticketIDs.isEmpty else { return f }
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT messageID FROM message
                    WHERE messageID IS NOT NULL AND ticketID IN (SELECT id FROM ticket WHERE confidential)
                    """)
            {
                f.messageIDs.insert(r["messageID"])
            }
            return f
        }
    }

    /// Messages that opened no ticket, by kind (autoreply, bounce, quarantined). Raw bytes are not loaded.
    public func messages(kind: MessageKind) throws -> [StoredMessage] {
        // The condition of the partial index message_uncommon_kind, repeated so that SQLite uses it.
        let uncommon = kind == .ticket || kind == .outgoing ? "" : "AND kind NOT IN ('ticket', 'outgoing')"
        return try writer.read { db in
            try StoredMessage.fetchAll(
                db,
                sql: """
                    SELECT id, kind, ticketID, messageID, rawSHA256, X'' AS raw, size, mailbox, uidValidity, uid, subject,
                           fromName, fromEmail, sentAt, receivedAt, threadTime, text, html, inReplyTo, "references", note,
                           bounceRecipient, bounceStatus, bounceDiagnostic, bounceOriginalMessageID, isBulk
                    FROM message WHERE kind = ? \(uncommon) ORDER BY id
                    """, arguments: [kind.rawValue])
        }
    }

    /// Every mail ingest recorded as a copy of a stored one, oldest first, with the message it matched and that
    /// message's ticket. No raw bytes are loaded.
    public func duplicates() throws -> [(duplicate: DuplicateRecord, matched: StoredMessage, ticket: Ticket?)] {
        try writer.read { db in
            let records = try DuplicateRecord.fetchAll(
                db,
                sql: """
                    SELECT id, matchedMessageRowID, sameBytes, mailbox, uidValidity, uid, rawSHA256, NULL AS raw, receivedAt
                    FROM duplicate ORDER BY id
                    """)
            return try records.compactMap { d in
                guard
                    let m = try StoredMessage.fetchOne(
                        db,
                        sql: """
                            SELECT id, kind, ticketID, messageID, rawSHA256, X'' AS raw, size, mailbox, uidValidity, uid, subject,
                                   fromName, fromEmail, sentAt, receivedAt, threadTime, text, html, inReplyTo, "references", note,
                                   bounceRecipient, bounceStatus, bounceDiagnostic, bounceOriginalMessageID, isBulk
                            FROM message WHERE id = ?
                            """, arguments: [d.matchedMessageRowID])
                else { return nil }
                return (d, m, try m.ticketID.flatMap { try Ticket.fetchOne(db, key: $0) })
            }
        }
    }

    public func message(rowID: Int64) throws -> StoredMessage? {
        try writer.read { db in try StoredMessage.fetchOne(db, key: rowID) }
    }

    /// What waits for someone: tickets by state, held complaints, quarantined mail, outgoing mail that failed.
    /// Each count by an index: the open tickets by ticket_open, the quarantined by message_uncommon_kind (their
    /// conditions repeated, else SQLite scans every ticket, or every message with its raw bytes).
    public func attentionCounts() throws -> (
        new: Int, inReview: Int, held: Int, escalated: Int, quarantined: Int, failedMail: Int
    ) {
        try writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM ticket WHERE status <> 'closed' AND status = 'new'),
                           (SELECT count(*) FROM ticket WHERE needsReview = 1),
                           (SELECT count(*) FROM ticket WHERE held),
                           (SELECT count(*) FROM ticket WHERE status <> 'closed' AND status = 'escalated'),
                           (SELECT count(*) FROM message
                              WHERE kind = 'quarantined' AND kind NOT IN ('ticket', 'outgoing')),
                           (SELECT count(*) FROM outbox WHERE status = 'failed')
                    """)!
            return (row[0], row[1], row[2], row[3], row[4], row[5])
        }
    }

    public func counts() throws -> [String: Int] {
        try writer.read { db in
            var out: [String: Int] = ["tickets": try Ticket.fetchCount(db)]
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM message GROUP BY kind") {
                out["messages." + (row["kind"] as String)] = row["n"]
            }
            return out
        }
    }

    /// Changes a ticket's status, recording who did it and when.
    public func setStatus(_ number: TicketNumber, to status: TicketStatus, by actor: String, at now: Date = Date())
        throws
    {
        try writer.write { db in
            guard var t = try Ticket.fetchOne(db, number: number) else { throw StoreError.noSuchTicket(number) }
            let from = t.status
            t.status = status
            t.updatedAt = now
            t.closedAt = status == .closed ? now : nil
            try t.update(db)
            var e = TicketEvent(
                ticketID: t.id!, at: now, kind: .status,
                detail: "\(from.rawValue) -> \(status.rawValue) by \(actor)")
            try e.insert(db)
        }
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case noSuchTicket(TicketNumber)
    case noSuchMessage(Int64)
    /// The store has migrations this binary does not know: a newer surel made it.
    case newerThanThisSurel(path: String, migrations: [String])
    public var description: String {
        switch self {
        case .noSuchTicket(let n): return "no ticket \(n)"
        case .noSuchMessage(let id): return "no message with id \(id)"
        case .newerThanThisSurel(let path, let migrations):
            return "the store \(path) was made by a newer surel (it has changes this version does not know: "
                + migrations.joined(separator: ", ")
                + "); it was not opened and nothing in it was changed: run that newer surel, or restore a backup made "
                + "by this version"
        }
    }
}

/// The traces of confidential tickets outside the tickets themselves: a message of such a ticket, and mail about
/// one without a ticket of its own (an auto-reply to our acknowledgement, a bounce of our answer, a quarantined
/// mail from the complainant), which names the complainant's address or one of the ticket's Message-IDs.
public struct ConfidentialFootprint: Sendable {
    public var ticketIDs: Set<Int64> = []
    /// The confidential tickets' sender addresses, lowercased.
    public var addresses: Set<String> = []
    /// Message-IDs (without brackets) of every message of a confidential ticket, incoming and ours.
    public var messageIDs: Set<String> = []
    public init() {}

    /// Whether `m` belongs to, or speaks of, a confidential ticket. A message filed in a ticket follows that
    /// ticket's confidentiality only, as the ticket list does.
    public func touches(_ m: StoredMessage) -> Bool {
        if let t = m.ticketID { return ticketIDs.contains(t) }
        if ticketIDs.isEmpty { return false }
        for address in [m.fromEmail, m.bounceRecipient] {
            if let a = address, addresses.contains(a.lowercased()) { return true }
        }
        if let id = m.bounceOriginalMessageID, messageIDs.contains(id) { return true }
        return (m.inReplyTo + " " + m.references).split(separator: " ").contains { messageIDs.contains(String($0)) }
    }

    /// Whether outgoing mail `o` is about a confidential ticket or goes to one's sender.
    public func touches(_ o: OutboxItem) -> Bool {
        if let t = o.ticketID, ticketIDs.contains(t) { return true }
        return o.recipientList.contains { addresses.contains($0.lowercased()) }
    }
}
