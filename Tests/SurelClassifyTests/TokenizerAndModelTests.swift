import XCTest
import SurelCore
@testable import SurelClassify

final class TokenizerAndModelTests: XCTestCase {
    func testClassTokensAbbreviationsAndQuotesCut() {
        let w = Tokenizer.words(
            "Yth. Bpk, mhn info surat S-26/PK/PK.5/2025 dan 900.1.2/123/BPKAD/2025 utk 2025 lihat https://x.go.id atau a@b.go.id"
        )
        XCTAssertEqual(w.filter { $0 == "__nomorsurat__" }.count, 2, "\(w)")
        XCTAssertTrue(w.contains("__tahun__"))
        XCTAssertTrue(w.contains("__url__"))
        XCTAssertTrue(w.contains("__email__"))
        XCTAssertTrue(w.contains("mohon") && w.contains("untuk") && w.contains("bapak"), "\(w)")
        let own = Tokenizer.ownText(
            "Mohon info penyaluran DAU bulan Maret untuk kabupaten kami.\n\nPada Sen, 3 Feb 2025 menulis:\n> pertanyaan tentang BOS"
        )
        XCTAssertFalse(own.contains("BOS"))
        XCTAssertTrue(own.contains("DAU"))
    }

    /// ownText skips an expression only where it cannot match: same result as always running both.
    func testOwnTextSkipsOnlyExpressionsThatCannotMatch() {
        let own = "Mohon informasi jadwal penyaluran DAU bulan Maret untuk kabupaten kami, terima kasih banyak."
        let cases = [
            own, own + "\n\nPada Sen, 3 Feb 2025 Budi menulis:\n> pertanyaan lama",
            own + "\r\nON Mon, Feb 3, 2025 at 9:00 Budi WROTE:\r\n> old", own + "\n> kutipan",
            own + "\n-- \nBudi\nBPKAD", own + "\n---- Original Message ----\nFrom: x",
            own + "\n" + String(repeating: "_", count: 12),
            own + "\nSent from my iPhone", own + "\nDIKIRIM DARI Yahoo Mail", own + "\nDisclaimer: rahasia",
            own + "\nThis email is confidential", own + "\nEmail ini bersifat rahasia", own + "\nCatatan : penting",
            own + "\r-- \rBudi", own + "\nſent from my phone", own + " — \nPada Sen Budi menulis:\n> x",
            "> short", own + "\n  > indented quote is not a quote start", own + "\nonly words on lines\npadanya",
        ]
        for text in cases {
            XCTAssertEqual(Tokenizer.ownText(text), Tokenizer.ownText(text, skipping: false), text)
        }
        XCTAssertFalse(Tokenizer.someLineMayStart(own + "\nsalam", with: [Array("sent from".utf8)]))
        XCTAssertTrue(Tokenizer.someLineMayStart(own + "\r\nSENT FROM", with: [Array("sent from".utf8)]))
        XCTAssertTrue(Tokenizer.someLineMayStart(own + " é", with: [Array("sent from".utf8)]), "non-ASCII: always run")
        XCTAssertEqual(Tokenizer.ownText(own + "\nSent from my iPhone"), own + "\n")
    }

    func testOnlineLearningMovesTheNextSimilarMail() {
        var m = NaiveBayesModel()
        let dau = ["penyaluran", "dau", "bulan", "gaji"], bos = ["dana", "bos", "sekolah", "penyaluran"]
        for _ in 0..<5 { m.learn(dau, as: "dau"); m.learn(bos, as: "dak-nonfisik") }
        let tpg = ["tunjangan", "profesi", "guru", "penyaluran"]
        // Unknown words: the model cannot know; after one correction the same kind of mail follows it.
        m.learn(tpg, as: "dak-nonfisik")
        XCTAssertEqual(m.classify(["tunjangan", "profesi", "guru", "triwulan"])?.label, "dak-nonfisik")
        XCTAssertEqual(m.classify(["gaji", "dau"])?.label, "dau")
        m.unlearn(tpg, as: "dak-nonfisik")
        m.learn(tpg, as: "dau")
        XCTAssertEqual(m.classify(["tunjangan", "profesi", "guru", "triwulan"])?.label, "dau")
        let s = m.classify(["gaji", "dau"])!
        XCTAssertGreaterThan(s.confidence, 0.5)
        XCTAssertTrue(s.strongest.contains("dau") || s.strongest.contains("gaji"))
    }

