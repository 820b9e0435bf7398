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
                // Mail is text: no HTML escaping of the values.
                out[String(file.dropLast(".mustache".count))] =
                    try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + String(decoding: data, as: UTF8.self))
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
