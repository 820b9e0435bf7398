// A multinomial naive Bayes over the Tokenizer's features. Training adds counts, so a correction by an agent
// updates the model at once (online learning) and the model is plain counts that a store can persist.
// Counts are kept per feature as one small array indexed by class: classifying a mail then costs one dictionary
// lookup per feature, not one per feature and class.
import Foundation
import SurelCore

public struct NaiveBayesModel: Sendable, Codable {
    /// Class labels in the order of the count arrays.
    public private(set) var classes: [String] = []
    /// Documents seen per class.
    private var documents: [Int] = []
    /// Total feature count per class.
    private var totals: [Int] = []
    /// Per feature (its FeatureHash), its count in each class (shorter than `classes` when later classes never
    /// saw it).
    private var counts: [UInt64: [Int32]] = [:]
    /// The names of the features learnt, to name the strongest ones.
    private var vocabulary: [UInt64: String] = [:]
    /// Laplace/Lidstone smoothing.
    public var alpha = 0.1

    public init() {}

    /// Naive Bayes counts every word as independent evidence, so its posteriors are far too sure (0.999 for a coin
    /// toss between two topics). Dividing the log scores by this temperature makes the confidence usable as a
    /// review threshold (4 was chosen on the project's examples and checked on the evaluation corpus).
    static let confidenceTemperature = 4.0

    /// log(n + alpha) for the counts most features have, at the default alpha: classifying a mail otherwise
    /// computed thousands of logarithms.
    private static let logTable: [Double] = (0..<4096).map { log(Double($0) + 0.1) }
    private func logCount(_ n: Int32) -> Double {
        alpha == 0.1 && n < 4096 ? Self.logTable[Int(n)] : log(Double(n) + alpha)
    }

    private mutating func index(of label: String) -> Int {
        if let i = classes.firstIndex(of: label) { return i }
        classes.append(label); documents.append(0); totals.append(0)
        return classes.count - 1
    }

    public mutating func learn(_ features: Features, as label: String, weight: Int = 1) {
        let c = index(of: label)
        documents[c] += weight
        // Binary features per document: one long mail must not outweigh many short ones.
        let unique = Set(features.hashes)
        for f in unique {
            // In place (`default:` subscript): copying the row out and back would allocate per feature.
            if (counts[f]?.count ?? 0) <= c {
                counts[f, default: []].append(contentsOf: repeatElement(0, count: c + 1 - (counts[f]?.count ?? 0)))
            }
            counts[f, default: []][c] += Int32(weight)
            if vocabulary[f] == nil, let name = features.name(of: f) { vocabulary[f] = name }
        }
        totals[c] += unique.count * weight
    }

    public mutating func learn(_ names: [String], as label: String, weight: Int = 1) {
        learn(Features(names), as: label, weight: weight)
    }

    /// Undo a `learn` (a corrected label moves a document from one class to another).
    public mutating func unlearn(_ features: Features, as label: String) {
        guard let c = classes.firstIndex(of: label), documents[c] > 0 else { return }
        documents[c] -= 1
        let unique = Set(features.hashes)
        for f in unique where (counts[f]?.count ?? 0) > c { counts[f]![c] = max(0, counts[f]![c] - 1) }
        totals[c] = max(0, totals[c] - unique.count)
    }

    public mutating func unlearn(_ names: [String], as label: String) { unlearn(Features(names), as: label) }

    public struct Scored: Sendable {
        public var label: String
        /// Posterior probability of `label` among the classes (tempered softmax of the log scores).
        public var confidence: Double
        /// Features that pushed most towards `label`, strongest first.
        public var strongest: [String]
        public var ranking: [(label: String, probability: Double)]
    }

    /// `bias` adds to a class's log score (weights of the rules that fired); `excluding` classes are not chosen.
    public func classify(_ names: [String], bias: [String: Double] = [:], excluding: Set<String> = []) -> Scored? {
        classify(Features(names), bias: bias, excluding: excluding)
    }

