// `surel survey scores`: the month's satisfaction ratings per agent and unit, and the comments.
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine

struct SurveyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey", abstract: "The satisfaction survey that follows each BAK.", subcommands: [Scores.self])

    struct Scores: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A month's ratings per agent (the minimum: 5 ratings from 5 different citizens) and per unit.")
        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Option(help: "The month, YYYY-MM (WIB).") var month: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let desk = try options.desk()
            let s = try desk.surveyScores(month: month, as: who.actor(desk))
            if json {
                printJSON(SurveyScoresJSON(s))
                return
            }
            if s.agents.isEmpty { print("Belum ada penilaian pada \(month).") }
            for (title, rows) in [("Agen", s.agents), ("Unit", s.units)] where !rows.isEmpty {
                print(title)
                for r in rows {
                    print(
                        String(
                            format: "  %@  %d penilaian, %d pengguna  layanan %.1f  substansi %.1f  rata-rata %.1f%@",
                            r.name, r.ratings, r.citizens, r.service, r.substance, r.overall,
                            r.meetsMinimum ? "" : "  (minimum belum terpenuhi)"))
                }
            }
            for c in s.comments {
                print("\(c.number)  \(Format.date(c.at))  \(c.agent ?? "-"): \(oneLine(c.text))")
            }
            if s.hiddenComments > 0 { print("(\(s.hiddenComments) komentar atas tiket rahasia tidak ditampilkan)") }
        }
    }
}
