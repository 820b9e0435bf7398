// The help desk facade decides who sees what for every front end. For an actor who may not read confidential
// tickets, no read returns anything that tells a complaint's subject, sender, address, body, attachment name or
// Message-ID; the test finds the reads in the facade's sources, so a read added later without being checked here
// fails it.
import Foundation
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelStore

final class HelpDeskTests: XCTestCase {
    /// Strings only the confidential ticket and the mail about it carry.
    static let secrets = [
        "Pungli-Rahasia-Subjek", "pelapor.rahasia@gmail.com", "Isi-Aduan-Rahasia", "Bukti-Rahasia.pdf",
        "aduan-rahasia-mid@gmail.com", "Nama Pelapor Rahasia",
    ]

    func makeDesk() throws -> (HelpDesk, SurelDatabase) {
        let dir = try TestEnv.scratch(self)
        let url = try TestEnv.writeConfig(
            dir: dir, user: "helpdesk",
            extra: """

                [access]
                confidential_readers = ["Sri"]

                [smtp]
                url = "smtp://127.0.0.1:\(TestEnv.smtpPort)"
                from = "Contact Center DJPK <callcenter@djpk.test>"
                tls = "none"

                [units.DTU]
                email = "dtu@djpk.test"
                """)
        let config = try SurelConfig.load(path: url.path)
        let db = try SurelDatabase(path: config.store.path)
        let t0 = Date().addingTimeInterval(-3600)
        func incoming(
            _ id: String, from: String, name: String?, subject: String, text: String, kind: MessageKind = .ticket,
            inReplyTo: [String] = [], attachment: String? = nil
        ) -> IncomingMessage {
            var m = IncomingMessage(
                kind: kind, messageID: id, rawSHA256: "sha-\(id)", raw: Data("raw \(id) \(text)".utf8),
                mailbox: "INBOX", uidValidity: 1, uid: nil, subject: subject, fromName: name,
                fromEmail: from, sentAt: t0, receivedAt: t0, threadTime: t0, text: text, html: nil,
                inReplyTo: inReplyTo, references: [], note: nil, bounce: nil, isBulk: false,
                attachments: attachment.map {
                    [
                        AttachmentRef(
                            filename: $0, contentType: "application/pdf",
                            size: 3, sha256: "abc", isInline: false)
                    ]
                } ?? [])
            m.bodyOffset = 0
            return m
        }
        func store(_ m: IncomingMessage, category: String) throws {
            let intent = TicketIntent(
                ticketNumberInSubject: nil, referencedMessageIDs: m.inReplyTo,
                normalizedSubject: SubjectNormalizer.normalize(m.subject), senderEmail: m.fromEmail!,
                senderProfile: SenderDirectory.profile(forEmail: m.fromEmail!), receivedAt: t0,
                threadTime: t0, subjectWindow: 86400, reopenWindow: 86400 * 7, year: 2025,
                confidentialCategories: ["pengaduan"], reviewThreshold: 0.99,
                classify: { Classification(category: category, confidence: 0.5, explanation: "uji") })
            _ = try db.storeIncoming(m, ticket: intent, cursor: nil)
        }
        // The complaint (held for review too) and an ordinary question.
        let complaint = incoming(
            "aduan-rahasia-mid@gmail.com", from: "pelapor.rahasia@gmail.com", name: "Nama Pelapor Rahasia",
            subject: "Pungli-Rahasia-Subjek", text: "Isi-Aduan-Rahasia", attachment: "Bukti-Rahasia.pdf")
        try store(complaint, category: "pengaduan")
        try store(
            incoming(
                "dau-1@kedirikab.go.id", from: "bpkad@kedirikab.go.id", name: "BPKAD Kediri",
                subject: "Penyaluran DAU", text: "Mohon info DAU"), category: "dau")
        // Its traces outside the ticket: an auto-reply and a bounce about it, a relay's second copy, an
        // acknowledgement that failed with the server naming the address, an escalation.
        _ = try db.storeIncoming(
            incoming(
                "ar@gmail.com", from: "pelapor.rahasia@gmail.com", name: nil,
                subject: "Balasan otomatis: Pungli-Rahasia-Subjek", text: "cuti", kind: .autoreply,
                inReplyTo: ["aduan-rahasia-mid@gmail.com"]), ticket: nil, cursor: nil)
        var copy = complaint
        copy.rawSHA256 = "sha-copy"
        try store(copy, category: "pengaduan")
        let number = TicketNumber(year: 2025, sequence: 1)
        let ticketID = try XCTUnwrap(try db.ticket(number: number)?.id)
        let ack = try db.enqueue(
            OutgoingRecord(
                ticketID: ticketID, purpose: .acknowledgement, messageID: "ack@djpk.test",
                raw: Data("ack".utf8), subject: "[DJPK#2025-000001] Pungli-Rahasia-Subjek",
                text: "Terima kasih", fromName: nil, fromEmail: "callcenter@djpk.test",
                recipients: ["pelapor.rahasia@gmail.com"], inReplyTo: [], references: []))
        try db.markFailed(ack.id!, error: "550 <pelapor.rahasia@gmail.com>: no such user")
        // The complainant unsubscribed from an announcement too.
        _ = try db.suppress("pelapor.rahasia@gmail.com", reason: "berhenti berlangganan", source: "unsubscribe")
        _ = try db.act(.escalate(unit: "DTU"), on: number, actor: "Sri", at: t0)
        // The complainant rated the consultation and wrote a comment.
        try db.recordRating(
            ticketID: ticketID, agent: "Sri", unit: "DTU", citizen: "pelapor.rahasia@gmail.com", service: 2,
            substance: 2, comment: "Isi-Aduan-Rahasia lagi", at: t0)
        return (HelpDesk(config: config, database: db), db)
    }

