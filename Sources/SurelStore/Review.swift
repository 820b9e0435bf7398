// The review queue and the classifier's persistence: tickets classified with low confidence wait for an agent,
// whose decision is recorded (who, when, from, to); the trained models are stored here so that every process
// (daemon, CLI) classifies with the same, latest model.
import Foundation
import GRDB
import SurelCore

extension SurelDatabase {
    /// Tickets waiting for an agent to confirm or correct their category, oldest first.
    public func reviewQueue() throws -> [Ticket] {
        try writer.read { db in
            // `needsReview = 1` as in the partial index ticket_review_queue, so that SQLite uses it.
            try Ticket.fetchAll(db, sql: "SELECT * FROM ticket WHERE needsReview = 1 ORDER BY createdAt, id")
        }
    }

    /// The raw bytes of the mail that opened the ticket.
    public func openingRaw(ticketID: Int64) throws -> Data? {
        try writer.read { db in
            try Data.fetchOne(
                db, sql: "SELECT raw FROM message WHERE ticketID = ? AND kind = 'ticket' ORDER BY id LIMIT 1",
                arguments: [ticketID])
        }
    }

    /// Tickets held as possible complaints, waiting for a confidential reader, oldest first.
    public func heldQueue() throws -> [Ticket] {
        try writer.read { db in
            // `WHERE held` as in the partial index ticket_held.
            try Ticket.fetchAll(db, sql: "SELECT * FROM ticket WHERE held ORDER BY createdAt, id")
        }
    }

    /// Records an agent's review in one transaction: the category (unchanged when `category` is nil), the
    /// confidentiality that follows from it, the ticket leaving the queue (and the held queue: a held ticket's
    /// review clears or confirms it), the review row and a ticket event; and
    /// the model named `modelName` updated by `learn(openingRaw, finalCategory, modelData)` when it returns data
    /// (online learning: the same transaction, so concurrent reviews cannot lose each other's update).
    /// Returns nil when there is no such ticket.
    public func reviewAndUpdateModel(
        number: TicketNumber, category: String?, reviewer: String, confidentialCategories: Set<String>,
        at: Date = Date(), modelName: String,
        learn: (_ raw: Data, _ category: String, _ model: Data?) throws -> (data: Data, trainedOn: String)?
    ) throws -> (ticket: Ticket, review: ClassificationReview)? {
        try writer.write { db in
            guard var t = try Ticket.fetchOne(db, number: number) else { return nil }
            let from = t.category, to = category ?? t.category
            t.category = to
            // A continuation of a confidential ticket stays confidential whatever its own category.
            let continuesConfidential =
                try t.previousTicketID.map {
                    try Bool.fetchOne(db, sql: "SELECT confidential FROM ticket WHERE id = ?", arguments: [$0]) ?? false
                } ?? false
            t.confidential = confidentialCategories.contains(to) || continuesConfidential
            if t.confidential {
                // The tickets that continue it quote it: confidential too (never the other way round).
                try db.execute(
                    sql: """
                        WITH RECURSIVE chain(id) AS (
                          SELECT id FROM ticket WHERE previousTicketID = ?
                          UNION SELECT ticket.id FROM ticket JOIN chain ON ticket.previousTicketID = chain.id)
                        UPDATE ticket SET confidential = 1 WHERE id IN (SELECT id FROM chain)
                        """, arguments: [t.id!])
            }
            t.needsReview = false
            let wasHeld = t.held
            t.held = false
            if from != to { t.confidence = 1 }
            t.updatedAt = at
            try t.update(db)
            var r = ClassificationReview(
                ticketID: t.id!, at: at, reviewer: reviewer, fromCategory: from, toCategory: to)
            try r.insert(db)
            let kind: TicketEvent.Kind =
                wasHeld
                ? (confidentialCategories.contains(to) ? .complaintConfirmed : .holdCleared)
                : (from == to ? .categoryAccepted : .categorySet)
            var e = TicketEvent(
                ticketID: t.id!, at: at, kind: kind,
                detail: from == to ? "\(to) by \(reviewer)" : "\(from) -> \(to) by \(reviewer)", actor: reviewer)
            try e.insert(db)
            if let raw = try Data.fetchOne(
                db,
                sql: """
                    SELECT raw FROM message WHERE ticketID = ? AND kind = 'ticket' ORDER BY id LIMIT 1
                    """, arguments: [t.id!])
            {
                let model = try Data.fetchOne(
                    db, sql: "SELECT data FROM classifierModel WHERE name = ?",
                    arguments: [modelName])
                if let updated = try learn(raw, to, model) {
                    try saveModel(name: modelName, data: updated.data, trainedOn: updated.trainedOn, at: at, db)
                }
            }
            return (t, r)
        }
    }

    /// Every review in the order made, as what it taught the model: the ticket's first message and the category.
    public func reviewedMessages() throws -> [(raw: Data, category: String)] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.raw, r.toCategory FROM classificationReview r
                    JOIN message m ON m.id = (SELECT id FROM message WHERE ticketID = r.ticketID AND kind = 'ticket'
                                              ORDER BY id LIMIT 1)
                    ORDER BY r.id
                    """
            ).map { ($0[0], $0[1]) }
        }
    }

    public func reviews(ticketID: Int64) throws -> [ClassificationReview] {
        try writer.read { db in
            try ClassificationReview.filter(Column("ticketID") == ticketID).order(Column("id")).fetchAll(db)
        }
    }

    public func model(named name: String) throws -> StoredModel? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM classifierModel WHERE name = ?", arguments: [name]).map {
                StoredModel(
                    name: $0["name"], data: $0["data"], trainedOn: $0["trainedOn"], version: $0["version"],
                    updatedAt: $0["updatedAt"])
            }
        }
    }

    /// The stored model's version (cheap: lets a daemon see that an agent's correction changed it).
    public func modelVersion(named name: String) throws -> Int64? {
        try writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT version FROM classifierModel WHERE name = ?", arguments: [name])
        }
    }

    /// Saves a model, replacing the previous one; returns its new version.
    @discardableResult
    public func saveModel(name: String, data: Data, trainedOn: String, at: Date = Date()) throws -> Int64 {
        try writer.write { db in try saveModel(name: name, data: data, trainedOn: trainedOn, at: at, db) }
    }

    @discardableResult
    private func saveModel(name: String, data: Data, trainedOn: String, at: Date, _ db: Database) throws -> Int64 {
        let version =
            (try Int64.fetchOne(
                db, sql: "SELECT version FROM classifierModel WHERE name = ?",
                arguments: [name]) ?? 0) + 1
        try db.execute(
            sql: """
                INSERT INTO classifierModel(name, data, trainedOn, version, updatedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET data = excluded.data, trainedOn = excluded.trainedOn,
                  version = excluded.version, updatedAt = excluded.updatedAt
                """, arguments: [name, data, trainedOn, version, at])
        return version
    }
}
