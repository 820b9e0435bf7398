// Operations (admin): quarantined mail with its reason, its raw bytes and a retry; outgoing mail with its state, the
// server's last words and a retry; the console's users. The HelpDesk checks the role and hides what touches a
// complaint from an admin without the confidential right.
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import SurelCore
import SurelEngine
import SurelStore

struct OpsPages {
    let console: Console

    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/ops") { _, context in try await page(context) }
        group.get("/ops/quarantine/:id/raw") { _, context in try await raw(context) }
        group.post("/ops/quarantine/:id/retry") { _, context in try await retryQuarantined(context) }
        group.post("/ops/outbox/:id/retry") { _, context in try await retryOutbox(context) }
    }

    /// The desk's answer; what it cannot do (a retry of a mail that cannot go) is a conflict.
    private func run<T: Sendable>(_ context: WebContext, _ work: @escaping @Sendable (Actor) throws -> T) async throws
        -> T
    {
        try await console.ask(context, otherwise: .conflict, work)
    }

    private func page(_ context: WebContext, done: String? = nil, problem: String? = nil) async throws -> Response {
        let session = try context.requireSession()
        let desk = console.desk
        let (quarantined, outbox, users) = try await run(context) { actor in
            (
                try desk.messages(kind: .quarantined, as: actor), try desk.outbox(as: actor),
                try desk.database.users()
            )
        }
        let q: [[String: Any]] = quarantined.items.reversed().prefix(200).map { m in
            TicketPages.present([
                "id": String(m.id!), "received": Labels.date(m.receivedAt), "from": m.fromEmail ?? "-",
                "subject": m.subject, "reason": m.note ?? "-", "size": m.size,
            ])
        }
        let o: [[String: Any]] = outbox.reversed().prefix(200).map { item in
            TicketPages.present([
                "id": String(item.id!), "purpose": item.purpose.rawValue,
                "to": item.recipientList.joined(separator: ", "),
                "status": item.status.rawValue, "attempts": item.attempts, "error": item.lastError,
                "created": Labels.date(item.createdAt), "retry": item.status == .failed || item.status == .queued,
            ])
        }
        let u: [[String: Any]] = users.map { user in
            [
                "name": user.name, "role": Labels.role(user.role), "confidential": user.confidential,
                "disabled": user.disabled,
            ]
        }
        return console.pages.render(
            "ops",
            TicketPages.present([
                "title": "Operasi", "quarantined": q, "noQuarantine": q.isEmpty,
                "hidden": quarantined.hidden > 0 ? quarantined.hidden : nil,
                "outbox": o, "noOutbox": o.isEmpty, "users": u, "done": done, "problem": problem,
            ]), session: session)
    }

    private func raw(_ context: WebContext) async throws -> Response {
        let id = try context.pathID()
        let data = try await run(context) { try console.desk.quarantinedRaw(id, as: $0) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .contentDisposition: "attachment; filename=\"karantina-\(id).eml\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func retryQuarantined(_ context: WebContext) async throws -> Response {
        let id = try context.pathID()
        let logger = context.logger
        do {
            let outcome = try await run(context) {
                try console.desk.retryQuarantined(id, force: false, logger: logger, as: $0)
            }
            return try await page(context, done: "Pesan \(id) diproses ulang: \(outcome).")
        } catch let e as HTTPError where e.status == .conflict {
            return try await page(context, problem: "Pesan \(id): \(e.body ?? "gagal")")
        }
    }

    private func retryOutbox(_ context: WebContext) async throws -> Response {
        let id = try context.pathID()
        try await run(context) { try console.desk.retryOutbox(id, as: $0) }
        return try await page(
            context, done: "Surel \(id) diantrekan ulang; daemon mengirimnya pada putaran berikutnya.")
    }
}
