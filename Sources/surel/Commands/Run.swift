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
    static let configuration = CommandConfiguration(abstract: "Poll the mailbox and turn mail into tickets (the daemon).")
    @OptionGroup var options: ConfigOption
    @Flag(help: "Run one full cycle and exit.") var once = false

    func run() throws {
        let config = try options.load()
        KeyValueLogHandler.bootstrap(level: config.logLevel)
        let stop = StopSignal()
        let hangupLogger = Logger(label: "surel")
        stop.installHandlers(onHangup: {
            hangupLogger.notice("SIGHUP ignored: the configuration is read at start; restart the service to apply changes")
        })
        let code = try Daemon(config: config, logger: Logger(label: "surel"), stop: stop).run(once: once)
        if code != 0 { throw ExitCode(code) }
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config",
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
        // Where the classifier's model comes from; read-only: check-config never creates the store.
        if FileManager.default.fileExists(atPath: config.store.path),
           let stored = try? SurelDatabase(path: config.store.path).model(named: ClassifierService.modelName) {
            print("classifier: stored model version \(stored.version), trained on \(stored.trainedOn)")
        } else if let folder = config.classify.examples ?? ShippedData.examplesFolder() {
            print("classifier: will be trained at first start on \(folder)")
        } else {
            print("classifier: WARNING no model and no training data: new tickets stay unclassified "
                  + "(set [classify] examples, or run `surel classify train --corpus DIR`)")
        }
        // The SLA counts working days of the holiday calendar: a year it lacks leaves its tickets without deadlines.
        let years = config.sla.calendar.years.sorted()
        let thisYear = Date().yearInJakarta
        var calendarLine = "sla calendar: holidays of \(years.map(String.init).joined(separator: ", "))"
        if !years.contains(thisYear) {
            calendarLine += "; WARNING \(thisYear) is missing: tickets get no SLA deadline ([sla] calendar)"
        } else if !years.contains(thisYear + 1) {
            calendarLine += "; NOTE add \(thisYear + 1) before January ([sla] calendar)"
        }
        print(calendarLine)
        let confidential = config.taxonomy.confidentialSlugs.sorted().joined(separator: ", ")
        if config.confidentialReaders.isEmpty {
            print("access: NOTE no [access] confidential_readers: confidential tickets (\(confidential)) can be opened by nobody")
        } else {
            print("access: confidential tickets (\(confidential)) readable by \(config.confidentialReaders.joined(separator: ", "))")
        }
        let source = CurlIMAPSource(endpoint: config.mailbox.endpoint)
        do {
            let s = try source.status()
            print("imap: OK \(source.displayName) as \(config.mailbox.endpoint.user): UIDVALIDITY \(s.uidValidity), \(s.messages.map(String.init) ?? "?") messages")
        } catch {
            print("imap: FAILED \(source.displayName): \(error)")
            throw ExitCode(3)
        }
    }
}