    /// Every string and every byte buffer inside a value, however deep.
    func texts(_ value: Any) -> [String] {
        if let s = value as? String { return [s] }
        if let d = value as? Data { return [String(decoding: d, as: UTF8.self)] }
        return Mirror(reflecting: value).children.flatMap { texts($0.value) }
    }

    func assertNoSecret(_ value: Any, _ read: String, file: StaticString = #filePath, line: UInt = #line) {
        let all = texts(value).joined(separator: "\n")
        for s in Self.secrets where all.localizedCaseInsensitiveContains(s) {
            XCTFail("\(read) shows \"\(s)\" to an actor who may not read confidential tickets", file: file, line: line)
        }
    }

    func testNoReadShowsAComplaintToAnActorWhoMayNotReadIt() throws {
        let (desk, _) = try makeDesk()
        let andi = desk.actor(named: "Andi"), sri = desk.actor(named: "sri")
        XCTAssertFalse(andi.mayReadConfidential)
        XCTAssertTrue(sri.mayReadConfidential)
        let number = TicketNumber(year: 2025, sequence: 1)
        var checked: Set<String> = []
        func read(_ name: String, _ body: (Actor) throws -> Any) throws {
            checked.insert(name)
            assertNoSecret(try body(andi), name)
            // The same read for a reader does show the complaint, where it shows tickets or mail at all: the
            // secrets are really in the store, so the assertion above can fail.
            _ = try body(sri)
        }
        try read("tickets") { try desk.tickets(as: $0) }
        try read("attention") { try desk.attention(as: $0) }
        try read("reviewQueue") { try desk.reviewQueue(as: $0) }
        try read("deadlines") { try desk.deadlines(as: $0).entries }
        try read("layer2Scores") { try desk.layer2Scores(as: $0).rows }
        try read("messages") { a in try MessageKind.allCases.map { try desk.messages(kind: $0, as: a).items } }
        try read("duplicates") { try desk.duplicates(as: $0).items }
        checked.insert("quarantinedRaw")  // the quarantined messages of `messages`, one at a time (ConsoleOpsTests)
        try read("outbox") { try desk.outbox(as: $0) }
        try read("lists") { try desk.lists(as: $0) }
        try read("suppressions") { try desk.suppressions(as: $0).items }
        try read("blasts") { try desk.blasts(as: $0) }
        try read("metrics") { _ in try desk.metrics() }
        try read("daemonHealth") { _ in try desk.daemonHealth() }
        try read("slaBoard") { try desk.slaBoard(as: $0) }
        var wib = Calendar(identifier: .gregorian)
        wib.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let c = wib.dateComponents([.year, .month], from: Date().addingTimeInterval(-3600))
        let month = String(format: "%04d-%02d", c.year!, c.month!)
        try read("surveyScores") { try desk.surveyScores(month: month, as: $0) }
        try read("monthlyReport") { try desk.monthlyReport(month: month, as: $0) }
        XCTAssertEqual(try desk.surveyScores(month: month, as: andi).hiddenComments, 1)
        XCTAssertEqual(try desk.surveyScores(month: month, as: sri).comments.count, 1)
        try read("knowledgeBase") { try desk.knowledgeBase(first: "pengaduan", as: $0) }
        // Filters on who wrote and where from leave the complaint out for a non-reader, even redacted.
        var bySender = TicketFilter()
        bySender.senderClass = .lainnya
        XCTAssertEqual(try desk.tickets(bySender, as: andi).count, 0)
        XCTAssertEqual(try desk.tickets(bySender, as: sri).count, 1)
        bySender = TicketFilter()
        bySender.unit = "DTU"
        XCTAssertEqual(try desk.tickets(bySender, as: andi).count, 0)
        XCTAssertEqual(try desk.tickets(bySender, as: sri).count, 1)
        for (name, call) in [
            ("ticket", { _ = try desk.ticket(number, as: andi) }), ("bak", { _ = try desk.bak(number, as: andi) }),
            ("heldQueue", { _ = try desk.heldQueue(as: andi) }),
            ("bakPreview", { _ = try desk.bakPreview(number, as: andi) }),
            ("attachment", { _ = try desk.attachment(number, id: 1, as: andi) }),
            ("deadline", { _ = try desk.deadline(of: number, as: andi) }),
            ("unitAnswers", { _ = try desk.unitAnswers(number, as: andi) }),
            ("ticketVersion", { _ = try desk.ticketVersion(number, as: andi) }),
            ("draftAnswer", { _ = try desk.draftAnswer(number, from: 1, as: andi) }),
        ] {
            checked.insert(name)
            XCTAssertThrowsError(try call(), name) { XCTAssertEqual(($0 as? SurelError)?.kind, .refused, "\($0)") }
        }
        // Reads of blast lists and blasts take ids and names that no ticket has: no complaint can reach them.
        checked.formUnion([
            "members", "blast", "blastProgress", "blastRecipients", "blastFailures", "blastFailuresCSV", "blastPreview",
        ])
        // A knowledge base entry is read by its id; no entry is made from a confidential ticket
        // (KnowledgeBaseTests).
        checked.insert("knowledgeEntry")

        // The reader does see it all.
        XCTAssertTrue(texts(try desk.tickets(as: sri)).joined().contains("Pungli-Rahasia-Subjek"))
        XCTAssertTrue(texts(try desk.ticket(number, as: sri)).joined().contains("Isi-Aduan-Rahasia"))
        XCTAssertTrue(texts(try desk.outbox(as: sri)).joined().contains("pelapor.rahasia@gmail.com"))
        XCTAssertEqual(try desk.duplicates(as: sri).items.count, 1)
        XCTAssertEqual(try desk.duplicates(as: andi).hidden, 1)
        XCTAssertEqual(try desk.messages(kind: .autoreply, as: andi).hidden, 1)
        XCTAssertEqual(try desk.tickets(as: andi).count, 2, "the complaint is counted, redacted")
        XCTAssertEqual(try desk.suppressions(as: andi).hidden, 1)
        // The complaint's escalation counts for its unit, but its row (which unit it concerns) is hidden.
        XCTAssertEqual(try desk.layer2Scores(as: andi).rows.count, 0)
        XCTAssertEqual(try desk.layer2Scores(as: andi).hidden, 1)
        XCTAssertEqual(try desk.layer2Scores(as: andi).units.map(\.escalations), [1])
        XCTAssertEqual(try desk.layer2Scores(as: sri).rows.map(\.unit), ["DTU"])
        XCTAssertEqual(try desk.suppressions(as: sri).items.map(\.email), ["pelapor.rahasia@gmail.com"])
        // Who wrote it and how the classifier read it are not shown either; the ordinary ticket keeps both.
        let complaint = try XCTUnwrap(try desk.tickets(as: andi).first { $0.ticket.number == number })
        XCTAssertNil(complaint.senderClass)
        XCTAssertNil(complaint.confidence)
        XCTAssertEqual(try desk.tickets(as: sri).first { $0.ticket.number == number }?.senderClass, .lainnya)
        let question = try XCTUnwrap(try desk.tickets(as: andi).first { $0.ticket.number != number })
        XCTAssertEqual(question.senderClass, .pemda)
        XCTAssertEqual(question.confidence, 0.5)

        XCTAssertEqual(checked, try Self.readsInSources(), "every read of HelpDesk is checked here")
    }

