// Preparing a blast (issue 5, in progress): created from a list minus the suppression list, previewed personalized
// with the bulk headers, scheduled in WIB/WITA/WIT, paused, resumed and cancelled only where that makes sense.
import Foundation
import XCTest
@testable import SurelEngine
@testable import SurelMail
@testable import SurelStore

final class BlastPrepTests: XCTestCase {
    /// Recipients a crash left in flight (queued again, possibly duplicated) come after the others: a crash early in
    /// each of several runs then cannot catch the same recipient in flight again and again.
    func testRecipientsLeftInFlightAreTriedLast() throws {
        let db = try SurelDatabase(inMemory: ())
        try db.writer.write { d in
            try d.execute(
                sql: """
                    INSERT INTO recipientList(name, createdAt) VALUES ('l', '2025-02-03');
                    INSERT INTO blast(listName, subject, template, status, createdAt) VALUES ('l', 's', 't', 'sending', '2025-02-03');
                    """)
            for n in 1...4 {
                try d.execute(
                    sql: """
                        INSERT INTO blastRecipient(blastID, email, fields, state, attempts, possiblyDuplicated)
                        VALUES (1, ?, '{}', ?, ?, 0)
                        """, arguments: ["r\(n)@x.go.id", n <= 2 ? "sending" : "pending", n <= 2 ? 1 : 0])
            }
        }
        XCTAssertEqual(try db.recoverBlastSends(blast: 1), 2)
        XCTAssertEqual(
            try db.nextBlastRecipients(1, now: Date(), limit: 10).map(\.email),
            ["r3@x.go.id", "r4@x.go.id", "r1@x.go.id", "r2@x.go.id"])
    }

    func testTimesInIndonesianZonesAndISO() {
        let iso = ISO8601DateFormatter()
        XCTAssertEqual(BlastMail.parseTime("2025-02-07 09:00 WIB"), iso.date(from: "2025-02-07T02:00:00Z"))
        XCTAssertEqual(BlastMail.parseTime("2025-02-07 09:00 WITA"), iso.date(from: "2025-02-07T01:00:00Z"))
        XCTAssertEqual(BlastMail.parseTime("2025-02-07 09:00:30 WIT"), iso.date(from: "2025-02-07T00:00:30Z"))
        XCTAssertEqual(BlastMail.parseTime("2025-02-07T09:00:00+07:00"), iso.date(from: "2025-02-07T02:00:00Z"))
        XCTAssertNil(BlastMail.parseTime("besok pagi"))
        XCTAssertNil(BlastMail.parseTime("2025-02-07 09:00 CET"))
    }

    func testCreatePreviewScheduleAndStatusThroughTheCLI() throws {
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(
            dir: dir, user: "blast-prep",
            extra: """

                \(TestEnv.smtpSection())

                [blast]
                unsubscribe_url = "https://cc.djpk.test/berhenti?e={email}&b={blast}"
                """
        ).path
        let csv = dir.appendingPathComponent("pemda.csv")
        try """
        email,name,region
        bpkad@kedirikab.go.id,Kepala BPKAD,Kabupaten Kediri
        bpkad@sukoharjokab.go.id,Kepala BPKAD & Aset,Kabupaten Sukoharjo
        bpkad@blitarkab.go.id,Kepala BPKAD,Kabupaten Blitar

        """.write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TestEnv.runSurel(["lists", "import", "pemda", csv.path, "--config", config]).status, 0)
        XCTAssertEqual(
            try TestEnv.runSurel(["suppression", "add", "bpkad@blitarkab.go.id", "--config", config]).status, 0)
        let template = dir.appendingPathComponent("undangan.txt")
        try "Yth. {{name}} {{region}},\n\nKami mengundang Bapak/Ibu ke webinar TKD.\n".write(
            to: template, atomically: true, encoding: .utf8)

