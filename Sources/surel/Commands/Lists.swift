// `surel lists` and `surel suppression`: recipient lists for blasts.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct Lists: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recipient lists for e-mail blasts.", subcommands: [Import.self, Show.self, Remove.self, All.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a CSV (email, name, any other columns as template variables) into a list; bad rows are named by line.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "List name.") var name: String
        @Argument(help: "CSV file (UTF-8, header row).") var file: String

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let parsed = RecipientImport.parse(try readText(file))
            let db = try SurelDatabase(path: config.store.path)
            let r = try db.importMembers(parsed.members, into: name)
            print("daftar \(name): \(r.added) alamat baru, \(r.updated) diperbarui, \(parsed.problems.count) baris ditolak")
            for p in parsed.problems { print("  " + p) }
            if parsed.members.isEmpty && !parsed.problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The members of a list (suppressed ones marked).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "List name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let db = try options.database()
            guard let members = try db.members(of: name) else { throw ValidationError("no list \(name)") }
            let suppressed = Set(try db.suppressions().map(\.email))
            if json {
                printJSON(members.map { MemberJSON(email: $0.email, name: $0.name, fields: $0.fields,
                                                   suppressed: suppressed.contains($0.email)) })
                return
            }
            print("daftar \(name): \(members.count) alamat, \(members.filter { suppressed.contains($0.email) }.count) ditahan")
            for m in members {
                print([m.email, m.name ?? "", m.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                       suppressed.contains(m.email) ? "(ditahan)" : ""].filter { !$0.isEmpty }.joined(separator: "  "))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an address from a list.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "List name.") var name: String
        @Argument(help: "Address.") var address: String

        func run() throws {
            let db = try options.database()
            guard try db.removeMember(address, from: name) else { throw ValidationError("\(address) is not in list \(name)") }
            print("\(address) dihapus dari daftar \(name)")
        }
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The names of the lists.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let db = try options.database()
            for n in try db.listNames() { print(n) }
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
        func run() throws {
            let db = try options.database()
            for s in try db.suppressions() { print("\(s.email)  \(s.source)  \(Format.date(s.createdAt))  \(s.reason)") }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress an address by hand.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Address.") var address: String
        @Option(help: "Why.") var reason = "ditahan manual"
        func run() throws {
            let db = try options.database()
            print(try db.suppress(address, reason: reason, source: "manual") ? "\(address) ditahan" : "\(address) sudah ditahan")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the suppression of an address.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Address.") var address: String
        func run() throws {
            let db = try options.database()
            guard try db.unsuppress(address) else { throw ValidationError("\(address) is not suppressed") }
            print("\(address) tidak lagi ditahan")
        }
    }
}
