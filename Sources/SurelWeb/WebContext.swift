// What a console request carries besides the request: the client's address (for login throttling) and, once the
// session middleware found a live session, the user, their actor and the session's CSRF token.
import Foundation
import Hummingbird
import SurelEngine
import SurelStore

public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address, "-" when unknown (router tests).
    public let clientAddress: String
    public var session: Session?
    /// A POST's form, read once by the CSRF check (a 25 MB multipart answer is not parsed twice).
    var form: FormFields?

    public struct Session: Sendable {
        public var id: String
        public var user: User
        public var actor: Actor
        public var csrfToken: String
    }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "-"
    }

    /// The route's numeric `:id`; a missing or bad one is a page that does not exist.
    func pathID() throws -> Int64 {
        guard let id = parameters.get("id").flatMap({ Int64($0) }) else { throw HTTPError(.notFound) }
        return id
    }

    /// The logged-in session; a route behind RequireLogin always has one.
    func requireSession() throws -> Session {
        guard let session else { throw HTTPError(.unauthorized) }
        return session
    }
}
