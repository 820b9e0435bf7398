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

// MARK: tickets

struct Tickets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and read tickets; answer, escalate and record Layer 2 answers.",
        subcommands: [List.self, Show.self, Reply.self, Escalate.self, Layer2Answer.self, Close.self])

    /// Who acts: `--as NAME`, else `[agent] name`, else the login name.
    struct ActorOption: ParsableArguments {
        @Option(name: .customLong("as"), help: "Who acts (default: [agent] name in the config, else the login name).")
        var actor: String?
        func name(_ config: SurelConfig) -> String {
            let env = ProcessInfo.processInfo.environment
            return actor ?? config.agentName ?? env["SUDO_USER"] ?? env["USER"] ?? "uid-\(getuid())"
        }
    }

    static func actions(_ config: SurelConfig) throws -> (AgentActions, SurelDatabase) {
        guard let dir = config.outbox.templates ?? ShippedData.templatesFolder() else {
            throw ValidationError("mail templates not found: set [outbox] templates")
        }
        let db = try SurelDatabase(path: config.store.path)
        return (AgentActions(config: config, database: db, templates: try MailTemplates(directory: dir),
                             calendar: config.sla.calendar), db)
    }

    /// Refuses when `name` may not read `t` (AccessPolicy).
    static func requireAccess(_ config: SurelConfig, _ t: Ticket, as name: String) throws {
        do { try AccessPolicy(config).require(t, as: name) } catch let e as AccessPolicy.Refused { throw ValidationError(e.message) }
    }

    static func number(_ text: String) throws -> TicketNumber {
        guard let n = TicketNumber(text) else { throw ValidationError("not a ticket number: \(text) (expected e.g. 2025-000123)") }
        return n
    }

    struct Reply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer the citizen (status answered); the mail goes out at the daemon's next round.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "File with the answer's text (UTF-8).") var bodyFile: String
        @Option(help: "A file to attach (repeatable).") var attach: [String] = []

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            // The agent's own files: their names are shown to the citizen, the paths are the agent's.
            let files = try attach.map(attachment(fromFile:))
            do {
                let t = try actions.reply(try Tickets.number(number), body: try readText(bodyFile),
                                          attachments: files, actor: who.name(config))
                print("\(t.number): jawaban diantrekan untuk \(t.senderEmail); status \(t.status.rawValue)")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct Escalate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escalate to a Layer 2 unit (status escalated): a notice with the question goes to the unit.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "The unit, as named in [units.NAME].") var unit: String
        @Option(help: "A note for the unit.") var note: String?

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            do {
                let t = try actions.escalate(try Tickets.number(number), unit: unit, note: note, actor: who.name(config))
                print("\(t.number): dieskalasi ke \(unit); pemberitahuan diantrekan")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the consultation (status closed): the BAK is made, stored and mailed to the citizen.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            do {
                let t = try actions.close(try Tickets.number(number), actor: who.name(config))
                print("\(t.number): ditutup; BAK-\(t.number) dibuat dan diantrekan untuk \(t.senderEmail)")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct Layer2Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "l2-answer", abstract: "Record the Layer 2 unit's answer received outside mail.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "File with the unit's answer (UTF-8).") var bodyFile: String

        func run() throws {
            let config = try options.load(needsMailbox: false)
            let (actions, _) = try Tickets.actions(config)
            do {
                let t = try actions.layer2Answer(try Tickets.number(number), body: try readText(bodyFile),
                                                 actor: who.name(config))
                print("\(t.number): jawaban unit \(t.escalatedTo ?? "-") dicatat")
            } catch let e as AgentActions.Failure { throw ValidationError(e.message) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tickets (confidential ones without sender and subject unless --as may read them).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Option(help: "Only this status: new, open, escalated, answered, closed.") var status: TicketStatus?
        @Option(help: "Only this category slug.") var category: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let policy = AccessPolicy(config), viewer = who.name(config)
            let all = try db.tickets(status: status, category: category)
            let readable = all.filter { policy.mayRead($0, as: viewer) }.compactMap(\.id)
            let tickets = all.map { policy.redacted($0, as: viewer) }
            let ids = try db.incomingMessageIDs(ticketIDs: readable)
            if json {
                let numbers = try db.ticketNumbers(ids: tickets.compactMap(\.previousTicketID))
                printJSON(tickets.map { t in
                    TicketJSON(t, messageIDs: ids[t.id!] ?? [], previous: t.previousTicketID.flatMap { numbers[$0] })
                })
                return
            }
            if tickets.isEmpty { print("Tidak ada tiket."); return }
            for t in tickets {
                print([t.number.description, t.status.rawValue, t.category, t.senderClass.rawValue, t.senderEmail,
                       Format.date(t.createdAt), oneLine(t.subject)].joined(separator: "  "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its messages.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let n = TicketNumber(number) else { throw ValidationError("not a ticket number: \(number) (expected e.g. 2025-000123)") }
            let (config, db) = try options.configAndStore()
            guard let d = try db.ticketDetail(number: n) else { throw ValidationError("no ticket \(n)") }
            try Tickets.requireAccess(config, d.ticket, as: who.name(config))
            if json {
                let previous = try db.ticketNumbers(ids: [d.ticket.previousTicketID].compactMap { $0 })
                var j = TicketJSON(d.ticket, messageIDs: d.messages.filter { $0.kind == .ticket }.compactMap(\.messageID),
                                   previous: d.ticket.previousTicketID.flatMap { previous[$0] })
                j.messages = d.messages.map { MessageJSON($0, attachments: d.attachments[$0.id!] ?? []) }
                j.events = d.events.map { EventJSON(at: Format.iso($0.at), kind: $0.kind, detail: $0.detail, actor: $0.actor) }
                printJSON(j)
                return
            }
            let t = d.ticket
            print("Tiket \(t.number)  [\(t.status.rawValue)]  kategori: \(t.category)")
            print("Subjek : \(oneLine(t.subject))")
            print("Pengirim: \(oneLine(t.senderName).map { "\($0) " } ?? "")<\(t.senderEmail)>  kelas: \(t.senderClass.rawValue)"
                  + (t.region.map { "  wilayah: \($0), \(t.province ?? "") (\(t.timeZone ?? ""))" } ?? ""))
            print("Dibuat : \(Format.date(t.createdAt))")
            if let prev = try db.ticketNumbers(ids: [t.previousTicketID].compactMap { $0 }).values.first {
                print("Lanjutan dari tiket \(prev) (sudah ditutup)")
            }
            for m in d.messages {
                print("\n--- \(Format.date(m.receivedAt))  \(oneLine(m.fromName) ?? "") <\(m.fromEmail ?? "")>")
                print("Subjek: \(oneLine(m.subject))")
                for a in d.attachments[m.id!] ?? [] {
                    print("Lampiran: \(oneLine(a.filename) ?? "(tanpa nama)")  \(oneLine(a.contentType))  \(a.size) byte  sha256:\(a.sha256.prefix(12))")
                }
                if let note = m.note { print("Catatan: \(note)") }
                print("")
                print(m.text)
            }
            print("\n--- Riwayat")
            for e in d.events {
                print("\(Format.date(e.at))  \(e.kind)  \(e.detail)" + (e.actor.map { "  oleh \($0)" } ?? ""))
            }
        }
    }
}

// MARK: messages and quarantine

struct Messages: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messages that opened no ticket.",
                                                    subcommands: [List.self, Duplicates.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List auto-replies, bounces or quarantined messages.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Option(help: "autoreply, bounce, quarantined or unsubscribe (also ticket, outgoing).") var kind: MessageKind
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            printMessages(try readableMessages(kind: kind, db, config, as: who.name(config)), json: json)
        }
    }
}

extension Messages {
    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mail not stored because it was already stored (same bytes, or same Message-ID, sender, subject, date and content).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let all = try db.duplicates()
            var shown = all
            if !AccessPolicy(config).isReader(who.name(config)) {
                let footprint = try db.confidentialFootprint()
                shown = all.filter { !footprint.touches($0.matched) }
            }
            if json { printJSON(shown.map { DuplicateJSON($0.duplicate, ticket: $0.ticket) }); return }
            if shown.isEmpty { print("Tidak ada pesan ganda.") }
            for (d, m, t) in shown {
                print(["\(d.id!)  \(Format.date(d.receivedAt))  \(d.mailbox ?? "-")#\(d.uid.map(String.init) ?? "-")",
                       d.sameBytes ? "sama persis dengan" : "isi sama (header lain) dengan",
                       "pesan \(m.id!)" + (t.map { " tiket \($0.number)" } ?? "")].joined(separator: "  "))
            }
            if shown.count < all.count {
                print("(\(all.count - shown.count) pesan ganda terkait tiket rahasia tidak ditampilkan: hanya untuk [access] confidential_readers)")
            }
        }
    }
}

struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Messages that could not be parsed.",
                                                    subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined messages with their reasons.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let (config, db) = try options.configAndStore()
            printMessages(try readableMessages(kind: .quarantined, db, config, as: who.name(config)), json: json)
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a quarantined message again and file it (one the server never delivered is fetched again).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The message id from `surel quarantine list`.") var id: Int64
        @Flag(help: "Parse it again even though the parser crashed on it before (after an update of surel).")
        var force = false

        func run() throws {
            let config = try options.load()
            KeyValueLogHandler.bootstrap(level: config.logLevel)
            let db = try SurelDatabase(path: config.store.path)
            let classifiers = ClassifierService(database: db, settings: config.classify, taxonomy: config.taxonomy)
            try classifiers.prepare()
            let ingestor = Ingestor(config: config, database: db,
                                    attachments: try AttachmentDirectory(path: config.store.attachments),
                                    source: CurlIMAPSource(endpoint: config.mailbox.endpoint),
                                    classifiers: classifiers, logger: Logger(label: "surel"))
            let outcome: IngestOutcome
            do { outcome = try ingestor.retryQuarantined(rowID: id, force: force) } catch let e as Ingestor.RetryRefused {
                throw ValidationError(e.description)
            }
            switch outcome {
            case .recorded(.quarantined):
                print("masih dikarantina: \(try db.message(rowID: id)?.note ?? "")")
                throw ExitCode(1)
            default: print("berhasil: \(outcome)")
            }
        }
    }
}

