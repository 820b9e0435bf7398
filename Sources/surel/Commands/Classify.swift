// `surel classify`: train, evaluate and explain the classifier.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train, evaluate and explain the classifier.",
        subcommands: [Train.self, Eval.self, EvalSpam.self, Explain.self, Speed.self])

    /// The deployment's stored model (with `--config`), or the shipped model trained in memory.
    struct ModelSource: ParsableArguments {
        @Option(
            name: .long,
            help: """
                Use the model stored by this deployment (and its rules, cut-offs and threshold). Without it: the shipped \
                model, trained in memory on the project's examples.
                """)
        var config: String?
        @Option(help: "Train in memory on this labelled folder instead of the shipped examples.") var train: String?

        func classifier() throws -> (classifier: CategoryClassifier, settings: SurelConfig.Classify, trainedOn: String)
        {
            try ClassifierService.forEvaluation(
                config: try config.map { try SurelConfig.load(path: $0, needsMailbox: false) }, trainFolder: train)
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the classifier and store it (replaces the stored model, agents' corrections included).")
        @OptionGroup var options: ConfigOption
        @Option(
            help: "Labelled folder (.eml files and labels.tsv); default: [classify] examples, else the shipped ones.")
        var corpus: String?
        @Option(help: "Per-category keywords (slug<TAB>kw, kw, ...); default: keywords.tsv beside the folder, if any.")
        var keywords: String?

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let start = Date()
            let models = try ClassifierService.trainAndStore(config: config, folder: corpus, keywordsFile: keywords)
            print(
                String(
                    format: "trained on %@ in %.2f s; stored in %@", models.trainedOn,
                    Date().timeIntervalSince(start), config.store.path))
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify every consultation (kind new or followup) of a labelled folder and print the scores.")
        @Option(help: "Labelled folder to evaluate (.eml files and labels.tsv).") var corpus: String
        @OptionGroup var model: ModelSource
        @Option(help: "Confidence at or above which a ticket is decided without review (default: the configured one).")
        var threshold: Double?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Also list every misclassified mail with the reasons.") var misclassified = false

        func run() throws {
            let (classifier, settings, _) = try model.classifier()
            let test = try LabelledCorpus.load(corpus)
            let results = test.map { m in (m, classifier.classify(m.input)) }
            if misclassified, !json {
                for (m, c) in results where c.category != m.category {
                    print(
                        "\(m.file)\t\(m.category) -> \(c.category) \(String(format: "%.3f", c.confidence))\t\(c.explanation)"
                    )
                }
                for (m, c) in results where c.hold != nil && !classifier.complaints.categories.contains(m.category) {
                    print("\(m.file)\t\(m.category) held: \(c.hold!)")
                }
            }
            let e = Evaluation(
                pairs: results.map { ($0.0.category, $0.1.category, $0.1.confidence) },
                threshold: threshold ?? settings.reviewThreshold, held: results.map { $0.1.hold != nil },
                confidential: classifier.complaints.categories)
            if json { printJSON(e); return }
            print(
                String(
                    format: "messages %d  accuracy %.3f  macro-F1 %.3f  ham-as-spam %d (%.3f)  spam recall %.3f",
                    e.total, e.accuracy, e.macro_f1, e.ham_as_spam, e.ham_as_spam_rate, e.spam_recall))
            print(
                String(
                    format: "threshold %.3f: coverage %.3f  auto-precision %.3f", e.threshold, e.coverage,
                    e.auto_precision))
            print(
                String(
                    format:
                        "held as possible complaints %d (%.3f of the other mail)  complaints held or classified %.3f",
                    e.held, e.held_other_rate, e.pengaduan_recall_held))
            for (label, c) in e.per_class.sorted(by: { $0.key < $1.key }) {
                let wrong = (e.confusion[label] ?? [:]).filter { $0.key != label }.sorted { $0.value > $1.value }
                    .prefix(3).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print(
                    label.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + String(format: " P %.2f  R %.2f  F1 %.2f  n %3d  ", c.precision, c.recall, c.f1, c.support)
                        + wrong)
            }
            print("\nconfusion matrix\n" + e.confusionTable())
        }
    }

    struct Speed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time training and classification on one thread (scripts/bench-classify runs it).")
        @Option(help: "Folder of mail (labelled, or plain: named *spam* = spam); repeatable.") var folder: [String]
        @Option(help: "Messages to train on and to classify.") var count = 5000
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let s = try ClassifierSpeed.run(folders: folder, count: count)
            if json { printJSON(s); return }
            print(
                String(
                    format: "trained on %d messages in %.2f s; classified %d in %.2f s: %.0f messages/s",
                    s.train_messages, s.train_seconds, s.classify_messages, s.classify_seconds,
                    s.messages_per_second))
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Classify one mail file and show why.")
        @Argument(help: "A mail file (.eml).") var file: String
        @OptionGroup var model: ModelSource

        func run() throws {
            let parsed = try MIMEParser.parse(try readFile(file))
            let (classifier, settings, trainedOn) = try model.classifier()
            let input = ClassificationInput(parsed)
            let c = classifier.classify(input)
            let s = classifier.spamVerdict(input)
            print("Kategori  : \(c.category)")
            print(
                String(
                    format: "Keyakinan : %.3f (%@, ambang %.2f)", c.confidence,
                    c.confidence >= settings.reviewThreshold ? "diputuskan otomatis" : "masuk antrean tinjauan",
                    settings.reviewThreshold))
            print(
                String(
                    format: "Spam      : %.3f -> %@ (chi-square %.3f, regresi logistik %.3f; ham < %.2f, spam >= %.2f)",
                    s.score.probability, s.verdict.rawValue, s.score.chiSquare, s.score.logistic,
                    settings.cutoffs.ham, settings.cutoffs.spam))
            let fired = classifier.rules.fired(input)
            print("Aturan    : " + (fired.isEmpty ? "-" : fired.map(\.name).joined(separator: ", ")))
            print("Ditahan   : " + (c.hold.map { "ya, kemungkinan pengaduan (\($0))" } ?? "tidak"))
            print("Alasan    : \(c.explanation)")
            if let ranking = classifier.model.classify(Tokenizer.features(input), excluding: [spamCategory])?.ranking {
                print(
                    "Peringkat : "
                        + ranking.prefix(3).map { String(format: "%@ %.3f", $0.label, $0.probability) }
                        .joined(separator: ", "))
            }
            print("Model     : \(trainedOn)")
        }
    }
}

