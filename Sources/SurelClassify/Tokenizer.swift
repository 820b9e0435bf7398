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
    /// Works on whitespace-separated chunks (classified by cheap byte tests; the letter-number expression only
    /// runs on chunks with a slash), then on runs of letters and digits: a regular expression over the whole
    /// text cost more than everything else the classifier does.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        out.reserveCapacity(text.utf8.count / 6)
        for chunk in text.utf8.split(whereSeparator: isSpaceByte) {
            let trimmed = chunk.drop { $0 == 0x28 || $0 == 0x3C || $0 == 0x5B || $0 == 0x22 || $0 == 0x27 }
            if startsWithURL(trimmed) { out.append("__url__"); continue }
            if chunk.contains(0x40), chunk.contains(0x2E) { out.append("__email__"); continue }
            var piece = Substring(chunk)
            if chunk.contains(0x2F),
               let m = letterNumber.firstMatch(in: String(piece), range: NSRange(location: 0, length: String(piece).utf16.count)),
               let r = Range(m.range, in: String(piece)) {
                let s = String(piece)
                appendWordRuns(s[..<r.lowerBound], to: &out)
                out.append("__nomorsurat__")
                piece = s[r.upperBound...]
            }
            appendWordRuns(piece, to: &out)
        }
        return out
    }

    static func isSpaceByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0C }

    static func startsWithURL<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        func has(_ p: String) -> Bool {
            var i = bytes.startIndex
            for c in p.utf8 {
                guard i != bytes.endIndex, bytes[i] | 0x20 == c else { return false }
                i = bytes.index(after: i)
            }
            return true
        }
        return has("http://") || has("https://") || has("www.")
    }

    /// Runs of letters, digits and underscores, lowercased; numbers become class tokens, abbreviations are
    /// spelled out, one-letter runs dropped.
    static func appendWordRuns(_ text: Substring, to out: inout [String]) {
        // Built in a byte buffer (String.UnicodeScalarView appends and the String made of them showed in profiles).
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var scalars = 0
        var allDigits = true
        func flush() {
            guard !word.isEmpty else { return }
            defer { word.removeAll(keepingCapacity: true); scalars = 0; allDigits = true }
            if allDigits {
                let year = word.count == 4 && ((word[0] == 0x32 && word[1] == 0x30) || (word[0] == 0x31 && word[1] == 0x39))
                out.append(year ? "__tahun__" : "__angka__")
                return
            }
            let w = String(decoding: word, as: UTF8.self)
            if let full = abbreviations[w] { out += full; return }
            if scalars >= 2 { out.append(w) }
        }
        for u in text.unicodeScalars {
            let v = u.value
            if v < 0x80 {
                if v >= 0x30 && v <= 0x39 { word.append(UInt8(v)); scalars += 1 }
                else if (v >= 0x61 && v <= 0x7A) || v == 0x5F { word.append(UInt8(v)); scalars += 1; allDigits = false }
                else if v >= 0x41 && v <= 0x5A { word.append(UInt8(v + 32)); scalars += 1; allDigits = false }
                else { flush() }
            } else if u.properties.isAlphabetic {
                let lower = u.properties.lowercaseMapping
                word.append(contentsOf: lower.utf8)
                scalars += lower.unicodeScalars.count
                allDigits = false
            } else if u.properties.numericType != nil {
                word.append(contentsOf: String(u).utf8)
                scalars += 1
            } else {
                flush()
            }
        }
        flush()
    }

    /// Features of a mail: subject words (prefixed), body words and word pairs without stopwords,
    /// attachment-name words, and the sender's class.
    public static func features(_ input: ClassificationInput) -> [String] {
        var f: [String] = []
        let subject = words(SubjectNormalizer.normalize(input.subject)).filter { !stopwords.contains($0) }
        f += subject.map { "s:" + $0 }
        // The first 20,000 characters: enough for any question, and a pasted report must not cost more.
        let body = words(ownText(String(input.text.prefix(20_000)))).filter { !stopwords.contains($0) }
        f += body
        if body.count > 1 {
            for i in 0..<(body.count - 1) { f.append(body[i] + "_" + body[i + 1]) }
        }
        for name in input.attachmentNames {
            f += words(name.replacingOccurrences(of: "_", with: " ")).map { "a:" + $0 }
        }
        f.append("c:" + (input.senderClass ?? SenderDirectory.profile(forEmail: input.senderEmail).senderClass).rawValue)
        return f
    }
}

