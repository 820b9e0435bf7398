// The console's middleware, outermost first: security headers on every answer; the session cookie turned into a
// user; anonymous requests sent to the login page; every state change (POST) checked against the session's CSRF
// token. Access to each page is then the HelpDesk's decision, from the user's actor.
import Foundation
import HTTPTypes
import Hummingbird
import SurelEngine

/// Content-Security-Policy without inline script or style, no framing, no sniffing, no referrer outside.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = WebContext
    static let policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = ErrorPage.response(error.status)
        } catch {
            // Whatever else failed is logged here and shown as a plain error page (with these headers too).
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = ErrorPage.response(.internalServerError)
        }
        // A sandboxed document (a blast's HTML in the preview frame) keeps its stricter policy and may be framed
        // by the console; every other answer gets the console's.
        let sandboxed = response.headers[.contentSecurityPolicy]?.hasPrefix("sandbox;") == true
        if !sandboxed { response.headers[.contentSecurityPolicy] = Self.policy }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = sandboxed ? "SAMEORIGIN" : "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Finds the session named by the cookie; anonymous requests go on without one.
struct SessionLoader: RouterMiddleware {
    typealias Context = WebContext
    let console: Console

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let id = request.cookies[Console.sessionCookie]?.value {
            let idle = console.config.web.sessionIdle
            if let (s, user) = try await console.blocking({ try console.accounts.session(id: id, idle: idle) }) {
                context.session = WebContext.Session(
                    id: id, user: user, actor: console.desk.actor(for: user), csrfToken: s.csrfToken)
            }
        }
        return try await next(request, context)
    }
}

/// Sends anonymous requests to /login (a GET: with where to come back to).
struct RequireLogin: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard context.session != nil else {
            if request.method == .get {
                let back = request.uri.path
                return .redirect(
                    to: "/login?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
                    type: .normal)
            }
            throw HTTPError(.unauthorized)
        }
        return try await next(request, context)
    }
}

/// Only GET and HEAD change nothing; any other method needs the session's CSRF token as the form field `csrf`.
/// The form is read here and handed on in the context.
struct CSRFCheck: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        var request = request
        let form = try await FormFields.read(&request)
        guard let token = form["csrf"], Console.constantTimeEqual(token, session.csrfToken) else {
            throw HTTPError(.forbidden)
        }
        var context = context
        context.form = form
        return try await next(request, context)
    }
}
