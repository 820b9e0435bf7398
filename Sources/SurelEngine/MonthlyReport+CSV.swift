// The monthly report as CSV: one table per section, each headed by a `# section` line and followed by an empty
// line, with the same figures as the other formats.
import Foundation

extension MonthlyReport {
    public func csv() -> String {
        var out = ""
        func table(_ title: String, _ header: [String], _ rows: [[String]]) {
            out +=
                "# \(title)\n"
                + ([header] + rows).map { $0.map(Self.field).joined(separator: ",") }
                .joined(separator: "\n") + "\n\n"
        }
        func figure(_ name: String, _ f: ReportFigure) -> [String] {
            [
                name, String(f.value), previousMonth, String(f.previous), f.changeFromPrevious, lastYearMonth,
                String(f.lastYear), f.changeFromLastYear,
            ]
        }
        let one = { (x: Double) in String(format: "%.1f", x) }
        table(
            "ringkasan \(month)",
            [
                "angka", "nilai", "bulan sebelumnya", "nilai bulan sebelumnya", "perubahan", "tahun lalu",
                "nilai tahun lalu", "perubahan",
            ],
            [figure("surel (tiket)", emails), figure("pengaduan", complaints)])
        table(
            "kategori", ["kategori", "tiket", "persen"],
            categories.map { [$0.name, String($0.count), one($0.percent)] })
        table(
            "pengguna", ["kelompok", "tiket", "persen"],
            senderClasses.map { [$0.name, String($0.count), one($0.percent)] })
        table(
            "pemda terbanyak", ["daerah", "tiket", "topik"],
            busiestRegions.map { [$0.region, String($0.tickets), $0.topics.joined(separator: "; ")] })
        let h = serviceHours
        table(
            "jam layanan", ["zona waktu", "dalam jam layanan", "luar jam layanan"],
            h.zones.map { [$0.zone, String($0.inHours), String($0.outOfHours)] }
                + [
                    ["tidak diketahui", "", String(h.unplaced)],
                    ["luar jam layanan (semua)", "", String(h.outOfHours)],
                    ["luar jam layanan, dieskalasi", "", String(h.outOfHoursEscalated)],
                    ["luar jam layanan, dieskalasi (%)", "", one(h.outOfHoursEscalatedPercent)],
                ])
        table(
            "eskalasi per unit", ["unit", "nama", "eskalasi", "dijawab", "rata-rata skor"],
            units.map {
                [$0.unit, $0.name ?? "", String($0.escalations), String($0.answered), $0.averageScore.map(one) ?? ""]
            })
        table(
            "sla", ["kelompok", "tiket", "tepat waktu", "persen"],
            [
                [
                    "tanpa eskalasi (1 hari kerja)", String(sla.notEscalated), String(sla.notEscalatedOnTime),
                    sla.notEscalatedOnTimePercent.map(one) ?? "",
                ],
                [
                    "dieskalasi (3 hari kerja)", String(sla.escalated), String(sla.escalatedOnTime),
                    sla.escalatedOnTimePercent.map(one) ?? "",
                ],
                ["pelanggaran tercatat", String(sla.breaches), "", ""],
            ])
        table(
            "kepuasan",
            [
                "agen", "penilaian", "pengguna berbeda", "kepuasan layanan", "substansi jawaban", "rata-rata",
                "minimum terpenuhi",
            ],
            (satisfaction ?? []).map {
                [
                    $0.name, String($0.ratings), String($0.citizens), one($0.service), one($0.substance),
                    one($0.overall), $0.meetsMinimum ? "ya" : "tidak",
                ]
            })
        table(
            "blast", ["tanggal", "subjek", "penerima", "terkirim", "memantul", "berhenti berlangganan"],
            blasts.map {
                [
                    $0.date, $0.subject, String($0.recipients), String($0.sent), String($0.bounced),
                    String($0.unsubscribed),
                ]
            })
        return out
    }

    /// A CSV field: quoted when it holds a comma, quote or line break; a leading =, +, - or @ (a formula to a
    /// spreadsheet) made text with a leading apostrophe.
    static func field(_ s: String) -> String {
        var s = s
        if let first = s.first, "=+-@".contains(first), Double(s) == nil { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
