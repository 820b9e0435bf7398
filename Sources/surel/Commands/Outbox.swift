// `surel outbox`: outgoing mail.
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine

struct Outbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Outgoing mail: what waits, what was sent, what failed and why.",
        subcommands: [List.self, Retry.self, SendTest.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List outgoing mail, newest last.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Flag(help: "Only mail that failed for good.") var failed = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let items = try desk.outbox(failedOnly: failed, as: who.actor(desk))
            if json { printJSON(items.map(OutboxJSON.init)); return }
            if items.isEmpty { print("Kotak keluar kosong."); return }
            for o in items {
                print(
                    [
                        String(o.id!), o.status.rawValue, o.purpose.rawValue, o.recipientList.joined(separator: ","),
                        "attempts=\(o.attempts)",
                        Format.date(o.createdAt), o.lastError.map { "[\($0)]" } ?? "",
                        o.possiblyDuplicated ? "(mungkin terkirim dua kali)" : "",
                    ].filter { !$0.isEmpty }.joined(separator: "  "))
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed or waiting mail to be sent now.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "The id from `surel outbox list`.") var id: Int64

        func run() throws {
            let desk = try options.desk()
            try desk.retryOutbox(id, as: who.actor(desk))
            print("surat \(id) diantrekan ulang; daemon mengirimnya pada putaran berikutnya")
        }
    }

    struct SendTest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-test",
            abstract: "Queue a test mail to an address (checks the [smtp] settings end to end).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Recipient address.") var to: String

        func run() throws {
            let r = try options.desk().queueTestMail(to: to)
            print("diantrekan sebagai \(r.id) (Message-ID \(r.messageID)); daemon mengirimnya pada putaran berikutnya")
        }
    }
}
