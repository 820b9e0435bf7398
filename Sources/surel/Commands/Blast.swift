// `surel blast`: e-mail blasts to a recipient list.
import ArgumentParser
import Foundation
import Logging
import SurelCore
import SurelEngine
import SurelStore

struct BlastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blast", abstract: "E-mail blasts to a recipient list.",
        subcommands: [
            Create.self, Preview.self, Test.self, Schedule.self, Pause.self, Resume.self, Cancel.self,
            Send.self, Status.self, Failures.self, All.self,
        ])

    static func time(_ text: String) throws -> Date {
        guard let d = BlastMail.parseTime(text) else {
            throw ValidationError("not a time: \(text) (e.g. \"2025-02-07 09:00 WIB\", WITA, WIT, or ISO 8601)")
        }
        return d
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prepare a blast for a list (minus suppressed addresses).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Recipient list.") var list: String
        @Option(help: "Subject (Mustache: {{name}}, list columns).") var subject: String
        @Option(help: "Text template file (Mustache).") var template: String
        @Option(help: "HTML template file, sent beside the text as multipart/alternative (values HTML-escaped).")
        var html: String?
        @Option(help: "A file to attach to every mail (repeatable).") var attach: [String] = []
        @Option(help: "When to send, e.g. \"2025-02-07 09:00 WIB\".") var at: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let when = try at.map(BlastCommand.time)
            let (desk, me) = try options.deskAndActor()
            let r = try desk.createBlast(
                list: list, subject: subject, text: try readText(template),
                html: try html.map(readText), attachments: try attach.map(attachment(fromFile:)),
                at: when, as: me)
            if json {
                printJSON(BlastCreatedJSON(id: r.id, recipients: r.recipients, suppressed: r.suppressed)); return
            }
            print(
                "blast \(r.id): \(r.recipients) penerima (\(r.suppressed) ditahan)"
                    + (when.map { ", dijadwalkan \(Format.date($0))" } ?? ", belum dijadwalkan"))
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The mail of one recipient, as sent, on stdout.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Option(help: "Recipient address (default: the first).") var recipient: String?

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            FileHandle.standardOutput.write(try desk.blastPreview(id, recipient: recipient, as: me))
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue the mail of the first recipient to a test address (sent at the daemon's next round).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Option(help: "Test address.") var to: String

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            let r = try desk.queueBlastTest(id, to: to, as: me)
            print("uji blast \(id) diantrekan sebagai surel \(r.outboxID) ke \(r.to)")
        }
    }

    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set or move a blast's sending time.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Option(help: "When, e.g. \"2025-02-07 09:00 WIB\".") var at: String
        func run() throws {
            let when = try BlastCommand.time(at)
            let (desk, me) = try options.deskAndActor()
            try desk.scheduleBlast(id, at: when, as: me)
            print("blast \(id) dijadwalkan \(Format.date(when))")
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a scheduled or sending blast.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        func run() throws {
            let (desk, me) = try options.deskAndActor()
            try desk.pauseBlast(id, as: me)
            print("blast \(id) dijeda")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused blast.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        func run() throws {
            let (desk, me) = try options.deskAndActor()
            try desk.resumeBlast(id, as: me)
            print("blast \(id) dilanjutkan")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a blast that is not done.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        func run() throws {
            let (desk, me) = try options.deskAndActor()
            try desk.cancelBlast(id, as: me)
            print("blast \(id) dibatalkan")
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Send a blast now, in the foreground, until every recipient is settled (or it is paused/cancelled).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            KeyValueLogHandler.bootstrap(level: desk.config.logLevel)
            let start = Date()
            let r = try desk.sendBlast(id, logger: Logger(label: "surel"), as: me)
            let secs = Date().timeIntervalSince(start)
            print(
                String(
                    format: "blast %lld: %d terkirim, %d ditunda, %d gagal dalam %.1f s (%.0f/s); %@", id, r.sent,
                    r.deferred, r.failed, secs, Double(r.sent) / max(secs, 0.001), r.ended))
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A blast's recipients by state.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false
        func run() throws {
            let (desk, me) = try options.deskAndActor()
            var p = try desk.blastProgress(id, as: me)
            if json { printJSON(BlastStatusJSON(p)); return }
            print(
                "blast \(id) [\(p.blast.status.rawValue)] daftar \(p.blast.listName): terkirim \(p.sent), tertunda \(p.pending), "
                    + "gagal \(p.failed), terpental \(p.bounced), ditunda \(p.deferred)"
                    + (p.softBounced > 0 ? ", pentalan sementara \(p.softBounced)" : "")
                    + (p.suppressed > 0 ? ", ditahan (berhenti berlangganan/terpental) \(p.suppressed)" : "")
                    + (p.possiblyDuplicated > 0 ? ", mungkin terkirim dua kali \(p.possiblyDuplicated)" : "")
                    + (p.ratePerSecond > 0 ? String(format: ", %.1f/detik", p.ratePerSecond) : "")
                    + (p.estimatedFinish.map { ", perkiraan selesai \(Format.iso($0))" } ?? ""))
            // On a terminal, a live progress bar while it sends (Ctrl-C leaves it; the blast goes on).
            guard isatty(STDOUT_FILENO) == 1 else { return }
            while p.blast.status == .sending {
                let width = 30, filled = p.total == 0 ? 0 : width * p.done / p.total
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                // Numbers only, and its carriage return is the point: the standard print, not the escaping one.
                Swift.print(
                    String(
                        format: "\r[%@] %3d%%  %d/%d  %.1f/detik ", bar, p.total == 0 ? 0 : 100 * p.done / p.total,
                        p.done, p.total, p.ratePerSecond), terminator: "")
                fflush(stdout)
                sleep(1)
                p = try desk.blastProgress(id, as: me)
            }
            print("")
        }
    }

    struct Failures: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The recipients a blast did not reach (failed, bounced, still deferred, soft-bounced) as CSV with the reasons."
        )
        @OptionGroup var options: ConfigOption
        @Argument(help: "Blast id.") var id: Int64

        func run() throws {
            let (desk, me) = try options.deskAndActor()
            FileHandle.standardOutput.write(Data(try desk.blastFailuresCSV(id, as: me).utf8))
        }
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "All blasts with their counts.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON (an array of the objects `blast status --json` prints).") var json = false
        func run() throws {
            let (desk, me) = try options.deskAndActor()
            let all = try desk.blasts(as: me).reversed()
            if json { printJSON(all.map(BlastStatusJSON.init)); return }
            for p in all {
                print(
                    "\(p.blast.id)  \(p.blast.status.rawValue)  \(p.blast.listName)  terkirim \(p.sent)/\(p.total)  "
                        + "tertunda \(p.pending + p.deferred)  gagal \(p.failed)  terpental \(p.bounced)  \(oneLine(p.blast.subject))"
                )
            }
        }
    }
}