    public func classify(_ features: Features, bias: [String: Double] = [:], excluding: Set<String> = []) -> Scored? {
        let active = classes.indices.filter { !excluding.contains(classes[$0]) }
        guard !active.isEmpty else { return nil }
        let totalDocs = Double(documents.reduce(0, +))
        let v = Double(max(counts.count, 1))
        let logAlpha = log(alpha)
        let denominators = totals.map { log(Double($0) + alpha * v) }
        var scores = [Double](repeating: 0, count: classes.count)
        for c in active {
            scores[c] = log(Double(documents[c]) + 1) - log(totalDocs + Double(classes.count)) + (bias[classes[c]] ?? 0)
        }
        var known: [(UInt64, [Int32])] = []
        // A feature counts once however often it occurs; deduplicated by its place in `counts`, so each feature
        // is looked up once, not twice (unknown features count for nothing anyway).
        var seen = Set<Dictionary<UInt64, [Int32]>.Index>()
        seen.reserveCapacity(features.hashes.count)
        for f in features.hashes {
            guard let i = counts.index(forKey: f), seen.insert(i).inserted else { continue }
            let row = counts[i].value
            known.append((f, row))
            for c in active {
                let n = c < row.count ? row[c] : 0
                scores[c] += (n == 0 ? logAlpha : logCount(n)) - denominators[c]
            }
        }
        let t = Self.confidenceTemperature
        let best = active.max { scores[$0] < scores[$1] }!
        let sum = active.reduce(0.0) { $0 + exp((scores[$1] - scores[best]) / t) }
        let ranking = active.map { (classes[$0], exp((scores[$0] - scores[best]) / t) / sum) }.sorted { $0.1 > $1.1 }
        // Strongest words: largest log-likelihood ratio of the winner against the runner-up.
        var strongest: [String] = []
        if active.count > 1, let second = active.filter({ $0 != best }).max(by: { scores[$0] < scores[$1] }) {
            func count(_ row: [Int32], _ c: Int) -> Double { c < row.count ? Double(row[c]) : 0 }
            strongest = known.map { f, row in
                (
                    f,
                    log(count(row, best) + alpha) - denominators[best] - log(count(row, second) + alpha)
                        + denominators[second]
                )
            }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.prefix(6).map {
                vocabulary[$0.0] ?? features.name(of: $0.0) ?? "?"
            }
        }
        return Scored(
            label: classes[best], confidence: ranking[0].1, strongest: strongest,
            ranking: ranking.map { (label: $0.0, probability: $0.1) })
    }
}

extension NaiveBayesModel {
    private enum CodingKeys: String, CodingKey { case classes, documents, totals, alpha, counts, vocabulary }

    /// Counts as bytes: per feature its hash, the length of its row, the row (see ModelCoding).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(classes, forKey: .classes)
        try c.encode(documents, forKey: .documents)
        try c.encode(totals, forKey: .totals)
        try c.encode(alpha, forKey: .alpha)
        var w = BinaryWriter()
        for (f, row) in counts {
            w.u64(f)
            w.u32(UInt32(row.count))
            for n in row { w.i32(n) }
        }
        try c.encode(w.data, forKey: .counts)
        try c.encode(VocabularyCoding.encode(vocabulary), forKey: .vocabulary)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        classes = try c.decode([String].self, forKey: .classes)
        documents = try c.decode([Int].self, forKey: .documents)
        totals = try c.decode([Int].self, forKey: .totals)
        alpha = try c.decode(Double.self, forKey: .alpha)
        var r = BinaryReader(try c.decode(Data.self, forKey: .counts))
        while !r.isAtEnd {
            let f = try r.u64()
            let n = Int(try r.u32())
            guard n <= classes.count else { throw BinaryReader.Malformed() }
            var row = [Int32]()
            row.reserveCapacity(n)
            for _ in 0..<n { row.append(try r.i32()) }
            counts[f] = row
        }
        vocabulary = try VocabularyCoding.decode(try c.decode(Data.self, forKey: .vocabulary))
    }
}
