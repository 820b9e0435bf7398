// The Contact Center's service levels (DOMAIN.md, the SOP): an answer within 1 working day of receipt, or 3 when
// the question was escalated to a Layer 2 unit. The monitor reminds the supervisor a configurable time before a
// deadline and records each breach once; each escalation gets the unit's response score (120 when it answered on
// the day of escalation or the next working day, 100 on the 2nd or 3rd, 80 later).
import Foundation
import Logging
import SurelCore
import SurelMail
import SurelStore

public struct SLAEntry: Sendable {
    public var ticket: Ticket
    /// When its clock started: the first mail, or the follow-up that last reopened it.
    public var since: Date
    public var due: Date
    public var breached: Bool
}

public struct SLA: Sendable {
    public let calendar: WorkingCalendar
    public let hours: ServiceHours

    public init(calendar: WorkingCalendar = .indonesia, hours: ServiceHours = ServiceHours()) {
        self.calendar = calendar; self.hours = hours
    }

    /// The ticket's answer deadline: 1 working day from `since` (receipt, or the reopening follow-up), 3 once
    /// escalated.
    public func due(_ t: Ticket, since: Date) throws -> Date {
        try calendar.deadline(received: since, workingDays: t.escalatedAt == nil ? 1 : 3, hours: hours)
    }

    /// Tickets still owed an answer, with their deadlines, soonest first; and those whose deadline the holiday
    /// calendar cannot tell (its year is missing), which must not hold up the others.
    /// `ticketID`: only that ticket.
    public func entries(_ db: SurelDatabase, now: Date, ticketID: Int64? = nil) throws -> (
        entries: [SLAEntry], undated: [Ticket]
    ) {
        var entries: [SLAEntry] = [], undated: [Ticket] = []
        for (t, since) in try db.ticketsAwaitingAnswer(ticketID: ticketID) {
            guard let d = try? due(t, since: since) else { undated.append(t); continue }
            entries.append(SLAEntry(ticket: t, since: since, due: d, breached: now > d))
        }
        return (entries.sorted { $0.due < $1.due }, undated)
    }

    /// Working days from the escalation day (H) to the unit's answer: 0 = H.
    public func layer2Days(_ t: Ticket) throws -> Int? {
        try layer2Days(escalated: t.escalatedAt, answered: t.layer2AnsweredAt)
    }

    public func layer2Days(escalated: Date?, answered: Date?) throws -> Int? {
        guard let from = escalated, let to = answered else { return nil }
        return try calendar.workingDays(from: from, to: to, hours: hours)
    }

    /// 120 if the unit answered on day H or H+1, 100 on H+2 or H+3, 80 later; nil while it has not answered.
    public func layer2Score(_ t: Ticket) throws -> Int? {
        layer2Score(days: try layer2Days(t))
    }

    public func layer2Score(days: Int?) -> Int? {
        guard let days else { return nil }
        return days <= 1 ? 120 : days <= 3 ? 100 : 80
    }
}

/// Run by the daemon after each poll: reminders to the supervisor before deadlines, breaches recorded once.
public final class SLAMonitor {
    let sla: SLA
    let database: SurelDatabase
    let config: SurelConfig
    let templates: MailTemplates?
    let logger: Logger

    public init(
        sla: SLA = SLA(), database: SurelDatabase, config: SurelConfig, templates: MailTemplates?, logger: Logger
    ) {
        self.sla = sla; self.database = database; self.config = config; self.templates = templates; self.logger = logger
    }

    public struct Report: Equatable, Sendable { public var reminders = 0, breaches = 0, undated = 0 }
    /// The tickets last reported as having no deadline (logged when that set changes, not every poll).
    private var undatedLogged: Set<Int64> = []

    @discardableResult
    public func check(now: Date = Date()) throws -> Report {
        var report = Report()
        let iso = ISO8601DateFormatter()
        let (entries, undated) = try sla.entries(database, now: now)
        report.undated = undated.count
        let ids = Set(undated.compactMap(\.id))
        if ids != undatedLogged, !ids.isEmpty {
            logger.error(
                "no SLA deadline: the holiday calendar lacks their year; add it ([sla] calendar)",
                metadata: ["tickets": "\(undated.map(\.number.description).joined(separator: ","))"])
        }
        undatedLogged = ids
        for e in entries {
            let id = e.ticket.id!
            let key = iso.string(from: e.due)
            if e.breached {
                if try database.recordSLAEvent(ticketID: id, kind: .slaBreach, detail: "deadline \(key)", at: now) {
                    report.breaches += 1
                    logger.warning("SLA breached", metadata: ["ticket": "\(e.ticket.number)", "deadline": "\(key)"])
                }
            } else if e.due.timeIntervalSince(now) <= config.sla.reminderBefore {
                let mail = try reminder(e, now: now)
                if try database.recordSLAEvent(
                    ticketID: id, kind: .slaReminder, detail: "deadline \(key)", at: now,
                    mail: mail)
                {
                    report.reminders += 1
                }
            }
        }
        return report
    }

    /// The reminder mail to the supervisor; nil without a supervisor, [smtp] or templates (the event is still kept).
    func reminder(_ e: SLAEntry, now: Date) throws -> OutgoingRecord? {
        guard let supervisor = config.supervisor, let smtp = config.smtp, let templates else { return nil }
        let t = e.ticket
        let minutes = max(0, Int(e.due.timeIntervalSince(now) / 60))
        var values: [String: Any] = [
            "ticket": t.number.description,
            "subject": t.confidential ? "(rahasia)" : SubjectNormalizer.stripped(t.subject),
            "deadline": Acknowledger.indonesian(e.due),
            "remaining": minutes >= 60 ? "\(minutes / 60) jam \(minutes % 60) menit" : "\(minutes) menit",
            "status": t.status.rawValue, "category": config.taxonomy.name(of: t.category),
            // A mail is read more widely than the store: a complaint's sender stays out of it.
            "sender_name": t.confidential ? "(dirahasiakan)" : t.senderName ?? "-",
            "sender_email": t.confidential ? "(dirahasiakan)" : t.senderEmail,
            "received_at": Acknowledger.indonesian(e.since),
        ]
        if let unit = t.escalatedTo { values["escalated_to"] = unit }
        let text = try templates.render("sla-reminder", values)
        var mail = OutgoingMail(from: smtp.from, to: [supervisor], subject: text.subject, text: text.body)
        mail.automatic = true
        return mail.record(ticketID: t.id, purpose: .reminder, messageIDDomain: smtp.messageIDDomain, date: now)
    }
}
