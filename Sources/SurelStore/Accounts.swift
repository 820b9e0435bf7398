// The console's people and their sessions. A user has a role and may be allowed to read confidential tickets; the
// password is kept only as a bcrypt hash (made by the caller). A session is stored under the SHA-256 of its id, so
// a copy of the store does not let anyone in; the cookie holds the id itself. Failed logins are counted per account
// and per client address, so that guessing is slowed and then locked for a while.
import Foundation
import GRDB
import SurelCore

public enum UserRole: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Answers, escalates and closes tickets; reviews categories.
    case agent
    /// An agent who also keeps the knowledge base and reads the SLA board and the reports (Kasubbag).
    case supervisor
    /// Prepares and sends e-mail blasts; no tickets.
    case blast
    /// Everything, and operations: quarantine, outgoing mail, users.
    case admin
}

public struct User: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "user"
    public var id: Int64?
    public var name: String
    public var role: UserRole
    /// May read confidential tickets (Pengaduan, held complaints).
    public var confidential: Bool
    public var passwordHash: String
    public var disabled: Bool
    public var createdAt: Date
    public var passwordChangedAt: Date

    public init(name: String, role: UserRole, confidential: Bool, passwordHash: String, at: Date = Date()) {
        self.name = name; self.role = role; self.confidential = confidential; self.passwordHash = passwordHash
        disabled = false; createdAt = at; passwordChangedAt = at
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A logged-in session: whose, its CSRF token, when it was last used.
public struct WebSession: Sendable, Equatable {
    public var userID: Int64
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
}

extension SurelDatabase {
    /// Adds a user; nil when the name is taken (names compare case-insensitively).
    public func addUser(_ user: User) throws -> User? {
        try writer.write { db in
            if try User.filter(sql: "name = ? COLLATE NOCASE", arguments: [user.name]).fetchOne(db) != nil {
                return nil
            }
            var u = user
            try u.insert(db)
            return u
        }
    }

    public func users() throws -> [User] {
        try writer.read { db in try User.order(Column("name")).fetchAll(db) }
    }

    public func user(named name: String) throws -> User? {
        try writer.read { db in
            try User.filter(sql: "name = ? COLLATE NOCASE", arguments: [name]).fetchOne(db)
        }
    }

    public func user(id: Int64) throws -> User? {
        try writer.read { db in try User.fetchOne(db, key: id) }
    }

    /// Sets a user's password hash and ends their sessions (a changed password logs everyone out); false when
    /// there is no such user.
    public func setPassword(of name: String, hash: String, at: Date = Date()) throws -> Bool {
        try writer.write { db in
            guard var u = try User.filter(sql: "name = ? COLLATE NOCASE", arguments: [name]).fetchOne(db) else {
                return false
            }
            u.passwordHash = hash
            u.passwordChangedAt = at
            try u.update(db)
            try db.execute(sql: "DELETE FROM webSession WHERE userID = ?", arguments: [u.id!])
            return true
        }
    }

    /// Disables a user and ends their sessions; false when there is no such user.
    public func disableUser(named name: String) throws -> Bool {
        try writer.write { db in
            guard var u = try User.filter(sql: "name = ? COLLATE NOCASE", arguments: [name]).fetchOne(db) else {
                return false
            }
            u.disabled = true
            try u.update(db)
            try db.execute(sql: "DELETE FROM webSession WHERE userID = ?", arguments: [u.id!])
            return true
        }
    }

    // MARK: - Sessions

    /// Stores a session under `idHash` (the SHA-256 of the id the cookie carries).
    public func createSession(idHash: String, userID: Int64, csrfToken: String, at: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webSession(idHash, userID, csrfToken, createdAt, lastSeenAt) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [idHash, userID, csrfToken, StoredDate.value(at), StoredDate.value(at)])
        }
    }

    /// The session and its user when the session exists, was used within `idle` and its user is enabled; its
    /// last use is moved to `now` (at most once a minute, so that page loads seldom write). Expired sessions go.
    public func session(idHash: String, idle: TimeInterval, now: Date = Date()) throws -> (WebSession, User)? {
        let found = try writer.read { db -> (WebSession, User)? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM webSession WHERE idHash = ?", arguments: [idHash])
            else { return nil }
            let s = WebSession(
                userID: row["userID"], csrfToken: row["csrfToken"], createdAt: row["createdAt"],
                lastSeenAt: row["lastSeenAt"])
            guard let u = try User.fetchOne(db, key: s.userID) else { return nil }
            return (s, u)
        }
        guard let (s, u) = found else { return nil }
        if now.timeIntervalSince(s.lastSeenAt) > idle || u.disabled {
            try endSession(idHash: idHash)
            return nil
        }
        if now.timeIntervalSince(s.lastSeenAt) > 60 {
            try writer.write { db in
                try db.execute(
                    sql: "UPDATE webSession SET lastSeenAt = ? WHERE idHash = ?",
                    arguments: [StoredDate.value(now), idHash])
                try db.execute(
                    sql: "DELETE FROM webSession WHERE lastSeenAt < ?",
                    arguments: [StoredDate.value(now.addingTimeInterval(-idle))])
            }
        }
        return (s, u)
    }

    public func endSession(idHash: String) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM webSession WHERE idHash = ?", arguments: [idHash]) }
    }

    // MARK: - Failed logins

    /// The time until which `key` (an account or a client address) is locked, if it is.
    public func loginLockedUntil(_ key: String, now: Date = Date()) throws -> Date? {
        try writer.read { db in
            guard
                let until = try Date.fetchOne(
                    db, sql: "SELECT lockedUntil FROM loginFailure WHERE key = ?", arguments: [key])
            else { return nil }
            return until > now ? until : nil
        }
    }

    /// Counts a failed login for each key; a key reaching `limit` failures in a row is locked for `lock`.
    /// Returns the number of failures in a row per key.
    @discardableResult
    public func recordLoginFailure(keys: [String], limit: Int, lock: TimeInterval, at now: Date = Date()) throws
        -> [Int]
    {
        try writer.write { db in
            try keys.map { key in
                let count =
                    (try Int.fetchOne(db, sql: "SELECT failures FROM loginFailure WHERE key = ?", arguments: [key])
                        ?? 0) + 1
                let until: Date? = count >= limit ? now.addingTimeInterval(lock) : nil
                try db.execute(
                    sql: """
                        INSERT INTO loginFailure(key, failures, lastAt, lockedUntil) VALUES (?, ?, ?, ?)
                        ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, lastAt = excluded.lastAt,
                          lockedUntil = excluded.lockedUntil
                        """,
                    arguments: [key, until == nil ? count : 0, StoredDate.value(now), StoredDate.value(until)])
                return count
            }
        }
    }

    /// A successful login clears its keys' failures.
    public func clearLoginFailures(keys: [String]) throws {
        try writer.write { db in
            for key in keys { try db.execute(sql: "DELETE FROM loginFailure WHERE key = ?", arguments: [key]) }
        }
    }
}
