// Tokenizer.ownText skips its expressions on text where no line can start a match: on every body of the shared
// corpora, the text it keeps is the same as when both expressions always run.
import Foundation
import XCTest
@testable import SurelClassify
import SurelMail

final class OwnTextCorpusTests: XCTestCase {
    func testSkippingChangesNothingOnTheCorpora() throws {
        let corpus = try TestEnv.requireCorpus("djpk")
        let sa = try TestEnv.requireCorpus("spamassassin")
        var files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".eml") }
            .map { corpus.appendingPathComponent($0) }
        for folder in ["easy_ham", "hard_ham", "spam"] {
            let dir = sa.appendingPathComponent(folder)
            files += try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().prefix(400)
                .map { dir.appendingPathComponent($0) }
        }
        var compared = 0, cut = 0
        for file in files {
            guard let parsed = try? MIMEParser.parse(try Data(contentsOf: file)) else { continue }
            let kept = Tokenizer.ownText(parsed.text)
            XCTAssertEqual(kept, Tokenizer.ownText(parsed.text, skipping: false), file.lastPathComponent)
            compared += 1
            if kept != parsed.text { cut += 1 }
        }
        XCTAssertGreaterThan(compared, 1000)
        XCTAssertGreaterThan(cut, 100, "quotes and signatures were cut in many of them")
    }
}
