// Spam or not, decided by its own model, two views of the same token counts averaged:
//  - Robinson's per-token probabilities combined with Fisher's chi-square (the method of SpamBayes and bogofilter).
//    Unlike a naive Bayes posterior, which is nearly always 0 or 1, it has an honest middle.
//  - A logistic regression over the same binary features, trained by class-balanced SGD.
// On the SpamAssassin protocol of issue 3 (train spam/easy_ham/hard_ham, test spam_2/easy_ham_2) the average kept
// ham false positives at 0.14% with 92.5% of spam caught at 0.5, where either alone caught 88-89% (2026-11-25).
// Mail the evidence does not settle is "unsure" and goes to an agent, so no regional government's letter is filed
// as spam on weak evidence.
import Foundation
import SurelCore

public enum SpamVerdict: String, Sendable, Codable { case ham, unsure, spam }

/// Score bounds: below `ham` is ham, at or above `spam` is spam, between is unsure.
public struct SpamCutoffs: Sendable, Equatable, Codable {
    public var ham: Double
    public var spam: Double
    public init(ham: Double = 0.20, spam: Double = 0.50) { self.ham = ham; self.spam = spam }
    public func verdict(_ score: Double) -> SpamVerdict { score >= spam ? .spam : score < ham ? .ham : .unsure }
}

public struct SpamModel: Sendable, Codable {
    /// What the model knows of one feature: its counts, and its weight in the regression (one dictionary for both:
    /// scoring a mail then costs one lookup per feature).
    public struct Counts: Sendable, Codable {
        public var spam: Int32
        public var ham: Int32
        public var weight: Float = 0
    }
    public private(set) var spamDocuments = 0
    public private(set) var hamDocuments = 0
    /// Per feature (its FeatureHash).
    public private(set) var tokens: [UInt64: Counts] = [:]
    /// The names of the features learnt, to name the clues.
    private var vocabulary: [UInt64: String] = [:]
    /// The logistic regression's intercept (its weights are in `tokens`).
    public private(set) var intercept: Float = 0

    /// Strength of the prior for a token seen in few mails (SpamBayes' unknown_word_strength).
    static let priorStrength = 0.45
    /// Tokens whose probability is closer than this to 0.5 say nothing and are ignored.
    static let minimumStrength = 0.1
    /// At most this many of the strongest tokens are combined.
    static let maximumClues = 1000

    public init() {}

    public var isTrained: Bool { spamDocuments > 0 && hamDocuments > 0 }

    /// Trains both parts from scratch: counts, then `epochs` passes of SGD over the documents (in a fixed
    /// pseudo-random order, so the same data gives the same model).
    public static func trained(on documents: [(features: Features, spam: Bool)], epochs: Int = 10) -> SpamModel {
        var m = SpamModel()
        for d in documents { m.count(d.features, spam: d.spam) }
        // Features as dense indices for the SGD passes: dictionary lookups per update would dominate.
        var index: [UInt64: Int32] = [:]
        var names: [UInt64] = []
        let docs: [[Int32]] = documents.map { d in
            Set(d.features.hashes).map { f in
                if let i = index[f] { return i }
                let i = Int32(names.count)
                index[f] = i; names.append(f)
                return i
            }
        }
        var w = [Float](repeating: 0, count: names.count)
        var b: Float = 0
        let nSpam = Float(documents.filter(\.spam).count), nAll = Float(documents.count)
        // Class-balanced: spam and ham weigh the same in total, whatever their counts.
        let spamWeight = nSpam > 0 ? nAll / (2 * nSpam) : 1, hamWeight = nAll > nSpam ? nAll / (2 * (nAll - nSpam)) : 1
        var order = Array(documents.indices)
        var rng = SplitMix64(seed: 20251125)
        for epoch in 0..<epochs {
            order.shuffle(using: &rng)
            let rate = learningRate / (1 + Float(epoch) * 0.5)
            for i in order {
                var z = b
                for f in docs[i] { z += w[Int(f)] }
                let p = 1 / (1 + exp(-z))
                let g = ((documents[i].spam ? 1 : 0) - p) * (documents[i].spam ? spamWeight : hamWeight) * rate
                b += g
                for f in docs[i] { w[Int(f)] = w[Int(f)] * (1 - rate * l2) + g }
            }
        }
        m.intercept = b
        for (i, name) in names.enumerated() where w[i] != 0 { m.tokens[name]?.weight = w[i] }
        return m
    }

    static let learningRate: Float = 0.05
    static let l2: Float = 1e-5

    /// Online learning (an agent's correction): counts the mail and steps the regression on it, again (at most 10
    /// times) until its score is past `target` (>= for spam, <= for ham), so that the next mail like it is judged
    /// as corrected.
    public static func trained(on documents: [(features: Set<String>, spam: Bool)], epochs: Int = 10) -> SpamModel {
        trained(on: documents.map { (Features($0.features), $0.spam) }, epochs: epochs)
    }

    public mutating func learn(_ features: Features, spam: Bool, target: Double? = nil) {
        let unique = Set(features.hashes)
        let goal = target ?? (spam ? 0.9 : 0.1)
        for _ in 0..<10 {
            count(features, spam: spam)
            for _ in 0..<5 {
                let p = Float(logistic(features))
                if spam ? p >= 0.95 : p <= 0.05 { break }
                let g = ((spam ? 1 : 0) - p) * Self.learningRate * 4
                intercept += g / 10
                for f in unique { tokens[f, default: Counts(spam: 0, ham: 0)].weight += g }
            }
            let p = score(features).probability
            if spam ? p >= goal : p <= goal { break }
        }
    }

