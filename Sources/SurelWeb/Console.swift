// The agents' web console: server-rendered Mustache pages over the HelpDesk, which decides who sees and does what.
// The engine is synchronous (GRDB, bcrypt): its calls run on NIO's thread pool, never on the server's event loops.
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOPosix
import NIOSSL
import SurelEngine
import SurelStore

/// Shared by every request: its parts are immutable or thread-safe (the store is a GRDB pool).
public final class Console: @unchecked Sendable {
    public let config: SurelConfig
    public let desk: HelpDesk
    let accounts: Accounts
    let pages: Pages
    let presence = Presence()
    /// Requests per minute from one address on the public listener (the survey).
    let publicLimiter = RequestLimiter(perMinute: 30)
    static let sessionCookie = "surel_session"
    static let loginCookie = "surel_login"

    public init(config: SurelConfig, database: SurelDatabase) throws {
        self.config = config
        desk = HelpDesk(config: config, database: database)
        try database.refreshStatistics()
        accounts = Accounts(database: database)
        pages = try Pages()
    }

    /// Cookies carry `Secure` when people reach the console over HTTPS (its own, or a proxy's).
    var secureCookies: Bool {
        config.web.publicURL?.hasPrefix("https://") == true || config.web.tlsCertificate != nil
    }

    /// Runs `work` on the thread pool (the store and bcrypt block).
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// The console's router: public routes (login, static files), then the logged-in ones behind the session and
    /// CSRF checks.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: SessionLoader(console: self))
        // The style sheet and the review queue's script, cached for an hour (SecurityHeaders keeps no-store off).
        for (path, type, bytes) in [
            ("/static/surel.css", "text/css", PackageResources.surel_css),
            ("/static/surel.js", "text/javascript", PackageResources.surel_js),
        ] {
            router.get(RouterPath(path)) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "\(type); charset=utf-8", .cacheControl: "max-age=3600"],
                    body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        // Browsers ask for it on every first visit; there is none.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        MetricsPages(console: self).addRoutes(to: router)
        LoginController(console: self).addRoutes(to: router)
        let inside = router.group().add(middleware: RequireLogin()).add(middleware: CSRFCheck())
        LoginController(console: self).addLogout(to: inside)
        TicketPages(console: self).addRoutes(to: inside)
        KnowledgePages(console: self).addRoutes(to: inside)
        SupervisionPages(console: self, tickets: TicketPages(console: self)).addRoutes(to: inside)
        SurveyPages(console: self).addRoutes(to: inside)
        ReportPages(console: self).addRoutes(to: inside)
        OpsPages(console: self).addRoutes(to: inside)
        ListPages(console: self).addRoutes(to: inside)
        BlastPages(console: self).addRoutes(to: inside)
        return router
    }

    /// The application listening where `[web] listen` says; over TLS 1.2 or later when `tls_cert`/`tls_key` name
    /// the certificate chain and key.
    public func application(logger: Logger) throws -> some ApplicationProtocol {
        Application(
            router: router(), server: try serverBuilder(),
            configuration: .init(address: .hostname(config.web.host, port: config.web.port), serverName: nil),
            logger: logger)
    }

    /// HTTP/1.1, over TLS 1.2 or later when `tls_cert`/`tls_key` name the certificate chain and key.
    func serverBuilder() throws -> HTTPServerBuilder {
        guard let certificate = config.web.tlsCertificate, let key = config.web.tlsKey else { return .http1() }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        return try .tls(.http1(), tlsConfiguration: tls)
    }

    /// The public pages' application (the survey), on `[web] public_listen`; nil when that is not set. Over TLS
    /// with the console's certificate when it has one.
    public func publicApplication(logger: Logger) throws -> Application<RouterResponder<WebContext>>? {
        guard let host = config.web.publicHost, let port = config.web.publicPort else { return nil }
        return Application(
            router: SurveyPages(console: self).publicRouter(), server: try serverBuilder(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
    }

    /// The desk's answer for the session's actor, worked out on the thread pool. Its refusals and misses become
    /// 403 and 404; its other errors a person can cause become `otherwise` with their message, or (nil) go up as
    /// they are, for the page to answer its own way or as a plain error page.
    func ask<T: Sendable>(
        _ context: WebContext, otherwise: HTTPResponse.Status? = nil,
        _ work: @escaping @Sendable (Actor) throws -> T
    ) async throws -> T {
        let actor = try context.requireSession().actor
        do {
            return try await blocking { try work(actor) }
        } catch {
            guard let e = SurelError(error) else { throw error }
            if let answer = Self.httpError(e) { throw answer }
            guard let otherwise else { throw e }
            throw HTTPError(otherwise, message: e.message)
        }
    }

    /// The HTTP answer to the desk's refusal (403) or miss (404); nil for its other errors, which each page
    /// answers its own way.
    static func httpError(_ e: SurelError) -> HTTPError? {
        switch e.kind {
        case .refused: return HTTPError(.forbidden)
        case .notFound: return HTTPError(.notFound)
        default: return nil
        }
    }

    /// Compares two tokens in time independent of where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
