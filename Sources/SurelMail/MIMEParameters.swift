// Content-Type and Content-Disposition values with their parameters (RFC 2045 §5.1, RFC 2183, RFC 2231), read in
// Swift from the raw bytes. This replaced Mailutils' `mu_mime_header_parse`, which crashed (double frees, NULL
// dereferences) on malformed RFC 2231 syntax that any sender can write. Lenient on purpose: comments anywhere,
// spaces around `*` and `=`, unquoted values with spaces (`name=Surat Permohonan.pdf`), missing `;` before a
// parameter, a charset part with one quote, bad percent escapes (kept as written). Linear in the input.
import Foundation

enum MIMEParameters {
    /// The value (lowercased, e.g. "multipart/mixed") and the parameters (names lowercased, values decoded).
    static func parse(_ raw: [UInt8]) -> (value: String, params: [String: String]) {
        var i = 0
        let n = raw.count
        // The value: up to the first ';' outside quotes and comments; a missing ';' before a parameter
        // (`multipart/related boundary="x"`) is mended by stopping at the first whitespace after a token.
        var value: [UInt8] = []
        while i < n, raw[i] != 0x3B {
            let c = raw[i]
            if c == 0x28 { i = skipComment(raw, i); continue }
            if c == 0x20 || c == 0x09 {
                if !value.isEmpty { break }
                i += 1; continue
            }
            if c == 0x22 { i += 1; continue }
            value.append(HeaderField.lower(c))
            i += 1
        }
        var plain: [String: String] = [:]
        var extended: [String: [Segment]] = [:]
        while i < n {
            // One parameter: name, '=', value; anything unreadable up to the next ';' is skipped.
            while i < n, raw[i] == 0x3B || raw[i] == 0x20 || raw[i] == 0x09 || raw[i] == 0x28 {
                i = raw[i] == 0x28 ? skipComment(raw, i) : i + 1
            }
            var name: [UInt8] = []
            while i < n, raw[i] != 0x3D, raw[i] != 0x3B {
                if raw[i] == 0x28 { i = skipComment(raw, i); continue }
                if raw[i] > 0x20, raw[i] != 0x22 { name.append(HeaderField.lower(raw[i])) }
                i += 1
            }
            guard i < n, raw[i] == 0x3D else { continue }
            i += 1
            while i < n, raw[i] == 0x20 || raw[i] == 0x09 || raw[i] == 0x28 {
                i = raw[i] == 0x28 ? skipComment(raw, i) : i + 1
            }
            var v: [UInt8] = []
            var quoted = false
            if i < n, raw[i] == 0x22 {
                quoted = true
                i += 1
                while i < n, raw[i] != 0x22 {
                    if raw[i] == 0x5C, i + 1 < n { i += 1 }
                    v.append(raw[i]); i += 1
                }
                i += 1
                while i < n, raw[i] != 0x3B { i += 1 }  // junk after the closing quote
            } else {
                while i < n, raw[i] != 0x3B { v.append(raw[i]); i += 1 }
                while let last = v.last, last == 0x20 || last == 0x09 { v.removeLast() }
            }
            guard !name.isEmpty else { continue }
            let (key, index, isExtended) = splitName(name)
            if isExtended || index != nil {
                extended[key, default: []].append(Segment(index: index ?? 0, extended: isExtended, bytes: v))
            } else if plain[key] == nil {
                plain[key] =
                    quoted || key == "name" || key == "filename" ? decodeText(v) : decodeText(droppingComment(v))
            }
        }
        var params = plain
        // RFC 2231 values win over plain ones of the same name (mailers send both, the plain one as a fallback).
        for (key, segments) in extended { params[key] = joined(segments) }
        return (String(decoding: value, as: UTF8.self), params)
    }

    /// One `name*n[*]=value` piece of an RFC 2231 value.
    private struct Segment {
        var index: Int
        var extended: Bool
        var bytes: [UInt8]
    }

    /// `title*2*` -> ("title", 2, true); `title*` -> ("title", nil, true); `title` -> ("title", nil, false).
    private static func splitName(_ name: [UInt8]) -> (String, Int?, Bool) {
        var n = name[...]
        var isExtended = false
        if n.last == 0x2A { isExtended = true; n = n.dropLast() }
        if let star = n.lastIndex(of: 0x2A) {
            let digits = n[(star + 1)...]
            if !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                let index = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                return (String(decoding: n[..<star], as: UTF8.self), index, isExtended)
            }
        }
        return (String(decoding: n, as: UTF8.self), nil, isExtended)
    }

    /// Segments in index order (duplicates: the first), joined as bytes and decoded once with the charset of
    /// segment 0, so a character split between two segments comes out whole.
    private static func joined(_ segments: [Segment]) -> String {
        var seen = Set<Int>()
        let ordered = segments.filter { seen.insert($0.index).inserted }.sorted { $0.index < $1.index }
        var charset: String?
        var bytes: [UInt8] = []
        for (k, s) in ordered.enumerated() {
            guard s.extended else { bytes += s.bytes; continue }
            var body = s.bytes[...]
            if k == 0, s.index == 0, let q1 = body.firstIndex(of: 0x27),
                let q2 = body[(q1 + 1)...].firstIndex(of: 0x27)
            {
                charset = String(decoding: body[..<q1], as: UTF8.self)
                body = body[(q2 + 1)...]
            }
            bytes += percentDecoded(body)
        }
        guard let charset, !charset.isEmpty else { return decodeText(bytes) }
        var ignored: [String] = []
        return Charset.decode(bytes, charset: charset, warnings: &ignored, context: "parameter")
    }

    /// `%XX` -> one byte; a '%' without two hex digits after it is kept.
    private static func percentDecoded(_ b: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = b.startIndex
        while i < b.endIndex {
            if b[i] == 0x25, i + 2 < b.endIndex, let h = Hex.value(b[i + 1]), let l = Hex.value(b[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else {
                out.append(b[i]); i += 1
            }
        }
        return out
    }

    /// Raw value bytes -> text, with RFC 2047 words (not allowed here, but common in file names) decoded.
    private static func decodeText(_ b: [UInt8]) -> String { EncodedWords.decode(b) }

    /// `us-ascii (Plain text)` -> `us-ascii`: a trailing comment after whitespace.
    private static func droppingComment(_ v: [UInt8]) -> [UInt8] {
        guard v.last == 0x29, let open = v.firstIndex(of: 0x28), open > 0, v[open - 1] == 0x20 || v[open - 1] == 0x09
        else { return v }
        var out = Array(v[..<open])
        while let last = out.last, last == 0x20 || last == 0x09 { out.removeLast() }
        return out
    }

    /// The index after the comment starting at raw[i] == '(' (nested, with backslash escapes; an unclosed one
    /// runs to the end).
    static func skipComment(_ raw: [UInt8], _ start: Int) -> Int {
        var depth = 0
        var i = start
        while i < raw.count {
            switch raw[i] {
            case 0x5C: i += 1
            case 0x28: depth += 1
            case 0x29:
                depth -= 1
                if depth == 0 { return i + 1 }
            default: break
            }
            i += 1
        }
        return raw.count
    }
}
