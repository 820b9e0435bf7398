// `surel sla`: deadlines and Layer 2 scores.
import ArgumentParser
import Foundation
import Logging
import SurelClassify
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

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
