// The console's Mustache templates, compiled into the binary (Templates/*.mustache) and loaded once. `{{x}}`
// escapes HTML; no template uses the unescaped forms for anything that came from a mail. Every page is the
// template's body between the `head` and `foot` partials.
import Foundation
import Hummingbird
import Mustache
import SurelCore
import SurelEngine
import SurelStore

struct Pages: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        let templates: [(String, [UInt8])] = [
            ("head", PackageResources.head_mustache), ("foot", PackageResources.foot_mustache),
            ("login", PackageResources.login_mustache), ("home", PackageResources.home_mustache),
            ("tickets", PackageResources.tickets_mustache), ("ticket", PackageResources.ticket_mustache),
            ("review", PackageResources.review_mustache), ("error", PackageResources.error_mustache),
            ("close", PackageResources.close_mustache), ("ops", PackageResources.ops_mustache),
            ("kb", PackageResources.kb_mustache), ("kbentry", PackageResources.kbentry_mustache),
            ("sla", PackageResources.sla_mustache), ("survey", PackageResources.survey_mustache),
            ("surveynote", PackageResources.surveynote_mustache),
            ("surveyscores", PackageResources.surveyscores_mustache),
            ("publichead", PackageResources.publichead_mustache),
            ("report", PackageResources.report_mustache), ("reportdoc", PackageResources.reportdoc_mustache),
            ("reportbody", PackageResources.reportbody_mustache),
            ("lists", PackageResources.lists_mustache), ("members", PackageResources.members_mustache),
            ("suppression", PackageResources.suppression_mustache), ("blasts", PackageResources.blasts_mustache),
            ("blastnew", PackageResources.blastnew_mustache), ("blast", PackageResources.blast_mustache),
            ("blastpreview", PackageResources.blastpreview_mustache),
            ("blastconfirm", PackageResources.blastconfirm_mustache),
        ]
        for (name, bytes) in templates {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// The page `name` rendered with `values` (plus the logged-in user's name, role and CSRF token).
    func render(
        _ name: String, _ values: [String: Any], session: WebContext.Session?, status: HTTPResponse.Status = .ok
    ) -> Response {
        var values = values
        if let session {
            values["user"] = session.user.name
            values["role"] = Labels.role(session.user.role)
            values["csrf"] = session.csrfToken
            values["mayReadConfidential"] = session.actor.mayReadConfidential
            values["mayTickets"] = session.actor.may(.tickets)
            values["mayOperate"] = session.actor.may(.operations)
            values["mayBlasts"] = session.actor.may(.blasts)
            values["maySupervise"] = values["maySupervise"] ?? session.actor.may(.supervision)
        }
        let html = library.render(values, withTemplate: name) ?? "template \(name) missing"
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// A plain error page for statuses the handlers throw.
enum ErrorPage {
    static let pages: Pages? = try? Pages()

    static func response(_ status: HTTPResponse.Status) -> Response {
        let message: String
        switch status.code {
        case 401: message = "Silakan masuk terlebih dahulu."
        case 403: message = "Anda tidak berhak membuka halaman ini, atau formulir sudah kedaluwarsa."
        case 404: message = "Halaman tidak ditemukan."
        case 429: message = "Terlalu banyak percobaan. Coba lagi nanti."
        default: message = "Terjadi kesalahan."
        }
        let values: [String: Any] = ["title": "\(status.code)", "message": message]
        return pages?.render("error", values, session: nil, status: status)
            ?? Response(status: status)
    }
}

/// Indonesian names of what the store keeps in English.
enum Labels {
    static func role(_ role: UserRole) -> String {
        switch role {
        case .agent: return "Agen"
        case .supervisor: return "Supervisor"
        case .blast: return "Staf blast"
        case .admin: return "Admin"
        }
    }

    static func status(_ s: String) -> String {
        switch s {
        case "new": return "Baru"
        case "open": return "Dibuka"
        case "escalated": return "Dieskalasi"
        case "answered": return "Dijawab"
        case "closed": return "Ditutup"
        default: return s
        }
    }

    /// "2025-02" as "Februari 2025".
    static func month(_ yyyyMM: String) -> String { MonthlyReport.monthName(yyyyMM) }

    /// A time left (or, negative, overdue) as people say it: "2 hari 3 jam", "lewat 5 jam".
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(abs(seconds))
        let days = s / 86_400, hours = s % 86_400 / 3600, minutes = s % 3600 / 60
        let text =
            days > 0 ? "\(days) hari \(hours) jam" : hours > 0 ? "\(hours) jam \(minutes) menit" : "\(minutes) menit"
        return seconds < 0 ? "lewat \(text)" : text
    }

    static func senderClass(_ c: SenderClass) -> String {
        switch c {
        case .pemda: return "Pemda"
        case .kl: return "Kementerian/Lembaga"
        case .akademisi: return "Akademisi"
        case .lainnya: return "Lainnya"
        }
    }

    /// A day as a letter writes it, in WIB: "4 Februari 2025".
    static func longDate(_ d: Date) -> String {
        let calendar = Calendar.wib
        let c = calendar.dateComponents([.year, .month, .day], from: d)
        return "\(c.day!) \(MonthlyReport.monthNames[c.month! - 1]) \(c.year!)"
    }

    /// This month in WIB, "2025-02".
    static func currentMonth(_ now: Date = Date()) -> String {
        let calendar = Calendar.wib
        let c = calendar.dateComponents([.year, .month], from: now)
        return String(format: "%04d-%02d", c.year!, c.month!)
    }

    /// A date from a form ("2025-02-04") as the start of that day in WIB.
    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (2000...2200).contains(parts[0]) else { return nil }
        let calendar = Calendar.wib
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// A time in the three zones of Indonesia: "7 Feb 2025 09.00 WIB · 10.00 WITA · 11.00 WIT".
    static func zones(_ d: Date) -> String {
        func hour(_ zone: String, _ offset: Int) -> String {
            var c = Calendar(identifier: .gregorian)
            c.timeZone = TimeZone(secondsFromGMT: offset * 3600)!
            let parts = c.dateComponents([.hour, .minute], from: d)
            return String(format: "%02d.%02d %@", parts.hour!, parts.minute!, zone)
        }
        return date(d) + " · " + hour("WITA", 8) + " · " + hour("WIT", 9)
    }

    /// A blast's status as staff read it.
    static func blastStatus(_ s: BlastStatus) -> String {
        switch s {
        case .draft: return "Draf"
        case .scheduled: return "Terjadwal"
        case .sending: return "Sedang dikirim"
        case .paused: return "Dijeda"
        case .done: return "Selesai"
        case .cancelled: return "Dibatalkan"
        }
    }

    /// A blast recipient's state or mark as staff read it.
    static func recipientState(_ f: RecipientFilter) -> String {
        switch f {
        case .pending: return "Menunggu"
        case .sending: return "Sedang dikirim"
        case .sent: return "Terkirim"
        case .deferred: return "Ditunda (dicoba lagi)"
        case .failed: return "Gagal"
        case .bounced: return "Terpental"
        case .suppressed: return "Ditahan"
        case .softBounced: return "Terpental sementara"
        case .possiblyDuplicated: return "Mungkin terkirim dua kali"
        }
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]

    /// A date in WIB, as the contact center reads it ("4 Feb 2025 09.05 WIB").
    static func date(_ d: Date) -> String {
        let calendar = Calendar.wib
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        return String(
            format: "%d %@ %d %02d.%02d WIB", c.day!, months[c.month! - 1], c.year!, c.hour!, c.minute!)
    }
}
