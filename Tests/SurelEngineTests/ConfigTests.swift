import Foundation
import XCTest
import SurelMail
import SurelClassify
@testable import SurelEngine

final class ConfigTests: XCTestCase {
    let minimal = """
        [mailbox]
        url = "imap://127.0.0.1:10143/INBOX"
        user = "callcenter"
        password = "rahasia"
        tls = "none"
        """

    func problems(_ text: String, env: [String: String] = [:]) -> [ConfigProblem] {
        do { _ = try SurelConfig.parse(text, environment: env); return [] } catch let e as ConfigError {
            return e.problems
        } catch { XCTFail("\(error)"); return [] }
    }

    func testDefaults() throws {
        let c = try SurelConfig.parse(minimal, environment: [:])
        XCTAssertEqual(c.mailbox.pollInterval, 30)
        XCTAssertEqual(c.mailbox.afterStore, .flag(keyword: "$SurelStored"))
        XCTAssertEqual(c.mailbox.maxMessageSize, 25 * 1024 * 1024)
        XCTAssertEqual(c.store.path, "/var/lib/surel/surel.sqlite")
        XCTAssertEqual(c.store.attachments, "/var/lib/surel/attachments")
        XCTAssertEqual(c.threading.subjectWindow, 3 * 86400)
        XCTAssertEqual(c.threading.reopenWindow, 7 * 86400)
        XCTAssertEqual(c.mailbox.endpoint.folder, "INBOX")
        XCTAssertEqual(c.mailbox.endpoint.port, 10143)
        XCTAssertEqual(c.mailbox.endpoint.password, "rahasia")
    }

    func testUnknownKeysAndBadValuesAreNamedWithTheirLine() {
        let text = """
            [mailbox]
            url = "imap://127.0.0.1/INBOX"
            user = "callcenter"
            password = "x"
            tls = "maybe"
            pol_interval = "30s"
            after_store = "archive"
            poll_interval = "soon"

            [stor]
            path = "/tmp/x"
            """
        let p = problems(text)
        XCTAssertEqual(Set(p.compactMap(\.line)), [5, 6, 7, 8, 10], "\(p)")
        XCTAssertTrue(p.contains { $0.line == 6 && $0.message.contains("pol_interval") })
        XCTAssertTrue(p.contains { $0.line == 10 && $0.message.contains("[stor]") })
    }

    /// `/metrics` goes to this machine by default, to the listed addresses when set; a name instead of an address
    /// is named with its line (a peer's address is compared, never a name resolved).
    func testMetricsAllowIsAListOfAddresses() throws {
        XCTAssertEqual(try SurelConfig.parse(minimal, environment: [:]).web.metricsAllowed, ["127.0.0.1", "::1"])
        let set = try SurelConfig.parse(
            minimal + "\n[web]\nmetrics_allow = [\"10.20.30.40\", \"fd00::7\"]\n", environment: [:])
        XCTAssertEqual(set.web.metricsAllowed, ["10.20.30.40", "fd00::7"])
        let p = problems(minimal + "\n[web]\nmetrics_allow = [\"monitor.kemenkeu.go.id\"]\n")
        XCTAssertEqual(p.map(\.line), [7], "\(p)")
        XCTAssertTrue(p.first?.message.contains("metrics_allow must be a list of IP addresses") == true, "\(p)")
    }

    func testTOMLSyntaxErrorHasALine() {
        let p = problems("[mailbox]\nurl = \"imap://x/INBOX\"\nuser = \n")
        XCTAssertEqual(p.first?.line, 3, "\(p)")
    }

    func testPlaintextOnlyOnLoopbackUnlessInsecure() {
        let remote = minimal.replacingOccurrences(of: "127.0.0.1:10143", with: "mail.kemenkeu.go.id")
        XCTAssertTrue(problems(remote).contains { $0.line == 5 && $0.message.contains("loopback") })
        XCTAssertEqual(problems(remote + "\ninsecure = true"), [])
        XCTAssertTrue(problems(minimal.replacingOccurrences(of: "imap://", with: "imaps://")).contains { $0.line == 5 })
        // Only what cannot leave the machine is loopback: a name that starts with "127." resolves anywhere.
        for host in ["127.mail.example.org", "127.0.0.1.nip.io", "127.1"] {
            let named = minimal.replacingOccurrences(of: "127.0.0.1:10143", with: host)
            XCTAssertTrue(problems(named).contains { $0.line == 5 && $0.message.contains("loopback") }, host)
        }
        for host in ["127.0.0.2:10143", "localhost:10143", "[::1]:10143"] {
            XCTAssertEqual(problems(minimal.replacingOccurrences(of: "127.0.0.1:10143", with: host)), [], host)
        }
    }

