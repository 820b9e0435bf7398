// `surel users`: the console's accounts. A password comes from --password-file (its first line), else is asked for
// twice at the terminal without echo, else is read as one line from standard input (for scripts); never from an
// argument, which other users could read in the process list.
import ArgumentParser
import Foundation
import SurelEngine
import SurelStore

extension UserRole: ExpressibleByArgument {}

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Console accounts: add, list, disable, change a password.",
        subcommands: [Add.self, List.self, Disable.self, Passwd.self])

    struct PasswordOption: ParsableArguments {
        @Option(help: "A file whose first line is the password (else asked for, or read from standard input).")
        var passwordFile: String?

        func read() throws -> String {
            if let passwordFile {
                let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
                return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            }
            if isatty(STDIN_FILENO) == 1 {
                let first = String(cString: getpass("Kata sandi: "))
                let second = String(cString: getpass("Ulangi kata sandi: "))
                guard first == second else { throw SurelError(.invalid, "the two passwords differ") }
                return first
            }
            return readLine(strippingNewline: true) ?? ""
        }
    }

    static func accounts(_ options: ConfigOption) throws -> Accounts {
        Accounts(database: try options.desk().database)
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a console user.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "User name (the login).") var name: String
        @Option(help: "agent, supervisor, blast or admin.") var role: UserRole
        @Flag(help: "May read confidential tickets (Pengaduan and held complaints).") var confidential = false
        @OptionGroup var password: PasswordOption

        func run() throws {
            let u = try Users.accounts(options).add(
                name: name, role: role, confidential: confidential, password: try password.read())
            print("pengguna \(u.name) ditambahkan (\(u.role.rawValue)\(u.confidential ? ", rahasia" : ""))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the console users.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let users = try Users.accounts(options).list()
            if json {
                printJSON(
                    users.map {
                        UserJSON(
                            name: $0.name, role: $0.role.rawValue, confidential: $0.confidential,
                            disabled: $0.disabled, created_at: Format.iso($0.createdAt))
                    })
                return
            }
            if users.isEmpty { print("Belum ada pengguna."); return }
            for u in users {
                print(
                    [
                        oneLine(u.name), u.role.rawValue, u.confidential ? "rahasia" : "-",
                        u.disabled ? "nonaktif" : "aktif",
                    ].joined(separator: "  "))
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user (their sessions end).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "User name.") var name: String

        func run() throws {
            try Users.accounts(options).disable(name)
            print("pengguna \(name) dinonaktifkan")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password (their sessions end).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "User name.") var name: String
        @OptionGroup var password: PasswordOption

        func run() throws {
            try Users.accounts(options).setPassword(name, password: try password.read())
            print("kata sandi \(name) diganti")
        }
    }
}

struct UserJSON: Encodable {
    var name: String
    var role: String
    var confidential: Bool
    var disabled: Bool
    var created_at: String
}
