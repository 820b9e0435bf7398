// Issue 16 line 1: the console runs beside the daemon on the same store. `surel run` ingests 1,000 mails from the
// loopback Dovecot while two logged-in clients load console pages (Tests/Browser/load.py); both finish without an
// error, and neither logs "database is locked".
import Foundation
import XCTest
@testable import SurelStore

final class ConsoleConcurrencyTests: XCTestCase {
    func testIngestingAThousandMailsWhileClientsLoadPages() throws {
        try TestEnv.requireServers()
        let n = 1000
        let user = TestEnv.freshUser("web-load")
        let tag = UUID().uuidString.prefix(8).lowercased()
        try TestEnv.fillMaildir(
            user: user,
            messages: (0..<n).map { DaemonProcessTests.message(i: $0, tag: "load-\(tag)", attachment: $0 % 10 == 0) })
        let dir = try TestEnv.scratch(self)
        let port = 20_000 + Int(getpid() % 2000)
        let config = try TestEnv.writeConfig(
            dir: dir, user: user, extra: "\n[web]\nlisten = \"127.0.0.1:\(port)\"\n"
        ).path
        let password = dir.appendingPathComponent("pw")
        try "kata-sandi-agen-1\n".write(to: password, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TestEnv.runSurel([
                "users", "add", "agen", "--role", "agent", "--password-file", password.path, "--config", config,
            ]).status, 0)

        let serverLog = dir.appendingPathComponent("serve.log")
        let server = try TestEnv.startConsole(config: config, port: port, log: serverLog)
        defer { server.terminate(); server.waitUntilExit() }

        let stop = dir.appendingPathComponent("stop")
        let load = Process()
        load.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        load.arguments = [
            "python3", TestEnv.browserScripts.appendingPathComponent("load.py").path,
            "--base", "http://127.0.0.1:\(port)", "--user", "agen", "--password-file", password.path, "--clients", "2",
            "--stop-file", stop.path,
        ]
        let out = Pipe()
        load.standardOutput = out
        try load.run()

        let run = try TestEnv.runSurel(["run", "--once", "--config", config])
        try Data().write(to: stop)
        let report = out.fileHandleForReading.readDataToEndOfFile()
        load.waitUntilExit()

        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertFalse(run.err.contains("locked"), "the daemon met a locked database: \(run.err.suffix(2000))")
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        XCTAssertEqual(try db.tickets().count, n, "every mail became a ticket")
        let status = try db.daemonStatus()
        XCTAssertNotNil(status.startedAt, "the daemon's heartbeat")
        XCTAssertLessThan(abs(try XCTUnwrap(status.lastPollAt).timeIntervalSinceNow), 120)
        XCTAssertEqual(load.terminationStatus, 0)
        let r = try XCTUnwrap(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        let pages = try XCTUnwrap(r["pages"] as? Int)
        print("console beside ingest: \(n) mails ingested while 2 clients loaded \(pages) pages")
        XCTAssertGreaterThan(pages, 20, "the clients kept loading pages during the ingest")
        XCTAssertEqual(r["failures"] as? [String], [], "pages that failed while the daemon wrote")
        let log = try String(contentsOf: serverLog, encoding: .utf8)
        XCTAssertFalse(log.contains("locked") || log.contains("request failed"), log.suffix(2000).description)
    }
}