    private mutating func count(_ features: Features, spam: Bool) {
        if spam { spamDocuments += 1 } else { hamDocuments += 1 }
        for f in Set(features.hashes) {
            if vocabulary[f] == nil, let name = features.name(of: f) { vocabulary[f] = name }
            if spam {
                tokens[f, default: Counts(spam: 0, ham: 0)].spam += 1
            } else {
                tokens[f, default: Counts(spam: 0, ham: 0)].ham += 1
            }
        }
    }

    func logistic(_ features: Features) -> Double {
        var z = intercept
        for f in features.hashes { z += tokens[f]?.weight ?? 0 }
        return 1 / (1 + exp(-Double(z)))
    }

    public struct Score: Sendable {
        /// 0 (ham) ... 1 (spam).
        public var probability: Double
        /// The tokens that pushed most, with their probabilities, strongest first.
        public var clues: [(token: String, probability: Double)]
        /// The two parts: Fisher's chi-square combination and the logistic regression.
        public var chiSquare: Double
        public var logistic: Double
    }

    /// `bias` shifts the result in log-odds (the weights of spam rules that fired).
    public func score(_ names: Set<String>, bias: Double = 0) -> Score { score(Features(names), bias: bias) }

    /// `features` each once (as Tokenizer.spamFeatures gives them).
    public func score(_ features: Features, bias: Double = 0) -> Score {
        guard isTrained else { return Score(probability: 0.5, clues: [], chiSquare: 0.5, logistic: 0.5) }
        let nSpam = Double(spamDocuments), nHam = Double(hamDocuments)
        var clues: [(token: UInt64, probability: Double)] = []
        clues.reserveCapacity(min(features.hashes.count, 512))
        var z = intercept
        for token in features.hashes {
            guard let c = tokens[token] else { continue }
            z += c.weight
            guard c.spam + c.ham > 0 else { continue }
            let spamRatio = Double(c.spam) / nSpam, hamRatio = Double(c.ham) / nHam
            let p = spamRatio / (spamRatio + hamRatio)
            let n = Double(c.spam + c.ham)
            let s = Self.priorStrength
            let f = (s * 0.5 + n * p) / (s + n)
            if abs(f - 0.5) >= Self.minimumStrength { clues.append((token, f)) }
        }
        if clues.count > Self.maximumClues {
            clues.sort { abs($0.probability - 0.5) > abs($1.probability - 0.5) }
            clues.removeLast(clues.count - Self.maximumClues)
        }
        var probability = 0.5
        if !clues.isEmpty {
            var lnH = 0.0, lnS = 0.0
            for c in clues { lnS += log(1 - c.probability); lnH += log(c.probability) }
            let n = clues.count
            let s = 1 - Self.chi2Q(-2 * lnS, 2 * n)  // evidence for spam
            let h = 1 - Self.chi2Q(-2 * lnH, 2 * n)  // evidence for ham
            probability = (s - h + 1) / 2
        }
        let chiSquare = probability
        let logistic = 1 / (1 + exp(-Double(z)))
        probability = (chiSquare + logistic) / 2
        if bias != 0 {
            let p = min(max(probability, 1e-6), 1 - 1e-6)
            probability = 1 / (1 + exp(-(log(p / (1 - p)) + bias)))
        }
        return Score(
            probability: probability,
            clues: clues.sorted { abs($0.probability - 0.5) > abs($1.probability - 0.5) }.prefix(12).map {
                (vocabulary[$0.token] ?? features.name(of: $0.token) ?? "?", $0.probability)
            },
            chiSquare: chiSquare, logistic: logistic)
    }

    /// P(chi-square with `v` degrees of freedom >= x2), for even v.
    static func chi2Q(_ x2: Double, _ v: Int) -> Double {
        let m = x2 / 2
        var term = exp(-m), sum = term
        if v / 2 > 1 {
            for i in 1..<(v / 2) {
                term *= m / Double(i)
                sum += term
            }
        }
        return min(sum, 1)
    }
}

extension SpamModel {
    private enum CodingKeys: String, CodingKey { case spamDocuments, hamDocuments, intercept, tokens, vocabulary }

    /// Tokens as bytes: per feature its hash, spam and ham counts, weight (see ModelCoding).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(spamDocuments, forKey: .spamDocuments)
        try c.encode(hamDocuments, forKey: .hamDocuments)
        try c.encode(intercept, forKey: .intercept)
        var w = BinaryWriter()
        for (f, t) in tokens { w.u64(f); w.i32(t.spam); w.i32(t.ham); w.f32(t.weight) }
        try c.encode(w.data, forKey: .tokens)
        try c.encode(VocabularyCoding.encode(vocabulary), forKey: .vocabulary)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spamDocuments = try c.decode(Int.self, forKey: .spamDocuments)
        hamDocuments = try c.decode(Int.self, forKey: .hamDocuments)
        intercept = try c.decode(Float.self, forKey: .intercept)
        var r = BinaryReader(try c.decode(Data.self, forKey: .tokens))
        while !r.isAtEnd {
            tokens[try r.u64()] = Counts(spam: try r.i32(), ham: try r.i32(), weight: try r.f32())
        }
        vocabulary = try VocabularyCoding.decode(try c.decode(Data.self, forKey: .vocabulary))
    }
}
