// Ingest against the real loopback Dovecot: the djpk corpus threads as labelled, re-runs and re-reads duplicate
// nothing, and every hard message of the shared corpora is stored or quarantined with a reason.
import Foundation
import Logging
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelMail
import SurelStore

final class IngestIntegrationTests: XCTestCase {
    struct Harness {
        var config: SurelConfig
        var database: SurelDatabase
        var source: CurlIMAPSource
        var ingestor: Ingestor
        var dir: URL
    }

    func harness(user: String, folder: String = "INBOX", afterStore: String = "flag") throws -> Harness {
        let dir = try TestEnv.scratch(self)
        let configURL = try TestEnv.writeConfig(dir: dir, user: user, afterStore: afterStore)
        var config = try SurelConfig.load(path: configURL.path)
        config.mailbox.endpoint.folder = folder
        let db = try SurelDatabase(path: config.store.path)
        let source = CurlIMAPSource(endpoint: config.mailbox.endpoint)
        let ingestor = Ingestor(
            config: config, database: db,
            attachments: try AttachmentDirectory(path: config.store.attachments),
            source: source, logger: Logger(label: "test"))
        return Harness(config: config, database: db, source: source, ingestor: ingestor, dir: dir)
    }

    func testDjpkCorpusBecomesOneTicketPerThread() throws {
        try TestEnv.requireServers()
        let dir = try TestEnv.requireCorpus("djpk")
        let labels = try CorpusLabel.load(dir)
        let raws = try labels.map { try Data(contentsOf: dir.appendingPathComponent($0.file)) }
        let user = TestEnv.freshUser("djpk")
        try TestEnv.fillMaildir(user: user, messages: raws)
        let h = try harness(user: user)

        let report = try h.ingestor.runCycle()
        XCTAssertGreaterThan(labels.count, 0, "labels.tsv read")
        XCTAssertEqual(report.fetched, labels.count)
        XCTAssertEqual(report.quarantined, 0)

        let tickets = try h.database.tickets()
        let ids = try h.database.incomingMessageIDs(ticketIDs: tickets.compactMap(\.id))
        var ticketOfMessage: [String: String] = [:]
        for t in tickets { for m in ids[t.id!] ?? [] { ticketOfMessage[m] = t.number.description } }
        let autoreplies = Set(try h.database.messages(kind: .autoreply).compactMap(\.messageID))
        let bounces = Set(try h.database.messages(kind: .bounce).compactMap(\.messageID))

        var ticketOfThread: [String: String] = [:]
        for (label, raw) in zip(labels, raws) {
            let mid = try XCTUnwrap(rawMessageID(raw), label.file)
            switch label.kind {
            case "autoreply":
                XCTAssertTrue(autoreplies.contains(mid), "\(label.file) should be recorded as an auto-reply")
                XCTAssertNil(ticketOfMessage[mid], "\(label.file) (auto-reply) opened a ticket")
            case "bounce":
                XCTAssertTrue(bounces.contains(mid), "\(label.file) should be recorded as a bounce")
                XCTAssertNil(ticketOfMessage[mid], "\(label.file) (bounce) opened a ticket")
            default:
                guard let number = ticketOfMessage[mid] else { XCTFail("\(label.file) is in no ticket"); continue }
                if let expected = ticketOfThread[label.thread] {
                    XCTAssertEqual(
                        number, expected, "\(label.file) (\(label.kind)) did not join its thread \(label.thread)")
                } else {
                    ticketOfThread[label.thread] = number
                }
            }
        }
        XCTAssertEqual(tickets.count, ticketOfThread.count, "one ticket per thread")
        XCTAssertEqual(Set(ticketOfThread.values).count, ticketOfThread.count, "two threads share a ticket")

        // Bounces name the recipient, the status and the message they return.
        for b in try h.database.messages(kind: .bounce) {
            XCTAssertNotNil(b.bounceRecipient, "bounce \(b.id!) without recipient")
            XCTAssertNotNil(b.bounceStatus, "bounce \(b.id!) without status")
            XCTAssertNotNil(b.bounceOriginalMessageID, "bounce \(b.id!) without the returned Message-ID")
        }

        // The stored messages are flagged on the server (seen from another client's connection).
        let client = CurlIMAPSource(endpoint: h.config.mailbox.endpoint)
        let status = try client.status()
        XCTAssertTrue(try client.flags(uid: 1, uidValidity: status.uidValidity).contains("$SurelStored"))
        XCTAssertTrue(
            try client.flags(uid: Int64(labels.count), uidValidity: status.uidValidity).contains("$SurelStored"))

        // A second cycle changes nothing.
        let before = try h.database.counts()
        let again = try h.ingestor.runCycle()
        XCTAssertEqual(again.fetched, 0)
        XCTAssertEqual(try h.database.counts(), before)
    }

