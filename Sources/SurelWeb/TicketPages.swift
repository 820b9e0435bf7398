// The agents' pages: home (what needs attention), the ticket list, a ticket, the review queue and the held queue.
// Each asks the HelpDesk as the logged-in user's actor and shows what it answers; a refusal becomes a 403 page.
import Foundation
import Hummingbird
import SurelCore
import SurelEngine
import SurelMail
import SurelStore

struct TicketPages {
    let console: Console
    static let pageSize = 50

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/") { _, context in try await home(context) }
        group.get("/tickets") { request, context in try await tickets(request, context) }
        group.get("/tickets/:number") { request, context in
            let q = request.uri.queryParameters
            let done = q.get("done").flatMap(TicketAction.init(rawValue:))?.done
            return try await ticket(context, done: done, fromEntry: q.get("kb").flatMap { Int64($0) })
        }
        group.post("/tickets/:number/presence") { request, context in try await presence(request, context) }
        group.get("/review") { request, context in
            try await review(context, held: false, page: Self.page(request))
        }
        group.get("/review/held") { request, context in
            try await review(context, held: true, page: Self.page(request))
        }
        group.get("/tickets/:number/close") { _, context in try await closePreview(context) }
        group.post("/review/bulk") { request, context in try await bulkReview(request, context) }
        group.get("/tickets/:number/attachments/:id") { _, context in try await attachment(context) }
        for action in TicketAction.allCases {
            group.post("/tickets/:number/\(action.rawValue)") { request, context in
                try await act(action, request, context)
            }
        }
    }

    /// What an agent does from a ticket's page: each a POST (CSRF-checked by the middleware), answered with a
    /// redirect to the ticket, or the page again with why it was not done (the typed text kept).
    enum TicketAction: String, CaseIterable {
        case answer, escalate, layer2, close, category, accept, clear, confirm, notspam

        /// Said on the ticket's page after it was done.
        var done: String {
            switch self {
            case .answer: return "Jawaban disimpan dan masuk antrean surel keluar."
            case .escalate: return "Tiket dieskalasi; pemberitahuan masuk antrean surel keluar."
            case .layer2: return "Jawaban unit dicatat."
            case .close: return "Tiket ditutup; BAK masuk antrean surel keluar."
            case .category: return "Kategori diubah."
            case .accept: return "Kategori diterima."
            case .clear: return "Tiket dilepas sebagai tiket biasa."
            case .confirm: return "Tiket dikonfirmasi sebagai pengaduan."
            case .notspam: return "Tiket bukan spam; kategorinya ditetapkan ulang."
            }
        }
    }

    private func act(_ action: TicketAction, _ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        guard let number = context.parameters.get("number").flatMap(TicketNumber.init) else {
            throw HTTPError(.notFound)
        }
        let form = try FormFields.of(context)
        let version = form["version"].flatMap { Int64($0) }
        let text = (form["body"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let desk = console.desk
        do {
            try await console.blocking {
                let actor = session.actor
                switch action {
                case .answer:
                    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                        throw SurelError(.invalid, "Jawaban masih kosong.")
                    }
                    _ = try desk.reply(
                        number, body: text, attachments: try Self.attachments(form), as: actor,
                        expectedVersion: version)
                case .escalate:
                    _ = try desk.escalate(
                        number, unit: form["unit"] ?? "", note: form["note"], as: actor, expectedVersion: version)
                case .layer2:
                    _ = try desk.layer2Answer(number, body: text, as: actor, expectedVersion: version)
                case .close: _ = try desk.close(number, as: actor, expectedVersion: version)
                case .category: _ = try desk.review(number, category: form["category"] ?? "", as: actor)
                case .accept: _ = try desk.review(number, category: nil, as: actor)
                case .clear: _ = try desk.clearHeld(number, category: form["category"] ?? "", as: actor)
                case .confirm: _ = try desk.confirmComplaint(number, as: actor)
                case .notspam: _ = try desk.markNotSpam(number, as: actor)
                }
            }
        } catch {
            // The engine's refusals, misses and conflicts (a ticket that changed meanwhile) as people read them.
            guard let e = SurelError(error) else { throw error }
            if let answer = Console.httpError(e) { throw answer }
            context.logger.notice(
                "ticket action not done",
                metadata: ["ticket": "\(number)", "action": "\(action.rawValue)", "user": "\(session.user.name)"])
            return try await ticket(
                context, problem: e.message, draft: action == .answer || action == .layer2 ? text : nil,
                status: e.kind == .conflict ? .conflict : .badRequest)
        }
        return .redirect(to: "/tickets/\(number)?done=\(action.rawValue)", type: .normal)
    }

    static let maxAttachments = 10

    /// The files chosen for an answer, under safe names and plain media types.
    static func attachments(_ form: FormFields) throws -> [OutgoingAttachment] {
        let files = form.files["files"] ?? []
        guard files.count <= maxAttachments else {
            throw SurelError(.invalid, "Paling banyak \(maxAttachments) lampiran per jawaban.")
        }
        return files.map { f in
            let type = f.contentType.lowercased()
            let plain = type.range(of: "^[a-z0-9.+-]+/[a-z0-9.+-]+$", options: .regularExpression) != nil
            return OutgoingAttachment(
                filename: safeFilename(f.filename), contentType: plain ? type : "application/octet-stream",
                data: f.data)
        }
    }

    /// A ticket page's report that its user has it open (`answering`: is typing an answer): answers, as JSON, who
    /// else has it open and whether the ticket changed since the version the page shows.
    private func presence(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        guard let number = context.parameters.get("number").flatMap(TicketNumber.init) else {
            throw HTTPError(.notFound)
        }
        let form = try FormFields.of(context)
        let current = try await console.ask(context) { try console.desk.ticketVersion(number, as: $0) }
        let others = console.presence.report(
            ticket: number.description, user: session.user.name, answering: form["answering"] == "1")
        struct Answer: Encodable {
            struct Other: Encodable {
                var name: String
                var answering: Bool
            }
            var others: [Other]
            var changed: Bool
        }
        let answer = Answer(
            others: others.map { .init(name: $0.name, answering: $0.answering) },
            changed: form["version"].flatMap { Int64($0) }.map { $0 != current } ?? false)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(answer))))
    }

    /// An attachment, always as a download of opaque bytes under a name that cannot be a path or break the header:
    /// a browser must never render what a mail brought inside the console's origin.
    private func attachment(_ context: WebContext) async throws -> Response {
        guard let number = context.parameters.get("number").flatMap(TicketNumber.init),
            let id = context.parameters.get("id").flatMap({ Int64($0) })
        else { throw HTTPError(.notFound) }
        let a = try await console.ask(context) { try console.desk.attachment(number, id: id, as: $0) }
        let name = Self.safeFilename(a.filename)
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "lampiran"
        let ascii = String(
            name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" ? Character($0) : "_" })
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: a.data)))
    }

    /// The sender's file name without folders, control characters or quotes, at most 120 characters.
    static func safeFilename(_ name: String?) -> String {
        let last = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(
            last.unicodeScalars.filter {
                $0.value >= 0x20 && $0.value != 0x7F && !"\"<>|:*?".unicodeScalars.contains($0)
            }
            .map(Character.init)
        ).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        return clean.isEmpty ? "lampiran" : String(clean.prefix(120))
    }

    /// Several tickets of the review queue at once: accept their categories, set one category, or call them spam.
    /// Each is its own review (and its own refusal when the user may not review it); the queue comes back with
    /// how many were done and which were not.
    private func bulkReview(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let form = try FormFields.of(context)
        let numbers = form.all("ticket").compactMap(TicketNumber.init).prefix(200)
        let category: String?
        let action = form["action"]
        switch action {
        case "accept", "notspam": category = nil
        case "spam": category = "spam"
        case "category": category = form["category"] ?? ""
        default: throw HTTPError(.badRequest)
        }
        let desk = console.desk
        let failed = try await console.blocking { () -> [String] in
            numbers.compactMap { n in
                do {
                    if action == "notspam" {
                        _ = try desk.markNotSpam(n, as: session.actor)
                        return nil
                    }
                    _ = try desk.review(n, category: category, as: session.actor)
                    return nil
                } catch {
                    return "\(n): \(SurelError(error)?.message ?? "\(error)")"
                }
            }
        }
        return try await review(
            context, held: false, done: "\(numbers.count - failed.count) tiket ditinjau.", failed: failed)
    }

    private func closePreview(_ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        guard let number = context.parameters.get("number").flatMap(TicketNumber.init) else {
            throw HTTPError(.notFound)
        }
        let (preview, version) = try await console.ask(context) { actor in
            (
                try console.desk.bakPreview(number, as: actor),
                try console.desk.ticket(number, as: actor).detail.events.last?.id
            )
        }
        let values = Self.present([
            "title": "Tutup tiket \(number)", "number": number.description, "version": version.map(String.init),
            "bakSubject": preview?.subject, "bak": preview?.body, "withoutBAK": preview == nil,
        ])
        return console.pages.render("close", values, session: session)
    }

    private func home(_ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        guard session.actor.may(.tickets) else {
            // Blast staff work on their blasts.
            if session.actor.may(.blasts) { return .redirect(to: "/blasts", type: .normal) }
            return console.pages.render("home", ["title": "Beranda"], session: session)
        }
        let a = try await console.ask(context) { try console.desk.attention(as: $0) }
        var cards: [[String: Any]] = [
            ["label": "Tiket baru", "count": a.new, "link": "/tickets?status=new"],
            ["label": "Menunggu tinjauan", "count": a.inReview, "link": "/review"],
            ["label": "Harus dijawab hari ini", "count": a.owedToday, "link": "/tickets?owed=today"],
            ["label": "Melewati SLA", "count": a.breached, "alert": a.breached > 0, "link": "/tickets?owed=breached"],
            ["label": "Menunggu unit (eskalasi)", "count": a.escalated, "link": "/tickets?status=escalated"],
        ]
        // Quarantine and outgoing mail are the admins' lists: others see the counts (so they can call one).
        let operate = session.actor.may(.operations)
        cards.append(
            TicketPages.present([
                "label": "Karantina", "count": a.quarantined, "alert": a.quarantined > 0,
                "link": operate ? "/ops#karantina" : nil,
            ]))
        cards.append(
            TicketPages.present([
                "label": "Surel keluar gagal", "count": a.failedMail, "alert": a.failedMail > 0,
                "link": operate ? "/ops#keluar" : nil,
            ]))
        if let held = a.held {
            cards.insert(
                ["label": "Kemungkinan pengaduan (ditahan)", "count": held, "link": "/review/held", "alert": held > 0],
                at: 2)
        }
        // Mail is coming in when the daemon polled within a few of its intervals; otherwise say so plainly.
        let d = a.daemon
        let late = d.isCurrent(pollInterval: console.config.mailbox.pollInterval).map { !$0 }
        let failing = d.lastErrorAt.map { e in d.lastPollAt.map { e > $0 } ?? true } ?? false
        let health = Self.present([
            "lastPoll": d.lastPollAt.map(Labels.date), "never": d.lastPollAt == nil, "late": late ?? true,
            "lastError": failing ? d.lastError : nil, "lastErrorAt": failing ? d.lastErrorAt.map(Labels.date) : nil,
        ])
        return console.pages.render(
            "home", ["title": "Beranda", "cards": cards, "health": health], session: session)
    }

    private func tickets(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let q = request.uri.queryParameters
        /// A parameter as given, nil when absent or empty (an "all" choice in the form).
        func given(_ name: String, max: Int = 200) -> String? {
            q.get(name).map { String($0.trimmingCharacters(in: .whitespaces).prefix(max)) }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        var filter = TicketFilter(
            status: given("status").flatMap { TicketStatus(rawValue: $0) }, category: given("category"),
            search: given("q"))
        filter.senderClass = given("class").flatMap { SenderClass(rawValue: $0) }
        filter.timeZone = given("tz").flatMap { ["WIB", "WITA", "WIT", TicketQuery.unplaced].contains($0) ? $0 : nil }
        filter.region = given("region", max: 80)
        filter.unit = given("unit")
        filter.from = given("from").flatMap(Labels.day)
        filter.to = given("to").flatMap(Labels.day).map { $0.addingTimeInterval(86_400) }
        filter.owed = given("owed").flatMap { TicketFilter.Owed(rawValue: $0) }
        filter.order =
            given("sort").flatMap { TicketFilter.Order(rawValue: $0) } ?? (filter.owed != nil ? .deadline : .newest)
        let page = Self.page(request)
        filter.limit = Self.pageSize + 1
        filter.offset = (page - 1) * Self.pageSize
        let found = try await console.ask(context) { [filter] in try console.desk.tickets(filter, as: $0) }
        let rows = found.prefix(Self.pageSize).map { s -> [String: Any] in
            var r = row(s)
            if let due = s.due {
                r["due"] = Labels.date(due)
                r["breached"] = s.breached
            }
            return r
        }
        // The filters as given, for the page links and the form.
        let kept = ["q", "status", "category", "class", "tz", "region", "unit", "from", "to", "owed", "sort"]
            .compactMap { name in given(name).map { (name, $0) } }
        let query = kept.map { "&\($0)=" + ($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
            .joined()
        func options(_ all: [(String, String)], _ chosen: String?) -> [[String: Any]] {
            all.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == chosen] }
        }
        let owedLabels: [TicketFilter.Owed: String] = [
            .all: "semua yang menunggu jawaban", .today: "harus dijawab hari ini", .breached: "melewati SLA",
        ]
        var values: [String: Any] = TicketPages.present([
            "title": "Tiket", "rows": Array(rows), "empty": rows.isEmpty, "q": given("q"),
            "region": filter.region, "from": given("from"), "to": given("to"),
            "filtered": kept.contains { $0.0 != "sort" } ? true : nil,
            "statuses": options(
                TicketStatus.allCases.map { ($0.rawValue, Labels.status($0.rawValue)) }, given("status")),
            "categories": options(console.config.taxonomy.categories.map { ($0.slug, $0.name) }, filter.category),
            "classes": options(SenderClass.allCases.map { ($0.rawValue, Labels.senderClass($0)) }, given("class")),
            "zones": options(
                [("WIB", "WIB"), ("WITA", "WITA"), ("WIT", "WIT"), (TicketQuery.unplaced, "tidak diketahui")],
                filter.timeZone),
            "units": options(
                console.config.units.keys.sorted().map { key in
                    (key, console.config.units[key]?.name.map { "\(key) — \($0)" } ?? key)
                },
                filter.unit),
            "owedChoices": options(TicketFilter.Owed.allCases.map { ($0.rawValue, owedLabels[$0]!) }, given("owed")),
            "sorts": options(
                [("newest", "terbaru dulu"), ("oldest", "terlama dulu"), ("deadline", "batas jawab terdekat")],
                filter.order.rawValue),
            "showDue": filter.owed != nil || filter.order == .deadline ? true : nil,
            "moreFilters": kept.contains { ["class", "tz", "region", "unit", "from", "to", "owed"].contains($0.0) },
        ])
        if page > 1 { values["previous"] = "/tickets?page=\(page - 1)" + query }
        if found.count > Self.pageSize { values["next"] = "/tickets?page=\(page + 1)" + query }
        values["page"] = page
        return console.pages.render("tickets", values, session: session)
    }

    /// A ticket as a list row: redacted ones say so.
    func row(_ s: TicketSummary) -> [String: Any] {
        let t = s.ticket
        return Self.present([
            "number": t.number.description, "status": Labels.status(t.status.rawValue),
            "category": console.config.taxonomy.categories.contains { $0.slug == t.category }
                ? console.config.taxonomy.name(of: t.category) : t.category,
            "subject": s.readable ? (t.subject.isEmpty ? "(tanpa subjek)" : t.subject) : "(rahasia)",
            "sender": s.readable ? (t.senderName ?? t.senderEmail) : "(rahasia)",
            "region": s.readable ? t.region : nil, "created": Labels.date(t.createdAt),
            "readable": s.readable, "confidential": t.confidential, "held": s.readable && t.held,
            "spam": s.readable && t.category == "spam",
            "confidence": s.confidence.map { String(format: "%.2f", $0) },
            "why": s.readable ? t.classificationNote : nil,
        ])
    }

    /// The values that are there: Mustache treats an empty string as present, so absent and empty ones go.
    static func present(_ values: [String: Any?]) -> [String: Any] {
        values.compactMapValues { v -> Any? in
            guard let v else { return nil }
            if let s = v as? String, s.isEmpty { return nil }
            return v
        }
    }

    /// A ticket's page; `problem`: why an action was not done (with the text the agent typed, kept).
    /// `fromEntry`: a knowledge base entry the answer starts from.
    private func ticket(
        _ context: WebContext, done: String? = nil, problem: String? = nil, draft: String? = nil,
        fromEntry: Int64? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = try context.requireSession()
        guard let number = context.parameters.get("number").flatMap(TicketNumber.init) else {
            throw HTTPError(.notFound)
        }
        let desk = console.desk
        let (detail, previous, deadline, unitAnswers) = try await console.ask(context) { actor in
            let (d, p) = try desk.ticket(number, as: actor)
            return (d, p, try desk.deadline(of: number, as: actor), try desk.unitAnswers(number, as: actor))
        }
        let t = detail.ticket
        let (entries, entryDraft) = try await console.ask(context) { actor in
            (
                try desk.knowledgeBase(first: t.category, as: actor),
                try fromEntry.map { try desk.draftAnswer(number, from: $0, as: actor) }
            )
        }
        let others = console.presence.report(ticket: number.description, user: session.user.name, answering: false)
        let categories = console.config.taxonomy.categories.map {
            ["value": $0.slug, "label": $0.name, "selected": $0.slug == t.category] as [String: Any]
        }
        let units = console.config.units.keys.sorted().map { key -> [String: Any] in
            ["value": key, "label": console.config.units[key]?.name.map { "\(key) — \($0)" } ?? key]
        }
        let messages: [[String: Any]] = detail.messages.map { m in
            [
                "hasAttachments": !(detail.attachments[m.id!] ?? []).isEmpty,
                "from": [m.fromName, m.fromEmail.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " "),
                "subject": m.subject, "received": Labels.date(m.receivedAt), "kind": m.kind.rawValue,
                "text": m.text,
                "attachments": (detail.attachments[m.id!] ?? []).map {
                    [
                        "name": $0.filename ?? "(tanpa nama)", "type": $0.contentType, "size": $0.size,
                        "link": "/tickets/\(t.number)/attachments/\($0.id!)",
                    ]
                },
                "outgoing": m.kind == .outgoing,
            ]
        }
        let events: [[String: Any]] = detail.events.map {
            Self.present(["at": Labels.date($0.at), "kind": $0.kind, "detail": $0.detail, "actor": $0.actor])
        }
        let values: [String: Any] = Self.present([
            "title": "Tiket \(t.number)", "number": t.number.description, "status": Labels.status(t.status.rawValue),
            "category": console.config.taxonomy.name(of: t.category), "why": t.classificationNote,
            "confidence": String(format: "%.2f", t.confidence), "subject": t.subject,
            "sender": [t.senderName, "<\(t.senderEmail)>"].compactMap { $0 }.joined(separator: " "),
            "region": [t.region, t.province, t.timeZone].compactMap { $0 }.joined(separator: ", "),
            "created": Labels.date(t.createdAt), "confidential": t.confidential, "held": t.held,
            "previous": previous?.description, "messages": messages, "events": events,
            "version": detail.events.last?.id.map(String.init), "categories": categories, "units": units,
            "needsReview": t.needsReview, "open": t.status != .closed, "isSpam": t.category == "spam",
            "escalated": t.status == .escalated,
            "canEscalate": t.status != .closed && !t.held && !units.isEmpty,
            "done": done, "problem": problem, "draft": draft ?? entryDraft,
            "entries": entries.isEmpty
                ? nil
                : entries.prefix(30).map { e -> [String: Any] in
                    [
                        "title": e.title, "link": "/tickets/\(t.number)?kb=\(e.id!)#jawab",
                        "own": e.category == t.category,
                        "category": console.config.taxonomy.name(of: e.category),
                    ]
                },
            "unitAnswers": unitAnswers.isEmpty
                ? nil
                : unitAnswers.enumerated().map { i, a -> [String: Any] in
                    Self.present(["index": String(i), "at": Labels.date(a.at), "actor": a.actor, "text": a.text])
                },
            "hasEntries": !entries.isEmpty, "entriesOpen": entries.first?.category == t.category,
            "hasUnitAnswers": !unitAnswers.isEmpty,
            "mayMakeEntry": session.actor.may(.supervision) && !t.confidential,
            "others": others.isEmpty ? nil : others.map { ["name": $0.name, "answering": $0.answering] },
            "due": deadline.map { Labels.date($0.due) }, "breached": deadline?.breached == true,
        ])
        return console.pages.render("ticket", values, session: session, status: status)
    }

    /// The `page` parameter: 1 when absent or not a number, at most 100,000 (a page number times the page size
    /// must not overflow).
    static func page(_ request: Request) -> Int {
        min(100_000, max(1, request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1))
    }

    /// A queue a page at a time (soonest deadline first): a reviewer works from the top, and a page of a few
    /// hundred rows is slow to make and to read.
    private func review(
        _ context: WebContext, held: Bool, page: Int = 1, done: String? = nil, failed: [String] = []
    ) async throws -> Response {
        let session = try context.requireSession()
        let start = (page - 1) * Self.pageSize
        let (shown, total) = try await console.ask(context) { actor in
            let range = start..<start + Self.pageSize
            return held
                ? try console.desk.heldQueue(as: actor, page: range)
                : try console.desk.reviewQueue(as: actor, page: range)
        }
        let path = held ? "/review/held" : "/review"
        let rows = shown.map { s -> [String: Any] in
            var r = row(s)
            if let due = s.due {
                r["due"] = Labels.date(due)
                r["breached"] = s.breached
            }
            return r
        }
        return console.pages.render(
            "review",
            Self.present([
                "title": held ? "Kemungkinan pengaduan (ditahan)" : "Antrean tinjauan", "rows": rows,
                "empty": total == 0, "total": total,
                "range": total > Self.pageSize ? "\(start + 1)–\(start + shown.count)" : nil,
                "previous": page > 1 ? "\(path)?page=\(page - 1)" : nil,
                "next": start + shown.count < total ? "\(path)?page=\(page + 1)" : nil, "held": held,
                "done": done, "failed": failed.isEmpty ? nil : failed,
                "categories": console.config.taxonomy.categories.map { ["value": $0.slug, "label": $0.name] },
            ]), session: session)
    }
}
