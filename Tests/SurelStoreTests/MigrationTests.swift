// Migration v11 turns the rows of pendingServerAction into the cursor's actionedUID: what a crash left to flag
// stays to flag, and nothing already flagged is counted as pending.
import Foundation
import GRDB
import XCTest
@testable import SurelStore

final class MigrationTests: XCTestCase {
    func testPendingServerActionsBecomeTheCursorsActionedUID() throws {
        let db = try DatabaseQueue()
        try Schema.migrator.migrate(db, upTo: "v10-partial-indexes")
        try db.write { d in
            for (mailbox, validity, last) in [("a@h/INBOX", 7, 10), ("b@h/INBOX", 3, 25)] as [(String, Int, Int)] {
                try d.execute(
                    sql:
                        "INSERT INTO mailboxCursor(mailbox, uidValidity, lastUID, updatedAt) VALUES (?, ?, ?, '2025-02-03')",
                    arguments: [mailbox, validity, last])
            }
            for uid in [8, 9, 10, 4] {
                try d.execute(
                    sql: """
                        INSERT INTO message(kind, rawSHA256, raw, size, subject, receivedAt, threadTime, text, inReplyTo,
                                            "references", isBulk) VALUES ('ticket', ?, x'00', 1, '', '2025', '2025', '', '', '', 0)
                        """, arguments: ["sha\(uid)"])
                // UID 4 of b was left under an older UIDVALIDITY: it names nothing now and holds nothing back.
                let (mailbox, validity) = uid == 4 ? ("b@h/INBOX", 2) : ("a@h/INBOX", 7)
                try d.execute(
                    sql: "INSERT INTO pendingServerAction(messageRowID, mailbox, uidValidity, uid) VALUES (?, ?, ?, ?)",
                    arguments: [d.lastInsertedRowID, mailbox, validity, uid])
            }
        }
        try Schema.migrator.migrate(db)
        let cursors = try db.read { d in try MailboxCursor.fetchAll(d).sorted { $0.mailbox < $1.mailbox } }
        XCTAssertEqual(cursors.map(\.actionedUID), [7, 25])
        XCTAssertEqual(cursors.map(\.lastUID), [10, 25])
        XCTAssertFalse(try db.read { try $0.tableExists("pendingServerAction") })
    }

    /// Migration v15: the escalation on each ticket becomes its first row of the escalation table.
    func testTicketsEscalationsBecomeEscalationRows() throws {
        let db = try DatabaseQueue()
        try Schema.migrator.migrate(db, upTo: "v14-ticket-continuation")
        try db.write { d in
            for (sequence, unit, answered) in [(1, "DTU", "2025-02-04 10:00:00.000"), (2, nil, nil), (3, "DTK", nil)]
                as [(Int, String?, String?)]
            {
                try d.execute(
                    sql: """
                        INSERT INTO ticket(year, sequence, status, category, confidence, classificationNote, confidential,
                                           subject, normalizedSubject, senderEmail, senderClass, createdAt, updatedAt,
                                           escalatedTo, escalatedAt, layer2AnsweredAt)
                        VALUES (2025, ?, 'escalated', 'dau', 1, '', 0, 's', 's', 'a@b.go.id', 'pemda', '2025-02-03', '2025-02-03',
                                ?, ?, ?)
                        """, arguments: [sequence, unit, unit == nil ? nil : "2025-02-03 10:00:00.000", answered])
            }
        }
        try Schema.migrator.migrate(db)
        let rows = try SurelDatabase.escalations(in: db)
        XCTAssertEqual(rows.map(\.number.sequence), [1, 3])
        XCTAssertEqual(rows.map(\.unit), ["DTU", "DTK"])
        XCTAssertEqual(rows.map { $0.answeredAt != nil }, [true, false])
    }

    /// Stores opened at once (the daemon and a CLI command on a new store) migrate one after the other: none fails
    /// on a migration the other has just applied.
    func testStoresOpenedAtOnceAllMigrate() throws {
        for round in 0..<20 {
            let path = NSTemporaryDirectory() + "surel-migrate-\(UUID().uuidString)/surel.sqlite"
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            let failures = NSLock()
            var errors: [String] = []
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do { _ = try SurelDatabase(path: path) } catch {
                    failures.lock(); errors.append("\(error)"); failures.unlock()
                }
            }
            XCTAssertEqual(errors, [], "round \(round)")
        }
    }
}