    func testRecreatedMailboxWithNewUIDValidityDuplicatesNothing() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("uidv")
        let folder = "Callcenter"
        let h = try harness(user: user, folder: folder)
        try h.source.createFolder(folder)
        let messages = (1...12).map { sample(i: $0) }
        for m in messages { try h.source.append(m, to: folder) }
        let first = try h.ingestor.runCycle()
        XCTAssertEqual(first.newTickets, 12)
        let v1 = try h.source.status().uidValidity

        // Recreate the folder: same messages plus one new, under a new UIDVALIDITY. Another connection does it,
        // as an admin would; Dovecot then drops the daemon's connection, which must reconnect by itself.
        let admin = CurlIMAPSource(endpoint: h.config.mailbox.endpoint)
        try admin.deleteFolder(folder)
        try admin.createFolder(folder)
        for m in messages + [sample(i: 13)] { try admin.append(m, to: folder) }
        let v2 = try admin.status().uidValidity
        XCTAssertNotEqual(v1, v2)

        let second = try h.ingestor.runCycle()
        XCTAssertEqual(second.fetched, 13)
        XCTAssertEqual(second.duplicates, 12)
        XCTAssertEqual(second.newTickets, 1)
        XCTAssertEqual(try h.database.tickets().count, 13)
        XCTAssertEqual(try h.database.cursor(mailbox: h.ingestor.mailboxKey)?.uidValidity, v2)
    }

    /// A relay delivering one mail twice (another Received line) stores it once and records the copy; a mail
    /// reusing its Message-ID, sender, subject and date with other content is stored. The cycle counts the copy.
    func testASecondDeliveryIsRecordedAndAReusedMessageIDWithOtherContentIsStored() throws {
        try TestEnv.requireServers()
        let h = try harness(user: TestEnv.freshUser("dupes"))
        let original = sample(i: 1)
        let relayed =
            Data("Received: from relay2.kemenkeu.go.id by mx; Mon, 03 Feb 2025 09:01:00 +0700\r\n".utf8) + original
        let reused = Data(
            String(decoding: original, as: UTF8.self)
                .replacingOccurrences(of: "(pertanyaan 1)", with: "dan DBH (surat kedua)").utf8)
        for m in [original, relayed, reused] { try h.source.append(m, to: "INBOX") }
        let report = try h.ingestor.runCycle()
        XCTAssertEqual(report.fetched, 3)
        XCTAssertEqual(report.duplicates, 1)
        let texts = try h.database.writer.read { try String.fetchAll($0, sql: "SELECT text FROM message ORDER BY id") }
        XCTAssertEqual(texts.count, 2)
        XCTAssertTrue(texts[1].contains("surat kedua"), texts[1])
        let recorded = try h.database.writer.read { try DuplicateRecord.fetchAll($0, sql: "SELECT * FROM duplicate") }
        let firstRow = try h.database.writer.read { try Int64.fetchOne($0, sql: "SELECT min(id) FROM message") }
        XCTAssertEqual(recorded.map(\.matchedMessageRowID), [firstRow])
        XCTAssertEqual(recorded.first?.sameBytes, false)
        XCTAssertEqual(
            recorded.first?.raw.map { String(decoding: $0, as: UTF8.self).hasPrefix("Received: from relay2") }, true)
    }

    func testAfterStoreMoveAndDelete() throws {
        try TestEnv.requireServers()
        for mode in ["move:Processed", "delete"] {
            let user = TestEnv.freshUser("after")
            let h = try harness(user: user, afterStore: mode)
            for i in 1...3 { try h.source.append(sample(i: i), to: "INBOX") }
            XCTAssertEqual(try h.ingestor.runCycle().newTickets, 3)
            XCTAssertEqual(try h.source.status().messages, 0, "\(mode): INBOX should be empty")
            if mode.hasPrefix("move") {
                var e = h.config.mailbox.endpoint
                e.folder = "Processed"
                XCTAssertEqual(try CurlIMAPSource(endpoint: e).status().messages, 3)
            }
        }
    }

    func testHardCorporaAreStoredOrQuarantinedWithAReason() throws {
        try TestEnv.requireServers()
        var raws: [Data] = []
        let spamassassin = try TestEnv.requireCorpus("spamassassin")
        let folders =
            [try TestEnv.requireCorpus("mime-torture")]
            + (try TestEnv.files(in: spamassassin)).filter {
                $0.hasDirectoryPath || (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true
            }
        XCTAssertGreaterThan(folders.count, 1, "spamassassin has its folders")
        for dir in folders {
            raws += try TestEnv.files(in: dir).map { try Data(contentsOf: $0) }
        }
        let user = TestEnv.freshUser("hard")
        try TestEnv.fillMaildir(user: user, messages: raws)
        let h = try harness(user: user)
        let report = try h.ingestor.runCycle()
        XCTAssertEqual(report.fetched, raws.count)
        let stored = try h.database.counts()
        let total = stored.filter { $0.key.hasPrefix("messages.") }.values.reduce(0, +)
        // Identical raw files are stored once; everything else once each.
        XCTAssertEqual(total + report.duplicates, raws.count)
        for q in try h.database.messages(kind: .quarantined) {
            XCTAssertFalse((q.note ?? "").isEmpty, "quarantined message \(q.id!) has no reason")
            XCTAssertGreaterThan(try XCTUnwrap(try h.database.message(rowID: q.id!)).raw.count, 0, "raw bytes kept")
        }
        print("hard corpora: \(raws.count) files, \(stored)")
    }

    func testOversizeMessageIsStoredRawWithItsHeadersAndANote() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("big")
        var h = try harness(user: user)
        h.config.mailbox.maxMessageSize = 4096
        h.ingestor = Ingestor(
            config: h.config, database: h.database,
            attachments: try AttachmentDirectory(path: h.config.store.attachments),
            source: h.source, logger: Logger(label: "test"))
        let big = Data(
            (String(decoding: sample(i: 1), as: UTF8.self) + String(repeating: "lampiran besar\r\n", count: 2000)).utf8)
        try h.source.append(big, to: "INBOX")
        XCTAssertEqual(try h.ingestor.runCycle().newTickets, 1)
        let t = try XCTUnwrap(try h.database.tickets().first)
        XCTAssertEqual(t.subject, "Pertanyaan penyaluran DAU nomor 1")
        let m = try XCTUnwrap(try h.database.ticketDetail(number: t.number)?.messages.first)
        XCTAssertEqual(m.raw, big, "raw bytes kept whole")
        XCTAssertTrue((m.note ?? "").contains("melebihi batas"), m.note ?? "no note")
        XCTAssertEqual(m.text, "", "not parsed further")
    }

    func testQuarantinedMessageCanBeRetried() throws {
        try TestEnv.requireServers()
        let h = try harness(user: TestEnv.freshUser("quar"))
        // A message without any From is quarantined with its reason and raw bytes.
        let noFrom = Data("To: callcenter.djpk@kemenkeu.go.id\r\nSubject: tanpa pengirim\r\n\r\nisi\r\n".utf8)
        try h.source.append(noFrom, to: "INBOX")
        // And one quarantined by an older version whose parser failed on it: retry files it now.
        let good = sample(i: 5)
        _ = try h.database.storeIncoming(
            IncomingMessage(
                kind: .quarantined, messageID: nil, rawSHA256: "old", raw: good, mailbox: nil, uidValidity: nil,
                uid: nil,
                subject: "", fromName: nil, fromEmail: nil, sentAt: nil, receivedAt: Date(), threadTime: Date(),
                text: "",
                html: nil, inReplyTo: [], references: [], note: "parser error in an older version", bounce: nil,
                isBulk: false, attachments: []), ticket: nil, cursor: nil)
        XCTAssertEqual(try h.ingestor.runCycle().quarantined, 1)
        let quarantined = try h.database.messages(kind: .quarantined)
        XCTAssertEqual(quarantined.count, 2)
        XCTAssertTrue(quarantined.contains { $0.note == "no usable From address" })
        let old = try XCTUnwrap(quarantined.first { $0.note?.contains("older") == true })
        let outcome = try h.ingestor.ingest(
            raw: try XCTUnwrap(try h.database.message(rowID: old.id!)).raw, uid: nil,
            uidValidity: nil, cursor: nil, replacingQuarantined: old.id!)
        guard case .newTicket = outcome else { return XCTFail("retry should open a ticket, got \(outcome)") }
        XCTAssertEqual(try h.database.messages(kind: .quarantined).count, 1)
        XCTAssertEqual(try h.database.message(rowID: old.id!)?.kind, .ticket)
    }

    /// A message Dovecot cannot read (its file unreadable: Dovecot drops the connection at the FETCH) holds up the
    /// mail behind it for a few cycles only, is then recorded as quarantined without bytes and left on the server
    /// untouched even with after_store = delete; once readable, `quarantine retry` fetches, files and deletes it.
    func testAMessageTheServerCannotDeliverIsPassedOverUntouched() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("unreadable")
        var h = try harness(user: user, afterStore: "delete")
        var clock = Date()  // a cycle every 3 minutes (the daemon's backoff would retry within seconds)
        h.ingestor = Ingestor(
            config: h.config, database: h.database,
            attachments: try AttachmentDirectory(path: h.config.store.attachments), source: h.source,
            logger: Logger(label: "test"), now: { clock })
        for i in 1...3 { try h.source.append(sample(i: i), to: "INBOX") }
        let cur = "\(TestEnv.serversDir)/mail/\(user)/Maildir/cur"
        let files = try FileManager.default.contentsOfDirectory(atPath: cur).sorted()
        XCTAssertEqual(files.count, 3)
        let second = "\(cur)/\(files[1])"
        XCTAssertEqual(chmod(second, 0), 0)
        var failures = 0
        while failures < 10 {
            // That message's problem, not an outage of the mailbox (any other error ends the test).
            do { _ = try h.ingestor.runCycle(); break } catch let e as Ingestor.MessageFetchFailure {
                XCTAssertEqual(e.uid, 2)
                failures += 1; clock += 180
            }
        }
        XCTAssertEqual(failures, h.ingestor.fetchAttemptsBeforeSkipping - 1, "held up only that long")
        XCTAssertGreaterThanOrEqual(Double(failures) * 180, h.ingestor.fetchFailureSpan)
        XCTAssertEqual(try h.ingestor.runCycle().newTickets, 1, "the mail behind it comes next")
        XCTAssertEqual(
            try h.database.tickets().map(\.subject).sorted(),
            ["Pertanyaan penyaluran DAU nomor 1", "Pertanyaan penyaluran DAU nomor 3"])
        let skipped = try XCTUnwrap(try h.database.messages(kind: .quarantined).first)
        XCTAssertEqual(skipped.uid, 2)
        XCTAssertTrue(skipped.note?.contains("left in the mailbox untouched") == true, skipped.note ?? "")
        XCTAssertEqual(try h.source.status().messages, 1, "deleted: 1 and 3; the unread one stays")

        XCTAssertEqual(chmod(second, 0o600), 0)
        guard case .newTicket = try h.ingestor.retryQuarantined(rowID: skipped.id!) else { return XCTFail() }
        XCTAssertEqual(try h.database.messages(kind: .quarantined).count, 0)
        XCTAssertEqual(try h.database.tickets().count, 3)
        XCTAssertEqual(try h.source.status().messages, 0, "filed, then deleted like the others")
    }

    /// The SLA clock starts when our server received the mail (its topmost Received line), not when surel read it
    /// (after an outage); a stale, future or missing line gives the fetch time.
    func testATicketIsReceivedWhenTheMailArrived() throws {
        try TestEnv.requireServers()
        let h = try harness(user: TestEnv.freshUser("arrival"))
        let arrived = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 2 * 86400).rounded(.down))
        let stamp = MailComposer.rfc5322Date(arrived)
        let mail =
            Data(
                ("Received: from mx.kemenkeu.go.id by imap.kemenkeu.go.id with LMTP; \(stamp)\r\n"
                    + "Received: from mail.kedirikab.go.id by mx.kemenkeu.go.id; Mon, 03 Feb 2025 08:59:00 +0700\r\n")
                    .utf8)
            + sample(i: 41)
        try h.source.append(mail, to: "INBOX")
        try h.source.append(sample(i: 42), to: "INBOX")
        let before = Date()
        XCTAssertEqual(try h.ingestor.runCycle().newTickets, 2)
        let tickets = try h.database.tickets()
        XCTAssertEqual(tickets.first { $0.subject.hasSuffix("41") }?.createdAt, arrived, "the topmost Received line")
        XCTAssertGreaterThanOrEqual(
            try XCTUnwrap(tickets.first { $0.subject.hasSuffix("42") }?.createdAt), before,
            "no Received line: the fetch time")
        let now = Date()
        XCTAssertEqual(Ingestor.arrival(now - 3600, fetched: now), now - 3600)
        XCTAssertEqual(Ingestor.arrival(now - 8 * 86400, fetched: now), now, "older than a week: not believed")
        XCTAssertEqual(Ingestor.arrival(now + 60, fetched: now), now, "in the future: not believed")
        XCTAssertEqual(Ingestor.arrival(nil, fetched: now), now)
    }

    /// A small consultation mail, distinct per `i`.
    func sample(i: Int) -> Data {
        Data(
            """
            From: Staf BPKAD \(i) <staf\(i)@kedirikab.go.id>\r
            To: callcenter.djpk@kemenkeu.go.id\r
            Subject: Pertanyaan penyaluran DAU nomor \(i)\r
            Message-ID: <sample-\(i)@kedirikab.go.id>\r
            Date: Mon, 03 Feb 2025 09:00:00 +0700\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Mohon informasi jadwal penyaluran DAU bulan Februari (pertanyaan \(i)).\r

            """.utf8)
    }
}
