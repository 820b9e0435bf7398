// The console's accounts: bcrypt hashes, logins that fail the same way for every wrong answer and lock after five in
// a row (per account and per client address), sessions stored only as hashes, idle expiry, logout, and the CLI.
import Foundation
import XCTest
@testable import SurelEngine
@testable import SurelStore

final class AccountsTests: XCTestCase {
    func accounts() throws -> (Accounts, SurelDatabase) {
        let dir = try TestEnv.scratch(self)
        let db = try SurelDatabase(path: dir.path + "/surel.sqlite")
        return (Accounts(database: db), db)
    }

    func testPasswordsAreBcryptHashedAndChecked() throws {
        let (a, db) = try accounts()
        let sri = try a.add(name: "Sri", role: .supervisor, confidential: true, password: "kata-sandi-sri-1")
        XCTAssertTrue(sri.passwordHash.hasPrefix("$2b$12$"), sri.passwordHash)
        XCTAssertFalse(sri.passwordHash.contains("kata-sandi"))
        XCTAssertThrowsError(try a.add(name: "sri", role: .agent, confidential: false, password: "panjang-sekali")) {
            XCTAssertEqual(($0 as? SurelError)?.kind, .conflict)
        }
        XCTAssertThrowsError(try a.add(name: "budi", role: .agent, confidential: false, password: "pendek")) {
            XCTAssertEqual(($0 as? SurelError)?.kind, .invalid)
        }
        guard
            case .success(let user, let id, let csrf) = try a.login(
                name: "SRI", password: "kata-sandi-sri-1", client: "10.0.0.1")
        else { return XCTFail("the right password logs in, whatever the name's case") }
        XCTAssertEqual(user.name, "Sri")
        XCTAssertEqual(id.count, 64)
        XCTAssertNotEqual(id, csrf)
        // The store keeps the session's hash, not the id the cookie carries.
        let stored = try db.writer.read { try String.fetchAll($0, sql: "SELECT idHash FROM webSession") }
        XCTAssertEqual(stored.count, 1)
        XCTAssertNotEqual(stored[0], id)
        XCTAssertEqual(try a.session(id: id, idle: 3600)?.1.name, "Sri")
        XCTAssertNil(try a.session(id: String(repeating: "0", count: 64), idle: 3600))
        XCTAssertNil(try a.session(id: "' OR 1=1 --", idle: 3600))
        try a.logout(id: id)
        XCTAssertNil(try a.session(id: id, idle: 3600), "logout ends the session")
    }

    func testSessionsExpireWhenIdleAndEndWithAPasswordChangeOrDisable() throws {
        let (a, _) = try accounts()
        _ = try a.add(name: "andi", role: .agent, confidential: false, password: "kata-sandi-andi")
        let t0 = Date()
        guard case .success(_, let id, _) = try a.login(name: "andi", password: "kata-sandi-andi", client: "-", now: t0)
        else { return XCTFail() }
        XCTAssertNotNil(try a.session(id: id, idle: 1800, now: t0 + 1700))
        XCTAssertNotNil(try a.session(id: id, idle: 1800, now: t0 + 3000), "each use moves the idle deadline")
        XCTAssertNil(try a.session(id: id, idle: 1800, now: t0 + 5000), "idle for longer than allowed")
        guard case .success(_, let second, _) = try a.login(name: "andi", password: "kata-sandi-andi", client: "-")
        else { return XCTFail() }
        try a.setPassword("andi", password: "kata-sandi-baru-1")
        XCTAssertNil(try a.session(id: second, idle: 1800), "a new password ends the sessions")
        guard case .success(_, let third, _) = try a.login(name: "andi", password: "kata-sandi-baru-1", client: "-")
        else { return XCTFail() }
        try a.disable("andi")
        XCTAssertNil(try a.session(id: third, idle: 1800))
        XCTAssertEqual(
            try a.login(name: "andi", password: "kata-sandi-baru-1", client: "-"), .wrongCredentials,
            "a disabled user cannot log in, and is told no more than for a wrong password")
    }

    func testFiveFailuresLockTheAccountAndTheAddress() throws {
        let (a, _) = try accounts()
        _ = try a.add(name: "andi", role: .agent, confidential: false, password: "kata-sandi-andi")
        _ = try a.add(name: "budi", role: .agent, confidential: false, password: "kata-sandi-budi")
        let t0 = Date()
        XCTAssertEqual(try a.login(name: "nobody", password: "x", client: "10.0.0.9", now: t0), .wrongCredentials)
        for i in 0..<4 {
            XCTAssertEqual(
                try a.login(name: "andi", password: "salah-\(i)", client: "10.0.0.\(i)", now: t0), .wrongCredentials)
        }
        // The fifth failure in a row on the account locks it, even from another address and with the right password.
        XCTAssertEqual(try a.login(name: "andi", password: "salah", client: "10.0.0.5", now: t0), .wrongCredentials)
        guard
            case .locked(let until) = try a.login(
                name: "andi", password: "kata-sandi-andi", client: "10.0.0.7", now: t0)
        else { return XCTFail("locked") }
        XCTAssertEqual(until.timeIntervalSince(t0), Accounts.lockDuration, accuracy: 1)
        guard
            case .success = try a.login(
                name: "andi", password: "kata-sandi-andi", client: "10.0.0.7", now: t0 + Accounts.lockDuration + 1)
        else { return XCTFail("the lock ends") }
        // One address guessing at several accounts is locked too.
        for name in ["budi", "cici", "dedi", "eko", "fani"] {
            _ = try a.login(name: name, password: "tebakan", client: "192.0.2.1", now: t0)
        }
        guard case .locked = try a.login(name: "budi", password: "kata-sandi-budi", client: "192.0.2.1", now: t0) else {
            return XCTFail("the address is locked")
        }
        guard case .success = try a.login(name: "budi", password: "kata-sandi-budi", client: "192.0.2.2", now: t0)
        else { return XCTFail("budi from elsewhere is not locked") }
    }

    func testUsersCommand() throws {
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: "users").path
        let password = dir.appendingPathComponent("pw")
        try "kata-sandi-sri-1\n".write(to: password, atomically: true, encoding: .utf8)
        let add = try TestEnv.runSurel([
            "users", "add", "Sri", "--role", "supervisor", "--confidential", "--password-file", password.path,
            "--config", config,
        ])
        XCTAssertEqual(add.status, 0, add.err)
        XCTAssertFalse(add.out.contains("kata-sandi"))
        let list = try TestEnv.runSurel(["users", "list", "--json", "--config", config])
        let users = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(users.map { $0["name"] as? String }, ["Sri"])
        XCTAssertEqual(users.first?["confidential"] as? Bool, true)
        XCTAssertNil(users.first?["password_hash"], "the hash is not printed")
        XCTAssertEqual(
            try TestEnv.runSurel(["users", "passwd", "nobody", "--password-file", password.path, "--config", config])
                .status, 4)
        XCTAssertEqual(try TestEnv.runSurel(["users", "disable", "Sri", "--config", config]).status, 0)
        XCTAssertTrue(try TestEnv.runSurel(["users", "list", "--config", config]).out.contains("nonaktif"))
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        XCTAssertEqual(
            try Accounts(database: db).login(name: "Sri", password: "kata-sandi-sri-1", client: "-"),
            .wrongCredentials)
    }
}
