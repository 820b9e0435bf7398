import XCTest
import SurelCore
@testable import SurelClassify

final class RulesTests: XCTestCase {
    func input(
        subject: String = "Pertanyaan", body: String = "", from: String = "staf@kedirikab.go.id",
        name: String = "Staf BPKAD", headers: [(String, String)] = [], attachments: [String] = []
    )
        -> ClassificationInput
    {
        ClassificationInput(
            subject: subject, text: body, senderEmail: from,
            headers: headers.map { (name: $0.0, value: $0.1) }, attachmentNames: attachments,
            senderName: name)
    }

    func fired(_ i: ClassificationInput) -> Set<String> { Set(RuleSet.standard.fired(i).map(\.name)) }

    /// Each shipped rule fires on a positive example and stays quiet on a near miss.
    func testEachShippedRuleOnAPositiveAndANegativeExample() {
        let cases: [(rule: String, positive: ClassificationInput, negative: ClassificationInput)] = [
            (
                "letter-number-prefixed", input(body: "menindaklanjuti surat S-26/PK/PK.5/2025 tanggal 3 Februari"),
                input(body: "mohon info PK.5 tahun 2025")
            ),
            (
                "letter-number-classified",
                input(body: "Nomor: 900.1.2/123/BPKAD/2025 perihal DAU; juga 970/45/Bapenda"),
                input(body: "anggaran 900.000 rupiah untuk 2025")
            ),
            (
                "letter-number-in-subject", input(subject: "Surat Nomor 005/112/Setwan/2025"),
                input(subject: "Nomor rekening kas daerah")
            ),
            (
                "letter-attachment", input(attachments: ["Surat_Permohonan_DAU.pdf"]),
                input(attachments: ["Laporan_Realisasi.xlsx"])
            ),
            (
                "letter-phrasing", input(body: "Dengan hormat, bersama ini kami sampaikan surat Bupati"),
                input(body: "Dengan hormat, kami ingin bertanya tentang DAU")
            ),
            ("upstream-spam-flag", input(headers: [("X-Spam-Flag", "YES")]), input(headers: [("X-Spam-Flag", "NO")])),
            (
                "upstream-spam-status", input(headers: [("X-Spam-Status", "Yes, score=7.1")]),
                input(headers: [("X-Spam-Status", "No, score=0.3")])
            ),
            (
                "sender-auth-failed",
                input(headers: [("Authentication-Results", "mx.kemenkeu.go.id; spf=fail smtp.mailfrom=x")]),
                input(headers: [("Authentication-Results", "mx.kemenkeu.go.id; spf=pass; dkim=pass; dmarc=pass")])
            ),
            (
                "impersonation-sender", input(from: "se.djpk.kemenkeu@gmail.com", name: "Ditjen Perimbangan Keuangan"),
                input(from: "humas@djpk.kemenkeu.go.id", name: "Ditjen Perimbangan Keuangan")
            ),
            (
                "impersonation-login",
                input(
                    body: "Surat Edaran Kemenkeu terlampir. Untuk membuka dokumen, gunakan akun email dinas Anda.",
                    from: "admin@kemenkeu-go-id.info"),
                input(
                    body: "Surat Edaran Kemenkeu terlampir. Untuk membuka dokumen, gunakan akun email dinas Anda.",
                    from: "tu@djpk.kemenkeu.go.id")
            ),
            (
                "credential-request", input(body: "Segera verifikasi akun SIKD Anda melalui tautan berikut"),
                input(body: "Kami tidak bisa login ke aplikasi, mohon bantuan verifikasi akun kami")
            ),
            ("gambling", input(body: "Main slot gacor maxwin hari ini"), input(body: "Jadwal penyaluran Dana Desa")),
            (
                "complaint-bribery", input(body: "ada pungli saat pencairan, kami diminta uang pelicin"),
                input(body: "pungutan pajak daerah dan retribusi sesuai Perda")
            ),
            (
                "complaint-gratification", input(body: "pejabat itu meminta gratifikasi berupa mobil"),
                input(body: "#BanggaMelayani #StopGratifikasi\napakah cenderamata termasuk gratifikasi?")
            ),
            (
                "complaint-rogue-official", input(body: "seorang oknum di dinas meminta bayaran"),
                input(body: "ada oknumnya? tidak, pertanyaan biasa")
            ),
            (
                "complaint-rogue-official-subject", input(subject: "Laporan pengaduan penyaluran DAK"),
                input(subject: "Penyaluran DAK Fisik tahap II")
            ),
            (
                "complaint-secrecy", input(body: "Saya mohon identitas saya dirahasiakan."),
                input(body: "Data rahasia negara tidak kami minta, hanya data APBD.")
            ),
            (
                "complaint-whistleblowing", input(body: "sudah saya laporkan lewat WBS juga"),
                input(body: "website DJPK tidak bisa dibuka")
            ),
            (
                "complaint-fee", input(body: "ada fee 10% untuk setiap kontrak DAK Fisik"),
                input(body: "berapa fee narasumber untuk webinar?")
            ),
            (
                "complaint-impostor-money",
                input(body: "seseorang mengaku pegawai DJPK dan meminta biaya Rp5 juta agar DAK cair"),
                input(body: "pegawai DJPK menjelaskan jadwal penyaluran DAK")
            ),
            (
                "complaint-report-threat", input(body: "kalau tidak ditanggapi akan saya laporkan ke Ombudsman"),
                input(body: "laporan realisasi sudah kami kirim ke BPKAD")
            ),
            (
                "complaint-service", input(body: "petugas telepon bersikap kasar dan tidak sopan"),
                input(body: "petugas sudah menjelaskan dengan baik")
            ),
        ]
        XCTAssertEqual(Set(cases.map(\.rule)), Set(RuleSet.standard.rules.map(\.name)), "every shipped rule is tested")
        for c in cases {
            XCTAssertTrue(fired(c.positive).contains(c.rule), "\(c.rule) should fire")
            XCTAssertFalse(fired(c.negative).contains(c.rule), "\(c.rule) should not fire")
        }
        // A near miss that once fired: "akuntansi" is not "akun".
        XCTAssertFalse(
            fired(input(body: "cpns kemenkeu dibuka kapan? formasi s1 akuntansi ada?", from: "a@gmail.com"))
                .contains("impersonation-login"))
    }

