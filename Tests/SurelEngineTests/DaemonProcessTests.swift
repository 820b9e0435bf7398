// The built `surel` binary as ops will run it, against the real loopback Dovecot: kill -9 mid-ingest, a Dovecot
// outage mid-cycle, SIGTERM, the sd_notify protocol, `check-config` and IMAPS certificate verification.
// Every daemon's stdout/stderr goes to files in the test's scratch directory; every daemon is killed in teardown.
// Over 600 lines: one scenario per test, each driving the real binary, and all sharing this file's process and
// teardown helpers (every daemon a test starts is killed in its teardown).
import Foundation
import GRDB
import XCTest
import SurelEngine
import SurelMail
import SurelStore
#if canImport(Glibc)
    import Glibc
#endif

final class DaemonProcessTests: XCTestCase {

    // MARK: 1. kill -9

    func testKillMinus9WhileIngestingLosesAndDuplicatesNothing() throws {
        try TestEnv.requireServers()
        let started = Date()
        let n = 1000
        let user = TestEnv.freshUser("kill9")
        let tag = UUID().uuidString.prefix(8).lowercased()
        let messages = (0..<n).map { Self.message(i: $0, tag: "kill9-\(tag)", attachment: $0 % 7 == 0) }
        XCTAssertEqual(Set(messages.compactMap(rawMessageID)).count, n, "generated Message-IDs are distinct")
        try TestEnv.fillMaildir(user: user, messages: messages)
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user)
        let dbPath = dir.path + "/store/surel.sqlite"
        // The first start trains the classifier (seconds in a debug build): done beforehand, so the kills land
        // while mail is being stored.
        let train = try TestEnv.runSurel(["classify", "train", "--config", config.path])
        XCTAssertEqual(train.status, 0, train.err)

        var afterKill: [Int] = []
        var round = 0
        // At least 10 kills; a few more (bounded) while none has landed mid-ingest yet and there is still work.
        while round < 25 {
            if round >= 10, afterKill.contains(where: { $0 > 0 && $0 < n }) || afterKill.last == n { break }
            let daemon = try DaemonProcess(
                ["run", "--config", config.path], dir: dir, name: "kill-\(round)", test: self)
            if round == 0 {
                // The first kill lands mid-ingest for certain: as soon as the first mail is stored (on a fast
                // machine the whole mailbox could be stored before a random kill).
                let deadline = Date().addingTimeInterval(20)
                while (try? Self.count(dbPath, "SELECT COUNT(*) FROM message")) ?? 0 == 0, Date() < deadline {
                    usleep(10_000)
                }
            } else {
                // A debug build needs about half a second to load the classifier before the first message: kill
                // before, during and (rarely) after the ingest.
                usleep(UInt32.random(in: 50_000...1_500_000))
            }
            XCTAssertTrue(daemon.isRunning, "round \(round): the daemon exited before it was killed: \(daemon.log())")
            daemon.kill(SIGKILL)
            XCTAssertTrue(daemon.wait(timeout: 10), "round \(round): not dead 10 s after SIGKILL")
            let stored = try Self.count(dbPath, "SELECT COUNT(*) FROM message")
            afterKill.append(stored)
            // Whatever instant the kill hit, the cursor and the stored messages moved together (UIDs are 1...n).
            XCTAssertEqual(
                try Self.count(dbPath, "SELECT COALESCE(MAX(lastUID), 0) FROM mailboxCursor"), stored,
                "round \(round): cursor and store disagree after kill -9")
            XCTAssertEqual(
                try Self.count(dbPath, "SELECT COALESCE(MAX(uid), 0) FROM message"), stored,
                "round \(round): stored UIDs are not 1...count after kill -9")
            round += 1
        }
        print("kill -9: stored count after each kill: \(afterKill)")
        XCTAssertTrue(
            afterKill.contains { $0 > 0 && $0 < n },
            "no kill landed mid-ingest (counts after kills: \(afterKill)): the test proved nothing")
        // Counts never go backwards: what was committed stays committed.
        XCTAssertEqual(afterKill, afterKill.sorted(), "a committed message disappeared after a kill")

