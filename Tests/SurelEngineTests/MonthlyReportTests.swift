// Issue 18, the figures: a hand-counted fixture of February 2025, January 2025 and February 2024, stored through the
// store's ingest and workflow code, and every figure of the report checked against the count made by hand below.
import Foundation
import Logging
import XCTest
import SurelCore
import SurelMail
@testable import SurelEngine
@testable import SurelStore

final class MonthlyReportTests: XCTestCase {
    static func wib(_ text: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    func makeDesk() throws -> (HelpDesk, SurelDatabase, String) {
        let dir = try TestEnv.scratch(self)
        let url = try TestEnv.writeConfig(
            dir: dir, user: "report",
            extra: """

                [units.DTU]
                email = "dtu@kemenkeu.go.id"
                name = "Direktorat Dana Transfer Umum"
                """)
        let config = try SurelConfig.load(path: url.path)
        let db = try SurelDatabase(path: config.store.path)
        return (HelpDesk(config: config, database: db), db, url.path)
    }

    @discardableResult
    func store(_ db: SurelDatabase, _ id: String, from: String, category: String, at: String) throws -> TicketNumber {
        let when = Self.wib(at)
        var m = IncomingMessage(
            kind: .ticket, messageID: id, rawSHA256: "sha-\(id)", raw: Data(id.utf8), mailbox: nil, uidValidity: nil,
            uid: nil, subject: "Soal \(id)", fromName: nil, fromEmail: from, sentAt: when, receivedAt: when,
            threadTime: when, text: "teks", html: nil, inReplyTo: [], references: [], note: nil, bounce: nil,
            isBulk: false, attachments: [])
        m.bodyOffset = 0
        let intent = TicketIntent(
            ticketNumberInSubject: nil, referencedMessageIDs: [], normalizedSubject: "soal \(id)", senderEmail: from,
            senderProfile: SenderDirectory.profile(forEmail: from), receivedAt: when, threadTime: when,
            subjectWindow: 0, reopenWindow: 0, year: Int(at.prefix(4))!, confidentialCategories: ["pengaduan"],
            classify: { Classification(category: category, confidence: 1, explanation: "uji") })
        guard case .newTicket(let n) = try db.storeIncoming(m, ticket: intent, cursor: nil) else {
            XCTFail("\(id) opened no ticket")
            return TicketNumber(year: 0, sequence: 0)
        }
        return n
    }

    func testEveryFigureMatchesTheHandCount() throws {
        let (desk, db, configPath) = try makeDesk()
        // February 2025, the month reported (times WIB; service hours 08.00-17.00 on working days).
        let t1 = try store(db, "f1", from: "bpkad@kedirikab.go.id", category: "dau", at: "2025-02-04 09:00")
        try db.act(.answer, on: t1, actor: "ani", answer: "a", at: Self.wib("2025-02-04 10:00"))  // on time
        let t2 = try store(db, "f2", from: "keuangan@kedirikab.go.id", category: "dau", at: "2025-02-04 20:00")
        try db.act(.escalate(unit: "DTU"), on: t2, actor: "ani", at: Self.wib("2025-02-05 09:00"))
        try db.act(.layer2Answer, on: t2, actor: "ani", answer: "u", at: Self.wib("2025-02-05 15:00"))  // H: 120
        try db.act(.answer, on: t2, actor: "ani", answer: "a", at: Self.wib("2025-02-06 10:00"))  // within 3 days
        try store(db, "f3", from: "bappeda@samarindakota.go.id", category: "dbh", at: "2025-02-08 10:00")  // Saturday
        try store(db, "f4", from: "setda@kedirikab.go.id", category: "surat-masuk", at: "2025-02-10 09:00")
        try store(db, "f5", from: "promo@gmail.com", category: "spam", at: "2025-02-10 03:00")
        try store(db, "f6", from: "warga@gmail.com", category: "pengaduan", at: "2025-02-12 10:00")
        let t7 = try store(db, "f7", from: "staf@kemenkeu.go.id", category: "dau", at: "2025-02-13 11:00")
        try db.act(.answer, on: t7, actor: "ani", answer: "a", at: Self.wib("2025-02-17 10:00"))  // late
        let breachTicket = try XCTUnwrap(try db.ticket(number: t7)?.id)
        try db.recordSLAEvent(
            ticketID: breachTicket, kind: .slaBreach, detail: "deadline x", at: Self.wib("2025-02-14 11:05"))
        // January 2025: three tickets, two of them complaints.
        try store(db, "j1", from: "a@gmail.com", category: "pengaduan", at: "2025-01-10 10:00")
        try store(db, "j2", from: "b@gmail.com", category: "pengaduan", at: "2025-01-11 10:00")
        try store(db, "j3", from: "bpkad@kedirikab.go.id", category: "dau", at: "2025-01-31 16:59")
        // February 2024: seven tickets, no complaint.
        for i in 1...7 {
            try store(db, "y\(i)", from: "y\(i)@gmail.com", category: "lainnya", at: "2024-02-0\(i) 10:00")
        }
        // A ticket of March 2025 counts nowhere here.
        try store(db, "m1", from: "m@gmail.com", category: "dau", at: "2025-03-01 00:00")

        let r = try desk.monthlyReport(month: "2025-02", as: desk.actor(named: "kasubbag"))
        XCTAssertEqual(r.previousMonth, "2025-01")
        XCTAssertEqual(r.lastYearMonth, "2024-02")
        XCTAssertFalse(r.empty)
        XCTAssertEqual(r.emails, ReportFigure(7, previous: 3, lastYear: 7))
        XCTAssertEqual(r.emails.changeFromPrevious, "naik 2x lipat")
        XCTAssertEqual(r.emails.changeFromLastYear, "sama")
        XCTAssertEqual(r.letters, 1)
        XCTAssertEqual(r.spam, 1)
        XCTAssertEqual(
            r.categories.map { "\($0.name) \($0.count) \($0.percent)" },
            ["DAU 3 42.9", "DBH 1 14.3", "Pengaduan 1 14.3", "Spam 1 14.3", "Surat Masuk 1 14.3"])
        XCTAssertEqual(
            r.senderClasses.map { "\($0.name) \($0.count) \($0.percent)" },
            ["Pemda 4 57.1", "Lainnya 2 28.6", "Kementerian/Lembaga 1 14.3", "Akademisi 0 0.0"])
        let kediri = try XCTUnwrap(SenderDirectory.profile(forEmail: "bpkad@kedirikab.go.id").region?.name)
        let samarinda = try XCTUnwrap(SenderDirectory.profile(forEmail: "bappeda@samarindakota.go.id").region?.name)
        XCTAssertEqual(
            r.busiestRegions,
            [
                .init(region: kediri, tickets: 3, topics: ["DAU", "Surat Masuk"]),
                .init(region: samarinda, tickets: 1, topics: ["DBH"]),
            ])
        // WIB: f1 and f4 in hours, f2 at 20.00 out; WITA: f3 on a Saturday, out. f5, f6, f7 have no zone.
        XCTAssertEqual(
            r.serviceHours.zones,
            [
                .init(zone: "WIB", inHours: 2, outOfHours: 1), .init(zone: "WITA", inHours: 0, outOfHours: 1),
                .init(zone: "WIT", inHours: 0, outOfHours: 0),
            ])
        XCTAssertEqual(r.serviceHours.placed, 4)
        XCTAssertEqual(r.serviceHours.unplaced, 3)
        // Out of hours: f2, f3, f5 (03.00); of those f2 was escalated.
        XCTAssertEqual(r.serviceHours.outOfHours, 3)
        XCTAssertEqual(r.serviceHours.outOfHoursEscalated, 1)
        XCTAssertEqual(r.serviceHours.outOfHoursEscalatedPercent, 33.3)
        XCTAssertEqual(r.complaints, ReportFigure(1, previous: 2, lastYear: 0))
        XCTAssertEqual(r.complaints.changeFromPrevious, "turun 50%")
        XCTAssertEqual(r.complaints.changeFromLastYear, "naik dari 0")
        XCTAssertEqual(
            r.units,
            [.init(unit: "DTU", name: "Direktorat Dana Transfer Umum", escalations: 1, answered: 1, averageScore: 120)])
        XCTAssertEqual(r.bestUnits, ["DTU"])
        // Owed an answer: f1, f2, f3, f6, f7. Not escalated: f1 on time; f3 and f6 unanswered, f7 late. Escalated:
        // f2 on time.
        XCTAssertEqual(
            r.sla,
            .init(
                notEscalated: 4, notEscalatedOnTime: 1, notEscalatedOnTimePercent: 25, escalated: 1,
                escalatedOnTime: 1, escalatedOnTimePercent: 100, breaches: 1))
        XCTAssertNil(r.satisfaction)
        XCTAssertEqual(r.blasts, [])

        // The CSV holds the same figures, one table per section.
        let csv = r.csv()
        XCTAssertTrue(csv.contains("surel (tiket),7,2025-01,3,naik 2x lipat,2024-02,7,sama"), csv)
        XCTAssertTrue(csv.contains("# kategori\nkategori,tiket,persen\nDAU,3,42.9\n"), csv)
        XCTAssertTrue(csv.contains("DTU,Direktorat Dana Transfer Umum,1,1,120.0"), csv)

        // The command writes the same, as CSV or JSON.
        let file = URL(fileURLWithPath: configPath).deletingLastPathComponent().appendingPathComponent("feb.csv")
        let cli = try TestEnv.runSurel([
            "report", "monthly", "--month", "2025-02", "--format", "csv", "--output", file.path, "--config", configPath,
        ])
        XCTAssertEqual(cli.status, 0, cli.err)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), csv)
        let json = try TestEnv.runSurel(["report", "monthly", "--month", "2025-02", "--config", configPath])
        XCTAssertTrue(json.out.contains("\"changeFromPrevious\" : \"naik 2x lipat\""), json.out)

