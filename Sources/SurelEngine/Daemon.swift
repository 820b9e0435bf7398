// `surel run`: poll forever (or once), back off on connection errors, stop cleanly on SIGTERM/SIGINT.
import Foundation
import Logging
import SurelCore
import SurelMail
import SurelStore
#if canImport(Glibc)
    import Glibc
#endif

/// Set by SIGTERM/SIGINT; the loop finishes the current message and returns.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var signalled = false
    private let wake = DispatchSemaphore(value: 0)
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    /// Set only by SIGTERM/SIGINT (`set()` is also how `run --once` ends its blast thread).
    public var bySignal: Bool { lock.lock(); defer { lock.unlock() }; return signalled }

    public func set() {
        lock.lock(); stopped = true; lock.unlock()
        wake.signal()
    }

    /// Routes SIGTERM and SIGINT here instead of killing the process; SIGHUP (sent out of habit to reload a
    /// daemon) is ignored and reported through `onHangup`: its default action would end the service, and systemd
    /// would not restart what it sees as a clean exit.
    public func installHandlers(onHangup: @escaping @Sendable () -> Void = {}) {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            if sig == SIGHUP {
                src.setEventHandler(handler: onHangup)
            } else {
                src.setEventHandler { [weak self] in
                    guard let self else { return }
                    self.lock.lock(); self.signalled = true; self.lock.unlock()
                    self.set()
                }
            }
            src.resume()
            sources.append(src)
        }
    }

    /// Sleeps up to `seconds`, returning early when stopped.
    public func sleep(_ seconds: TimeInterval) {
        guard !isSet else { return }
        _ = wake.wait(timeout: .now() + seconds)
        if isSet { wake.signal() }  // keep later sleeps short too
    }
}

/// Exponential backoff for an outage: 1 s, 2 s, 4 s ... capped.
public struct Backoff: Sendable {
    public var base: TimeInterval = 1
    public var cap: TimeInterval = 300
    public private(set) var failures = 0
    public init(base: TimeInterval = 1, cap: TimeInterval = 300) { self.base = base; self.cap = cap }
    public mutating func nextDelay() -> TimeInterval {
        defer { failures += 1 }
        return min(cap, base * pow(2, Double(min(failures, 30))))
    }
    public mutating func reset() { failures = 0 }
}

public final class Daemon {
    let config: SurelConfig
    let logger: Logger
    let stop: StopSignal
    let notifier: SystemdNotifier

    public init(config: SurelConfig, logger: Logger, stop: StopSignal, notifier: SystemdNotifier = SystemdNotifier()) {
        self.config = config; self.logger = logger; self.stop = stop; self.notifier = notifier
    }