        let finish = try TestEnv.runSurel(["run", "--once", "--config", config.path])
        XCTAssertEqual(finish.status, 0, "surel run --once: \(finish.out)\(finish.err)")

        try assertExactlyOnce(dbPath: dbPath, user: user, messages: messages)
        let withAttachment = messages.indices.filter { $0 % 7 == 0 }.count
        XCTAssertEqual(
            try Self.count(dbPath, "SELECT COUNT(DISTINCT messageRowID) FROM attachment"), withAttachment,
            "every message with an attachment has its attachment row")
        print("kill -9 test: \(round) kills, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    // MARK: 2. Dovecot outage

    func testDovecotStopMidCycleLosesNothing() throws {
        try TestEnv.requireServers()
        let n = 600
        let user = TestEnv.freshUser("outage")
        let tag = UUID().uuidString.prefix(8).lowercased()
        let messages = (0..<n).map { Self.message(i: $0, tag: "outage-\(tag)", attachment: $0 % 10 == 0) }
        try TestEnv.fillMaildir(user: user, messages: messages)
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user)
        let dbPath = dir.path + "/store/surel.sqlite"
        // The classifier is trained beforehand, so the daemon starts storing at once.
        XCTAssertEqual(try TestEnv.runSurel(["classify", "train", "--config", config.path]).status, 0)

        // Whatever happens below, Dovecot runs again afterwards (other tests need it).
        var stopped = false
        defer { if stopped || !TestEnv.portOpen(TestEnv.imapPort) { try? TestEnv.mailservers("start", "dovecot") } }

        let daemon = try DaemonProcess(["run", "--config", config.path], dir: dir, name: "outage", test: self)
        // Mid-cycle: the daemon has started storing (at least ~150 ms after start).
        usleep(150_000)
        XCTAssertTrue(
            Self.waitUntil(timeout: 30) { ((try? Self.count(dbPath, "SELECT COUNT(*) FROM message")) ?? 0) > 0 },
            "the daemon stored nothing in 30 s: \(daemon.log())")
        stopped = true
        let stopBegan = Date()
        try TestEnv.mailservers("stop", "dovecot")
        let stopTook = Date().timeIntervalSince(stopBegan)
        let atStop = try Self.count(dbPath, "SELECT COUNT(*) FROM message")
        XCTAssertLessThan(
            atStop, n,
            "everything was stored before Dovecot stopped (test-mailservers stop took "
                + "\(String(format: "%.1f", stopTook)) s): the outage was not mid-cycle")
        sleep(2)
        XCTAssertTrue(daemon.isRunning, "the daemon died while Dovecot was down: \(daemon.log())")
        try TestEnv.mailservers("start", "dovecot")
        stopped = false

        XCTAssertTrue(
            Self.waitUntil(timeout: 60) { ((try? Self.count(dbPath, "SELECT COUNT(*) FROM message")) ?? 0) >= n },
            "not all messages stored 60 s after Dovecot came back: \(daemon.log())")
        XCTAssertTrue(
            Self.waitUntil(timeout: 30) { daemon.log().contains("mailbox reachable again") },
            "no \"mailbox reachable again\" line: \(daemon.log())")
        XCTAssertTrue(daemon.isRunning, "the daemon is no longer running: \(daemon.log())")

        daemon.kill(SIGTERM)
        XCTAssertTrue(daemon.wait(timeout: 10), "no exit 10 s after SIGTERM")
        XCTAssertEqual(daemon.exitReason, .exit)
        XCTAssertEqual(daemon.exitStatus, 0, daemon.log())

        let log = daemon.log()
        let unreachable = log.components(separatedBy: "\n").filter { $0.contains("mailbox unreachable") }
        XCTAssertEqual(unreachable.count, 1, "\"mailbox unreachable\" should be logged once per outage:\n\(log)")
        XCTAssertFalse(log.contains("msg=\"mailbox error\""), "the outage was not recognised as one:\n\(log)")
        XCTAssertFalse(log.contains(TestEnv.password), "the password is in the log")
        print(
            "outage: stop took \(String(format: "%.1f", stopTook)) s, \(atStop) of \(n) stored when it returned; log:\n\(log)"
        )
        try assertExactlyOnce(dbPath: dbPath, user: user, messages: messages)
    }

