// HelpDesk: the monthly report (supervisors and admins). Built from counts the store keeps; see MonthlyReport.
import Foundation
import SurelClassify
import SurelCore
import SurelStore

extension HelpDesk {
    // MARK: - Reads

    /// The report of `month` ("2025-02", WIB), compared with the month before and the same month a year before.
    public func monthlyReport(month: String, as actor: Actor) throws -> MonthlyReport {
        try require(.supervision, actor)
        guard let (from, to) = Self.month(month), let previous = Self.shift(month, by: -1),
            let lastYear = Self.shift(month, by: -12), let (pFrom, pTo) = Self.month(previous),
            let (yFrom, yTo) = Self.month(lastYear)
        else { throw SurelError(.invalid, "bulan harus berbentuk YYYY-MM, mis. 2025-02 (bukan \"\(month)\")") }
        let tickets = try database.reportTickets(from: from, to: to)
        let before = try database.reportTickets(from: pFrom, to: pTo)
        let yearAgo = try database.reportTickets(from: yFrom, to: yTo)
        let taxonomy = config.taxonomy
        let confidential = taxonomy.confidentialSlugs
        func complaints(_ t: [ReportTicket]) -> Int { t.filter { confidential.contains($0.category) }.count }
        func percent(_ n: Int, of total: Int) -> Double {
            total == 0 ? 0 : (Double(n) / Double(total) * 1000).rounded() / 10
        }
        func counts(_ groups: [String: Int], total: Int) -> [MonthlyReport.Count] {
            Self.mostFirst(groups).map {
                MonthlyReport.Count(name: $0.name, count: $0.count, percent: percent($0.count, of: total))
            }
        }
        let byCategory = Dictionary(grouping: tickets, by: { taxonomy.name(of: $0.category) }).mapValues(\.count)
        let classNames: [SenderClass: String] = [
            .pemda: "Pemda", .kl: "Kementerian/Lembaga", .akademisi: "Akademisi", .lainnya: "Lainnya",
        ]
        var byClass = Dictionary(grouping: tickets, by: { classNames[$0.senderClass] ?? "Lainnya" }).mapValues(\.count)
        for name in classNames.values where byClass[name] == nil { byClass[name] = 0 }

        // The busiest Pemda regions and what they wrote about; complaints left out.
        let pemda = tickets.filter { $0.senderClass == .pemda && $0.region != nil && !$0.confidential }
        var regions: [MonthlyReport.Region] = []
        for (region, own) in Dictionary(grouping: pemda, by: { $0.region! }) {
            let topics = Self.mostFirst(
                Dictionary(grouping: own, by: { taxonomy.name(of: $0.category) }).mapValues(\.count))
            regions.append(MonthlyReport.Region(region: region, tickets: own.count, topics: topics.map(\.name)))
        }
        regions.sort { Self.mostFirst(($0.region, $0.tickets), ($1.region, $1.tickets)) }

        let hours = try serviceHoursSection(tickets)
        let units = try unitsSection(from: from, to: to)
        let best = units.compactMap(\.averageScore).max()
        let ratings = try surveyScores(month: month, as: actor).agents
        return MonthlyReport(
            month: month, previousMonth: previous, lastYearMonth: lastYear, empty: tickets.isEmpty,
            emails: ReportFigure(tickets.count, previous: before.count, lastYear: yearAgo.count),
            letters: tickets.filter { $0.category == "surat-masuk" }.count,
            spam: tickets.filter { $0.category == spamCategory }.count,
            categories: counts(byCategory, total: tickets.count), senderClasses: counts(byClass, total: tickets.count),
            busiestRegions: Array(regions.prefix(3)), serviceHours: hours,
            complaints: ReportFigure(complaints(tickets), previous: complaints(before), lastYear: complaints(yearAgo)),
            units: units, bestUnits: best.map { b in units.filter { $0.averageScore == b }.map(\.unit) } ?? [],
            sla: try slaSection(tickets, from: from, to: to),
            satisfaction: ratings.isEmpty ? nil : ratings,
            blasts: try database.reportBlasts(from: from, to: to).map {
                MonthlyReport.BlastRow(
                    date: Self.day($0.startedAt), subject: $0.subject, recipients: $0.recipients, sent: $0.sent,
                    bounced: $0.bounced, unsubscribed: $0.unsubscribed)
            })
    }

