// Issue 20, line 5: a store written by an earlier release (Tests/Fixtures/store-v22.sqlite, made by
// scripts/make-store-fixture with 1.0.0) is migrated by this binary at start with nothing lost; a store of a newer
// surel is refused with a clear message and left untouched.
import Foundation
import GRDB
import XCTest
@testable import SurelEngine
@testable import SurelStore

final class UpgradeTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    /// What the fixture holds, table by table.
    static let tables = [
        "ticket", "message", "ticketEvent", "classificationReview", "outbox", "bak", "escalation", "user",
        "recipientList", "listMember", "suppression", "blast", "blastRecipient", "attachment", "ticketSearch",
    ]

    func counts(_ path: String) throws -> [String: Int] {
        let db = try DatabaseQueue(path: path)
        defer { try? db.close() }
        return try db.read { d in
            try Dictionary(
                uniqueKeysWithValues: Self.tables.map {
                    ($0, try Int.fetchOne(d, sql: "SELECT COUNT(*) FROM \($0)") ?? 0)
                })
        }
    }

    func copyOfFixture(_ name: String, to dir: URL) throws -> (config: SurelConfig, path: String) {
        let url = try TestEnv.writeConfig(dir: dir, user: "upgrade")
        let config = try SurelConfig.load(path: url.path)
        try FileManager.default.createDirectory(
            atPath: (config.store.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.fixtures.appendingPathComponent(name), to: URL(fileURLWithPath: config.store.path))
        return (config, config.store.path)
    }

    func testAStoreOfTheLastReleaseIsMigratedWithNothingLost() throws {
        let dir = try TestEnv.scratch(self)
        let (config, path) = try copyOfFixture("store-v22.sqlite", to: dir)
        let before = try counts(path)
        XCTAssertGreaterThan(before["ticket"] ?? 0, 5)
        XCTAssertGreaterThan(before["classificationReview"] ?? 0, 1)
        XCTAssertGreaterThan(before["blastRecipient"] ?? 0, 3)
        XCTAssertGreaterThan(before["bak"] ?? 0, 0)

        // This binary opens it as the daemon would: every migration it knows is applied, nothing is lost.
        let desk = try HelpDesk(config: config)
        XCTAssertEqual(
            try desk.database.writer.read { try Schema.migrator.appliedIdentifiers($0) },
            Set(SurelDatabase.knownMigrations))
        XCTAssertEqual(try counts(path), before)
        // And it reads as a store of its own: tickets, a search, the reviewed category, the blast, the list.
        let reader = desk.actor(named: "kasubbag")
        let tickets = try desk.tickets(as: reader)
        XCTAssertEqual(tickets.count, before["ticket"])
        var search = TicketFilter()
        search.search = "DAU"
        XCTAssertFalse(try desk.tickets(search, as: reader).isEmpty, "the search index came through")
        XCTAssertTrue(tickets.contains { $0.ticket.category == "dana-desa" }, "the reviewed category")
        XCTAssertEqual(try desk.blasts(as: reader).first?.blast.status, .scheduled)
        XCTAssertEqual(try desk.lists(as: reader).first?.columns, ["daerah", "instansi"])
        XCTAssertEqual(try desk.database.users().map(\.name).sorted(), ["agen", "staf"])
        let closed = try XCTUnwrap(tickets.first { $0.ticket.status == .closed })
        XCTAssertNotNil(try desk.bak(closed.ticket.number, as: reader))
        // The CLI on it, as after a package upgrade.
        let list = try TestEnv.runSurel(["tickets", "list", "--json", "--config", dir.path + "/surel.toml"])
        XCTAssertEqual(list.status, 0, list.err)
    }

    func testAStoreOfANewerSurelIsRefusedAndLeftAlone() throws {
        let dir = try TestEnv.scratch(self)
        let (config, path) = try copyOfFixture("store-v22.sqlite", to: dir)
        do {
            let db = try DatabaseQueue(path: path)
            try db.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
            try db.close()
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SurelDatabase(path: config.store.path)) { error in
            guard case StoreError.newerThanThisSurel(_, let migrations) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(migrations, ["v99-from-the-future"])
        }
        let run = try TestEnv.runSurel(["tickets", "list", "--config", dir.path + "/surel.toml"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.err.contains("was made by a newer surel"), run.err)
        XCTAssertTrue(run.err.contains("v99-from-the-future"), run.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), bytes, "the store was changed")
    }
}
