import Foundation
import XCTest
@testable import SurelMail

final class MIMEParserTests: XCTestCase {
    /// Builds raw message bytes from lines joined with LF (or CRLF), as a sender would put them on the wire.
    private func mail(_ lines: [String], crlf: Bool = false) -> Data {
        Data(lines.joined(separator: crlf ? "\r\n" : "\n").utf8)
    }

    private func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    // MARK: headers

    func testEncodedWordHeadersAndAddresses() throws {
        let raw = mail([
            "From: =?iso-8859-1?Q?Ren=E9_Dupont?= <Rene.Dupont@Example.COM>",
            "To: \"Call Center\" <CallCenter.DJPK@kemenkeu.go.id>, bpkad@kedirikab.go.id",
            "Cc: =?utf-8?B?" + b64("Sri Wahyuni — Setwan") + "?= <sri@x.go.id>",
            "Reply-To: reply@x.go.id",
            "Subject: =?windows-1252?Q?Penyampaian_Surat_=93DAU=94_=96_Kediri?=",
            "Message-ID: <abc.123@mail.example.com>",
            "In-Reply-To: <parent@x>",
            "References: <root@x>",
            "\t<parent@x>",
            "Date: Mon, 3 Feb 2025 08:47:44 +0700",
            "X-Note: folded",
            "  across lines",
            "",
            "body",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.subject, "Penyampaian Surat \u{201C}DAU\u{201D} \u{2013} Kediri")
        XCTAssertEqual(p.from, MailAddress(name: "René Dupont", email: "rene.dupont@example.com"))
        XCTAssertEqual(p.to.map(\.email), ["callcenter.djpk@kemenkeu.go.id", "bpkad@kedirikab.go.id"])
        XCTAssertEqual(p.to.first?.name, "Call Center")
        XCTAssertEqual(p.cc, [MailAddress(name: "Sri Wahyuni — Setwan", email: "sri@x.go.id")])
        XCTAssertEqual(p.replyTo.map(\.email), ["reply@x.go.id"])
        XCTAssertEqual(p.messageID, "abc.123@mail.example.com")
        XCTAssertEqual(p.inReplyTo, ["parent@x"])
        XCTAssertEqual(p.references, ["root@x", "parent@x"])
        XCTAssertEqual(p.date, Date(timeIntervalSince1970: 1738547264))  // 2025-02-03T01:47:44Z
        XCTAssertEqual(p.header("x-note"), "folded  across lines")
        XCTAssertEqual(p.header("Subject"), p.subject)
        XCTAssertEqual(p.text, "body")
    }

    func testAdjacentEncodedWordsJoinAndJunkDate() throws {
        let raw = mail([
            "From: plain@example.org",
            "Subject: =?utf-8?B?" + b64("Permohonan ") + "?=",
            " =?utf-8?B?" + b64("Penjelasan") + "?= DAU",
            "Date: not a date at all",
            "Message-ID: bare-id@example.org",
            "",
            "x",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.subject, "Permohonan Penjelasan DAU")
        XCTAssertNil(p.date)
        XCTAssertEqual(p.messageID, "bare-id@example.org")
        XCTAssertFalse(p.warnings.isEmpty, "a junk Date should be reported")
    }

    // MARK: bodies and charsets

    func testQuotedPrintableLatin1Body() throws {
        let raw = mail([
            "From: a@b.c", "Subject: qp",
            "Content-Type: text/plain; charset=ISO-8859-1",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Caf=E9 cr=E8me, soft =",
            "break, =3D sign.",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "Café crème, soft break, = sign.")
        XCTAssertTrue(p.warnings.isEmpty, "\(p.warnings)")
    }

    func testBase64UTF8Body() throws {
        let body = "Terima kasih — ✓ ñ\nBaris dua"
        let raw = mail(
            [
                "From: a@b.c", "Subject: b64",
                "Content-Type: text/plain; charset=\"utf-8\"",
                "Content-Transfer-Encoding: base64",
                "",
            ] + chunked(Data(body.utf8).base64EncodedString(), 20))
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, body)
    }

    func testWindows1252BodyAndUnknownCharsetFallback() throws {
        var raw = Data(
            "From: a@b.c\nContent-Type: text/plain; charset=windows-1252\n\nHarga \u{80}5 \u{93}ok\u{94}".utf8)
        raw =
            Data("From: a@b.c\nContent-Type: text/plain; charset=windows-1252\n\nHarga ".utf8)
            + Data([0x80, 0x35, 0x20, 0x93, 0x6F, 0x6B, 0x94])
        XCTAssertEqual(try MIMEParser.parse(raw).text, "Harga €5 “ok”")

        let unknown =
            Data("From: a@b.c\nContent-Type: text/plain; charset=x-no-such-charset\n\nS".utf8)
            + Data([0xE9, 0x6C, 0x61, 0x6D, 0x61, 0x74])
        let p = try MIMEParser.parse(unknown)
        XCTAssertEqual(p.text, "Sélamat")
        XCTAssertFalse(p.warnings.isEmpty, "falling back to windows-1252 must be reported")

        let missingUTF8 = Data("From: a@b.c\n\nSudah diterima — terima kasih".utf8)
        let q = try MIMEParser.parse(missingUTF8)
        XCTAssertEqual(q.text, "Sudah diterima — terima kasih")
        XCTAssertTrue(q.warnings.isEmpty)

        let iconvOnly =
            Data("From: a@b.c\nContent-Type: text/plain; charset=koi8-r\n\n".utf8)
            + Data([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4])
        XCTAssertEqual(try MIMEParser.parse(iconvOnly).text, "Привет")
    }

    func testHTMLOnlyBecomesText() throws {
        let html = """
            <html><head><title>T</title><style>p { color: red }</style><script>alert("x")</script></head>
            <body><p>Halo&nbsp;Bapak,</p><div>Baris satu<br>Baris dua &amp; &#8364;5 &#x263A; &eacute;</div>
            <!-- comment --><table><tr><td>A</td><td>B</td></tr></table></body></html>
            """
        let raw = mail([
            "From: a@b.c", "Subject: html",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            html.replacingOccurrences(of: "=", with: "=3D"),
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "Halo Bapak,\n\nBaris satu\nBaris dua & €5 ☺ é\n\nA B")
        XCTAssertFalse(p.text.contains("color"))
        XCTAssertFalse(p.text.contains("alert"))
        XCTAssertEqual(p.html?.contains("<script>"), true)
    }

    func testAlternativePrefersPlainAndKeepsHTML() throws {
        let raw = mail([
            "From: a@b.c", "Subject: alt",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"ALT\"",
            "",
            "--ALT",
            "Content-Type: text/html; charset=utf-8",
            "",
            "<p>versi <b>html</b></p>",
            "--ALT",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "versi teks",
            "--ALT--",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "versi teks")
        XCTAssertEqual(p.html, "<p>versi <b>html</b></p>")
        XCTAssertEqual(p.contentType, "multipart/alternative")
        XCTAssertEqual(p.contentTypeParameters["boundary"], "ALT")
        XCTAssertTrue(p.attachments.isEmpty)
    }

    // MARK: attachments

    func testAttachmentNamesRFC2231AndRFC2047() throws {
        let pdf = Data([0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x00, 0xFF])
        let raw = mail([
            "From: a@b.c", "Subject: att",
            "Content-Type: multipart/mixed; boundary=MIX",
            "",
            "--MIX",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "Terlampir.",
            "--MIX",
            "Content-Type: application/pdf",
            "Content-Disposition: attachment;",
            " filename*0*=utf-8''Surat%20Bupati%20;",
            " filename*1*=%E2%80%93%20Kediri.pdf",
            "Content-Transfer-Encoding: base64",
            "",
            pdf.base64EncodedString(),
            "--MIX",
            "Content-Type: application/vnd.ms-excel; name=\"=?utf-8?B?" + b64("Rekap DAU – 2025.xls") + "?=\"",
            "Content-Transfer-Encoding: base64",
            "",
            Data("xls".utf8).base64EncodedString(),
            "--MIX",
            "Content-Type: image/png",
            "Content-Disposition: inline; filename*=iso-8859-1''logo%E9.png",
            "Content-Transfer-Encoding: base64",
            "",
            Data([0x89, 0x50, 0x4E, 0x47]).base64EncodedString(),
            "--MIX--",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.text, "Terlampir.")
        XCTAssertEqual(p.attachments.count, 3)
        XCTAssertEqual(p.attachments[0].filename, "Surat Bupati – Kediri.pdf")
        XCTAssertEqual(p.attachments[0].contentType, "application/pdf")
        XCTAssertEqual(p.attachments[0].data, pdf)
        XCTAssertFalse(p.attachments[0].isInline)
        XCTAssertEqual(p.attachments[1].filename, "Rekap DAU – 2025.xls")
        XCTAssertEqual(p.attachments[1].data, Data("xls".utf8))
        XCTAssertEqual(p.attachments[2].filename, "logoé.png")
        XCTAssertTrue(p.attachments[2].isInline)
        XCTAssertEqual(p.attachments[2].data, Data([0x89, 0x50, 0x4E, 0x47]))
    }

    /// RFC 2231 §4.1: continued segments are joined as bytes and decoded once, so a character may straddle two
    /// segments (here the en dash E2 80 93 and the em dash E2 80 94).
    func testContinuedNameSplitInsideACharacter() throws {
        func attachmentName(_ disposition: [String]) throws -> String? {
            let raw = mail(
                [
                    "From: a@b.c", "Subject: att",
                    "Content-Type: multipart/mixed; boundary=MIX",
                    "",
                    "--MIX",
                    "Content-Type: text/plain",
                    "",
                    "Terlampir.",
                    "--MIX",
                    "Content-Type: application/pdf",
                ] + disposition + [
                    "Content-Transfer-Encoding: base64",
                    "",
                    Data("%PDF".utf8).base64EncodedString(),
                    "--MIX--",
                ])
            return try MIMEParser.parse(raw).attachments.first?.filename
        }
        for charset in ["utf-8", "UTF-8", "UTF8"] {
            let disposition = [
                "Content-Disposition: attachment;",
                " filename*0*=\(charset)''Surat%20Bupati%20Kediri%20%E2;",
                " filename*1*=%80%93%20Permohonan%20Penyaluran%20DAU%20%E2%80;",
                " filename*2*=%94%20Lampiran.pdf",
            ]
            let name = try attachmentName(disposition)
            XCTAssertEqual(name, "Surat Bupati Kediri – Permohonan Penyaluran DAU — Lampiran.pdf", charset)
        }
        // Only segment 0 names a charset; `name1*=` is a parameter of its own, not a segment.
        XCTAssertEqual(MIMEParameters.parse(Array("attachment; name1*=iso-8859-1''%E9".utf8)).params["name1"], "é")
        // A segment without `*` is taken as it is, between decoded ones.
        let mixed = try attachmentName([
            "Content-Disposition: attachment; filename*0*=utf-8''Lampiran%20%C3; filename*1*=%A9; filename*2=.pdf"
        ])
        XCTAssertEqual(mixed, "Lampiran é.pdf")
        // 文 is CE C4 and 件 BC FE in GBK.
        let gbk = try attachmentName([
            "Content-Disposition: attachment; filename*0*=gbk''%CE; filename*1*=%C4%BC%FE.pdf"
        ])
        XCTAssertEqual(gbk, "文件.pdf")
        // The parameter parser on its own.
        let p = MIMEParameters.parse(
            Array("attachment; filename*0*=utf-8''Kediri%20%E2%80; filename*1*=%93%20DAU.pdf".utf8))
        XCTAssertEqual(p.params["filename"], "Kediri – DAU.pdf")
    }

    // MARK: nested messages and bounces

    func testForwardedMessageIsAppendedWithItsAttachment() throws {
        let raw = mail([
            "From: staf@pemda.go.id", "Subject: Fwd: Surat",
            "Content-Type: multipart/mixed; boundary=OUT",
            "",
            "--OUT",
            "Content-Type: text/plain",
            "",
            "Mohon ditindaklanjuti.",
            "--OUT",
            "Content-Type: message/rfc822",
            "",
            "From: Kepala Bidang <kabid@pemda.go.id>",
            "Subject: =?utf-8?Q?Surat_asli_=E2=80=93_DAU?=",
            "Message-ID: <inner@pemda.go.id>",
            "Date: Tue, 4 Feb 2025 10:00:00 +0700",
            "Content-Type: multipart/mixed; boundary=IN",
            "",
            "--IN",
            "Content-Type: text/plain; charset=iso-8859-1",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Isi surat asli, s=E9kian.",
            "--IN",
            "Content-Type: application/pdf; name=lampiran.pdf",
            "Content-Transfer-Encoding: base64",
            "",
            Data("PDF".utf8).base64EncodedString(),
            "--IN--",
            "",
            "--OUT--",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertTrue(p.text.hasPrefix("Mohon ditindaklanjuti."), p.text)
        XCTAssertTrue(p.text.contains("---------- Forwarded message ----------"), p.text)
        XCTAssertTrue(p.text.contains("Subject: Surat asli – DAU"), p.text)
        XCTAssertTrue(p.text.contains("Isi surat asli, sékian."), p.text)
        XCTAssertEqual(p.attachments.map(\.filename), ["lampiran.pdf"])
        XCTAssertEqual(p.attachments.first?.data, Data("PDF".utf8))
        XCTAssertEqual(p.embeddedHeader("Message-ID"), "<inner@pemda.go.id>")
        XCTAssertTrue(p.deliveryStatuses.isEmpty)
    }

    func testDeliveryStatusNotification() throws {
        let raw = mail([
            "From: Mail Delivery System <MAILER-DAEMON@kemenkeu.go.id>",
            "To: callcenter.djpk@kemenkeu.go.id",
            "Subject: Undelivered Mail Returned to Sender",
            "Content-Type: multipart/report; report-type=delivery-status;",
            "\tboundary=\"RPT\"",
            "",
            "--RPT",
            "Content-Type: text/plain",
            "",
            "I'm sorry to have to inform you that your message could not be delivered.",
            "--RPT",
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.kemenkeu.go.id",
            "Arrival-Date: Mon, 3 Feb 2025 08:00:00 +0700",
            "",
            "Final-Recipient: rfc822; Nobody@Kedirikab.go.id",
            "Original-Recipient: rfc822;nobody@kedirikab.go.id",
            "Action: failed",
            "Status: 5.1.1",
            "Diagnostic-Code: smtp; 550 5.1.1 <nobody@kedirikab.go.id>: Recipient",
            "    address rejected: User unknown",
            "",
            "Final-Recipient: rfc822; slow@x.go.id",
            "Action: delayed",
            "Status: 4.4.1",
            "",
            "--RPT",
            "Content-Type: message/rfc822",
            "",
            "From: callcenter.djpk@kemenkeu.go.id",
            "To: nobody@kedirikab.go.id",
            "Subject: [DJPK-2025-000123] Tanggapan",
            "Message-ID: <ack-123@djpk.kemenkeu.go.id>",
            "",
            "Terima kasih, pesan Anda sudah kami terima.",
            "",
            "--RPT--",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(p.contentType, "multipart/report")
        XCTAssertEqual(p.contentTypeParameters["report-type"], "delivery-status")
        XCTAssertEqual(p.deliveryStatuses.count, 2)
        XCTAssertEqual(
            p.deliveryStatuses[0],
            DeliveryStatus(
                finalRecipient: "nobody@kedirikab.go.id", action: "failed", status: "5.1.1",
                diagnostic: "550 5.1.1 <nobody@kedirikab.go.id>: Recipient    address rejected: User unknown"))
        XCTAssertEqual(p.deliveryStatuses[1].finalRecipient, "slow@x.go.id")
        XCTAssertEqual(p.deliveryStatuses[1].action, "delayed")
        XCTAssertEqual(p.embeddedHeader("Message-ID"), "<ack-123@djpk.kemenkeu.go.id>")
        XCTAssertEqual(p.embeddedHeader("subject"), "[DJPK-2025-000123] Tanggapan")
        XCTAssertTrue(p.text.hasPrefix("I'm sorry"), p.text)
        XCTAssertFalse(p.text.contains("pesan Anda sudah kami terima"), "the returned message is not the bounce's text")
        XCTAssertEqual(p.attachments.map(\.contentType), ["message/rfc822"])
    }

    func testRFC822HeadersBounce() throws {
        let raw = mail([
            "From: postmaster@x", "Subject: failure",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=B",
            "",
            "--B", "Content-Type: text/plain", "", "failed", "--B",
            "Content-Type: message/delivery-status", "",
            "Reporting-MTA: dns; x", "", "Final-Recipient: RFC822; <Who@Where.org>", "Action: failed",
            "Status: 5.0.0 (permanent)", "",
            "--B", "Content-Type: text/rfc822-headers", "",
            "Message-ID: <orig@djpk>", "Subject: =?utf-8?Q?Balasan_=E2=80=93_tiket?=", "",
            "--B--",
        ])
        let p = try MIMEParser.parse(raw)
        XCTAssertEqual(
            p.deliveryStatuses,
            [DeliveryStatus(finalRecipient: "who@where.org", action: "failed", status: "5.0.0", diagnostic: nil)])
        XCTAssertEqual(p.embeddedHeader("Message-ID"), "<orig@djpk>")
        XCTAssertEqual(p.embeddedHeader("Subject"), "Balasan – tiket")
    }

    // MARK: framing

    func testCRLFInputAndMboxFromLine() throws {
        let lines = [
            "From MAILER-DAEMON Mon Feb  3 08:00:00 2025",
            "From: Budi <budi@x.go.id>",
            "Subject: crlf",
            "Content-Type: multipart/mixed; boundary=\"C\"",
            "",
            "--C",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Data("baris satu\r\nbaris dua".utf8).base64EncodedString(),
            "--C",
            "Content-Type: text/plain; name=\"catatan.txt\"",
            "Content-Disposition: attachment; filename=\"catatan.txt\"",
            "",
            "isi",
            "--C--",
            "",
        ]
        for crlf in [true, false] {
            let p = try MIMEParser.parse(mail(lines, crlf: crlf))
            XCTAssertEqual(p.from?.email, "budi@x.go.id")
            XCTAssertEqual(p.subject, "crlf")
            XCTAssertEqual(p.text, "baris satu\nbaris dua")
            XCTAssertEqual(p.attachments.map(\.filename), ["catatan.txt"])
            XCTAssertEqual(p.headers.first?.name, "From", "the mbox From_ line is not a header field")
        }
    }

    func testParseHeadersOnly() throws {
        let raw = mail(
            [
                "From: a@b.c", "To: d@e.f", "Subject: =?utf-8?B?" + b64("Besar – 40 MB") + "?=",
                "Message-ID: <big@x>", "References: <r1@x> <r2@x>", "Date: Tue, 4 Feb 2025 10:00:00 +0000",
                "Content-Type: multipart/mixed; boundary=Z",
                "", "--Z", "Content-Type: text/plain", "", "never read", "--Z--",
            ], crlf: true)
        let p = try MIMEParser.parseHeaders(raw)
        XCTAssertEqual(p.subject, "Besar – 40 MB")
        XCTAssertEqual(p.messageID, "big@x")
        XCTAssertEqual(p.references, ["r1@x", "r2@x"])
        XCTAssertEqual(p.to.map(\.email), ["d@e.f"])
        XCTAssertEqual(p.date, Date(timeIntervalSince1970: 1738663200))
        XCTAssertEqual(p.text, "")
        XCTAssertTrue(p.attachments.isEmpty)
    }

    func testMalformedInputNeverCrashes() {
        var rng = SystemRandomNumberGenerator()
        let samples: [Data] = [
            Data(),
            Data("\n\n\n".utf8),
            Data("no header line at all\nbody".utf8),
            Data("Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: message/rfc822\n\n--X--".utf8),
            Data("Content-Type: multipart/mixed\n\nno boundary".utf8),
            Data("Content-Type: text/plain; charset=\"\nContent-Transfer-Encoding: base64\n\n@@@!!!===".utf8),
            Data("Subject: =?bogus?X?broken?= =?utf-8?B?!!!?=\nFrom: <<<@>>>, \"unterminated\n\nx".utf8),
            Data(
                "Content-Disposition: attachment; filename*0*=zz''%ZZ; filename*2=a\nContent-Type: application/x; name\n\nx"
                    .utf8),
            Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }),
        ]
        for d in samples {
            do {
                let p = try MIMEParser.parse(d)
                _ = p.text
            } catch let e as MIMEParseError {
                _ = e.description
            } catch {
                XCTFail("unexpected error type \(error)")
            }
            _ = try? MIMEParser.parseHeaders(d)
        }
        // deep nesting: bounded, no stack overflow
        var deep = "Subject: deep\n"
        for i in 0..<200 { deep += "Content-Type: multipart/mixed; boundary=b\(i)\n\n--b\(i)\n" }
        deep += "Content-Type: text/plain\n\ninnermost\n"
        XCTAssertNoThrow(try MIMEParser.parse(Data(deep.utf8)))
    }

    private func chunked(_ s: String, _ n: Int) -> [String] {
        var out: [String] = []
        var rest = Substring(s)
        while !rest.isEmpty { out.append(String(rest.prefix(n))); rest = rest.dropFirst(n) }
        return out
    }

    // MARK: shared corpora

    func testSharedCorporaParse() throws {
        let corpus = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/corpus").standardized
        guard FileManager.default.fileExists(atPath: corpus.path) else {
            throw XCTSkip("shared corpus not found at \(corpus.path)")
        }
        var files: [(kind: String, url: URL)] = []
        let fm = FileManager.default
        for kind in ["djpk", "mime-torture", "spamassassin"] {
            let dir = corpus.appendingPathComponent(kind)
            guard let e = fm.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in e {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let name = url.lastPathComponent
                if kind == "djpk" && !name.hasSuffix(".eml") { continue }
                if kind == "mime-torture" && !(name.hasPrefix("msg_") && name.hasSuffix(".txt")) { continue }
                if name.hasSuffix(".md") || name.hasSuffix(".tsv") || name.hasPrefix(".") { continue }
                files.append((kind, url))
            }
        }
        XCTAssertGreaterThan(files.filter { $0.kind == "djpk" }.count, 300)
        var parsed = 0, thrown = 0, warned = 0, bytes = 0
        var elapsed: TimeInterval = 0
        for (kind, url) in files {
            let data = try Data(contentsOf: url)
            bytes += data.count
            let t0 = Date()
            let result = Result { try MIMEParser.parse(data) }
            elapsed += Date().timeIntervalSince(t0)
            switch result {
            case .failure:
                thrown += 1
                XCTAssertNotEqual(kind, "djpk", "\(url.lastPathComponent) did not parse")
            case .success(let p):
                parsed += 1
                if !p.warnings.isEmpty { warned += 1 }
                guard kind == "djpk" else { continue }
                let name = url.lastPathComponent
                XCTAssertTrue(!p.text.isEmpty || !p.attachments.isEmpty, "\(name): no text and no attachment")
                for bad in ["\u{FFFD}", "Ã©", "Ã¨", "â€", "Ã"] {
                    XCTAssertFalse(p.text.contains(bad), "\(name): text contains \(bad)")
                    XCTAssertFalse(p.subject.contains(bad), "\(name): subject contains \(bad)")
                    for a in p.attachments {
                        XCTAssertFalse(a.filename?.contains(bad) ?? false, "\(name): attachment name contains \(bad)")
                    }
                }
            }
        }
        print(
            "corpus: \(files.count) files, \(bytes) bytes, parsed \(parsed), thrown \(thrown), with warnings \(warned), parse time \(String(format: "%.2f", elapsed)) s"
        )
    }
}
