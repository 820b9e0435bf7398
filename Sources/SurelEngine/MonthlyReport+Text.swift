// The monthly report's sentences, as the contact center's report words them, and the report as PDF pages: the same
// words and figures in every format (the HTML page, the PDF, and the CSV and JSON tables).
import Foundation
import SurelDocuments

extension MonthlyReport {
    public static let monthNames = [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
        "November", "Desember",
    ]

    /// "Februari 2025".
    public static func monthName(_ yyyyMM: String) -> String {
        let parts = yyyyMM.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
            return yyyyMM
        }
        return "\(monthNames[m - 1]) \(y)"
    }

    /// A share as the report writes it: one decimal, a decimal comma.
    public static func decimal(_ x: Double) -> String {
        String(format: "%.1f", x).replacingOccurrences(of: ".", with: ",")
    }

    /// "turun 9% dibandingkan bulan sebelumnya (219 pengguna)", or "sama dengan ..." when nothing changed.
    static func compared(_ change: String, _ period: String, _ value: Int, _ unit: String) -> String {
        change == "sama"
            ? "sama dengan \(period) (\(value) \(unit))" : "\(change) dibandingkan \(period) (\(value) \(unit))"
    }

    public struct Sentences: Sendable {
        public var emails: String
        public var letters: String
        public var hours: String
        public var escalated: String
        public var complaints: String
        /// The units with the best score, named; nil without answered escalations.
        public var best: String?
        public var slaPlain: String
        public var slaEscalated: String
    }

    public var sentences: Sentences {
        let month = Self.monthName(month), lastYear = Self.monthName(lastYearMonth)
        let h = serviceHours
        let placedOut = h.zones.map(\.outOfHours).reduce(0, +)
        let best = bestUnits.compactMap { u in units.first { $0.unit == u } }
        func share(_ on: Int, _ of: Int, _ p: Double?) -> String {
            "\(on) dari \(of)" + (p.map { " (\(Self.decimal($0))%)" } ?? "")
        }
        return Sentences(
            emails: "Sebanyak \(emails.value) pengguna layanan informasi DJPK menggunakan Layanan Email di bulan "
                + "\(month), jumlah ini "
                + Self.compared(emails.changeFromPrevious, "bulan sebelumnya", emails.previous, "pengguna")
                + ". Jika dibandingkan dengan \(lastYear), jumlah ini "
                + Self.compared(emails.changeFromLastYear, lastYear, emails.lastYear, "pengguna") + ".",
            letters: "Termasuk \(letters) surat masuk dan \(spam) spam.",
            hours: "Dari \(emails.value) tiket, sebanyak \(h.placed) tiket dapat diidentifikasi asal zona waktunya, "
                + "sedangkan \(h.unplaced) tiket tidak dapat diidentifikasi. Dari \(h.placed) tiket tersebut, "
                + "\(h.placed - placedOut) menghubungi DJPK di dalam jam layanan dan \(placedOut) di luar jam layanan.",
            escalated: "Dari \(emails.value) tiket, terdapat \(h.outOfHours) tiket yang masuk di luar jam layanan; "
                + "\(h.outOfHoursEscalated) di antaranya atau \(Self.decimal(h.outOfHoursEscalatedPercent))% "
                + "memerlukan eskalasi lebih lanjut.",
            complaints: "Jumlah pengaduan pada bulan \(month) sebanyak \(complaints.value), "
                + Self.compared(complaints.changeFromPrevious, "bulan sebelumnya", complaints.previous, "pengaduan")
                + " dan " + Self.compared(complaints.changeFromLastYear, lastYear, complaints.lastYear, "pengaduan")
                + ". Isi pengaduan bersifat rahasia dan tidak dimuat dalam laporan ini.",
            best: best.isEmpty
                ? nil
                : "Berdasarkan kecepatan memberikan tanggapan sejak pertanyaan dieskalasi, nilai capaian rata-rata "
                    + best.map { $0.name ?? $0.unit }.joined(separator: ", ") + " mendapatkan nilai "
                    + Self.decimal(best[0].averageScore ?? 0) + ".",
            slaPlain: share(sla.notEscalatedOnTime, sla.notEscalated, sla.notEscalatedOnTimePercent),
            slaEscalated: share(sla.escalatedOnTime, sla.escalated, sla.escalatedOnTimePercent))
    }

    /// The report on A4 pages: its sentences, the charts drawn with cairo, the tables.
    public func pdf() throws -> Data {
        let s = sentences, d = Self.decimal
        var blocks: [DocumentBlock] = [
            DocumentBlock(
                .small, "Kementerian Keuangan · Direktorat Jenderal Perimbangan Keuangan · Contact Center DJPK"),
            DocumentBlock(.title, "Laporan Layanan Email Contact Center DJPK\n\(Self.monthName(month))"),
        ]
        if empty {
            blocks.append(DocumentBlock(.body, "Tidak ada surel yang masuk pada bulan ini: semua angka di bawah nol."))
        }
        blocks += [
            DocumentBlock(.heading, "Layanan Email Contact Center DJPK"),
            DocumentBlock(.body, s.emails + " " + s.letters),
            DocumentBlock(.heading, "Surel menurut kategori"),
            .chart(categories.map { .init($0.name, $0.count) }),
            DocumentBlock(.heading, "Pengguna layanan"),
            .chart(senderClasses.map { .init($0.name, $0.count) }),
            .table(
                [["Kelompok", "Tiket", "Persen"]]
                    + senderClasses.map { [$0.name, String($0.count), d($0.percent) + "%"] }),
            DocumentBlock(.heading, "Pemda pengguna terbanyak"),
            DocumentBlock(
                .body,
                busiestRegions.isEmpty
                    ? "Tidak ada tiket dari Pemda."
                    : busiestRegions.map {
                        "\($0.region) (\($0.tickets)): \($0.topics.prefix(5).joined(separator: ", "))"
                    }
                    .joined(separator: "\n")),
            DocumentBlock(.heading, "Rincian tiket menurut jam layanan"),
            DocumentBlock(.body, s.hours),
            .chart(
                serviceHours.zones.map { .init($0.zone, $0.inHours, second: $0.outOfHours) },
                legend: ("Dalam jam layanan", "Luar jam layanan")),
            DocumentBlock(.body, s.escalated),
            DocumentBlock(.heading, "Pengaduan"),
            DocumentBlock(.body, s.complaints),
            DocumentBlock(.heading, "Eskalasi ke Layer 2"),
        ]
        if units.isEmpty {
            blocks.append(DocumentBlock(.body, "Tidak ada tiket yang dieskalasi bulan ini."))
        } else {
            blocks.append(.chart(units.map { .init($0.unit, $0.escalations) }))
            if let best = s.best { blocks.append(DocumentBlock(.body, best)) }
            blocks.append(
                .table(
                    [["Unit", "Tiket dieskalasi", "Dijawab", "Capaian rata-rata"]]
                        + units.map {
                            [
                                $0.unit + ($0.name.map { " — \($0)" } ?? ""), String($0.escalations),
                                String($0.answered), $0.averageScore.map(d) ?? "–",
                            ]
                        }))
            blocks.append(
                DocumentBlock(.small, "120: tanggapan pada hari H dan H+1; 100: pada H+2 dan H+3; 80: setelah H+3."))
        }
        blocks += [
            DocumentBlock(.heading, "Ketepatan waktu (SLA)"),
            .table([
                ["Ukuran", "Tiket"], ["Dijawab dalam 1 hari kerja (tanpa eskalasi)", s.slaPlain],
                ["Dijawab dalam 3 hari kerja (dieskalasi)", s.slaEscalated],
                ["Pelanggaran SLA tercatat", String(sla.breaches)],
            ]),
            DocumentBlock(.heading, "Kepuasan pengguna"),
        ]
        if let agents = satisfaction {
            blocks.append(
                .table(
                    [["Agen", "Penilaian", "Pengguna berbeda", "Kepuasan Layanan", "Substansi Jawaban", "Rata-rata"]]
                        + agents.map {
                            [
                                $0.name + ($0.meetsMinimum ? "" : " (minimum belum terpenuhi)"), String($0.ratings),
                                String($0.citizens), d($0.service), d($0.substance), d($0.overall),
                            ]
                        }))
        } else {
            blocks.append(DocumentBlock(.body, "Belum ada penilaian bulan ini."))
        }
        blocks.append(DocumentBlock(.heading, "Email blast"))
        if blasts.isEmpty {
            blocks.append(DocumentBlock(.body, "Tidak ada email blast bulan ini."))
        } else {
            blocks.append(
                .table(
                    [["Tanggal", "Subjek", "Penerima", "Terkirim", "Memantul", "Berhenti berlangganan"]]
                        + blasts.map {
                            [
                                $0.date, $0.subject, String($0.recipients), String($0.sent), String($0.bounced),
                                String($0.unsubscribed),
                            ]
                        }))
        }
        return try PDFWriter.render(blocks, title: "Laporan Layanan Email \(Self.monthName(month))")
    }
}
