// `surel run` (the daemon) and `surel check-config`.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll the mailbox and turn mail into tickets (the daemon).")
    @OptionGroup var options: ConfigOption
    @Flag(help: "Run one full cycle and exit.") var once = false

    func run() throws {
        let config = try options.load()
        KeyValueLogHandler.bootstrap(level: config.logLevel)
        let stop = StopSignal()
        let hangupLogger = Logger(label: "surel")
        stop.installHandlers(onHangup: {
            hangupLogger.notice(
                "SIGHUP ignored: the configuration is read at start; restart the service to apply changes")
        })
        let code = try Daemon(config: config, logger: Logger(label: "surel"), stop: stop).run(once: once)
        if code != 0 { throw ExitCode(code) }
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file and try the IMAP login.")
    @OptionGroup var options: ConfigOption

    func run() throws {
        let path = SurelConfig.resolvePath(options.config)
        let config: SurelConfig
        do { config = try SurelConfig.load(path: path) } catch let e as ConfigError {
            print("configuration: INVALID\n\(e.description)")
            throw ExitCode(2)
        }
        print("configuration: OK (\(path))")
        for line in ConfigCheck.findings(config) { print(line) }
        let source = CurlIMAPSource(endpoint: config.mailbox.endpoint)
        do {
            let s = try source.status()
            print(
                "imap: OK \(source.displayName) as \(config.mailbox.endpoint.user): UIDVALIDITY \(s.uidValidity), \(s.messages.map(String.init) ?? "?") messages"
            )
        } catch {
            print("imap: FAILED \(source.displayName): \(error)")
            throw ExitCode(3)
        }
    }
}