        // The PDF: A4, its text extractable, the same sentences and figures.
        let pdf = URL(fileURLWithPath: configPath).deletingLastPathComponent().appendingPathComponent("feb.pdf")
        XCTAssertEqual(
            try TestEnv.runSurel([
                "report", "monthly", "--month", "2025-02", "--format", "pdf", "--output", pdf.path, "--config",
                configPath,
            ]).status, 0)
        let text = try TestEnv.run("/usr/bin/pdftotext", ["-layout", pdf.path, "-"]).out
        for expected in [
            "Laporan Layanan Email Contact Center DJPK", "naik 2x lipat", "turun 50%", "Direktorat Dana Transfer Umum",
            "Surat Masuk", "Dijawab dalam 1 hari kerja", "1 dari 4 (25,0%)",
        ] {
            XCTAssertTrue(text.contains(expected), "the PDF lacks \(expected): \(text)")
        }
        let info = try TestEnv.run("/usr/bin/pdfinfo", [pdf.path]).out
        XCTAssertTrue(info.contains("595 x 842 pts (A4)"), info)

        // An empty month says so instead of failing.
        let none = try desk.monthlyReport(month: "2023-06", as: desk.actor(named: "kasubbag"))
        XCTAssertTrue(none.empty)
        XCTAssertEqual(none.emails.changeFromPrevious, "sama")
        XCTAssertEqual(none.serviceHours.outOfHoursEscalatedPercent, 0)
        XCTAssertNil(none.sla.notEscalatedOnTimePercent)
    }

    /// A clock the test moves: the ingest dates a mail by its arrival only within a week of reading it.
    final class Clock: @unchecked Sendable {
        var now = Date()
    }

    /// The same kind of month through the real ingest path: mails in the Dovecot mailbox, each read by the Ingestor
    /// (IMAP, MIME parsing, sender profile, threading, classification) a minute after its Received time; categories
    /// set by an agent's review, answers, the escalation and the unit's answer through the HelpDesk at their times.
    func testTheReportOfMailReadFromTheMailbox() throws {
        try TestEnv.requireServers()
        let dir = try TestEnv.scratch(self)
        let user = TestEnv.freshUser("report")
        let url = try TestEnv.writeConfig(
            dir: dir, user: user,
            extra: """

                \(TestEnv.smtpSection())

                [units.DTU]
                email = "dtu@kemenkeu.go.id"
                name = "Direktorat Dana Transfer Umum"
                """)
        let config = try SurelConfig.load(path: url.path)
        let db = try SurelDatabase(path: config.store.path)
        let clock = Clock()
        // One ingestor reads every mail, poll after poll, as the daemon does.
        let ingestor = Ingestor(
            config: config, database: db, attachments: try AttachmentDirectory(path: config.store.attachments),
            source: CurlIMAPSource(endpoint: config.mailbox.endpoint), logger: Logger(label: "report-test"),
            now: { clock.now })
        func ingest() throws {
            XCTAssertEqual(try ingestor.runCycle().fetched, 1, "the mail delivered since the last poll")
        }
        let desk = HelpDesk(config: config, database: db, now: { clock.now })
        let agent = Actor(name: "ani", mayReadConfidential: true, role: .supervisor)
        var n = 0
        /// Delivers one mail that arrived at `at` (WIB) and reads it a minute later; its ticket gets `category`.
        func deliver(_ from: String, _ subject: String, category: String, at: String) throws -> TicketNumber {
            n += 1
            let date = Self.wib(at)
            let rfc = DateFormatter()
            rfc.locale = Locale(identifier: "en_US_POSIX")
            rfc.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
            rfc.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
            let mail = """
                Received: from mx.example by mail.kemenkeu.go.id; \(rfc.string(from: date))\r
                From: <\(from)>\r
                To: callcenter.djpk@kemenkeu.go.id\r
                Subject: \(subject)\r
                Message-ID: <report-\(n)-\(user)@example.go.id>\r
                Date: \(rfc.string(from: date))\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Mohon informasi terkait \(subject.lowercased()).\r

                """
            try TestEnv.fillMaildir(user: user, messages: [Data(mail.utf8)])
            clock.now = date.addingTimeInterval(60)
            try ingest()
            let t = try XCTUnwrap(try db.tickets().last { $0.subject == subject }, "\(subject) opened a ticket")
            XCTAssertEqual(t.createdAt, date, "dated by its arrival")
            try desk.review(t.number, category: category, as: agent)
            return t.number
        }
        func at(_ text: String) { clock.now = Self.wib(text) }

        let t1 = try deliver("bpkad@kedirikab.go.id", "Penyaluran DAU tahap 1", category: "dau", at: "2025-02-04 09:00")
        at("2025-02-04 10:00")
        try desk.reply(t1, body: "Jawaban", as: agent)
        let t2 = try deliver("keuangan@kedirikab.go.id", "Alokasi DAU", category: "dau", at: "2025-02-04 20:00")
        at("2025-02-05 09:00")
        try desk.escalate(t2, unit: "DTU", note: nil, as: agent)
        at("2025-02-05 15:00")
        try desk.layer2Answer(t2, body: "Jawaban unit", as: agent)
        at("2025-02-06 10:00")
        try desk.reply(t2, body: "Jawaban", as: agent)
        _ = try deliver("bappeda@samarindakota.go.id", "DBH sawit", category: "dbh", at: "2025-02-08 10:00")
        _ = try deliver("setda@kedirikab.go.id", "Surat undangan", category: "surat-masuk", at: "2025-02-10 09:00")
        _ = try deliver("promo@gmail.com", "Promo pinjaman", category: "spam", at: "2025-02-10 03:00")
        _ = try deliver("warga@gmail.com", "Pungutan di kantor desa", category: "pengaduan", at: "2025-02-12 10:00")
        let t7 = try deliver("staf@kemenkeu.go.id", "Data TKD", category: "dau", at: "2025-02-13 11:00")
        at("2025-02-17 10:00")
        try desk.reply(t7, body: "Jawaban", as: agent)
        _ = try deliver("a@gmail.com", "Aduan satu", category: "pengaduan", at: "2025-01-10 10:00")
        _ = try deliver("b@gmail.com", "Aduan dua", category: "pengaduan", at: "2025-01-11 10:00")
        _ = try deliver("bpkad@kedirikab.go.id", "DAU Januari", category: "dau", at: "2025-01-31 16:59")
        for i in 1...7 {
            _ = try deliver("y\(i)@gmail.com", "Tanya \(i)", category: "lainnya", at: "2024-02-0\(i) 10:00")
        }

        at("2025-03-03 09:00")
        let r = try desk.monthlyReport(month: "2025-02", as: agent)
        XCTAssertEqual(r.emails, ReportFigure(7, previous: 3, lastYear: 7))
        XCTAssertEqual([r.letters, r.spam], [1, 1])
        XCTAssertEqual(
            r.categories.map { "\($0.name) \($0.count)" }, ["DAU 3", "DBH 1", "Pengaduan 1", "Spam 1", "Surat Masuk 1"])
        XCTAssertEqual(
            r.senderClasses.map { "\($0.name) \($0.count)" },
            ["Pemda 4", "Lainnya 2", "Kementerian/Lembaga 1", "Akademisi 0"])
        XCTAssertEqual(r.busiestRegions.map(\.tickets), [3, 1])
        XCTAssertEqual(r.busiestRegions.first?.topics, ["DAU", "Surat Masuk"])
        XCTAssertEqual(r.serviceHours.zones.map { [$0.inHours, $0.outOfHours] }, [[2, 1], [0, 1], [0, 0]])
        XCTAssertEqual(
            [
                r.serviceHours.placed, r.serviceHours.unplaced, r.serviceHours.outOfHours,
                r.serviceHours.outOfHoursEscalated,
            ],
            [4, 3, 3, 1])
        XCTAssertEqual(r.complaints, ReportFigure(1, previous: 2, lastYear: 0))
        XCTAssertEqual(r.units.map { "\($0.unit) \($0.escalations) \($0.averageScore ?? 0)" }, ["DTU 1 120.0"])
        XCTAssertEqual(
            [r.sla.notEscalated, r.sla.notEscalatedOnTime, r.sla.escalated, r.sla.escalatedOnTime], [4, 1, 1, 1])
    }

    func testChangesArePhrasedAsTheReportDoes() {
        XCTAssertEqual(ReportChange.phrase(200, from: 219), "turun 9%")
        XCTAssertEqual(ReportChange.phrase(200, from: 131), "naik 53%")
        XCTAssertEqual(ReportChange.phrase(7, from: 4), "naik 75%")
        XCTAssertEqual(ReportChange.phrase(25, from: 4), "naik 6x lipat")
        XCTAssertEqual(ReportChange.phrase(25, from: 9), "naik 2x lipat")
        XCTAssertEqual(ReportChange.phrase(5, from: 5), "sama")
        XCTAssertEqual(ReportChange.phrase(0, from: 0), "sama")
        XCTAssertEqual(ReportChange.phrase(3, from: 0), "naik dari 0")
        XCTAssertEqual(ReportChange.phrase(0, from: 3), "turun 100%")
        XCTAssertEqual(ReportChange.phrase(1001, from: 1000), "naik 1%")
    }
}
