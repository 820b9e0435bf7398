// Shared by the integration tests: the loopback Dovecot started by scripts/test-mailservers, the shared corpora,
// a scratch directory per test, and the built `surel` binary.
import Foundation
import XCTest
import SurelEngine
import SurelMail
#if canImport(Glibc)
    import Glibc
#endif

enum TestEnv {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static let env = ProcessInfo.processInfo.environment
    static let password = env["SUREL_TEST_PASSWORD"] ?? "surel-test-pw"
    static let imapPort = Int(env["SUREL_TEST_IMAP_PORT"] ?? "") ?? 10143
    static let imapsPort = Int(env["SUREL_TEST_IMAPS_PORT"] ?? "") ?? 10993
    static let smtpPort = Int(env["SUREL_TEST_SMTP_PORT"] ?? "") ?? 10025
    static let smtpsPort = Int(env["SUREL_TEST_SMTPS_PORT"] ?? "") ?? 10465
    static let serversDir = env["SUREL_TEST_SERVERS_DIR"] ?? "/tmp/surel-test-servers"
    static var caFile: String { serversDir + "/ca.pem" }

    /// Skips unless the test servers run; under CI a missing server is a failure, not a skip.
    static func requireServers() throws {
        if !portOpen(imapPort) {
            let msg =
                "Dovecot is not running on 127.0.0.1:\(imapPort): run `scripts/test-mailservers start` (make test does)"
            if env["CI"] == "true" { XCTFail(msg) }
            throw XCTSkip(msg)
        }
    }

    /// requireServers, and Postfix too (the tests that send mail).
    static func requirePostfix() throws {
        try requireServers()
        if !portOpen(smtpPort) {
            let msg = "Postfix is not running on 127.0.0.1:\(smtpPort): run `scripts/test-mailservers start`"
            if env["CI"] == "true" { XCTFail(msg) }
            throw XCTSkip(msg)
        }
    }

    /// The loopback Postfix: plain SMTP, no AUTH.
    static var smtpEndpoint: SMTPEndpoint {
        SMTPEndpoint(
            scheme: "smtp", host: "127.0.0.1", port: smtpPort, user: "", password: "", security: .none, caFile: nil)
    }

    /// A Dovecot user's INBOX, read over IMAP and parsed.
    static func inbox(_ user: String) throws -> [ParsedMessage] {
        let source = CurlIMAPSource(endpoint: endpoint(user: user))
        let status = try source.status()
        return try source.uids(above: 0, uidValidity: status.uidValidity, uidNext: status.uidNext).compactMap {
            try source.fetch(uid: $0, uidValidity: status.uidValidity).flatMap { try? MIMEParser.parse($0) }
        }
    }

    /// The INBOX once `done` holds for it, or as last read when `poll` gives up (delivery is asynchronous; an
    /// unreadable mailbox counts as empty meanwhile).
    static func waitForInbox(_ user: String, until done: ([ParsedMessage]) -> Bool) -> [ParsedMessage] {
        poll({ (try? inbox(user)) ?? [] }, until: done)
    }

