// Trains a spam model on folders of spam and ham mail and measures it on other folders: the SpamAssassin
// public-corpus protocol of issue 3 (train on spam, easy_ham, hard_ham; test on spam_2, easy_ham_2).
import Foundation
import SurelClassify
import SurelCore
import SurelMail

public struct SpamEvaluation: Sendable, Codable {
    public var cutoffs: SpamCutoffs
    public var train_spam = 0, train_ham = 0, test_spam = 0, test_ham = 0
    /// Mails of the test folders that could not be parsed (left out).
    public var unreadable = 0
    /// Ham called spam, and ham left unsure.
    public var ham_as_spam = 0, ham_unsure = 0
    /// Spam called spam, and spam left unsure.
    public var spam_as_spam = 0, spam_unsure = 0
    public var train_seconds = 0.0, classify_seconds = 0.0
    /// Test mails per score decile (0.0-0.1, ..., 0.9-1.0), to choose cut-offs.
    public var spam_by_decile = [Int](repeating: 0, count: 10), ham_by_decile = [Int](repeating: 0, count: 10)

    public var ham_false_positive_rate: Double { test_ham == 0 ? 0 : Double(ham_as_spam) / Double(test_ham) }
    public var spam_recall: Double { test_spam == 0 ? 0 : Double(spam_as_spam) / Double(test_spam) }
    /// Counting the unsure band as spam (how bogofilter's second figure is read).
    public var ham_false_positive_rate_unsure_as_spam: Double {
        test_ham == 0 ? 0 : Double(ham_as_spam + ham_unsure) / Double(test_ham)
    }
    public var spam_recall_unsure_as_spam: Double {
        test_spam == 0 ? 0 : Double(spam_as_spam + spam_unsure) / Double(test_spam)
    }

    enum CodingKeys: String, CodingKey {
        case cutoffs, train_spam, train_ham, test_spam, test_ham, unreadable, ham_as_spam, ham_unsure, spam_as_spam,
            spam_unsure, train_seconds, classify_seconds, spam_by_decile, ham_by_decile
    }

    /// Every regular file of the folders, parsed; unparseable files are counted, not fatal.
    public static func loadFolders(_ dirs: [String]) throws -> (mails: [ClassificationInput], unreadable: Int) {
        var out: [ClassificationInput] = [], bad = 0
        for dir in dirs {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where !name.hasPrefix(".") {
                guard let raw = FileManager.default.contents(atPath: dir + "/" + name),
                    let p = try? MIMEParser.parse(raw)
                else { bad += 1; continue }
                out.append(ClassificationInput(p))
            }
        }
        return (out, bad)
    }

    public static func run(
        trainSpam: [String], trainHam: [String], testSpam: [String], testHam: [String],
        cutoffs: SpamCutoffs = SpamCutoffs()
    ) throws -> SpamEvaluation {
        var e = SpamEvaluation(cutoffs: cutoffs)
        let spam = try loadFolders(trainSpam).mails, ham = try loadFolders(trainHam).mails
        let tSpam = try loadFolders(testSpam), tHam = try loadFolders(testHam)
        e.train_spam = spam.count; e.train_ham = ham.count
        e.test_spam = tSpam.mails.count; e.test_ham = tHam.mails.count
        e.unreadable = tSpam.unreadable + tHam.unreadable
        let clock = ContinuousClock()
        var model = SpamModel()
        e.train_seconds = seconds(
            clock.measure {
                model = .trained(
                    on: spam.map { (Tokenizer.spamFeatures($0), true) }
                        + ham.map { (Tokenizer.spamFeatures($0), false) })
            })
        let classifier = CategoryClassifier(model: NaiveBayesModel(), spam: model, cutoffs: cutoffs)
        /// Verdict counts (spam, unsure) and score deciles of a test folder.
        func judge(_ mails: [ClassificationInput]) -> (spam: Int, unsure: Int, deciles: [Int]) {
            var r = (spam: 0, unsure: 0, deciles: [Int](repeating: 0, count: 10))
            for m in mails {
                let d = classifier.spamVerdict(m)
                r.deciles[min(9, Int(d.score.probability * 10))] += 1
                if d.verdict == .spam { r.spam += 1 } else if d.verdict == .unsure { r.unsure += 1 }
            }
            return r
        }
        var spamResult = (spam: 0, unsure: 0, deciles: [Int]()), hamResult = spamResult
        e.classify_seconds = seconds(
            clock.measure {
                spamResult = judge(tSpam.mails)
                hamResult = judge(tHam.mails)
            })
        (e.spam_as_spam, e.spam_unsure, e.spam_by_decile) = spamResult
        (e.ham_as_spam, e.ham_unsure, e.ham_by_decile) = hamResult
        return e
    }

    private static func seconds(_ d: Duration) -> Double { ClassifierSpeed.seconds(d) }
}
