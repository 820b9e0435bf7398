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

extension SurelDatabase {
    /// Tickets in number order; who may read the confidential ones is AccessPolicy's business.
    public func tickets(status: TicketStatus? = nil, category: String? = nil) throws -> [Ticket] {
        try writer.read { db in
            var q = Ticket.order(Column("year"), Column("sequence"))
            if let status { q = q.filter(Column("status") == status.rawValue) }
            if let category { q = q.filter(Column("category") == category) }
            return try q.fetchAll(db)
        }
    }

    public func ticket(number: TicketNumber) throws -> Ticket? {
        try writer.read { db in
            try Ticket.fetchOne(db, number: number)
        }
    }

    /// Incoming Message-IDs per ticket row id, in arrival order.
    public func incomingMessageIDs(ticketIDs: [Int64]) throws -> [Int64: [String]] {
        try writer.read { db in
            var out: [Int64: [String]] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT ticketID, messageID FROM message
                WHERE ticketID IS NOT NULL AND kind = 'ticket' AND messageID IS NOT NULL ORDER BY id
                """)
            let wanted = Set(ticketIDs)
            for r in rows {
                let t: Int64 = r["ticketID"]
                if wanted.contains(t) { out[t, default: []].append(r["messageID"]) }
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

    /// Messages that opened no ticket, by kind (autoreply, bounce, quarantined). Raw bytes are not loaded.
    public func messages(kind: MessageKind) throws -> [StoredMessage] {
        // The condition of the partial index message_uncommon_kind, repeated so that SQLite uses it.
        let uncommon = kind == .ticket || kind == .outgoing ? "" : "AND kind NOT IN ('ticket', 'outgoing')"
        return try writer.read { db in
            try StoredMessage.fetchAll(db, sql: """
                SELECT id, kind, ticketID, messageID, rawSHA256, X'' AS raw, size, mailbox, uidValidity, uid, subject,
                       fromName, fromEmail, sentAt, receivedAt, threadTime, text, html, inReplyTo, "references", note,
                       bounceRecipient, bounceStatus, bounceDiagnostic, bounceOriginalMessageID, isBulk
                FROM message WHERE kind = ? \(uncommon) ORDER BY id
                """, arguments: [kind.rawValue])
        }
    }

    public func message(rowID: Int64) throws -> StoredMessage? {
        try writer.read { db in try StoredMessage.fetchOne(db, key: rowID) }
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
        throws {
        try writer.write { db in
            guard var t = try Ticket.fetchOne(db, number: number) else { throw StoreError.noSuchTicket(number) }
            let from = t.status
            t.status = status
            t.updatedAt = now
            t.closedAt = status == .closed ? now : nil
            try t.update(db)
            var e = TicketEvent(id: nil, ticketID: t.id!, at: now, kind: "status",
                                detail: "\(from.rawValue) -> \(status.rawValue) by \(actor)")
            try e.insert(db)
        }
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case noSuchTicket(TicketNumber)
    case noSuchMessage(Int64)
    public var description: String {
        switch self {
        case .noSuchTicket(let n): return "no ticket \(n)"
        case .noSuchMessage(let id): return "no message with id \(id)"
        }
    }
}
