// The console's routes through Hummingbird's router test client: login (and its throttling), sessions, CSRF,
// security headers, roles, escaping of what came from mail, and complaints hidden from those not named for them.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelStore
@testable import SurelWeb

final class ConsoleRouteTests: XCTestCase {
    static let secrets = [
        "Pungli-Rahasia-Subjek", "pelapor.rahasia@gmail.com", "Isi-Aduan-Rahasia", "Pelapor Rahasia", "Bukti-Rahasia",
    ]

    /// A store with users andi (agent), sri (supervisor, confidential reader), bella (blast), a question whose
    /// sender, subject and body try to run script, and a complaint.
    func makeConsole() throws -> Console { try Self.makeConsole(for: self) }

    static func makeConsole(for test: XCTestCase, web: String = "") throws -> Console {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("surel-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let configFile = dir.appendingPathComponent("surel.toml")
        try """
        [mailbox]
        url = "imap://127.0.0.1:1/INBOX"
        user = "x"
        password = "y"
        tls = "none"

        [store]
        path = "\(dir.path)/surel.sqlite"
        attachments = "\(dir.path)/attachments"

        [smtp]
        url = "smtp://127.0.0.1:1"
        tls = "none"
        from = "callcenter.djpk@kemenkeu.go.id"

        [units.DTU]
        email = "dtu@kemenkeu.go.id"
        name = "Direktorat Dana Transfer Umum"
        \(web)
        """.write(to: configFile, atomically: true, encoding: .utf8)
        let config = try SurelConfig.load(path: configFile.path, needsMailbox: false)
        let db = try SurelDatabase(path: config.store.path)
        let accounts = Accounts(database: db)
        _ = try accounts.add(name: "andi", role: .agent, confidential: false, password: "kata-sandi-andi")
        _ = try accounts.add(name: "sri", role: .supervisor, confidential: true, password: "kata-sandi-sri-1")
        _ = try accounts.add(name: "bella", role: .blast, confidential: false, password: "kata-sandi-bella")
        let now = Date()
        let files = try AttachmentDirectory(path: config.store.attachments)
        func store(
            _ id: String, from: String, name: String, subject: String, text: String, category: String,
            attachment: (name: String, data: Data)? = nil
        ) throws {
            let refs = try attachment.map {
                [
                    AttachmentRef(
                        filename: $0.name, contentType: "text/html", size: $0.data.count,
                        sha256: try files.save($0.data),
                        isInline: false)
                ]
            }
            let m = IncomingMessage(
                kind: .ticket, messageID: id, rawSHA256: "sha-\(id)", raw: Data(id.utf8), mailbox: nil,
                uidValidity: nil, uid: nil, subject: subject, fromName: name, fromEmail: from,
                sentAt: now, receivedAt: now, threadTime: now, text: text, html: nil, inReplyTo: [],
                references: [], note: nil, bounce: nil, isBulk: false, attachments: refs ?? [])
            let intent = TicketIntent(
                ticketNumberInSubject: nil, referencedMessageIDs: [], normalizedSubject: subject.lowercased(),
                senderEmail: from, senderProfile: SenderDirectory.profile(forEmail: from), receivedAt: now,
                threadTime: now, subjectWindow: 86400, reopenWindow: 7 * 86400, year: 2025,
                confidentialCategories: ["pengaduan"],
                classify: { Classification(category: category, confidence: 0.97, explanation: "uji") })
            try db.storeIncoming(m, ticket: intent, cursor: nil)
        }
        try store(
            "q1@kedirikab.go.id", from: "bpkad@kedirikab.go.id", name: "<img src=x onerror=alert(1)>",
            subject: "<script>alert('subjek')</script> Jadwal DAU",
            text: "Mohon info <script>alert('isi')</script> <a href=\"javascript:alert(2)\">klik</a>", category: "dau",
            attachment: ("../../etc/\"passwd<script>.html", Data("<script>alert('lampiran')</script>".utf8)))
        try store(
            "p1@gmail.com", from: "pelapor.rahasia@gmail.com", name: "Pelapor Rahasia",
            subject: "Pungli-Rahasia-Subjek", text: "Isi-Aduan-Rahasia", category: "pengaduan",
            attachment: ("Bukti-Rahasia.pdf", Data("%PDF-1.4 Bukti-Rahasia".utf8)))
        // A mail the parser refused, from the complainant (hidden from those not named) and from someone else.
        for (id, from) in [("q-ops@x", "rusak@kedirikab.go.id"), ("q-secret@x", "pelapor.rahasia@gmail.com")] {
            let q = IncomingMessage(
                kind: .quarantined, messageID: id, rawSHA256: "sha-\(id)", raw: Data("RAW-\(id)".utf8), mailbox: nil,
                uidValidity: nil, uid: nil, subject: "Rusak", fromName: nil, fromEmail: from, sentAt: now,
                receivedAt: now, threadTime: now, text: "", html: nil, inReplyTo: [], references: [],
                note: "header tidak dapat dibaca", bounce: nil, isBulk: false, attachments: [])
            try db.storeIncoming(q, ticket: nil, cursor: nil)
        }
        return try Console(config: config, database: db)
    }

    func app(_ console: Console) -> some ApplicationProtocol {
        Application(router: console.router())
    }

    /// Logs in through the form; returns the session cookie ("surel_session=...") and the page's CSRF token.
    func login(_ client: some TestClientProtocol, _ name: String, _ password: String) async throws -> (
        cookie: String, csrf: String
    ) {
        let form = try await client.execute(uri: "/login", method: .get)
        let token = try XCTUnwrap(Self.field("login_token", in: String(buffer: form.body)))
        let loginCookie = try XCTUnwrap(Self.cookies(form).first { $0.hasPrefix("surel_login=") })
        let r = try await client.execute(
            uri: "/login", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: loginCookie],
            body: ByteBuffer(string: "login_token=\(token)&username=\(name)&password=\(password)&next=%2Ftickets"))
        XCTAssertEqual(r.status, .seeOther, String(buffer: r.body))
        XCTAssertEqual(r.headers[.location], "/tickets")
        let set = try XCTUnwrap(Self.cookies(r).first { $0.hasPrefix("surel_session=") })
        XCTAssertTrue(set.contains("HttpOnly"), set)
        XCTAssertTrue(set.contains("SameSite=Strict"), set)
        let cookie = String(set.split(separator: ";")[0])
        var home = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
        if home.status == .seeOther, let next = home.headers[.location] {  // blast staff land on their blasts
            home = try await client.execute(uri: next, method: .get, headers: [.cookie: cookie])
        }
        let csrf = try XCTUnwrap(Self.field("csrf", in: String(buffer: home.body)))
        return (cookie, csrf)
    }

    static func cookies(_ r: TestResponse) -> [String] { r.headers[values: .setCookie] }

