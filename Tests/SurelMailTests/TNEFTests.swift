// Outlook's winmail.dat: the files and the text inside it reach the agent, the original stays. The TNEF streams
// are built here attribute by attribute (MS-OXTNEF 2.1.3), so each test says exactly what Outlook would have put in.
import Foundation
import XCTest
@testable import SurelMail

// MARK: - Building TNEF

private func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
private func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
private func padded(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }

/// One attribute: level, id, length, data, checksum (the sum of the data bytes).
private func attribute(_ level: UInt8, _ id: UInt32, _ data: [UInt8]) -> [UInt8] {
    [level] + le32(Int(id)) + le32(data.count) + data + le16(data.reduce(0) { ($0 + Int($1)) & 0xFFFF })
}

private func stream(_ attributes: [[UInt8]]) -> [UInt8] {
    le32(0x223E_9F78) + le16(0x0001) + attributes.flatMap { $0 }
}

/// A property list with variable-size values (string8 0x001E, unicode 0x001F, binary 0x0102).
private func properties(_ props: [(type: Int, tag: Int, value: [UInt8])]) -> [UInt8] {
    le32(props.count)
        + props.flatMap { p in le16(p.type) + le16(p.tag) + le32(1) + le32(p.value.count) + padded(p.value) }
}

private func utf16(_ s: String) -> [UInt8] { s.utf16.flatMap { le16(Int($0)) } + [0, 0] }

