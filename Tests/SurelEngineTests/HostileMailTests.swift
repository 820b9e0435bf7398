// Hostile mail through the real Dovecot and Postfix: one message must neither stop the channel (a crash, minutes
// of parsing, a fetch failure taken for an outage) nor make surel mail strangers.
import Foundation
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelMail
import SurelStore

final class HostileMailTests: XCTestCase {
    static func mail(_ headers: String, body: String = "Mohon informasi jadwal penyaluran DAU tahap II.") -> Data {
        Data((headers + "\n\n" + body + "\n").utf8)
    }

    static let good = mail(
        """
        From: Budi Santoso <budi@kedirikab.go.id>
        To: callcenter.djpk@kemenkeu.go.id
        Subject: Jadwal penyaluran DAU
        Message-ID: <good-after-hostile@kedirikab.go.id>
        Date: Tue, 4 Feb 2025 10:00:00 +0700
        """)

    /// The mails of the issue and a few more of the same kinds; none may stop the cycle or take long.
    static func hostile() -> [Data] {
        var mails: [Data] = [
            Data("From: a@b.test\nContent-Type: text/plain; n*=utf-8'x\n\nhi\n".utf8),
            mail("From: a@b.test\nSubject: p1\nContent-Type: text/plain; n *=utf-8''x; m* (c)= %zz%; k*0*='; k*1*=%"),
            mail(
                "From: a@b.test\nSubject: p2\nContent-Disposition: attachment; filename*0*=x-unknown''%E9; filename*1*=%",
                body: "x"),
            mail(
                "From: a@b.test\nSubject: html\nContent-Type: text/html",
                body: String(repeating: "<script>x<style>y<title>z", count: 20_000)),
            mail(
                "From: a@b.test\nSubject: nest\nContent-Type: multipart/mixed; boundary=b",
                body: String(repeating: "--b\nContent-Type: multipart/mixed; boundary=b\n\n", count: 5_000)),
            mail(
                "From: a@b.test\nSubject: parts\nContent-Type: multipart/mixed; boundary=p",
                body: String(repeating: "--p\nContent-Type: text/plain\n\nx\n", count: 10_000)),
            mail("From: a@b.test\nSubject: fields\n" + (0..<50_000).map { "X-F\($0): v" }.joined(separator: "\n")),
            mail("From: a@b.test\nSubject: cc\nCc: " + (0..<50_000).map { "c\($0)@x.test" }.joined(separator: ", ")),
        ]
        mails.append(
            mail(
                "From: <" + (0..<300).map { "v\($0)@s\($0 % 3).test" }.joined(separator: ",") + ">\n"
                    + "Subject: Undangan\nMessage-ID: <relay300@evil.test>"))
        mails.append(
            mail(
                "From: Dua Orang <dua1@evil.test>, dua2@evil.test\nSubject: Dua pengirim\n"
                    + "Message-ID: <two-from@evil.test>"))
        mails.append(mail("From: \"a,b\"@evil.test\nSubject: Koma\nMessage-ID: <comma@evil.test>"))
        return mails
    }

    func testHostileMailIsStoredAndTheGoodMailBehindItBecomesATicketInOneRun() throws {
        try TestEnv.requirePostfix()
        let user = TestEnv.freshUser("hostile")
        let mails = Self.hostile() + [Self.good]
        try TestEnv.fillMaildir(user: user, messages: mails)
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user, extra: TestEnv.smtpSection()).path
        let started = Date()
        let run = try TestEnv.runSurel(["run", "--once", "--config", config])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(run.status, 0, run.err)
        print("hostile mailbox: \(mails.count) messages in one run --once: \(String(format: "%.1f", seconds)) s")

        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        let stored = try MessageKind.allCases.filter { $0 != .outgoing }.flatMap { try db.messages(kind: $0) }
        XCTAssertEqual(stored.count, mails.count, "every message is stored (ticket or quarantine)")
        let good = try XCTUnwrap(
            try db.messages(kind: .ticket).first { $0.messageID == "good-after-hostile@kedirikab.go.id" })
        XCTAssertNotNil(good.ticketID, "the good mail behind the hostile ones is a ticket")

