// What we send must read back exactly: composed mail parsed by our own MIME parser (the same Mailutils any
// receiving client's library resembles), with every line within RFC 5322's limit and CRLF line ends.
import Foundation
import XCTest
@testable import SurelMail

final class MailComposerTests: XCTestCase {
    func testRoundTripOfSubjectNamesBodyAndAttachments() throws {
        let longLine = String(repeating: "Dana Alokasi Umum (DAU) — penyaluran tahap I = 25% ", count: 6) + "  "
        var mail = OutgoingMail(
            from: MailAddress(name: "Contact Center DJPK", email: "callcenter.djpk@kemenkeu.go.id"),
            to: [MailAddress(name: "Bapak Ümit Sánchez, S.E.", email: "umit@bpkad.kedirikab.go.id")],
            subject:
                "[DJPK#2025-000123] Re: Pertanyaan penyaluran DAU — tahap I “mendesak” untuk Kabupaten Kediri tahun 2025",
            text: "Yth. Bapak/Ibu,\n\n" + longLine
                + "\nBaris dengan = tanda sama dengan\n\nHormat kami,\nContact Center DJPK")
        mail.inReplyTo = "q1@kedirikab.go.id"
        mail.references = ["q0@kedirikab.go.id", "q1@kedirikab.go.id"]
        mail.automatic = true
        let pdf = Data((0..<5000).map { UInt8($0 % 251) })
        let name = "Berita Acara Konsultasi – Kabupaten Kediri – DJPK#2025-000123 (final).pdf"
        mail.attachments = [OutgoingAttachment(filename: name, contentType: "application/pdf", data: pdf)]
        let (id, raw) = MailComposer.compose(
            mail, messageIDDomain: "kemenkeu.go.id",
            date: Date(timeIntervalSince1970: 1_738_540_800))
        XCTAssertTrue(id.hasSuffix("@kemenkeu.go.id"))

        let text = String(decoding: raw, as: UTF8.self)
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF in the message")
        for line in text.components(separatedBy: "\r\n") {
            XCTAssertLessThanOrEqual(line.utf8.count, 78, "line too long: \(line)")
            XCTAssertTrue(line.unicodeScalars.allSatisfy(\.isASCII), "non-ASCII on the wire: \(line)")
        }

        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.messageID, id)
        XCTAssertEqual(p.subject, mail.subject)
        XCTAssertEqual(p.from, mail.from)
        XCTAssertEqual(p.to.first?.name, "Bapak Ümit Sánchez, S.E.")
        XCTAssertEqual(p.to.first?.email, "umit@bpkad.kedirikab.go.id")
        XCTAssertEqual(p.inReplyTo, ["q1@kedirikab.go.id"])
        XCTAssertEqual(p.references, ["q0@kedirikab.go.id", "q1@kedirikab.go.id"])
        XCTAssertEqual(p.header("Auto-Submitted"), "auto-replied")
        XCTAssertEqual(
            p.text.trimmingCharacters(in: .whitespacesAndNewlines),
            mail.text.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(p.attachments.count, 1)
        XCTAssertEqual(p.attachments.first?.filename, name)
        XCTAssertEqual(p.attachments.first?.data, pdf)
        XCTAssertEqual(p.date, Date(timeIntervalSince1970: 1_738_540_800))
        XCTAssertEqual(p.header("Date"), "Mon, 03 Feb 2025 07:00:00 +0700")
        XCTAssertEqual(
            MailComposer.rfc5322Date(Date(timeIntervalSince1970: 1_767_200_399)), "Wed, 31 Dec 2025 23:59:59 +0700")
    }

