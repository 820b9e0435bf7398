// The surel command line: the daemon (`surel run`) and the tools agents and ops use until the web console exists.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $SUREL_CONFIG, else /etc/surel/surel.toml).")
    var config: String?

    /// `needsMailbox: false` for commands that only read the store.
    func load(needsMailbox: Bool = true) throws -> SurelConfig {
        do {
            return try SurelConfig.load(path: SurelConfig.resolvePath(config), needsMailbox: needsMailbox)
        } catch let e as ConfigError {
            throw ValidationError("invalid configuration:\n\(e.description)")
        }
    }
}

@main
struct Surel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surel",
        abstract: "The e-mail channel of the DJPK Contact Center: mailbox to tickets.",
        subcommands: [Run.self, CheckConfig.self, Tickets.self, Messages.self, Quarantine.self, Classify.self])
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Poll the mailbox and turn mail into tickets (the daemon).")
    @OptionGroup var options: ConfigOption
    @Flag(help: "Run one full cycle and exit.") var once = false

    func run() throws {
        let config = try options.load()
        KeyValueLogHandler.bootstrap(level: config.logLevel)
        let stop = StopSignal()
        stop.installHandlers()
        let code = try Daemon(config: config, logger: Logger(label: "surel"), stop: stop).run(once: once)
        if code != 0 { throw ExitCode(code) }
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config",
        abstract: "Validate the configuration file and try the IMAP login.")
    @OptionGroup var options: ConfigOption

    func run() throws {
        let path = SurelConfig.resolvePath(options.config)
        let config: SurelConfig
        do { config = try SurelConfig.load(path: path) } catch let e as ConfigError {
            print("configuration: INVALID\n\(e.description)")
            throw ExitCode(2)
        }
        print("configuration: OK (\(path))")
        let source = CurlIMAPSource(endpoint: config.mailbox.endpoint)
        do {
            let s = try source.status()
            print("imap: OK \(source.displayName) as \(config.mailbox.endpoint.user): UIDVALIDITY \(s.uidValidity), \(s.messages.map(String.init) ?? "?") messages")
        } catch {
            print("imap: FAILED \(source.displayName): \(error)")
            throw ExitCode(3)
        }
    }
}

// MARK: tickets

struct Tickets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and read tickets.",
                                                    subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Only this status: new, open, escalated, answered, closed.") var status: TicketStatus?
        @Option(help: "Only this category slug.") var category: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let db = try SurelDatabase(path: try options.load(needsMailbox: false).store.path)
            let tickets = try db.tickets(status: status, category: category)
            let ids = try db.incomingMessageIDs(ticketIDs: tickets.compactMap(\.id))
            if json {
                let numbers = try db.ticketNumbers(ids: tickets.compactMap(\.previousTicketID))
                printJSON(tickets.map { t in
                    TicketJSON(t, messageIDs: ids[t.id!] ?? [], previous: t.previousTicketID.flatMap { numbers[$0] })
                })
                return
            }
            if tickets.isEmpty { print("Tidak ada tiket."); return }
            for t in tickets {
                print([t.number.description, t.status.rawValue, t.category, t.senderClass.rawValue, t.senderEmail,
                       Format.date(t.createdAt), t.subject].joined(separator: "  "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its messages.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let n = TicketNumber(number) else { throw ValidationError("not a ticket number: \(number) (expected e.g. 2025-000123)") }
            let db = try SurelDatabase(path: try options.load(needsMailbox: false).store.path)
            guard let d = try db.ticketDetail(number: n) else { throw ValidationError("no ticket \(n)") }
            if json {
                let previous = try db.ticketNumbers(ids: [d.ticket.previousTicketID].compactMap { $0 })
                var j = TicketJSON(d.ticket, messageIDs: d.messages.filter { $0.kind == .ticket }.compactMap(\.messageID),
                                   previous: d.ticket.previousTicketID.flatMap { previous[$0] })
                j.messages = d.messages.map { MessageJSON($0, attachments: d.attachments[$0.id!] ?? []) }
                j.events = d.events.map { EventJSON(at: Format.iso($0.at), kind: $0.kind, detail: $0.detail) }
                printJSON(j)
                return
            }
            let t = d.ticket
            print("Tiket \(t.number)  [\(t.status.rawValue)]  kategori: \(t.category)")
            print("Subjek : \(t.subject)")
            print("Pengirim: \(t.senderName.map { "\($0) " } ?? "")<\(t.senderEmail)>  kelas: \(t.senderClass.rawValue)"
                  + (t.region.map { "  wilayah: \($0), \(t.province ?? "") (\(t.timeZone ?? ""))" } ?? ""))
            print("Dibuat : \(Format.date(t.createdAt))")
            if let prev = try db.ticketNumbers(ids: [t.previousTicketID].compactMap { $0 }).values.first {
                print("Lanjutan dari tiket \(prev) (sudah ditutup)")
            }
            for m in d.messages {
                print("\n--- \(Format.date(m.receivedAt))  \(m.fromName ?? "") <\(m.fromEmail ?? "")>")
                print("Subjek: \(m.subject)")
                for a in d.attachments[m.id!] ?? [] {
                    print("Lampiran: \(a.filename ?? "(tanpa nama)")  \(a.contentType)  \(a.size) byte  sha256:\(a.sha256.prefix(12))")
                }
                if let note = m.note { print("Catatan: \(note)") }
                print("")
                print(m.text)
            }
        }
    }
}

