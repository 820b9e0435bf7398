// Issue 20, line 4: /metrics in the Prometheus text format with figures that match the store, only to the
// addresses `[web] metrics_allow` names, with nothing of a complaint in it; /healthz saying whether mail comes in.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelStore
@testable import SurelWeb

final class MetricsTests: XCTestCase {
    /// The value of one sample line (`name{labels} value`), nil when absent.
    static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    func testMetricsMatchTheStoreAndGoOnlyToTheMonitoringAddress() async throws {
        let console = try ConsoleRouteTests.makeConsole(for: self)
        let db = console.desk.database
        let now = Date()
        // Outgoing mail: one waiting for an hour, one failed; a blast with one sent and one failed recipient; the
        // daemon polled half a minute ago.
        for (i, status) in ["queued", "failed"].enumerated() {
            let item = try db.enqueue(
                OutgoingRecord(
                    ticketID: nil, purpose: .blastTest, messageID: "m\(i)@djpk.test", raw: Data("x".utf8),
                    subject: "s", text: "", fromName: nil, fromEmail: "callcenter@djpk.test",
                    recipients: ["a\(i)@djpk.test"], inReplyTo: [], references: []),
                at: now.addingTimeInterval(-3600))
            if status == "failed" { try db.markFailed(item.id!, error: "550 no") }
        }
        _ = try db.importMembers(
            [
                ListMember(email: "a@kedirikab.go.id", name: nil, fields: [:]),
                ListMember(email: "b@slemankab.go.id", name: nil, fields: [:]),
            ], into: "l")
        _ = try db.createBlast(list: "l", subject: "s", template: "t", html: nil, attachments: [], at: nil).id
        try await db.writer.write { d in
            try d.execute(sql: "UPDATE blastRecipient SET state = 'sent' WHERE email = 'a@kedirikab.go.id'")
            try d.execute(sql: "UPDATE blastRecipient SET state = 'failed' WHERE email = 'b@slemankab.go.id'")
        }
        // The first ticket (a DAU question) came a month ago: past its deadline; the complaint came today.
        try await db.writer.write { d in
            try d.execute(
                sql: "UPDATE ticket SET createdAt = ? WHERE id = (SELECT min(id) FROM ticket)",
                arguments: [now.addingTimeInterval(-30 * 86400)])
        }
        try db.recordPoll(at: now.addingTimeInterval(-30))

        try await Application(router: console.router()).test(.live) { client in
            let r = try await client.execute(uri: "/metrics", method: .get)
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(r.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: r.body)
            func value(_ series: String) -> Double? { Self.sample(text, series) }
            // Each figure as the store has it.
            let counts = try db.counts()
            XCTAssertEqual(value("surel_mail_ingested_total{kind=\"ticket\"}"), Double(counts["messages.ticket"] ?? 0))
            XCTAssertNil(value("surel_mail_ingested_total{kind=\"quarantined\"}"), "not a counter: a retry lowers it")
            XCTAssertEqual(value("surel_quarantined_messages"), 2)
            XCTAssertEqual(value("surel_tickets{status=\"new\"}"), 2)
            XCTAssertEqual(value("surel_tickets{status=\"closed\"}"), 0)
            XCTAssertEqual(value("surel_outbox{status=\"queued\"}"), 1)
            XCTAssertEqual(value("surel_outbox{status=\"failed\"}"), 1)
            let age = try XCTUnwrap(value("surel_outbox_oldest_queued_age_seconds"))
            XCTAssertTrue((3590...3700).contains(age), "\(age)")
            XCTAssertEqual(value("surel_blast_recipients{state=\"sent\"}"), 1)
            XCTAssertEqual(value("surel_blast_recipients{state=\"failed\"}"), 1)
            XCTAssertEqual(value("surel_sla_owed"), 2)
            XCTAssertEqual(value("surel_sla_breached"), 1)
            XCTAssertEqual(value("surel_review_queue"), 0)
            let poll = try XCTUnwrap(value("surel_last_poll_age_seconds"))
            XCTAssertTrue((29...40).contains(poll), "\(poll)")
            XCTAssertTrue(text.contains("surel_info{version=\"\(SurelVersion.number)\""), text)
            XCTAssertTrue(text.contains("# TYPE surel_tickets gauge"), text)
            for secret in ConsoleRouteTests.secrets { XCTAssertFalse(text.contains(secret), secret) }

            // Healthy while the daemon polls.
            var h = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(h.status, .ok)
            XCTAssertTrue(String(buffer: h.body).contains("daemon: ok"))
            try db.recordPoll(at: now.addingTimeInterval(-3600))
            h = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(h.status, .serviceUnavailable)
            XCTAssertTrue(String(buffer: h.body).contains("no successful poll for"), String(buffer: h.body))
        }

        // Through a reverse proxy on this machine: refused, though the connection comes from 127.0.0.1.
        try await Application(router: console.router()).test(.live) { client in
            for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP"] {
                let r = try await client.execute(
                    uri: "/metrics", method: .get, headers: [HTTPField.Name(header)!: "203.0.113.9"])
                XCTAssertEqual(r.status, .notFound, header)
            }
        }
        // An address matches however it is written: the IPv4-mapped spelling of this machine.
        let mapped = try ConsoleRouteTests.makeConsole(for: self, web: "[web]\nmetrics_allow = [\"::ffff:127.0.0.1\"]")
        try await Application(router: mapped.router()).test(.live) { client in
            let r = try await client.execute(uri: "/metrics", method: .get)
            XCTAssertEqual(r.status, .ok)
        }

        // Another address than the monitoring server's is not answered.
        let elsewhere = try ConsoleRouteTests.makeConsole(for: self, web: "[web]\nmetrics_allow = [\"10.20.30.40\"]")
        try await Application(router: elsewhere.router()).test(.live) { client in
            let r = try await client.execute(uri: "/metrics", method: .get)
            XCTAssertEqual(r.status, .notFound)
            let health = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertEqual(health.status, .serviceUnavailable, "this store's daemon never polled")
        }
    }

    func testAddressesCompareByValue() {
        XCTAssertEqual(IPAddress.canonical("::ffff:10.20.30.40"), "10.20.30.40")
        XCTAssertEqual(IPAddress.canonical("0:0::1"), "::1")
        XCTAssertEqual(IPAddress.canonical("2001:DB8::0:1"), "2001:db8::1")
        XCTAssertEqual(IPAddress.canonical("10.20.30.40"), "10.20.30.40")
        XCTAssertNil(IPAddress.canonical("10.20.30"))
        XCTAssertNil(IPAddress.canonical("monitor.djpk.go.id"))
        XCTAssertNil(IPAddress.canonical("-"))
    }
}
