// `surel bak show`: a closed ticket's BAK PDF.
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine

struct BAK: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bak", abstract: "The BAK (Berita Acara Konsultasi) of closed tickets.",
        subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a ticket's BAK PDF to a file.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: TicketNumber
        @Option(help: "Where to write the PDF.") var output: String

        func run() throws {
            let desk = try options.desk()
            let bak = try desk.bak(number, as: who.actor(desk))
            // Readable by its owner only: a BAK names the citizen (and may be a complaint's).
            guard
                FileManager.default.createFile(
                    atPath: output, contents: bak.pdf, attributes: [.posixPermissions: 0o600])
            else {
                throw SurelError(.failed, "cannot write \(output)")
            }
            print("\(bak.number) ditulis ke \(output) (\(bak.pdf.count) byte)")
        }
    }
}
