// `surel review`: the review queue of low-confidence classifications, and the held queue of possible complaints.
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The review queue: tickets classified with low confidence, to accept or correct; held complaints.",
        subcommands: [List.self, Accept.self, SetCategory.self, Held.self, Clear.self, Confirm.self])

    /// `--reviewer NAME` (kept from before `--as` existed elsewhere), else as ActorOption.
    struct ReviewerOption: ParsableArguments {
        @Option(help: "Who reviews (default: [agent] name in the config, else the login name).") var reviewer: String?
        func actor(_ desk: HelpDesk) -> Actor { ActorOption.actor(named: reviewer, desk) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tickets waiting for review.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let queue = try desk.reviewQueue(as: who.actor(desk))
            if json { printJSON(queue.map(TicketJSON.init)); return }
            if queue.isEmpty { print("Antrean tinjauan kosong."); return }
            for s in queue {
                let t = s.ticket
                print(
                    [
                        t.number.description, t.category, s.confidence.map { String(format: "%.2f", $0) } ?? "-",
                        t.senderEmail,
                        oneLine(t.subject), "[\(t.classificationNote)]",
                    ].joined(separator: "  "))
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm a ticket's category (the model learns it).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var ticket: TicketNumber

        func run() throws { try Review.apply(options, ticket: ticket, category: nil, reviewer: who) }
    }

    struct SetCategory: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Correct a ticket's category (also releases spam); the model learns the correction at once.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var ticket: TicketNumber
        @Argument(help: "Category slug.") var category: String

        func run() throws { try Review.apply(options, ticket: ticket, category: category, reviewer: who) }
    }

    struct Held: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tickets held as possible complaints (confidential readers only).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let queue = try desk.heldQueue(as: who.actor(desk))
            if json { printJSON(queue.map(TicketJSON.init)); return }
            if queue.isEmpty { print("Tidak ada tiket yang ditahan."); return }
            for s in queue {
                let t = s.ticket
                print(
                    [
                        t.number.description, t.category, Format.date(t.createdAt), t.senderEmail, oneLine(t.subject),
                        "[\(t.classificationNote)]",
                    ].joined(separator: "  "))
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a held ticket: it becomes a normal ticket of CATEGORY, visible to every agent.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var ticket: TicketNumber
        @Argument(help: "Category slug.") var category: String

        func run() throws {
            let desk = try options.desk()
            let t = try desk.clearHeld(ticket, category: category, as: who.actor(desk))
            print("\(t.number): dilepas sebagai \(t.category)" + (t.confidential ? " (tetap rahasia)" : ""))
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm a held ticket as a complaint (Pengaduan): confidential for good.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ReviewerOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var ticket: TicketNumber
        @Option(help: "The confidential category (needed only when the taxonomy has several).") var category: String?

        func run() throws {
            let desk = try options.desk()
            let t = try desk.confirmComplaint(ticket, category: category, as: who.actor(desk))
            print("\(t.number): dikonfirmasi sebagai \(t.category) (rahasia)")
        }
    }

    static func apply(_ options: ConfigOption, ticket: TicketNumber, category: String?, reviewer who: ReviewerOption)
        throws
    {
        let desk = try options.desk()
        let (t, r) = try desk.review(ticket, category: category, as: who.actor(desk))
        print(
            r.fromCategory == r.toCategory
                ? "\(t.number): kategori \(r.toCategory) dikonfirmasi oleh \(r.reviewer)"
                : "\(t.number): kategori \(r.fromCategory) -> \(r.toCategory) oleh \(r.reviewer); model diperbarui")
    }
}
