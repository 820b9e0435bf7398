// `surel tickets`: list and read tickets; answer, escalate, record Layer 2 answers, close.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct Tickets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and read tickets; answer, escalate and record Layer 2 answers.",
        subcommands: [List.self, Show.self, Reply.self, Escalate.self, Layer2Answer.self, Close.self])

    /// Who acts: `--as NAME`, else `[agent] name`, else the login name.
    struct ActorOption: ParsableArguments {
        @Option(name: .customLong("as"), help: "Who acts (default: [agent] name in the config, else the login name).")
        var actor: String?
        func name(_ config: SurelConfig) -> String {
            let env = ProcessInfo.processInfo.environment
            return actor ?? config.agentName ?? env["SUDO_USER"] ?? env["USER"] ?? "uid-\(getuid())"
        }
    }

    static func actions(_ config: SurelConfig) throws -> (AgentActions, SurelDatabase) {
        guard let dir = config.outbox.templates ?? ShippedData.templatesFolder() else {
            throw ValidationError("mail templates not found: set [outbox] templates")
        }
        let db = try SurelDatabase(path: config.store.path)
        return (AgentActions(config: config, database: db, templates: try MailTemplates(directory: dir),
                             calendar: config.sla.calendar), db)
    }

    /// Refuses when `name` may not read `t` (AccessPolicy).
    static func requireAccess(_ config: SurelConfig, _ t: Ticket, as name: String) throws {
        do { try AccessPolicy(config).require(t, as: name) } catch let e as AccessPolicy.Refused { throw ValidationError(e.message) }
    }

    static func number(_ text: String) throws -> TicketNumber {
        guard let n = TicketNumber(text) else { throw ValidationError("not a ticket number: \(text) (expected e.g. 2025-000123)") }
        return n
    }

    struct Reply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer the citizen (status answered); the mail goes out at the daemon's next round.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "File with the answer's text (UTF-8).") var bodyFile: String
        @Option(help: "A file to attach (repeatable).") var attach: [String] = []

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            // The agent's own files: their names are shown to the citizen, the paths are the agent's.
            let files = try attach.map(attachment(fromFile:))
            do {
                let t = try actions.reply(try Tickets.number(number), body: try readText(bodyFile),
                                          attachments: files, actor: who.name(config))
                print("\(t.number): jawaban diantrekan untuk \(t.senderEmail); status \(t.status.rawValue)")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct Escalate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escalate to a Layer 2 unit (status escalated): a notice with the question goes to the unit.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "The unit, as named in [units.NAME].") var unit: String
        @Option(help: "A note for the unit.") var note: String?

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            do {
                let t = try actions.escalate(try Tickets.number(number), unit: unit, note: note, actor: who.name(config))
                print("\(t.number): dieskalasi ke \(unit); pemberitahuan diantrekan")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the consultation (status closed): the BAK is made, stored and mailed to the citizen.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            do {
                let t = try actions.close(try Tickets.number(number), actor: who.name(config))
                print("\(t.number): ditutup; BAK-\(t.number) dibuat dan diantrekan untuk \(t.senderEmail)")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct Layer2Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "l2-answer", abstract: "Record the Layer 2 unit's answer received outside mail.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "File with the unit's answer (UTF-8).") var bodyFile: String

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            do {
                let t = try actions.layer2Answer(try Tickets.number(number), body: try readText(bodyFile),
                                                 actor: who.name(config))
                print("\(t.number): jawaban unit \(t.escalatedTo ?? "-") dicatat")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tickets (confidential ones without sender and subject unless --as may read them).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Option(help: "Only this status: new, open, escalated, answered, closed.") var status: TicketStatus?
        @Option(help: "Only this category slug.") var category: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let policy = AccessPolicy(config), viewer = who.name(config)
            let all = try db.tickets(status: status, category: category)
            let readable = all.filter { policy.mayRead($0, as: viewer) }.compactMap(\.id)
            let tickets = all.map { policy.redacted($0, as: viewer) }
            let ids = try db.incomingMessageIDs(ticketIDs: readable)
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
                       Format.date(t.createdAt), oneLine(t.subject)].joined(separator: "  "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its messages.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let n = TicketNumber(number) else { throw ValidationError("not a ticket number: \(number) (expected e.g. 2025-000123)") }
            let (config, db) = try options.configAndStore()
            guard let d = try db.ticketDetail(number: n) else { throw ValidationError("no ticket \(n)") }
            try Tickets.requireAccess(config, d.ticket, as: who.name(config))
            if json {
                let previous = try db.ticketNumbers(ids: [d.ticket.previousTicketID].compactMap { $0 })
                var j = TicketJSON(d.ticket, messageIDs: d.messages.filter { $0.kind == .ticket }.compactMap(\.messageID),
                                   previous: d.ticket.previousTicketID.flatMap { previous[$0] })
                j.messages = d.messages.map { MessageJSON($0, attachments: d.attachments[$0.id!] ?? []) }
                j.events = d.events.map { EventJSON(at: Format.iso($0.at), kind: $0.kind, detail: $0.detail, actor: $0.actor) }
                printJSON(j)
                return
            }
            let t = d.ticket
            print("Tiket \(t.number)  [\(t.status.rawValue)]  kategori: \(t.category)")
            print("Subjek : \(oneLine(t.subject))")
            print("Pengirim: \(oneLine(t.senderName).map { "\($0) " } ?? "")<\(t.senderEmail)>  kelas: \(t.senderClass.rawValue)"
                  + (t.region.map { "  wilayah: \($0), \(t.province ?? "") (\(t.timeZone ?? ""))" } ?? ""))
            print("Dibuat : \(Format.date(t.createdAt))")
            if let prev = try db.ticketNumbers(ids: [t.previousTicketID].compactMap { $0 }).values.first {
                print("Lanjutan dari tiket \(prev) (sudah ditutup)")
            }
            for m in d.messages {
                print("\n--- \(Format.date(m.receivedAt))  \(oneLine(m.fromName) ?? "") <\(m.fromEmail ?? "")>")
                print("Subjek: \(oneLine(m.subject))")
                for a in d.attachments[m.id!] ?? [] {
                    print("Lampiran: \(oneLine(a.filename) ?? "(tanpa nama)")  \(oneLine(a.contentType))  \(a.size) byte  sha256:\(a.sha256.prefix(12))")
                }
                if let note = m.note { print("Catatan: \(note)") }
                print("")
                print(m.text)
            }
            print("\n--- Riwayat")
            for e in d.events {
                print("\(Format.date(e.at))  \(e.kind)  \(e.detail)" + (e.actor.map { "  oleh \($0)" } ?? ""))
            }
        }
    }
}
