// Issue 15 as a user meets it, through the real Dovecot, Postfix and binary: complaints written in several styles
// (anonymous, from a Pemda address, about a DJPK employee, about a unit's programme, forwarded with the evidence
// attached) are held from the first transaction. An agent without the right finds none of them in any list,
// JSON, log or mail; a confidential reader finds each in the held queue, clears or confirms it (recorded with who),
// and a complaint's escalation notice names nobody.
import Foundation
import XCTest
import SurelCore
@testable import SurelStore

final class HeldComplaintTests: XCTestCase {
    struct Complaint {
        var id: String
        var from: String
        var subject: String
        var body: String
        /// Words only this mail has: none may show to an agent without the right.
        var secrets: [String]
        var attachment: String? = nil
    }

    let complaints: [Complaint] = [
        Complaint(
            id: "held-anon@gmail.com", from: "Warga Prihatin <peduli.dak2025@gmail.com>",
            subject: "Pertanyaan DAK Fisik",
            body:
                "Selamat malam. Di kabupaten kami setiap kontraktor yang mendapat paket DAK Fisik diminta menyetor fee 10% dari nilai kontrak kepada pejabat dinas. Mohon nama saya dirahasiakan.",
            secrets: ["peduli.dak2025", "menyetor fee", "Warga Prihatin"]),
        Complaint(
            id: "held-pemda@bpkad.malangkab.go.id",
            from: "Bendahara BPKAD <bendahara.held@bpkad.malangkab.go.id>", subject: "Konsultasi penyaluran DBH",
            body:
                "Yth. DJPK,\n\nAda oknum di provinsi yang meminta uang koordinasi agar DBH kami cepat disalurkan. Kami keberatan.\n\nHormat kami,\nSuharti Wulandari\nBendahara BPKAD Kab. Malang\nNo HP 0812-3456-7890",
            secrets: ["bendahara.held", "uang koordinasi", "Suharti", "0812-3456-7890", "malangkab"]),
        Complaint(
            id: "held-staff@yahoo.co.id", from: "Ratna <ratna.kecewa@yahoo.co.id>", subject: "Layanan telepon",
            body:
                "Petugas contact center DJPK bersikap kasar dan tidak sopan ketika saya menelepon tanggal 3 Februari. Mohon ditegur.",
            secrets: ["ratna.kecewa", "Layanan telepon", "menelepon tanggal 3"]),
        Complaint(
            id: "held-village@gmail.com", from: "Pak Darto <darto.sukamaju@gmail.com>", subject: "BLT desa kami",
            body:
                "Kepala desa Sukamaju memotong BLT Desa Rp100.000 per penerima tanpa alasan. Ini pungli, warga takut bicara.",
            secrets: ["darto.sukamaju", "BLT desa kami", "Sukamaju"]),
        Complaint(
            id: "held-forward@bpkad.sragenkab.go.id", from: "Sekretariat BPKAD <sekre.held@bpkad.sragenkab.go.id>",
            subject: "Fwd: Penawaran percepatan usulan",
            body:
                "Kami teruskan surel dari seseorang yang mengaku pegawai DJPK dan meminta biaya Rp25 juta agar usulan DAK kami disetujui. Bukti transfer terlampir.\n\n---------- Forwarded message ---------\nFrom: Konsultan <percepatan.dak@gmail.com>\nSubject: Penawaran percepatan usulan\n\nBapak cukup transfer biaya koordinasi.",
            secrets: ["sekre.held", "percepatan", "Rp25 juta", "bukti-transfer-sragen"],
            attachment: "bukti-transfer-sragen.pdf"),
    ]

