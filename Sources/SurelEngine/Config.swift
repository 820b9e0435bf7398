// The daemon's configuration: a TOML file (TOMLKit parses it), checked key by key so that every unknown key and
// every bad value is reported with its line number. `deploy/surel.toml.example` documents every key.
import Foundation
import SurelClassify
import SurelCore
import SurelMail
import TOMLKit

public struct SurelConfig: Sendable {
    public struct Mailbox: Sendable {
        public var endpoint: IMAPEndpoint
        public var insecure: Bool
        public var afterStore: AfterStoreAction
        public var pollInterval: TimeInterval
        public var maxMessageSize: Int
    }
    public struct Store: Sendable {
        public var path: String
        public var attachments: String
    }
    public struct Threading: Sendable {
        public var subjectWindow: TimeInterval
        public var reopenWindow: TimeInterval
    }
    public var mailbox: Mailbox
    public var store: Store
    public var threading: Threading
    public var logLevel: String
    /// The categories: the shipped 19, or `[classify] taxonomy = "PATH"`.
    public var taxonomy: Taxonomy = .standard
    public var classify = Classify()
    /// Outgoing mail; nil: nothing is sent (mail waits in the outbox).
    public var smtp: SMTP?
    /// Layer 2 units by name (DTU, DPD, ...): where escalations go.
    public var units: [String: MailAddress] = [:]
    public var supervisor: MailAddress?
    public var outbox = Outbox()
    /// The name recorded for CLI actions without `--as` (`[agent] name`).
    public var agentName: String?
    /// `[access] confidential_readers`: who may read and handle confidential tickets (see AccessPolicy).
    public var confidentialReaders: [String] = []
    public var sla = SLASettings()
    /// One-click unsubscribe address of blasts (`{email}` and `{blast}` filled in); nil: mailto only.
    public var blastUnsubscribeURL: String?
    /// Blast mails per second (`[blast] rate = "10/s"` or `"600/min"`); nil: no limit.
    public var blastRate: Double?
    /// SMTP connections a blast uses at once (`[blast] connections`, default 1).
    public var blastConnections = 1
    /// `[web]`: the console (`surel serve`).
    public var web = Web()
    public struct Web: Sendable {
        /// Address and port the console listens on (`listen = "127.0.0.1:8080"`).
        public var host = "127.0.0.1"
        public var port = 8080
        /// The address people reach the console at (links in mail, survey pages); nil: not published.
        public var publicURL: String?
        /// A session unused for this long ends (`session_idle`, default 8 hours: a working day).
        public var sessionIdle: TimeInterval = 8 * 3600
        /// PEM files of the certificate chain and its key: the console speaks HTTPS itself (`tls_cert`, `tls_key`).
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// Where the public pages (the satisfaction survey) listen, apart from the console (`public_listen`);
        /// nil: not served.
        public var publicHost: String?
        public var publicPort: Int?
        /// How long a survey link in a BAK mail stays valid (`survey_days`, default 30).
        public var surveyValidity: TimeInterval = 30 * 86_400
        /// The file holding the key that signs survey links (`survey_key`; default `survey.key` beside the store),
        /// made once with mode 0600.
        public var surveyKey: String?
        /// The addresses that may read `/metrics` (`metrics_allow`; default this machine only): the monitoring
        /// server, not the office network. Spelled as `IPAddress.canonical` gives them.
        public var metricsAllowed: Set<String> = ["127.0.0.1", "::1"]
        public init() {}
    }
    /// At most this many blast mails to one recipient domain per minute (`[blast] per_domain = "100/min"`).
    public var blastPerDomainPerMinute: Int?

    public struct SLASettings: Sendable {
        /// The supervisor is reminded this long before a deadline.
        public var reminderBefore: TimeInterval = 2 * 3600
        public var hours = ServiceHours()
        /// Working days: the shipped Indonesian calendar, or `[sla] calendar = PATH`.
        public var calendar = WorkingCalendar.indonesia
        public init() {}
    }

