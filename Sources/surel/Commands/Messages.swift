// `surel messages` and `surel quarantine`: mail that opened no ticket.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct Messages: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messages that opened no ticket.",
                                                    subcommands: [List.self, Duplicates.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List auto-replies, bounces or quarantined messages.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Option(help: "autoreply, bounce, quarantined or unsubscribe (also ticket, outgoing).") var kind: MessageKind
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            printMessages(try readableMessages(kind: kind, db, config, as: who.name(config)), json: json)
        }
    }
}

extension Messages {
    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mail not stored because it was already stored (same bytes, or same Message-ID, sender, subject, date and content).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let all = try db.duplicates()
            var shown = all
            if !AccessPolicy(config).isReader(who.name(config)) {
                let footprint = try db.confidentialFootprint()
                shown = all.filter { !footprint.touches($0.matched) }
            }
            if json { printJSON(shown.map { DuplicateJSON($0.duplicate, ticket: $0.ticket) }); return }
            if shown.isEmpty { print("Tidak ada pesan ganda.") }
            for (d, m, t) in shown {
                print(["\(d.id!)  \(Format.date(d.receivedAt))  \(d.mailbox ?? "-")#\(d.uid.map(String.init) ?? "-")",
                       d.sameBytes ? "sama persis dengan" : "isi sama (header lain) dengan",
                       "pesan \(m.id!)" + (t.map { " tiket \($0.number)" } ?? "")].joined(separator: "  "))
            }
            if shown.count < all.count {
                print("(\(all.count - shown.count) pesan ganda terkait tiket rahasia tidak ditampilkan: hanya untuk [access] confidential_readers)")
            }
        }
    }
}

struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messages that could not be parsed.",
                                                    subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined messages with their reasons.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let (config, db) = try options.configAndStore()
            printMessages(try readableMessages(kind: .quarantined, db, config, as: who.name(config)), json: json)
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a quarantined message again and file it (one the server never delivered is fetched again).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The message id from `surel quarantine list`.") var id: Int64
        @Flag(help: "Parse it again even though the parser crashed on it before (after an update of surel).")
        var force = false

        func run() throws {
            let config = try options.load()
            KeyValueLogHandler.bootstrap(level: config.logLevel)
            let db = try SurelDatabase(path: config.store.path)
            let classifiers = ClassifierService(database: db, settings: config.classify, taxonomy: config.taxonomy)
            try classifiers.prepare()
            let ingestor = Ingestor(config: config, database: db,
                                    attachments: try AttachmentDirectory(path: config.store.attachments),
                                    source: CurlIMAPSource(endpoint: config.mailbox.endpoint),
                                    classifiers: classifiers, logger: Logger(label: "surel"))
            let outcome: IngestOutcome
            do { outcome = try ingestor.retryQuarantined(rowID: id, force: force) } catch let e as Ingestor.RetryRefused {
                throw ValidationError(e.description)
            }
            switch outcome {
            case .recorded(.quarantined):
                print("masih dikarantina: \(try db.message(rowID: id)?.note ?? "")")
                throw ExitCode(1)
            default: print("berhasil: \(outcome)")
            }
        }
    }
}

/// The messages of `kind` that `name` may see: without a confidential ticket's messages, nor auto-replies, bounces
/// or quarantined mail about one, unless `name` is a confidential reader (AccessPolicy).
func readableMessages(kind: MessageKind, _ db: SurelDatabase, _ config: SurelConfig, as name: String)
    throws -> (shown: [StoredMessage], hidden: Int) {
    let all = try db.messages(kind: kind)
    guard !AccessPolicy(config).isReader(name) else { return (all, 0) }
    let footprint = try db.confidentialFootprint()
    let shown = all.filter { !footprint.touches($0) }
    return (shown, all.count - shown.count)
}

func printMessages(_ listed: (shown: [StoredMessage], hidden: Int), json: Bool) {
    let messages = listed.shown
    if json { printJSON(messages.map { MessageJSON($0, attachments: []) }); return }
    defer {
        if listed.hidden > 0 {
            print("(\(listed.hidden) pesan terkait tiket rahasia tidak ditampilkan: hanya untuk [access] confidential_readers)")
        }
    }
    if messages.isEmpty { print("Tidak ada pesan."); return }
    for m in messages {
        var line = "\(m.id!)  \(Format.date(m.receivedAt))  \(m.fromEmail ?? "-")  \(oneLine(m.subject))"
        if m.kind == .bounce {
            line += "  [penerima: \(m.bounceRecipient ?? "?") status: \(m.bounceStatus ?? "?") pesan asal: \(m.bounceOriginalMessageID ?? "?")]"
        }
        if let note = m.note { line += "  — \(oneLine(note))" }
        print(line)
    }
}


extension TicketStatus: ExpressibleByArgument {}
extension MessageKind: ExpressibleByArgument {}