    func testActionsOnAComplaintAreRefusedToAnActorWhoMayNotReadIt() throws {
        let (desk, _) = try makeDesk()
        let andi = desk.actor(named: "Andi")
        let n = TicketNumber(year: 2025, sequence: 1)
        let actions: [(String, () throws -> Void)] = [
            ("reply", { _ = try desk.reply(n, body: "x", as: andi) }),
            ("escalate", { _ = try desk.escalate(n, unit: "DTU", note: nil, as: andi) }),
            ("layer2Answer", { _ = try desk.layer2Answer(n, body: "x", as: andi) }),
            ("close", { _ = try desk.close(n, as: andi) }),
            ("review", { _ = try desk.review(n, category: "dau", as: andi) }),
            ("clearHeld", { _ = try desk.clearHeld(n, category: "dau", as: andi) }),
            ("confirmComplaint", { _ = try desk.confirmComplaint(n, as: andi) }),
        ]
        for (name, call) in actions {
            XCTAssertThrowsError(try call(), name) { error in
                XCTAssertEqual((error as? SurelError)?.kind, .refused, "\(name): \(error)")
                XCTAssertEqual((error as? SurelError)?.exitCode, 3)
            }
        }
        XCTAssertEqual(
            try desk.ticket(n, as: desk.actor(named: "Sri")).detail.ticket.status, .escalated, "nothing changed")
    }