    func raw(_ c: Complaint) -> Data {
        var headers = """
            From: \(c.from)
            To: callcenter.djpk@kemenkeu.go.id
            Subject: \(c.subject)
            Message-ID: <\(c.id)>
            Date: Tue, 04 Feb 2025 21:00:00 +0700
            MIME-Version: 1.0
            """
        var body = c.body
        if let name = c.attachment {
            headers += "\nContent-Type: multipart/mixed; boundary=\"b1\""
            body = """
                --b1
                Content-Type: text/plain; charset=utf-8

                \(c.body)
                --b1
                Content-Type: application/pdf; name="\(name)"
                Content-Disposition: attachment; filename="\(name)"
                Content-Transfer-Encoding: base64

                JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==
                --b1--
                """
        } else {
            headers += "\nContent-Type: text/plain; charset=utf-8"
        }
        return Data((headers + "\n\n" + body + "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    func testComplaintsInSeveralStylesAreHeldAndShowNowhere() throws {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let cc = TestEnv.freshUser("held-cc")
        let unit = TestEnv.freshUser("held-dtk") + "@kemenkeu.go.id"
        let config = try TestEnv.writeConfig(
            dir: dir, user: cc,
            extra: """

                \(TestEnv.smtpSection())

                [units.DTK]
                email = "\(unit)"
                name = "Direktorat Dana Transfer Khusus"

                [agent]
                name = "Andi"

                [access]
                confidential_readers = ["Sri Wahyuni"]
                """
        ).path
        let question = Data(
            """
            From: BPKAD Kediri <bpkad.held@kedirikab.go.id>\r
            To: callcenter.djpk@kemenkeu.go.id\r
            Subject: Jadwal penyaluran DAU Maret\r
            Message-ID: <held-question@kedirikab.go.id>\r
            Date: Tue, 04 Feb 2025 09:00:00 +0700\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Mohon informasi jadwal penyaluran DAU bulan Maret dan syarat salurnya.\r

            """.utf8)
        // A harmless question that trips a complaint rule: held, then cleared by the reader.
        let harmless = Data(
            """
            From: Inspektorat Daerah <irda.held@bonekab.go.id>\r
            To: callcenter.djpk@kemenkeu.go.id\r
            Subject: Sistem WBS\r
            Message-ID: <held-wbs@bonekab.go.id>\r
            Date: Tue, 04 Feb 2025 10:00:00 +0700\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Apakah DJPK memiliki pedoman whistleblowing system (WBS) yang dapat kami contoh untuk pemerintah daerah?\r

            """.utf8)
        try TestEnv.fillMaildir(user: cc, messages: complaints.map(raw) + [question, harmless])
        let run = try TestEnv.runSurel(["run", "--once", "--config", config])
        XCTAssertEqual(run.status, 0, run.err)
        let secrets = complaints.flatMap { $0.secrets + [$0.subject, $0.from] }

        // The daemon's log (stderr and stdout) names no subject or address of a held ticket.
        for s in secrets {
            XCTAssertFalse(run.err.localizedCaseInsensitiveContains(s) || run.out.contains(s), "the log shows \(s)")
        }

        // Andi, without the right: every list, in text and JSON.
        var seen: [String] = []
        func andi(_ args: [String]) throws -> String {
            let r = try TestEnv.runSurel(args + ["--config", config])
            XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
            seen.append(r.out + r.err)
            return r.out
        }
        let list = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(try andi(["tickets", "list", "--json"]).utf8))
                as? [[String: Any]])
        XCTAssertEqual(list.count, 7, "each mail has its ticket")
        let hidden = list.filter { $0["confidential"] as? Bool == true }
        XCTAssertEqual(hidden.count, 6, "five complaints and the WBS question are held: \(list)")
        for t in hidden {
            XCTAssertEqual(t["subject"] as? String, "(rahasia)")
            XCTAssertEqual(t["sender_email"] as? String, "(rahasia)")
            for key in ["sender_class", "confidence", "region", "province", "time_zone", "held", "sender_name"] {
                XCTAssertTrue(t[key] is NSNull, "\(key) shown: \(t)")
            }
            XCTAssertTrue(["(rahasia)", "pengaduan"].contains(t["category"] as? String ?? ""), "\(t)")
            XCTAssertEqual(t["message_ids"] as? [String], [])
        }
        _ = try andi(["tickets", "list"])
        for category in ["dak-fisik", "dbh", "dana-desa", "aplikasi", "lainnya", "dak-nonfisik", "pengaduan"] {
            let found = try andi(["tickets", "list", "--json", "--category", category])
            if category != "pengaduan" {
                XCTAssertFalse(found.contains("\"confidential\" : true"), "a filter on the topic finds a complaint")
            }
        }
        _ = try andi(["review", "list", "--json"])
        _ = try andi(["review", "list"])
        _ = try andi(["sla", "list"])
        _ = try andi(["sla", "list", "--json"])
        for kind in ["ticket", "autoreply", "bounce", "quarantined", "unsubscribe", "outgoing"] {
            _ = try andi(["messages", "list", "--kind", kind])
            _ = try andi(["messages", "list", "--kind", kind, "--json"])
        }
        _ = try andi(["messages", "duplicates"])
        _ = try andi(["quarantine", "list"])
        _ = try andi(["outbox", "list"])
        _ = try andi(["outbox", "list", "--json"])
        _ = try andi(["suppression", "list"])
        for s in secrets {
            XCTAssertFalse(seen.joined().localizedCaseInsensitiveContains(s), "Andi sees \(s)")
        }
        // Nor can Andi open the held queue, a held ticket, or act on one.
        let numbers = hidden.compactMap { $0["number"] as? String }
        for args in [
            ["review", "held"], ["tickets", "show", numbers[0]], ["review", "confirm", numbers[0]],
            ["review", "clear", numbers[0], "dau"], ["tickets", "escalate", numbers[0], "--unit", "DTK"],
        ] {
            let r = try TestEnv.runSurel(args + ["--config", config])
            XCTAssertEqual(r.status, 3, "\(args) is refused: \(r.out) \(r.err)")
            for s in secrets { XCTAssertFalse((r.out + r.err).contains(s), "\(args) shows \(s)") }
        }

        // Sri, a reader: each complaint waits in the held queue, with its reason.
        func sri(_ args: [String]) throws -> String {
            let r = try TestEnv.runSurel(args + ["--config", config])
            XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
            return r.out
        }
        let held = try XCTUnwrap(
            try JSONSerialization.jsonObject(
                with: Data(try sri(["review", "held", "--json", "--reviewer", "Sri Wahyuni"]).utf8))
                as? [[String: Any]])
        XCTAssertEqual(held.count, 6)
        XCTAssertTrue(held.allSatisfy { $0["held"] as? Bool == true && $0["confidential"] as? Bool == true })
        for c in complaints {
            let t = try XCTUnwrap(
                held.first { ($0["message_ids"] as? [String]) == [c.id] }, "\(c.subject) is not in the held queue")
            XCTAssertTrue((t["classification"] as? String ?? "").contains("held: "), "\(t)")
        }
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        func ticket(_ messageID: String) throws -> Ticket {
            let n = try XCTUnwrap(held.first { ($0["message_ids"] as? [String]) == [messageID] }?["number"] as? String)
            return try XCTUnwrap(try db.ticket(number: try XCTUnwrap(TicketNumber(n))))
        }
        let anonymous = try ticket("held-anon@gmail.com"), pemda = try ticket("held-pemda@bpkad.malangkab.go.id")
        let wbs = try ticket("held-wbs@bonekab.go.id")
        // The held event was written with the ticket (before its acknowledgement).
        let events = try db.ticketDetail(number: anonymous.number)!.events
        XCTAssertEqual(Array(events.map(\.kind).prefix(2)), ["created", "held"])

        // While held, nobody escalates, the reader neither.
        let early = try TestEnv.runSurel([
            "tickets", "escalate", pemda.number.description, "--unit", "DTK", "--as", "Sri Wahyuni", "--config", config,
        ])
        XCTAssertEqual(early.status, 6, early.err)
        XCTAssertTrue(early.err.contains("ditahan"), early.err)

        // Cleared: a normal ticket Andi sees, recorded with who and when.
        XCTAssertTrue(
            try sri(["review", "clear", wbs.number.description, "lainnya", "--reviewer", "Sri Wahyuni"]).contains(
                "lainnya"))
        let cleared = try XCTUnwrap(try db.ticket(number: wbs.number))
        XCTAssertFalse(cleared.held)
        XCTAssertFalse(cleared.confidential)
        XCTAssertEqual(cleared.category, "lainnya")
        let clearEvent = try XCTUnwrap(try db.ticketDetail(number: wbs.number)!.events.last)
        XCTAssertEqual(clearEvent.kind, "hold-cleared")
        XCTAssertEqual(clearEvent.actor, "Sri Wahyuni")
        XCTAssertLessThan(abs(clearEvent.at.timeIntervalSinceNow), 300)
        XCTAssertTrue(try andi(["tickets", "list"]).contains("Sistem WBS"), "a cleared ticket is a normal one")

        // Confirmed: Pengaduan for good; escalated, the notice names nobody.
        _ = try sri(["review", "confirm", pemda.number.description, "--reviewer", "Sri Wahyuni"])
        let confirmed = try XCTUnwrap(try db.ticket(number: pemda.number))
        XCTAssertEqual(confirmed.category, "pengaduan")
        XCTAssertTrue(confirmed.confidential)
        XCTAssertFalse(confirmed.held)
        XCTAssertEqual(try db.ticketDetail(number: pemda.number)!.events.last?.kind, "complaint-confirmed")
        _ = try sri([
            "tickets", "escalate", pemda.number.description, "--unit", "DTK", "--as", "Sri Wahyuni",
        ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let notices = TestEnv.waitForInbox(unit) { !$0.isEmpty }
        let notice = try XCTUnwrap(notices.first)
        let text = notice.subject + "\n" + notice.text
        XCTAssertTrue(text.contains("uang koordinasi"), "the question reaches the unit: \(text)")
        for s in ["bendahara.held", "Suharti", "Wulandari", "0812", "3456-7890", "Malang", "malangkab"] {
            XCTAssertFalse(text.localizedCaseInsensitiveContains(s), "the escalation notice shows \(s): \(text)")
        }
        let scores = try andi(["sla", "scores", "--json"])
        XCTAssertFalse(scores.contains(pemda.number.description), "which unit a complaint concerns: \(scores)")
        XCTAssertFalse(notice.inReplyTo.contains { $0.contains("malangkab") })
        XCTAssertFalse(notice.references.contains { $0.contains("malangkab") })
    }
}
