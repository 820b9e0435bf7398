// The agents' pages: home (what needs attention), the ticket list, a ticket, the review queue and the held queue.
// Each asks the HelpDesk as the logged-in user's actor and shows what it answers; a refusal becomes a 403 page.
import Foundation
import Hummingbird
import SurelCore
import SurelEngine
import SurelStore

struct TicketPages {
    let console: Console
    static let pageSize = 50

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/") { _, context in try await home(context) }
        group.get("/tickets") { request, context in try await tickets(request, context) }
        group.get("/tickets/:number") { _, context in try await ticket(context) }
        group.get("/review") { _, context in try await review(context, held: false) }
        group.get("/review/held") { _, context in try await review(context, held: true) }
    }

    /// The desk's answer for the session's actor; its refusals and misses become HTTP errors.
    private func ask<T: Sendable>(_ context: WebContext, _ work: @escaping @Sendable (Actor) throws -> T)
        async throws -> T
    {
        let actor = try context.requireSession().actor
        do {
            return try await console.blocking { try work(actor) }
        } catch let e as SurelError {
            switch e.kind {
            case .refused: throw HTTPError(.forbidden)
            case .notFound: throw HTTPError(.notFound)
            default: throw e
            }
        }
    }

    private func home(_ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        guard session.actor.may(.tickets) else {
            return console.pages.render("home", ["title": "Beranda"], session: session)
        }
        let a = try await ask(context) { try console.desk.attention(as: $0) }
        var cards: [[String: Any]] = [
            ["label": "Tiket baru", "count": a.new, "link": "/tickets?status=new"],
            ["label": "Menunggu tinjauan", "count": a.inReview, "link": "/review"],
            ["label": "Harus dijawab hari ini", "count": a.owedToday],
            ["label": "Melewati SLA", "count": a.breached, "alert": a.breached > 0],
            ["label": "Menunggu unit (eskalasi)", "count": a.escalated, "link": "/tickets?status=escalated"],
            ["label": "Karantina", "count": a.quarantined, "alert": a.quarantined > 0],
            ["label": "Surel keluar gagal", "count": a.failedMail, "alert": a.failedMail > 0],
        ]
        if let held = a.held {
            cards.insert(
                ["label": "Kemungkinan pengaduan (ditahan)", "count": held, "link": "/review/held", "alert": held > 0],
                at: 2)
        }
        return console.pages.render("home", ["title": "Beranda", "cards": cards], session: session)
    }

    private func tickets(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let q = request.uri.queryParameters
        let status = q.get("status").flatMap { TicketStatus(rawValue: $0) }
        let category = q.get("category").flatMap { $0.isEmpty ? nil : $0 }
        let page = max(1, q.get("page").flatMap { Int($0) } ?? 1)
        let filter = TicketFilter(
            status: status, category: category, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize)
        let found = try await ask(context) { try console.desk.tickets(filter, as: $0) }
        let rows = found.prefix(Self.pageSize).map(Self.row)
        var query = ""
        if let status { query += "&status=\(status.rawValue)" }
        if let category {
            query += "&category=" + (category.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
        var values: [String: Any] = [
            "title": "Tiket", "rows": Array(rows), "empty": rows.isEmpty,
            "statuses": TicketStatus.allCases.map {
                ["value": $0.rawValue, "label": Labels.status($0.rawValue), "selected": $0 == status]
            },
            "categories": console.config.taxonomy.categories.map {
                ["value": $0.slug, "label": $0.name, "selected": $0.slug == category]
            },
        ]
        if page > 1 { values["previous"] = "/tickets?page=\(page - 1)" + query }
        if found.count > Self.pageSize { values["next"] = "/tickets?page=\(page + 1)" + query }
        return console.pages.render("tickets", values, session: session)
    }

    /// A ticket as a list row: redacted ones say so.
    static func row(_ s: TicketSummary) -> [String: Any] {
        let t = s.ticket
        return [
            "number": t.number.description, "status": Labels.status(t.status.rawValue), "category": t.category,
            "subject": s.readable ? (t.subject.isEmpty ? "(tanpa subjek)" : t.subject) : "(rahasia)",
            "sender": s.readable ? (t.senderName ?? t.senderEmail) : "(rahasia)",
            "region": s.readable ? (t.region ?? "") : "", "created": Labels.date(t.createdAt),
            "readable": s.readable, "confidential": t.confidential, "held": s.readable && t.held,
            "confidence": s.confidence.map { String(format: "%.2f", $0) } ?? "",
            "why": s.readable ? t.classificationNote : "",
        ]
    }

    private func ticket(_ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        guard let number = context.parameters.get("number").flatMap(TicketNumber.init) else {
            throw HTTPError(.notFound)
        }
        let (detail, previous) = try await ask(context) { try console.desk.ticket(number, as: $0) }
        let t = detail.ticket
        let messages: [[String: Any]] = detail.messages.map { m in
            [
                "hasAttachments": !(detail.attachments[m.id!] ?? []).isEmpty,
                "from": [m.fromName, m.fromEmail.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " "),
                "subject": m.subject, "received": Labels.date(m.receivedAt), "kind": m.kind.rawValue,
                "text": m.text,
                "attachments": (detail.attachments[m.id!] ?? []).map {
                    ["name": $0.filename ?? "(tanpa nama)", "type": $0.contentType, "size": $0.size]
                },
                "outgoing": m.kind == .outgoing,
            ]
        }
        let events: [[String: Any]] = detail.events.map {
            ["at": Labels.date($0.at), "kind": $0.kind, "detail": $0.detail, "actor": $0.actor ?? ""]
        }
        let values: [String: Any] = [
            "title": "Tiket \(t.number)", "number": t.number.description, "status": Labels.status(t.status.rawValue),
            "category": console.config.taxonomy.name(of: t.category), "why": t.classificationNote,
            "confidence": String(format: "%.2f", t.confidence), "subject": t.subject,
            "sender": [t.senderName, "<\(t.senderEmail)>"].compactMap { $0 }.joined(separator: " "),
            "region": [t.region, t.province, t.timeZone].compactMap { $0 }.joined(separator: ", "),
            "created": Labels.date(t.createdAt), "confidential": t.confidential, "held": t.held,
            "previous": previous?.description ?? "", "messages": messages, "events": events,
        ]
        return console.pages.render("ticket", values, session: session)
    }

    private func review(_ context: WebContext, held: Bool) async throws -> Response {
        let session = try context.requireSession()
        let queue = try await ask(context) {
            held ? try console.desk.heldQueue(as: $0) : try console.desk.reviewQueue(as: $0)
        }
        let rows = queue.map(Self.row)
        return console.pages.render(
            "review",
            [
                "title": held ? "Kemungkinan pengaduan (ditahan)" : "Antrean tinjauan", "rows": rows,
                "empty": rows.isEmpty, "held": held,
            ], session: session)
    }
}
