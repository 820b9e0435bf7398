// Trains the classifier's two models from labelled mail: the category model on every category, the spam model
// on spam against everything else. The shipped training data is the project's own (classify/examples and
// classify/keywords.tsv); a deployment can train on its history in the same format.
import Foundation
import SurelClassify
import SurelCore

public struct TrainedModels: Sendable, Codable {
    public var categories: NaiveBayesModel
    public var spam: SpamModel
    /// What it was trained on (folder and counts), for `classify explain` and the logs.
    public var trainedOn: String
    /// The layout of the stored models: 2 = features by hash (Features), tables as bytes (ModelCoding).
    /// A stored model of another format is retrained at start (ClassifierService.prepare).
    public var format = TrainedModels.currentFormat
    public static let currentFormat = 2

    /// Whether stored model data has the current format (read without decoding the tables).
    public static func isCurrentFormat(_ data: Data) -> Bool {
        struct Probe: Decodable { var format: Int? }
        return (try? JSONDecoder().decode(Probe.self, from: data))?.format == currentFormat
    }

    public init(categories: NaiveBayesModel, spam: SpamModel, trainedOn: String) {
        self.categories = categories; self.spam = spam; self.trainedOn = trainedOn
    }

    /// The classifier these models make with a deployment's rules, spam cut-offs and complaint bar;
    /// `confidential`: the taxonomy's confidential categories.
    public func classifier(_ settings: SurelConfig.Classify, confidential: Set<String>) -> CategoryClassifier {
        CategoryClassifier(
            rules: settings.rules, model: categories, spam: spam, cutoffs: settings.cutoffs,
            complaints: ComplaintHold(categories: confidential, bar: settings.complaintHold))
    }

    /// One mail learnt under `category` (an agent's correction or confirmation). A correction outweighs an
    /// example: the mail is learnt again (at most 10 times) until the category model ranks it first, and the spam
    /// model steps until it agrees, so that the next mail like it is classified as the agent said.
    public mutating func learn(_ input: ClassificationInput, as category: String, cutoffs: SpamCutoffs = SpamCutoffs())
    {
        let features = Tokenizer.features(input, keepingNames: true)
        let isSpam = category == spamCategory
        for _ in 0..<10 {
            categories.learn(features, as: category)
            let excluded: Set<String> = spam.isTrained && !isSpam ? [spamCategory] : []
            if isSpam || categories.classify(features, excluding: excluded)?.label == category { break }
        }
        // Clearly on the agent's side of the cut-offs, not just past them.
        spam.learn(
            Tokenizer.spamFeatures(input, keepingNames: true), spam: isSpam,
            target: isSpam ? max(cutoffs.spam, 0.9) : cutoffs.ham / 2)
    }
}

public enum ClassifierTraining {
    /// Trains on the labelled mails, plus per-category keyword lists (`slug<TAB>kw, kw, ...`) as one short
    /// document each, which give every category its vocabulary even where examples are few.
    public static func train(_ mails: [LabelledMail], keywords: String? = nil, source: String) -> TrainedModels {
        var nb = NaiveBayesModel()
        var spamDocs: [(features: Features, spam: Bool)] = []
        for m in mails {
            nb.learn(Tokenizer.features(m.input, keepingNames: true), as: m.category)
            spamDocs.append((Tokenizer.spamFeatures(m.input, keepingNames: true), m.category == spamCategory))
        }
        var keywordLists = 0
        if let keywords {
            for (_, c) in dataFileRecords(keywords) where c.count >= 2 {
                let text = c[1].replacingOccurrences(of: ",", with: " . ")
                nb.learn(
                    Tokenizer.features(
                        ClassificationInput(
                            subject: "", text: text, senderEmail: "",
                            headers: [], attachmentNames: []),
                        keepingNames: true), as: c[0])
                keywordLists += 1
            }
        }
        let spam = SpamModel.trained(on: spamDocs)
        return TrainedModels(
            categories: nb, spam: spam,
            trainedOn: "\(source): \(mails.count) mails, \(keywordLists) keyword lists")
    }

    /// Trains on a labelled folder (`labels.tsv` and `.eml` files), with `keywords.tsv` beside it when present.
    public static func train(folder: String, keywordsFile: String? = nil) throws -> TrainedModels {
        let mails = try LabelledCorpus.load(folder)
        let kw = keywordsFile ?? ((folder as NSString).deletingLastPathComponent + "/keywords.tsv")
        let keywords = try? String(contentsOfFile: kw, encoding: .utf8)
        return train(mails, keywords: keywords, source: folder)
    }
}