    // MARK: 3. SIGTERM

    func testSIGTERMFinishesCurrentMessageAndExitsZero() throws {
        try TestEnv.requireServers()
        let n = 2000
        let user = TestEnv.freshUser("sigterm")
        let tag = UUID().uuidString.prefix(8).lowercased()
        try TestEnv.fillMaildir(
            user: user, messages: (0..<n).map { Self.message(i: $0, tag: "term-\(tag)", attachment: $0 % 9 == 0) })
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user)
        let dbPath = dir.path + "/store/surel.sqlite"

        let daemon = try DaemonProcess(["run", "--config", config.path], dir: dir, name: "sigterm", test: self)
        XCTAssertTrue(
            Self.waitUntil(timeout: 30) { ((try? Self.count(dbPath, "SELECT COUNT(*) FROM message")) ?? 0) >= 50 },
            "the daemon did not store 50 messages in 30 s: \(daemon.log())")
        daemon.kill(SIGTERM)
        let t0 = Date()
        XCTAssertTrue(daemon.wait(timeout: 5), "no exit 5 s after SIGTERM: \(daemon.log())")
        print("SIGTERM: exited after \(String(format: "%.2f", Date().timeIntervalSince(t0))) s")
        XCTAssertEqual(daemon.exitReason, .exit, "killed by a signal instead of exiting")
        XCTAssertEqual(daemon.exitStatus, 0, daemon.log())
        XCTAssertTrue(daemon.log().contains("surel stopped"), daemon.log())

        let stored = try Self.count(dbPath, "SELECT COUNT(*) FROM message")
        let lastUID = try Self.count(dbPath, "SELECT lastUID FROM mailboxCursor")
        let maxUID = try Self.count(dbPath, "SELECT COALESCE(MAX(uid), 0) FROM message")
        XCTAssertGreaterThan(stored, 0)
        XCTAssertLessThan(stored, n, "everything was stored before SIGTERM: the stop was not mid-ingest")
        XCTAssertEqual(lastUID, stored, "cursor and stored messages disagree (UIDs are 1...n)")
        XCTAssertEqual(maxUID, lastUID, "a message above the cursor is stored, or the cursor is beyond the store")
        XCTAssertEqual(try Self.count(dbPath, "SELECT COUNT(DISTINCT uid) FROM message"), stored)
        XCTAssertEqual(
            try Self.count(dbPath, "SELECT lastUID - actionedUID FROM mailboxCursor"), 0,
            "stored messages left unflagged at a clean stop")
        // On the server: exactly the stored messages are flagged.
        XCTAssertEqual(try Self.serverSearch(user: user, "ALL"), Array(1...Int64(n)))
        XCTAssertEqual(
            try Self.serverSearch(user: user, "KEYWORD $SurelStored"), Array(1...Int64(max(lastUID, 1))),
            "flagged UIDs are not exactly 1...cursor")

