// The store's invariants: numbering, dedupe with the cursor, and threading by tag, references and subject,
// reopening within the window and linking after it.
import Foundation
import XCTest
import SurelCore
@testable import SurelStore

final class ThreadingTests: XCTestCase {
    var db: SurelDatabase!
    let t0 = Date(timeIntervalSince1970: 1_738_540_800)  // 2025-02-03 00:00 UTC
    let day: TimeInterval = 86400
    var counter = 0

    override func setUpWithError() throws { db = try SurelDatabase(inMemory: ()) }

    func message(
        id: String, from: String = "staf@kedirikab.go.id", subject: String, at: Date,
        inReplyTo: [String] = [], references: [String] = [], kind: MessageKind = .ticket,
        body: String = "isi"
    ) -> IncomingMessage {
        counter += 1
        // Each delivery has a Received line of its own; the content after the header is `body`.
        let header = "Received: by relay \(counter)\nMessage-ID: <\(id)>"
        var m = IncomingMessage(
            kind: kind, messageID: id, rawSHA256: "sha-\(id)-\(counter)", raw: Data("\(header)\n\n\(body)".utf8),
            mailbox: "mb", uidValidity: 1, uid: Int64(counter), subject: subject, fromName: nil,
            fromEmail: from, sentAt: at, receivedAt: at, threadTime: at, text: "isi", html: nil,
            inReplyTo: inReplyTo, references: references, note: nil, bounce: nil, isBulk: false,
            attachments: [])
        m.bodyOffset = header.utf8.count
        return m
    }

    func intent(_ m: IncomingMessage, category: String = "dau") -> TicketIntent {
        TicketIntent(
            ticketNumberInSubject: TicketNumber.find(inSubject: m.subject),
            referencedMessageIDs: m.references + m.inReplyTo, normalizedSubject: SubjectNormalizer.normalize(m.subject),
            senderEmail: m.fromEmail!, senderProfile: SenderDirectory.profile(forEmail: m.fromEmail!),
            receivedAt: m.receivedAt, threadTime: m.threadTime, subjectWindow: 3 * day, reopenWindow: 7 * day,
            year: 2025, confidentialCategories: ["pengaduan"],
            classify: { Classification(category: category, confidence: 0.9, explanation: "test") })
    }

    @discardableResult
    func store(_ m: IncomingMessage, category: String = "dau") throws -> IngestOutcome {
        try db.storeIncoming(
            m, ticket: intent(m, category: category),
            cursor: CursorAdvance(mailbox: "mb", uidValidity: 1, uid: m.uid!, at: m.receivedAt))
    }

    /// Full-text search (table ticketSearch, fed by triggers): a ticket is found by its number, a subject word, its
    /// sender, a word of any of its incoming mails (follow-ups too) and the start of a word; what people type cannot
    /// break the query; confidential tickets can be left out.
    func testFullTextSearchFindsTicketsByNumberSubjectSenderAndText() throws {
        var a = message(id: "s1", from: "rina@sukoharjokab.go.id", subject: "Penyaluran DAU tahap tiga", at: t0)
        a.text = "Dana belum masuk ke rekening kas umum daerah."
        try store(a)
        var b = message(id: "s2", from: "budi@garutkab.go.id", subject: "Perda pajak daerah", at: t0)
        b.text = "Mohon evaluasi rancangan perda."
        try store(b)
        var follow = message(
            id: "s3", from: "rina@sukoharjokab.go.id", subject: "Re: x", at: t0 + 60, inReplyTo: ["s1"])
        follow.text = "Tambahan: bendahara menanyakan rekomendasi dinas teknis."
        try store(follow)
        var complaint = message(id: "s4", from: "warga@gmail.com", subject: "Laporan", at: t0)
        complaint.text = "Ada pungutan di kantor desa."
        try store(complaint, category: "pengaduan")
        func found(_ q: String, withoutConfidential: Bool = false) throws -> [Int] {
            try db.tickets(search: q, withoutConfidential: withoutConfidential).map(\.sequence)
        }
        XCTAssertEqual(try found("rekening kas"), [1])
        XCTAssertEqual(try found("rekomendasi"), [1], "a follow-up's words find its ticket")
        XCTAssertEqual(try found("perda"), [2])
        XCTAssertEqual(try found("garutkab"), [2], "by sender")
        XCTAssertEqual(try found("2025-000002"), [2], "by number")
        XCTAssertEqual(try found("bendaha"), [1], "the last word as a prefix")
        XCTAssertEqual(try found("DAERAH"), [1, 2])
        XCTAssertEqual(try found("pungutan"), [3])
        XCTAssertEqual(try found("pungutan", withoutConfidential: true), [])
        for hostile in ["\"", "subject:dau OR", "dau AND NOT", "* ( ) ^", "NEAR(a b)", "   "] {
            XCTAssertNoThrow(try found(hostile), hostile)
        }
    }

