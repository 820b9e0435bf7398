// Evaluation of a classifier against labelled mail: accuracy, macro-F1, per-class scores, confusion matrix,
// spam errors, and how much is decided without review at a confidence threshold.
import Foundation

public struct Evaluation: Sendable, Encodable {
    public struct ClassScore: Sendable, Encodable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }
    public var total: Int
    public var accuracy: Double
    public var macro_f1: Double
    public var per_class: [String: ClassScore]
    /// confusion[expected][predicted] = count
    public var confusion: [String: [String: Int]]
    public var ham_as_spam: Int
    public var ham_as_spam_rate: Double
    public var spam_recall: Double
    public var threshold: Double
    /// Share decided without review (confidence >= threshold), and the precision of those decisions.
    public var coverage: Double
    public var auto_precision: Double
    /// Mails held as possible complaints (see ComplaintHold), and their share of the mails of the other categories.
    public var held: Int
    public var held_other_rate: Double
    /// Share of the mails of a confidential category (Pengaduan) held or classified as one: every complaint must be.
    public var pengaduan_recall_held: Double

    /// `held[i]`: whether mail i was held (none when empty); `confidential`: the confidential categories.
    public init(
        pairs: [(expected: String, predicted: String, confidence: Double)], threshold: Double, spam: String = "spam",
        held heldFlags: [Bool] = [], confidential: Set<String> = ["pengaduan"]
    ) {
        total = pairs.count
        let correct = pairs.filter { $0.expected == $0.predicted }.count
        accuracy = total == 0 ? 0 : Double(correct) / Double(total)
        var confusion: [String: [String: Int]] = [:]
        for p in pairs { confusion[p.expected, default: [:]][p.predicted, default: 0] += 1 }
        self.confusion = confusion
        let labels = Set(pairs.map(\.expected))
        var perClass: [String: ClassScore] = [:]
        for l in labels {
            let tp = pairs.filter { $0.expected == l && $0.predicted == l }.count
            let predicted = pairs.filter { $0.predicted == l }.count
            let support = pairs.filter { $0.expected == l }.count
            let p = predicted == 0 ? 0 : Double(tp) / Double(predicted)
            let r = support == 0 ? 0 : Double(tp) / Double(support)
            perClass[l] = ClassScore(
                precision: p, recall: r, f1: p + r == 0 ? 0 : 2 * p * r / (p + r), support: support)
        }
        per_class = perClass
        macro_f1 = perClass.isEmpty ? 0 : perClass.values.map(\.f1).reduce(0, +) / Double(perClass.count)
        let ham = pairs.filter { $0.expected != spam }
        ham_as_spam = ham.filter { $0.predicted == spam }.count
        ham_as_spam_rate = ham.isEmpty ? 0 : Double(ham_as_spam) / Double(ham.count)
        let spamPairs = pairs.filter { $0.expected == spam }
        spam_recall =
            spamPairs.isEmpty ? 0 : Double(spamPairs.filter { $0.predicted == spam }.count) / Double(spamPairs.count)
        self.threshold = threshold
        let decided = pairs.filter { $0.confidence >= threshold }
        coverage = total == 0 ? 0 : Double(decided.count) / Double(total)
        auto_precision =
            decided.isEmpty ? 0 : Double(decided.filter { $0.expected == $0.predicted }.count) / Double(decided.count)
        let isHeld = pairs.indices.map { $0 < heldFlags.count && heldFlags[$0] }
        held = isHeld.filter { $0 }.count
        let others = pairs.indices.filter { !confidential.contains(pairs[$0].expected) }
        held_other_rate = others.isEmpty ? 0 : Double(others.filter { isHeld[$0] }.count) / Double(others.count)
        let complaints = pairs.indices.filter { confidential.contains(pairs[$0].expected) }
        pengaduan_recall_held =
            complaints.isEmpty
            ? 0
            : Double(complaints.filter { isHeld[$0] || confidential.contains(pairs[$0].predicted) }.count)
                / Double(complaints.count)
    }

    /// The confusion matrix as text: one row per expected category, one numbered column per predicted one
    /// (the numbers are the rows' order), "." for zero.
    public func confusionTable() -> String {
        let labels = Set(confusion.keys).union(confusion.values.flatMap(\.keys)).sorted()
        let width = max(3, String(total).count + 1)
        let name = (labels.map(\.count).max() ?? 0) + 4
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? fill + s : s + fill
        }
        var out =
            pad("expected \\ predicted", name) + labels.indices.map { pad(String($0 + 1), width, left: true) }.joined()
        for (i, expected) in labels.enumerated() {
            out += "\n" + pad(pad(String(i + 1), 2, left: true) + " " + expected, name)
            out += labels.map { c in
                let n = confusion[expected]?[c] ?? 0
                return pad(n == 0 ? "." : String(n), width, left: true)
            }.joined()
        }
        return out
    }
}