extension Tokenizer {
    /// Features for the spam model, in the manner of SpamBayes: whitespace-separated words with their
    /// punctuation (spam likes "$$$" and "GRATIS!!"), URL hosts, the sender's address and domain, which headers
    /// are present, the content type and mailer, and attachment types. The whole text counts here, quotes included.
    public static func spamFeatures(_ input: ClassificationInput) -> Set<String> {
        var f = Set<String>()
        f.reserveCapacity(256)
        var bytes: [UInt8] = []   // one buffer for every word (an array per word showed in profiles)
        func addWords(_ text: String, prefix: String) {
            func feature(_ s: some StringProtocol) -> String { prefix.isEmpty ? String(s) : prefix + s }
            var previous = ""
            for chunk in text.utf8.prefix(20_000).split(whereSeparator: isSpaceByte) {
                // Punctuation around a word is dropped, inside it kept ("$$$", "gratis!!" stay distinct).
                var lo = chunk.startIndex, hi = chunk.endIndex
                while lo < hi, isTrimmed[Int(chunk[chunk.index(before: hi)])] { hi = chunk.index(before: hi) }
                while lo < hi, isTrimmed[Int(chunk[lo])] { lo = chunk.index(after: lo) }
                bytes.removeAll(keepingCapacity: true)
                var ascii = true
                for b in chunk[lo..<hi] {
                    if b >= 0x80 { ascii = false }
                    bytes.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
                }
                var w = String(decoding: bytes, as: UTF8.self)
                if !ascii { w = w.lowercased() }
                let length = ascii ? bytes.count : w.count
                if length >= 2, length <= 12 {
                    if !previous.isEmpty { f.insert(prefix + previous + " " + w) }
                    previous = w
                }
                if length < 3 {
                    continue
                } else if startsWithURL(bytes) {
                    f.insert(prefix + "proto:" + (w.hasPrefix("https") ? "https" : "http"))
                    let host = w.split(separator: "/", omittingEmptySubsequences: true).dropFirst(w.hasPrefix("www.") ? 0 : 1).first ?? ""
                    for part in host.split(separator: ".") { f.insert(prefix + "url:" + part) }
                } else if bytes.contains(0x2E), let at = w.utf8.firstIndex(of: 0x40) {
                    f.insert(prefix + "email:" + w[w.utf8.index(after: at)...])
                } else if length > 12 {
                    f.insert(prefix + "skip:" + String(w.first!) + String(length / 10 * 10))
                } else {
                    f.insert(feature(w))
                }
            }
        }
        addWords(input.subject, prefix: "s:")
        addWords(input.text, prefix: "")
        let sender = input.senderEmail.lowercased()
        f.insert("from:" + sender)
        if let at = sender.firstIndex(of: "@") { f.insert("fromdomain:" + sender[sender.index(after: at)...]) }
        f.insert("c:" + (input.senderClass ?? SenderDirectory.profile(forEmail: sender).senderClass).rawValue)
        var recipients = 0
        for (name, value) in input.headers {
            let n = name.lowercased()
            f.insert("hdr:" + n)
            switch n {
            case "content-type":
                let v = value.lowercased()
                f.insert("ct:" + (v.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""))
                if let r = v.range(of: "charset=") {
                    f.insert("charset:" + v[r.upperBound...].prefix { !";\" ".contains($0) }.lowercased())
                }
            case "x-mailer", "user-agent":
                f.insert("mailer:" + (value.lowercased().split(separator: " ").first.map(String.init) ?? ""))
            case "to", "cc":
                recipients += value.split(separator: ",").count
                let v = value.lowercased()
                if v.contains("undisclosed") { f.insert("to:undisclosed") }
                if v.contains(sender) && !sender.isEmpty { f.insert("to:self") }
            case "content-transfer-encoding":
                f.insert("cte:" + value.lowercased().trimmingCharacters(in: .whitespaces))
            case "x-priority", "x-msmail-priority", "importance":
                f.insert(n + ":" + value.lowercased().trimmingCharacters(in: .whitespaces).prefix(10))
            case "date":
                f.insert("tz:" + (value.split(separator: " ").last.map(String.init) ?? ""))
            case "message-id":
                if let at = value.firstIndex(of: "@") {
                    f.insert("mid:" + value[value.index(after: at)...].lowercased())
                } else {
                    f.insert("mid:none")
                }
            case "from":
                for w in value.lowercased().split(whereSeparator: { " <>\"".contains($0) }) where !w.contains("@") {
                    f.insert("fromname:" + w)
                }
            case "reply-to":
                if !value.lowercased().contains(sender) { f.insert("replyto:differs") }
            default: break
            }
        }
        f.insert("rcpts:" + String(min(recipients, 10)))
        let subjectLetters = input.subject.filter(\.isLetter)
        if subjectLetters.count >= 8, subjectLetters.allSatisfy(\.isUppercase) { f.insert("s:ALLCAPS") }
        if input.subject.contains("!") { f.insert("s:bang") }
        if let html = input.html { htmlFeatures(html, into: &f) }
        for name in input.attachmentNames {
            f.insert("att:" + ((name as NSString).pathExtension.lowercased()))
        }
        return f
    }