extension Classify {
    struct EvalSpam: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-spam",
            abstract: "Train a spam model on folders of spam and ham (in memory), then score other folders.")
        @Option(help: "Folder of spam to train on (repeatable).") var trainSpam: [String]
        @Option(help: "Folder of ham to train on (repeatable).") var trainHam: [String]
        @Option(help: "Folder of spam to test (repeatable).") var testSpam: [String]
        @Option(help: "Folder of ham to test (repeatable).") var testHam: [String]
        @Option(help: "Score below which mail is ham.") var hamCutoff: Double = SpamCutoffs().ham
        @Option(help: "Score at or above which mail is spam.") var spamCutoff: Double = SpamCutoffs().spam
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let e = try SpamEvaluation.run(
                trainSpam: trainSpam, trainHam: trainHam, testSpam: testSpam,
                testHam: testHam, cutoffs: SpamCutoffs(ham: hamCutoff, spam: spamCutoff))
            if json { printJSON(e); return }
            print(
                "trained on \(e.train_spam) spam + \(e.train_ham) ham in \(String(format: "%.2f", e.train_seconds)) s; "
                    + "tested \(e.test_spam) spam + \(e.test_ham) ham in \(String(format: "%.2f", e.classify_seconds)) s"
            )
            print(
                String(
                    format: "ham as spam %d (%.2f%%), ham unsure %d; spam recall %.2f%% (%d), spam unsure %d",
                    e.ham_as_spam, 100 * e.ham_false_positive_rate, e.ham_unsure, 100 * e.spam_recall,
                    e.spam_as_spam, e.spam_unsure))
            print(
                String(
                    format: "unsure counted as spam: ham false positives %.2f%%, spam recall %.2f%%",
                    100 * e.ham_false_positive_rate_unsure_as_spam, 100 * e.spam_recall_unsure_as_spam))
            print(
                "score deciles  spam: " + e.spam_by_decile.map(String.init).joined(separator: " ")
                    + "  ham: " + e.ham_by_decile.map(String.init).joined(separator: " "))
        }
    }
}
