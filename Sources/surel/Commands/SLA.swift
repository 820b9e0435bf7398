// `surel sla`: deadlines and Layer 2 scores.
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine

struct SLACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "Deadlines of the tickets still owed an answer, and Layer 2 response scores.",
        subcommands: [List.self, Scores.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tickets owed an answer, soonest deadline first.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Option(help: "Only those due within this time, e.g. 4h or 2d.") var dueWithin: String?
        @Flag(help: "Only those past their deadline.") var breached = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let within = try dueWithin.map { text -> TimeInterval in
                guard let d = SurelConfig.duration(text) else {
                    throw ValidationError("--due-within takes a duration like 4h or 2d")
                }
                return d
            }
            let desk = try options.desk()
            let now = Date()
            let (entries, undated) = try desk.deadlines(as: who.actor(desk), dueWithin: within, breachedOnly: breached)
            if undated > 0 {
                FileHandle.standardError.write(
                    Data(
                        "peringatan: \(undated) tiket tanpa batas waktu: kalender libur belum memuat tahunnya ([sla] calendar)\n"
                            .utf8))
            }
            if json { printJSON(entries.map { SLAJSON($0, now: now) }); return }
            if entries.isEmpty { print("Tidak ada tiket yang menunggu jawaban."); return }
            for e in entries {
                print(
                    [
                        e.ticket.number.description, e.ticket.status.rawValue,
                        e.breached ? "TERLAMBAT" : "belum lewat batas",
                        "batas " + Format.date(e.due), e.ticket.escalatedTo.map { "eskalasi " + $0 } ?? "",
                        e.ticket.senderEmail, oneLine(e.ticket.subject),
                    ].filter { !$0.isEmpty }.joined(separator: "  "))
            }
        }
    }

    struct Scores: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Layer 2 response score of each escalation (120: day H or H+1, 100: H+2 or H+3, 80: later).")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let scores = try desk.layer2Scores(as: who.actor(desk))
            if json {
                printJSON(
                    scores.rows.map { r in
                        Layer2ScoreJSON(
                            number: r.number.description, unit: r.unit, escalated_at: Format.iso(r.escalatedAt),
                            answered_at: r.answeredAt.map(Format.iso), working_days: r.workingDays, score: r.score)
                    })
                return
            }
            for r in scores.rows {
                print(
                    "\(r.number)  \(r.unit)  " + (r.score.map { "skor \($0) (H+\(r.workingDays!))" } ?? "belum dijawab")
                )
            }
            if scores.hidden > 0 { print("(\(scores.hidden) eskalasi tiket rahasia tidak ditampilkan)") }
            for u in scores.units {
                print(
                    "\(u.unit): \(u.escalations) eskalasi, \(u.answered) dijawab, rata-rata skor "
                        + (u.averageScore.map { String(format: "%.1f", $0) } ?? "-"))
            }
        }
    }
}
