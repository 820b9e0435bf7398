// Issue 20, line 3: `surel backup` while the daemon ingests 1,000 mails, then `surel restore` into a fresh place: every
// ticket, message and attachment of the backup's moment is there and intact; a live store, an existing store, a
// damaged backup and a backup of a newer surel are refused.
import Foundation
import GRDB
import SurelCore
import XCTest
@testable import SurelEngine
@testable import SurelStore

final class BackupTests: XCTestCase {
    func testBackupDuringIngestRestoresTheMomentIntact() throws {
        try TestEnv.requireServers()
        let n = 1000
        let user = TestEnv.freshUser("backup")
        let tag = UUID().uuidString.prefix(8).lowercased()
        let messages = (0..<n).map { DaemonProcessTests.message(i: $0, tag: "bk-\(tag)", attachment: $0 % 7 == 0) }
        try TestEnv.fillMaildir(user: user, messages: messages)
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user).path
        let live = dir.path + "/store/surel.sqlite"
        XCTAssertEqual(try TestEnv.runSurel(["classify", "train", "--config", config]).status, 0)

        let daemon = try DaemonProcess(["run", "--config", config], dir: dir, name: "daemon", test: self)
        XCTAssertTrue(
            DaemonProcessTests.waitUntil(timeout: 60) {
                ((try? DaemonProcessTests.count(live, "SELECT COUNT(*) FROM message")) ?? 0) >= 100
            }, "the daemon did not start storing mail: \(daemon.log())")
        let backup = dir.path + "/backup"
        let made = try TestEnv.runSurel(["backup", "--output", backup, "--config", config])
        XCTAssertEqual(made.status, 0, made.err)
        let afterBackup = try DaemonProcessTests.count(live, "SELECT COUNT(*) FROM message")
        // A restore over the store the daemon has open is refused, and changes nothing.
        let overLive = try TestEnv.runSurel(["restore", backup, "--replace", "--config", config])
        XCTAssertNotEqual(overLive.status, 0)
        XCTAssertTrue(overLive.err.contains("in use"), overLive.err)
        XCTAssertTrue(
            DaemonProcessTests.waitUntil(timeout: 120) {
                ((try? DaemonProcessTests.count(live, "SELECT COUNT(*) FROM message")) ?? 0) == n
            }, "the daemon did not store every mail: \(daemon.log().suffix(2000))")
        daemon.kill(SIGTERM)
        XCTAssertTrue(daemon.wait(timeout: 20))

