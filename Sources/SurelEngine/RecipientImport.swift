// Recipient lists from CSV (RFC 4180: quoted fields with commas, quotes and line breaks; a UTF-8 BOM and CRLF
// are accepted). The header names the columns: `email` is required, `name` optional, every other column becomes a
// template variable of the blast. Bad rows are reported by their line and the rest is loaded. Excel set to
// Indonesian writes semicolons between fields and, as "CSV", Windows-1252: both are read.
import Foundation
import SurelStore

public enum CSV {
    /// Records with the line each starts on.
    public static func records(_ text: String, delimiter: Character = ",") -> [(line: Int, fields: [String])] {
        var out: [(Int, [String])] = []
        var fields: [String] = [], field = ""
        var quoted = false, line = 1, recordLine = 1, fieldStarted = false
        var chars = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { out.append((recordLine, fields)) }
            fields = []; field = ""; fieldStarted = false
        }
        while let c = chars.first {
            chars = chars.dropFirst()
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars = chars.dropFirst() } else { quoted = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && !fieldStarted {
                quoted = true; fieldStarted = true
            } else if c == delimiter {
                fields.append(field); field = ""; fieldStarted = false
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.append(c); fieldStarted = true
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return out
    }

    /// `;` when the first line has semicolons and no comma (Excel with a comma as the decimal mark), else `,`.
    public static func delimiter(of text: String) -> Character {
        let first = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        return first.contains(";") && !first.contains(",") ? ";" : ","
    }

    /// A file's text: UTF-8 when it is, else Windows-1252 (what Excel saves as "CSV" on Windows).
    public static func text(_ data: Data) -> String {
        String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252)
            ?? String(decoding: data, as: UTF8.self)
    }
}

public struct RecipientImport: Sendable {
    public var members: [ListMember] = []
    /// "line N: reason" for every row left out.
    public var problems: [String] = []

    // \A and \z, not ^ and $: `$` also matches before a final line break, which would reach the To: header.
    static let address = try! NSRegularExpression(
        pattern: #"\A[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\z"#)

    /// Reads a CSV recipient file: bad addresses and repeated addresses are reported by line, the rest kept.
    public static func parse(_ text: String) -> RecipientImport {
        var r = RecipientImport()
        let rows = CSV.records(text, delimiter: CSV.delimiter(of: text))
        guard let header = rows.first else { r.problems.append("line 1: empty file"); return r }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let emailColumn = names.firstIndex(of: "email") else {
            r.problems.append("line \(header.line): no email column in the header (\(names.joined(separator: ", ")))")
            return r
        }
        let nameColumn = names.firstIndex(of: "name")
        var seen: [String: Int] = [:]
        for row in rows.dropFirst() {
            guard row.fields.count == names.count else {
                r.problems.append("line \(row.line): \(row.fields.count) columns, the header has \(names.count)")
                continue
            }
            // A quoted cell may end in a line break (copied from a spreadsheet): the address is what is around it.
            let email = row.fields[emailColumn].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard address.firstMatch(in: email, range: NSRange(email.startIndex..., in: email)) != nil else {
                r.problems.append("line \(row.line): not an e-mail address: \"\(row.fields[emailColumn])\"")
                continue
            }
            if let first = seen[email] {
                r.problems.append("line \(row.line): duplicate of line \(first) (\(email))")
                continue
            }
            seen[email] = row.line
            var fields: [String: String] = [:]
            for (i, n) in names.enumerated() where i != emailColumn && i != nameColumn && !n.isEmpty {
                fields[n] = row.fields[i].trimmingCharacters(in: .whitespaces)
            }
            let name = nameColumn.map { row.fields[$0].trimmingCharacters(in: .whitespaces) }
            r.members.append(ListMember(email: email, name: name?.isEmpty == false ? name : nil, fields: fields))
        }
        return r
    }
}