    /// Markup is evidence too: the tags and the font/colour attributes of an HTML part (its first 30 KB).
    static func htmlFeatures(_ html: String, into f: inout Set<String>) {
        f.insert("html:yes")
        let bytes = Array(html.utf8.prefix(30_000))
        var i = 0
        func isName(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 45 }
        while i < bytes.count {
            guard bytes[i] == 60 else { i += 1; continue }   // "<"
            var j = i + 1
            if j < bytes.count, bytes[j] == 47 { j += 1 }      // "/"
            let start = j
            while j < bytes.count, isName(bytes[j]) { j += 1 }
            if j > start {
                let tag = String(decoding: bytes[start..<j], as: UTF8.self).lowercased()
                f.insert("tag:" + tag)
                // Attribute values of presentation attributes, e.g. color=#ff0000, size=+2.
                var end = j
                while end < bytes.count, bytes[end] != 62, end - j < 400 { end += 1 }
                let attrs = bytes[j..<end]
                for name in presentationAttributes {
                    guard let at = find(name, in: attrs) else { continue }
                    var k = at + name.count
                    while k < end, bytes[k] == 34 || bytes[k] == 39 { k += 1 }   // quotes
                    var e = k
                    while e < end, e - k < 20, bytes[e] != 34, bytes[e] != 39, bytes[e] != 32 { e += 1 }
                    f.insert("attr:" + String(decoding: name, as: UTF8.self) + String(decoding: bytes[k..<e], as: UTF8.self).lowercased())
                }
                i = end
            } else {
                i = j
            }
        }
    }

    private static let presentationAttributes: [[UInt8]] = ["color=", "face=", "size=", "bgcolor=", "align="].map { Array($0.utf8) }

    /// Index of `needle` in `hay`, ASCII case-insensitively.
    private static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        while i <= hay.endIndex - needle.count {
            var k = 0
            while k < needle.count, hay[i + k] | 0x20 == needle[k] { k += 1 }
            if k == needle.count { return i }
            i += 1
        }
        return nil
    }

    /// Bytes trimmed from both ends of a spam-model word, as a table indexed by byte.
    private static let isTrimmed: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for b in ".,;:?\"'()[]<>{}*".utf8 { t[Int(b)] = true }
        return t
    }()
}
