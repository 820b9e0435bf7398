// HelpDesk: what the supervisor (Kasubbag) watches: the SLA board — tickets owed an answer by deadline, the month's
// breaches, and each Layer 2 unit's escalations with its average response score.
import Foundation
import SurelCore
import SurelStore

/// The SLA board: owed tickets soonest deadline first, this month's breaches, and the units' scores.
public struct SLABoard: Sendable {
    /// Owed tickets, each with its deadline; redacted like the lists.
    public var owed: [TicketSummary]
    /// Owed tickets without a deadline (the holiday calendar lacks their year).
    public var undated: Int
    /// The breaches the SLA monitor recorded this month (WIB), with when.
    public var breaches: [(ticket: TicketSummary, at: Date)]
    public var month: String
    public var units: [Layer2Scores.Unit]
}

extension HelpDesk {
    // MARK: - Reads

    /// The SLA board for the supervisor's role (and admins).
    public func slaBoard(as actor: Actor) throws -> SLABoard {
        try require(.supervision, actor)
        let now = now()
        let (dated, undated) = try owedDeadlines()
        let byID = Dictionary(dated.map { ($0.ticket.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let owed = try summaries(dated.map(\.ticket), as: actor, deadlines: byID)
        let wib = Calendar.wib
        let start = wib.date(from: wib.dateComponents([.year, .month], from: now))!
        let end = wib.date(byAdding: .month, value: 1, to: start)!
        let breaches = try database.slaBreaches(from: start, to: end)
        let breachSummaries = try summaries(breaches.map(\.ticket), as: actor)
        let c = wib.dateComponents([.year, .month], from: start)
        return SLABoard(
            owed: owed, undated: undated.count, breaches: Array(zip(breachSummaries, breaches.map(\.at))),
            month: String(format: "%04d-%02d", c.year!, c.month!), units: try layer2Scores(as: actor).units)
    }
}