    /// Lists, the suppression list and blasts are blast staff's and admins': an agent and a supervisor are refused
    /// every read and action; blast staff get them.
    func testBlastsAreForBlastStaffAndAdmins() throws {
        let (desk, _) = try makeDesk()
        let staff = Actor(name: "bella", mayReadConfidential: false, role: .blast)
        let admin = Actor(name: "adi", mayReadConfidential: false, role: .admin)
        _ = try desk.importList("pemda", csv: "email,name,instansi\nbpkad@kedirikab.go.id,BPKAD,Kediri\n", as: staff)
        let blast = try desk.createBlast(
            list: "pemda", subject: "Undangan {{instansi}}", text: "Yth. {{name}}", html: nil, attachments: [], at: nil,
            as: staff)
        for role in [UserRole.agent, .supervisor] {
            let other = Actor(name: "x", mayReadConfidential: true, role: role)
            let calls: [(String, () throws -> Void)] = [
                ("lists", { _ = try desk.lists(as: other) }),
                ("members", { _ = try desk.members(of: "pemda", as: other) }),
                ("suppressions", { _ = try desk.suppressions(as: other) }),
                ("blasts", { _ = try desk.blasts(as: other) }),
                ("blast", { _ = try desk.blast(blast.id, as: other) }),
                ("blastProgress", { _ = try desk.blastProgress(blast.id, as: other) }),
                (
                    "blastRecipients",
                    {
                        _ = try desk.blastRecipients(blast.id, filter: nil, matching: nil, page: 1, as: other)
                    }
                ),
                ("blastFailuresCSV", { _ = try desk.blastFailuresCSV(blast.id, as: other) }),
                ("blastPreview", { _ = try desk.blastPreview(blast.id, recipient: nil, as: other) }),
                ("importList", { _ = try desk.importList("x", csv: "email\na@b.go.id\n", as: other) }),
                ("removeMember", { try desk.removeMember("bpkad@kedirikab.go.id", from: "pemda", as: other) }),
                ("suppress", { _ = try desk.suppress("a@b.go.id", reason: "x", as: other) }),
                ("unsuppress", { try desk.unsuppress("a@b.go.id", as: other) }),
                (
                    "createBlast",
                    {
                        _ = try desk.createBlast(
                            list: "pemda", subject: "x", text: "x", html: nil, attachments: [], at: nil, as: other)
                    }
                ),
                ("queueBlastTest", { _ = try desk.queueBlastTest(blast.id, to: "a@b.go.id", as: other) }),
                ("scheduleBlast", { try desk.scheduleBlast(blast.id, at: Date(), as: other) }),
                ("pauseBlast", { try desk.pauseBlast(blast.id, as: other) }),
                ("cancelBlast", { try desk.cancelBlast(blast.id, as: other) }),
            ]
            for (name, call) in calls {
                XCTAssertThrowsError(try call(), "\(role) \(name)") {
                    XCTAssertEqual(($0 as? SurelError)?.kind, .refused, "\(role) \(name): \($0)")
                }
            }
        }
        XCTAssertEqual(try desk.blast(blast.id, as: admin).status, .draft, "nothing changed")
        XCTAssertEqual(try desk.lists(as: admin).map(\.name), ["pemda"])
        XCTAssertEqual(try desk.lists(as: staff).first?.columns, ["instansi"])
        XCTAssertEqual(try desk.blasts(as: staff).map(\.total), [1])
    }

