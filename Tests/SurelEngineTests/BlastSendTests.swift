// Sending blasts through the real servers (Postfix -> LMTP -> Dovecot): every recipient gets exactly one
// personalized mail, the configured pace is held, and a pause in the middle loses and repeats no one.
// Over 600 lines: one scenario per test against the real Postfix and Dovecot, sharing this file's blast and inbox
// helpers; split, they would only move those helpers into a file of their own.
import Foundation
import Logging
import XCTest
@testable import SurelEngine
@testable import SurelMail
@testable import SurelStore

final class BlastSendTests: XCTestCase {
    /// A list of `n` fresh Dovecot users, a blast to it; returns (config path, blast id, addresses).
    func prepare(_ n: Int, rate: String?, connections: Int = 1) throws -> (String, Int, [String]) {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(
            dir: dir, user: "blast-send",
            extra: """

                \(TestEnv.smtpSection())

                [blast]
                connections = \(connections)
                \(rate.map { "rate = \"\($0)\"" } ?? "")
                """
        ).path
        let tag = TestEnv.freshUser("pemda")
        let addresses = (1...n).map { "\(tag)-\($0)@example.test" }
        let csv = dir.appendingPathComponent("list.csv")
        try
            ("email,name,nomor\n"
            + addresses.enumerated().map { "\($1),Kepala Daerah \($0 + 1),\($0 + 1)" }.joined(separator: "\n") + "\n")
            .write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TestEnv.runSurel(["lists", "import", "l", csv.path, "--config", config]).status, 0)
        let template = dir.appendingPathComponent("t.txt")
        try "Yth. {{name}},\nNomor urut Anda {{nomor}}.\n".write(to: template, atomically: true, encoding: .utf8)
        let create = try TestEnv.runSurel([
            "blast", "create", "--list", "l", "--subject", "Pengumuman untuk {{name}}",
            "--template", template.path, "--json", "--config", config,
        ])
        let id = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(create.out.utf8)) as? [String: Any])?["id"] as? Int)
        return (config, id, addresses)
    }

    func status(_ config: String, _ id: Int) throws -> [String: Any] {
        let r = try TestEnv.runSurel(["blast", "status", String(id), "--json", "--config", config])
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    }

    func testTwoHundredRecipientsEachGetTheirOwnMailOnce() throws {
        try TestEnv.requireServers()
        // Four SMTP connections at once: still each recipient exactly once.
        let (config, id, addresses) = try prepare(200, rate: nil, connections: 4)
        let send = try TestEnv.runSurel(["blast", "send", String(id), "--config", config])
        XCTAssertEqual(send.status, 0, send.err)
        XCTAssertTrue(send.out.contains("200 terkirim"), send.out)
        let s = try status(config, id)
        XCTAssertEqual(s["sent"] as? Int, 200)
        XCTAssertEqual(s["pending"] as? Int, 0)
        XCTAssertEqual(s["status"] as? String, "done")
        XCTAssertGreaterThan(s["rate_per_second"] as? Double ?? 0, 0, "sent within the last minute")
        for (i, a) in addresses.enumerated() {
            let got = TestEnv.waitForInbox(a, until: { !$0.isEmpty })
            XCTAssertEqual(got.count, 1, "\(a) received \(got.count)")
            guard let m = got.first else { continue }
            XCTAssertEqual(m.subject, "Pengumuman untuk Kepala Daerah \(i + 1)")
            XCTAssertTrue(m.text.contains("Nomor urut Anda \(i + 1)."), m.text)
            XCTAssertEqual(m.header("Precedence"), "bulk")
        }
    }

    /// `blast test ID --to ADDRESS`: the first recipient's mail, personalized, reaches the test address through the
    /// outbox; the blast itself stays untouched.
    func testATestMailReachesTheTestAddressOnly() throws {
        try TestEnv.requireServers()
        let (config, id, addresses) = try prepare(2, rate: nil)
        let tester = TestEnv.freshUser("penguji") + "@example.test"
        let r = try TestEnv.runSurel(["blast", "test", String(id), "--to", tester, "--config", config])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let got = TestEnv.waitForInbox(tester, until: { !$0.isEmpty })
        XCTAssertEqual(got.map(\.subject), ["Pengumuman untuk Kepala Daerah 1"])
        XCTAssertTrue(got.first?.text.contains("Nomor urut Anda 1.") == true, got.first?.text ?? "")
        XCTAssertEqual(got.first?.header("Precedence"), "bulk")
        let s = try status(config, id)
        XCTAssertEqual(s["pending"] as? Int, 2)
        XCTAssertEqual(s["sent"] as? Int, 0)
        XCTAssertTrue(addresses.allSatisfy { delivered($0) == 0 }, "no recipient got the test")
    }

    /// `surel blast send ID` running in the background.
    func sendInBackground(_ config: String, _ id: Int) throws -> Process {
        let p = Process()
        p.executableURL = TestEnv.surelBinary
        p.arguments = ["blast", "send", String(id), "--config", config]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// On a terminal `blast status` draws a live progress bar while the blast sends (run under `script`, which
    /// gives it a pseudo-terminal), and ends when the blast is done.
    func testStatusShowsALiveProgressBarOnATerminal() throws {
        try TestEnv.requireServers()
        let (config, id, _) = try prepare(30, rate: "10/s")
        let send = try sendInBackground(config, id)
        defer { send.waitUntilExit() }
        usleep(800_000)
        let command = [TestEnv.surelBinary.path, "blast", "status", String(id), "--config", config].joined(
            separator: " ")
        let tty = Process()
        tty.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        tty.arguments = ["-qec", command, "/dev/null"]
        let out = Pipe()
        tty.standardOutput = out
        try tty.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tty.waitUntilExit()
        XCTAssertEqual(tty.terminationStatus, 0, text)
        let bars = text.components(separatedBy: "\r[").count - 1
        XCTAssertGreaterThanOrEqual(bars, 2, "redrawn while sending: \(text)")
        XCTAssertTrue(text.contains("/detik"), text)
        XCTAssertEqual(try status(config, id)["status"] as? String, "done", "status returned when the blast was done")
    }

    func testThePaceIsHeldAndAPauseLosesAndRepeatsNoOne() throws {
        try TestEnv.requireServers()
        let (config, id, addresses) = try prepare(40, rate: "20/s")
        // Send in the background, pause after a moment.
        let p = try sendInBackground(config, id)
        usleep(700_000)
        XCTAssertEqual(try TestEnv.runSurel(["blast", "pause", String(id), "--config", config]).status, 0)
        p.waitUntilExit()
        var s = try status(config, id)
        let sentBefore = try XCTUnwrap(s["sent"] as? Int)
        XCTAssertGreaterThan(sentBefore, 0)
        XCTAssertLessThan(sentBefore, 40, "the pause stopped it midway")
        XCTAssertEqual(s["status"] as? String, "paused")
        XCTAssertEqual(try TestEnv.runSurel(["blast", "resume", String(id), "--config", config]).status, 0)
        XCTAssertEqual(try TestEnv.runSurel(["blast", "send", String(id), "--config", config]).status, 0)
        s = try status(config, id)
        XCTAssertEqual(s["sent"] as? Int, 40)
        for a in addresses {
            XCTAssertEqual(TestEnv.waitForInbox(a, until: { !$0.isEmpty }).count, 1, "\(a): exactly once")
        }
        // The pace: 20 per second, measured between consecutive sends of the second run (no pause inside it).
        let dbPath = (config as NSString).deletingLastPathComponent + "/store/surel.sqlite"
        let db = try SurelDatabase(path: dbPath)
        let times = try db.writer.read { db in
            try Date.fetchAll(
                db, sql: "SELECT sentAt FROM blastRecipient WHERE blastID = ? ORDER BY sentAt", arguments: [id])
        }.suffix(40 - sentBefore)
        XCTAssertGreaterThanOrEqual(times.count, 10, "enough sends after the pause to measure the pace")
        let span = try XCTUnwrap(times.last).timeIntervalSince(try XCTUnwrap(times.first))
        let rate = Double(times.count - 1) / span
        XCTAssertEqual(rate, 20, accuracy: 2, "held within 10%: \(rate)/s over \(times.count) mails")
    }

    /// Line 3 of issue 5: Postfix's real 450 defers a recipient, retried on the schedule until given up; its real 550
    /// fails one at once with the server's words; the rest are sent.
    func testRefusalsAreDeferredOrFailedWithTheServersReply() throws {
        try TestEnv.requireServers()
        let (config, id, addresses) = try prepare(2, rate: nil)
        let dir = (config as NSString).deletingLastPathComponent
        let db = try SurelDatabase(path: dir + "/store/surel.sqlite")
        // Two more recipients in the same blast, at the domains the test Postfix refuses.
        let busy = TestEnv.freshUser("sibuk") + "@tempfail.surel.test",
            gone = TestEnv.freshUser("tiada") + "@permfail.surel.test"
        try db.writer.write { db in
            for email in [busy, gone] {
                try db.execute(
                    sql: """
                        INSERT INTO blastRecipient(blastID, email, name, fields, state, attempts, possiblyDuplicated)
                        VALUES (?, ?, 'Uji', '{}', 'pending', 0, 0)
                        """, arguments: [id, email])
            }
        }
        let surelConfig = try SurelConfig.load(path: config)
        var clock = Date()
        let smtp = try XCTUnwrap(surelConfig.smtp)
        let sender = try BlastSender(
            database: db, config: surelConfig, makeSender: { CurlSMTPSender(endpoint: smtp.endpoint) },
            logger: Logger(label: "test"), now: { clock })
        var report = try sender.run(Int64(id))
        XCTAssertEqual(report.sent, 2)
        XCTAssertEqual(report.failed, 1)
        XCTAssertEqual(report.deferred, 1)
        XCTAssertEqual(report.ended, "waiting", "only a deferred recipient is left, not yet due")
        let s = try status(config, id)
        XCTAssertEqual(s["deferred"] as? Int, 1)
        XCTAssertEqual(s["failed"] as? Int, 1)
        let failures = try TestEnv.runSurel(["blast", "failures", String(id), "--config", config]).out
        XCTAssertTrue(failures.contains("\(gone),failed,1,") && failures.contains("550"), failures)
        XCTAssertTrue(failures.contains("\(busy),deferred,1,") && failures.contains("450"), failures)
        for a in addresses { XCTAssertEqual(TestEnv.waitForInbox(a, until: { !$0.isEmpty }).count, 1) }

        // Retried on the schedule (1 min, 5 min, ...) and given up after 48 hours, still refused.
        var attempts = 1
        while report.ended != "done" && attempts < 40 {
            clock = clock.addingTimeInterval(3 * 3600)
            report = try sender.run(Int64(id))
            attempts += 1
        }
        XCTAssertEqual(report.ended, "done")
        let r = try XCTUnwrap(try db.blastRecipients(Int64(id), email: busy).first)
        XCTAssertEqual(r.state, .failed)
        XCTAssertTrue(
            r.lastError?.hasPrefix("gave up:") == true && r.lastError?.contains("450") == true, r.lastError ?? "")
        XCTAssertGreaterThan(r.attempts, 5)
        XCTAssertEqual(try status(config, id)["status"] as? String, "done")
    }

    /// A 4xx retry's give-up clock starts at the recipient's own first try: a blast resumed days after it started
    /// defers (not fails) a recipient whose first try meets a 450.
    func testRetriesGiveUpCountingFromTheRecipientsFirstTry() throws {
        try TestEnv.requireServers()
        let (config, id, _) = try prepare(1, rate: nil)
        let db = try SurelDatabase(path: (config as NSString).deletingLastPathComponent + "/store/surel.sqlite")
        let busy = TestEnv.freshUser("sibuk") + "@tempfail.surel.test"
        let threeDaysAgo = Date().addingTimeInterval(-3 * 86400)
        try db.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO blastRecipient(blastID, email, name, fields, state, attempts, possiblyDuplicated)
                    VALUES (?, ?, 'Uji', '{}', 'pending', 0, 0)
                    """, arguments: [id, busy])
            try db.execute(sql: "UPDATE blast SET startedAt = ? WHERE id = ?", arguments: [threeDaysAgo, id])
        }
        let c = try SurelConfig.load(path: config)
        let smtp = try XCTUnwrap(c.smtp)
        let report = try BlastSender(
            database: db, config: c, makeSender: { CurlSMTPSender(endpoint: smtp.endpoint) },
            logger: Logger(label: "test")
        ).run(Int64(id))
        XCTAssertEqual(report.sent, 1)
        XCTAssertEqual(report.deferred, 1, "a first 450 is retried, whenever the blast started")
        XCTAssertEqual(report.failed, 0)
        XCTAssertNotNil(try db.blastRecipients(Int64(id), email: busy).first?.firstAttemptAt)
    }

    /// An address suppressed after the blast was made (here by hand; an unsubscribe or a hard bounce does the same)
    /// is not mailed when the blast goes out.
    func testAnAddressSuppressedAfterCreationIsNotMailed() throws {
        try TestEnv.requireServers()
        let (config, id, addresses) = try prepare(3, rate: nil)
        XCTAssertEqual(
            try TestEnv.runSurel([
                "suppression", "add", addresses[0], "--reason", "keberatan",
                "--config", config,
            ]).status, 0)
        let send = try TestEnv.runSurel(["blast", "send", String(id), "--config", config])
        XCTAssertEqual(send.status, 0, send.err)
        let s = try status(config, id)
        XCTAssertEqual(s["sent"] as? Int, 2)
        XCTAssertEqual(s["suppressed"] as? Int, 1)
        XCTAssertEqual(s["status"] as? String, "done")
        for a in addresses.dropFirst() { XCTAssertEqual(TestEnv.waitForInbox(a, until: { !$0.isEmpty }).count, 1) }
        XCTAssertEqual(delivered(addresses[0]), 0, "the suppressed address got nothing")
        XCTAssertTrue(
            try TestEnv.runSurel(["blast", "status", String(id), "--config", config]).out.contains("ditahan"))
    }

    /// A broken template is refused by `blast create`; one stored anyway (by an older version) makes only its own
    /// blast fail in the daemon, not the ones after it. A blast started by hand, paused and resumed, is sent by the
    /// daemon (it had no time of its own to be due at).
    func testABrokenBlastHoldsUpNoOtherAndAResumedOneIsSent() throws {
        try TestEnv.requireServers()
        let (config, broken, addresses) = try prepare(2, rate: nil)
        let dir = (config as NSString).deletingLastPathComponent
        let bad = dir + "/rusak.txt"
        try "Yth. {{#jabatan}} tanpa penutup\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try TestEnv.runSurel([
            "blast", "create", "--list", "l", "--subject", "Rusak", "--template", bad,
            "--config", config,
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.err.contains("text template"), refused.err)
        let db = try SurelDatabase(path: dir + "/store/surel.sqlite")
        XCTAssertEqual(try db.blasts().count, 1, "nothing was created")
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE blast SET template = 'Yth. {{#jabatan}}', status = 'sending' WHERE id = ?",
                arguments: [broken])
        }
        let good = dir + "/baik.txt"
        try "Yth. {{name}}, pengumuman kedua.\n".write(toFile: good, atomically: true, encoding: .utf8)
        let create = try TestEnv.runSurel([
            "blast", "create", "--list", "l", "--subject", "Pengumuman kedua",
            "--template", good, "--json", "--config", config,
        ])
        let id = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(create.out.utf8)) as? [String: Any])?["id"] as? Int)
        XCTAssertGreaterThan(id, broken)
        try db.startBlast(Int64(id), at: Date())  // as `blast send` does, stopped before its first mail
        XCTAssertEqual(try TestEnv.runSurel(["blast", "pause", String(id), "--config", config]).status, 0)
        XCTAssertEqual(try TestEnv.runSurel(["blast", "resume", String(id), "--config", config]).status, 0)

        let run = try TestEnv.runSurel(["run", "--once", "--config", config])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(try status(config, id)["status"] as? String, "done", run.out + run.err)
        XCTAssertEqual(try status(config, id)["sent"] as? Int, 2)
        XCTAssertEqual(
            (run.out + run.err).components(separatedBy: "blast cannot be sent").count - 1, 1, run.out + run.err)
        for a in addresses {
            let got = TestEnv.waitForInbox(a, until: { !$0.isEmpty })
            XCTAssertEqual(got.map(\.subject), ["Pengumuman kedua"], a)
        }
        XCTAssertEqual(try status(config, broken)["sent"] as? Int, 0)
    }

    /// Line 3 of issue 5: with the mail server unreachable every recipient is deferred with the connection error,
    /// none lost; once it is back and the retry is due, each is sent once.
    func testAnUnreachableServerDefersAndTheRetrySendsEachOnce() throws {
        try TestEnv.requireServers()
        let (config, id, addresses) = try prepare(3, rate: nil)
        let db = try SurelDatabase(path: (config as NSString).deletingLastPathComponent + "/store/surel.sqlite")
        let good = try SurelConfig.load(path: config)
        let text = try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "127.0.0.1:\(TestEnv.smtpPort)", with: "127.0.0.1:1")  // nothing listens there
        let down = try SurelConfig.parse(text, path: config)
        var clock = Date()
        func sender(_ c: SurelConfig) throws -> BlastSender {
            let smtp = try XCTUnwrap(c.smtp)
            return try BlastSender(
                database: db, config: c, makeSender: { CurlSMTPSender(endpoint: smtp.endpoint) },
                logger: Logger(label: "test"), now: { clock })
        }
        let first = try sender(down).run(Int64(id))
        XCTAssertEqual(first.deferred, 3)
        XCTAssertEqual(first.ended, "waiting")
        let failures = try TestEnv.runSurel(["blast", "failures", String(id), "--config", config]).out
        XCTAssertEqual(failures.components(separatedBy: ",deferred,1,").count - 1, 3, failures)
        XCTAssertTrue(failures.lowercased().contains("connect"), "the connection error is the reason: \(failures)")

        clock = clock.addingTimeInterval(90)  // the first retry is due after a minute
        let second = try sender(good).run(Int64(id))
        XCTAssertEqual(second.sent, 3)
        XCTAssertEqual(second.ended, "done")
        for a in addresses { XCTAssertEqual(TestEnv.waitForInbox(a, until: { !$0.isEmpty }).count, 1) }
    }

    /// A call-center mailbox of its own (the blasts' sender, where bounces and replies come back) and a list "l" of
    /// `people` (address, name). `create` makes a blast "Pengumuman" to the list and returns its JSON.
    func callCenterList(_ people: [(email: String, name: String)])
        throws -> (config: String, callcenter: String, create: () throws -> [String: Any])
    {
        let dir = try TestEnv.scratch(self)
        let callcenter = TestEnv.freshUser("cc") + "@example.test"
        let config = try TestEnv.writeConfig(
            dir: dir, user: callcenter,
            extra: """

                \(TestEnv.smtpSection(from: callcenter))
                """
        ).path
        let csv = dir.appendingPathComponent("l.csv")
        try ("email,name\n" + people.map { "\($0.email),\($0.name)\n" }.joined()).write(
            to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TestEnv.runSurel(["lists", "import", "l", csv.path, "--config", config]).status, 0)
        let template = dir.appendingPathComponent("t.txt")
        try "Pengumuman.\n".write(to: template, atomically: true, encoding: .utf8)
        func create() throws -> [String: Any] {
            let r = try TestEnv.runSurel([
                "blast", "create", "--list", "l", "--subject", "Pengumuman", "--template",
                template.path, "--json", "--config", config,
            ])
            XCTAssertEqual(r.status, 0, r.err)
            return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        }
        return (config, callcenter, create)
    }

    /// Sends `mail` (LF line ends) over SMTP through the loopback Postfix, as another server or a mail client would.
    func deliver(_ mail: String, from: String, to: String) throws {
        let raw = Data(mail.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        try CurlSMTPSender(endpoint: TestEnv.smtpEndpoint).send(raw, from: from, to: [to])
    }

    func ticketCount(_ config: String) throws -> Int? {
        let r = try TestEnv.runSurel(["tickets", "list", "--json", "--config", config])
        return (try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [Any])?.count
    }

    /// A hard bounce returned into the call-center mailbox (a real DSN from Postfix) is matched to its recipient by
    /// Message-ID, marks it bounced, and suppresses the address for the next blast.
    func testAHardBounceIsMatchedAndSuppressesTheAddress() throws {
        try TestEnv.requirePostfix()
        // The call-center mailbox is the blasts' sender: Postfix returns the bounce there.
        let good = TestEnv.freshUser("ada") + "@example.test"
        let gone = TestEnv.freshUser("hilang") + "@bounce.surel.test"
        let (config, callcenter, create) = try callCenterList([(good, "Ada"), (gone, "Hilang")])
        let id = try XCTUnwrap(try create()["id"] as? Int)
        XCTAssertEqual(try TestEnv.runSurel(["blast", "send", String(id), "--config", config]).status, 0)
        XCTAssertEqual(try status(config, id)["sent"] as? Int, 2, "Postfix accepted both; one bounces later")
        XCTAssertFalse(TestEnv.waitForInbox(callcenter, until: { !$0.isEmpty }).isEmpty, "the DSN arrived")
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let s = try status(config, id)
        XCTAssertEqual(s["bounced"] as? Int, 1)
        XCTAssertEqual(s["sent"] as? Int, 1)
        XCTAssertTrue(
            try TestEnv.runSurel(["suppression", "list", "--config", config]).out.contains("\(gone)  hard-bounce"))
        XCTAssertEqual(try ticketCount(config), 0, "a bounce opens no ticket")
        let failures = try TestEnv.runSurel(["blast", "failures", String(id), "--config", config])
        XCTAssertEqual(failures.status, 0, failures.err)
        XCTAssertTrue(failures.out.hasPrefix("email,state,attempts,reason\n"), failures.out)
        XCTAssertTrue(failures.out.contains("\(gone),bounced,1,"), failures.out)
        XCTAssertFalse(failures.out.contains(good), failures.out)
        // The next blast to the same list leaves the bounced address out.
        XCTAssertEqual(try create()["suppressed"] as? Int, 1)
    }

    /// Line 5 of issue 5, the rest: a soft bounce (4.x.x, the delayed-delivery report a remote server sends back) is
    /// matched and counted but neither marks the recipient bounced nor suppresses it; an out-of-office reply to the
    /// blast opens no ticket. Both arrive the way they would: over SMTP into the call-center mailbox.
    func testASoftBounceIsCountedAndAnAutoReplyOpensNoTicket() throws {
        try TestEnv.requireServers()
        let full = TestEnv.freshUser("penuh") + "@example.test", away = TestEnv.freshUser("cuti") + "@example.test"
        let (config, callcenter, create) = try callCenterList([(full, "Penuh"), (away, "Cuti")])
        let id = try XCTUnwrap(try create()["id"] as? Int)
        XCTAssertEqual(try TestEnv.runSurel(["blast", "send", String(id), "--config", config]).status, 0)
        func delivered(_ user: String) throws -> String {
            let mails = TestEnv.waitForInbox(user, until: { !$0.isEmpty })
            return try XCTUnwrap(mails.first?.messageID, "the blast reached \(user)")
        }
        let toFull = try delivered(full), toAway = try delivered(away)

        let boundary = "dsn-\(UUID().uuidString)"
        let dsn = """
            From: Mail Delivery System <MAILER-DAEMON@mx.example.test>
            To: \(callcenter)
            Subject: Delayed Mail (still being retried)
            Message-ID: <dsn-\(UUID().uuidString)@mx.example.test>
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="\(boundary)"

            --\(boundary)
            Content-Type: text/plain; charset=us-ascii

            Your message could not be delivered yet; it will be retried for 5 days.

            --\(boundary)
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.test

            Final-Recipient: rfc822; \(full)
            Action: delayed
            Status: 4.2.2
            Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

            --\(boundary)
            Content-Type: text/rfc822-headers

            From: \(callcenter)
            To: \(full)
            Subject: Pengumuman
            Message-ID: <\(toFull)>

            --\(boundary)--

            """
        let outOfOffice = """
            From: Cuti <\(away)>
            To: \(callcenter)
            Subject: Balasan Otomatis: Pengumuman
            Message-ID: <ooo-\(UUID().uuidString)@example.test>
            In-Reply-To: <\(toAway)>
            Auto-Submitted: auto-replied
            Content-Type: text/plain; charset=utf-8

            Saya sedang cuti sampai tanggal 10. Terima kasih.

            """
        for mail in [dsn, outOfOffice] { try deliver(mail, from: "postmaster@example.test", to: callcenter) }
        XCTAssertEqual(TestEnv.waitForInbox(callcenter, until: { $0.count >= 2 }).count, 2)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)

        let s = try status(config, id)
        XCTAssertEqual(s["soft_bounced"] as? Int, 1)
        XCTAssertEqual(s["sent"] as? Int, 2, "a soft bounce leaves the recipient sent")
        XCTAssertEqual(s["bounced"] as? Int, 0)
        XCTAssertFalse(
            try TestEnv.runSurel(["suppression", "list", "--config", config]).out.contains(full),
            "a soft bounce does not suppress the address")
        let failures = try TestEnv.runSurel(["blast", "failures", String(id), "--config", config]).out
        XCTAssertTrue(failures.contains("\(full),soft-bounced,1,4.2.2"), failures)
        XCTAssertEqual(try ticketCount(config), 0, "neither the soft bounce nor the out-of-office reply opens a ticket")
        let autoreplies = try TestEnv.runSurel([
            "messages", "list", "--kind", "autoreply", "--json", "--config", config,
        ]).out
        XCTAssertTrue(autoreplies.contains("\"message_id\" : \"ooo-"), "recorded as an auto-reply: \(autoreplies)")
    }

    /// The `List-Unsubscribe` mailto, used: the recipient's mail to the call-center address with subject
    /// `berhenti-<blast>` opens no ticket, suppresses the address at once, and the next blast leaves it out.
    func testAnUnsubscribeByMailSuppressesTheSender() throws {
        try TestEnv.requireServers()
        let leaving = TestEnv.freshUser("keluar") + "@example.test",
            staying = TestEnv.freshUser("tetap") + "@example.test"
        let (config, callcenter, create) = try callCenterList([(leaving, "Keluar"), (staying, "Tetap")])
        let id = try XCTUnwrap(try create()["id"] as? Int)
        XCTAssertEqual(try TestEnv.runSurel(["blast", "send", String(id), "--config", config]).status, 0)
        let received = TestEnv.waitForInbox(leaving, until: { !$0.isEmpty })
        let header = try XCTUnwrap(received.first?.header("List-Unsubscribe"))
        // What a mail client does with the mailto: a mail to its address with its subject.
        let subject = try XCTUnwrap(header.components(separatedBy: "subject=").last?.components(separatedBy: ">").first)
        XCTAssertEqual(subject, "berhenti-\(id)")
        let request = """
            From: Keluar <\(leaving)>
            To: \(callcenter)
            Subject: \(subject)
            Message-ID: <unsub-\(UUID().uuidString)@example.test>
            Content-Type: text/plain; charset=utf-8

            Mohon berhenti.

            """
        try deliver(request, from: leaving, to: callcenter)
        XCTAssertEqual(TestEnv.waitForInbox(callcenter, until: { $0.count >= 1 }).count, 1)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)

        let suppressed = try TestEnv.runSurel(["suppression", "list", "--config", config]).out
        XCTAssertTrue(suppressed.contains("\(leaving)  unsubscribe"), suppressed)
        XCTAssertFalse(suppressed.contains(staying), suppressed)
        XCTAssertEqual(try ticketCount(config), 0, "no ticket")
        let recorded = try TestEnv.runSurel(["messages", "list", "--kind", "unsubscribe", "--json", "--config", config])
            .out
        XCTAssertTrue(recorded.contains("\"message_id\" : \"unsub-"), recorded)
        XCTAssertEqual(try create()["suppressed"] as? Int, 1, "the next blast leaves the address out")
    }

    /// Line 4 of issue 5: `kill -9` of the daemon in the middle of a blast, several times at different moments, then
    /// a restart: every recipient gets the mail; only those in flight at a kill may get it twice, and the status
    /// counts them as possibly duplicated. Paced, each settlement is written before the pause between mails.
    func testKillMinus9MidBlastLosesNoRecipient() throws {
        try killMidBlast(count: 150, rate: "60/s", connections: 1, kills: 4, after: 500_000...1_100_000)
    }

    /// The same without a pace over two connections, where each settlement shares a transaction with the
    /// connection's next claim.
    func testKillMinus9MidUnpacedBlastLosesNoRecipient() throws {
        // A debug build spends about half a second loading the classifier before the blast thread starts.
        try killMidBlast(count: 500, rate: nil, connections: 2, kills: 3, after: 450_000...1_200_000)
    }

    /// Mail delivered to `address` (files in its Maildir: quicker than an IMAP login for hundreds of recipients).
    func delivered(_ address: String) -> Int {
        ["new", "cur"].reduce(0) { n, sub in
            n
                + ((try? FileManager.default.contentsOfDirectory(
                    atPath: "\(TestEnv.serversDir)/mail/\(address)/Maildir/\(sub)"))?.count ?? 0)
        }
    }

    func killMidBlast(count: Int, rate: String?, connections: Int, kills: Int, after delay: ClosedRange<UInt32>) throws
    {
        try TestEnv.requireServers()
        let (config, id, addresses) = try prepare(count, rate: rate, connections: connections)
        XCTAssertEqual(try TestEnv.runSurel(["classify", "train", "--config", config]).status, 0)
        XCTAssertEqual(
            try TestEnv.runSurel([
                "blast", "schedule", String(id), "--at", "2025-01-01T00:00:00Z",
                "--config", config,
            ]).status, 0)
        let dir = URL(fileURLWithPath: (config as NSString).deletingLastPathComponent)
        var sentAtKills: [Int] = []
        for round in 0..<kills {
            let daemon = try DaemonProcess(
                ["run", "--config", config], dir: dir, name: "blast-kill-\(round)", test: self)
            usleep(UInt32.random(in: delay))
            daemon.kill(SIGKILL)
            XCTAssertTrue(daemon.wait(timeout: 10))
            sentAtKills.append(try status(config, id)["sent"] as? Int ?? -1)
        }
        print(
            "blast kill -9 (\(count), rate \(rate ?? "none"), \(connections) connections): sent after each kill \(sentAtKills)"
        )
        XCTAssertTrue(sentAtKills.contains { $0 > 0 && $0 < count }, "a kill landed mid-blast: \(sentAtKills)")
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let s = try status(config, id)
        XCTAssertEqual(s["sent"] as? Int, count)
        XCTAssertEqual(s["status"] as? String, "done")
        let counts = TestEnv.poll({ addresses.map(self.delivered) }, until: { $0.allSatisfy { $0 >= 1 } })
        let twice = counts.filter { $0 == 2 }.count
        for (a, n) in zip(addresses, counts) {
            XCTAssertGreaterThanOrEqual(n, 1, "\(a) got nothing")
            XCTAssertLessThanOrEqual(n, 2, "\(a) got it \(n) times")
        }
        XCTAssertLessThanOrEqual(
            twice, s["possibly_duplicated"] as? Int ?? 0,
            "every double delivery is among those marked possibly duplicated")
    }

    /// The send lock: one holder per blast, the next one told who holds it; free again once released.
    func testOneSenderPerBlast() throws {
        let dir = try TestEnv.scratch(self)
        let store = dir.path + "/surel.sqlite"
        var first: BlastSendLock? = try BlastSendLock(storePath: store, blast: 7, holder: "pid 1, blast send")
        XCTAssertThrowsError(try BlastSendLock(storePath: store, blast: 7, holder: "pid 2, run")) { error in
            guard case BlastError.sendingElsewhere(7, let holder) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(holder, "pid 1, blast send")
        }
        XCTAssertNoThrow(try BlastSendLock(storePath: store, blast: 8, holder: "pid 2, run"), "another blast is free")
        XCTAssertNotNil(first)
        first = nil
        XCTAssertNoThrow(
            try BlastSendLock(storePath: store, blast: 7, holder: "pid 2, run"), "released with its holder")
    }

    /// `surel blast send` killed with -9 and run again, without any daemon: the recipients it left in flight are
    /// queued again (possibly duplicated), so the blast ends done and nobody is missed; and while one `blast send`
    /// runs, a second one for the same blast is refused with who sends it.
    func testAKilledBlastSendIsFinishedByTheNextOne() throws {
        try TestEnv.requireServers()
        let (config, id, addresses) = try prepare(90, rate: "30/s")
        let first = try sendInBackground(config, id)
        // Under way (it holds the send lock from its start): then a second sender, then the kill.
        let under = TestEnv.poll({ (try? self.status(config, id)["sent"] as? Int) ?? 0 }, until: { $0 >= 3 })
        XCTAssertGreaterThanOrEqual(under, 3)
        let second = try TestEnv.runSurel(["blast", "send", String(id), "--config", config])
        XCTAssertNotEqual(second.status, 0, "a second sender of the same blast")
        XCTAssertTrue(
            second.err.contains("being sent by another surel process (pid \(first.processIdentifier), blast send)"),
            second.err)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let sentAtKill = try status(config, id)["sent"] as? Int ?? -1
        XCTAssertTrue(sentAtKill > 0 && sentAtKill < 90, "killed midway: \(sentAtKill)")
        // A kill between claim and dialogue, for sure (the kill above may land in a pace wait, nothing in flight).
        let db = try SurelDatabase(path: (config as NSString).deletingLastPathComponent + "/store/surel.sqlite")
        try db.writer.write { d in
            try d.execute(
                sql: """
                    UPDATE blastRecipient SET state = 'sending', attempts = attempts + 1
                    WHERE id = (SELECT min(id) FROM blastRecipient WHERE blastID = ? AND state = 'pending')
                    """, arguments: [id])
        }
        let again = try TestEnv.runSurel(["blast", "send", String(id), "--config", config])
        XCTAssertEqual(again.status, 0, again.err)
        let s = try status(config, id)
        XCTAssertEqual(s["status"] as? String, "done")
        XCTAssertEqual(s["sent"] as? Int, 90)
        XCTAssertEqual(s["sending"] as? Int, 0)
        XCTAssertGreaterThanOrEqual(s["possibly_duplicated"] as? Int ?? 0, 1, "the one left in flight, queued again")
        let counts = TestEnv.poll({ addresses.map(self.delivered) }, until: { $0.allSatisfy { $0 >= 1 } })
        XCTAssertTrue(counts.allSatisfy { $0 == 1 || $0 == 2 }, "\(counts)")
        XCTAssertLessThanOrEqual(counts.filter { $0 == 2 }.count, s["possibly_duplicated"] as? Int ?? 0)
    }

    func testDomainCapHoldsMailToOneDomain() {
        let limiter = DomainLimiter(perMinute: 5, window: 0.5)
        let start = Date()
        for _ in 0..<10 { limiter.wait(for: "x@kedirikab.go.id") }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.5, "the sixth waited for the window")
        let other = Date()
        for _ in 0..<5 { limiter.wait(for: "y@blitarkab.go.id") }
        XCTAssertLessThan(Date().timeIntervalSince(other), 0.2, "another domain is not held up")
    }
}
