// The satisfaction survey: the public page the BAK mail links to, on its own listener (`[web] public_listen`, no
// console route there), and the supervisor's scores in the console. The page records nothing on GET or HEAD (mail
// scanners and link previews fetch links): only the form's POST, carrying the link's token, records a rating.
import Foundation
import Hummingbird
import SurelCore
import SurelEngine

struct SurveyPages {
    let console: Console

    /// The public pages' router: the survey, its style sheet, nothing else.
    func publicRouter() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: RateLimit(limiter: console.publicLimiter))
        router.get("/static/surel.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.surel_css)))
        }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/survei/:token") { _, context in try await form(context) }
        // What a link checker asks: the page's status and headers, never a rating.
        router.head("/survei/:token") { _, context in
            let page = try await form(context)
            return Response(status: page.status, headers: page.headers)
        }
        router.post("/survei/:token") { request, context in try await submit(request, context) }
        return router
    }

    /// The console's page of the month's scores (supervisors and admins).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("/survey") { request, context in try await scores(request, context) }
    }

    private func token(_ context: WebContext) -> String { context.parameters.get("token") ?? "" }

    private func form(
        _ context: WebContext, problem: String? = nil, typed: (Int?, Int?, String)? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let token = token(context)
        let desk = console.desk
        let invitation: SurveyInvitation
        do {
            invitation = try await console.blocking { try desk.surveyInvitation(token: token) }
        } catch let p as SurveyLink.Problem {
            return refused(p)
        }
        let service = typed?.0 ?? invitation.earlier?.service
        let substance = typed?.1 ?? invitation.earlier?.substance
        func scale(_ chosen: Int?) -> [[String: Any]] {
            (1...5).map { ["value": $0, "checked": $0 == chosen, "label": Self.scaleLabels[$0 - 1]] }
        }
        let values = TicketPages.present([
            "title": "Penilaian layanan", "number": invitation.number.description,
            "closed": invitation.closedAt.map(Labels.longDate), "agent": invitation.agent, "token": token,
            "service": scale(service), "substance": scale(substance), "comment": typed?.2,
            "limit": HelpDesk.surveyCommentLimit, "problem": problem, "again": invitation.earlier != nil,
        ])
        return console.pages.render("survey", values, session: nil, status: status)
    }

    static let scaleLabels = ["Sangat tidak puas", "Tidak puas", "Cukup", "Puas", "Sangat puas"]

    private func refused(_ problem: SurveyLink.Problem) -> Response {
        let values: [String: Any] =
            problem == .expired
            ? [
                "title": "Tautan kedaluwarsa",
                "message": "Masa penilaian untuk konsultasi ini sudah berakhir. Terima kasih atas perhatian Anda.",
            ]
            : [
                "title": "Tautan tidak sah",
                "message": "Tautan penilaian ini tidak dikenal atau telah diubah. Gunakan tautan dari surel BAK Anda.",
            ]
        return console.pages.render(
            "surveynote", values, session: nil, status: problem == .expired ? .gone : .forbidden)
    }

    private func submit(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        let fields = try await FormFields.read(&request)
        let token = token(context)
        // The form's own token must be the link's: a POST made elsewhere records nothing.
        guard let sent = fields["token"], Console.constantTimeEqual(sent, token) else {
            return refused(.invalid)
        }
        let service = fields["layanan"].flatMap { Int($0) }, substance = fields["substansi"].flatMap { Int($0) }
        let comment = fields["komentar"] ?? ""
        guard let service, let substance, (1...5).contains(service), (1...5).contains(substance) else {
            return try await form(
                context, problem: "Mohon pilih nilai untuk kedua pertanyaan.", typed: (service, substance, comment),
                status: .badRequest)
        }
        let desk = console.desk
        let replaced: Bool
        do {
            replaced = try await console.blocking {
                try desk.rate(token: token, service: service, substance: substance, comment: comment)
            }
        } catch let p as SurveyLink.Problem {
            return refused(p)
        }
        context.logger.info("survey rating recorded", metadata: ["replaced": "\(replaced)"])
        return console.pages.render(
            "surveynote",
            [
                "title": "Terima kasih",
                "message": replaced
                    ? "Penilaian Anda sudah kami perbarui. Terima kasih atas masukan Anda."
                    : "Penilaian Anda sudah kami terima. Terima kasih atas masukan Anda untuk Contact Center DJPK.",
                "thanks": true,
            ], session: nil)
    }

    private func scores(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try context.requireSession()
        let month = request.uri.queryParameters.get("month").map { String($0) } ?? Labels.currentMonth()
        let scores = try await console.ask(context, otherwise: .badRequest) {
            try console.desk.surveyScores(month: month, as: $0)
        }
        func rows(_ rows: [SurveyScores.Row]) -> [[String: Any]] {
            rows.map {
                [
                    "name": $0.name, "ratings": $0.ratings, "citizens": $0.citizens,
                    "service": String(format: "%.1f", $0.service), "substance": String(format: "%.1f", $0.substance),
                    "overall": String(format: "%.1f", $0.overall), "short": !$0.meetsMinimum,
                ]
            }
        }
        let values = TicketPages.present([
            "title": "Survei kepuasan", "month": month, "monthName": Labels.month(month),
            "agents": rows(scores.agents), "noAgents": scores.agents.isEmpty, "units": rows(scores.units),
            "hasUnits": !scores.units.isEmpty,
            "comments": scores.comments.map {
                TicketPages.present([
                    "number": $0.number.description, "at": Labels.date($0.at), "agent": $0.agent, "text": $0.text,
                ])
            },
            "noComments": scores.comments.isEmpty,
            "hidden": scores.hiddenComments > 0 ? scores.hiddenComments : nil,
            "minimum": SurveyScores.minimumRatings,
        ])
        return console.pages.render("surveyscores", values, session: session)
    }
}

/// At most `limit` requests a minute from one client address on the public listener; more are answered 429.
struct RateLimit: RouterMiddleware {
    typealias Context = WebContext
    let limiter: RequestLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard limiter.allow(context.clientAddress) else { throw HTTPError(.tooManyRequests) }
        return try await next(request, context)
    }
}

/// Requests per client address in the current minute (forgotten each minute).
final class RequestLimiter: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var minute = 0
    private var counts: [String: Int] = [:]

    init(perMinute limit: Int) { self.limit = limit }

    func allow(_ address: String, now: Date = Date()) -> Bool {
        lock.withLock {
            let m = Int(now.timeIntervalSince1970 / 60)
            if m != minute { (minute, counts) = (m, [:]) }
            counts[address, default: 0] += 1
            return counts[address]! <= limit
        }
    }
}
