// An application/x-www-form-urlencoded body (at most 1 MB) as fields; a field may repeat (bulk checkboxes).
import Foundation
import Hummingbird

struct FormFields: Sendable {
    static let maxSize = 1 << 20
    private var values: [String: [String]] = [:]

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

    subscript(_ name: String) -> String? { values[name]?.first }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// Reads the body once; it stays in the request for the handler.
    static func read(_ request: inout Request) async throws -> FormFields {
        let buffer = try await request.collectBody(upTo: maxSize)
        return FormFields(String(buffer: buffer))
    }
}
