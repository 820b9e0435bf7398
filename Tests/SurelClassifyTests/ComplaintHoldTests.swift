// A mail that may be a complaint is held whatever category wins: by the complaint rules, by Pengaduan ranking
// first or second, or by its probability reaching the bar; an ordinary question is not.
import XCTest
import SurelCore
@testable import SurelClassify

final class ComplaintHoldTests: XCTestCase {
    func mail(_ subject: String, _ body: String) -> ClassificationInput {
        ClassificationInput(
            subject: subject, text: body, senderEmail: "warga@gmail.com", headers: [], attachmentNames: [])
    }

    /// Three classes; Pengaduan's examples share words with DAK Fisik, as real complaints share their topic's.
    func classifier(bar: Double = 0.15, rules: RuleSet = .standard) -> CategoryClassifier {
        var m = NaiveBayesModel()
        let examples: [(String, String, String)] = [
            ("dak-fisik", "Usulan DAK Fisik", "jadwal usulan DAK Fisik bidang jalan dan kontrak pekerjaan"),
            ("dak-fisik", "Kontrak DAK Fisik", "batas waktu kontrak DAK Fisik dan penyaluran tahap dua"),
            ("dak-fisik", "Reviu DAK Fisik", "reviu usulan DAK Fisik irigasi dan dokumen kontrak"),
            ("dau", "Penyaluran DAU", "jadwal penyaluran DAU bulan Maret dan syarat salur"),
            ("dau", "DAU ditentukan", "DAU yang ditentukan penggunaannya untuk gaji dan pendidikan"),
            ("pengaduan", "Laporan", "saya melaporkan permintaan uang pada kontrak DAK Fisik, keluhan warga"),
            ("pengaduan", "Keluhan", "keluhan pelayanan, petugas meminta uang, saya melaporkan kejadian ini"),
        ]
        for (label, subject, body) in examples { m.learn(Tokenizer.features(mail(subject, body)), as: label) }
        return CategoryClassifier(rules: rules, model: m, complaints: ComplaintHold(bar: bar))
    }

    func testComplaintRulesHoldWhateverTheCategory() throws {
        let c = classifier().classify(
            mail(
                "Pertanyaan DAK Fisik",
                "Ada fee 10% untuk setiap kontrak DAK Fisik di dinas kami. Mohon identitas saya dirahasiakan."))
        XCTAssertEqual(c.category, "dak-fisik")
        let hold = try XCTUnwrap(c.hold, "a fee on contracts with a request for secrecy is held")
        XCTAssertTrue(hold.contains("complaint-fee") && hold.contains("complaint-secrecy"), hold)
    }

    func testPengaduanRankingFirstOrSecondHolds() throws {
        let none = try RuleSet(tsv: "")
        // Pengaduan's words win: held, the category says why.
        let won = classifier(rules: none).classify(mail("Keluhan", "saya melaporkan petugas meminta uang"))
        XCTAssertEqual(won.category, "pengaduan")
        XCTAssertTrue(try XCTUnwrap(won.hold).contains("pengaduan"))
        // A DAK Fisik question with Pengaduan second (its examples share the topic's words): held, even with the
        // bar out of reach.
        let second = classifier(bar: 1.0, rules: none).classify(mail("Kontrak DAK Fisik", "kontrak DAK Fisik"))
        XCTAssertEqual(second.category, "dak-fisik")
        XCTAssertTrue(try XCTUnwrap(second.hold).contains("rank 2"), "\(second)")
        // A DAU question: Pengaduan third and far below the bar: not held.
        let dau = classifier(rules: none).classify(mail("Penyaluran DAU", "jadwal penyaluran DAU bulan Maret"))
        XCTAssertEqual(dau.category, "dau")
        XCTAssertNil(dau.hold, "\(dau)")
        // The same question with a bar of zero: any Pengaduan probability holds.
        XCTAssertNotNil(
            classifier(bar: 0, rules: none).classify(mail("Penyaluran DAU", "jadwal penyaluran DAU bulan Maret"))
                .hold)
    }

    func testHoldRuleLinesParse() throws {
        let r = try RuleSet(tsv: "wbs\tbody\twhistleblow\thold\n")
        XCTAssertEqual(r.rules.first?.action, .hold)
        XCTAssertThrowsError(try RuleSet(tsv: "wbs\tbody\twhistleblow\thold:pengaduan\n"))
    }
}
