// Reading the TOML file into SurelConfig: each known key checked for its type and value, every unknown section or
// key and every bad value collected as a problem with its line number, so that one run of `check-config` names
// them all. The types themselves are in Config.swift.
import Foundation
import SurelClassify
import SurelCore
import SurelMail
import TOMLKit

/// Where each `section.key` is written in the file (TOMLKit does not expose source positions of keys).
struct KeyLines {
    private var lines: [String: Int] = [:]
    init(_ text: String) {
        var section = ""
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                section = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).components(separatedBy: "]")[0]
                    .replacingOccurrences(of: "\"", with: "").trimmingCharacters(in: .whitespaces)
                lines[section] = lines[section] ?? i + 1
            } else if let eq = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = line[..<eq].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")
                let full = section.isEmpty ? key : "\(section).\(key)"
                lines[full] = lines[full] ?? i + 1
            }
        }
    }
    func line(_ key: String) -> Int? { lines[key] }
}

/// Reads known keys, collecting every problem instead of stopping at the first.
struct ConfigReader {
    let table: TOMLTable
    let lines: KeyLines
    let needsPassword: Bool
    var problems: [ConfigProblem] = []

    static let knownKeys: [String: Set<String>] = [
        "mailbox": [
            "url", "user", "password", "password_file", "tls", "insecure", "ca_file", "after_store",
            "poll_interval", "max_message_size",
        ],
        "store": ["path", "attachments"],
        "threading": ["subject_window", "reopen_window"],
        "log": ["level"],
        "classify": [
            "taxonomy", "rules", "examples", "review_threshold", "spam_cutoff", "ham_cutoff", "complaint_hold",
        ],
        "smtp": [
            "url", "user", "password", "password_file", "tls", "insecure", "ca_file", "from", "reply_to",
            "message_id_domain",
        ],
        "supervisor": ["email", "name"],
        "outbox": ["templates", "automatic_per_hour", "retry", "retry_every", "give_up_after", "ticket_url"],
        "agent": ["name"],
        "access": ["confidential_readers"],
        "sla": ["reminder_before", "service_hours", "calendar"],
        "blast": ["unsubscribe_url", "rate", "connections", "per_domain"],
        "web": [
            "listen", "public_url", "session_idle", "tls_cert", "tls_key", "public_listen", "survey_days", "survey_key",
            "metrics_allow",
        ],
        "units": [],  // one sub-table per Layer 2 unit, checked in readUnits
    ]

    mutating func problem(_ key: String, _ message: String) {
        problems.append(ConfigProblem(line: lines.line(key), message: message))
    }

