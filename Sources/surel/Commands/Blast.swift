// `surel blast`: e-mail blasts to a recipient list.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

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
