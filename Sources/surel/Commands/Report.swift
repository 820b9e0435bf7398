// `surel report monthly`: the contact center's monthly report of the e-mail channel.
import ArgumentParser
import Foundation
import SurelEngine
import SurelWeb

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports made from the store.", subcommands: [Monthly.self])

    struct Monthly: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A month's report of the e-mail channel, compared with the month before and a year before.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Option(help: "The month, YYYY-MM (WIB).") var month: String
        @Option(help: "json, csv, html or pdf.") var format: String = "json"
        @Option(help: "Write it to this file (default: standard output).") var output: String?

        func run() throws {
            let desk = try options.desk()
            let report = try desk.monthlyReport(month: month, as: who.actor(desk))
            let data: Data
            switch format {
            case "json":
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                data = try encoder.encode(report) + Data("\n".utf8)
            case "csv": data = Data(report.csv().utf8)
            case "html": data = Data(try ReportDocument.html(report).utf8)
            case "pdf": data = try report.pdf()
            default: throw ValidationError("--format takes json, csv, html or pdf")
            }
            if let output {
                try data.write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }
}