final class TNEFTests: XCTestCase {
    static let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)

    /// A plain body, a PDF with its long name in the attachment's properties, and a file with only a title.
    static let letter: [UInt8] = stream([
        attribute(1, TNEF.attBody, Array("Dengan hormat, terlampir surat permohonan.\0".utf8)),
        attribute(2, TNEF.attAttachRendData, [UInt8](repeating: 0, count: 14)),
        attribute(2, TNEF.attAttachTitle, Array("SURATP~1.PDF\0".utf8)),
        attribute(2, TNEF.attAttachData, pdf),
        attribute(
            2, TNEF.attAttachment,
            properties([
                (0x001F, 0x3707, utf16("Surat Permohonan.pdf")),
                (0x001E, 0x370E, Array("application/pdf\0".utf8)),
            ])),
        attribute(2, TNEF.attAttachRendData, [UInt8](repeating: 0, count: 14)),
        attribute(2, TNEF.attAttachTitle, Array("data.csv\0".utf8)),
        attribute(2, TNEF.attAttachData, Array("kode;nama\n3506;Kab. Kediri\n".utf8)),
    ])

    func testTheFilesAndTheTextInsideAreRead() throws {
        let c = try XCTUnwrap(TNEF.read(Self.letter))
        XCTAssertEqual(c.text, "Dengan hormat, terlampir surat permohonan.")
        XCTAssertEqual(c.attachments.map(\.filename), ["Surat Permohonan.pdf", "data.csv"])
        XCTAssertEqual(c.attachments.map(\.contentType), ["application/pdf", "application/octet-stream"])
        XCTAssertEqual([UInt8](c.attachments[0].data), Self.pdf)
        XCTAssertEqual(String(decoding: c.attachments[1].data, as: UTF8.self), "kode;nama\n3506;Kab. Kediri\n")
    }

    func testAWinmailDatInAMailIsKeptAndUnpacked() throws {
        let raw = [
            "From: a@kedirikab.go.id", "Subject: Permohonan", "Content-Type: multipart/mixed; boundary=b", "",
            "--b", "Content-Type: application/ms-tnef; name=\"winmail.dat\"",
            "Content-Transfer-Encoding: base64", "",
            Data(Self.letter).base64EncodedString(options: .lineLength76Characters),
            "--b--", "",
        ].joined(separator: "\r\n")
        let p = try MIMEParser.parse(Data(raw.utf8))
        XCTAssertEqual(p.attachments.map(\.filename), ["winmail.dat", "Surat Permohonan.pdf", "data.csv"])
        XCTAssertEqual([UInt8](p.attachments[0].data), Self.letter)
        // No other part has text: the body inside winmail.dat is the mail's text.
        XCTAssertEqual(p.text, "Dengan hormat, terlampir surat permohonan.")
    }

    func testTheTextPartOutlookSendsAlongsideStaysTheText() throws {
        let raw = [
            "From: a@kedirikab.go.id", "Content-Type: multipart/mixed; boundary=b", "", "--b",
            "Content-Type: text/plain", "", "Teks dari Outlook.", "--b",
            "Content-Type: application/octet-stream; name=WINMAIL.DAT", "Content-Transfer-Encoding: base64", "",
            Data(Self.letter).base64EncodedString(), "--b--", "",
        ].joined(separator: "\n")
        let p = try MIMEParser.parse(Data(raw.utf8))
        XCTAssertEqual(p.text, "Teks dari Outlook.")
        XCTAssertEqual(p.attachments.map(\.filename), ["WINMAIL.DAT", "Surat Permohonan.pdf", "data.csv"])
    }

    /// An Outlook message attached to the mail (attach method "embedded message"): listed by its name, and what it
    /// holds unpacked too.
    func testAnAttachedOutlookMessageIsListedAndUnpacked() throws {
        let inner = stream([
            attribute(1, TNEF.attBody, Array("Isi pesan terlampir\0".utf8)),
            attribute(2, TNEF.attAttachRendData, [UInt8](repeating: 0, count: 14)),
            attribute(2, TNEF.attAttachTitle, Array("rekap.xlsx\0".utf8)),
            attribute(2, TNEF.attAttachData, Array("PK".utf8)),
        ])
        let outer = stream([
            attribute(1, TNEF.attBody, Array("Pesan utama\0".utf8)),
            attribute(2, TNEF.attAttachRendData, [UInt8](repeating: 0, count: 14)),
            attribute(2, TNEF.attAttachTitle, Array("Untitled Attachment\0".utf8)),
            attribute(
                2, TNEF.attAttachment,
                properties([
                    (0x001E, 0x3001, Array("Undangan rapat\0".utf8)),
                    (0x000D, 0x3701, [UInt8](repeating: 7, count: 16) + inner),
                ])),
        ])
        let c = try XCTUnwrap(TNEF.read(outer))
        XCTAssertEqual(c.attachments.map(\.filename), ["Undangan rapat", "rekap.xlsx"])
        XCTAssertEqual([UInt8](c.attachments[0].data), inner)
        XCTAssertEqual(c.text, "Pesan utama\n\n---------- Pesan terlampir ----------\nIsi pesan terlampir")
    }

    /// A stream of a million empty attachments gives at most `maxAttachments` files, with a warning.
    func testAttachmentsAreCapped() throws {
        let one = attribute(2, TNEF.attAttachRendData, []) + attribute(2, TNEF.attAttachData, [])
        let c = try XCTUnwrap(TNEF.read(stream(Array(repeating: one, count: 5_000))))
        XCTAssertEqual(c.attachments.count, TNEF.maxAttachments)
        XCTAssertTrue(c.warnings.contains { $0.contains("more than") }, "\(c.warnings)")
    }

    /// Many winmail.dat parts cannot add up to more files than a message may have parts.
    func testTheFilesOfManyWinmailDatCountAgainstThePartLimit() throws {
        let one = attribute(2, TNEF.attAttachRendData, []) + attribute(2, TNEF.attAttachData, [])
        let tnef = Data(stream(Array(repeating: one, count: 500))).base64EncodedString()
        var lines = ["From: a@b.test", "Content-Type: multipart/mixed; boundary=b", ""]
        for _ in 0..<10 {
            lines += ["--b", "Content-Type: application/ms-tnef", "Content-Transfer-Encoding: base64", "", tnef]
        }
        lines.append("--b--")
        let p = try MIMEParser.parse(Data(lines.joined(separator: "\n").utf8))
        XCTAssertLessThanOrEqual(p.attachments.count, MIMEParser.maxParts + 10)
        XCTAssertTrue(p.warnings.contains { $0.contains("more than \(MIMEParser.maxParts)") }, "\(p.warnings)")
    }

    /// MS-OXRTFCP 3.1.1's example: compressed RTF decompresses to the document.
    func testCompressedRTFFromTheSpecification() throws {
        let compressed: [UInt8] = [
            0x2D, 0x00, 0x00, 0x00, 0x2B, 0x00, 0x00, 0x00, 0x4C, 0x5A, 0x46, 0x75, 0xF1, 0xC5, 0xC7, 0xA7,
            0x03, 0x00, 0x0A, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0A, 0xF3, 0x20,
            0x68, 0x65, 0x6C, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xB0, 0x6C, 0x64, 0x7D, 0x0A, 0x80, 0x0F, 0xA0,
        ]
        let rtf = try XCTUnwrap(TNEF.decompressRTF(compressed))
        XCTAssertEqual(String(decoding: rtf, as: UTF8.self), "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n")
        XCTAssertEqual(RTFText.text(from: rtf), "hello world")
    }

    /// A body only in RTF (what Outlook sends for rich text), and RTF that Outlook made from HTML.
    func testAnRTFBodyBecomesText() throws {
        let rtf =
            "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Calibri;}}{\\*\\generator Riched20;}\\pard "
            + "Yth. Contact Center,\\par Mohon info DAU \\'e9 \\u8212?\\par}"
        let stored = le32(rtf.utf8.count + 12) + le32(rtf.utf8.count) + Array("MELA".utf8) + le32(0) + Array(rtf.utf8)
        let s = stream([attribute(1, TNEF.attMsgProps, properties([(0x0102, 0x1009, stored)]))])
        XCTAssertEqual(TNEF.read(s)?.text, "Yth. Contact Center,\nMohon info DAU é \u{2014}")

        let html =
            "{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Halo\\htmlrtf }\\htmlrtf0 "
            + "{\\*\\htmltag72 </p>}\\htmlrtf\\par\\htmlrtf0 {\\*\\htmltag64 <p>}Apa kabar{\\*\\htmltag72 </p>}}"
        XCTAssertEqual(RTFText.text(from: Array(html.utf8)), "Halo\n\nApa kabar")
    }

    /// Numbers no RTF writer makes (the fuzzer's: a ten-digit `\u`, a code page past UInt32) are no character.
    func testHugeRTFNumbersAreNoCharacter() {
        let rtf = "{\\rtf1 a\\u8213333333333?b\\ansicpg99999999999 c}"
        XCTAssertEqual(RTFText.text(from: Array(rtf.utf8)), "a\u{FFFD}bc")
    }

    /// Truncated or lying lengths end the reading; what was read before stays.
    func testABrokenStreamKeepsWhatCameBefore() throws {
        var cut = Array(Self.letter.prefix(Self.letter.count - 20))
        var c = try XCTUnwrap(TNEF.read(cut))
        XCTAssertEqual(c.attachments.first?.filename, "Surat Permohonan.pdf")
        XCTAssertFalse(c.warnings.isEmpty)
        cut = stream([
            attribute(1, TNEF.attMsgProps, le32(0x7FFF_FFFF) + le16(0x001E) + le16(0x1000) + le32(0x7FFF_FFFF))
        ])
        c = try XCTUnwrap(TNEF.read(cut))
        XCTAssertNil(c.text)
        XCTAssertNil(TNEF.read(Array("not tnef".utf8)))
        // Attributes shorter than the counts they must start with (the fuzzer's): nothing read, nothing trapped.
        c = try XCTUnwrap(
            TNEF.read(
                stream([
                    attribute(1, TNEF.attMsgProps, []), attribute(1, TNEF.attMsgProps, [1, 0]),
                    attribute(1, TNEF.attOemCodepage, [0xE4]),
                    attribute(2, TNEF.attAttachRendData, []), attribute(2, TNEF.attAttachment, []),
                    attribute(2, TNEF.attAttachment, [7]),
                ])))
        XCTAssertNil(c.text)
        XCTAssertTrue(c.attachments.isEmpty)
    }
}
