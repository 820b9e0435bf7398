// The satisfaction survey's ratings: a citizen rates a closed consultation on two factors (Kepuasan Layanan,
// Substansi Jawaban, 1-5) with an optional comment. Rating again replaces the rating (both kept, the latest
// `current`); the rating counts for the agent who closed the ticket and for the unit it was escalated to.
import Foundation
import GRDB
import SurelCore

public struct SurveyRating: Sendable, Equatable {
    public var ticketID: Int64
    public var number: TicketNumber
    public var agent: String?
    public var unit: String?
    /// The citizen's address (lowercased): distinct citizens per agent are counted by it.
    public var citizen: String
    public var service: Int
    public var substance: Int
    public var comment: String?
    public var at: Date
    public var confidential: Bool
}

extension SurelDatabase {
    /// Who closed the ticket last (the agent the BAK names) and the unit it was escalated to.
    public func ratedParties(ticketID: Int64) throws -> (agent: String?, unit: String?) {
        try writer.read { db in
            let agent = try String.fetchOne(
                db,
                sql: """
                    SELECT actor FROM ticketEvent WHERE ticketID = ? AND kind = 'action' AND detail LIKE 'closed%'
                    ORDER BY id DESC LIMIT 1
                    """, arguments: [ticketID])
            let unit = try String.fetchOne(
                db, sql: "SELECT escalatedTo FROM ticket WHERE id = ?", arguments: [ticketID])
            return (agent, unit)
        }
    }

    /// Records a rating in one transaction: the ticket's earlier rating stops counting, this one counts, and the
    /// ticket's history says so (without the comment). Returns whether it replaced an earlier one.
    @discardableResult
    public func recordRating(
        ticketID: Int64, agent: String?, unit: String?, citizen: String, service: Int, substance: Int,
        comment: String?, at now: Date
    ) throws -> Bool {
        try writer.write { db in
            let earlier =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM surveyRating WHERE ticketID = ? AND current", arguments: [ticketID])
                ?? 0
            try db.execute(sql: "UPDATE surveyRating SET current = 0 WHERE ticketID = ?", arguments: [ticketID])
            try db.execute(
                sql: """
                    INSERT INTO surveyRating(ticketID, agent, unit, citizen, service, substance, comment, at, current)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [ticketID, agent, unit, citizen.lowercased(), service, substance, comment, now])
            var e = TicketEvent(
                ticketID: ticketID, at: now, kind: .surveyRated,
                detail: "Kepuasan Layanan \(service), Substansi Jawaban \(substance)"
                    + (earlier > 0 ? " (menggantikan penilaian sebelumnya)" : ""))
            try e.insert(db)
            return earlier > 0
        }
    }

    /// The ratings that count, given between `from` and `to`, newest first.
    public func currentRatings(from: Date, to: Date) throws -> [SurveyRating] {
        try writer.read { db in
            // `current` as in the partial index surveyRating_current.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, t.year, t.sequence, t.confidential FROM surveyRating r JOIN ticket t ON t.id = r.ticketID
                    WHERE r.current AND r.at >= ? AND r.at < ? ORDER BY r.at DESC, r.id DESC
                    """, arguments: [from, to]
            ).map {
                SurveyRating(
                    ticketID: $0["ticketID"], number: TicketNumber(year: $0["year"], sequence: $0["sequence"]),
                    agent: $0["agent"], unit: $0["unit"], citizen: $0["citizen"], service: $0["service"],
                    substance: $0["substance"], comment: $0["comment"], at: $0["at"], confidential: $0["confidential"])
            }
        }
    }

    /// Every rating of a ticket, oldest first (the current one last).
    public func ratings(ticketID: Int64) throws -> [(service: Int, substance: Int, at: Date, current: Bool)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT service, substance, at, current FROM surveyRating WHERE ticketID = ? ORDER BY id",
                arguments: [ticketID]
            ).map { ($0["service"], $0["substance"], $0["at"], $0["current"]) }
        }
    }
}
