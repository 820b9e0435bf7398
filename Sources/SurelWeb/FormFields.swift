// A form's fields: application/x-www-form-urlencoded (at most 1 MB) or multipart/form-data (at most 25 MB, for an
// answer's attachments). A field may repeat (bulk checkboxes). The body is read once, by the CSRF check, and kept
// in the request for the handler.
import Foundation
import Hummingbird

struct FormFields: Sendable {
    static let maxSize = 1 << 20
    static let maxMultipartSize = 25 << 20
    /// A file sent with the form.
    struct File: Sendable {
        var filename: String
        var contentType: String
        var data: Data
    }
    private var values: [String: [String]] = [:]
    private(set) var files: [String: [File]] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let key = decode(parts[0])
            values[key, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// A multipart/form-data body split at `boundary`; a part without a name is skipped, a file part without a
    /// file (an empty file input) too. Each search moves forward, so the work is linear in the body.
    init(multipart body: Data, boundary: String) {
        let delimiter = Data(("\r\n--" + boundary).utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        // The body starts with "--boundary"; pretend a CRLF before it, so every delimiter looks the same.
        let data = Data("\r\n".utf8) + body
        guard var at = data.range(of: delimiter)?.upperBound else { return }
        while true {
            // After a delimiter: "--" ends the form, else CRLF and the part's headers.
            guard data.count >= at + 2, data[at..<at + 2] != Data("--".utf8),
                let headEnd = data.range(of: headerEnd, in: at..<data.count),
                let next = data.range(of: delimiter, in: headEnd.upperBound..<data.count)
            else { return }
            let head = String(decoding: data[at..<headEnd.lowerBound], as: UTF8.self)
            let content = data[headEnd.upperBound..<next.lowerBound]
            at = next.upperBound
            var name: String?, filename: String?, type = "application/octet-stream"
            for line in head.split(whereSeparator: \.isNewline) {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = Self.parameter("name", in: String(line))
                    filename = Self.parameter("filename", in: String(line))
                } else if lower.hasPrefix("content-type:") {
                    type = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { continue }
            if let filename {
                if !filename.isEmpty || !content.isEmpty {
                    files[name, default: []].append(File(filename: filename, contentType: type, data: Data(content)))
                }
            } else {
                values[name, default: []].append(String(decoding: content, as: UTF8.self))
            }
        }
    }

    /// A quoted (or bare) parameter of a Content-Disposition line, as browsers write it.
    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    subscript(_ name: String) -> String? { values[name]?.first }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The form the CSRF check read (every POST behind the login has one).
    static func of(_ context: WebContext) throws -> FormFields {
        guard let form = context.form else { throw HTTPError(.badRequest) }
        return form
    }

    /// Reads the body once; it stays in the request for the handler.
    static func read(_ request: inout Request) async throws -> FormFields {
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = parameter("boundary", in: type), !boundary.isEmpty, boundary.count <= 200 else {
                throw HTTPError(.badRequest)
            }
            let buffer = try await request.collectBody(upTo: maxMultipartSize)
            return FormFields(multipart: Data(buffer.readableBytesView), boundary: boundary)
        }
        let buffer = try await request.collectBody(upTo: maxSize)
        return FormFields(String(buffer: buffer))
    }
}
