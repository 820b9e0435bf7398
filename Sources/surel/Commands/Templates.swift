// `surel templates check`.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The Mustache mail templates.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render every template with sample data; name missing templates and unknown variables (exit 1).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Template folder (default: [outbox] templates, else the shipped ones).") var dir: String?

        func run() throws {
            var folder = dir
            if folder == nil, let config = try? options.load(needsMailbox: false) { folder = config.templatesFolder }
            guard let folder = folder ?? ShippedData.templatesFolder() else {
                throw SurelError(.configuration, "no template folder: pass --dir")
            }
            let problems = MailTemplates.check(directory: folder)
            if problems.isEmpty {
                print("templat: OK (\(folder): \(MailTemplates.provided.keys.sorted().joined(separator: ", ")))")
                return
            }
            print("templat: \(problems.count) masalah di \(folder)")
            for p in problems { print("  " + p) }
            throw ExitCode(1)
        }
    }
}
