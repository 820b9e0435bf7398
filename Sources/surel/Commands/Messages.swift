// `surel messages` and `surel quarantine`: mail that opened no ticket.
import ArgumentParser
import Foundation
import Logging
import SurelCore
import SurelEngine
import SurelStore

struct Messages: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Messages that opened no ticket.",
        subcommands: [List.self, Duplicates.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List auto-replies, bounces or quarantined messages.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Option(help: "autoreply, bounce, quarantined or unsubscribe (also ticket, outgoing).") var kind: MessageKind
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            printMessages(try desk.messages(kind: kind, as: who.actor(desk)), json: json)
        }
    }

    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Mail not stored because it was already stored (same bytes, or same Message-ID, sender, subject, date and content)."
        )
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let listed = try desk.duplicates(as: who.actor(desk))
            if json { printJSON(listed.items.map(DuplicateJSON.init)); return }
            if listed.items.isEmpty { print("Tidak ada pesan ganda.") }
            for e in listed.items {
                let d = e.duplicate
                print(
                    [
                        "\(d.id!)  \(Format.date(d.receivedAt))  \(d.mailbox ?? "-")#\(d.uid.map(String.init) ?? "-")",
                        d.sameBytes ? "sama persis dengan" : "isi sama (header lain) dengan",
                        "pesan \(e.matched.id!)" + (e.ticket.map { " tiket \($0.number)" } ?? ""),
                    ].joined(separator: "  "))
            }
            if listed.hidden > 0 {
                print(
                    "(\(listed.hidden) pesan ganda terkait tiket rahasia tidak ditampilkan: hanya untuk [access] confidential_readers)"
                )
            }
        }
    }
}

struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Messages that could not be parsed.",
        subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined messages with their reasons.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let desk = try options.desk()
            printMessages(try desk.messages(kind: .quarantined, as: who.actor(desk)), json: json)
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a quarantined message again and file it (one the server never delivered is fetched again)."
        )
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "The message id from `surel quarantine list`.") var id: Int64
        @Flag(help: "Parse it again even though the parser crashed on it before (after an update of surel).")
        var force = false

        func run() throws {
            let config = try options.load()
            KeyValueLogHandler.bootstrap(level: config.logLevel)
            let desk = HelpDesk(config: config, database: try SurelDatabase(path: config.store.path))
            let outcome = try desk.retryQuarantined(
                id, force: force, logger: Logger(label: "surel"), as: who.actor(desk))
            print("berhasil: \(outcome)")
        }
    }
}

func printMessages(_ listed: Listing<StoredMessage>, json: Bool) {
    let messages = listed.items
    if json { printJSON(messages.map { MessageJSON($0, attachments: []) }); return }
    defer {
        if listed.hidden > 0 {
            print(
                "(\(listed.hidden) pesan terkait tiket rahasia tidak ditampilkan: hanya untuk [access] confidential_readers)"
            )
        }
    }
    if messages.isEmpty { print("Tidak ada pesan."); return }
    for m in messages {
        var line = "\(m.id!)  \(Format.date(m.receivedAt))  \(m.fromEmail ?? "-")  \(oneLine(m.subject))"
        if m.kind == .bounce {
            line +=
                "  [penerima: \(m.bounceRecipient ?? "?") status: \(m.bounceStatus ?? "?") pesan asal: \(m.bounceOriginalMessageID ?? "?")]"
        }
        if let note = m.note { line += "  — \(oneLine(note))" }
        print(line)
    }
}
