// The partial indexes of migrations v10 and v14: they hold only the rows their queries look for (so an ordinary ticket's
// message writes no page of them), and the queries still use them rather than reading the whole table.
import Foundation
import GRDB
import XCTest
@testable import SurelCore
@testable import SurelStore

final class PartialIndexTests: XCTestCase {
    func plan(_ db: SurelDatabase, _ sql: String) throws -> String {
        try db.writer.read { d in
            try Row.fetchAll(d, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    func testRareRowsAreIndexedAndTheQueriesUseTheIndexes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("surel-partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try SurelDatabase(path: dir.path + "/surel.sqlite")
        let now = Date(timeIntervalSince1970: 1_738_540_800)
        func message(_ n: Int, _ kind: MessageKind, bounceOf original: String? = nil) -> IncomingMessage {
            IncomingMessage(
                kind: kind, messageID: "m\(n)@x.go.id", rawSHA256: String(repeating: "\(n % 10)", count: 63) + "\(n)",
                raw: Data("raw \(n)".utf8), mailbox: nil, uidValidity: nil, uid: nil, subject: "Subjek \(n)",
                fromName: nil, fromEmail: "a\(n)@x.go.id", sentAt: nil, receivedAt: now, threadTime: now,
                text: "teks", html: nil, inReplyTo: [], references: [], note: nil,
                bounce: original.map {
                    DeliveryStatusSummary(
                        recipient: "r@x.go.id", status: "5.1.1",
                        diagnostic: nil, originalMessageID: $0)
                },
                isBulk: false, attachments: [])
        }
        for n in 0..<6 {
            let intent = TicketIntent(
                ticketNumberInSubject: nil, referencedMessageIDs: [], normalizedSubject: "subjek \(n)",
                senderEmail: "a\(n)@x.go.id", senderProfile: SenderDirectory.profile(forEmail: "a\(n)@x.go.id"),
                receivedAt: now, threadTime: now, subjectWindow: 3 * 86400, reopenWindow: 7 * 86400,
                year: 2025, confidentialCategories: [], reviewThreshold: 0.5,
                classify: { Classification(category: "dau", confidence: n < 2 ? 0.3 : 0.9, explanation: "") })
            try db.storeIncoming(message(n, .ticket), ticket: intent, cursor: nil)
        }
        try db.storeIncoming(message(10, .autoreply), ticket: nil, cursor: nil)
        try db.storeIncoming(message(11, .bounce, bounceOf: "sent1@djpk.kemenkeu.go.id"), ticket: nil, cursor: nil)

        // Partial (an ordinary ticket's message has no entry), and the full indexes they replace are gone.
        let partial = try db.writer.read { d in
            try Set(
                String.fetchAll(
                    d,
                    sql: """
                        SELECT name FROM pragma_index_list('message') WHERE partial = 1
                        UNION SELECT name FROM pragma_index_list('ticket') WHERE partial = 1
                        """))
        }
        XCTAssertTrue(
            partial.isSuperset(of: ["message_uncommon_kind", "message_bounce_original", "ticket_review_queue"]),
            "\(partial)")
        let all = try db.writer.read { d in
            try Set(String.fetchAll(d, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"))
        }
        XCTAssertTrue(
            all.isDisjoint(with: ["message_on_kind", "message_on_bounceOriginalMessageID", "ticket_needs_review"]))
        // Their rows, counted through each index (INDEXED BY fails if it cannot be used for the condition).
        let indexes = [
            ("message_uncommon_kind", "message", "kind NOT IN ('ticket', 'outgoing')"),
            ("message_bounce_original", "message", "bounceOriginalMessageID IS NOT NULL"),
            ("ticket_review_queue", "ticket", "needsReview = 1"),
        ]
        let counts = try db.writer.read { d in
            try indexes.map { index, table, condition in
                try Int.fetchOne(d, sql: "SELECT count(*) FROM \(table) INDEXED BY \(index) WHERE \(condition)") ?? -1
            }
        }
        XCTAssertEqual(counts, [2, 1, 2], "the two uncommon messages, the bounce, the two tickets to review")

        XCTAssertEqual(try db.messages(kind: .autoreply).map(\.messageID), ["m10@x.go.id"])
        XCTAssertEqual(try db.messages(kind: .bounce).map(\.messageID), ["m11@x.go.id"])
        XCTAssertEqual(try db.messages(kind: .ticket).count, 6)
        XCTAssertEqual(try db.reviewQueue().map(\.sequence), [1, 2])

        XCTAssertTrue(
            try plan(
                db, "SELECT id FROM message WHERE kind = 'bounce' AND kind NOT IN ('ticket', 'outgoing') ORDER BY id"
            )
            .contains("message_uncommon_kind"))
        XCTAssertTrue(
            try plan(db, "SELECT * FROM ticket WHERE needsReview = 1 ORDER BY createdAt, id").contains(
                "ticket_review_queue"))
        XCTAssertTrue(
            try plan(db, "SELECT id FROM message WHERE bounceOriginalMessageID = 'x'").contains(
                "message_bounce_original"))
        // v14: continuations and confidential tickets, rare too.
        XCTAssertTrue(partial.isSuperset(of: ["ticket_continuation", "ticket_confidential"]), "\(partial)")
        XCTAssertTrue(
            try plan(db, "SELECT * FROM ticket WHERE previousTicketID = 5 ORDER BY id DESC LIMIT 1")
                .contains("ticket_continuation"))
        XCTAssertTrue(
            try plan(db, "SELECT id, senderEmail FROM ticket WHERE confidential").contains("ticket_confidential"))
    }
}
