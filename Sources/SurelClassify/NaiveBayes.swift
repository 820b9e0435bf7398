// A multinomial naive Bayes over the Tokenizer's features. Training adds counts, so a correction by an agent
// updates the model at once (online learning) and the model is plain counts that a store can persist.
import Foundation
import SurelCore

public struct NaiveBayesModel: Sendable, Codable {
    /// Documents seen per class.
    public private(set) var documents: [String: Int] = [:]
    /// Feature counts per class.
    public private(set) var counts: [String: [String: Int]] = [:]
    /// Total feature count per class.
    public private(set) var totals: [String: Int] = [:]
    /// Every feature seen, for the smoothing denominator.
    public private(set) var vocabulary: Set<String> = []
    /// Laplace/Lidstone smoothing.
    public var alpha = 0.1

    public init() {}

    public var classes: [String] { documents.keys.sorted() }

    public mutating func learn(_ features: [String], as label: String, weight: Int = 1) {
        documents[label, default: 0] += weight
        var c = counts[label] ?? [:]
        // Binary features per document: one long mail must not outweigh many short ones.
        for f in Set(features) {
            c[f, default: 0] += weight
            vocabulary.insert(f)
        }
        totals[label, default: 0] += Set(features).count * weight
        counts[label] = c
    }

    /// Undo a `learn` (a corrected label moves a document from one class to another).
    public mutating func unlearn(_ features: [String], as label: String) {
        guard let d = documents[label], d > 0, var c = counts[label] else { return }
        documents[label] = d - 1
        for f in Set(features) { c[f] = max(0, (c[f] ?? 0) - 1) }
        totals[label] = max(0, (totals[label] ?? 0) - Set(features).count)
        counts[label] = c
    }

    public struct Scored: Sendable {
        public var label: String
        /// Posterior probability of `label` among the classes (softmax of the log scores).
        public var confidence: Double
        /// Features that pushed most towards `label`, strongest first.
        public var strongest: [String]
        public var ranking: [(label: String, probability: Double)]
    }

    /// `bias` adds to a class's log score (weights of the rules that fired).
    public func classify(_ features: [String], bias: [String: Double] = [:]) -> Scored? {
        let classes = self.classes
        guard !classes.isEmpty else { return nil }
        let totalDocs = Double(documents.values.reduce(0, +))
        let v = Double(max(vocabulary.count, 1))
        let unique = Array(Set(features)).filter { vocabulary.contains($0) }
        var scores: [(String, Double)] = []
        for label in classes {
            let c = counts[label] ?? [:]
            let denom = log(Double(totals[label] ?? 0) + alpha * v)
            var s = log(Double(documents[label] ?? 0) + 1) - log(totalDocs + Double(classes.count)) + (bias[label] ?? 0)
            for f in unique { s += log(Double(c[f] ?? 0) + alpha) - denom }
            scores.append((label, s))
        }
        let best = scores.max { $0.1 < $1.1 }!
        let sum = scores.reduce(0.0) { $0 + exp($1.1 - best.1) }
        let ranking = scores.map { ($0.0, exp($0.1 - best.1) / sum) }.sorted { $0.1 > $1.1 }
        // Strongest words: largest log-likelihood ratio of the winner against the runner-up.
        var strongest: [String] = []
        if ranking.count > 1 {
            let a = counts[best.0] ?? [:], b = counts[ranking[1].0] ?? [:]
            let da = Double(totals[best.0] ?? 0) + alpha * v, db = Double(totals[ranking[1].0] ?? 0) + alpha * v
            strongest = unique.map { f in (f, log((Double(a[f] ?? 0) + alpha) / da) - log((Double(b[f] ?? 0) + alpha) / db)) }
                .filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.prefix(6).map(\.0)
        }
        return Scored(label: best.0, confidence: ranking[0].1, strongest: strongest,
                      ranking: ranking.map { (label: $0.0, probability: $0.1) })
    }
}
