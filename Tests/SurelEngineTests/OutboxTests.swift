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

    func requirePostfix() throws {
        try TestEnv.requireServers()
        if !TestEnv.portOpen(TestEnv.smtpPort) {
            let msg = "Postfix is not running on 127.0.0.1:\(TestEnv.smtpPort): run `scripts/test-mailservers start`"
            if TestEnv.env["CI"] == "true" { XCTFail(msg) }
            throw XCTSkip(msg)
        }
    }

    var endpoint: SMTPEndpoint {
        SMTPEndpoint(scheme: "smtp", host: "127.0.0.1", port: TestEnv.smtpPort, user: "", password: "", security: .none,
                     caFile: nil)
    }

    func queue(_ db: SurelDatabase, to rcpt: String, subject: String, at now: Date = Date()) throws -> (Int64, String) {
        var mail = OutgoingMail(from: from, to: [MailAddress(name: nil, email: rcpt)], subject: subject,
                                text: "Isi surat uji: \(subject)")
        mail.automatic = true
        let (id, raw) = MailComposer.compose(mail, messageIDDomain: "kemenkeu.go.id")
        let item = try db.enqueue(OutgoingRecord(ticketID: nil, purpose: "test", messageID: id, raw: raw, subject: subject,
                                                 text: mail.text, fromName: from.name, fromEmail: from.email,
                                                 recipients: [rcpt], inReplyTo: [], references: []), at: now)
        return (item.id!, id)
    }

    /// Message-IDs in a Dovecot user's INBOX, read over IMAP.
    func inbox(_ user: String) throws -> [String] {
        let source = CurlIMAPSource(endpoint: IMAPEndpoint(scheme: "imap", host: "127.0.0.1", port: TestEnv.imapPort,
                                                           folder: "INBOX", user: user, password: TestEnv.password,
                                                           security: .none, caFile: nil))
        let status = try source.status()
        return try source.uids(above: 0, uidValidity: status.uidValidity).compactMap {
            try source.fetch(uid: $0, uidValidity: status.uidValidity).flatMap(rawMessageID)
        }
    }

    func waitForInbox(_ user: String, count: Int) throws -> [String] {
        TestEnv.poll({ (try? inbox(user)) ?? [] }, until: { $0.count >= count })
    }

    func testQueuedMailArrivesAndAnOutageOnlyDelaysIt() throws {
        try requirePostfix()
        let dir = try TestEnv.scratch(self)
        let db = try SurelDatabase(path: dir.path + "/surel.sqlite")
        var clock = Date()
        let worker = OutboxWorker(database: db, sender: CurlSMTPSender(endpoint: endpoint),
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

    func testA5xxReplyFailsForGoodWithTheReplyKept() throws {
        try requirePostfix()
        let dir = try TestEnv.scratch(self)
        let db = try SurelDatabase(path: dir.path + "/surel.sqlite")
        let worker = OutboxWorker(database: db, sender: CurlSMTPSender(endpoint: endpoint), logger: Logger(label: "test"))
        // Postfix refuses a recipient address it cannot parse: "501 5.1.3 Bad recipient address syntax".
        let (id, _) = try queue(db, to: "warga@@example..test", subject: "Alamat rusak")
        XCTAssertEqual(try worker.sendDue(), OutboxReport(failed: 1))
        let row = try XCTUnwrap(try db.outbox(status: .failed).first)
        XCTAssertEqual(row.id, id)
        XCTAssertTrue(row.lastError?.hasPrefix("5") == true, "\(row.lastError ?? "nil")")
        XCTAssertEqual(try worker.sendDue(), OutboxReport(), "a failed mail is not retried by itself")
        XCTAssertTrue(try db.retryOutbox(id), "an agent can queue it again")
        XCTAssertEqual(try db.outbox(status: .queued).map(\.id), [id])
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