/// The messages of `kind` that `name` may see: without a confidential ticket's messages, nor auto-replies, bounces
/// or quarantined mail about one, unless `name` is a confidential reader (AccessPolicy).
func readableMessages(kind: MessageKind, _ db: SurelDatabase, _ config: SurelConfig, as name: String)
    throws -> (shown: [StoredMessage], hidden: Int) {
    let all = try db.messages(kind: kind)
    guard !AccessPolicy(config).isReader(name) else { return (all, 0) }
    let footprint = try db.confidentialFootprint()
    let shown = all.filter { !footprint.touches($0) }
    return (shown, all.count - shown.count)
}

func printMessages(_ listed: (shown: [StoredMessage], hidden: Int), json: Bool) {
    let messages = listed.shown
    if json { printJSON(messages.map { MessageJSON($0, attachments: []) }); return }
    defer {
        if listed.hidden > 0 {
            print("(\(listed.hidden) pesan terkait tiket rahasia tidak ditampilkan: hanya untuk [access] confidential_readers)")
        }
    }
    if messages.isEmpty { print("Tidak ada pesan."); return }
    for m in messages {
        var line = "\(m.id!)  \(Format.date(m.receivedAt))  \(m.fromEmail ?? "-")  \(oneLine(m.subject))"
        if m.kind == .bounce {
            line += "  [penerima: \(m.bounceRecipient ?? "?") status: \(m.bounceStatus ?? "?") pesan asal: \(m.bounceOriginalMessageID ?? "?")]"
        }
        if let note = m.note { line += "  — \(oneLine(note))" }
        print(line)
    }
}


extension TicketStatus: ExpressibleByArgument {}
extension MessageKind: ExpressibleByArgument {}

// MARK: recipient lists and suppression (issue 5)

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

// MARK: blasts (issue 5)

