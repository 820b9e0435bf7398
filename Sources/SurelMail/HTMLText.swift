// HTML -> readable plain text for HTML-only mail: drops script/style/title, turns block tags and <br> into line
// breaks, decodes entities (named and numeric), collapses whitespace. One pass over the UTF-8 bytes, linear time;
// not an HTML parser, and never fails.
import Foundation

enum HTMLText {
    static func text(from html: String) -> String {
        var src = Array(html.utf8)
        src.append(0)  // sentinel, so look-ahead never runs off the end
        let n = src.count - 1
        var out: [UInt8] = []
        out.reserveCapacity(n / 2)
        var pendingSpace = false
        var pendingNewlines = 0  // 1 = line break, 2 = paragraph break

        func flushPending() {
            if pendingNewlines > 0 {
                if !out.isEmpty {
                    // trim trailing spaces of the line, then the breaks (at most two)
                    while let l = out.last, l == 0x20 { out.removeLast() }
                    var have = 0
                    var k = out.count - 1
                    while k >= 0, out[k] == 0x0A { have += 1; k -= 1 }
                    for _ in have..<max(have, pendingNewlines) { out.append(0x0A) }
                }
                pendingNewlines = 0
                pendingSpace = false
            } else if pendingSpace {
                if let l = out.last, l != 0x0A, l != 0x20 { out.append(0x20) }
                pendingSpace = false
            }
        }
        func emit(_ bytes: [UInt8]) { flushPending(); out.append(contentsOf: bytes) }
        func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }
        /// Index of the first case-insensitive occurrence of `needle` at or after `from`, or nil.
        func find(_ needle: [UInt8], from: Int) -> Int? {
            guard !needle.isEmpty, from < n else { return nil }
            var i = from
            let first = needle[0]
            while i + needle.count <= n {
                if lower(src[i]) == first {
                    var j = 1
                    while j < needle.count, lower(src[i + j]) == needle[j] { j += 1 }
                    if j == needle.count { return i }
                }
                i += 1
            }
            return nil
        }

