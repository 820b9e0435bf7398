// `surel bak show`: a closed ticket's BAK PDF.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct BAK: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bak", abstract: "The BAK (Berita Acara Konsultasi) of closed tickets.",
                                                    subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a ticket's BAK PDF to a file.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "Where to write the PDF.") var output: String

        func run() throws {
            let (config, db) = try options.configAndStore()
            guard let t = try db.ticket(number: try Tickets.number(number)) else { throw ValidationError("no ticket \(number)") }
            try Tickets.requireAccess(config, t, as: who.name(config))
            guard let bak = try db.bak(ticketID: t.id!) else { throw ValidationError("ticket \(number) has no BAK (not closed yet)") }
            // Readable by its owner only: a BAK names the citizen (and may be a complaint's).
            guard FileManager.default.createFile(atPath: output, contents: bak.pdf, attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(output)")
            }
            print("\(bak.number) ditulis ke \(output) (\(bak.pdf.count) byte)")
        }
    }
}