    /// A blast template naming a column the list does not have is refused with the name and the columns there
    /// are; a test goes to one address only, never to a list of them.
    func testABlastNamesOnlyItsListsColumnsAndTestsGoToOneAddress() throws {
        let (desk, db) = try makeDesk()
        let staff = Actor(name: "bella", mayReadConfidential: false, role: .blast)
        _ = try desk.importList("pemda", csv: "email,name,instansi\nbpkad@kedirikab.go.id,BPKAD,Kediri\n", as: staff)
        for (subject, text, html) in [
            ("Undangan {{kota}}", "Yth. {{name}}", nil), ("Undangan", "Yth. {{#wilayah}}x{{/wilayah}}", nil),
            ("Undangan", "Yth.", "<p>{{{alamat}}}</p>"),
        ] as [(String, String, String?)] {
            XCTAssertThrowsError(
                try desk.createBlast(
                    list: "pemda", subject: subject, text: text, html: html, attachments: [], at: nil, as: staff)
            ) { error in
                XCTAssertEqual((error as? SurelError)?.kind, .invalid)
                XCTAssertTrue("\(error)".contains("{{instansi}}") && "\(error)".contains("not a column"), "\(error)")
            }
        }
        XCTAssertThrowsError(
            try desk.createBlast(
                list: "pemda", subject: "Undangan", text: "Yth. {{#name}} tanpa tutup", html: nil, attachments: [],
                at: nil, as: staff))
        XCTAssertTrue(try db.blasts().isEmpty, "a refused template created nothing")
        let b = try desk.createBlast(
            list: "pemda", subject: "Undangan {{instansi}}", text: "Yth. {{name}} di {{instansi}} ({{email}})",
            html: "<p>{{name}}</p>", attachments: [], at: nil, as: staff)
        for bad in ["a@djpk.test, b@djpk.test", "Uji <a@djpk.test>", "a@djpk.test\r\nBcc: b@djpk.test", "bukan"] {
            XCTAssertThrowsError(try desk.queueBlastTest(b.id, to: bad, as: staff), bad)
        }
        let test = try desk.queueBlastTest(b.id, to: " Uji@DJPK.test ", as: staff)
        XCTAssertEqual(try db.outbox().first { $0.id == test.outboxID }?.recipientList, ["uji@djpk.test"])
    }

