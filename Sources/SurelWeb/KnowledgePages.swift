// The knowledge base: every agent reads its entries (and starts answers from them on a ticket's page); supervisors
// add, change and retire them, and turn a unit's answer to an escalation into one. The HelpDesk checks the roles.
import Foundation
import Hummingbird
import SurelCore
import SurelEngine
import SurelStore

struct KnowledgePages {
    let console: Console

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/kb") { _, context in try await list(context) }
        group.get("/kb/new") { request, context in
            try await entry(context, id: nil, category: request.uri.queryParameters.get("category"))
        }
        group.get("/kb/:id") { request, context in
            try await entry(
                context, id: try context.pathID(),
                done: request.uri.queryParameters.get("done") == nil ? nil : "Entri disimpan.")
        }
        group.post("/kb/new") { request, context in try await save(request, context, id: nil) }
        group.post("/kb/:id") { request, context in try await save(request, context, id: try context.pathID()) }
        group.post("/kb/:id/retire") { _, context -> Response in
            let id = try context.pathID()
            try await run(context) { try console.desk.retireKnowledgeEntry(id, as: $0) }
            return .redirect(to: "/kb", type: .normal)
        }
        group.post("/tickets/:number/kb-from-unit") { request, context -> Response in
            guard let number = context.parameters.get("number").flatMap(TicketNumber.init) else {
                throw HTTPError(.notFound)
            }
            let index = (try FormFields.of(context))["index"].flatMap { Int($0) } ?? 0
            let e = try await run(context) {
                try console.desk.knowledgeEntryFromUnitAnswer(number, index: index, as: $0)
            }
            return .redirect(to: "/kb/\(e.id!)?done=1", type: .normal)
        }
    }

    private func run<T: Sendable>(_ context: WebContext, _ work: @escaping @Sendable (Actor) throws -> T) async throws
        -> T
    {
        try await console.ask(context, otherwise: .badRequest, work)
    }

    private func list(_ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let entries = try await run(context) { try console.desk.knowledgeBase(as: $0) }
        let taxonomy = console.config.taxonomy
        let groups: [[String: Any]] = taxonomy.categories.compactMap { c in
            let own = entries.filter { $0.category == c.slug }
            guard !own.isEmpty else { return nil }
            return [
                "category": c.name,
                "entries": own.map {
                    ["id": String($0.id!), "title": $0.title, "by": $0.updatedBy, "at": Labels.date($0.updatedAt)]
                },
            ]
        }
        return console.pages.render(
            "kb",
            [
                "title": "Basis pengetahuan", "groups": groups, "empty": entries.isEmpty,
                "maySupervise": session.actor.may(.supervision),
            ], session: session)
    }

    /// An entry: its text for agents; the form for supervisors (a new one when `id` is nil).
    private func entry(
        _ context: WebContext, id: Int64?, category: String? = nil, done: String? = nil, problem: String? = nil,
        typed: (category: String, title: String, body: String)? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let session = try context.requireSession()
        let maySupervise = session.actor.may(.supervision)
        if id == nil, !maySupervise { throw HTTPError(.forbidden) }
        let stored = try await run(context) { actor in try id.map { try console.desk.knowledgeEntry($0, as: actor) } }
        let selected = typed?.category ?? stored?.category ?? category
        let values = TicketPages.present([
            "title": stored?.title ?? "Entri baru", "id": id.map(String.init), "maySupervise": maySupervise,
            "entryTitle": typed?.title ?? stored?.title, "body": typed?.body ?? stored?.body,
            "category": stored.map { console.config.taxonomy.name(of: $0.category) },
            "categories": console.config.taxonomy.categories.map {
                ["value": $0.slug, "label": $0.name, "selected": $0.slug == selected] as [String: Any]
            },
            "variables": HelpDesk.knowledgeVariables.map { ["name": "{{\($0.name)}}", "meaning": $0.meaning] },
            "updated": stored.map { "\(Labels.date($0.updatedAt)) oleh \($0.updatedBy)" },
            "action": id.map { "/kb/\($0)" } ?? "/kb/new", "done": done, "problem": problem,
        ])
        return console.pages.render("kbentry", values, session: session, status: status)
    }

    private func save(_ request: Request, _ context: WebContext, id: Int64?) async throws -> Response {
        let form = try FormFields.of(context)
        let typed = (
            category: form["category"] ?? "", title: form["title"] ?? "",
            body: (form["body"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        )
        let actor = try context.requireSession().actor
        do {
            let saved = try await console.blocking {
                try console.desk.saveKnowledgeEntry(
                    id: id, category: typed.category, title: typed.title, body: typed.body, as: actor)
            }
            return .redirect(to: "/kb/\(saved.id!)?done=1", type: .normal)
        } catch let e as SurelError {
            if let answer = Console.httpError(e) { throw answer }
            return try await entry(context, id: id, problem: e.message, typed: typed, status: .badRequest)
        }
    }
}