struct BlastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blast", abstract: "E-mail blasts to a recipient list.",
        subcommands: [Create.self, Preview.self, Test.self, Schedule.self, Pause.self, Resume.self, Cancel.self,
                      Send.self, Status.self, Failures.self, All.self])

    static func time(_ text: String) throws -> Date {
        guard let d = BlastMail.parseTime(text) else {
            throw ValidationError("not a time: \(text) (e.g. \"2025-02-07 09:00 WIB\", WITA, WIT, or ISO 8601)")
        }
        return d
    }

    /// Moves a blast to `status` if it is in one of `from`.
    static func move(_ options: ConfigOption, _ id: Int64, to status: BlastStatus, from: Set<BlastStatus>,
                     at: Date? = nil) throws {
        do { try options.database().setBlastStatus(id, to: status, at: at, allowedFrom: from) }
        catch let e as BlastError { throw ValidationError(e.description) }
    }

    static func load(_ db: SurelDatabase, _ id: Int64) throws -> Blast {
        guard let b = try db.blast(id) else { throw ValidationError("no blast \(id)") }
        return b
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prepare a blast for a list (minus suppressed addresses).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Recipient list.") var list: String
        @Option(help: "Subject (Mustache: {{name}}, list columns).") var subject: String
        @Option(help: "Text template file (Mustache).") var template: String
        @Option(help: "HTML template file, sent beside the text as multipart/alternative (values HTML-escaped).") var html: String?
        @Option(help: "A file to attach to every mail (repeatable).") var attach: [String] = []
        @Option(help: "When to send, e.g. \"2025-02-07 09:00 WIB\".") var at: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let db = try options.database()
            let text = try readText(template)
            let html = try html.map(readText)
            let files = try attach.map(attachment(fromFile:)).map { (filename: $0.filename, contentType: $0.contentType, data: $0.data) }
            let when = try at.map(BlastCommand.time)
            do { _ = try BlastMail.Templates(subject: subject, text: text, html: html) } catch let e as BlastMail.Failure {
                throw ValidationError("\(e.message): nothing was created")
            }
            do {
                let r = try db.createBlast(list: list, subject: subject, template: text,
                                           html: html, attachments: files, at: when)
                if json { printJSON(BlastCreatedJSON(id: r.id, recipients: r.recipients, suppressed: r.suppressed)); return }
                print("blast \(r.id): \(r.recipients) penerima (\(r.suppressed) ditahan)"
                      + (when.map { ", dijadwalkan \(Format.date($0))" } ?? ", belum dijadwalkan"))
            } catch let e as BlastError { throw ValidationError(e.description) }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The mail of one recipient, as sent, on stdout.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Option(help: "Recipient address (default: the first).") var recipient: String?

        func run() throws {
            let config = try options.load(needsMailbox: false)
            guard let smtp = config.smtp else { throw ValidationError("no [smtp] section: from and domain are needed") }
            let db = try SurelDatabase(path: config.store.path)
            let b = try BlastCommand.load(db, id)
            guard let r = try db.blastRecipients(id, email: recipient, limit: 1).first else {
                throw ValidationError(recipient.map { "\($0) is not a recipient of blast \(id)" } ?? "blast \(id) has no recipients")
            }
            let mail = try BlastMail.compose(b, to: r, attachments: try db.blastMailAttachments(id), smtp: smtp,
                                             unsubscribeURL: config.blastUnsubscribeURL)
            FileHandle.standardOutput.write(mail.raw)
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue the mail of the first recipient to a test address (sent at the daemon's next round).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Option(help: "Test address.") var to: String

        func run() throws {
            let config = try options.load(needsMailbox: false)
            guard let smtp = config.smtp else { throw ValidationError("no [smtp] section") }
            guard let rcpt = MailAddress.parse(to) else { throw ValidationError("not an address: \(to)") }
            let db = try SurelDatabase(path: config.store.path)
            let b = try BlastCommand.load(db, id)
            guard var r = try db.blastRecipients(id, limit: 1).first else { throw ValidationError("blast \(id) has no recipients") }
            r.email = rcpt.email
            let mail = try BlastMail.compose(b, to: r, attachments: try db.blastMailAttachments(id), smtp: smtp,
                                             unsubscribeURL: config.blastUnsubscribeURL)
            let item = try db.enqueue(OutgoingRecord(ticketID: nil, purpose: "blast-test", messageID: mail.messageID,
                                                     raw: mail.raw, subject: b.subject, text: "", fromName: smtp.from.name,
                                                     fromEmail: smtp.from.email, recipients: [rcpt.email], inReplyTo: [],
                                                     references: []))
            print("uji blast \(id) diantrekan sebagai surel \(item.id!) ke \(rcpt.email)")
        }
    }

    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set or move a blast's sending time.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Option(help: "When, e.g. \"2025-02-07 09:00 WIB\".") var at: String
        func run() throws {
            let when = try BlastCommand.time(at)
            try BlastCommand.move(options, id, to: .scheduled, from: [.draft, .scheduled, .paused], at: when)
            print("blast \(id) dijadwalkan \(Format.date(when))")
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a scheduled or sending blast.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        func run() throws {
            try BlastCommand.move(options, id, to: .paused, from: [.scheduled, .sending])
            print("blast \(id) dijeda")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused blast.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        func run() throws {
            try BlastCommand.move(options, id, to: .scheduled, from: [.paused])
            print("blast \(id) dilanjutkan")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a blast that is not done.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        func run() throws {
            try BlastCommand.move(options, id, to: .cancelled, from: [.draft, .scheduled, .sending, .paused])
            print("blast \(id) dibatalkan")
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a blast now, in the foreground, until every recipient is settled (or it is paused/cancelled).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64

        func run() throws {
            let config = try options.load(needsMailbox: false)
            guard let smtp = config.smtp else { throw ValidationError("no [smtp] section") }
            KeyValueLogHandler.bootstrap(level: config.logLevel)
            let db = try SurelDatabase(path: config.store.path)
            let sender = try BlastSender(database: db, config: config, makeSender: { CurlSMTPSender(endpoint: smtp.endpoint) },
                                         logger: Logger(label: "surel"))
            let start = Date()
            do {
                let r = try sender.run(id)
                let secs = Date().timeIntervalSince(start)
                print(String(format: "blast %lld: %d terkirim, %d ditunda, %d gagal dalam %.1f s (%.0f/s); %@", id, r.sent,
                             r.deferred, r.failed, secs, Double(r.sent) / max(secs, 0.001), r.ended))
            } catch let e as BlastError { throw ValidationError(e.description) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A blast's recipients by state.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let db = try options.database()
            func snapshot() throws -> (Blast, BlastStatusJSON) {
                let b = try BlastCommand.load(db, id)
                let now = Date()
                return (b, BlastStatusJSON(b, counts: try db.blastCounts(id), marks: try db.blastMarks(id),
                                           sentLastMinute: try db.blastSentSince(id, since: now.addingTimeInterval(-60)), now: now))
            }
            var (current, s) = try snapshot()
            if json { printJSON(s); return }
            print("blast \(id) [\(current.status.rawValue)] daftar \(current.listName): terkirim \(s.sent), tertunda \(s.pending), "
                  + "gagal \(s.failed), terpental \(s.bounced), ditunda \(s.deferred)"
                  + (s.soft_bounced > 0 ? ", pentalan sementara \(s.soft_bounced)" : "")
                  + (s.suppressed > 0 ? ", ditahan (berhenti berlangganan/terpental) \(s.suppressed)" : "")
                  + (s.possibly_duplicated > 0 ? ", mungkin terkirim dua kali \(s.possibly_duplicated)" : "")
                  + (s.rate_per_second > 0 ? String(format: ", %.1f/detik", s.rate_per_second) : "")
                  + (s.estimated_finish.map { ", perkiraan selesai \($0)" } ?? ""))
            // On a terminal, a live progress bar while it sends (Ctrl-C leaves it; the blast goes on).
            guard isatty(STDOUT_FILENO) == 1 else { return }
            while current.status == .sending {
                let done = s.sent + s.failed + s.bounced + s.suppressed
                let width = 30, filled = s.total == 0 ? 0 : width * done / s.total
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                // Numbers only, and its carriage return is the point: the standard print, not the escaping one.
                Swift.print(String(format: "\r[%@] %3d%%  %d/%d  %.1f/detik ", bar, s.total == 0 ? 0 : 100 * done / s.total, done,
                             s.total, s.rate_per_second), terminator: "")
                fflush(stdout)
                sleep(1)
                (current, s) = try snapshot()
            }
            print("")
        }
    }

    struct Failures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The recipients a blast did not reach (failed, bounced, still deferred, soft-bounced) as CSV with the reasons.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64

        func run() throws {
            let db = try options.database()
            _ = try BlastCommand.load(db, id)
            func field(_ s: String) -> String {
                s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
            var out = "email,state,attempts,reason\n"
            for r in try db.blastRecipients(id) where ["failed", "bounced", "deferred"].contains(r.state) || r.softBounces > 0 {
                let state = r.state == "sent" ? "soft-bounced" : r.state
                out += [r.email, state, String(r.attempts), r.lastError ?? ""].map(field).joined(separator: ",") + "\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "All blasts with their counts.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON (an array of the objects `blast status --json` prints).") var json = false
        func run() throws {
            let db = try options.database()
            let all = try db.blasts().map { b in (b, BlastStatusJSON(b, counts: try db.blastCounts(b.id), marks: try db.blastMarks(b.id))) }
            if json { printJSON(all.map(\.1)); return }
            for (b, s) in all {
                print("\(b.id)  \(b.status.rawValue)  \(b.listName)  terkirim \(s.sent)/\(s.total)  tertunda \(s.pending + s.deferred)  "
                      + "gagal \(s.failed)  terpental \(s.bounced)  \(oneLine(b.subject))")
            }
        }
    }
}

// MARK: templates

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The Mustache mail templates.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render every template with sample data; name missing templates and unknown variables (exit 1).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Template folder (default: [outbox] templates, else the shipped ones).") var dir: String?

        func run() throws {
            var folder = dir
            if folder == nil, let config = try? options.load(needsMailbox: false) { folder = config.outbox.templates }
            guard let folder = folder ?? ShippedData.templatesFolder() else {
                throw ValidationError("no template folder: pass --dir")
            }
            let problems = MailTemplates.check(directory: folder)
            if problems.isEmpty {
                print("templat: OK (\(folder): \(MailTemplates.provided.keys.sorted().joined(separator: ", ")))")
                return
            }
            print("templat: \(problems.count) masalah di \(folder)")
            for p in problems { print("  " + p) }
            throw ExitCode(1)
        }
    }
}

// MARK: BAK

struct BAK: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bak", abstract: "The BAK (Berita Acara Konsultasi) of closed tickets.",
                                                    subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a ticket's BAK PDF to a file.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Argument(help: "Ticket number, e.g. 2025-000123.") var number: String
        @Option(help: "Where to write the PDF.") var output: String

        func run() throws {
            let (config, db) = try options.configAndStore()
            guard let t = try db.ticket(number: try Tickets.number(number)) else { throw ValidationError("no ticket \(number)") }
            try Tickets.requireAccess(config, t, as: who.name(config))
            guard let bak = try db.bak(ticketID: t.id!) else { throw ValidationError("ticket \(number) has no BAK (not closed yet)") }
            // Readable by its owner only: a BAK names the citizen (and may be a complaint's).
            guard FileManager.default.createFile(atPath: output, contents: bak.pdf, attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(output)")
            }
            print("\(bak.number) ditulis ke \(output) (\(bak.pdf.count) byte)")
        }
    }
}

// MARK: SLA

struct SLACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "Deadlines of the tickets still owed an answer, and Layer 2 response scores.",
        subcommands: [List.self, Scores.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tickets owed an answer, soonest deadline first.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Option(help: "Only those due within this time, e.g. 4h or 2d.") var dueWithin: String?
        @Flag(help: "Only those past their deadline.") var breached = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let sla = SLA(calendar: config.sla.calendar, hours: config.sla.hours)
            let now = Date()
            let policy = AccessPolicy(config), viewer = who.name(config)
            let (dated, undated) = try sla.entries(db, now: now)
            if !undated.isEmpty {
                FileHandle.standardError.write(Data("peringatan: \(undated.count) tiket tanpa batas waktu: kalender libur belum memuat tahunnya ([sla] calendar)\n".utf8))
            }
            var entries = dated.map { e in
                var e = e
                e.ticket = policy.redacted(e.ticket, as: viewer)
                return e
            }
            if let dueWithin {
                guard let d = SurelConfig.duration(dueWithin) else {
                    throw ValidationError("--due-within takes a duration like 4h or 2d")
                }
                entries = entries.filter { $0.due.timeIntervalSince(now) <= d }
            }
            if breached { entries = entries.filter(\.breached) }
            if json { printJSON(entries.map { SLAJSON($0, now: now) }); return }
            if entries.isEmpty { print("Tidak ada tiket yang menunggu jawaban."); return }
            for e in entries {
                print([e.ticket.number.description, e.ticket.status.rawValue, e.breached ? "TERLAMBAT" : "belum lewat batas",
                       "batas " + Format.date(e.due), e.ticket.escalatedTo.map { "eskalasi " + $0 } ?? "",
                       e.ticket.senderEmail, oneLine(e.ticket.subject)].filter { !$0.isEmpty }.joined(separator: "  "))
            }
        }
    }

    struct Scores: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Layer 2 response score of each escalation (120: day H or H+1, 100: H+2 or H+3, 80: later).")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let sla = SLA(calendar: config.sla.calendar, hours: config.sla.hours)
            // One row per escalation: a ticket escalated to two units scores each.
            let rows = try db.escalations().map { e in
                let days = try sla.layer2Days(escalated: e.at, answered: e.answeredAt)
                return Layer2ScoreJSON(number: e.number.description, unit: e.unit, escalated_at: Format.iso(e.at),
                                       answered_at: e.answeredAt.map(Format.iso), working_days: days,
                                       score: sla.layer2Score(days: days))
            }
            if json { printJSON(rows); return }
            for r in rows {
                print("\(r.number)  \(r.unit)  " + (r.score.map { "skor \($0) (H+\(r.working_days!))" } ?? "belum dijawab"))
            }
            // The monthly report's figure: per unit, escalations and the average score of those answered.
            for unit in Set(rows.map(\.unit)).sorted() {
                let own = rows.filter { $0.unit == unit }, scores = own.compactMap(\.score)
                let average = scores.isEmpty ? "-" : String(format: "%.1f", Double(scores.reduce(0, +)) / Double(scores.count))
                print("\(unit): \(own.count) eskalasi, \(scores.count) dijawab, rata-rata skor \(average)")
            }
        }
    }
}

