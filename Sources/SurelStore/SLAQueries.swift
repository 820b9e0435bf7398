// What the SLA monitor reads and writes: tickets still waiting for an answer, and the reminder and breach events
// it records once per ticket and deadline.
import Foundation
import GRDB
import SurelCore

extension SurelDatabase {
    /// Tickets an answer is still owed for (new, open, escalated), spam excluded, oldest first.
    public func ticketsAwaitingAnswer() throws -> [Ticket] {
        try writer.read { db in
            try Ticket.filter(["new", "open", "escalated"].contains(Column("status")) && Column("category") != "spam")
                .order(Column("createdAt"), Column("id")).fetchAll(db)
        }
    }

    /// Escalated tickets (any status), for the Layer 2 response scores.
    public func escalatedTickets() throws -> [Ticket] {
        try writer.read { db in
            try Ticket.filter(Column("escalatedAt") != nil).order(Column("escalatedAt")).fetchAll(db)
        }
    }

    /// Records an SLA event, with the mail it sends if any, in one transaction; false when it was already there.
    @discardableResult
    public func recordSLAEvent(ticketID: Int64, kind: String, detail: String, at now: Date,
                               mail: OutgoingRecord? = nil) throws -> Bool {
        try writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM ticketEvent WHERE ticketID = ? AND kind = ? AND detail = ? LIMIT 1",
                                 arguments: [ticketID, kind, detail]) == true { return false }
            var e = TicketEvent(id: nil, ticketID: ticketID, at: now, kind: kind, detail: detail)
            try e.insert(db)
            if let mail { try Self.enqueue(mail, at: now, db) }
            return true
        }
    }
}
