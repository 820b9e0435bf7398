// What the monthly report reads: a month's tickets with the facts it counts (never their text), its escalations,
// recorded SLA breaches and blasts. Months are given as instants; the engine decides where they start (WIB).
import Foundation
import GRDB
import SurelCore

/// A ticket as the report counts it.
public struct ReportTicket: Sendable {
    public var id: Int64
    public var category: String
    public var senderClass: SenderClass
    public var region: String?
    public var timeZone: String?
    public var createdAt: Date
    public var escalatedAt: Date?
    public var confidential: Bool
    /// The first answer an agent gave the citizen, if any.
    public var firstAnswerAt: Date?
}

/// A blast that started in the month, with its figures.
public struct ReportBlast: Sendable {
    public var startedAt: Date
    public var subject: String
    public var recipients: Int
    public var sent: Int
    public var bounced: Int
    /// Recipients who unsubscribed after it started.
    public var unsubscribed: Int
}

extension SurelDatabase {
    /// Tickets opened between `from` and `to`, oldest first.
    public func reportTickets(from: Date, to: Date) throws -> [ReportTicket] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, category, senderClass, region, timeZone, createdAt, escalatedAt, confidential,
                           (SELECT min(at) FROM ticketAnswer a WHERE a.ticketID = ticket.id AND a.source = 'agent')
                             AS firstAnswerAt
                    FROM ticket WHERE createdAt >= ? AND createdAt < ? ORDER BY createdAt, id
                    """, arguments: [from, to]
            ).map {
                ReportTicket(
                    id: $0["id"], category: $0["category"],
                    senderClass: SenderClass(rawValue: $0["senderClass"]) ?? .lainnya, region: $0["region"],
                    timeZone: $0["timeZone"], createdAt: $0["createdAt"], escalatedAt: $0["escalatedAt"],
                    confidential: $0["confidential"], firstAnswerAt: $0["firstAnswerAt"])
            }
        }
    }

    /// Escalations made between `from` and `to`: the unit, when, and when it answered.
    public func reportEscalations(from: Date, to: Date) throws -> [(unit: String, at: Date, answeredAt: Date?)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT unit, at, answeredAt FROM escalation WHERE at >= ? AND at < ? ORDER BY at, id",
                arguments: [from, to]
            ).map { ($0["unit"], $0["at"], $0["answeredAt"]) }
        }
    }

    /// How many SLA breaches the monitor recorded between `from` and `to`.
    public func slaBreachCount(from: Date, to: Date) throws -> Int {
        try writer.read { db in
            // `kind = 'sla-breach'` as in the partial index ticketEvent_breach.
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM ticketEvent WHERE kind = 'sla-breach' AND at >= ? AND at < ?",
                arguments: [from, to]) ?? 0
        }
    }

    /// Blasts that started sending between `from` and `to`, in order; "sent" counts the mail the server took,
    /// those that bounced later included.
    public func reportBlasts(from: Date, to: Date) throws -> [ReportBlast] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT b.startedAt, b.subject,
                      (SELECT count(*) FROM blastRecipient r WHERE r.blastID = b.id) AS recipients,
                      (SELECT count(*) FROM blastRecipient r WHERE r.blastID = b.id AND r.state IN ('sent', 'bounced'))
                        AS sent,
                      (SELECT count(*) FROM blastRecipient r WHERE r.blastID = b.id AND r.state = 'bounced') AS bounced,
                      (SELECT count(*) FROM blastRecipient r JOIN suppression s ON s.email = r.email
                         WHERE r.blastID = b.id AND s.source = 'unsubscribe' AND s.createdAt >= b.startedAt)
                        AS unsubscribed
                    FROM blast b WHERE b.startedAt >= ? AND b.startedAt < ? ORDER BY b.startedAt, b.id
                    """, arguments: [from, to]
            ).map {
                ReportBlast(
                    startedAt: $0["startedAt"], subject: $0["subject"], recipients: $0["recipients"], sent: $0["sent"],
                    bounced: $0["bounced"], unsubscribed: $0["unsubscribed"])
            }
        }
    }
}
