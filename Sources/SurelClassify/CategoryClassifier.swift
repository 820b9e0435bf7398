// The classifier of surel: rules first (a deciding rule wins outright), then spam or not by the spam model with the
// spam rules' weights, then the category by the naive Bayes model with the scoring rules' weights. Mail the spam
// model is unsure of goes to review whatever the category model says, so no letter is filed as spam unseen.
// Its explanation names the rules that fired and the strongest words.
// A mail that may be a complaint is held (see ComplaintHold): exposing a whistleblower costs far more than a
// reader's look at a harmless mail, so the bar is low and the complaint rules hold whatever the category.
import Foundation
import SurelCore

/// When a new mail is held as a possible complaint, whatever its category.
public struct ComplaintHold: Sendable {
    /// The confidential categories.
    public var categories: Set<String>
    /// Held when a confidential category's probability under the category model reaches this, or when one ranks
    /// first or second; and whenever a `hold` rule fires.
    public var bar: Double
    public init(categories: Set<String> = ["pengaduan"], bar: Double = 0.15) {
        self.categories = categories; self.bar = bar
    }
}

public struct CategoryClassifier: Classifier {
    public var rules: RuleSet
    public var model: NaiveBayesModel
    public var spam: SpamModel
    public var cutoffs: SpamCutoffs
    public var complaints: ComplaintHold

    public init(
        rules: RuleSet = .standard, model: NaiveBayesModel, spam: SpamModel = SpamModel(),
        cutoffs: SpamCutoffs = SpamCutoffs(), complaints: ComplaintHold = ComplaintHold()
    ) {
        self.rules = rules
        self.model = model
        self.spam = spam
        self.cutoffs = cutoffs
        self.complaints = complaints
    }

    public struct SpamDecision: Sendable {
        public var verdict: SpamVerdict
        public var score: SpamModel.Score
        public var rules: [Rule]
    }

    /// The spam model's verdict with the weights of the spam rules that fired.
    public func spamVerdict(_ input: ClassificationInput, fired: [Rule]? = nil) -> SpamDecision {
        let fired = fired ?? rules.fired(input)
        var bias = 0.0
        var used: [Rule] = []
        for rule in fired {
            if case .score(let slug, let w) = rule.action, slug == spamCategory { bias += w; used.append(rule) }
        }
        let score = spam.score(Tokenizer.spamFeatures(input), bias: bias)
        return SpamDecision(
            verdict: spam.isTrained ? cutoffs.verdict(score.probability) : .ham, score: score,
            rules: used)
    }

    public func classify(_ input: ClassificationInput) -> Classification {
        let fired = rules.fired(input)
        let holding = fired.filter { $0.action == .hold }.map(\.name)
        var c = decide(input, fired)
        var why: [String] = []
        if !holding.isEmpty { why.append("rules " + holding.joined(separator: ", ")) }
        if let ranking = c.ranking {
            // The model's doubts count only for mail it classified: spam is held by the rules alone.
            for (rank, r) in ranking.enumerated() where complaints.categories.contains(r.label) {
                if rank < 2 || r.probability >= complaints.bar {
                    why.append(String(format: "%@ %.2f (rank %d)", r.label, r.probability, rank + 1))
                }
            }
        } else if complaints.categories.contains(c.classification.category) {
            why.append(c.classification.category)
        }
        if !why.isEmpty { c.classification.hold = why.joined(separator: "; ") }
        return c.classification
    }

    /// The category an agent's "not spam" gives a mail: the category model's best among the other categories,
    /// with the rules' weights (nil when the model is not trained).
    public func bestCategoryExceptSpam(_ input: ClassificationInput) -> String? {
        var bias: [String: Double] = [:]
        for rule in rules.fired(input) {
            if case .score(let slug, let w) = rule.action, slug != spamCategory { bias[slug, default: 0] += w }
        }
        return model.classify(Tokenizer.features(input), bias: bias, excluding: [spamCategory])?.label
    }

    /// The category, with the category model's ranking when it was asked.
    private func decide(_ input: ClassificationInput, _ fired: [Rule])
        -> (classification: Classification, ranking: [(label: String, probability: Double)]?)
    {
        let names = fired.map(\.name)
        for rule in fired {
            if case .decide(let slug) = rule.action {
                return (Classification(category: slug, confidence: 1, explanation: "rule \(rule.name)"), nil)
            }
        }
        var why: [String] = []
        if !names.isEmpty { why.append("rules: " + names.joined(separator: ", ")) }
        let s = spamVerdict(input, fired: fired)
        if spam.isTrained {
            let words = s.score.clues.prefix(6).map { $0.token }
            why.append(
                String(format: "spam %.2f (%@): ", s.score.probability, s.verdict.rawValue)
                    + words.joined(separator: ", "))
        }
        if s.verdict == .spam {
            return (
                Classification(
                    category: spamCategory, confidence: s.score.probability, explanation: why.joined(separator: "; ")),
                nil
            )
        }
        var bias: [String: Double] = [:]
        for rule in fired {
            if case .score(let slug, let w) = rule.action, slug != spamCategory { bias[slug, default: 0] += w }
        }
        // With a spam model, the category model only chooses among the other categories; without one (a
        // deployment that trains only categories), its spam class stands.
        let excluded: Set<String> = spam.isTrained ? [spamCategory] : []
        guard let c = model.classify(Tokenizer.features(input), bias: bias, excluding: excluded) else {
            return (
                Classification(
                    category: unclassifiedCategory, confidence: 0,
                    explanation: (why + ["model not trained"]).joined(separator: "; ")), nil
            )
        }
        if !c.strongest.isEmpty { why.append("words: " + c.strongest.joined(separator: ", ")) }
        if c.ranking.count > 1 {
            why.append(String(format: "next: %@ %.2f", c.ranking[1].label, c.ranking[1].probability))
        }
        // Unsure of spam: never decided without an agent (confidence kept below any sensible threshold).
        let confidence = s.verdict == .unsure ? min(c.confidence, 0.5) : c.confidence
        return (
            Classification(category: c.label, confidence: confidence, explanation: why.joined(separator: "; ")),
            c.ranking
        )
    }
}

/// The slug of the spam category (the spam model's positive class).
public let spamCategory = "spam"
