// The outbox through the real loopback Postfix, delivering to Dovecot over LMTP: a queued mail arrives and reads
// back over IMAP; with Postfix down it stays queued with its reason and goes out once Postfix is back; a 5xx reply
// fails it for good with the reply on record; a crash between "sending" and "sent" is found at the next start.
import Foundation
import Logging
import XCTest
@testable import SurelEngine
@testable import SurelMail
@testable import SurelStore

final class OutboxTests: XCTestCase {
    let from = MailAddress(name: "Contact Center DJPK", email: "callcenter.djpk@kemenkeu.go.id")

    var endpoint: SMTPEndpoint { TestEnv.smtpEndpoint }

    func queue(_ db: SurelDatabase, to rcpt: String, subject: String, at now: Date = Date()) throws -> (Int64, String) {
        var mail = OutgoingMail(
            from: from, to: [MailAddress(name: nil, email: rcpt)], subject: subject,
            text: "Isi surat uji: \(subject)")
        mail.automatic = true
        let (id, raw) = MailComposer.compose(mail, messageIDDomain: "kemenkeu.go.id")
        let item = try db.enqueue(
            OutgoingRecord(
                ticketID: nil, purpose: .test, messageID: id, raw: raw, subject: subject,
                text: mail.text, fromName: from.name, fromEmail: from.email,
                recipients: [rcpt], inReplyTo: [], references: []), at: now)
        return (item.id!, id)
    }

    /// Message-IDs in a Dovecot user's INBOX, read over IMAP.
    func inbox(_ user: String) throws -> [String] { try TestEnv.inbox(user).compactMap(\.messageID) }

    func waitForInbox(_ user: String, count: Int) throws -> [String] {
        TestEnv.poll({ (try? inbox(user)) ?? [] }, until: { $0.count >= count })
    }

    func testQueuedMailArrivesAndAnOutageOnlyDelaysIt() throws {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let db = try SurelDatabase(path: dir.path + "/surel.sqlite")
        var clock = Date()
        let worker = OutboxWorker(
            database: db, sender: CurlSMTPSender(endpoint: endpoint),
            logger: Logger(label: "test"), now: { clock })
        let rcpt = TestEnv.freshUser("warga") + "@example.test"

        let (first, firstID) = try queue(db, to: rcpt, subject: "Uji satu", at: clock)
        XCTAssertEqual(try worker.sendDue(), OutboxReport(sent: 1))
        XCTAssertEqual(try db.outbox().first { $0.id == first }?.status, .sent)
        XCTAssertEqual(try waitForInbox(rcpt, count: 1), [firstID])

        // Postfix down: the mail stays queued with the reason, is not tried again before its time, and goes out
        // once Postfix is back.
        try TestEnv.mailservers("stop", "postfix")
        defer { if !TestEnv.portOpen(TestEnv.smtpPort) { try? TestEnv.mailservers("start", "postfix") } }
        let (second, secondID) = try queue(db, to: rcpt, subject: "Uji dua", at: clock)
        XCTAssertEqual(try worker.sendDue(), OutboxReport(retried: 1))
        var row = try XCTUnwrap(try db.outbox().first { $0.id == second })
        XCTAssertEqual(row.status, .queued)
        XCTAssertEqual(row.attempts, 1)
        XCTAssertNotNil(row.lastError, "the reason is kept")
        XCTAssertEqual(row.nextAttemptAt.timeIntervalSince(clock), 60, accuracy: 1, "first retry after about a minute")
        XCTAssertEqual(try worker.sendDue(), OutboxReport(), "not due yet")

        try TestEnv.mailservers("start", "postfix")
        clock = clock.addingTimeInterval(61)
        XCTAssertEqual(try worker.sendDue(), OutboxReport(sent: 1))
        row = try XCTUnwrap(try db.outbox().first { $0.id == second })
        XCTAssertEqual(row.status, .sent)
        XCTAssertEqual(Set(try waitForInbox(rcpt, count: 2)), [firstID, secondID])
    }