    public struct Outbox: Sendable {
        /// Folder of the mail templates; nil: the shipped mail-templates/.
        public var templates: String?
        /// At most this many automatic mails (acknowledgements, receipts) to one address per hour.
        public var automaticPerHour = 5
        /// The address of a ticket in the agents' console, `{ticket}` standing for its number (for escalation
        /// notices); nil: notices name the ticket number only.
        public var ticketURL: String?
        /// When a send fails for now (no connection, 4xx): the waits before each new try, then every
        /// `retryEvery`, giving up `giveUpAfter` after the mail was queued.
        public var retry = RetrySchedule()
        public init() {}
    }

    public struct SMTP: Sendable {
        public var endpoint: SMTPEndpoint
        public var from: MailAddress
        /// Where replies should go, when not to `from`.
        public var replyTo: MailAddress?
        /// The right-hand side of our Message-IDs.
        public var messageIDDomain: String
    }

    public struct Classify: Sendable {
        /// The shipped rules, or `[classify] rules = "PATH"`.
        public var rules: RuleSet = .standard
        /// Labelled folder the model is trained on at first start; nil: the shipped examples (found by
        /// `ShippedData`).
        public var examples: String?
        /// Below this confidence a new ticket goes to the review queue.
        public var reviewThreshold = 0.9
        public var cutoffs = SpamCutoffs()
        /// `[classify] complaint_hold`: the Pengaduan probability from which a mail of another category is held.
        public var complaintHold = 0.15
        public init() {}
    }
    /// Where the file was read from, for messages.
    public var sourcePath: String

    public static let defaultPath = "/etc/surel/surel.toml"

    /// `--config PATH`, else `$SUREL_CONFIG`, else /etc/surel/surel.toml.
    public static func resolvePath(
        _ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> String
    {
        explicit ?? environment["SUREL_CONFIG"] ?? defaultPath
    }

    /// `needsMailbox: false` is for commands that only read the store (tickets, messages): they work without the
    /// IMAP password, which under systemd is a credential only the service can read.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        needsMailbox: Bool = true
    ) throws -> SurelConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, problems: [.init(line: nil, message: "cannot read the file")])
        }
        return try parse(
            String(decoding: data, as: UTF8.self), path: path, environment: environment,
            needsMailbox: needsMailbox)
    }

    public static func parse(
        _ text: String, path: String = "surel.toml",
        environment: [String: String] = ProcessInfo.processInfo.environment,
        needsMailbox: Bool = true
    ) throws -> SurelConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw ConfigError(
                path: path, problems: [.init(line: e.source.begin.line, message: "TOML syntax: \(e.description)")])
        }
        var reader = ConfigReader(table: table, lines: KeyLines(text), needsPassword: needsMailbox)
        let config = reader.read(path: path, environment: environment)
        if !reader.problems.isEmpty || config == nil {
            throw ConfigError(path: path, problems: reader.problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        }
        return config!
    }
}

public struct ConfigProblem: Sendable, Equatable {
    public var line: Int?
    public var message: String
}

public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problems: [ConfigProblem]
    public var description: String {
        problems.map { "\(path):\($0.line.map(String.init) ?? "-"): \($0.message)" }.joined(separator: "\n")
    }
}

extension SurelConfig {
    /// "30s", "5m", "2h", "3d" or seconds, as in the config file (for CLI options too).
    public static func duration(_ text: String) -> TimeInterval? { ConfigReader.parseDuration(text) }
}

extension SurelConfig {
    /// The `[smtp]` section every mail surel makes needs, or the error that says it is missing.
    public func requireSMTP() throws -> SMTP {
        guard let smtp else {
            throw SurelError(.configuration, "no [smtp] section in the configuration: mail cannot be made or sent")
        }
        return smtp
    }

    /// The folder of the mail templates: `[outbox] templates`, else the shipped ones.
    public var templatesFolder: String? { outbox.templates ?? ShippedData.templatesFolder() }

    /// The mail templates of `templatesFolder`, or the error that says they are missing or broken.
    public func mailTemplates() throws -> MailTemplates {
        guard let dir = templatesFolder else {
            throw SurelError(.configuration, "mail templates not found: set [outbox] templates")
        }
        return try MailTemplates(directory: dir)
    }
}
