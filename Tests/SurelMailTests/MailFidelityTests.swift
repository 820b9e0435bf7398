// Nothing a sender wrote is lost: minimal mails for what other mail libraries' test suites expect, each read as
// those libraries read it.
import Foundation
import XCTest
@testable import SurelMail

final class MailFidelityTests: XCTestCase {
    func parse(_ lines: [String]) throws -> ParsedMessage {
        try MIMEParser.parse(Data(lines.joined(separator: "\r\n").utf8))
    }

    func testAnInvalidQuotedPrintableEscapeKeepsTheRestOfTheText() throws {
        let p = try parse([
            "From: a@b.test", "Content-Transfer-Encoding: quoted-printable", "",
            "price 5=% discount", "and the rest of the text",
        ])
        XCTAssertEqual(p.text, "price 5=% discount\nand the rest of the text")
    }

    /// MimeKit's issue 358: a relay broke a long token of one field onto an unindented line of its own.
    func testAnUnindentedBrokenTokenContinuesTheHeader() throws {
        let p = try parse([
            "From: a@b.test", "x-diagnostics: 1;AM4PR01MB1442;6:1Y77VdiYZvwh",
            "P8FxVksOO2tmFWl+LxT0Acgv7RaCFBKFmzA31fwJabrvuEaFINDvMVgEV9Cc41bylhc13tqhso5",
            "x-other: SSOS;", "Subject: Uji header",
            "Content-Type: multipart/alternative;", "\tboundary=\"b\"", "", "--b",
            "Content-Type: text/plain", "", "Test headers", "--b",
            "Content-Type: text/html", "", "<p>Test headers</p>", "--b--",
        ])
        XCTAssertEqual(p.subject, "Uji header")
        XCTAssertEqual(p.text.trimmingCharacters(in: .whitespacesAndNewlines), "Test headers")
        // Without a blank line after the header, a body line is still body, even one followed by a field.
        let q = try parse(["From: a@b.test", "Subject: s", "Selamat pagi,", "Nama: Budi", "", "sisa"])
        XCTAssertTrue(q.text.hasPrefix("Selamat pagi,\nNama: Budi"), q.text)
    }

    func testANulInBase64TextIsReplacedNotTheEnd() throws {
        let body = Data("awal".utf8) + Data([0]) + Data("akhir".utf8)
        let p = try parse([
            "From: a@b.test", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64", "", body.base64EncodedString(),
        ])
        XCTAssertEqual(p.text, "awal\u{FFFD}akhir")
    }

    func testOneInvalidByteInUTF8TextIsReplacedAndTheRestStaysUTF8() throws {
        let raw =
            Data("From: a@b.test\nContent-Type: text/plain; charset=utf-8\n\nGrüße ".utf8) + Data([0xFF])
            + Data(" Kediri".utf8)
        XCTAssertEqual(try MIMEParser.parse(raw).text, "Grüße \u{FFFD} Kediri")
    }

    func testAnEightBitByteInsideAnEncodedWordIsDecodedOnce() throws {
        let raw = Data("From: a@b.test\nSubject: =?iso-8859-1?Q?Fr".utf8) + Data([0xF6]) + Data("sche?=\n\nx".utf8)
        XCTAssertEqual(try MIMEParser.parse(raw).subject, "Frösche")
    }

    func testAnInlineTextWithAFileNameIsAnAttachmentToo() throws {
        let p = try parse([
            "From: a@b.test", "Content-Type: multipart/mixed; boundary=b", "", "--b",
            "Content-Type: text/plain", "", "Terlampir laporan.", "--b",
            "Content-Type: text/plain", "Content-Disposition: inline; filename=\"laporan.txt\"", "",
            "Realisasi DAU 2025", "--b--",
        ])
        XCTAssertEqual(p.attachments.map(\.filename), ["laporan.txt"])
        XCTAssertTrue(p.text.contains("Realisasi DAU 2025"), p.text)
    }

    func testAnUnquotedNameWithASpaceIsTheWholeName() throws {
        let p = try parse([
            "From: a@b.test", "Content-Type: multipart/mixed; boundary=b", "", "--b",
            "Content-Type: application/pdf; name=Surat Permohonan.pdf",
            "Content-Transfer-Encoding: base64", "", Data("%PDF".utf8).base64EncodedString(), "--b--",
        ])
        XCTAssertEqual(p.attachments.first?.filename, "Surat Permohonan.pdf")
    }

    func testAnAttachedMailWithAFileNameIsListedAsAnAttachment() throws {
        let p = try parse([
            "From: a@b.test", "Content-Type: multipart/mixed; boundary=b", "", "--b",
            "Content-Type: text/plain", "", "Saya teruskan surat ini.", "--b",
            "Content-Type: message/rfc822; name=\"surat-bupati.eml\"", "",
            "From: bupati@kedirikab.go.id", "Subject: Permohonan", "", "Isi surat bupati.", "--b--",
        ])
        XCTAssertEqual(p.attachments.map(\.filename), ["surat-bupati.eml"])
        XCTAssertTrue(p.text.contains("Isi surat bupati."), p.text)
    }

