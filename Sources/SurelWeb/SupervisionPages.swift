// The supervisor's pages: the SLA board (owed tickets by deadline, the month's breaches, the units' scores).
import Foundation
import Hummingbird
import SurelEngine

struct SupervisionPages {
    let console: Console
    let tickets: TicketPages

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/sla") { _, context in try await board(context) }
    }

    private func board(_ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let board = try await console.ask(context) { try console.desk.slaBoard(as: $0) }
        let now = Date()
        let owed = board.owed.map { s -> [String: Any] in
            var r = tickets.row(s)
            if let due = s.due {
                r["due"] = Labels.date(due)
                r["left"] = Labels.duration(due.timeIntervalSince(now))
            }
            r["breached"] = s.breached
            return r
        }
        let breaches = board.breaches.map { b -> [String: Any] in
            var r = tickets.row(b.ticket)
            r["at"] = Labels.date(b.at)
            return r
        }
        let units = board.units.map { u -> [String: Any] in
            TicketPages.present([
                "unit": console.config.units[u.unit]?.name.map { "\(u.unit) — \($0)" } ?? u.unit,
                "escalations": u.escalations, "answered": u.answered,
                "score": u.averageScore.map { String(format: "%.1f", $0) } ?? "–",
            ])
        }
        return console.pages.render(
            "sla",
            TicketPages.present([
                "title": "Papan SLA", "owed": owed, "owedEmpty": owed.isEmpty, "owedCount": owed.count,
                "breachedCount": board.owed.filter(\.breached).count,
                "undated": board.undated > 0 ? board.undated : nil, "breaches": breaches,
                "breachesEmpty": breaches.isEmpty, "month": Labels.month(board.month), "units": units,
                "unitsEmpty": units.isEmpty,
            ]), session: session)
    }
}
