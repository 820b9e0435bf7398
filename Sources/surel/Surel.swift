// The surel command line: the daemon (`surel run`) and the tools agents and ops use until the web console exists.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $SUREL_CONFIG, else /etc/surel/surel.toml).")
    var config: String?

    /// `needsMailbox: false` for commands that only read the store.
    func load(needsMailbox: Bool = true) throws -> SurelConfig {
        try Self.load(path: SurelConfig.resolvePath(config), needsMailbox: needsMailbox)
    }

    /// The configuration and its store, for commands that only read or change the store.
    func configAndStore() throws -> (SurelConfig, SurelDatabase) {
        let config = try load(needsMailbox: false)
        return (config, try SurelDatabase(path: config.store.path))
    }

    /// The store of the configuration, for commands that only read or change the store.
    func database() throws -> SurelDatabase { try configAndStore().1 }

    static func load(path: String, needsMailbox: Bool) throws -> SurelConfig {
        do {
            return try SurelConfig.load(path: path, needsMailbox: needsMailbox)
        } catch let e as ConfigError {
            throw ValidationError("invalid configuration:\n\(e.description)")
        }
    }
}

/// A file named on the command line, or a clear error.
func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
    return data
}

func readText(_ path: String) throws -> String { String(decoding: try readFile(path), as: UTF8.self) }

/// A file to attach, named to the recipients by its last path component (the path is the sender's own).
func attachment(fromFile path: String) throws -> OutgoingAttachment {
    let name = (path as NSString).lastPathComponent
    return OutgoingAttachment(filename: name, contentType: name.lowercased().hasSuffix(".pdf") ? "application/pdf"
                              : "application/octet-stream", data: try readFile(path))
}

@main
struct Surel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surel",
        abstract: "The e-mail channel of the DJPK Contact Center: mailbox to tickets.",
        subcommands: [Run.self, CheckConfig.self, Tickets.self, Messages.self, Quarantine.self, Review.self,
                      Outbox.self, SLACommand.self, BAK.self, Templates.self, Lists.self, SuppressionCommand.self, BlastCommand.self,
                      Classify.self])
}
