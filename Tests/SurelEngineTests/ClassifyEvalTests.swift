// `surel classify eval` as a user runs it on a labelled folder (the corpus format).
import Foundation
import XCTest

final class ClassifyEvalTests: XCTestCase {
    func testEvalPrintsTheScoresAsJSON() throws {
        let dir = try TestEnv.scratch(self)
        let mails: [(String, String, String)] = [
            ("dau", "Jadwal penyaluran DAU", "Mohon info jadwal penyaluran DAU bulan Maret dan syarat salurnya."),
            ("dau", "DAU ditentukan penggunaan", "Bagaimana penyaluran DAU yang ditentukan penggunaannya untuk gaji?"),
            ("spam", "Slot gacor hari ini", "Daftar slot gacor, bonus deposit 100%, menang jackpot setiap hari."),
            ("spam", "Bonus slot", "Situs slot gacor terpercaya, jackpot dan bonus new member."),
        ]
        var labels = "file\tkind\tcategory\tthread\tsender_class\tnotes\n"
        for (i, m) in mails.enumerated() {
            let name = String(format: "%04d.eml", i + 1)
            try """
            From: Staf <staf\(i)@kedirikab.go.id>
            To: callcenter.djpk@kemenkeu.go.id
            Subject: \(m.1)
            Message-ID: <eval-\(i)@kedirikab.go.id>
            Content-Type: text/plain; charset=utf-8

            \(m.2)

            """.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            labels += "\(name)\tnew\t\(m.0)\tt\(i)\tpemda\t-\n"
        }
        try labels.write(to: dir.appendingPathComponent("labels.tsv"), atomically: true, encoding: .utf8)
        let r = try TestEnv.runSurel(["classify", "eval", "--corpus", dir.path, "--train", dir.path, "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        for key in [
            "accuracy", "macro_f1", "per_class", "ham_as_spam", "spam_recall", "coverage", "auto_precision", "held",
            "held_other_rate", "pengaduan_recall_held",
        ] {
            XCTAssertNotNil(json[key], "eval JSON lacks \(key)")
        }
        XCTAssertEqual(json["accuracy"] as? Double, 1.0)
        XCTAssertEqual((json["per_class"] as? [String: Any])?.count, 2)
        let missing = try TestEnv.runSurel(["classify", "eval", "--corpus", dir.path + "/nope", "--train", dir.path])
        XCTAssertNotEqual(missing.status, 0)
    }
}
