// `surel lists` and `surel suppression`: recipient lists for blasts.
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine
import SurelStore

struct Lists: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recipient lists for e-mail blasts.", subcommands: [Import.self, Show.self, Remove.self, All.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Load a CSV (email, name, any other columns as template variables) into a list; bad rows are named by line."
        )
        @OptionGroup var options: ConfigOption
        @Argument(help: "List name.") var name: String
        @Argument(help: "CSV file (UTF-8, header row).") var file: String

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            let r = try desk.importList(name, csv: CSV.text(try readFile(file)), as: me)
            print("daftar \(name): \(r.added) alamat baru, \(r.updated) diperbarui, \(r.problems.count) baris ditolak")
            for p in r.problems { print("  " + p) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The members of a list (suppressed ones marked).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "List name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            let members = try desk.members(of: name, as: me).items
            if json {
                printJSON(
                    members.map {
                        MemberJSON(
                            email: $0.member.email, name: $0.member.name, fields: $0.member.fields,
                            suppressed: $0.suppressed)
                    })
                return
            }
            print("daftar \(name): \(members.count) alamat, \(members.filter(\.suppressed).count) ditahan")
            for (m, suppressed) in members {
                print(
                    [
                        m.email, m.name ?? "",
                        m.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                        suppressed ? "(ditahan)" : "",
                    ].filter { !$0.isEmpty }.joined(separator: "  "))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an address from a list.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "List name.") var name: String
        @Argument(help: "Address.") var address: String

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            try desk.removeMember(address, from: name, as: me)
            print("\(address) dihapus dari daftar \(name)")
        }
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The names of the lists.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            for n in try desk.lists(as: me).map(\.name) { print(n) }
        }
    }
}

struct SuppressionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppression", abstract: "Addresses no blast mails again (hard bounces, or added by hand).",
        subcommands: [List.self, Add.self, Remove.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The suppressed addresses with their reasons.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        func run() throws {
            let desk = try options.desk()
            let listed = try desk.suppressions(as: who.actor(desk))
            for s in listed.items {
                print("\(s.email)  \(s.source)  \(Format.date(s.createdAt))  \(s.reason)")
            }
            if listed.hidden > 0 {
                print(
                    "(\(listed.hidden) alamat terkait tiket rahasia tidak ditampilkan: hanya untuk [access] confidential_readers)"
                )
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress an address by hand.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Address.") var address: String
        @Option(help: "Why.") var reason = "ditahan manual"
        func run() throws {
            let (desk, me) = try options.deskAndActor()
            print(
                try desk.suppress(address, reason: reason, as: me) ? "\(address) ditahan" : "\(address) sudah ditahan")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the suppression of an address.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Address.") var address: String
        func run() throws {
            let (desk, me) = try options.deskAndActor()
            try desk.unsuppress(address, as: me)
            print("\(address) tidak lagi ditahan")
        }
    }
}