    mutating func read(path: String, environment: [String: String]) -> SurelConfig? {
        for (section, value) in table {
            guard let known = Self.knownKeys[section] else {
                problem(
                    section,
                    "unknown section [\(section)] (known: \(Self.knownKeys.keys.sorted().joined(separator: ", ")))")
                continue
            }
            guard let sub = value.table else { problem(section, "\(section) must be a [\(section)] table"); continue }
            for (key, _) in sub where !known.contains(key) && section != "units" {
                problem(
                    "\(section).\(key)",
                    "unknown key \"\(key)\" in [\(section)] (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        let mailbox = readMailbox(environment: environment)
        let store = SurelConfig.Store(
            path: string("store", "path") ?? "/var/lib/surel/surel.sqlite",
            attachments: string("store", "attachments") ?? "/var/lib/surel/attachments")
        let threading = SurelConfig.Threading(
            subjectWindow: duration("threading", "subject_window") ?? 3 * 86400,
            reopenWindow: duration("threading", "reopen_window") ?? 7 * 86400)
        let level = string("log", "level") ?? "info"
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) {
            problem(
                "log.level",
                "level must be one of trace, debug, info, notice, warning, error, critical (got \"\(level)\")")
        }
        let taxonomy = dataFile("classify", "taxonomy", Taxonomy.init(tsv:)) ?? Taxonomy.standard
        var classify = SurelConfig.Classify()
        if let rules = dataFile("classify", "rules", RuleSet.init(tsv:)) { classify.rules = rules }
        if let dir = string("classify", "examples") {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/labels.tsv", isDirectory: &isDir), !isDir.boolValue {
                classify.examples = dir
            } else {
                problem("classify.examples", "examples must be a folder with a labels.tsv (got \"\(dir)\")")
            }
        }
        if let t = fraction("classify", "review_threshold") { classify.reviewThreshold = t }
        if let c = fraction("classify", "spam_cutoff") { classify.cutoffs.spam = c }
        if let c = fraction("classify", "ham_cutoff") { classify.cutoffs.ham = c }
        if let c = fraction("classify", "complaint_hold") { classify.complaintHold = c }
        if classify.cutoffs.ham > classify.cutoffs.spam {
            problem(
                "classify.ham_cutoff",
                "ham_cutoff (\(classify.cutoffs.ham)) must not exceed spam_cutoff (\(classify.cutoffs.spam))")
        }
        let smtp = readSMTP(environment: environment)
        let units = readUnits()
        var supervisor: MailAddress?
        if let email = string("supervisor", "email") {
            if email.contains("@") {
                supervisor = MailAddress(name: string("supervisor", "name"), email: email.lowercased())
            } else {
                problem("supervisor.email", "email must be an address (got \"\(email)\")")
            }
        }
        var outbox = SurelConfig.Outbox()
        if let dir = string("outbox", "templates") {
            if FileManager.default.fileExists(atPath: dir + "/acknowledgement.mustache") {
                outbox.templates = dir
            } else {
                problem("outbox.templates", "templates must be a folder with acknowledgement.mustache (got \"\(dir)\")")
            }
        }
        if let v = value("outbox", "retry") {
            let waits = v.array.map {
                Array($0).compactMap { $0.string.flatMap(Self.parseDuration) ?? $0.int.map(TimeInterval.init) }
            }
            if let waits, !waits.isEmpty, waits.count == v.array?.count, waits.allSatisfy({ $0 > 0 }) {
                outbox.retry.delays = waits
            } else {
                problem("outbox.retry", "retry must be a list of durations, e.g. [\"1m\", \"5m\", \"15m\", \"1h\"]")
            }
        }
        if let d = duration("outbox", "retry_every") { outbox.retry.thereafter = d }
        if let u = string("outbox", "ticket_url") {
            if u.contains("{ticket}") {
                outbox.ticketURL = u
            } else {
                problem(
                    "outbox.ticket_url",
                    "ticket_url must contain {ticket}, e.g. \"https://cc.djpk.kemenkeu.go.id/tiket/{ticket}\"")
            }
        }
        if let d = duration("outbox", "give_up_after") { outbox.retry.giveUpAfter = d }
        if let v = value("outbox", "automatic_per_hour") {
            if let n = v.int, n >= 0 {
                outbox.automaticPerHour = n
            } else {
                problem("outbox.automatic_per_hour", "automatic_per_hour must be a whole number, 0 or more")
            }
        }
        var sla = SurelConfig.SLASettings()
        if let d = duration("sla", "reminder_before", allowZero: true) { sla.reminderBefore = d }
        if let h = string("sla", "service_hours") {
            let parts = h.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
            if parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0[0] < 24 && $0[1] < 60 }),
                parts[0][0] * 60 + parts[0][1] < parts[1][0] * 60 + parts[1][1]
            {
                sla.hours.opens = parts[0][0] * 60 + parts[0][1]
                sla.hours.closes = parts[1][0] * 60 + parts[1][1]
            } else {
                problem(
                    "sla.service_hours", "service_hours must look like \"08:00-17:00\" (WIB), opening before closing")
            }
        }
        if let calendar = dataFile("sla", "calendar", WorkingCalendar.init(tsv:)) { sla.calendar = calendar }
        // [access] and [blast] are read before the verdict, so that their problems are named with all the others.
        var readers: [String] = []
        if let v = value("access", "confidential_readers") {
            let names = v.array?.compactMap { $0.string } ?? []
            if let all = v.array, names.count == all.count,
                names.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty })
            {
                readers = names
            } else {
                problem(
                    "access.confidential_readers",
                    "confidential_readers must be a list of names, e.g. [\"Sri Wahyuni\"]")
            }
        }
        var blastRate: Double?, blastConnections: Int?, perDomain: Int?, unsubscribeURL: String?
        if let r = string("blast", "rate") {
            let parts = r.replacingOccurrences(of: " ", with: "").split(separator: "/")
            if parts.count == 2, let n = Double(parts[0]), n > 0, ["s", "min"].contains(parts[1]) {
                blastRate = parts[1] == "s" ? n : n / 60
            } else {
                problem("blast.rate", "rate must look like \"10/s\" or \"600/min\"")
            }
        }
        if let v = value("blast", "connections") {
            if let n = v.int, (1...32).contains(n) {
                blastConnections = n
            } else {
                problem("blast.connections", "connections must be 1 to 32")
            }
        }
        if let d = string("blast", "per_domain") {
            let parts = d.replacingOccurrences(of: " ", with: "").split(separator: "/")
            if parts.count == 2, let n = Int(parts[0]), n > 0, parts[1] == "min" {
                perDomain = n
            } else {
                problem("blast.per_domain", "per_domain must look like \"100/min\"")
            }
        }
        if let u = string("blast", "unsubscribe_url") {
            if u.hasPrefix("https://") {
                unsubscribeURL = u
            } else {
                problem("blast.unsubscribe_url", "unsubscribe_url must be an https:// address")
            }
        }
        var web = SurelConfig.Web()
        /// HOST:PORT of `[web] key`.
        func address(_ key: String, example: String) -> (host: String, port: Int)? {
            guard let listen = string("web", key) else { return nil }
            if let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (1...65535).contains(port), colon > listen.startIndex
            {
                return (String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
            }
            problem("web.\(key)", "\(key) must be HOST:PORT, e.g. \"\(example)\" (got \"\(listen)\")")
            return nil
        }
        if let (host, port) = address("listen", example: "127.0.0.1:8080") { (web.host, web.port) = (host, port) }
        if let (host, port) = address("public_listen", example: "127.0.0.1:8081") {
            (web.publicHost, web.publicPort) = (host, port)
        }
        if let v = value("web", "survey_days") {
            if let days = v.int, (1...365).contains(days) {
                web.surveyValidity = TimeInterval(days) * 86_400
            } else {
                problem("web.survey_days", "survey_days must be a number of days from 1 to 365")
            }
        }
        web.surveyKey = string("web", "survey_key")
        if let v = value("web", "metrics_allow") {
            let addresses = v.array?.compactMap { $0.string.flatMap(IPAddress.canonical) } ?? []
            if let all = v.array, addresses.count == all.count {
                web.metricsAllowed = Set(addresses)
            } else {
                problem(
                    "web.metrics_allow",
                    "metrics_allow must be a list of IP addresses, e.g. [\"127.0.0.1\", \"10.20.30.40\"]")
            }
        }
        if let u = string("web", "public_url") {
            if u.hasPrefix("https://") || u.hasPrefix("http://") {
                web.publicURL = u.hasSuffix("/") ? String(u.dropLast()) : u
            } else {
                problem("web.public_url", "public_url must be an http:// or https:// address")
            }
        }
        if let idle = duration("web", "session_idle") { web.sessionIdle = idle }
        web.tlsCertificate = string("web", "tls_cert")
        web.tlsKey = string("web", "tls_key")
        if (web.tlsCertificate == nil) != (web.tlsKey == nil) {
            problem(
                web.tlsCertificate == nil ? "web.tls_key" : "web.tls_cert",
                "tls_cert and tls_key go together: the certificate chain and its private key (PEM files)")
        }
        for (key, file) in [("web.tls_cert", web.tlsCertificate), ("web.tls_key", web.tlsKey)] {
            if let file, !FileManager.default.isReadableFile(atPath: file) {
                problem(key, "cannot read \(file)")
            }
        }
        guard let mailbox, problems.isEmpty else { return nil }
        var config = SurelConfig(
            mailbox: mailbox, store: store, threading: threading, logLevel: level, taxonomy: taxonomy,
            sourcePath: path)
        config.classify = classify
        config.smtp = smtp
        config.units = units
        config.supervisor = supervisor
        config.outbox = outbox
        config.agentName = string("agent", "name")
        config.confidentialReaders = readers
        config.sla = sla
        config.blastRate = blastRate
        if let blastConnections { config.blastConnections = blastConnections }
        config.blastPerDomainPerMinute = perDomain
        config.blastUnsubscribeURL = unsubscribeURL
        config.web = web
        return config
    }

    mutating func readMailbox(environment: [String: String]) -> SurelConfig.Mailbox? {
        guard let urlText = string("mailbox", "url") else {
            problem("mailbox", "[mailbox] url is required, e.g. url = \"imaps://mail.example.go.id/INBOX\"")
            return nil
        }
        guard let url = URLComponents(string: urlText), let scheme = url.scheme?.lowercased(),
            scheme == "imap" || scheme == "imaps", let host = url.host, !host.isEmpty
        else {
            // The value is not repeated: a mistyped url may carry a password (https://user:secret@...).
            problem("mailbox.url", "url must look like imap://host[:port]/FOLDER or imaps://host[:port]/FOLDER")
            return nil
        }
        if url.user != nil || url.password != nil {
            problem("mailbox.url", "do not put credentials in the url: use user and password_file")
        }
        var folder = url.percentEncodedPath.removingPercentEncoding ?? url.path
        folder = String(folder.drop { $0 == "/" })
        if folder.isEmpty { folder = "INBOX" }
        guard let user = string("mailbox", "user") else { problem("mailbox", "[mailbox] user is required"); return nil }
        let password = readPassword(environment: environment) ?? ""
        let (security, insecure) = readSecurity("mailbox", scheme: scheme, implicitTLS: "imaps", host: host)
        let caFile = string("mailbox", "ca_file")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            problem("mailbox.ca_file", "cannot read ca_file \(caFile)")
        }
        let afterText = string("mailbox", "after_store") ?? "flag"
        var after = AfterStoreAction.flag(keyword: "$SurelStored")
        if afterText == "flag" {
        } else if afterText == "delete" {
            after = .delete
        } else if afterText.hasPrefix("move:"), afterText.count > 5 {
            after = .move(folder: String(afterText.dropFirst(5)))
        } else {
            problem(
                "mailbox.after_store",
                "after_store must be \"flag\", \"delete\" or \"move:FOLDER\" (got \"\(afterText)\")")
        }
        let poll = duration("mailbox", "poll_interval") ?? 30
        if poll < 1 { problem("mailbox.poll_interval", "poll_interval must be at least 1s") }
        let maxSize = size("mailbox", "max_message_size") ?? 25 * 1024 * 1024
        let port = url.port
        return SurelConfig.Mailbox(
            endpoint: IMAPEndpoint(
                scheme: scheme, host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                port: port, folder: folder, user: user, password: password, security: security,
                caFile: caFile),
            insecure: insecure, afterStore: after, pollInterval: poll, maxMessageSize: maxSize)
    }

    /// `password`, else `password_file` (a relative name is looked up in systemd's $CREDENTIALS_DIRECTORY),
    /// else the credential `imap` in $CREDENTIALS_DIRECTORY.
    mutating func readPassword(
        environment: [String: String], section: String = "mailbox", credential: String = "imap",
        required: Bool? = nil
    ) -> String? {
        let needsPassword = required ?? self.needsPassword
        let inline = string(section, "password")
        let file = string(section, "password_file")
        if inline != nil && file != nil {
            problem("\(section).password_file", "give either password or password_file, not both")
        }
        if let inline { return inline }
        let credDir = environment["CREDENTIALS_DIRECTORY"]
        var path = file
        if let f = file, !f.hasPrefix("/"), let credDir { path = credDir + "/" + f }
        if path == nil, let credDir, FileManager.default.fileExists(atPath: credDir + "/" + credential) {
            path = credDir + "/" + credential
        }
        guard let path else {
            if needsPassword {
                problem(
                    section,
                    "[\(section)] needs password or password_file (or a systemd credential named \(credential))")
            }
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            if needsPassword { problem("\(section).password_file", "cannot read password_file \(path)") }
            return nil
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    /// `tls` and `insecure` of a section: required (default), starttls, or none, which sends the password in clear
    /// and is allowed only to loopback hosts unless `insecure = true`.
    mutating func readSecurity(_ section: String, scheme: String, implicitTLS: String, host: String)
        -> (IMAPEndpoint.Security, insecure: Bool)
    {
        let insecure = bool(section, "insecure") ?? false
        let plain = implicitTLS.dropLast()
        switch string(section, "tls") ?? "required" {
        case "required": return (.required, insecure)
        case "starttls":
            if scheme == implicitTLS {
                problem(
                    "\(section).tls", "tls = \"starttls\" needs a \(plain):// url (\(implicitTLS):// is already TLS)")
            }
            return (.starttls, insecure)
        case "none":
            if scheme == implicitTLS {
                problem("\(section).tls", "tls = \"none\" contradicts an \(implicitTLS):// url")
            }
            if !Self.isLoopback(host) && !insecure {
                problem(
                    "\(section).tls",
                    "tls = \"none\" sends the password in clear; it is allowed only for loopback hosts or with insecure = true"
                )
            }
            return (.none, insecure)
        case let other:
            problem("\(section).tls", "tls must be \"required\", \"starttls\" or \"none\" (got \"\(other)\")")
            return (.required, insecure)
        }
    }

    /// `[smtp]`: optional (without it mail waits in the outbox); `user` makes SMTP AUTH, and then a password.
    mutating func readSMTP(environment: [String: String]) -> SurelConfig.SMTP? {
        guard table["smtp"] != nil else { return nil }
        guard let urlText = string("smtp", "url"), let url = URLComponents(string: urlText),
            let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
            let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/"
        else {
            problem("smtp.url", "url must look like smtp://host[:port] or smtps://host[:port]")
            return nil
        }
        if url.user != nil || url.password != nil {
            problem("smtp.url", "do not put credentials in the url: use user and password_file")
        }
        let user = string("smtp", "user") ?? ""
        let password =
            user.isEmpty
            ? ""
            : (readPassword(
                environment: environment, section: "smtp", credential: "smtp",
                required: needsPassword) ?? "")
        let (security, _) = readSecurity("smtp", scheme: scheme, implicitTLS: "smtps", host: host)
        let caFile = string("smtp", "ca_file")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            problem("smtp.ca_file", "cannot read ca_file \(caFile)")
        }
        guard let fromText = string("smtp", "from"), let from = MailAddress.parse(fromText) else {
            problem(
                table["smtp"]?.table?["from"] == nil ? "smtp" : "smtp.from",
                "[smtp] from is required, e.g. from = \"Contact Center DJPK <callcenter.djpk@kemenkeu.go.id>\"")
            return nil
        }
        let domain = string("smtp", "message_id_domain") ?? String(from.email.split(separator: "@").last ?? "localhost")
        var replyTo: MailAddress?
        if let r = string("smtp", "reply_to") {
            replyTo = MailAddress.parse(r)
            if replyTo == nil { problem("smtp.reply_to", "reply_to must be an address (got \"\(r)\")") }
        }
        return SurelConfig.SMTP(
            endpoint: SMTPEndpoint(
                scheme: scheme, host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                port: url.port, user: user, password: password, security: security, caFile: caFile),
            from: from, replyTo: replyTo, messageIDDomain: domain)
    }

    /// `[units.DTU] email = "..."`: where escalations to each Layer 2 unit go.
    mutating func readUnits() -> [String: MailAddress] {
        guard let units = table["units"]?.table else { return [:] }
        var out: [String: MailAddress] = [:]
        for (unit, value) in units {
            guard let t = value.table else {
                problem("units.\(unit)", "units.\(unit) must be a [units.\(unit)] table"); continue
            }
            for (key, _) in t where !["email", "name"].contains(key) {
                problem("units.\(unit).\(key)", "unknown key \"\(key)\" in [units.\(unit)] (known: email, name)")
            }
            guard let email = t["email"]?.string, email.contains("@") else {
                problem("units.\(unit)", "[units.\(unit)] needs email = \"address\"")
                continue
            }
            out[unit] = MailAddress(name: t["name"]?.string, email: email.lowercased())
        }
        return out
    }

    /// Only addresses that cannot leave the machine: `localhost`, `::1`, and IPv4 literals in 127.0.0.0/8. A name
    /// such as `127.mail.example.org` resolves wherever its owner likes.
    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        var v4 = in_addr()
        return inet_pton(AF_INET, h, &v4) == 1 && h.hasPrefix("127.")
    }

    // MARK: typed getters: a wrong type is a problem on that key's line

    /// A data file named by `section.key` (taxonomy, rules, calendar), parsed by `parse`; unreadable or bad, it is
    /// a problem on the key's line, naming the file and, from the parser, the bad line.
    mutating func dataFile<T>(_ section: String, _ key: String, _ parse: (String) throws -> T) -> T? {
        guard let file = string(section, key) else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            problem("\(section).\(key)", "cannot read \(key) file \(file)")
            return nil
        }
        do { return try parse(String(decoding: data, as: UTF8.self)) } catch {
            problem("\(section).\(key)", "\(key) \(file): \(error)")
            return nil
        }
    }

    mutating func value(_ section: String, _ key: String) -> TOMLValueConvertible? {
        table[section]?.table?[key]
    }
    mutating func string(_ section: String, _ key: String) -> String? {
        guard let v = value(section, key) else { return nil }
        guard let s = v.string else { problem("\(section).\(key)", "\(key) must be a string"); return nil }
        return s
    }
    mutating func bool(_ section: String, _ key: String) -> Bool? {
        guard let v = value(section, key) else { return nil }
        guard let b = v.bool else { problem("\(section).\(key)", "\(key) must be true or false"); return nil }
        return b
    }
    /// A number from 0 to 1.
    mutating func fraction(_ section: String, _ key: String) -> Double? {
        guard let v = value(section, key) else { return nil }
        if let d = v.double ?? v.int.map(Double.init), d >= 0, d <= 1 { return d }
        problem("\(section).\(key)", "\(key) must be a number from 0 to 1")
        return nil
    }
    /// "30s", "5m", "2h", "3d", or a number of seconds; more than zero (a poll interval of 0 would hammer the
    /// server, a retry wait of 0 retry at once) unless `allowZero`.
    mutating func duration(_ section: String, _ key: String, allowZero: Bool = false) -> TimeInterval? {
        guard let v = value(section, key) else { return nil }
        guard let d = v.int.map(TimeInterval.init) ?? v.string.flatMap(Self.parseDuration) else {
            problem("\(section).\(key)", "\(key) must be a duration like \"30s\", \"5m\", \"2h\" or \"3d\"")
            return nil
        }
        guard d > 0 || (allowZero && d == 0) else {
            problem("\(section).\(key)", "\(key) must be more than zero" + (allowZero ? " or 0" : ""))
            return nil
        }
        return d
    }
    /// "25MB", "512KB", "1GB", or a number of bytes.
    mutating func size(_ section: String, _ key: String) -> Int? {
        guard let v = value(section, key) else { return nil }
        if let i = v.int, i > 0 { return i }
        if let s = v.string, let n = Self.parseSize(s) { return n }
        problem("\(section).\(key)", "\(key) must be a size like \"25MB\" or a number of bytes")
        return nil
    }

    static func parseDuration(_ s: String) -> TimeInterval? {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (u, mult) in units where t.hasSuffix(u) {
            if let n = Double(t.dropLast(u.count).trimmingCharacters(in: .whitespaces)), n >= 0 { return n * mult }
        }
        return Double(t).flatMap { $0 >= 0 ? $0 : nil }
    }

    static func parseSize(_ s: String) -> Int? {
        let t = s.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int)] = [
            ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("G", 1 << 30),
            ("M", 1 << 20), ("K", 1 << 10), ("B", 1),
        ]
        for (u, mult) in units where t.hasSuffix(u) {
            if let n = Double(t.dropLast(u.count).trimmingCharacters(in: .whitespaces)), n > 0 {
                return Int(n * Double(mult))
            }
        }
        return Int(t).flatMap { $0 > 0 ? $0 : nil }
    }
}