    /// The knowledge base: supervisors keep it (others are refused), a text naming an unknown variable or not
    /// parsing is refused with the reason, an entry fills in the ticket's citizen, region and number, the
    /// ticket's category comes first, a unit's answer becomes an entry in one step (never a complaint's), and a
    /// retired entry leaves the list.
    func testKnowledgeBaseEntriesAreKeptBySupervisorsAndFillAnAnswer() throws {
        let (desk, db) = try makeDesk()
        let kasubbag = Actor(name: "kasubbag", mayReadConfidential: false, role: .supervisor)
        let agent = Actor(name: "andi", mayReadConfidential: false, role: .agent)
        let body = "Yth. {{sender_name}} ({{origin}}),\nterkait tiket {{ticket}}: DAU disalurkan bulanan."
        XCTAssertThrowsError(
            try desk.saveKnowledgeEntry(id: nil, category: "dau", title: "Penyaluran", body: body, as: agent)
        ) { XCTAssertEqual(($0 as? SurelError)?.kind, .refused) }
        XCTAssertThrowsError(
            try desk.saveKnowledgeEntry(id: nil, category: "dau", title: "X", body: "Halo {{nama}}", as: kasubbag)
        ) { XCTAssertTrue("\($0)".contains("{{nama}}"), "\($0)") }
        XCTAssertThrowsError(
            try desk.saveKnowledgeEntry(
                id: nil, category: "dau", title: "X", body: "{{#ticket}} tanpa tutup", as: kasubbag))
        XCTAssertThrowsError(
            try desk.saveKnowledgeEntry(id: nil, category: "tidak-ada", title: "X", body: "teks", as: kasubbag))
        let other = try desk.saveKnowledgeEntry(
            id: nil, category: "dak-fisik", title: "Juknis DAK", body: "Lihat juknis.", as: kasubbag)
        let dau = try desk.saveKnowledgeEntry(id: nil, category: "dau", title: "Penyaluran", body: body, as: kasubbag)
        XCTAssertEqual(try desk.knowledgeBase(first: "dau", as: agent).map(\.id), [dau.id, other.id])
        XCTAssertEqual(try desk.knowledgeBase(first: "dak-fisik", as: agent).map(\.id), [other.id, dau.id])

        let question = TicketNumber(year: 2025, sequence: 2)
        let draft = try desk.draftAnswer(question, from: dau.id!, as: agent)
        XCTAssertTrue(draft.hasPrefix("Yth. BPKAD Kediri (Kabupaten Kediri, Jawa Timur),\n"), draft)
        XCTAssertTrue(draft.contains("terkait tiket 2025-000002: DAU"), draft)

        // A unit's answer becomes an entry of the ticket's category, titled by its subject.
        let cli = desk.actor(named: "Sri")
        try desk.escalate(question, unit: "DTU", note: nil, as: cli)
        try desk.layer2Answer(question, body: "DAU {{bulan}} disalurkan tanggal 5.", as: cli)
        let fromUnit = try desk.knowledgeEntryFromUnitAnswer(question, index: 0, as: kasubbag)
        XCTAssertEqual(fromUnit.category, "dau")
        XCTAssertEqual(fromUnit.title, "Penyaluran DAU")
        XCTAssertEqual(fromUnit.body, "DAU { {bulan}} disalurkan tanggal 5.")
        XCTAssertEqual(fromUnit.sourceTicketID, try db.ticket(number: question)?.id)
        XCTAssertThrowsError(try desk.knowledgeEntryFromUnitAnswer(question, index: 0, as: agent))
        // The complaint's unit answer never becomes an entry, not even for a reader.
        let complaint = TicketNumber(year: 2025, sequence: 1)
        try desk.layer2Answer(complaint, body: "Jawaban unit atas aduan", as: cli)
        let reader = Actor(name: "Sri", mayReadConfidential: true, role: .supervisor)
        XCTAssertThrowsError(try desk.knowledgeEntryFromUnitAnswer(complaint, index: 0, as: reader)) {
            XCTAssertEqual(($0 as? SurelError)?.kind, .refused)
        }

        try desk.retireKnowledgeEntry(other.id!, as: kasubbag)
        XCTAssertEqual(try desk.knowledgeBase(as: agent).map(\.id), [dau.id, fromUnit.id])
        XCTAssertThrowsError(try desk.knowledgeEntry(other.id!, as: agent))
    }

    /// The public functions under `// MARK: - Reads` in Sources/SurelEngine/HelpDesk/*.swift.
    static func readsInSources() throws -> Set<String> {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/SurelEngine/HelpDesk")
        var names: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            var inReads = false
            for line in try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(
                separator: "\n")
            {
                let l = line.trimmingCharacters(in: .whitespaces)
                if l.hasPrefix("// MARK:") { inReads = l.hasPrefix("// MARK: - Reads") }
                if inReads, l.hasPrefix("public func "),
                    let name = l.dropFirst("public func ".count)
                        .split(whereSeparator: { $0 == "(" || $0 == "<" }).first
                {
                    names.insert(String(name))
                }
            }
        }
        return names
    }
}