    /// The models see hashes; each must be the hash of the feature's name as training records it, whether names
    /// are kept or not (else a model trained with names would not know the features of a mail classified without).
    func testFeatureHashesAreTheHashesOfTheirNames() {
        let input = ClassificationInput(
            subject: "RE: Penyaluran DAU Kab. Blitar — mohon info!!",
            text: "Yth. Bpk, mhn info penyaluran DAU bulan Maret utk Kabupaten kami (surat S-26/PK/PK.5/2025), "
                + "lihat https://djpk.kemenkeu.go.id/dau atau hubungi bpkad@blitarkab.go.id. Čeština ÉCOLE naïve 2025 "
                + "sangatpanjangsekalikatanya $$$ GRATIS!!\n\nPada Sen, 3 Feb 2025 Budi menulis:\n> kutipan lama",
            senderEmail: "bpkad@blitarkab.go.id",
            headers: [
                ("From", "BPKAD <bpkad@blitarkab.go.id>"), ("Content-Type", "text/plain; charset=utf-8"),
                ("X-Mailer", "Thunderbird 115"), ("Message-ID", "<a1@blitarkab.go.id>"),
            ],
            attachmentNames: ["Surat_Permohonan DAU.pdf"], html: "<p><font color=red>Promo</font></p>")
        for (named, plain) in [
            (Tokenizer.features(input, keepingNames: true), Tokenizer.features(input)),
            (Tokenizer.spamFeatures(input, keepingNames: true), Tokenizer.spamFeatures(input)),
        ] {
            XCTAssertEqual(named.hashes, plain.hashes)
            XCTAssertGreaterThan(named.hashes.count, 20)
            for h in named.hashes {
                let name = named.name(of: h)
                XCTAssertEqual(name.map(FeatureHash.of), h, "\(name ?? "no name")")
            }
        }
        let names = Set(Tokenizer.features(input, keepingNames: true).names!.values)
        for expected in [
            "s:penyaluran", "s:dau", "penyaluran_dau", "__nomorsurat__", "__url__", "__email__",
            "a:surat", "a:permohonan", "c:pemda", "čeština", "école", "naïve", "__tahun__",
        ] {
            XCTAssertTrue(names.contains(expected), "\(expected) not in \(names.sorted())")
        }
        XCTAssertFalse(names.contains("kutipan"), "quoted text is cut")
        XCTAssertFalse(names.contains("mohon") || names.contains("s:mohon"), "stopwords are left out")
        let spam = Set(Tokenizer.spamFeatures(input, keepingNames: true).names!.values)
        for expected in [
            "$$$", "gratis!!", "s:dau", "url:djpk", "email:blitarkab.go.id", "skip:s20", "mailer:thunderbird",
            "tag:font", "attr:color=red", "att:pdf", "dau bulan",
        ] {
            XCTAssertTrue(spam.contains(expected), "\(expected) not in \(spam.sorted())")
        }
    }

