// What the SLA monitor reads and writes: tickets still waiting for an answer, and the reminder and breach events
// it records once per ticket and deadline.
import Foundation
import GRDB
import SurelCore

extension SurelDatabase {
    /// Tickets an answer is still owed for, oldest first, each with the time its clock started: its first mail, or
    /// the follow-up that last reopened it (a new question has its own deadline). Owed: new, open and escalated
    /// tickets, and escalated ones the agent answered in the meantime while the unit has not yet; not spam (counted,
    /// not answered) nor letters (registered, not answered: DOMAIN.md).
    /// `ticketID`: only that ticket (a ticket page's deadline), when it is owed an answer.
    public func ticketsAwaitingAnswer(ticketID: Int64? = nil) throws -> [(ticket: Ticket, since: Date)] {
        // `status <> 'closed'` as in the partial index ticket_open; one ticket by its id.
        let which = ticketID == nil ? "status <> 'closed'" : "id = ?"
        return try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT ticket.*, (SELECT max(at) FROM ticketEvent e WHERE e.ticketID = ticket.id AND e.kind = 'reopened')
                      AS reopenedAt
                    FROM ticket
                    WHERE \(which)
                      AND (status IN ('new', 'open', 'escalated')
                           OR (status = 'answered' AND escalatedAt IS NOT NULL AND layer2AnsweredAt IS NULL))
                      AND category NOT IN ('spam', 'surat-masuk')
                    ORDER BY createdAt, id
                    """, arguments: StatementArguments(ticketID.map { [$0] } ?? [])
            ).map { row in
                let t = try Ticket(row: row)
                let reopened: Date? = row["reopenedAt"]
                return (t, max(t.createdAt, reopened ?? t.createdAt))
            }
        }
    }

    /// Every escalation, oldest first, with its ticket's number: the Layer 2 response scores, one per escalation.
    public func escalations() throws
        -> [(number: TicketNumber, unit: String, at: Date, answeredAt: Date?, confidential: Bool)]
    {
        try Self.escalations(in: writer)
    }

    static func escalations(in reader: some DatabaseReader) throws
        -> [(number: TicketNumber, unit: String, at: Date, answeredAt: Date?, confidential: Bool)]
    {
        try reader.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.year, t.sequence, e.unit, e.at, e.answeredAt, t.confidential
                    FROM escalation e JOIN ticket t ON t.id = e.ticketID
                    ORDER BY e.at, e.id
                    """
            ).map {
                (
                    TicketNumber(year: $0["year"], sequence: $0["sequence"]), $0["unit"], $0["at"], $0["answeredAt"],
                    $0["confidential"]
                )
            }
        }
    }

    /// Records an SLA event, with the mail it sends if any, in one transaction; false when it was already there.
    @discardableResult
    public func recordSLAEvent(
        ticketID: Int64, kind: TicketEvent.Kind, detail: String, at now: Date,
        mail: OutgoingRecord? = nil
    ) throws -> Bool {
        try writer.write { db in
            if try Bool.fetchOne(
                db, sql: "SELECT 1 FROM ticketEvent WHERE ticketID = ? AND kind = ? AND detail = ? LIMIT 1",
                arguments: [ticketID, kind.rawValue, detail]) == true
            {
                return false
            }
            var e = TicketEvent(ticketID: ticketID, at: now, kind: kind, detail: detail)
            try e.insert(db)
            if let mail { try Self.enqueue(mail, at: now, db) }
            return true
        }
    }

    /// The breaches the SLA monitor recorded between `from` and `to`, oldest first, with their tickets.
    public func slaBreaches(from: Date, to: Date) throws -> [(ticket: Ticket, at: Date)] {
        try writer.read { db in
            // `kind = 'sla-breach'` as in the partial index ticketEvent_breach.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.at AS breachedAt, ticket.* FROM ticketEvent e JOIN ticket ON ticket.id = e.ticketID
                    WHERE e.kind = 'sla-breach' AND e.at >= ? AND e.at < ? ORDER BY e.at, e.id
                    """, arguments: [from, to]
            ).map { (try Ticket(row: $0), $0["breachedAt"]) }
        }
    }
}
