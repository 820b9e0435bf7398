// The texts of outgoing mail: Mustache files in mail-templates/ (a `Subject:` line, an empty line, the body),
// rendered as plain text. Loaded once at start; a template that does not parse is an error at start.
import Foundation
import Mustache

public struct MailTemplates: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    let templates: [String: MustacheTemplate]
    public let directory: String

    public init(directory: String) throws {
        self.directory = directory
        var out: [String: MustacheTemplate] = [:]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files where file.hasSuffix(".mustache") {
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Failure(message: "cannot read template \(path)")
            }
            do {
                out[String(file.dropLast(".mustache".count))] = try .plainText(String(decoding: data, as: UTF8.self))
            } catch {
                throw Failure(message: "template \(path): \(error)")
            }
        }
        guard !out.isEmpty else { throw Failure(message: "no .mustache templates in \(directory)") }
        templates = out
    }

    public var names: [String] { templates.keys.sorted() }

    /// The subject (first line, after `Subject:`) and the body.
    public func render(_ name: String, _ values: [String: Any]) throws -> (subject: String, body: String) {
        guard let t = templates[name] else { throw Failure(message: "no template \(name).mustache in \(directory)") }
        let text = t.render(values)
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("Subject:") else {
            throw Failure(message: "template \(name).mustache must start with a Subject: line")
        }
        let subject = first.dropFirst("Subject:".count).trimmingCharacters(in: .whitespaces)
        let body = lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .newlines) : ""
        return (subject, body + "\n")
    }
}

extension MailTemplates {
    /// The values surel fills in each template (see mail-templates/README.md).
    public static let provided: [String: Set<String>] = [
        "acknowledgement": ["ticket", "subject", "sender_name", "received_at", "deadline", "category"],
        "receipt": ["ticket", "subject", "sender_name", "received_at", "deadline", "category"],
        "answer": ["ticket", "subject", "sender_name", "body", "agent"],
        "escalation": [
            "ticket", "subject", "unit", "unit_name", "sender_name", "sender_email", "origin", "category",
            "received_at", "deadline", "note", "question", "agent", "ticket_url",
        ],
        "sla-reminder": [
            "ticket", "subject", "deadline", "remaining", "status", "category", "sender_name",
            "sender_email", "received_at", "escalated_to",
        ],
        "bak": [
            "bak_number", "closed_at", "ticket", "subject", "sender_name", "sender_email", "origin", "office",
            "category",
            "received_at", "question", "answers", "unit", "agent",
        ],
        "bak-mail": [
            "bak_number", "closed_at", "ticket", "subject", "sender_name", "sender_email", "origin", "office",
            "category", "received_at", "question", "answers", "unit", "agent", "survey_url",
        ],
    ]

    static let tag = try! NSRegularExpression(pattern: #"\{\{\{?\s*([#^/&]?)\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}\}"#)

    /// Every problem of the template folder: a template surel needs that is missing, a variable a template uses
    /// that surel does not fill (named), a template that does not render to a `Subject:` line and a body.
    public static func check(directory: String) -> [String] {
        var problems: [String] = []
        let templates: MailTemplates
        do { templates = try MailTemplates(directory: directory) } catch { return ["\(error)"] }
        for (name, variables) in provided.sorted(by: { $0.key < $1.key }) {
            let path = directory + "/" + name + ".mustache"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                problems.append("\(name).mustache: missing")
                continue
            }
            var unknown: [String] = []
            for m in tag.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(m.range(at: 2), in: text) else { continue }
                let v = String(text[r])
                if !variables.contains(v) && !unknown.contains(v) { unknown.append(v) }
            }
            for v in unknown {
                problems.append(
                    "\(name).mustache: uses {{\(v)}}, which surel does not fill (it fills: "
                        + variables.sorted().joined(separator: ", ") + ")")
            }
            var sample: [String: Any] = [:]
            for v in variables { sample[v] = v == "answers" ? ["contoh jawaban"] : "contoh \(v)" }
            do {
                let r = try templates.render(name, sample)
                if r.subject.isEmpty { problems.append("\(name).mustache: empty subject") }
                if r.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    problems.append("\(name).mustache: empty body")
                }
            } catch {
                problems.append("\(error)")
            }
        }
        return problems
    }
}

extension MustacheTemplate {
    /// A template for plain text (mail, subjects): values are inserted as they are, not HTML-escaped.
    static func plainText(_ source: String) throws -> MustacheTemplate {
        try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + source)
    }
}
