// The classifier as the daemon and the CLI use it: the models come from the store (trained on the shipped examples
// the first time), the rules and cut-offs from the config. An agent's review is recorded and learnt in one write
// transaction, so two agents correcting at once lose nothing; a running daemon sees the new model version at its
// next cycle.
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelMail
import SurelStore

public final class ClassifierService: @unchecked Sendable {
    public static let modelName = "default"

    public enum Failure: Error, CustomStringConvertible {
        case noTrainingData
        case unknownCategory(String, known: [String])
        case noSuchTicket(String)
        public var description: String {
            switch self {
            case .noTrainingData:
                return "no trained model in the store and no training data found: set [classify] examples, or run "
                    + "`surel classify train --corpus DIR`"
            case .unknownCategory(let c, let known):
                return "unknown category \"\(c)\" (known: \(known.joined(separator: ", ")))"
            case .noSuchTicket(let n): return "no ticket \(n)"
            }
        }
    }

    let database: SurelDatabase
    let settings: SurelConfig.Classify
    let taxonomy: Taxonomy
    private let lock = NSLock()
    private var loaded: (version: Int64, models: TrainedModels)?

    public init(database: SurelDatabase, settings: SurelConfig.Classify, taxonomy: Taxonomy) {
        self.database = database; self.settings = settings; self.taxonomy = taxonomy
    }

    public var confidentialCategories: Set<String> { taxonomy.confidentialSlugs }

    /// Loads the stored model; when the store has none, trains one on the configured (or shipped) examples first.
    /// Returns what the model was trained on.
    @discardableResult
    public func prepare(logger: Logger? = nil) throws -> String {
        if try refresh() { return lock.withLock { loaded!.models.trainedOn } }
        // A model is stored, but in an older format: trained again, then taught the agents' reviews again.
        let outdated = try database.modelVersion(named: Self.modelName) != nil
        guard let folder = settings.examples ?? ShippedData.examplesFolder() else {
            throw Failure.noTrainingData
        }
        let start = Date()
        var models = try ClassifierTraining.train(folder: folder)
        var relearnt = 0
        if outdated {
            for (raw, category) in try database.reviewedMessages() {
                guard let parsed = try? MIMEParser.parse(raw) else { continue }
                models.learn(ClassificationInput(parsed), as: category, cutoffs: settings.cutoffs)
                relearnt += 1
            }
        }
        try save(models)
        logger?.info(
            outdated ? "classifier retrained: the stored model had an older format" : "classifier trained",
            metadata: [
                "on": "\(models.trainedOn)", "reviews_relearnt": "\(relearnt)",
                "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(start)))",
            ])
        return models.trainedOn
    }

    /// Reloads the stored model if its version changed (an agent's correction); true when one is loaded.
    @discardableResult
    public func refresh() throws -> Bool {
        guard let version = try database.modelVersion(named: Self.modelName) else { return false }
        if lock.withLock({ loaded?.version == version }) { return true }
        guard let stored = try database.model(named: Self.modelName) else { return false }
        // An older format is not loaded: `prepare` trains a new model (the daemon calls it at start). The format
        // is only looked at when the data does not decode, so a current model is parsed once.
        let models: TrainedModels
        do {
            models = try JSONDecoder().decode(TrainedModels.self, from: stored.data)
        } catch {
            if TrainedModels.isCurrentFormat(stored.data) { throw error }
            return false
        }
        guard models.format == TrainedModels.currentFormat else { return false }
        lock.withLock { loaded = (stored.version, models) }
        return true
    }

    /// Trains on a labelled folder (with `keywords.tsv` beside it when present) and stores the result.
    @discardableResult
    public func train(folder: String, keywordsFile: String? = nil) throws -> TrainedModels {
        let models = try ClassifierTraining.train(folder: folder, keywordsFile: keywordsFile)
        try save(models)
        return models
    }

    /// Stores `models` as the new version and uses them from now on.
    private func save(_ models: TrainedModels) throws {
        let version = try database.saveModel(
            name: Self.modelName, data: try JSONEncoder().encode(models),
            trainedOn: models.trainedOn)
        lock.withLock { loaded = (version, models) }
    }

    /// The classifier with the latest loaded model ("unclassified" for everything until one is loaded).
    public var classifier: any Classifier {
        guard let models = lock.withLock({ loaded?.models }) else { return UnclassifiedClassifier() }
        return models.classifier(settings, confidential: confidentialCategories)
    }

    public var trainedOn: String? { lock.withLock { loaded?.models.trainedOn } }

    /// An agent's review: `category` nil accepts the ticket's category, otherwise corrects it. The ticket's first
    /// message is learnt under the resulting category (online learning) in the same transaction as the review.
    public func review(_ number: TicketNumber, category: String?, reviewer: String)
        throws -> (ticket: Ticket, review: ClassificationReview)
    {
        if let category, !taxonomy.categories.contains(where: { $0.slug == category }) {
            throw Failure.unknownCategory(category, known: taxonomy.categories.map(\.slug))
        }
        let result = try database.reviewAndUpdateModel(
            number: number, category: category, reviewer: reviewer, confidentialCategories: confidentialCategories,
            modelName: Self.modelName
        ) { raw, to, modelData in
            guard let modelData, var models = try? JSONDecoder().decode(TrainedModels.self, from: modelData),
                let parsed = try? MIMEParser.parse(raw)
            else { return nil }
            models.learn(ClassificationInput(parsed), as: to, cutoffs: self.settings.cutoffs)
            return (try JSONEncoder().encode(models), models.trainedOn)
        }
        guard let result else { throw Failure.noSuchTicket(number.description) }
        try refresh()
        return result
    }
}

extension ClassifierService {
    /// The classifier `classify eval` and `classify explain` use: the deployment's stored model with its settings
    /// (`config` given), else one trained in memory on `trainFolder` or the shipped examples, with default settings.
    public static func forEvaluation(config: SurelConfig?, trainFolder: String?)
        throws -> (classifier: CategoryClassifier, settings: SurelConfig.Classify, trainedOn: String)
    {
        if let config {
            let service = ClassifierService(
                database: try SurelDatabase(path: config.store.path), settings: config.classify,
                taxonomy: config.taxonomy)
            let trainedOn = try service.prepare()
            guard let c = service.classifier as? CategoryClassifier else {
                throw SurelError(.configuration, "no model in the store")
            }
            return (c, config.classify, trainedOn)
        }
        guard let folder = trainFolder ?? ShippedData.examplesFolder() else {
            throw SurelError(.configuration, "shipped examples not found: pass --train DIR or set SUREL_DATA_DIR")
        }
        let models = try ClassifierTraining.train(folder: folder)
        let settings = SurelConfig.Classify()
        return (
            models.classifier(settings, confidential: Taxonomy.standard.confidentialSlugs), settings, models.trainedOn
        )
    }

    /// Trains on `folder` (default: `[classify] examples`, else the shipped ones) and stores the model.
    public static func trainAndStore(config: SurelConfig, folder: String?, keywordsFile: String?) throws
        -> TrainedModels
    {
        guard let folder = folder ?? config.classify.examples ?? ShippedData.examplesFolder() else {
            throw SurelError(.configuration, "no training folder: pass --corpus DIR")
        }
        let service = ClassifierService(
            database: try SurelDatabase(path: config.store.path), settings: config.classify, taxonomy: config.taxonomy)
        return try service.train(folder: folder, keywordsFile: keywordsFile)
    }
}
