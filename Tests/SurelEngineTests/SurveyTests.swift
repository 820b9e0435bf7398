// Issue 17 through the real parts: the BAK mail in the citizen's Dovecot mailbox holds the survey link; fetching
// it as a scanner would (GET, HEAD, a prefetch) records nothing; the citizen rates it in headless Chromium
// (Tests/Browser/survey.py); a tampered, a foreign and an expired link are refused; the public listener serves no
// console route and limits each address. And the month's scores, per agent with the minimum's mark.
import Foundation
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelStore

final class SurveyTests: XCTestCase {
    /// `curl` as a scanner or a browser's prefetch would fetch a link: status code only.
    func fetch(_ url: String, _ extra: [String] = []) throws -> (status: String, body: String) {
        let r = try TestEnv.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}"] + extra + [url])
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
    }

    func testTheBAKLinkIsSafeFromScannersAndRecordsTheCitizensRating() throws {
        try TestEnv.requirePostfix()
        try TestEnv.requireBrowser()
        let dir = try TestEnv.scratch(self)
        let cc = TestEnv.freshUser("survey-cc")
        let citizen = TestEnv.freshUser("warga") + "@bpkad.kedirikab.go.id"
        let port = 19_000 + Int(getpid() % 2000)
        let publicPort = port + 2500
        let configPath = try TestEnv.writeConfig(
            dir: dir, user: cc,
            extra: """

                \(TestEnv.smtpSection())

                [web]
                listen = "127.0.0.1:\(port)"
                public_url = "http://127.0.0.1:\(publicPort)"
                public_listen = "127.0.0.1:\(publicPort)"
                """
        ).path
        try TestEnv.fillMaildir(
            user: cc,
            messages: [
                Data(
                    """
                    From: Rina <\(citizen)>\r
                    To: callcenter.djpk@kemenkeu.go.id\r
                    Subject: Jadwal penyaluran DAU\r
                    Message-ID: <survey1@kedirikab.go.id>\r
                    Date: Tue, 04 Feb 2025 09:00:00 +0700\r
                    Content-Type: text/plain; charset=utf-8\r
                    \r
                    Mohon informasi jadwal penyaluran DAU bulan ini.\r

                    """.utf8)
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", configPath]).status, 0)
        let config = try SurelConfig.load(path: configPath)
        let desk = try HelpDesk(config: config)
        let agent = Actor(name: "agen", mayReadConfidential: false, role: .agent)
        let t = try XCTUnwrap(try desk.database.tickets().first)
        try desk.reply(t.number, body: "DAU disalurkan setiap bulan.", as: agent)
        try desk.close(t.number, as: agent)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", configPath]).status, 0)

        // The BAK mail carries the link; the answer mail does not.
        let inbox = TestEnv.waitForInbox(citizen) { $0.contains { $0.subject.contains("Berita Acara") } }
        let bak = try XCTUnwrap(inbox.first { $0.subject.contains("Berita Acara") })
        let pattern = try NSRegularExpression(pattern: "http://127\\.0\\.0\\.1:\(publicPort)/survei/[A-Za-z0-9._-]+")
        let match = try XCTUnwrap(
            pattern.firstMatch(in: bak.text, range: NSRange(bak.text.startIndex..., in: bak.text)))
        let link = String(bak.text[Range(match.range, in: bak.text)!])
        XCTAssertFalse(inbox.contains { !$0.subject.contains("Berita Acara") && $0.text.contains("/survei/") })
        let keyPath = config.surveyKeyPath
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600, "the survey key is the installation's secret")
        XCTAssertFalse(try String(contentsOfFile: configPath, encoding: .utf8).contains("survey.key"))

        let log = dir.appendingPathComponent("serve.log")
        let server = try TestEnv.startConsole(config: configPath, port: port, log: log)
        defer { server.terminate(); server.waitUntilExit() }
        XCTAssertTrue(TestEnv.poll({ TestEnv.portOpen(publicPort) }, until: { $0 }))

        // What scanners and previews do records nothing.
        XCTAssertEqual(try fetch(link).status, "200")
        XCTAssertEqual(try fetch(link, ["-I"]).status, "200")
        XCTAssertEqual(try fetch(link, ["-H", "Sec-Purpose: prefetch", "-H", "Purpose: prefetch"]).status, "200")
        XCTAssertEqual(try fetch(link, ["-A", "Mozilla/5.0 (compatible; SafeLinks)", "-L"]).status, "200")
        XCTAssertTrue(try desk.database.ratings(ticketID: t.id!).isEmpty, "a GET recorded a rating")
        // A POST without the form's token records nothing either.
        XCTAssertEqual(try fetch(link, ["--data", "layanan=1&substansi=1"]).status, "403")
        XCTAssertTrue(try desk.database.ratings(ticketID: t.id!).isEmpty)

        // The citizen rates it in a browser.
        let browser = try TestEnv.browserScript(
            "survey.py",
            [
                "--url", link, "--ticket", t.number.description, "--service", "4", "--substance", "5", "--comment",
                "Jawaban jelas <script>x</script>", "--shots", dir.path,
            ])
        XCTAssertEqual(browser.status, 0, "survey in the browser: \(browser.err)")
        let ratings = try desk.database.ratings(ticketID: t.id!)
        XCTAssertEqual(ratings.map(\.service), [4])
        XCTAssertEqual(ratings.map(\.substance), [5])
        XCTAssertEqual(try desk.database.ratedParties(ticketID: t.id!).agent, "agen")

        // Rating again replaces it; both are kept.
        let token = String(link.split(separator: "/").last!)
        XCTAssertEqual(try fetch(link, ["--data", "token=\(token)&layanan=5&substansi=5"]).status, "200")
        XCTAssertEqual(try desk.database.ratings(ticketID: t.id!).map(\.current), [false, true])

        // Tampered, foreign and expired links: a clear page, nothing recorded.
        var tampered = Array(token)
        tampered[tampered.count - 1] = tampered.last == "A" ? "B" : "A"
        let base = "http://127.0.0.1:\(publicPort)/survei/"
        let bad = try fetch(base + String(tampered))
        XCTAssertEqual(bad.status, "403")
        XCTAssertTrue(bad.body.contains("Tautan tidak sah"), bad.body)
        let foreign = SurveyLink.token(
            ticket: t.number, expires: Date().addingTimeInterval(86_400), key: [UInt8](repeating: 7, count: 32))
        XCTAssertEqual(try fetch(base + foreign).status, "403")
        let key = try SurveyKey.load(path: keyPath)
        let expired = SurveyLink.token(ticket: t.number, expires: Date().addingTimeInterval(-60), key: key)
        let old = try fetch(base + expired)
        XCTAssertEqual(old.status, "410")
        XCTAssertTrue(old.body.contains("kedaluwarsa"), old.body)
        XCTAssertEqual(try fetch(base + expired, ["--data", "token=\(expired)&layanan=1&substansi=1"]).status, "410")
        XCTAssertEqual(try desk.database.ratings(ticketID: t.id!).count, 2)

        // The public listener serves no console route; it has the console's headers and a limit per address.
        for path in ["/", "/login", "/tickets", "/survey", "/ops"] {
            XCTAssertEqual(try fetch("http://127.0.0.1:\(publicPort)\(path)").status, "404", path)
        }
        let headers = try fetch(link, ["-D", "-", "-o", "/dev/null"]).body.lowercased()
        XCTAssertTrue(headers.contains("content-security-policy: default-src 'self'"), headers)
        XCTAssertTrue(headers.contains("x-frame-options: deny"), headers)
        var statuses: [String] = []
        for _ in 0..<40 { statuses.append(try fetch(link).status) }
        XCTAssertTrue(statuses.contains("429"), "no limit per address: \(statuses)")
        let logged = try String(contentsOf: log, encoding: .utf8)
        XCTAssertFalse(logged.contains(token), "the link's token is in the log")
    }

    /// A link names its ticket and expiry under the key's signature: any change of either, another key, an
    /// expiry passed or something that is not a link at all is refused; the key is made once, 0600.
    func testLinksAreSignedAndExpire() throws {
        let dir = try TestEnv.scratch(self)
        let keyPath = dir.appendingPathComponent("survey.key").path
        let key = try SurveyKey.load(path: keyPath)
        XCTAssertEqual(try SurveyKey.load(path: keyPath), key, "made once, then read")
        XCTAssertEqual(key.count, 32)
        let number = TicketNumber(year: 2025, sequence: 42)
        let now = Date()
        let token = SurveyLink.token(ticket: number, expires: now.addingTimeInterval(3600), key: key)
        XCTAssertEqual(try SurveyLink.verify(token, key: key, now: now).get(), number)
        let parts = token.split(separator: ".").map(String.init)
        let otherTicket = "2025-000043.\(parts[1]).\(parts[2])"
        let later = "\(parts[0]).\(Int(parts[1])! + 86_400).\(parts[2])"
        for bad in [otherTicket, later, token + "x", "", "a.b.c", String(repeating: "a", count: 500), parts[0]] {
            XCTAssertEqual(SurveyLink.verify(bad, key: key, now: now), .failure(.invalid), bad)
        }
        XCTAssertEqual(
            SurveyLink.verify(token, key: [UInt8](repeating: 1, count: 32), now: now), .failure(.invalid))
        XCTAssertEqual(SurveyLink.verify(token, key: key, now: now.addingTimeInterval(7200)), .failure(.expired))
    }

    /// A fixture month: agent "ani" with 6 ratings from 5 citizens, "budi" with 3 from 2 (short of the minimum),
    /// a unit's escalated ticket, a complaint's comment hidden from a non-reader.
    func testTheMonthsScoresPerAgentWithTheMinimumMark() throws {
        let dir = try TestEnv.scratch(self)
        let configPath = try TestEnv.writeConfig(dir: dir, user: "survey-scores").path
        let config = try SurelConfig.load(path: configPath)
        let db = try SurelDatabase(path: config.store.path)
        let february = Date(timeIntervalSince1970: 1_738_580_000)  // 3 Feb 2025
        var n = 0
        func ticket(_ from: String, category: String = "dau") throws -> Int64 {
            n += 1
            let m = IncomingMessage(
                kind: .ticket, messageID: "s\(n)@x", rawSHA256: "s\(n)", raw: Data("s\(n)".utf8), mailbox: nil,
                uidValidity: nil, uid: nil, subject: "Soal \(n)", fromName: nil, fromEmail: from, sentAt: february,
                receivedAt: february, threadTime: february, text: "t", html: nil, inReplyTo: [], references: [],
                note: nil, bounce: nil, isBulk: false, attachments: [])
            let intent = TicketIntent(
                ticketNumberInSubject: nil, referencedMessageIDs: [], normalizedSubject: "soal \(n)", senderEmail: from,
                senderProfile: SenderDirectory.profile(forEmail: from), receivedAt: february, threadTime: february,
                subjectWindow: 0, reopenWindow: 0, year: 2025, confidentialCategories: ["pengaduan"],
                classify: { Classification(category: category, confidence: 1, explanation: "uji") })
            _ = try db.storeIncoming(m, ticket: intent, cursor: nil)
            return try XCTUnwrap(try db.tickets().last?.id)
        }
        let day: TimeInterval = 86_400
        for (i, (service, substance)) in [(5, 5), (5, 4), (4, 4), (5, 5), (3, 4), (5, 5)].enumerated() {
            let id = try ticket("warga\(min(i, 4))@gmail.com")
            try db.recordRating(
                ticketID: id, agent: "ani", unit: nil, citizen: "warga\(min(i, 4))@gmail.com", service: service,
                substance: substance, comment: i == 0 ? "Sangat membantu" : nil,
                at: february.addingTimeInterval(Double(i) * day))
        }
        for (i, citizen) in ["a@x.id", "a@x.id", "b@x.id"].enumerated() {
            let id = try ticket(citizen)
            try db.recordRating(
                ticketID: id, agent: "budi", unit: i == 0 ? "DTU" : nil, citizen: citizen, service: 3, substance: 2,
                comment: nil, at: february.addingTimeInterval(Double(i) * day))
        }
        let complaint = try ticket("pelapor@gmail.com", category: "pengaduan")
        try db.recordRating(
            ticketID: complaint, agent: "budi", unit: nil, citizen: "pelapor@gmail.com", service: 1, substance: 1,
            comment: "Komentar-Rahasia", at: february.addingTimeInterval(10 * day))
        // A rating of March does not count in February.
        try db.recordRating(
            ticketID: try ticket("c@x.id"), agent: "ani", unit: nil, citizen: "c@x.id", service: 1, substance: 1,
            comment: nil, at: february.addingTimeInterval(40 * day))

        let r = try TestEnv.runSurel(["survey", "scores", "--month", "2025-02", "--json", "--config", configPath])
        XCTAssertEqual(r.status, 0, r.err)
        struct Out: Decodable {
            struct Row: Decodable {
                var name: String
                var ratings: Int
                var citizens: Int
                var service: Double
                var substance: Double
                var overall: Double
                var meets_minimum: Bool
            }
            struct Comment: Decodable { var text: String }
            var agents: [Row]
            var units: [Row]
            var comments: [Comment]
            var hidden_comments: Int
        }
        let out = try JSONDecoder().decode(Out.self, from: Data(r.out.utf8))
        let ani = try XCTUnwrap(out.agents.first { $0.name == "ani" })
        XCTAssertEqual(ani.ratings, 6)
        XCTAssertEqual(ani.citizens, 5)
        XCTAssertEqual(ani.service, 4.5)  // 27 / 6
        XCTAssertEqual(ani.substance, 4.5)
        XCTAssertEqual(ani.overall, 4.5)
        XCTAssertTrue(ani.meets_minimum)
        let budi = try XCTUnwrap(out.agents.first { $0.name == "budi" })
        XCTAssertEqual(budi.ratings, 4)
        XCTAssertEqual(budi.citizens, 3)
        XCTAssertEqual(budi.service, 2.5)  // (3 + 3 + 3 + 1) / 4
        XCTAssertFalse(budi.meets_minimum)
        XCTAssertEqual(out.units.map(\.name), ["DTU"])
        // The CLI reads as its user names it; without `[access] confidential_readers` no one reads complaints.
        XCTAssertEqual(out.comments.map(\.text), ["Sangat membantu"])
        XCTAssertEqual(out.hidden_comments, 1)
        XCTAssertFalse(r.out.contains("Komentar-Rahasia"))
    }
}
