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

    /// The store whose `<store>.outbox.lock` this worker must hold to send; nil: no lock (one process only).
    let lockStorePath: String?
    private var lock: StoreLock?
    private var lockRefusal: String?
    /// The transient error last logged: an outage of the mail server is logged once, not at every retry.
    private var lastTransient: String?

    public init(
        database: SurelDatabase, sender: MailSender, schedule: RetrySchedule = RetrySchedule(),
        lockStorePath: String? = nil, logger: Logger, now: @escaping () -> Date = Date.init
    ) {
        self.database = database; self.sender = sender; self.schedule = schedule; self.logger = logger; self.now = now
        self.lockStorePath = lockStorePath
    }

    /// One process sends the outbox: another `surel run` (say `--once` beside the service) would otherwise queue
    /// again the mail this one has in flight, and send it twice. The lock is tried at every round until held,
    /// then kept for the worker's life; holding it, the mail a dead sender left `sending` is queued again.
    private func holdsLock() throws -> Bool {
        guard let path = lockStorePath, lock == nil else { return true }
        do {
            lock = try StoreLock(
                storePath: path, name: "outbox",
                holder: "pid \(getpid()), \(CommandLine.arguments.dropFirst().prefix(2).joined(separator: " "))")
        } catch let e as StoreLock.Failure {
            if lockRefusal != e.description {  // once per holder, not every round
                lockRefusal = e.description
                logger.notice("outbox not sent by this process", metadata: ["lock": "\(e)"])
            }
            return false
        }
        lockRefusal = nil
        let recovered = try database.recoverInterruptedSends()
        if recovered > 0 {
            logger.warning(
                "mail interrupted while sending is queued again (may arrive twice)",
                metadata: ["count": "\(recovered)"])
        }
        return true
    }

    /// Sends every due mail; stops early when the server is unreachable (the rest waits for the next round).
    /// `progress` is called before each mail (the daemon feeds systemd's watchdog there: a backlog after an
    /// outage may take longer than WatchdogSec).
    @discardableResult
    public func sendDue(shouldStop: () -> Bool = { false }, progress: () -> Void = {}) throws -> OutboxReport {
        var report = OutboxReport()
        guard try holdsLock() else { return report }
        for item in try database.dueOutbox(now: now()) {
            if shouldStop() { break }
            progress()
            guard let id = item.id, try database.markSending(id),
                let raw = try database.outgoingRaw(messageRowID: item.messageRowID)
            else { continue }
            do {
                try sender.send(raw, from: item.envelopeFrom, to: item.recipientList)
                try database.markSent(id, at: now())
                report.sent += 1
                if lastTransient != nil {
                    logger.notice("mail is being sent again")
                    lastTransient = nil
                }
                // No addresses in the journal: it is read more widely than the store, and a confidential
                // complainant's address must not show there (`surel outbox list` names them to those who may see).
                logger.info(
                    "mail sent",
                    metadata: [
                        "outbox": "\(id)", "purpose": "\(item.purpose)",
                        "ticket": "\(item.ticketID.map(String.init) ?? "-")",
                        "recipients": "\(item.recipientList.count)",
                    ])
            } catch let e as SendError {
                switch e {
                case .permanent:
                    try database.markFailed(id, error: e.description, at: now())
                    report.failed += 1
                    logger.error(
                        "mail refused", metadata: ["outbox": "\(id)", "reply": "\(Self.withoutAddresses("\(e)"))"])
                case .transient(let reason):
                    if let next = schedule.next(after: item.attempts + 1, created: item.createdAt, now: now()) {
                        try database.markRetry(id, error: reason, next: next)
                        report.retried += 1
                        let error = Self.withoutAddresses(reason)
                        if error != lastTransient {  // once per outage or new reason, not at every retry
                            lastTransient = error
                            logger.warning(
                                "mail not sent, will retry",
                                metadata: [
                                    "outbox": "\(id)", "error": "\(error)",
                                    "next": "\(ISO8601DateFormatter().string(from: next))",
                                ])
                        }
                        // The server is unreachable or busy: the others would fail the same way now.
                        return report
                    }
                    try database.markFailed(id, error: "\(schedule.giveUpNote): \(reason)", at: now())
                    report.failed += 1
                    logger.error(
                        "mail given up",
                        metadata: [
                            "outbox": "\(id)", "purpose": "\(item.purpose)",
                            "error": "\(schedule.giveUpNote): \(Self.withoutAddresses(reason))",
                        ])
                }
            }
        }
        return report
    }

    private static let address = try! NSRegularExpression(pattern: #"[^\s<>()\[\]"',;:]+@[^\s<>()\[\]"',;:]+"#)

    /// An SMTP reply for the journal: servers name the recipient ("550 5.1.1 <warga@example.go.id>: ..."), and the
    /// journal names no one (the row in the store keeps the reply whole).
    static func withoutAddresses(_ text: String) -> String {
        address.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "(alamat)")
    }
}
