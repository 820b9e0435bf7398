// Acknowledgements through the real servers: a citizen's mail becomes a ticket, the acknowledgement (queued in the
// same transaction) arrives in the citizen's mailbox over Postfix -> LMTP -> Dovecot, a reply to it threads back
// into the ticket, and no automatic mail goes to bulk mail, spam, machine addresses, or beyond the hourly cap.
import Foundation
import XCTest
@testable import SurelMail

final class AcknowledgementTests: XCTestCase {
    func mail(from: String, id: String, subject: String, body: String, extra: String = "") -> Data {
        var headers =
            "From: \(from)\nTo: callcenter.djpk@kemenkeu.go.id\nSubject: \(subject)\nMessage-ID: <\(id)>\n"
            + "Date: Wed, 25 Nov 2026 10:00:00 +0700\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8"
        if !extra.isEmpty { headers += "\n" + extra }
        return Data((headers.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }

    func waitForInbox(_ user: String, count: Int) throws -> [ParsedMessage] {
        TestEnv.waitForInbox(user, until: { $0.count >= count })
    }

    func json(_ r: (status: Int32, out: String, err: String)) throws -> [[String: Any]] {
        XCTAssertEqual(r.status, 0, r.err)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
    }

    func testAcknowledgementArrivesAndTheReplyThreadsBackWithoutLoops() throws {
        try TestEnv.requirePostfix()
        let dir = try TestEnv.scratch(self)
        let user = TestEnv.freshUser("ack-cc")
        let config = try TestEnv.writeConfig(
            dir: dir, user: user,
            extra: """

                \(TestEnv.smtpSection())

                [outbox]
                automatic_per_hour = 3
                """
        ).path
        let citizen = TestEnv.freshUser("warga") + "@kedirikab.go.id"
        // An autoresponder that answers every mail with a fresh one (no Auto-Submitted, new subject, no references):
        // each opens a ticket, and only the cap stops the acknowledgements.
        let busy = TestEnv.freshUser("autoresponder") + "@gmail.com"
        let vacation = TestEnv.freshUser("cuti") + "@kemenkeu.go.id"
        let bounced = TestEnv.freshUser("mailer-daemon-host") + "@mx.example.test"
        let machine = "noreply-" + TestEnv.freshUser("x") + "@portal.example.test"
        // A responder that looks like a person but marks its mail (X-Loop) or sends it with the null sender.
        let looped = TestEnv.freshUser("helpdesk") + "@kabupaten.example.test"
        let nullSender = TestEnv.freshUser("sistem") + "@kabupaten.example.test"
        let lister = TestEnv.freshUser("milis") + "@lists.example.test"
        var mails = [
            mail(
                from: "Budi Santoso <\(citizen)>", id: "ack1@kedirikab.go.id",
                subject: "Jadwal penyaluran DAU tahap II",
                body: "Mohon informasi jadwal penyaluran DAU tahap II untuk Kabupaten Kediri dan syarat salurnya."),
            mail(
                from: "Portal <\(machine)>", id: "m1@portal.example.test", subject: "Pemberitahuan akun",
                body: "Akun Anda telah dibuat. Pesan ini dikirim otomatis."),
            mail(
                from: "Milis <\(lister)>", id: "l1@lists.example.test", subject: "Buletin keuangan daerah",
                body: "Buletin bulanan tentang pengelolaan keuangan daerah.",
                extra: "List-Id: <buletin.lists.example.test>"),
        ]
        mails.append(
            mail(
                from: "Helpdesk Kabupaten <\(looped)>", id: "loop1@kabupaten.example.test",
                subject: "Tiket baru: Jadwal penyaluran DAU", body: "Tiket Anda sedang kami proses.",
                extra: "X-Loop: helpdesk@kabupaten.example.test"))
        mails.append(
            mail(
                from: "Sistem Informasi <\(nullSender)>", id: "null1@kabupaten.example.test",
                subject: "Laporan harian SIPD", body: "Laporan harian terlampir.", extra: "Return-Path: <>"))
        for i in 1...5 {
            mails.append(
                mail(
                    from: "Info Desa <\(busy)>", id: "busy\(i)@gmail.com", subject: "Info dana desa nomor \(i)",
                    body: "Pesan ke-\(i) tentang penyaluran dana desa tahap \(i) di desa kami."))
        }
        // An out-of-office reply and a bounce open no ticket, so they get nothing.
        mails.append(
            mail(
                from: "Pegawai <\(vacation)>", id: "ooo1@kemenkeu.go.id", subject: "Automatic reply: Undangan rapat",
                body: "Saya sedang cuti sampai 1 Desember.", extra: "Auto-Submitted: auto-replied"))
        mails.append(
            mail(
                from: "Mail Delivery System <\(bounced)>", id: "dsn1@mx.example.test",
                subject: "Undelivered Mail Returned to Sender",
                body: "This is the mail system.\n\n<nobody@example.test>: host said: 550 5.1.1 User unknown",
                extra: "Return-Path: <>"))
        try TestEnv.fillMaildir(user: user, messages: mails)
        let run = try TestEnv.runSurel(["run", "--once", "--config", config])
        XCTAssertEqual(run.status, 0, run.err)

        let acks = try waitForInbox(citizen, count: 1)
        XCTAssertEqual(acks.count, 1)
        let ack = try XCTUnwrap(acks.first)
        let tickets = try json(try TestEnv.runSurel(["tickets", "list", "--json", "--config", config]))
        let ticket = try XCTUnwrap(tickets.first { ($0["message_ids"] as? [String]) == ["ack1@kedirikab.go.id"] })
        let number = try XCTUnwrap(ticket["number"] as? String)
        XCTAssertTrue(ack.subject.hasPrefix("[DJPK#\(number)]"), ack.subject)
        XCTAssertTrue(ack.subject.contains("Jadwal penyaluran DAU tahap II"), ack.subject)
        XCTAssertEqual(ack.inReplyTo, ["ack1@kedirikab.go.id"])
        XCTAssertEqual(ack.header("Auto-Submitted"), "auto-replied")
        XCTAssertTrue(ack.text.contains(number), ack.text)
        XCTAssertTrue(ack.text.contains("Budi Santoso"), ack.text)

        XCTAssertEqual(try waitForInbox(busy, count: 3).count, 3, "three acknowledgements, then the hourly cap")
        XCTAssertEqual(try TestEnv.inbox(machine).count, 0, "no automatic mail to a noreply address")
        XCTAssertEqual(try TestEnv.inbox(looped).count, 0, "no automatic mail to mail marked X-Loop")
        XCTAssertEqual(try TestEnv.inbox(nullSender).count, 0, "no automatic mail to mail from the null sender")
        XCTAssertEqual(try TestEnv.inbox(lister).count, 0, "no automatic mail to bulk mail")
        XCTAssertEqual(try TestEnv.inbox(vacation).count, 0, "no automatic mail to an auto-reply")
        XCTAssertEqual(try TestEnv.inbox(bounced).count, 0, "no automatic mail to a bounce")
        let outbox = try json(try TestEnv.runSurel(["outbox", "list", "--json", "--config", config]))
        XCTAssertEqual(outbox.count, 4)
        XCTAssertTrue(outbox.allSatisfy { $0["status"] as? String == "sent" }, "\(outbox)")

        // The citizen replies to the acknowledgement (their client keeps In-Reply-To/References): same ticket, and
        // no second acknowledgement for a follow-up.
        let ackID = try XCTUnwrap(ack.messageID)
        try TestEnv.fillMaildir(
            user: user,
            messages: [
                mail(
                    from: "Budi Santoso <\(citizen)>", id: "ack2@kedirikab.go.id", subject: "Re: " + ack.subject,
                    body: "Terima kasih. Kami lampirkan juga surat permohonan.",
                    extra: "In-Reply-To: <\(ackID)>\nReferences: <ack1@kedirikab.go.id> <\(ackID)>")
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let show = try TestEnv.runSurel(["tickets", "show", number, "--json", "--config", config])
        XCTAssertEqual(show.status, 0, show.err)
        let after = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])
        XCTAssertEqual(after["message_ids"] as? [String], ["ack1@kedirikab.go.id", "ack2@kedirikab.go.id"])
        XCTAssertEqual(try json(try TestEnv.runSurel(["outbox", "list", "--json", "--config", config])).count, 4)
        usleep(500_000)
        XCTAssertEqual(try TestEnv.inbox(citizen).count, 1)
    }
}
