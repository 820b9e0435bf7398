import Foundation
import XCTest
import SurelMail
@testable import SurelEngine

final class TriageTests: XCTestCase {
    func verdict(_ headers: String, _ body: String) throws -> TriageVerdict {
        let raw =
            headers.trimmingCharacters(in: .newlines)
            + "\nMessage-ID: <t@x>\nContent-Type: text/plain; charset=utf-8\n\n" + body
        return Triage.classify(try MIMEParser.parse(Data(raw.utf8)))
    }

    func testAutoReplyHeaders() throws {
        let base = "From: a@kedirikab.go.id\nTo: callcenter.djpk@kemenkeu.go.id\nSubject: Pertanyaan"
        XCTAssertEqual(
            try verdict(base + "\nAuto-Submitted: auto-replied", "x"),
            .autoReply(reason: "Auto-Submitted: auto-replied"))
        XCTAssertEqual(try verdict(base + "\nAuto-Submitted: no", "Mohon info DAU"), .message(isBulk: false))
        XCTAssertEqual(try verdict(base + "\nX-Autoreply: yes", "x"), .autoReply(reason: "X-Autoreply header"))
        XCTAssertEqual(
            try verdict(base + "\nPrecedence: auto_reply", "x"), .autoReply(reason: "Precedence: auto_reply"))
    }

    func testAutoReplySubjectsAndHeaderlessAcknowledgements() throws {
        let from = "From: a@kedirikab.go.id\nTo: callcenter.djpk@kemenkeu.go.id\n"
        for s in [
            "Automatic reply: Undangan", "Out of Office: Survei", "Balasan Otomatis: Re: DAU",
            "[Auto-Reply] Email anda sudah diterima",
        ] {
            guard case .autoReply = try verdict(from + "Subject: \(s)", "x") else { return XCTFail(s) }
        }
        // A reply whose own short text is an acknowledgement.
        guard
            case .autoReply = try verdict(
                from + "Subject: Re: Undangan Sosialisasi",
                "Terima kasih, email Anda telah kami terima dan akan segera kami proses.")
        else {
            return XCTFail("header-less acknowledgement")
        }
        // Phishing that says it was sent automatically is not a reply: it must open a ticket (to be called spam).
        XCTAssertEqual(
            try verdict(
                from + "Subject: [PENTING] Akun SIKD Anda akan dinonaktifkan",
                "Segera verifikasi akun. Email ini dikirim secara otomatis."), .message(isBulk: false))
        // A citizen quoting our acknowledgement below their own question is not an auto-reply.
        XCTAssertEqual(
            try verdict(
                from + "Subject: Re: [DJPK#2025-000001] Pertanyaan DAU",
                "Mohon tindak lanjutnya, sudah 3 hari.\n\nPada Sen, 3 Feb 2025 menulis:\n> Email Anda telah kami terima dan dibalas secara otomatis."
            ),
            .message(isBulk: false))
    }

    /// A Layer 2 unit answers in the words of an acknowledgement: its text never makes it an auto-reply (its
    /// headers and subject still do).
    func testAUnitsAnswerIsNoAutoReplyByItsText() throws {
        let raw =
            "From: dtu@kemenkeu.go.id\nSubject: Re: [DJPK#2025-000007] Eskalasi DBH\nMessage-ID: <u@x>\n\n"
            + "Email Bapak/Ibu telah kami terima. Jawaban: alokasi DBH CHT ditetapkan dalam PMK."
        let m = try MIMEParser.parse(Data(raw.utf8))
        guard case .autoReply = Triage.classify(m) else {
            return XCTFail("from anyone else it reads as an acknowledgement")
        }
        XCTAssertEqual(Triage.classify(m, fromLayer2Unit: true), .message(isBulk: false))
        let away = try MIMEParser.parse(
            Data("From: dtu@kemenkeu.go.id\nSubject: Out of Office: Eskalasi DBH\n\nCuti".utf8))
        guard case .autoReply = Triage.classify(away, fromLayer2Unit: true) else { return XCTFail("by its subject") }
    }

    func testUnsubscribeRequestsAreOurMailtoSubjectOnly() throws {
        let from = "From: bpkad@kedirikab.go.id\nTo: callcenter.djpk@kemenkeu.go.id\n"
        XCTAssertEqual(try verdict(from + "Subject: berhenti-12", ""), .unsubscribe(blast: 12))
        XCTAssertEqual(try verdict(from + "Subject:  BERHENTI-7 ", "mohon berhenti"), .unsubscribe(blast: 7))
        XCTAssertEqual(
            try verdict(from + "Subject: Berhenti langganan", "Mohon saya dihapus dari daftar."),
            .message(isBulk: false), "a request in words is for an agent")
        XCTAssertEqual(try verdict(from + "Subject: berhenti-abc", "x"), .message(isBulk: false))
    }

    func testBulkIsAMessageNeverAnAutoReply() throws {
        let base = "From: news@example.com\nTo: callcenter.djpk@kemenkeu.go.id\nSubject: Buletin"
        XCTAssertEqual(try verdict(base + "\nPrecedence: bulk", "x"), .message(isBulk: true))
        XCTAssertEqual(try verdict(base + "\nList-Id: <buletin.example.com>", "x"), .message(isBulk: true))
        XCTAssertEqual(try verdict(base + "\nList-Unsubscribe: <mailto:u@example.com>", "x"), .message(isBulk: true))
    }

    func testPlainTextBounce() throws {
        let v = try verdict(
            "From: MAILER-DAEMON@mail.example.go.id\nTo: callcenter.djpk@kemenkeu.go.id\nReturn-Path: <>\nSubject: failure notice",
            """
            I'm afraid I wasn't able to deliver your message to the following addresses.

            <kasubbid@bpkad.example.go.id>:
            Sorry, no mailbox here by that name. (#5.1.1)

            --- Below this line is a copy of the message.

            From: Contact Center DJPK <callcenter.djpk@kemenkeu.go.id>
            Message-ID: <blast-0318@djpk.kemenkeu.go.id>
            """)
        guard case .bounce(let b) = v else { return XCTFail("\(v)") }
        XCTAssertEqual(b.recipient, "kasubbid@bpkad.example.go.id")
        XCTAssertEqual(b.status, "5.1.1")
        XCTAssertEqual(b.originalMessageID, "blast-0318@djpk.kemenkeu.go.id")
    }

    func testDSNBounce() throws {
        let raw = """
            From: Mail Delivery System <MAILER-DAEMON@mx.kemenkeu.go.id>
            To: callcenter.djpk@kemenkeu.go.id
            Subject: Undelivered Mail Returned to Sender
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered.
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.kemenkeu.go.id

            Final-Recipient: rfc822; bpkad@contoh.go.id
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 User unknown

            --B
            Content-Type: text/rfc822-headers

            From: callcenter.djpk@kemenkeu.go.id
            Message-ID: <ack-77@djpk.kemenkeu.go.id>
            Subject: Undangan

            --B--
            """
        let v = Triage.classify(try MIMEParser.parse(Data(raw.utf8)))
        guard case .bounce(let b) = v else { return XCTFail("a DSN carrying Auto-Submitted is still a bounce: \(v)") }
        XCTAssertEqual(b.recipient, "bpkad@contoh.go.id")
        XCTAssertEqual(b.status, "5.1.1")
        XCTAssertEqual(b.originalMessageID, "ack-77@djpk.kemenkeu.go.id")
    }
}
