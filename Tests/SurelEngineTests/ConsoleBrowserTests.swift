// Issue 16 line 5 through every real part: mail in the loopback Dovecot, `surel run` and `surel serve` as processes,
// Postfix delivering what surel sends, and the console driven in headless Chromium (Tests/Browser/console.py, one
// phase per step): an agent logs in, corrects a category from the review queue and answers, and the citizen's
// mailbox gets the answer; the agent escalates, the unit's reply comes back by mail and shows in the thread; the
// agent closes after seeing the BAK, and the citizen gets it. The answer starts from a knowledge base entry the
// supervisor wrote, carries a file, and the unit's reply becomes an entry; two people on one ticket see each other.
// Mail carrying script (in its sender, subject, text, HTML-only body and attachment name) shows it as text and runs
// none.
import Foundation
import XCTest
import SurelCore
@testable import SurelStore

final class ConsoleBrowserTests: XCTestCase {
    func testAnAgentWorksATicketInTheBrowser() throws {
        try TestEnv.requirePostfix()
        try TestEnv.requireBrowser()
        let dir = try TestEnv.scratch(self)
        let cc = TestEnv.freshUser("web-cc")
        let citizen = TestEnv.freshUser("warga") + "@bpkad.kedirikab.go.id"
        let unit = TestEnv.freshUser("web-dtu") + "@kemenkeu.go.id"
        let port = 18_000 + Int(getpid() % 2000)
        let config = try TestEnv.writeConfig(
            dir: dir, user: cc,
            extra: """

                \(TestEnv.smtpSection())

                [units.DTU]
                email = "\(unit)"
                name = "Direktorat Dana Transfer Umum"

                [web]
                listen = "127.0.0.1:\(port)"
                """
        ).path
        func mail(_ from: String, _ id: String, _ subject: String, _ body: String, extra: String = "") -> Data {
            Data(
                """
                From: \(from)\r
                To: callcenter.djpk@kemenkeu.go.id\r
                Subject: \(subject)\r
                Message-ID: <\(id)>\r
                Date: Tue, 04 Feb 2025 09:00:00 +0700\r
                Content-Type: text/plain; charset=utf-8\(extra)\r
                \r
                \(body)\r

                """.utf8)
        }
        // HTML only, with script in the markup and in an attachment's name.
        let htmlOnly = Data(
            """
            From: Tamu <\(TestEnv.freshUser("h"))@gmail.com>\r
            To: callcenter.djpk@kemenkeu.go.id\r
            Subject: Surat berformat HTML\r
            Message-ID: <web3@gmail.com>\r
            Date: Tue, 04 Feb 2025 09:10:00 +0700\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <html><body><p>Mohon info</p><script>window.__xss=5</script><img src=x onerror="window.__xss=6">
            <a href="javascript:window.__xss=8">klik</a><iframe src="javascript:window.__xss=9"></iframe></body></html>\r
            --b1\r
            Content-Type: text/html; name="<img src=x onerror=window.__xss=7>.html"\r
            Content-Disposition: attachment; filename="<img src=x onerror=window.__xss=7>.html"\r
            \r
            <script>window.__xss=10</script>\r
            --b1--\r

            """.utf8)
        try TestEnv.fillMaildir(
            user: cc,
            messages: [
                mail(
                    "Rina <\(citizen)>", "web1@kedirikab.go.id", "Alokasi DAU kami",
                    "Mohon penjelasan perhitungan alokasi DAU kabupaten kami tahun ini."),
                mail(
                    "\"<img src=x onerror=window.__xss=1>\" <\(TestEnv.freshUser("x"))@gmail.com>", "web2@gmail.com",
                    "<script>window.__xss=2</script> Pertanyaan",
                    "Isi <script>window.__xss=3</script> <a href=\"javascript:window.__xss=4\">tautan</a>"),
                htmlOnly,
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let password = dir.appendingPathComponent("agen.pw")
        try "kata-sandi-agen-1\n".write(to: password, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TestEnv.runSurel([
                "users", "add", "agen", "--role", "agent", "--password-file", password.path, "--config", config,
            ]).status, 0)
        let supervisorPassword = dir.appendingPathComponent("kasubbag.pw")
        try "kata-sandi-kasubbag\n".write(to: supervisorPassword, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TestEnv.runSurel([
                "users", "add", "kasubbag", "--role", "supervisor", "--password-file", supervisorPassword.path,
                "--config", config,
            ]).status, 0)
        let attachment = dir.appendingPathComponent("rincian-dau.pdf")
        try Data("%PDF-1.4 rincian".utf8).write(to: attachment)
        let server = try TestEnv.startConsole(config: config, port: port)
        defer { server.terminate(); server.waitUntilExit() }

        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        let question = try XCTUnwrap(try db.tickets(status: nil, category: nil).first { $0.senderEmail == citizen })
        let number = question.number.description
        // The question waits in the review queue (its category is corrected there).
        try db.writer.write {
            try $0.execute(sql: "UPDATE ticket SET needsReview = 1 WHERE id = ?", arguments: [question.id!])
        }
        let target = question.category == "dbh" ? "dau" : "dbh"
        func browser(_ phase: String, ticket: String? = nil, as user: String = "agen", _ extra: [String] = []) throws {
            let r = try TestEnv.browserScript(
                "console.py",
                [
                    "--base", "http://127.0.0.1:\(port)", "--user", user, "--password-file",
                    user == "agen" ? password.path : supervisorPassword.path, "--phase", phase, "--ticket",
                    ticket ?? number, "--shots", dir.path,
                ] + extra)
            XCTAssertEqual(r.status, 0, "browser phase \(phase): \(r.err)")
        }

        // The supervisor writes a knowledge base entry for the category the agent will set; the agent answers
        // from it, adds a sentence and a file.
        let entry = "Perhitungan alokasi DAU"
        try browser(
            "kb", as: "kasubbag",
            [
                "--category", target, "--entry", entry, "--text",
                "Yth. {{sender_name}},\nAlokasi DAU dihitung dari celah fiskal dan alokasi dasar (tiket {{ticket}}).",
            ])
        let answer = "Rinciannya ada di portal DJPK."
        try browser(
            "answer", ["--category", target, "--entry", entry, "--text", answer, "--file", attachment.path])
        XCTAssertEqual(try db.ticket(number: question.number)?.category, target)
        XCTAssertEqual(try db.reviews(ticketID: question.id!).last?.reviewer, "agen")
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let gotAnswer = TestEnv.waitForInbox(citizen) { $0.contains { $0.text.contains("celah fiskal") } }
        let sent = try XCTUnwrap(gotAnswer.first { $0.text.contains("celah fiskal") }, "the answer reached the citizen")
        XCTAssertTrue(sent.text.contains("Yth. Rina,"), sent.text)
        XCTAssertTrue(sent.text.contains("(tiket \(number))"), sent.text)
        XCTAssertTrue(sent.text.contains(answer), sent.text)
        XCTAssertEqual(sent.attachments.compactMap(\.filename), ["rincian-dau.pdf"])

        try browser("escalate", ["--unit", "DTU", "--text", "Mohon rincian perhitungan"])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let notice = try XCTUnwrap(TestEnv.waitForInbox(unit) { !$0.isEmpty }.first, "the unit got the notice")
        let reply = "Rincian perhitungan DAU kabupaten tersebut kami lampirkan dalam jawaban ini."
        try TestEnv.fillMaildir(
            user: cc,
            messages: [
                mail(
                    "DTU <\(unit)>", "dtu-reply@kemenkeu.go.id", "Re: " + notice.subject, reply,
                    extra: "\r\nIn-Reply-To: <\(notice.messageID ?? "")>")
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        try browser("thread", ["--text", reply])
        // The supervisor turns the unit's answer into an entry in one step.
        try browser("kb-from-unit", as: "kasubbag", ["--text", reply])
        XCTAssertTrue(try db.knowledgeEntries(category: target).contains { $0.body.contains(reply) })
        // Two people on one ticket: each sees the other, the one typing as answering.
        try browser(
            "presence", ["--user2", "kasubbag", "--password-file2", supervisorPassword.path])

        try browser("close")
        XCTAssertEqual(try db.ticket(number: question.number)?.status, .closed)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let bak = TestEnv.waitForInbox(citizen) {
            $0.contains { $0.attachments.contains { $0.filename?.hasPrefix("BAK-") == true } }
        }
        XCTAssertTrue(
            bak.contains { $0.attachments.contains { $0.filename == "BAK-\(number).pdf" } },
            "the BAK reached the citizen")

        let xss = try XCTUnwrap(try db.tickets(status: nil, category: nil).first { $0.subject.contains("<script>") })
        let html = try XCTUnwrap(try db.tickets(status: nil, category: nil).first { $0.subject.contains("HTML") })
        try browser("xss", ticket: xss.number.description, ["--text", html.number.description])
    }
}