// MARK: messages and quarantine

struct Messages: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messages that opened no ticket.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List auto-replies, bounces or quarantined messages.")
        @OptionGroup var options: ConfigOption
        @Option(help: "autoreply, bounce or quarantined.") var kind: MessageKind
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let db = try SurelDatabase(path: try options.load(needsMailbox: false).store.path)
            printMessages(try db.messages(kind: kind), json: json)
        }
    }
}

struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messages that could not be parsed.",
                                                    subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined messages with their reasons.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let db = try SurelDatabase(path: try options.load(needsMailbox: false).store.path)
            printMessages(try db.messages(kind: .quarantined), json: json)
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Parse a quarantined message again and file it.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The message id from `surel quarantine list`.") var id: Int64

        func run() throws {
            let config = try options.load()
            KeyValueLogHandler.bootstrap(level: config.logLevel)
            let db = try SurelDatabase(path: config.store.path)
            guard let m = try db.message(rowID: id), m.kind == .quarantined else {
                throw ValidationError("no quarantined message with id \(id)")
            }
            let ingestor = Ingestor(config: config, database: db,
                                    attachments: try AttachmentDirectory(path: config.store.attachments),
                                    source: CurlIMAPSource(endpoint: config.mailbox.endpoint),
                                    logger: Logger(label: "surel"))
            let outcome = try ingestor.ingest(raw: m.raw, uid: m.uid, uidValidity: m.uidValidity, cursor: nil,
                                              replacingQuarantined: id)
            switch outcome {
            case .recorded(.quarantined):
                print("masih dikarantina: \(try db.message(rowID: id)?.note ?? "")")
                throw ExitCode(1)
            default: print("berhasil: \(outcome)")
            }
        }
    }
}

func printMessages(_ messages: [StoredMessage], json: Bool) {
    if json { printJSON(messages.map { MessageJSON($0, attachments: []) }); return }
    if messages.isEmpty { print("Tidak ada pesan."); return }
    for m in messages {
        var line = "\(m.id!)  \(Format.date(m.receivedAt))  \(m.fromEmail ?? "-")  \(m.subject)"
        if m.kind == .bounce {
            line += "  [penerima: \(m.bounceRecipient ?? "?") status: \(m.bounceStatus ?? "?") pesan asal: \(m.bounceOriginalMessageID ?? "?")]"
        }
        if let note = m.note { line += "  — \(note)" }
        print(line)
    }
}

extension TicketStatus: ExpressibleByArgument {}
extension MessageKind: ExpressibleByArgument {}

// MARK: classification (issue 3, in progress: evaluation of the statistical model on labelled folders)

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train and evaluate the category classifier.",
                                                    subcommands: [Eval.self])

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train on the project's examples, classify a labelled folder and print the scores.")
        @Option(help: "Labelled folder to evaluate (.eml files and labels.tsv).") var corpus: String
        @Option(help: "Labelled folder to train on.") var train: String = "classify/examples"
        @Option(help: "Confidence at or above which a ticket is decided without review.") var threshold: Double = 0.9
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var model = NaiveBayesModel()
            for m in try LabelledCorpus.load(train) { model.learn(Tokenizer.features(m.input), as: m.category) }
            let classifier = CategoryClassifier(model: model)
            let test = try LabelledCorpus.load(corpus)
            let pairs = test.map { m -> (expected: String, predicted: String, confidence: Double) in
                let c = classifier.classify(m.input)
                return (m.category, c.category, c.confidence)
            }
            let e = Evaluation(pairs: pairs, threshold: threshold)
            if json { printJSON(e); return }
            print(String(format: "messages %d  accuracy %.3f  macro-F1 %.3f  ham-as-spam %d (%.3f)  spam recall %.3f",
                         e.total, e.accuracy, e.macro_f1, e.ham_as_spam, e.ham_as_spam_rate, e.spam_recall))
            print(String(format: "threshold %.2f: coverage %.3f  auto-precision %.3f", e.threshold, e.coverage, e.auto_precision))
            for (label, c) in e.per_class.sorted(by: { $0.key < $1.key }) {
                let wrong = (e.confusion[label] ?? [:]).filter { $0.key != label }.sorted { $0.value > $1.value }
                    .prefix(3).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print(label.padding(toLength: 16, withPad: " ", startingAt: 0)
                      + String(format: " P %.2f  R %.2f  F1 %.2f  n %3d  ", c.precision, c.recall, c.f1, c.support) + wrong)
            }
        }
    }
}
