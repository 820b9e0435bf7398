// The classifier skips regular expressions that cannot match (Tokenizer.ownText's, by line starts; the rules', by
// the literals their patterns require): on the mails of the shared corpora, the results are the same as when
// every expression runs.
import Foundation
import XCTest
@testable import SurelClassify
import SurelCore
import SurelMail
@testable import SurelEngine

final class PrefilterCorpusTests: XCTestCase {
    func corpusFiles() throws -> [URL] {
        let corpus = try TestEnv.requireCorpus("djpk")
        let sa = try TestEnv.requireCorpus("spamassassin")
        var files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".eml") }
            .map { corpus.appendingPathComponent($0) }
        for folder in ["easy_ham", "hard_ham", "spam"] {
            let dir = sa.appendingPathComponent(folder)
            files += try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().prefix(400)
                .map { dir.appendingPathComponent($0) }
        }
        return files
    }

    func testOwnTextSkippingChangesNothing() throws {
        var compared = 0, cut = 0
        for file in try corpusFiles() {
            guard let parsed = try? MIMEParser.parse(try Data(contentsOf: file)) else { continue }
            let kept = Tokenizer.ownText(parsed.text)
            XCTAssertEqual(kept, Tokenizer.ownText(parsed.text, skipping: false), file.lastPathComponent)
            compared += 1
            if kept != parsed.text { cut += 1 }
        }
        XCTAssertGreaterThan(compared, 1000)
        XCTAssertGreaterThan(cut, 100, "quotes and signatures were cut in many of them")
    }

    func testRulesFireAsWithoutTheirPrefilter() throws {
        var compared = 0, fired = 0
        for file in try corpusFiles() {
            guard let parsed = try? MIMEParser.parse(try Data(contentsOf: file)) else { continue }
            let input = ClassificationInput(parsed)
            let text = LowercasedFields(input)
            let expected = RuleSet.standard.rules.filter { $0.matches(text, prefiltered: false) }.map(\.name)
            XCTAssertEqual(RuleSet.standard.fired(input).map(\.name), expected, file.lastPathComponent)
            compared += 1
            fired += expected.count
        }
        XCTAssertGreaterThan(compared, 1000)
        XCTAssertGreaterThan(fired, 50, "rules fired on many of them")
    }
}
