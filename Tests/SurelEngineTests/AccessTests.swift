// Confidential tickets (Pengaduan) through the CLI: people not named in `[access] confidential_readers` see that
// such a ticket exists but not who wrote it, what about, or its messages, and cannot open or act on it; a named
// reader sees and handles it like any other.
import Foundation
import XCTest
@testable import SurelEngine
@testable import SurelStore

final class AccessTests: XCTestCase {
    func testConfidentialTicketsAreHiddenFromThoseNotNamed() throws {
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: "access", extra: """

            [agent]
            name = "Andi"

            [access]
            confidential_readers = ["Sri Wahyuni"]
            """).path
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        let now = Date()
        func ticket(_ sequence: Int, _ category: String, confidential: Bool, subject: String, from: String) throws {
            var t = Ticket(id: nil, year: 2025, sequence: sequence, status: .new, category: category, confidence: 0.95,
                           classificationNote: "rule", confidential: confidential, subject: subject,
                           normalizedSubject: subject.lowercased(), senderName: "Warga", senderEmail: from,
                           senderClass: .lainnya, region: nil, province: nil, timeZone: nil, previousTicketID: nil,
                           createdAt: now, updatedAt: now, closedAt: nil, needsReview: true)
            try db.writer.write { try t.insert($0) }
        }
        try ticket(1, "pengaduan", confidential: true, subject: "Dugaan pungutan liar di BPKAD", from: "pelapor@gmail.com")
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
        XCTAssertNotEqual(try TestEnv.runSurel(["review", "accept", "2025-000001", "--config", config]).status, 0,
                          "nor can a non-reader review it")
        let body = dir.appendingPathComponent("jawab.txt")
        try "Terima kasih.".write(to: body, atomically: true, encoding: .utf8)
        let reply = try TestEnv.runSurel(["tickets", "reply", "2025-000001", "--body-file", body.path, "--config", config])
        XCTAssertNotEqual(reply.status, 0, "a non-reader cannot answer it")
        XCTAssertTrue(reply.err.contains("rahasia"), reply.err)

        XCTAssertTrue(try TestEnv.runSurel(["check-config", "--config", config]).out
                        .contains("access: confidential tickets (pengaduan) readable by Sri Wahyuni"))

        // Sri Wahyuni may (names compare without regard to case).
        let full = try list(["--as", "sri wahyuni"])
        XCTAssertEqual(full.first { $0["number"] as? String == "2025-000001" }?["subject"] as? String,
                       "Dugaan pungutan liar di BPKAD")
        let shown = try TestEnv.runSurel(["tickets", "show", "2025-000001", "--as", "Sri Wahyuni", "--config", config])
        XCTAssertEqual(shown.status, 0, shown.err)
        XCTAssertTrue(shown.out.contains("pelapor@gmail.com"), shown.out)
    }

    func testABadReadersListIsNamedWithItsLine() throws {
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: "access", extra: """

            [access]
            confidential_readers = "Sri Wahyuni"
            """).path
        let r = try TestEnv.runSurel(["check-config", "--config", config])
        XCTAssertNotEqual(r.status, 0)
        let lines = try String(contentsOfFile: config, encoding: .utf8).components(separatedBy: "\n")
        let line = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("confidential_readers") }) + 1
        XCTAssertTrue((r.out + r.err).contains("surel.toml:\(line): confidential_readers must be a list"), r.out + r.err)
    }
}