    func testEveryConditionOfARuleMustMatch() throws {
        let rules = try RuleSet(tsv: "both\tsubject\tdau\tfrom\t@kedirikab\\.go\\.id$\tscore:dau:1\n")
        XCTAssertEqual(rules.fired(input(subject: "Penyaluran DAU")).map(\.name), ["both"])
        XCTAssertTrue(rules.fired(input(subject: "Penyaluran DAU", from: "x@gmail.com")).isEmpty)
        XCTAssertTrue(rules.fired(input(subject: "Penyaluran DBH")).isEmpty)
        XCTAssertThrowsError(try RuleSet(tsv: "odd\tsubject\tdau\tfrom\tscore:dau:1\n")) {
            XCTAssertEqual(($0 as? RuleSet.Problem)?.line, 1)
        }
    }

    func testDecidingRuleWinsAndScoresAreExplained() {
        var m = NaiveBayesModel()
        m.learn(["penyaluran", "dau"], as: "dau")
        m.learn(["surat", "bupati"], as: "surat-masuk")
        m.learn(["hadiah", "klik"], as: "spam")
        let c = CategoryClassifier(model: m)
        let spam = c.classify(input(body: "penyaluran dau", headers: [("X-Spam-Flag", "YES")]))
        XCTAssertEqual(spam.category, "spam")
        XCTAssertEqual(spam.explanation, "rule upstream-spam-flag")
        // One word of a topic loses against the weight of a letter number and letter phrasing.
        let letter = c.classify(input(body: "dau, bersama ini kami sampaikan S-26/PK/PK.5/2025"))
        XCTAssertEqual(c.classify(input(body: "dau")).category, "dau")
        XCTAssertEqual(letter.category, "surat-masuk")
        XCTAssertTrue(letter.explanation.contains("letter-number-prefixed"), letter.explanation)
    }

    func testBadRuleLinesAreNamed() {
        XCTAssertThrowsError(try RuleSet(tsv: "# x\nok\tbody\tfoo\tdecide:spam\nbad\tnowhere\tfoo\tdecide:spam\n")) {
            XCTAssertEqual(($0 as? RuleSet.Problem)?.line, 3)
        }
        XCTAssertThrowsError(try RuleSet(tsv: "bad\tbody\tfoo\tscore:spam:lots\n")) {
            XCTAssertEqual(($0 as? RuleSet.Problem)?.line, 1)
        }
    }
}