    /// The value of the first hidden input named `name`.
    static func field(_ name: String, in html: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    func testAnonymousVisitorsAreSentToTheLoginPageAndHeadersAreSet() async throws {
        let console = try makeConsole()
        try await app(console).test(.router) { client in
            for path in ["/", "/tickets", "/review", "/tickets/2025-000001"] {
                let r = try await client.execute(uri: path, method: .get)
                XCTAssertEqual(r.status, .seeOther, path)
                XCTAssertTrue(r.headers[.location]?.hasPrefix("/login?next=") == true, path)
            }
            for path in ["/login", "/nope", "/"] {
                let r = try await client.execute(uri: path, method: .get)
                let csp = try XCTUnwrap(r.headers[.contentSecurityPolicy], path)
                XCTAssertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), csp)
                XCTAssertFalse(csp.contains("unsafe-inline"))
                XCTAssertEqual(r.headers[.xContentTypeOptions], "nosniff")
                XCTAssertEqual(r.headers[HTTPField.Name("Referrer-Policy")!], "same-origin")
            }
            let post = try await client.execute(
                uri: "/logout", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"])
            XCTAssertEqual(post.status, .unauthorized)
        }
    }

    func testLoginFailuresAnswerAlikeAndLockAfterFive() async throws {
        let console = try makeConsole()
        try await app(console).test(.router) { client in
            let form = try await client.execute(uri: "/login", method: .get)
            let token = try XCTUnwrap(Self.field("login_token", in: String(buffer: form.body)))
            let cookie = try XCTUnwrap(Self.cookies(form).first { $0.hasPrefix("surel_login=") })
            func attempt(_ name: String, _ password: String, token: String? = nil) async throws -> TestResponse {
                try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: ByteBuffer(string: "login_token=\(token ?? "")&username=\(name)&password=\(password)"))
            }
            let noToken = try await attempt("andi", "kata-sandi-andi", token: "0000")
            XCTAssertEqual(noToken.status, .forbidden, "a login form without its token is refused")
            let unknown = try await attempt("nobody", "salah-sekali", token: token)
            let wrong = try await attempt("andi", "salah-sekali", token: token)
            XCTAssertEqual(unknown.status, .unauthorized)
            XCTAssertEqual(wrong.status, .unauthorized)
            XCTAssertTrue(String(buffer: wrong.body).contains("Nama pengguna atau kata sandi salah."))
            XCTAssertTrue(String(buffer: unknown.body).contains("Nama pengguna atau kata sandi salah."))
            for _ in 0..<4 { _ = try await attempt("andi", "salah-lagi", token: token) }
            let locked = try await attempt("andi", "kata-sandi-andi", token: token)
            XCTAssertEqual(locked.status, .tooManyRequests, "five failures in a row lock the account")
            XCTAssertFalse(Self.cookies(locked).contains { $0.hasPrefix("surel_session=") })
        }
    }

    func testSessionsCSRFAndLogout() async throws {
        let console = try makeConsole()
        try await app(console).test(.router) { client in
            let andi = try await login(client, "andi", "kata-sandi-andi")
            let sri = try await login(client, "sri", "kata-sandi-sri-1")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: andi.cookie]
            let none = try await client.execute(uri: "/logout", method: .post, headers: form)
            XCTAssertEqual(none.status, .forbidden, "a POST without the token is refused")
            let foreign = try await client.execute(
                uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(sri.csrf)"))
            XCTAssertEqual(foreign.status, .forbidden, "another session's token is refused")
            let alive = try await client.execute(uri: "/tickets", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(alive.status, .ok, "the session is still alive")
            let out = try await client.execute(
                uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(andi.csrf)"))
            XCTAssertEqual(out.status, .seeOther)
            let after = try await client.execute(uri: "/tickets", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(after.status, .seeOther, "logout ended the session")
            // A forged cookie is nobody.
            let forged = try await client.execute(
                uri: "/tickets", method: .get, headers: [.cookie: "surel_session=" + String(repeating: "a", count: 64)])
            XCTAssertEqual(forged.status, .seeOther)
        }
    }

    func testPagesEscapeMailAndHideComplaintsFromThoseNotNamed() async throws {
        let console = try makeConsole()
        try await app(console).test(.router) { client in
            let andi = try await login(client, "andi", "kata-sandi-andi")
            var seen = ""
            for path in ["/", "/tickets", "/review", "/tickets?category=pengaduan", "/tickets/2025-000001"] {
                let r = try await client.execute(uri: path, method: .get, headers: [.cookie: andi.cookie])
                XCTAssertEqual(r.status, .ok, path)
                seen += String(buffer: r.body)
            }
            for s in Self.secrets { XCTAssertFalse(seen.contains(s), "andi sees \(s)") }
            XCTAssertTrue(seen.contains("(rahasia)"), "the complaint is listed as existing")
            XCTAssertFalse(seen.contains("<script>alert"), "a script from mail is not live")
            XCTAssertFalse(seen.contains("<img src=x"))
            XCTAssertFalse(seen.contains("href=\"javascript:"))
            XCTAssertTrue(seen.contains("&lt;script&gt;alert"), "it is shown as text")
            XCTAssertFalse(seen.contains("Ditahan</a>"), "no held queue link for andi")
            XCTAssertTrue(seen.contains("Daemon belum pernah memeriksa kotak surat"), "the daemon's health")
            let complaint = try await client.execute(
                uri: "/tickets/2025-000002", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(complaint.status, .forbidden)
            for s in Self.secrets { XCTAssertFalse(String(buffer: complaint.body).contains(s)) }
            // Searching a complaint's words finds nothing for andi: a redacted hit would tell what it says.
            let search = try await client.execute(
                uri: "/tickets?q=Isi-Aduan-Rahasia", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(String(buffer: search.body).contains("Tidak ada tiket."))
            XCTAssertFalse(String(buffer: search.body).contains("2025-000002"))
            let searchDAU = try await client.execute(
                uri: "/tickets?q=Jadwal+DAU", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(String(buffer: searchDAU.body).contains("2025-000001"))
            let heldForAndi = try await client.execute(
                uri: "/review/held", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(heldForAndi.status, .forbidden)

            let sri = try await login(client, "sri", "kata-sandi-sri-1")
            let page = try await client.execute(
                uri: "/tickets/2025-000002", method: .get, headers: [.cookie: sri.cookie])
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(String(buffer: page.body).contains("Isi-Aduan-Rahasia"), "the reader sees it")
            let found = try await client.execute(
                uri: "/tickets?q=Isi-Aduan-Rahasia", method: .get, headers: [.cookie: sri.cookie])
            XCTAssertTrue(String(buffer: found.body).contains("2025-000002"), "the reader finds it")
            let held = try await client.execute(uri: "/review/held", method: .get, headers: [.cookie: sri.cookie])
            XCTAssertTrue(String(buffer: held.body).contains("Pungli-Rahasia-Subjek"), "and finds it held")

            // Blast staff do not work tickets.
            let bella = try await login(client, "bella", "kata-sandi-bella")
            for path in ["/tickets", "/review", "/tickets/2025-000001"] {
                let r = try await client.execute(uri: path, method: .get, headers: [.cookie: bella.cookie])
                XCTAssertEqual(r.status, .forbidden, path)
            }
        }
    }

    /// Answer, a stale answer, category change, escalation and closing from a ticket's page: each recorded under the
    /// logged-in user; an answer written on a version that changed meanwhile is not sent and keeps its text.
    func testActionsFromTheTicketPage() async throws {
        let console = try makeConsole()
        let db = console.desk.database
        let number = TicketNumber(year: 2025, sequence: 1)
        try await app(console).test(.router) { client in
            let andi = try await login(client, "andi", "kata-sandi-andi")
            let page = try await client.execute(
                uri: "/tickets/\(number)", method: .get, headers: [.cookie: andi.cookie])
            let html = String(buffer: page.body)
            XCTAssertTrue(html.contains("Batas jawab"), "the answer deadline is on the page")
            let version = try XCTUnwrap(Self.field("version", in: html))
            let csrf = try XCTUnwrap(Self.field("csrf", in: html))
            func post(_ action: String, _ body: String, cookie: String = andi.cookie) async throws -> TestResponse {
                try await client.execute(
                    uri: "/tickets/\(number)/\(action)", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: ByteBuffer(string: body))
            }
            let noToken = try await post("answer", "version=\(version)&body=Jawaban")
            XCTAssertEqual(noToken.status, .forbidden)
            let answered = try await post(
                "answer", "csrf=\(csrf)&version=\(version)&body=Jadwal+penyaluran+DAU+Maret+adalah+minggu+ketiga.")
            XCTAssertEqual(answered.status, .seeOther, String(buffer: answered.body))
            XCTAssertEqual(answered.headers[.location], "/tickets/\(number)?done=answer")
            let t = try XCTUnwrap(try db.ticket(number: number))
            XCTAssertEqual(t.status, .answered)
            let events = try XCTUnwrap(try db.ticketDetail(number: number)).events
            XCTAssertEqual(events.last?.actor, "andi", "recorded under the logged-in user")
            XCTAssertEqual(try db.outbox().filter { $0.purpose == .answer }.count, 1)

            // A colleague's page, opened before that answer, answers again: refused, its text kept.
            let stale = try await post("answer", "csrf=\(csrf)&version=\(version)&body=Jawaban+kedua+yang+basi")
            XCTAssertEqual(stale.status, .conflict)
            let staleHTML = String(buffer: stale.body)
            XCTAssertTrue(staleHTML.contains("berubah sejak Anda membukanya"), staleHTML)
            XCTAssertTrue(staleHTML.contains("Jawaban kedua yang basi"), "the typed answer is kept")
            XCTAssertEqual(try db.outbox().filter { $0.purpose == .answer }.count, 1, "nothing sent blind")

            let changed = try await post("category", "csrf=\(csrf)&category=dbh")
            XCTAssertEqual(changed.status, .seeOther)
            XCTAssertEqual(try db.ticket(number: number)?.category, "dbh")
            XCTAssertEqual(try db.reviews(ticketID: t.id!).last?.reviewer, "andi")

            let fresh = try XCTUnwrap(try db.ticketVersion(number))
            let escalated = try await post("escalate", "csrf=\(csrf)&version=\(fresh)&unit=DTU&note=Mohon+dibantu")
            XCTAssertEqual(escalated.status, .seeOther, String(buffer: escalated.body))
            XCTAssertEqual(try db.ticket(number: number)?.escalatedTo, "DTU")

            let preview = try await client.execute(
                uri: "/tickets/\(number)/close", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(String(buffer: preview.body).contains("BAK-\(number)"), "the BAK is shown before closing")
            let closeVersion = try XCTUnwrap(Self.field("version", in: String(buffer: preview.body)))
            let closed = try await post("close", "csrf=\(csrf)&version=\(closeVersion)")
            XCTAssertEqual(closed.status, .seeOther, String(buffer: closed.body))
            XCTAssertEqual(try db.ticket(number: number)?.status, .closed)
            XCTAssertEqual(try db.outbox().filter { $0.purpose == .bak }.count, 1)

            // The held complaint: only a reader decides.
            let complaint = TicketNumber(year: 2025, sequence: 2)
            let refused = try await client.execute(
                uri: "/tickets/\(complaint)/confirm", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: andi.cookie],
                body: ByteBuffer(string: "csrf=\(csrf)"))
            XCTAssertEqual(refused.status, .forbidden)
            let sri = try await login(client, "sri", "kata-sandi-sri-1")
            let confirmed = try await client.execute(
                uri: "/tickets/\(complaint)/confirm", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: sri.cookie],
                body: ByteBuffer(string: "csrf=\(sri.csrf)"))
            XCTAssertEqual(confirmed.status, .seeOther)
            let c = try XCTUnwrap(try db.ticket(number: complaint))
            XCTAssertFalse(c.held)
            XCTAssertTrue(c.confidential)
            XCTAssertEqual(try db.ticketDetail(number: complaint)?.events.last?.actor, "sri")
        }
    }

    /// Attachments download as opaque bytes under a harmless name, only for those who may read the ticket.
    func testAttachmentsDownloadOnlyForReadersAndNeverRender() async throws {
        let console = try makeConsole()
        let db = console.desk.database
        let ids = try await db.writer.read { try Int64.fetchAll($0, sql: "SELECT id FROM attachment ORDER BY id") }
        XCTAssertEqual(ids.count, 2)
        try await app(console).test(.router) { client in
            let andi = try await login(client, "andi", "kata-sandi-andi")
            let r = try await client.execute(
                uri: "/tickets/2025-000001/attachments/\(ids[0])", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "application/octet-stream")
            let disposition = try XCTUnwrap(r.headers[.contentDisposition])
            XCTAssertTrue(disposition.hasPrefix("attachment; filename=\""), disposition)
            XCTAssertFalse(disposition.contains("/") || disposition.contains("<"), disposition)
            XCTAssertEqual(String(buffer: r.body), "<script>alert('lampiran')</script>", "the bytes as sent")
            // Another ticket's attachment through this ticket's address, and the complaint's: refused.
            let wrongTicket = try await client.execute(
                uri: "/tickets/2025-000001/attachments/\(ids[1])", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(wrongTicket.status, .notFound)
            let complaint = try await client.execute(
                uri: "/tickets/2025-000002/attachments/\(ids[1])", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(complaint.status, .forbidden)
            XCTAssertFalse(String(buffer: complaint.body).contains("Bukti-Rahasia"))
            let sri = try await login(client, "sri", "kata-sandi-sri-1")
            let forSri = try await client.execute(
                uri: "/tickets/2025-000002/attachments/\(ids[1])", method: .get, headers: [.cookie: sri.cookie])
            XCTAssertEqual(forSri.status, .ok)
        }
        XCTAssertEqual(TicketPages.safeFilename("../../etc/\"passwd<script>.html"), "passwdscript.html")
        XCTAssertEqual(TicketPages.safeFilename(nil), "lampiran")
        XCTAssertEqual(TicketPages.safeFilename("a\r\nSet-Cookie: x.pdf"), "aSet-Cookie x.pdf")
    }

    /// Every page and link reachable from / for a user without the confidential right: none shows a complaint.
    func testCrawlingEverythingReachableShowsNoComplaint() async throws {
        let console = try makeConsole()
        let desk = console.desk
        let accounts = Accounts(database: desk.database)
        _ = try accounts.add(name: "adi", role: .admin, confidential: false, password: "kata-sandi-admin")
        _ = try accounts.add(name: "sari", role: .supervisor, confidential: false, password: "kata-sandi-sari")
        // The complaint was escalated and its unit answered; the knowledge base has an entry; both tickets owe an
        // answer, so the SLA board lists them.
        let cli = Actor(name: "sri", mayReadConfidential: true)
        let complaint = TicketNumber(year: 2025, sequence: 2)
        _ = try desk.database.act(.escalate(unit: "DTU"), on: complaint, actor: "sri", at: Date())
        try desk.layer2Answer(complaint, body: "Jawaban-Unit-Rahasia", as: cli)
        let supervisor = Actor(name: "sri", mayReadConfidential: true, role: .supervisor)
        try desk.saveKnowledgeEntry(
            id: nil, category: "dau", title: "Jadwal DAU", body: "Yth. {{sender_name}}", as: supervisor)
        for user in [("andi", "kata-sandi-andi"), ("sari", "kata-sandi-sari"), ("adi", "kata-sandi-admin")] {
            try await crawl(console, user)
        }
    }

    func crawl(_ console: Console, _ user: (String, String)) async throws {
        try await app(console).test(.router) { client in
            let andi = try await login(client, user.0, user.1)
            var queue = ["/"], seen: Set<String> = [], pages = 0
            while let path = queue.popLast() {
                guard seen.insert(path).inserted else { continue }
                let r = try await client.execute(uri: path, method: .get, headers: [.cookie: andi.cookie])
                XCTAssertTrue(r.status == .ok || r.status == .noContent, "\(user.0) \(path): \(r.status)")
                pages += 1
                let body = String(buffer: r.body)
                for secret in Self.secrets + ["Jawaban-Unit-Rahasia"] {
                    XCTAssertFalse(body.contains(secret), "\(path) shows \(secret) to \(user.0)")
                }
                // Links on this site (not logout, a POST); attachments and pages alike.
                var rest = body[...]
                while let r = rest.range(of: "href=\"") {
                    let link = String(rest[r.upperBound...].prefix { $0 != "\"" })
                    rest = rest[r.upperBound...]
                    // Without the fragment: the server never sees it.
                    let path = String(
                        link.replacingOccurrences(of: "&amp;", with: "&").split(
                            separator: "#", omittingEmptySubsequences: false)[0])
                    if path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/static/") { queue.append(path) }
                }
            }
            XCTAssertGreaterThanOrEqual(pages, 8, "the crawl reached the pages: \(seen.sorted())")
            XCTAssertTrue(seen.contains("/tickets/2025-000001"))
            XCTAssertTrue(seen.contains { $0.contains("/attachments/") })
            XCTAssertTrue(seen.contains("/kb"))
            XCTAssertTrue(seen.contains { $0.contains("?kb=") }, "an answer started from the knowledge base")
            XCTAssertTrue(seen.contains("/tickets?owed=today"))
            if user.0 != "andi" { XCTAssertTrue(seen.contains("/sla")) }
            if user.0 == "adi" { XCTAssertTrue(seen.contains("/ops")) }
        }
    }

    /// Spam and not spam, from the ticket page and the review queue: "not spam" gives the category the model finds
    /// best among the others, as the agent's review.
    func testSpamAndNotSpam() async throws {
        let console = try makeConsole()
        let db = console.desk.database
        let number = TicketNumber(year: 2025, sequence: 1)
        try await app(console).test(.router) { client in
            let andi = try await login(client, "andi", "kata-sandi-andi")
            var r = try await post(client, "/tickets/\(number)/category", andi, "category=spam")
            XCTAssertEqual(r.status, .seeOther)
            XCTAssertEqual(try db.ticket(number: number)?.category, "spam")
            try await db.writer.write { try $0.execute(sql: "UPDATE ticket SET needsReview = 1") }
            r = try await client.execute(uri: "/review", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(String(buffer: r.body).contains("action=\"/tickets/\(number)/notspam\""))
            r = try await post(client, "/tickets/\(number)/notspam", andi, "")
            XCTAssertEqual(r.status, .seeOther, String(buffer: r.body))
            let t = try XCTUnwrap(try db.ticket(number: number))
            XCTAssertNotEqual(t.category, "spam")
            XCTAssertEqual(try db.reviews(ticketID: t.id!).last?.reviewer, "andi")
            XCTAssertEqual(try db.reviews(ticketID: t.id!).last?.fromCategory, "spam")
            // The complaint is not andi's to call anything.
            r = try await post(client, "/tickets/2025-000002/notspam", andi, "")
            XCTAssertEqual(r.status, .forbidden)
        }
    }

    /// The multipart form parser on truncated, cut and byte-flipped forms: it never crashes and never finds a
    /// field the bytes do not hold whole.
    func testMultipartFormsCutAndMangledNeverCrashTheParser() {
        let boundary = "b0undary"
        let form = Array(
            ("--b0undary\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nTOKEN\r\n"
                + "--b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n%PDF\r\n--b0undary--\r\n").utf8)
        let whole = FormFields(multipart: Data(form), boundary: boundary)
        XCTAssertEqual(whole["csrf"], "TOKEN")
        XCTAssertEqual(whole.files["files"]?.first?.filename, "a.pdf")
        XCTAssertEqual(whole.files["files"]?.first?.data, Data("%PDF".utf8))
        var generator = SystemRandomNumberGenerator()
        for cut in 0..<form.count {
            let f = FormFields(multipart: Data(form[..<cut]), boundary: boundary)
            if let token = f["csrf"] { XCTAssertEqual(token, "TOKEN", "cut at \(cut)") }
        }
        for _ in 0..<3000 {
            var bytes = form
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = FormFields(multipart: Data(bytes), boundary: boundary)
        }
    }

    /// POSTs a form as the logged-in `session`.
    func post(
        _ client: some TestClientProtocol, _ uri: String, _ session: (cookie: String, csrf: String), _ fields: String
    ) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: session.cookie],
            body: ByteBuffer(string: "csrf=\(session.csrf)&" + fields))
    }

    /// The knowledge base (kept by a supervisor, read by agents, filling an answer on a ticket's page), who else
    /// has a ticket open or is answering, the SLA board, the list's filters, and an answer with attachments.
    func testKnowledgeBasePresenceSLABoardFiltersAndAttachments() async throws {
        let console = try makeConsole()
        let db = console.desk.database
        try await app(console).test(.router) { client in
            let andi = try await login(client, "andi", "kata-sandi-andi")
            let sri = try await login(client, "sri", "kata-sandi-sri-1")
            // Knowledge base: refused to an agent; a bad variable is named; a good entry saved.
            var r = try await post(client, "/kb/new", andi, "category=dau&title=X&body=teks")
            XCTAssertEqual(r.status, .forbidden)
            r = try await post(client, "/kb/new", sri, "category=dau&title=Jadwal&body=Halo+%7B%7Bnama%7D%7D")
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(String(buffer: r.body).contains("Variabel {{nama}} tidak dikenal"), String(buffer: r.body))
            XCTAssertTrue(String(buffer: r.body).contains("Halo {{nama}}"), "the typed text is kept")
            r = try await post(
                client, "/kb/new", sri,
                "category=dau&title=Jadwal+DAU&body=Yth.+%7B%7Bsender_name%7D%7D%2C+tiket+%7B%7Bticket%7D%7D.")
            XCTAssertEqual(r.status, .seeOther)
            let entry = try XCTUnwrap(r.headers[.location]?.split(separator: "/").last?.split(separator: "?").first)
            r = try await client.execute(uri: "/kb", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(String(buffer: r.body).contains("href=\"/kb/\(entry)\">Jadwal DAU</a>"))
            // The ticket page offers it and fills the answer with it (the sender's name escaped).
            r = try await client.execute(uri: "/tickets/2025-000001", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(String(buffer: r.body).contains("/tickets/2025-000001?kb=\(entry)#jawab"))
            r = try await client.execute(
                uri: "/tickets/2025-000001?kb=\(entry)", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(
                String(buffer: r.body).contains(
                    ">Yth. &lt;img src=x onerror=alert(1)&gt;, tiket 2025-000001.</textarea>"), String(buffer: r.body))

            // Presence: sri writing an answer shows on andi's page; a page on an old version learns it changed.
            let version = try XCTUnwrap(Self.field("version", in: String(buffer: r.body)))
            r = try await post(client, "/tickets/2025-000001/presence", sri, "answering=1&version=\(version)")
            XCTAssertEqual(r.headers[.contentType], "application/json")
            XCTAssertTrue(String(buffer: r.body).contains("\"name\":\"andi\""), String(buffer: r.body))
            r = try await client.execute(uri: "/tickets/2025-000001", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertTrue(String(buffer: r.body).contains("sri sedang menulis jawaban"))
            r = try await post(client, "/tickets/2025-000001/presence", andi, "version=\(version)")
            XCTAssertTrue(String(buffer: r.body).contains("\"changed\":false"), String(buffer: r.body))
            r = try await post(client, "/tickets/2025-000001/category", sri, "category=dbh")
            r = try await post(client, "/tickets/2025-000001/presence", andi, "version=\(version)")
            XCTAssertTrue(String(buffer: r.body).contains("\"changed\":true"), String(buffer: r.body))
            r = try await post(client, "/tickets/2025-000002/presence", andi, "")
            XCTAssertEqual(r.status, .forbidden, "the complaint's presence is not andi's to see")

            // The SLA board: the supervisor's; the complaint redacted for a supervisor without the right.
            r = try await client.execute(uri: "/sla", method: .get, headers: [.cookie: sri.cookie])
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(String(buffer: r.body).contains("href=\"/tickets/2025-000002\""), "sri may read it")
            _ = try Accounts(database: db).add(
                name: "sari", role: .supervisor, confidential: false, password: "kata-sandi-sari")
            let sari = try await login(client, "sari", "kata-sandi-sari")
            r = try await client.execute(uri: "/sla", method: .get, headers: [.cookie: sari.cookie])
            XCTAssertTrue(String(buffer: r.body).contains("href=\"/tickets/2025-000001\""))
            XCTAssertFalse(String(buffer: r.body).contains("href=\"/tickets/2025-000002\""))
            for secret in Self.secrets { XCTAssertFalse(String(buffer: r.body).contains(secret)) }

            // The survey's scores: the agent short of the minimum is marked; the complaint's comment is hidden.
            for (number, comment) in [(1, "Jawabannya jelas"), (2, "Komentar-Aduan-Rahasia")] {
                let id = try XCTUnwrap(try db.ticket(number: TicketNumber(year: 2025, sequence: number))?.id)
                try db.recordRating(
                    ticketID: id, agent: "andi", unit: nil, citizen: "w\(number)@x.id", service: 4, substance: 5,
                    comment: comment, at: Date())
            }
            r = try await client.execute(uri: "/survey", method: .get, headers: [.cookie: sari.cookie])
            var page = String(buffer: r.body)
            XCTAssertTrue(page.contains("<td>andi</td><td>2</td><td>2</td><td>4.0</td><td>5.0</td>"), page)
            XCTAssertTrue(page.contains("minimum belum terpenuhi"))
            XCTAssertTrue(page.contains("Jawabannya jelas"))
            XCTAssertFalse(page.contains("Komentar-Aduan-Rahasia"))
            XCTAssertTrue(page.contains("1 komentar atas tiket rahasia tidak ditampilkan"))
            r = try await client.execute(uri: "/survey", method: .get, headers: [.cookie: sri.cookie])
            page = String(buffer: r.body)
            XCTAssertTrue(page.contains("Komentar-Aduan-Rahasia"), "the reader sees it")
            r = try await client.execute(uri: "/survey?month=2025-13", method: .get, headers: [.cookie: sri.cookie])
            XCTAssertEqual(r.status, .badRequest)

            // The monthly report: on screen with its charts, and to download; nothing of the complaint in it.
            let month = Labels.currentMonth()
            r = try await client.execute(uri: "/report?month=\(month)", method: .get, headers: [.cookie: sari.cookie])
            page = String(buffer: r.body)
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(page.contains("<svg"), "the charts are drawn")
            XCTAssertTrue(page.contains("Jumlah pengaduan pada bulan"), page)
            for secret in Self.secrets { XCTAssertFalse(page.contains(secret), "the report shows \(secret)") }
            for format in ["pdf", "html", "csv", "json"] {
                r = try await client.execute(
                    uri: "/report/download?month=\(month)&format=\(format)", method: .get,
                    headers: [.cookie: sari.cookie])
                XCTAssertEqual(r.status, .ok, format)
                XCTAssertEqual(
                    r.headers[.contentDisposition], "attachment; filename=\"laporan-surel-\(month).\(format)\"")
                for secret in Self.secrets { XCTAssertFalse(String(buffer: r.body).contains(secret)) }
            }
            r = try await client.execute(uri: "/report", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(r.status, .forbidden)

            // Filters: by sender class, region, time zone and owed; the complaint never found by its sender.
            for (query, found, missing) in [
                ("class=pemda", ["2025-000001"], ["2025-000002"]),
                ("class=lainnya", [], ["2025-000001", "2025-000002"]),
                ("region=Kediri", ["2025-000001"], ["2025-000002"]),
                ("tz=WIB", ["2025-000001"], ["2025-000002"]),
                ("owed=all", ["2025-000001"], []),
                ("owed=breached", [], ["2025-000001"]),
                ("status=closed", [], ["2025-000001"]),
                ("from=2000-01-01&to=2000-01-31", [], ["2025-000001"]),
            ] {
                r = try await client.execute(uri: "/tickets?\(query)", method: .get, headers: [.cookie: andi.cookie])
                let body = String(buffer: r.body)
                for n in found { XCTAssertTrue(body.contains(">\(n)<"), "\(query) finds \(n)") }
                for n in missing { XCTAssertFalse(body.contains(">\(n)<"), "\(query) does not find \(n)") }
            }
            // A page number past any list, even one that would overflow, is an empty page.
            for path in [
                "/tickets?page=99999999999999999999", "/tickets?page=9223372036854775807",
                "/review?page=9223372036854775807",
            ] {
                r = try await client.execute(uri: path, method: .get, headers: [.cookie: andi.cookie])
                XCTAssertEqual(r.status, .ok, path)
            }
            r = try await client.execute(uri: "/tickets?class=lainnya", method: .get, headers: [.cookie: sri.cookie])
            XCTAssertTrue(String(buffer: r.body).contains(">2025-000002<"), "the reader finds it")

            // An answer with two attachments (multipart): both go out with the mail, under safe names.
            let boundary = "----surelTestBoundary"
            var form = ""
            for (name, value) in [("csrf", andi.csrf), ("body", "Terlampir jadwalnya.")] {
                form += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            for (file, type) in [("jadwal.pdf", "application/pdf"), ("../rahasia\".txt", "text/plain\r\nX: y")] {
                form +=
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(file)\"\r\n"
                    + "Content-Type: \(type)\r\n\r\nISI-\(file)\r\n"
            }
            form += "--\(boundary)--\r\n"
            r = try await client.execute(
                uri: "/tickets/2025-000001/answer", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: andi.cookie],
                body: ByteBuffer(string: form))
            XCTAssertEqual(r.status, .seeOther, String(buffer: r.body))
            let raw = try await db.writer.read { db in
                try String.fetchOne(
                    db,
                    sql: """
                        SELECT CAST(raw AS TEXT) FROM message WHERE id =
                          (SELECT messageRowID FROM outbox WHERE purpose = 'answer')
                        """)
            }
            let mail = try XCTUnwrap(raw)
            XCTAssertTrue(mail.contains("Terlampir jadwalnya."), mail)
            XCTAssertTrue(mail.contains("filename=\"jadwal.pdf\""), mail)
            XCTAssertTrue(mail.contains("rahasia.txt"), mail)
            XCTAssertFalse(mail.contains("\r\nX: y"), "no header smuggled through a part's type")
        }
    }

    /// A list "pemda" of two regional offices and a scheduled blast to it; returns the blast's id.
    func makeBlast(_ console: Console) throws -> Int64 {
        let db = console.desk.database
        _ = try db.importMembers(
            [
                ListMember(email: "bpkad@kedirikab.go.id", name: "BPKAD Kediri", fields: ["instansi": "Kab. Kediri"]),
                ListMember(email: "bpkad@slemankab.go.id", name: "BPKAD Sleman", fields: ["instansi": "Kab. Sleman"]),
            ], into: "pemda")
        return try db.createBlast(
            list: "pemda", subject: "Undangan {{instansi}}", template: "Yth. {{name}}", html: "<p>{{name}}</p>",
            attachments: [], at: Date().addingTimeInterval(86_400)
        ).id
    }

    /// A multipart/form-data body of `fields` and `files` (name, filename, type, content).
    static func multipart(
        _ fields: [(String, String)], files: [(String, String, String, String)], boundary: String
    ) -> String {
        var form = ""
        for (name, value) in fields {
            form += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        for (name, file, type, content) in files {
            form +=
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file)\"\r\n"
                + "Content-Type: \(type)\r\n\r\n\(content)\r\n"
        }
        return form + "--\(boundary)--\r\n"
    }

    /// Blast staff's pages from the upload of a list to a cancelled blast: bad rows named by line, members with the
    /// suppressed marked, a broken template refused with its reason and nothing created, the preview's HTML
    /// sandboxed, a test to one address, scheduling and cancelling only after a confirmation, pause and resume,
    /// the progress as JSON, a complainant's suppression hidden, and what came from the CSV escaped.
    func testBlastStaffFromUploadToCancel() async throws {
        let console = try makeConsole()
        let db = console.desk.database
        _ = try db.suppress("pelapor.rahasia@gmail.com", reason: "berhenti", source: "unsubscribe")
        _ = try db.suppress("bpkad@slemankab.go.id", reason: "5.1.1 no such user", source: "hard-bounce")
        try await app(console).test(.router) { client in
            let bella = try await login(client, "bella", "kata-sandi-bella")
            func get(_ uri: String) async throws -> (TestResponse, String) {
                let r = try await client.execute(uri: uri, method: .get, headers: [.cookie: bella.cookie])
                return (r, String(buffer: r.body))
            }
            func post(_ uri: String, _ body: String) async throws -> (TestResponse, String) {
                let r = try await client.execute(
                    uri: uri, method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: bella.cookie],
                    body: ByteBuffer(string: "csrf=\(bella.csrf)&" + body))
                return (r, String(buffer: r.body))
            }
            // Upload: the bad rows by line with the reasons `lists import` gives; a name from the CSV escaped.
            let csv =
                "email;name;instansi\nbpkad@kedirikab.go.id;<script>alert(1)</script>;Kab. Kediri\nbukan;X;Y\n"
                + "bpkad@slemankab.go.id;BPKAD Sleman;Kab. Sleman\nbpkad@kedirikab.go.id;Dobel;Z\n"
            let boundary = "----surelListBoundary"
            var r = try await client.execute(
                uri: "/lists/import", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: bella.cookie],
                body: ByteBuffer(
                    string: Self.multipart(
                        [("csrf", bella.csrf), ("list", "pemda")], files: [("csv", "pemda.csv", "text/csv", csv)],
                        boundary: boundary)))
            var html = String(buffer: r.body)
            XCTAssertEqual(r.status, .ok, html)
            XCTAssertTrue(html.contains("daftar pemda: 2 alamat baru, 0 diperbarui, 2 baris ditolak"), html)
            for problem in RecipientImport.parse(csv).problems {
                XCTAssertTrue(html.contains(problem.replacingOccurrences(of: "\"", with: "&quot;")), problem)
            }
            (r, html) = try await get("/lists/members?list=pemda")
            XCTAssertFalse(html.contains("<script>alert(1)"), "a name from the CSV is escaped")
            XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            XCTAssertTrue(html.contains("bpkad@slemankab.go.id <span class=\"tag\">ditahan</span>"), html)
            // The suppression list: reasons shown, the complainant's address not.
            (r, html) = try await get("/suppression")
            XCTAssertTrue(html.contains("Terpental (permanen)") && html.contains("5.1.1 no such user"), html)
            XCTAssertFalse(html.contains("pelapor.rahasia"), "a complainant's address is hidden")
            XCTAssertTrue(html.contains("1 alamat terkait tiket rahasia tidak ditampilkan"), html)
            (r, html) = try await post("/suppression/add", "email=a%40b.go.id%2C+c%40d.go.id&reason=x")
            XCTAssertEqual(r.status, .badRequest, "two addresses are not one")
            (r, html) = try await post("/suppression/add", "email=humas%40kemenkeu.go.id&reason=diminta")
            XCTAssertTrue(try db.isSuppressed("humas@kemenkeu.go.id"))
            (r, html) = try await post("/suppression/remove", "email=humas%40kemenkeu.go.id")
            XCTAssertFalse(try db.isSuppressed("humas@kemenkeu.go.id"))

            // A template naming a column the list lacks: refused with the reason, the text kept, nothing made.
            (r, html) = try await post(
                "/blasts/new", "list=pemda&subject=Undangan+%7B%7Bkota%7D%7D&text=Yth.+%7B%7Bname%7D%7D")
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(html.contains("{{kota}}") && html.contains("not a column"), html)
            XCTAssertTrue(html.contains("Yth. {{name}}"), "the text typed is kept")
            XCTAssertTrue(try db.blasts().isEmpty)
            (r, html) = try await post(
                "/blasts/new",
                "list=pemda&subject=Undangan+%7B%7Binstansi%7D%7D&text=Yth.+%7B%7Bname%7D%7D"
                    + "&html=%3Cp%3E%7B%7Bname%7D%7D%3C%2Fp%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            XCTAssertEqual(r.status, .seeOther, html)
            let id = try XCTUnwrap(try db.blasts().last?.id)
            XCTAssertEqual(r.headers[.location], "/blasts/\(id)?done=created")
            XCTAssertEqual(try db.blastCounts(id)[.pending], 1, "the suppressed member is left out")

            // The preview: the HTML only in a sandboxed frame, its document under a sandbox policy.
            (r, html) = try await get("/blasts/\(id)/preview")
            XCTAssertTrue(html.contains("<iframe class=\"html-preview\" sandbox src="), html)
            XCTAssertFalse(html.contains("<script>alert(1)"), "the blast's HTML is not in the console's page")
            XCTAssertTrue(html.contains("Yth. &lt;script&gt;alert(1)&lt;/script&gt;"), "the text part, escaped")
            XCTAssertTrue(html.contains("Undangan Kab. Kediri"), html)
            (r, html) = try await get("/blasts/\(id)/preview.html")
            XCTAssertEqual(r.headers[.contentSecurityPolicy], BlastPages.previewPolicy)
            XCTAssertTrue(r.headers[.contentSecurityPolicy]?.hasPrefix("sandbox;") == true)
            XCTAssertEqual(r.headers[HTTPField.Name("X-Frame-Options")!], "SAMEORIGIN")
            (r, html) = try await get("/blasts/\(id)/preview?recipient=orang%40lain.go.id")
            XCTAssertEqual(r.status, .notFound)
            XCTAssertTrue(html.contains("bukan penerima blast"), html)

            // A test to one address only.
            (r, html) = try await post("/blasts/\(id)/test", "address=a%40b.go.id%2C+c%40d.go.id")
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(html.contains("Surel uji tidak dikirim"), html)
            (r, html) = try await post("/blasts/\(id)/test", "address=staf%40djpk.go.id")
            XCTAssertEqual(r.headers[.location], "/blasts/\(id)?done=test")
            XCTAssertEqual(
                try db.outbox().filter { $0.purpose == .blastTest }.map(\.recipientList), [["staf@djpk.go.id"]])

            // Scheduling asks first, with the time in the three zones; only the confirmation schedules.
            (r, html) = try await post("/blasts/\(id)/schedule", "when=2030-02-07+09%3A00&zone=WITA")
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(html.contains("7 Feb 2030 08.00 WIB · 09.00 WITA · 10.00 WIT"), html)
            XCTAssertEqual(try db.blast(id)?.status, .draft, "nothing scheduled before the confirmation")
            (r, html) = try await post("/blasts/\(id)/schedule", "when=2030-02-07+09%3A00&zone=WITA&confirm=1")
            XCTAssertEqual(r.headers[.location], "/blasts/\(id)?done=scheduled")
            XCTAssertEqual(try db.blast(id)?.status, .scheduled)
            XCTAssertEqual(try db.blast(id)?.scheduledAt, ISO8601DateFormatter().date(from: "2030-02-07T01:00:00Z"))
            (r, html) = try await post("/blasts/\(id)/schedule", "when=besok&zone=WIB&confirm=1")
            XCTAssertEqual(r.status, .badRequest)
            XCTAssertTrue(html.contains("tidak dikenali"), html)
            (r, html) = try await get("/blasts/\(id)")
            XCTAssertTrue(
                html.contains("<script src=\"/static/surel.js\"></script>"), "a scheduled blast updates itself")
            XCTAssertTrue(html.contains("data-live=\"1\""))
            // Pause, resume; the progress as JSON.
            (r, html) = try await post("/blasts/\(id)/pause", "")
            XCTAssertEqual(try db.blast(id)?.status, .paused)
            (r, html) = try await post("/blasts/\(id)/pause", "")
            XCTAssertEqual(r.status, .badRequest, "a paused blast cannot be paused")
            XCTAssertTrue(html.contains("cannot make it paused"), html)
            (r, html) = try await post("/blasts/\(id)/resume", "")
            XCTAssertTrue(html.contains("Lanjutkan pengiriman blast ini?"), html)
            XCTAssertEqual(try db.blast(id)?.status, .paused, "resuming sends: it asks first")
            (r, html) = try await post("/blasts/\(id)/resume", "confirm=1")
            XCTAssertEqual(try db.blast(id)?.status, .scheduled)
            (r, html) = try await get("/blasts/\(id)/progress")
            XCTAssertEqual(r.headers[.contentType], "application/json")
            let progress = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(html.utf8)) as? [String: Any])
            XCTAssertEqual(progress["status"] as? String, "scheduled")
            XCTAssertEqual(progress["total"] as? Int, 1)
            XCTAssertEqual(progress["pending"] as? Int, 1)
            // Cancelling asks first too.
            (r, html) = try await post("/blasts/\(id)/cancel", "")
            XCTAssertTrue(html.contains("Batalkan blast ini?"), html)
            XCTAssertEqual(try db.blast(id)?.status, .scheduled)
            (r, html) = try await post("/blasts/\(id)/cancel", "confirm=1")
            XCTAssertEqual(try db.blast(id)?.status, .cancelled)
            (r, html) = try await get("/blasts")
            XCTAssertTrue(html.contains("Dibatalkan") && html.contains("Undangan {{instansi}}"), html)
            // A member removed.
            (r, html) = try await post("/lists/members/remove", "list=pemda&email=bpkad%40kedirikab.go.id")
            XCTAssertEqual(try db.members(of: "pemda")?.total, 1)
        }
    }

    /// Each role (and no login) against each page: allowed or refused as the roles say.
    func testRoleByRouteMatrix() async throws {
        let console = try makeConsole()
        let accounts = Accounts(database: console.desk.database)
        _ = try accounts.add(name: "adi", role: .admin, confidential: false, password: "kata-sandi-admin")
        _ = try accounts.add(name: "sari", role: .supervisor, confidential: false, password: "kata-sandi-sari")
        let blast = try makeBlast(console)
        let routes = [
            "/", "/tickets", "/tickets/2025-000001", "/tickets/2025-000002", "/review", "/review/held",
            "/tickets/2025-000001/close", "/ops", "/kb", "/kb/new", "/sla", "/survey", "/report",
            // The blast pages.
            "/lists", "/lists/members?list=pemda", "/suppression", "/blasts", "/blasts/new", "/blasts/\(blast)",
            "/blasts/\(blast)/progress", "/blasts/\(blast)/preview", "/blasts/\(blast)/preview.html",
            "/blasts/\(blast)/preview.eml", "/blasts/\(blast)/failures.csv",
        ]
        let noBlasts = Array(repeating: HTTPResponse.Status.forbidden, count: 11)
        let blasts = Array(repeating: HTTPResponse.Status.ok, count: 11)
        // Expected status per user (nil: not logged in), route by route.
        let expected: [(String?, String, [HTTPResponse.Status])] = [
            (nil, "", Array(repeating: .seeOther, count: 24)),
            (
                "andi", "kata-sandi-andi",
                [
                    .ok, .ok, .ok, .forbidden, .ok, .forbidden, .ok, .forbidden, .ok, .forbidden, .forbidden,
                    .forbidden,
                    .forbidden,
                ] + noBlasts
            ),
            (
                "sari", "kata-sandi-sari",
                [.ok, .ok, .ok, .forbidden, .ok, .forbidden, .ok, .forbidden, .ok, .ok, .ok, .ok, .ok] + noBlasts
            ),
            (
                "sri", "kata-sandi-sri-1",
                [.ok, .ok, .ok, .ok, .ok, .ok, .ok, .forbidden, .ok, .ok, .ok, .ok, .ok] + noBlasts
            ),
            // Blast staff land on their blasts.
            ("bella", "kata-sandi-bella", [.seeOther] + Array(repeating: .forbidden, count: 12) + blasts),
            (
                "adi", "kata-sandi-admin",
                [.ok, .ok, .ok, .forbidden, .ok, .forbidden, .ok, .ok, .ok, .ok, .ok, .ok, .ok] + blasts
            ),
        ]
        try await app(console).test(.router) { client in
            for (user, password, statuses) in expected {
                var cookie = "", csrf = ""
                if let user {
                    let session = try await login(client, user, password)
                    cookie = session.cookie
                    csrf = session.csrf
                }
                for (route, status) in zip(routes, statuses) {
                    let r = try await client.execute(
                        uri: route, method: .get, headers: cookie.isEmpty ? [:] : [.cookie: cookie])
                    XCTAssertEqual(r.status, status, "\(user ?? "anonymous") GET \(route)")
                }
                // A state change: only roles that work tickets.
                let post = try await client.execute(
                    uri: "/tickets/2025-000001/category", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: ByteBuffer(string: "csrf=\(csrf)&category=dau"))
                let allowed: HTTPResponse.Status =
                    user == nil ? .unauthorized : user == "bella" ? .forbidden : .seeOther
                XCTAssertEqual(post.status, allowed, "\(user ?? "anonymous") POST category")
                // And one of the blast pages': only blast staff and admins.
                let pause = try await client.execute(
                    uri: "/blasts/\(blast)/pause", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: ByteBuffer(string: "csrf=\(csrf)"))
                XCTAssertEqual(
                    pause.status,
                    user == nil ? .unauthorized : user == "bella" || user == "adi" ? .seeOther : .forbidden,
                    "\(user ?? "anonymous") POST pause")
                if pause.status == .seeOther {
                    try console.desk.database.setBlastStatus(blast, to: .scheduled, allowedFrom: [.paused])
                }
            }
        }
    }

    /// Bulk review: the selected tickets accepted or recategorized, each on its own; a complaint among them is
    /// refused without a word about it.
    func testBulkReviewFromTheQueue() async throws {
        let console = try makeConsole()
        let db = console.desk.database
        try await db.writer.write { try $0.execute(sql: "UPDATE ticket SET needsReview = 1") }
        try await app(console).test(.router) { client in
            let andi = try await login(client, "andi", "kata-sandi-andi")
            let queue = try await client.execute(uri: "/review", method: .get, headers: [.cookie: andi.cookie])
            let html = String(buffer: queue.body)
            XCTAssertTrue(html.contains("<script src=\"/static/surel.js\"></script>"), "the shortcuts' script")
            XCTAssertTrue(html.contains("value=\"2025-000001\" form=\"bulk\""), "a checkbox per readable ticket")
            XCTAssertFalse(html.contains("value=\"2025-000002\" form=\"bulk\""), "none for the complaint")
            let r = try await client.execute(
                uri: "/review/bulk", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: andi.cookie],
                body: ByteBuffer(
                    string: "csrf=\(andi.csrf)&ticket=2025-000001&ticket=2025-000002&action=category&category=dbh"))
            XCTAssertEqual(r.status, .ok)
            let body = String(buffer: r.body)
            XCTAssertTrue(body.contains("1 tiket ditinjau."), body)
            XCTAssertTrue(body.contains("Tidak dapat ditinjau: 2025-000002"), body)
            for secret in Self.secrets { XCTAssertFalse(body.contains(secret)) }
            XCTAssertFalse(body.contains("(pengaduan)"))
            XCTAssertEqual(try db.ticket(number: TicketNumber(year: 2025, sequence: 1))?.category, "dbh")
            XCTAssertEqual(try db.ticket(number: TicketNumber(year: 2025, sequence: 2))?.category, "pengaduan")
            let js = try await client.execute(uri: "/static/surel.js", method: .get)
            XCTAssertEqual(js.headers[.contentType], "text/javascript; charset=utf-8")
        }
    }

    /// Operations (admin): quarantined mail with its reason and raw bytes, outgoing mail, users; what touches a
    /// complaint stays hidden from an admin without the confidential right.
    func testOperationsPageForAdmins() async throws {
        let console = try makeConsole()
        _ = try Accounts(database: console.desk.database).add(
            name: "adi", role: .admin, confidential: false, password: "kata-sandi-admin")
        let ids = try await console.desk.database.writer.read {
            try Int64.fetchAll($0, sql: "SELECT id FROM message WHERE kind = 'quarantined' ORDER BY id")
        }
        try await app(console).test(.router) { client in
            let adi = try await login(client, "adi", "kata-sandi-admin")
            let page = try await client.execute(uri: "/ops", method: .get, headers: [.cookie: adi.cookie])
            XCTAssertEqual(page.status, .ok)
            let html = String(buffer: page.body)
            XCTAssertTrue(html.contains("rusak@kedirikab.go.id") && html.contains("header tidak dapat dibaca"), html)
            XCTAssertTrue(html.contains("1 pesan terkait tiket rahasia tidak ditampilkan"))
            for secret in Self.secrets { XCTAssertFalse(html.contains(secret), "ops shows \(secret)") }
            XCTAssertTrue(html.contains("andi") && html.contains("Staf blast"), "the users")
            let raw = try await client.execute(
                uri: "/ops/quarantine/\(ids[0])/raw", method: .get, headers: [.cookie: adi.cookie])
            XCTAssertEqual(String(buffer: raw.body), "RAW-q-ops@x")
            XCTAssertEqual(raw.headers[.contentType], "application/octet-stream")
            let secretRaw = try await client.execute(
                uri: "/ops/quarantine/\(ids[1])/raw", method: .get, headers: [.cookie: adi.cookie])
            XCTAssertEqual(secretRaw.status, .notFound)
            let andi = try await login(client, "andi", "kata-sandi-andi")
            let refused = try await client.execute(
                uri: "/ops/quarantine/\(ids[0])/raw", method: .get, headers: [.cookie: andi.cookie])
            XCTAssertEqual(refused.status, .forbidden)
        }
    }
}
