// What a Layer 2 unit may read of a complaint: the unit may be the one complained about, so the question reaches
// it without who asked. The complainant's name, address and region are left out of the notice by AgentActions;
// this takes them out of the words too: the signature and closing (where names, positions and numbers sit),
// lines that give an identity (Nama:, NIK:, Alamat:, No. HP:), phone numbers, e-mail addresses, ID numbers, the
// sender's own names and their region's name. When unsure, a line goes.
import Foundation
import SurelClassify
import SurelStore

enum ComplaintRedaction {
    static let hiddenLine = "[baris identitas disembunyikan]"

    /// `text` of ticket `t` without what could identify its sender.
    static func anonymized(_ text: String, of t: Ticket) -> String {
        var lines = Tokenizer.ownText(text).components(separatedBy: "\n")
        lines = withoutClosing(lines)
        let names = identifyingWords(t)
        var out: [String] = []
        for line in lines {
            if identityLine.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil {
                if out.last != hiddenLine { out.append(hiddenLine) }
                continue
            }
            out.append(scrubbed(line, names: names))
        }
        return out.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A subject line (or any short text) without numbers, addresses and the sender's names.
    static func scrubbed(_ text: String, of t: Ticket) -> String { scrubbed(text, names: identifyingWords(t)) }

    private static func scrubbed(_ line: String, names: [String]) -> String {
        var s = line
        for (re, replacement) in patterns {
            s = re.stringByReplacingMatches(
                in: s, range: NSRange(s.startIndex..., in: s), withTemplate: replacement)
        }
        for name in names {
            let re = try! NSRegularExpression(
                pattern: "\\b" + NSRegularExpression.escapedPattern(for: name) + "\\b", options: [.caseInsensitive])
            s = re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "[…]")
        }
        return s
    }

    /// The sender's display-name words, the address's local-part words, the region's name with and without its
    /// "Kabupaten"/"Kota"/"Provinsi" and the province's: each word of three letters or more.
    private static func identifyingWords(_ t: Ticket) -> [String] {
        let local = t.senderEmail.split(separator: "@").first.map(String.init) ?? ""
        var words: [String] = []
        let common: Set<String> = ["kabupaten", "kab", "kota", "provinsi", "prov", "bpkad", "bkad", "dinas", "bapak"]
        for source in [t.senderName ?? "", local.replacingOccurrences(of: ".", with: " ")] {
            for w in source.split(whereSeparator: { !$0.isLetter }) where w.count >= 3 {
                if !common.contains(w.lowercased()) { words.append(String(w)) }
            }
        }
        for place in [t.region, t.province].compactMap({ $0 }) {
            words.append(place)
            let bare = place.split(separator: " ").filter { !common.contains($0.lowercased()) }.joined(separator: " ")
            if bare.count >= 3 { words.append(bare) }
        }
        // Longest first: "Kabupaten Kediri" before "Kediri".
        return Array(Set(words)).sorted { $0.count > $1.count }
    }

    /// Lines from a closing ("Hormat saya," "Salam," "Terima kasih,") in the last eight lines on: the name,
    /// position and numbers follow it.
    private static func withoutClosing(_ lines: [String]) -> [String] {
        let tail = max(0, lines.count - 8)
        for i in (tail..<lines.count).reversed()
        where closing.firstMatch(
            in: lines[i], range: NSRange(lines[i].startIndex..., in: lines[i])) != nil
        {
            return Array(lines[..<i])
        }
        return lines
    }

    private static let closing = try! NSRegularExpression(
        pattern:
            #"^\s*(hormat (saya|kami)|salam( hormat)?|wassalam\w*|terima ?kasih|regards|best regards|tabik|ttd\.?)\b"#,
        options: [.caseInsensitive])

    private static let identityLine = try! NSRegularExpression(
        pattern:
            #"^\s*(nama( lengkap)?|nik|nip|no\.? ?ktp|alamat|domisili|jabatan|instansi|unit kerja|(no\.?|nomor) ?(hp|telp|telepon|wa|whatsapp|handphone|kontak)|hp|telp|telepon|wa|whatsapp|kontak|e-?mail)\s*[:=]"#,
        options: [.caseInsensitive])

    private static let patterns: [(NSRegularExpression, String)] = [
        (#"[\w.+-]+@[\w-]+(\.[\w-]+)+"#, "[alamat surel]"),
        (#"\b\d{16}\b"#, "[nomor identitas]"),
        (#"\b\d{18}\b"#, "[nomor identitas]"),
        (#"(\+62|\b62|\b0)[\s.-]?\(?\d{2,4}\)?([\s.-]?\d{2,5}){2,3}\b"#, "[nomor telepon]"),
        (#"\b\d{4}[\s.-]\d{4}[\s.-]\d{2,5}\b"#, "[nomor telepon]"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }
}