    func testDurationsMustBeMoreThanZero() {
        let text =
            minimal
            + "\npoll_interval = \"0s\"\n[outbox]\ngive_up_after = -5\nretry = [\"1m\", \"0s\"]\n[sla]\nreminder_before = \"0s\"\n"
        let p = problems(text)
        let lines = text.components(separatedBy: "\n")
        func line(_ prefix: String) -> Int { (lines.firstIndex { $0.hasPrefix(prefix) } ?? -1) + 1 }
        XCTAssertTrue(p.contains { $0.line == line("poll_interval") && $0.message.contains("more than zero") }, "\(p)")
        XCTAssertTrue(p.contains { $0.line == line("give_up_after") }, "\(p)")
        XCTAssertTrue(p.contains { $0.line == line("retry") }, "\(p)")
        XCTAssertFalse(p.contains { $0.line == line("reminder_before") }, "0 turns the reminder off: \(p)")
    }

    /// Every problem in one run of check-config, [access] and [blast] included (they were named only once the
    /// rest was right).
    func testProblemsOfEverySectionAtOnce() {
        let text =
            minimal.replacingOccurrences(of: "tls = \"none\"", with: "tls = \"nope\"")
            + "\n[access]\nconfidential_readers = \"Sri\"\n[blast]\nrate = \"fast\"\nconnections = 99\n"
        let messages = problems(text).map(\.message)
        for expected in ["tls must be", "confidential_readers must be", "rate must look like", "connections must be"] {
            XCTAssertTrue(messages.contains { $0.contains(expected) }, "\(expected): \(messages)")
        }
    }

    func testAMistypedURLIsNotRepeatedInTheError() {
        for url in ["https://callcenter:RahasiaSekali@mail.example.go.id/INBOX", "imap:/callcenter:RahasiaSekali@host"]
        {
            let p = problems(minimal.replacingOccurrences(of: "imap://127.0.0.1:10143/INBOX", with: url))
            XCTAssertTrue(p.contains { $0.line == 2 }, "\(p)")
            XCTAssertFalse(p.contains { $0.message.contains("RahasiaSekali") }, "\(p)")
        }
    }

    func testAfterStoreModesAndSizes() throws {
        let c = try SurelConfig.parse(
            minimal + "\nafter_store = \"move:Processed\"\nmax_message_size = \"10MB\"\npoll_interval = \"2m\"",
            environment: [:])
        XCTAssertEqual(c.mailbox.afterStore, .move(folder: "Processed"))
        XCTAssertEqual(c.mailbox.maxMessageSize, 10 * 1024 * 1024)
        XCTAssertEqual(c.mailbox.pollInterval, 120)
        XCTAssertEqual(
            try SurelConfig.parse(minimal + "\nafter_store = \"delete\"", environment: [:]).mailbox.afterStore, .delete)
    }

    func testPasswordFileAndSystemdCredentials() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("surel-cred-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "dari-file\n".write(to: dir.appendingPathComponent("imap"), atomically: true, encoding: .utf8)
        let noPassword = minimal.replacingOccurrences(of: "password = \"rahasia\"\n", with: "")
        // Absolute password_file.
        let c1 = try SurelConfig.parse(noPassword + "\npassword_file = \"\(dir.path)/imap\"", environment: [:])
        XCTAssertEqual(c1.mailbox.endpoint.password, "dari-file")
        // Relative name in $CREDENTIALS_DIRECTORY, and the default credential name "imap".
        let env = ["CREDENTIALS_DIRECTORY": dir.path]
        XCTAssertEqual(
            try SurelConfig.parse(noPassword + "\npassword_file = \"imap\"", environment: env).mailbox.endpoint
                .password, "dari-file")
        XCTAssertEqual(try SurelConfig.parse(noPassword, environment: env).mailbox.endpoint.password, "dari-file")
        // Neither: a problem naming the section.
        XCTAssertFalse(problems(noPassword).isEmpty)
        // A missing file is named, and its content never appears in messages.
        XCTAssertTrue(
            problems(noPassword + "\npassword_file = \"/nonexistent/pw\"").contains {
                $0.message.contains("/nonexistent/pw")
            })
    }

    func testStoreOnlyCommandsDoNotNeedThePassword() throws {
        let noPassword = minimal.replacingOccurrences(
            of: "password = \"rahasia\"\n", with: "password_file = \"imap\"\n")
        XCTAssertFalse(problems(noPassword).isEmpty, "the daemon needs it")
        let c = try SurelConfig.parse(
            noPassword + "\n[store]\npath = \"/tmp/s.sqlite\"", environment: [:], needsMailbox: false)
        XCTAssertEqual(c.store.path, "/tmp/s.sqlite")
    }

    func testTaxonomyFromAFileWithItsProblemsNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("surel-tax-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertEqual(try SurelConfig.parse(minimal, environment: [:]).taxonomy.slugs.count, 19)
        let good = dir.appendingPathComponent("good.tsv"), bad = dir.appendingPathComponent("bad.tsv")
        try "inpres\tInpres 1/2025\tDTU\tno\nkeluhan\tKeluhan\t-\tyes\n".write(
            to: good, atomically: true, encoding: .utf8)
        try "inpres\tInpres\tDTU\tsometimes\n".write(to: bad, atomically: true, encoding: .utf8)
        let c = try SurelConfig.parse(minimal + "\n[classify]\ntaxonomy = \"\(good.path)\"", environment: [:])
        XCTAssertEqual(c.taxonomy.slugs, ["inpres", "keluhan"])
        XCTAssertEqual(c.taxonomy.confidentialSlugs, ["keluhan"])
        let p = problems(minimal + "\n[classify]\ntaxonomy = \"\(bad.path)\"")
        XCTAssertTrue(p.contains { $0.line == 7 && $0.message.contains("line 1") }, "\(p)")
    }

    func testClassifySettingsAndTheirProblemsNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("surel-rules-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = try SurelConfig.parse(minimal, environment: [:]).classify
        XCTAssertEqual(d.reviewThreshold, 0.9)
        XCTAssertEqual(d.cutoffs, SpamCutoffs(ham: 0.2, spam: 0.5))
        XCTAssertNil(d.examples)
        let rules = dir.appendingPathComponent("rules.tsv"), badRules = dir.appendingPathComponent("bad.tsv")
        try "mine\tsubject\tinpres\tdecide:dau\n".write(to: rules, atomically: true, encoding: .utf8)
        try "# comment\nbroken\tsubject\t(unclosed\tdecide:dau\n".write(to: badRules, atomically: true, encoding: .utf8)
        let c = try SurelConfig.parse(
            minimal + """

                [classify]
                rules = "\(rules.path)"
                review_threshold = 0.75
                spam_cutoff = 0.6
                ham_cutoff = 0.1
                """, environment: [:]
        ).classify
        XCTAssertEqual(c.rules.rules.map(\.name), ["mine"])
        XCTAssertEqual(c.reviewThreshold, 0.75)
        XCTAssertEqual(c.cutoffs, SpamCutoffs(ham: 0.1, spam: 0.6))
        let p = problems(
            minimal + """

                [classify]
                rules = "\(badRules.path)"
                review_threshold = 1.5
                examples = "/nonexistent"
                """)
        XCTAssertTrue(p.contains { $0.line == 7 && $0.message.contains("line 2") }, "\(p)")
        XCTAssertTrue(p.contains { $0.line == 8 && $0.message.contains("0 to 1") }, "\(p)")
        XCTAssertTrue(p.contains { $0.line == 9 && $0.message.contains("labels.tsv") }, "\(p)")
    }

    func testSMTPUnitsAndSupervisor() throws {
        let c = try SurelConfig.parse(
            minimal + """

                [smtp]
                url = "smtp://127.0.0.1:10025"
                tls = "none"
                from = "Contact Center DJPK <CallCenter.DJPK@kemenkeu.go.id>"
                reply_to = "Layanan DJPK <layanan.djpk@kemenkeu.go.id>"

                [outbox]
                retry = ["2m", "10m"]
                retry_every = "3h"
                give_up_after = "24h"

                [units.DTU]
                email = "dtu@kemenkeu.go.id"

                [supervisor]
                email = "spv@kemenkeu.go.id"
                """, environment: [:])
        XCTAssertEqual(c.smtp?.endpoint.displayURL, "smtp://127.0.0.1:10025")
        XCTAssertEqual(c.smtp?.endpoint.user, "", "no user: no SMTP AUTH")
        XCTAssertEqual(c.smtp?.from, MailAddress(name: "Contact Center DJPK", email: "callcenter.djpk@kemenkeu.go.id"))
        XCTAssertEqual(c.smtp?.messageIDDomain, "kemenkeu.go.id")
        XCTAssertEqual(c.smtp?.replyTo?.email, "layanan.djpk@kemenkeu.go.id")
        XCTAssertEqual(c.outbox.retry.delays, [120, 600])
        XCTAssertEqual(c.outbox.retry.thereafter, 3 * 3600)
        XCTAssertEqual(c.outbox.retry.giveUpAfter, 24 * 3600)
        XCTAssertEqual(c.units["DTU"]?.email, "dtu@kemenkeu.go.id")
        XCTAssertEqual(c.supervisor?.email, "spv@kemenkeu.go.id")
        XCTAssertNil(try SurelConfig.parse(minimal, environment: [:]).smtp, "no [smtp]: nothing is sent")

        let p = problems(
            minimal + """

                [smtp]
                url = "smtp://mail.kemenkeu.go.id"
                tls = "none"
                user = "cc"

                [units.DPD]
                mail = "x"
                """)
        XCTAssertTrue(p.contains { $0.line == 8 && $0.message.contains("loopback") }, "\(p)")
        XCTAssertTrue(p.contains { $0.message.contains("needs password") }, "AUTH without a password: \(p)")
        XCTAssertTrue(p.contains { $0.line == 6 && $0.message.contains("[smtp] from is required") }, "\(p)")
        XCTAssertTrue(p.contains { $0.line == 12 && $0.message.contains("unknown key \"mail\"") }, "\(p)")
    }

    func testResolvePathOrder() {
        XCTAssertEqual(SurelConfig.resolvePath("/a.toml", environment: ["SUREL_CONFIG": "/b.toml"]), "/a.toml")
        XCTAssertEqual(SurelConfig.resolvePath(nil, environment: ["SUREL_CONFIG": "/b.toml"]), "/b.toml")
        XCTAssertEqual(SurelConfig.resolvePath(nil, environment: [:]), "/etc/surel/surel.toml")
    }
}
