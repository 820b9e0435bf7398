// The hand-written columns of the per-message records (Records.swift) write and read every field: each field set to
// a non-default value goes in and comes back out the same (compared through their Codable JSON form).
import Foundation
import GRDB
import XCTest
@testable import SurelCore
@testable import SurelStore

final class RecordColumnsTests: XCTestCase {
    func json<T: Encodable>(_ v: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        e.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try e.encode(v), as: UTF8.self)
    }

    func testEveryFieldRoundTrips() throws {
        let db = try SurelDatabase(inMemory: ())
        let t0 = Date(timeIntervalSince1970: 1_738_540_800)  // whole seconds: dates are stored to the millisecond
        try db.writer.write { db in
            var previous = Ticket(
                id: nil, year: 2024, sequence: 9, status: .closed, category: "dau", confidence: 1,
                classificationNote: "", confidential: false, subject: "s", normalizedSubject: "s",
                senderName: nil, senderEmail: "a@b.go.id", senderClass: .pemda, region: nil, province: nil,
                timeZone: nil, previousTicketID: nil, createdAt: t0, updatedAt: t0, closedAt: t0,
                needsReview: false)
            try previous.insert(db)
            var t = Ticket(
                id: nil, year: 2025, sequence: 123, status: .escalated, category: "pengaduan", confidence: 0.75,
                classificationNote: "rule x", confidential: true, subject: "Subjek", normalizedSubject: "subjek",
                senderName: "Budi", senderEmail: "budi@kedirikab.go.id", senderClass: .kl, region: "Kabupaten Kediri",
                province: "Jawa Timur", timeZone: "WIB", previousTicketID: previous.id, createdAt: t0,
                updatedAt: t0.addingTimeInterval(1), closedAt: t0.addingTimeInterval(2), needsReview: true,
                escalatedTo: "DTU", escalatedAt: t0.addingTimeInterval(3), layer2AnsweredAt: t0.addingTimeInterval(4))
            try t.insert(db)
            let back = try XCTUnwrap(try Ticket.fetchOne(db, key: t.id))
            XCTAssertEqual(try json(back), try json(t))

            var m = StoredMessage(
                id: nil, kind: .bounce, ticketID: t.id, messageID: "m@x", rawSHA256: "ab", bodyOffset: 2,
                raw: Data([1, 2, 3]),
                size: 3, mailbox: "INBOX", uidValidity: 7, uid: 8, subject: "Subj", fromName: "N",
                fromEmail: "n@x", sentAt: t0, receivedAt: t0.addingTimeInterval(5),
                threadTime: t0.addingTimeInterval(6), text: "teks", html: "<p>", inReplyTo: "a b",
                references: "c d", note: "catatan", bounceRecipient: "r@x", bounceStatus: "5.1.1",
                bounceDiagnostic: "550 no", bounceOriginalMessageID: "o@x", isBulk: true)
            try m.insert(db)
            XCTAssertEqual(try json(try XCTUnwrap(try StoredMessage.fetchOne(db, key: m.id))), try json(m))

            var a = StoredAttachment(
                id: nil, messageRowID: m.id!, filename: "f.pdf", contentType: "application/pdf",
                size: 3, sha256: "cd", isInline: true)
            try a.insert(db)
            XCTAssertEqual(try json(try XCTUnwrap(try StoredAttachment.fetchOne(db, key: a.id))), try json(a))

            var e = TicketEvent(id: nil, ticketID: t.id!, at: t0, kind: "escalated", detail: "ke DTU", actor: "Sri")
            try e.insert(db)
            XCTAssertEqual(try json(try XCTUnwrap(try TicketEvent.fetchOne(db, key: e.id))), try json(e))

            var d = DuplicateRecord(
                id: nil, matchedMessageRowID: m.id!, sameBytes: false, mailbox: "INBOX", uidValidity: 7,
                uid: 9, rawSHA256: "ef", raw: Data([4]), receivedAt: t0.addingTimeInterval(7))
            try d.insert(db)
            XCTAssertEqual(try json(try XCTUnwrap(try DuplicateRecord.fetchOne(db, key: d.id))), try json(d))
        }
    }
}
