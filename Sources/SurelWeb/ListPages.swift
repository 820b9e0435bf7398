// Recipient lists and the suppression list, for blast staff (and admins): upload a CSV into a list, read its members
// with the suppressed ones marked, remove one; the suppressed addresses with their reasons, added and lifted by hand.
// The HelpDesk checks the role.
import Foundation
import Hummingbird
import SurelEngine
import SurelStore

struct ListPages {
    let console: Console
    /// The largest CSV accepted (about 100,000 rows of a regional office's address, name and two columns).
    static let maxCSVSize = 10 << 20

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/lists") { _, context in try await lists(context) }
        group.post("/lists/import") { _, context in try await importCSV(context) }
        group.get("/lists/members") { request, context in
            let q = request.uri.queryParameters
            return try await members(
                context, list: q.get("list") ?? "", matching: q.get("q"), page: TicketPages.page(request),
                done: q.get("removed").map { "\($0) dihapus dari daftar." })
        }
        group.post("/lists/members/remove") { _, context in try await removeMember(context) }
        group.get("/suppression") { request, context in
            try await suppression(context, page: TicketPages.page(request))
        }
        group.post("/suppression/add") { _, context in try await changeSuppression(context, add: true) }
        group.post("/suppression/remove") { _, context in try await changeSuppression(context, add: false) }
    }

    /// The desk's answer; what staff asked that cannot be done is a bad request with the desk's reason.
    private func run<T: Sendable>(_ context: WebContext, _ work: @escaping @Sendable (Actor) throws -> T) async throws
        -> T
    {
        try await console.ask(context, otherwise: .badRequest, work)
    }

    private func lists(
        _ context: WebContext, imported: [String: Any]? = nil, problem: String? = nil, listName: String? = nil
    ) async throws -> Response {
        let session = try context.requireSession()
        let all = try await run(context) { try console.desk.lists(as: $0) }
        let rows: [[String: Any]] = all.map { l in
            TicketPages.present([
                "name": l.name, "link": "/lists/members?list=" + Self.query(l.name), "members": l.members,
                "suppressed": l.suppressed > 0 ? l.suppressed : nil, "created": Labels.date(l.createdAt),
                "columns": (["email", "name"] + l.columns).map { "{{\($0)}}" }.joined(separator: " "),
            ])
        }
        return console.pages.render(
            "lists",
            TicketPages.present([
                "title": "Daftar penerima", "lists": rows, "noLists": rows.isEmpty, "imported": imported,
                "problem": problem, "listName": listName, "names": all.map(\.name),
                "maxSize": "\(Self.maxCSVSize >> 20) MB",
            ]), session: session, status: problem == nil ? .ok : .badRequest)
    }

    private func importCSV(_ context: WebContext) async throws -> Response {
        let form = try FormFields.of(context)
        let name = (form["list"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let file = form.files["csv"]?.first else {
            return try await lists(context, problem: "Pilih berkas CSV yang akan diunggah.", listName: name)
        }
        guard file.data.count <= Self.maxCSVSize else {
            return try await lists(
                context, problem: "Berkas CSV terlalu besar (maks. \(Self.maxCSVSize >> 20) MB).", listName: name)
        }
        let text = CSV.text(file.data)
        do {
            let r = try await run(context) { try console.desk.importList(name, csv: text, as: $0) }
            // The same words and lines as `surel lists import`.
            return try await lists(
                context,
                imported: [
                    "summary":
                        "daftar \(name): \(r.added) alamat baru, \(r.updated) diperbarui, \(r.problems.count) baris ditolak",
                    "problems": r.problems, "hasProblems": !r.problems.isEmpty,
                    "link": "/lists/members?list=" + Self.query(name),
                ])
        } catch let e as HTTPError where e.status == .badRequest {
            return try await lists(context, problem: e.body ?? "CSV ditolak.", listName: name)
        }
    }

    private func members(
        _ context: WebContext, list: String, matching: String?, page: Int, done: String? = nil
    ) async throws -> Response {
        let session = try context.requireSession()
        let found = try await console.ask(context) {
            try console.desk.members(of: list, matching: matching, page: page, as: $0)
        }
        let rows: [[String: Any]] = found.items.map { m in
            TicketPages.present([
                "email": m.member.email, "name": m.member.name, "suppressed": m.suppressed,
                "fields": m.member.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                    .joined(separator: "; "),
            ])
        }
        let size = HelpDesk.recipientPageSize
        let base = "/lists/members?list=\(Self.query(list))" + (matching.map { "&q=" + Self.query($0) } ?? "")
        return console.pages.render(
            "members",
            TicketPages.present([
                "title": "Daftar \(list)", "list": list, "members": rows, "total": found.total, "q": matching,
                "none": rows.isEmpty, "done": done,
                "previous": page > 1 ? "\(base)&page=\(page - 1)" : nil,
                "next": page * size < found.total ? "\(base)&page=\(page + 1)" : nil,
                "from": found.total == 0 ? 0 : (page - 1) * size + 1, "to": (page - 1) * size + rows.count,
            ]), session: session)
    }

    private func removeMember(_ context: WebContext) async throws -> Response {
        let form = try FormFields.of(context)
        guard let list = form["list"], let email = form["email"] else { throw HTTPError(.badRequest) }
        try await run(context) { try console.desk.removeMember(email, from: list, as: $0) }
        return .redirect(
            to: "/lists/members?list=\(Self.query(list))&removed=\(Self.query(email))", type: .normal)
    }

    private func suppression(_ context: WebContext, page: Int, done: String? = nil, problem: String? = nil)
        async throws -> Response
    {
        let session = try context.requireSession()
        let listed = try await run(context) { try console.desk.suppressions(as: $0) }
        let size = HelpDesk.recipientPageSize
        let items = listed.items.reversed().dropFirst((page - 1) * size).prefix(size)
        let rows: [[String: Any]] = items.map { s in
            [
                "email": s.email, "reason": s.reason, "source": Self.sourceLabel(s.source),
                "created": Labels.date(s.createdAt),
            ]
        }
        return console.pages.render(
            "suppression",
            TicketPages.present([
                "title": "Alamat ditahan", "rows": rows, "none": rows.isEmpty, "total": listed.items.count,
                "hidden": listed.hidden > 0 ? listed.hidden : nil, "done": done, "problem": problem,
                "previous": page > 1 ? "/suppression?page=\(page - 1)" : nil,
                "next": page * size < listed.items.count ? "/suppression?page=\(page + 1)" : nil,
            ]), session: session, status: problem == nil ? .ok : .badRequest)
    }

    private func changeSuppression(_ context: WebContext, add: Bool) async throws -> Response {
        let form = try FormFields.of(context)
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if add {
                let added = try await run(context) {
                    try console.desk.suppress(email, reason: reason.isEmpty ? "ditahan manual" : reason, as: $0)
                }
                return try await suppression(
                    context, page: 1, done: added ? "\(email) ditahan." : "\(email) sudah ditahan sebelumnya.")
            }
            try await run(context) { try console.desk.unsuppress(email, as: $0) }
            return try await suppression(context, page: 1, done: "\(email) tidak lagi ditahan.")
        } catch let e as HTTPError where e.status == .badRequest {
            return try await suppression(context, page: 1, problem: e.body ?? "Alamat ditolak.")
        }
    }

    /// Why an address is suppressed, as staff say it.
    static func sourceLabel(_ source: String) -> String {
        switch source {
        case "hard-bounce": return "Terpental (permanen)"
        case "unsubscribe": return "Berhenti berlangganan"
        case "manual": return "Ditahan manual"
        default: return source
        }
    }

    /// A value for a URL's query.
    static func query(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