    /// What the journal gets of an SMTP outage: one line when it starts (not one per retry round), one when mail
    /// goes out again, and an error for a mail given up.
    func testAnOutageIsLoggedOnceAndAGivenUpMailIsLogged() throws {
        final class Lines: @unchecked Sendable {
            let lock = NSLock(); var all: [String] = []
            func add(_ s: String) { lock.lock(); all.append(s); lock.unlock() }
            func count(_ s: String) -> Int { lock.lock(); defer { lock.unlock() }; return all.filter { $0 == s }.count }
        }
        struct Capture: LogHandler {
            let lines: Lines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { nil }
                set {}
            }
            func log(event: LogEvent) { lines.add(event.message.description) }
        }
        let lines = Lines()
        let logger = Logger(label: "test", factory: { _ in Capture(lines: lines) })
        let db = try SurelDatabase(inMemory: ())
        var clock = Date()
        var down = endpoint
        down.port = 1  // nothing listens there
        var schedule = RetrySchedule()
        schedule.giveUpAfter = 3600
        let worker = OutboxWorker(
            database: db, sender: CurlSMTPSender(endpoint: down), schedule: schedule,
            logger: logger, now: { clock })
        _ = try queue(db, to: "warga@example.test", subject: "Tertunda", at: clock)
        for _ in 0..<3 {  // retried after 1, 5 and 15 minutes
            XCTAssertEqual(try worker.sendDue().retried, 1)
            clock = clock.addingTimeInterval(901)
        }
        XCTAssertEqual(lines.count("mail not sent, will retry"), 1, "\(lines.all)")
        clock = clock.addingTimeInterval(3600)
        XCTAssertEqual(try worker.sendDue().failed, 1)
        XCTAssertEqual(lines.count("mail given up"), 1, "\(lines.all)")
    }

    /// The give-up note names the configured span, not a fixed 48 h.
    func testGiveUpNoteNamesTheConfiguredSpan() {
        var s = RetrySchedule()
        XCTAssertEqual(s.giveUpNote, "gave up after 48 h")
        s.giveUpAfter = 6 * 3600
        XCTAssertEqual(s.giveUpNote, "gave up after 6 h")
        s.giveUpAfter = 90 * 60
        XCTAssertEqual(s.giveUpNote, "gave up after 90 min")
        let created = Date(timeIntervalSince1970: 0)
        XCTAssertNotNil(s.next(after: 1, created: created, now: created.addingTimeInterval(80 * 60)))
        XCTAssertNil(
            s.next(after: 5, created: created, now: created.addingTimeInterval(89 * 60)), "past 90 min: given up")
    }

    /// The test Postfix refuses one domain for now (450) and one for good (550): see scripts/test-mailservers.
    func testA4xxIsRetriedAnd5xxFailsWithTheServersWordsKept() throws {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let db = try SurelDatabase(path: dir.path + "/surel.sqlite")
        var clock = Date()
        let worker = OutboxWorker(
            database: db, sender: CurlSMTPSender(endpoint: endpoint), logger: Logger(label: "test"),
            now: { clock })
        let (busy, _) = try queue(db, to: "warga@tempfail.surel.test", subject: "Kotak sibuk", at: clock)
        XCTAssertEqual(try worker.sendDue(), OutboxReport(retried: 1))
        var row = try XCTUnwrap(try db.outbox().first { $0.id == busy })
        XCTAssertEqual(row.status, .queued)
        XCTAssertTrue(row.lastError?.contains("450 4.2.0") == true, "the server's words: \(row.lastError ?? "nil")")
        clock = clock.addingTimeInterval(61)
        XCTAssertEqual(try worker.sendDue(), OutboxReport(retried: 1), "tried again when due, still refused")
        row = try XCTUnwrap(try db.outbox().first { $0.id == busy })
        XCTAssertEqual(row.attempts, 2)
        XCTAssertEqual(row.nextAttemptAt.timeIntervalSince(clock), 300, accuracy: 1, "then after five minutes")
        // Past 48 hours of refusals it fails for good.
        clock = clock.addingTimeInterval(49 * 3600)
        XCTAssertEqual(try worker.sendDue(), OutboxReport(failed: 1))
        XCTAssertTrue(try db.outbox(status: .failed).first?.lastError?.hasPrefix("gave up after 48 h") == true)

        let (gone, _) = try queue(db, to: "warga@permfail.surel.test", subject: "Alamat tidak ada", at: clock)
        XCTAssertEqual(try worker.sendDue(), OutboxReport(failed: 1))
        let failed = try XCTUnwrap(try db.outbox(status: .failed).first { $0.id == gone })
        XCTAssertTrue(failed.lastError?.hasPrefix("550") == true, "\(failed.lastError ?? "nil")")
        XCTAssertTrue(
            failed.lastError?.contains("No such user here") == true, "the server's words: \(failed.lastError ?? "nil")")
        XCTAssertEqual(try worker.sendDue(), OutboxReport(), "a failed mail is not retried by itself")
        XCTAssertTrue(try db.retryOutbox(gone), "an agent can queue it again")
        XCTAssertTrue(try db.outbox(status: .queued).contains { $0.id == gone })
    }

    /// SMTPS with AUTH and STARTTLS, both verifying the server against the test CA; a wrong password or an
    /// unknown CA keeps the mail queued with the reason (and never shows the password).
    func testTLSAndAuthVerifyTheServerAndKeepMailOnConfigErrors() throws {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let db = try SurelDatabase(path: dir.path + "/surel.sqlite")
        let rcpt = TestEnv.freshUser("tls") + "@example.test"
        func worker(_ e: SMTPEndpoint) -> OutboxWorker {
            OutboxWorker(database: db, sender: CurlSMTPSender(endpoint: e), logger: Logger(label: "test"))
        }
        let smtps = SMTPEndpoint(
            scheme: "smtps", host: "127.0.0.1", port: TestEnv.smtpsPort, user: "agen-cc",
            password: TestEnv.password, security: .required, caFile: TestEnv.caFile)
        let starttls = SMTPEndpoint(
            scheme: "smtp", host: "127.0.0.1", port: TestEnv.smtpPort, user: "",
            password: "", security: .starttls, caFile: TestEnv.caFile)
        var wrongPassword = smtps
        wrongPassword.password = "bukan-sandi-yang-benar"
        var unknownCA = smtps
        unknownCA.caFile = nil

        let past = Date().addingTimeInterval(-1)
        let (_, viaSMTPS) = try queue(db, to: rcpt, subject: "Lewat SMTPS", at: past)
        XCTAssertEqual(try worker(smtps).sendDue(), OutboxReport(sent: 1))
        let (_, viaSTARTTLS) = try queue(db, to: rcpt, subject: "Lewat STARTTLS", at: past)
        XCTAssertEqual(try worker(starttls).sendDue(), OutboxReport(sent: 1))
        XCTAssertEqual(Set(try waitForInbox(rcpt, count: 2)), [viaSMTPS, viaSTARTTLS])

        let (refused, _) = try queue(db, to: rcpt, subject: "Sandi salah", at: past)
        XCTAssertEqual(try worker(wrongPassword).sendDue(), OutboxReport(retried: 1))
        let row = try XCTUnwrap(try db.outbox().first { $0.id == refused })
        XCTAssertEqual(row.status, .queued)
        XCTAssertTrue(row.lastError?.contains("login refused") == true, "\(row.lastError ?? "nil")")
        XCTAssertFalse(row.lastError?.contains("bukan-sandi") == true, "no password in the reason")

        try db.writer.write {
            try $0.execute(sql: "UPDATE outbox SET nextAttemptAt = ? WHERE id = ?", arguments: [past, refused])
        }
        XCTAssertEqual(try worker(unknownCA).sendDue(), OutboxReport(retried: 1))
        let tls = try XCTUnwrap(try db.outbox().first { $0.id == refused })
        XCTAssertTrue(tls.lastError?.hasPrefix("TLS") == true, "certificate not verified: \(tls.lastError ?? "nil")")
        XCTAssertEqual(try inbox(rcpt).count, 2, "nothing went out unverified")
    }

    func testACrashBetweenSendingAndSentIsRecoveredAtStart() throws {
        let db = try SurelDatabase(inMemory: ())
        let (id, _) = try queue(db, to: "warga@example.test", subject: "Terputus")
        XCTAssertTrue(try db.markSending(id))
        XCTAssertFalse(try db.markSending(id), "a row is claimed once")
        XCTAssertEqual(try db.dueOutbox(now: Date().addingTimeInterval(1)).count, 0)
        XCTAssertEqual(try db.recoverInterruptedSends(), 1)
        let row = try XCTUnwrap(try db.outbox().first)
        XCTAssertEqual(row.status, .queued)
        XCTAssertTrue(row.possiblyDuplicated)
    }

    /// A second `surel run` beside the one that sends the outbox (say `--once` while the service runs) leaves the
    /// other's mail in flight alone: queued again, it would be sent twice. Once the sender is gone, the next run
    /// takes the interrupted mail up.
    func testOnlyOneProcessSendsTheOutbox() throws {
        try TestEnv.requireServers()
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(
            dir: dir, user: TestEnv.freshUser("outboxlock"),
            extra: """

                \(TestEnv.smtpSection())
                """
        ).path
        let store = dir.path + "/store/surel.sqlite"
        let db = try SurelDatabase(path: store)
        let rcpt = TestEnv.freshUser("warga") + "@example.test"
        let (id, messageID) = try queue(db, to: rcpt, subject: "Sedang dikirim")
        XCTAssertTrue(try db.markSending(id))  // in flight in the process that holds the lock
        var holder: StoreLock? = try StoreLock(storePath: store, name: "outbox", holder: "pid 1, surel run (uji)")
        let beside = try TestEnv.runSurel(["run", "--once", "--config", config])
        XCTAssertEqual(beside.status, 0, beside.err)
        XCTAssertTrue((beside.out + beside.err).contains("outbox not sent by this process"), beside.out + beside.err)
        XCTAssertEqual(try db.outbox().first?.status, .sending, "left to its sender")
        // A long-running sender that found the lock taken (started while a `--once` ran) takes it up once free.
        let worker = OutboxWorker(
            database: db, sender: CurlSMTPSender(endpoint: endpoint), lockStorePath: store,
            logger: Logger(label: "test"))
        XCTAssertEqual(try worker.sendDue().sent, 0)
        XCTAssertEqual(try db.outbox().first?.status, .sending)
        holder = nil
        _ = holder
        XCTAssertEqual(try worker.sendDue().sent, 1, "the lock is tried again at every round")
        let row = try XCTUnwrap(try db.outbox().first)
        XCTAssertEqual(row.status, .sent)
        XCTAssertTrue(row.possiblyDuplicated)
        XCTAssertEqual(try waitForInbox(rcpt, count: 1), [messageID])
    }

    func testTheJournalGetsSMTPRepliesWithoutAddresses() {
        XCTAssertEqual(
            OutboxWorker.withoutAddresses(
                "550: RCPT failed: 550 (550 5.1.1 <pelapor@gmail.com>: Recipient address rejected)"),
            "550: RCPT failed: 550 (550 5.1.1 <(alamat)>: Recipient address rejected)")
        XCTAssertEqual(
            OutboxWorker.withoutAddresses("450 4.2.0 Mailbox busy, try again later"),
            "450 4.2.0 Mailbox busy, try again later")
    }

    func testRetryScheduleGivesUpAfter48Hours() {
        let s = RetrySchedule()
        let t0 = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(s.next(after: 1, created: t0, now: t0), t0.addingTimeInterval(60))
        XCTAssertEqual(s.next(after: 2, created: t0, now: t0), t0.addingTimeInterval(300))
        XCTAssertEqual(s.next(after: 4, created: t0, now: t0), t0.addingTimeInterval(3600))
        XCTAssertEqual(s.next(after: 9, created: t0, now: t0), t0.addingTimeInterval(7200))
        XCTAssertNil(s.next(after: 30, created: t0, now: t0.addingTimeInterval(47 * 3600)))
    }
}
