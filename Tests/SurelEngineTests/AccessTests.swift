// Confidential tickets (Pengaduan) through the CLI: people not named in `[access] confidential_readers` see that
// such a ticket exists but not who wrote it, what about, or its messages, and cannot open or act on it; a named
// reader sees and handles it like any other.
import Foundation
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelStore

final class AccessTests: XCTestCase {
    func testConfidentialTicketsAreHiddenFromThoseNotNamed() throws {
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(
            dir: dir, user: "access",
            extra: """

                [agent]
                name = "Andi"

                [access]
                confidential_readers = ["Sri Wahyuni"]
                """
        ).path
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        let now = Date()
        func ticket(_ sequence: Int, _ category: String, confidential: Bool, subject: String, from: String) throws {
            var t = Ticket(
                id: nil, year: 2025, sequence: sequence, status: .new, category: category, confidence: 0.95,
                classificationNote: "rule", confidential: confidential, subject: subject,
                normalizedSubject: subject.lowercased(), senderName: "Warga", senderEmail: from,
                senderClass: .lainnya, region: nil, province: nil, timeZone: nil, previousTicketID: nil,
                createdAt: now, updatedAt: now, closedAt: nil, needsReview: true)
            try db.writer.write { try t.insert($0) }
        }
        try ticket(
            1, "pengaduan", confidential: true, subject: "Dugaan pungutan liar di BPKAD", from: "pelapor@gmail.com")
        try ticket(2, "dau", confidential: false, subject: "Penyaluran DAU tahap I", from: "bpkad@kedirikab.go.id")

        func list(_ extra: [String]) throws -> [[String: Any]] {
            let r = try TestEnv.runSurel(["tickets", "list", "--json", "--config", config] + extra)
            XCTAssertEqual(r.status, 0, r.err)
            return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        }
        // Andi ([agent] name) is not a reader: the complaint is counted, its content hidden.
        let seen = try list([])
        XCTAssertEqual(seen.count, 2)
        let hidden = try XCTUnwrap(seen.first { $0["number"] as? String == "2025-000001" })
        XCTAssertEqual(hidden["category"] as? String, "pengaduan")
        XCTAssertEqual(hidden["subject"] as? String, "(rahasia)")
        XCTAssertEqual(hidden["sender_email"] as? String, "(rahasia)")
        let text = try TestEnv.runSurel(["tickets", "list", "--config", config]).out
        XCTAssertFalse(text.contains("pungutan") || text.contains("pelapor@"), text)
        XCTAssertTrue(text.contains("Penyaluran DAU tahap I"), "other tickets stay readable: \(text)")

        let show = try TestEnv.runSurel(["tickets", "show", "2025-000001", "--config", config])
        XCTAssertNotEqual(show.status, 0)
        XCTAssertTrue(show.err.contains("rahasia"), show.err)
        XCTAssertFalse(show.out.contains("pungutan"))
        let review = try TestEnv.runSurel(["review", "list", "--config", config]).out
        XCTAssertFalse(review.contains("pungutan"), review)
        XCTAssertNotEqual(
            try TestEnv.runSurel(["review", "accept", "2025-000001", "--config", config]).status, 0,
            "nor can a non-reader review it")
        let body = dir.appendingPathComponent("jawab.txt")
        try "Terima kasih.".write(to: body, atomically: true, encoding: .utf8)
        let reply = try TestEnv.runSurel([
            "tickets", "reply", "2025-000001", "--body-file", body.path, "--config", config,
        ])
        XCTAssertNotEqual(reply.status, 0, "a non-reader cannot answer it")
        XCTAssertTrue(reply.err.contains("rahasia"), reply.err)

        XCTAssertTrue(
            try TestEnv.runSurel(["check-config", "--config", config]).out
                .contains("access: confidential tickets (pengaduan) readable by Sri Wahyuni"))

        // Mail about the complaint outside its ticket: our acknowledgement (failed, the SMTP reply naming the
        // address), the complainant's auto-reply to it, and an unrelated auto-reply.
        let complaintID = try XCTUnwrap(try db.ticket(number: TicketNumber(year: 2025, sequence: 1))?.id)
        let ack = try db.enqueue(
            OutgoingRecord(
                ticketID: complaintID, purpose: .acknowledgement, messageID: "ack-1@djpk",
                raw: Data("ack".utf8), subject: "[DJPK#2025-000001] Dugaan pungutan liar",
                text: "Terima kasih", fromName: nil, fromEmail: "cc@djpk.go.id",
                recipients: ["pelapor@gmail.com"], inReplyTo: [], references: []))
        try db.markFailed(ack.id!, error: "550 5.1.1 <pelapor@gmail.com>: mailbox full")
        func autoReply(_ id: String, from: String, subject: String, inReplyTo: [String]) throws {
            let m = IncomingMessage(
                kind: .autoreply, messageID: id, rawSHA256: "sha-\(id)", raw: Data(id.utf8),
                mailbox: nil, uidValidity: nil, uid: nil, subject: subject, fromName: nil,
                fromEmail: from, sentAt: now, receivedAt: now, threadTime: now, text: "",
                html: nil, inReplyTo: inReplyTo, references: [], note: nil, bounce: nil,
                isBulk: false, attachments: [])
            try db.storeIncoming(m, ticket: nil, cursor: nil)
        }
        try autoReply(
            "ar-1@x", from: "pelapor@gmail.com", subject: "Balasan Otomatis: pungutan liar",
            inReplyTo: ["ack-1@djpk"])
        try autoReply("ar-2@x", from: "kepala@kedirikab.go.id", subject: "Out of Office: DAU", inReplyTo: [])
        func messageSubjects(_ extra: [String]) throws -> [String] {
            let r = try TestEnv.runSurel(
                ["messages", "list", "--kind", "autoreply", "--json", "--config", config] + extra)
            XCTAssertEqual(r.status, 0, r.err)
            let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
            return rows.compactMap { $0["subject"] as? String }
        }
        XCTAssertEqual(try messageSubjects([]), ["Out of Office: DAU"])
        XCTAssertEqual(
            try messageSubjects(["--as", "Sri Wahyuni"]), ["Balasan Otomatis: pungutan liar", "Out of Office: DAU"])
        let outgoing = try TestEnv.runSurel(["messages", "list", "--kind", "outgoing", "--config", config])
        XCTAssertFalse(outgoing.out.contains("pungutan"), outgoing.out)
        XCTAssertTrue(outgoing.out.contains("tiket rahasia tidak ditampilkan"), outgoing.out)
        let outbox = try TestEnv.runSurel(["outbox", "list", "--config", config])
        XCTAssertEqual(outbox.status, 0, outbox.err)
        XCTAssertFalse(outbox.out.contains("pelapor"), outbox.out)
        XCTAssertTrue(
            outbox.out.contains("acknowledgement") && outbox.out.contains("(rahasia)"),
            "the failed mail is listed, its recipient hidden: \(outbox.out)")
        XCTAssertTrue(
            try TestEnv.runSurel(["outbox", "list", "--json", "--as", "Sri Wahyuni", "--config", config]).out
                .contains("pelapor@gmail.com"))

        // Sri Wahyuni may (names compare without regard to case).
        let full = try list(["--as", "sri wahyuni"])
        XCTAssertEqual(
            full.first { $0["number"] as? String == "2025-000001" }?["subject"] as? String,
            "Dugaan pungutan liar di BPKAD")
        let shown = try TestEnv.runSurel(["tickets", "show", "2025-000001", "--as", "Sri Wahyuni", "--config", config])
        XCTAssertEqual(shown.status, 0, shown.err)
        XCTAssertTrue(shown.out.contains("pelapor@gmail.com"), shown.out)
    }

    func testABadReadersListIsNamedWithItsLine() throws {
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(
            dir: dir, user: "access",
            extra: """

                [access]
                confidential_readers = "Sri Wahyuni"
                """
        ).path
        let r = try TestEnv.runSurel(["check-config", "--config", config])
        XCTAssertNotEqual(r.status, 0)
        let lines = try String(contentsOfFile: config, encoding: .utf8).components(separatedBy: "\n")
        let line = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("confidential_readers") }) + 1
        XCTAssertTrue(
            (r.out + r.err).contains("surel.toml:\(line): confidential_readers must be a list"), r.out + r.err)
    }
}