// MARK: outbox

struct Outbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Outgoing mail: what waits, what was sent, what failed and why.",
        subcommands: [List.self, Retry.self, SendTest.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List outgoing mail, newest last.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: Tickets.ActorOption
        @Flag(help: "Only mail that failed for good.") var failed = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (config, db) = try options.configAndStore()
            let policy = AccessPolicy(config), viewer = who.name(config)
            let footprint = policy.isReader(viewer) ? ConfidentialFootprint() : try db.confidentialFootprint()
            let items = try db.outbox(status: failed ? .failed : nil).map { policy.redacted($0, footprint, as: viewer) }
            if json { printJSON(items.map(OutboxJSON.init)); return }
            if items.isEmpty { print("Kotak keluar kosong."); return }
            for o in items {
                print([String(o.id!), o.status.rawValue, o.purpose, o.recipientList.joined(separator: ","), "attempts=\(o.attempts)",
                       Format.date(o.createdAt), o.lastError.map { "[\($0)]" } ?? "",
                       o.possiblyDuplicated ? "(mungkin terkirim dua kali)" : ""].filter { !$0.isEmpty }.joined(separator: "  "))
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed or waiting mail to be sent now.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The id from `surel outbox list`.") var id: Int64

        func run() throws {
            let db = try options.database()
            guard try db.retryOutbox(id) else { throw ValidationError("no failed or waiting mail with id \(id)") }
            print("surat \(id) diantrekan ulang; daemon mengirimnya pada putaran berikutnya")
        }
    }

    struct SendTest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-test", abstract: "Queue a test mail to an address (checks the [smtp] settings end to end).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Recipient address.") var to: String

        func run() throws {
            let config = try options.load(needsMailbox: false)
            guard let smtp = config.smtp else { throw ValidationError("no [smtp] section in the configuration") }
            guard let rcpt = MailAddress.parse(to) else { throw ValidationError("not an address: \(to)") }
            var mail = OutgoingMail(from: smtp.from, to: [rcpt], subject: "Uji kirim surel — Contact Center DJPK",
                                    text: "Ini surel uji dari sistem surel Contact Center DJPK.\nTidak perlu dibalas.")
            mail.automatic = true
            let record = mail.record(ticketID: nil, purpose: "test", messageIDDomain: smtp.messageIDDomain)
            let item = try SurelDatabase(path: config.store.path).enqueue(record)
            print("diantrekan sebagai \(item.id!) (Message-ID \(record.messageID)); daemon mengirimnya pada putaran berikutnya")
        }
    }
}

