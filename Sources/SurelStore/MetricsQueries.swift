// What monitoring reads (the console's /metrics): counts by kind and state, read in one transaction so that the
// figures of one scrape agree with each other. Counts only: no address, subject or text.
import Foundation
import GRDB

public struct StoreCounts: Sendable {
    /// Incoming mail stored, by kind (ticket, autoreply, bounce, quarantined, unsubscribe), and relay copies.
    public var mailByKind: [String: Int] = [:]
    public var duplicates = 0
    public var ticketsByStatus: [String: Int] = [:]
    public var reviewQueue = 0
    public var outboxByStatus: [String: Int] = [:]
    /// When the oldest mail still queued was queued.
    public var oldestQueued: Date?
    /// Blast recipients by state.
    public var blastByState: [String: Int] = [:]
}

extension SurelDatabase {
    public func storeCounts() throws -> StoreCounts {
        try writer.read { db in
            var c = StoreCounts()
            func grouped(_ sql: String) throws -> [String: Int] {
                var out: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: sql) { out[row[0]] = row[1] }
                return out
            }
            c.mailByKind = try grouped("SELECT kind, count(*) FROM message WHERE kind <> 'outgoing' GROUP BY kind")
            c.duplicates = try Int.fetchOne(db, sql: "SELECT count(*) FROM duplicate") ?? 0
            c.ticketsByStatus = try grouped("SELECT status, count(*) FROM ticket GROUP BY status")
            c.reviewQueue = try Int.fetchOne(db, sql: "SELECT count(*) FROM ticket WHERE needsReview = 1") ?? 0
            c.outboxByStatus = try grouped("SELECT status, count(*) FROM outbox GROUP BY status")
            c.oldestQueued = try Date.fetchOne(
                db, sql: "SELECT min(createdAt) FROM outbox WHERE status IN ('queued', 'sending')")
            c.blastByState = try grouped("SELECT state, count(*) FROM blastRecipient GROUP BY state")
            return c
        }
    }
}