    /// Non-ASCII file names of every length come back exactly, wherever the 48-character pieces of their RFC 2231
    /// continuation fall; and each piece holds whole characters (whole %XX escapes of whole UTF-8 sequences), so
    /// that readers which decode the pieces one by one also get them right.
    func testNonASCIIFilenamesOfEveryLengthRoundTrip() throws {
        let alphabet = Array("Lampiran(é–ü)DAU")  // no spaces: a name is read back trimmed
        for length in 1...80 {
            // Shifted by the length, so that the piece boundaries fall on every kind of character.
            let name = String((0..<length).map { alphabet[($0 + length) % alphabet.count] })
            var mail = OutgoingMail(
                from: MailAddress(name: nil, email: "a@kemenkeu.go.id"),
                to: [MailAddress(name: nil, email: "b@kedirikab.go.id")],
                subject: "Lampiran", text: "Terlampir.")
            mail.attachments = [
                OutgoingAttachment(filename: name, contentType: "application/pdf", data: Data("%PDF".utf8))
            ]
            let raw = MailComposer.compose(mail, messageIDDomain: "kemenkeu.go.id").raw
            let text = String(decoding: raw, as: UTF8.self)
            for line in text.components(separatedBy: "\r\n") {
                XCTAssertLessThanOrEqual(line.utf8.count, 78, "line too long: \(line)")
                guard line.hasPrefix(" filename*"), let eq = line.firstIndex(of: "=") else { continue }
                var piece = line[line.index(after: eq)...]
                if piece.hasPrefix("utf-8''") { piece = piece.dropFirst(7) }
                if piece.hasSuffix(";") { piece = piece.dropLast() }
                XCTAssertNotNil(piece.removingPercentEncoding, "piece is not whole UTF-8 characters: \(line)")
            }
            XCTAssertEqual(try MIMEParser.parse(raw).attachments.first?.filename, name, "length \(length)")
        }
    }

    func testPlainASCIIStaysReadable() {
        let m = OutgoingMail(
            from: MailAddress(name: nil, email: "a@b.go.id"), to: [MailAddress(name: "Budi", email: "c@d.go.id")],
            subject: "Penyaluran DAU", text: "Terima kasih.")
        let text = String(decoding: MailComposer.compose(m, messageIDDomain: "b.go.id").raw, as: UTF8.self)
        XCTAssertTrue(text.contains("\r\nSubject: Penyaluran DAU\r\n"), text)
        XCTAssertTrue(text.contains("\r\nTo: \"Budi\" <c@d.go.id>\r\n"), text)
        XCTAssertFalse(text.contains("Auto-Submitted"), "a person's answer is not automatic")
    }

    func testHTMLGoesBesideTheTextAsAlternativeAndAttachmentsStayOutside() throws {
        var mail = OutgoingMail(
            from: MailAddress(name: nil, email: "a@kemenkeu.go.id"),
            to: [MailAddress(name: nil, email: "b@kedirikab.go.id")],
            subject: "Undangan webinar", text: "Yth. Bapak/Ibu,\nundangan terlampir.")
        mail.html =
            "<p>Yth. <b>Bapak/Ibu</b>,</p>\n<p>undangan terlampir — " + String(repeating: "sangat penting ", count: 12)
            + "</p>"
        mail.attachments = [
            OutgoingAttachment(
                filename: "undangan.pdf", contentType: "application/pdf",
                data: Data("%PDF-1.4 test".utf8))
        ]
        let raw = MailComposer.compose(mail, messageIDDomain: "kemenkeu.go.id").raw
        let text = String(decoding: raw, as: UTF8.self)
        for line in text.components(separatedBy: "\r\n") {
            XCTAssertLessThanOrEqual(line.utf8.count, 78, "line too long: \(line)")
        }
        XCTAssertTrue(text.contains("Content-Type: multipart/mixed;"), text)
        XCTAssertTrue(text.contains("Content-Type: multipart/alternative;"), text)
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text.trimmingCharacters(in: .whitespacesAndNewlines), mail.text)
        XCTAssertEqual(p.html?.trimmingCharacters(in: .whitespacesAndNewlines), mail.html)
        XCTAssertEqual(p.attachments.map(\.filename), ["undangan.pdf"])
    }

    func testQuotedPrintableKeepsTrailingSpaceAndBreaksLongLines() {
        let qp = MailComposer.quotedPrintable("akhir spasi \r\n" + String(repeating: "é", count: 40) + "\rx")
        let lines = qp.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "akhir spasi=20", "a space before a line break is encoded")
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.count <= 76 }, qp)
        XCTAssertEqual(
            lines[1], String(repeating: "=C3=A9", count: 12) + "=C3=", "breaks at 75 columns plus the soft-break '='")
        XCTAssertTrue(qp.hasSuffix("=0Dx"), "a bare CR is encoded, not sent as a line end: \(qp)")
    }
}
