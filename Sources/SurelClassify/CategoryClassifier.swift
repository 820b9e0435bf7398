// The category classifier: rules first (a deciding rule wins outright), then the naive Bayes model with the
// weights of the scoring rules added. Its explanation names the rules that fired and the strongest words.
import Foundation
import SurelCore

public struct CategoryClassifier: Classifier {
    public var rules: RuleSet
    public var model: NaiveBayesModel

    public init(rules: RuleSet = .standard, model: NaiveBayesModel) {
        self.rules = rules
        self.model = model
    }

    public func classify(_ input: ClassificationInput) -> Classification {
        let fired = rules.fired(input)
        let names = fired.map(\.name)
        for rule in fired {
            if case .decide(let slug) = rule.action {
                return Classification(category: slug, confidence: 1, explanation: "rule \(rule.name)")
            }
        }
        var bias: [String: Double] = [:]
        for rule in fired { if case .score(let slug, let w) = rule.action { bias[slug, default: 0] += w } }
        guard let s = model.classify(Tokenizer.features(input), bias: bias) else {
            return Classification(category: unclassifiedCategory, confidence: 0, explanation: "model not trained")
        }
        var why: [String] = []
        if !names.isEmpty { why.append("rules: " + names.joined(separator: ", ")) }
        if !s.strongest.isEmpty { why.append("words: " + s.strongest.joined(separator: ", ")) }
        return Classification(category: s.label, confidence: s.confidence, explanation: why.joined(separator: "; "))
    }
}