        // A restart continues where it stopped, and nothing is stored twice.
        let finish = try TestEnv.runSurel(["run", "--once", "--config", config.path])
        XCTAssertEqual(finish.status, 0, finish.out + finish.err)
        XCTAssertEqual(try Self.count(dbPath, "SELECT COUNT(*) FROM message"), n)
        XCTAssertEqual(try Self.count(dbPath, "SELECT COUNT(DISTINCT messageID) FROM message"), n)
    }

    // MARK: 4. systemd

    /// SIGHUP (sent out of habit to reload) must not end the service: systemd would not restart a clean exit.
    /// Under systemd (JOURNAL_STREAM set) every log line carries its syslog priority for journald.
    func testSIGHUPIsIgnoredAndLinesCarryTheirJournalPriority() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("sighup")
        try TestEnv.fillMaildir(
            user: user, messages: (0..<3).map { Self.message(i: $0, tag: "hup", attachment: false) })
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user)
        let dbPath = dir.path + "/store/surel.sqlite"
        let daemon = try DaemonProcess(
            ["run", "--config", config.path], dir: dir, name: "sighup", test: self,
            environment: ["JOURNAL_STREAM": "8:123456"])
        XCTAssertTrue(
            Self.waitUntil(timeout: 30) { ((try? Self.count(dbPath, "SELECT COUNT(*) FROM message")) ?? 0) == 3 },
            daemon.log())
        daemon.kill(SIGHUP)
        XCTAssertTrue(Self.waitUntil(timeout: 5) { daemon.log().contains("SIGHUP ignored") }, daemon.log())
        XCTAssertTrue(daemon.isRunning, "SIGHUP ended the daemon: \(daemon.log())")
        daemon.kill(SIGTERM)
        XCTAssertTrue(daemon.wait(timeout: 10), daemon.log())
        XCTAssertEqual(daemon.exitStatus, 0, daemon.log())
        let lines = daemon.log().split(separator: "\n").filter { $0.contains("level=") }
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            guard let level = line.split(separator: " ").first(where: { $0.contains("level=") }) else { continue }
            let expected = ["level=info": "<6>", "level=notice": "<5>", "level=warning": "<4>", "level=error": "<3>"]
            let key = String(level.drop { $0 != "l" })
            XCTAssertTrue(line.hasPrefix(expected[key] ?? "<"), "no journald priority: \(line)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("<5>level=notice msg=\"SIGHUP ignored") }, "\(lines)")
    }

    func testSystemdNotifyProtocol() throws {
        try TestEnv.requireServers()
        let user = TestEnv.freshUser("notify")
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: user)
        // The production default: the watchdog must be fed while the daemon sleeps between polls, not only
        // when it polls.
        try Self.setPollInterval(config, "30s")
        let socketPath = dir.path + "/notify.sock"
        let listener = try NotifyListener(path: socketPath)
        defer { listener.close() }

        let daemon = try DaemonProcess(
            ["run", "--config", config.path], dir: dir, name: "notify", test: self,
            environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "2000000"])
        let t0 = Date()
        var got: [(at: TimeInterval, text: String)] = []
        while Date().timeIntervalSince(t0) < 4.5 {
            if let d = listener.receive(timeout: 0.2) { got.append((Date().timeIntervalSince(t0), d)) }
        }
        let lines = got.flatMap { d in d.text.split(separator: "\n").map { (d.at, String($0)) } }
        print("sd_notify datagrams: \(got)")
        XCTAssertTrue(lines.contains { $0.1 == "READY=1" }, "no READY=1: \(got)")
        XCTAssertTrue(lines.contains { $0.1.hasPrefix("STATUS=") && $0.1.count > 7 }, "no STATUS=: \(got)")
        let watchdogs = lines.filter { $0.1 == "WATCHDOG=1" && $0.0 <= 4.5 }
        XCTAssertGreaterThanOrEqual(
            watchdogs.count, 2, "WATCHDOG=1 fewer than twice in 4.5 s with WATCHDOG_USEC=2s: \(got)")
        // No gap between pings may reach WATCHDOG_USEC.
        let times = watchdogs.map(\.0)
        for (a, b) in zip(times, times.dropFirst()) {
            XCTAssertLessThan(b - a, 2.0, "WATCHDOG=1 gap of \(b - a) s reaches WATCHDOG_USEC")
        }
        XCTAssertTrue(daemon.isRunning, daemon.log())

        daemon.kill(SIGTERM)
        var stopping = false
        let t1 = Date()
        while !stopping && Date().timeIntervalSince(t1) < 5 {
            if let d = listener.receive(timeout: 0.2) { stopping = d.split(separator: "\n").contains("STOPPING=1") }
        }
        XCTAssertTrue(stopping, "no STOPPING=1 after SIGTERM: \(daemon.log())")
        XCTAssertTrue(daemon.wait(timeout: 5), "no exit 5 s after SIGTERM")
        XCTAssertEqual(daemon.exitStatus, 0, daemon.log())
    }

    func testSystemdUnitVerifies() throws {
        let unit = TestEnv.packageRoot.appendingPathComponent("deploy/surel.service")
        guard
            let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw XCTSkip("systemd-analyze is not installed")
        }
        guard FileManager.default.fileExists(atPath: unit.path) else {
            throw XCTSkip("\(unit.path) does not exist (yet)")
        }
        // The unit names the installed binary (e.g. /usr/local/bin/surel), which is absent here: verify a copy
        // whose ExecStart names the built binary instead, so that only the unit's own mistakes fail the test.
        let dir = try TestEnv.scratch(self)
        var text = try String(contentsOf: unit, encoding: .utf8)
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("ExecStart") || line.hasPrefix("ExecReload") || line.hasPrefix("ExecStartPre"),
                let eq = line.firstIndex(of: "=")
            else { return String(line) }
            let value = line[line.index(after: eq)...]
            let prefixChars = value.prefix { "@-:+!".contains($0) }
            let rest = value.dropFirst(prefixChars.count)
            let parts = rest.split(separator: " ", maxSplits: 1)
            guard let bin = parts.first, bin.hasSuffix("/surel") else { return String(line) }
            return line[...eq] + prefixChars + TestEnv.surelBinary.path + (parts.count > 1 ? " " + parts[1] : "")
        }.joined(separator: "\n")
        let copy = dir.appendingPathComponent("surel.service")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        let r = try Self.run(analyze, ["verify", copy.path], dir: dir)
        print("systemd-analyze verify: status \(r.status)\n\(r.output)")
        XCTAssertEqual(r.status, 0, r.output)
        let complaints = r.output.split(separator: "\n").filter { $0.contains("surel.service") }
        XCTAssertTrue(
            complaints.isEmpty, "systemd-analyze complains about the unit:\n\(complaints.joined(separator: "\n"))")
    }

    // MARK: 5. check-config

    func testCheckConfigNamesBadLinesAndHidesPassword() throws {
        try TestEnv.requireServers()
        let dir = try TestEnv.scratch(self)
        let user = TestEnv.freshUser("check")

        // Three problems, each on its own line.
        let bad = dir.appendingPathComponent("bad.toml")
        try """
        [mailbox]
        url = "imap://127.0.0.1:\(TestEnv.imapPort)/INBOX"
        user = "\(user)"
        password = "\(TestEnv.password)"
        tls = "sometimes"
        poll_interval = "soon"
        after_store = "flag"
        pol_interval = "30s"

        [store]
        path = "\(dir.path)/store/surel.sqlite"
        """.write(to: bad, atomically: true, encoding: .utf8)
        let r = try TestEnv.runSurel(["check-config", "--config", bad.path])
        let out = r.out + r.err
        XCTAssertNotEqual(r.status, 0, out)
        for (line, word) in [(5, "tls"), (6, "poll_interval"), (8, "pol_interval")] {
            let hit = out.split(separator: "\n").first { $0.contains("\(bad.path):\(line):") }
            XCTAssertNotNil(hit, "no \(bad.path):\(line): line for \(word) in:\n\(out)")
            XCTAssertTrue(hit.map { $0.contains(word) } ?? false, "line \(line) should name \(word): \(hit ?? "")")
        }
        XCTAssertEqual(
            out.split(separator: "\n").filter { $0.hasPrefix("\(bad.path):") }.count, 3,
            "exactly the three problems are reported:\n\(out)")
        XCTAssertFalse(out.contains(TestEnv.password), "the password is printed:\n\(out)")

        // A valid file with a wrong password: a clear login failure, and the wrong password nowhere.
        let wrongPassword = "Wr0ng-\(UUID().uuidString)"
        let wrong = try Self.writeConfig(
            dir: dir, name: "wrong.toml", user: user, passwordLine: "password = \"\(wrongPassword)\"")
        let w = try TestEnv.runSurel(["check-config", "--config", wrong.path])
        let wout = w.out + w.err
        XCTAssertNotEqual(w.status, 0, wout)
        XCTAssertTrue(wout.contains("configuration: OK"), wout)
        XCTAssertTrue(wout.localizedCaseInsensitiveContains("login"), "no clear login failure:\n\(wout)")
        XCTAssertTrue(wout.contains("FAILED"), wout)
        XCTAssertFalse(wout.contains(wrongPassword), "the wrong password is printed:\n\(wout)")
        XCTAssertFalse(
            wout.contains(String(wrongPassword.dropFirst(6))), "part of the wrong password is printed:\n\(wout)")

        // The right password, inline and as password_file.
        let good = try Self.writeConfig(
            dir: dir, name: "good.toml", user: user, passwordLine: "password = \"\(TestEnv.password)\"")
        let g = try TestEnv.runSurel(["check-config", "--config", good.path])
        XCTAssertEqual(g.status, 0, g.out + g.err)
        XCTAssertTrue(g.out.contains("configuration: OK") && g.out.contains("imap: OK"), g.out + g.err)
        XCTAssertFalse((g.out + g.err).contains(TestEnv.password))

        let pwFile = dir.appendingPathComponent("imap-password")
        try (TestEnv.password + "\n").write(to: pwFile, atomically: true, encoding: .utf8)
        let viaFile = try Self.writeConfig(
            dir: dir, name: "file.toml", user: user, passwordLine: "password_file = \"\(pwFile.path)\"")
        let f = try TestEnv.runSurel(["check-config", "--config", viaFile.path])
        XCTAssertEqual(f.status, 0, f.out + f.err)
        XCTAssertTrue(f.out.contains("imap: OK"), f.out + f.err)

        // A running daemon has the password in no argument.
        for cfg in [good, viaFile] {
            let daemon = try DaemonProcess(
                ["run", "--config", cfg.path], dir: dir, name: "cmdline-\(cfg.lastPathComponent)", test: self)
            usleep(300_000)
            XCTAssertTrue(daemon.isRunning, daemon.log())
            let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(daemon.pid)/cmdline"))
            let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            XCTAssertEqual(args.dropFirst().map { $0 }, ["run", "--config", cfg.path])
            XCTAssertNil(
                cmdline.range(of: Data(TestEnv.password.utf8)), "the password is in /proc/\(daemon.pid)/cmdline")
            daemon.kill(SIGTERM)
            XCTAssertTrue(daemon.wait(timeout: 5))
            XCTAssertEqual(daemon.exitStatus, 0, daemon.log())
            XCTAssertFalse(daemon.log().contains(TestEnv.password), "the password is in the daemon's log")
        }
    }

    // MARK: 6. IMAPS

    func testIMAPSWithCAFileAndVerificationOn() throws {
        try TestEnv.requireServers()
        guard FileManager.default.isReadableFile(atPath: TestEnv.caFile) else {
            throw XCTSkip("no test CA at \(TestEnv.caFile)")
        }
        let dir = try TestEnv.scratch(self)
        let user = TestEnv.freshUser("imaps")
        func config(_ name: String, caFile: String?) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try """
            [mailbox]
            url = "imaps://localhost:\(TestEnv.imapsPort)/INBOX"
            user = "\(user)"
            password = "\(TestEnv.password)"
            tls = "required"
            \(caFile.map { "ca_file = \"\($0)\"" } ?? "")

            [store]
            path = "\(dir.path)/store/surel.sqlite"
            attachments = "\(dir.path)/store/attachments"
            """.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let ok = try TestEnv.runSurel(["check-config", "--config", try config("ca.toml", caFile: TestEnv.caFile).path])
        XCTAssertEqual(ok.status, 0, ok.out + ok.err)
        XCTAssertTrue(ok.out.contains("imap: OK imaps://localhost:\(TestEnv.imapsPort)/INBOX"), ok.out + ok.err)

        let untrusted = try TestEnv.runSurel(["check-config", "--config", try config("noca.toml", caFile: nil).path])
        let out = untrusted.out + untrusted.err
        XCTAssertNotEqual(untrusted.status, 0, "a self-signed server was trusted without ca_file:\n\(out)")
        XCTAssertTrue(out.contains("FAILED"), out)
        XCTAssertTrue(out.localizedCaseInsensitiveContains("certificate"), "no certificate error:\n\(out)")
        XCTAssertFalse(out.contains(TestEnv.password))

        // And the daemon stores mail over IMAPS with the CA file.
        let msgs = (0..<5).map { Self.message(i: $0, tag: "imaps-\(UUID().uuidString.prefix(8))", attachment: false) }
        try TestEnv.fillMaildir(user: user, messages: msgs)
        let once = try TestEnv.runSurel([
            "run", "--once", "--config", try config("ca.toml", caFile: TestEnv.caFile).path,
        ])
        XCTAssertEqual(once.status, 0, once.out + once.err)
        XCTAssertEqual(try Self.count(dir.path + "/store/surel.sqlite", "SELECT COUNT(*) FROM message"), 5)
    }

    // MARK: - assertions

    /// Exactly one row per message, one ticket each, nothing pending, cursor at the highest UID, all flagged.
    func assertExactlyOnce(
        dbPath: String, user: String, messages: [Data],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let n = messages.count
        XCTAssertEqual(
            try Self.count(dbPath, "SELECT COUNT(*) FROM message"), n, "message rows", file: file, line: line)
        let db = try SurelDatabase(path: dbPath)
        let dupes = try db.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT messageID, COUNT(*) AS n FROM message GROUP BY messageID HAVING COUNT(*) > 1"
            )
            .map { "\($0["messageID"] as String? ?? "nil") x\($0["n"] as Int)" }
        }
        XCTAssertEqual(dupes, [], "duplicated messages", file: file, line: line)
        let stored = Set(try db.writer.read { try String.fetchAll($0, sql: "SELECT messageID FROM message") })
        XCTAssertEqual(stored, Set(messages.compactMap(rawMessageID)), "stored Message-IDs", file: file, line: line)
        XCTAssertEqual(try Self.count(dbPath, "SELECT COUNT(*) FROM ticket"), n, "tickets", file: file, line: line)
        XCTAssertEqual(
            try Self.count(dbPath, "SELECT COUNT(*) FROM message WHERE kind != 'ticket'"), 0,
            "messages stored as something other than a ticket", file: file, line: line)
        XCTAssertEqual(
            try Self.count(dbPath, "SELECT lastUID - actionedUID FROM mailboxCursor"), 0,
            "server actions left pending", file: file, line: line)
        XCTAssertEqual(
            try Self.count(dbPath, "SELECT COUNT(DISTINCT uid) FROM message"), n, "distinct UIDs", file: file,
            line: line)

        let all = try Self.serverSearch(user: user, "ALL")
        XCTAssertEqual(all.count, n, "messages on the server", file: file, line: line)
        XCTAssertEqual(
            Int64(try Self.count(dbPath, "SELECT lastUID FROM mailboxCursor")), all.last ?? -1,
            "cursor lastUID vs highest UID", file: file, line: line)
        XCTAssertEqual(
            try Self.serverSearch(user: user, "KEYWORD $SurelStored").count, n,
            "messages with $SurelStored on the server", file: file, line: line)
        XCTAssertEqual(
            try Self.serverSearch(user: user, "UNKEYWORD $SurelStored"), [],
            "messages without $SurelStored on the server", file: file, line: line)
    }

    // MARK: - helpers

    /// A small message, distinct per `i` and `tag`; with a small base64 attachment when asked.
    static func message(i: Int, tag: String, attachment: Bool) -> Data {
        let head = """
            From: Warga \(i) <warga\(i).\(tag)@example.go.id>\r
            To: callcenter.djpk@kemenkeu.go.id\r
            Subject: Pertanyaan \(tag) nomor \(i)\r
            Message-ID: <\(tag)-\(i)@test.surel.invalid>\r
            Date: Mon, 03 Feb 2025 09:00:00 +0700\r
            MIME-Version: 1.0\r

            """
        guard attachment else {
            return Data(
                (head
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nMohon informasi penyaluran DAU (\(tag) \(i)).\r\n")
                    .utf8)
        }
        let payload = Data((0..<40).map { "baris \($0) lampiran \(i) \(tag)\n" }.joined().utf8).base64EncodedString(
            options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return Data(
            (head + """
                Content-Type: multipart/mixed; boundary="b-\(i)"\r
                \r
                --b-\(i)\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Terlampir dokumen (\(tag) \(i)).\r
                --b-\(i)\r
                Content-Type: text/plain; name="lampiran-\(i).txt"\r
                Content-Disposition: attachment; filename="lampiran-\(i).txt"\r
                Content-Transfer-Encoding: base64\r
                \r
                \(payload)\r
                --b-\(i)--\r

                """).utf8)
    }

    /// One integer from the store (0 when the store does not exist yet).
    static func count(_ dbPath: String, _ sql: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: dbPath) else { return 0 }
        let db = try SurelDatabase(path: dbPath)
        return try db.writer.read { try Int.fetchOne($0, sql: sql) } ?? 0
    }

    static func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(100_000)
        }
        return condition()
    }

    /// The UIDs of the user's INBOX matching an IMAP SEARCH key, read by curl (a client independent of surel's).
    /// SEARCH answers in one line; a FETCH of thousands of lines exceeds curl's response-header limit.
    static func serverSearch(user: String, _ key: String) throws -> [Int64] {
        let r = try run(
            "/usr/bin/curl",
            [
                "-sS", "--max-time", "60", "--user", "\(user):\(TestEnv.password)",
                "imap://127.0.0.1:\(TestEnv.imapPort)/INBOX", "-X", "UID SEARCH \(key)",
            ],
            dir: nil)
        guard r.status == 0 else {
            throw NSError(domain: "curl UID SEARCH \(key) failed: \(r.output)", code: Int(r.status))
        }
        return r.output.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("* SEARCH") }
            .flatMap { $0.dropFirst(8).split(separator: " ").compactMap { Int64($0) } }.sorted()
    }

    /// Runs a tool to completion; stdout and stderr together.
    static func run(_ tool: String, _ args: [String], dir: URL?) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        if let dir { p.currentDirectoryURL = dir }
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func setPollInterval(_ config: URL, _ value: String) throws {
        let text = try String(contentsOf: config, encoding: .utf8)
        XCTAssertTrue(text.contains("poll_interval = \"1s\""))
        try text.replacingOccurrences(of: "poll_interval = \"1s\"", with: "poll_interval = \"\(value)\"")
            .write(to: config, atomically: true, encoding: .utf8)
    }

    static func writeConfig(dir: URL, name: String, user: String, passwordLine: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try """
        [mailbox]
        url = "imap://127.0.0.1:\(TestEnv.imapPort)/INBOX"
        user = "\(user)"
        \(passwordLine)
        tls = "none"
        poll_interval = "1s"

        [store]
        path = "\(dir.path)/store-\(name)/surel.sqlite"
        attachments = "\(dir.path)/store-\(name)/attachments"
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// A `surel` subprocess whose stdout and stderr go to files; killed (SIGKILL) in teardown if still running.
final class DaemonProcess {
    let process = Process()
    let logURL: URL
    var pid: Int32 { process.processIdentifier }

    init(_ args: [String], dir: URL, name: String, test: XCTestCase, environment: [String: String] = [:]) throws {
        logURL = dir.appendingPathComponent("\(name).log")
        try Data().write(to: logURL)
        let out = try FileHandle(forWritingTo: logURL)
        process.executableURL = TestEnv.surelBinary
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        for k in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS"] { env[k] = nil }
        env.merge(environment) { _, n in n }
        process.environment = env
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? out.close()
        let p = process
        test.addTeardownBlock {
            if p.isRunning { Glibc.kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        }
    }

    var isRunning: Bool { process.isRunning }
    func kill(_ sig: Int32) { _ = Glibc.kill(pid, sig) }

    /// Waits for the exit up to `timeout` seconds; true when it exited.
    func wait(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { return false }
        process.waitUntilExit()
        return true
    }

    var exitReason: Process.TerminationReason { process.terminationReason }
    var exitStatus: Int32 { process.terminationStatus }
    func log() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
}

/// The receiving end of $NOTIFY_SOCKET: a bound Unix datagram socket.
final class NotifyListener {
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw NSError(domain: "path too long", code: 0)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in for (i, b) in bytes.enumerated() { buf[i] = b } }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else { Glibc.close(fd); throw NSError(domain: "bind \(path)", code: Int(errno)) }
    }

    /// One datagram, or nil after `timeout` seconds.
    func receive(timeout: TimeInterval) -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buf, buf.count, 0)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self)
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}
