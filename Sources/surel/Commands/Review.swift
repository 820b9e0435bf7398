// `surel review`: the review queue of low-confidence classifications.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The review queue: tickets classified with low confidence, to accept or correct.",
        subcommands: [List.self, Accept.self, SetCategory.self])

    struct ReviewerOption: ParsableArguments {
        @Option(help: "Who reviews (default: [agent] name in the config, else the login name).") var reviewer: String?
        func name(_ config: SurelConfig) -> String {
            let env = ProcessInfo.processInfo.environment
            return reviewer ?? config.agentName ?? env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "uid-\(getuid())"
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tickets waiting for review.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let policy = AccessPolicy(config), viewer = who.name(config)
            let queue = try db.reviewQueue()
            let tickets = queue.map { policy.redacted($0, as: viewer) }
            if json {
                let ids = try db.incomingMessageIDs(ticketIDs: queue.filter { policy.mayRead($0, as: viewer) }.compactMap(\.id))
                printJSON(tickets.map { TicketJSON($0, messageIDs: ids[$0.id!] ?? [], previous: nil) })
                return
            }
            if tickets.isEmpty { print("Antrean tinjauan kosong."); return }
            for t in tickets {
                print([t.number.description, t.category, String(format: "%.2f", t.confidence), t.senderEmail,
                       oneLine(t.subject), "[\(t.classificationNote)]"].joined(separator: "  "))
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm a ticket's category (the model learns it).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var ticket: String

        func run() throws { try Review.apply(options, ticket: ticket, category: nil, reviewer: who) }
    }

    struct SetCategory: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Correct a ticket's category (also releases spam); the model learns the correction at once.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var ticket: String
        @Argument(help: "Category slug.") var category: String

        func run() throws { try Review.apply(options, ticket: ticket, category: category, reviewer: who) }
    }

    static func apply(_ options: ConfigOption, ticket: String, category: String?, reviewer who: ReviewerOption) throws {
        guard let n = TicketNumber(ticket) else {
            throw ValidationError("not a ticket number: \(ticket) (expected e.g. 2025-000123)")
        }
        let config = try options.load(needsMailbox: false)
        let reviewer = who.name(config)
        let db = try SurelDatabase(path: config.store.path)
        if let t = try db.ticket(number: n) { try Tickets.requireAccess(config, t, as: reviewer) }
        let service = ClassifierService(database: db, settings: config.classify, taxonomy: config.taxonomy)
        do {
            try service.prepare()
            let (t, r) = try service.review(n, category: category, reviewer: reviewer)
            print(r.fromCategory == r.toCategory
                  ? "\(t.number): kategori \(r.toCategory) dikonfirmasi oleh \(r.reviewer)"
                  : "\(t.number): kategori \(r.fromCategory) -> \(r.toCategory) oleh \(r.reviewer); model diperbarui")
        } catch let e as ClassifierService.Failure {
            throw ValidationError(e.description)
        }
    }
}
