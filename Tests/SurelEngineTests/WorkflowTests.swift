// The consultation end to end, through the binary and the real servers: a citizen asks, the acknowledgement arrives
// and the citizen's reply to it threads into the ticket, the agent escalates
// (the notice arrives in the unit's mailbox), the unit answers by mail (it threads into the ticket and is recorded
// as the unit's answer), the agent answers the citizen (the answer arrives in the citizen's mailbox); every action
// names who did it.
import Foundation
import XCTest
import SurelCore
@testable import SurelMail
@testable import SurelStore

final class WorkflowTests: XCTestCase {
    func raw(_ headers: String, _ body: String) -> Data {
        Data((headers.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }

    func show(_ number: String, _ config: String) throws -> [String: Any] {
        let r = try TestEnv.runSurel(["tickets", "show", number, "--json", "--config", config])
        XCTAssertEqual(r.status, 0, r.err)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    }

    func testEscalateUnitAnswersByMailAgentAnswers() throws {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let cc = TestEnv.freshUser("wf-cc")
        let citizen = TestEnv.freshUser("warga") + "@bpkad.kedirikab.go.id"
        let unit = TestEnv.freshUser("dtu") + "@kemenkeu.go.id"
        let supervisor = TestEnv.freshUser("kasubbag") + "@kemenkeu.go.id"
        let config = try TestEnv.writeConfig(
            dir: dir, user: cc,
            extra: """

                \(TestEnv.smtpSection())

                [supervisor]
                email = "\(supervisor)"

                [units.DTU]
                email = "\(unit)"
                name = "Direktorat Dana Transfer Umum"

                [agent]
                name = "Agen Default"

                [outbox]
                ticket_url = "https://cc.djpk.test/tiket/{ticket}"
                """
        ).path
        try TestEnv.fillMaildir(
            user: cc,
            messages: [
                raw(
                    """
                    From: Rina Wati <\(citizen)>
                    To: callcenter.djpk@kemenkeu.go.id
                    Subject: Selisih alokasi DAU 2026
                    Message-ID: <wf1@kedirikab.go.id>
                    Date: Wed, 25 Nov 2026 09:00:00 +0700
                    Content-Type: text/plain; charset=utf-8
                    """,
                    "Alokasi DAU kami di rincian berbeda dengan perhitungan kami. Mohon penjelasan dasar perhitungannya."
                )
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let list = try TestEnv.runSurel(["tickets", "list", "--json", "--config", config])
        let tickets = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        let number = try XCTUnwrap(tickets.first?["number"] as? String)

        // The acknowledgement arrives in the citizen's mailbox; the citizen's reply to it threads into the ticket.
        let acks = TestEnv.waitForInbox(citizen, until: { !$0.isEmpty })
        let ack = try XCTUnwrap(acks.first)
        XCTAssertTrue(ack.subject.hasPrefix("[DJPK#\(number)]"), ack.subject)
        try TestEnv.fillMaildir(
            user: cc,
            messages: [
                raw(
                    """
                    From: Rina Wati <\(citizen)>
                    To: callcenter.djpk@kemenkeu.go.id
                    Subject: Re: \(ack.subject)
                    Message-ID: <wf2@kedirikab.go.id>
                    In-Reply-To: <\(try XCTUnwrap(ack.messageID))>
                    Date: Wed, 25 Nov 2026 09:30:00 +0700
                    Content-Type: text/plain; charset=utf-8
                    """, "Sebagai tambahan, selisihnya sekitar Rp2,1 miliar.")
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        XCTAssertEqual(
            try show(number, config)["message_ids"] as? [String], ["wf1@kedirikab.go.id", "wf2@kedirikab.go.id"])

        let bad = try TestEnv.runSurel(["tickets", "escalate", number, "--unit", "DPD", "--config", config])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("DTU"), "names the known units: \(bad.err)")
        let esc = try TestEnv.runSurel([
            "tickets", "escalate", number, "--unit", "DTU", "--note", "Mohon cek formula celah fiskal",
            "--as", "Agen Sari", "--config", config,
        ])
        XCTAssertEqual(esc.status, 0, esc.err)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)  // sends the notice
        let notices = TestEnv.waitForInbox(unit, until: { !$0.isEmpty })
        let notice = try XCTUnwrap(notices.first)
        XCTAssertTrue(notice.subject.hasPrefix("[DJPK#\(number)] Eskalasi ke DTU"), notice.subject)
        XCTAssertTrue(notice.text.contains("Mohon penjelasan dasar perhitungannya"), "the question is in the notice")
        XCTAssertTrue(notice.text.contains("Mohon cek formula celah fiskal"), "the note is in the notice")
        XCTAssertTrue(notice.text.contains("https://cc.djpk.test/tiket/\(number)"), "the ticket link is in the notice")
        XCTAssertTrue(
            notice.header("Cc")?.contains(supervisor) == true, "the supervisor is copied: \(notice.header("Cc") ?? "-")"
        )
        let copies = TestEnv.waitForInbox(supervisor, until: { $0.contains { $0.subject == notice.subject } })
        XCTAssertTrue(copies.contains { $0.subject == notice.subject }, "the copy reaches the supervisor")
        var t = try show(number, config)
        XCTAssertEqual(t["status"] as? String, "escalated")
        XCTAssertEqual(t["escalated_to"] as? String, "DTU")

        // The unit answers by replying to the notice.
        let noticeID = try XCTUnwrap(notice.messageID)
        try TestEnv.fillMaildir(
            user: cc,
            messages: [
                raw(
                    """
                    From: DTU <\(unit)>
                    To: callcenter.djpk@kemenkeu.go.id
                    Subject: Re: \(notice.subject)
                    Message-ID: <wf-dtu1@kemenkeu.go.id>
                    In-Reply-To: <\(noticeID)>
                    References: <wf1@kedirikab.go.id> <\(noticeID)>
                    Date: Wed, 25 Nov 2026 14:00:00 +0700
                    Content-Type: text/plain; charset=utf-8
                    """, "Selisih berasal dari pemutakhiran data luas wilayah. Rincian terlampir di portal.")
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        t = try show(number, config)
        XCTAssertEqual(
            t["message_ids"] as? [String], ["wf1@kedirikab.go.id", "wf2@kedirikab.go.id", "wf-dtu1@kemenkeu.go.id"])
        XCTAssertNotNil(t["layer2_answered_at"] as? String, "the unit's mail is recorded as its answer: \(t)")

        // The SLA views: the escalated ticket is owed within 3 working days of receipt; the unit scores 120.
        let owed = try TestEnv.runSurel(["sla", "list", "--json", "--config", config])
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(owed.out.utf8)) as? [[String: Any]])
        let entry = try XCTUnwrap(entries.first { $0["number"] as? String == number })
        XCTAssertEqual(entry["escalated_to"] as? String, "DTU")
        XCTAssertNotNil(entry["due_at"] as? String)
        XCTAssertEqual(entry["breached"] as? Bool, (entry["remaining_seconds"] as? Int ?? 0) < 0)
        let soon = try TestEnv.runSurel(["sla", "list", "--due-within", "1s", "--json", "--config", config])
        XCTAssertFalse(
            soon.out.contains(number) && (entry["remaining_seconds"] as? Int ?? 0) > 1, "--due-within filters")
        let scores = try TestEnv.runSurel(["sla", "scores", "--json", "--config", config])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(scores.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.first { $0["number"] as? String == number }?["score"] as? Int, 120)

        // The agent answers the citizen (default actor from [agent] name).
        let body = dir.appendingPathComponent("jawaban.txt")
        try "Selisih alokasi berasal dari pemutakhiran data luas wilayah tahun 2026.".write(
            to: body, atomically: true, encoding: .utf8)
        let reply = try TestEnv.runSurel(["tickets", "reply", number, "--body-file", body.path, "--config", config])
        XCTAssertEqual(reply.status, 0, reply.err)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let received = TestEnv.waitForInbox(citizen, until: { $0.contains { $0.subject.contains("Re:") } })
        let answer = try XCTUnwrap(received.first { $0.subject.hasPrefix("[DJPK#\(number)] Re:") })
        XCTAssertTrue(answer.text.contains("pemutakhiran data luas wilayah"), answer.text)
        XCTAssertTrue(answer.text.contains("Agen Default"), answer.text)
        XCTAssertNil(answer.header("Auto-Submitted"), "an agent's answer is not automatic mail")
        XCTAssertTrue(answer.references.contains("wf1@kedirikab.go.id"))
        XCTAssertEqual(answer.inReplyTo, ["wf2@kedirikab.go.id"], "it answers the citizen's last mail, not the unit's")

        t = try show(number, config)
        XCTAssertEqual(t["status"] as? String, "answered")
        let events = try XCTUnwrap(t["events"] as? [[String: Any]])
        let actions = events.filter { $0["kind"] as? String == "action" }
        XCTAssertEqual(actions.map { $0["actor"] as? String }, ["Agen Sari", "Agen Default"])
        XCTAssertTrue(events.contains { $0["kind"] as? String == "layer2-answer" })

        // A second, long answer (it must wrap and continue on a new page), then close: the BAK arrives as a PDF
        // whose text holds the question, the answers and the ticket number.
        let long = (1...60).map {
            "Butir \($0): rincian perhitungan alokasi — celah fiskal, kebutuhan fiskal dan kapasitas fiskal daerah."
        }
        .joined(separator: "\n")
        try long.write(to: body, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TestEnv.runSurel([
                "tickets", "reply", number, "--body-file", body.path, "--as", "Agen Sari",
                "--config", config,
            ]).status, 0)
        let close = try TestEnv.runSurel(["tickets", "close", number, "--as", "Agen Sari", "--config", config])
        XCTAssertEqual(close.status, 0, close.err)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let withBAK = TestEnv.waitForInbox(citizen, until: { $0.contains { !$0.attachments.isEmpty } })
        let bakMail = try XCTUnwrap(withBAK.first { !$0.attachments.isEmpty })
        XCTAssertTrue(bakMail.subject.contains("Berita Acara Konsultasi"), bakMail.subject)
        let pdf = try XCTUnwrap(bakMail.attachments.first)
        XCTAssertEqual(pdf.filename, "BAK-\(number).pdf")
        XCTAssertEqual(pdf.contentType, "application/pdf")
        let pdfFile = dir.appendingPathComponent("bak.pdf")
        try pdf.data.write(to: pdfFile)
        let text = try pdfText(pdfFile)
        for expected in [
            number, "BERITA ACARA KONSULTASI", "Mohon penjelasan dasar perhitungannya",
            "pemutakhiran data luas wilayah tahun 2026", "Butir 60: rincian perhitungan alokasi — celah fiskal",
            "Direktorat Dana Transfer Umum", "Agen Sari", "Kantor: BPKAD Kabupaten Kediri", "Saluran: E-mail",
        ] {
            XCTAssertTrue(
                text.replacingOccurrences(of: "\n", with: " ").contains(expected), "BAK text lacks \(expected)")
        }
        XCTAssertFalse(
            text.contains("Rincian terlampir di portal"), "the unit's mail is no part of the citizen's question")
        XCTAssertGreaterThanOrEqual(
            text.components(separatedBy: "\u{0C}").filter {
                !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }.count, 2,
            "the long answer continues on a second page")
        XCTAssertEqual(try show(number, config)["status"] as? String, "closed")
        let again = dir.appendingPathComponent("again.pdf")
        let bakShow = try TestEnv.runSurel(["bak", "show", number, "--output", again.path, "--config", config])
        XCTAssertEqual(bakShow.status, 0, bakShow.err)
        XCTAssertEqual(try Data(contentsOf: again), pdf.data, "the stored BAK is the one mailed")
        let twice = try TestEnv.runSurel(["tickets", "close", number, "--config", config])
        XCTAssertNotEqual(twice.status, 0, "a closed ticket is not closed (and its BAK mailed) again")
        XCTAssertTrue(twice.err.contains("sudah ditutup"), twice.err)

        // The citizen writes again within the reopen window: closed again, the ticket gets a second BAK number.
        try TestEnv.fillMaildir(
            user: cc,
            messages: [
                raw(
                    """
                    From: Rina Wati <\(citizen)>
                    To: callcenter.djpk@kemenkeu.go.id
                    Subject: Re: \(bakMail.subject)
                    Message-ID: <wf3@kedirikab.go.id>
                    In-Reply-To: <\(try XCTUnwrap(bakMail.messageID))>
                    Date: Wed, 25 Nov 2026 16:00:00 +0700
                    Content-Type: text/plain; charset=utf-8
                    """, "Satu pertanyaan lagi tentang rincian tersebut.")
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        XCTAssertEqual(try show(number, config)["status"] as? String, "open")
        XCTAssertEqual(try TestEnv.runSurel(["tickets", "close", number, "--config", config]).status, 0)
        let second = dir.appendingPathComponent("second.pdf")
        XCTAssertEqual(
            try TestEnv.runSurel(["bak", "show", number, "--output", second.path, "--config", config]).status, 0)
        XCTAssertTrue(try pdfText(second).contains("BAK-\(number)-2"))
    }

    /// A complaint escalated to a unit reaches it without who made it (the unit may be the one complained about);
    /// spam and letters are closed without a BAK (none is mailed to a phisher).
    func testAComplaintsNoticeHidesTheComplainantAndSpamClosesWithoutABAK() throws {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let unit = TestEnv.freshUser("itjen") + "@kemenkeu.go.id"
        let config = try TestEnv.writeConfig(
            dir: dir, user: TestEnv.freshUser("wf-cc"),
            extra: """

                \(TestEnv.smtpSection())

                [units.DTU]
                email = "\(unit)"

                [access]
                confidential_readers = ["Sri"]
                """
        ).path
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        let now = Date()
        func open(_ id: String, from: String, name: String, subject: String, text: String, category: String) throws
            -> String
        {
            let m = IncomingMessage(
                kind: .ticket, messageID: id, rawSHA256: "sha-\(id)", raw: Data(id.utf8), mailbox: nil,
                uidValidity: nil, uid: nil, subject: subject, fromName: name, fromEmail: from,
                sentAt: now, receivedAt: now, threadTime: now, text: text, html: nil, inReplyTo: [],
                references: [], note: nil, bounce: nil, isBulk: false, attachments: [])
            let intent = TicketIntent(
                ticketNumberInSubject: nil, referencedMessageIDs: [], normalizedSubject: subject.lowercased(),
                senderEmail: from, senderProfile: SenderDirectory.profile(forEmail: from), receivedAt: now,
                threadTime: now, subjectWindow: 86400, reopenWindow: 7 * 86400, year: now.yearInJakarta,
                confidentialCategories: ["pengaduan"],
                classify: { Classification(category: category, confidence: 0.99, explanation: "") })
            guard case .newTicket(let n) = try db.storeIncoming(m, ticket: intent, cursor: nil) else {
                throw CocoaError(.coderInvalidValue)
            }
            return n.description
        }
        let complaint = try open(
            "p1@gmail.com", from: "pelapor.rahasia@gmail.com", name: "Pelapor Rahasia",
            subject: "Dugaan pungutan liar", text: "Ada pungutan liar dalam pencairan dana desa.",
            category: "pengaduan")
        // Held at opening: a reader confirms it before anyone may escalate it.
        let confirm = try TestEnv.runSurel(["review", "confirm", complaint, "--reviewer", "Sri", "--config", config])
        XCTAssertEqual(confirm.status, 0, confirm.err)
        let esc = try TestEnv.runSurel([
            "tickets", "escalate", complaint, "--unit", "DTU", "--as", "Sri", "--config", config,
        ])
        XCTAssertEqual(esc.status, 0, esc.err)
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let notice = try XCTUnwrap(TestEnv.waitForInbox(unit, until: { !$0.isEmpty }).first)
        XCTAssertTrue(notice.text.contains("Ada pungutan liar dalam pencairan dana desa."), "the question goes")
        XCTAssertFalse(notice.text.contains("pelapor.rahasia") || notice.text.contains("Pelapor Rahasia"), notice.text)
        XCTAssertTrue(notice.text.contains("dirahasiakan"), notice.text)

        let spam = try open(
            "s1@x.example", from: "admin@djpk-verifikasi.example", name: "Admin DJPK",
            subject: "Verifikasi akun SIKD", text: "Klik tautan ini untuk verifikasi.", category: "spam")
        let outboxBefore = try db.outbox().count
        let close = try TestEnv.runSurel(["tickets", "close", spam, "--config", config])
        XCTAssertEqual(close.status, 0, close.err)
        XCTAssertEqual(try show(spam, config)["status"] as? String, "closed")
        XCTAssertEqual(try db.outbox().count, outboxBefore, "no BAK mailed")
        XCTAssertNotEqual(
            try TestEnv.runSurel(["bak", "show", spam, "--output", dir.path + "/x.pdf", "--config", config]).status, 0)
    }

    /// The text of a PDF, by poppler's pdftotext (pages separated by form feeds).
    func pdfText(_ file: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        p.arguments = [file.path, "-"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self)
    }
}
