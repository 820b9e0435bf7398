// `surel serve` speaking HTTPS itself ([web] tls_cert / tls_key): the certificate verifies against the test CA,
// cookies are marked Secure, and a half-given TLS configuration is refused with its line.
import Foundation
import XCTest

final class ConsoleTLSTests: XCTestCase {
    func curl(_ args: [String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "--silent", "--show-error", "--max-time", "10"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testTheConsoleServesHTTPSWithSecureCookies() throws {
        try TestEnv.requireServers()
        let dir = try TestEnv.scratch(self)
        let port = 22_000 + Int(getpid() % 2000)
        let config = try TestEnv.writeConfig(
            dir: dir, user: TestEnv.freshUser("web-tls"),
            extra: """

                [web]
                listen = "127.0.0.1:\(port)"
                tls_cert = "\(TestEnv.serversDir)/server.pem"
                tls_key = "\(TestEnv.serversDir)/server.key"
                """
        ).path
        let server = try TestEnv.startConsole(config: config, port: port)
        defer { server.terminate(); server.waitUntilExit() }

        let https = try curl([
            "--cacert", TestEnv.caFile, "-D", "-", "-o", "/dev/null", "https://localhost:\(port)/login",
        ])
        XCTAssertEqual(https.status, 0, https.out)
        XCTAssertTrue(https.out.hasPrefix("HTTP/1.1 200"), https.out)
        let cookie = try XCTUnwrap(
            https.out.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: surel_login=") })
        XCTAssertTrue(cookie.contains("Secure"), "cookies over HTTPS are Secure: \(cookie)")
        // Unverified (no CA given) is refused by the client; plain HTTP gets no page.
        XCTAssertNotEqual(try curl(["-o", "/dev/null", "https://localhost:\(port)/login"]).status, 0)
        let plain = try curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/login"])
        XCTAssertFalse(plain.status == 0 && plain.out == "200", "plain HTTP served a page: \(plain.out)")

        // Half a TLS configuration is named with its line.
        let half = try TestEnv.writeConfig(
            dir: dir, user: "x", extra: "\n[web]\ntls_cert = \"\(TestEnv.serversDir)/server.pem\"\n"
        ).path
        let check = try TestEnv.runSurel(["check-config", "--config", half])
        XCTAssertNotEqual(check.status, 0)
        XCTAssertTrue((check.out + check.err).contains(":14: tls_cert and tls_key go together"), check.out + check.err)
    }
}
