// Issue 3 as a user meets it: the shipped model's scores on the shared corpora (line 7), and the review queue
// with online learning through the real binary, Dovecot and the store (lines 5 and 8).
import Foundation
import XCTest
@testable import SurelStore
import SurelCore

final class ClassificationTests: XCTestCase {
    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// Line 7, first target: the shipped model (trained only on classify/examples) on the labelled djpk folder.
    func testShippedModelMeetsTheTargetsOnTheDjpkCorpus() throws {
        let corpus = try TestEnv.requireCorpus("djpk")
        let r = try TestEnv.runSurel(["classify", "eval", "--corpus", corpus.path, "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let e = try XCTUnwrap(try json(r.out) as? [String: Any])
        let accuracy = try XCTUnwrap(e["accuracy"] as? Double), macroF1 = try XCTUnwrap(e["macro_f1"] as? Double)
        let coverage = try XCTUnwrap(e["coverage"] as? Double),
            precision = try XCTUnwrap(e["auto_precision"] as? Double)
        XCTAssertGreaterThanOrEqual(accuracy, 0.93)
        XCTAssertGreaterThanOrEqual(macroF1, 0.95, "issue 15 raised the target from 0.92")
        // Issue 15: every complaint is held or classified as one, and few other mails are held.
        XCTAssertEqual(e["pengaduan_recall_held"] as? Double, 1.0)
        XCTAssertLessThanOrEqual(try XCTUnwrap(e["held_other_rate"] as? Double), 0.05)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(e["held"] as? Int), 10)
        XCTAssertEqual(e["ham_as_spam"] as? Int, 0, "a consultation was called spam")
        XCTAssertGreaterThanOrEqual(coverage, 0.80, "share decided without review at the default threshold")
        XCTAssertGreaterThanOrEqual(precision, 0.97, "precision of what was decided without review")
        XCTAssertEqual((e["per_class"] as? [String: Any])?.count, 19)
    }

    /// Line 7, second target: the spam model on the SpamAssassin protocol (train spam, easy_ham, hard_ham;
    /// test spam_2, easy_ham_2), trained in memory.
    func testSpamModelOnTheSpamAssassinCorpus() throws {
        let sa = try TestEnv.requireCorpus("spamassassin")
        let r = try TestEnv.runSurel([
            "classify", "eval-spam", "--json",
            "--train-spam", sa.appendingPathComponent("spam").path,
            "--train-ham", sa.appendingPathComponent("easy_ham").path,
            "--train-ham", sa.appendingPathComponent("hard_ham").path,
            "--test-spam", sa.appendingPathComponent("spam_2").path,
            "--test-ham", sa.appendingPathComponent("easy_ham_2").path,
        ])
        XCTAssertEqual(r.status, 0, r.err)
        let e = try XCTUnwrap(try json(r.out) as? [String: Any])
        let testHam = try XCTUnwrap(e["test_ham"] as? Int), testSpam = try XCTUnwrap(e["test_spam"] as? Int)
        XCTAssertGreaterThan(testHam, 1300)
        XCTAssertGreaterThan(testSpam, 1300)
        let fp = Double(try XCTUnwrap(e["ham_as_spam"] as? Int)) / Double(testHam)
        let recall = Double(try XCTUnwrap(e["spam_as_spam"] as? Int)) / Double(testSpam)
        XCTAssertLessThanOrEqual(fp, 0.005, "ham false positives")
        XCTAssertGreaterThanOrEqual(recall, 0.92, "spam recall (spam verdicts only; unsure is not counted)")
    }

    func mail(from: String, id: String, subject: String, body: String, extra: String = "") -> Data {
        let headers = """
            From: \(from)
            To: callcenter.djpk@kemenkeu.go.id
            Subject: \(subject)
            Message-ID: <\(id)>
            Date: Tue, 04 Feb 2025 09:00:00 +0700
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8\(extra.isEmpty ? "" : "\n" + extra)
            """
        return Data((headers.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }

    func tickets(_ config: String, _ extra: [String] = []) throws -> [[String: Any]] {
        let r = try TestEnv.runSurel(["tickets", "list", "--json", "--config", config] + extra)
        XCTAssertEqual(r.status, 0, r.err)
        return try XCTUnwrap(try json(r.out) as? [[String: Any]])
    }

    /// Lines 5 and 8: new tickets are classified as they are stored; an agent's correction is recorded (who,
    /// when, from, to) and learnt at once, so the next similar mail is classified as corrected; follow-ups keep
    /// their ticket's category; spam is kept, listed and releasable; Pengaduan is confidential.
    func testReviewCorrectionIsRecordedAndTheNextSimilarMailFollowsIt() throws {
        try TestEnv.requireServers()
        let dir = try TestEnv.scratch(self)
        let user = TestEnv.freshUser("review")
        // The agent reading here may see the complaint (AccessTests covers those who may not).
        let config = try TestEnv.writeConfig(
            dir: dir, user: user,
            extra: """

                [agent]
                name = "Pengawas"

                [access]
                confidential_readers = ["Pengawas"]
                """
        ).path
        let question =
            "Mohon informasi tata cara pengajuan rekomendasi kegiatan pelatihan pegawai pengelola keuangan daerah untuk tahun depan, apakah ada formulir khusus dan kepada siapa diajukan."
        let similar =
            "Mohon info tata cara pengajuan rekomendasi untuk kegiatan pelatihan pegawai pengelola keuangan daerah tahun depan; formulirnya apa dan diajukan kepada siapa."
        try TestEnv.fillMaildir(
            user: user,
            messages: [
                mail(
                    from: "Rina <rina@bpkad.kedirikab.go.id>", id: "a1@kedirikab.go.id",
                    subject: "Rekomendasi pelatihan pegawai", body: question),
                mail(
                    from: "Dewi <dewi.warga@gmail.com>", id: "p1@gmail.com", subject: "Laporan dugaan pungutan liar",
                    body:
                        "Saya ingin melaporkan dugaan pungutan liar oleh oknum pegawai yang meminta uang pelicin agar pencairan dana desa kami dipercepat. Mohon identitas saya dirahasiakan."
                ),
                mail(
                    from: "Promo <promo@slot-gacor.test>", id: "s1@slot-gacor.test", subject: "Bonus new member 100%",
                    body:
                        "Daftar sekarang di situs slot gacor terpercaya, maxwin setiap hari, depo 25rb, klik https://slot-gacor.test/daftar"
                ),
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let first = try tickets(config)
        XCTAssertEqual(first.count, 3)
        for t in first {
            XCTAssertNotEqual(t["category"] as? String, "unclassified", "\(t)")
            XCTAssertFalse((t["classification"] as? String ?? "").isEmpty, "explanation stored: \(t)")
        }
        let a = try XCTUnwrap(first.first { ($0["message_ids"] as? [String]) == ["a1@kedirikab.go.id"] })
        let complaint = try XCTUnwrap(first.first { ($0["message_ids"] as? [String]) == ["p1@gmail.com"] })
        XCTAssertEqual(complaint["category"] as? String, "pengaduan")
        XCTAssertEqual(complaint["confidential"] as? Bool, true)
        let spam = try tickets(config, ["--category", "spam"])
        XCTAssertEqual(spam.map { $0["message_ids"] as? [String] }, [["s1@slot-gacor.test"]], "spam is kept and listed")

        // The similar mail, before any correction, is classified like the first one.
        let aNumber = try XCTUnwrap(a["number"] as? String), before = try XCTUnwrap(a["category"] as? String)
        let target = before == "evkeuda" ? "jfakpd" : "evkeuda"
        let similarFile = dir.appendingPathComponent("similar.eml")
        try mail(
            from: "Agus <agus@bpkad.blitarkab.go.id>", id: "b1@blitarkab.go.id",
            subject: "Pengajuan rekomendasi pelatihan", body: similar
        ).write(to: similarFile)
        let explainBefore = try TestEnv.runSurel(["classify", "explain", similarFile.path, "--config", config])
        XCTAssertEqual(explainBefore.status, 0, explainBefore.err)
        XCTAssertTrue(explainBefore.out.contains("Kategori  : \(before)"), explainBefore.out)

        let set = try TestEnv.runSurel([
            "review", "set", aNumber, target, "--reviewer", "agen.rahma", "--config", config,
        ])
        XCTAssertEqual(set.status, 0, set.err)
        XCTAssertTrue(set.out.contains("\(before) -> \(target)"), set.out)
        let bad = try TestEnv.runSurel(["review", "set", aNumber, "no-such-category", "--config", config])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("unknown category"), bad.err)

        // Recorded: who, when, from, to; the ticket left the queue.
        let db = try SurelDatabase(path: dir.path + "/store/surel.sqlite")
        let ticket = try XCTUnwrap(try db.ticket(number: try XCTUnwrap(TicketNumber(aNumber))))
        XCTAssertEqual(ticket.category, target)
        XCTAssertFalse(ticket.needsReview)
        let reviews = try db.reviews(ticketID: ticket.id!)
        XCTAssertEqual(
            reviews.map { [$0.reviewer, $0.fromCategory, $0.toCategory] }, [["agen.rahma", before, target]])
        XCTAssertLessThan(abs(reviews[0].at.timeIntervalSinceNow), 120)

        // The next similar mail, and a follow-up of the corrected ticket.
        try TestEnv.fillMaildir(
            user: user,
            messages: [
                try Data(contentsOf: similarFile),
                mail(
                    from: "Rina <rina@bpkad.kedirikab.go.id>", id: "a2@kedirikab.go.id",
                    subject: "Re: Rekomendasi pelatihan pegawai",
                    body: "Terima kasih, satu pertanyaan lagi tentang slot gacor.",
                    extra: "In-Reply-To: <a1@kedirikab.go.id>"),
            ])
        XCTAssertEqual(try TestEnv.runSurel(["run", "--once", "--config", config]).status, 0)
        let after = try tickets(config)
        XCTAssertEqual(after.count, 4)
        let b = try XCTUnwrap(after.first { ($0["message_ids"] as? [String]) == ["b1@blitarkab.go.id"] })
        XCTAssertEqual(b["category"] as? String, target, "the correction was learnt: \(b)")
        let aAfter = try XCTUnwrap(after.first { $0["number"] as? String == aNumber })
        XCTAssertEqual(aAfter["message_ids"] as? [String], ["a1@kedirikab.go.id", "a2@kedirikab.go.id"])
        XCTAssertEqual(aAfter["category"] as? String, target, "a follow-up keeps its ticket's category")

        // Spam is released by the same command; accepting a ticket records a review with from == to.
        let spamNumber = try XCTUnwrap(spam[0]["number"] as? String)
        XCTAssertEqual(try TestEnv.runSurel(["review", "set", spamNumber, "lainnya", "--config", config]).status, 0)
        XCTAssertEqual(try tickets(config, ["--category", "spam"]).count, 0)
        let complaintNumber = try XCTUnwrap(complaint["number"] as? String)
        let refused = try TestEnv.runSurel([
            "review", "accept", complaintNumber, "--reviewer", "agen.budi", "--config", config,
        ])
        XCTAssertNotEqual(refused.status, 0, "agen.budi may not read the complaint, so may not review it")
        let accept = try TestEnv.runSurel([
            "review", "accept", complaintNumber, "--reviewer", "pengawas", "--config", config,
        ])
        XCTAssertEqual(accept.status, 0, accept.err)
        let c = try XCTUnwrap(try db.ticket(number: try XCTUnwrap(TicketNumber(complaintNumber))))
        XCTAssertEqual(
            try db.reviews(ticketID: c.id!).map { [$0.fromCategory, $0.toCategory] }, [["pengaduan", "pengaduan"]])
        XCTAssertTrue(c.confidential)

        // The queue lists only what still waits.
        let queue = try TestEnv.runSurel(["review", "list", "--json", "--config", config])
        XCTAssertEqual(queue.status, 0, queue.err)
        let waiting = try XCTUnwrap(try json(queue.out) as? [[String: Any]])
        XCTAssertFalse(
            waiting.contains { [aNumber, spamNumber, complaintNumber].contains($0["number"] as? String ?? "") })
        XCTAssertTrue(waiting.allSatisfy { $0["needs_review"] as? Bool == true })

        // A model stored in an older format (before features were hashed) is not used as is: the next start
        // trains on the shipped examples again and relearns every review, so the correction still holds.
        let stored = try XCTUnwrap(try db.model(named: "default"))
        var old = try XCTUnwrap(try JSONSerialization.jsonObject(with: stored.data) as? [String: Any])
        old.removeValue(forKey: "format")
        try db.saveModel(name: "default", data: try JSONSerialization.data(withJSONObject: old), trainedOn: "old")
        let explainAfter = try TestEnv.runSurel(["classify", "explain", similarFile.path, "--config", config])
        XCTAssertEqual(explainAfter.status, 0, explainAfter.err)
        XCTAssertTrue(explainAfter.out.contains("Kategori  : \(target)"), explainAfter.out)
        let retrained = try XCTUnwrap(try db.model(named: "default"))
        XCTAssertGreaterThan(retrained.version, stored.version + 1)
        XCTAssertNotEqual(retrained.trainedOn, "old")
    }
}