    /// Inside or outside service hours (a working day between opening and closing, WIB), per time zone of the
    /// sender's region. A year the holiday calendar lacks counts Monday to Friday as working days.
    private func serviceHoursSection(_ tickets: [ReportTicket]) throws -> MonthlyReport.ServiceHoursSection {
        let hours = config.sla.hours
        func inHours(_ d: Date) -> Bool {
            let offset = hours.timeZone.secondsFromGMT(for: d)
            let minute = ((Int(d.timeIntervalSince1970) + offset) % 86_400 + 86_400) % 86_400 / 60
            guard minute >= hours.opens, minute < hours.closes else { return false }
            if let working = try? config.sla.calendar.isWorkingDay(d, hours: hours) { return working }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = hours.timeZone
            return !calendar.isDateInWeekend(d)
        }
        let zones = ["WIB", "WITA", "WIT"].map { zone -> MonthlyReport.Zone in
            let own = tickets.filter { $0.timeZone == zone }
            let inside = own.filter { inHours($0.createdAt) }.count
            return MonthlyReport.Zone(zone: zone, inHours: inside, outOfHours: own.count - inside)
        }
        let outside = tickets.filter { !inHours($0.createdAt) }
        let escalated = outside.filter { $0.escalatedAt != nil }.count
        let placed = tickets.filter { $0.timeZone != nil }.count
        return MonthlyReport.ServiceHoursSection(
            zones: zones, placed: placed, unplaced: tickets.count - placed, outOfHours: outside.count,
            outOfHoursEscalated: escalated,
            outOfHoursEscalatedPercent: outside.isEmpty
                ? 0 : (Double(escalated) / Double(outside.count) * 1000).rounded() / 10)
    }

    /// Escalations made in the month per unit, with the mean score of those answered.
    private func unitsSection(from: Date, to: Date) throws -> [MonthlyReport.Unit] {
        let sla = SLA(calendar: config.sla.calendar, hours: config.sla.hours)
        let escalations = try database.reportEscalations(from: from, to: to)
        let units = try Dictionary(grouping: escalations, by: \.unit).map { unit, own in
            let scores = try own.compactMap {
                sla.layer2Score(days: try sla.layer2Days(escalated: $0.at, answered: $0.answeredAt))
            }
            return MonthlyReport.Unit(
                unit: unit, name: config.units[unit]?.name, escalations: own.count, answered: scores.count,
                averageScore: scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count))
        }
        return units.sorted { Self.mostFirst(($0.unit, $0.escalations), ($1.unit, $1.escalations)) }
    }

    /// Answered on time: the first answer to the citizen by the deadline (1 working day, 3 when escalated).
    private func slaSection(_ tickets: [ReportTicket], from: Date, to: Date) throws -> MonthlyReport.SLASection {
        let calendar = config.sla.calendar, hours = config.sla.hours
        // Spam is counted, letters registered: neither is owed an answer (as in the SLA monitor).
        let owed = tickets.filter { !AgentActions.closedWithoutBAK.contains($0.category) }
        func onTime(_ t: ReportTicket) -> Bool {
            guard let answered = t.firstAnswerAt,
                let due = try? calendar.deadline(
                    received: t.createdAt, workingDays: t.escalatedAt == nil ? 1 : 3, hours: hours)
            else { return false }
            return answered <= due
        }
        let plain = owed.filter { $0.escalatedAt == nil }, escalated = owed.filter { $0.escalatedAt != nil }
        func share(_ n: Int, _ of: Int) -> Double? { of == 0 ? nil : (Double(n) / Double(of) * 1000).rounded() / 10 }
        let plainOnTime = plain.filter(onTime).count, escalatedOnTime = escalated.filter(onTime).count
        return MonthlyReport.SLASection(
            notEscalated: plain.count, notEscalatedOnTime: plainOnTime,
            notEscalatedOnTimePercent: share(plainOnTime, plain.count), escalated: escalated.count,
            escalatedOnTime: escalatedOnTime, escalatedOnTimePercent: share(escalatedOnTime, escalated.count),
            breaches: try database.slaBreachCount(from: from, to: to))
    }

    /// Counts by name, the largest first, then by name.
    static func mostFirst(_ counts: [String: Int]) -> [(name: String, count: Int)] {
        counts.map { (name: $0.key, count: $0.value) }.sorted { mostFirst($0, $1) }
    }

    static func mostFirst(_ a: (name: String, count: Int), _ b: (name: String, count: Int)) -> Bool {
        if a.count != b.count { return a.count > b.count }
        return a.name < b.name
    }

    /// "2025-02" moved by `months`.
    static func shift(_ month: String, by months: Int) -> String? {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        let index = y * 12 + (m - 1) + months
        return String(format: "%04d-%02d", index / 12, index % 12 + 1)
    }

    /// A day in WIB, "2025-02-04".
    static func day(_ d: Date) -> String {
        let wib = Calendar.wib
        let c = wib.dateComponents([.year, .month, .day], from: d)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
