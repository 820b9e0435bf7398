// `surel outbox`: outgoing mail.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

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
