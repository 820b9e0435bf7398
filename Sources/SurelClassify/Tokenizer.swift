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
        "krn": ["karena"], "tdk": ["tidak"], "yg": ["yang"], "dr": ["dari"], "bpk": ["bapak"],
        "ibu/bpk": ["bapak", "ibu"],
        "sy": ["saya"], "kmi": ["kami"], "sbg": ["sebagai"], "thn": ["tahun"], "ta": ["tahun", "anggaran"],
        "bln": ["bulan"], "pd": ["pada"], "dlm": ["dalam"], "spt": ["seperti"], "tsb": ["tersebut"], "dll": ["lain"],
        "jg": ["juga"], "sj": ["saja"], "gmn": ["bagaimana"], "bgmn": ["bagaimana"], "kpd": ["kepada"],
        "dpt": ["dapat"], "hrs": ["harus"], "msh": ["masih"], "lg": ["lagi"], "kab": ["kabupaten"],
        "prov": ["provinsi"],
    ]

    /// Words too common to tell categories apart.
    static let stopwords: Set<String> = [
        "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "atau", "juga", "akan", "dalam",
        "adalah", "kami", "kita", "saya", "anda", "bapak", "ibu", "terima", "kasih", "mohon", "dapat", "bisa",
        "tersebut",
        "sebagai", "oleh", "karena", "jika", "apakah", "bagaimana", "ada", "tidak", "sudah", "belum", "telah", "agar",
        "the", "and", "of", "to", "a", "in", "is", "for", "you", "your", "on", "with", "this", "that",
        "hormat", "terhormat", "salam", "selamat", "pagi", "siang", "sore", "malam", "assalamualaikum", "wr", "wb",
        "perhatian", "kerja", "samanya", "sama", "demikian", "sampaikan", "atas", "para", "yth",
    ]

    private static let letterNumber = try! NSRegularExpression(
        pattern:
            #"\b(?:[A-Z]{1,4}-\d{1,5}/[A-Za-z0-9.\-]+(?:/[A-Za-z0-9.\-]+)*/\d{4}|\d{3}(?:\.\d{1,3})*/[A-Za-z0-9.\-]+(?:/[A-Za-z0-9.\-]+)*)\b"#
    )
    private static let quoteStart = try! NSRegularExpression(
        pattern: #"""
            ^(?:>|-{2,}\s*(?:original message|pesan asli|forwarded message|pesan yang diteruskan)|(?:on|pada)\s.{0,160}(?:wrote|menulis)\s*:|_{10,})
            """#.trimmingCharacters(in: .whitespacesAndNewlines), options: [.caseInsensitive, .anchorsMatchLines])
    private static let signatureStart = try! NSRegularExpression(
        pattern: #"""
            ^(?:--\s*$|dikirim dari|sent from|disclaimer|pernyataan|catatan\s*:|this e-?mail (?:and any|is confidential)|email ini (?:dan|bersifat))
            """#.trimmingCharacters(in: .whitespacesAndNewlines), options: [.caseInsensitive, .anchorsMatchLines])

    /// What a line must start with for `quoteStart` / `signatureStart` to match there (lowercase ASCII).
    private static let quoteLineStarts = [">", "--", "on", "pada", "__________"].map { Array($0.utf8) }
    private static let signatureLineStarts = [
        "--", "dikirim dari", "sent from", "disclaimer", "pernyataan", "catatan",
        "this e", "email ini",
    ].map { Array($0.utf8) }

    /// The part of a mail body the sender wrote: before quoted replies and the signature/disclaimer block.
    /// An expression runs only on text with a line that can start its match (it bridges the whole text to
    /// UTF-16 and tries every line; most mails have neither quote nor signature).
    public static func ownText(_ text: String) -> String {
        ownText(text, skipping: true)
    }

    static func ownText(_ text: String, skipping: Bool) -> String {
        var t = text
        for (re, starts) in [(quoteStart, quoteLineStarts), (signatureStart, signatureLineStarts)] {
            if skipping, !someLineMayStart(t, with: starts) { continue }
            if let m = re.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)), let r = Range(m.range, in: t),
                t.distance(from: t.startIndex, to: r.lowerBound) > 40
            {
                t = String(t[..<r.lowerBound])
            }
        }
        return t
    }

    /// Whether a line of `text` starts with one of `prefixes`, ASCII case-insensitively; always true for text with
    /// a non-ASCII byte (ICU's case-insensitive matching folds some of those to ASCII letters: "ſ" matches "s").
    /// Line starts are counted after CR as well as LF, a superset of where ICU's `^` matches.
    static func someLineMayStart(_ text: String, with prefixes: [[UInt8]]) -> Bool {
        var text = text
        return text.withUTF8 { b in
            if b.contains(where: { $0 >= 0x80 }) { return true }
            var start = 0
            while true {
                for p in prefixes where b.count - start >= p.count {
                    var k = 0
                    while k < p.count {
                        let c = b[start + k]
                        guard (c >= 0x41 && c <= 0x5A ? c | 0x20 : c) == p[k] else { break }  // ASCII lowercase
                        k += 1
                    }
                    if k == p.count { return true }
                }
                var i = start
                while i < b.count, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
                guard i < b.count else { return false }
                start = i + 1
            }
        }
    }

    /// Lowercased word tokens with class tokens for letter numbers, numbers, addresses and URLs (as strings: for
    /// tests and readers; the models take `features`, which hashes the same words without building strings).
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        forEachWord(text) { w, _ in out.append(String(decoding: w, as: UTF8.self)) }
        return out
    }

    /// Calls `body` with each word of `text`: its lowercased UTF-8 bytes and their FeatureHash.
    /// Works on whitespace-separated chunks (classified by cheap byte tests; the letter-number expression only
    /// runs on chunks with a slash), then on runs of letters and digits: a regular expression over the whole
    /// text cost more than everything else the classifier does.
    static func forEachWord(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) {
        var text = text
        text.withUTF8 { all in
            var word: [UInt8] = []  // one buffer for every word
            word.reserveCapacity(64)
            var i = 0
            let n = all.count
            while i < n {
                while i < n, isSpaceByte(all[i]) { i += 1 }
                let start = i
                while i < n, !isSpaceByte(all[i]) { i += 1 }
                guard i > start else { continue }
                let chunk = UnsafeBufferPointer(rebasing: all[start..<i])
                let trimmed = chunk.drop { $0 == 0x28 || $0 == 0x3C || $0 == 0x5B || $0 == 0x22 || $0 == 0x27 }
                if startsWithURL(trimmed) { FixedToken.url.emit(body); continue }
                if chunk.contains(0x40), chunk.contains(0x2E) { FixedToken.email.emit(body); continue }
                if chunk.contains(0x2F) {
                    let s = String(decoding: chunk, as: UTF8.self)
                    if let m = letterNumber.firstMatch(in: s, range: NSRange(location: 0, length: s.utf16.count)),
                        let r = Range(m.range, in: s)
                    {
                        let before = s.utf8.distance(from: s.startIndex, to: r.lowerBound)
                        let after = s.utf8.distance(from: s.startIndex, to: r.upperBound)
                        wordRuns(UnsafeBufferPointer(rebasing: chunk[..<before]), &word, body)
                        FixedToken.letterNumber.emit(body)
                        wordRuns(UnsafeBufferPointer(rebasing: chunk[after...]), &word, body)
                        continue
                    }
                }
                wordRuns(chunk, &word, body)
            }
        }
    }

    /// A word the tokenizer puts in itself: the class tokens that stand for a kind of word, and the words an
    /// abbreviation is spelled out to.
    struct FixedToken {
        let bytes: [UInt8]
        let hash: UInt64
        init(_ s: String) { bytes = Array(s.utf8); hash = FeatureHash.of(s) }
        func emit(_ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) {
            bytes.withUnsafeBufferPointer { body($0, hash) }
        }
        static let url = FixedToken("__url__"), email = FixedToken("__email__"),
            letterNumber = FixedToken("__nomorsurat__")
        static let year = FixedToken("__tahun__"), number = FixedToken("__angka__")
    }

    /// `abbreviations` by the hash of the abbreviation.
    private static let spelledOut: [UInt64: [FixedToken]] = abbreviations.reduce(into: [:]) { d, e in
        d[FeatureHash.of(e.key)] = e.value.map(FixedToken.init)
    }
    static let stopwordHashes = Set(stopwords.map(FeatureHash.of))

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

    /// Runs of letters, digits and underscores in a chunk of UTF-8, lowercased; numbers become class tokens,
    /// abbreviations are spelled out, one-letter runs dropped.
    static func wordRuns(
        _ text: UnsafeBufferPointer<UInt8>, _ word: inout [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>, UInt64) -> Void
    ) {
        word.removeAll(keepingCapacity: true)
        var scalars = 0
        var allDigits = true
        func flush() {
            guard !word.isEmpty else { return }
            defer { word.removeAll(keepingCapacity: true); scalars = 0; allDigits = true }
            if allDigits {
                let year =
                    word.count == 4 && ((word[0] == 0x32 && word[1] == 0x30) || (word[0] == 0x31 && word[1] == 0x39))
                (year ? FixedToken.year : FixedToken.number).emit(body)
                return
            }
            word.withUnsafeBufferPointer { w in
                let h = FeatureHash.add(FeatureHash.basis, w)
                if let full = spelledOut[h] {
                    for t in full { t.emit(body) }
                } else if scalars >= 2 {
                    body(w, h)
                }
            }
        }
        var i = 0
        let n = text.count
        while i < n {
            let b = text[i]
            if b < 0x80 {
                i += 1
                if b >= 0x30 && b <= 0x39 {
                    word.append(b); scalars += 1
                } else if (b >= 0x61 && b <= 0x7A) || b == 0x5F {
                    word.append(b); scalars += 1; allDigits = false
                } else if b >= 0x41 && b <= 0x5A {
                    word.append(b + 32); scalars += 1; allDigits = false
                } else {
                    flush()
                }
                continue
            }
            // A multi-byte scalar (the text is valid UTF-8: it came from a String).
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            var v = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            var k = 1
            while k < length, i + k < n { v = v << 6 | UInt32(text[i + k] & 0x3F); k += 1 }
            i += length
            guard let u = Unicode.Scalar(v) else { flush(); continue }
            if u.properties.isAlphabetic {
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

    private static let subjectPrefix = FeatureHash.of("s:"), attachmentPrefix = FeatureHash.of("a:")

    /// Features of a mail: subject words (prefixed), body words and word pairs without stopwords,
    /// attachment-name words, and the sender's class.
    public static func features(_ input: ClassificationInput, keepingNames: Bool = false) -> Features {
        var f = Features(keepingNames: keepingNames)
        let keep = f.keepsNames
        func text(_ w: UnsafeBufferPointer<UInt8>) -> String { String(decoding: w, as: UTF8.self) }
        forEachWord(SubjectNormalizer.normalize(input.subject)) { w, h in
            guard !stopwordHashes.contains(h) else { return }
            f.add(FeatureHash.add(subjectPrefix, w), "s:" + text(w))
        }
        // The first 20,000 characters: enough for any question, and a pasted report must not cost more.
        let body = input.text.utf8.count <= 20_000 ? input.text : String(input.text.prefix(20_000))
        var previous: UInt64?
        var previousName = ""
        forEachWord(ownText(body)) { w, h in
            guard !stopwordHashes.contains(h) else { return }
            f.add(h, text(w))
            if let p = previous {
                f.add(FeatureHash.add(FeatureHash.add(p, 0x5F), w), previousName + "_" + text(w))  // "a_b"
            }
            previous = h
            if keep { previousName = text(w) }
        }
        for name in input.attachmentNames {
            forEachWord(name.replacingOccurrences(of: "_", with: " ")) { w, _ in
                f.add(FeatureHash.add(attachmentPrefix, w), "a:" + text(w))
            }
        }
        f.add(
            name: "c:"
                + (input.senderClass ?? SenderDirectory.profile(forEmail: input.senderEmail).senderClass).rawValue)
        return f
    }
}

extension Tokenizer {
    /// Features for the spam model, in the manner of SpamBayes: whitespace-separated words with their
    /// punctuation (spam likes "$$$" and "GRATIS!!"), URL hosts, the sender's address and domain, which headers
    /// are present, the content type and mailer, and attachment types. The whole text counts here, quotes included.
    public static func spamFeatures(_ input: ClassificationInput, keepingNames: Bool = false) -> Features {
        var f = Features(keepingNames: keepingNames)
        var bytes: [UInt8] = []  // one buffer for every word (an array per word showed in profiles)
        spamWords(input.subject, prefix: "s:", into: &f, buffer: &bytes)
        spamWords(input.text, prefix: "", into: &f, buffer: &bytes)
        spamOtherFeatures(input, into: &f)
        f.deduplicate()
        return f
    }

    /// The words of a text for the spam model (a static function with its state passed in: as a local function
    /// capturing `f` and the buffer, every access to them was checked for exclusivity at run time).
    private static func spamWords(_ text: String, prefix: String, into f: inout Features, buffer bytes: inout [UInt8]) {
        let keep = f.keepsNames
        let prefixHash = FeatureHash.of(prefix)
        var previous: UInt64?  // hash of prefix + the previous word of 2-12 characters
        var previousName = ""
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
            var length = bytes.count
            var lowered: String?  // the word, when it had to be lowercased as a String
            if !ascii {
                let w = String(decoding: bytes, as: UTF8.self).lowercased()
                bytes = Array(w.utf8)
                length = w.count
                lowered = w
            }
            func word() -> String { lowered ?? String(decoding: bytes, as: UTF8.self) }
            let h = bytes.withUnsafeBufferPointer { FeatureHash.add(prefixHash, $0) }  // prefix + word
            if length >= 2, length <= 12 {
                if let p = previous {
                    let pair = bytes.withUnsafeBufferPointer { FeatureHash.add(FeatureHash.add(p, 0x20), $0) }
                    f.add(pair, prefix + previousName + " " + word())
                }
                previous = h
                if keep { previousName = word() }
            }
            if length < 3 {
                continue
            } else if startsWithURL(bytes) {
                let w = word()
                f.add(name: prefix + "proto:" + (w.hasPrefix("https") ? "https" : "http"))
                let host =
                    w.split(separator: "/", omittingEmptySubsequences: true).dropFirst(w.hasPrefix("www.") ? 0 : 1)
                    .first ?? ""
                for part in host.split(separator: ".") { f.add(name: prefix + "url:" + part) }
            } else if bytes.contains(0x2E), bytes.contains(0x40) {
                let w = word()
                f.add(name: prefix + "email:" + w[w.utf8.index(after: w.utf8.firstIndex(of: 0x40)!)...])
            } else if length > 12 {
                let w = word()
                f.add(name: prefix + "skip:" + String(w.first!) + String(length / 10 * 10))
            } else {
                f.add(h, prefix + word())
            }
        }
    }

    /// Sender, headers, subject shape, markup and attachment types.
    private static func spamOtherFeatures(_ input: ClassificationInput, into f: inout Features) {
        let sender = input.senderEmail.lowercased()
        f.add(name: "from:" + sender)
        if let at = sender.firstIndex(of: "@") { f.add(name: "fromdomain:" + sender[sender.index(after: at)...]) }
        f.add(name: "c:" + (input.senderClass ?? SenderDirectory.profile(forEmail: sender).senderClass).rawValue)
        var recipients = 0
        for (name, value) in input.headers {
            let n = name.lowercased()
            f.add(name: "hdr:" + n)
            switch n {
            case "content-type":
                let v = value.lowercased()
                f.add(
                    name: "ct:" + (v.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""))
                if let r = v.range(of: "charset=") {
                    f.add(name: "charset:" + v[r.upperBound...].prefix { !";\" ".contains($0) }.lowercased())
                }
            case "x-mailer", "user-agent":
                f.add(name: "mailer:" + (value.lowercased().split(separator: " ").first.map(String.init) ?? ""))
            case "to", "cc":
                recipients += value.split(separator: ",").count
                let v = value.lowercased()
                if v.contains("undisclosed") { f.add(name: "to:undisclosed") }
                if v.contains(sender) && !sender.isEmpty { f.add(name: "to:self") }
            case "content-transfer-encoding":
                f.add(name: "cte:" + value.lowercased().trimmingCharacters(in: .whitespaces))
            case "x-priority", "x-msmail-priority", "importance":
                f.add(name: n + ":" + value.lowercased().trimmingCharacters(in: .whitespaces).prefix(10))
            case "date":
                f.add(name: "tz:" + (value.split(separator: " ").last.map(String.init) ?? ""))
            case "message-id":
                if let at = value.firstIndex(of: "@") {
                    f.add(name: "mid:" + value[value.index(after: at)...].lowercased())
                } else {
                    f.add(name: "mid:none")
                }
            case "from":
                for w in value.lowercased().split(whereSeparator: { " <>\"".contains($0) }) where !w.contains("@") {
                    f.add(name: "fromname:" + w)
                }
            case "reply-to":
                if !value.lowercased().contains(sender) { f.add(name: "replyto:differs") }
            default: break
            }
        }
        f.add(name: "rcpts:" + String(min(recipients, 10)))
        let subjectLetters = input.subject.filter(\.isLetter)
        if subjectLetters.count >= 8, subjectLetters.allSatisfy(\.isUppercase) { f.add(name: "s:ALLCAPS") }
        if input.subject.contains("!") { f.add(name: "s:bang") }
        if let html = input.html { htmlFeatures(html, into: &f) }
        for name in input.attachmentNames {
            f.add(name: "att:" + ((name as NSString).pathExtension.lowercased()))
        }
    }

    /// Markup is evidence too: the tags and the font/colour attributes of an HTML part (its first 30 KB).
    static func htmlFeatures(_ html: String, into f: inout Features) {
        f.add(name: "html:yes")
        let bytes = Array(html.utf8.prefix(30_000))
        var i = 0
        func isName(_ b: UInt8) -> Bool {
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 45
        }
        while i < bytes.count {
            guard bytes[i] == 60 else { i += 1; continue }  // "<"
            var j = i + 1
            if j < bytes.count, bytes[j] == 47 { j += 1 }  // "/"
            let start = j
            while j < bytes.count, isName(bytes[j]) { j += 1 }
            if j > start {
                let tag = String(decoding: bytes[start..<j], as: UTF8.self).lowercased()
                f.add(name: "tag:" + tag)
                // Attribute values of presentation attributes, e.g. color=#ff0000, size=+2.
                var end = j
                while end < bytes.count, bytes[end] != 62, end - j < 400 { end += 1 }
                let attrs = bytes[j..<end]
                for name in presentationAttributes {
                    guard let at = find(name, in: attrs) else { continue }
                    var k = at + name.count
                    while k < end, bytes[k] == 34 || bytes[k] == 39 { k += 1 }  // quotes
                    var e = k
                    while e < end, e - k < 20, bytes[e] != 34, bytes[e] != 39, bytes[e] != 32 { e += 1 }
                    f.add(
                        name: "attr:" + String(decoding: name, as: UTF8.self)
                            + String(decoding: bytes[k..<e], as: UTF8.self).lowercased())
                }
                i = end
            } else {
                i = j
            }
        }
    }

    private static let presentationAttributes: [[UInt8]] = ["color=", "face=", "size=", "bgcolor=", "align="].map {
        Array($0.utf8)
    }

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