        // Nothing automatic to the 300 addresses, the two-address From or the quoted local part with a comma; the
        // good mail was acknowledged (so acknowledgements do go out here).
        let relay = try XCTUnwrap(stored.first { $0.messageID == "relay300@evil.test" })
        XCTAssertEqual(relay.kind, .quarantined, "a From of 300 addresses in one <> names no usable sender")
        let two = try XCTUnwrap(stored.first { $0.messageID == "two-from@evil.test" })
        XCTAssertTrue(two.note?.contains("tanpa balasan otomatis") == true, two.note ?? "no note")
        let outbox = try db.outbox()
        let recipients = Set(outbox.flatMap(\.recipientList))
        XCTAssertEqual(
            recipients, ["budi@kedirikab.go.id", "a@b.test"], "only single, valid senders get an acknowledgement")
        XCTAssertTrue(outbox.allSatisfy { $0.status == .sent }, "\(outbox.map { ($0.status, $0.lastError) })")
        usleep(500_000)
        for address in ["v0@s0.test", "v1@s1.test", "v299@s2.test", "dua1@evil.test", "dua2@evil.test"] {
            XCTAssertEqual(try TestEnv.inbox(address).count, 0, "\(address) got mail")
        }
    }

    func testACrashInTheParserIsQuarantinedAtTheNextStartAndTheMailBehindItFiled() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("crash")
        let marker = "SUREL-TEST-CRASH-\(UUID().uuidString)"
        let crasher = Self.mail("From: a@b.test\nSubject: crasher\nMessage-ID: <crasher@b.test>", body: marker)
        try TestEnv.fillMaildir(user: user, messages: [crasher, Self.good])
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user).path
        let env = ["SUREL_TEST_CRASH_MARKER": marker]

        let first = try TestEnv.runSurel(["run", "--once", "--config", config], environment: env)
        XCTAssertNotEqual(first.status, 0, "the fault hook killed the process inside the parser")
        // The next start (the hook still armed) does not parse that message again: it is quarantined raw.
        let second = try TestEnv.runSurel(["run", "--once", "--config", config], environment: env)
        XCTAssertEqual(second.status, 0, second.err)
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        let quarantined = try db.messages(kind: .quarantined)
        XCTAssertEqual(quarantined.count, 1)
        XCTAssertEqual(quarantined.first?.note, ParseJournal.crashNote)
        let raw = try quarantined.first?.id.flatMap { try db.message(rowID: $0)?.raw }
        XCTAssertEqual(raw?.range(of: Data(marker.utf8)) != nil, true, "kept with its raw bytes")
        XCTAssertTrue(try db.messages(kind: .ticket).contains { $0.messageID == "good-after-hostile@kedirikab.go.id" })

        // A retry is refused without --force; with it the parser crashes again, and the row says so afterwards.
        let id = try XCTUnwrap(quarantined.first?.id)
        let refused = try TestEnv.runSurel(["quarantine", "retry", "\(id)", "--config", config], environment: env)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.err.contains("--force"), refused.err)
        let forced = try TestEnv.runSurel(
            ["quarantine", "retry", "\(id)", "--force", "--config", config], environment: env)
        XCTAssertNotEqual(forced.status, 0, "the hook kills the retry too")
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        XCTAssertEqual(try db.message(rowID: id)?.note, ParseJournal.crashNote + " (during quarantine retry)")
        let list = try TestEnv.runSurel(["quarantine", "list", "--config", config])
        XCTAssertTrue(list.out.contains("the parser crashed"), list.out)
    }

    func testAMailboxOfLargeMailsIsReadInOneCycle() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("large")
        let line =
            String(repeating: "Laporan realisasi penyaluran dana transfer ke daerah tahun anggaran 2025. ", count: 1)
            + "\n"
        func big(_ i: Int, bytes: Int) -> Data {
            Self.mail(
                "From: bpkad\(i)@kedirikab.go.id\nSubject: Lampiran laporan \(i)\nMessage-ID: <large\(i)@kedirikab.go.id>",
                body: String(repeating: line, count: bytes / line.utf8.count))
        }
        let mails = (0..<12).map { i in big(i, bytes: i % 3 == 2 ? 3_000_000 : 474_000) }
        try TestEnv.fillMaildir(user: user, messages: mails)
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user).path
        let run = try TestEnv.runSurel(["run", "--once", "--config", config])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertFalse(run.err.contains("Too large"), run.err)
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        XCTAssertEqual(try db.messages(kind: .ticket).count, mails.count, "every large mail read in one cycle")
    }

    func testTheCLIShowsControlCharactersFromMailEscaped() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("escape")
        let subject = "=?utf-8?q?Tagihan=1B]8;;http://evil.test=1B\\=0D=0A2025-000999__open__dak=E2=80=AEfdp.exe?="
        try TestEnv.fillMaildir(
            user: user,
            messages: [
                Self.mail("From: a@kedirikab.go.id\nSubject: \(subject)\nMessage-ID: <esc@kedirikab.go.id>")
            ])
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user).path
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let list = try TestEnv.runSurel(["tickets", "list", "--config", config])
        XCTAssertEqual(list.status, 0, list.err)
        for bad in ["\u{1B}", "\r", "\u{202E}"] { XCTAssertFalse(list.out.contains(bad), list.out.debugDescription) }
        XCTAssertEqual(list.out.split(separator: "\n").count, 1, "the subject's line break forged no row: \(list.out)")
        XCTAssertTrue(list.out.contains("Tagihan\\e]8;;http://evil.test\\e\\\\r\\n2025-000999"), list.out)
        XCTAssertTrue(list.out.contains("\\u{202E}"), list.out)
        let json = try TestEnv.runSurel(["tickets", "list", "--json", "--config", config])
        XCTAssertFalse(json.out.contains("\u{202E}"), "JSON carries the override as \\u202e")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        XCTAssertEqual(
            (parsed?.first?["subject"] as? String)?.contains("\u{202E}"), true, "JSON still reads back the same")
    }
}
