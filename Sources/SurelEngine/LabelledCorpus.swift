// A folder of labelled mail in the corpus format: `.eml` files and `labels.tsv` (file, kind, category, thread,
// sender_class, notes), optionally split in several `labels*.tsv` files. Used to train and to evaluate classifiers.
import Foundation
import SurelCore
import SurelMail

public struct LabelledMail: Sendable {
    public var file: String
    public var kind: String
    public var category: String
    public var input: ClassificationInput
}

public enum LabelledCorpus {
    public enum Failure: Error, CustomStringConvertible {
        case noLabels(String)
        case badLine(file: String, line: Int, text: String)
        public var description: String {
            switch self {
            case .noLabels(let dir): return "no labels.tsv in \(dir)"
            case .badLine(let f, let l, let t): return "\(f):\(l): expected at least 3 tab-separated columns: \(t)"
            }
        }
    }

    /// Reads the labelled consultations (`kind` new or followup) of a folder; unparseable mails are skipped.
    public static func load(_ dir: String, kinds: Set<String> = ["new", "followup"]) throws -> [LabelledMail] {
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasPrefix("labels") && $0.hasSuffix(".tsv") }.sorted()
        guard !files.isEmpty else { throw Failure.noLabels(dir) }
        var out: [LabelledMail] = []
        for labels in files {
            let text = try String(contentsOfFile: dir + "/" + labels, encoding: .utf8)
            for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                if c.first == "file" { continue }  // header row
                guard c.count >= 3 else { throw Failure.badLine(file: labels, line: i + 1, text: String(line)) }
                guard kinds.contains(c[1]), let raw = FileManager.default.contents(atPath: dir + "/" + c[0]),
                    let parsed = try? MIMEParser.parse(raw)
                else { continue }
                out.append(LabelledMail(file: c[0], kind: c[1], category: c[2], input: ClassificationInput(parsed)))
            }
        }
        return out
    }

}

extension ClassificationInput {
    /// What the classifiers read of a parsed mail.
    public init(_ p: ParsedMessage) {
        self.init(
            subject: p.subject, text: p.text, senderEmail: p.from?.email ?? "", headers: p.headers,
            attachmentNames: p.attachments.compactMap(\.filename), html: p.html,
            senderName: p.from?.name ?? "")
    }
}
