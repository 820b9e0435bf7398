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

/// A list as the blast pages show it.
public struct ListSummary: Sendable {
    public var name: String
    public var members: Int
    /// Members whose address is on the suppression list (no blast mails them).
    public var suppressed: Int
    public var createdAt: Date
    /// The extra CSV columns its members have, sorted.
    public var columns: [String]
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

    /// Members of a list in import order, each with whether its address is suppressed, and how many match in
    /// all: those whose address or name contains `matching`, from `offset`, at most `limit`. Nil when there is no
    /// such list.
    public func members(of name: String, matching: String? = nil, limit: Int = Int.max, offset: Int = 0) throws
        -> (items: [(member: ListMember, suppressed: Bool)], total: Int)?
    {
        try writer.read { db in
            guard
                let listID = try Int64.fetchOne(
                    db, sql: "SELECT id FROM recipientList WHERE name = ?",
                    arguments: [name])
            else { return nil }
            var condition = "listID = ?"
            var args: [DatabaseValueConvertible] = [listID]
            if let matching, !matching.isEmpty {
                condition += " AND (instr(email, ?) > 0 OR instr(lower(coalesce(name, '')), ?) > 0)"
                args += [matching.lowercased(), matching.lowercased()]
            }
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM listMember WHERE \(condition)", arguments: StatementArguments(args))
                ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT email, name, fields, EXISTS(SELECT 1 FROM suppression s WHERE s.email = listMember.email)
                      AS suppressed
                    FROM listMember WHERE \(condition) ORDER BY id LIMIT ? OFFSET ?
                    """, arguments: StatementArguments(args + [limit, offset]))
            let items = rows.map { row in
                (
                    ListMember(email: row["email"], name: row["name"], fields: ListMember.fields(row["fields"])),
                    row["suppressed"] as Bool
                )
            }
            return (items, total)
        }
    }

    /// The lists with their sizes and the extra columns their members have (the template variables besides
    /// `email` and `name`).
    public func listSummaries() throws -> [ListSummary] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.id, l.name, l.createdAt, count(m.id) AS members,
                      coalesce(sum(EXISTS(SELECT 1 FROM suppression s WHERE s.email = m.email)), 0) AS suppressed
                    FROM recipientList l LEFT JOIN listMember m ON m.listID = l.id GROUP BY l.id ORDER BY l.name
                    """
            ).map { row in
                ListSummary(
                    name: row["name"], members: row["members"], suppressed: row["suppressed"],
                    createdAt: row["createdAt"], columns: try Self.listColumns(row["id"], db))
            }
        }
    }

    /// The extra columns of one list's members; nil when there is no such list.
    public func listColumns(_ name: String) throws -> [String]? {
        try writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM recipientList WHERE name = ?", arguments: [name]).map {
                try Self.listColumns($0, db)
            }
        }
    }

    static func listColumns(_ listID: Int64, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT j.key FROM listMember m, json_each(m.fields) j WHERE m.listID = ? ORDER BY j.key
                """, arguments: [listID])
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
