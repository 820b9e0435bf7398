// The daemon's heartbeat in the store (one row): the console and the CLI run in other processes and read it to
// say whether mail is coming in: when the daemon started, when it last polled the mailbox successfully, and its
// last error (a log line's message: no addresses or subjects).
import Foundation
import GRDB

public struct DaemonStatus: Sendable, Equatable {
    public var startedAt: Date?
    public var lastPollAt: Date?
    public var lastErrorAt: Date?
    public var lastError: String?

    /// Whether mail is coming in: the last successful poll is within three poll intervals (at least 10 minutes).
    /// Nil when the daemon never polled.
    public func isCurrent(pollInterval: TimeInterval, now: Date = Date()) -> Bool? {
        lastPollAt.map { now.timeIntervalSince($0) <= max(600, 3 * pollInterval) }
    }
}

extension SurelDatabase {
    public func daemonStatus() throws -> DaemonStatus {
        try writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM daemonStatus WHERE id = 1") else {
                return DaemonStatus()
            }
            return DaemonStatus(
                startedAt: row["startedAt"], lastPollAt: row["lastPollAt"], lastErrorAt: row["lastErrorAt"],
                lastError: row["lastError"])
        }
    }

    /// The daemon started now.
    public func recordDaemonStart(at now: Date = Date()) throws {
        try upsertDaemonStatus("startedAt = excluded.startedAt", [StoredDate.value(now), nil, nil, nil])
    }

    /// A poll of the mailbox completed now.
    public func recordPoll(at now: Date = Date()) throws {
        try upsertDaemonStatus("lastPollAt = excluded.lastPollAt", [nil, StoredDate.value(now), nil, nil])
    }

    /// The daemon met an error now (`message` as its log says it).
    public func recordDaemonError(_ message: String, at now: Date = Date()) throws {
        try upsertDaemonStatus(
            "lastErrorAt = excluded.lastErrorAt, lastError = excluded.lastError",
            [nil, nil, StoredDate.value(now), String(message.prefix(500))])
    }

    private func upsertDaemonStatus(_ update: String, _ values: [(any DatabaseValueConvertible)?]) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO daemonStatus(id, startedAt, lastPollAt, lastErrorAt, lastError) VALUES (1, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET \(update)
                    """, arguments: StatementArguments(values))
        }
    }
}
