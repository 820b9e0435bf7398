// The CLI as agents and external checks use it: `surel run --once`, then the JSON of tickets and messages.
import Foundation
import XCTest

final class CLITests: XCTestCase {
    /// `surel --version`: the release and the commit of the checkout it was built from (marked when the tree had
    /// uncommitted changes).
    func testVersionNamesTheReleaseAndTheCommit() throws {
        let r = try TestEnv.runSurel(["--version"])
        XCTAssertEqual(r.status, 0)
        let line = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(line.hasPrefix("1.0.0 (commit "), line)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let git = try TestEnv.run("/usr/bin/git", ["-C", root.path, "rev-parse", "--short=12", "HEAD"])
        guard git.status == 0 else { throw XCTSkip("not a git checkout: the commit is \"unknown\"") }
        let head = git.out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(
            line == "1.0.0 (commit \(head))" || line == "1.0.0 (commit \(head)-modified)",
            "\(line) does not name HEAD \(head) (an incremental build after a commit of no source: SwiftPM did not "
                + "plan the build, so Plugins/BuildCommit did not run; `touch Package.swift` and build again)")
    }

    /// The manual page (deploy/surel.1, installed by the package) names the release and every subcommand
    /// `surel --help` lists, so `man surel` does not fall behind the binary.
    func testManualPageNamesEverySubcommand() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("deploy/surel.1"), encoding: .utf8)
        XCTAssertTrue(page.contains("\"surel 1.0.0\""), "the .TH line names another release")
        let help = try TestEnv.runSurel(["--help"]).out
        // "  name   What it does." lines under SUBCOMMANDS (not the wrapped lines, not "  See 'surel help ...'").
        let commands = help.components(separatedBy: "SUBCOMMANDS:").last!.split(separator: "\n").compactMap {
            line -> String? in
            let words = line.split(separator: " ", maxSplits: 1)
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = words.first,
                name.allSatisfy({ $0.isLowercase || $0 == "-" })
            else { return nil }
            return String(name)
        }
        XCTAssertGreaterThanOrEqual(commands.count, 20, help)
        let named = Set(
            page.split(separator: "\n").filter { $0.hasPrefix(".B") }.compactMap {
                $0.split(separator: " ").dropFirst().first?.replacingOccurrences(of: "\\-", with: "-")
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            })
        for command in commands where command != "help" {
            XCTAssertTrue(named.contains(command), "deploy/surel.1 does not name `surel \(command)`")
        }
    }

    func mail(_ headers: String, _ body: String) -> Data {
        Data((headers.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }

    func testRunOnceThenListAndShowAsJSON() throws {
        try TestEnv.requireServers()
        let dir = try TestEnv.scratch(self)
        let user = TestEnv.freshUser("cli")
        let config = try TestEnv.writeConfig(dir: dir, user: user).path
        try TestEnv.fillMaildir(
            user: user,
            messages: [
                mail(
                    "From: Budi <budi@kedirikab.go.id>\nTo: callcenter.djpk@kemenkeu.go.id\nSubject: Penyaluran DAU\nMessage-ID: <q1@kedirikab.go.id>\nDate: Mon, 03 Feb 2025 09:00:00 +0700",
                    "Mohon info penyaluran DAU."),
                mail(
                    "From: Budi <budi@kedirikab.go.id>\nTo: callcenter.djpk@kemenkeu.go.id\nSubject: Re: Penyaluran DAU\nMessage-ID: <q2@kedirikab.go.id>\nIn-Reply-To: <q1@kedirikab.go.id>\nDate: Mon, 03 Feb 2025 10:00:00 +0700",
                    "Tambahan pertanyaan."),
                // q1 again, as a second relay delivers it: one more Received line, the same mail.
                mail(
                    "Received: from relay2.kemenkeu.go.id by mx; Mon, 03 Feb 2025 09:01:00 +0700\nFrom: Budi <budi@kedirikab.go.id>\nTo: callcenter.djpk@kemenkeu.go.id\nSubject: Penyaluran DAU\nMessage-ID: <q1@kedirikab.go.id>\nDate: Mon, 03 Feb 2025 09:00:00 +0700",
                    "Mohon info penyaluran DAU."),
                mail(
                    "From: Ani <ani@ugm.ac.id>\nTo: callcenter.djpk@kemenkeu.go.id\nSubject: Automatic reply: Undangan\nMessage-ID: <ar1@ugm.ac.id>\nAuto-Submitted: auto-replied",
                    "Saya sedang cuti."),
            ])
        let run = try TestEnv.runSurel(["run", "--once", "--config", config])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("msg=\"cycle done\""), run.out)
        let version = try TestEnv.runSurel(["--version"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(run.out.contains("msg=\"surel started\"") && run.out.contains("version=\"\(version)\""), run.out)
        XCTAssertTrue(run.out.contains("duplicates=1"), run.out)

        let list = try TestEnv.runSurel(["tickets", "list", "--json", "--config", config])
        XCTAssertEqual(list.status, 0, list.err)
        let tickets = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(tickets.count, 1)
        let t = tickets[0]
        for key in [
            "number", "status", "category", "sender_email", "sender_class", "subject", "created_at", "message_ids",
        ] {
            XCTAssertNotNil(t[key], "tickets list --json lacks \(key)")
        }
        XCTAssertEqual(t["message_ids"] as? [String], ["q1@kedirikab.go.id", "q2@kedirikab.go.id"])
        XCTAssertEqual(t["sender_class"] as? String, "pemda")
        XCTAssertEqual(t["status"] as? String, "new")
        XCTAssertEqual(t["category"] as? String, "dau", "classified as it was stored")
        XCTAssertNotNil(ISO8601DateFormatter().date(from: try XCTUnwrap(t["created_at"] as? String)))

        let number = try XCTUnwrap(t["number"] as? String)
        let show = try TestEnv.runSurel(["tickets", "show", number, "--config", config])
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.out.contains("Tambahan pertanyaan."), show.out)
        XCTAssertTrue(show.out.contains("Kabupaten Kediri"), show.out)

        let filtered = try TestEnv.runSurel(["tickets", "list", "--status", "closed", "--json", "--config", config])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(filtered.out.utf8)) as? [Any])?.count, 0)

        let ar = try TestEnv.runSurel(["messages", "list", "--kind", "autoreply", "--json", "--config", config])
        let autoreplies = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ar.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(autoreplies.map { $0["message_id"] as? String }, ["ar1@ugm.ac.id"])

        let dupes = try TestEnv.runSurel(["messages", "duplicates", "--json", "--config", config])
        XCTAssertEqual(dupes.status, 0, dupes.err)
        let copies = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dupes.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(copies.map { $0["ticket"] as? String }, [number])
        XCTAssertEqual(copies.first?["same_bytes"] as? Bool, false)

        let bad = try TestEnv.runSurel(["tickets", "show", "bukan-nomor", "--config", config])
        XCTAssertNotEqual(bad.status, 0)
    }
}
