// The contact center's monthly report of the e-mail channel, computed from the store: the figures the February 2025
// report gives by hand, each with its change against the month before and the same month a year before, phrased as
// the report does. Counts only: no subject, sender or text of any ticket; complaints appear as a count.
import Foundation
import SurelCore
import SurelStore

/// A count with its comparisons.
public struct ReportFigure: Sendable, Encodable, Equatable {
    public var value: Int
    public var previous: Int
    public var lastYear: Int
    /// "turun 9% dibandingkan bulan sebelumnya (219)"-style phrases.
    public var changeFromPrevious: String
    public var changeFromLastYear: String

    init(_ value: Int, previous: Int, lastYear: Int) {
        self.value = value; self.previous = previous; self.lastYear = lastYear
        changeFromPrevious = ReportChange.phrase(value, from: previous)
        changeFromLastYear = ReportChange.phrase(value, from: lastYear)
    }
}

/// How the report says a change: "naik 53%", "turun 9%", "sama", "naik 2x lipat" (from doubling: the whole number
/// of times the new figure holds the old, as the report writes 25 against 4 as "6x lipat"), and from nothing
/// "naik dari 0" (never a division by zero).
public enum ReportChange {
    public static func phrase(_ value: Int, from old: Int) -> String {
        if value == old { return "sama" }
        if old == 0 { return "naik dari 0" }
        if value >= 2 * old { return "naik \(value / old)x lipat" }
        let percent = Int((abs(Double(value - old)) / Double(old) * 100).rounded())
        // A change too small to show as a whole percent is still a change.
        return (value > old ? "naik " : "turun ") + "\(max(percent, 1))%"
    }
}

public struct MonthlyReport: Sendable, Encodable {
    public struct Count: Sendable, Encodable, Equatable {
        public var name: String
        public var count: Int
        /// Of the section's total, one decimal.
        public var percent: Double
    }
    public struct Region: Sendable, Encodable, Equatable {
        public var region: String
        public var tickets: Int
        /// Its categories, most frequent first.
        public var topics: [String]
    }
    public struct Zone: Sendable, Encodable, Equatable {
        public var zone: String
        public var inHours: Int
        public var outOfHours: Int
    }
    public struct ServiceHoursSection: Sendable, Encodable, Equatable {
        public var zones: [Zone]
        /// Tickets whose sender's time zone is known, and those it is not.
        public var placed: Int
        public var unplaced: Int
        /// Every ticket that came outside service hours (placed or not), and how many of those were escalated.
        public var outOfHours: Int
        public var outOfHoursEscalated: Int
        public var outOfHoursEscalatedPercent: Double
    }
    public struct Unit: Sendable, Encodable, Equatable {
        public var unit: String
        public var name: String?
        public var escalations: Int
        public var answered: Int
        /// The mean Layer 2 score (120/100/80) of those answered; nil when none is.
        public var averageScore: Double?
    }
    public struct SLASection: Sendable, Encodable, Equatable {
        /// Tickets owed an answer under the SLA (not spam, not letters), those not escalated answered within
        /// 1 working day and escalated ones within 3, as shares in percent (one decimal; nil without tickets).
        public var notEscalated: Int
        public var notEscalatedOnTime: Int
        public var notEscalatedOnTimePercent: Double?
        public var escalated: Int
        public var escalatedOnTime: Int
        public var escalatedOnTimePercent: Double?
        /// Breaches the SLA monitor recorded in the month.
        public var breaches: Int
    }
    public struct BlastRow: Sendable, Encodable, Equatable {
        public var date: String
        public var subject: String
        public var recipients: Int
        public var sent: Int
        public var bounced: Int
        public var unsubscribed: Int
    }

    /// "2025-02", and the months compared with.
    public var month: String
    public var previousMonth: String
    public var lastYearMonth: String
    /// No ticket in the month: the report says so.
    public var empty: Bool
    /// Every e-mail that opened a ticket, letters and spam included (the report's "pengguna Layanan Email").
    public var emails: ReportFigure
    public var letters: Int
    public var spam: Int
    /// Tickets by category, most first (the bar chart).
    public var categories: [Count]
    public var senderClasses: [Count]
    /// The three Pemda regions that wrote most (complaints not counted: their origin is theirs to keep).
    public var busiestRegions: [Region]
    public var serviceHours: ServiceHoursSection
    public var complaints: ReportFigure
    public var units: [Unit]
    /// The units with the best average score, as the report names them.
    public var bestUnits: [String]
    public var sla: SLASection
    /// nil when no rating was given in the month.
    public var satisfaction: [SurveyScores.Row]?
    public var blasts: [BlastRow]
}