        var missingCloseFrom: [[UInt8]: Int] = [:]
        var i = 0
        while i < n {
            let b = src[i]
            if b == 0x3C {  // '<'
                let c = src[i + 1]
                if c == 0x21 {  // "<!": comment, doctype, CDATA
                    if src[i + 2] == 0x2D, src[i + 3] == 0x2D {
                        if let e = find(Array("-->".utf8), from: i + 4) { i = e + 3 } else { i = n }
                    } else {
                        if let e = find([0x3E], from: i + 2) { i = e + 1 } else { i = n }
                    }
                    continue
                }
                let isLetter = (lower(c) >= 0x61 && lower(c) <= 0x7A)
                let closing = c == 0x2F
                if !isLetter && !closing && c != 0x3F {
                    // a lone '<' in text
                    emit([0x3C]); i += 1; continue
                }
                // tag name
                var j = i + 1 + (closing ? 1 : 0)
                var name: [UInt8] = []
                while j < n, !isSpace(src[j]), src[j] != 0x3E, src[j] != 0x2F {
                    name.append(lower(src[j])); j += 1
                    if name.count > 16 { break }
                }
                // end of tag, skipping quoted attribute values
                var quote: UInt8 = 0
                while j < n {
                    let d = src[j]
                    if quote != 0 {
                        if d == quote { quote = 0 }
                    } else if d == 0x22 || d == 0x27 {
                        quote = d
                    } else if d == 0x3E {
                        break
                    }
                    j += 1
                }
                i = min(j + 1, n)
                if !closing, name == Array("script".utf8) || name == Array("style".utf8) || name == Array("title".utf8)
                {
                    // Once a closing tag is known to be missing from some point on, later opening tags of that
                    // name do not search again: 100,000 unclosed <script> tags would each rescan to the end.
                    if i < (missingCloseFrom[name] ?? Int.max), let e = find([0x3C, 0x2F] + name, from: i) {
                        i = e
                        if let g = find([0x3E], from: e) { i = g + 1 } else { i = n }
                    } else {
                        missingCloseFrom[name] = min(missingCloseFrom[name] ?? Int.max, i)
                    }  // no closing tag: keep going, treat as text
                    continue
                }
                switch String(decoding: name, as: UTF8.self) {
                case "br":
                    pendingSpace = false
                    flushPending()
                    out.append(0x0A)
                case "p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
                    "section", "article", "header", "footer", "dl", "form", "center", "address", "fieldset", "body":
                    pendingNewlines = max(pendingNewlines, 2)
                case "tr", "li", "dt", "dd", "caption", "option", "nav", "aside", "main", "figure", "figcaption":
                    pendingNewlines = max(pendingNewlines, 1)
                case "td", "th":
                    pendingSpace = true
                default:
                    break
                }
                continue
            }
            if b == 0x26 {  // '&'
                if let (bytes, len) = entity(src, i, n) {
                    if bytes == [0x20] { pendingSpace = true } else { emit(bytes) }
                    i += len
                } else {
                    emit([0x26]); i += 1
                }
                continue
            }
            if isSpace(b) {
                pendingSpace = true
                i += 1
                continue
            }
            // run of ordinary bytes
            flushPending()
            var j = i
            while j < n, src[j] != 0x3C, src[j] != 0x26, !isSpace(src[j]) { j += 1 }
            out.append(contentsOf: src[i..<j])
            i = j
        }
        while let l = out.last, l == 0x20 || l == 0x0A { out.removeLast() }
        var s = String(decoding: out, as: UTF8.self)
        if s.first == "\n" || s.first == " " { s = s.trimmedWS }
        return s
    }

    private static let named: [String: UInt32] = [
        "nbsp": 0x20, "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "copy": 0xA9, "reg": 0xAE,
        "trade": 0x2122, "hellip": 0x2026, "mdash": 0x2014, "ndash": 0x2013, "lsquo": 0x2018, "rsquo": 0x2019,
        "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E, "bull": 0x2022, "middot": 0xB7,
        "euro": 0x20AC, "pound": 0xA3, "yen": 0xA5, "cent": 0xA2, "sect": 0xA7, "deg": 0xB0, "plusmn": 0xB1,
        "times": 0xD7, "divide": 0xF7, "laquo": 0xAB, "raquo": 0xBB, "shy": 0xAD, "ensp": 0x20, "emsp": 0x20,
        "thinsp": 0x20, "zwnj": 0x200C, "zwj": 0x200D, "iexcl": 0xA1, "iquest": 0xBF, "para": 0xB6, "frac12": 0xBD,
        "frac14": 0xBC, "frac34": 0xBE, "sup2": 0xB2, "sup3": 0xB3, "micro": 0xB5, "larr": 0x2190, "rarr": 0x2192,
        "uarr": 0x2191, "darr": 0x2193, "dagger": 0x2020, "Dagger": 0x2021, "permil": 0x2030, "prime": 0x2032,
        "Agrave": 0xC0, "Aacute": 0xC1, "Acirc": 0xC2, "Atilde": 0xC3, "Auml": 0xC4, "Aring": 0xC5, "AElig": 0xC6,
        "Ccedil": 0xC7, "Egrave": 0xC8, "Eacute": 0xC9, "Ecirc": 0xCA, "Euml": 0xCB, "Igrave": 0xCC, "Iacute": 0xCD,
        "Icirc": 0xCE, "Iuml": 0xCF, "ETH": 0xD0, "Ntilde": 0xD1, "Ograve": 0xD2, "Oacute": 0xD3, "Ocirc": 0xD4,
        "Otilde": 0xD5, "Ouml": 0xD6, "Oslash": 0xD8, "Ugrave": 0xD9, "Uacute": 0xDA, "Ucirc": 0xDB, "Uuml": 0xDC,
        "Yacute": 0xDD, "THORN": 0xDE, "szlig": 0xDF, "agrave": 0xE0, "aacute": 0xE1, "acirc": 0xE2, "atilde": 0xE3,
        "auml": 0xE4, "aring": 0xE5, "aelig": 0xE6, "ccedil": 0xE7, "egrave": 0xE8, "eacute": 0xE9, "ecirc": 0xEA,
        "euml": 0xEB, "igrave": 0xEC, "iacute": 0xED, "icirc": 0xEE, "iuml": 0xEF, "eth": 0xF0, "ntilde": 0xF1,
        "ograve": 0xF2, "oacute": 0xF3, "ocirc": 0xF4, "otilde": 0xF5, "ouml": 0xF6, "oslash": 0xF8, "ugrave": 0xF9,
        "uacute": 0xFA, "ucirc": 0xFB, "uuml": 0xFC, "yacute": 0xFD, "thorn": 0xFE, "yuml": 0xFF, "OElig": 0x152,
        "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192, "circ": 0x2C6, "tilde": 0x2DC,
    ]

    /// Decodes the entity starting at src[i] == '&'; returns its UTF-8 bytes and the length consumed.
    private static func entity(_ src: [UInt8], _ i: Int, _ n: Int) -> ([UInt8], Int)? {
        var j = i + 1
        if src[j] == 0x23 {  // '#'
            j += 1
            var hex = false
            if src[j] == 0x78 || src[j] == 0x58 { hex = true; j += 1 }
            var v: UInt32 = 0
            let digitsStart = j
            while j < n, j - digitsStart < 8 {
                let d = src[j]
                if d >= 0x30 && d <= 0x39 {
                    v = v &* (hex ? 16 : 10) &+ UInt32(d - 0x30)
                } else if hex, (d | 0x20) >= 0x61, (d | 0x20) <= 0x66 {
                    v = v &* 16 &+ UInt32((d | 0x20) - 0x61 + 10)
                } else {
                    break
                }
                j += 1
            }
            guard j > digitsStart else { return nil }
            if src[j] == 0x3B { j += 1 }
            if v == 0xA0 { return ([0x20], j - i) }
            // Numeric references in 0x80...0x9F mean windows-1252 (HTML5); others must be valid scalars.
            if v >= 0x80 && v < 0xA0 { return (Array(Charset.windows1252([UInt8(v)]).utf8), j - i) }
            guard let scalar = Unicode.Scalar(v), v != 0 else { return ([], j - i) }  // invalid reference: dropped
            return (Array(String(Character(scalar)).utf8), j - i)
        }
        let start = j
        while j < n, j - start < 10,
            (src[j] | 0x20) >= 0x61 && (src[j] | 0x20) <= 0x7A || (src[j] >= 0x30 && src[j] <= 0x39)
        { j += 1 }
        guard j > start else { return nil }
        let name = String(decoding: src[start..<j], as: UTF8.self)
        guard let v = named[name] ?? named[name.lowercased()], let scalar = Unicode.Scalar(v) else { return nil }
        if src[j] == 0x3B { j += 1 }
        return (Array(String(Character(scalar)).utf8), j - i)
    }
}