        let html = dir.appendingPathComponent("undangan.html")
        try "<p>Yth. <b>{{name}}</b> {{region}},</p>\n<p>Kami mengundang Bapak/Ibu ke webinar TKD.</p>\n"
            .write(to: html, atomically: true, encoding: .utf8)
        let pdf = dir.appendingPathComponent("Undangan Webinar TKD – 2025.pdf")
        let pdfBytes = Data("%PDF-1.4\n% undangan\n".utf8) + Data((0..<3000).map { UInt8($0 % 256) })
        try pdfBytes.write(to: pdf)
        let create = try TestEnv.runSurel([
            "blast", "create", "--list", "pemda", "--subject", "Undangan webinar untuk {{region}}",
            "--template", template.path, "--html", html.path, "--attach", pdf.path,
            "--json", "--config", config,
        ])
        XCTAssertEqual(create.status, 0, create.err)
        let created = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(create.out.utf8)) as? [String: Any])
        let id = try XCTUnwrap(created["id"] as? Int)
        XCTAssertEqual(created["recipients"] as? Int, 2)
        XCTAssertEqual(created["suppressed"] as? Int, 1)

        let preview = try TestEnv.runSurel([
            "blast", "preview", String(id), "--recipient", "bpkad@sukoharjokab.go.id", "--config", config,
        ])
        XCTAssertEqual(preview.status, 0, preview.err)
        let mail = try MIMEParser.parse(Data(preview.out.utf8))
        XCTAssertEqual(mail.subject, "Undangan webinar untuk Kabupaten Sukoharjo")
        XCTAssertTrue(mail.text.contains("Yth. Kepala BPKAD & Aset Kabupaten Sukoharjo,"), mail.text)
        XCTAssertTrue(
            mail.html?.contains("<p>Yth. <b>Kepala BPKAD &amp; Aset</b> Kabupaten Sukoharjo,</p>") == true,
            "the HTML alternative, with the value escaped: \(mail.html ?? "none")")
        XCTAssertEqual(mail.attachments.map(\.filename), ["Undangan Webinar TKD – 2025.pdf"], "attached to every mail")
        XCTAssertEqual(mail.attachments.first?.data, pdfBytes)
        XCTAssertEqual(mail.header("Precedence"), "bulk")
        XCTAssertEqual(mail.header("Auto-Submitted"), "auto-generated")
        let unsubscribe = try XCTUnwrap(mail.header("List-Unsubscribe"))
        XCTAssertTrue(unsubscribe.contains("mailto:callcenter.djpk@kemenkeu.go.id"), unsubscribe)
        XCTAssertTrue(
            unsubscribe.contains("https://cc.djpk.test/berhenti?e=bpkad@sukoharjokab.go.id&b=\(id)"), unsubscribe)
        XCTAssertEqual(mail.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
        XCTAssertNotEqual(
            try TestEnv.runSurel([
                "blast", "preview", String(id), "--recipient", "bpkad@blitarkab.go.id",
                "--config", config,
            ]).status, 0, "a suppressed address is not a recipient")

        func status() throws -> [String: Any] {
            let r = try TestEnv.runSurel(["blast", "status", String(id), "--json", "--config", config])
            XCTAssertEqual(r.status, 0, r.err)
            return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        }
        var s = try status()
        XCTAssertEqual(s["status"] as? String, "draft")
        XCTAssertEqual(s["pending"] as? Int, 2)
        for key in ["sent", "failed", "bounced", "pending"] { XCTAssertNotNil(s[key], "status JSON lacks \(key)") }
        XCTAssertNotEqual(
            try TestEnv.runSurel(["blast", "resume", String(id), "--config", config]).status, 0, "a draft is not paused"
        )
        XCTAssertEqual(
            try TestEnv.runSurel(["blast", "schedule", String(id), "--at", "2030-02-07 09:00 WIT", "--config", config])
                .status, 0)
        s = try status()
        XCTAssertEqual(s["status"] as? String, "scheduled")
        XCTAssertEqual(s["scheduled_at"] as? String, "2030-02-07T00:00:00Z")
        XCTAssertEqual(try TestEnv.runSurel(["blast", "pause", String(id), "--config", config]).status, 0)
        XCTAssertEqual(try status()["status"] as? String, "paused")
        XCTAssertEqual(try TestEnv.runSurel(["blast", "resume", String(id), "--config", config]).status, 0)
        XCTAssertEqual(try TestEnv.runSurel(["blast", "cancel", String(id), "--config", config]).status, 0)
        XCTAssertEqual(try status()["status"] as? String, "cancelled")
        XCTAssertNotEqual(
            try TestEnv.runSurel(["blast", "schedule", String(id), "--at", "2030-02-07 09:00 WIB", "--config", config])
                .status, 0)
        XCTAssertTrue(try TestEnv.runSurel(["blast", "list", "--config", config]).out.contains("cancelled  pemda"))
    }
}