        // Restore into a fresh place.
        let fresh = dir.appendingPathComponent("fresh")
        try FileManager.default.createDirectory(at: fresh, withIntermediateDirectories: true)
        let freshConfig = try TestEnv.writeConfig(dir: fresh, user: user).path
        let restored = try TestEnv.runSurel(["restore", backup, "--config", freshConfig])
        XCTAssertEqual(restored.status, 0, restored.err)
        // Restoring again over the restored store needs --replace (which keeps the old one aside).
        let again = try TestEnv.runSurel(["restore", backup, "--config", freshConfig])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.err.contains("--replace"), again.err)
        let replaced = try TestEnv.runSurel(["restore", backup, "--replace", "--config", freshConfig])
        XCTAssertEqual(replaced.status, 0, replaced.err)
        XCTAssertTrue(replaced.out.contains("before-restore-"), replaced.out)
        let copy = try SurelDatabase(path: fresh.path + "/store/surel.sqlite")
        let liveDB = try SurelDatabase(path: live)
        XCTAssertEqual(try copy.writer.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
        let ids = try copy.writer.read { try Int64.fetchAll($0, sql: "SELECT id FROM message ORDER BY id") }
        let k = ids.count
        print("backup: \(k) of \(n) mails stored at the backup's moment (\(afterBackup) just after it)")
        XCTAssertTrue(k >= 100 && k < n, "the backup was not taken mid-ingest (\(k) of \(n)): the test proved nothing")
        XCTAssertEqual(ids, (1...Int64(k)).map { $0 }, "one moment: the first \(k) mails, none missing between")
        // Each of them is the live store's mail, in the same ticket with the same subject.
        let query = """
            SELECT m.id, m.rawSHA256, t.year, t.sequence, t.subject FROM message m JOIN ticket t ON t.id = m.ticketID
            ORDER BY m.id
            """
        let restoredRows = try copy.writer.read { try Row.fetchAll($0, sql: query) }
        let liveRows = try liveDB.writer.read { try Row.fetchAll($0, sql: query) }
        XCTAssertEqual(restoredRows.count, k)
        XCTAssertEqual(restoredRows, Array(liveRows.prefix(k)))
        XCTAssertEqual(
            try copy.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM ticket") },
            try liveDB.writer.read {
                try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM ticket WHERE id <= ?", arguments: [k])
            })
        // Every attachment of those mails is there, with its content.
        let attachments = try copy.writer.read {
            try Row.fetchAll(
                $0, sql: "SELECT a.sha256, m.subject FROM attachment a JOIN message m ON m.id = a.messageRowID")
        }
        XCTAssertEqual(attachments.count, (0..<k).filter { $0 % 7 == 0 }.count)
        let files = try AttachmentDirectory(path: fresh.path + "/store/attachments")
        for a in attachments {
            let sha: String = a["sha256"]
            let data = try XCTUnwrap(FileManager.default.contents(atPath: files.location(sha256: sha)), sha)
            var hasher = SHA256()
            hasher.update(data)
            XCTAssertEqual(SHA256.hexString(hasher.finalize()), sha)
        }

        // A damaged backup is refused before anything is touched.
        let manifest = try Backup.verify(backup)
        let victim = try XCTUnwrap(manifest.files.first { $0.path.hasPrefix("attachments/") })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup + "/" + victim.path))
        bytes[0] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: backup + "/" + victim.path))
        let other = dir.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let damaged = try TestEnv.runSurel([
            "restore", backup, "--config", try TestEnv.writeConfig(dir: other, user: user).path,
        ])
        XCTAssertNotEqual(damaged.status, 0)
        XCTAssertTrue(damaged.err.contains("\(victim.path) is damaged"), damaged.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other.path + "/store/surel.sqlite"))
    }

    /// A backup made by a newer surel (a migration this one does not know) is not restored.
    func testABackupOfANewerSurelIsRefused() throws {
        let dir = try TestEnv.scratch(self)
        let config = try SurelConfig.load(path: try TestEnv.writeConfig(dir: dir, user: "bk-new").path)
        let db = try SurelDatabase(path: config.store.path)
        try db.writer.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        let folder = dir.path + "/backup"
        _ = try Backup.make(config: config, database: db, into: folder)
        let other = dir.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let target = try SurelConfig.load(path: try TestEnv.writeConfig(dir: other, user: "bk-new").path)
        XCTAssertThrowsError(try Backup.restore(from: folder, config: target, replace: false)) {
            XCTAssertTrue("\($0)".contains("newer surel") && "\($0)".contains("v99-from-the-future"), "\($0)")
        }
    }

    /// The backup is three files and nothing else (no -wal or -shm left by reading it); a restore puts the survey key
    /// back with its secrecy; a file of the backup replaced by a symbolic link (even to identical bytes) is not
    /// restored; a restore that cannot finish leaves the old store, its key and nothing else in place.
    func testRestoreIsAllOrNothingAndFollowsNoLink() throws {
        let fm = FileManager.default
        let dir = try TestEnv.scratch(self)
        let config = try SurelConfig.load(path: try TestEnv.writeConfig(dir: dir, user: "bk-swap").path)
        let db = try SurelDatabase(path: config.store.path)
        _ = try db.importMembers([ListMember(email: "a@kedirikab.go.id", name: nil, fields: [:])], into: "pemda")
        try Data("kunci-survei-lama".utf8).write(to: URL(fileURLWithPath: config.surveyKeyPath))
        let folder = dir.path + "/backup"
        _ = try Backup.make(config: config, database: db, into: folder)
        _ = try Backup.verify(folder)
        XCTAssertEqual(
            Set(try fm.contentsOfDirectory(atPath: folder)), ["manifest.json", "surel.sqlite", "survey.key"])

        let fresh = dir.appendingPathComponent("fresh")
        try fm.createDirectory(at: fresh, withIntermediateDirectories: true)
        let target = try SurelConfig.load(path: try TestEnv.writeConfig(dir: fresh, user: "bk-swap").path)
        try Backup.restore(from: folder, config: target, replace: false)
        XCTAssertEqual(try String(contentsOfFile: target.surveyKeyPath, encoding: .utf8), "kunci-survei-lama")
        XCTAssertEqual(try fm.attributesOfItem(atPath: target.surveyKeyPath)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(try fm.attributesOfItem(atPath: target.store.path)[.posixPermissions] as? Int, 0o640)

        // The restored store gets a second member; a later restore over it cannot write its copy (a folder
        // where the copy goes): the store keeps that member, the key is the one it had, nothing is left aside.
        // (Each opening of the store is closed again: a restore needs the store closed everywhere.)
        func members() throws -> Int? {
            let store = try SurelDatabase(path: target.store.path)
            return try store.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM listMember") }
        }
        do {
            _ = try SurelDatabase(path: target.store.path).importMembers(
                [ListMember(email: "b@slemankab.go.id", name: nil, fields: [:])], into: "pemda")
        }
        XCTAssertEqual(try members(), 2)
        try Data("kunci-baru".utf8).write(to: URL(fileURLWithPath: target.surveyKeyPath))
        try fm.createDirectory(atPath: target.store.path + ".restoring", withIntermediateDirectories: false)
        XCTAssertThrowsError(try Backup.restore(from: folder, config: target, replace: true)) {
            XCTAssertTrue("\($0)".contains("cannot write"), "\($0)")
        }
        XCTAssertEqual(try members(), 2)
        XCTAssertEqual(try String(contentsOfFile: target.surveyKeyPath, encoding: .utf8), "kunci-baru")
        let left = try fm.contentsOfDirectory(atPath: fresh.path + "/store")
        XCTAssertFalse(left.contains { $0.contains("before-restore") || $0 == "survey.key.restoring" }, "\(left)")

        // A link in place of the key, to a file with the very bytes the manifest names: refused, nothing restored.
        let outside = dir.path + "/elsewhere.key"
        try fm.moveItem(atPath: folder + "/survey.key", toPath: outside)
        try fm.createSymbolicLink(atPath: folder + "/survey.key", withDestinationPath: outside)
        let other = dir.appendingPathComponent("other")
        try fm.createDirectory(at: other, withIntermediateDirectories: true)
        let third = try SurelConfig.load(path: try TestEnv.writeConfig(dir: other, user: "bk-swap").path)
        XCTAssertThrowsError(try Backup.restore(from: folder, config: third, replace: false)) {
            XCTAssertTrue("\($0)".contains("survey.key") && "\($0)".contains("symbolic link"), "\($0)")
        }
        XCTAssertFalse(fm.fileExists(atPath: third.store.path))
        XCTAssertFalse(fm.fileExists(atPath: third.surveyKeyPath))
    }
}
