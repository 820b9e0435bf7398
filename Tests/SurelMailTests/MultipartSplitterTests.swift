import Foundation
import XCTest
@testable import SurelMail

/// The Swift multipart splitter (MultipartSplitter) on its own and through MIMEParser.parse.
final class MultipartSplitterTests: XCTestCase {
    private func mail(_ lines: [String], crlf: Bool = false) -> Data {
        Data(lines.joined(separator: crlf ? "\r\n" : "\n").utf8)
    }

    /// The parts `split` finds in `body`, as strings.
    private func split(_ body: String, _ boundary: String) -> (parts: [String], closed: Bool)? {
        let bytes = Array(body.utf8)
        return bytes.withUnsafeBytes { buf in
            MultipartSplitter.split(buf, 0..<buf.count, boundary: Array(boundary.utf8)).map { r in
                (r.parts.map { String(decoding: buf[$0], as: UTF8.self) }, r.closed)
            }
        }
    }

    // MARK: splitter alone

    func testDelimitersPreambleEpilogueAndPadding() throws {
        let body = "preamble\n--B\nA: 1\n\none\n--B \t\n\ntwo\n\n--B-- \nepilogue\n--B\nnot a part\n"
        let r = try XCTUnwrap(split(body, "B"))
        // The LF before a delimiter belongs to it: "two\n" keeps only the line break that was its own.
        XCTAssertEqual(r.parts, ["A: 1\n\none", "\ntwo\n"])
        XCTAssertTrue(r.closed)
    }

    func testBoundaryLikeLinesAreContent() throws {
        let body = "--b\n\nx\n--bX\n--b-1\n---b\n--B\n -b\n--b--x\n"
        // `--b--x` is a close delimiter with junk after it (seen in spam): it still closes.
        let r = try XCTUnwrap(split(body, "b"))
        XCTAssertEqual(r.parts, ["\nx\n--bX\n--b-1\n---b\n--B\n -b"])
        XCTAssertTrue(r.closed)
        XCTAssertNil(split("no delimiter\n--bb\n", "b"))
        XCTAssertNil(split("", "b"))
    }

    func testDelimiterAtTheVeryEndWithoutNewline() throws {
        XCTAssertEqual(split("--b\n\nlast\n--b--", "b")?.parts, ["\nlast"])
        XCTAssertEqual(split("--b\n\nlast\n--b--", "b")?.closed, true)
        // A plain delimiter at the end opens an empty part: dropped, and the body is not closed.
        let r = try XCTUnwrap(split("--b\n\nlast\n--b", "b"))
        XCTAssertEqual(r.parts, ["\nlast"])
        XCTAssertFalse(r.closed)
    }

    func testMissingCloseRunsToEndAndEmptyPartsAreDropped() throws {
        let r = try XCTUnwrap(split("--b\n--b\n\none\n--b\n--b\n\ntwo\n", "b"))
        XCTAssertEqual(r.parts, ["\none", "\ntwo\n"])
        XCTAssertFalse(r.closed)
    }

    func testHeaderAndBodySplit() {
        func parts(_ s: String) -> (String, String) {
            let b = Array(s.utf8)
            return b.withUnsafeBytes { buf in
                let (fields, body) = HeaderBlock.parse(buf, 0..<buf.count)
                let names = fields.map {
                    String(decoding: $0.name, as: UTF8.self) + ":" + String(decoding: $0.value, as: UTF8.self)
                }
                return (names.joined(separator: "|"), String(decoding: buf[body], as: UTF8.self))
            }
        }
        XCTAssertEqual(parts("A: 1\n b\nC: 2\n\nbody\n").0, "A: 1\n b|C: 2")
        XCTAssertEqual(parts("A: 1\n b\nC: 2\n\nbody\n").1, "body\n")
        XCTAssertEqual(parts("\nbody").0, "")
        XCTAssertEqual(parts("\nbody").1, "body")
        // No empty line: the header stops at the first line that is not a field (msg_47 in mime-torture).
        XCTAssertEqual(parts("Content-Type: text/plain\nbar\n").0, "Content-Type: text/plain")
        XCTAssertEqual(parts("Content-Type: text/plain\nbar\n").1, "bar\n")
        XCTAssertEqual(parts("just text, no header\n").1, "just text, no header\n")
        XCTAssertEqual(parts("  indented text, no header\n").1, "  indented text, no header\n")
        XCTAssertEqual(parts("A: 1").0, "A: 1")
        XCTAssertEqual(parts("A: 1").1, "")
        // The obsolete space before the colon (RFC 5322 §4.5.3) still makes a field.
        XCTAssertEqual(parts("From : a@b.test\n\nx").0, "From: a@b.test")
    }