    /// Blasts run on their own thread and SMTP connection, so a long blast never holds up the mailbox: due ones
    /// are started every few seconds (BlastSender queues again the recipients a crash left in flight).
    func startBlastThread(database: SurelDatabase, once: Bool) throws -> DispatchSemaphore? {
        guard let smtp = config.smtp else { return nil }
        let sender = try BlastSender(
            database: database, config: config,
            makeSender: { CurlSMTPSender(endpoint: smtp.endpoint) }, logger: logger)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            defer { done.signal() }
            var sentElsewhere = Set<Int64>()  // logged once, not every 5 s
            var failing: [Int64: String] = [:]  // the error each failing blast last logged
            repeat {
                do {
                    // SIGTERM/SIGINT stop a blast between two recipients; `--once` otherwise sends what is due.
                    let stopBlasts = { once ? self.stop.bySignal : self.stop.isSet }
                    for id in try database.dueBlasts(now: Date()) where !stopBlasts() {
                        let r: BlastRunReport
                        do {
                            r = try sender.run(id, shouldStop: stopBlasts)
                        } catch BlastError.sendingElsewhere(_, let holder) {
                            if sentElsewhere.insert(id).inserted {
                                logger.info(
                                    "blast sent by another process: left to it",
                                    metadata: ["blast": "\(id)", "holder": "\(holder)"])
                            }
                            continue
                        } catch {
                            // One blast that cannot be sent (a template broken before `blast create` checked them,
                            // say) must not hold up the blasts after it: logged once per error, tried each round.
                            if failing.updateValue("\(error)", forKey: id) != "\(error)" {
                                logger.error("blast cannot be sent", metadata: ["blast": "\(id)", "error": "\(error)"])
                            }
                            continue
                        }
                        sentElsewhere.remove(id)
                        failing[id] = nil
                        // Not every 5 s while a blast only waits for its retries.
                        if r.sent + r.failed + r.deferred > 0 || r.ended != "waiting" {
                            logger.info(
                                "blast round",
                                metadata: [
                                    "blast": "\(id)", "sent": "\(r.sent)", "deferred": "\(r.deferred)",
                                    "failed": "\(r.failed)", "ended": "\(r.ended)",
                                ])
                        }
                    }
                } catch {
                    logger.error("blast: error", metadata: ["error": "\(error)"])
                }
                if once { return }
                stop.sleep(5)
            } while !stop.isSet
        }
        thread.name = "surel-blast"
        thread.start()
        return done
    }

    /// Runs cycles until stopped (or one cycle with `once`). Returns the process exit code.
    public func run(once: Bool) throws -> Int32 {
        let database = try SurelDatabase(path: config.store.path)
        let attachments = try AttachmentDirectory(path: config.store.attachments)
        let source = CurlIMAPSource(endpoint: config.mailbox.endpoint)
        let classifiers = ClassifierService(database: database, settings: config.classify, taxonomy: config.taxonomy)
        do {
            let trainedOn = try classifiers.prepare(logger: logger)
            logger.info("classifier ready", metadata: ["trained_on": "\(trainedOn)"])
        } catch {
            // Mail is still stored: new tickets stay unclassified, in the review queue, until a model exists.
            logger.error("no classifier: new tickets stay unclassified", metadata: ["error": "\(error)"])
        }
        // A year the holiday calendar lacks leaves its tickets without SLA deadlines (reported by the SLA
        // monitor), not the mailbox unread: mail is stored and sent whatever the calendar holds.
        do { try config.sla.calendar.requireYear(Date().yearInJakarta) } catch {
            logger.error("no SLA deadlines this year", metadata: ["error": "\(error)"])
        }
        warnOfAMissingNextYear(config.sla.calendar)
        var acknowledger: Acknowledger?
        var templates: MailTemplates?
        if config.smtp != nil {
            templates = try config.mailTemplates()
            acknowledger = try Acknowledger(
                templates: templates!, config: config, calendar: config.sla.calendar,
                hours: config.sla.hours)
        }
        let slaMonitor = SLAMonitor(
            sla: SLA(calendar: config.sla.calendar, hours: config.sla.hours), database: database,
            config: config, templates: templates, logger: logger)
        let ingestor = Ingestor(
            config: config, database: database, attachments: attachments, source: source,
            classifiers: classifiers, acknowledger: acknowledger, logger: logger)
        let blasts = try startBlastThread(database: database, once: once)
        let outbox = config.smtp.map {
            OutboxWorker(
                database: database, sender: CurlSMTPSender(endpoint: $0.endpoint), schedule: config.outbox.retry,
                lockStorePath: config.store.path, logger: logger)
        }
        if config.smtp == nil { logger.notice("no [smtp] section: outgoing mail waits in the outbox") }
        logger.info(
            "surel started",
            metadata: [
                "mailbox": "\(source.displayName)", "store": "\(config.store.path)",
                "poll_interval": "\(config.mailbox.pollInterval)", "version": "\(SurelVersion.description)",
            ])
        notifier.ready(status: "polling \(source.displayName)")
        // The heartbeat the console reads; failing to write it must not stop the mail.
        func heartbeat(_ write: () throws -> Void) {
            do { try write() } catch { logger.warning("status not recorded", metadata: ["error": "\(error)"]) }
        }
        heartbeat { try database.recordDaemonStart() }
        heartbeat { try database.refreshStatistics() }
        var statisticsAt = Date()
        var backoff = Backoff()
        var outageSince: Date?
        var exitCode: Int32 = 0
        func sendOutbox() {
            // Apart: a failing SLA check (say, the holiday calendar lacks a year) must not hold up the mail.
            do { try slaMonitor.check() } catch { logger.error("SLA: error", metadata: ["error": "\(error)"]) }
            do { try outbox?.sendDue(shouldStop: { stop.isSet }, progress: { notifier.watchdog() }) } catch {
                logger.error("outbox: error", metadata: ["error": "\(error)"])
            }
        }
        while !stop.isSet {
            notifier.watchdog()
            do {
                let report = try ingestor.runCycle(shouldStop: { stop.isSet }, progress: { notifier.watchdog() })
                if let since = outageSince {
                    logger.notice(
                        "mailbox reachable again",
                        metadata: ["outage_seconds": "\(Int(Date().timeIntervalSince(since)))"])
                    outageSince = nil
                }
                backoff.reset()
                heartbeat { try database.recordPoll() }
                // SQLite's statistics follow the store's growth (the console's lists choose their index by them).
                if !once, Date().timeIntervalSince(statisticsAt) > 86_400 {
                    heartbeat { try database.refreshStatistics() }
                    statisticsAt = Date()
                }
                if report.fetched > 0 || report.vanished > 0 {
                    logger.info("cycle done", metadata: Self.metadata(report))
                }
                sendOutbox()
                notifier.status(
                    "last poll \(ISO8601DateFormatter().string(from: Date())): \(report.fetched) fetched, \(report.newTickets) new tickets"
                )
                if once { break }
                idle(config.mailbox.pollInterval)
            } catch let e as Ingestor.MessageFetchFailure {
                // One message's problem: the mailbox is fine. Counted against that message (Ingestor), tried again
                // soon; the outbox still goes out.
                logger.warning(
                    "message not fetched, tried again next cycle", metadata: ["uid": "\(e.uid)", "error": "\(e.error)"])
                sendOutbox()
                if once { exitCode = 75; break }
                idle(backoff.nextDelay())
            } catch let e as IMAPError where e.isConnectionError || Self.isTransient(e) {
                // Logged once per outage, not once per retry.
                if outageSince == nil {
                    outageSince = Date()
                    logger.error("mailbox unreachable, retrying with backoff", metadata: ["error": "\(e)"])
                    heartbeat { try database.recordDaemonError("mailbox unreachable: \(e)") }
                    notifier.status("mailbox unreachable: \(e)")
                }
                sendOutbox()  // an IMAP outage does not stop the mail that waits
                if once { exitCode = 75; break }  // EX_TEMPFAIL
                idle(backoff.nextDelay())
            } catch {
                // Another IMAP error (a refused login), or the store (disk full, locked past the busy timeout by a
                // long CLI or a backup): nothing was lost (the message's transaction did not commit), so wait and try
                // again rather than crash-loop.
                let what = error is IMAPError ? "mailbox error" : "store error"
                logger.error("\(what)", metadata: ["error": "\(error)"])
                heartbeat { try database.recordDaemonError("\(what): \(error)") }
                notifier.status("\(what): \(error)")
                if once { exitCode = 1; break }
                idle(max(config.mailbox.pollInterval, backoff.nextDelay()))
            }
        }
        notifier.stopping()
        if let blasts {
            stop.set()  // --once: the blast thread sends what is due, then ends with the daemon
            blasts.wait()
        }
        logger.info("surel stopped")
        return exitCode
    }

    /// Sleeps `seconds` (returning early when stopped) while still feeding the systemd watchdog: a poll interval
    /// or a backoff delay may be far longer than WatchdogSec.
    func idle(_ seconds: TimeInterval) {
        let until = Date().addingTimeInterval(seconds)
        while !stop.isSet {
            let left = until.timeIntervalSinceNow
            if left <= 0 { break }
            // Slices of a quarter of WATCHDOG_USEC: pings stay well inside the limit.
            stop.sleep(min(left, notifier.watchdogInterval.map { $0 / 2 } ?? left))
            notifier.watchdog()
        }
    }

    /// From October (the next year's holidays and collective leave are decreed around then): a calendar without
    /// next year would leave January's tickets without a deadline.
    func warnOfAMissingNextYear(_ calendar: WorkingCalendar, now: Date = Date()) {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "Asia/Jakarta")!
        let year = now.yearInJakarta
        guard gregorian.component(.month, from: now) >= 10, !calendar.years.contains(year + 1) else { return }
        logger.warning(
            """
            the holiday calendar lacks next year: add its holidays and collective leave before January, \
            or its tickets get no SLA deadline
            """, metadata: ["year": "\(year + 1)", "setting": "[sla] calendar"])
    }

    /// UIDVALIDITY changes mid-cycle and dropped connections during a command are worth a quick retry.
    static func isTransient(_ e: IMAPError) -> Bool {
        if case .uidValidityChanged = e { return true }
        return false
    }

    static func metadata(_ r: CycleReport) -> Logger.Metadata {
        [
            "fetched": "\(r.fetched)", "new_tickets": "\(r.newTickets)", "joined": "\(r.joined)",
            "autoreplies": "\(r.autoReplies)", "bounces": "\(r.bounces)", "quarantined": "\(r.quarantined)",
            "unsubscribes": "\(r.unsubscribes)", "duplicates": "\(r.duplicates)",
        ]
    }
}