// MARK: review queue

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

// MARK: classification

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train, evaluate and explain the classifier.",
        subcommands: [Train.self, Eval.self, EvalSpam.self, Explain.self, Speed.self])

    /// The deployment's stored model (with `--config`), or the shipped model trained in memory.
    struct ModelSource: ParsableArguments {
        @Option(name: .long, help: """
            Use the model stored by this deployment (and its rules, cut-offs and threshold). Without it: the shipped \
            model, trained in memory on the project's examples.
            """)
        var config: String?
        @Option(help: "Train in memory on this labelled folder instead of the shipped examples.") var train: String?

        func classifier() throws -> (classifier: CategoryClassifier, settings: SurelConfig.Classify, trainedOn: String) {
            if let config {
                let cfg = try ConfigOption.load(path: config, needsMailbox: false)
                let service = ClassifierService(database: try SurelDatabase(path: cfg.store.path), settings: cfg.classify,
                                                taxonomy: cfg.taxonomy)
                let trainedOn = try service.prepare()
                guard let c = service.classifier as? CategoryClassifier else { throw ValidationError("no model") }
                return (c, cfg.classify, trainedOn)
            }
            guard let folder = train ?? ShippedData.examplesFolder() else {
                throw ValidationError("shipped examples not found: pass --train DIR or set SUREL_DATA_DIR")
            }
            let models = try ClassifierTraining.train(folder: folder)
            let settings = SurelConfig.Classify()
            return (models.classifier(settings), settings, models.trainedOn)
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the classifier and store it (replaces the stored model, agents' corrections included).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Labelled folder (.eml files and labels.tsv); default: [classify] examples, else the shipped ones.")
        var corpus: String?
        @Option(help: "Per-category keywords (slug<TAB>kw, kw, ...); default: keywords.tsv beside the folder, if any.")
        var keywords: String?

        func run() throws {
            let config = try options.load(needsMailbox: false)
            guard let folder = corpus ?? config.classify.examples ?? ShippedData.examplesFolder()
            else { throw ValidationError("no training folder: pass --corpus DIR") }
            let service = ClassifierService(database: try SurelDatabase(path: config.store.path), settings: config.classify,
                                            taxonomy: config.taxonomy)
            let start = Date()
            let models = try service.train(folder: folder, keywordsFile: keywords)
            print(String(format: "trained on %@ in %.2f s; stored in %@", models.trainedOn,
                         Date().timeIntervalSince(start), config.store.path))
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify every consultation (kind new or followup) of a labelled folder and print the scores.")
        @Option(help: "Labelled folder to evaluate (.eml files and labels.tsv).") var corpus: String
        @OptionGroup var model: ModelSource
        @Option(help: "Confidence at or above which a ticket is decided without review (default: the configured one).")
        var threshold: Double?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Also list every misclassified mail with the reasons.") var misclassified = false

        func run() throws {
            let (classifier, settings, _) = try model.classifier()
            let test = try LabelledCorpus.load(corpus)
            let pairs = test.map { m -> (expected: String, predicted: String, confidence: Double) in
                let c = classifier.classify(m.input)
                if misclassified, c.category != m.category, !json {
                    print("\(m.file)\t\(m.category) -> \(c.category) \(String(format: "%.3f", c.confidence))\t\(c.explanation)")
                }
                return (m.category, c.category, c.confidence)
            }
            let e = Evaluation(pairs: pairs, threshold: threshold ?? settings.reviewThreshold)
            if json { printJSON(e); return }
            print(String(format: "messages %d  accuracy %.3f  macro-F1 %.3f  ham-as-spam %d (%.3f)  spam recall %.3f",
                         e.total, e.accuracy, e.macro_f1, e.ham_as_spam, e.ham_as_spam_rate, e.spam_recall))
            print(String(format: "threshold %.3f: coverage %.3f  auto-precision %.3f", e.threshold, e.coverage,
                         e.auto_precision))
            for (label, c) in e.per_class.sorted(by: { $0.key < $1.key }) {
                let wrong = (e.confusion[label] ?? [:]).filter { $0.key != label }.sorted { $0.value > $1.value }
                    .prefix(3).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print(label.padding(toLength: 16, withPad: " ", startingAt: 0)
                      + String(format: " P %.2f  R %.2f  F1 %.2f  n %3d  ", c.precision, c.recall, c.f1, c.support) + wrong)
            }
            print("\nconfusion matrix\n" + e.confusionTable())
        }
    }

    struct Speed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time training and classification on one thread (scripts/bench-classify runs it).")
        @Option(help: "Folder of mail (labelled, or plain: named *spam* = spam); repeatable.") var folder: [String]
        @Option(help: "Messages to train on and to classify.") var count = 5000
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let s = try ClassifierSpeed.run(folders: folder, count: count)
            if json { printJSON(s); return }
            print(String(format: "trained on %d messages in %.2f s; classified %d in %.2f s: %.0f messages/s",
                         s.train_messages, s.train_seconds, s.classify_messages, s.classify_seconds,
                         s.messages_per_second))
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Classify one mail file and show why.")
        @Argument(help: "A mail file (.eml).") var file: String
        @OptionGroup var model: ModelSource

        func run() throws {
            let parsed = try MIMEParser.parse(try readFile(file))
            let (classifier, settings, trainedOn) = try model.classifier()
            let input = ClassificationInput(parsed)
            let c = classifier.classify(input)
            let s = classifier.spamVerdict(input)
            print("Kategori  : \(c.category)")
            print(String(format: "Keyakinan : %.3f (%@, ambang %.2f)", c.confidence,
                         c.confidence >= settings.reviewThreshold ? "diputuskan otomatis" : "masuk antrean tinjauan",
                         settings.reviewThreshold))
            print(String(format: "Spam      : %.3f -> %@ (chi-square %.3f, regresi logistik %.3f; ham < %.2f, spam >= %.2f)",
                         s.score.probability, s.verdict.rawValue, s.score.chiSquare, s.score.logistic,
                         settings.cutoffs.ham, settings.cutoffs.spam))
            let fired = classifier.rules.fired(input)
            print("Aturan    : " + (fired.isEmpty ? "-" : fired.map(\.name).joined(separator: ", ")))
            print("Alasan    : \(c.explanation)")
            if let ranking = classifier.model.classify(Tokenizer.features(input), excluding: [spamCategory])?.ranking {
                print("Peringkat : " + ranking.prefix(3).map { String(format: "%@ %.3f", $0.label, $0.probability) }
                    .joined(separator: ", "))
            }
            print("Model     : \(trainedOn)")
        }
    }
}

extension Classify {
    struct EvalSpam: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-spam",
            abstract: "Train a spam model on folders of spam and ham (in memory), then score other folders.")
        @Option(help: "Folder of spam to train on (repeatable).") var trainSpam: [String]
        @Option(help: "Folder of ham to train on (repeatable).") var trainHam: [String]
        @Option(help: "Folder of spam to test (repeatable).") var testSpam: [String]
        @Option(help: "Folder of ham to test (repeatable).") var testHam: [String]
        @Option(help: "Score below which mail is ham.") var hamCutoff: Double = SpamCutoffs().ham
        @Option(help: "Score at or above which mail is spam.") var spamCutoff: Double = SpamCutoffs().spam
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let e = try SpamEvaluation.run(trainSpam: trainSpam, trainHam: trainHam, testSpam: testSpam,
                                           testHam: testHam, cutoffs: SpamCutoffs(ham: hamCutoff, spam: spamCutoff))
            if json { printJSON(e); return }
            print("trained on \(e.train_spam) spam + \(e.train_ham) ham in \(String(format: "%.2f", e.train_seconds)) s; "
                  + "tested \(e.test_spam) spam + \(e.test_ham) ham in \(String(format: "%.2f", e.classify_seconds)) s")
            print(String(format: "ham as spam %d (%.2f%%), ham unsure %d; spam recall %.2f%% (%d), spam unsure %d",
                         e.ham_as_spam, 100 * e.ham_false_positive_rate, e.ham_unsure, 100 * e.spam_recall,
                         e.spam_as_spam, e.spam_unsure))
            print(String(format: "unsure counted as spam: ham false positives %.2f%%, spam recall %.2f%%",
                         100 * e.ham_false_positive_rate_unsure_as_spam, 100 * e.spam_recall_unsure_as_spam))
            print("score deciles  spam: " + e.spam_by_decile.map(String.init).joined(separator: " ")
                  + "  ham: " + e.ham_by_decile.map(String.init).joined(separator: " "))
        }
    }
}