    static func requireCorpus(_ name: String) throws -> URL {
        let dir = corpus.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: dir.path) else {
            throw XCTSkip("shared corpus \(dir.path) is absent: skipping")
        }
        return dir
    }

    /// `surel serve` on `config`, once it listens on `port`; its output goes to `log` (else nowhere). The caller
    /// terminates it (a defer).
    static func startConsole(config: String, port: Int, log: URL? = nil) throws -> Process {
        let server = Process()
        server.executableURL = surelBinary
        server.arguments = ["serve", "--config", config]
        if let log {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            server.standardOutput = try FileHandle(forWritingTo: log)
            server.standardError = server.standardOutput
        } else {
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
        }
        try server.run()
        XCTAssertTrue(poll({ portOpen(port) }, until: { $0 }), "the console listens on \(port)")
        return server
    }

    static func portOpen(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A user name nobody else uses: its own mailbox.
    static func freshUser(_ prefix: String) -> String {
        "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func endpoint(user: String, folder: String = "INBOX") -> IMAPEndpoint {
        IMAPEndpoint(
            scheme: "imap", host: "127.0.0.1", port: imapPort, folder: folder, user: user,
            password: password, security: .none, caFile: nil)
    }

    /// A scratch directory removed at the end of the test.
    static func scratch(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("surel-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A config file for `user`'s mailbox with the store in `dir`.
    @discardableResult
    static func writeConfig(dir: URL, user: String, extra: String = "", afterStore: String = "flag") throws -> URL {
        let url = dir.appendingPathComponent("surel.toml")
        try """
        [mailbox]
        url = "imap://127.0.0.1:\(imapPort)/INBOX"
        user = "\(user)"
        password = "\(password)"
        tls = "none"
        after_store = "\(afterStore)"
        poll_interval = "1s"

        [store]
        path = "\(dir.path)/store/surel.sqlite"
        attachments = "\(dir.path)/store/attachments"
        \(extra)
        """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Writes messages straight into the user's Maildir (seconds for thousands; APPEND takes minutes).
    /// Dovecot assigns UIDs in file-name order at the next SELECT.
    static func fillMaildir(user: String, messages: [Data]) throws {
        let base = "\(serversDir)/mail/\(user)/Maildir"
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(atPath: "\(base)/\(sub)", withIntermediateDirectories: true)
        }
        let stamp = Int(Date().timeIntervalSince1970)
        // A number that grows across calls: two calls in one second must not write the same file name.
        let first = MaildirNames.take(messages.count)
        for (i, data) in messages.enumerated() {
            let name = "\(base)/new/\(stamp).M\(String(format: "%09d", first + i))P\(getpid()).surel-test"
            try data.write(to: URL(fileURLWithPath: name))
        }
        try chownTree("\(serversDir)/mail/\(user)", to: "vmail")
    }

    static func chownTree(_ path: String, to userName: String) throws {
        guard let pw = getpwnam(userName) else { return }
        let uid = pw.pointee.pw_uid, gid = pw.pointee.pw_gid
        chown(path, uid, gid)
        if let e = FileManager.default.enumerator(atPath: path) {
            for case let rel as String in e { chown(path + "/" + rel, uid, gid) }
        }
    }

    /// The sorted `.eml` files of a corpus folder, and the files of mbox-style corpora.
    static func files(in dir: URL, suffix: String? = nil) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { suffix == nil || $0.lastPathComponent.hasSuffix(suffix!) }
            .filter {
                !$0.lastPathComponent.hasPrefix(".") && $0.lastPathComponent != "README.md"
                    && $0.lastPathComponent != "labels.tsv" && $0.lastPathComponent != "cmds"
            }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The `surel` executable built next to the test bundle.
    static var surelBinary: URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates =
            [
                dir.appendingPathComponent("surel"),
                dir.deletingLastPathComponent().appendingPathComponent("surel"),
            ]
            + (Bundle.main.executableURL.map { [$0.deletingLastPathComponent().appendingPathComponent("surel")] } ?? [])
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs `surel` with arguments; returns exit status and stdout.
    @discardableResult
    /// Runs a program to its end: its status and what it printed.
    static func run(_ path: String, _ args: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, out: String, err: String
    ) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, n in n }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func runSurel(_ args: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, out: String, err: String
    ) {
        try run(surelBinary.path, args, environment: environment)
    }

    /// Skips (fails under CI=true) when headless Chromium or its driver is missing.
    static func requireBrowser() throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.fileExists(atPath: tool) {
            let msg = "\(tool) missing: scripts/setup-system installs it"
            if env["CI"] == "true" { XCTFail(msg) }
            throw XCTSkip(msg)
        }
    }

    /// The scripts of Tests/Browser (selenium driving headless Chromium, and the console's load clients).
    static let browserScripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Browser")

    /// A script of Tests/Browser, run to its end.
    static func browserScript(_ name: String, _ args: [String]) throws -> (status: Int32, err: String) {
        let r = try run("/usr/bin/env", ["python3", browserScripts.appendingPathComponent(name).path] + args)
        return (r.status, r.err)
    }

    /// The `[smtp]` section for the loopback Postfix (plain SMTP, no AUTH), sending as `from`.
    static func smtpSection(from: String = "callcenter.djpk@kemenkeu.go.id") -> String {
        """
        [smtp]
        url = "smtp://127.0.0.1:\(smtpPort)"
        tls = "none"
        from = "Contact Center DJPK <\(from)>"
        """
    }

    /// Calls `read` until `done` holds for its result or `timeout` passes (mail delivery is asynchronous);
    /// returns the last result.
    static func poll<T>(timeout: TimeInterval = 20, _ read: () -> T, until done: (T) -> Bool) -> T {
        let deadline = Date().addingTimeInterval(timeout)
        var last = read()
        while !done(last) && Date() < deadline {
            usleep(200_000)
            last = read()
        }
        return last
    }

    /// Runs scripts/test-mailservers with a command (start, stop).
    /// Not with Foundation's Process: on Linux it learns that a child exited when a socket it hands the child is
    /// closed, and the Dovecot that `start` daemonises inherits that socket, so waitUntilExit() never returned
    /// (swift-corelibs-foundation#4795). posix_spawn + waitpid instead, through a shell that closes every
    /// descriptor above 2 first, so the servers hold none of this process's descriptors either.
    static func mailservers(_ command: String, _ which: String? = nil) throws {
        let script = packageRoot.appendingPathComponent("scripts/test-mailservers").path
        let closeAndExec =
            #"for f in /proc/$$/fd/*; do f=${f##*/}; if [ "$f" -gt 2 ]; then eval "exec $f>&-"; fi; done; exec "$0" "$@""#
        let args = ["/bin/bash", "-c", closeAndExec, script, command] + (which.map { [$0] } ?? [])
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ)
        guard rc == 0 else { throw NSError(domain: "posix_spawn test-mailservers \(command)", code: Int(rc)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        if !exited || code != 0 {
            throw NSError(
                domain: "test-mailservers \(command) failed", code: Int(exited ? code : 128 + (status & 0x7f)))
        }
    }
}

/// labels.tsv of the djpk corpus.
struct CorpusLabel {
    var file: String
    var kind: String
    var category: String
    var thread: String
    var senderClass: String

    static func load(_ dir: URL) throws -> [CorpusLabel] {
        let text = try String(contentsOf: dir.appendingPathComponent("labels.tsv"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return CorpusLabel(file: c[0], kind: c[1], category: c[2], thread: c[3], senderClass: c[4])
        }
    }
}

/// Message-ID of a raw message, without brackets (header scan; enough for test bookkeeping).
func rawMessageID(_ data: Data) -> String? {
    let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self)
    var inHeader = true
    // Split on Character.isNewline: "\r\n" is one Character, which components(separatedBy: "\n") does not split.
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        .makeIterator()
    while inHeader, let line = lines.next() {
        if line.trimmingCharacters(in: .whitespaces).isEmpty { inHeader = false; break }
        if line.lowercased().hasPrefix("message-id:") {
            var v = String(line.dropFirst(11)).trimmingCharacters(in: .whitespacesAndNewlines)
            if v.isEmpty, let next = lines.next() { v = next.trimmingCharacters(in: .whitespacesAndNewlines) }
            return v.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        }
    }
    return nil
}

/// Numbers for Maildir file names, unique within the test process.
enum MaildirNames {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var next = 0

    static func take(_ count: Int) -> Int {
        lock.withLock {
            defer { next += count }
            return next
        }
    }
}
