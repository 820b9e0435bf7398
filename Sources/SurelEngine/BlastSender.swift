// Sends a blast at a configured pace over one or more SMTP connections (`[blast] connections`), optionally capping
// the mail to one recipient domain per minute (`[blast] per_domain`). Each recipient is claimed (state `sending`,
// with the Message-ID its mail carries) in a committed transaction before its SMTP dialogue and settled after it
// (together with the next claim), so a crash leaves at most the ones in flight to be sent again (marked possibly
// duplicated by the next run of the blast, in the daemon or `surel blast send`). One process sends a blast at a
// time (BlastSendLock). Pause and cancel are seen between recipients.
import Foundation
import Logging
import SurelMail
import SurelStore

public struct BlastRunReport: Sendable, Equatable {
    public var sent = 0, deferred = 0, failed = 0
    /// Why the run ended: done, paused, cancelled, stopped, waiting (only deferred recipients left, not yet due).
    public var ended = ""
}

/// One mail per `interval` across all connections; `wait()` returns when the caller may send.
final class Pacer: @unchecked Sendable {
    private let lock = NSLock()
    private var next = Date()
    let interval: TimeInterval
    init(interval: TimeInterval) { self.interval = interval }
    /// `beforeSleeping` runs first when the caller has to wait at all.
    func wait(beforeSleeping: () throws -> Void) rethrows {
        guard interval > 0 else { return }
        lock.lock()
        let at = max(next, Date())
        next = at.addingTimeInterval(interval)
        lock.unlock()
        guard at.timeIntervalSinceNow > 0.001 else { return }
        try beforeSleeping()
        let wait = at.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }
}

/// At most `perMinute` mails to one domain in any `window` (60 s); `wait(for:)` returns when the domain may get
/// one more.
final class DomainLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [String: [Date]] = [:]
    let perMinute: Int?
    let window: TimeInterval
    init(perMinute: Int?, window: TimeInterval = 60) { self.perMinute = perMinute; self.window = window }
    func wait(for email: String) { wait(for: email, beforeSleeping: {}) }
    func wait(for email: String, beforeSleeping: () throws -> Void) rethrows {
        guard let perMinute else { return }
        let domain = String(email.split(separator: "@").last ?? "")
        while true {
            lock.lock()
            let now = Date()
            var times = (sent[domain] ?? []).filter { now.timeIntervalSince($0) < window }
            if times.count < perMinute {
                times.append(now)
                sent[domain] = times
                lock.unlock()
                return
            }
            sent[domain] = times
            let until = times[0].addingTimeInterval(window).timeIntervalSince(now)
            lock.unlock()
            try beforeSleeping()
            Thread.sleep(forTimeInterval: max(0.05, until))
        }
    }
}

public final class BlastSender {
    let database: SurelDatabase
    let config: SurelConfig
    let smtp: SurelConfig.SMTP
    let makeSender: () -> MailSender
    let logger: Logger
    let now: () -> Date
    let schedule: RetrySchedule

    /// `makeSender` gives each connection its own client (one per thread).
    public init(
        database: SurelDatabase, config: SurelConfig, makeSender: @escaping () -> MailSender, logger: Logger,
        now: @escaping () -> Date = Date.init
    ) throws {
        let smtp = try config.requireSMTP()
        self.database = database; self.config = config; self.smtp = smtp; self.makeSender = makeSender
        self.logger = logger; self.now = now
        schedule = config.outbox.retry
    }

