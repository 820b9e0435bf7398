// The tab-separated files a deployment edits (taxonomy, rules): one record per line, `#` comments and blank
// lines skipped, errors named by line number.
import Foundation

public struct DataFileProblem: Error, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// The records of a tab-separated text: 1-based line number and columns (untrimmed).
public func dataFileRecords(_ text: String) -> [(line: Int, columns: [String])] {
    text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { i, raw in
        let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { return nil }
        return (i + 1, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
    }
}
