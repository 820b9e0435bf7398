// Blasts, for blast staff (and admins): the list of blasts with their figures; a new blast from a list (subject,
// Mustache text and HTML, attachments); its page with the counts by state, rate and estimated finish (kept current
// by surel.js from `/blasts/:id/progress`), the recipient log and the failures as CSV; a preview of any recipient's
// mail as it will be sent (its HTML inert in a sandboxed frame); a test to one address; scheduling in WIB, WITA or
// WIT, pause, resume and cancel, with a confirmation step before it sends or is cancelled. The daemon sends.
import Foundation
import HTTPTypes
import Hummingbird
import SurelEngine
import SurelMail
import SurelStore

struct BlastPages {
    let console: Console

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/blasts") { _, context in try await blasts(context) }
        group.get("/blasts/new") { request, context in
            try await newBlast(context, values: ["list": request.uri.queryParameters.get("list") ?? ""])
        }
        group.post("/blasts/new") { _, context in try await create(context) }
        group.get("/blasts/:id") { request, context in try await blast(context, LogQuery(request)) }
        group.get("/blasts/:id/progress") { _, context in try await progress(context) }
        group.get("/blasts/:id/preview") { request, context in try await preview(request, context) }
        group.get("/blasts/:id/preview.html") { request, context in try await previewHTML(request, context) }
        group.get("/blasts/:id/preview.eml") { request, context in try await previewRaw(request, context) }
        group.get("/blasts/:id/failures.csv") { _, context in try await failures(context) }
        group.post("/blasts/:id/test") { _, context in try await test(context) }
        group.post("/blasts/:id/schedule") { _, context in try await schedule(context) }
        group.post("/blasts/:id/pause") { _, context in
            try await change(context, done: "paused") { try console.desk.pauseBlast($0, as: $1) }
        }
        group.post("/blasts/:id/resume") { _, context in
            try await confirmed(
                context, action: "resume", question: "Lanjutkan pengiriman blast ini?", button: "Ya, lanjutkan",
                done: "resumed"
            ) { try console.desk.resumeBlast($0, as: $1) }
        }
        group.post("/blasts/:id/cancel") { _, context in
            try await confirmed(
                context, action: "cancel", question: "Batalkan blast ini?", button: "Ya, batalkan blast",
                done: "cancelled"
            ) { try console.desk.cancelBlast($0, as: $1) }
        }
    }

    /// What a blast page says after an action (`?done=`): fixed texts, never words from the URL.
    static let doneMessages = [
        "created": "Blast disimpan sebagai draf. Periksa pratinjau, kirim uji, lalu jadwalkan.",
        "test": "Surel uji diantrekan; daemon mengirimnya dalam beberapa detik.",
        "scheduled": "Blast dijadwalkan. Daemon mulai mengirim pada waktunya.",
        "paused": "Blast dijeda. Penerima yang belum dikirimi tetap menunggu.",
        "resumed": "Blast dilanjutkan dari penerima berikutnya; yang sudah terkirim tidak dikirimi lagi.",
        "cancelled": "Blast dibatalkan. Penerima yang belum dikirimi tidak akan dikirimi.",
    ]

    /// The desk's answer; what cannot be done (a move the blast's status does not allow, a bad address) is a
    /// conflict or bad request with the desk's reason, shown on the page.
    private func run<T: Sendable>(_ context: WebContext, _ work: @escaping @Sendable (Actor) throws -> T) async throws
        -> T
    {
        try await console.ask(context, otherwise: .badRequest, work)
    }

    // MARK: - The list of blasts

    private func blasts(_ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let all = try await run(context) { try console.desk.blasts(as: $0) }
        let rows: [[String: Any]] = all.map { p in
            TicketPages.present([
                "id": String(p.blast.id), "subject": p.blast.subject, "list": p.blast.listName,
                "status": Labels.blastStatus(p.blast.status), "statusClass": p.blast.status.rawValue,
                "when": (p.blast.scheduledAt ?? p.blast.startedAt).map(Labels.date) ?? "-",
                "finished": p.blast.finishedAt.map(Labels.date),
                "sent": p.sent, "total": p.total, "bounced": p.bounced, "failed": p.failed,
                "open": p.pending + p.deferred + p.sending,
            ])
        }
        return console.pages.render(
            "blasts", ["title": "Blast", "blasts": rows, "none": rows.isEmpty], session: session)
    }

    // MARK: - A new blast

    private func newBlast(_ context: WebContext, values: [String: String], problem: String? = nil) async throws
        -> Response
    {
        let session = try context.requireSession()
        let lists = try await run(context) { try console.desk.lists(as: $0) }
        let chosen = values["list"].flatMap { v in lists.first { $0.name == v } } ?? lists.first
        let options: [[String: Any]] = lists.map { l in
            TicketPages.present([
                "name": l.name, "selected": l.name == chosen?.name ? true : nil,
                "label": "\(l.name) (\(l.members) alamat)",
            ])
        }
        let variables: [[String: Any]] = lists.map { l in
            ["name": l.name, "variables": (["email", "name"] + l.columns).map { "{{\($0)}}" }.joined(separator: " ")]
        }
        return console.pages.render(
            "blastnew",
            TicketPages.present([
                "title": "Blast baru", "lists": options, "variables": variables, "noLists": lists.isEmpty,
                "subject": values["subject"], "text": values["text"], "html": values["html"], "problem": problem,
            ]), session: session, status: problem == nil ? .ok : .badRequest)
    }

    private func create(_ context: WebContext) async throws -> Response {
        let form = try FormFields.of(context)
        let list = form["list"] ?? "", subject = form["subject"] ?? "", text = form["text"] ?? ""
        let html = (form["html"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let values = ["list": list, "subject": subject, "text": text, "html": html]
        do {
            let attachments = try TicketPages.attachments(form)
            let r = try await run(context) {
                try console.desk.createBlast(
                    list: list, subject: subject, text: text, html: html.isEmpty ? nil : html,
                    attachments: attachments, at: nil, as: $0)
            }
            return .redirect(to: "/blasts/\(r.id)?done=created", type: .normal)
        } catch let e as HTTPError where e.status == .badRequest {
            return try await newBlast(context, values: values, problem: e.body ?? "Blast ditolak.")
        } catch let e as SurelError {
            return try await newBlast(context, values: values, problem: e.message)
        }
    }

    // MARK: - A blast's page

    /// What a blast page's address asks: which recipients its log shows, and the action just done.
    struct LogQuery {
        var filter: RecipientFilter?
        var matching: String?
        var page = 1
        var done: String?

        init() {}

        init(_ request: Request) {
            let q = request.uri.queryParameters
            filter = q.get("state").flatMap(RecipientFilter.init(rawValue:))
            matching = q.get("q").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            page = TicketPages.page(request)
            done = q.get("done")
        }
    }

    private func blast(
        _ context: WebContext, _ query: LogQuery, problem: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = try context.requireSession()
        let id = try context.pathID()
        let (filter, matching, page) = (query.filter, query.matching, query.page)
        let (p, log, attachments) = try await run(context) { actor in
            (
                try console.desk.blastProgress(id, as: actor),
                try console.desk.blastRecipients(id, filter: filter, matching: matching, page: page, as: actor),
                try console.desk.database.blastAttachments(id).map(\.filename)
            )
        }
        let b = p.blast
        let rows: [[String: Any]] = log.items.map { r in
            var marks: [String] = []
            if r.softBounces > 0 { marks.append("terpental sementara \(r.softBounces)x") }
            if r.possiblyDuplicated { marks.append("mungkin terkirim dua kali") }
            return TicketPages.present([
                "email": r.email, "name": r.name,
                "state": Labels.recipientState(RecipientFilter(rawValue: r.state.rawValue)!),
                "stateClass": r.state.rawValue, "attempts": r.attempts, "reply": r.lastError,
                "marks": marks.isEmpty ? nil : marks.joined(separator: ", "),
            ])
        }
        let size = HelpDesk.recipientPageSize
        var base = "/blasts/\(id)?"
        if let filter { base += "state=\(filter.rawValue)&" }
        if let matching { base += "q=\(ListPages.query(matching))&" }
        let filters: [[String: Any]] = RecipientFilter.allCases.map { f in
            TicketPages.present([
                "value": f.rawValue, "label": Labels.recipientState(f), "selected": f == filter ? true : nil,
            ])
        }
        let s = b.status
        var values = Self.progressValues(p)
        values.merge(
            TicketPages.present([
                "title": "Blast \(id)", "id": String(id), "subject": b.subject, "list": b.listName,
                "listLink": "/lists/members?list=" + ListPages.query(b.listName),
                "created": Labels.date(b.createdAt), "scheduled": b.scheduledAt.map(Labels.zones),
                "started": b.startedAt.map(Labels.date), "finished": b.finishedAt.map(Labels.date),
                "attachments": attachments.isEmpty ? nil : attachments.joined(separator: ", "),
                "hasHTML": b.html != nil ? true : nil,
                "done": query.done.flatMap { Self.doneMessages[$0] }, "problem": problem,
                // What may be done from here (the desk refuses the rest anyway).
                "mayTest": s == .done || s == .cancelled ? nil : true,
                "maySchedule": [.draft, .scheduled, .paused].contains(s) ? true : nil,
                "mayPause": s == .scheduled || s == .sending ? true : nil,
                "mayResume": s == .paused ? true : nil,
                "mayCancel": s == .done || s == .cancelled ? nil : true,
                "live": s == .scheduled || s == .sending ? true : nil,
                "suggested": Self.suggestedTime(b.scheduledAt), "log": rows, "logTotal": log.total, "filters": filters,
                "q": matching, "noLog": rows.isEmpty ? true : nil,
                "previous": page > 1 ? "\(base)page=\(page - 1)" : nil,
                "next": page * size < log.total ? "\(base)page=\(page + 1)" : nil,
                "hasFailures": p.failed + p.bounced + p.deferred + p.softBounced > 0 ? true : nil,
            ])
        ) { _, new in new }
        return console.pages.render("blast", values, session: session, status: status)
    }

    /// The figures the blast page shows and surel.js refreshes, by the names of their elements.
    static func progressValues(_ p: BlastProgress) -> [String: Any] {
        [
            "status": p.blast.status.rawValue, "statusLabel": Labels.blastStatus(p.blast.status),
            "total": p.total, "pending": p.pending, "sending": p.sending, "sent": p.sent, "deferred": p.deferred,
            "failed": p.failed, "bounced": p.bounced, "softBounced": p.softBounced, "suppressed": p.suppressed,
            "possiblyDuplicated": p.possiblyDuplicated, "settled": p.done,
            "percent": p.total == 0 ? 0 : 100 * p.done / p.total,
            "rate": p.ratePerSecond > 0 ? String(format: "%.1f surel/detik", p.ratePerSecond) : "-",
            "finish": p.estimatedFinish.map(Labels.date)
                ?? (p.pending + p.sending == 0 && p.deferred > 0 ? "menunggu percobaan ulang yang ditunda" : "-"),
        ]
    }

    private func progress(_ context: WebContext) async throws -> Response {
        let id = try context.pathID()
        let p = try await run(context) { try console.desk.blastProgress(id, as: $0) }
        let data = try JSONSerialization.data(withJSONObject: Self.progressValues(p), options: [.sortedKeys])
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    private func failures(_ context: WebContext) async throws -> Response {
        let id = try context.pathID()
        let csv = try await run(context) { try console.desk.blastFailuresCSV(id, as: $0) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"blast-\(id)-gagal.csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    /// The time the schedule field starts with, in WIB as it takes it: the blast's own time when it is still to
    /// come, else the next full hour.
    static func suggestedTime(_ scheduled: Date?, now: Date = Date()) -> String {
        let c: DateComponents
        if let scheduled, scheduled > now {
            c = Calendar.wib.dateComponents([.year, .month, .day, .hour, .minute], from: scheduled)
        } else {
            c = Calendar.wib.dateComponents([.year, .month, .day, .hour], from: now.addingTimeInterval(3600))
        }
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute ?? 0)
    }

    // MARK: - Preview and test

    /// The recipient the preview is of: the one asked for, else the first.
    private func recipient(_ request: Request) -> String? {
        request.uri.queryParameters.get("recipient").map { $0.trimmingCharacters(in: .whitespaces) }
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    private func preview(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let id = try context.pathID(), who = recipient(request)
        let raw: Data
        do {
            raw = try await run(context) { try console.desk.blastPreview(id, recipient: who, as: $0) }
        } catch let e as HTTPError where e.status == .notFound && who != nil {
            return try await previewPage(
                session, id: id, mail: nil, recipient: who, problem: "\(who!) bukan penerima blast \(id).")
        }
        return try await previewPage(session, id: id, mail: try MIMEParser.parse(raw), recipient: who)
    }

    private func previewPage(
        _ session: WebContext.Session, id: Int64, mail: ParsedMessage?, recipient: String?, problem: String? = nil
    ) async throws -> Response {
        let query = recipient.map { "?recipient=" + ListPages.query($0) } ?? ""
        let headers = ["From", "To", "Reply-To", "Subject", "List-Unsubscribe", "Precedence"]
        let shown: [[String: Any]] = headers.compactMap { name in
            guard let v = mail?.headers.first(where: { $0.name.lowercased() == name.lowercased() })?.value else {
                return nil
            }
            return ["name": name, "value": name == "Subject" ? mail!.subject : v]
        }
        return console.pages.render(
            "blastpreview",
            TicketPages.present([
                "title": "Pratinjau blast \(id)", "id": String(id), "recipient": recipient, "headers": shown,
                "text": mail?.text, "html": mail?.html != nil ? "/blasts/\(id)/preview.html\(query)" : nil,
                "eml": "/blasts/\(id)/preview.eml\(query)", "problem": problem, "hasMail": mail != nil ? true : nil,
                "attachments": mail.map { $0.attachments.map { $0.filename ?? "lampiran" } }
                    .flatMap { $0.isEmpty ? nil : $0.joined(separator: ", ") },
            ]), session: session, status: problem == nil ? .ok : .notFound)
    }

    /// The HTML part alone, for the preview's frame: the browser runs nothing in it, loads nothing from outside
    /// (no tracking pixel reaches its sender from the console) and lets no link or form act on the console.
    private func previewHTML(_ request: Request, _ context: WebContext) async throws -> Response {
        let id = try context.pathID(), who = recipient(request)
        let raw = try await run(context) { try console.desk.blastPreview(id, recipient: who, as: $0) }
        guard let html = try MIMEParser.parse(raw).html else { throw HTTPError(.notFound) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: Self.previewPolicy,
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The preview frame's policy: a sandbox without scripts or forms, nothing loaded but inline styles and
    /// embedded images, framed only by the console itself.
    static let previewPolicy =
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

    private func previewRaw(_ request: Request, _ context: WebContext) async throws -> Response {
        let id = try context.pathID(), who = recipient(request)
        let raw = try await run(context) { try console.desk.blastPreview(id, recipient: who, as: $0) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"blast-\(id)-pratinjau.eml\"",
            ],
            body: .init(byteBuffer: ByteBuffer(data: raw)))
    }

    private func test(_ context: WebContext) async throws -> Response {
        let id = try context.pathID()
        let form = try FormFields.of(context)
        let address = form["address"] ?? ""
        let who = form["recipient"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            _ = try await run(context) { try console.desk.queueBlastTest(id, to: address, recipient: who, as: $0) }
        } catch let e as HTTPError where e.status == .badRequest {
            return try await blastAgain(context, id, problem: "Surel uji tidak dikirim: \(e.body ?? "alamat ditolak").")
        }
        return .redirect(to: "/blasts/\(id)?done=test", type: .normal)
    }

    /// The blast's page again with why an action was not done.
    private func blastAgain(_ context: WebContext, _ id: Int64, problem: String) async throws -> Response {
        try await blast(context, LogQuery(), problem: problem, status: .badRequest)
    }

    // MARK: - Schedule, pause, resume, cancel

    /// Scheduling asks first: the blast, its recipients and the time in the three zones, then `confirm`.
    private func schedule(_ context: WebContext) async throws -> Response {
        let id = try context.pathID()
        let form = try FormFields.of(context)
        let now = form["now"] == "1"
        let written = (form["when"] ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "T", with: " ")
        let zone = ["WIB", "WITA", "WIT"].contains(form["zone"] ?? "") ? form["zone"]! : "WIB"
        guard let when = now ? Date() : BlastMail.parseTime(written + " " + zone) else {
            return try await blastAgain(
                context, id, problem: "Waktu \"\(written)\" tidak dikenali: tulis seperti 2025-02-07 09:00.")
        }
        guard form["confirm"] == "1" else {
            let p = try await run(context) { try console.desk.blastProgress(id, as: $0) }
            return try confirmation(
                context, p, action: "schedule",
                question: now ? "Kirim blast ini sekarang?" : "Jadwalkan blast ini?",
                when: now ? "Segera setelah dikonfirmasi" : Labels.zones(when),
                fields: ["when": written, "zone": zone, "now": now ? "1" : ""],
                button: now ? "Ya, kirim sekarang" : "Ya, jadwalkan")
        }
        do {
            try await run(context) { try console.desk.scheduleBlast(id, at: when, as: $0) }
        } catch let e as HTTPError where e.status == .badRequest {
            return try await blastAgain(context, id, problem: e.body ?? "Blast tidak dapat dijadwalkan.")
        }
        return .redirect(to: "/blasts/\(id)?done=scheduled", type: .normal)
    }

    /// An action that sends or stops a blast for good: asked first, done with `confirm`.
    private func confirmed(
        _ context: WebContext, action: String, question: String, button: String, done: String,
        _ work: @escaping @Sendable (Int64, Actor) throws -> Void
    ) async throws -> Response {
        let id = try context.pathID()
        guard (try FormFields.of(context))["confirm"] == "1" else {
            let p = try await run(context) { try console.desk.blastProgress(id, as: $0) }
            return try confirmation(
                context, p, action: action, question: question, when: nil, fields: [:], button: button)
        }
        return try await change(context, done: done, work)
    }

    private func change(
        _ context: WebContext, done: String, _ work: @escaping @Sendable (Int64, Actor) throws -> Void
    ) async throws -> Response {
        let id = try context.pathID()
        do {
            try await run(context) { try work(id, $0) }
        } catch let e as HTTPError where e.status == .badRequest {
            return try await blastAgain(context, id, problem: e.body ?? "Tidak dapat dilakukan.")
        }
        return .redirect(to: "/blasts/\(id)?done=\(done)", type: .normal)
    }

    /// The page that asks before a blast is sent or cancelled; its button posts the same action with `confirm`.
    private func confirmation(
        _ context: WebContext, _ p: BlastProgress, action: String, question: String, when: String?,
        fields: [String: String], button: String
    ) throws -> Response {
        let session = try context.requireSession()
        let open = p.pending + p.deferred + p.sending
        return console.pages.render(
            "blastconfirm",
            TicketPages.present([
                "title": question, "question": question, "id": String(p.blast.id), "subject": p.blast.subject,
                "list": p.blast.listName, "action": action, "when": when, "button": button,
                "recipients": open, "sent": p.sent > 0 ? p.sent : nil, "cancel": action == "cancel" ? true : nil,
                "fields": fields.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
            ]), session: session)
    }
}
