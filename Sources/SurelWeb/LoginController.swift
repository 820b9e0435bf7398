// Logging in and out. The login form carries a token that must match a cookie set with the form (so another site
// cannot log a browser into an account of its choosing). A failed login answers after a pause and the same way
// whatever was wrong; five in a row lock the account and the client address for a while (Accounts). The log names
// the account and the address, never the password.
import Foundation
import Hummingbird
import Logging
import SurelEngine
import SurelStore

struct LoginController {
    let console: Console
    /// How long a failed login waits before it answers.
    static let failurePause: Duration = .seconds(1)

    func addRoutes(to router: Router<WebContext>) {
        router.get("/login") { request, context in
            if context.session != nil { return Response.redirect(to: "/", type: .normal) }
            return form(next: request.uri.queryParameters.get("next") ?? "/", message: nil, status: .ok)
        }
        router.post("/login") { request, context in try await login(request, context) }
    }

    func addLogout(to group: RouterGroup<WebContext>) {
        group.post("/logout") { _, context in
            let session = try context.requireSession()
            try await console.blocking { try console.accounts.logout(id: session.id) }
            var r = Response.redirect(to: "/login", type: .normal)
            r.setCookie(expired(Console.sessionCookie))
            return r
        }
    }

    private func login(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        let form = try await FormFields.read(&request)
        let next = Self.localPath(form["next"])
        guard let token = form["login_token"], let cookie = request.cookies[Console.loginCookie]?.value,
            Console.constantTimeEqual(token, cookie)
        else {
            return self.form(next: next, message: "Formulir kedaluwarsa, silakan coba lagi.", status: .forbidden)
        }
        let name = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let client = context.clientAddress
        let result = try await console.blocking {
            try console.accounts.login(name: name, password: password, client: client)
        }
        switch result {
        case .success(let user, let id, _):
            context.logger.info("login", metadata: ["user": "\(user.name)", "client": "\(client)"])
            var r = Response.redirect(to: next, type: .normal)
            r.setCookie(
                Cookie(
                    name: Console.sessionCookie, value: id, path: "/", secure: console.secureCookies,
                    httpOnly: true, sameSite: .strict))
            r.setCookie(expired(Console.loginCookie))
            return r
        case .wrongCredentials:
            context.logger.notice(
                "login failed", metadata: ["user": "\(Self.printable(name))", "client": "\(client)"])
            try await Task.sleep(for: Self.failurePause)
            return self.form(next: next, message: "Nama pengguna atau kata sandi salah.", status: .unauthorized)
        case .locked(let until):
            context.logger.warning(
                "login refused: locked", metadata: ["user": "\(Self.printable(name))", "client": "\(client)"])
            return self.form(
                next: next,
                message: "Terlalu banyak percobaan yang gagal. Coba lagi setelah \(Labels.date(until)).",
                status: .tooManyRequests)
        }
    }

    /// The login page with a fresh form token (also set as a cookie).
    private func form(next: String, message: String?, status: HTTPResponse.Status) -> Response {
        let token = Accounts.randomToken()
        var values: [String: Any] = ["title": "Masuk", "next": Self.localPath(next), "login_token": token]
        if let message { values["message"] = message }
        var r = console.pages.render("login", values, session: nil, status: status)
        r.setCookie(
            Cookie(
                name: Console.loginCookie, value: token, path: "/login", secure: console.secureCookies,
                httpOnly: true, sameSite: .strict))
        return r
    }

    private func expired(_ name: String) -> Cookie {
        Cookie(
            name: name, value: "", maxAge: 0, path: name == Console.loginCookie ? "/login" : "/",
            secure: console.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// Where to go after login: a path on this site only (not "//host", not a URL).
    static func localPath(_ s: String?) -> String {
        guard let s, s.hasPrefix("/"), !s.hasPrefix("//"), !s.contains("\\"), !s.contains(where: \.isNewline)
        else { return "/" }
        return s
    }

    /// A user name as typed, safe for one log line.
    static func printable(_ s: String) -> String {
        String(s.prefix(64).map { $0.isLetter || $0.isNumber || ".-_@ ".contains($0) ? $0 : "?" })
    }
}
