// Issue 19 through the real parts: blast staff in headless Chromium (Tests/Browser/blast.py) upload a CSV with bad
// rows, create, preview, test, schedule and watch a blast that the daemon sends through the loopback Postfix into
// Dovecot, and download its failures; this test checks the mail and the store around it.
import Foundation
import XCTest
import SurelCore
import SurelMail
@testable import SurelEngine
@testable import SurelStore

final class BlastConsoleTests: XCTestCase {
    func testStaffUploadPreviewTestScheduleAndWatchABlastInTheBrowser() throws {
        try TestEnv.requirePostfix()
        try TestEnv.requireBrowser()
        let dir = try TestEnv.scratch(self)
        let port = 21_000 + Int(getpid() % 2000)
        let config = try TestEnv.writeConfig(
            dir: dir, user: TestEnv.freshUser("blast-cc"),
            extra: """

                \(TestEnv.smtpSection())

                [blast]
                rate = "20/s"

                [web]
                listen = "127.0.0.1:\(port)"
                """
        ).path
        // 202 rows: 197 that Dovecot takes, one the server defers (4xx) and one it refuses (5xx), and 3 bad rows
        // (not an address, a repeated address, a missing column).
        let tag = TestEnv.freshUser("pemda")
        var rows = (1...197).map { "\(tag)-\($0)@example.test,Kepala BPKAD \($0),Kabupaten \($0)" }
        let deferred = "\(tag)@tempfail.surel.test", refused = "\(tag)@permfail.surel.test"
        rows.insert("\(deferred),Dinas Sementara,Kabupaten Sela", at: 50)
        rows.insert("\(refused),Dinas Tiada,Kabupaten Hampa", at: 100)
        rows.insert("bukan-alamat,Salah,Kabupaten X", at: 3)
        rows.insert("\(tag)-2@example.test,Dobel,Kabupaten 2", at: 60)
        rows.insert("\(tag)-kurang@example.test,Kurang", at: 150)
        let csv = "email,name,instansi\n" + rows.joined(separator: "\n") + "\n"
        XCTAssertEqual(rows.count, 202)
        let csvFile = dir.appendingPathComponent("pemda.csv")
        try csv.write(to: csvFile, atomically: true, encoding: .utf8)
        let problems = RecipientImport.parse(csv).problems
        XCTAssertEqual(problems.count, 3, "\(problems)")
        let problemsFile = dir.appendingPathComponent("problems.json")
        try JSONSerialization.data(withJSONObject: problems).write(to: problemsFile)

        let password = dir.appendingPathComponent("bella.pw")
        try "kata-sandi-bella-1\n".write(to: password, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try TestEnv.runSurel([
                "users", "add", "bella", "--role", "blast", "--password-file", password.path, "--config", config,
            ]).status, 0)
        let daemon = try DaemonProcess(["run", "--config", config], dir: dir, name: "daemon", test: self)
        let server = try TestEnv.startConsole(config: config, port: port, log: dir.appendingPathComponent("web.log"))
        defer {
            server.terminate(); server.waitUntilExit()
            daemon.kill(SIGTERM); _ = daemon.wait(timeout: 20)
        }
        let tester = TestEnv.freshUser("staf-uji") + "@djpk.test"
        let shots = dir.appendingPathComponent("shots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let browser = try TestEnv.browserScript(
            "blast.py",
            [
                "--base", "http://127.0.0.1:\(port)", "--user", "bella", "--password-file", password.path,
                "--csv", csvFile.path, "--problems", problemsFile.path, "--first", "\(tag)-1@example.test",
                "--test-address", tester, "--failed", refused, "--sent", "197", "--shots", shots.path,
            ])
        if let keep = ProcessInfo.processInfo.environment["SUREL_KEEP_SHOTS"] {
            try? FileManager.default.removeItem(atPath: keep)
            try? FileManager.default.copyItem(atPath: shots.path, toPath: keep)
        }
        XCTAssertEqual(browser.status, 0, "blast in the browser: \(browser.err)\n\(daemon.log().suffix(2000))")
        guard browser.status == 0 else { return }

        // The store: 197 sent, the 4xx recipient deferred, the 5xx one failed; every one once.
        let db = try SurelDatabase(path: try SurelConfig.load(path: config).store.path)
        let blast = try XCTUnwrap(try db.blasts().last)
        let counts = try db.blastCounts(blast.id)
        XCTAssertEqual(counts[.sent], 197)
        XCTAssertEqual(counts[.deferred], 1)
        XCTAssertEqual(counts[.failed], 1)
        XCTAssertEqual(counts.values.reduce(0, +), 199)
        XCTAssertEqual(try db.members(of: "pemda-uji")?.total, 199)

        // The test arrived, as the first recipient's mail, at the test address only.
        let test = TestEnv.waitForInbox(tester) { !$0.isEmpty }
        XCTAssertEqual(test.count, 1)
        XCTAssertEqual(test.first?.subject, "Undangan webinar TKD untuk Kabupaten 1")
        XCTAssertTrue(test.first?.text.contains("Yth. Kepala BPKAD 1 (Kabupaten 1)") == true, test.first?.text ?? "")
        XCTAssertEqual(test.first?.to.map(\.email), [tester])
        // Recipients got their own mail, once.
        for n in [1, 100, 197] {
            let inbox = TestEnv.waitForInbox("\(tag)-\(n)@example.test") { !$0.isEmpty }
            XCTAssertEqual(inbox.map(\.subject), ["Undangan webinar TKD untuk Kabupaten \(n)"], "recipient \(n)")
            XCTAssertTrue(inbox.first?.html?.contains("<b>Kepala BPKAD \(n)</b>") == true)
        }

        // The failures CSV the browser downloaded: the refused and the deferred recipient with the server's words.
        let failures = try String(
            contentsOf: shots.appendingPathComponent("blast-\(blast.id)-gagal.csv"), encoding: .utf8)
        let lines = failures.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "email,state,attempts,reason")
        XCTAssertEqual(lines.count, 3, failures)
        XCTAssertTrue(lines.contains { $0.hasPrefix("\(refused),failed,1,") && $0.contains("5.1.1") }, failures)
        XCTAssertTrue(lines.contains { $0.hasPrefix("\(deferred),deferred,1,") && $0.contains("4.2.0") }, failures)
    }
}