    /// A stored model comes back the same: same scores, and it still names the words that decided.
    func testModelsSurviveTheirStoredForm() throws {
        var nb = NaiveBayesModel()
        for _ in 0..<3 {
            nb.learn(["penyaluran", "dau", "gaji"], as: "dau"); nb.learn(["dana", "bos", "sekolah"], as: "bos")
        }
        let nb2 = try JSONDecoder().decode(NaiveBayesModel.self, from: try JSONEncoder().encode(nb))
        let a = try XCTUnwrap(nb.classify(["gaji", "dau", "sekolah"])),
            b = try XCTUnwrap(nb2.classify(["gaji", "dau", "sekolah"]))
        XCTAssertEqual(a.label, "dau")
        XCTAssertEqual(b.label, a.label)
        XCTAssertEqual(b.confidence, a.confidence, accuracy: 1e-12)
        XCTAssertEqual(Set(b.strongest), ["gaji", "dau"])
        let spam = SpamModel.trained(on: [
            (["bonus", "klik", "slot"], true), (["bonus", "slot", "gacor"], true),
            (["dau", "penyaluran", "klik"], false), (["dana", "desa", "penyaluran"], false),
        ])
        let spam2 = try JSONDecoder().decode(SpamModel.self, from: try JSONEncoder().encode(spam))
        let s1 = spam.score(["slot", "bonus", "desa"]), s2 = spam2.score(["slot", "bonus", "desa"])
        XCTAssertEqual(s2.probability, s1.probability, accuracy: 1e-12)
        XCTAssertEqual(Set(s2.clues.map(\.token)), Set(s1.clues.map(\.token)))
        XCTAssertTrue(s2.clues.map(\.token).contains("slot"))
        XCTAssertThrowsError(
            try JSONDecoder().decode(
                SpamModel.self,
                from: Data(#"{"spamDocuments":1,"hamDocuments":1,"intercept":0,"tokens":"AAEC","vocabulary":""}"#.utf8))
        )
    }

    func testEvaluationMetrics() {
        let e = Evaluation(
            pairs: [("dau", "dau", 0.9), ("dau", "spam", 0.9), ("spam", "spam", 0.5), ("dbh", "dbh", 0.99)],
            threshold: 0.8)
        XCTAssertEqual(e.accuracy, 0.75)
        XCTAssertEqual(e.ham_as_spam, 1)
        XCTAssertEqual(e.spam_recall, 1)
        XCTAssertEqual(e.coverage, 0.75)
        XCTAssertEqual(e.auto_precision, 2.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(e.per_class["dau"]?.recall, 0.5)
        XCTAssertEqual(e.confusion["dau"]?["spam"], 1)
    }
}

final class TaxonomyTests: XCTestCase {
    func testStandardTaxonomyHasTheNineteenCategories() {
        let t = Taxonomy.standard
        XCTAssertEqual(t.slugs.count, 19)
        XCTAssertEqual(t.confidentialSlugs, ["pengaduan"])
        XCTAssertEqual(t.category("dak-fisik")?.unit, "DTK")
        XCTAssertNil(t.category("spam")?.unit)
    }

    func testACategoryIsAddedByDataAndBadLinesAreNamed() throws {
        let t = try Taxonomy(
            tsv: "inpres-1-2025\tInpres 1/2025\tDTU\tno\tEfisiensi belanja\npengaduan\tPengaduan\t-\tyes\n")
        XCTAssertEqual(t.slugs, ["inpres-1-2025", "pengaduan"])
        XCTAssertThrowsError(try Taxonomy(tsv: "# comment\nok\tOK\t-\tno\nBad Slug\tX\t-\tno\n")) { error in
            XCTAssertEqual((error as? Taxonomy.Problem)?.line, 3)
        }
        XCTAssertThrowsError(try Taxonomy(tsv: "a\tA\t-\tmaybe\n")) { error in
            XCTAssertEqual((error as? Taxonomy.Problem)?.line, 1)
        }
    }
}

final class SpamModelTests: XCTestCase {
    func testChiSquareTail() {
        // P(chi2 with 2 dof >= x) = exp(-x/2); with 4 dof = exp(-x/2)(1 + x/2).
        XCTAssertEqual(SpamModel.chi2Q(3, 2), exp(-1.5), accuracy: 1e-12)
        XCTAssertEqual(SpamModel.chi2Q(3, 4), exp(-1.5) * 2.5, accuracy: 1e-12)
        XCTAssertEqual(SpamModel.chi2Q(0, 10), 1)
    }

    func testScoresHaveAnHonestMiddleAndOnlineLearningMovesThem() {
        let spam: [Set<String>] = [
            ["gacor", "slot", "bonus"], ["slot", "maxwin", "depo"], ["bonus", "klik", "gacor"],
        ]
        let ham: [Set<String>] = [
            ["penyaluran", "dau", "mohon"], ["dana", "desa", "mohon"], ["dbh", "alokasi", "mohon"],
        ]
        var m = SpamModel.trained(on: spam.map { ($0, true) } + ham.map { ($0, false) })
        XCTAssertGreaterThan(m.score(["slot", "gacor"]).probability, 0.7)
        XCTAssertLessThan(m.score(["penyaluran", "dana"]).probability, 0.3)
        XCTAssertEqual(m.score(["kata", "baru"]).probability, 0.5, accuracy: 0.01, "no evidence: unsure, not ham")
        XCTAssertEqual(SpamCutoffs().verdict(0.5), .spam)
        XCTAssertEqual(SpamCutoffs().verdict(0.3), .unsure)
        XCTAssertEqual(SpamCutoffs().verdict(0.1), .ham)
        // Rule weights shift the score in log-odds.
        XCTAssertGreaterThan(m.score(["kata", "baru"], bias: 2).probability, 0.85)
        // An agent releases a mail the model called spam: it is learnt until it scores as ham.
        let released: Set<String> = ["bonus", "klik", "dau"]
        XCTAssertGreaterThan(m.score(released).probability, 0.5)
        m.learn(Features(released), spam: false, target: 0.1)
        XCTAssertLessThanOrEqual(m.score(released).probability, 0.1)
        // Training is reproducible: the same data gives the same model.
        let again = SpamModel.trained(on: spam.map { ($0, true) } + ham.map { ($0, false) })
        XCTAssertEqual(
            again.score(["slot", "dau"]).probability,
            SpamModel.trained(on: spam.map { ($0, true) } + ham.map { ($0, false) }).score(["slot", "dau"]).probability)
    }
}
