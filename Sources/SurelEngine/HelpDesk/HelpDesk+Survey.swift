// HelpDesk: the satisfaction survey. The public page's reads and its one action take the signed link as their
// authority (no login: the citizen is not a user); what they show is the ticket's number, closing date and agent,
// nothing of the mail. The supervisor's scores follow the contact center's rule: each agent needs at least 5
// ratings from 5 different citizens a month.
import Foundation
import SurelCore
import SurelStore

/// What the survey page shows the citizen.
public struct SurveyInvitation: Sendable {
    public var number: TicketNumber
    public var closedAt: Date?
    public var agent: String?
    /// The rating given earlier through this link, if any (a new one replaces it).
    public var earlier: (service: Int, substance: Int)?
}

/// A month's survey figures, per agent and per unit.
public struct SurveyScores: Sendable {
    public struct Row: Sendable, Encodable, Equatable {
        /// The agent's or the unit's name.
        public var name: String
        public var ratings: Int
        public var citizens: Int
        public var service: Double
        public var substance: Double
        /// The mean of both factors.
        public var overall: Double
        /// At least 5 ratings from 5 different citizens this month (agents only).
        public var meetsMinimum: Bool
    }
    public struct Comment: Sendable {
        public var number: TicketNumber
        public var at: Date
        public var agent: String?
        public var text: String
    }
    public var month: String
    public var agents: [Row]
    public var units: [Row]
    /// Newest first; a complaint's comments only for a confidential reader.
    public var comments: [Comment]
    /// Comments left out because the actor may not read their ticket.
    public var hiddenComments: Int
    public static let minimumRatings = 5
    public static let minimumCitizens = 5
}

extension HelpDesk {
    // MARK: - Reads

    /// The month's ratings (a rating counts in the month it was given, WIB): per agent (the one who closed the
    /// ticket) and per unit, with counts, distinct citizens and averages; supervisors and admins only.
    public func surveyScores(month: String, as actor: Actor) throws -> SurveyScores {
        try require(.supervision, actor)
        guard let (from, to) = Self.month(month) else {
            throw SurelError(.invalid, "bulan harus berbentuk YYYY-MM, mis. 2025-02 (bukan \"\(month)\")")
        }
        let ratings = try database.currentRatings(from: from, to: to)
        func rows(_ key: (SurveyRating) -> String?, agents: Bool) -> [SurveyScores.Row] {
            Dictionary(grouping: ratings.filter { key($0) != nil }, by: { key($0)! }).map { name, own in
                let n = Double(own.count)
                let service = Double(own.map(\.service).reduce(0, +)) / n
                let substance = Double(own.map(\.substance).reduce(0, +)) / n
                let citizens = Set(own.map(\.citizen)).count
                return SurveyScores.Row(
                    name: name, ratings: own.count, citizens: citizens, service: service, substance: substance,
                    overall: (service + substance) / 2,
                    meetsMinimum: !agents
                        || (own.count >= SurveyScores.minimumRatings && citizens >= SurveyScores.minimumCitizens))
            }.sorted { $0.name < $1.name }
        }
        let commented = ratings.filter { !($0.comment ?? "").isEmpty }
        let visible = commented.filter { !$0.confidential || actor.mayReadConfidential }
        return SurveyScores(
            month: month, agents: rows({ $0.agent }, agents: true), units: rows({ $0.unit }, agents: false),
            comments: visible.map { .init(number: $0.number, at: $0.at, agent: $0.agent, text: $0.comment ?? "") },
            hiddenComments: commented.count - visible.count)
    }

    /// "2025-02" as the month's first instant and the next month's, in WIB.
    static func month(_ text: String) -> (from: Date, to: Date)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]),
            (2000...2200).contains(y), (1...12).contains(m)
        else { return nil }
        let wib = Calendar.wib
        guard let from = wib.date(from: DateComponents(year: y, month: m, day: 1)),
            let to = wib.date(byAdding: .month, value: 1, to: from)
        else { return nil }
        return (from, to)
    }

    // MARK: - Public (the signed link is the authority)

    /// The survey page's facts for a link; throws SurveyLink.Problem for a tampered, foreign or expired link.
    public func surveyInvitation(token: String) throws -> SurveyInvitation {
        let t = try surveyTicket(token)
        let parties = try database.ratedParties(ticketID: t.id!)
        let earlier = try database.ratings(ticketID: t.id!).last { $0.current }
        return SurveyInvitation(
            number: t.number, closedAt: t.closedAt, agent: parties.agent,
            earlier: earlier.map { ($0.service, $0.substance) })
    }

    public static let surveyCommentLimit = 1000

    /// Records the citizen's rating for the link's ticket (replacing an earlier one); returns whether it
    /// replaced one. Scores are 1 to 5; the comment is cut to 1,000 characters.
    @discardableResult
    public func rate(token: String, service: Int, substance: Int, comment: String?) throws -> Bool {
        let t = try surveyTicket(token)
        guard (1...5).contains(service), (1...5).contains(substance) else {
            throw SurelError(.invalid, "Nilai harus 1 sampai 5.")
        }
        let text = comment?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.surveyCommentLimit)
        let parties = try database.ratedParties(ticketID: t.id!)
        return try database.recordRating(
            ticketID: t.id!, agent: parties.agent, unit: parties.unit, citizen: t.senderEmail, service: service,
            substance: substance, comment: text.map(String.init).flatMap { $0.isEmpty ? nil : $0 }, at: now())
    }

    private func surveyTicket(_ token: String) throws -> Ticket {
        let key = try SurveyKey.load(path: config.surveyKeyPath)
        switch SurveyLink.verify(token, key: key, now: now()) {
        case .failure(let problem): throw problem
        case .success(let number):
            guard let t = try database.ticket(number: number) else { throw SurveyLink.Problem.invalid }
            return t
        }
    }
}
