// Sends what the outbox holds. Each mail is claimed (`sending`, committed) before the SMTP dialogue and marked
// `sent` after it; a connection error or a 4xx reply schedules another try (about 1 min, 5 min, 15 min, 1 h, then
// every 2 h), a 5xx reply or 48 h of trying (`[outbox] give_up_after`) fails it with the reason on the ticket.
import Foundation
import Logging
import SurelMail
import SurelStore

public struct RetrySchedule: Sendable {
    public var delays: [TimeInterval] = [60, 300, 900, 3600]
    public var thereafter: TimeInterval = 7200
    public var giveUpAfter: TimeInterval = 48 * 3600
    public init() {}

    /// When to try again after `attempts` failed tries of a mail queued at `created`; nil: give up.
    public func next(after attempts: Int, created: Date, now: Date) -> Date? {
        let delay = attempts - 1 < delays.count ? delays[max(0, attempts - 1)] : thereafter
        let at = now.addingTimeInterval(delay)
        return at.timeIntervalSince(created) > giveUpAfter ? nil : at
    }

    /// How a mail that was given up on is described: "gave up after 48 h" ([outbox] give_up_after as set).
    public var giveUpNote: String {
        let s = Int(giveUpAfter.rounded())
        let span = s % 3600 == 0 ? "\(s / 3600) h" : s % 60 == 0 ? "\(s / 60) min" : "\(s) s"
        return "gave up after \(span)"
    }
}

public struct OutboxReport: Sendable, Equatable {
    public var sent = 0, retried = 0, failed = 0
}

public final class OutboxWorker {
    let database: SurelDatabase
    let sender: MailSender
    let schedule: RetrySchedule
    let logger: Logger
    let now: () -> Date

    public init(database: SurelDatabase, sender: MailSender, schedule: RetrySchedule = RetrySchedule(),
                logger: Logger, now: @escaping () -> Date = Date.init) {
        self.database = database; self.sender = sender; self.schedule = schedule; self.logger = logger; self.now = now
    }

    /// Sends every due mail; stops early when the server is unreachable (the rest waits for the next round).
    @discardableResult
    public func sendDue(shouldStop: () -> Bool = { false }) throws -> OutboxReport {
        var report = OutboxReport()
        for item in try database.dueOutbox(now: now()) {
            if shouldStop() { break }
            guard let id = item.id, try database.markSending(id),
                  let raw = try database.outgoingRaw(messageRowID: item.messageRowID) else { continue }
            do {
                try sender.send(raw, from: item.envelopeFrom, to: item.recipientList)
                try database.markSent(id, at: now())
                report.sent += 1
                // No addresses in the journal: it is read more widely than the store, and a confidential
                // complainant's address must not show there (`surel outbox list` names them to those who may see).
                logger.info("mail sent", metadata: ["outbox": "\(id)", "purpose": "\(item.purpose)",
                                                    "ticket": "\(item.ticketID.map(String.init) ?? "-")",
                                                    "recipients": "\(item.recipientList.count)"])
            } catch let e as SendError {
                switch e {
                case .permanent:
                    try database.markFailed(id, error: e.description, at: now())
                    report.failed += 1
                    logger.error("mail refused", metadata: ["outbox": "\(id)", "reply": "\(e)"])
                case .transient(let reason):
                    if let next = schedule.next(after: item.attempts + 1, created: item.createdAt, now: now()) {
                        try database.markRetry(id, error: reason, next: next)
                        report.retried += 1
                        logger.warning("mail not sent, will retry", metadata: [
                            "outbox": "\(id)", "error": "\(reason)", "next": "\(ISO8601DateFormatter().string(from: next))"])
                        // The server is unreachable or busy: the others would fail the same way now.
                        return report
                    }
                    try database.markFailed(id, error: "\(schedule.giveUpNote): \(reason)", at: now())
                    report.failed += 1
                }
            }
        }
        return report
    }
}
