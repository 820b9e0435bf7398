// The surel command line: the daemon (`surel run`) and the tools agents, the supervisor, blast staff and ops use.
// The commands (Commands/*.swift) ask SurelEngine's HelpDesk and format its answers; every rule about who may see
// what lives there. Errors a person can cause (SurelError) are printed as one line on standard error with the exit
// code of their kind; argument mistakes are ArgumentParser's (usage, exit 2).
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine
import SurelMail

@main
struct Surel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surel",
        abstract: "The e-mail channel of the DJPK Contact Center: mailbox to tickets.",
        version: SurelVersion.description,
        subcommands: [
            Run.self, CheckConfig.self, Tickets.self, Messages.self, Quarantine.self, Review.self,
            Outbox.self, SLACommand.self, BAK.self, Templates.self, Lists.self, SuppressionCommand.self,
            BlastCommand.self, Classify.self, Users.self, Serve.self, SurveyCommand.self, ReportCommand.self,
            BackupCommand.self, RestoreCommand.self,
        ])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard let e = SurelError(error) else { exit(withError: error) }
            FileHandle.standardError.write(
                Data(("surel: " + TerminalText.escaped(e.message, keepNewlines: true) + "\n").utf8))
            Foundation.exit(e.exitCode)
        }
    }
}

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $SUREL_CONFIG, else /etc/surel/surel.toml).")
    var config: String?

    /// `needsMailbox: false` for commands that only read or change the store.
    func load(needsMailbox: Bool = true) throws -> SurelConfig {
        try SurelConfig.load(path: SurelConfig.resolvePath(config), needsMailbox: needsMailbox)
    }

    /// The help desk on the configuration's store.
    func desk(needsMailbox: Bool = false) throws -> HelpDesk {
        try HelpDesk(config: try load(needsMailbox: needsMailbox))
    }

    /// The help desk and who acts at the keyboard (`[agent] name`, else the login name), for commands without
    /// `--as`.
    func deskAndActor() throws -> (HelpDesk, Actor) {
        let desk = try desk()
        return (desk, ActorOption.actor(named: nil, desk))
    }
}

/// Who acts: `--as NAME`, else `[agent] name`, else the login name. Its rights come from the configuration.
struct ActorOption: ParsableArguments {
    @Option(name: .customLong("as"), help: "Who acts (default: [agent] name in the config, else the login name).")
    var name: String?

    func actor(_ desk: HelpDesk) -> Actor { Self.actor(named: name, desk) }

    static func actor(named name: String?, _ desk: HelpDesk) -> Actor {
        let env = ProcessInfo.processInfo.environment
        return desk.actor(
            named: name ?? desk.config.agentName ?? env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"]
                ?? "uid-\(getuid())")
    }
}

extension TicketNumber: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension TicketStatus: ExpressibleByArgument {}
extension MessageKind: ExpressibleByArgument {}

/// A file named on the command line, or a clear error.
func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw SurelError(.notFound, "cannot read \(path)")
    }
    return data
}

func readText(_ path: String) throws -> String { String(decoding: try readFile(path), as: UTF8.self) }

/// A file to attach, named to the recipients by its last path component (the path is the sender's own).
func attachment(fromFile path: String) throws -> OutgoingAttachment {
    let name = (path as NSString).lastPathComponent
    return OutgoingAttachment(
        filename: name,
        contentType: name.lowercased().hasSuffix(".pdf")
            ? "application/pdf"
            : "application/octet-stream", data: try readFile(path))
}
