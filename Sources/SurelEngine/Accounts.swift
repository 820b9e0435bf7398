// The console's accounts: who may log in, with which role and whether they may read confidential tickets. The CLI
// (`surel users`) and the console's login both come here. Passwords are bcrypt-hashed (cost 12, about a quarter of
// a second on our machines: cheap for one login, expensive for a guesser); a login that fails is counted per account
// and per client address, and either is locked for a while after five failures in a row. Sessions are random
// 256-bit ids; the store keeps only their SHA-256.
import Foundation
import HummingbirdBcrypt
import SurelCore
import SurelStore

public struct Accounts: Sendable {
    public let database: SurelDatabase
    public static let bcryptCost: UInt8 = 12
    public static let minimumPasswordLength = 10
    /// Failures in a row before an account or address is locked, and for how long.
    public static let failureLimit = 5
    public static let lockDuration: TimeInterval = 15 * 60

    public init(database: SurelDatabase) { self.database = database }

    public func add(name: String, role: UserRole, confidential: Bool, password: String) throws -> User {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64, !name.contains(where: { $0.isNewline || $0 == "\t" }) else {
            throw SurelError(.invalid, "a user name is 1 to 64 characters on one line")
        }
        try Self.check(password)
        let user = User(
            name: name, role: role, confidential: confidential,
            passwordHash: Bcrypt.hash(password, cost: Self.bcryptCost))
        guard let added = try database.addUser(user) else {
            throw SurelError(.conflict, "a user named \(name) exists already")
        }
        return added
    }

    public func list() throws -> [User] { try database.users() }

    public func disable(_ name: String) throws {
        guard try database.disableUser(named: name) else { throw SurelError(.notFound, "no user \(name)") }
    }

    public func setPassword(_ name: String, password: String) throws {
        try Self.check(password)
        guard try database.setPassword(of: name, hash: Bcrypt.hash(password, cost: Self.bcryptCost)) else {
            throw SurelError(.notFound, "no user \(name)")
        }
    }

    static func check(_ password: String) throws {
        guard password.count >= minimumPasswordLength else {
            throw SurelError(.invalid, "a password has at least \(minimumPasswordLength) characters")
        }
        guard password.utf8.count <= 72 else {
            // bcrypt reads 72 bytes: a longer password would be silently cut.
            throw SurelError(.invalid, "a password has at most 72 bytes")
        }
    }

    // MARK: - Login

    public enum LoginResult: Sendable, Equatable {
        /// The session's id (for the cookie) and CSRF token.
        case success(user: User, sessionID: String, csrfToken: String)
        case wrongCredentials
        /// The account or the address is locked until then.
        case locked(until: Date)
    }

    /// Checks a name and password from `client` (an address, or "-"); on success opens a session. The same answer
    /// for an unknown name, a disabled user and a wrong password, and a hash is computed for each, so that neither
    /// the answer nor its time tells which names exist.
    public func login(name: String, password: String, client: String, now: Date = Date()) throws -> LoginResult {
        let keys = ["user:" + name.lowercased(), "addr:" + client]
        for key in keys {
            if let until = try database.loginLockedUntil(key, now: now) { return .locked(until: until) }
        }
        let user = try database.user(named: name)
        let hash = user?.passwordHash ?? Self.decoyHash
        let matches = Bcrypt.verify(password, hash: hash)
        guard let user, matches, !user.disabled else {
            try database.recordLoginFailure(keys: keys, limit: Self.failureLimit, lock: Self.lockDuration, at: now)
            return .wrongCredentials
        }
        try database.clearLoginFailures(keys: keys)
        let id = Self.randomToken(), csrf = Self.randomToken()
        try database.createSession(idHash: Self.sessionHash(id), userID: user.id!, csrfToken: csrf, at: now)
        return .success(user: user, sessionID: id, csrfToken: csrf)
    }

    /// The session's user, if the session is alive.
    public func session(id: String, idle: TimeInterval, now: Date = Date()) throws -> (WebSession, User)? {
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        return try database.session(idHash: Self.sessionHash(id), idle: idle, now: now)
    }

    public func logout(id: String) throws {
        try database.endSession(idHash: Self.sessionHash(id))
    }

    /// 256 random bits as 64 hex digits (the system's cryptographic generator).
    public static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", g.next() as UInt64) }.joined()
    }

    static func sessionHash(_ id: String) -> String { SHA256.hex(Data(id.utf8)) }

    /// Verified against when the name is unknown, so that the answer takes as long as for a known one.
    static let decoyHash = Bcrypt.hash(randomToken(), cost: bcryptCost)
}