    func testNumbersCountUpPerYear() throws {
        XCTAssertEqual(
            try store(message(id: "a", subject: "Satu", at: t0)), .newTicket(TicketNumber(year: 2025, sequence: 1)))
        XCTAssertEqual(
            try store(message(id: "b", from: "x@garutkab.go.id", subject: "Dua", at: t0)),
            .newTicket(TicketNumber(year: 2025, sequence: 2)))
        XCTAssertEqual(TicketNumber(year: 2025, sequence: 2).subjectTag, "[DJPK#2025-000002]")
        // A new year starts again at 1; the old one goes on where it was.
        let next = message(id: "c", from: "y@blitarkab.go.id", subject: "Tiga", at: t0 + 340 * day)
        var i = intent(next)
        i.year = 2026
        XCTAssertEqual(
            try db.storeIncoming(next, ticket: i, cursor: nil), .newTicket(TicketNumber(year: 2026, sequence: 1)))
        XCTAssertEqual(
            try store(message(id: "d", from: "z@malangkab.go.id", subject: "Empat", at: t0)),
            .newTicket(TicketNumber(year: 2025, sequence: 3)))
    }

    func testSameRawBytesAreStoredOnceButTheCursorAdvances() throws {
        let m = message(id: "a", subject: "Satu", at: t0)
        try store(m)
        var again = m
        again.uid = 99
        XCTAssertEqual(
            try db.storeIncoming(
                again, ticket: intent(again),
                cursor: CursorAdvance(mailbox: "mb", uidValidity: 1, uid: 99)), .duplicate)
        XCTAssertEqual(try db.tickets().count, 1)
        XCTAssertEqual(try db.cursor(mailbox: "mb")?.lastUID, 99)
    }

