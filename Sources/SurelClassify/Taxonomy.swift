// The categories of mail: data, not code. The defaults are the file Defaults/taxonomy.tsv, compiled into the binary
// (Package.swift, embedInCode); a deployment replaces them
// with its own file (`[classify] taxonomy = "PATH"`, same format) — adding a topic such as "Inpres 1/2025"
// needs no new build. Format: one category per line, tab-separated:
//   slug <TAB> display name <TAB> Layer 2 unit ("-" for none) <TAB> confidential (yes/no) <TAB> description
// Lines starting with # and empty lines are ignored.
import Foundation

public struct Category: Sendable, Equatable {
    public var slug: String
    public var name: String
    /// The Layer 2 unit that answers escalations of this category, nil when none does.
    public var unit: String?
    /// Only the supervisor may see such tickets (Pengaduan).
    public var confidential: Bool
    public var description: String
}

public struct Taxonomy: Sendable {
    public let categories: [Category]

    public var slugs: [String] { categories.map(\.slug) }
    public var confidentialSlugs: Set<String> { Set(categories.filter(\.confidential).map(\.slug)) }
    public func category(_ slug: String) -> Category? { categories.first { $0.slug == slug } }
    /// What people read for a slug: the category's name, else the slug itself.
    public func name(of slug: String) -> String { category(slug)?.name ?? slug }

    public typealias Problem = DataFileProblem

    /// Parses the format above; every bad line is reported with its number.
    public init(tsv: String) throws {
        var out: [Category] = []
        var problems: [Problem] = []
        for (n, columns) in dataFileRecords(tsv) {
            let c = columns.map { $0.trimmingCharacters(in: .whitespaces) }
            guard c.count >= 4 else {
                problems.append(
                    Problem(
                        line: n, message: "expected slug, name, unit, confidential[, description] separated by tabs"))
                continue
            }
            guard c[0].range(of: #"^[a-z0-9][a-z0-9-]*$"#, options: .regularExpression) != nil else {
                problems.append(
                    Problem(line: n, message: "slug \"\(c[0])\" must be lowercase letters, digits and dashes"))
                continue
            }
            guard ["yes", "no"].contains(c[3].lowercased()) else {
                problems.append(Problem(line: n, message: "confidential must be yes or no (got \"\(c[3])\")"))
                continue
            }
            if out.contains(where: { $0.slug == c[0] }) {
                problems.append(Problem(line: n, message: "slug \"\(c[0])\" defined twice"))
                continue
            }
            out.append(
                Category(
                    slug: c[0], name: c[1], unit: c[2] == "-" || c[2].isEmpty ? nil : c[2],
                    confidential: c[3].lowercased() == "yes", description: c.count > 4 ? c[4] : ""))
        }
        if let first = problems.first { throw first }
        guard !out.isEmpty else { throw Problem(line: 0, message: "no categories") }
        categories = out
    }

    /// The 19 categories of the DJPK Contact Center (monthly report, February 2025).
    public static let standard: Taxonomy = try! Taxonomy(
        tsv: String(decoding: PackageResources.taxonomy_tsv, as: UTF8.self))
}
