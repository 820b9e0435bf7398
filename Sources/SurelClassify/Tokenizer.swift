// Text -> features for the classifiers. Tuned for Indonesian government mail: quoted replies, forwarded headers,
// signatures and disclaimers are cut (they repeat across categories); letter numbers, numbers, addresses and URLs
// become class tokens; common abbreviations are spelled out; words and word pairs are the features.
import Foundation
import SurelCore

public enum Tokenizer {
    /// Abbreviations written in chat-like mail, spelled out so they meet their full forms.
    static let abbreviations: [String: [String]] = [
        "yth": ["yang", "terhormat"], "mhn": ["mohon"], "tks": ["terima", "kasih"], "trims": ["terima", "kasih"],
        "makasih": ["terima", "kasih"], "dgn": ["dengan"], "utk": ["untuk"], "sdh": ["sudah"], "blm": ["belum"],
        "krn": ["karena"], "tdk": ["tidak"], "yg": ["yang"], "dr": ["dari"], "bpk": ["bapak"], "ibu/bpk": ["bapak", "ibu"],
        "sy": ["saya"], "kmi": ["kami"], "sbg": ["sebagai"], "thn": ["tahun"], "ta": ["tahun", "anggaran"],
        "bln": ["bulan"], "pd": ["pada"], "dlm": ["dalam"], "spt": ["seperti"], "tsb": ["tersebut"], "dll": ["lain"],
        "jg": ["juga"], "sj": ["saja"], "gmn": ["bagaimana"], "bgmn": ["bagaimana"], "kpd": ["kepada"],
        "dpt": ["dapat"], "hrs": ["harus"], "msh": ["masih"], "lg": ["lagi"], "kab": ["kabupaten"], "prov": ["provinsi"],
    ]

    /// Words too common to tell categories apart.
    static let stopwords: Set<String> = [
        "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "atau", "juga", "akan", "dalam",
        "adalah", "kami", "kita", "saya", "anda", "bapak", "ibu", "terima", "kasih", "mohon", "dapat", "bisa", "tersebut",
        "sebagai", "oleh", "karena", "jika", "apakah", "bagaimana", "ada", "tidak", "sudah", "belum", "telah", "agar",
        "the", "and", "of", "to", "a", "in", "is", "for", "you", "your", "on", "with", "this", "that",
        "hormat", "terhormat", "salam", "selamat", "pagi", "siang", "sore", "malam", "assalamualaikum", "wr", "wb",
        "perhatian", "kerja", "samanya", "sama", "demikian", "sampaikan", "atas", "para", "yth",
    ]

    private static let letterNumber = try! NSRegularExpression(pattern:
        #"\b(?:[A-Z]{1,4}-\d{1,5}/[A-Za-z0-9.\-]+(?:/[A-Za-z0-9.\-]+)*/\d{4}|\d{3}(?:\.\d{1,3})*/[A-Za-z0-9.\-]+(?:/[A-Za-z0-9.\-]+)*)\b"#)
    private static let url = try! NSRegularExpression(pattern: #"https?://\S+|www\.\S+"#, options: [.caseInsensitive])
    private static let email = try! NSRegularExpression(pattern: #"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"#)
    private static let quoteStart = try! NSRegularExpression(pattern: #"""
        ^(?:>|-{2,}\s*(?:original message|pesan asli|forwarded message|pesan yang diteruskan)|(?:on|pada)\s.{0,160}(?:wrote|menulis)\s*:|_{10,})
        """#.trimmingCharacters(in: .whitespacesAndNewlines), options: [.caseInsensitive, .anchorsMatchLines])
    private static let signatureStart = try! NSRegularExpression(pattern: #"""
        ^(?:--\s*$|dikirim dari|sent from|disclaimer|pernyataan|catatan\s*:|this e-?mail (?:and any|is confidential)|email ini (?:dan|bersifat))
        """#.trimmingCharacters(in: .whitespacesAndNewlines), options: [.caseInsensitive, .anchorsMatchLines])

    /// The part of a mail body the sender wrote: before quoted replies and the signature/disclaimer block.
    public static func ownText(_ text: String) -> String {
        var t = text
        for re in [quoteStart, signatureStart] {
            if let m = re.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)), let r = Range(m.range, in: t),
               t.distance(from: t.startIndex, to: r.lowerBound) > 40 {
                t = String(t[..<r.lowerBound])
            }
        }
        return t
    }

    /// Lowercased word tokens with class tokens for letter numbers, numbers, addresses and URLs.
    public static func words(_ text: String) -> [String] {
        var t = text
        for (re, token) in [(url, " __url__ "), (email, " __email__ "), (letterNumber, " __nomorsurat__ ")] {
            t = re.stringByReplacingMatches(in: t, range: NSRange(t.startIndex..., in: t), withTemplate: token)
        }
        var out: [String] = []
        out.reserveCapacity(t.count / 5)
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            let w = current
            current = ""
            if w.allSatisfy(\.isNumber) { out.append(w.count == 4 && (w.hasPrefix("20") || w.hasPrefix("19")) ? "__tahun__" : "__angka__"); return }
            if let full = abbreviations[w] { out += full; return }
            if w.count >= 2 { out.append(w) }
        }
        for ch in t.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "_" { current.append(ch) } else { flush() }
        }
        flush()
        return out
    }

    /// Features of a mail: subject words (prefixed), body words and word pairs without stopwords,
    /// attachment-name words, and the sender's class.
    public static func features(_ input: ClassificationInput) -> [String] {
        var f: [String] = []
        let subject = words(SubjectNormalizer.normalize(input.subject)).filter { !stopwords.contains($0) }
        f += subject.map { "s:" + $0 }
        let body = words(ownText(input.text)).filter { !stopwords.contains($0) }
        f += body
        if body.count > 1 {
            for i in 0..<(body.count - 1) { f.append(body[i] + "_" + body[i + 1]) }
        }
        for name in input.attachmentNames {
            f += words(name.replacingOccurrences(of: "_", with: " ")).map { "a:" + $0 }
        }
        f.append("c:" + SenderDirectory.profile(forEmail: input.senderEmail).senderClass.rawValue)
        return f
    }
}