    func testTheSameMailDeliveredTwiceIsStoredOnce() throws {
        // Other Received lines, so other bytes: the same Message-ID, sender, subject and date make it the same mail.
        let first = message(id: "twice@kedirikab.go.id", subject: "Tanya DAU", at: t0)
        try store(first)
        let again = message(id: "twice@kedirikab.go.id", subject: "Tanya DAU", at: t0)
        XCTAssertNotEqual(first.rawSHA256, again.rawSHA256)
        XCTAssertEqual(try store(again), .duplicate)
        // A mailer that reuses one Message-ID for different mails loses none of them: not even one with the same
        // sender, subject and date and other content.
        guard case .newTicket = try store(message(id: "twice@kedirikab.go.id", subject: "Tanya DBH", at: t0 + 60))
        else {
            return XCTFail("a different mail with the same Message-ID is stored")
        }
        let otherContent = message(id: "twice@kedirikab.go.id", subject: "Tanya DAU", at: t0, body: "lampiran lain")
        XCTAssertNotEqual(try store(otherContent), .duplicate)
        XCTAssertEqual(try db.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM message") }, 3)

        // Every duplicate is recorded with the message it matched; bytes that differ from it are kept.
        var sameBytes = first
        sameBytes.uid = 50
        XCTAssertEqual(try store(sameBytes), .duplicate)
        let firstRow = try db.writer.read {
            try Int64.fetchOne($0, sql: "SELECT id FROM message WHERE rawSHA256 = ?", arguments: [first.rawSHA256])
        }
        let recorded = try db.writer.read {
            try DuplicateRecord.fetchAll($0, sql: "SELECT * FROM duplicate ORDER BY id")
        }
        XCTAssertEqual(recorded.map(\.matchedMessageRowID), [firstRow, firstRow])
        XCTAssertEqual(recorded.map(\.sameBytes), [false, true])
        XCTAssertEqual(recorded.map(\.uid), [again.uid, 50])
        XCTAssertEqual(recorded[0].raw, again.raw)
        XCTAssertNil(recorded[1].raw)
    }

    func testFollowUpByReferencesByTagAndBySubject() throws {
        guard case .newTicket(let n) = try store(message(id: "q1", subject: "Penyaluran DAU Februari", at: t0)) else {
            return XCTFail("no ticket")
        }
        // In-Reply-To naming the first message.
        XCTAssertEqual(
            try store(message(id: "q2", subject: "Re: Penyaluran DAU Februari", at: t0 + 3600, inReplyTo: ["q1"])),
            .joined(n, reopened: false))
        // Our tag in the subject, from another address (a colleague answering for the office).
        XCTAssertEqual(
            try store(
                message(
                    id: "q3", from: "kabid@kedirikab.go.id", subject: "Balas: \(n.subjectTag) lanjutan",
                    at: t0 + 7200)), .joined(n, reopened: false))
        // Same subject, same sender, within 3 days, no headers.
        XCTAssertEqual(
            try store(message(id: "q4", subject: "RE: FW: Penyaluran DAU  februari", at: t0 + 2 * day)),
            .joined(n, reopened: false))
        // Same subject from another sender: a new ticket.
        guard
            case .newTicket = try store(
                message(
                    id: "q5", from: "lain@garutkab.go.id", subject: "Penyaluran DAU Februari",
                    at: t0 + 2 * day))
        else { return XCTFail("should not join") }
        // Same subject, same sender, more than 3 days after the last message of the thread: a new ticket.
        guard case .newTicket = try store(message(id: "q6", subject: "Penyaluran DAU Februari", at: t0 + 6 * day))
        else {
            return XCTFail("should not join after the window")
        }
        let detail = try XCTUnwrap(try db.ticketDetail(number: n))
        XCTAssertEqual(detail.messages.compactMap(\.messageID), ["q1", "q2", "q3", "q4"])
    }

    func testClosedTicketReopensWithinSevenDaysThenLinks() throws {
        guard case .newTicket(let n) = try store(message(id: "c1", subject: "Tanya DBH", at: t0)) else {
            return XCTFail()
        }
        try db.setStatus(n, to: .closed, by: "agen", at: t0 + day)
        XCTAssertEqual(
            try store(message(id: "c2", subject: "Re: Tanya DBH", at: t0 + 3 * day, inReplyTo: ["c1"])),
            .joined(n, reopened: true))
        XCTAssertEqual(try db.ticket(number: n)?.status, .open)
        try db.setStatus(n, to: .closed, by: "agen", at: t0 + 4 * day)
        let late = try store(message(id: "c3", subject: "Re: Tanya DBH", at: t0 + 12 * day, inReplyTo: ["c2"]))
        guard case .newLinked(let m, previous: let prev) = late else {
            return XCTFail("expected a linked ticket, got \(late)")
        }
        XCTAssertEqual(prev, n)
        XCTAssertNotEqual(m, n)
        XCTAssertEqual(try db.ticket(number: m)?.previousTicketID, try db.ticket(number: n)?.id)
        XCTAssertEqual(try db.ticket(number: n)?.status, .closed)
    }

    func testFollowUpsKeepTheirTicketsCategoryAndPengaduanIsConfidential() throws {
        guard case .newTicket(let n) = try store(message(id: "p1", subject: "Laporan", at: t0), category: "pengaduan")
        else {
            return XCTFail()
        }
        try store(message(id: "p2", subject: "Re: Laporan", at: t0 + 60, inReplyTo: ["p1"]), category: "spam")
        let t = try XCTUnwrap(try db.ticket(number: n))
        XCTAssertEqual(t.category, "pengaduan")
        XCTAssertTrue(t.confidential)
    }

    func testALateFollowUpToAComplaintStaysConfidential() throws {
        guard
            case .newTicket(let n) = try store(
                message(
                    id: "k1", from: "pelapor@gmail.com", subject: "Laporan pungli",
                    at: t0), category: "pengaduan")
        else { return XCTFail() }
        try db.setStatus(n, to: .closed, by: "agen", at: t0 + day)
        // Twelve days later a short thank-you quoting the complaint: classified as something else, yet it opens a
        // ticket that continues the complaint and shows its subject and sender.
        let late = try store(
            message(
                id: "k2", from: "pelapor@gmail.com", subject: "Re: Laporan pungli", at: t0 + 12 * day,
                inReplyTo: ["k1"]), category: "lainnya")
        guard case .newLinked(let m, previous: n) = late else {
            return XCTFail("expected a linked ticket, got \(late)")
        }
        let linked = try XCTUnwrap(try db.ticket(number: m))
        XCTAssertEqual(linked.category, "lainnya")
        XCTAssertTrue(linked.confidential, "a continuation of a complaint is confidential")
        // An agent's review giving it a category of its own keeps it so.
        let reviewed = try db.reviewAndUpdateModel(
            number: m, category: "dau", reviewer: "sri",
            confidentialCategories: ["pengaduan"], modelName: "m"
        ) { _, _, _ in nil }
        XCTAssertEqual(reviewed?.ticket.category, "dau")
        XCTAssertTrue(try XCTUnwrap(try db.ticket(number: m)).confidential)
        // While a plain ticket moved out of pengaduan by a review is no longer confidential.
        guard
            case .newTicket(let other) = try store(
                message(
                    id: "k3", from: "staf@garutkab.go.id", subject: "Tanya DAU",
                    at: t0), category: "pengaduan")
        else { return XCTFail() }
        _ = try db.reviewAndUpdateModel(
            number: other, category: "dau", reviewer: "sri",
            confidentialCategories: ["pengaduan"], modelName: "m"
        ) { _, _, _ in nil }
        XCTAssertFalse(try XCTUnwrap(try db.ticket(number: other)).confidential)
        // A ticket found to be a complaint only after a continuation exists makes that continuation confidential.
        guard
            case .newTicket(let p) = try store(
                message(id: "k4", from: "warga@gmail.com", subject: "Tanya DD", at: t0),
                category: "dana-desa")
        else { return XCTFail() }
        try db.setStatus(p, to: .closed, by: "agen", at: t0 + day)
        guard
            case .newLinked(let q, previous: p) = try store(
                message(
                    id: "k5", from: "warga@gmail.com", subject: "Re: Tanya DD",
                    at: t0 + 12 * day, inReplyTo: ["k4"]))
        else { return XCTFail() }
        XCTAssertFalse(try XCTUnwrap(try db.ticket(number: q)).confidential)
        _ = try db.reviewAndUpdateModel(
            number: p, category: "pengaduan", reviewer: "sri",
            confidentialCategories: ["pengaduan"], modelName: "m"
        ) { _, _, _ in nil }
        XCTAssertTrue(try XCTUnwrap(try db.ticket(number: q)).confidential)
    }

    func testTheConfidentialFootprintCoversMailAboutAComplaint() throws {
        try store(message(id: "f1", from: "Pelapor@Gmail.com", subject: "Laporan", at: t0), category: "pengaduan")
        try store(message(id: "f2", subject: "Tanya DAU", at: t0), category: "dau")
        let f = try db.confidentialFootprint()
        XCTAssertEqual(f.addresses, ["pelapor@gmail.com"])
        XCTAssertEqual(f.messageIDs, ["f1"])
        let messages = try db.writer.read { try StoredMessage.fetchAll($0) }
        XCTAssertEqual(
            messages.filter(f.touches).map(\.messageID), ["f1"], "the complaint's message, not the other ticket's")
        // Mail without a ticket: an auto-reply to our acknowledgement of the complaint, a bounce from the
        // complainant's address, and an unrelated auto-reply.
        var autoReply = message(
            id: "ar1", from: "noreply@kantor.go.id", subject: "Automatic reply", at: t0, kind: .autoreply)
        autoReply.references = ["ack-1", "f1"]
        XCTAssertTrue(f.touches(autoReply.record(ticketID: nil)))
        var bounce = message(id: "b1", from: "mailer-daemon@relay", subject: "Undelivered", at: t0, kind: .bounce)
        bounce.bounce = DeliveryStatusSummary(
            recipient: "PELAPOR@gmail.com", status: "5.1.1", diagnostic: nil,
            originalMessageID: "unknown@x")
        XCTAssertTrue(f.touches(bounce.record(ticketID: nil)))
        XCTAssertFalse(
            f.touches(
                message(
                    id: "ar2", from: "cuti@garutkab.go.id", subject: "Cuti", at: t0,
                    inReplyTo: ["f2"], kind: .autoreply
                ).record(ticketID: nil)))
    }

    func testLaterMailInAnOldThreadGoesOnInItsContinuation() throws {
        guard case .newTicket(let a) = try store(message(id: "o1", subject: "Tanya DBH", at: t0)) else {
            return XCTFail()
        }
        try db.setStatus(a, to: .closed, by: "agen", at: t0 + day)
        guard
            case .newLinked(let b, previous: a) = try store(
                message(
                    id: "o2", subject: "Re: \(a.subjectTag) Tanya DBH",
                    at: t0 + 12 * day, inReplyTo: ["o1"]))
        else {
            return XCTFail()
        }
        // Five minutes later, "lampirannya tertinggal", still carrying the old tag and replying to the old mail.
        XCTAssertEqual(
            try store(
                message(
                    id: "o3", subject: "Re: \(a.subjectTag) Tanya DBH", at: t0 + 12 * day + 300,
                    inReplyTo: ["o1"])), .joined(b, reopened: false))
        XCTAssertEqual(try db.tickets().count, 2)
    }

    func testAutoRepliesAndBouncesAboutATicketAreShownInIt() throws {
        guard
            case .newTicket(let n) = try store(
                message(
                    id: "t1", from: "kabid@garutkab.go.id", subject: "Tanya DAU",
                    at: t0))
        else { return XCTFail() }
        let ticket = try XCTUnwrap(try db.ticket(number: n))
        try db.enqueue(
            OutgoingRecord(
                ticketID: ticket.id, purpose: .answer, messageID: "answer-1@djpk",
                raw: Data("jawaban".utf8), subject: "Re: \(n.subjectTag) Tanya DAU", text: "Jawaban",
                fromName: nil, fromEmail: "cc@djpk.go.id", recipients: ["kabid@garutkab.go.id"],
                inReplyTo: ["t1"], references: ["t1"]))
        // The same address once got a blast: a bounce of our answer must not touch that blast's recipient.
        try db.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO recipientList(name, createdAt) VALUES ('l', ?);
                    INSERT INTO blast(listName, subject, template, status, createdAt) VALUES ('l', 's', 't', 'done', ?);
                    INSERT INTO blastRecipient(blastID, email, fields, state, attempts, possiblyDuplicated, messageID, sentAt)
                    VALUES (1, 'kabid@garutkab.go.id', '{}', 'sent', 1, 0, 'blast-1@djpk', ?);
                    """, arguments: [t0, t0, t0])
        }
        var away = message(
            id: "ar", from: "kabid@garutkab.go.id", subject: "Re: Tanya DAU", at: t0 + 3600,
            inReplyTo: ["answer-1@djpk"], kind: .autoreply)
        away.note = "automatic text \"sedang dinas luar\""
        XCTAssertEqual(try db.storeIncoming(away, ticket: nil, cursor: nil), .recorded(.autoreply))
        var bounce = message(
            id: "bn", from: "mailer-daemon@relay.go.id", subject: "Undelivered Mail", at: t0 + 7200,
            kind: .bounce)
        bounce.bounce = DeliveryStatusSummary(
            recipient: "kabid@garutkab.go.id", status: "5.2.2", diagnostic: "mailbox full",
            originalMessageID: "answer-1@djpk")
        XCTAssertEqual(try db.storeIncoming(bounce, ticket: nil, cursor: nil), .recorded(.bounce))
        let detail = try XCTUnwrap(try db.ticketDetail(number: n))
        XCTAssertEqual(detail.messages.map(\.kind), [.ticket, .outgoing, .autoreply, .bounce])
        XCTAssertEqual(detail.ticket.status, ticket.status, "no reopening, nothing acknowledged")
        XCTAssertTrue(detail.events.contains { $0.kind == "autoreply" && $0.detail.contains("dinas luar") })
        XCTAssertTrue(detail.events.contains { $0.kind == "bounce" && $0.detail.contains("5.2.2") })
        XCTAssertEqual(try db.blastRecipients(1).first?.state, .sent)
        XCTAssertEqual(try db.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM suppression") }, 0)
        // One naming a mail we do not know (a relay rewrote its Message-ID) is matched by the address, as before.
        var rewritten = message(
            id: "bn2", from: "mailer-daemon@relay.go.id", subject: "Undelivered Mail", at: t0 + 9000,
            kind: .bounce)
        rewritten.bounce = DeliveryStatusSummary(
            recipient: "kabid@garutkab.go.id", status: "5.1.1", diagnostic: "unknown",
            originalMessageID: "rewritten-by-relay@relay.go.id")
        try db.storeIncoming(rewritten, ticket: nil, cursor: nil)
        XCTAssertEqual(try db.blastRecipients(1).first?.state, .bounced)
        // An auto-reply that names no mail of ours stays on its own.
        XCTAssertEqual(
            try db.storeIncoming(
                message(
                    id: "ar2", from: "x@y.go.id", subject: "Out of Office", at: t0,
                    kind: .autoreply), ticket: nil, cursor: nil), .recorded(.autoreply))
        XCTAssertNil(try db.messages(kind: .autoreply).first { $0.messageID == "ar2" }?.ticketID)
    }

    func testAUnitsMailedAnswerCountsAfterAnInterimAnswer() throws {
        guard case .newTicket(let n) = try store(message(id: "e1", subject: "Tanya DBH CHT", at: t0)) else {
            return XCTFail()
        }
        try db.act(.escalate(unit: "DTU"), on: n, actor: "agen", at: t0 + 60)
        try db.act(.answer, on: n, actor: "agen", answer: "Sedang kami tanyakan ke unit teknis.", at: t0 + 120)
        var reply = message(
            id: "e2", from: "dtu@kemenkeu.go.id", subject: "Re: \(n.subjectTag) Tanya DBH CHT", at: t0 + day)
        reply.text = "Jawaban DTU: alokasi DBH CHT ditetapkan dalam PMK."
        var i = intent(reply)
        i.layer2Units = ["dtu@kemenkeu.go.id": "DTU"]
        XCTAssertEqual(try db.storeIncoming(reply, ticket: i, cursor: nil), .joined(n, reopened: true))
        let t = try XCTUnwrap(try db.ticket(number: n))
        XCTAssertEqual(t.layer2AnsweredAt, t0 + day)
        XCTAssertEqual(try db.answers(ticketID: t.id!).map(\.source), ["agent", "layer2"])
        // Closed long ago, and a late follow-up of the citizen opened a continuation: a unit's further mail still
        // goes to the ticket escalated to it.
        try db.setStatus(n, to: .closed, by: "agen", at: t0 + 2 * day)
        guard
            case .newLinked = try store(
                message(id: "e3", subject: "Re: \(n.subjectTag) Tanya DBH CHT", at: t0 + 20 * day))
        else {
            return XCTFail()
        }
        var late = message(
            id: "e4", from: "dtu@kemenkeu.go.id", subject: "Re: \(n.subjectTag) Tanya DBH CHT", at: t0 + 21 * day)
        late.text = "Tambahan dari DTU."
        var j = intent(late)
        j.layer2Units = ["dtu@kemenkeu.go.id": "DTU"]
        XCTAssertEqual(try db.storeIncoming(late, ticket: j, cursor: nil), .joined(n, reopened: true))
        XCTAssertEqual(try db.answers(ticketID: t.id!).map(\.source), ["agent", "layer2", "layer2"])
    }

    /// Escalated to one unit, then to another: each escalation keeps its own answer time (each unit its score),
    /// and the first unit's late answer does not count for the second.
    func testEachEscalationKeepsItsOwnAnswer() throws {
        guard case .newTicket(let n) = try store(message(id: "x1", subject: "Tanya DAK", at: t0)) else {
            return XCTFail()
        }
        try db.act(.escalate(unit: "DTU"), on: n, actor: "agen", at: t0 + 60)
        try db.act(.escalate(unit: "DTK"), on: n, actor: "agen", at: t0 + day)
        var late = message(
            id: "x2", from: "dtu@kemenkeu.go.id", subject: "Re: \(n.subjectTag) Tanya DAK", at: t0 + 2 * day)
        late.text = "Jawaban DTU."
        var i = intent(late)
        i.layer2Units = ["dtu@kemenkeu.go.id": "DTU", "dtk@kemenkeu.go.id": "DTK"]
        try db.storeIncoming(late, ticket: i, cursor: nil)
        var rows = try db.escalations()
        XCTAssertEqual(rows.map(\.unit), ["DTU", "DTK"])
        XCTAssertEqual(rows.map(\.answeredAt), [t0 + 2 * day, nil])
        XCTAssertNil(try db.ticket(number: n)?.layer2AnsweredAt, "the current escalation (DTK) is still unanswered")
        var dtk = message(
            id: "x3", from: "dtk@kemenkeu.go.id", subject: "Re: \(n.subjectTag) Tanya DAK", at: t0 + 3 * day)
        dtk.text = "Jawaban DTK."
        var j = intent(dtk)
        j.layer2Units = i.layer2Units
        try db.storeIncoming(dtk, ticket: j, cursor: nil)
        rows = try db.escalations()
        XCTAssertEqual(rows.map(\.answeredAt), [t0 + 2 * day, t0 + 3 * day])
        XCTAssertEqual(try db.ticket(number: n)?.layer2AnsweredAt, t0 + 3 * day)
    }

    func testAutoRepliesAndBouncesOpenNoTicket() throws {
        let a = message(id: "ar", subject: "Automatic reply: x", at: t0, kind: .autoreply)
        XCTAssertEqual(try db.storeIncoming(a, ticket: nil, cursor: nil), .recorded(.autoreply))
        XCTAssertEqual(try db.tickets().count, 0)
        XCTAssertEqual(try db.messages(kind: .autoreply).count, 1)
    }

    func testWALModeOnDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("surel-wal-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let disk = try SurelDatabase(path: dir.appendingPathComponent("s.sqlite").path)
        XCTAssertEqual(try disk.journalMode(), "wal")
    }
}