    /// Sends blast `id` until every recipient is settled, or it is paused or cancelled, or `shouldStop`.
    @discardableResult
    public func run(_ id: Int64, shouldStop: @escaping () -> Bool = { false }) throws -> BlastRunReport {
        let sendLock = try BlastSendLock(
            storePath: config.store.path, blast: id,
            holder: "pid \(getpid()), \(CommandLine.arguments.dropFirst().prefix(2).joined(separator: " "))")
        defer { withExtendedLifetime(sendLock) {} }
        let recovered = try database.recoverBlastSends(blast: id)
        if recovered > 0 {
            logger.warning(
                "blast recipients interrupted while sending are queued again (may receive it twice)",
                metadata: ["blast": "\(id)", "count": "\(recovered)"])
        }
        try database.startBlast(id, at: now())
        guard let blast = try database.blast(id) else { throw BlastError.noSuchBlast(id) }
        let attachments = try database.blastMailAttachments(id)
        let templates = try BlastMail.Templates(blast)
        let pacer = Pacer(interval: config.blastRate.map { 1 / $0 } ?? 0)
        let limiter = DomainLimiter(perMinute: config.blastPerDomainPerMinute)
        let lock = NSLock()
        var report = BlastRunReport()
        var queue: [BlastRecipient] = []
        var exhausted = false
        var firstError: Error?
        var statusCheckedAt = Date.distantPast

        /// The next recipient to try, refilling from the store; nil when none is left or the run must end.
        func next() -> BlastRecipient? {
            lock.lock(); defer { lock.unlock() }
            while report.ended.isEmpty {
                if shouldStop() { report.ended = "stopped"; return nil }
                // Pause and cancel are staff's, in the store: looked at twice a second, not for every mail.
                if Date().timeIntervalSince(statusCheckedAt) >= 0.5 {
                    statusCheckedAt = Date()
                    if let s = try? database.blastStatus(id), s == .paused || s == .cancelled {
                        report.ended = s.rawValue
                        return nil
                    }
                }
                if !queue.isEmpty { return queue.removeFirst() }
                if exhausted { return nil }
                do {
                    queue = try database.nextBlastRecipients(id, now: now(), limit: 200)
                } catch {
                    firstError = firstError ?? error
                    return nil
                }
                if queue.isEmpty { exhausted = true; return nil }
            }
            return nil
        }

        /// How the dialogue with `r` ended, counted in the report.
        func settlement(_ r: BlastRecipient, _ error: SendError?) -> BlastSettlement {
            let at = now()
            lock.lock(); defer { lock.unlock() }
            switch error {
            case nil:
                report.sent += 1
                return BlastSettlement(rowID: r.id, state: .sent, at: at)
            case .permanent?:
                report.failed += 1
                return BlastSettlement(rowID: r.id, state: .failed, error: error?.description, at: at)
            case .transient(let reason)?:
                let next = schedule.next(after: r.attempts + 1, created: r.firstAttemptAt ?? at, now: at)
                if next == nil { report.failed += 1 } else { report.deferred += 1 }
                return BlastSettlement(
                    rowID: r.id, state: next == nil ? .failed : .deferred,
                    error: next == nil ? "gave up: \(reason)" : reason, next: next, at: at)
            }
        }

        func worker() {
            let sender = makeSender()
            // The last dialogue's end is written in the same transaction as the next claim (one commit per mail
            // instead of two), or on its own before any wait, so it is never left unwritten for long.
            var unsettled: BlastSettlement?
            func writeUnsettled() throws {
                if let u = unsettled {
                    try database.settleAndClaimBlastRecipient(settle: u, claim: nil); unsettled = nil
                }
            }
            do {
                while let r = next() {
                    try limiter.wait(for: r.email, beforeSleeping: writeUnsettled)
                    try pacer.wait(beforeSleeping: writeUnsettled)
                    let mail = try BlastMail.compose(
                        blast, to: r, attachments: attachments, smtp: smtp,
                        unsubscribeURL: config.blastUnsubscribeURL, date: now(),
                        templates: templates)
                    let claimed = try database.settleAndClaimBlastRecipient(
                        settle: unsettled, claim: r.id,
                        messageID: mail.messageID, now: now())
                    unsettled = nil
                    guard claimed else { continue }
                    do {
                        try sender.send(mail.raw, from: smtp.from.email, to: [r.email])
                        unsettled = settlement(r, nil)
                    } catch let e as SendError {
                        unsettled = settlement(r, e)
                    }
                }
                try writeUnsettled()
            } catch {
                // The last dialogue's end may still be unwritten (the store failed, say): try once more, else that
                // recipient stays `sending` and the next run mails it again.
                try? writeUnsettled()
                lock.lock(); firstError = firstError ?? error; report.ended = "error"; lock.unlock()
            }
        }

        let connections = max(1, config.blastConnections)
        let group = DispatchGroup()
        // The workers share the run's state through `lock` (and the store through its own serialization), which the
        // compiler cannot see: the box says so instead of a Sendable warning.
        let work = UncheckedSendable(worker)
        for n in 0..<connections {
            group.enter()
            let t = Thread {
                work.value(); group.leave()
            }
            t.name = "surel-blast-\(n)"
            t.start()
        }
        group.wait()
        if let firstError { throw firstError }
        if report.ended.isEmpty {
            report.ended = try database.finishBlastIfDone(id, at: now()) ? "done" : "waiting"
        }
        return report
    }
}

/// A value handed to another thread whose synchronization the code around it guarantees.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