final class RequiredLiteralsTests: XCTestCase {
    func testLiteralsComeFromThePattern() {
        XCTAssertEqual(
            RequiredLiterals.of(
                #"(bersama ini (kami )?(sampaikan|kirimkan|teruskan)|terlampir (kami sampaikan )?surat|dengan hormat,? (bersama|menindaklanjuti)|perihal\s*:)"#
            ),
            ["bersama ini ", "dengan hormat", "perihal", "terlampir "])
        XCTAssertEqual(
            RequiredLiterals.of(
                #"\b(slot\s*gacor|judi online|togel|maxwin|scatter|depo(sit)?\s*\d+\s*(rb|ribu|k)\b|rtp live)"#),
            ["depo", "gacor", "judi online", "maxwin", "rtp live", "scatter", "togel"])
        XCTAssertEqual(RequiredLiterals.of(#"^\s*yes"#), ["yes"])
        XCTAssertEqual(RequiredLiterals.of(#"(spf|dkim|dmarc)=(fail|softfail)"#), ["fail", "softfail"])
        XCTAssertEqual(RequiredLiterals.of(#"a\.b+c"#), ["a.b"], "an escaped dot is a literal; b+ ends the run")
        XCTAssertEqual(RequiredLiterals.of(#"colou?r"#), ["colo"])
        XCTAssertNil(RequiredLiterals.of(#"^(?!.*@([a-z0-9-]+\.)*kemenkeu\.go\.id$)"#), "a lookahead requires nothing")
        XCTAssertNil(RequiredLiterals.of(#"(?i)abc|x?"#), "inline flags and optional branches: no test")
        XCTAssertNil(RequiredLiterals.of(#"[a-z]+\d"#))
        XCTAssertNil(RequiredLiterals.of(#"abc|"#), "an empty branch matches anything")
    }

    /// Each branch requires all of its parts: a common word of one list is not enough.
    func testABranchNeedsEachOfItsParts() throws {
        let pattern =
            #"\b(verifikasi|validasi|aktivasi|perbarui|login|log in|masuk|gunakan|buka)\b.{0,60}\b(akun|password|kata sandi|email dinas)\b|\b(akun|password|kata sandi)\b.{0,40}(kedaluwarsa|dinonaktifkan|diblokir|ditangguhkan)"#
        let r = try XCTUnwrap(RequiredLiterals.requirement(pattern))
        XCTAssertEqual(
            r.branches,
            [
                [
                    ["aktivasi", "buka", "gunakan", "log in", "login", "masuk", "perbarui", "validasi", "verifikasi"],
                    ["akun", "email dinas", "kata sandi", "password"],
                ],
                [["akun", "kata sandi", "password"], ["diblokir", "dinonaktifkan", "ditangguhkan", "kedaluwarsa"]],
            ])
        let test = RequiredLiterals.Test(r)
        XCTAssertFalse(test.isMet(by: Array("surat masuk dari pemda, mohon dibuka lampirannya".utf8)))
        XCTAssertTrue(test.isMet(by: Array("silakan login ke akun anda".utf8)))
        XCTAssertTrue(test.isMet(by: Array("password anda kedaluwarsa".utf8)))
        XCTAssertFalse(test.isMet(by: Array("password anda".utf8)))
        XCTAssertEqual(
            RequiredLiterals.requirement(#"ab(cd)e+f"#)?.branches, [[["ab"], ["cd"], ["e"], ["f"]]],
            "a one-branch group's requirement joins the sequence's")
        XCTAssertEqual(RequiredLiterals.requirement(#"x(ab|cde)"#)?.branches, [[["x"], ["ab", "cde"]]])
    }

    /// Whenever a shipped rule's expression matches, its requirement is met: checked on every line of the
    /// project's examples and on texts made to match.
    func testAMatchAlwaysContainsALiteral() throws {
        var texts = [
            "bersama ini kami sampaikan surat nomor s-26/pk/pk.5/2025", "perihal : undangan", "depo 25rb slot gacor",
            "spf=softfail dkim=fail", "nomor: 900.1.2/123/bpkad/2025", "mohon verifikasi akun anda di tautan berikut",
            "segera login ke email dinas anda", "kata sandi anda ditangguhkan",
            "perbarui password anda melalui link ini",
            "verifikasi akun djpk anda, klik https://x.test", "surat b-45/kab.kdr/ii/2025",
        ]
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../classify/examples")
        if let files = try? FileManager.default.contentsOfDirectory(at: examples, includingPropertiesForKeys: nil) {
            for f in files.prefix(200) {
                texts += (try? String(contentsOf: f, encoding: .utf8))?.lowercased().components(separatedBy: "\n") ?? []
            }
        }
        var checked = 0
        for rule in RuleSet.standard.rules {
            for c in rule.conditions {
                guard let required = c.required else { continue }
                for t in texts where c.pattern.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)) != nil {
                    XCTAssertTrue(required.isMet(by: Array(t.utf8)), "\(rule.name) matched \"\(t)\"")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 10)
    }
}
