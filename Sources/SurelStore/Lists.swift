// Recipient lists of blasts (issue 5) and the suppression list: addresses no blast may mail again (hard bounces,
// or removed by hand).
import Foundation
import GRDB

public struct ListMember: Sendable, Equatable {
    public var email: String
    public var name: String?
    /// Extra CSV columns (instansi, region ...), template variables of the blast.
    public var fields: [String: String]
    public init(email: String, name: String?, fields: [String: String]) {
        self.email = email; self.name = name; self.fields = fields
    }

    /// The extra columns as stored (a JSON object, in listMember and blastRecipient rows).
    static func fields(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

public struct Suppression: Sendable, Equatable {
    public var email: String
    public var reason: String
    public var source: String
    public var createdAt: Date
}

extension SurelDatabase {
    /// Adds or updates members of the list `name` (created if new), in one transaction. Returns how many rows
    /// were new and how many updated an address already there.
    public func importMembers(_ members: [ListMember], into name: String, at now: Date = Date())
        throws -> (added: Int, updated: Int)
    {
        try writer.write { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM recipientList WHERE name = ?", arguments: [name]) == nil {
                try db.execute(sql: "INSERT INTO recipientList(name, createdAt) VALUES (?, ?)", arguments: [name, now])
            }
            let listID = try Int64.fetchOne(db, sql: "SELECT id FROM recipientList WHERE name = ?", arguments: [name])!
            var added = 0, updated = 0
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            for m in members {
                let fields = String(decoding: try encoder.encode(m.fields), as: UTF8.self)
                let exists =
                    try Bool.fetchOne(
                        db, sql: "SELECT 1 FROM listMember WHERE listID = ? AND email = ?",
                        arguments: [listID, m.email]) ?? false
                try db.execute(
                    sql: """
                        INSERT INTO listMember(listID, email, name, fields) VALUES (?, ?, ?, ?)
                        ON CONFLICT(listID, email) DO UPDATE SET name = excluded.name, fields = excluded.fields
                        """, arguments: [listID, m.email, m.name, fields])
                if exists { updated += 1 } else { added += 1 }
            }
            return (added, updated)
        }
    }

    /// The members of a list in import order; nil when there is no such list.
    public func members(of name: String) throws -> [ListMember]? {
        try writer.read { db in
            guard
                let listID = try Int64.fetchOne(
                    db, sql: "SELECT id FROM recipientList WHERE name = ?",
                    arguments: [name])
            else { return nil }
            return try Row.fetchAll(
                db, sql: "SELECT email, name, fields FROM listMember WHERE listID = ? ORDER BY id",
                arguments: [listID]
            ).map { row in
                ListMember(email: row["email"], name: row["name"], fields: ListMember.fields(row["fields"]))
            }
        }
    }

    public func listNames() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM recipientList ORDER BY name") }
    }

    /// Removes an address from a list; false when it was not in it.
    public func removeMember(_ email: String, from name: String) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: """
                    DELETE FROM listMember WHERE email = ? AND listID = (SELECT id FROM recipientList WHERE name = ?)
                    """, arguments: [email.lowercased(), name])
            return db.changesCount == 1
        }
    }

    /// Suppresses an address for every future blast (kept as first recorded).
    @discardableResult
    public func suppress(_ email: String, reason: String, source: String, at now: Date = Date()) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO suppression(email, reason, source, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [email.lowercased(), reason, source, now])
            return db.changesCount == 1
        }
    }

    public func unsuppress(_ email: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM suppression WHERE email = ?", arguments: [email.lowercased()])
            return db.changesCount == 1
        }
    }

    public func suppressions() throws -> [Suppression] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM suppression ORDER BY createdAt, email").map {
                Suppression(email: $0["email"], reason: $0["reason"], source: $0["source"], createdAt: $0["createdAt"])
            }
        }
    }

    public func isSuppressed(_ email: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM suppression WHERE email = ?", arguments: [email.lowercased()])
                ?? false
        }
    }
}
