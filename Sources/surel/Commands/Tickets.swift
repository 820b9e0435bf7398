// `surel tickets`: list and read tickets; answer, escalate, record Layer 2 answers, close.
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine
import SurelStore

struct Tickets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and read tickets; answer, escalate and record Layer 2 answers.",
        subcommands: [List.self, Show.self, Reply.self, Escalate.self, Layer2Answer.self, Close.self])

    struct Reply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer the citizen (status answered); the mail goes out at the daemon's next round.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: TicketNumber
        @Option(help: "File with the answer's text (UTF-8).") var bodyFile: String
        @Option(help: "A file to attach (repeatable).") var attach: [String] = []

        func run() throws {
            let desk = try options.desk()
            // The agent's own files: their names are shown to the citizen, the paths are the agent's.
            let files = try attach.map(attachment(fromFile:))
            let t = try desk.reply(number, body: try readText(bodyFile), attachments: files, as: who.actor(desk))
            print("\(t.number): jawaban diantrekan untuk \(t.senderEmail); status \(t.status.rawValue)")
        }
    }

    struct Escalate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escalate to a Layer 2 unit (status escalated): a notice with the question goes to the unit.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: TicketNumber
        @Option(help: "The unit, as named in [units.NAME].") var unit: String
        @Option(help: "A note for the unit.") var note: String?

        func run() throws {
            let desk = try options.desk()
            let t = try desk.escalate(number, unit: unit, note: note, as: who.actor(desk))
            print("\(t.number): dieskalasi ke \(unit); pemberitahuan diantrekan")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the consultation (status closed): the BAK is made, stored and mailed to the citizen.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: TicketNumber

        func run() throws {
            let desk = try options.desk()
            let t = try desk.close(number, as: who.actor(desk))
            print("\(t.number): ditutup; BAK-\(t.number) dibuat dan diantrekan untuk \(t.senderEmail)")
        }
    }

    struct Layer2Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "l2-answer", abstract: "Record the Layer 2 unit's answer received outside mail.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: TicketNumber
        @Option(help: "File with the unit's answer (UTF-8).") var bodyFile: String

        func run() throws {
            let desk = try options.desk()
            let t = try desk.layer2Answer(number, body: try readText(bodyFile), as: who.actor(desk))
            print("\(t.number): jawaban unit \(t.escalatedTo ?? "-") dicatat")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tickets (confidential ones without sender and subject unless --as may read them).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Option(help: "Only this status: new, open, escalated, answered, closed.") var status: TicketStatus?
        @Option(help: "Only this category slug.") var category: String?
        @Option(help: "At most this many tickets (a page).") var limit: Int?
        @Option(help: "Skip this many tickets first.") var offset = 0
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let tickets = try desk.tickets(
                TicketFilter(status: status, category: category, limit: limit, offset: offset),
                as: who.actor(desk))
            if json { printJSON(tickets.map(TicketJSON.init)); return }
            if tickets.isEmpty { print("Tidak ada tiket."); return }
            for s in tickets {
                let t = s.ticket
                print(
                    [
                        t.number.description, t.status.rawValue, t.category, s.senderClass?.rawValue ?? "-",
                        t.senderEmail,
                        Format.date(t.createdAt), oneLine(t.subject),
                    ].joined(separator: "  "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its messages.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: TicketNumber
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let (d, previous) = try desk.ticket(number, as: who.actor(desk))
            if json {
                var j = TicketJSON(
                    d.ticket, messageIDs: d.messages.filter { $0.kind == .ticket }.compactMap(\.messageID),
                    previous: previous)
                j.messages = d.messages.map { MessageJSON($0, attachments: d.attachments[$0.id!] ?? []) }
                j.events = d.events.map {
                    EventJSON(at: Format.iso($0.at), kind: $0.kind, detail: $0.detail, actor: $0.actor)
                }
                printJSON(j)
                return
            }
            let t = d.ticket
            print("Tiket \(t.number)  [\(t.status.rawValue)]  kategori: \(t.category)")
            print("Subjek : \(oneLine(t.subject))")
            print(
                "Pengirim: \(oneLine(t.senderName).map { "\($0) " } ?? "")<\(t.senderEmail)>  kelas: \(t.senderClass.rawValue)"
                    + (t.region.map { "  wilayah: \($0), \(t.province ?? "") (\(t.timeZone ?? ""))" } ?? ""))
            print("Dibuat : \(Format.date(t.createdAt))")
            if let previous { print("Lanjutan dari tiket \(previous) (sudah ditutup)") }
            if t.held {
                print(
                    "DITAHAN sebagai kemungkinan pengaduan: `surel review clear \(t.number) KATEGORI` atau "
                        + "`surel review confirm \(t.number)`")
            }
            for m in d.messages {
                print("\n--- \(Format.date(m.receivedAt))  \(oneLine(m.fromName) ?? "") <\(m.fromEmail ?? "")>")
                print("Subjek: \(oneLine(m.subject))")
                for a in d.attachments[m.id!] ?? [] {
                    print(
                        "Lampiran: \(oneLine(a.filename) ?? "(tanpa nama)")  \(oneLine(a.contentType))  \(a.size) byte  sha256:\(a.sha256.prefix(12))"
                    )
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