    func testAMissingSemicolonBeforeTheBoundaryStillFindsTheParts() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47])
        let p = try parse([
            "From: a@b.test", "Content-Type: multipart/related boundary=\"rel\"", "", "--rel",
            "Content-Type: text/plain", "", "Gambar terlampir.", "--rel",
            "Content-Type: image/png", "Content-Transfer-Encoding: base64", "",
            png.base64EncodedString(), "--rel--",
        ])
        XCTAssertEqual(p.text, "Gambar terlampir.")
        XCTAssertEqual(p.attachments.first?.data, png)
    }

    func testAnObsoleteSpaceBeforeTheColonStillNamesTheSender() throws {
        let p = try parse(["From : jdoe@machine.example", "Subject : Saying Hello", "", "x"])
        XCTAssertEqual(p.from?.email, "jdoe@machine.example")
        XCTAssertEqual(p.subject, "Saying Hello")
    }
    /// RFC 6532: an address in UTF-8 is an address (mikel/mail's rfc6532 fixture), not a reason to quarantine.
    func testAnInternationalizedAddressIsRead() throws {
        let p = try parse(["From: J\u{00F6}rg <jd\u{00F6}e@m\u{00E4}chine.example>", "Subject: s", "", "x"])
        XCTAssertEqual(p.from?.email, "jd\u{00F6}e@m\u{00E4}chine.example")
        XCTAssertEqual(p.from?.name, "J\u{00F6}rg")
        // Bytes that are not UTF-8 still make no address.
        let q = try MIMEParser.parse(Data("From: jd".utf8) + Data([0xF6]) + Data("e@machine.example\n\nx".utf8))
        XCTAssertNil(q.from)
    }

    /// MimeKit's missing-subtype message: a type without a subtype, but a file name, is still that file.
    func testAFileWithABrokenContentTypeIsStillAFile() throws {
        let p = try parse([
            "From: a@b.test", "Content-Type: multipart/mixed; boundary=b", "", "--b",
            "Content-Type: text/plain", "", "Terlampir.", "--b",
            "Content-Type: application-x-gzip; name=\"document.xml.gz\"",
            "Content-Transfer-Encoding: base64", "", Data([0x1F, 0x8B]).base64EncodedString(), "--b--",
        ])
        XCTAssertEqual(p.attachments.map(\.filename), ["document.xml.gz"])
        XCTAssertEqual(p.attachments.first?.contentType, "application/octet-stream")
        XCTAssertEqual(p.attachments.first?.data, Data([0x1F, 0x8B]))
        XCTAssertEqual(p.text, "Terlampir.")
    }

    /// An invalid byte in a charset iconv converts becomes U+FFFD; the text around it stays (mikel/mail's
    /// attachment_with_encoded_name fixture).
    func testAnInvalidByteInAnRFC2231NameIsReplacedNotDropped() throws {
        let p = try parse([
            "From: a@b.test", "Content-Type: multipart/mixed; boundary=b", "", "--b",
            "Content-Type: audio/mpeg; name*=iso-2022-jp'ja'01%20Quien%20Te%20Dij%8aat.%20Pitbull.mp3",
            "", "x", "--b--",
        ])
        XCTAssertEqual(p.attachments.first?.filename, "01 Quien Te Dij\u{FFFD}at. Pitbull.mp3")
    }

    /// format=flowed (RFC 3676), as MimeKit's issue1130 expects: soft breaks joined, delsp honoured, quotes kept apart.
    func testFlowedTextIsJoinedAsTheSenderWroteIt() throws {
        let p = try parse([
            "From: a@b.test", "Content-Type: text/plain; format=flowed", "", "Mohon informasi ",
            "jadwal penyaluran ", "DAU.", "> kutipan ", "> lanjut", " -- ", "-- ", "Budi",
        ])
        XCTAssertEqual(p.text, "Mohon informasi jadwal penyaluran DAU.\n> kutipan lanjut\n-- \n-- \nBudi")
        let q = try parse([
            "From: a@b.test", "Content-Type: text/plain; format=flowed; delsp=yes", "", "but now there is ",
            "a \"You do not\"",
        ])
        XCTAssertEqual(q.text, "but now there isa \"You do not\"")
    }

    /// A UTF-8 byte order mark before the first field (MimeKit's test data has such a message) hides no header.
    func testAByteOrderMarkBeforeTheHeaderIsSkipped() throws {
        let p = try MIMEParser.parse(
            Data([0xEF, 0xBB, 0xBF]) + Data("From: <abusedesk@example.com>\r\nSubject: FW\r\n\r\nx".utf8))
        XCTAssertEqual(p.from?.email, "abusedesk@example.com")
        XCTAssertEqual(p.subject, "FW")
    }
}
