// The knowledge base: answers per category that agents start from (Mustache text with the citizen's name, region
// and ticket number). Entries are retired rather than deleted, so that what an answer was built from stays known.
import Foundation
import GRDB

public struct KnowledgeEntry: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "knowledgeEntry"
    public var id: Int64?
    /// A taxonomy slug.
    public var category: String
    public var title: String
    /// Mustache text: {{nama}}, {{daerah}}, {{nomor}}.
    public var body: String
    /// The ticket whose unit answer the entry was made from.
    public var sourceTicketID: Int64?
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    public var updatedAt: Date
    public var retired: Bool

    public init(category: String, title: String, body: String, by: String, at: Date, sourceTicketID: Int64? = nil) {
        self.category = category; self.title = title; self.body = body; self.sourceTicketID = sourceTicketID
        createdBy = by; createdAt = at; updatedBy = by; updatedAt = at; retired = false
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension SurelDatabase {
    /// The entries in use, by category then title.
    public func knowledgeEntries(category: String? = nil) throws -> [KnowledgeEntry] {
        try writer.read { db in
            var q = KnowledgeEntry.filter(Column("retired") == false).order(Column("category"), Column("title"))
            if let category { q = q.filter(Column("category") == category) }
            return try q.fetchAll(db)
        }
    }

    public func knowledgeEntry(id: Int64) throws -> KnowledgeEntry? {
        try writer.read { db in try KnowledgeEntry.fetchOne(db, key: id) }
    }

    /// Adds the entry, or saves it when it has an id; returns it as stored.
    public func saveKnowledgeEntry(_ entry: KnowledgeEntry) throws -> KnowledgeEntry {
        try writer.write { db in
            var e = entry
            try e.save(db)
            return e
        }
    }
}
