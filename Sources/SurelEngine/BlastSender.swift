// Sends a blast recipient by recipient at a configured pace, over one reused SMTP connection. Each recipient is
// claimed (state `sending`, with the Message-ID its mail carries) in its own transaction before the SMTP dialogue
// and settled after it, so a crash leaves at most the one in flight to be sent again (marked possibly duplicated at
// the next start). Pause and cancel are seen between recipients.
// Not yet: several connections at once and a per-domain cap (issue 5).
import Foundation
import Logging
import SurelMail
import SurelStore

public struct BlastRunReport: Sendable, Equatable {
    public var sent = 0, deferred = 0, failed = 0
    /// Why the run ended: done, paused, cancelled, stopped, waiting (only deferred recipients left, not yet due).
    public var ended = ""
}

public final class BlastSender {
    let database: SurelDatabase
    let config: SurelConfig
    let smtp: SurelConfig.SMTP
    let sender: MailSender
    let logger: Logger
    let now: () -> Date
    /// Seconds between two mails (0: as fast as the server takes them).
    let interval: TimeInterval
    let schedule: RetrySchedule

    public init(database: SurelDatabase, config: SurelConfig, sender: MailSender, logger: Logger,
                now: @escaping () -> Date = Date.init) throws {
        guard let smtp = config.smtp else { throw BlastError.cannot("no [smtp] section: blasts cannot be sent") }
        self.database = database; self.config = config; self.smtp = smtp; self.sender = sender; self.logger = logger
        self.now = now
        interval = config.blastRate.map { 1 / $0 } ?? 0
        schedule = config.outbox.retry
    }

    /// Sends blast `id` until every recipient is settled, or it is paused or cancelled, or `shouldStop`.
    @discardableResult
    public func run(_ id: Int64, shouldStop: () -> Bool = { false }) throws -> BlastRunReport {
        var report = BlastRunReport()
        try database.startBlast(id, at: now())
        guard let blast = try database.blast(id) else { throw BlastError.noSuchBlast(id) }
        let attachments = try database.blastAttachments(id)
        var nextSend = Date()
        while true {
            let batch = try database.nextBlastRecipients(id, now: now(), limit: 50)
            if batch.isEmpty {
                report.ended = try database.finishBlastIfDone(id, at: now()) ? "done" : "waiting"
                return report
            }
            for r in batch {
                if shouldStop() { report.ended = "stopped"; return report }
                if let s = try database.blastStatus(id), s == .paused || s == .cancelled {
                    report.ended = s.rawValue
                    return report
                }
                // Hold the pace: one mail per interval, measured from the first.
                let wait = nextSend.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                nextSend = max(nextSend, Date().addingTimeInterval(-interval)).addingTimeInterval(interval)
                let mail = try BlastMail.compose(blast, to: r, attachments: attachments, smtp: smtp,
                                                 unsubscribeURL: config.blastUnsubscribeURL, date: now())
                guard try database.claimBlastRecipient(r.id, messageID: mail.messageID) else { continue }
                do {
                    try sender.send(mail.raw, from: smtp.from.email, to: [r.email])
                    try database.finishBlastRecipient(r.id, state: "sent", at: now())
                    report.sent += 1
                } catch let e as SendError {
                    switch e {
                    case .permanent:
                        try database.finishBlastRecipient(r.id, state: "failed", error: e.description, at: now())
                        report.failed += 1
                    case .transient(let reason):
                        let next = schedule.next(after: r.attempts + 1, created: blast.startedAt ?? blast.createdAt, now: now())
                        try database.finishBlastRecipient(r.id, state: next == nil ? "failed" : "deferred",
                                                          error: next == nil ? "gave up: \(reason)" : reason, next: next,
                                                          at: now())
                        if next == nil { report.failed += 1 } else { report.deferred += 1 }
                    }
                }
            }
        }
    }
}