    func testBase64BodyMatchesLenientDecoder() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_\n\r !*".utf8)
        for n in [0, 1, 3, 4, 5, 76, 77, 1000] {
            for _ in 0..<50 {
                let input = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
                XCTAssertEqual(input.withUnsafeBytes { Base64Body.decode($0) }, Self.referenceBase64(input))
            }
        }
        let payload = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let b64 = Array(payload.base64EncodedString(options: .lineLength76Characters).utf8)
        XCTAssertEqual(Data(b64.withUnsafeBytes { Base64Body.decode($0) }), payload)
    }

    /// Bit by bit: bytes outside the alphabet skipped, '=' ends a quantum, URL-safe letters accepted.
    static func referenceBase64(_ input: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = [], acc: UInt32 = 0, bits: UInt32 = 0
        for c in input {
            if c == UInt8(ascii: "=") { acc = 0; bits = 0; continue }
            let v: Int? = c == UInt8(ascii: "-") ? 62 : c == UInt8(ascii: "_") ? 63 : alphabet.firstIndex(of: c)
            guard let v else { continue }
            acc = acc << 6 | UInt32(v); bits += 6
            if bits >= 8 { bits -= 8; out.append(UInt8(truncatingIfNeeded: acc >> bits)); acc &= (1 << bits) - 1 }
        }
        return out
    }

    // MARK: through the parser

    func testBoundaryAtTheVeryEndWithoutTrailingNewline() throws {
        let pdf = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let raw = mail([
            "From: a@b.c", "Content-Type: multipart/mixed; boundary=\"E\"", "",
            "--E", "Content-Type: text/plain", "", "isi",
            "--E", "Content-Type: application/pdf; name=a.pdf", "Content-Transfer-Encoding: base64", "",
            pdf.base64EncodedString(options: .lineLength76Characters),
            "--E--",
        ])
        XCTAssertNotEqual(raw.last, 0x0A)
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "isi")
        XCTAssertEqual(p.attachments.first?.data, pdf)
        XCTAssertTrue(p.warnings.isEmpty, "\(p.warnings)")
    }

    func testBoundaryLikeLinesInsideParts() throws {
        // Lines that start with the delimiter but go on (`--boundaryX`, `--boundary-1`) are body content.
        let content = "--boundaryX\n--boundary-1\n--Boundary\n-- boundary\nend"
        let raw = mail([
            "From: a@b.c", "Content-Type: multipart/mixed; boundary=boundary", "",
            "--boundary", "Content-Type: text/plain", "", "halo",
            "--boundary", "Content-Type: application/octet-stream; name=x.bin", "",
            content,
            "--boundary", "Content-Type: application/pdf; name=b.pdf", "Content-Transfer-Encoding: base64", "",
            "--boundaryZ", Data("PDF".utf8).base64EncodedString(), "--boundaryZ",
            "--boundary--", "",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "halo")
        XCTAssertEqual(p.attachments.map(\.filename), ["x.bin", "b.pdf"])
        XCTAssertEqual(p.attachments.first?.data, Data(content.utf8))
        // In base64 the stray line is junk to the lenient decoder, not the end of the part.
        XCTAssertEqual(
            p.attachments.last?.data,
            Data(
                Self.referenceBase64(
                    Array(("--boundaryZ\n" + Data("PDF".utf8).base64EncodedString() + "\n--boundaryZ").utf8))))
    }

    func testCRLFMultipartKeepsBinaryExact() throws {
        let pdf = Data((0..<10000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) })
        let lines = [
            "From: a@b.c", "Subject: crlf", "Content-Type: multipart/mixed; boundary=\"=_crlf\"", "",
            "preamble", "--=_crlf", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable", "",
            "baris =C3=A9 satu", "baris dua", "",
            "--=_crlf", "Content-Type: application/pdf", "Content-Disposition: attachment; filename=\"s.pdf\"",
            "Content-Transfer-Encoding: base64", "",
            pdf.base64EncodedString(options: [
                .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
            ]),
            "--=_crlf--", "epilogue", "",
        ]
        for crlf in [true, false] {
            let p = try MIMEParser.parse(mail(lines, crlf: crlf))
            XCTAssertEqual(p.text, "baris é satu\nbaris dua")
            XCTAssertEqual(p.attachments.map(\.filename), ["s.pdf"])
            XCTAssertEqual(p.attachments.first?.data, pdf)
            XCTAssertTrue(p.warnings.isEmpty, "\(p.warnings)")
        }
    }

    func testNestedMultipartAndForward() throws {
        let raw = mail([
            "From: a@b.c", "Content-Type: multipart/mixed; boundary=\"o\"", "",
            "--o", "Content-Type: multipart/alternative; boundary=\"o-alt\"", "",
            "--o-alt", "Content-Type: text/html", "", "<p>versi html</p>",
            "--o-alt", "Content-Type: text/plain", "", "versi teks",
            "--o-alt--", "",
            "--o", "Content-Type: message/rfc822", "",
            "From: b@c.d", "Subject: asli", "Content-Type: multipart/mixed; boundary=o-in", "",
            "--o-in", "Content-Type: text/plain", "", "isi asli",
            "--o-in", "Content-Type: application/pdf; name=l.pdf", "Content-Transfer-Encoding: base64", "",
            Data("PDF".utf8).base64EncodedString(),
            "--o-in--",
            "--o--",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertTrue(p.text.hasPrefix("versi teks\n\n---------- Forwarded message ----------"), p.text)
        XCTAssertTrue(p.text.hasSuffix("isi asli"), p.text)
        XCTAssertEqual(p.html, "<p>versi html</p>")
        XCTAssertEqual(p.attachments.map(\.filename), ["l.pdf"])
        XCTAssertEqual(p.embeddedHeader("Subject"), "asli")
        XCTAssertTrue(p.warnings.isEmpty, "\(p.warnings)")
    }

    func testMissingClosingDelimiterTakesLastPartToTheEnd() throws {
        let pdf = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 3) })
        let raw = mail([
            "From: a@b.c", "Content-Type: multipart/mixed; boundary=M", "",
            "--M", "Content-Type: text/plain", "", "teks",
            "--M", "Content-Type: application/pdf; name=p.pdf", "Content-Transfer-Encoding: base64", "",
            pdf.base64EncodedString(options: .lineLength76Characters), "",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "teks")
        XCTAssertEqual(p.attachments.first?.data, pdf)
        XCTAssertTrue(p.warnings.contains { $0.contains("without closing delimiter") }, "\(p.warnings)")
    }

    func testMissingOrWrongBoundaryReadsAsText() throws {
        for ct in ["multipart/mixed", "multipart/mixed; boundary=\"other\""] {
            let p = try MIMEParser.parse(mail(["From: a@b.c", "Content-Type: \(ct)", "", "--X", "", "isi", "--X--"]))
            XCTAssertEqual(p.text, "--X\n\nisi\n--X--")
            XCTAssertTrue(p.warnings.contains { $0.contains("without usable parts") }, "\(p.warnings)")
        }
    }

    func testDoubleDelimitersAndMissingHeaderSeparator() throws {
        let raw = mail([
            "From: a@b.c", "Content-Type: multipart/mixed; boundary=D", "",
            "--D", "--D", "Content-Type: text/plain", "satu", "", "--D", "--D", "", "dua", "--D--",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "satu\n\ndua")
    }

    func testReportInsideSplitterKeepsDSNAndEmbeddedHeaders() throws {
        let raw = mail(
            [
                "From: MAILER-DAEMON@x", "Content-Type: multipart/report; report-type=delivery-status; boundary=R", "",
                "--R", "", "gagal",
                "--R", "Content-Type: message/delivery-status", "",
                "Reporting-MTA: dns; x", "", "Final-Recipient: rfc822; a@b.c", "Action: failed", "Status: 5.1.1",
                "--R", "Content-Type: message/rfc822", "",
                "Message-ID: <m@x>", "Subject: asal", "", "isi",
                "--R--",
            ], crlf: true)
        let p = try MIMEParser.parse(raw)
        // The status block is shown after the human-readable part, as mail readers show it.
        XCTAssertEqual(
            p.text, "gagal\n\nReporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b.c\nAction: failed\nStatus: 5.1.1")
        XCTAssertEqual(
            p.deliveryStatuses,
            [DeliveryStatus(finalRecipient: "a@b.c", action: "failed", status: "5.1.1", diagnostic: nil)])
        XCTAssertEqual(p.embeddedHeader("Message-ID"), "<m@x>")
        XCTAssertEqual(p.attachments.map(\.contentType), ["message/rfc822"])
    }

    /// Throughput on mail shaped like the bench (text + 20-200 KB base64 PDF); prints MB/s, asserts nothing about time.
    func testThroughputWithAttachmentsPrintsMBps() throws {
        var rng = SystemRandomNumberGenerator()
        var messages: [Data] = []
        for i in 0..<40 {
            let size = Int.random(in: 20_000...200_000, using: &rng)
            var words = [UInt64](repeating: 0, count: size / 8 + 1)
            for w in words.indices { words[w] = rng.next() }  // incompressible, like scanned PDFs
            let pdf = words.withUnsafeBytes { Data($0.prefix(size)) }
            messages.append(
                mail([
                    "From: a@b.c", "Subject: \(i)", "MIME-Version: 1.0",
                    "Content-Type: multipart/mixed; boundary=\"_mix_\(i)_\"", "",
                    "--_mix_\(i)_", "Content-Type: text/plain; charset=utf-8", "", "Terlampir surat.", "",
                    "--_mix_\(i)_", "Content-Type: application/pdf; name=\"s\(i).pdf\"",
                    "Content-Transfer-Encoding: base64", "",
                    pdf.base64EncodedString(options: .lineLength76Characters),
                    "--_mix_\(i)_--", "",
                ]))
        }
        let bytes = messages.reduce(0) { $0 + $1.count }
        let t0 = Date()
        for m in messages { XCTAssertEqual(try MIMEParser.parse(m).attachments.count, 1) }
        let dt = Date().timeIntervalSince(t0)
        print(
            String(
                format: "parse throughput: %d messages, %.1f MB, %.3f s, %.0f MB/s", messages.count,
                Double(bytes) / 1e6, dt, Double(bytes) / 1e6 / dt))
    }
}
